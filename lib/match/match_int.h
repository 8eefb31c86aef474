/*
 * lib/match/match_int.h - internals of the matcher and the scan, private
 * to lib/match/ (and reachable by unit tests).
 *
 * The matcher is split by what it reads: match.c holds the compiled
 * catalogue, the evidence and the Linux kinds (packages, files, units,
 * processes, modules); match_win.c the registry, services and drivers,
 * and Authenticode signatures; match_ext.c macOS bundles, case-blind
 * paths, and SBOM components (CPE, purl).
 */
#ifndef VZ_MATCH_INT_H
#define VZ_MATCH_INT_H

#include "vz_int.h"

/* What a piece of evidence says about the product's state. */
#define VZ_F_RUNNING 0x1u   /* live process or loaded module */
#define VZ_F_INSTALLED 0x2u /* package database: installed or partial;
                             * a Windows Uninstall entry; a receipt */
#define VZ_F_PROGRAM 0x4u   /* program files, a file hash, a unit, a
                             * service, a bundle, a valid signature */
#define VZ_F_LEFTOVER 0x8u  /* config-files package; data, logs, config;
                             * registry keys other than the above */

/* A scan's coverage and its verdict (coverage.c). */
struct vz__coverage {
	vz_coverage *e; /* owned array; strings borrowed from the stats */
	size_t n;
	struct vz_buf gaps; /* NUL-separated reasons it is incomplete */
	size_t ngaps;
	int strict;
};
vz_status vz__coverage_build(struct vz__coverage *cov, const vz_stats *st,
                             int strict);
void vz__coverage_free(struct vz__coverage *cov);
const char *vz__coverage_gap(const struct vz__coverage *cov, size_t i);

/* The state rule of docs/scanning.md, from the union of evidence flags. */
vz_state vz__state_of(unsigned flags);

/*
 * Is `path` (from the root) where leftovers live: configuration, data
 * and logs under /etc, /var, /home, /root, /srv or /tmp; on a Windows
 * volume /ProgramData, /Users, /Windows/Temp; on a macOS volume
 * /Library/Caches, /Library/Preferences, /Library/Logs, /private/var
 * (these last ignoring case)?
 */
int vz__path_leftover(const char *path);

/* Length of the literal prefix of a glob (up to its first * ? [ or \). */
size_t vz__glob_prefix(const char *glob);

/*
 * The recorded assessment behind a product's measure: the measure's own
 * assessment if it names one, else the latest assessment listing the
 * product. Returns its borrowed id, or NULL if there is none.
 */
const char *vz__scan_recorded(const vz_catalog *cat, const char *product_id,
                              json_t *measure);

/* ---- the compiled catalogue ------------------------------------------ */

enum ekind {
	EK_PACKAGE,
	EK_PROCESS,
	EK_MODULE,
	EK_SERVICE,
	EK_HASH,
	EK_PATH,
	EK_REGISTRY,
	EK_AUTHENTICODE,
	EK_BUNDLE,
	EK_CPE,
	EK_PURL,
	EK__COUNT
};

extern const char *const vz__ek_names[EK__COUNT];

enum { ECO_DEB, ECO_RPM, ECO_APK, ECO_MSI, ECO_MACPKG, ECO_OTHER };
enum { PLAT_LINUX, PLAT_WINDOWS, PLAT_MACOS, PLAT_OTHER };

/* The eleven attributes of a CPE name (CPE 2.3 order). */
#define VZ_CPE_ATTRS 11

struct fp {
	size_t prod;
	enum ekind kind;
	const char *pat;   /* borrowed from the catalogue, or owned */
	const char *maint; /* packages: maintainer/vendor glob, or NULL */
	int eco;
	int plat;
	int fnm;       /* paths: extra fnmatch(3) flags (FNM_NOESCAPE) */
	size_t prefix; /* literal prefix length */
	uint64_t size;
	unsigned char sha[32];
	struct fp *next; /* chain of fingerprints with the same exact key */
	/* registry: lowercase value name ("" the default), data glob */
	const char *value;
	const char *data;
	/* authenticode: issuer glob; subject_dn: pattern is for the DN */
	const char *issuer;
	int subject_dn;
	/* bundle-id: Team ID, or NULL */
	const char *team;
	/* cpe: the attributes (owned, NULL for ANY); purl: parts (owned) */
	char *cpe[VZ_CPE_ATTRS];
	char *purl_type, *purl_ns, *purl_name, *purl_version;
};

struct names {
	struct vz_map exact; /* key -> struct fp * chain */
	struct fp **globs;   /* owned array */
	size_t nglobs;
};

struct prod {
	const char *id; /* borrowed */
	vz_evidence *ev; /* owned, strings owned */
	size_t nev, omitted;
	unsigned flags;
	int sorted;
};

/* Where a found product is installed (an Uninstall entry's location). */
struct install {
	char *dir; /* owned: lowercase, '/'-separated, from the volume */
	size_t prod;
};

/* Per-directory (or per-key) cache: the globs that can match in it. */
struct dircache {
	uint64_t id;
	int valid, parent;
	struct fp **globs; /* owned, sized for all */
	size_t n;
	struct vz_buf dir; /* the directory or key, as compared */
};

