/*
 * lib/assess/engine.c - derive the three factors from the catalogue's
 * facts, apply the rules, and record why.
 *
 * The derivation is the method of docs/assessment-method.md, rule by rule
 * (the R-... ids in the comments and in the output are the method's):
 *   access     = the product's access (R-ACC-1), with its update channel
 *                and data flow as further metrics (R-ACC-2);
 *   compulsion = the strongest law that can compel the vendor, over the
 *                vendor's headquarters and its ultimate parent's
 *                jurisdiction (R-COM-1, R-COM-2); a state's own law is
 *                not foreign compulsion when it assesses itself (R-COM-3);
 *   threat     = the strongest offensive programme of those jurisdictions
 *                aimed at the assessing state (R-THR-1);
 *   mitigations lower a factor only as the rules' `mitigations` say
 *                (R-MIT-1); anything else has no effect, and we say so.
 * Then the first matching rule of the matrix gives the risk level
 * (R-DEC-1), and the actions table the action per sector (R-DEC-2).
 */
#include <stdio.h>
#include <string.h>

#include "assess_int.h"

/* ---- JSON building helpers ---------------------------------------- */

/* The *_new setters always take over `v`, even when they fail. */
void vz__jb_set(struct jb *b, json_t *o, const char *key, json_t *v)
{
	if (b->bad) {
		json_decref(v);
		return;
	}
	if (v == NULL || json_object_set_new(o, key, v) != 0)
		b->bad = 1;
}

json_t *vz__jb_obj(struct jb *b, json_t *parent, const char *key)
{
	json_t *o;

	if (b->bad)
		return NULL;
	o = json_object();
	if (parent == NULL)
		return o;
	if (json_is_array(parent))
		vz__jb_push(b, parent, o);
	else
		vz__jb_set(b, parent, key, o);
	return b->bad ? NULL : o;
}

json_t *vz__jb_arr(struct jb *b, json_t *parent, const char *key)
{
	json_t *a;

	if (b->bad)
		return NULL;
	a = json_array();
	vz__jb_set(b, parent, key, a);
	return b->bad ? NULL : a;
}

void vz__jb_str(struct jb *b, json_t *o, const char *key, const char *s)
{
	if (b->bad)
		return;
	vz__jb_set(b, o, key, s ? json_string(s) : json_null());
}

void vz__jb_push(struct jb *b, json_t *arr, json_t *v)
{
	if (b->bad) {
		json_decref(v);
		return;
	}
	if (v == NULL || json_array_append_new(arr, v) != 0)
		b->bad = 1;
}

void vz__jb_pushf(struct jb *b, json_t *arr, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (b->bad)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	vz__jb_push(b, arr, json_string(line));
}

const char *vz__jstr(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

/* ---- rules ------------------------------------------------------------ */

json_t *vz__assess_current_rules(const vz_catalog *cat)
{
	json_t *best = NULL;
	size_t i;

	for (i = 0; i < vz_catalog_count(cat, VZ_KIND_RULES); i++) {
		json_t *r = vz__catalog_nth(cat, VZ_KIND_RULES, i);

		if (best == NULL ||
		    json_integer_value(json_object_get(r, "version")) >
		        json_integer_value(json_object_get(best, "version")))
			best = r;
	}
	return best;
}

static int in_list(json_t *arr, const char *s)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++)
		if (strcmp(json_string_value(json_array_get(arr, i)), s) == 0)
			return 1;
	return 0;
}

static int when_matches(json_t *when, const vz_vector *v)
{
	json_t *a;

	if ((a = json_object_get(when, "access")) &&
	    !in_list(a, vz_access_name(v->access)))
		return 0;
	if ((a = json_object_get(when, "compulsion")) &&
	    !in_list(a, vz_compulsion_name(v->compulsion)))
		return 0;
	if ((a = json_object_get(when, "threat")) &&
	    !in_list(a, vz_threat_name(v->threat)))
		return 0;
	if ((a = json_object_get(when, "updates")) &&
	    !in_list(a, vz_updates_name(v->updates)))
		return 0;
	if ((a = json_object_get(when, "data")) &&
	    !in_list(a, v->data ? "yes" : "no"))
		return 0;
	return 1;
}

