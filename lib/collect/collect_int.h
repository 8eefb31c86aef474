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
	/*
	 * The file walk of a directory given as an artefact: its paths are
	 * shown under this name instead of from "/" (NULL for a root).
	 */
	const char *prefix;
	/* Reading artefacts given one by one: records get
	 * VZ_RECF_ARTEFACT. */
	int artefact;
	/* Records emitted so far by this context: the run's "examined". */
	uint64_t emitted;
	/* Worker threads for hashing and signature checks (files.c);
	 * 0: one per online CPU, 1: none (the walking thread does it). */
	unsigned jobs;
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
 * vz__root_open, but when `path` does not exist as written, each
 * component is looked up ignoring case (ASCII), as on the NTFS and APFS
 * volumes of Windows and macOS; symbolic links are then refused.
 */
int vz__root_open_ci(int rootfd, const char *path, int flags);

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
/* Emit with another source name (the file walk's "pe", "bundle"). */
vz_status vz__emit_as(struct vz_cctx *c, vz_record *r, const char *source);
/* Does the sink have a use for records of `kind`? */
int vz__wants(const struct vz_cctx *c, vz_record_kind kind);

/*
 * A directory id no other record of this process has used: a sink that
 * caches per-directory work keys it by dir_id, so two walks (or a walk and
 * an archive) must never hand out the same id for different directories.
 */
uint64_t vz__dir_id(void);

/* ---- archives (archive.c) ------------------------------------------- */

/* Do the first bytes of a file say it is an archive this build reads? */
int vz__archive_magic(const unsigned char *head, size_t n);
/*
 * Read the archive open at fd (`size` bytes, given as `path`): every
 * member as a file record of origin `path`. VZ_E_PARSE with err filled if
 * it is not an archive or is corrupt; VZ_E_NOMEM; what the sink returns.
 */
vz_status vz__archive_read(struct vz_cctx *c, int fd, const char *path,
                           uint64_t size, vz_error *err);

/* ---- stats (stats.c) ----------------------------------------------- */

void vz__stats_add(vz_stats *st, vz_counter k, uint64_t n);
/* Count a problem; copies the strings. Never fails (see stats.c). */
void vz__stats_problem(vz_stats *st, const char *collector, int unreadable,
                       const char *reason, const char *example);
void vz__stats_problem_n(vz_stats *st, const char *collector, int unreadable,
                         const char *reason, const char *example, uint64_t n);
void vz__stats_run(vz_stats *st, const char *name, const char *status,
                   const char *detail);
/* vz__stats_run with the number of records the run produced. */
void vz__stats_run_n(vz_stats *st, const char *name, const char *status,
                     const char *detail, uint64_t examined);

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

/* ---- the sqlite rpmdb (rpm.c) ---------------------------------------- */

#define VZ_RPMDB_MAX ((size_t)1 << 30)
/*
 * Read the rpmdb.sqlite open at fd (a copy in memory, never reopened by
 * a path) and emit its packages; problems are counted. VZ_E_NOMEM, or
 * what the sink returned.
 */
vz_status vz__rpmdb_read(struct vz_cctx *c, int fd, const char *origin);

/* ---- PE files and Authenticode (pe.c, authenticode.c) --------------- */

struct vz_pe {
	int pe32plus;
	uint16_t nsections;
	uint32_t sect_off;     /* the section table, from the file's start */
	uint32_t headers_end;  /* the end of the section table */
	uint32_t checksum_off; /* the optional header's CheckSum field */
	uint32_t certdir_off;  /* the certificate table's directory entry */
	uint32_t cert_off, cert_size; /* the certificate table; 0 if none */
	uint32_t rsrc_rva, rsrc_size; /* the resource directory */
};

/*
 * Parse the headers of a PE file from its first `len` bytes (the file
 * has `file_size`). Every offset is checked against what was read and
 * the certificate table against the file size. VZ_E_PARSE with *why set
 * to a static reason.
 */
vz_status vz__pe_headers(const unsigned char *buf, size_t len,
                         uint64_t file_size, struct vz_pe *pe,
                         const char **why);

/* The first PKCS#7 signature in a certificate table (borrowed slice). */
vz_status vz__pe_signature(const unsigned char *tab, size_t len,
                           const unsigned char **der, size_t *derlen,
                           const char **why);

/*
 * The version resource in the resource section `rs` (rlen bytes, loaded
 * from `rsrc_rva`): its offset and length in rs. 0, or -1 if none.
 */
int vz__pe_version_resource(const unsigned char *rs, size_t rlen,
                            uint32_t rsrc_rva, size_t *voff, size_t *vlen);

/* CompanyName and ProductName (UTF-8, "" if absent) of a version
 * resource (VS_VERSIONINFO) of `len` bytes. */
void vz__pe_version_strings(const unsigned char *v, size_t len,
                            char *company, size_t csize, char *product,
                            size_t psize);

