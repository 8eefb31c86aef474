/*
 * lib/assess/check.c - the arbitrariness detector run by `catalog lint`.
 *
 * A recorded decision must be what the published rules compute from the
 * recorded factors. If it is not, either the record or the rules are
 * wrong - or the decision was taken on other grounds, which must then be
 * written down as an override with its reason (reported as a warning that
 * names it, so an auditor sees every deviation). Rules themselves must be
 * complete: a risk level without actions, or a sector without an action,
 * would leave a decision undefined.
 */
#include <stdio.h>
#include <string.h>

#include "assess_int.h"

struct chk {
	const vz_catalog *cat;
	vz_diags *diags;
	struct vz_jseg path[8];
	size_t depth;
};

static void push(struct chk *c, const char *key, size_t index)
{
	if (c->depth < 8) {
		c->path[c->depth].key = key;
		c->path[c->depth].index = index;
		c->depth++;
	}
}

static void pop(struct chk *c, size_t n)
{
	c->depth = c->depth > n ? c->depth - n : 0;
}

#define REPORT(c, sev, ...)                                                  \
	vz__catalog_diag((c)->cat, (c)->diags, (sev), (c)->path, (c)->depth, \
	                 0, __VA_ARGS__)

static void check_rules(struct chk *c, json_t *rules, size_t ri)
{
	json_t *levels = json_object_get(rules, "levels");
	json_t *rows = json_object_get(rules, "actions");
	size_t i, k, ns = vz_catalog_count(c->cat, VZ_KIND_SECTOR);

	push(c, "rules", 0);
	push(c, NULL, ri);
	for (i = 0; i < json_array_size(levels); i++) {
		const char *lv = json_string_value(json_array_get(levels, i));
		json_t *row = NULL;

		for (k = 0; k < json_array_size(rows) && row == NULL; k++)
			if (strcmp(vz__jstr(json_array_get(rows, k), "level"),
			           lv) == 0)
				row = json_array_get(rows, k);
		if (row == NULL) {
			push(c, "levels", 0);
			push(c, NULL, i);
			REPORT(c, VZ_SEV_ERROR,
			       "risk level \"%s\" has no row in actions, so "
			       "its decision is undefined",
			       lv);
			pop(c, 2);
			continue;
		}
		for (k = 0; k < ns; k++) {
			const char *sid =
			    vz_catalog_entry_id(c->cat, VZ_KIND_SECTOR, k);

			if (json_object_get(json_object_get(row, "sectors"),
			                    sid))
				continue;
			push(c, "actions", 0);
			push(c, NULL, 0);
			/* Point at the row itself. */
			for (size_t r = 0; r < json_array_size(rows); r++)
				if (json_array_get(rows, r) == row)
					c->path[c->depth - 1].index = r;
			push(c, "sectors", 0);
			REPORT(c, VZ_SEV_ERROR,
			       "no action for sector \"%s\" at risk level "
			       "\"%s\"",
			       sid, lv);
			pop(c, 3);
		}
	}
	pop(c, 2);
}

/* The recorded factors of an assessment as a vector, or -1 if a level is
 * not a known one (already reported by the loader). */
static int recorded_vector(json_t *a, vz_vector *v)
{
	json_t *f = json_object_get(a, "factors");
	int acc =
	    vz__access_from(vz__jstr(json_object_get(f, "access"), "level"));
	int com = vz__compulsion_from(
	    vz__jstr(json_object_get(f, "compulsion"), "level"));
	int thr =
	    vz__threat_from(vz__jstr(json_object_get(f, "threat"), "level"));

	if (acc < 0 || com < 0 || thr < 0)
		return -1;
	v->access = (vz_access)acc;
	v->compulsion = (vz_compulsion)com;
	v->threat = (vz_threat)thr;
	return 0;
}

/*
 * Updates and data flow are not recorded as factors; without a vector they
 * come from the assessed products (the widest channel among them).
 */
