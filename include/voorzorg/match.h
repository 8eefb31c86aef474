/*
 * voorzorg/match.h - the matcher: inventory records joined with a
 * catalogue's fingerprints into per-product evidence and a state.
 *
 * vz_matcher_new compiles the catalogue's fingerprints once: exact
 * names and paths go into hash maps, globs into lists bucketed by their
 * literal prefix, file hashes into a set of sizes (so the file collector
 * reads only files whose size some fingerprint has), registry keys into
 * a list the hive collector prunes its walk by. The matcher is then fed
 * records through its sink (vz_matcher_sink) by any collector.
 *
 * States, strongest first (docs/scanning.md gives the exact rules):
 *   running    a live process or loaded kernel module matched;
 *   installed  a package database lists a matching package as installed
 *              (or part-way through installing or removing); on Windows
 *              an Uninstall entry, on macOS an installer receipt;
 *   present    program files, a file hash, a unit, a Windows service or
 *              driver, a macOS bundle, a valid Authenticode signature or
 *              an SBOM component matched, but nothing says installed;
 *   residue    only leftovers: a package in dpkg's config-files state,
 *              matched paths under /etc, /var, /home, /root, /srv or
 *              /tmp (configuration, data, logs; on Windows /ProgramData
 *              and /Users), or registry keys other than the above.
 *
 * A matcher is fed by one thread at a time; the catalogue must outlive it.
 */
#ifndef VOORZORG_MATCH_H
#define VOORZORG_MATCH_H

#include <stddef.h>

#include <voorzorg/export.h>
#include <voorzorg/status.h>
#include <voorzorg/catalog.h>
#include <voorzorg/inventory.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vz_state {
	VZ_STATE_RUNNING = 0,
	VZ_STATE_INSTALLED = 1,
	VZ_STATE_PRESENT = 2,
	VZ_STATE_RESIDUE = 3
} vz_state;

/* "running", "installed", "present", "residue". */
VZ_API const char *vz_state_name(vz_state s);

/*
 * One piece of evidence. `kind` is the fingerprint kind that matched
 * ("package", "path", "file-hash", "process", "kernel-module",
 * "service"); `source` the collector and what it read ("dpkg
 * /var/lib/dpkg/status"); `item` the bare thing found (package name,
 * path, unit, pid) and `detail` a readable description. Paths are as
 * found on disk and may not be valid UTF-8.
 */
typedef struct vz_evidence {
	const char *kind;
	const char *source;
	const char *item;
	const char *detail;
} vz_evidence;

/* At most this many pieces of evidence are kept per product; the rest
 * are counted (and reported as omitted). */
#define VZ_EVIDENCE_MAX 64

/*
 * A file whose Authenticode signature names a signer of the catalogue
 * but does not hold: the file was changed after signing ("tampered":
 * its digest is not the signed one), or the signature itself does not
 * verify ("bad-signature"). Never evidence of the product: reported on
 * its own, naming the product whose signer it claims.
 */
typedef struct vz_tampered {
	const char *path;       /* the file, from the root or as given */
	const char *source;     /* e.g. "pe" */
	const char *state;      /* "tampered" or "bad-signature" */
	const char *subject;    /* the claimed signer */
	const char *issuer;
	const char *detail;     /* version resource, if any; may be "" */
	const char *product_id; /* borrowed from the catalogue */
} vz_tampered;

/* At most this many tampered files are kept; the rest are counted. */
#define VZ_TAMPERED_MAX 256

typedef struct vz_matcher vz_matcher;

/*
 * Compile the fingerprints of `cat`. *out is owned (vz_matcher_free).
 * VZ_E_NOMEM. Fingerprints no collector can see (mobile app ids, and
 * Windows and macOS processes: there is no live host of those) are
 * counted as not applicable, not an error.
 */
VZ_API vz_status vz_matcher_new(const vz_catalog *cat, vz_matcher **out,
                                vz_error *err);
VZ_API void vz_matcher_free(vz_matcher *m);

/* Fill *sink with the callbacks that feed records to m. */
VZ_API void vz_matcher_sink(vz_matcher *m, vz_sink *sink);

/* Compiled fingerprints, and those skipped as not applicable. */
VZ_API size_t vz_matcher_fingerprints(const vz_matcher *m);
VZ_API size_t vz_matcher_not_applicable(const vz_matcher *m);

/*
 * Products with evidence so far, in catalogue order. For the i-th:
 * its id (borrowed from the catalogue), state, evidence sorted by kind,
 * source and item (borrowed until the next record or vz_matcher_free),
 * and how many further pieces were omitted. Returns NULL past the end.
 */
VZ_API size_t vz_matcher_hits(const vz_matcher *m);
VZ_API const char *vz_matcher_hit(vz_matcher *m, size_t i, vz_state *state,
                                  const vz_evidence **ev, size_t *nev,
                                  size_t *omitted);

/*
 * Tampered signatures seen so far (at most VZ_TAMPERED_MAX, in the order
 * met), borrowed until vz_matcher_free; NULL past the end.
 */
VZ_API size_t vz_matcher_tampered_count(const vz_matcher *m);
VZ_API const vz_tampered *vz_matcher_tampered(const vz_matcher *m,
                                              size_t i);

/*
 * The registry keys under which the registry fingerprints can match, one
 * a line in the short form ("HKLM\SOFTWARE\Vendor\Product\n"), each
 * the literal part of a pattern up to the key its first wildcard is in:
 * what a live collector that knows no catalogue (voorzorg-collect.exe
 * --keys) must read. *out owned (vz_free); "" when there are none.
 * VZ_E_NOMEM.
 */
VZ_API vz_status vz_matcher_registry_keys(const vz_matcher *m, char **out);

#ifdef __cplusplus
}
#endif

#endif /* VOORZORG_MATCH_H */
