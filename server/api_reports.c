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

/*
 * One report on its way into the database. Reports are stored by group
 * commit: concurrent requests queue their item, one of them takes the
 * whole queue and stores it in one transaction (a savepoint per report,
 * so one refusal does not touch the others), and every request is
 * answered only after that commit. One fsync then serves many reports,
 * and an acknowledged report is still always a durable one. On
 * PostgreSQL the whole transaction is one round trip (a pipeline of one
 * statement per report); should one of them fail, the batch is stored
 * nowhere and each report is tried again alone.
 */
struct item {
	/* in */
	const struct vzs_report *r;
	const char *keyhash, *body;
	size_t len;
	/* out */
	struct keyhost k;
	int st, rc, done;
	char inserted[40], owner[24];
	struct item *next;
	/* Its request waits on this alone: woken when its report is
	 * stored, or when it may lead (not all waiters for each batch). */
	pthread_cond_t cv;
};

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static struct item *q_head, **q_tail = &q_head;
static int q_leader;

static int ingest_row(void *ctx, int nc, const char *const *c)
{
	struct item *it = ctx;

	if (nc < 5)
		return 1;
	snprintf(it->k.id, sizeof(it->k.id), "%s", c[0] ? c[0] : "");
	snprintf(it->k.mid, sizeof(it->k.mid), "%s", c[1] ? c[1] : "");
	it->k.revoked = c[2] != NULL;
	it->k.n = 1;
	snprintf(it->inserted, sizeof(it->inserted), "%s", c[3] ? c[3] : "");
	snprintf(it->owner, sizeof(it->owner), "%s", c[4] ? c[4] : "");
	return 1;
}

/* The key's outcome for an item: unknown or revoked, another machine. */
static void ingest_outcome(struct item *it)
{
	if (it->k.n == 0 || it->k.revoked)
		it->st = 401;
	else if (strcmp(it->k.mid, it->r->machine_id) != 0)
		it->st = 409;
}

/* Store one report inside the open transaction; its own savepoint. The
 * path of a store without vzs_db_ops.batch (SQLite, in-process, where a
 * statement costs no round trip). */
static int ingest_one(struct vzs_db *db, struct item *it, int alone)
{
	const struct vzs_report *r = it->r;
	char scanned[24], received[24], nf[24], catver[24];
	const char *pk[1] = {it->keyhash};
	const char *pr[1] = {r->report_id};
	int rc;

	snprintf(scanned, sizeof(scanned), "%lld", (long long)r->scanned_at);
	snprintf(received, sizeof(received), "%lld", (long long)vzs_now());
	snprintf(nf, sizeof(nf), "%zu", r->nfound);
	snprintf(catver, sizeof(catver), "%lld", (long long)r->catalog_version);
	/* Alone in its transaction, a report needs no savepoint: the
	 * transaction is its own. */
	rc = alone ? VZS_DB_OK
	           : vzs_q(db, "SAVEPOINT report", 0, NULL, NULL, NULL);
	if (rc == VZS_DB_OK)
		rc = vzs_q(db,
		           "SELECT id, machine_id, key_revoked_at"
		           " FROM hosts WHERE key_hash = $1",
		           1, pk, key_row, &it->k);
	if (rc == VZS_DB_OK)
		ingest_outcome(it);
	if (rc == VZS_DB_OK && it->st == 0) {
		/* The stored body is the bytes received (NUL-terminated,
		 * and with no NUL inside, since it parsed as JSON). */
		{
			const char *pi[10] = {
			    r->report_id, it->k.id,      scanned, received,
			    r->coverage,  r->catalog_id, catver,  nf,
			    r->products,  it->body};

			rc = vzs_q(db,
			           "INSERT INTO reports (report_id, host_id,"
			           " scanned_at, received_at, coverage,"
			           " catalog_id, catalog_version, nfindings,"
			           " products, body) VALUES ($1,"
			           " CAST($2 AS BIGINT), CAST($3 AS BIGINT),"
			           " CAST($4 AS BIGINT), $5, $6,"
			           " CAST($7 AS BIGINT), CAST($8 AS INTEGER),"
			           " $9, $10) ON CONFLICT (report_id)"
			           " DO NOTHING RETURNING report_id",
			           10, pi, vzs_copy24, it->inserted);
		}
	}
	if (rc == VZS_DB_OK && it->st == 0 && it->inserted[0] == '\0')
		rc = vzs_q(db,
		           "SELECT host_id FROM reports WHERE report_id = $1",
		           1, pr, vzs_copy24, it->owner);
	if (rc == VZS_DB_OK && it->st == 0 && it->inserted[0] != '\0') {
		const char *ph[4] = {it->k.id, r->hostname, r->fqdn, r->os};

		const char *pst[6] = {it->k.id, r->report_id, scanned,
		                      received, r->coverage,  r->products};

		rc = vzs_q(db,
		           "UPDATE hosts SET hostname = $2, fqdn = $3,"
		           " os = $4 WHERE id = CAST($1 AS BIGINT)"
		           " AND (hostname, fqdn, os) IS DISTINCT FROM"
		           " ($2, $3, $4)",
		           4, ph, NULL, NULL);
		/* The host's latest report, ordered as the ledger orders
		 * them: scanned, then received, then report id. */
		if (rc == VZS_DB_OK)
			rc = vzs_q(
			    db,
			    "INSERT INTO host_state (host_id, report_id,"
			    " scanned_at, received_at, coverage, products)"
			    " VALUES (CAST($1 AS BIGINT), $2,"
			    " CAST($3 AS BIGINT), CAST($4 AS BIGINT), $5,"
			    " $6) ON CONFLICT (host_id) DO UPDATE SET"
			    " report_id = excluded.report_id,"
			    " scanned_at = excluded.scanned_at,"
			    " received_at = excluded.received_at,"
			    " coverage = excluded.coverage,"
			    " products = excluded.products"
			    " WHERE excluded.scanned_at > host_state.scanned_at"
			    " OR (excluded.scanned_at = host_state.scanned_at"
			    " AND (excluded.received_at >"
			    "  host_state.received_at"
			    " OR (excluded.received_at ="
			    "  host_state.received_at"
			    " AND excluded.report_id > host_state.report_id)))",
			    6, pst, NULL, NULL);
	}
	if (alone)
		return rc;
	if (rc == VZS_DB_OK)
		rc = vzs_q(db, "RELEASE report", 0, NULL, NULL, NULL);
	else if (rc != VZS_DB_UNAVAILABLE)
		(void)vzs_q(db, "ROLLBACK TO report", 0, NULL, NULL, NULL);
	return rc;
}

