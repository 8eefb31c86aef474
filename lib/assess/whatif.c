/*
 * lib/assess/whatif.c - reconsideration: apply hypothetical changes to a
 * copy of the catalogue and show which decisions change, and why.
 *
 * A change is "PATH=VALUE" (replace) or "PATH+=VALUE" (append to an
 * array). PATH starts with an entry's id and continues with members,
 * indices and selectors:
 *     ru.offensive_programmes[target=nl].level=limited
 *     kaspersky.mitigations+={"kind":"data-relocation", ...}
 *     kaspersky-endpoint-security-windows.access=user
 * VALUE is JSON if it parses as JSON, otherwise a string. The changed
 * catalogue must still be valid: a what-if on an impossible catalogue
 * would prove nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess_int.h"

/* Split a change at its operator; 0 ok, -1 no operator. */
static int split_change(const char *s, char *path, size_t psize,
                        const char **value, int *append)
{
	size_t i, depth = 0;

	for (i = 0; s[i]; i++) {
		if (s[i] == '[')
			depth++;
		else if (s[i] == ']' && depth > 0)
			depth--;
		else if (depth == 0 && s[i] == '=')
			break;
	}
	if (s[i] != '=' || i == 0 || i >= psize)
		return -1;
	*append = s[i - 1] == '+';
	memcpy(path, s, i - (size_t)*append);
	path[i - (size_t)*append] = '\0';
	*value = s + i + 1;
	return 0;
}

/*
 * Walk `path` (after the entry id) from `cur`. Returns the container that
 * holds the final step in *parent and the step itself (key or index).
 */
struct step {
	char key[128];
	long index; /* >= 0 for [N]; -1 for a key */
};

static const char *next_step(const char *p, struct step *st, json_t *cur,
                             json_t **sel, char *why, size_t wsize)
{
	size_t n = 0;

	*sel = NULL;
	st->index = -1;
	if (*p == '.') {
		p++;
		while (*p && *p != '.' && *p != '[' && n + 1 < sizeof(st->key))
			st->key[n++] = *p++;
		st->key[n] = '\0';
		if (n == 0) {
			snprintf(why, wsize, "empty member name");
			return NULL;
		}
		return p;
	}
	if (*p == '[') {
		const char *end = strchr(p, ']'), *eq;
		char inner[256];
		size_t len, i;

		if (end == NULL || (len = (size_t)(end - p - 1)) == 0 ||
		    len >= sizeof(inner)) {
			snprintf(why, wsize, "unterminated or empty [...]");
			return NULL;
		}
		memcpy(inner, p + 1, len);
		inner[len] = '\0';
		eq = strchr(inner, '=');
		if (eq == NULL) {
			char *endp;
			long v = strtol(inner, &endp, 10);

			if (*endp != '\0' || v < 0) {
				snprintf(why, wsize, "bad index [%.60s]",
				         inner);
				return NULL;
			}
			st->index = v;
			return end + 1;
		}
		/* [key=value]: the first element whose member matches. */
		if (!json_is_array(cur)) {
			snprintf(why, wsize, "[%.60s] applies to an array",
			         inner);
			return NULL;
		}
		inner[eq - inner] = '\0';
		for (i = 0; i < json_array_size(cur); i++) {
			json_t *e = json_array_get(cur, i);

			if (strcmp(vz__jstr(e, inner), eq + 1) == 0) {
				st->index = (long)i;
				*sel = e;
				return end + 1;
			}
		}
		snprintf(why, wsize, "no element with %.60s=%.60s", inner,
		         eq + 1);
		return NULL;
	}
	snprintf(why, wsize, "expected '.' or '[' at \"%.20s\"", p);
	return NULL;
}

