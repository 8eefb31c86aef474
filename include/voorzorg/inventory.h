/*
 * voorzorg/inventory.h - inventory records: what a collector saw on a host.
 *
 * Collectors (collect.h) turn a host or an offline root filesystem into a
 * stream of records and hand each one to a sink; they know nothing about
 * the catalogue. The matcher (match.h) is one such sink. Records are
 * borrowed views, valid only during the sink call, so a walk of a million
 * files never holds a million records.
 */
#ifndef VOORZORG_INVENTORY_H
#define VOORZORG_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#include <voorzorg/export.h>
#include <voorzorg/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vz_record_kind {
	VZ_REC_PACKAGE = 0, /* a package database entry */
	VZ_REC_FILE = 1,    /* a directory entry of the file walk */
	VZ_REC_PROCESS = 2, /* a running process (live host only) */
	VZ_REC_MODULE = 3,  /* a loaded kernel module (live host only) */
	VZ_REC_UNIT = 4     /* a systemd unit or SysV init script */
} vz_record_kind;

/* What the package database says about a package. */
typedef enum vz_pkg_state {
	VZ_PKG_INSTALLED = 0,    /* installed (dpkg "installed"; rpm) */
	VZ_PKG_PARTIAL = 1,      /* unpacked, half-installed, half-configured,
	                          * triggers-awaited, triggers-pending */
	VZ_PKG_CONFIG_FILES = 2, /* removed; its configuration files remain */
	VZ_PKG_NOT_INSTALLED = 3 /* known to the database, not installed */
} vz_pkg_state;

typedef enum vz_file_type {
	VZ_FT_REGULAR = 0,
	VZ_FT_DIRECTORY = 1,
	VZ_FT_SYMLINK = 2, /* never followed */
	VZ_FT_OTHER = 3    /* device, FIFO, socket */
} vz_file_type;

/*
 * One record. Strings are borrowed and valid only during the sink call;
 * fields that do not apply to the kind are NULL or 0.
 */
typedef struct vz_record {
	vz_record_kind kind;
	const char *source; /* collector: "dpkg", "rpm", "files", ... */
	const char *origin; /* where it was read, e.g. "/var/lib/dpkg/status" */
	/*
	 * Package, process, module or unit name. For files: the path from
	 * the scanned root, starting with '/'; it may hold any bytes but
	 * NUL (non-UTF-8 names are passed through unchanged).
	 */
	const char *name;
	const char *version; /* packages: [epoch:]version[-release] */
	const char *arch;    /* packages */
	const char *vendor;  /* packages: deb Maintainer, rpm Vendor */
	const char *detail;  /* human-readable: status line, exe, location */
	const char *path;    /* processes: the executable, when readable */
	vz_pkg_state pkg_state;
	vz_file_type file_type;
	uint64_t size;               /* files: st_size */
	const unsigned char *sha256; /* files: 32 bytes when hashed */
	long pid;                    /* processes */
	int enabled;                 /* units: an enablement link */
	/*
	 * Files: name[0..dirlen) is the directory part (without the
	 * trailing '/'), and dir_id changes whenever that directory changes,
	 * so a sink can cache per-directory work.
	 */
	size_t dirlen;
	uint64_t dir_id;
} vz_record;

/*
 * Where collectors send records. `record` returns VZ_OK to go on; any
 * other status stops the collector, which returns it. `want_content`
 * (may be NULL: never) is asked before a regular file is read: return
 * non-zero to have its SHA-256 computed. It lets the file collector read
 * only the few files a catalogue could match, without knowing why.
 */
typedef struct vz_sink {
	void *ctx;
	int (*want_content)(void *ctx, uint64_t size);
	vz_status (*record)(void *ctx, const vz_record *rec);
} vz_sink;

#ifdef __cplusplus
}
#endif

#endif /* VOORZORG_INVENTORY_H */
