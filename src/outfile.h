/*
 * src/outfile.h - output files written as a stream yet replaced
 * atomically: a temporary file beside the target, renamed over it only
 * when complete, so a reader never sees half an inventory or report.
 */
#ifndef VZ_OUTFILE_H
#define VZ_OUTFILE_H

#include <stddef.h>

struct outfile {
	char *path; /* the target */
	char *tmp;  /* the temporary file beside it */
	int fd;
	int failed; /* a write failed (errno in err) */
	int err;
};

/* Create the temporary file; prints why not and returns -1. */
int outfile_open(struct outfile *o, const char *path);
/* Append; remembers a failure for outfile_commit. 0 or -1. */
int outfile_write(struct outfile *o, const char *data, size_t len);
/* fsync, rename over the target; prints why not and returns -1 (the
 * temporary file is then removed). Frees o in both cases. */
int outfile_commit(struct outfile *o);
/* Remove the temporary file and free o. */
void outfile_abort(struct outfile *o);
/* Is `path` (which may not exist yet) inside directory `root`? */
int outfile_inside(const char *root, const char *path);
/*
 * Is `output` inside what is being read: the root, or a directory among
 * the `npos` positional paths? Then prints why ("refusing to write the
 * WHAT inside the root being VERB") and returns 1; 0 when it is not, or
 * when output or root is NULL (standard output; the live host).
 */
int outfile_inside_input(const char *output, const char *root,
                         char **pos, int npos, const char *what,
                         const char *verb);

#endif /* VZ_OUTFILE_H */