static int apply_change(json_t *root, const vz_catalog *cat, const char *s,
                        json_t *log, char *why, size_t wsize)
{
	char path[512], id[128];
	const char *value, *p;
	int append;
	json_t *cur, *val, *old = NULL;
	struct step st;
	json_error_t jerr;
	vz_kind kind;
	size_t n = 0;
	unsigned long fails;
	int idx;

	if (split_change(s, path, sizeof(path), &value, &append) != 0) {
		snprintf(why, wsize, "expected PATH=VALUE or PATH+=VALUE");
		return -1;
	}
	for (p = path; *p && *p != '.' && *p != '[' && n + 1 < sizeof(id);)
		id[n++] = *p++;
	id[n] = '\0';
	idx = vz__catalog_index_of(cat, id);
	if (idx < 0 || !vz_catalog_find(cat, id, &kind)) {
		snprintf(why, wsize, "no catalogue entry with id \"%s\"", id);
		return -1;
	}
	cur = json_array_get(json_object_get(root, vz_kind_array(kind)),
	                     (size_t)idx);
	if (*p == '\0') {
		snprintf(why, wsize, "name a member of \"%s\" to change", id);
		return -1;
	}
	fails = vz__alloc_failures();
	val = json_loads(value, JSON_DECODE_ANY, &jerr);
	/* Not JSON: a plain string - unless parsing ran out of memory. */
	if (val == NULL && vz__alloc_failures() == fails)
		val = json_string(value);
	if (val == NULL) {
		snprintf(why, wsize, "out of memory");
		return -1;
	}
	while (*p) {
		json_t *sel, *next;

		p = next_step(p, &st, cur, &sel, why, wsize);
		if (p == NULL)
			goto fail;
		if (*p == '\0')
			break;
		next = st.index >= 0 ? json_array_get(cur, (size_t)st.index)
		                     : json_object_get(cur, st.key);
		if (next == NULL) {
			snprintf(why, wsize, "nothing at \"%s\" in the path",
			         st.index >= 0 ? "[...]" : st.key);
			goto fail;
		}
		cur = next;
	}
	if (st.index >= 0) {
		if (!json_is_array(cur) ||
		    (size_t)st.index >= json_array_size(cur)) {
			snprintf(why, wsize, "index out of range");
			goto fail;
		}
		old = json_array_get(cur, (size_t)st.index);
	} else {
		if (!json_is_object(cur)) {
			snprintf(why, wsize,
			         "\"%s\" is not a member of an "
			         "object",
			         st.key);
			goto fail;
		}
		old = json_object_get(cur, st.key);
	}
	{
		struct jb jb = {0};
		json_t *rec = json_object();
		char *o = old && !append
		              ? json_dumps(old, JSON_ENCODE_ANY | JSON_COMPACT)
		              : NULL;
		char *nv = json_dumps(val, JSON_ENCODE_ANY | JSON_COMPACT);

		jb.bad = rec == NULL || nv == NULL || (old && !append && !o);
		vz__jb_str(&jb, rec, "path", path);
		vz__jb_str(&jb, rec, "op", append ? "+=" : "=");
		/* Appending keeps what was there; show only the new. */
		vz__jb_str(&jb, rec, "was", o);
		vz__jb_str(&jb, rec, "now", nv);
		if (!jb.bad)
			vz__jb_push(&jb, log, rec);
		else
			json_decref(rec);
		vz__json_free(o);
		vz__json_free(nv);
		if (jb.bad)
			goto nomem;
	}
	if (append) {
		if (old == NULL) {
			old = json_array();
			if (old == NULL ||
			    json_object_set_new(cur, st.key, old) != 0)
				goto nomem;
		}
		if (!json_is_array(old)) {
			snprintf(why, wsize, "+= needs an array");
			goto fail;
		}
		if (json_array_append_new(old, val) != 0)
			goto nomem_taken;
		return 0;
	}
	if (st.index >= 0) {
		if (json_array_set_new(cur, (size_t)st.index, val) != 0)
			goto nomem_taken;
	} else if (json_object_set_new(cur, st.key, val) != 0) {
		goto nomem_taken;
	}
	return 0;
nomem:
	snprintf(why, wsize, "out of memory");
fail:
	json_decref(val);
	return -1;
nomem_taken:
	snprintf(why, wsize, "out of memory");
	return -1;
}

/* ---- comparing decisions ---------------------------------------------- */

