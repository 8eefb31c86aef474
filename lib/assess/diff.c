/*
 * lib/assess/diff.c - compare two catalogues: what facts changed, which
 * decisions change because of them, and which sectors are affected.
 *
 * The Markdown rendering is a draft notice a minister could send to
 * parliament: what the measures require (recorded: the authorities'
 * own decisions, scope, products and deadlines), kept apart from what
 * voorzorg's rules give (derived), with reasons grouped, then the changed
 * facts. In Dutch for a Dutch catalogue (notice_nl.c), else in English.
 * Everything comes from the two documents, so the same pair always gives
 * the same notice.
 */
#include <stdio.h>
#include <string.h>

#include <voorzorg/voorzorg.h>

#include "assess_int.h"

/* ---- member-by-member JSON diff ---------------------------------------- */

static char *compact(json_t *v)
{
	return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
}

static void record(struct jb *b, json_t *out, const char *path, json_t *was,
                   json_t *now)
{
	json_t *o = vz__jb_obj(b, out, NULL);
	char *w = was ? compact(was) : NULL, *n = now ? compact(now) : NULL;

	vz__jb_str(b, o, "path", path);
	vz__jb_str(b, o, "was", w);
	vz__jb_str(b, o, "now", n);
	if ((was && !w) || (now && !n))
		b->bad = 1;
	vz__json_free(w);
	vz__json_free(n);
}

static void jdiff(struct jb *b, const char *path, json_t *x, json_t *y,
                  json_t *out)
{
	char sub[512];
	const char *k;
	json_t *v;
	size_t i, n;

	if (b->bad || json_equal(x, y))
		return;
	if (json_is_object(x) && json_is_object(y)) {
		json_object_foreach(x, k, v)
		{
			snprintf(sub, sizeof(sub), "%s.%s", path, k);
			jdiff(b, sub, v, json_object_get(y, k), out);
		}
		json_object_foreach(y, k, v)
		{
			if (json_object_get(x, k) != NULL)
				continue;
			snprintf(sub, sizeof(sub), "%s.%s", path, k);
			record(b, out, sub, NULL, v);
		}
		return;
	}
	if (json_is_array(x) && json_is_array(y) &&
	    (json_is_object(json_array_get(x, 0)) ||
	     json_is_object(json_array_get(y, 0)))) {
		n = json_array_size(x) > json_array_size(y)
		        ? json_array_size(x)
		        : json_array_size(y);
		for (i = 0; i < n; i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			jdiff(b, sub, json_array_get(x, i),
			      json_array_get(y, i), out);
		}
		return;
	}
	if (x == NULL || y == NULL || !json_equal(x, y))
		record(b, out, path, x, y);
}

static void diff_entries(struct jb *b, const vz_catalog *x, const vz_catalog *y,
                         json_t *res)
{
	json_t *added = vz__jb_arr(b, res, "added");
	json_t *removed = vz__jb_arr(b, res, "removed");
	json_t *changed = vz__jb_arr(b, res, "changed_facts");
	json_t *hx = json_object(), *hy = json_object();
	static const char *const header[] = {"title", "publisher", "issued",
	                                     "expires", "assessing_state"};
	size_t k, i;

	if (hx == NULL || hy == NULL) {
		b->bad = 1;
		goto out;
	}
	for (i = 0; i < sizeof(header) / sizeof(header[0]); i++) {
		json_object_set(
		    hx, header[i],
		    json_object_get(vz__catalog_root(x), header[i]));
		json_object_set(
		    hy, header[i],
		    json_object_get(vz__catalog_root(y), header[i]));
	}
	jdiff(b, "catalogue", hx, hy, changed);
	for (k = 0; k < VZ_KIND__COUNT; k++) {
		for (i = 0; i < vz_catalog_count(x, (vz_kind)k); i++) {
			const char *id = vz_catalog_entry_id(x, (vz_kind)k, i);
			json_t *ny = vz__catalog_get(y, id, NULL);
			json_t *o;

			if (ny == NULL) {
				o = vz__jb_obj(b, removed, NULL);
				vz__jb_str(b, o, "kind",
				           vz_kind_name((vz_kind)k));
				vz__jb_str(b, o, "id", id);
				continue;
			}
			jdiff(b, id, vz__catalog_get(x, id, NULL), ny, changed);
		}
		for (i = 0; i < vz_catalog_count(y, (vz_kind)k); i++) {
			const char *id = vz_catalog_entry_id(y, (vz_kind)k, i);
			json_t *e = vz__catalog_get(y, id, NULL), *o;

			if (vz__catalog_get(x, id, NULL) != NULL)
				continue;
			o = vz__jb_obj(b, added, NULL);
			vz__jb_str(b, o, "kind", vz_kind_name((vz_kind)k));
			vz__jb_str(b, o, "id", id);
			vz__jb_str(b, o, "title",
			           *vz__jstr(e, "title") ? vz__jstr(e, "title")
			                                 : vz__jstr(e, "name"));
			vz__jb_set(
			    b, o, "sources",
			    json_object_get(e, "sources")
			        ? json_deep_copy(json_object_get(e, "sources"))
			        : json_array());
		}
	}
out:
	json_decref(hx);
	json_decref(hy);
}

