/*
 * voorzorg/assess.h - the assessment engine: objective criteria, the
 * vector notation, decision rules as data, explanations, reconsideration.
 *
 * The method (docs/assessment-method.md) has three factors - access,
 * compulsion, threat - each with defined levels derived from the facts in
 * the catalogue. The catalogue's `rules` map factor levels to a risk level
 * and a risk level to an action per sector; the engine only evaluates
 * them, so new rules change decisions without recompiling.
 *
 * Every function here is deterministic: the same catalogue and arguments
 * give byte-identical output. Results are immutable once made; distinct
 * results may be used from distinct threads.
 */
#ifndef VOORZORG_ASSESS_H
#define VOORZORG_ASSESS_H

#include <stddef.h>

#include <voorzorg/export.h>
#include <voorzorg/status.h>
#include <voorzorg/catalog.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Levels are ordered: a larger value is more risk. */
typedef enum vz_access {
	VZ_ACCESS_SANDBOXED = 0,
	VZ_ACCESS_USER = 1,
	VZ_ACCESS_SYSTEM = 2,
	VZ_ACCESS_KERNEL = 3
} vz_access;

typedef enum vz_updates {
	VZ_UPDATES_NONE = 0,
	VZ_UPDATES_CUSTOMER = 1,
	VZ_UPDATES_VENDOR = 2
} vz_updates;

typedef enum vz_compulsion {
	VZ_COMPULSION_NONE = 0,
	VZ_COMPULSION_PARTIAL = 1,
	VZ_COMPULSION_FULL = 2
} vz_compulsion;

typedef enum vz_threat {
	VZ_THREAT_NONE = 0,
	VZ_THREAT_LIMITED = 1,
	VZ_THREAT_ACTIVE = 2
} vz_threat;

/*
 * An assessment vector, e.g. "VZ1/AV:K/UP:V/DT:Y/CO:F/TH:A":
 *   AV access      K kernel, S system, U user, B sandboxed
 *   UP updates     V vendor pushes code, C customer-controlled, N none
 *   DT data        Y the product sends data to the vendor, N it does not
 *   CO compulsion  F full, P partial, N none
 *   TH threat      A active, L limited, N none
 */
typedef struct vz_vector {
	vz_access access;
	vz_updates updates;
	int data; /* 1 if data flows to the vendor */
	vz_compulsion compulsion;
	vz_threat threat;
} vz_vector;

/* The longest vector string, with its NUL. */
#define VZ_VECTOR_MAX 32

/*
 * Parse a vector. Metrics may come in any order, but each exactly once.
 * On error returns VZ_E_PARSE and fills err (if non-NULL) with what is
 * wrong and, in err->column, the 1-based character where it is.
 */
VZ_API vz_status vz_vector_parse(const char *s, vz_vector *out, vz_error *err);

/* Print a vector in canonical order; buf must hold VZ_VECTOR_MAX bytes. */
VZ_API void vz_vector_format(const vz_vector *v, char *buf, size_t size);

/* Catalogue spellings of levels ("kernel", "full", ...); static storage. */
VZ_API const char *vz_access_name(vz_access a);
VZ_API const char *vz_updates_name(vz_updates u);
VZ_API const char *vz_compulsion_name(vz_compulsion c);
VZ_API const char *vz_threat_name(vz_threat t);

/* The result of assessing one product for one assessing state. */
typedef struct vz_assessment vz_assessment;

/*
 * Assess `product_id` as `as_state` (a jurisdiction id; NULL: the
 * catalogue's assessing_state) with the rules `rules_id` (NULL: the
 * current rules, the one of highest version). Derives each factor from
 * the catalogue's facts, evaluates the rules and records why. The result
 * is owned by the caller: vz_assessment_free. VZ_E_NOTFOUND (with err)
 * for an unknown product, state or rules.
 */
VZ_API vz_status vz_assess(const vz_catalog *cat, const char *product_id,
                           const char *as_state, const char *rules_id,
                           vz_assessment **out, vz_error *err);
