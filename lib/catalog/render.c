/*
 * lib/catalog/render.c - `catalog show`: the catalogue as text or JSON.
 *
 * Text is for a security officer or auditor reading at a terminal: a
 * summary of every entry, or one entry in full with the sources it cites
 * spelled out. JSON is the entry exactly as the catalogue holds it, for
 * scripts. Output depends only on the catalogue, never on the clock or
 * the host, so it can be compared byte for byte.
 */
#include <string.h>

#include "catalog_int.h"

static const char *str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

static void indent(struct vz_buf *b, int n)
{
	while (n-- > 0)
		vz__buf_puts(b, "  ");
}

static int all_scalars(json_t *arr)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++)
		if (json_is_object(json_array_get(arr, i)) ||
		    json_is_array(json_array_get(arr, i)))
			return 0;
	return 1;
}

static void scalar(struct vz_buf *b, json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING: vz__buf_puts(b, json_string_value(v)); break;
	case JSON_INTEGER:
		vz__buf_printf(b, "%lld", (long long)json_integer_value(v));
		break;
	case JSON_REAL: vz__buf_printf(b, "%g", json_real_value(v)); break;
	case JSON_TRUE: vz__buf_puts(b, "yes"); break;
	case JSON_FALSE: vz__buf_puts(b, "no"); break;
	default: vz__buf_puts(b, "-"); break;
	}
}

static void dump(struct vz_buf *b, json_t *v, int level);

static void dump_member(struct vz_buf *b, const char *key, json_t *v, int level)
{
	indent(b, level);
	vz__buf_printf(b, "%s:", key);
	if (json_is_array(v) && all_scalars(v)) {
		size_t i;

		for (i = 0; i < json_array_size(v); i++) {
			vz__buf_puts(b, i ? ", " : " ");
			scalar(b, json_array_get(v, i));
		}
		vz__buf_puts(b, "\n");
	} else if (json_is_object(v) || json_is_array(v)) {
		vz__buf_puts(b, "\n");
		dump(b, v, level + 1);
	} else {
		vz__buf_puts(b, " ");
		scalar(b, v);
		vz__buf_puts(b, "\n");
	}
}

static void dump(struct vz_buf *b, json_t *v, int level)
{
	const char *key;
	json_t *m;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, key, m) dump_member(b, key, m, level);
	} else if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++) {
			json_t *e = json_array_get(v, i);

			indent(b, level);
			if (json_is_object(e)) {
				vz__buf_printf(b, "- [%zu]\n", i);
				dump(b, e, level + 1);
			} else {
				vz__buf_puts(b, "- ");
				scalar(b, e);
				vz__buf_puts(b, "\n");
			}
		}
	}
}

/* Collect the ids under every "sources" member, in first-seen order. */
static void cited(json_t *v, json_t *acc)
{
	const char *key;
	json_t *m;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, key, m)
		{
			if (strcmp(key, "sources") == 0 && json_is_array(m)) {
				for (i = 0; i < json_array_size(m); i++) {
					json_t *s = json_array_get(m, i);

					if (json_is_string(s) &&
					    !json_object_get(
					        acc, json_string_value(s)))
						json_object_set(
						    acc, json_string_value(s),
						    json_true());
				}
			} else {
				cited(m, acc);
			}
		}
	} else if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++)
			cited(json_array_get(v, i), acc);
	}
}

static void render_entry_text(const vz_catalog *cat, struct vz_buf *b,
                              vz_kind kind, json_t *obj)
{
	json_t *acc = json_object(), *m, *src;
	const char *key;

	vz__buf_printf(b, "%s %s\n", vz_kind_name(kind), str(obj, "id"));
	dump(b, obj, 1);
	if (acc == NULL) {
		b->failed = 1;
		return;
	}
	cited(obj, acc);
	if (kind != VZ_KIND_SOURCE && json_object_size(acc) > 0) {
		vz__buf_puts(b, "cited sources:\n");
		json_object_foreach(acc, key, m)
		{
			src = vz__catalog_get(cat, key, NULL);
			vz__buf_printf(b, "  [%s] %s", key, str(src, "title"));
			if (*str(src, "publisher"))
				vz__buf_printf(b, ", %s",
				               str(src, "publisher"));
			if (*str(src, "date"))
				vz__buf_printf(b, ", %s", str(src, "date"));
			if (*str(src, "reference"))
				vz__buf_printf(b, ", %s",
				               str(src, "reference"));
			if (*str(src, "url"))
				vz__buf_printf(b, " <%s>", str(src, "url"));
			vz__buf_puts(b, "\n");
		}
	}
	json_decref(acc);
}

