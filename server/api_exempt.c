/*
 * server/api_exempt.c - exemptions (create, list, expire early) and an
 * organisation's overlays (stricter deadlines and milestones per
 * measure). Neither is ever deleted: an exemption is expired, an overlay
 * replaced by a newer version, so every past as_of stays answerable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

static int exemption_row(void *ctx, int nc, const char *const *c)
{
	int64_t now = vzs_now(), expires, expired, created;

	if (nc < 11)
		return 1;
	created = strtoll(c[7], NULL, 10);
	expires = strtoll(c[8], NULL, 10);
	expired = c[9] ? strtoll(c[9], NULL, 10) : -1;
	json_array_append_new(
	    ctx,
	    json_pack("{s:I,s:s,s:s?,s:{s:s,s:s},s:s,s:s,s:o,s:o,s:o,s:s?,"
	              "s:b}",
	              "id", (json_int_t)strtoll(c[0], NULL, 10), "organisation",
	              c[1], "measure", c[2], "scope", "kind", c[3], "value",
	              c[4], "reason", c[5], "approver", c[6], "created_at",
	              vzs_time_json(created), "expires", vzs_time_json(expires),
	              "expired_at",
	              expired >= 0 ? vzs_time_json(expired) : json_null(),
	              "expire_reason", c[10], "active",
	              created <= now && now < expires &&
	                  (expired < 0 || now < expired)));
	return 0;
}

#define EX_COLS                                                        \
	"SELECT id, org, measure, scope_kind, scope_value, reason,"    \
	" approver, created_at, expires_at, expired_at, expire_reason" \
	" FROM exemptions"

static const char sql_ex_one[] = EX_COLS " WHERE id = CAST($1 AS BIGINT)";
static const char sql_ex_list[] =
    EX_COLS " WHERE (CAST($1 AS TEXT) IS NULL OR org = $1)"
            " AND (CAST($2 AS TEXT) IS NULL OR measure = $2)"
            " AND (CAST($3 AS BIGINT) IS NULL OR"
            "  (created_at <= CAST($3 AS BIGINT)"
            "   AND expires_at > CAST($3 AS BIGINT)"
            "   AND (expired_at IS NULL"
            "    OR expired_at > CAST($3 AS BIGINT))))"
            " ORDER BY id";

static void ex_get(struct vzs_server *s, struct vzs_resp *rs, const char *id,
                   int status)
{
	json_t *a = json_array();
	const char *p[1] = {id};
	int rc;

	pthread_mutex_lock(&s->db->lock);
	rc = vzs_q(s->db, sql_ex_one, 1, p, exemption_row, a);
	pthread_mutex_unlock(&s->db->lock);
	if (rc != VZS_DB_OK)
		vzs_db_error(rs, rc);
	else if (json_array_size(a) == 0)
		vzs_error(rs, 404, "no exemption %s", id);
	else
		vzs_json(rs, status, json_incref(json_array_get(a, 0)));
	json_decref(a);
}

static int host_of_org(struct vzs_server *s, const char *host, const char *org,
                       int *rc)
{
	char found[24] = "";
	const char *p[2] = {host, org};

	if (strspn(host, "0123456789") != strlen(host) || strlen(host) > 18)
		return 0;
	pthread_mutex_lock(&s->db->lock);
	*rc = vzs_q(s->db,
	            "SELECT id FROM hosts WHERE id = CAST($1 AS BIGINT)"
	            " AND org = $2",
	            2, p, vzs_copy24, found);
	pthread_mutex_unlock(&s->db->lock);
	return found[0] != '\0';
}

static void ex_create(struct vzs_server *s, const struct vzs_req *rq,
                      struct vzs_resp *rs)
{
	static const char *const allowed[] = {
	    "organisation", "measure", "scope", "reason",
	    "approver",     "expires", NULL};
	json_t *b = vzs_body(rq, rs, allowed), *sc, *mj;
	const char *org, *measure = NULL, *kind, *value, *reason, *approver;
	const char *exp;
	char sector[128], now[24], until[24], id[24] = "";
	int64_t t;
	int rc = VZS_DB_OK;
	struct vzs_catview *cv;
	int known;

	if (b == NULL)
		return;
	org = json_string_value(json_object_get(b, "organisation"));
	mj = json_object_get(b, "measure");
	sc = json_object_get(b, "scope");
	kind = json_string_value(json_object_get(sc, "kind"));
	value = json_string_value(json_object_get(sc, "value"));
	reason = json_string_value(json_object_get(b, "reason"));
	approver = json_string_value(json_object_get(b, "approver"));
	exp = json_string_value(json_object_get(b, "expires"));
	if (org == NULL) {
		vzs_error(rs, 400, "organisation: required");
		goto out;
	}
	if (mj == NULL || (!json_is_null(mj) && !json_is_string(mj))) {
		vzs_error(rs, 400, "measure: a measure id, or null for all");
		goto out;
	}
	measure = json_string_value(mj);
	if (kind == NULL || value == NULL ||
	    (strcmp(kind, "host") && strcmp(kind, "group") &&
	     strcmp(kind, "organisation")) ||
	    !vzs_text_ok(value, 64)) {
		vzs_error(rs, 400,
		          "scope: {\"kind\": host|group|organisation,"
		          " \"value\": ...}");
		goto out;
	}
	if (!vzs_text_ok(reason, 1000) || !vzs_text_ok(approver, 1000)) {
		vzs_error(rs, 400,
		          "reason and approver: required, 1 to 1000 "
		          "characters");
		goto out;
	}
	if (exp == NULL || vzs_parse_time(exp, 1, &t) != 0) {
		vzs_error(rs, 400, "expires: required, a date or an instant");
		goto out;
	}
	if (t <= vzs_now()) {
		vzs_error(rs, 422, "expires: must be in the future");
		goto out;
	}
	if (vzs_org_sector(s, org, sector, sizeof(sector), rs) != 0) {
		if (rs->status == 404)
			vzs_error(rs, 422, "organisation: no '%.64s'", org);
		goto out;
	}
	cv = vzs_cat_acquire(s);
	known = measure == NULL || vzs_measure_find(cv, measure) != NULL;
	vzs_cat_release(s);
	if (!known) {
		vzs_error(rs, 422, "measure: no '%.64s' in the catalogue",
		          measure);
		goto out;
	}
	if (strcmp(kind, "organisation") == 0 && strcmp(value, org) != 0) {
		vzs_error(rs, 422, "scope.value: must be the organisation");
		goto out;
	}
	if (strcmp(kind, "host") == 0 && !host_of_org(s, value, org, &rc)) {
		if (rc != VZS_DB_OK)
			vzs_db_error(rs, rc);
		else
			vzs_error(rs, 422,
			          "scope.value: no host %.24s in %.64s", value,
			          org);
		goto out;
	}
	snprintf(now, sizeof(now), "%lld", (long long)vzs_now());
	snprintf(until, sizeof(until), "%lld", (long long)t);
	{
		const char *p[8] = {org,    measure,  kind, value,
		                    reason, approver, now,  until};

		pthread_mutex_lock(&s->db->lock);
		rc = vzs_q(s->db,
		           "INSERT INTO exemptions (org, measure, scope_kind,"
		           " scope_value, reason, approver, created_at,"
		           " expires_at) VALUES ($1, $2, $3, $4, $5, $6,"
		           " CAST($7 AS BIGINT), CAST($8 AS BIGINT))"
		           " RETURNING id",
		           8, p, vzs_copy24, id);
		pthread_mutex_unlock(&s->db->lock);
	}
	if (rc != VZS_DB_OK)
		vzs_db_error(rs, rc);
	else
		ex_get(s, rs, id, 201);
out:
	json_decref(b);
}

void vzs_h_exemptions(struct vzs_server *s, const struct vzs_req *rq,
                      struct vzs_resp *rs, const char *id, const char *sub)
{
	static const char *const allowed[] = {"organisation", "measure",
	                                      "active_at", NULL};
	int64_t t;
	int rc;

	if (vzs_admin(s, rq, rs) != 0)
		return;
	if (id != NULL &&
	    (strspn(id, "0123456789") != strlen(id) || strlen(id) > 18)) {
		vzs_error(rs, 404, "no such exemption");
		return;
	}
	if (id == NULL && strcmp(rq->method, "POST") == 0) {
		if (vzs_params_only(rq, rs, NULL) == 0)
			ex_create(s, rq, rs);
	} else if (id == NULL && strcmp(rq->method, "GET") == 0) {
		char at[24] = "";
		json_t *a;
		const char *act = vzs_param(rq, "active_at");

		if (vzs_params_only(rq, rs, allowed) != 0)
			return;
		if (act != NULL) {
			if (vzs_parse_time(act, 1, &t) != 0) {
				vzs_error(rs, 400,
				          "active_at: a date or an "
				          "instant");
				return;
			}
			snprintf(at, sizeof(at), "%lld", (long long)t);
		}
		a = json_array();
		{
			const char *p[3] = {vzs_param(rq, "organisation"),
			                    vzs_param(rq, "measure"),
			                    at[0] ? at : NULL};

			pthread_mutex_lock(&s->db->lock);
			rc = vzs_q(s->db, sql_ex_list, 3, p, exemption_row, a);
			pthread_mutex_unlock(&s->db->lock);
		}
		if (rc != VZS_DB_OK) {
			json_decref(a);
			vzs_db_error(rs, rc);
		} else {
			vzs_json(rs, 200,
			         json_pack("{s:o,s:n}", "items", a, "next"));
		}
	} else if (id != NULL && sub == NULL &&
	           strcmp(rq->method, "GET") == 0) {
		if (vzs_params_only(rq, rs, NULL) == 0)
			ex_get(s, rs, id, 200);
	} else if (id != NULL && sub != NULL && strcmp(sub, "expire") == 0 &&
	           strcmp(rq->method, "POST") == 0) {
		static const char *const ballowed[] = {"reason", NULL};
		json_t *b = NULL;
		const char *why = NULL;
		char now[24];

		if (vzs_params_only(rq, rs, NULL) != 0)
			return;
		if (rq->len > 0) {
			b = vzs_body(rq, rs, ballowed);
			if (b == NULL)
				return;
			why = json_string_value(json_object_get(b, "reason"));
			if (json_object_get(b, "reason") &&
			    !vzs_text_ok(why, 1000)) {
				json_decref(b);
				vzs_error(rs, 400,
				          "reason: 1 to 1000 characters");
				return;
			}
		}
		snprintf(now, sizeof(now), "%lld", (long long)vzs_now());
		{
			const char *p[3] = {id, now, why};

			pthread_mutex_lock(&s->db->lock);
			rc = vzs_q(s->db,
			           "UPDATE exemptions SET expired_at ="
			           " CAST($2 AS BIGINT), expire_reason = $3"
			           " WHERE id = CAST($1 AS BIGINT)"
			           " AND expired_at IS NULL",
			           3, p, NULL, NULL);
			pthread_mutex_unlock(&s->db->lock);
		}
		json_decref(b);
		if (rc != VZS_DB_OK)
			vzs_db_error(rs, rc);
		else
			ex_get(s, rs, id, 200);
	} else if (sub != NULL && strcmp(sub, "expire") != 0) {
		vzs_error(rs, 404, "no such path");
	} else {
		vzs_error(rs, 405, "method not allowed here");
	}
}

/* ---- overlays -------------------------------------------------------- */

