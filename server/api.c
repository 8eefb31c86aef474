/*
 * server/api.c - the API's router and the helpers every handler uses:
 * tokens, query parameters, JSON bodies, paging, errors; and the small
 * endpoints (health, catalogue). The paths are those of docs/api.md.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

void vzs_json(struct vzs_resp *rs, int status, json_t *o)
{
	free(rs->body);
	rs->body = NULL;
	rs->attachment = 0;
	if (o != NULL)
		rs->body = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (rs->body == NULL) {
		/* Out of memory or no object: a fixed body still says so. */
		rs->status = 500;
		rs->body = strdup("{\"error\":\"out of memory\"}");
		rs->len = rs->body ? strlen(rs->body) : 0;
		rs->ctype = "application/json";
		return;
	}
	rs->status = status;
	rs->len = strlen(rs->body);
	rs->ctype = "application/json";
}

void vzs_error(struct vzs_resp *rs, int status, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vzs_json(rs, status, json_pack("{s:s}", "error", msg));
}

void vzs_db_error(struct vzs_resp *rs, int dbrc)
{
	if (dbrc == VZS_DB_UNAVAILABLE)
		vzs_error(rs, 503,
		          "the database cannot be written or read now; "
		          "retry later");
	else if (dbrc == VZS_DB_CONFLICT)
		vzs_error(rs, 409, "conflicts with what is stored");
	else
		vzs_error(rs, 500, "database error (a bug; see the log)");
}

const char *vzs_param(const struct vzs_req *rq, const char *k)
{
	for (int i = 0; i < rq->nparams; i++)
		if (strcmp(rq->pkey[i], k) == 0)
			return rq->pval[i];
	return NULL;
}

int vzs_params_only(const struct vzs_req *rq, struct vzs_resp *rs,
                    const char *const *allowed)
{
	for (int i = 0; i < rq->nparams; i++) {
		int ok = 0;

		for (size_t j = 0; allowed && allowed[j]; j++)
			ok |= strcmp(rq->pkey[i], allowed[j]) == 0;
		for (int j = 0; j < i; j++)
			if (strcmp(rq->pkey[i], rq->pkey[j]) == 0) {
				vzs_error(rs, 400,
				          "query parameter '%.64s' given twice",
				          rq->pkey[i]);
				return -1;
			}
		if (!ok) {
			vzs_error(rs, 400, "unknown query parameter '%.64s'",
			          rq->pkey[i]);
			return -1;
		}
		if (rq->pval[i] == NULL || rq->pval[i][0] == '\0') {
			vzs_error(rs, 400, "query parameter '%.64s' is empty",
			          rq->pkey[i]);
			return -1;
		}
	}
	return 0;
}

const char *vzs_bearer(const struct vzs_req *rq)
{
	if (rq->auth == NULL || strncmp(rq->auth, "Bearer ", 7) != 0)
		return NULL;
	return rq->auth + 7;
}

const char *vzs_node_key(const struct vzs_req *rq, struct vzs_resp *rs)
{
	const char *tok = vzs_bearer(rq);

	if (tok == NULL || strncmp(tok, "vzn_", 4) != 0) {
		vzs_error(rs, 401,
		          "a node key is required "
		          "(Authorization: Bearer vzn_...)");
		return NULL;
	}
	return tok;
}

int vzs_admin(struct vzs_server *s, const struct vzs_req *rq,
              struct vzs_resp *rs)
{
	const char *tok = vzs_bearer(rq);

	if (tok == NULL) {
		vzs_error(rs, 401,
		          "an admin token is required "
		          "(Authorization: Bearer TOKEN)");
		return -1;
	}
	if (s->admin_token[0] == '\0' || !vzs_token_eq(tok, s->admin_token)) {
		vzs_error(rs, strncmp(tok, "vzn_", 4) == 0 ? 403 : 401,
		          "this token may not do that");
		return -1;
	}
	return 0;
}