/* New products get a first decision; removed ones lose theirs. */
static void new_products(struct jb *b, const vz_catalog *x, const vz_catalog *y,
                         const char *as, json_t *out)
{
	size_t i;

	for (i = 0; i < vz_catalog_count(y, VZ_KIND_PRODUCT); i++) {
		const char *pid = vz_catalog_entry_id(y, VZ_KIND_PRODUCT, i);
		vz_assessment *a = NULL;
		json_t *o;

		if (vz_catalog_find(x, pid, NULL) ||
		    vz_assess(y, pid, as, NULL, &a, NULL) != VZ_OK)
			continue;
		o = vz__jb_obj(b, out, NULL);
		vz__jb_str(b, o, "product", pid);
		vz__jb_str(
		    b, o, "name",
		    vz__jstr(json_object_get(a->doc, "product"), "name"));
		vz__jb_str(b, o, "risk", vz_assessment_level(a));
		vz__jb_str(b, o, "vector", vz__jstr(a->doc, "vector"));
		vz__jb_set(b, o, "actions",
		           json_deep_copy(json_object_get(a->doc, "actions")));
		vz_assessment_free(a);
	}
}

static void affected_sectors(struct jb *b, json_t *res)
{
	json_t *secs = vz__jb_arr(b, res, "affected_sectors");
	json_t *changed = json_object_get(res, "changed_decisions");
	json_t *seen = json_object();
	size_t i;

	if (seen == NULL) {
		b->bad = 1;
		return;
	}
	for (i = 0; i < json_array_size(changed); i++) {
		const char *sec;
		json_t *v;

		json_object_foreach(
		    json_object_get(json_array_get(changed, i), "actions"), sec,
		    v)
		{
			if (json_object_get(seen, sec))
				continue;
			json_object_set_new(seen, sec, json_true());
			vz__jb_push(b, secs, json_string(sec));
		}
	}
	json_decref(seen);
}

/* ---- rendering ---------------------------------------------------------- */

static const char *or_none(json_t *o, const char *key)
{
	return json_is_string(json_object_get(o, key)) ? vz__jstr(o, key)
	                                               : "(none)";
}

/* A catalogue read as given that is older than the trusted one. */
static void older_line(struct vz_buf *b, json_t *r, const char *which)
{
	char key[32];
	json_t *v;

	snprintf(key, sizeof(key), "%s_trusted_version", which);
	v = json_object_get(r, key);
	if (json_is_integer(v))
		vz__buf_printf(b, "%s catalogue: OLDER than the trusted "
		               "version %lld\n", which,
		               (long long)json_integer_value(v));
}

