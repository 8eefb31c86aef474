/*
 * server/api_reports.c - hosts posting their scan reports, and reading
 * them back. A report is checked whole before anything is written, then
 * stored in one transaction; its report_id makes a resend harmless.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

struct keyhost {
	char id[24];
	char mid[40];
	int revoked, n;
};

static int key_row(void *ctx, int nc, const char *const *c)
{
	struct keyhost *k = ctx;

	if (nc < 3)
		return 1;
	snprintf(k->id, sizeof(k->id), "%s", c[0] ? c[0] : "");
	snprintf(k->mid, sizeof(k->mid), "%s", c[1] ? c[1] : "");
	k->revoked = c[2] != NULL;
	k->n++;
	return 1;
}

int vzs_copy24(void *ctx, int nc, const char *const *c)
{
	if (nc > 0 && c[0] != NULL)
		snprintf(ctx, 24, "%s", c[0]);
	return 1;
}

void vzs_h_report_post(struct vzs_server *s, const struct vzs_req *rq,
                       struct vzs_resp *rs)
{
	const char *tok = vzs_bearer(rq);
	struct vzs_report r;
	struct keyhost k;
	char msg[600], keyhash[65], scanned[24], received[24], nf[24];
	char catver[24], inserted[40] = "", owner[24] = "";
	int st, rc;

	memset(&k, 0, sizeof(k));
	if (vzs_params_only(rq, rs, NULL) != 0)
		return;
	if (tok == NULL || strncmp(tok, "vzn_", 4) != 0) {
		vzs_error(rs, 401, "a node key is required "
		                   "(Authorization: Bearer vzn_...)");
		return;
	}
	if (rq->ctype == NULL ||
	    strncmp(rq->ctype, "application/json", 16) != 0) {
		vzs_error(rs, 415, "the body must be application/json");
		return;
	}
	st = vzs_report_parse(rq->body ? rq->body : "", rq->len, &r, msg,
	                      sizeof(msg));
	if (st != 0) {
		vzs_error(rs, st, "report: %s", msg);
		return;
	}
	if (r.scanned_at > vzs_now() + 86400) {
		vzs_error(rs, 422, "report: scanned_at is in the future");
		goto out;
	}
	vzs_sha256_hex(tok, strlen(tok), keyhash);
	snprintf(scanned, sizeof(scanned), "%lld", (long long)r.scanned_at);
	snprintf(received, sizeof(received), "%lld", (long long)vzs_now());
	snprintf(nf, sizeof(nf), "%zu", r.nfound);
	snprintf(catver, sizeof(catver), "%lld", (long long)r.catalog_version);
	pthread_mutex_lock(&s->db->lock);
	{
		const char *pk[1] = {keyhash};
		const char *pi[10] = {r.report_id, k.id, scanned, received,
		                      r.coverage, r.catalog_id, catver, nf,
		                      r.products, NULL};
		const char *pr[1] = {r.report_id};

		rc = vzs_begin(s->db);
		if (rc == VZS_DB_OK)
			rc = vzs_q(s->db,
			           "SELECT id, machine_id, key_revoked_at"
			           " FROM hosts WHERE key_hash = $1",
			           1, pk, key_row, &k);
		st = 0;
		if (rc == VZS_DB_OK && (k.n == 0 || k.revoked))
			st = 401;
		else if (rc == VZS_DB_OK && strcmp(k.mid, r.machine_id) != 0)
			st = 409;
		if (rc == VZS_DB_OK && st == 0) {
			/* The stored body is the bytes received. */
			char *body = malloc(rq->len + 1);

			if (body == NULL) {
				rc = VZS_DB_ERROR;
			} else {
				memcpy(body, rq->body, rq->len);
				body[rq->len] = '\0';
				pi[9] = body;
				rc = vzs_q(s->db,
				           "INSERT INTO reports (report_id, host_id,"
				           " scanned_at, received_at, coverage,"
				           " catalog_id, catalog_version, nfindings,"
				           " products, body) VALUES ($1,"
				           " CAST($2 AS BIGINT), CAST($3 AS BIGINT),"
				           " CAST($4 AS BIGINT), $5, $6,"
				           " CAST($7 AS BIGINT), CAST($8 AS INTEGER),"
				           " $9, $10) ON CONFLICT (report_id)"
				           " DO NOTHING RETURNING report_id",
				           10, pi, vzs_copy24, inserted);
				free(body);
			}
		}
		if (rc == VZS_DB_OK && st == 0 && inserted[0] == '\0')
			rc = vzs_q(s->db,
			           "SELECT host_id FROM reports"
			           " WHERE report_id = $1",
			           1, pr, vzs_copy24, owner);
		if (rc == VZS_DB_OK && st == 0 && inserted[0] != '\0') {
			const char *ph[4] = {k.id, r.hostname, r.fqdn, r.os};

			rc = vzs_q(s->db,
			           "UPDATE hosts SET hostname = $2, fqdn = $3,"
			           " os = $4 WHERE id = CAST($1 AS BIGINT)",
			           4, ph, NULL, NULL);
		}
		if (rc == VZS_DB_OK && st == 0 && inserted[0] != '\0')
			rc = vzs_commit(s->db);
		else
			vzs_rollback(s->db);
	}
	pthread_mutex_unlock(&s->db->lock);
	if (rc != VZS_DB_OK)
		vzs_db_error(rs, rc);
	else if (st == 401)
		vzs_error(rs, 401, "node key unknown or revoked; enrol again");
	else if (st == 409)
		vzs_error(rs, 409,
		          "report: host.machine_id %s is not the machine this "
		          "key was issued to",
		          r.machine_id[0] ? r.machine_id : "null");
	else if (inserted[0] == '\0' && strcmp(owner, k.id) != 0)
		vzs_error(rs, 409,
		          "report_id: already stored for another host");
	else
		vzs_json(rs, inserted[0] ? 201 : 200,
		         json_pack("{s:s,s:I,s:b}", "report_id", r.report_id,
		                   "host_id",
		                   (json_int_t)strtoll(k.id, NULL, 10),
		                   "duplicate", inserted[0] == '\0'));
