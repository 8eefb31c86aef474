/*
 * lib/collect/sbom_spdx.c - SPDX JSON SBOMs (SPDX-2.2 and SPDX-2.3):
 * every package as a component record.
 *
 * What a package gives: name (required), versionInfo, supplier (else
 * originator) without its "Organization: " or "Person: " prefix and
 * never "NOASSERTION", and from externalRefs the package URL (type
 * "purl") and CPE names ("cpe23Type", "cpe22Type"); SPDXID for the
 * report. A wrong type where the format fixes one is an error naming
 * where.
 */
#include <stdio.h>
#include <string.h>

#include "collect_int.h"

#define MAX_CPES 16

static const char *sget(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* "Organization: X" -> "X"; NOASSERTION -> NULL. */
static const char *party(const char *s)
{
	static const char *const pfx[] = {"Organization:", "Person:", "Tool:",
	                                  NULL};
	size_t i;

	if (s == NULL || strcmp(s, "NOASSERTION") == 0)
		return NULL;
	for (i = 0; pfx[i]; i++)
		if (strncmp(s, pfx[i], strlen(pfx[i])) == 0) {
			s += strlen(pfx[i]);
			break;
		}
	while (*s == ' ')
		s++;
	return *s ? s : NULL;
}

static vz_status package(struct vz_sbom *s, json_t *p)
{
	json_t *refs = json_object_get(p, "externalRefs");
	const char *cpes[MAX_CPES], *purl = NULL, *vendor, *id;
	char detail[300];
	size_t i, n = 0;

	if (!json_is_object(p))
		return vz__sbom_fail(s, "a package must be an object");
	if (!json_is_string(json_object_get(p, "name")))
		return vz__sbom_fail(s, "a package needs a \"name\" string");
	if (json_object_get(p, "versionInfo") != NULL &&
	    !json_is_string(json_object_get(p, "versionInfo")))
		return vz__sbom_fail(s, "\"versionInfo\" must be a string");
	if (refs != NULL && !json_is_array(refs))
		return vz__sbom_fail(s, "\"externalRefs\" must be an array");
	for (i = 0; i < json_array_size(refs); i++) {
		json_t *r = json_array_get(refs, i);
		const char *type = sget(r, "referenceType");
		const char *loc = sget(r, "referenceLocator");

		if (!json_is_object(r) || type == NULL || loc == NULL) {
			s->path[s->depth].key = "externalRefs";
			s->path[s->depth + 1].key = NULL;
			s->path[s->depth + 1].index = i;
			if (s->depth + 2 <= VZ_SBOM_DEPTH)
				s->depth += 2;
			return vz__sbom_fail(s, "an external reference needs "
			                        "\"referenceType\" and "
			                        "\"referenceLocator\" strings");
		}
		if (strcmp(type, "purl") == 0 && purl == NULL)
			purl = loc;
		else if ((strcmp(type, "cpe23Type") == 0 ||
		          strcmp(type, "cpe22Type") == 0) &&
		         n < MAX_CPES)
			cpes[n++] = loc;
	}
	vendor = party(sget(p, "supplier"));
	if (vendor == NULL)
		vendor = party(sget(p, "originator"));
	id = sget(p, "SPDXID");
	snprintf(detail, sizeof(detail), "%s%s%s", s->format,
	         id ? ", " : "", id ? id : "");
	return vz__sbom_emit(s, sget(p, "name"), sget(p, "versionInfo"),
	                     vendor, purl, cpes, n, detail);
}

vz_status vz__sbom_spdx(struct vz_sbom *s, json_t *doc)
{
	const char *v = sget(doc, "spdxVersion");
	json_t *pkgs = json_object_get(doc, "packages");
	vz_status rc = VZ_OK;
	size_t i;

	s->format = "SPDX";
	s->path[0].key = "spdxVersion";
	s->depth = 1;
	if (v == NULL ||
	    (strcmp(v, "SPDX-2.3") != 0 && strcmp(v, "SPDX-2.2") != 0)) {
		rc = vz__sbom_fail(s, "spdxVersion %s%s%s is not supported "
		                      "(SPDX-2.2 and SPDX-2.3 are)",
		                   v ? "\"" : "", v ? v : "missing",
		                   v ? "\"" : "");
		goto out;
	}
	s->format = v;
	s->path[0].key = "packages";
	if (pkgs == NULL)
		goto out; /* a document about files only */
	if (!json_is_array(pkgs)) {
		rc = vz__sbom_fail(s, "\"packages\" must be an array");
		goto out;
	}
	for (i = 0; i < json_array_size(pkgs) && rc == VZ_OK; i++) {
		s->path[1].key = NULL;
		s->path[1].index = i;
		s->depth = 2;
		rc = package(s, json_array_get(pkgs, i));
	}
out:
	s->depth = 0;
	s->format = "";
	return rc;
}
