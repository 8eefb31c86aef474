/*
 * server/api_hosts.c - hosts (list, one, group, key revocation) and the
 * findings of their latest reports, with evidence, as of an instant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

struct hostinfo {
	json_t *items; /* host objects in id order */
	int64_t t;
};

static int host_info_row(void *ctx, int nc, const char *const *c)
{
	struct hostinfo *hi = ctx;
	json_t *last = json_null();

	if (nc < 12)
		return 1;
	if (c[9] != NULL)
		last =
		    json_pack("{s:s,s:o,s:s}", "report_id", c[9], "scanned_at",
		              vzs_time_json(strtoll(c[10], NULL, 10)),
		              "coverage", c[11] ? c[11] : "");
	json_array_append_new(
	    hi->items,
	    json_pack(
	        "{s:I,s:s,s:s?,s:s,s:s?,s:s?,s:s?,s:o,s:o,s:o}", "host_id",
	        (json_int_t)strtoll(c[0], NULL, 10), "organisation", c[1],
	        "machine_id", c[2], "hostname", c[3], "fqdn", c[4], "group",
	        c[5], "os", c[6], "enrolled_at",
	        vzs_time_json(strtoll(c[7], NULL, 10)), "key_revoked_at",
	        c[8] ? vzs_time_json(strtoll(c[8], NULL, 10)) : json_null(),
	        "last_report", last));
	return 0;
}

static const char sql_host_info[] =
    "SELECT h.id, h.org, h.machine_id, h.hostname, h.fqdn, h.grp, h.os,"
    " h.enrolled_at, h.key_revoked_at, r.report_id, r.scanned_at,"
    " r.coverage"
    " FROM hosts h JOIN organisations o ON o.id = h.org"
    " LEFT JOIN reports r ON r.report_id = (SELECT r2.report_id"
    "  FROM reports r2 WHERE r2.host_id = h.id"
    "  AND r2.scanned_at <= CAST($5 AS BIGINT)"
    "  AND r2.received_at <= CAST($5 AS BIGINT)"
    "  ORDER BY r2.scanned_at DESC, r2.received_at DESC LIMIT 1)"
    " WHERE (CAST($1 AS TEXT) IS NULL OR h.org = $1)"
    " AND (CAST($2 AS TEXT) IS NULL OR o.sector = $2)"
    " AND (CAST($3 AS TEXT) IS NULL OR h.grp = $3)"
    " AND (CAST($4 AS BIGINT) IS NULL OR h.id = CAST($4 AS BIGINT))"
    " AND h.enrolled_at <= CAST($5 AS BIGINT)"
    " ORDER BY h.id";

/* Host objects with their ledger states, for the filters in rq. */
static json_t *hosts_at(struct vzs_server *s, const struct vzs_req *rq,
                        struct vzs_resp *rs, const char *hostid, int64_t t,
                        int want, int with_rows)
{
	struct hostinfo hi = {json_array(), t};
	struct vzs_catview *cv;
	struct vzs_ledger *l = NULL;
	struct vzs_ledger_query q;
	struct vzs_ledger_row *rows = NULL;
	char ts[24];
	const char *p[5] = {vzs_param(rq, "organisation"),
	                    vzs_param(rq, "sector"), vzs_param(rq, "group"),
	                    hostid, ts};
	size_t n = 0, ri = 0;
	json_t *out = NULL;
	int rc;

	snprintf(ts, sizeof(ts), "%lld", (long long)t);
	pthread_mutex_lock(&s->db->lock);
	rc = vzs_q(s->db, sql_host_info, 5, p, host_info_row, &hi);
	pthread_mutex_unlock(&s->db->lock);
	if (rc != VZS_DB_OK) {
		vzs_db_error(rs, rc);
		json_decref(hi.items);
		return NULL;
	}
	memset(&q, 0, sizeof(q));
	q.org = p[0];
	q.sector = p[1];
	q.group = p[2];
	q.host = hostid ? strtoll(hostid, NULL, 10) : 0;
	cv = vzs_cat_acquire(s);
	rc = vzs_ledger_load(s, cv, &q, t, &l);
	if (rc != VZS_DB_OK || vzs_ledger_rows(l, t, &rows, &n) != 0) {
		vzs_db_error(rs, rc == VZS_DB_OK ? VZS_DB_ERROR : rc);
		goto out;
	}
	out = json_array();
	for (size_t i = 0; i < json_array_size(hi.items); i++) {
		json_t *h = json_array_get(hi.items, i),
		       *states = json_object();
		json_t *lr = json_array();
		int64_t id = json_integer_value(json_object_get(h, "host_id"));
		int match = want < 0, stale = 0;

		/* Rows come in host id order, as the hosts do. */
		while (ri < n && rows[ri].host_id < id)
			ri++;
		for (; ri < n && rows[ri].host_id == id; ri++) {
			json_object_set_new(
			    states, rows[ri].measure->id,
			    json_string(vzs_state_name(rows[ri].state)));
			match |= (int)rows[ri].state == want;
			stale |= rows[ri].state == VZS_STALE;
			if (with_rows)
				json_array_append_new(
				    lr, vzs_row_json(&rows[ri], t));
		}
		json_object_set_new(h, "stale", json_boolean(stale));
		json_object_set_new(h, "states", states);
		if (with_rows)
			json_object_set_new(h, "ledger", lr);
		else
			json_decref(lr);
		if (match)
			json_array_append(out, h);
	}
out:
	vzs_ledger_free(l);
	vzs_cat_release(s);
	json_decref(hi.items);
	return out;
}