int vz__rules_eval(json_t *rules, const vz_vector *v, const char **level,
                   json_t **actions)
{
	json_t *matrix = json_object_get(rules, "matrix");
	json_t *rows = json_object_get(rules, "actions");
	int fired = -1;
	size_t i;

	for (i = 0; i < json_array_size(matrix); i++) {
		json_t *m = json_array_get(matrix, i);

		if (when_matches(json_object_get(m, "when"), v)) {
			fired = (int)i;
			break;
		}
	}
	*level = fired >= 0
	             ? vz__jstr(json_array_get(matrix, (size_t)fired), "level")
	             : vz__jstr(rules, "default_level");
	*actions = NULL;
	for (i = 0; i < json_array_size(rows); i++) {
		json_t *r = json_array_get(rows, i);

		if (strcmp(vz__jstr(r, "level"), *level) == 0) {
			*actions = json_object_get(r, "sectors");
			break;
		}
	}
	return fired;
}

/* ---- factor derivation ------------------------------------------------- */

struct factor {
	json_t *doc;        /* borrowed from the explanation */
	json_t *derivation; /* array of strings */
	json_t *evidence;   /* array of {text, sources} */
};

/*
 * One piece of evidence: the catalogue's text (voorzorg's words, derived)
 * with its sources, and what an authority recorded about the same fact
 * in its own words (`from`'s "recorded" quotes), if any.
 */
static void evidence(struct jb *b, struct factor *f, const char *text,
                     json_t *from)
{
	json_t *e = vz__jb_obj(b, f->evidence, NULL);
	json_t *sources = json_object_get(from, "sources");
	json_t *rec = json_object_get(from, "recorded");

	if (e == NULL)
		return;
	vz__jb_str(b, e, "text", text);
	vz__jb_set(b, e, "sources",
	           sources ? json_deep_copy(sources) : json_array());
	if (json_array_size(rec) > 0)
		vz__jb_set(b, e, "recorded", json_deep_copy(rec));
}

static void new_factor(struct jb *b, json_t *factors, const char *name,
                       struct factor *f)
{
	f->doc = vz__jb_obj(b, factors, name);
	f->derivation = f->doc ? vz__jb_arr(b, f->doc, "derivation") : NULL;
	f->evidence = f->doc ? vz__jb_arr(b, f->doc, "evidence") : NULL;
}

/* The distinct jurisdictions whose law reaches the vendor. */
static size_t vendor_states(const vz_catalog *cat, json_t *vendor,
                            json_t *out[2], const char *role[2])
{
	const char *hq = vz__jstr(vendor, "headquarters");
	const char *parent = vz__jstr(vendor, "parent_jurisdiction");
	size_t n = 0;

	out[n] = vz__catalog_get(cat, hq, NULL);
	role[n++] = "headquarters";
	if (strcmp(parent, hq) != 0) {
		out[n] = vz__catalog_get(cat, parent, NULL);
		role[n++] = "ultimate parent";
	}
	return n;
}

static vz_compulsion derive_compulsion(struct jb *b, const vz_catalog *cat,
                                       json_t *vendor, const char *as,
                                       struct factor *f)
{
	json_t *states[2];
	const char *role[2];
	size_t n = vendor_states(cat, vendor, states, role), i, k;
	vz_compulsion level = VZ_COMPULSION_NONE;

	for (i = 0; i < n; i++) {
		const char *jid = vz__jstr(states[i], "id");
		json_t *laws = json_object_get(states[i], "compulsion_laws");

		if (strcmp(jid, as) == 0) {
			vz__jb_pushf(b, f->derivation,
			             "%s (%s) is the assessing state itself: "
			             "its own law is not foreign compulsion "
			             "(R-COM-3)",
			             role[i], jid);
			continue;
		}
		if (json_array_size(laws) == 0)
			vz__jb_pushf(b, f->derivation,
			             "%s %s (%s): no law recorded that can "
			             "compel companies to assist intelligence "
			             "services (R-COM-2)",
			             role[i], jid, vz__jstr(states[i], "name"));
		for (k = 0; k < json_array_size(laws); k++) {
			json_t *law = json_array_get(laws, k);
			int l = vz__compulsion_from(vz__jstr(law, "level"));

			vz__jb_pushf(b, f->derivation,
			             "%s %s (%s): \"%s\" compels %s (R-COM-1, "
			             "R-COM-2)",
			             role[i], jid, vz__jstr(states[i], "name"),
			             vz__jstr(law, "title"),
			             vz__jstr(law, "level"));
			evidence(b, f, vz__jstr(law, "summary"), law);
			if (l > (int)level)
				level = (vz_compulsion)l;
		}
	}
	return level;
}