/* The same, for a whole file in memory (the fuzz harness's way). */
void vz__pe_version_buf(const unsigned char *file, size_t len,
                        const struct vz_pe *pe, char *company, size_t csize,
                        char *product, size_t psize);

struct evp_md_st;
struct evp_md_ctx_st;

/* The Authenticode digest of the PE file open at fd. 0; -1 if it cannot
 * be read; -2 when out of memory. */
int vz__pe_digest(int fd, const struct vz_pe *pe,
                  const struct evp_md_st *type, unsigned char *out,
                  unsigned int *outlen);

struct vz_authenticode {
	char *subject, *issuer, *cn; /* owned: the signer certificate */
	const struct evp_md_st *md;  /* the digest algorithm signed */
	unsigned char digest[64];    /* the signed digest of the file */
	unsigned int dlen;
	int sig_ok; /* the signature over the signed attributes verifies */
};

/*
 * Read a PKCS#7 Authenticode signature: signer, signed digest, and
 * whether the signature verifies (the certificate chain is not checked).
 * VZ_E_PARSE with *why; VZ_E_NOMEM. Release with
 * vz__authenticode_clear (also after a failure).
 */
vz_status vz__authenticode_parse(const unsigned char *der, size_t len,
                                 struct vz_authenticode *a,
                                 const char **why);

/*
 * Certificates already decoded, by their DER bytes, for one thread: the
 * files of a volume are signed with a few certificates, and decoding
 * one costs OpenSSL 3.0 a decoder set-up for its key (most of the time
 * an Authenticode check takes). Bounded in entries and entry size.
 */
struct vz_certcache;
void vz__certcache_free(struct vz_certcache *cc);
/* vz__authenticode_parse with a cache (*cc made on first use; NULL
 * cc: none). The result is the same with or without it. */
vz_status vz__authenticode_parse_cached(const unsigned char *der,
                                        size_t len,
                                        struct vz_certcache **cc,
                                        struct vz_authenticode *a,
                                        const char **why);
void vz__authenticode_clear(struct vz_authenticode *a);

/*
 * Read the PE file open at fd (`path` names it in records): its signer,
 * and if the sink asks, whether the signature holds. `direct`: the file
 * was given by the user, so a malformed one is an error (VZ_E_PARSE,
 * err filled); otherwise it is counted in the stats.
 */
vz_status vz__pe_examine(struct vz_cctx *c, int fd, const char *path,
                         int direct, vz_error *err);

/*
 * vz__pe_examine in two halves, so that the costly one can run on a
 * worker thread (files.c): vz__pe_read touches nothing shared (it asks
 * sink->want_signer, which must only read) and keeps what it found in
 * `o`; vz__pe_apply, on the walking thread, counts it, records its
 * problem or emits its record, exactly as vz__pe_examine would.
 */
struct vz_pe_out {
	vz_status rc; /* VZ_E_NOMEM, else VZ_OK */
	int pe_file;   /* counts as a PE file */
	int signature; /* a signature record is to be emitted */
	int verified;  /* the whole file was read to check it */
	int problem, unreadable;
	char why[128]; /* the problem's reason */
	struct vz_authenticode a; /* owned strings */
	vz_auth_state auth;
	int has_detail;
	char detail[600];
};

/* What one thread keeps from file to file (zeroed at first). */
#define VZ_PE_MDS 4
struct vz_pe_tools {
	struct evp_md_ctx_st *md;
	struct evp_md_st *mds[VZ_PE_MDS]; /* fetched once, by type */
	int nids[VZ_PE_MDS];
	unsigned char *buf;
	struct vz_certcache *certs;
};
void vz__pe_tools_free(struct vz_pe_tools *t);

void vz__pe_read(int fd, const vz_sink *sink, struct vz_pe_tools *t,
                 struct vz_pe_out *o);
vz_status vz__pe_apply(struct vz_cctx *c, const char *path, int direct,
                       const struct vz_pe_out *o, vz_error *err);
/* Release what o owns and zero it. */
void vz__pe_out_clear(struct vz_pe_out *o);

/* ---- registry hives (hive.c) ----------------------------------------- */

/*
 * Read the hive open at fd, mounted at `mount` ("HKLM\SOFTWARE",
 * "HKLM\SYSTEM", "HKCU"; NULL: tell from its name, header or content).
 * `origin` names it in records. VZ_E_PARSE with err filled when it is
 * not a hive, is truncated or has parts that cannot be read (records of
 * the readable parts have been emitted); VZ_E_NOMEM.
 */
vz_status vz__hive_read(struct vz_cctx *c, int fd, const char *origin,
                        const char *mount, vz_error *err);

/* The computer name, Windows version and MachineGuid (as a machine id:
 * vz__machine_id_canon) of a Windows volume's hives; each left as it is
 * when unknown (or already set). */
void vz__hive_host(int rootfd, char **hostname, char **os,
                   char **machine_id);

