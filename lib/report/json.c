/*
 * lib/report/json.c - the JSON report: the stable fields of DESIGN.md
 * (tool, version, catalog, host, scanned_at, sector, findings, stats),
 * plus a few more (evidence items, next steps, tampered signatures, the
 * collectors that ran and everything not examined). Keys keep a fixed
 * order, so the same scan renders to the same bytes.
 */
#include <string.h>

#include "report_int.h"

static json_t *str_or_null(struct vz_buf *b, const char *s)
{
	const char *u = vz__utf8(b, s);

	return u ? json_string(u) : json_null();
}

static json_t *evidence(const vz_finding *f)
{
	json_t *arr = json_array();
	struct vz_buf b;
	size_t i;
	int bad = arr == NULL;

	vz__buf_init(&b);
	for (i = 0; !bad && i < f->nevidence; i++) {
		const vz_evidence *e = &f->evidence[i];
		json_t *o = json_object();

		bad = o == NULL || json_array_append_new(arr, o) != 0;
		bad = bad || json_object_set_new(o, "kind",
		                                 json_string(e->kind)) != 0;
		bad = bad || json_object_set_new(o, "source",
		                                 str_or_null(&b, e->source));
		bad = bad || json_object_set_new(o, "item",
		                                 str_or_null(&b, e->item));
		bad = bad || json_object_set_new(o, "detail",
		                                 str_or_null(&b, e->detail));
	}
	vz__buf_free(&b);
	if (bad) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

static json_t *steps(const vz_scan_info *in, const vz_finding *f)
{
	struct vz_buf b, u;
	json_t *arr = json_array();
	char *p, *nl;
	int bad = arr == NULL;

	vz__buf_init(&b);
	vz__buf_init(&u);
	vz__next_steps(in, f, &b);
	bad = bad || b.failed;
	for (p = b.data; !bad && p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			break;
		*nl = '\0';
		bad = json_array_append_new(arr, str_or_null(&u, p)) != 0;
	}
	vz__buf_free(&b);
	vz__buf_free(&u);
	if (bad) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* The deadlines with their verbs and the days left at scan time. */
json_t *vz__deadlines_json(const vz_scan_info *in, const vz_finding *f)
{
	json_t *arr = json_array();
	size_t i;
	int bad = arr == NULL;

	for (i = 0; !bad && i < f->ndeadlines; i++) {
		const vz_deadline *d = &f->deadlines[i];
		long days;
		int known = vz__days_left(in->scanned_at, d->date, &days) == 0;
		json_t *left = known ? json_integer(days) : json_null();

		bad = json_array_append_new(
		          arr, json_pack("{s:s, s:s?, s:o, s:s?, s:s?, s:s?, "
		                         "s:s?}",
		                         "verb", d->verb, "date", d->date,
		                         "days_left", left, "source", d->source,
		                         "pinpoint", d->pinpoint, "note",
		                         d->note, "unconfirmed",
		                         d->unconfirmed)) != 0;
	}
	if (bad) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

json_t *vz__finding_json(const vz_scan_info *in, const vz_finding *f)
{
	json_t *o, *m = NULL, *a = NULL;

	if (f->measure_id != NULL)
		m = json_pack("{s:s, s:s?, s:s?, s:b, s:s?, s:s?, s:s?, s:s?, "
		              "s:s?, s:o, s:s?, s:I}",
		              "id", f->measure_id, "title", f->measure_title,
		              "issuing_state", f->issuing_state, "foreign",
		              f->foreign,
		              "action", f->action, "reference", f->reference,
		              "exemption_policy", f->exemption_policy,
		              "exemption_note", f->exemption_note, "deadline",
		              vz__deadline(f), "deadlines",
		              vz__deadlines_json(in, f),
		              "deadline_note", f->deadline_note, "count",
		              (json_int_t)f->nmeasures);
	if (f->level != NULL)
		a = json_pack("{s:s?, s:s, s:s?, s:s?}", "id", f->assessment_id,
		              "level", f->level, "vector", f->vector, "rules",
		              f->rules);
	o = json_pack("{s:s, s:s?, s:s?, s:s?, s:s, s:o, s:I, s:o, s:o, "
	              "s:b, s:o}",
	              "product_id", f->product_id, "product", f->product,
	              "vendor_id", f->vendor_id, "vendor", f->vendor, "state",
	              vz_state_name(f->state), "evidence", evidence(f),
	              "evidence_omitted", (json_int_t)f->omitted, "measure",
	              m ? m : json_null(), "assessment", a ? a : json_null(),
	              "needs_action", f->needs_action, "next_steps",
	              steps(in, f));
	return o;
}

json_t *vz__host_json(const vz_scan_info *in)
{
	struct vz_buf b1, b2, b3, b4;
	json_t *o;

	vz__buf_init(&b1);
	vz__buf_init(&b2);
	vz__buf_init(&b3);
	vz__buf_init(&b4);
	o = json_pack("{s:s?, s:o, s:o, s:o, s:o, s:b}", "machine_id",
	              in->machine_id, "hostname",
	              str_or_null(&b1, in->hostname), "fqdn",
	              str_or_null(&b2, in->fqdn), "os",
	              str_or_null(&b3, in->os), "root",
	              str_or_null(&b4, in->root), "live", in->live);
	vz__buf_free(&b1);
	vz__buf_free(&b2);
	vz__buf_free(&b3);
	vz__buf_free(&b4);
	return o;
}

json_t *vz__catalog_json(const vz_scan_info *in)
{
	/* An older catalogue than the trusted one says so, with the
	 * trusted version: an auditor must see what a report rests on. */
	json_t *o = json_pack("{s:s?, s:I, s:s, s:s?, s:s?}", "id",
	                      in->catalog_id, "version",
	                      (json_int_t)in->catalog_version, "signature",
	                      in->signature, "sha256", in->catalog_sha256,
	                      "assessing_state", in->assessing_state);

	if (o != NULL && in->catalog_trusted_version >= 0 &&
	    json_object_set_new(o, "trusted_version",
	                        json_integer(in->catalog_trusted_version)) !=
	        0) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

/* Files whose signature claims a listed signer but does not hold. */
static json_t *tampered(const vz_scan *scan)
{
	json_t *arr = json_array();
	struct vz_buf b1, b2;
	size_t i;
	int bad = arr == NULL;

	vz__buf_init(&b1);
	vz__buf_init(&b2);
	for (i = 0; !bad && i < vz_scan_tampered_count(scan); i++) {
		const vz_tampered *t = vz_scan_tampered(scan, i);

		bad = json_array_append_new(
		          arr,
		          json_pack("{s:o, s:s, s:s, s:s, s:s, s:o, s:s}",
		                    "path", str_or_null(&b1, t->path),
		                    "source", t->source, "state", t->state,
		                    "subject", t->subject, "issuer", t->issuer,
		                    "detail", str_or_null(&b2, t->detail),
		                    "claims_signer_of", t->product_id)) != 0;
	}
	vz__buf_free(&b1);
	vz__buf_free(&b2);
	if (bad) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

vz_status vz__report_json(const vz_scan *scan, char **out)
{
	const vz_scan_info *in = vz_scan_get_info(scan);
	json_t *root, *arr = json_array(), *stats = vz__stats_json(scan);
	json_t *tam = tampered(scan), *cov = vz__coverage_json(scan);
	size_t i;
	int bad = arr == NULL || stats == NULL || tam == NULL || cov == NULL;

	for (i = 0; !bad && i < vz_scan_count(scan); i++) {
		json_t *f = vz__finding_json(in, vz_scan_finding(scan, i));

		bad = f == NULL || json_array_append_new(arr, f) != 0;
	}
	root = bad ? NULL
	           : json_pack("{s:i, s:s, s:s, s:s, s:o, s:o, s:s, s:s?, "
	                       "s:O, s:O, s:O, s:O}",
	                       "report_schema", VZ_REPORT_SCHEMA, "report_id",
	                       in->report_id, "tool", "voorzorg", "version",
	                       vz_version(), "catalog", vz__catalog_json(in),
	                       "host", vz__host_json(in), "scanned_at",
	                       in->scanned_at, "sector", in->sector,
	                       "coverage", cov, "findings", arr, "tampered",
	                       tam, "stats", stats);
	json_decref(arr);
	json_decref(tam);
	json_decref(stats);
	json_decref(cov);
	return vz__json_finish(root, out);
}
