/*
 * lib/assess/explain.c - render an assessment for a reader.
 *
 * Text is written for a security officer or an auditor: a table of the
 * three factors with how each was derived, the vector, the rule that
 * fired, the risk level and the action per sector; with --explain also
 * the evidence and the sources behind every factor. JSON is the same
 * explanation document, with the cited sources resolved, for tools.
 *
 * Every line of reasoning says whose it is: "[recorded]" marks an
 * authority's own words, quoted with source and pinpoint; "[derived]"
 * marks what voorzorg's method and the catalogue's own text give. A
 * reader must never take the second for the first.
 */
#include <string.h>

#include "assess_int.h"

/* Collect source ids under every "sources" member, first-seen order. */
/* Returns -1 if memory ran out (the collection is then incomplete). */
static int collect_sources(json_t *v, json_t *acc)
{
	const char *key;
	json_t *m;
	size_t i;
	int rc = 0;

	if (json_is_object(v)) {
		json_object_foreach(v, key, m)
		{
			if (strcmp(key, "sources") != 0 || !json_is_array(m)) {
				rc |= collect_sources(m, acc);
				continue;
			}
			for (i = 0; i < json_array_size(m); i++) {
				json_t *s = json_array_get(m, i);

				if (!json_is_string(s) ||
				    json_object_get(acc, json_string_value(s)))
					continue;
				if (json_object_set_new(acc,
				                        json_string_value(s),
				                        json_true()) != 0)
					rc = -1;
			}
		}
	} else if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++)
			rc |= collect_sources(json_array_get(v, i), acc);
	}
	return rc;
}

static void source_line(const vz_catalog *cat, const char *id, struct vz_buf *b)
{
	json_t *s = vz__catalog_get(cat, id, NULL);

	vz__buf_printf(b, "  [%s] %s", id, vz__jstr(s, "title"));
	if (*vz__jstr(s, "publisher"))
		vz__buf_printf(b, ", %s", vz__jstr(s, "publisher"));
	if (*vz__jstr(s, "date"))
		vz__buf_printf(b, ", %s", vz__jstr(s, "date"));
	if (*vz__jstr(s, "reference"))
		vz__buf_printf(b, ", %s", vz__jstr(s, "reference"));
	if (*vz__jstr(s, "url"))
		vz__buf_printf(b, " <%s>", vz__jstr(s, "url"));
	vz__buf_printf(b, " (%s)\n", vz__jstr(s, "kind"));
}

void vz__render_sources(const vz_catalog *cat, json_t *doc, struct vz_buf *b)
{
	json_t *acc = json_object(), *m;
	const char *key;

	if (acc == NULL) {
		b->failed = 1;
		return;
	}
	if (collect_sources(doc, acc) != 0)
		b->failed = 1;
	if (json_object_size(acc) > 0)
		vz__buf_puts(b, "\nsources:\n");
	json_object_foreach(acc, key, m) source_line(cat, key, b);
	json_decref(acc);
}

void vz__render_quote(struct vz_buf *b, const char *indent, json_t *q)
{
	if (*vz__jstr(q, "factor"))
		vz__buf_printf(b, "%s[recorded, %s] \"%s\"", indent,
		               vz__jstr(q, "factor"), vz__jstr(q, "quote"));
	else
		vz__buf_printf(b, "%s[recorded] \"%s\"", indent,
		               vz__jstr(q, "quote"));
	if (*vz__jstr(q, "translation"))
		vz__buf_printf(b, " (%s; in English: \"%s\")",
		               vz__jstr(q, "lang"), vz__jstr(q, "translation"));
	vz__buf_printf(b, " [%s, %s]", vz__jstr(q, "source"),
	               vz__jstr(q, "pinpoint"));
	if (*vz__jstr(q, "by"))
		vz__buf_printf(b, " (%s)", vz__jstr(q, "by"));
	vz__buf_puts(b, "\n");
}

static void source_ids(json_t *sources, struct vz_buf *b)
{
	size_t i;

	for (i = 0; i < json_array_size(sources); i++)
		vz__buf_printf(b, "%s[%s]", i ? " " : "",
		               json_string_value(json_array_get(sources, i)));
}

