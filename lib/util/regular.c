/*
 * lib/util/regular.c - opening outside data without blocking: only
 * regular files are read.
 *
 * A FIFO planted where a hive, a package database, a catalogue, its
 * signature, a key or the state file is expected blocks open(2) and
 * read(2) forever, and a device can be endless or have side effects on
 * reading. Every open of such data goes through here: O_NONBLOCK (a FIFO
 * opens at once and a socket fails), fstat on the descriptor (not the
 * path, which can change), anything but a regular file refused with
 * VZ__ENOTREG, then O_NONBLOCK cleared for ordinary reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vz_int.h"

int vz__fd_regular(int fd)
{
	struct stat st;
	int fl;

	if (fstat(fd, &st) != 0)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = VZ__ENOTREG;
		return -1;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || ((fl & O_NONBLOCK) &&
	               fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0))
		return -1;
	return 0;
}

int vz__open_regular_at(int dirfd, const char *path, int flags)
{
	int fd, e;

	fd = openat(dirfd, path, flags | O_RDONLY | O_NONBLOCK | O_NOCTTY |
	                             O_CLOEXEC);
	if (fd < 0) {
		/* A socket cannot be opened at all: say what it is. */
		if (errno == ENXIO)
			errno = VZ__ENOTREG;
		return -1;
	}
	if (vz__fd_regular(fd) != 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

const char *vz__errstr(int e)
{
	if (e == VZ__ENOTREG || e == ENXIO)
		return "not a regular file";
	return strerror(e);
}