static void scope_str(json_t *sc, struct vz_buf *b)
{
	static const char *const keys[] = {"vendors", "classes", "products",
	                                   "except"};
	size_t k, i;

	vz__buf_puts(b, vz__jstr(sc, "form"));
	for (k = 0; k < 4; k++) {
		json_t *a = json_object_get(sc, keys[k]);

		if (json_array_size(a) == 0)
			continue;
		vz__buf_printf(b, "; %s ", keys[k]);
		for (i = 0; i < json_array_size(a); i++)
			vz__buf_printf(b, "%s%s", i ? ", " : "",
			               json_string_value(json_array_get(a, i)));
	}
}

void vz__scope_str(json_t *sc, struct vz_buf *b)
{
	scope_str(sc, b);
}

static void md_cell(struct vz_buf *b, const char *s);

/*
 * The parts of a changed measure that the text and the Markdown notice
 * show alike, each in its own words (md: Markdown): the scope, and then
 * the actions, deadlines and reviews.
 */
static void measure_scope(json_t *m, struct vz_buf *b, int md)
{
	if (json_object_get(m, "scope_was") == NULL)
		return;
	vz__buf_puts(b, md ? "- Scope: " : "    scope     ");
	scope_str(json_object_get(m, "scope_was"), b);
	vz__buf_puts(b, md ? " → " : " -> ");
	scope_str(json_object_get(m, "scope_now"), b);
	vz__buf_puts(b, md ? ".\n" : "\n");
}

static void measure_steps(json_t *m, struct vz_buf *b, int md)
{
	json_t *ac = json_object_get(m, "actions");
	json_t *dl = json_object_get(m, "deadlines");
	json_t *rv = json_object_get(m, "new_reviews");
	size_t k;

	for (k = 0; k < json_array_size(ac); k++) {
		json_t *a = json_array_get(ac, k);

		vz__buf_printf(b,
		               md ? "- %s: %s → %s.\n"
		                  : "    action    %s: %s -> %s\n",
		               vz__jstr(a, "sector"), or_none(a, "was"),
		               or_none(a, "now"));
	}
	for (k = 0; k < json_array_size(dl); k++) {
		json_t *d = json_array_get(dl, k);

		vz__buf_printf(b,
		               md ? "- Deadline, %s, %s: %s → %s.\n"
		                  : "    deadline  %s %s: %s -> %s\n",
		               vz__jstr(d, "sector"), vz__jstr(d, "verb"),
		               or_none(d, "was"), or_none(d, "now"));
	}
	for (k = 0; k < json_array_size(rv); k++) {
		json_t *r = json_array_get(rv, k);

		vz__buf_printf(b,
		               md ? "- New in its history: %s, %s (%s)"
		                  : "    review    %s %s: %s",
		               vz__jstr(r, "date"), vz__jstr(r, "kind"),
		               vz__jstr(r, "outcome"));
		if (md && *vz__jstr(r, "document")) {
			vz__buf_puts(b, ": ");
			md_cell(b, vz__jstr(r, "document"));
		}
		vz__buf_puts(b, md ? ".\n" : "\n");
	}
}

/* Changes to what measures require: recorded, from the authorities. */
static void render_measures_text(json_t *mc, struct vz_buf *b)
{
	size_t i, k;

	if (json_array_size(mc) == 0)
		return;
	vz__buf_printf(b, "\nchanged measures: %zu\n", json_array_size(mc));
	for (i = 0; i < json_array_size(mc); i++) {
		json_t *m = json_array_get(mc, i);
		json_t *pa = json_object_get(m, "products_added");
		json_t *pr = json_object_get(m, "products_removed");

		vz__buf_printf(b, "  [recorded] %s %s (%s; %s)\n",
		               vz__jstr(m, "status"), vz__jstr(m, "id"),
		               vz__jstr(m, "issuing_state"),
		               vz__jstr(m, "reference"));
		measure_scope(m, b, 0);
		for (k = 0; k < json_array_size(pa); k++)
			vz__buf_printf(b, "    covers    + %s\n",
			               vz__jstr(json_array_get(pa, k), "id"));
		for (k = 0; k < json_array_size(pr); k++)
			vz__buf_printf(b, "    covers    - %s\n",
			               vz__jstr(json_array_get(pr, k), "id"));
		measure_steps(m, b, 0);
	}
}