static void render_factor(struct vz_buf *b, const char *name, json_t *f,
                          int explain)
{
	json_t *der = json_object_get(f, "derivation");
	json_t *ev = json_object_get(f, "evidence");
	size_t i;

	vz__buf_printf(b, "  %-11s %-10s", name, vz__jstr(f, "level"));
	for (i = 0; i < json_array_size(der); i++)
		vz__buf_printf(b, "%s[derived] %s\n",
		               i ? "                         " : "",
		               json_string_value(json_array_get(der, i)));
	if (json_array_size(der) == 0)
		vz__buf_puts(b, "\n");
	if (!explain)
		return;
	for (i = 0; i < json_array_size(ev); i++) {
		json_t *e = json_array_get(ev, i);

		json_t *rec = json_object_get(e, "recorded");
		size_t k;

		vz__buf_printf(b,
		               "                         [derived] "
		               "evidence: %s ",
		               vz__jstr(e, "text"));
		source_ids(json_object_get(e, "sources"), b);
		vz__buf_puts(b, "\n");
		for (k = 0; k < json_array_size(rec); k++)
			vz__render_quote(b, "                           ",
			                 json_array_get(rec, k));
	}
}

static void render_text(const vz_catalog *cat, json_t *d,
                        const vz_render_opts *o, struct vz_buf *b)
{
	json_t *p = json_object_get(d, "product");
	json_t *st = json_object_get(d, "assessing_state");
	json_t *r = json_object_get(d, "rules");
	json_t *f = json_object_get(d, "factors");
	json_t *rule = json_object_get(d, "rule");
	json_t *acts = json_object_get(d, "actions");
	json_t *mits = json_object_get(d, "mitigations");
	json_t *rec = json_object_get(d, "recorded");
	json_t *ms = json_object_get(d, "measures");
	const char *sec;
	json_t *v;
	size_t i;

	json_t *cg = json_object_get(d, "catalog");

	vz__buf_printf(b, "assessment of %s (%s)\n", vz__jstr(p, "id"),
	               vz__jstr(p, "name"));
	vz__buf_printf(b, "  catalogue %s version %lld, signature %s\n",
	               vz__jstr(cg, "id"),
	               (long long)json_integer_value(
	                   json_object_get(cg, "version")),
	               vz__jstr(cg, "signature"));
	if (json_is_integer(json_object_get(cg, "trusted_version")))
		vz__buf_printf(b, "  OLDER than the trusted version %lld of "
		               "this catalogue\n",
		               (long long)json_integer_value(json_object_get(
		                   cg, "trusted_version")));
	vz__buf_printf(b, "  vendor %s (%s); assessed as %s (%s)\n",
	               vz__jstr(p, "vendor"), vz__jstr(p, "vendor_name"),
	               vz__jstr(st, "id"), vz__jstr(st, "name"));
	vz__buf_printf(
	    b, "  rules %s version %lld: %s\n\n", vz__jstr(r, "id"),
	    (long long)json_integer_value(json_object_get(r, "version")),
	    vz__jstr(r, "title"));
	vz__buf_puts(b, "  factor      level     derived from ([derived]: "
	                "voorzorg's method; [recorded]: an authority's "
	                "words)\n");
	render_factor(b, "access", json_object_get(f, "access"), o->explain);
	render_factor(b, "compulsion", json_object_get(f, "compulsion"),
	              o->explain);
	render_factor(b, "threat", json_object_get(f, "threat"), o->explain);
	if (json_array_size(mits) > 0) {
		vz__buf_puts(b, "\n  mitigations the vendor claims or has "
		                "shown:\n");
		for (i = 0; i < json_array_size(mits); i++) {
			json_t *m = json_array_get(mits, i);

			vz__buf_printf(b, "    %s (%s): [derived] %s\n",
			               vz__jstr(m, "kind"),
			               vz__jstr(m, "status"),
			               vz__jstr(m, "effect"));
			if (o->explain) {
				vz__buf_printf(b, "      %s ",
				               vz__jstr(m, "summary"));
				source_ids(json_object_get(m, "sources"), b);
				vz__buf_puts(b, "\n");
			}
		}
	}
	vz__buf_printf(b, "\n  vector  %s\n", vz__jstr(d, "vector"));
	if (json_is_integer(json_object_get(rule, "index")))
		vz__buf_printf(b, "  rule    matrix[%lld]%s%s: %s\n",
		               (long long)json_integer_value(
		                   json_object_get(rule, "index")),
		               *vz__jstr(rule, "rule") ? " " : "",
		               vz__jstr(rule, "rule"),
		               vz__jstr(rule, "reason"));
	else
		vz__buf_printf(b, "  rule    %s\n", vz__jstr(rule, "reason"));
	vz__buf_printf(b, "  risk    %s\n", vz__jstr(d, "level"));
	if (o->sector != NULL) {
		v = json_object_get(acts, o->sector);
		vz__buf_printf(b, "  action  %s: %s\n", o->sector,
		               json_is_string(v) ? json_string_value(v)
		                                 : "(none given by the rules)");
	} else {
		vz__buf_puts(b, "  action");
		i = 0;
		json_object_foreach(acts, sec, v)
		    vz__buf_printf(b, "%s%-20s %s\n", i++ ? "          " : "  ",
		                   sec, json_string_value(v));
		if (i == 0)
			vz__buf_puts(b, "  (none given by the rules)\n");
	}
	if (json_array_size(rec) > 0) {
		vz__buf_puts(b, "\n  recorded assessments:\n");
		for (i = 0; i < json_array_size(rec); i++) {
			json_t *a = json_array_get(rec, i);
			json_t *df = json_object_get(a, "differences");
			size_t k;

			json_t *qs = json_object_get(a, "recorded");

			vz__buf_printf(
			    b, "    %s (%s, %s, %s): risk %s\n",
			    vz__jstr(a, "id"), vz__jstr(a, "date"),
			    vz__jstr(a, "assessor"),
			    strcmp(vz__jstr(a, "basis"), "recorded") == 0
			        ? "recorded from the authority"
			        : "derived by voorzorg",
			    vz__jstr(a, "level"));
			for (k = 0; o->explain && k < json_array_size(qs);
			     k++) {
				vz__render_quote(b, "      ",
				                 json_array_get(qs, k));
			}
			vz__buf_printf(
			    b, "      [derived] %s\n",
			    json_is_true(json_object_get(a, "agrees"))
			        ? "agrees with the rules today"
			        : "differs from the rules today:");
			for (k = 0; k < json_array_size(df); k++)
				vz__buf_printf(
				    b, "        %s\n",
				    json_string_value(json_array_get(df, k)));
			if (*vz__jstr(a, "override"))
				vz__buf_printf(b,
				               "      [derived] override: %s\n",
				               vz__jstr(a, "override"));
		}
	}
	if (json_array_size(ms) > 0) {
		vz__buf_puts(b, "\n  measures covering this product:\n");
		for (i = 0; i < json_array_size(ms); i++) {
			json_t *m = json_array_get(ms, i);
			json_t *secs = json_object_get(m, "sectors");

			vz__buf_printf(b, "    %s (%s, %s; %s)\n",
			               vz__jstr(m, "id"), vz__jstr(m, "date"),
			               vz__jstr(m, "issuing_state"),
			               vz__jstr(m, "reference"));
			json_object_foreach(secs, sec, v)
			{
				if (o->sector && strcmp(o->sector, sec) != 0)
					continue;
				vz__buf_printf(b, "      %-20s %s\n", sec,
				               json_string_value(v));
			}
		}
	}
	if (o->explain)
		vz__render_sources(cat, d, b);
}

