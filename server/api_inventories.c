/*
 * server/api_inventories.c - hosts posting an inventory (docs/inventory.md)
 * instead of a report: a host that does not judge for itself, such as a
 * Windows desktop running voorzorg-collect.exe. The server judges the
 * inventory with its catalogue and the organisation's sector, exactly as
 * `voorzorg scan --inventory FILE --sector S` would, and stores the
 * report that gives as if the host had posted it (api_reports.c).
 *
 * The body is outside data of up to VZS_REPORT_MAX bytes: it is read in
 * place (no copy) by the library's inventory reader, which keeps one
 * line at a time; nothing is stored until it has been read whole and
 * judged. The key is checked first, so an unknown sender costs no scan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

struct keyorg {
	char mid[40];
	char sector[128];
	int revoked, n;
};

static int keyorg_row(void *ctx, int nc, const char *const *c)
{
	struct keyorg *k = ctx;

	if (nc < 3)
		return 1;
	snprintf(k->mid, sizeof(k->mid), "%s", c[0] ? c[0] : "");
	k->revoked = c[1] != NULL;
	snprintf(k->sector, sizeof(k->sector), "%s", c[2] ? c[2] : "");
	k->n++;
	return 1;
}

/* The key's host's machine and its organisation's sector; 0, or the
 * HTTP status with rs set. */
static int key_sector(struct vzs_server *s, const char *tok,
                      struct keyorg *k, struct vzs_resp *rs)
{
	char keyhash[65];
	const char *p[1] = {keyhash};
	int rc;

	vzs_sha256_hex(tok, strlen(tok), keyhash);
	pthread_mutex_lock(&s->db->lock);
	rc = vzs_q(s->db,
	           "SELECT h.machine_id, h.key_revoked_at, o.sector"
	           " FROM hosts h JOIN organisations o ON o.id = h.org"
	           " WHERE h.key_hash = $1",
	           1, p, keyorg_row, k);
	pthread_mutex_unlock(&s->db->lock);
	if (rc != VZS_DB_OK) {
		vzs_db_error(rs, rc);
		return rc == VZS_DB_UNAVAILABLE ? 503 : 500;
	}
	if (k->n == 0 || k->revoked) {
		vzs_error(rs, 401, "node key unknown or revoked; enrol again");
		return 401;
	}
	return 0;
}

/* Content-Type application/x-ndjson, parameters (charset) allowed. */
static int ndjson(const char *ct)
{
	static const char t[] = "application/x-ndjson";

	return ct != NULL && strncmp(ct, t, sizeof(t) - 1) == 0 &&
	       (ct[sizeof(t) - 1] == '\0' || ct[sizeof(t) - 1] == ';' ||
	        ct[sizeof(t) - 1] == ' ');
}

/* The status for a library error about the inventory, with rs set. */
static void inventory_error(struct vzs_resp *rs, vz_status rc,
                            const vz_error *err)
{
	char line[600];

	vz_error_format(err, line, sizeof(line));
	if (rc == VZ_E_PARSE || rc == VZ_E_IO)
		vzs_error(rs, 400, "%s", line);
	else if (rc == VZ_E_UNSUPPORTED)
		vzs_error(rs, 422, "%s", line);
	else if (rc == VZ_E_NOMEM)
		vzs_error(rs, 500, "out of memory judging the inventory");
	else
		vzs_error(rs, 500, "judging the inventory: %s", line);
}

/*
 * Judge the inventory `in` (read whole) into a rendered JSON report,
 * *json owned (vz_free); 0, or the HTTP status with rs set.
 */