struct vz_matcher {
	const vz_catalog *cat;
	struct prod *prods;
	size_t nprods;
	struct fp *fps; /* owned, fpcap slots */
	size_t nfps, na, fpcap;
	struct names pkg, proc, mod, unit, path;
	/* Paths of Windows and macOS volumes, compared ignoring case. */
	struct names cipath;
	struct vz_map ciparents;
	struct vz_map parents; /* parent dirs of exact paths (keys owned) */
	char **owned;          /* owned strings: keys, normalised names */
	size_t nowned, ownedcap;
	uint64_t *sizes; /* open addressing set of size + 1; 0 = empty */
	size_t scap;
	struct fp **hashes;
	size_t nhashes;
	/* Windows and macOS kinds, and SBOM identifiers: short lists. */
	struct fp **reg, **winsvc, **windrv, **macsvc, **kext, **signers;
	size_t nreg, nwinsvc, nwindrv, nmacsvc, nkext, nsigners;
	struct fp **bundles, **cpes, **purls;
	size_t nbundles, ncpes, npurls;
	/* Per-directory caches for file records, per-key for registry. */
	struct dircache dc, cdc, kc;
	struct vz_buf tmp, lower;
	vz_tampered *tam; /* owned, strings owned */
	size_t ntam, tamcap;
	struct install *inst; /* owned */
	size_t ninst, instcap;
	/* Running executables (running.c): process executables -> where
	 * read and pid, matched root files -> products; owned. */
	struct vz_map run_procs, run_exes;
};

/* ---- shared helpers (match.c) ------------------------------------------ */

const char *vz__fp_str(json_t *o, const char *k);
/* Keep `s` (owned) until the matcher is freed; NULL (s freed) if no
 * memory. */
const char *vz__match_own(vz_matcher *m, char *s);
/* Append to a list of fingerprints. */
vz_status vz__fplist_add(struct fp ***list, size_t *n, struct fp *f);
/* Add evidence for f's product: kind, item, detail, state flag. */
vz_status vz__add_ev(vz_matcher *m, const struct fp *f, const vz_record *r,
                     const char *item, const char *detail, unsigned flag);
/* ASCII lowercase copy (owned), or NULL. */
char *vz__lower_dup(const char *s);
/* The state flag a path gives: leftover locations, else program files. */
unsigned vz__path_flag(const vz_record *r);
/* "directory", "regular file, N bytes", ...: what a file record is. */
const char *vz__file_desc(const vz_record *r, char *buf, size_t n);

/* ---- running executables (running.c) ----------------------------------- */

/* A file of the root matched `prod` (evidence of `kind` for `item`): if
 * a process runs it, the product is running. */
vz_status vz__running_file(vz_matcher *m, size_t prod, enum ekind kind,
                           const vz_record *r, const char *item);
/* A process: if its executable matched a product, that one is running. */
vz_status vz__running_process(vz_matcher *m, const vz_record *r);

/* ---- Windows (match_win.c) --------------------------------------------- */

/* Compile a registry, Windows service or driver, or authenticode
 * fingerprint; *applies = 0 if it cannot be used. */
vz_status vz__compile_win(vz_matcher *m, struct fp *f, json_t *o,
                          const char *kind, int *applies);
vz_status vz__on_registry(vz_matcher *m, const vz_record *r);
/* Remember that product `prod` is installed in `location` (a Windows
 * path, "C:\\Program Files\\..."). */
vz_status vz__remember_install(vz_matcher *m, const char *location,
                               size_t prod);
vz_status vz__on_service(vz_matcher *m, const vz_record *r);
vz_status vz__on_signature(vz_matcher *m, const vz_record *r);
int vz__want_key(void *ctx, const char *key);
int vz__want_signer(void *ctx, const char *subject, const char *issuer,
                    const char *cn);

/* ---- macOS, case-blind paths, SBOMs (match_ext.c) ---------------------- */

vz_status vz__compile_ext(vz_matcher *m, struct fp *f, json_t *o,
                          const char *kind, int *applies);
vz_status vz__on_bundle(vz_matcher *m, const vz_record *r);
vz_status vz__on_component(vz_matcher *m, const vz_record *r);
/* Windows and macOS path fingerprints against a walked file. */
vz_status vz__on_file_ci(vz_matcher *m, const vz_record *r);
/*
 * Package fingerprints against an SBOM component: of ecosystem `eco`
 * (from its package URL) by `name`; with eco ECO_OTHER, of any ecosystem,
 * and only if the component's supplier is the product's vendor.
 */
vz_status vz__match_component_pkg(vz_matcher *m, const vz_record *r,
                                  int eco, const char *name,
                                  const char *detail);
/* Is `supplier` the vendor of product `prod` (its name, legal entity or
 * an alias, ignoring case and an SPDX "Organization: " prefix)? */
int vz__vendor_is(const vz_matcher *m, size_t prod, const char *supplier);
/* The ecosystem of a purl type ("deb", "rpm", "apk"), else ECO_OTHER. */
int vz__eco_of(const char *name);

/*
 * Parse a CPE 2.3 formatted string or a CPE 2.2 URI into its eleven
 * attributes, unquoted and lowercase (owned; NULL for ANY, "-" for NA);
 * with `pattern`, as fnmatch(3) patterns for a fingerprint (wildcards
 * kept, quoted characters literal). Returns 0, or -1 if it is not a CPE
 * name or out of memory.
 */
int vz__cpe_parse(const char *s, char *out[VZ_CPE_ATTRS], int pattern);
void vz__cpe_free(char *a[VZ_CPE_ATTRS]);
/*
 * Does the fingerprint (attributes as globs) match the CPE name? Every
 * attribute the fingerprint gives must match; one the name leaves ANY
 * matches only ANY in the fingerprint.
 */
int vz__cpe_match(char *const fp[VZ_CPE_ATTRS],
                  char *const name[VZ_CPE_ATTRS]);
/*
 * Split a package URL into type, namespace, name and version (owned,
 * percent-decoded; NULL when absent). Returns 0, or -1.
 */
int vz__purl_parse(const char *s, char **type, char **ns, char **name,
                   char **version);

#endif /* VZ_MATCH_INT_H */