#define INGEST_N 14

/*
 * A batch where one statement stores a report, in one round trip
 * (vzs_db_ops.batch): VZS_DB_OK with each item's outcome set, or else
 * nothing of the batch is stored.
 */
static int store_pipelined(struct vzs_db *db, struct item *batch, int count)
{
	const char **pv = calloc((size_t)count * INGEST_N, sizeof(*pv));
	char (*nums)[4][24] = calloc((size_t)count, sizeof(*nums));
	void **ctxs = calloc((size_t)count, sizeof(*ctxs));
	struct item *it;
	int i, rc = VZS_DB_ERROR;

	if (pv == NULL || nums == NULL || ctxs == NULL)
		goto out;
	for (it = batch, i = 0; it; it = it->next, i++) {
		const struct vzs_report *r = it->r;
		const char **p = pv + (size_t)i * INGEST_N;

		snprintf(nums[i][0], 24, "%lld", (long long)r->scanned_at);
		snprintf(nums[i][1], 24, "%lld", (long long)vzs_now());
		snprintf(nums[i][2], 24, "%zu", r->nfound);
		snprintf(nums[i][3], 24, "%lld",
		         (long long)r->catalog_version);
		p[0] = it->keyhash;
		p[1] = r->machine_id;
		p[2] = r->report_id;
		p[3] = nums[i][0];
		p[4] = nums[i][1];
		p[5] = r->coverage;
		p[6] = r->catalog_id;
		p[7] = nums[i][3];
		p[8] = nums[i][2];
		p[9] = r->products;
		p[10] = it->body; /* as received; see ingest_one */
		p[11] = r->hostname;
		p[12] = r->fqdn;
		p[13] = r->os;
		ctxs[i] = it;
	}
	rc = db->ops->batch(db, db->ops->ingest, count, INGEST_N, pv,
	                    ingest_row, ctxs);
	for (it = batch; rc == VZS_DB_OK && it; it = it->next)
		ingest_outcome(it);
out:
	free(nums);
	free(pv);
	free(ctxs);
	return rc;
}

/* Store a batch in one transaction; each item gets its outcome. */
static void store_batch(struct vzs_server *s, struct item *batch)
{
	int rc, any = 0, count = 0;

	pthread_mutex_lock(&s->db->lock);
	for (struct item *it = batch; it; it = it->next)
		count++;
	if (s->db->ops->batch != NULL && s->db->ops->ingest != NULL) {
		rc = store_pipelined(s->db, batch, count);
		if (rc == VZS_DB_OK || rc == VZS_DB_UNAVAILABLE || count == 1) {
			for (struct item *it = batch; it; it = it->next)
				it->rc = rc;
			pthread_mutex_unlock(&s->db->lock);
			return;
		}
		/* One report failed them all: each alone, in its own
		 * transaction, so that only that one is refused. */
		for (struct item *it = batch; it; it = it->next) {
			struct item *next = it->next;

			memset(&it->k, 0, sizeof(it->k));
			it->inserted[0] = it->owner[0] = '\0';
			it->next = NULL;
			it->rc = store_pipelined(s->db, it, 1);
			it->next = next;
		}
		pthread_mutex_unlock(&s->db->lock);
		return;
	}
	rc = vzs_begin(s->db);
	for (struct item *it = batch; rc == VZS_DB_OK && it; it = it->next) {
		it->rc = ingest_one(s->db, it, batch->next == NULL);
		if (it->rc == VZS_DB_UNAVAILABLE)
			rc = it->rc;
		any |= it->rc == VZS_DB_OK && it->inserted[0] != '\0';
	}
	if (rc == VZS_DB_OK && any)
		rc = vzs_commit(s->db);
	else
		vzs_rollback(s->db);
	pthread_mutex_unlock(&s->db->lock);
	/* A failed commit stored none of them: every one is told so. */
	for (struct item *it = batch; it; it = it->next)
		if (rc != VZS_DB_OK)
			it->rc = rc;
}

