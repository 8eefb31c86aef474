/*
 * lib/collect/collect_int.h - internals shared by the collectors.
 *
 * Private to lib/collect/. A collector is a small vtable (name, probe,
 * collect, free) listed in collectors.def; collect.c runs them over one
 * root directory descriptor. The parsers of outside data (dpkg status,
 * rpm headers) are plain functions over a buffer so that the fuzz
 * harnesses and unit tests can reach them without a root.
 */
#ifndef VZ_COLLECT_INT_H
#define VZ_COLLECT_INT_H

#include <stdint.h>
#include <time.h>

#include "vz_int.h"

/* What one collector run works with. */
struct vz_cctx {
	int rootfd;          /* the root, O_DIRECTORY; owned by collect.c */
	const char *root;    /* as given, for messages */
	int live;            /* the root is "/" of the running host */
	const vz_sink *sink; /* borrowed */
	vz_stats *st;        /* borrowed */
	const char *name;    /* the running collector's name */
	vz_progress_fn progress;
	void *progress_ctx;
	struct timespec last_progress;
	void *state; /* the collector's own, released by its free() */
	/* Set by probe(): what was read, or why there is nothing to. */
	char detail[512];
};

struct vz_collector {
	const char *name;
	int live_only;
	/* 1 if there is something to collect; 0 (detail says why) if not. */
	int (*probe)(struct vz_cctx *c);
	vz_status (*collect)(struct vz_cctx *c);
	void (*free)(struct vz_cctx *c); /* may be NULL */
};

#define VZ_COLLECTOR(name) \
	extern const struct vz_collector vz__collector_##name;
#include "collectors.def"
#undef VZ_COLLECTOR

/* ---- helpers (collect.c) ------------------------------------------- */

/*
 * Open `path` (absolute or relative, taken relative to the root) with
 * symbolic links resolved as if the root were "/": never outside it.
 * Uses openat2(RESOLVE_IN_ROOT) and, where the kernel lacks it, refuses
 * every symbolic link instead. Returns an fd or -1 with errno set.
 */
int vz__root_open(int rootfd, const char *path, int flags);

/*
 * Read the whole file open at `fd` (not closed here) into an owned
 * buffer with a NUL after the last byte. VZ_E_IO with errno kept if it
 * cannot be read or is larger than `max`; VZ_E_NOMEM.
 */
vz_status vz__read_fd(int fd, size_t max, char **out, size_t *len);

/* Call the progress callback if some time has passed. Cheap. */
void vz__progress(struct vz_cctx *c);

/* Emit a record through the sink (fills source from c->name). */
vz_status vz__emit(struct vz_cctx *c, vz_record *r);

/* ---- stats (stats.c) ----------------------------------------------- */

void vz__stats_add(vz_stats *st, vz_counter k, uint64_t n);
/* Count a problem; copies the strings. Never fails (see stats.c). */
void vz__stats_problem(vz_stats *st, const char *collector, int unreadable,
                       const char *reason, const char *example);
void vz__stats_problem_n(vz_stats *st, const char *collector, int unreadable,
                         const char *reason, const char *example, uint64_t n);
void vz__stats_run(vz_stats *st, const char *name, const char *status,
                   const char *detail);

/* ---- dpkg status parser (dpkg_parse.c) ----------------------------- */

struct vz_span {
	const char *p; /* borrowed from the parsed buffer; NULL if absent */
	size_t n;
};

struct vz_dpkg_pkg {
	struct vz_span package, status, version, arch, maintainer;
	unsigned long line; /* where the stanza starts, 1-based */
};

struct vz_dpkg_errs {
	unsigned long malformed;  /* lines or stanzas not understood */
	unsigned long first_line; /* of the first one; 0 if none */
	const char *first_what;   /* static description of the first */
};

/* Return non-zero from the callback to stop parsing. */
typedef int (*vz_dpkg_cb)(void *ctx, const struct vz_dpkg_pkg *pkg);

/*
 * Parse a dpkg status file (or an updates/ journal entry) of `len` bytes,
 * which need not be NUL-terminated. Calls `cb` for each stanza that has
 * a Package and a well-formed Status; counts what it cannot understand in
 * `errs` and goes on. Returns the callback's non-zero value, or 0.
 */
int vz__dpkg_parse(const char *buf, size_t len, vz_dpkg_cb cb, void *ctx,
                   struct vz_dpkg_errs *errs);

/*
 * Map a Status value "WANT FLAG STATE" to a package state. Returns 0, or
 * -1 if it is not three words with a known state.
 */
int vz__dpkg_status(const char *s, size_t n, vz_pkg_state *state);

/* ---- rpm header parser (rpm_header.c) ------------------------------ */

struct vz_rpmhdr {
	/* Borrowed from the parsed blob, NUL-terminated; NULL if absent. */
	const char *name, *version, *release, *arch, *vendor, *packager;
	uint32_t epoch;
	int has_epoch;
};

/*
 * Parse an rpm header blob as stored in the rpmdb (index count, data
 * length, index entries, data), optionally preceded by the 8-byte header
 * magic of a .rpm file. Every offset, count and string is checked against
 * `len`. Returns VZ_OK, or VZ_E_PARSE with *why set to a static reason.
 */
vz_status vz__rpmhdr_parse(const unsigned char *blob, size_t len,
                           struct vz_rpmhdr *out, const char **why);

#endif /* VZ_COLLECT_INT_H */