static void products_channel(const vz_catalog *cat, json_t *a, vz_vector *v)
{
	json_t *ps = json_object_get(a, "products");
	size_t i;

	v->updates = VZ_UPDATES_NONE;
	v->data = 0;
	for (i = 0; i < json_array_size(ps); i++) {
		json_t *p = vz__catalog_get(
		    cat, json_string_value(json_array_get(ps, i)), NULL);
		int u = vz__updates_from(vz__jstr(p, "updates"));

		if (u > (int)v->updates)
			v->updates = (vz_updates)u;
		if (json_is_true(json_object_get(p, "telemetry")))
			v->data = 1;
	}
}

static void check_vector(struct chk *c, json_t *a, vz_vector *rec)
{
	json_t *vs = json_object_get(a, "vector");
	vz_vector v;
	vz_error err;

	if (!json_is_string(vs)) {
		products_channel(c->cat, a, rec);
		return;
	}
	push(c, "vector", 0);
	if (vz_vector_parse(json_string_value(vs), &v, &err) != VZ_OK) {
		REPORT(c, VZ_SEV_ERROR, "%s", err.msg);
		products_channel(c->cat, a, rec);
		pop(c, 1);
		return;
	}
	if (v.access != rec->access)
		REPORT(c, VZ_SEV_ERROR,
		       "the vector says access %s, but factors.access.level "
		       "is %s",
		       vz_access_name(v.access), vz_access_name(rec->access));
	if (v.compulsion != rec->compulsion)
		REPORT(c, VZ_SEV_ERROR,
		       "the vector says compulsion %s, but "
		       "factors.compulsion.level is %s",
		       vz_compulsion_name(v.compulsion),
		       vz_compulsion_name(rec->compulsion));
	if (v.threat != rec->threat)
		REPORT(c, VZ_SEV_ERROR,
		       "the vector says threat %s, but factors.threat.level "
		       "is %s",
		       vz_threat_name(v.threat), vz_threat_name(rec->threat));
	rec->updates = v.updates;
	rec->data = v.data;
	pop(c, 1);
}

static void check_assessment(struct chk *c, json_t *a, size_t ai)
{
	json_t *rules = vz__catalog_get(c->cat, vz__jstr(a, "rules"), NULL);
	json_t *ov = json_object_get(a, "override");
	json_t *dec = json_object_get(a, "decision"), *actions, *act;
	const char *level, *sec, *why = vz__jstr(ov, "reason");
	vz_severity sev = ov ? VZ_SEV_WARNING : VZ_SEV_ERROR;
	vz_vector v;
	int fired;

	push(c, "assessments", 0);
	push(c, NULL, ai);
	if (recorded_vector(a, &v) != 0) {
		pop(c, 2);
		return;
	}
	check_vector(c, a, &v);
	fired = vz__rules_eval(rules, &v, &level, &actions);
	if (strcmp(level, vz__jstr(a, "level")) != 0) {
		push(c, "level", 0);
		if (ov)
			REPORT(
			    c, sev,
			    "recorded risk \"%s\" deviates from rules "
			    "\"%s\", which give \"%s\" (%s); override: %s",
			    vz__jstr(a, "level"), vz__jstr(a, "rules"), level,
			    fired >= 0 ? "matrix rule" : "default level", why);
		else
			REPORT(c, sev,
			       "recorded risk \"%s\" is not what rules \"%s\" "
			       "give for these factors: \"%s\" (%s); record "
			       "an override with its reason, or correct it",
			       vz__jstr(a, "level"), vz__jstr(a, "rules"),
			       level,
			       fired >= 0 ? "matrix rule" : "default level");
		pop(c, 1);
	}
	push(c, "decision", 0);
	/*
	 * A recorded decision covers the sectors its assessor addressed
	 * (a foreign directive addresses only its own government), so only
	 * the sectors it names are compared.
	 */
	json_object_foreach(actions, sec, act)
	{
		json_t *have = json_object_get(dec, sec);

		if (have == NULL || json_equal(have, act))
			continue;
		if (ov)
			REPORT(c, sev,
			       "decision for sector \"%s\" is \"%s\", rules "
			       "give \"%s\"; override: %s",
			       sec, have ? json_string_value(have) : "(none)",
			       json_string_value(act), why);
		else
			REPORT(c, sev,
			       "decision for sector \"%s\" is \"%s\", but the "
			       "rules give \"%s\"; record an override with "
			       "its reason, or correct it",
			       sec, have ? json_string_value(have) : "(none)",
			       json_string_value(act));
	}
	json_object_foreach(dec, sec, act)
	{
		if (actions && json_object_get(actions, sec))
			continue;
		REPORT(c, sev,
		       "decision for sector \"%s\" has no counterpart in "
		       "the rules' actions for risk \"%s\"%s%s",
		       sec, level, ov ? "; override: " : "", ov ? why : "");
	}
	pop(c, 3);
}

