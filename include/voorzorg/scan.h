/*
 * voorzorg/scan.h - a scan: collectors, matcher and the catalogue's
 * measures, from a root filesystem to findings that say what each
 * measure requires of the organisation.
 *
 * One finding per product found, with its state, its evidence, the
 * measure that governs it (for the chosen sector: the action, deadlines
 * and reference) and the assessment recorded for it. A scan reads and
 * never writes what it scans. Render it with report.h.
 */
#ifndef VOORZORG_SCAN_H
#define VOORZORG_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include <voorzorg/export.h>
#include <voorzorg/status.h>
#include <voorzorg/catalog.h>
#include <voorzorg/collect.h>
#include <voorzorg/match.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vz_finding {
	/* Borrowed from the catalogue. */
	const char *product_id;
	const char *product;
	const char *vendor_id;
	const char *vendor;
	vz_state state;
	const vz_evidence *evidence;
	size_t nevidence;
	size_t omitted; /* evidence beyond VZ_EVIDENCE_MAX, not kept */
	/*
	 * The governing measure: of those covering the product, one issued
	 * by the catalogue's assessing state if any covers it, else one of
	 * another state; among those, the strictest action for the sector
	 * (the latest on a tie). NULL fields when no measure covers the
	 * product. `foreign`: 1 when the governing measure is another
	 * state's (no measure of the assessing state covers the product).
	 */
	const char *measure_id;
	const char *measure_title;
	const char *issuing_state; /* the measure's state (ISO 3166) */
	int foreign;
	const char *reference;
	const char *action; /* for the sector; NULL without a sector */
	const char *deadline_identify; /* NULL when not set */
	const char *deadline_plan;
	const char *deadline_remove;
	const char *deadline_note;
	/*
	 * Every deadline the governing measure sets for the sector, each
	 * with its source's verb (see vz_deadline in catalog.h); the
	 * deadline_* fields above are the identify, plan and removal dates
	 * (complete, else begun) and the first note among them.
	 */
	vz_deadline deadlines[VZ_DEADLINES_MAX];
	size_t ndeadlines;
	/* The sector's exemption policy ("none", "case-by-case",
	 * "functional", "unspecified") and its description; NULL if none. */
	const char *exemption_policy;
	const char *exemption_note;
	size_t nmeasures; /* measures covering the product */
	/*
	 * The assessment: `level`, `vector` and `rules` as the assessment
	 * engine computes them for the product from the catalogue's facts
	 * and current rules, as the catalogue's assessing state (what
	 * `voorzorg assess PRODUCT` prints); `assessment_id` names the
	 * recorded assessment behind the governing measure, NULL if none.
	 */
	const char *assessment_id;
	const char *level;
	const char *vector;
	const char *rules;
	/*
	 * The measure asks something of this organisation: a measure covers
	 * the product and, with a sector, its action there is not "none".
	 */
	int needs_action;
} vz_finding;

typedef struct vz_scan_opts {
	/* NULL: the live host (see vz_collect_opts), unless artefacts are
	 * given below: then no root at all. */
	const char *root;
	const char *sector; /* a sector id of the catalogue, or NULL */
	/* "valid", "unsigned" or "invalid": what the caller's verification
	 * of the catalogue found; reported as is. NULL: "unsigned". */
	const char *signature;
	vz_progress_fn progress;
	void *progress_ctx;
	/* Artefacts read one by one (see vz_collect_opts): registry hive
	 * files, SBOMs, and files or directories. */
	const char *const *hives;
	size_t nhives;
	const char *const *sboms;
	size_t nsboms;
	const char *const *paths;
	size_t npaths;
	/* Records from elsewhere instead of the collectors (collect.h):
	 * a saved inventory, osquery results. NULL: collect. */
	const vz_source *source;
	/* Any unreadable item makes the scan incomplete (--strict). */
	int strict;
	/* Worker threads for hashing and signature checks (see
	 * vz_collect_opts); 0: one per online CPU. */
	unsigned jobs;
	/*
	 * The report's id (32 lowercase hex digits), for a caller that
	 * derives it from what it judges (a fleet server: from the
	 * inventory's bytes, so a resend is the same report). NULL: 128
	 * random bits, as for every scan of the tool.
	 */
	const char *report_id;
	/*
	 * The report's scanned_at, an RFC 3339 instant in UTC
	 * ("2026-12-06T03:03:05Z"), for a caller judging records seen
	 * earlier (an inventory's collected_at). NULL: now.
	 */
	const char *scanned_at;
} vz_scan_opts;

typedef struct vz_scan vz_scan;

VZ_API void vz_scan_opts_init(vz_scan_opts *opts);