void vzs_h_hosts(struct vzs_server *s, const struct vzs_req *rq,
                 struct vzs_resp *rs, int csv)
{
	static const char *const allowed[] = {"organisation", "sector", "group",
	                                      "state",        "as_of",  "limit",
	                                      "after",        NULL};
	static const char *const cols[] = {
	    "host_id", "organisation", "machine_id",  "hostname",       "fqdn",
	    "group",   "os",           "enrolled_at", "key_revoked_at", NULL};
	const char *stp = vzs_param(rq, "state");
	size_t limit, offset, n;
	int64_t t;
	int want = -1;
	json_t *all, *items;

	if (vzs_admin(s, rq, rs) != 0 || vzs_params_only(rq, rs, allowed) ||
	    vzs_as_of(rq, rs, &t) || vzs_paging(rq, rs, &limit, &offset))
		return;
	if (stp != NULL && (want = vzs_state_parse(stp)) < 0) {
		vzs_error(rs, 400,
		          "state: stale, compliant, exempted, overdue "
		          "or pending");
		return;
	}
	all = hosts_at(s, rq, rs, NULL, t, want, 0);
	if (all == NULL)
		return;
	n = json_array_size(all);
	if (csv) {
		struct vzs_csv c = {NULL, 0, 0, 0, 1};

		for (size_t i = 0; cols[i]; i++)
			vzs_csv_field(&c, cols[i]);
		vzs_csv_field(&c, "last_scanned_at");
		vzs_csv_field(&c, "stale");
		vzs_csv_end(&c);
		for (size_t i = 0; i < n; i++) {
			json_t *h = json_array_get(all, i), *v;
			json_t *last = json_object_get(h, "last_report");

			for (size_t j = 0; cols[j]; j++) {
				v = json_object_get(h, cols[j]);
				if (json_is_integer(v))
					vzs_csv_int(&c, json_integer_value(v));
				else
					vzs_csv_field(&c,
					              json_is_string(v)
					                  ? json_string_value(v)
					                  : "");
			}
			v = json_object_get(last, "scanned_at");
			vzs_csv_field(
			    &c, json_is_string(v) ? json_string_value(v) : "");
			vzs_csv_field(&c,
			              json_is_true(json_object_get(h, "stale"))
			                  ? "true"
			                  : "false");
			vzs_csv_end(&c);
		}
		json_decref(all);
		vzs_csv_done(&c, rs);
		return;
	}
	items = json_array();
	for (size_t i = offset; i < n && i < offset + limit; i++)
		json_array_append(items, json_array_get(all, i));
	json_decref(all);
	{
		json_t *o = vzs_page(items, offset, limit, n);

		json_object_set_new(o, "as_of", vzs_time_json(t));
		vzs_json(rs, 200, o);
	}
}

static int host_exists(struct vzs_server *s, const char *id,
                       struct vzs_resp *rs)
{
	char found[24] = "";
	const char *p[1] = {id};
	int rc;

	pthread_mutex_lock(&s->db->lock);
	rc = vzs_q(s->db, "SELECT id FROM hosts WHERE id = CAST($1 AS BIGINT)",
	           1, p, vzs_copy24, found);
	pthread_mutex_unlock(&s->db->lock);
	if (rc != VZS_DB_OK) {
		vzs_db_error(rs, rc);
		return 0;
	}
	if (found[0] == '\0') {
		vzs_error(rs, 404, "no host %s", id);
		return 0;
	}
	return 1;
}