static vz_threat derive_threat(struct jb *b, const vz_catalog *cat,
                               json_t *vendor, const char *as, struct factor *f)
{
	json_t *states[2];
	const char *role[2];
	size_t n = vendor_states(cat, vendor, states, role), i, k;
	vz_threat level = VZ_THREAT_NONE;

	for (i = 0; i < n; i++) {
		const char *jid = vz__jstr(states[i], "id");
		json_t *progs =
		    json_object_get(states[i], "offensive_programmes");
		int found = 0;

		if (strcmp(jid, as) == 0) {
			vz__jb_pushf(b, f->derivation,
			             "%s (%s) is the assessing state itself "
			             "(R-COM-3)",
			             role[i], jid);
			continue;
		}
		for (k = 0; k < json_array_size(progs); k++) {
			json_t *p = json_array_get(progs, k);
			int l;

			if (strcmp(vz__jstr(p, "target"), as) != 0)
				continue;
			found = 1;
			l = vz__threat_from(vz__jstr(p, "level"));
			vz__jb_pushf(b, f->derivation,
			             "%s %s (%s) runs an offensive cyber "
			             "programme aimed at %s: %s (R-THR-1)",
			             role[i], jid, vz__jstr(states[i], "name"),
			             as, vz__jstr(p, "level"));
			evidence(b, f, vz__jstr(p, "summary"), p);
			if (l > (int)level)
				level = (vz_threat)l;
		}
		if (!found)
			vz__jb_pushf(b, f->derivation,
			             "%s %s (%s): no offensive cyber programme "
			             "aimed at %s is recorded (R-THR-1)",
			             role[i], jid, vz__jstr(states[i], "name"),
			             as);
	}
	return level;
}

/* A vendor's mitigation satisfies a rule's kind at the required status. */
static int has_mitigation(json_t *mits, const char *kind, const char *needs)
{
	size_t i;

	for (i = 0; i < json_array_size(mits); i++) {
		json_t *m = json_array_get(mits, i);
		const char *st = json_object_get(m, "status")
		                     ? vz__jstr(m, "status")
		                     : "claimed";

		if (strcmp(vz__jstr(m, "kind"), kind) != 0)
			continue;
		if (strcmp(needs, "claimed") == 0 ||
		    strcmp(st, "verified") == 0)
			return 1;
	}
	return 0;
}

static int rule_satisfied(json_t *rule, json_t *mits)
{
	json_t *kinds = json_object_get(rule, "kinds");
	const char *needs = json_object_get(rule, "requires")
	                        ? vz__jstr(rule, "requires")
	                        : "verified";
	size_t i;

	for (i = 0; i < json_array_size(kinds); i++)
		if (!has_mitigation(mits,
		                    json_string_value(json_array_get(kinds, i)),
		                    needs))
			return 0;
	return 1;
}

/* "a", "a and b", "a, b and c" */
static void join_kinds(json_t *kinds, char *buf, size_t size)
{
	size_t i, n = json_array_size(kinds), used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used < size; i++) {
		int w = snprintf(buf + used, size - used, "%s%s",
		                 i == 0       ? ""
		                 : i + 1 == n ? " and "
		                              : ", ",
		                 json_string_value(json_array_get(kinds, i)));

		if (w < 0)
			break;
		used += (size_t)w;
	}
}

static const char *level_name(int factor, int level)
{
	return factor == 0   ? vz_access_name((vz_access)level)
	       : factor == 1 ? vz_compulsion_name((vz_compulsion)level)
	                     : vz_threat_name((vz_threat)level);
}

/*
 * Apply the rules' mitigation table to the vendor's mitigations: lower
 * factors where a rule is satisfied, and say for every mitigation what it
 * did, or why it did nothing.
 */
