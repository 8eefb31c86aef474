/*
 * src/outfile.c - streamed output files, replaced atomically (see
 * outfile.h): `voorzorg collect` writes millions of records without
 * holding them, and still never leaves half a file under the name asked.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "outfile.h"

int outfile_open(struct outfile *o, const char *path)
{
	size_t n = strlen(path) + 16;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->path = strdup(path);
	o->tmp = malloc(n);
	if (o->path == NULL || o->tmp == NULL) {
		fprintf(stderr, "%s: out of memory\n", cli_prog);
		outfile_abort(o);
		return -1;
	}
	snprintf(o->tmp, n, "%s.tmp.XXXXXX", path);
	o->fd = mkstemp(o->tmp);
	if (o->fd < 0) {
		fprintf(stderr, "%s: %s: cannot create: %s\n", cli_prog, path,
		        strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		outfile_abort(o);
		return -1;
	}
	return 0;
}

int outfile_write(struct outfile *o, const char *data, size_t len)
{
	size_t off = 0;

	while (!o->failed && off < len) {
		ssize_t w = write(o->fd, data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			o->failed = 1;
			o->err = errno;
			break;
		}
		off += (size_t)w;
	}
	return o->failed ? -1 : 0;
}

int outfile_commit(struct outfile *o)
{
	mode_t um = umask(0);
	int ok;

	umask(um);
	ok = !o->failed && fchmod(o->fd, 0666 & ~um) == 0 &&
	     fsync(o->fd) == 0;
	if (!ok && !o->failed)
		o->err = errno;
	if (close(o->fd) != 0 && ok) {
		ok = 0;
		o->err = errno;
	}
	o->fd = -1;
	if (ok && rename(o->tmp, o->path) != 0) {
		ok = 0;
		o->err = errno;
	}
	if (!ok) {
		fprintf(stderr, "%s: %s: cannot write: %s\n", cli_prog,
		        o->path, strerror(o->err));
		outfile_abort(o);
		return -1;
	}
	free(o->tmp);
	o->tmp = NULL;
	outfile_abort(o);
	return 0;
}

void outfile_abort(struct outfile *o)
{
	if (o->fd >= 0)
		close(o->fd);
	if (o->tmp != NULL)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}

int outfile_inside(const char *root, const char *path)
{
	char r[PATH_MAX], d[PATH_MAX], tmp[PATH_MAX];
	const char *slash;
	size_t n;

	if (realpath(root, r) == NULL)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s", path);
	slash = strrchr(tmp, '/');
	if (slash == NULL)
		snprintf(tmp, sizeof(tmp), ".");
	else if (slash == tmp)
		tmp[1] = '\0';
	else
		tmp[slash - tmp] = '\0';
	if (realpath(tmp, d) == NULL)
		return 0;
	n = strlen(r);
	return strcmp(r, "/") == 0 ||
	       (strncmp(d, r, n) == 0 && (d[n] == '/' || d[n] == '\0'));
}

int outfile_inside_input(const char *output, const char *root,
                         char **pos, int npos, const char *what,
                         const char *verb)
{
	struct stat st;
	int i;

	if (output == NULL)
		return 0;
	if (root != NULL && outfile_inside(root, output) &&
	    !outfile_inside(root, "/")) {
		fprintf(stderr,
		        "%s: %s: refusing to write the %s inside the root "
		        "being %s (%s)\n",
		        cli_prog, output, what, verb, root);
		return 1;
	}
	for (i = 0; i < npos; i++) {
		/* A directory given to walk is read like a root. */
		if (stat(pos[i], &st) == 0 && S_ISDIR(st.st_mode) &&
		    outfile_inside(pos[i], output) &&
		    !outfile_inside(pos[i], "/")) {
			fprintf(stderr,
			        "%s: %s: refusing to write the %s inside a "
			        "directory being %s (%s)\n",
			        cli_prog, output, what, verb, pos[i]);
			return 1;
		}
	}
	return 0;
}