static int judge(struct vzs_server *s, const vz_inventory_read *in,
                 const char *sector, const char *report_id,
                 const char *scanned_at, char **json, struct vzs_resp *rs)
{
	struct vzs_catview *cv;
	vz_inventory_read rd = *in;
	vz_scan_opts so;
	vz_source src;
	vz_scan *scan = NULL;
	vz_error err;
	vz_status rc;
	int st = 0;

	memset(&err, 0, sizeof(err));
	*json = NULL;
	/* The catalogue stays the same from judging to rendering: the
	 * scan's findings borrow its strings. */
	cv = vzs_cat_acquire(s);
	rd.catalog_id = vz_catalog_id(cv->cat);
	rd.catalog_version = vz_catalog_version(cv->cat);
	src.run = vz_inventory_source;
	src.ctx = &rd;
	vz_scan_opts_init(&so);
	so.source = &src;
	so.sector = sector;
	so.signature = vz_catalog_signature(cv->cat);
	so.jobs = 1; /* the server has its own threads */
	so.report_id = report_id;
	so.scanned_at = scanned_at;
	if (!vzs_catview_has_sector(cv, sector)) {
		vzs_error(rs, 422,
		          "the organisation's sector '%.64s' is not in the "
		          "catalogue in use",
		          sector);
		st = 422;
		goto out;
	}
	rc = vz_scan_run(cv->cat, &so, &scan, &err);
	if (rc == VZ_E_USAGE) {
		/* The sector is the catalogue's and the report id ours:
		 * what is wrong is the inventory's collected_at. */
		vzs_error(rs, 400,
		          "inventory: collected_at: not an RFC 3339 instant "
		          "in UTC (YYYY-MM-DDTHH:MM:SSZ): the report's "
		          "scanned_at");
		st = 400;
	} else if (rc != VZ_OK) {
		inventory_error(rs, rc, &err);
		st = rs->status;
	} else if (vz_report_render(scan, VZ_REPORT_JSON, json) != VZ_OK) {
		vzs_error(rs, 500, "out of memory rendering the report");
		st = 500;
	}
out:
	vz_scan_free(scan);
	vzs_cat_release(s);
	return st;
}

void vzs_h_inventory_post(struct vzs_server *s, const struct vzs_req *rq,
                          struct vzs_resp *rs)
{
	const char *tok;
	vz_inventory_read in;
	vz_inventory_info info;
	struct keyorg k;
	vz_error err;
	vz_status rc;
	char sum[65], *json = NULL;

	memset(&in, 0, sizeof(in));
	memset(&info, 0, sizeof(info));
	memset(&k, 0, sizeof(k));
	memset(&err, 0, sizeof(err));
	if (vzs_params_only(rq, rs, NULL) != 0)
		return;
	tok = vzs_node_key(rq, rs);
	if (tok == NULL)
		return;
	if (!ndjson(rq->ctype)) {
		vzs_error(rs, 415, "the body must be application/x-ndjson");
		return;
	}
	if (key_sector(s, tok, &k, rs) != 0)
		return;
	in.path = "inventory";
	in.data = rq->body ? rq->body : "";
	in.len = rq->len;
	/* The header first: when it was collected, and for which
	 * machine, before the cost of judging it. */
	rc = vz_inventory_header(&in, &info, &err);
	if (rc != VZ_OK) {
		inventory_error(rs, rc, &err);
		return;
	}
	if (strcmp(info.machine_id ? info.machine_id : "", k.mid) != 0) {
		vzs_error(rs, 409,
		          "inventory: host.machine_id %s is not the machine "
		          "this key was issued to",
		          info.machine_id ? info.machine_id : "null");
		goto out;
	}
	if (info.collected_at == NULL) {
		vzs_error(rs, 400,
		          "inventory: collected_at: missing (the report's "
		          "scanned_at)");
		goto out;
	}
	/* A resend of the same bytes is the same report. */
	vzs_sha256_hex(in.data, in.len, sum);
	sum[32] = '\0';
	if (judge(s, &in, k.sector, sum, info.collected_at, &json, rs) != 0)
		goto out;
	/* The rendered report is NUL-terminated JSON with every control
	 * character escaped: the body vzs_report_ingest stores. */
	vzs_report_ingest(s, tok, json, strlen(json), "judged inventory", rs);
out:
	vz_free(json);
	vz_inventory_info_clear(&info);
}