static void apply_mitigations(struct jb *b, json_t *rules, json_t *vendor,
                              int levels[3], struct factor f[3], json_t *out)
{
	static const char *const fnames[] = {"access", "compulsion", "threat"};
	json_t *table = json_object_get(rules, "mitigations");
	json_t *mits = json_object_get(vendor, "mitigations");
	size_t i, k;

	for (i = 0; i < json_array_size(table); i++) {
		json_t *r = json_array_get(table, i);
		long long lower =
		    json_integer_value(json_object_get(r, "lower"));
		int fi;

		if (lower <= 0 || !rule_satisfied(r, mits))
			continue;
		for (fi = 0; fi < 3; fi++)
			if (strcmp(vz__jstr(r, "factor"), fnames[fi]) == 0)
				break;
		if (fi == 3)
			continue;
		{
			int before = levels[fi];

			levels[fi] =
			    (int)(levels[fi] > lower ? levels[fi] - lower : 0);
			vz__jb_pushf(b, f[fi].derivation,
			             "mitigations lower it %lld step(s), %s -> "
			             "%s (%s: %s)",
			             lower, level_name(fi, before),
			             level_name(fi, levels[fi]),
			             *vz__jstr(r, "rule") ? vz__jstr(r, "rule")
			                                  : "R-MIT-1",
			             vz__jstr(r, "reason"));
		}
	}
	for (k = 0; k < json_array_size(mits); k++) {
		json_t *m = json_array_get(mits, k);
		const char *kind = vz__jstr(m, "kind");
		json_t *o = vz__jb_obj(b, out, NULL);
		char effect[512] = "";

		if (o == NULL)
			return;
		vz__jb_str(b, o, "kind", kind);
		vz__jb_str(b, o, "status",
		           json_object_get(m, "status") ? vz__jstr(m, "status")
		                                        : "claimed");
		vz__jb_str(b, o, "summary", vz__jstr(m, "summary"));
		vz__jb_set(b, o, "sources",
		           json_deep_copy(json_object_get(m, "sources")));
		/*
		 * A row that lowers a factor and is satisfied explains the
		 * mitigation best; look for one first, then for any row
		 * naming its kind.
		 */
		for (i = 0; i < json_array_size(table) && !effect[0]; i++) {
			json_t *r = json_array_get(table, i);

			if (!in_list(json_object_get(r, "kinds"), kind) ||
			    json_integer_value(json_object_get(r, "lower")) <=
			        0 ||
			    !rule_satisfied(r, mits))
				continue;
			snprintf(effect, sizeof(effect),
			         "lowers %s by %lld (%s: %s)",
			         vz__jstr(r, "factor"),
			         (long long)json_integer_value(
			             json_object_get(r, "lower")),
			         *vz__jstr(r, "rule") ? vz__jstr(r, "rule")
			                              : "R-MIT-1",
			         vz__jstr(r, "reason"));
		}
		for (i = 0; i < json_array_size(table) && !effect[0]; i++) {
			json_t *r = json_array_get(table, i);
			const char *rid = *vz__jstr(r, "rule")
			                      ? vz__jstr(r, "rule")
			                      : "R-MIT-1";
			long long lower =
			    json_integer_value(json_object_get(r, "lower"));

			if (!in_list(json_object_get(r, "kinds"), kind))
				continue;
			if (lower > 0 && rule_satisfied(r, mits))
				snprintf(effect, sizeof(effect),
				         "lowers %s by %lld (%s: %s)",
				         vz__jstr(r, "factor"), lower, rid,
				         vz__jstr(r, "reason"));
			else if (lower > 0) {
				char kinds[200];

				join_kinds(json_object_get(r, "kinds"), kinds,
				           sizeof(kinds));
				snprintf(effect, sizeof(effect),
				         "no effect: %s lowers %s only "
				         "with %s, all %s (%s)",
				         rid, vz__jstr(r, "factor"), kinds,
				         json_object_get(r, "requires")
				             ? vz__jstr(r, "requires")
				             : "verified",
				         vz__jstr(r, "reason"));
			}
			else
				snprintf(effect, sizeof(effect),
				         "no effect on %s (%s: %s)",
				         vz__jstr(r, "factor"), rid,
				         vz__jstr(r, "reason"));
		}
		if (!effect[0])
			snprintf(effect, sizeof(effect),
			         "no effect: no rule gives this kind of "
			         "mitigation an effect (R-MIT-1)");
		vz__jb_str(b, o, "effect", effect);
	}
}

/* ---- recorded assessments and measures ------------------------------- */

/*
 * The authority's own words in a recorded assessment: its "recorded"
 * quotes and each factor's, tagged with the factor, in one list.
 */