static void summary_line(const vz_catalog *cat, struct vz_buf *b, vz_kind kind,
                         json_t *o)
{
	json_t *v;
	size_t i;

	vz__buf_printf(b, "  %-40s ", str(o, "id"));
	switch (kind) {
	case VZ_KIND_SOURCE: vz__buf_printf(b, "%s", str(o, "title")); break;
	case VZ_KIND_SECTOR:
	case VZ_KIND_JURISDICTION:
	case VZ_KIND_VENDOR:
		vz__buf_printf(b, "%s", str(o, "name"));
		if (kind == VZ_KIND_VENDOR)
			vz__buf_printf(b, " (%s; headquarters %s)",
			               str(o, "legal_entity"),
			               str(o, "headquarters"));
		break;
	case VZ_KIND_PRODUCT:
		v = json_object_get(o, "fingerprints");
		vz__buf_printf(b, "%s [%s, access %s, %zu fingerprints]",
		               str(o, "name"), str(o, "class"),
		               str(o, "access"), json_array_size(v));
		break;
	case VZ_KIND_ASSESSMENT:
		vz__buf_printf(b, "%s by %s: risk %s", str(o, "date"),
		               str(o, "assessor"), str(o, "level"));
		break;
	case VZ_KIND_MEASURE:
		vz__buf_printf(b, "%s %s (%s)\n", str(o, "date"),
		               str(o, "title"), str(o, "reference"));
		v = json_object_get(o, "sectors");
		for (i = 0; i < json_array_size(v); i++) {
			json_t *s = json_array_get(v, i);

			vz__buf_printf(b, "  %-40s   %s: %s\n", "",
			               str(s, "sector"), str(s, "action"));
		}
		return;
	case VZ_KIND_RULES:
		vz__buf_printf(b, "version %lld, %s",
		               (long long)json_integer_value(
		                   json_object_get(o, "version")),
		               str(o, "title"));
		break;
	case VZ_KIND__COUNT: break;
	}
	(void)cat;
	vz__buf_puts(b, "\n");
}

static void render_summary_text(const vz_catalog *cat, struct vz_buf *b)
{
	static const vz_kind order[] = {
	    VZ_KIND_MEASURE, VZ_KIND_ASSESSMENT,   VZ_KIND_PRODUCT,
	    VZ_KIND_VENDOR,  VZ_KIND_JURISDICTION, VZ_KIND_SECTOR,
	    VZ_KIND_RULES,   VZ_KIND_SOURCE};
	json_t *root = cat->root;
	size_t k, i;

	vz__buf_printf(b, "catalogue %s, version %lld (%s)\n", cat->id,
	               (long long)cat->version, cat->format);
	vz__buf_printf(b, "  %s\n", str(root, "title"));
	vz__buf_printf(b, "  published by %s; issued %s, expires %s\n",
	               str(root, "publisher"), str(root, "issued"),
	               cat->expires);
	vz__buf_printf(b, "  assessing state: %s\n",
	               str(root, "assessing_state"));
	vz__buf_printf(b, "  signature: %s\n", vz_catalog_signature(cat));
	if (vz_catalog_trusted_version(cat) >= 0)
		vz__buf_printf(b, "  OLDER than the trusted version %lld of "
		               "this catalogue\n",
		               (long long)vz_catalog_trusted_version(cat));
	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		vz_kind kind = order[k];

		vz__buf_printf(b, "\n%s (%zu)\n", vz_kind_array(kind),
		               cat->count[kind]);
		for (i = 0; i < cat->count[kind]; i++)
			summary_line(cat, b, kind,
			             cat->entries[cat->first[kind] + i].obj);
	}
}

static json_t *summary_json(const vz_catalog *cat)
{
	json_t *o = json_object(), *counts = json_object(),
	       *ents = json_object();
	json_t *root = cat->root;
	size_t k, i;
	int bad = o == NULL || counts == NULL || ents == NULL;

	if (!bad) {
		static const char *const keys[] = {
		    "format",    "id",     "version", "title",
		    "publisher", "issued", "expires", "assessing_state"};

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			bad |= json_object_set(o, keys[i],
			                       json_object_get(root, keys[i]));
		for (k = 0; k < VZ_KIND__COUNT && !bad; k++) {
			json_t *ids = json_array();

			bad |= ids == NULL;
			for (i = 0; ids && i < cat->count[k]; i++)
				bad |= json_array_append_new(
				    ids,
				    json_string(
				        cat->entries[cat->first[k] + i].id));
			bad |= json_object_set_new(
			    counts, vz__kind_arrays[k],
			    json_integer((json_int_t)cat->count[k]));
			bad |=
			    json_object_set_new(ents, vz__kind_arrays[k], ids);
		}
	}
	if (!bad) {
		bad |= json_object_set(o, "counts", counts);
		bad |= json_object_set(o, "entries", ents);
		bad |= json_object_set_new(
		    o, "signature", json_string(vz_catalog_signature(cat)));
		if (vz_catalog_trusted_version(cat) >= 0)
			bad |= json_object_set_new(
			    o, "trusted_version",
			    json_integer((json_int_t)
			                 vz_catalog_trusted_version(cat)));
	}
	json_decref(counts);
	json_decref(ents);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

vz_status vz_catalog_render(const vz_catalog *cat, const char *id,
                            vz_format format, char **out, vz_error *err)
{
	struct vz_buf b;
	json_t *obj = NULL, *owned = NULL;
	vz_kind kind = VZ_KIND_SOURCE;
	vz_status rc = VZ_OK;

	*out = NULL;
	vz__buf_init(&b);
	if (id != NULL) {
		obj = vz__catalog_get(cat, id, &kind);
		if (obj == NULL) {
			vz__error_set(err, VZ_E_NOTFOUND, cat->file,
			              "no entry with id \"%s\"", id);
			rc = VZ_E_NOTFOUND;
			goto out;
		}
	}
	if (format == VZ_FORMAT_JSON) {
		if (obj == NULL)
			obj = owned = summary_json(cat);
		vz__buf_json(&b, obj);
	} else if (obj == NULL) {
		render_summary_text(cat, &b);
	} else {
		render_entry_text(cat, &b, kind, obj);
	}
	*out = vz__buf_take(&b);
	if (*out == NULL)
		rc = VZ_E_NOMEM;
out:
	if (rc == VZ_E_NOMEM)
		vz__error_set(err, rc, cat->file, "out of memory");
	json_decref(owned);
	vz__buf_free(&b);
	return rc;
}