/* A measure should do what its assessment decided, sector by sector. */
static void check_measure(struct chk *c, json_t *m, size_t mi)
{
	json_t *a = vz__catalog_get(c->cat, vz__jstr(m, "assessment"), NULL);
	json_t *dec = json_object_get(a, "decision");
	json_t *secs = json_object_get(m, "sectors");
	size_t i;

	if (a == NULL)
		return;
	push(c, "measures", 0);
	push(c, NULL, mi);
	push(c, "sectors", 0);
	for (i = 0; i < json_array_size(secs); i++) {
		json_t *s = json_array_get(secs, i);
		const char *want = vz__jstr(dec, vz__jstr(s, "sector"));

		if (!*want || strcmp(want, vz__jstr(s, "action")) == 0)
			continue;
		push(c, NULL, i);
		push(c, "action", 0);
		REPORT(c, VZ_SEV_WARNING,
		       "action \"%s\" for sector \"%s\" differs from the "
		       "decision of assessment \"%s\" (\"%s\")",
		       vz__jstr(s, "action"), vz__jstr(s, "sector"),
		       vz__jstr(a, "id"), want);
		pop(c, 2);
	}
	pop(c, 3);
}

vz_status vz_assess_check(const vz_catalog *cat, vz_diags *diags)
{
	struct chk c;
	size_t before = vz_diags_errors(diags), i, j;
	size_t first = vz_diags_count(diags);

	memset(&c, 0, sizeof(c));
	c.cat = cat;
	c.diags = diags;
	for (i = 0; i < vz_catalog_count(cat, VZ_KIND_RULES); i++) {
		json_t *r = vz__catalog_nth(cat, VZ_KIND_RULES, i);

		check_rules(
		    &c, r,
		    (size_t)vz__catalog_index_of(cat, vz__jstr(r, "id")));
		for (j = 0; j < i; j++) {
			json_t *o = vz__catalog_nth(cat, VZ_KIND_RULES, j);

			if (!json_equal(json_object_get(r, "version"),
			                json_object_get(o, "version")))
				continue;
			push(&c, "rules", 0);
			push(&c, NULL, i);
			push(&c, "version", 0);
			REPORT(&c, VZ_SEV_ERROR,
			       "rules \"%s\" and \"%s\" have the same "
			       "version, so neither is the current one",
			       vz__jstr(o, "id"), vz__jstr(r, "id"));
			pop(&c, 3);
		}
	}
	for (i = 0; i < vz_catalog_count(cat, VZ_KIND_ASSESSMENT); i++)
		check_assessment(
		    &c, vz__catalog_nth(cat, VZ_KIND_ASSESSMENT, i), i);
	for (i = 0; i < vz_catalog_count(cat, VZ_KIND_MEASURE); i++)
		check_measure(&c, vz__catalog_nth(cat, VZ_KIND_MEASURE, i), i);
	vz__diags_sort(diags, first);
	return vz_diags_errors(diags) > before ? VZ_E_INVALID : VZ_OK;
}