static void render_text(json_t *r, struct vz_buf *b)
{
	json_t *cd = json_object_get(r, "changed_decisions");
	json_t *st = json_object_get(r, "stayed");
	json_t *np = json_object_get(r, "new_products");
	json_t *cf = json_object_get(r, "changed_facts");
	json_t *ad = json_object_get(r, "added");
	json_t *rm = json_object_get(r, "removed");
	json_t *as = json_object_get(r, "affected_sectors");
	size_t i, k;

	vz__buf_printf(
	    b,
	    "catalogue %s version %lld (signature %s) -> %s version %lld "
	    "(signature %s), as assessed by %s\n",
	    vz__jstr(r, "old_id"),
	    (long long)json_integer_value(json_object_get(r, "old_version")),
	    vz__jstr(r, "old_signature"), vz__jstr(r, "new_id"),
	    (long long)json_integer_value(json_object_get(r, "new_version")),
	    vz__jstr(r, "new_signature"), vz__jstr(r, "assessing_state"));
	older_line(b, r, "old");
	older_line(b, r, "new");
	vz__buf_printf(b, "\nchanged decisions: %zu (derived by the rules)\n",
	               json_array_size(cd));
	for (i = 0; i < json_array_size(cd); i++) {
		json_t *c = json_array_get(cd, i), *pair;
		json_t *why = json_object_get(c, "because");
		const char *sec;

		vz__buf_printf(b, "  %s (%s): risk %s -> %s\n",
		               vz__jstr(c, "product"), vz__jstr(c, "name"),
		               vz__jstr(c, "risk_was"),
		               vz__jstr(c, "risk_now"));
		for (k = 0; k < json_array_size(why); k++)
			vz__buf_printf(
			    b, "    because  %s\n",
			    json_string_value(json_array_get(why, k)));
		json_object_foreach(json_object_get(c, "actions"), sec, pair)
		    vz__buf_printf(b, "    %-20s %s -> %s\n", sec,
		                   or_none(pair, "was"), vz__jstr(pair, "now"));
	}
	if (json_array_size(np) > 0) {
		vz__buf_printf(b, "\nnew products: %zu\n", json_array_size(np));
		for (i = 0; i < json_array_size(np); i++) {
			json_t *p = json_array_get(np, i);

			vz__buf_printf(b, "  %s (%s): risk %s, %s\n",
			               vz__jstr(p, "product"),
			               vz__jstr(p, "name"), vz__jstr(p, "risk"),
			               vz__jstr(p, "vector"));
		}
	}
	vz__render_stayed_text(st, b);
	render_measures_text(json_object_get(r, "measure_changes"), b);
	vz__buf_puts(b, "\naffected sectors:");
	for (i = 0; i < json_array_size(as); i++)
		vz__buf_printf(b, " %s",
		               json_string_value(json_array_get(as, i)));
	vz__buf_puts(b, json_array_size(as) ? "\n" : " none\n");
	vz__buf_printf(b, "\nchanged facts: %zu\n",
	               json_array_size(cf) + json_array_size(ad) +
	                   json_array_size(rm));
	for (i = 0; i < json_array_size(cf); i++) {
		json_t *c = json_array_get(cf, i);

		vz__buf_printf(b, "  %s: %s -> %s\n", vz__jstr(c, "path"),
		               or_none(c, "was"), or_none(c, "now"));
	}
	for (i = 0; i < json_array_size(ad); i++)
		vz__buf_printf(b, "  added %s %s: %s\n",
		               vz__jstr(json_array_get(ad, i), "kind"),
		               vz__jstr(json_array_get(ad, i), "id"),
		               vz__jstr(json_array_get(ad, i), "title"));
	for (i = 0; i < json_array_size(rm); i++)
		vz__buf_printf(b, "  removed %s %s\n",
		               vz__jstr(json_array_get(rm, i), "kind"),
		               vz__jstr(json_array_get(rm, i), "id"));
}