out:
	vzs_report_clear(&r);
}

/* ---- reading reports ------------------------------------------------- */

static int report_meta(void *ctx, int nc, const char *const *c)
{
	if (nc < 9)
		return 1;
	json_array_append_new(
	    ctx,
	    json_pack("{s:s,s:I,s:s,s:o,s:o,s:{s:s?,s:I},s:s,s:I}",
	              "report_id", c[0], "host_id",
	              (json_int_t)strtoll(c[1], NULL, 10), "organisation",
	              c[2], "scanned_at",
	              vzs_time_json(strtoll(c[3], NULL, 10)), "received_at",
	              vzs_time_json(strtoll(c[4], NULL, 10)), "catalog", "id",
	              c[5], "version",
	              (json_int_t)(c[6] ? strtoll(c[6], NULL, 10) : 0),
	              "coverage", c[7], "findings",
	              (json_int_t)strtoll(c[8], NULL, 10)));
	return 0;
}

struct rawbody {
	char *body;
	int n;
};

static int raw_row(void *ctx, int nc, const char *const *c)
{
	struct rawbody *b = ctx;

	if (nc > 0 && c[0] != NULL) {
		b->body = strdup(c[0]);
		b->n = 1;
	}
	return 1;
}

void vzs_h_reports(struct vzs_server *s, const struct vzs_req *rq,
                   struct vzs_resp *rs, const char *id)
{
	static const char *const allowed[] = {"host",  "organisation",
	                                      "since", "until",
	                                      "limit", "after", NULL};
	char since[24] = "", until[24] = "", lim[24], off[24];
	const char *hp = vzs_param(rq, "host");
	size_t limit, offset;
	int64_t t;
	json_t *items;
	int rc;