static const char *const known_verbs[] = {
    "identify",         "report",        "plan",         "begin-removal",
    "complete-removal", "stop-purchase", "stop-updates", NULL};

static int verb_known(const char *v)
{
	for (size_t i = 0; known_verbs[i]; i++)
		if (strcmp(v, known_verbs[i]) == 0)
			return 1;
	return 0;
}

/* Check an overlay body against the catalogue; 0 or a status + msg. */
static int overlay_check(json_t *b, const struct vzs_sector_action *sa,
                         char *msg, size_t size)
{
	json_t *d = json_object_get(b, "deadlines");
	json_t *ms = json_object_get(b, "milestones"), *x;
	json_t *note = json_object_get(b, "note");
	size_t i;

	if (d != NULL && !json_is_array(d))
		return snprintf(msg, size, "deadlines: an array"), 400;
	if (ms != NULL && !json_is_array(ms))
		return snprintf(msg, size, "milestones: an array"), 400;
	if (note != NULL && !json_is_null(note) &&
	    !vzs_text_ok(json_string_value(note), 1000))
		return snprintf(msg, size, "note: 1 to 1000 characters"), 400;
	if (json_array_size(d) > 16 || json_array_size(ms) > 64)
		return snprintf(msg, size,
		                "at most 16 deadlines and 64 "
		                "milestones"),
		       400;
	json_array_foreach(d, i, x)
	{
		const char *v = json_string_value(json_object_get(x, "verb"));
		const char *ds = json_string_value(json_object_get(x, "date"));
		int64_t day;

		if (!json_is_object(x) || json_object_size(x) != 2 ||
		    v == NULL || ds == NULL || vzs_parse_date(ds, &day) != 0)
			return snprintf(msg, size,
			                "deadlines[%zu]: {\"verb\", \"date\": "
			                "YYYY-MM-DD}",
			                i),
			       400;
		if (!verb_known(v))
			return snprintf(msg, size,
			                "deadlines[%zu].verb: unknown verb", i),
			       422;
		for (size_t k = 0; k < sa->ndeadlines; k++)
			if (strcmp(sa->deadlines[k].verb, v) == 0 &&
			    day > sa->deadlines[k].day)
				return snprintf(
				           msg, size,
				           "deadlines[%zu]: later than the "
				           "catalogue's %s deadline; an "
				           "overlay may only tighten",
				           i, v),
				       422;
		for (size_t k = 0; k < i; k++)
			if (strcmp(v, json_string_value(json_object_get(
			                  json_array_get(d, k), "verb"))) == 0)
				return snprintf(
				           msg, size,
				           "deadlines[%zu].verb: given twice",
				           i),
				       400;
	}
	json_array_foreach(ms, i, x)
	{
		const char *n = json_string_value(json_object_get(x, "name"));
		const char *ds = json_string_value(json_object_get(x, "date"));
		int64_t day;

		if (!json_is_object(x) || json_object_size(x) != 2 ||
		    !vzs_text_ok(n, 200) || ds == NULL ||
		    vzs_parse_date(ds, &day) != 0)
			return snprintf(msg, size,
			                "milestones[%zu]: {\"name\", \"date\": "
			                "YYYY-MM-DD}",
			                i),
			       400;
	}
	return 0;
}

