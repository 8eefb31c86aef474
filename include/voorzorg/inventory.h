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
	VZ_REC_UNIT = 4,    /* a systemd unit or SysV init script */
	VZ_REC_REGISTRY = 5,  /* a Windows registry key, or one value */
	VZ_REC_SERVICE = 6,   /* a Windows service or driver, a launchd job */
	VZ_REC_SIGNATURE = 7, /* a PE file's Authenticode signature */
	VZ_REC_BUNDLE = 8,    /* a macOS bundle: app, kext, system extension */
	VZ_REC_COMPONENT = 9  /* a component listed in an SBOM */
} vz_record_kind;

/* What the package database says about a package. */
typedef enum vz_pkg_state {
	VZ_PKG_INSTALLED = 0,    /* installed (dpkg "installed"; rpm) */
	VZ_PKG_PARTIAL = 1,      /* unpacked, half-installed, half-configured,
	                          * triggers-awaited, triggers-pending */
	VZ_PKG_CONFIG_FILES = 2, /* removed; its configuration files remain */
	VZ_PKG_NOT_INSTALLED = 3 /* known to the database, not installed */
} vz_pkg_state;

/*
 * What checking an Authenticode signature found. Only VZ_AUTH_VALID says
 * who signed: the others are never evidence of the signer.
 */
typedef enum vz_auth_state {
	VZ_AUTH_VALID = 0,    /* the file's digest is the signed one, and the
	                      * signature verifies with the signer's key */
	VZ_AUTH_TAMPERED = 1, /* well-formed, but the file's digest is not
	                      * the signed one: changed after signing */
	VZ_AUTH_BAD = 2,      /* the signature itself does not verify */
	VZ_AUTH_UNCHECKED = 3 /* not verified (the sink did not ask) */
} vz_auth_state;

/* Record flags. */
#define VZ_RECF_UNINSTALL 0x1u /* registry: a Windows Uninstall entry */
#define VZ_RECF_SERVICE 0x2u   /* registry: under a service's key */
#define VZ_RECF_DRIVER 0x4u    /* services: a kernel or file-system driver,
                                * or a macOS kernel extension */
#define VZ_RECF_RECEIPT 0x8u   /* packages: a macOS installer receipt */
#define VZ_RECF_ARTEFACT 0x10u /* read from an artefact given one by one
                                * (a file, directory, hive or SBOM on the
                                * command line), not from a root: its
                                * path says nothing of the host */

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
	/* ---- the kinds read from Windows and macOS artefacts, SBOMs ---- */
	/*
	 * Packages: "deb", "rpm", "msi" (a Windows Installer Uninstall
	 * entry), "windows" (another installer's Uninstall entry),
	 * "macos-pkg" (an installer receipt). NULL: the collector's own.
	 */
	const char *ecosystem;
	/* Services, bundles, signatures: "windows" or "macos". */
	const char *platform;
	unsigned flags; /* VZ_RECF_* */
	/*
	 * Registry: `name` is the key, from its root key in the short form
	 * ("HKLM\SOFTWARE\KasperskyLab"); `value` the value's name ("" for
	 * the default value; NULL for the key itself) and `data` its data
	 * as text (strings as UTF-8, numbers in decimal; NULL for binary
	 * data); for an Uninstall entry's key and values, and its package
	 * record, `path` is its InstallLocation. Services: `name` is the
	 * service's key name or launchd label, `path` its ImagePath or
	 * program. `dir_id` changes with the key, as for files.
	 */
	const char *value;
	const char *data;
	/*
	 * Signatures: `name` is the file (path from the root, or as given),
	 * `subject` and `issuer` the signer certificate's names in RFC 4514
	 * form, most specific first ("CN=...,O=...,C=..."), `common_name`
	 * the subject's CN, and `auth` what checking found. `detail` carries
	 * the version resource (CompanyName, ProductName), if any.
	 */
	const char *subject;
	const char *issuer;
	const char *common_name;
	vz_auth_state auth;
	/*
	 * Bundles: `name` is the bundle directory, `ident` its
	 * CFBundleIdentifier, `version` CFBundleShortVersionString (else
	 * CFBundleVersion), `team_id` the Apple Team ID of the code
	 * signature when one was read (NULL otherwise). Components: `name`,
	 * `version`, `vendor` (supplier or publisher), `ident` the package
	 * URL and `cpes` its CPE names (`ncpes`).
	 */
	const char *ident;
	const char *team_id;
	const char *const *cpes;
	size_t ncpes;
} vz_record;

/* Bits of vz_sink.interests: the record kinds a sink has a use for. */
#define VZ_WANT(kind) (1u << (kind))

/*
 * Where collectors send records. `record` returns VZ_OK to go on; any
 * other status stops the collector, which returns it. `want_content`
 * (may be NULL: never) is asked before a regular file is read: return
 * non-zero to have its SHA-256 computed. It lets the file collector read
 * only the few files a catalogue could match, without knowing why. The
 * members after `record` may be left zero:
 * - `interests`: VZ_WANT() bits of the record kinds worth producing; 0
 *   means all. Collectors skip work whose records nobody wants (no PE
 *   file is opened without VZ_WANT(VZ_REC_SIGNATURE)).
 * - `want_key` (NULL: every key): asked for each registry key, in the
 *   short form; return 0 to skip the key, its values and its subkeys.
 * - `want_signer` (NULL: never): asked with a signature's subject and
 *   issuer; return non-zero to have the signature verified, which reads
 *   the whole file. An unverified signature is VZ_AUTH_UNCHECKED.
 *   It may be called from the collector's worker threads, several at
 *   once and while `record` runs (vz_collect_opts.jobs): it must only
 *   read. Every other member is called from the thread that called
 *   the collector, and `record` sees records in the same order
 *   whatever the number of threads.
 */
typedef struct vz_sink {
	void *ctx;
	int (*want_content)(void *ctx, uint64_t size);
	vz_status (*record)(void *ctx, const vz_record *rec);
	unsigned interests;
	int (*want_key)(void *ctx, const char *key);
	int (*want_signer)(void *ctx, const char *subject, const char *issuer,
	                   const char *common_name);
} vz_sink;

#ifdef __cplusplus
}
#endif

#endif /* VOORZORG_INVENTORY_H */