/* Markdown table cells must not break the table. */
static void md_cell(struct vz_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			vz__buf_puts(b, "\\|");
		else if (*s == '\n')
			vz__buf_puts(b, " ");
		else
			vz__buf_add(b, s, 1);
	}
}

/*
 * Products whose decision stands for the same reasons are listed together,
 * so a notice about one vendor's mitigations does not repeat them for
 * every product of that vendor.
 */
static void render_stayed_md(json_t *st, struct vz_buf *b)
{
	size_t n = json_array_size(st), i, j, k;
	char *done = vz__calloc(n ? n : 1, 1);

	if (done == NULL) {
		b->failed = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		json_t *c = json_array_get(st, i);
		json_t *why = json_object_get(c, "because");
		size_t group = 0;

		if (done[i])
			continue;
		vz__buf_puts(b, "- ");
		for (j = i; j < n; j++) {
			json_t *d = json_array_get(st, j);

			if (done[j] ||
			    !json_equal(json_object_get(d, "because"), why) ||
			    strcmp(vz__jstr(d, "risk"), vz__jstr(c, "risk")))
				continue;
			done[j] = 1;
			vz__buf_puts(b, group++ ? ", " : "");
			md_cell(b, vz__jstr(d, "name"));
		}
		vz__buf_printf(b, " keep%s risk %s:\n", group == 1 ? "s" : "",
		               vz__jstr(c, "risk"));
		for (k = 0; k < json_array_size(why); k++) {
			vz__buf_puts(b, "  - ");
			md_cell(b, json_string_value(json_array_get(why, k)));
			vz__buf_puts(b, "\n");
		}
	}
	vz__free(done);
}

/*
 * Products that changed for the same reasons are named together, once;
 * a reason is never repeated product by product.
 */
static void render_reasons_md(json_t *cd, struct vz_buf *b)
{
	size_t n = json_array_size(cd), i, j, k, g;
	char *done = vz__calloc(n ? n : 1, 1);

	if (done == NULL) {
		b->failed = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		json_t *why = json_object_get(json_array_get(cd, i), "because");

		if (done[i])
			continue;
		vz__buf_puts(b, "- ");
		for (j = i, g = 0; j < n; j++) {
			json_t *d = json_array_get(cd, j);

			if (done[j] ||
			    !json_equal(json_object_get(d, "because"), why))
				continue;
			done[j] = 1;
			vz__buf_puts(b, g++ ? ", " : "");
			md_cell(b, vz__jstr(d, "name"));
		}
		vz__buf_puts(b, ": ");
		for (k = 0; k < json_array_size(why); k++)
			vz__buf_printf(
			    b, "%s%s", k ? "; " : "",
			    json_string_value(json_array_get(why, k)));
		vz__buf_puts(b, ".\n");
	}
	vz__free(done);
}

/* "- LABEL (N): name, name." for products a measure gained or lost. */
static void md_products(struct vz_buf *b, const char *label, json_t *a)
{
	size_t k;

	if (json_array_size(a) == 0)
		return;
	vz__buf_printf(b, "- %s (%zu): ", label, json_array_size(a));
	for (k = 0; k < json_array_size(a); k++) {
		vz__buf_puts(b, k ? ", " : "");
		md_cell(b, vz__jstr(json_array_get(a, k), "name"));
	}
	vz__buf_puts(b, ".\n");
}