static void add_quotes(struct jb *b, json_t *a, json_t *o)
{
	static const char *const names[] = {"access", "compulsion", "threat"};
	json_t *out = NULL, *f = json_object_get(a, "factors");
	size_t i, k;

	for (k = 0; k < 4; k++) {
		json_t *rec =
		    k == 0 ? json_object_get(a, "recorded")
		           : json_object_get(json_object_get(f, names[k - 1]),
		                             "recorded");

		for (i = 0; i < json_array_size(rec); i++) {
			json_t *q = json_deep_copy(json_array_get(rec, i));

			if (out == NULL)
				out = vz__jb_arr(b, o, "recorded");
			if (q != NULL && k > 0 &&
			    json_object_set_new(
			        q, "factor", json_string(names[k - 1])) != 0) {
				json_decref(q);
				q = NULL;
			}
			if (q == NULL) {
				b->bad = 1;
				return;
			}
			vz__jb_push(b, out, q);
		}
	}
}

static void add_recorded(struct jb *b, const vz_catalog *cat,
                         const char *product, const char *as,
                         const vz_vector *v, const char *level, json_t *actions,
                         json_t *out)
{
	size_t i;

	for (i = 0; i < vz_catalog_count(cat, VZ_KIND_ASSESSMENT); i++) {
		json_t *a = vz__catalog_nth(cat, VZ_KIND_ASSESSMENT, i);
		json_t *f = json_object_get(a, "factors");
		json_t *o, *diffs, *dec = json_object_get(a, "decision");
		const char *sec;
		json_t *act;

		if (!in_list(json_object_get(a, "products"), product) ||
		    strcmp(vz__jstr(a, "assessing_state"), as) != 0)
			continue;
		o = vz__jb_obj(b, out, NULL);
		if (o == NULL)
			return;
		vz__jb_str(b, o, "id", vz__jstr(a, "id"));
		vz__jb_str(b, o, "date", vz__jstr(a, "date"));
		vz__jb_str(b, o, "assessor", vz__jstr(a, "assessor"));
		vz__jb_str(b, o, "basis",
		           *vz__jstr(a, "basis") ? vz__jstr(a, "basis")
		                                 : "derived");
		add_quotes(b, a, o);
		vz__jb_str(b, o, "level", vz__jstr(a, "level"));
		if (json_object_get(a, "vector"))
			vz__jb_str(b, o, "vector", vz__jstr(a, "vector"));
		diffs = vz__jb_arr(b, o, "differences");
		if (diffs == NULL)
			return;
#define CMP(name, have)                                                     \
	if (strcmp(vz__jstr(json_object_get(f, name), "level"), have) != 0) \
		vz__jb_pushf(b, diffs, "%s: recorded %s, now %s", name,     \
		             vz__jstr(json_object_get(f, name), "level"),   \
		             have);
		CMP("access", vz_access_name(v->access))
		CMP("compulsion", vz_compulsion_name(v->compulsion))
		CMP("threat", vz_threat_name(v->threat))
#undef CMP
		if (strcmp(vz__jstr(a, "level"), level) != 0)
			vz__jb_pushf(b, diffs, "risk: recorded %s, now %s",
			             vz__jstr(a, "level"), level);
		json_object_foreach(actions, sec, act)
		{
			const char *was = vz__jstr(dec, sec);

			/* Sectors the assessor did not address. */
			if (*was && strcmp(was, json_string_value(act)) != 0)
				vz__jb_pushf(b, diffs,
				             "%s: recorded %s, now %s", sec,
				             *was ? was : "(none)",
				             json_string_value(act));
		}
		vz__jb_set(b, o, "agrees",
		           json_boolean(json_array_size(diffs) == 0));
		if (json_object_get(a, "override"))
			vz__jb_str(
			    b, o, "override",
			    vz__jstr(json_object_get(a, "override"), "reason"));
	}
}