static void compare_product(struct jb *b, const vz_catalog *a_cat,
                            const vz_catalog *b_cat, const char *pid,
                            const char *as, json_t *changed, json_t *stayed)
{
	vz_assessment *x = NULL, *y = NULL;
	json_t *o, *why;
	const char *sec;
	json_t *act;
	static const char *const fn[] = {"access", "compulsion", "threat"};
	size_t i;

	if (vz_assess(a_cat, pid, as, NULL, &x, NULL) != VZ_OK ||
	    vz_assess(b_cat, pid, as, NULL, &y, NULL) != VZ_OK) {
		/* The product is gone, or the state: reported by the diff. */
		vz_assessment_free(x);
		vz_assessment_free(y);
		return;
	}
	if (strcmp(vz_assessment_level(x), vz_assessment_level(y)) != 0 ||
	    !json_equal(json_object_get(x->doc, "actions"),
	                json_object_get(y->doc, "actions"))) {
		o = vz__jb_obj(b, changed, NULL);
		vz__jb_str(b, o, "product", pid);
		vz__jb_str(
		    b, o, "name",
		    vz__jstr(json_object_get(y->doc, "product"), "name"));
		vz__jb_str(b, o, "risk_was", vz_assessment_level(x));
		vz__jb_str(b, o, "risk_now", vz_assessment_level(y));
		vz__jb_str(b, o, "vector_was", vz__jstr(x->doc, "vector"));
		vz__jb_str(b, o, "vector_now", vz__jstr(y->doc, "vector"));
		why = vz__jb_arr(b, o, "because");
		for (i = 0; i < 3; i++) {
			json_t *fx = json_object_get(
			    json_object_get(x->doc, "factors"), fn[i]);
			json_t *fy = json_object_get(
			    json_object_get(y->doc, "factors"), fn[i]);

			if (strcmp(vz__jstr(fx, "level"),
			           vz__jstr(fy, "level")) != 0)
				vz__jb_pushf(b, why, "%s: %s -> %s", fn[i],
				             vz__jstr(fx, "level"),
				             vz__jstr(fy, "level"));
		}
		if (strcmp(vz__jstr(json_object_get(x->doc, "rules"), "id"),
		           vz__jstr(json_object_get(y->doc, "rules"), "id")))
			vz__jb_pushf(b, why, "rules: %s -> %s",
			             vz_assessment_rules(x),
			             vz_assessment_rules(y));
		if (json_array_size(why) == 0)
			vz__jb_pushf(b, why, "the rules changed");
		why = vz__jb_obj(b, o, "actions");
		json_object_foreach(json_object_get(y->doc, "actions"), sec,
		                    act)
		{
			const char *was = vz_assessment_action(x, sec);
			json_t *pair;

			if (was && strcmp(was, json_string_value(act)) == 0)
				continue;
			pair = vz__jb_obj(b, why, sec);
			vz__jb_str(b, pair, "was", was);
			vz__jb_str(b, pair, "now", json_string_value(act));
		}
	} else if (!json_equal(json_object_get(x->doc, "factors"),
	                       json_object_get(y->doc, "factors")) ||
	           !json_equal(json_object_get(x->doc, "mitigations"),
	                       json_object_get(y->doc, "mitigations"))) {
		/* Inputs moved, the decision did not: say why it stands. */
		json_t *mx = json_object_get(x->doc, "mitigations");
		json_t *my = json_object_get(y->doc, "mitigations");

		o = vz__jb_obj(b, stayed, NULL);
		vz__jb_str(b, o, "product", pid);
		vz__jb_str(
		    b, o, "name",
		    vz__jstr(json_object_get(y->doc, "product"), "name"));
		vz__jb_str(b, o, "risk", vz_assessment_level(y));
		why = vz__jb_arr(b, o, "because");
		for (i = 0; i < json_array_size(my); i++) {
			json_t *m = json_array_get(my, i);
			size_t k;
			int seen = 0;

			for (k = 0; k < json_array_size(mx) && !seen; k++)
				seen = json_equal(json_array_get(mx, k), m);
			if (!seen)
				vz__jb_pushf(b, why, "mitigation %s (%s): %s",
				             vz__jstr(m, "kind"),
				             vz__jstr(m, "status"),
				             vz__jstr(m, "effect"));
		}
		for (i = 0; i < 3; i++) {
			json_t *fx = json_object_get(
			    json_object_get(x->doc, "factors"), fn[i]);
			json_t *fy = json_object_get(
			    json_object_get(y->doc, "factors"), fn[i]);

			if (json_equal(fx, fy))
				continue;
			if (strcmp(vz__jstr(fx, "level"),
			           vz__jstr(fy, "level")) != 0)
				vz__jb_pushf(b, why, "%s: %s -> %s", fn[i],
				             vz__jstr(fx, "level"),
				             vz__jstr(fy, "level"));
			else
				vz__jb_pushf(
				    b, why,
				    "%s: its evidence changed, its level "
				    "stays %s",
				    fn[i], vz__jstr(fy, "level"));
		}
		vz__jb_pushf(
		    b, why, "rule: %s",
		    vz__jstr(json_object_get(y->doc, "rule"), "reason"));
	}
	vz_assessment_free(x);
	vz_assessment_free(y);
}