static void render_measures_md(json_t *mc, struct vz_buf *b)
{
	size_t i, k;

	vz__buf_puts(b, "\n## What the measures require\n\n"
	                "Recorded: the authorities' own decisions, as the "
	                "catalogue records them with their sources.\n");
	for (i = 0; i < json_array_size(mc); i++) {
		json_t *m = json_array_get(mc, i);
		json_t *src = json_object_get(m, "sources");

		vz__buf_printf(b, "\n### %s: ", vz__jstr(m, "status"));
		md_cell(b, vz__jstr(m, "title"));
		vz__buf_printf(b, "\n\n%s, %s (`%s`).\n\n",
		               vz__jstr(m, "authority"),
		               vz__jstr(m, "reference"), vz__jstr(m, "id"));
		measure_scope(m, b, 1);
		md_products(b, "Now covers",
		            json_object_get(m, "products_added"));
		md_products(b, "No longer covers",
		            json_object_get(m, "products_removed"));
		measure_steps(m, b, 1);
		vz__buf_puts(b, "- Sources:");
		for (k = 0; k < json_array_size(src); k++)
			vz__buf_printf(
			    b, " [%s]",
			    json_string_value(json_array_get(src, k)));
		vz__buf_puts(b, "\n");
	}
}

static void render_markdown(const vz_catalog *y, json_t *r, struct vz_buf *b)
{
	json_t *cd = json_object_get(r, "changed_decisions");
	json_t *st = json_object_get(r, "stayed");
	json_t *np = json_object_get(r, "new_products");
	json_t *cf = json_object_get(r, "changed_facts");
	json_t *ad = json_object_get(r, "added");
	json_t *rm = json_object_get(r, "removed");
	json_t *as = json_object_get(r, "affected_sectors");
	size_t i, k, ns = vz_catalog_count(y, VZ_KIND_SECTOR);

	vz__buf_printf(b, "# Notice of changes to the catalogue of "
	                  "precautionary measures\n\n");
	vz__buf_printf(
	    b,
	    "Catalogue `%s`, version %lld (issued %s) to "
	    "version %lld (issued %s), as assessed by %s.\n\n",
	    vz__jstr(r, "new_id"),
	    (long long)json_integer_value(json_object_get(r, "old_version")),
	    vz__jstr(r, "old_issued"),
	    (long long)json_integer_value(json_object_get(r, "new_version")),
	    vz__jstr(r, "new_issued"), vz__jstr(r, "assessing_state_name"));
	if (strcmp(vz__jstr(r, "new_signature"), "valid") != 0 ||
	    strcmp(vz__jstr(r, "old_signature"), "valid") != 0)
		vz__buf_printf(b,
		               "> **Draft.** The catalogues are not both "
		               "verified (signatures: old %s, new %s).\n\n",
		               vz__jstr(r, "old_signature"),
		               vz__jstr(r, "new_signature"));
	if (json_is_integer(json_object_get(r, "new_trusted_version")))
		vz__buf_printf(b,
		               "> **Not current.** The new catalogue is older "
		               "than version %lld, the one trusted here.\n\n",
		               (long long)json_integer_value(json_object_get(
		                   r, "new_trusted_version")));
	vz__buf_puts(b, "## Summary\n\n");
	vz__buf_printf(b, "- Decisions that change: %zu.\n",
	               json_array_size(cd));
	vz__buf_printf(b, "- New products assessed: %zu.\n",
	               json_array_size(np));
	vz__buf_printf(b,
	               "- Decisions that stand although their inputs "
	               "changed: %zu.\n",
	               json_array_size(st));
	vz__buf_printf(b, "- Measures added, changed or withdrawn: %zu.\n",
	               json_array_size(json_object_get(r, "measure_changes")));
	vz__buf_puts(b, "- Sectors affected: ");
	for (i = 0; i < json_array_size(as); i++)
		vz__buf_printf(b, "%s%s", i ? ", " : "",
		               json_string_value(json_array_get(as, i)));
	vz__buf_puts(b, json_array_size(as) ? ".\n" : "none.\n");

	if (json_array_size(json_object_get(r, "measure_changes")) > 0)
		render_measures_md(json_object_get(r, "measure_changes"), b);
	if (json_array_size(cd) > 0) {
		vz__buf_puts(b,
		             "\n## Decisions that change\n\nDerived: what "
		             "voorzorg's decision rules give for the changed "
		             "facts; not a decision of any authority.\n\n"
		             "| Product | Risk |");
		for (k = 0; k < ns; k++)
			vz__buf_printf(
			    b, " %s |",
			    vz_catalog_entry_id(y, VZ_KIND_SECTOR, k));
		vz__buf_puts(b, "\n|---|---|");
		for (k = 0; k < ns; k++)
			vz__buf_puts(b, "---|");
		vz__buf_puts(b, "\n");
		for (i = 0; i < json_array_size(cd); i++) {
			json_t *c = json_array_get(cd, i);
			json_t *acts = json_object_get(c, "actions");

			vz__buf_puts(b, "| ");
			md_cell(b, vz__jstr(c, "name"));
			vz__buf_printf(b, " | %s → %s |",
			               vz__jstr(c, "risk_was"),
			               vz__jstr(c, "risk_now"));
			for (k = 0; k < ns; k++) {
				json_t *p = json_object_get(
				    acts,
				    vz_catalog_entry_id(y, VZ_KIND_SECTOR, k));

				if (p)
					vz__buf_printf(b, " %s → %s |",
					               or_none(p, "was"),
					               vz__jstr(p, "now"));
				else
					vz__buf_puts(b, " unchanged |");
			}
			vz__buf_puts(b, "\n");
		}
		vz__buf_puts(b, "\n### Reasons\n\n");
		render_reasons_md(cd, b);
	}
	if (json_array_size(np) > 0) {
		vz__buf_puts(b, "\n## New products\n\n");
		for (i = 0; i < json_array_size(np); i++) {
			json_t *p = json_array_get(np, i);

			vz__buf_puts(b, "- ");
			md_cell(b, vz__jstr(p, "name"));
			vz__buf_printf(b, ": risk %s (`%s`).\n",
			               vz__jstr(p, "risk"),
			               vz__jstr(p, "vector"));
		}
	}
	if (json_array_size(st) > 0) {
		vz__buf_puts(b, "\n## Decisions that stand\n\n");
		render_stayed_md(st, b);
	}
	if (json_array_size(cf) + json_array_size(ad) + json_array_size(rm) >
	    0) {
		vz__buf_puts(b, "\n## Changed facts\n\n");
		for (i = 0; i < json_array_size(cf); i++) {
			json_t *c = json_array_get(cf, i);

			vz__buf_printf(b, "- `%s`: ", vz__jstr(c, "path"));
			md_cell(b, or_none(c, "was"));
			vz__buf_puts(b, " → ");
			md_cell(b, or_none(c, "now"));
			vz__buf_puts(b, "\n");
		}
		for (i = 0; i < json_array_size(ad); i++) {
			json_t *a = json_array_get(ad, i);

			vz__buf_printf(b,
			               "- added %s `%s`: ", vz__jstr(a, "kind"),
			               vz__jstr(a, "id"));
			md_cell(b, vz__jstr(a, "title"));
			vz__buf_puts(b, "\n");
		}
		for (i = 0; i < json_array_size(rm); i++)
			vz__buf_printf(b, "- removed %s `%s`\n",
			               vz__jstr(json_array_get(rm, i), "kind"),
			               vz__jstr(json_array_get(rm, i), "id"));
	}
	vz__buf_printf(b,
	               "\n---\nDerived by voorzorg %s from the two "
	               "catalogues; every decision can be reproduced "
	               "with `voorzorg assess PRODUCT --explain`.\n",
	               vz_version());
}