static void add_measures(struct jb *b, const vz_catalog *cat,
                         const char *product, json_t *out)
{
	size_t i, k;

	for (i = 0; i < vz_catalog_count(cat, VZ_KIND_MEASURE); i++) {
		json_t *m = vz__catalog_nth(cat, VZ_KIND_MEASURE, i);
		json_t *secs = json_object_get(m, "sectors"), *o, *so;

		if (!vz__measure_covers_json(cat, m, product))
			continue;
		o = vz__jb_obj(b, out, NULL);
		if (o == NULL)
			return;
		vz__jb_str(b, o, "id", vz__jstr(m, "id"));
		vz__jb_str(b, o, "date", vz__jstr(m, "date"));
		vz__jb_str(b, o, "issuing_state", vz__jstr(m, "issuing_state"));
		vz__jb_str(b, o, "reference", vz__jstr(m, "reference"));
		so = vz__jb_obj(b, o, "sectors");
		for (k = 0; so && k < json_array_size(secs); k++) {
			json_t *s = json_array_get(secs, k);

			vz__jb_str(b, so, vz__jstr(s, "sector"),
			           vz__jstr(s, "action"));
		}
	}
}

/* ---- vz_assess --------------------------------------------------------- */

static vz_status not_found(vz_error *err, const vz_catalog *cat,
                           const char *what, const char *id)
{
	vz__error_set(err, VZ_E_NOTFOUND, vz_catalog_file(cat),
	              "no %s with id \"%s\"", what, id);
	return VZ_E_NOTFOUND;
}