struct ovrows {
	json_t *items;
	const char *org;
};

static int overlay_row(void *ctx, int nc, const char *const *c)
{
	struct ovrows *o = ctx;
	json_t *b;

	if (nc < 3 || c[2] == NULL)
		return 0;
	b = json_loads(c[2], 0, NULL);
	if (b == NULL)
		return 0;
	json_object_set_new(b, "organisation", json_string(o->org));
	json_object_set_new(b, "measure", json_string(c[0]));
	json_object_set_new(b, "updated_at",
	                    vzs_time_json(strtoll(c[1], NULL, 10)));
	json_array_append_new(o->items, b);
	return 0;
}

void vzs_h_overlay(struct vzs_server *s, const struct vzs_req *rq,
                   struct vzs_resp *rs, const char *org, const char *measure)
{
	static const char *const allowed[] = {"deadlines", "milestones", "note",
	                                      NULL};
	struct ovrows o = {NULL, org};
	char sector[128], msg[300], now[24];
	const char *m = rq->method;
	int rc, st;

	if (org == NULL ||
	    vzs_org_sector(s, org, sector, sizeof(sector), rs) != 0)
		return;
	if (measure != NULL &&
	    (strcmp(m, "PUT") == 0 || strcmp(m, "DELETE") == 0)) {
		struct vzs_catview *cv;
		const struct vzs_measure *me;
		const struct vzs_sector_action *sa;
		json_t *b = NULL;
		char *text = NULL;

		if (strcmp(m, "PUT") == 0 &&
		    (b = vzs_body(rq, rs, allowed)) == NULL)
			return;
		cv = vzs_cat_acquire(s);
		me = vzs_measure_find(cv, measure);
		sa = me ? vzs_measure_sector(me, sector) : NULL;
		st = 0;
		if (me == NULL) {
			st = 404;
			snprintf(msg, sizeof(msg), "no measure '%.64s'",
			         measure);
		} else if (sa == NULL || strcmp(sa->action, "none") == 0) {
			st = 422;
			snprintf(msg, sizeof(msg),
			         "the measure does not apply to sector %.64s",
			         sector);
		} else if (b != NULL) {
			st = overlay_check(b, sa, msg, sizeof(msg));
		}
		vzs_cat_release(s);
		if (st != 0) {
			json_decref(b);
			vzs_error(rs, st, "%s", msg);
			return;
		}
		if (b != NULL) {
			if (!json_object_get(b, "deadlines"))
				json_object_set_new(b, "deadlines",
				                    json_array());
			if (!json_object_get(b, "milestones"))
				json_object_set_new(b, "milestones",
				                    json_array());
			if (!json_object_get(b, "note"))
				json_object_set_new(b, "note", json_null());
			text = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS);
			json_decref(b);
			if (text == NULL) {
				vzs_error(rs, 500, "out of memory");
				return;
			}
		}
		snprintf(now, sizeof(now), "%lld", (long long)vzs_now());
		{
			const char *p[4] = {org, measure, now, text};

			pthread_mutex_lock(&s->db->lock);
			rc = vzs_q(s->db,
			           "INSERT INTO overlays (org, measure,"
			           " created_at, body) VALUES ($1, $2,"
			           " CAST($3 AS BIGINT), $4)",
			           4, p, NULL, NULL);
			pthread_mutex_unlock(&s->db->lock);
		}
		free(text);
		if (rc != VZS_DB_OK) {
			vzs_db_error(rs, rc);
			return;
		}
		if (strcmp(m, "DELETE") == 0) {
			vzs_json(rs, 204, json_object());
			return;
		}
	} else if (strcmp(m, "GET") != 0) {
		vzs_error(rs, 405, "use GET, PUT or DELETE");
		return;
	}
	o.items = json_array();
	{
		const char *p[2] = {org, measure};

		/* The newest version per measure; a deletion hides it. */
		pthread_mutex_lock(&s->db->lock);
		rc = vzs_q(s->db,
		           "SELECT v.measure, v.created_at, v.body"
		           " FROM overlays v WHERE v.org = $1"
		           " AND (CAST($2 AS TEXT) IS NULL OR v.measure = $2)"
		           " AND v.id = (SELECT max(w.id) FROM overlays w"
		           "  WHERE w.org = v.org AND w.measure = v.measure)"
		           " ORDER BY v.measure",
		           2, p, overlay_row, &o);
		pthread_mutex_unlock(&s->db->lock);
	}
	if (rc != VZS_DB_OK) {
		json_decref(o.items);
		vzs_db_error(rs, rc);
	} else if (measure == NULL) {
		vzs_json(rs, 200,
		         json_pack("{s:o,s:n}", "items", o.items, "next"));
	} else if (json_array_size(o.items) == 0) {
		json_decref(o.items);
		vzs_error(rs, 404, "no overlay for %.64s", measure);
	} else {
		vzs_json(rs, 200, json_incref(json_array_get(o.items, 0)));
		json_decref(o.items);
	}
}
