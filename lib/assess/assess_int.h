/*
 * lib/assess/assess_int.h - internals of the assessment engine.
 *
 * An assessment is built as a JSON document (the "explanation") that both
 * renderers read, so text and JSON output can never disagree.
 */
#ifndef VZ_ASSESS_INT_H
#define VZ_ASSESS_INT_H

#include <jansson.h>

#include "vz_int.h"
#include <voorzorg/assess.h>

struct vz_assessment {
	json_t *doc; /* owned: the explanation, see engine.c */
	vz_vector vec;
};

/*
 * Accumulates "out of memory" while building JSON, so builders need not
 * check every call: each helper is a no-op once `bad` is set, and the
 * caller checks once at the end.
 */
struct jb {
	int bad;
};

json_t *vz__jb_obj(struct jb *b, json_t *parent, const char *key);
json_t *vz__jb_arr(struct jb *b, json_t *parent, const char *key);
void vz__jb_set(struct jb *b, json_t *o, const char *key, json_t *v);
void vz__jb_str(struct jb *b, json_t *o, const char *key, const char *s);
void vz__jb_push(struct jb *b, json_t *arr, json_t *v);
void vz__jb_pushf(struct jb *b, json_t *arr, const char *fmt, ...)
    VZ__PRINTF(3, 4);

/*
 * One recorded quote as a text line: "[recorded]", the words, the
 * translation, [source, pinpoint] and who spoke (explain.c).
 */
void vz__render_quote(struct vz_buf *b, const char *indent, json_t *q);

/* Member string or "" (never NULL). */
const char *vz__jstr(const json_t *o, const char *key);

/* The rules entry in force: the highest version (first on a tie). */
json_t *vz__assess_current_rules(const vz_catalog *cat);

/*
 * Evaluate rules for a vector: the index of the first matrix entry that
 * matches (-1: none, the default level applies), the risk level, and the
 * action row for that level (NULL if the rules give none).
 */
int vz__rules_eval(json_t *rules, const vz_vector *v, const char **level,
                   json_t **actions);

/*
 * Reassess every product of `y` under both catalogues (each with its own
 * current rules) as `as`; append to `changed` the products whose risk or
 * actions differ, with why, and to `stayed` those whose inputs moved but
 * whose decision stands, with why.
 */
void vz__compare_decisions(struct jb *b, const vz_catalog *x,
                           const vz_catalog *y, const char *as,
                           json_t *changed, json_t *stayed);

/*
 * Append to `out` the measures of `y` added or changed since `x` (scope,
 * covered products, actions and deadlines per sector, new reviews) and
 * those of `x` withdrawn in `y` (mdiff.c).
 */
void vz__diff_measures(struct jb *b, const vz_catalog *x, const vz_catalog *y,
                       json_t *out);

/*
 * The notice to parliament in Dutch, from the diff document `r` of
 * diff.c (notice_nl.c).
 */
void vz__render_notice_nl(const vz_catalog *y, json_t *r, struct vz_buf *b);

/* A measure's scope as stated, in one line: "form; vendors ...". */
void vz__scope_str(json_t *scope, struct vz_buf *b);

/* Text for the decisions that stand (reassess and diff share it). */
void vz__render_stayed_text(json_t *stayed, struct vz_buf *b);

/* Render the cited sources of a document (ids under "sources") as text. */
void vz__render_sources(const vz_catalog *cat, json_t *doc,
                        struct vz_buf *b);

#endif /* VZ_ASSESS_INT_H */
