/*
 * voorzorg/collect.h - collectors: a live host or an offline root
 * filesystem (a mounted disk image, a container's root, a chroot) turned
 * into inventory records (inventory.h).
 *
 * Collectors: "dpkg" (the status database), "rpm" (the sqlite rpmdb),
 * "files" (every directory entry under the root; with it, PE files'
 * Authenticode signatures and macOS bundles), "units" (systemd units
 * and init scripts), "hive" (the registry hives of a Windows volume),
 * "receipts" and "launchd" (macOS installer receipts and launchd jobs),
 * and on a live host only "procs" (processes) and "kmods" (loaded kernel
 * modules). Artefacts given one by one (registry hives, SBOMs, files and
 * directories) are read by the same code. Every collector reads the root
 * through a directory descriptor and never follows a symbolic link out
 * of it; it never writes to what it scans. What could not be read is
 * counted in a vz_stats with its reason, never silently dropped.
 *
 * Collectors are not thread-safe with respect to one vz_stats; separate
 * runs with separate stats may run concurrently.
 */
#ifndef VOORZORG_COLLECT_H
#define VOORZORG_COLLECT_H

#include <stddef.h>
#include <stdint.h>

#include <voorzorg/export.h>
#include <voorzorg/status.h>
#include <voorzorg/inventory.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- statistics --------------------------------------------------- */

typedef enum vz_counter {
	VZ_STAT_FILES = 0,    /* regular files seen by the walk */
	VZ_STAT_DIRS = 1,     /* directories entered */
	VZ_STAT_SYMLINKS = 2, /* symbolic links (never followed) */
	VZ_STAT_OTHER = 3,    /* devices, FIFOs, sockets */
	VZ_STAT_PACKAGES = 4, /* package database entries */
	VZ_STAT_PROCESSES = 5,
	VZ_STAT_MODULES = 6,
	VZ_STAT_UNITS = 7,
	VZ_STAT_HASHED_FILES = 8, /* files read because their size matched */
	VZ_STAT_HASHED_BYTES = 9,
	VZ_STAT_REG_KEYS = 10,   /* registry keys visited */
	VZ_STAT_REG_VALUES = 11, /* registry values read */
	VZ_STAT_SERVICES = 12,   /* Windows services and drivers; launchd */
	VZ_STAT_PE_FILES = 13,   /* PE files opened (by name: .exe, .dll...) */
	VZ_STAT_SIGNATURES = 14, /* Authenticode signatures read */
	VZ_STAT_VERIFIED = 15,   /* of those, verified (the file hashed) */
	VZ_STAT_BUNDLES = 16,    /* macOS bundles read */
	VZ_STAT_COMPONENTS = 17, /* SBOM components */
	VZ_STAT__COUNT
} vz_counter;

/* "files", "dirs", ...; the key used in JSON output. */
VZ_API const char *vz_counter_name(vz_counter c);

/*
 * Something a collector could not read (unreadable = 1: permission
 * denied, vanished during the scan, a corrupt database entry) or chose
 * not to read (unreadable = 0: a pseudo filesystem, a database format
 * this build does not support). Counted per collector and reason, with
 * the first path it happened to.
 */
typedef struct vz_problem {
	const char *collector;
	int unreadable;
	const char *reason;
	uint64_t count;
	const char *example; /* may be NULL */
} vz_problem;

/* What a collector did: "ran", "not-applicable" or "failed". */
typedef struct vz_collector_run {
	const char *name;
	const char *status;
	const char *detail; /* e.g. the database read; may be NULL */
	uint64_t examined;  /* records it produced (packages, files, ...) */
} vz_collector_run;

typedef struct vz_stats vz_stats;

VZ_API vz_stats *vz_stats_new(void);
VZ_API void vz_stats_free(vz_stats *st);
VZ_API uint64_t vz_stats_get(const vz_stats *st, vz_counter c);
/* Problems, in the order first seen; borrowed until vz_stats_free. */
VZ_API size_t vz_stats_problem_count(const vz_stats *st);
VZ_API const vz_problem *vz_stats_problem(const vz_stats *st, size_t i);
/* Sum of the counts of unreadable (1) or skipped (0) problems. */
VZ_API uint64_t vz_stats_problem_total(const vz_stats *st, int unreadable);
VZ_API size_t vz_stats_run_count(const vz_stats *st);
VZ_API const vz_collector_run *vz_stats_run(const vz_stats *st, size_t i);