vz_status vz_assess(const vz_catalog *cat, const char *product_id,
                    const char *as_state, const char *rules_id,
                    vz_assessment **out, vz_error *err)
{
	struct jb b = {0};
	vz_assessment *a = NULL;
	json_t *product, *vendor, *rules, *doc = NULL, *o, *factors;
	json_t *actions;
	struct factor f[3];
	int levels[3], fired;
	const char *level;
	char vec[VZ_VECTOR_MAX];
	vz_kind kind;
	vz_status rc = VZ_OK;

	*out = NULL;
	product = vz__catalog_get(cat, product_id, &kind);
	if (product == NULL || kind != VZ_KIND_PRODUCT)
		return not_found(err, cat, "product", product_id);
	if (as_state == NULL)
		as_state = vz__jstr(vz__catalog_root(cat), "assessing_state");
	if (!vz__catalog_get(cat, as_state, &kind) ||
	    kind != VZ_KIND_JURISDICTION)
		return not_found(err, cat, "jurisdiction", as_state);
	rules = rules_id ? vz__catalog_get(cat, rules_id, &kind)
	                 : vz__assess_current_rules(cat);
	if (rules == NULL || (rules_id && kind != VZ_KIND_RULES))
		return not_found(err, cat, "rules",
		                 rules_id ? rules_id : "(any)");
	vendor = vz__catalog_get(cat, vz__jstr(product, "vendor"), NULL);

	a = vz__calloc(1, sizeof(*a));
	doc = json_object();
	if (a == NULL || doc == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	o = vz__jb_obj(&b, doc, "catalog");
	vz__jb_str(&b, o, "id", vz_catalog_id(cat));
	vz__jb_set(&b, o, "version", json_integer(vz_catalog_version(cat)));
	vz__jb_str(&b, o, "signature", vz_catalog_signature(cat));
	if (vz_catalog_trusted_version(cat) >= 0)
		vz__jb_set(&b, o, "trusted_version",
		           json_integer(vz_catalog_trusted_version(cat)));
	o = vz__jb_obj(&b, doc, "product");
	vz__jb_str(&b, o, "id", product_id);
	vz__jb_str(&b, o, "name", vz__jstr(product, "name"));
	vz__jb_str(&b, o, "class", vz__jstr(product, "class"));
	vz__jb_str(&b, o, "vendor", vz__jstr(vendor, "id"));
	vz__jb_str(&b, o, "vendor_name", vz__jstr(vendor, "name"));
	o = vz__jb_obj(&b, doc, "assessing_state");
	vz__jb_str(&b, o, "id", as_state);
	vz__jb_str(&b, o, "name",
	           vz__jstr(vz__catalog_get(cat, as_state, NULL), "name"));
	o = vz__jb_obj(&b, doc, "rules");
	vz__jb_str(&b, o, "id", vz__jstr(rules, "id"));
	vz__jb_set(&b, o, "version",
	           json_integer(
	               json_integer_value(json_object_get(rules, "version"))));
	vz__jb_str(&b, o, "title", vz__jstr(rules, "title"));

	factors = vz__jb_obj(&b, doc, "factors");
	new_factor(&b, factors, "access", &f[0]);
	new_factor(&b, factors, "compulsion", &f[1]);
	new_factor(&b, factors, "threat", &f[2]);
	if (b.bad) {
		rc = VZ_E_NOMEM;
		goto out;
	}

	/* R-ACC-1, R-ACC-2 */
	levels[0] = vz__access_from(vz__jstr(product, "access"));
	a->vec.updates =
	    (vz_updates)vz__updates_from(vz__jstr(product, "updates"));
	a->vec.data = json_is_true(json_object_get(product, "telemetry"));
	vz__jb_pushf(&b, f[0].derivation,
	             "product %s needs %s access (R-ACC-1)", product_id,
	             vz__jstr(product, "access"));
	vz__jb_pushf(&b, f[0].derivation,
	             "updates: %s; data to the vendor: %s (R-ACC-2)",
	             vz__jstr(product, "updates"), a->vec.data ? "yes" : "no");
	evidence(&b, &f[0],
	         *vz__jstr(product, "description")
	             ? vz__jstr(product, "description")
	             : vz__jstr(product, "name"),
	         product);
	levels[1] = (int)derive_compulsion(&b, cat, vendor, as_state, &f[1]);
	levels[2] = (int)derive_threat(&b, cat, vendor, as_state, &f[2]);
	apply_mitigations(&b, rules, vendor, levels, f,
	                  vz__jb_arr(&b, doc, "mitigations"));
	a->vec.access = (vz_access)levels[0];
	a->vec.compulsion = (vz_compulsion)levels[1];
	a->vec.threat = (vz_threat)levels[2];
	vz__jb_str(&b, f[0].doc, "level", vz_access_name(a->vec.access));
	vz__jb_str(&b, f[1].doc, "level",
	           vz_compulsion_name(a->vec.compulsion));
	vz__jb_str(&b, f[2].doc, "level", vz_threat_name(a->vec.threat));
	vz__jb_str(&b, doc, "updates", vz_updates_name(a->vec.updates));
	vz__jb_set(&b, doc, "data_to_vendor", json_boolean(a->vec.data));

	/* R-DEC-1, R-DEC-2 */
	vz_vector_format(&a->vec, vec, sizeof(vec));
	vz__jb_str(&b, doc, "vector", vec);
	fired = vz__rules_eval(rules, &a->vec, &level, &actions);
	o = vz__jb_obj(&b, doc, "rule");
	if (fired >= 0) {
		json_t *m = json_array_get(json_object_get(rules, "matrix"),
		                           (size_t)fired);

		vz__jb_set(&b, o, "index", json_integer(fired));
		vz__jb_str(&b, o, "rule", vz__jstr(m, "rule"));
		vz__jb_str(&b, o, "reason", vz__jstr(m, "reason"));
	} else {
		vz__jb_set(&b, o, "index", json_null());
		vz__jb_str(&b, o, "rule", "default_level");
		vz__jb_str(&b, o, "reason",
		           "no rule of the matrix matches; the default level "
		           "applies");
	}
	vz__jb_str(&b, doc, "level", level);
	vz__jb_set(&b, doc, "actions",
	           actions ? json_deep_copy(actions) : json_object());
	add_recorded(&b, cat, product_id, as_state, &a->vec, level, actions,
	             vz__jb_arr(&b, doc, "recorded"));
	add_measures(&b, cat, product_id, vz__jb_arr(&b, doc, "measures"));
	if (b.bad) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	a->doc = doc;
	doc = NULL;
	*out = a;
	a = NULL;
out:
	if (rc == VZ_E_NOMEM)
		vz__error_set(err, rc, vz_catalog_file(cat), "out of memory");
	json_decref(doc);
	vz_assessment_free(a);
	return rc;
}

void vz_assessment_free(vz_assessment *a)
{
	if (a == NULL)
		return;
	json_decref(a->doc);
	vz__free(a);
}

const vz_vector *vz_assessment_vector(const vz_assessment *a)
{
	return &a->vec;
}

const char *vz_assessment_level(const vz_assessment *a)
{
	return vz__jstr(a->doc, "level");
}

const char *vz_assessment_rules(const vz_assessment *a)
{
	return vz__jstr(json_object_get(a->doc, "rules"), "id");
}

const char *vz_assessment_action(const vz_assessment *a, const char *sector)
{
	json_t *v = json_object_get(json_object_get(a->doc, "actions"), sector);

	return json_is_string(v) ? json_string_value(v) : NULL;
}
