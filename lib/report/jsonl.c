/*
 * lib/report/jsonl.c - the JSON Lines report: one finding per line, each
 * carrying the report id, host and catalogue, so a log shipper (Wazuh,
 * Fluent Bit, Splunk) can index every line on its own; then one summary
 * line with the coverage verdict and the stats (docs/report.md).
 */
#include <string.h>

#include "report_int.h"

/* The fields every line carries, then `extra`'s fields after them. */
static json_t *line(const vz_scan_info *in, const char *type, json_t *extra)
{
	json_t *o;

	if (extra == NULL)
		return NULL;
	o = json_pack("{s:s, s:i, s:s, s:s, s:o, s:o, s:s?}", "type", type,
	              "report_schema", VZ_REPORT_SCHEMA, "report_id",
	              in->report_id, "scanned_at", in->scanned_at, "host",
	              vz__host_json(in), "catalog", vz__catalog_json(in),
	              "sector", in->sector);
	if (o != NULL && json_object_update(o, extra) != 0) {
		json_decref(o);
		o = NULL;
	}
	json_decref(extra);
	return o;
}

static int append(struct vz_buf *b, json_t *o)
{
	char *s;

	if (o == NULL)
		return -1;
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s == NULL)
		return -1;
	vz__buf_puts(b, s);
	vz__buf_puts(b, "\n");
	vz__json_free(s);
	return b->failed ? -1 : 0;
}

vz_status vz__report_jsonl(const vz_scan *scan, char **out)
{
	const vz_scan_info *in = vz_scan_get_info(scan);
	struct vz_buf b;
	size_t i;
	int bad = 0;

	vz__buf_init(&b);
	for (i = 0; !bad && i < vz_scan_count(scan); i++)
		bad = append(&b, line(in, "finding",
		                      vz__finding_json(
		                          in, vz_scan_finding(scan, i)))) != 0;
	if (!bad) {
		json_t *cov = vz__coverage_json(scan);
		json_t *st = vz__stats_json(scan);

		bad =
		    append(
		        &b,
		        line(in, "summary",
		             cov && st
		                 ? json_pack(
		                       "{s:I, s:I, s:O, s:O}", "findings",
		                       (json_int_t)vz_scan_count(scan),
		                       "tampered",
		                       (json_int_t)vz_scan_tampered_count(scan),
		                       "coverage", cov, "stats", st)
		                 : NULL)) != 0;
		json_decref(cov);
		json_decref(st);
	}
	if (bad || b.failed) {
		vz__buf_free(&b);
		return VZ_E_NOMEM;
	}
	*out = vz__buf_take(&b);
	return *out ? VZ_OK : VZ_E_NOMEM;
}