/* ---- running collectors ------------------------------------------- */

/* Called now and then during long collections (at most 4 times a second,
 * never in the first quarter second); at the end with collector NULL. */
typedef void (*vz_progress_fn)(void *ctx, const char *collector,
                               const vz_stats *st);

typedef struct vz_collect_opts {
	/*
	 * The root to scan. NULL or a path that resolves to "/" means the
	 * live host: processes and kernel modules are collected too. The
	 * root's /proc, /sys and /dev are never walked.
	 */
	const char *root;
	vz_progress_fn progress; /* may be NULL */
	void *progress_ctx;
	/*
	 * Artefacts to read one by one: registry hive files, SBOM files
	 * (CycloneDX or SPDX JSON), and paths (a file is read as what its
	 * content shows: hive, PE, plist or SBOM; a directory is walked as a
	 * root without package databases). When any is given and `root` is
	 * NULL, no root is scanned (not even the live host). An artefact
	 * that cannot be read or is corrupt stops the collection with
	 * VZ_E_IO or VZ_E_PARSE and err naming the file and what is wrong.
	 */
	const char *const *hives;
	size_t nhives;
	const char *const *sboms;
	size_t nsboms;
	const char *const *paths;
	size_t npaths;
	/*
	 * Threads that hash files and check Authenticode signatures while
	 * the walk goes on: 0 for one per online CPU, 1 for none (the
	 * walking thread does it). Results are taken back in the walk's
	 * order: what the sink sees does not depend on this number.
	 */
	unsigned jobs;
} vz_collect_opts;

/* The collectors of this build, by index; names are static. */
VZ_API size_t vz_collector_count(void);
VZ_API const char *vz_collector_name(size_t i);

/*
 * Run the collector named `only` (NULL: every collector that applies)
 * over opts->root, sending each record to `sink` and counting in `st`.
 * A collector with nothing to read (no dpkg database, say) is recorded
 * as not applicable; unreadable entries are counted, and the collection
 * goes on. Returns VZ_OK; VZ_E_IO with err filled if the root cannot be
 * opened; VZ_E_NOTFOUND for an unknown `only`; VZ_E_NOMEM; or the status
 * the sink returned to stop.
 */
VZ_API vz_status vz_collect(const vz_collect_opts *opts, const char *only,
                            const vz_sink *sink, vz_stats *st,
                            vz_error *err);

/*
 * Does directory `dir` hold a root filesystem (a package database, an
 * os-release, a Windows or macOS system volume)? Returns 1 and names what
 * shows it in `why` (may be NULL), else 0. A scan reads such a directory
 * as a root, never as a heap of files.
 */
VZ_API int vz_root_like(const char *dir, char *why, size_t n);

/* ---- the host a root belongs to ---------------------------------- */

typedef struct vz_host {
	char *hostname; /* owned; NULL if unknown (live: gethostname) */
	char *os;       /* owned; PRETTY_NAME of the root's os-release */
	int live;       /* the root is the running host's "/" */
	/* owned; the root's /etc/machine-id (32 lowercase hex digits), or
	 * NULL when it has none that is well-formed */
	char *machine_id;
	/* owned; the host name if it has a domain, else the dotted name
	 * /etc/hosts of the root gives it (never DNS); NULL if none */
	char *fqdn;
} vz_host;

/*
 * Read the host name (/etc/hostname of an offline root) and operating
 * system from inside `root` (NULL: "/"). Missing facts are left NULL.
 * VZ_E_IO if the root cannot be opened. Release with vz_host_clear.
 */
VZ_API vz_status vz_host_probe(const char *root, vz_host *out);
VZ_API void vz_host_clear(vz_host *h);

/*
 * Records from somewhere other than this build's collectors (a saved
 * inventory, osquery results), for a scan (scan.h): `run` sends them to
 * `sink`, fills `st` (counters, collector runs, problems) and `host`
 * (its strings allocated with vz_malloc; vz_host_clear frees them), and
 * sets *root to the root they were collected from (vz_malloc'd, or NULL
 * for artefacts only). Errors as vz_collect.
 */
typedef struct vz_source {
	vz_status (*run)(void *ctx, const vz_sink *sink, vz_stats *st,
	                 vz_host *host, char **root, vz_error *err);
	void *ctx;
} vz_source;

#ifdef __cplusplus
}
#endif

#endif /* VOORZORG_COLLECT_H */