/* 32 lowercase hex digits (and a NUL) in `out` from a machine-id(5) or
 * a GUID (braces and case as Windows writes them): 0; -1 for anything
 * else. */
int vz__machine_id_canon(const char *s, char out[33]);

/* The macOS version of a macOS volume (SystemVersion.plist). */
void vz__macos_host(int rootfd, char **os);

/* ---- macOS (plist.c, macos.c) ----------------------------------------- */

/*
 * The bundle whose directory `name` is in dfd (an .app, .kext,
 * .systemextension): read Contents/Info.plist and emit a bundle record
 * named `path`. Problems are counted (or, `direct`, returned).
 */
vz_status vz__bundle_examine(struct vz_cctx *c, int dfd, const char *name,
                             const char *path, int direct, vz_error *err);

/*
 * A property list given by itself: an Info.plist (a bundle record), a
 * launchd job (a service record) or an installer receipt (a package
 * record); others are read and say nothing. VZ_E_PARSE with err filled
 * if it is not a property list.
 */
vz_status vz__plist_file(struct vz_cctx *c, const char *path, vz_error *err);

/*
 * The Apple Team ID in the code signature of a Mach-O executable (its
 * first CodeDirectory's teamID), from its first `len` bytes and the
 * signature read with `read_at`: *team owned, or NULL if there is none.
 * Returns 0, or VZ_E_NOMEM. The signature is not verified: the Team ID
 * is evidence, not proof.
 */
vz_status vz__macho_team_id(const unsigned char *buf, size_t len,
                            int (*read_at)(void *ctx, unsigned char *out,
                                           size_t n, uint64_t off),
                            void *ctx, char **team);

/*
 * Limits on a property list (plist_bound.c): levels of nesting, and
 * nodes once shared objects are expanded as libplist expands them.
 */
#define VZ_PLIST_DEPTH 128
#define VZ_PLIST_NODES 262144

/*
 * Is the property list (XML or binary) of `len` bytes within those
 * limits? 0; -1 with *why (static) if not, or if a binary one is
 * malformed. Walks the bytes only; nothing is allocated.
 */
int vz__plist_bounded(const char *data, size_t len, const char **why);

/*
 * Parse a property list (XML or binary) of `len` bytes and fill the
 * string values of the keys asked for (owned, NULL if absent or not a
 * string). ProgramArguments-style arrays give their first string.
 * 0; -1 (*why set) if it is not a property list dictionary; -2 when out
 * of memory.
 */
int vz__plist_strings(const char *data, size_t len, const char *const *keys,
                      char **values, size_t nkeys, const char **why);

/* ---- SBOMs (sbom.c, sbom_cyclonedx.c, sbom_spdx.c) ------------------- */

/*
 * Read an SBOM (CycloneDX JSON 1.4 to 1.6, SPDX JSON 2.3) of `len` bytes
 * and emit one component record per component or package. `origin`
 * names it. VZ_E_PARSE with err filled (file, line) if it is not JSON,
 * not an SBOM of those formats, or malformed; VZ_E_NOMEM.
 */
vz_status vz__sbom_read(struct vz_cctx *c, const char *data, size_t len,
                        const char *origin, vz_error *err);

/* What the two format readers share: where they are, for errors. */
/* Steps of the JSON path the reader keeps: two per level of nested
 * components, so 128 levels (docs/scanning.md). */
#define VZ_SBOM_DEPTH 256
struct vz_sbom {
	struct vz_cctx *c;
	const char *text; /* the document, for error positions */
	size_t len;
	const char *origin;
	vz_error *err;
	struct vz_jseg path[VZ_SBOM_DEPTH]; /* where the reader is */
	size_t depth;
	const char *format; /* "CycloneDX 1.5", "SPDX-2.3" */
};

/* Fail with VZ_E_PARSE: err gets the file, line, column and JSON path of
 * where the reader is, and the message. */
vz_status vz__sbom_fail(struct vz_sbom *s, const char *fmt, ...)
    VZ__PRINTF(2, 3);
/* Emit one component record. */
vz_status vz__sbom_emit(struct vz_sbom *s, const char *name,
                        const char *version, const char *vendor,
                        const char *purl, const char *const *cpes,
                        size_t ncpes, const char *detail);
vz_status vz__sbom_cyclonedx(struct vz_sbom *s, json_t *doc);
vz_status vz__sbom_spdx(struct vz_sbom *s, json_t *doc);

/* ---- artefacts given one by one (artefacts.c) ------------------------- */

/* Walk a directory given as an artefact with the file collector. */
vz_status vz__walk_dir(const char *dir, const vz_collect_opts *opts,
                       const vz_sink *sink, vz_stats *st, vz_error *err);

/* Read the hives, SBOMs and paths of opts into the sink. */
vz_status vz__collect_artefacts(const vz_collect_opts *opts,
                                const vz_sink *sink, vz_stats *st,
                                vz_error *err);

#endif /* VZ_COLLECT_INT_H */