static void store_grouped(struct vzs_server *s, struct item *it)
{
	pthread_cond_init(&it->cv, NULL);
	pthread_mutex_lock(&q_lock);
	it->next = NULL;
	*q_tail = it;
	q_tail = &it->next;
	while (!it->done) {
		if (!q_leader) {
			struct item *batch = q_head, *b, *next;

			q_leader = 1;
			q_head = NULL;
			q_tail = &q_head;
			pthread_mutex_unlock(&q_lock);
			store_batch(s, batch);
			pthread_mutex_lock(&q_lock);
			for (b = batch; b; b = next) {
				/* Once done, b may go at any moment. */
				next = b->next;
				b->done = 1;
				if (b != it)
					pthread_cond_signal(&b->cv);
			}
			q_leader = 0;
			/* The next batch's first request leads it. */
			if (q_head != NULL)
				pthread_cond_signal(&q_head->cv);
		} else {
			pthread_cond_wait(&it->cv, &q_lock);
		}
	}
	pthread_mutex_unlock(&q_lock);
	pthread_cond_destroy(&it->cv);
}

void vzs_report_ingest(struct vzs_server *s, const char *tok,
                       const char *body, size_t len, const char *what,
                       struct vzs_resp *rs)
{
	struct vzs_report r;
	struct item it;
	char msg[600], keyhash[65];
	int st;

	memset(&it, 0, sizeof(it));
	st = vzs_report_parse(body, len, &r, msg, sizeof(msg));
	if (st != 0) {
		vzs_error(rs, st, "%s: %s", what, msg);
		return;
	}
	if (r.scanned_at > vzs_now() + 86400) {
		vzs_error(rs, 422, "%s: scanned_at is in the future", what);
		goto out;
	}
	vzs_sha256_hex(tok, strlen(tok), keyhash);
	it.r = &r;
	it.keyhash = keyhash;
	it.body = body;
	it.len = len;
	store_grouped(s, &it);
	if (it.rc != VZS_DB_OK)
		vzs_db_error(rs, it.rc);
	else if (it.st == 401)
		vzs_error(rs, 401, "node key unknown or revoked; enrol again");
	else if (it.st == 409)
		vzs_error(rs, 409,
		          "%s: host.machine_id %s is not the machine this "
		          "key was issued to",
		          what, r.machine_id[0] ? r.machine_id : "null");
	else if (it.inserted[0] == '\0' && strcmp(it.owner, it.k.id) != 0)
		vzs_error(rs, 409,
		          "report_id: already stored for another host");
	else
		vzs_json(rs, it.inserted[0] ? 201 : 200,
		         json_pack("{s:s,s:I,s:b}", "report_id", r.report_id,
		                   "host_id",
		                   (json_int_t)strtoll(it.k.id, NULL, 10),
		                   "duplicate", it.inserted[0] == '\0'));
out:
	vzs_report_clear(&r);
}

void vzs_h_report_post(struct vzs_server *s, const struct vzs_req *rq,
                       struct vzs_resp *rs)
{
	const char *tok;

	if (vzs_params_only(rq, rs, NULL) != 0)
		return;
	tok = vzs_node_key(rq, rs);
	if (tok == NULL)
		return;
	if (rq->ctype == NULL ||
	    strncmp(rq->ctype, "application/json", 16) != 0) {
		vzs_error(rs, 415, "the body must be application/json");
		return;
	}
	vzs_report_ingest(s, tok, rq->body ? rq->body : "", rq->len, "report",
	                  rs);
}

/* ---- reading reports ------------------------------------------------- */

static int report_meta(void *ctx, int nc, const char *const *c)
{
	if (nc < 9)
		return 1;
	json_array_append_new(
	    ctx,
	    json_pack(
	        "{s:s,s:I,s:s,s:o,s:o,s:{s:s?,s:I},s:s,s:I}", "report_id", c[0],
	        "host_id", (json_int_t)strtoll(c[1], NULL, 10), "organisation",
	        c[2], "scanned_at", vzs_time_json(strtoll(c[3], NULL, 10)),
	        "received_at", vzs_time_json(strtoll(c[4], NULL, 10)),
	        "catalog", "id", c[5], "version",
	        (json_int_t)(c[6] ? strtoll(c[6], NULL, 10) : 0), "coverage",
	        c[7], "findings", (json_int_t)strtoll(c[8], NULL, 10)));
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
	static const char *const allowed[] = {
	    "host", "organisation", "since", "until", "limit", "after", NULL};
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
		const char *p[6] = {hp,
		                    vzs_param(rq, "organisation"),
		                    since[0] ? since : NULL,
		                    until[0] ? until : NULL,
		                    lim,
		                    off};

		pthread_mutex_lock(&s->db->lock);
		rc =
		    vzs_q(s->db,
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