void vz__compare_decisions(struct jb *b, const vz_catalog *x,
                           const vz_catalog *y, const char *as, json_t *changed,
                           json_t *stayed)
{
	size_t i;

	for (i = 0; i < vz_catalog_count(y, VZ_KIND_PRODUCT); i++)
		compare_product(b, x, y,
		                vz_catalog_entry_id(y, VZ_KIND_PRODUCT, i), as,
		                changed, stayed);
}

void vz__render_stayed_text(json_t *stayed, struct vz_buf *b)
{
	size_t i, k;

	if (json_array_size(stayed) == 0)
		return;
	vz__buf_printf(b,
	               "\ndecisions that stand although their inputs "
	               "changed: %zu\n",
	               json_array_size(stayed));
	for (i = 0; i < json_array_size(stayed); i++) {
		json_t *c = json_array_get(stayed, i);
		json_t *why = json_object_get(c, "because");

		vz__buf_printf(b, "  %s (risk %s)\n", vz__jstr(c, "product"),
		               vz__jstr(c, "risk"));
		for (k = 0; k < json_array_size(why); k++) {
			json_t *r = json_array_get(why, k);

			vz__buf_printf(b, "    because  %s\n",
			               json_string_value(r));
		}
	}
}

static void render_changes_text(json_t *res, struct vz_buf *b)
{
	json_t *changes = json_object_get(res, "changes");
	json_t *changed = json_object_get(res, "changed");
	json_t *stayed = json_object_get(res, "stayed");
	size_t i, k;

	vz__buf_printf(
	    b,
	    "what-if on catalogue %s version %lld (signature %s), as "
	    "assessed by %s\n",
	    vz__jstr(res, "catalog"),
	    (long long)json_integer_value(json_object_get(res, "version")),
	    vz__jstr(res, "signature"), vz__jstr(res, "assessing_state"));
	if (json_is_integer(json_object_get(res, "trusted_version")))
		vz__buf_printf(b, "  OLDER than the trusted version %lld of "
		               "this catalogue\n",
		               (long long)json_integer_value(json_object_get(
		                   res, "trusted_version")));
	vz__buf_puts(b, "\nchanges:\n");
	for (i = 0; i < json_array_size(changes); i++) {
		json_t *c = json_array_get(changes, i);

		if (strcmp(vz__jstr(c, "op"), "+=") == 0)
			vz__buf_printf(b, "  %s += %s\n", vz__jstr(c, "path"),
			               vz__jstr(c, "now"));
		else
			vz__buf_printf(b, "  %s = %s (was %s)\n",
			               vz__jstr(c, "path"), vz__jstr(c, "now"),
			               json_is_string(json_object_get(c, "was"))
			                   ? vz__jstr(c, "was")
			                   : "absent");
	}
	vz__buf_puts(b, "\n[derived] every line below is what voorzorg's "
	                "decision rules give under these changes, not a "
	                "decision of any authority\n");
	vz__buf_printf(
	    b, "\ndecisions that change: %zu of %lld products\n",
	    json_array_size(changed),
	    (long long)json_integer_value(json_object_get(res, "products")));
	for (i = 0; i < json_array_size(changed); i++) {
		json_t *c = json_array_get(changed, i);
		json_t *why = json_object_get(c, "because");
		json_t *acts = json_object_get(c, "actions"), *pair;
		const char *sec;

		vz__buf_printf(b, "  %s (%s)\n", vz__jstr(c, "product"),
		               vz__jstr(c, "name"));
		vz__buf_printf(b, "    risk     %s -> %s\n",
		               vz__jstr(c, "risk_was"),
		               vz__jstr(c, "risk_now"));
		vz__buf_printf(b, "    vector   %s -> %s\n",
		               vz__jstr(c, "vector_was"),
		               vz__jstr(c, "vector_now"));
		for (k = 0; k < json_array_size(why); k++)
			vz__buf_printf(
			    b, "    because  %s\n",
			    json_string_value(json_array_get(why, k)));
		json_object_foreach(acts, sec, pair)
		    vz__buf_printf(b, "    %-20s %s -> %s\n", sec,
		                   json_is_string(json_object_get(pair, "was"))
		                       ? vz__jstr(pair, "was")
		                       : "(none)",
		                   vz__jstr(pair, "now"));
	}
	vz__render_stayed_text(stayed, b);
}

