/*
 * lib/verify/file.c - reading a file whole, and replacing one atomically.
 *
 * Verification must run over the very bytes that are then parsed, so
 * files are read once into memory. Anything this module writes (a
 * signature, the state file) is replaced atomically: a crash leaves the
 * old content or the new one, never a torn file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "verify_int.h"

vz_status vz__file_read(const char *path, size_t max, char **data,
                        size_t *len, vz_error *err)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	ssize_t got;
	int fd = -1;
	vz_status rc = VZ_E_IO;

	*data = NULL;
	*len = 0;
	/* A FIFO or device given as a catalogue, signature, key or state
	 * file must not block us: regular files only. */
	fd = vz__open_regular_at(AT_FDCWD, path, 0);
	if (fd < 0 && errno == VZ__ENOTREG) {
		vz__error_set(err, rc, path, "not a regular file");
		goto out;
	}
	if (fd < 0) {
		rc = errno == ENOENT ? VZ_E_NOTFOUND : VZ_E_IO;
		vz__error_set(err, rc, path, "cannot open: %s",
		              strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		vz__error_set(err, rc, path, "not a regular file");
		goto out;
	}
	if ((unsigned long long)st.st_size > max) {
		vz__error_set(err, rc, path, "file too large (%lld bytes; the "
		              "limit is %zu)", (long long)st.st_size, max);
		goto out;
	}
	buf = vz__malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	/* Read to EOF: a file that grows while we read is refused. */
	for (;;) {
		got = read(fd, buf + n, (size_t)st.st_size + 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			vz__error_set(err, rc, path, "read error: %s",
			              strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > (size_t)st.st_size) {
			vz__error_set(err, rc, path, "file changed while "
			              "being read");
			goto out;
		}
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	buf = NULL;
	rc = VZ_OK;
out:
	if (fd >= 0)
		close(fd);
	vz__free(buf);
	return rc;
}

int vz__fsync_parent(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n;
	int fd, r;

	if (slash == NULL) {
		memcpy(dir, ".", 2);
	} else {
		n = slash == path ? 1 : (size_t)(slash - path);
		if (n >= sizeof(dir))
			return -1;
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

vz_status vz__file_write_atomic(const char *path, const void *data,
                                size_t len, unsigned mode, vz_error *err)
{
	char tmp[4096];
	int fd = -1, made = 0, n;
	vz_status rc = VZ_E_IO;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		vz__error_set(err, rc, path, "path too long");
		goto out;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		vz__error_set(err, rc, path, "cannot create a temporary file "
		              "beside it: %s", strerror(errno));
		goto out;
	}
	made = 1;
	if (fchmod(fd, (mode_t)mode) != 0 || write_all(fd, data, len) != 0 ||
	    fsync(fd) != 0) {
		vz__error_set(err, rc, path, "cannot write: %s",
		              strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		vz__error_set(err, rc, path, "cannot write: %s",
		              strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		vz__error_set(err, rc, path, "cannot replace: %s",
		              strerror(errno));
		goto out;
	}
	made = 0;
	/* The rename is durable only once the directory is. */
	if (vz__fsync_parent(path) != 0) {
		vz__error_set(err, rc, path, "cannot sync its directory: %s",
		              strerror(errno));
		goto out;
	}
	rc = VZ_OK;
out:
	if (fd >= 0)
		close(fd);
	if (made)
		unlink(tmp);
	return rc;
}