/* JSON: the explanation, plus the cited sources resolved by id. */
static char *render_json(const vz_catalog *cat, json_t *d,
                         const vz_render_opts *o)
{
	json_t *copy = json_deep_copy(d), *acc = json_object(), *srcs;
	const char *key;
	json_t *m;
	char *s = NULL;
	int bad = copy == NULL || acc == NULL;

	if (!bad && o->sector != NULL) {
		json_t *act = json_object_get(d, "actions");
		json_t *one = json_object();

		bad |= one == NULL;
		if (!bad && json_object_get(act, o->sector))
			bad |= json_object_set(one, o->sector,
			                       json_object_get(act, o->sector));
		bad |= json_object_set_new(copy, "actions", one);
		bad |=
		    json_object_set_new(copy, "sector", json_string(o->sector));
	}
	if (!bad) {
		bad |= collect_sources(d, acc) != 0;
		srcs = json_object();
		bad |= srcs == NULL;
		json_object_foreach(acc, key, m)
		{
			if (bad)
				break;
			bad |= json_object_set(srcs, key,
			                       vz__catalog_get(cat, key, NULL));
		}
		bad |= json_object_set_new(copy, "sources", srcs);
	}
	if (!bad)
		s = json_dumps(copy, JSON_INDENT(2));
	json_decref(copy);
	json_decref(acc);
	return s;
}

vz_status vz_assessment_render(const vz_catalog *cat, const vz_assessment *a,
                               const vz_render_opts *opts, char **out,
                               vz_error *err)
{
	struct vz_buf b;
	vz_render_opts def = {VZ_FORMAT_TEXT, NULL, 0};

	*out = NULL;
	if (opts == NULL)
		opts = &def;
	vz__buf_init(&b);
	if (opts->format == VZ_FORMAT_JSON) {
		char *s = render_json(cat, a->doc, opts);

		if (s != NULL) {
			vz__buf_puts(&b, s);
			vz__buf_puts(&b, "\n");
		} else {
			b.failed = 1;
		}
		vz__json_free(s);
	} else {
		render_text(cat, a->doc, opts, &b);
	}
	*out = vz__buf_take(&b);
	if (*out == NULL) {
		vz__error_set(err, VZ_E_NOMEM, vz_catalog_file(cat),
		              "out of memory");
		return VZ_E_NOMEM;
	}
	return VZ_OK;
}
