/*
 * lib/catalog/validate.c - the generic, table-driven catalogue checker.
 *
 * The catalogue's structure is described once, as data, in shapes.c; this
 * file walks a parsed document against those tables. It runs in two
 * passes: the first collects every entry's id (so references may point
 * forwards), the second checks types, enums, dates, formats and
 * references. Every problem is reported with its JSON path and position,
 * and checking goes on after an error so an author sees them all at once.
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "catalog_int.h"

const char *const vz__kind_names[VZ_KIND__COUNT] = {
    "source",  "sector",     "jurisdiction", "vendor",
    "product", "assessment", "measure",      "rules",
};

const char *const vz__kind_arrays[VZ_KIND__COUNT] = {
    "sources",  "sectors",     "jurisdictions", "vendors",
    "products", "assessments", "measures",      "rules",
};

const char *vz_kind_name(vz_kind kind)
{
	return (unsigned)kind < VZ_KIND__COUNT ? vz__kind_names[kind] : "?";
}

const char *vz_kind_array(vz_kind kind)
{
	return (unsigned)kind < VZ_KIND__COUNT ? vz__kind_arrays[kind] : "?";
}

void vz__vpush_key(struct vctx *c, const char *key)
{
	if (c->depth < VZ_VMAX_DEPTH) {
		c->path[c->depth].key = key;
		c->path[c->depth].index = 0;
		c->depth++;
	} else {
		c->overflow++;
	}
}

void vz__vpush_index(struct vctx *c, size_t i)
{
	if (c->depth < VZ_VMAX_DEPTH) {
		c->path[c->depth].key = NULL;
		c->path[c->depth].index = i;
		c->depth++;
	} else {
		c->overflow++;
	}
}

void vz__vpop(struct vctx *c)
{
	if (c->overflow > 0)
		c->overflow--;
	else if (c->depth > 0)
		c->depth--;
}

void vz__verr(struct vctx *c, vz_severity sev, int at_key, const char *fmt, ...)
{
	char path[256], msg[512];
	unsigned long line = 0, col = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vz__json_path_format(c->path, c->depth, path, sizeof(path));
	if (c->text != NULL)
		vz__jpos_locate(&c->jp, c->path, c->depth, at_key, &line,
		                &col);
	vz__diag_add(c->diags, sev, VZ_E_INVALID, c->file, line, col, path,
	             "%s", msg);
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "a value";
}

static int is_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

static int in_enum(const char *const *enums, const char *s)
{
	for (; *enums; enums++)
		if (strcmp(*enums, s) == 0)
			return 1;
	return 0;
}

static void enum_list(const char *const *enums, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; *enums && used < size; enums++) {
		int n = snprintf(buf + used, size - used, "%s%s",
		                 used ? ", " : "", *enums);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

const struct vz_entry *vz__vlookup(struct vctx *c, const char *id)
{
	return vz__map_get(&c->cat->ids, id);
}

static void note_cited(struct vctx *c, const char *id)
{
	static char cited_mark;

	if (vz__map_put(&c->cited, id, &cited_mark, NULL) != VZ_OK)
		c->nomem = 1;
}

static void check_ref(struct vctx *c, const struct vfield *f, json_t *v)
{
	const char *id;
	const struct vz_entry *e;

	if (!json_is_string(v)) {
		vz__verr(c, VZ_SEV_ERROR, 0,
		         "expected the id of a %s, found %s",
		         vz__kind_names[f->ref], type_name(v));
		return;
	}
	id = json_string_value(v);
	e = vz__vlookup(c, id);
	if (e == NULL)
		vz__verr(c, VZ_SEV_ERROR, 0, "unknown %s \"%s\"",
		         vz__kind_names[f->ref], id);
	else if ((int)e->kind != f->ref)
		vz__verr(c, VZ_SEV_ERROR, 0, "\"%s\" is a %s, not a %s", id,
		         vz__kind_names[e->kind], vz__kind_names[f->ref]);
	else if (f->ref == VZ_KIND_SOURCE)
		note_cited(c, id);
}

static void check_string(struct vctx *c, const struct vfield *f, json_t *v)
{
	const char *s, *why;

	if (!json_is_string(v)) {
		vz__verr(c, VZ_SEV_ERROR, 0, "expected a string, found %s",
		         type_name(v));
		return;
	}
	s = json_string_value(v);
	if (f->type == VT_TEXT && is_blank(s)) {
		vz__verr(c, VZ_SEV_ERROR, 0, "must not be empty");
		return;
	}
	if (f->check != NULL && (why = f->check(s)) != NULL)
		vz__verr(c, VZ_SEV_ERROR, 0, "\"%s\" %s", s, why);
}

static void check_enum(struct vctx *c, const struct vfield *f, json_t *v)
{
	char list[200];

	if (!json_is_string(v)) {
		vz__verr(c, VZ_SEV_ERROR, 0, "expected a string, found %s",
		         type_name(v));
		return;
	}
	if (!in_enum(f->enums, json_string_value(v))) {
		enum_list(f->enums, list, sizeof(list));
		vz__verr(c, VZ_SEV_ERROR, 0, "\"%s\" is not one of: %s",
		         json_string_value(v), list);
	}
}

#define SHORT_LIST 32

/* Arrays of scalars: refs, enums, strings. Duplicates are errors. */
static void check_scalar_array(struct vctx *c, const struct vfield *f,
                               json_t *v)
{
	struct vfield elem = *f;
	struct vz_map seen; /* string -> 1 + index of its first place */
	size_t i, j, n = json_array_size(v);

	elem.type = f->type == VT_REFS    ? VT_REF
	            : f->type == VT_ENUMS ? VT_ENUM
	                                  : VT_TEXT;
	vz__map_init(&seen);
	for (i = 0; i < json_array_size(v); i++) {
		json_t *e = json_array_get(v, i);

		vz__vpush_index(c, i);
		if (elem.type == VT_REF)
			check_ref(c, &elem, e);
		else if (elem.type == VT_ENUM)
			check_enum(c, &elem, e);
		else
			check_string(c, &elem, e);
		/* Short lists (nearly all): compare with the earlier ones.
		 * Long ones go through a hash set, so that lists of 100,000
		 * products stay linear. */
		for (j = 0; n <= SHORT_LIST && j < i && json_is_string(e);
		     j++) {
			if (json_equal(json_array_get(v, j), e)) {
				vz__verr(
				    c, VZ_SEV_ERROR, 0,
				    "\"%s\" is listed twice (also at [%zu])",
				    json_string_value(e), j);
				break;
			}
		}
		if (n > SHORT_LIST && json_is_string(e)) {
			void *first = vz__map_get(&seen, json_string_value(e));
			int existed;

			j = (size_t)(uintptr_t)first;
			if (j > 0)
				vz__verr(
				    c, VZ_SEV_ERROR, 0,
				    "\"%s\" is listed twice (also at [%zu])",
				    json_string_value(e), j - 1);
			else if (vz__map_put(&seen, json_string_value(e),
			                     (void *)(uintptr_t)(i + 1),
			                     &existed) != VZ_OK)
				c->nomem = 1;
		}
		vz__vpop(c);
	}
	vz__map_free(&seen);
}