json_t *vzs_body(const struct vzs_req *rq, struct vzs_resp *rs,
                 const char *const *allowed)
{
	json_t *o;
	json_error_t err;
	const char *k;
	json_t *v;

	if (rq->ctype == NULL ||
	    strncmp(rq->ctype, "application/json", 16) != 0) {
		vzs_error(rs, 415, "the body must be application/json");
		return NULL;
	}
	o = json_loadb(rq->body ? rq->body : "", rq->len,
	               JSON_REJECT_DUPLICATES, &err);
	if (o == NULL) {
		vzs_error(rs, 400, "body: line %d column %d: %s", err.line,
		          err.column, err.text);
		return NULL;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		vzs_error(rs, 400, "body: must be a JSON object");
		return NULL;
	}
	json_object_foreach(o, k, v)
	{
		int ok = 0;

		for (size_t j = 0; allowed && allowed[j]; j++)
			ok |= strcmp(k, allowed[j]) == 0;
		if (!ok) {
			vzs_error(rs, 400, "body: unknown member '%.64s'", k);
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

int vzs_as_of(const struct vzs_req *rq, struct vzs_resp *rs, int64_t *t)
{
	const char *v = vzs_param(rq, "as_of");

	*t = vzs_now();
	if (v == NULL)
		return 0;
	if (vzs_parse_time(v, 1, t) != 0) {
		vzs_error(rs, 400,
		          "as_of: must be YYYY-MM-DD or an RFC 3339 instant");
		return -1;
	}
	return 0;
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	if (s[0] < '0' || s[0] > '9' || strlen(s) > 12)
		return -1;
	v = strtoull(s, &end, 10);
	if (*end != '\0')
		return -1;
	*out = (size_t)v;
	return 0;
}

int vzs_paging(const struct vzs_req *rq, struct vzs_resp *rs, size_t *limit,
               size_t *offset)
{
	const char *l = vzs_param(rq, "limit"), *a = vzs_param(rq, "after");

	*limit = 100;
	*offset = 0;
	if (l != NULL &&
	    (parse_size(l, limit) != 0 || *limit < 1 || *limit > 1000)) {
		vzs_error(rs, 400, "limit: must be 1 to 1000");
		return -1;
	}
	if (a != NULL && parse_size(a, offset) != 0) {
		vzs_error(rs, 400, "after: not a cursor this server gave");
		return -1;
	}
	return 0;
}

json_t *vzs_page(json_t *items, size_t off, size_t limit, size_t total)
{
	char next[24];

	if (off + limit < total) {
		snprintf(next, sizeof(next), "%zu", off + limit);
		return json_pack("{s:o,s:s}", "items", items, "next", next);
	}
	return json_pack("{s:o,s:n}", "items", items, "next");
}

json_t *vzs_time_json(int64_t t)
{
	char buf[32];

	if (t <= 0)
		return json_null();
	vzs_fmt_time(t, buf);
	return json_string(buf);
}

json_t *vzs_date_json(int64_t day)
{
	char buf[16];

	if (day < 0)
		return json_null();
	vzs_fmt_date(day, buf);
	return json_string(buf);
}

struct vzs_catview *vzs_cat_acquire(struct vzs_server *s)
{
	pthread_rwlock_rdlock(&s->cat_lock);
	return s->cat;
}

void vzs_cat_release(struct vzs_server *s)
{
	pthread_rwlock_unlock(&s->cat_lock);
}

int vzs_text_ok(const char *s, size_t max)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static int copy_col(void *ctx, int nc, const char *const *c)
{
	char *out = ctx;

	if (nc > 0 && c[0] != NULL)
		snprintf(out, 128, "%s", c[0]);
	return 1;
}

int vzs_org_sector(struct vzs_server *s, const char *org, char *out,
                   size_t size, struct vzs_resp *rs)
{
	char buf[128] = "";
	const char *p[1] = {org};
	int rc;

	pthread_mutex_lock(&s->db->lock);
	rc = vzs_q(s->db, "SELECT sector FROM organisations WHERE id = $1", 1,
	           p, copy_col, buf);
	pthread_mutex_unlock(&s->db->lock);
	if (rc != VZS_DB_OK) {
		vzs_db_error(rs, rc);
		return rc == VZS_DB_UNAVAILABLE ? 503 : 500;
	}
	if (buf[0] == '\0') {
		vzs_error(rs, 404, "no organisation '%.64s'", org);
		return 404;
	}
	snprintf(out, size, "%s", buf);
	return 0;
}

/* ---- health and catalogue ------------------------------------------- */

static int probe(void *ctx, int nc, const char *const *c)
{
	(void)ctx;
	(void)nc;
	(void)c;
	return 0;
}

static void h_health(struct vzs_server *s, struct vzs_resp *rs)
{
	struct vzs_catview *cv;
	json_t *o;
	int rc, v;

	/* A write probe: a read-only or full database must show here. */
	pthread_mutex_lock(&s->db->lock);
	rc = vzs_begin(s->db);
	if (rc == VZS_DB_OK)
		rc = vzs_q(s->db,
		           "UPDATE vz_schema SET applied_at = applied_at"
		           " WHERE version = 1",
		           0, NULL, probe, NULL);
	if (rc == VZS_DB_OK)
		rc = vzs_commit(s->db);
	else
		vzs_rollback(s->db);
	v = vzs_db_version(s->db);
	pthread_mutex_unlock(&s->db->lock);
	cv = vzs_cat_acquire(s);
	o = json_pack("{s:s,s:i,s:s,s:o,s:s,s:{s:s,s:I,s:s}}", "status",
	              rc == VZS_DB_OK ? "ok" : "degraded", "schema_version", v,
	              "store", s->db->ops->name, "now",
	              vzs_time_json(vzs_now()), "clock",
	              vzs_clock_fixed() ? "VOORZORG_NOW" : "system", "catalog",
	              "id", vz_catalog_id(cv->cat), "version",
	              (json_int_t)vz_catalog_version(cv->cat), "signature",
	              vz_catalog_signature(cv->cat));
	vzs_cat_release(s);
	vzs_json(rs, rc == VZS_DB_OK ? 200 : 503, o);
}

static json_t *catalog_json(struct vzs_catview *cv)
{
	return json_pack(
	    "{s:s,s:I,s:s,s:s,s:s,s:o}", "id", vz_catalog_id(cv->cat),
	    "version", (json_int_t)vz_catalog_version(cv->cat), "signature",
	    vz_catalog_signature(cv->cat), "key_id", cv->key_id, "path",
	    cv->path, "loaded_at", vzs_time_json(cv->loaded_at));
}

int vzs_catalog_reload(struct vzs_server *s, char *msg, size_t size)
{
	struct vzs_catview *cv = NULL, *old;
	int status;

	if (vzs_catview_open(&s->cat_opts, &cv, &status, msg, size) != 0)
		return status;
	pthread_rwlock_wrlock(&s->cat_lock);
	old = s->cat;
	/*
	 * vz_catalog_open refuses a version below the one recorded in the
	 * state file, but records only signed catalogues and only where it
	 * can write: the one in use is the floor in any case.
	 */
	if (strcmp(vz_catalog_id(cv->cat), vz_catalog_id(old->cat)) == 0 &&
	    vz_catalog_version(cv->cat) < vz_catalog_version(old->cat)) {
		pthread_rwlock_unlock(&s->cat_lock);
		snprintf(msg, size,
		         "%s: version %lld is older than version %lld in use",
		         cv->path, (long long)vz_catalog_version(cv->cat),
		         (long long)vz_catalog_version(old->cat));
		vzs_catview_free(cv);
		return 409;
	}
	s->cat = cv;
	pthread_rwlock_unlock(&s->cat_lock);
	vzs_catview_free(old);
	return 0;
}

static void h_catalog(struct vzs_server *s, const struct vzs_req *rq,
                      struct vzs_resp *rs, int reload)
{
	struct vzs_catview *cv;
	char msg[600];
	int st;

	if (vzs_admin(s, rq, rs) != 0 || vzs_params_only(rq, rs, NULL) != 0)
		return;
	if (reload && (st = vzs_catalog_reload(s, msg, sizeof(msg))) != 0) {
		vzs_error(rs, st, "catalogue refused, the one in use stays: %s",
		          msg);
		return;
	}
	cv = vzs_cat_acquire(s);
	vzs_json(rs, 200, catalog_json(cv));
	vzs_cat_release(s);
}

/* ---- routing -------------------------------------------------------- */

static int is(const struct vzs_req *rq, const char *m)
{
	return strcmp(rq->method, m) == 0;
}

#define MAXSEG 6

/* The paths that exist, for 405 rather than 404 on a wrong method. */
static int known(const char *c)
{
	static const char *const names[] = {
	    "health",         "enroll",   "reports", "hosts",      "hosts.csv",
	    "findings",       "measures", "ledger",  "ledger.csv", "compliance",
	    "compliance.csv", "catalog",  "inventories", NULL};

	for (size_t i = 0; names[i]; i++)
		if (strcmp(c, names[i]) == 0)
			return 1;
	return 0;
}

void vzs_api_handle(struct vzs_server *s, const struct vzs_req *rq,
                    struct vzs_resp *rs)
{
	char path[512], *seg[MAXSEG] = {0}, *save = NULL, *t;
	int n = 0;
	const char *c;

	rs->status = 500;
	if (strlen(rq->path) >= sizeof(path) ||
	    strncmp(rq->path, "/api/v1/", 8) != 0) {
		vzs_error(rs, 404, "no such path (the API is under /api/v1/)");
		return;
	}
	snprintf(path, sizeof(path), "%s", rq->path + 8);
	for (t = strtok_r(path, "/", &save); t != NULL;
	     t = strtok_r(NULL, "/", &save)) {
		if (n == MAXSEG) {
			vzs_error(rs, 404, "no such path");
			return;
		}
		seg[n++] = t;
	}
	if (n == 0) {
		vzs_error(rs, 404, "no such path");
		return;
	}
	c = seg[0];
	if (strcmp(c, "health") == 0 && n == 1 && is(rq, "GET"))
		h_health(s, rs);
	else if (strcmp(c, "enroll") == 0 && n == 1 && is(rq, "POST"))
		vzs_h_enroll(s, rq, rs);
	else if (strcmp(c, "reports") == 0 && n == 1 && is(rq, "POST"))
		vzs_h_report_post(s, rq, rs);
	else if (strcmp(c, "inventories") == 0 && n == 1 && is(rq, "POST"))
		vzs_h_inventory_post(s, rq, rs);
	else if (strcmp(c, "reports") == 0 && n <= 2 && is(rq, "GET"))
		vzs_h_reports(s, rq, rs, seg[1]);
	else if (strcmp(c, "organisations") == 0 && n <= 4)
		vzs_h_orgs(s, rq, rs, seg[1], seg[2], seg[3]);
	else if (strcmp(c, "hosts") == 0 && n == 1 && is(rq, "GET"))
		vzs_h_hosts(s, rq, rs, 0);
	else if (strcmp(c, "hosts.csv") == 0 && n == 1 && is(rq, "GET"))
		vzs_h_hosts(s, rq, rs, 1);
	else if (strcmp(c, "hosts") == 0 && n <= 3)
		vzs_h_host(s, rq, rs, seg[1], seg[2]);
	else if (strcmp(c, "findings") == 0 && n == 1 && is(rq, "GET"))
		vzs_h_findings(s, rq, rs);
	else if (strcmp(c, "measures") == 0 && n <= 2 && is(rq, "GET"))
		vzs_h_measures(s, rq, rs, seg[1]);
	else if (strcmp(c, "ledger") == 0 && n == 1 && is(rq, "GET"))
		vzs_h_ledger(s, rq, rs, 0);
	else if (strcmp(c, "ledger.csv") == 0 && n == 1 && is(rq, "GET"))
		vzs_h_ledger(s, rq, rs, 1);
	else if (strcmp(c, "compliance") == 0 && n == 1 && is(rq, "GET"))
		vzs_h_compliance(s, rq, rs, 0);
	else if (strcmp(c, "compliance.csv") == 0 && n == 1 && is(rq, "GET"))
		vzs_h_compliance(s, rq, rs, 1);
	else if (strcmp(c, "compliance") == 0 && n == 2 &&
	         strcmp(seg[1], "series") == 0 && is(rq, "GET"))
		vzs_h_series(s, rq, rs);
	else if (strcmp(c, "exemptions") == 0 && n <= 3)
		vzs_h_exemptions(s, rq, rs, seg[1], seg[2]);
	else if (strcmp(c, "catalog") == 0 && n == 1 && is(rq, "GET"))
		h_catalog(s, rq, rs, 0);
	else if (strcmp(c, "catalog") == 0 && n == 2 &&
	         strcmp(seg[1], "reload") == 0 && is(rq, "POST"))
		h_catalog(s, rq, rs, 1);
	else if (known(c) && n <= 2)
		vzs_error(rs, 405, "method %.8s not allowed on %.200s",
		          rq->method, rq->path);
	else
		vzs_error(rs, 404, "no such path: %.200s", rq->path);
}
