/*
 * lib/assess/mdiff.c - what changed in the measures between two
 * catalogues: which measures were added or withdrawn, and for each that
 * stays, its scope, the products it covers (derived from the scope by
 * the one function that decides coverage), its action per sector, its
 * deadlines per verb and new events in its history.
 *
 * These are changes to what an authority requires — recorded facts —
 * and are kept apart from the decisions voorzorg's rules derive, which
 * diff.c compares. Catalogues hold tens of measures and products, so the
 * plain nested loops here cost nothing worth an index.
 */
#include <string.h>

#include "assess_int.h"

/* Equal strings, NULL equal only to NULL. */
static int same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static json_t *sector_of(json_t *m, const char *sector)
{
	json_t *secs = json_object_get(m, "sectors");
	size_t i;

	for (i = 0; i < json_array_size(secs); i++)
		if (strcmp(vz__jstr(json_array_get(secs, i), "sector"),
		           sector) == 0)
			return json_array_get(secs, i);
	return NULL;
}

/* The scope as stated: "covers", or the legacy named "products". */
static json_t *scope_of(json_t *m)
{
	json_t *c = json_object_get(m, "covers");

	if (c != NULL)
		return json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?}", "form",
		                 json_object_get(c, "form"), "vendors",
		                 json_object_get(c, "vendors"), "classes",
		                 json_object_get(c, "classes"), "products",
		                 json_object_get(c, "products"), "except",
		                 json_object_get(c, "except"));
	return json_pack("{s:s, s:O?}", "form", "products", "products",
	                 json_object_get(m, "products"));
}

/* Ids (and names) of the products `m` covers in `cat`. */
static json_t *covered(struct jb *b, const vz_catalog *cat, json_t *m)
{
	json_t *out = json_object();
	size_t i;

	if (out == NULL) {
		b->bad = 1;
		return NULL;
	}
	for (i = 0; i < vz_catalog_count(cat, VZ_KIND_PRODUCT); i++) {
		const char *pid = vz_catalog_entry_id(cat, VZ_KIND_PRODUCT, i);

		if (!vz__measure_covers_json(cat, m, pid))
			continue;
		vz__jb_set(b, out, pid,
		           json_string(vz__jstr(vz__catalog_get(cat, pid, NULL),
		                                "name")));
	}
	return out;
}

static void product_list(struct jb *b, json_t *o, const char *key, json_t *from,
                         json_t *minus)
{
	json_t *arr = NULL, *v;
	const char *pid;

	json_object_foreach(from, pid, v)
	{
		json_t *p;

		if (minus != NULL && json_object_get(minus, pid) != NULL)
			continue;
		if (arr == NULL)
			arr = vz__jb_arr(b, o, key);
		p = json_pack("{s:s, s:O}", "id", pid, "name", v);
		vz__jb_push(b, arr, p);
	}
}

static void deadline_changes(struct jb *b, json_t *o, const char *sector,
                             json_t *sx, json_t *sy)
{
	vz_deadline dx[VZ_DEADLINES_MAX], dy[VZ_DEADLINES_MAX];
	size_t nx = 0, ny = 0, i, j;
	json_t *arr = NULL;
	json_t *mx = json_pack("{s:[O]}", "sectors", sx ? sx : json_null());
	json_t *my = json_pack("{s:[O]}", "sectors", sy ? sy : json_null());

	if (mx == NULL || my == NULL) {
		b->bad = 1;
		goto out;
	}
	if (sx != NULL)
		nx = vz__measure_deadlines_json(mx, sector, dx,
		                                VZ_DEADLINES_MAX);
	if (sy != NULL)
		ny = vz__measure_deadlines_json(my, sector, dy,
		                                VZ_DEADLINES_MAX);
	nx = nx > VZ_DEADLINES_MAX ? VZ_DEADLINES_MAX : nx;
	ny = ny > VZ_DEADLINES_MAX ? VZ_DEADLINES_MAX : ny;
	/* Every verb of either side, in the new order, then removed ones. */
	for (i = 0; i < ny + nx; i++) {
		const vz_deadline *d = i < ny ? &dy[i] : &dx[i - ny];
		const vz_deadline *w = NULL, *n = NULL;
		json_t *c;

		for (j = 0; j < nx; j++)
			if (strcmp(dx[j].verb, d->verb) == 0)
				w = &dx[j];
		for (j = 0; j < ny; j++)
			if (strcmp(dy[j].verb, d->verb) == 0)
				n = &dy[j];
		if (i >= ny && n != NULL)
			continue; /* already compared */
		if (w && n && same(w->date, n->date) && same(w->note, n->note))
			continue;
		if (arr == NULL)
			arr = json_object_get(o, "deadlines");
		if (arr == NULL)
			arr = vz__jb_arr(b, o, "deadlines");
		c = json_pack(
		    "{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:b}", "sector", sector,
		    "verb", d->verb, "was",
		    w ? (w->date ? w->date : "(no date)") : NULL, "now",
		    n ? (n->date ? n->date : "(no date)") : NULL, "note",
		    n ? n->note : NULL, "source", n ? n->source : NULL,
		    "note_changed", w && n && same(w->date, n->date));
		vz__jb_push(b, arr, c);
	}
out:
	json_decref(mx);
	json_decref(my);
}