	if (vzs_admin(s, rq, rs) != 0)
		return;
	if (id != NULL) {
		struct rawbody b = {NULL, 0};
		const char *p[1] = {id};

		if (vzs_params_only(rq, rs, NULL) != 0)
			return;
		pthread_mutex_lock(&s->db->lock);
		rc = vzs_q(s->db,
		           "SELECT body FROM reports WHERE report_id = $1", 1,
		           p, raw_row, &b);
		pthread_mutex_unlock(&s->db->lock);
		if (rc != VZS_DB_OK) {
			vzs_db_error(rs, rc);
		} else if (b.n == 0 || b.body == NULL) {
			vzs_error(rs, 404, "no report '%.40s'", id);
		} else {
			free(rs->body);
			rs->body = b.body;
			b.body = NULL;
			rs->len = strlen(rs->body);
			rs->status = 200;
			rs->ctype = "application/json";
		}
		free(b.body);
		return;
	}
	if (vzs_params_only(rq, rs, allowed) != 0 ||
	    vzs_paging(rq, rs, &limit, &offset) != 0)
		return;
	if (vzs_param(rq, "since") != NULL) {
		if (vzs_parse_time(vzs_param(rq, "since"), 0, &t) != 0) {
			vzs_error(rs, 400, "since: a date or an instant");
			return;
		}
		snprintf(since, sizeof(since), "%lld", (long long)t);
	}
	if (vzs_param(rq, "until") != NULL) {
		if (vzs_parse_time(vzs_param(rq, "until"), 1, &t) != 0) {
			vzs_error(rs, 400, "until: a date or an instant");
			return;
		}
		snprintf(until, sizeof(until), "%lld", (long long)t);
	}
	if (hp != NULL && strspn(hp, "0123456789") != strlen(hp)) {
		vzs_error(rs, 400, "host: a host id");
		return;
	}
	snprintf(lim, sizeof(lim), "%zu", limit + 1);
	snprintf(off, sizeof(off), "%zu", offset);
	items = json_array();
	{
		const char *p[6] = {hp, vzs_param(rq, "organisation"),
		                    since[0] ? since : NULL,
		                    until[0] ? until : NULL, lim, off};

		pthread_mutex_lock(&s->db->lock);
		rc = vzs_q(s->db,
		           "SELECT r.report_id, r.host_id, h.org, r.scanned_at,"
		           " r.received_at, r.catalog_id, r.catalog_version,"
		           " r.coverage, r.nfindings"
		           " FROM reports r JOIN hosts h ON h.id = r.host_id"
		           " WHERE (CAST($1 AS BIGINT) IS NULL"
		           "  OR r.host_id = CAST($1 AS BIGINT))"
		           " AND (CAST($2 AS TEXT) IS NULL OR h.org = $2)"
		           " AND (CAST($3 AS BIGINT) IS NULL"
		           "  OR r.scanned_at >= CAST($3 AS BIGINT))"
		           " AND (CAST($4 AS BIGINT) IS NULL"
		           "  OR r.scanned_at <= CAST($4 AS BIGINT))"
		           " ORDER BY r.scanned_at DESC, r.report_id"
		           " LIMIT CAST($5 AS BIGINT) OFFSET CAST($6 AS BIGINT)",
		           6, p, report_meta, items);
		pthread_mutex_unlock(&s->db->lock);
	}
	if (rc != VZS_DB_OK) {
		json_decref(items);
		vzs_db_error(rs, rc);
		return;
	}
	{
		/* One row beyond the page says whether there is a next. */
		size_t n = json_array_size(items);

		if (n > limit)
			json_array_remove(items, limit);
		vzs_json(rs, 200,
		         vzs_page(items, offset, limit,
		                  n > limit ? offset + limit + 1 : offset + n));
	}
}
