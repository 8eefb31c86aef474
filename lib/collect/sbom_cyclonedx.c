/*
 * lib/collect/sbom_cyclonedx.c - CycloneDX JSON SBOMs (specVersion 1.2
 * to 1.6): the subject (metadata.component) and every component, nested
 * ones included, as component records.
 *
 * What a component gives: name (required by the format), version, the
 * supplier (supplier.name, else publisher, manufacturer.name (1.6),
 * author, or the first of authors (1.6)), purl, cpe, and bom-ref for the
 * report. A wrong type where the format fixes one (a component that is
 * not an object, a name that is not a string) is an error naming where.
 */
#include <stdio.h>
#include <string.h>

#include "collect_int.h"

static const char *sget(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int push_key(struct vz_sbom *s, const char *k)
{
	if (s->depth >= VZ_SBOM_DEPTH)
		return -1;
	s->path[s->depth].key = k;
	s->path[s->depth++].index = 0;
	return 0;
}

static int push_index(struct vz_sbom *s, size_t i)
{
	if (s->depth >= VZ_SBOM_DEPTH)
		return -1;
	s->path[s->depth].key = NULL;
	s->path[s->depth++].index = i;
	return 0;
}

/* A string member, or absent; another type is an error. */
static vz_status opt_string(struct vz_sbom *s, json_t *o, const char *k,
                            const char **out)
{
	json_t *v = json_object_get(o, k);
	vz_status rc = VZ_OK;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return VZ_OK;
	if (!json_is_string(v)) {
		if (push_key(s, k) == 0) {
			rc = vz__sbom_fail(s, "\"%s\" must be a string", k);
			s->depth--;
			return rc;
		}
		return vz__sbom_fail(s, "\"%s\" must be a string", k);
	}
	*out = json_string_value(v);
	return VZ_OK;
}

static const char *supplier_of(json_t *o)
{
	json_t *authors = json_object_get(o, "authors");
	const char *v = sget(json_object_get(o, "supplier"), "name");

	if (v == NULL)
		v = sget(o, "publisher");
	if (v == NULL)
		v = sget(json_object_get(o, "manufacturer"), "name");
	if (v == NULL)
		v = sget(o, "author");
	if (v == NULL && json_is_array(authors))
		v = sget(json_array_get(authors, 0), "name");
	return v;
}

static vz_status component(struct vz_sbom *s, json_t *o);

static vz_status components(struct vz_sbom *s, json_t *parent)
{
	json_t *arr = json_object_get(parent, "components");
	vz_status rc = VZ_OK;
	size_t i;

	if (arr == NULL)
		return VZ_OK;
	if (push_key(s, "components") != 0)
		return vz__sbom_fail(s, "components nested more than %d "
		                        "levels deep", VZ_SBOM_DEPTH / 2);
	if (!json_is_array(arr)) {
		rc = vz__sbom_fail(s, "\"components\" must be an array");
		goto out;
	}
	for (i = 0; i < json_array_size(arr) && rc == VZ_OK; i++) {
		if (push_index(s, i) != 0) {
			rc = vz__sbom_fail(s, "components nested more than "
			                      "%d levels deep",
			                   VZ_SBOM_DEPTH / 2);
			break;
		}
		rc = component(s, json_array_get(arr, i));
		s->depth--;
	}
out:
	s->depth--;
	return rc;
}

static vz_status component(struct vz_sbom *s, json_t *o)
{
	const char *name, *version, *purl, *cpe, *ref;
	const char *cpes[1];
	char detail[300];
	vz_status rc;

	if (!json_is_object(o))
		return vz__sbom_fail(s, "a component must be an object");
	if (!json_is_string(json_object_get(o, "name")))
		return vz__sbom_fail(s, "a component needs a \"name\" string");
	name = sget(o, "name");
	rc = opt_string(s, o, "version", &version);
	if (rc == VZ_OK)
		rc = opt_string(s, o, "purl", &purl);
	if (rc == VZ_OK)
		rc = opt_string(s, o, "cpe", &cpe);
	if (rc == VZ_OK)
		rc = opt_string(s, o, "bom-ref", &ref);
	if (rc != VZ_OK)
		return rc;
	cpes[0] = cpe;
	snprintf(detail, sizeof(detail), "%s%s%s", s->format,
	         ref ? ", bom-ref " : "", ref ? ref : "");
	rc = vz__sbom_emit(s, name, version, supplier_of(o), purl, cpes,
	                   cpe ? 1 : 0, detail);
	if (rc == VZ_OK)
		rc = components(s, o);
	return rc;
}

vz_status vz__sbom_cyclonedx(struct vz_sbom *s, json_t *doc)
{
	const char *spec = sget(doc, "specVersion");
	char format[48];
	json_t *meta, *subject;
	unsigned minor = 0;
	vz_status rc = VZ_OK;

	s->format = "CycloneDX";
	if (spec == NULL || sscanf(spec, "1.%u", &minor) != 1 || minor < 2 ||
	    minor > 6) {
		push_key(s, "specVersion");
		return vz__sbom_fail(s, "specVersion %s%s%s is not supported "
		                        "(1.2 to 1.6 are)",
		                     spec ? "\"" : "", spec ? spec : "missing",
		                     spec ? "\"" : "");
	}
	snprintf(format, sizeof(format), "CycloneDX %s", spec);
	s->format = format;
	meta = json_object_get(doc, "metadata");
	subject = meta ? json_object_get(meta, "component") : NULL;
	if (subject != NULL) {
		push_key(s, "metadata");
		push_key(s, "component");
		rc = component(s, subject);
		s->depth -= 2;
	}
	if (rc == VZ_OK)
		rc = components(s, doc);
	s->format = "";
	return rc;
}