static void sector_changes(struct jb *b, json_t *o, json_t *mx, json_t *my)
{
	json_t *acts = NULL, *secs[2];
	size_t s, i;

	secs[0] = json_object_get(my, "sectors");
	secs[1] = json_object_get(mx, "sectors");
	for (s = 0; s < 2; s++) {
		for (i = 0; i < json_array_size(secs[s]); i++) {
			const char *sec =
			    vz__jstr(json_array_get(secs[s], i), "sector");
			json_t *sx = mx ? sector_of(mx, sec) : NULL;
			json_t *sy = my ? sector_of(my, sec) : NULL;
			const char *aw = sx ? vz__jstr(sx, "action") : NULL;
			const char *an = sy ? vz__jstr(sy, "action") : NULL;

			if (s == 1 && sy != NULL)
				continue; /* seen from the new side */
			if (!same(aw, an)) {
				if (acts == NULL)
					acts = vz__jb_arr(b, o, "actions");
				vz__jb_push(b, acts,
				            json_pack("{s:s, s:s?, s:s?}",
				                      "sector", sec, "was", aw,
				                      "now", an));
			}
			deadline_changes(b, o, sec, sx, sy);
		}
	}
}

static void new_reviews(struct jb *b, json_t *o, json_t *mx, json_t *my)
{
	json_t *rx = json_object_get(mx, "reviews");
	json_t *ry = json_object_get(my, "reviews");
	json_t *arr = NULL;
	size_t i, j;

	for (i = 0; i < json_array_size(ry); i++) {
		json_t *r = json_array_get(ry, i);
		int seen = 0;

		for (j = 0; j < json_array_size(rx) && !seen; j++)
			seen = same(vz__jstr(json_array_get(rx, j), "date"),
			            vz__jstr(r, "date")) &&
			       same(vz__jstr(json_array_get(rx, j), "kind"),
			            vz__jstr(r, "kind"));
		if (seen)
			continue;
		if (arr == NULL)
			arr = vz__jb_arr(b, o, "new_reviews");
		vz__jb_push(
		    b, arr,
		    json_pack(
		        "{s:s, s:s, s:s, s:s?, s:s?, s:O?}", "date",
		        vz__jstr(r, "date"), "kind", vz__jstr(r, "kind"),
		        "outcome", vz__jstr(r, "outcome"), "document",
		        json_string_value(json_object_get(r, "document")),
		        "reference",
		        json_string_value(json_object_get(r, "reference")),
		        "sources", json_object_get(r, "sources")));
	}
}

static json_t *head(struct jb *b, json_t *out, json_t *m, const char *st)
{
	json_t *o = vz__jb_obj(b, out, NULL);

	vz__jb_str(b, o, "id", vz__jstr(m, "id"));
	vz__jb_str(b, o, "status", st);
	vz__jb_str(b, o, "title", vz__jstr(m, "title"));
	vz__jb_str(b, o, "issuing_state", vz__jstr(m, "issuing_state"));
	vz__jb_str(b, o, "authority", vz__jstr(m, "authority"));
	vz__jb_str(b, o, "reference", vz__jstr(m, "reference"));
	vz__jb_set(b, o, "sources",
	           json_deep_copy(json_object_get(m, "sources")));
	return o;
}

void vz__diff_measures(struct jb *b, const vz_catalog *x, const vz_catalog *y,
                       json_t *out)
{
	size_t i;

	for (i = 0; !b->bad && i < vz_catalog_count(y, VZ_KIND_MEASURE); i++) {
		json_t *my = vz__catalog_nth(y, VZ_KIND_MEASURE, i);
		json_t *mx = vz__catalog_get(x, vz__jstr(my, "id"), NULL);
		json_t *cx, *cy, *o, *px, *py;
		vz_kind kind;

		if (mx != NULL &&
		    (!vz_catalog_find(x, vz__jstr(my, "id"), &kind) ||
		     kind != VZ_KIND_MEASURE))
			mx = NULL;
		cx = mx ? covered(b, x, mx) : json_object();
		cy = covered(b, y, my);
		px = mx ? scope_of(mx) : NULL;
		py = scope_of(my);
		if (cx == NULL || cy == NULL || py == NULL ||
		    (mx != NULL && px == NULL)) {
			b->bad = 1;
		} else if (mx == NULL) {
			o = head(b, out, my, "added");
			vz__jb_set(b, o, "scope_now", json_incref(py));
			product_list(b, o, "products_added", cy, NULL);
			sector_changes(b, o, NULL, my);
		} else if (!json_equal(mx, my) || !json_equal(cx, cy)) {
			json_t *probe = json_object();

			o = probe;
			if (probe == NULL) {
				b->bad = 1;
			} else {
				if (!json_equal(px, py)) {
					vz__jb_set(b, o, "scope_was",
					           json_incref(px));
					vz__jb_set(b, o, "scope_now",
					           json_incref(py));
				}
				product_list(b, o, "products_added", cy, cx);
				product_list(b, o, "products_removed", cx, cy);
				sector_changes(b, o, mx, my);
				new_reviews(b, o, mx, my);
			}
			/* Only what a reader of the measure would notice. */
			if (probe != NULL && json_object_size(probe) > 0) {
				const char *k;
				json_t *v;

				o = head(b, out, my, "changed");
				json_object_foreach(probe, k, v)
				    vz__jb_set(b, o, k, json_incref(v));
			}
			json_decref(probe);
		}
		json_decref(cx);
		json_decref(cy);
		json_decref(px);
		json_decref(py);
	}
	for (i = 0; !b->bad && i < vz_catalog_count(x, VZ_KIND_MEASURE); i++) {
		json_t *mx = vz__catalog_nth(x, VZ_KIND_MEASURE, i);

		if (vz__catalog_get(y, vz__jstr(mx, "id"), NULL) == NULL)
			head(b, out, mx, "withdrawn");
	}
}