void vzs_h_host(struct vzs_server *s, const struct vzs_req *rq,
                struct vzs_resp *rs, const char *id, const char *sub)
{
	static const char *const get_allowed[] = {"as_of", NULL};
	int64_t t;
	int rc;

	if (vzs_admin(s, rq, rs) != 0)
		return;
	if (id == NULL || strspn(id, "0123456789") != strlen(id) ||
	    strlen(id) > 18) {
		vzs_error(rs, 404, "no such host");
		return;
	}
	if (sub != NULL) {
		char now[24];
		const char *p[2] = {id, now};

		if (strcmp(sub, "revoke") != 0) {
			vzs_error(rs, 404, "no such path");
			return;
		}
		if (strcmp(rq->method, "POST") != 0) {
			vzs_error(rs, 405, "use POST");
			return;
		}
		if (vzs_params_only(rq, rs, NULL) || !host_exists(s, id, rs))
			return;
		snprintf(now, sizeof(now), "%lld", (long long)vzs_now());
		pthread_mutex_lock(&s->db->lock);
		rc = vzs_q(s->db,
		           "UPDATE hosts SET key_revoked_at ="
		           " COALESCE(key_revoked_at, CAST($2 AS BIGINT))"
		           " WHERE id = CAST($1 AS BIGINT)",
		           2, p, NULL, NULL);
		pthread_mutex_unlock(&s->db->lock);
		if (rc != VZS_DB_OK) {
			vzs_db_error(rs, rc);
			return;
		}
	} else if (strcmp(rq->method, "PATCH") == 0) {
		static const char *const allowed[] = {"group", NULL};
		json_t *b;
		json_t *g;
		const char *p[2] = {id, NULL};

		if (vzs_params_only(rq, rs, NULL) ||
		    (b = vzs_body(rq, rs, allowed)) == NULL)
			return;
		g = json_object_get(b, "group");
		if (g == NULL || (!json_is_null(g) &&
		                  !vzs_text_ok(json_string_value(g), 64))) {
			json_decref(b);
			vzs_error(rs, 400, "group: null or 1 to 64 characters");
			return;
		}
		p[1] = json_string_value(g);
		if (!host_exists(s, id, rs)) {
			json_decref(b);
			return;
		}
		pthread_mutex_lock(&s->db->lock);
		rc = vzs_q(s->db,
		           "UPDATE hosts SET grp = $2"
		           " WHERE id = CAST($1 AS BIGINT)",
		           2, p, NULL, NULL);
		pthread_mutex_unlock(&s->db->lock);
		json_decref(b);
		if (rc != VZS_DB_OK) {
			vzs_db_error(rs, rc);
			return;
		}
	} else if (strcmp(rq->method, "GET") != 0) {
		vzs_error(rs, 405, "use GET or PATCH");
		return;
	}
	{
		struct vzs_req q2 = *rq;
		json_t *all;

		/* The answer is the host as GET shows it. */
		if (strcmp(rq->method, "GET") == 0 &&
		    vzs_params_only(rq, rs, get_allowed) != 0)
			return;
		if (strcmp(rq->method, "GET") != 0)
			q2.nparams = 0;
		if (vzs_as_of(&q2, rs, &t) != 0)
			return;
		q2.nparams = 0;
		all = hosts_at(s, &q2, rs, id, t, -1, 1);
		if (all == NULL)
			return;
		if (json_array_size(all) == 0)
			vzs_error(rs, 404, "no host %s (as of then)", id);
		else
			vzs_json(rs, 200, json_incref(json_array_get(all, 0)));
		json_decref(all);
	}
}

/* ---- findings -------------------------------------------------------- */

struct fctx {
	json_t *items;
	const struct vzs_catview *cv;
	const char *measure, *product;
};