static void check_map(struct vctx *c, const struct vfield *f, json_t *v)
{
	struct vfield valf = *f;
	const char *k;
	json_t *val;

	valf.type = VT_ENUM;
	json_object_foreach(v, k, val)
	{
		const struct vz_entry *e = vz__vlookup(c, k);

		vz__vpush_key(c, k);
		/* Point a bad key's error at the key itself. */
		if (e == NULL)
			vz__verr(c, VZ_SEV_ERROR, 1, "unknown %s \"%s\"",
			         vz__kind_names[f->ref], k);
		else if ((int)e->kind != f->ref)
			vz__verr(c, VZ_SEV_ERROR, 1, "\"%s\" is a %s, not a %s",
			         k, vz__kind_names[e->kind],
			         vz__kind_names[f->ref]);
		check_enum(c, &valf, val);
		vz__vpop(c);
	}
}

static void check_field(struct vctx *c, const struct vfield *f, json_t *v)
{
	size_t i;

	switch (f->type) {
	case VT_TEXT:
	case VT_STRING: check_string(c, f, v); break;
	case VT_ID:
		/* Format and uniqueness were checked in the id pass. */
		if (!json_is_string(v))
			vz__verr(c, VZ_SEV_ERROR, 0,
			         "expected a string, found %s", type_name(v));
		break;
	case VT_REF: check_ref(c, f, v); break;
	case VT_DATE:
		if (!json_is_string(v))
			vz__verr(c, VZ_SEV_ERROR, 0,
			         "expected a date (YYYY-MM-DD), found %s",
			         type_name(v));
		else if (vz__date_parse(json_string_value(v), NULL) != 0)
			vz__verr(c, VZ_SEV_ERROR, 0,
			         "\"%s\" is not a valid ISO 8601 date "
			         "(YYYY-MM-DD or RFC 3339 date-time)",
			         json_string_value(v));
		break;
	case VT_ENUM: check_enum(c, f, v); break;
	case VT_INT:
		if (!json_is_integer(v))
			vz__verr(c, VZ_SEV_ERROR, 0,
			         "expected an integer, found %s", type_name(v));
		else if (json_integer_value(v) < f->min)
			vz__verr(c, VZ_SEV_ERROR, 0, "must be at least %lld",
			         f->min);
		break;
	case VT_BOOL:
		if (!json_is_boolean(v))
			vz__verr(c, VZ_SEV_ERROR, 0,
			         "expected true or false, found %s",
			         type_name(v));
		break;
	case VT_OBJECT: vz__vshape(c, f->shape, v); break;
	case VT_MAP:
		if (!json_is_object(v))
			vz__verr(c, VZ_SEV_ERROR, 0,
			         "expected an object, found %s", type_name(v));
		else
			check_map(c, f, v);
		break;
	case VT_ARRAY:
	case VT_REFS:
	case VT_ENUMS:
	case VT_STRINGS:
		if (!json_is_array(v)) {
			vz__verr(c, VZ_SEV_ERROR, 0,
			         "expected an array, found %s", type_name(v));
			break;
		}
		if ((f->flags & VF_NONEMPTY) && json_array_size(v) == 0) {
			vz__verr(c, VZ_SEV_ERROR, 0, "must not be empty");
			break;
		}
		if (f->type != VT_ARRAY) {
			check_scalar_array(c, f, v);
			break;
		}
		for (i = 0; i < json_array_size(v); i++) {
			vz__vpush_index(c, i);
			vz__vshape(c, f->shape, json_array_get(v, i));
			vz__vpop(c);
		}
		break;
	}
}