VZ_API void vz_assessment_free(vz_assessment *a);

VZ_API const vz_vector *vz_assessment_vector(const vz_assessment *a);
/* Borrowed strings, valid until vz_assessment_free. */
VZ_API const char *vz_assessment_level(const vz_assessment *a);
VZ_API const char *vz_assessment_rules(const vz_assessment *a);
/* The action for a sector, or NULL if the rules give none for it. */
VZ_API const char *vz_assessment_action(const vz_assessment *a,
                                        const char *sector);

/* Render options for vz_assessment_render. */
typedef struct vz_render_opts {
	vz_format format;   /* text or JSON */
	const char *sector; /* NULL: every sector */
	int explain;        /* text: add evidence and sources per factor */
} vz_render_opts;

/*
 * Render an assessment: each factor's level with its derivation, evidence
 * and sources, the vector, the rule that fired, the risk level and the
 * action per sector, and the recorded assessments of this product with
 * whether they agree. *out is owned by the caller (vz_free).
 */
VZ_API vz_status vz_assessment_render(const vz_catalog *cat,
                                      const vz_assessment *a,
                                      const vz_render_opts *opts,
                                      char **out, vz_error *err);

/*
 * The consistency check ("arbitrariness detector") that `catalog lint`
 * runs after loading: every assessment's vector must parse and agree with
 * its recorded factors, and its recorded level and decision must be what
 * its rules compute from those factors. A deviation is an error, unless
 * the assessment carries an override with a written reason; then it is a
 * warning that names the override. Also checks that rules are complete
 * (an action row for every level, an action for every sector). Appends to
 * diags; returns VZ_OK or VZ_E_INVALID.
 */
VZ_API vz_status vz_assess_check(const vz_catalog *cat, vz_diags *diags);

/*
 * What-if: apply `nsets` changes ("PATH=VALUE" or "PATH+=VALUE", see
 * docs/assessment-method.md) to a copy of the catalogue, re-validate it,
 * reassess every product and list which decisions change and why.
 * Errors in a change (bad path, invalid result) are appended to diags
 * with VZ_E_USAGE or VZ_E_INVALID.
 */
VZ_API vz_status vz_reassess(const vz_catalog *cat, const char *const *sets,
                             size_t nsets, const char *as_state,
                             vz_format format, char **out, vz_diags *diags);

/* Formats for vz_diff; VZ_DIFF_MARKDOWN renders a notice to parliament. */
typedef enum vz_diff_format {
	VZ_DIFF_TEXT = 0,
	VZ_DIFF_JSON = 1,
	VZ_DIFF_MARKDOWN = 2
} vz_diff_format;

/*
 * Compare two catalogues: changed inputs (entries added, removed or
 * changed, member by member), changed decisions (each product reassessed
 * under each catalogue's current rules) and the sectors affected.
 */
VZ_API vz_status vz_diff(const vz_catalog *old_cat, const vz_catalog *new_cat,
                         const char *as_state, vz_diff_format format,
                         char **out, vz_error *err);

/*
 * As vz_diff, with the language of the Markdown notice: "nl" (written as
 * a Dutch ministry writes to the House) or "en"; NULL: Dutch when the new
 * catalogue's assessing state is the Netherlands (ISO 3166 "NL"), else
 * English. Text and JSON are the same in both. VZ_E_INVALID for another
 * language. Both renderings keep what the measures require (recorded)
 * apart from what the rules give (derived), count and describe changes
 * to a measure's scope, covered products and deadlines, and group
 * products that changed for the same reasons.
 */
VZ_API vz_status vz_diff_lang(const vz_catalog *old_cat,
                              const vz_catalog *new_cat,
                              const char *as_state, vz_diff_format format,
                              const char *lang, char **out, vz_error *err);

#ifdef __cplusplus
}
#endif

#endif /* VOORZORG_ASSESS_H */