/*
 * Scan. `cat` must outlive the scan. On success *out is owned
 * (vz_scan_free). Errors: VZ_E_USAGE (unknown sector, a report_id or
 * scanned_at not of the form above; nothing is read) and VZ_E_IO (root
 * cannot be opened), with err filled; VZ_E_IO, VZ_E_PARSE or
 * VZ_E_UNSUPPORTED for an artefact that cannot be read, is corrupt or
 * needs a library this build lacks, with err naming the file and what is
 * wrong; VZ_E_NOMEM. Unreadable parts of the root are not errors: they
 * are counted in the scan's stats.
 */
VZ_API vz_status vz_scan_run(const vz_catalog *cat, const vz_scan_opts *opts,
                             vz_scan **out, vz_error *err);
VZ_API void vz_scan_free(vz_scan *scan);

VZ_API size_t vz_scan_count(const vz_scan *scan);
/* Borrowed until vz_scan_free; NULL past the end. */
VZ_API const vz_finding *vz_scan_finding(const vz_scan *scan, size_t i);

/*
 * Files whose Authenticode signature claims a signer of the catalogue
 * but does not hold (see vz_tampered in match.h); borrowed until
 * vz_scan_free, NULL past the end. They are never findings of the
 * product, and always need action (vz_scan_fails).
 */
VZ_API size_t vz_scan_tampered_count(const vz_scan *scan);
VZ_API const vz_tampered *vz_scan_tampered(const vz_scan *scan, size_t i);
VZ_API const vz_stats *vz_scan_stats(const vz_scan *scan);

/* Facts about the scan, borrowed until vz_scan_free (NULL if unknown). */
typedef struct vz_scan_info {
	const char *catalog_id;
	int64_t catalog_version;
	const char *signature;
	const char *hostname;
	const char *fqdn;       /* see vz_host */
	const char *machine_id; /* see vz_host */
	const char *os;
	const char *root;       /* as given; "/" for the live host; NULL
	                         * when only artefacts were read */
	int live;
	const char *scanned_at; /* RFC 3339, UTC */
	const char *sector;
	uint64_t elapsed_ms;
	size_t fingerprints;    /* compiled fingerprints */
	/* 32 lowercase hex digits, random per scan: the report's id, by
	 * which a server counts a resent report once */
	const char *report_id;
	const char *catalog_sha256; /* of the catalogue's bytes; may be NULL */
	/* The trusted catalogue's version when this one is older, else -1
	 * (see vz_catalog_trusted_version). */
	int64_t catalog_trusted_version;
	/* The state whose catalogue this is (ISO 3166, e.g. "nl"); NULL if
	 * the catalogue names none. */
	const char *assessing_state;
} vz_scan_info;

VZ_API const vz_scan_info *vz_scan_get_info(const vz_scan *scan);

/*
 * Coverage: per collector run, what it examined and could not. `status`
 * is "ran", "not-applicable", "partial" (some items unreadable) or
 * "failed" (it applies and read nothing). Strings borrowed until
 * vz_scan_free.
 */
typedef struct vz_coverage {
	const char *name;   /* collector */
	const char *target; /* what it read, or why nothing; may be NULL */
	const char *status;
	uint64_t examined;   /* records produced */
	uint64_t unreadable; /* items it could not read */
} vz_coverage;

VZ_API size_t vz_scan_coverage_count(const vz_scan *scan);
VZ_API const vz_coverage *vz_scan_coverage(const vz_scan *scan, size_t i);
/*
 * The verdict (docs/report.md): 1 when every source that applies was
 * examined, 0 when the scan is incomplete; then vz_scan_gap names each
 * reason ("hive: not all of it could be read: ..."), NULL past the end.
 */
VZ_API int vz_scan_complete(const vz_scan *scan);
VZ_API size_t vz_scan_gap_count(const vz_scan *scan);
VZ_API const char *vz_scan_gap(const vz_scan *scan, size_t i);
/* Was the scan run with strict (any unreadable item counts)? */
VZ_API int vz_scan_strict(const vz_scan *scan);

/*
 * Does the scan fail `fail_on`? "any": any finding; "action" (the
 * default when fail_on is NULL): any finding that needs action; "never";
 * with "any" and "action", a tampered signature fails too;
 * or a risk level of the catalogue's rules (e.g. "medium"): any finding
 * whose recorded level is at or above it in the rules' order. Sets *fails
 * to 1 or 0. VZ_E_USAGE with err filled for an unknown level. With
 * scan NULL, only checks that fail_on is valid (before a long scan).
 */
VZ_API vz_status vz_scan_fails(const vz_scan *scan, const vz_catalog *cat,
                               const char *fail_on, int *fails,
                               vz_error *err);

#ifdef __cplusplus
}
#endif

#endif /* VOORZORG_SCAN_H */