static int finding_row(void *ctx, int nc, const char *const *c)
{
	struct fctx *f = ctx;
	json_t *body, *a, *x;
	size_t i;

	if (nc < 7 || c[6] == NULL)
		return 0;
	body = json_loads(c[6], 0, NULL);
	a = json_object_get(body, "findings");
	json_array_foreach(a, i, x)
	{
		const char *pid =
		    json_string_value(json_object_get(x, "product_id"));
		json_t *ms = json_array(), *o;
		int mmatch = f->measure == NULL;

		if (pid == NULL ||
		    (f->product != NULL && strcmp(pid, f->product) != 0)) {
			json_decref(ms);
			continue;
		}
		for (size_t m = 0; m < f->cv->nmeasures; m++) {
			const struct vzs_measure *me = &f->cv->measures[m];
			const struct vzs_sector_action *sa =
			    vzs_measure_sector(me, c[3]);

			if (!vzs_measure_covers(me, pid) || sa == NULL ||
			    strcmp(sa->action, "none") == 0)
				continue;
			json_array_append_new(ms, json_string(me->id));
			if (f->measure && strcmp(f->measure, me->id) == 0)
				mmatch = 1;
		}
		if (!mmatch) {
			json_decref(ms);
			continue;
		}
		o = json_pack(
		    "{s:I,s:s,s:s,s:o,s:s,s:O?,s:O?,s:O?,s:O?,s:o,"
		    "s:O?,s:O?}",
		    "host_id", (json_int_t)strtoll(c[0], NULL, 10), "hostname",
		    c[1], "report_id", c[4], "scanned_at",
		    vzs_time_json(strtoll(c[5], NULL, 10)), "product_id", pid,
		    "product", json_object_get(x, "product"), "vendor_id",
		    json_object_get(x, "vendor_id"), "vendor",
		    json_object_get(x, "vendor"), "state",
		    json_object_get(x, "state"), "measures", ms, "evidence",
		    json_object_get(x, "evidence"), "evidence_omitted",
		    json_object_get(x, "evidence_omitted"));
		if (o != NULL)
			json_array_append_new(f->items, o);
	}
	json_decref(body);
	return 0;
}

void vzs_h_findings(struct vzs_server *s, const struct vzs_req *rq,
                    struct vzs_resp *rs)
{
	static const char *const allowed[] = {
	    "organisation", "host",  "measure", "product",
	    "as_of",        "limit", "after",   NULL};
	const char *hp = vzs_param(rq, "host");
	struct fctx f;
	size_t limit, offset, n;
	char ts[24];
	int64_t t;
	int rc;
	json_t *items;

	if (vzs_admin(s, rq, rs) != 0 || vzs_params_only(rq, rs, allowed) ||
	    vzs_as_of(rq, rs, &t) || vzs_paging(rq, rs, &limit, &offset))
		return;
	if (hp != NULL &&
	    (strspn(hp, "0123456789") != strlen(hp) || strlen(hp) > 18)) {
		vzs_error(rs, 400, "host: a host id");
		return;
	}
	snprintf(ts, sizeof(ts), "%lld", (long long)t);
	f.items = json_array();
	f.cv = vzs_cat_acquire(s);
	f.measure = vzs_param(rq, "measure");
	f.product = vzs_param(rq, "product");
	{
		const char *p[3] = {vzs_param(rq, "organisation"), hp, ts};

		pthread_mutex_lock(&s->db->lock);
		rc = vzs_q(s->db,
		           "SELECT h.id, h.hostname, h.org, o.sector,"
		           " r.report_id, r.scanned_at, r.body"
		           " FROM hosts h JOIN organisations o ON o.id = h.org"
		           " JOIN reports r ON r.report_id = (SELECT"
		           "  r2.report_id FROM reports r2"
		           "  WHERE r2.host_id = h.id"
		           "  AND r2.scanned_at <= CAST($3 AS BIGINT)"
		           "  AND r2.received_at <= CAST($3 AS BIGINT)"
		           "  ORDER BY r2.scanned_at DESC, r2.received_at DESC"
		           "  LIMIT 1)"
		           " WHERE (CAST($1 AS TEXT) IS NULL OR h.org = $1)"
		           " AND (CAST($2 AS BIGINT) IS NULL"
		           "  OR h.id = CAST($2 AS BIGINT))"
		           " ORDER BY h.id",
		           3, p, finding_row, &f);
		pthread_mutex_unlock(&s->db->lock);
	}
	vzs_cat_release(s);
	if (rc != VZS_DB_OK) {
		json_decref(f.items);
		vzs_db_error(rs, rc);
		return;
	}
	n = json_array_size(f.items);
	items = json_array();
	for (size_t i = offset; i < n && i < offset + limit; i++)
		json_array_append(items, json_array_get(f.items, i));
	json_decref(f.items);
	{
		json_t *o = vzs_page(items, offset, limit, n);

		json_object_set_new(o, "as_of", vzs_time_json(t));
		vzs_json(rs, 200, o);
	}
}