static int allowed_extra(const char *key)
{
	/* Extension members, as in OpenAPI; ignored by voorzorg. */
	return strncmp(key, "x-", 2) == 0 || strcmp(key, "$comment") == 0;
}

void vz__vshape(struct vctx *c, const struct vshape *shape, json_t *obj)
{
	int untagged = 0;
	const struct vfield *f;
	const char *key;
	json_t *v;

	if (!json_is_object(obj)) {
		vz__verr(c, VZ_SEV_ERROR, 0,
		         "expected an object (%s), found %s", shape->name,
		         type_name(obj));
		return;
	}
	if (shape->select != NULL) {
		const struct vshape *s = shape->select(obj);

		/*
		 * With an unknown tag, the members of the concrete shape
		 * cannot be judged; reporting each as unknown would only
		 * bury the real error, which the tag's check reports.
		 */
		if (s != NULL)
			shape = s;
		else
			untagged = 1;
	}
	for (f = shape->fields; f->name != NULL; f++) {
		v = json_object_get(obj, f->name);
		if (v == NULL) {
			if (f->flags & VF_REQ)
				vz__verr(c, VZ_SEV_ERROR, 0,
				         "missing required field \"%s\"",
				         f->name);
			continue;
		}
		vz__vpush_key(c, f->name);
		check_field(c, f, v);
		vz__vpop(c);
	}
	json_object_foreach(obj, key, v)
	{
		int known = untagged;

		for (f = shape->fields; f->name != NULL && !known; f++)
			known = strcmp(f->name, key) == 0;
		if (known || allowed_extra(key))
			continue;
		if (c->depth == 0 && strcmp(key, "$schema") == 0)
			continue;
		vz__vpush_key(c, key);
		vz__verr(c, VZ_SEV_ERROR, 1, "unknown field \"%s\" in %s", key,
		         shape->name);
		vz__vpop(c);
	}
	if (shape->post != NULL)
		shape->post(c, obj);
}

