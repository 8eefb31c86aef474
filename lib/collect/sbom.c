/*
 * lib/collect/sbom.c - SBOMs that other tools produce: which format a
 * JSON document is, and what the format readers share (error positions,
 * component records).
 *
 * Read: CycloneDX JSON (specVersion 1.2 to 1.6; tested with 1.4 to 1.6:
 * sbom_cyclonedx.c) and SPDX JSON (2.2 and 2.3: sbom_spdx.c). Each
 * component or package becomes one component record with its name,
 * version, supplier, package URL and CPE names; the matcher does the
 * rest. An SBOM is outside data: anything that is not JSON, not one of
 * these formats, or breaks the format's required structure is refused
 * with the file, line and column and JSON path of the fault, never
 * half-read in silence.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "collect_int.h"

/* jansson's messages, reworded where they name jansson's own options. */
static const char *json_message(const char *text)
{
	if (strstr(text, "JSON_ALLOW_NUL") != NULL)
		return "a NUL character (\\u0000) is not allowed in a string";
	return text;
}

vz_status vz__sbom_fail(struct vz_sbom *s, const char *fmt, ...)
{
	unsigned long line = 0, col = 0;
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vz__json_locate(s->text, s->len, s->path, s->depth, 0, &line, &col);
	vz__error_set(s->err, VZ_E_PARSE, s->origin, "%s%s%s", s->format,
	              s->format[0] ? ": " : "", msg);
	if (s->err != NULL) {
		s->err->line = line;
		s->err->column = col;
		vz__json_path_format(s->path, s->depth, s->err->path,
		                     sizeof(s->err->path));
	}
	return VZ_E_PARSE;
}

vz_status vz__sbom_emit(struct vz_sbom *s, const char *name,
                        const char *version, const char *vendor,
                        const char *purl, const char *const *cpes,
                        size_t ncpes, const char *detail)
{
	vz_record r;

	if (!vz__wants(s->c, VZ_REC_COMPONENT))
		return VZ_OK;
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_COMPONENT;
	r.origin = s->origin;
	r.name = name;
	r.version = version;
	r.vendor = vendor;
	r.ident = purl;
	r.cpes = cpes;
	r.ncpes = ncpes;
	r.detail = detail;
	vz__stats_add(s->c->st, VZ_STAT_COMPONENTS, 1);
	return vz__emit_as(s->c, &r, "sbom");
}

vz_status vz__sbom_read(struct vz_cctx *c, const char *data, size_t len,
                        const char *origin, vz_error *err)
{
	struct vz_sbom s;
	json_error_t jerr;
	json_t *doc;
	const char *bf, *sv;
	unsigned long fails = vz__alloc_failures();
	size_t skip;
	vz_status rc;

	memset(&s, 0, sizeof(s));
	s.c = c;
	s.origin = origin;
	s.err = err;
	s.format = "";
	/* A UTF-8 byte-order mark, as some tools write one. */
	skip = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	s.text = data + skip;
	s.len = len - skip;
	doc = json_loadb(s.text, s.len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		if (json_error_code(&jerr) == json_error_out_of_memory ||
		    vz__alloc_failures() != fails) {
			vz__error_set(err, VZ_E_NOMEM, origin, "out of memory");
			return VZ_E_NOMEM;
		}
		vz__error_set(err, VZ_E_PARSE, origin,
		              "not an SBOM: not valid JSON: %s",
		              json_message(jerr.text));
		if (err != NULL) {
			err->line = jerr.line > 0 ? (unsigned long)jerr.line
			                          : 0;
			err->column = jerr.column > 0
			                  ? (unsigned long)jerr.column
			                  : 0;
		}
		return VZ_E_PARSE;
	}
	bf = json_string_value(json_object_get(doc, "bomFormat"));
	sv = json_string_value(json_object_get(doc, "spdxVersion"));
	if (bf != NULL && strcmp(bf, "CycloneDX") == 0) {
		rc = vz__sbom_cyclonedx(&s, doc);
	} else if (sv != NULL) {
		rc = vz__sbom_spdx(&s, doc);
	} else {
		rc = vz__sbom_fail(&s, "not an SBOM: neither CycloneDX "
		                       "(\"bomFormat\": \"CycloneDX\") nor "
		                       "SPDX (\"spdxVersion\") JSON");
	}
	json_decref(doc);
	return rc;
}