vz_status vz_reassess(const vz_catalog *cat, const char *const *sets,
                      size_t nsets, const char *as_state, vz_format format,
                      char **out, vz_diags *diags)
{
	struct jb b = {0};
	json_t *copy = NULL, *res = NULL, *log;
	vz_catalog *next = NULL;
	vz_diags *inner = NULL;
	char *text = NULL, why[256];
	struct vz_buf buf;
	vz_status rc = VZ_OK;
	vz_kind kind;
	size_t i;

	*out = NULL;
	vz__buf_init(&buf);
	if (as_state == NULL)
		as_state = vz__jstr(vz__catalog_root(cat), "assessing_state");
	copy = json_deep_copy(vz__catalog_root(cat));
	res = json_object();
	if (copy == NULL || res == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	vz__jb_str(&b, res, "catalog", vz_catalog_id(cat));
	vz__jb_set(&b, res, "version", json_integer(vz_catalog_version(cat)));
	vz__jb_str(&b, res, "signature", vz_catalog_signature(cat));
	if (vz_catalog_trusted_version(cat) >= 0)
		vz__jb_set(&b, res, "trusted_version",
		           json_integer(vz_catalog_trusted_version(cat)));
	vz__jb_str(&b, res, "assessing_state", as_state);
	log = vz__jb_arr(&b, res, "changes");
	if (b.bad) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	for (i = 0; i < nsets; i++) {
		if (apply_change(copy, cat, sets[i], log, why, sizeof(why)) ==
		    0)
			continue;
		if (strcmp(why, "out of memory") == 0) {
			rc = VZ_E_NOMEM;
			goto out;
		}
		vz__diag_add(diags, VZ_SEV_ERROR, VZ_E_USAGE, NULL, 0, 0, NULL,
		             "--set %s: %s", sets[i], why);
		rc = VZ_E_USAGE;
	}
	if (rc != VZ_OK)
		goto out;
	/* Re-validate through the loader: the what-if must be a catalogue. */
	text = json_dumps(copy, JSON_INDENT(2));
	inner = vz_diags_new();
	if (text == NULL || inner == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	rc =
	    vz_catalog_load_buffer(text, strlen(text), "what-if", &next, inner);
	if (rc != VZ_OK) {
		for (i = 0; i < vz_diags_count(inner); i++) {
			const vz_error *e = vz_diags_get(inner, i);

			if (e->severity == VZ_SEV_ERROR)
				vz__diag_add(
				    diags, VZ_SEV_ERROR, rc, NULL, 0, 0, NULL,
				    "after the changes, %s: %s",
				    e->path[0] ? e->path : "catalogue", e->msg);
		}
		goto out;
	}
	if (!vz_catalog_find(next, as_state, &kind) ||
	    kind != VZ_KIND_JURISDICTION) {
		vz__diag_add(diags, VZ_SEV_ERROR, VZ_E_NOTFOUND, NULL, 0, 0,
		             NULL, "no jurisdiction with id \"%s\"", as_state);
		rc = VZ_E_NOTFOUND;
		goto out;
	}
	vz__jb_set(
	    &b, res, "products",
	    json_integer((json_int_t)vz_catalog_count(next, VZ_KIND_PRODUCT)));
	{
		json_t *changed = vz__jb_arr(&b, res, "changed");
		json_t *stayed = vz__jb_arr(&b, res, "stayed");

		if (!b.bad)
			vz__compare_decisions(&b, cat, next, as_state, changed,
			                      stayed);
	}
	if (b.bad) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	if (format == VZ_FORMAT_JSON) {
		vz__buf_json(&buf, res);
	} else {
		render_changes_text(res, &buf);
	}
	*out = vz__buf_take(&buf);
	if (*out == NULL)
		rc = VZ_E_NOMEM;
out:
	if (rc == VZ_E_NOMEM)
		vz__diag_add(diags, VZ_SEV_ERROR, rc, NULL, 0, 0, NULL,
		             "out of memory");
	vz__buf_free(&buf);
	vz__json_free(text);
	vz_diags_free(inner);
	vz_catalog_free(next);
	json_decref(copy);
	json_decref(res);
	return rc;
}