/* ---- the id pass ------------------------------------------------------ */

const char *vz__check_id(const char *s)
{
	size_t n = 0;
	int prev_dash = 1;

	for (; s[n]; n++) {
		char ch = s[n];

		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			prev_dash = 0;
		else if (ch == '-' && !prev_dash)
			prev_dash = 1;
		else
			return "is not a valid id (lowercase letters, digits "
			       "and single hyphens, e.g. \"kaspersky-lab\")";
	}
	if (n == 0 || prev_dash)
		return "is not a valid id (lowercase letters, digits and "
		       "single hyphens, e.g. \"kaspersky-lab\")";
	if (n > 64)
		return "is too long for an id (at most 64 characters)";
	return NULL;
}

static void collect_ids(struct vctx *c, json_t *root)
{
	struct vz_catalog *cat = c->cat;
	size_t total = 0, k, i;

	for (k = 0; k < VZ_KIND__COUNT; k++)
		total +=
		    json_array_size(json_object_get(root, vz__kind_arrays[k]));
	cat->entries = vz__calloc(total, sizeof(*cat->entries));
	if (cat->entries == NULL) {
		c->nomem = 1;
		return;
	}
	for (k = 0; k < VZ_KIND__COUNT; k++) {
		json_t *arr = json_object_get(root, vz__kind_arrays[k]);

		cat->first[k] = cat->nentries;
		for (i = 0; i < json_array_size(arr); i++) {
			json_t *obj = json_array_get(arr, i);
			json_t *idv = json_object_get(obj, "id");
			struct vz_entry *e, *prev;
			const char *id, *why;

			if (!json_is_string(idv))
				continue; /* reported by the shape pass */
			id = json_string_value(idv);
			vz__vpush_key(c, vz__kind_arrays[k]);
			vz__vpush_index(c, i);
			vz__vpush_key(c, "id");
			prev = vz__map_get(&cat->ids, id);
			if ((why = vz__check_id(id)) != NULL) {
				vz__verr(c, VZ_SEV_ERROR, 0, "\"%s\" %s", id,
				         why);
			} else if (prev != NULL) {
				vz__verr(c, VZ_SEV_ERROR, 0,
				         "duplicate id \"%s\" (already used by "
				         "%s[%zu])",
				         id, vz__kind_arrays[prev->kind],
				         prev->index);
			} else {
				e = &cat->entries[cat->nentries++];
				e->kind = (vz_kind)k;
				e->index = i;
				e->id = id;
				e->obj = obj;
				if (vz__map_put(&cat->ids, id, e, NULL) !=
				    VZ_OK)
					c->nomem = 1;
			}
			vz__vpop(c);
			vz__vpop(c);
			vz__vpop(c);
		}
		cat->count[k] = cat->nentries - cat->first[k];
	}
}

static void warn_uncited_sources(struct vctx *c)
{
	size_t i, first = c->cat->first[VZ_KIND_SOURCE];

	for (i = 0; i < c->cat->count[VZ_KIND_SOURCE]; i++) {
		const struct vz_entry *e = &c->cat->entries[first + i];

		if (vz__map_get(&c->cited, e->id) != NULL)
			continue;
		vz__vpush_key(c, "sources");
		vz__vpush_index(c, e->index);
		vz__verr(c, VZ_SEV_WARNING, 0, "source \"%s\" is never cited",
		         e->id);
		vz__vpop(c);
		vz__vpop(c);
	}
}

void vz__catalog_validate(struct vctx *c, json_t *root)
{
	if (!json_is_object(root)) {
		vz__verr(c, VZ_SEV_ERROR, 0,
		         "a catalogue is a JSON object, found %s",
		         type_name(root));
		return;
	}
	collect_ids(c, root);
	if (c->nomem)
		return;
	vz__vshape(c, &vz__shape_catalog, root);
	if (vz_diags_errors(c->diags) == 0)
		warn_uncited_sources(c);
}