vz_status vz_diff(const vz_catalog *x, const vz_catalog *y,
                  const char *as_state, vz_diff_format format, char **out,
                  vz_error *err)
{
	return vz_diff_lang(x, y, as_state, format, NULL, out, err);
}

/* Dutch for a catalogue whose assessing state is the Netherlands. */
static int dutch_default(const vz_catalog *y)
{
	const char *as = vz__jstr(vz__catalog_root(y), "assessing_state");

	return strcmp(vz__jstr(vz__catalog_get(y, as, NULL), "iso3166"),
	              "NL") == 0;
}

vz_status vz_diff_lang(const vz_catalog *x, const vz_catalog *y,
                       const char *as_state, vz_diff_format format,
                       const char *lang, char **out, vz_error *err)
{
	struct jb b = {0};
	json_t *r = json_object(), *changed, *stayed;
	struct vz_buf buf;
	vz_kind kind;
	vz_status rc = VZ_OK;

	*out = NULL;
	vz__buf_init(&buf);
	if (lang != NULL && strcmp(lang, "nl") != 0 &&
	    strcmp(lang, "en") != 0) {
		vz__error_set(err, VZ_E_INVALID, NULL,
		              "unknown language \"%s\" (use nl or en)", lang);
		rc = VZ_E_INVALID;
		goto out;
	}
	if (as_state == NULL)
		as_state = vz__jstr(vz__catalog_root(y), "assessing_state");
	if (!vz_catalog_find(y, as_state, &kind) ||
	    kind != VZ_KIND_JURISDICTION) {
		vz__error_set(err, VZ_E_NOTFOUND, vz_catalog_file(y),
		              "no jurisdiction with id \"%s\"", as_state);
		rc = VZ_E_NOTFOUND;
		goto out;
	}
	if (r == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	vz__jb_str(&b, r, "old_id", vz_catalog_id(x));
	vz__jb_set(&b, r, "old_version", json_integer(vz_catalog_version(x)));
	vz__jb_str(&b, r, "old_issued",
	           vz__jstr(vz__catalog_root(x), "issued"));
	vz__jb_str(&b, r, "old_signature", vz_catalog_signature(x));
	vz__jb_str(&b, r, "new_id", vz_catalog_id(y));
	vz__jb_str(&b, r, "new_signature", vz_catalog_signature(y));
	if (vz_catalog_trusted_version(x) >= 0)
		vz__jb_set(&b, r, "old_trusted_version",
		           json_integer(vz_catalog_trusted_version(x)));
	if (vz_catalog_trusted_version(y) >= 0)
		vz__jb_set(&b, r, "new_trusted_version",
		           json_integer(vz_catalog_trusted_version(y)));
	vz__jb_set(&b, r, "new_version", json_integer(vz_catalog_version(y)));
	vz__jb_str(&b, r, "new_issued",
	           vz__jstr(vz__catalog_root(y), "issued"));
	vz__jb_str(&b, r, "assessing_state", as_state);
	vz__jb_str(&b, r, "assessing_state_name",
	           vz__jstr(vz__catalog_get(y, as_state, NULL), "name"));
	changed = vz__jb_arr(&b, r, "changed_decisions");
	stayed = vz__jb_arr(&b, r, "stayed");
	if (!b.bad && vz_catalog_find(x, as_state, NULL))
		vz__compare_decisions(&b, x, y, as_state, changed, stayed);
	new_products(&b, x, y, as_state, vz__jb_arr(&b, r, "new_products"));
	affected_sectors(&b, r);
	vz__diff_measures(&b, x, y, vz__jb_arr(&b, r, "measure_changes"));
	diff_entries(&b, x, y, r);
	if (b.bad) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	if (format == VZ_DIFF_JSON) {
		vz__buf_json(&buf, r);
	} else if (format == VZ_DIFF_MARKDOWN) {
		if (lang != NULL ? strcmp(lang, "nl") == 0 : dutch_default(y))
			vz__render_notice_nl(y, r, &buf);
		else
			render_markdown(y, r, &buf);
	} else {
		render_text(r, &buf);
	}
	*out = vz__buf_take(&buf);
	if (*out == NULL)
		rc = VZ_E_NOMEM;
out:
	if (rc == VZ_E_NOMEM)
		vz__error_set(err, rc, vz_catalog_file(y), "out of memory");
	vz__buf_free(&buf);
	json_decref(r);
	return rc;
}
