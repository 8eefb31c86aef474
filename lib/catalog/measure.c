/*
 * lib/catalog/measure.c - what a measure covers and the deadlines it sets.
 *
 * A measure states its scope as its text does: a vendor, a vendor's
 * product classes, named products or all of a vendor's brands, minus
 * named exceptions. The product list is derived here and only here, so
 * that scan, assess and policy never disagree about whether a measure
 * covers a product. The lists involved are a handful of ids, so a linear
 * look through them costs less than building an index.
 */
#include <string.h>

#include "catalog_int.h"

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int listed(json_t *arr, const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < json_array_size(arr); i++) {
		const char *x = json_string_value(json_array_get(arr, i));

		if (x != NULL && strcmp(x, s) == 0)
			return 1;
	}
	return 0;
}

int vz__measure_covers_json(const vz_catalog *cat, json_t *m,
                            const char *product_id)
{
	json_t *cov = json_object_get(m, "covers");
	json_t *p, *classes;
	vz_kind kind;

	if (product_id == NULL)
		return 0;
	if (cov == NULL)
		return listed(json_object_get(m, "products"), product_id);
	if (listed(json_object_get(cov, "except"), product_id))
		return 0;
	if (listed(json_object_get(cov, "products"), product_id))
		return 1;
	p = vz__catalog_get(cat, product_id, &kind);
	if (p == NULL || kind != VZ_KIND_PRODUCT)
		return 0;
	if (!listed(json_object_get(cov, "vendors"), jstr(p, "vendor")))
		return 0;
	classes = json_object_get(cov, "classes");
	return classes == NULL || listed(classes, jstr(p, "class"));
}

static json_t *measure(const vz_catalog *cat, const char *id)
{
	vz_kind kind;
	json_t *m;

	if (cat == NULL || id == NULL)
		return NULL;
	m = vz__catalog_get(cat, id, &kind);
	return m != NULL && kind == VZ_KIND_MEASURE ? m : NULL;
}

int vz_measure_covers(const vz_catalog *cat, const char *measure_id,
                      const char *product_id)
{
	json_t *m = measure(cat, measure_id);

	return m != NULL && vz__measure_covers_json(cat, m, product_id);
}

size_t vz_measure_products(const vz_catalog *cat, const char *measure_id,
                           const char **ids, size_t max)
{
	json_t *m = measure(cat, measure_id);
	size_t i, n = 0;

	if (m == NULL)
		return 0;
	for (i = 0; i < vz_catalog_count(cat, VZ_KIND_PRODUCT); i++) {
		const char *pid = vz_catalog_entry_id(cat, VZ_KIND_PRODUCT, i);

		if (!vz__measure_covers_json(cat, m, pid))
			continue;
		if (ids != NULL && n < max)
			ids[n] = pid;
		n++;
	}
	return n;
}

size_t vz__measure_deadlines_json(json_t *m, const char *sector,
                                  vz_deadline *out, size_t max)
{
	json_t *secs = json_object_get(m, "sectors"), *se = NULL, *dls;
	size_t i, n;

	for (i = 0; sector != NULL && i < json_array_size(secs); i++) {
		const char *s = jstr(json_array_get(secs, i), "sector");

		if (s != NULL && strcmp(s, sector) == 0)
			se = json_array_get(secs, i);
	}
	dls = json_object_get(se, "deadlines");
	n = json_array_size(dls);
	for (i = 0; out != NULL && i < n && i < max; i++) {
		json_t *d = json_array_get(dls, i);

		out[i].verb = jstr(d, "verb");
		out[i].date = jstr(d, "date");
		out[i].source = json_string_value(
		    json_array_get(json_object_get(d, "sources"), 0));
		out[i].pinpoint = jstr(d, "pinpoint");
		out[i].note = jstr(d, "note");
		out[i].unconfirmed = jstr(d, "unconfirmed");
	}
	return n;
}

size_t vz_measure_deadlines(const vz_catalog *cat, const char *measure_id,
                            const char *sector, vz_deadline *out, size_t max)
{
	json_t *m = measure(cat, measure_id);

	return m != NULL ? vz__measure_deadlines_json(m, sector, out, max) : 0;
}
