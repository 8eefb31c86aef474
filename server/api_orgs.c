/*
 * server/api_orgs.c - organisations and enrolment: the per-organisation
 * enrolment secret exchanged for a per-host node key (osquery's
 * enroll-secret / node-key pattern). Only hashes of secrets and keys are
 * stored; the plain values are shown once, in the answer that makes them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

static json_t *org_row_json(const char *const *c)
{
	return json_pack("{s:s,s:s,s:s,s:o}", "id", c[0], "name", c[1],
	                 "sector", c[2], "created_at",
	                 vzs_time_json(strtoll(c[3], NULL, 10)));
}

static int collect_orgs(void *ctx, int nc, const char *const *c)
{
	if (nc >= 4)
		json_array_append_new(ctx, org_row_json(c));
	return 0;
}

static int new_secret(char out[70], char hash[65])
{
	memcpy(out, "vze_", 4);
	if (vzs_random_hex(out + 4, 32) != 0)
		return -1;
	vzs_sha256_hex(out, strlen(out), hash);
	return 0;
}

static int sector_known(struct vzs_server *s, const char *sector)
{
	struct vzs_catview *cv = vzs_cat_acquire(s);
	int ok = vzs_catview_has_sector(cv, sector);

	vzs_cat_release(s);
	return ok;
}

static void org_create(struct vzs_server *s, const struct vzs_req *rq,
                       struct vzs_resp *rs)
{
	static const char *const allowed[] = {"id", "name", "sector", NULL};
	json_t *b = vzs_body(rq, rs, allowed), *o;
	const char *id, *name, *sector;
	char secret[70], hash[65], now[24];
	int rc;

	if (b == NULL)
		return;
	id = json_string_value(json_object_get(b, "id"));
	name = json_string_value(json_object_get(b, "name"));
	sector = json_string_value(json_object_get(b, "sector"));
	if (id == NULL || !vzs_valid_id(id)) {
		vzs_error(rs, 400, "id: 1 to 64 of a-z, 0-9 and -");
	} else if (!vzs_text_ok(name, 200)) {
		vzs_error(rs, 400, "name: 1 to 200 characters, no controls");
	} else if (sector == NULL) {
		vzs_error(rs, 400, "sector: required");
	} else if (!sector_known(s, sector)) {
		vzs_error(rs, 422,
		          "sector: '%.64s' is not a sector of the "
		          "catalogue",
		          sector);
	} else if (new_secret(secret, hash) != 0) {
		vzs_error(rs, 500, "no random numbers");
	} else {
		const char *p[5] = {id, name, sector, hash, now};

		snprintf(now, sizeof(now), "%lld", (long long)vzs_now());
		pthread_mutex_lock(&s->db->lock);
		rc = vzs_q(s->db,
		           "INSERT INTO organisations"
		           " (id, name, sector, secret_hash, created_at)"
		           " VALUES ($1, $2, $3, $4, CAST($5 AS BIGINT))",
		           5, p, NULL, NULL);
		pthread_mutex_unlock(&s->db->lock);
		if (rc == VZS_DB_CONFLICT) {
			vzs_error(rs, 409, "organisation '%s' exists", id);
		} else if (rc != VZS_DB_OK) {
			vzs_db_error(rs, rc);
		} else {
			const char *c[4] = {id, name, sector, now};

			o = org_row_json(c);
			json_object_set_new(o, "enroll_secret",
			                    json_string(secret));
			vzs_json(rs, 201, o);
		}
	}
	json_decref(b);
}

static const char sql_org_one[] =
    "SELECT id, name, sector, created_at FROM organisations WHERE id = $1";

static void org_get(struct vzs_server *s, struct vzs_resp *rs, const char *id)
{
	json_t *a = json_array();
	const char *p[1] = {id};
	int rc;

	pthread_mutex_lock(&s->db->lock);
	rc = vzs_q(s->db,
	           id ? sql_org_one
	              : "SELECT id, name, sector, created_at"
	                " FROM organisations ORDER BY id",
	           id ? 1 : 0, p, collect_orgs, a);
	pthread_mutex_unlock(&s->db->lock);
	if (rc != VZS_DB_OK) {
		json_decref(a);
		vzs_db_error(rs, rc);
	} else if (id == NULL) {
		vzs_json(rs, 200, json_pack("{s:o,s:n}", "items", a, "next"));
	} else if (json_array_size(a) == 0) {
		json_decref(a);
		vzs_error(rs, 404, "no organisation '%.64s'", id);
	} else {
		vzs_json(rs, 200, json_incref(json_array_get(a, 0)));
		json_decref(a);
	}
}

static void org_patch(struct vzs_server *s, const struct vzs_req *rq,
                      struct vzs_resp *rs, const char *id)
{
	static const char *const allowed[] = {"name", "sector", NULL};
	json_t *b = vzs_body(rq, rs, allowed);
	const char *name, *sector;
	char cur[128];
	int rc;

	if (b == NULL)
		return;
	name = json_string_value(json_object_get(b, "name"));
	sector = json_string_value(json_object_get(b, "sector"));
	if (json_object_get(b, "name") && !vzs_text_ok(name, 200)) {
		vzs_error(rs, 400, "name: 1 to 200 characters, no controls");
	} else if (json_object_get(b, "sector") &&
	           (sector == NULL || !sector_known(s, sector))) {
		vzs_error(rs, 422, "sector: not a sector of the catalogue");
	} else if (vzs_org_sector(s, id, cur, sizeof(cur), rs) == 0) {
		const char *p[3] = {id, name, sector};

		pthread_mutex_lock(&s->db->lock);
		rc = vzs_q(s->db,
		           "UPDATE organisations SET"
		           " name = COALESCE(CAST($2 AS TEXT), name),"
		           " sector = COALESCE(CAST($3 AS TEXT), sector)"
		           " WHERE id = $1",
		           3, p, NULL, NULL);
		pthread_mutex_unlock(&s->db->lock);
		if (rc != VZS_DB_OK)
			vzs_db_error(rs, rc);
		else
			org_get(s, rs, id);
	}
	json_decref(b);
}

static void org_secret(struct vzs_server *s, struct vzs_resp *rs,
                       const char *id)
{
	char secret[70], hash[65], cur[128];
	const char *p[2] = {id, hash};
	int rc;

	if (vzs_org_sector(s, id, cur, sizeof(cur), rs) != 0)
		return;
	if (new_secret(secret, hash) != 0) {
		vzs_error(rs, 500, "no random numbers");
		return;
	}
	pthread_mutex_lock(&s->db->lock);
	rc = vzs_q(s->db,
	           "UPDATE organisations SET secret_hash = $2 WHERE id = $1", 2,
	           p, NULL, NULL);
	pthread_mutex_unlock(&s->db->lock);
	if (rc != VZS_DB_OK) {
		vzs_db_error(rs, rc);
		return;
	}
	org_get(s, rs, id);
	if (rs->status == 200) {
		json_t *o = json_loads(rs->body, 0, NULL);

		json_object_set_new(o, "enroll_secret", json_string(secret));
		vzs_json(rs, 200, o);
	}
}

void vzs_h_orgs(struct vzs_server *s, const struct vzs_req *rq,
                struct vzs_resp *rs, const char *id, const char *sub,
                const char *subid)
{
	const char *m = rq->method;

	if (vzs_admin(s, rq, rs) != 0 || vzs_params_only(rq, rs, NULL) != 0)
		return;
	if (id != NULL && !vzs_valid_id(id)) {
		vzs_error(rs, 404, "no such organisation");
	} else if (sub != NULL && strcmp(sub, "overlays") == 0) {
		vzs_h_overlay(s, rq, rs, id, subid);
	} else if (sub != NULL && strcmp(sub, "enroll-secret") == 0 &&
	           subid == NULL) {
		if (strcmp(m, "POST") == 0)
			org_secret(s, rs, id);
		else
			vzs_error(rs, 405, "use POST");
	} else if (sub != NULL) {
		vzs_error(rs, 404, "no such path");
	} else if (id == NULL) {
		if (strcmp(m, "POST") == 0)
			org_create(s, rq, rs);
		else if (strcmp(m, "GET") == 0)
			org_get(s, rs, NULL);
		else
			vzs_error(rs, 405, "use GET or POST");
	} else if (strcmp(m, "GET") == 0) {
		org_get(s, rs, id);
	} else if (strcmp(m, "PATCH") == 0) {
		org_patch(s, rq, rs, id);
	} else {
		vzs_error(rs, 405, "use GET or PATCH");
	}
}

/* ---- enrolment ------------------------------------------------------- */

struct found_org {
	char id[80];
	int n;
};

static int org_by_secret(void *ctx, int nc, const char *const *c)
{
	struct found_org *f = ctx;

	if (nc > 0 && c[0] != NULL) {
		snprintf(f->id, sizeof(f->id), "%s", c[0]);
		f->n++;
	}
	return 0;
}

static int first_col(void *ctx, int nc, const char *const *c)
{
	if (nc > 0 && c[0] != NULL)
		snprintf(ctx, 24, "%s", c[0]);
	return 1;
}

void vzs_h_enroll(struct vzs_server *s, const struct vzs_req *rq,
                  struct vzs_resp *rs)
{
	static const char *const allowed[] = {"enroll_secret", "host", "group",
	                                      NULL};
	json_t *b, *h;
	const char *secret, *mid = NULL, *hostname, *fqdn = NULL, *grp;
	char hash[65], key[70], keyhash[65], ident[300], now[24];
	char hostid[24] = "";
	struct found_org org = {"", 0};
	int rc;

	if (vzs_params_only(rq, rs, NULL) != 0 ||
	    (b = vzs_body(rq, rs, allowed)) == NULL)
		return;
	secret = json_string_value(json_object_get(b, "enroll_secret"));
	h = json_object_get(b, "host");
	hostname = json_string_value(json_object_get(h, "hostname"));
	grp = json_string_value(json_object_get(b, "group"));
	if (json_is_string(json_object_get(h, "machine_id")))
		mid = json_string_value(json_object_get(h, "machine_id"));
	if (json_is_string(json_object_get(h, "fqdn")))
		fqdn = json_string_value(json_object_get(h, "fqdn"));
	if (secret == NULL) {
		vzs_error(rs, 400, "enroll_secret: required");
		goto out;
	}
	if (!json_is_object(h) ||
	    (mid == NULL && !json_is_null(json_object_get(h, "machine_id")) &&
	     json_object_get(h, "machine_id") != NULL) ||
	    (mid != NULL && !vzs_is_hex(mid, 32))) {
		vzs_error(rs, 400,
		          "host.machine_id: null or 32 lowercase hex "
		          "digits");
		goto out;
	}
	if (!vzs_text_ok(hostname, 255) ||
	    (fqdn != NULL && !vzs_text_ok(fqdn, 255))) {
		vzs_error(rs, 400,
		          "host.hostname: required, at most 255 "
		          "characters; host.fqdn: null or a name");
		goto out;
	}
	if (json_object_get(b, "group") != NULL &&
	    !json_is_null(json_object_get(b, "group")) &&
	    !vzs_text_ok(grp, 64)) {
		vzs_error(rs, 400, "group: 1 to 64 characters");
		goto out;
	}
	vzs_sha256_hex(secret, strlen(secret), hash);
	snprintf(ident, sizeof(ident), "%s:%s", mid ? "m" : "h",
	         mid ? mid : hostname);
	memcpy(key, "vzn_", 4);
	if (vzs_random_hex(key + 4, 32) != 0) {
		vzs_error(rs, 500, "no random numbers");
		goto out;
	}
	vzs_sha256_hex(key, strlen(key), keyhash);
	snprintf(now, sizeof(now), "%lld", (long long)vzs_now());
	pthread_mutex_lock(&s->db->lock);
	{
		const char *p1[1] = {hash};
		const char *p2[2] = {org.id, ident};
		const char *p3[8] = {org.id, ident, mid, hostname,
		                     fqdn,   grp,   now, keyhash};

		rc = vzs_begin(s->db);
		if (rc == VZS_DB_OK)
			rc = vzs_q(s->db,
			           "SELECT id FROM organisations"
			           " WHERE secret_hash = $1",
			           1, p1, org_by_secret, &org);
		if (rc == VZS_DB_OK && org.n == 1)
			rc = vzs_q(s->db,
			           "SELECT id FROM hosts"
			           " WHERE org = $1 AND ident = $2",
			           2, p2, first_col, hostid);
		if (rc == VZS_DB_OK && org.n == 1 && hostid[0] != '\0') {
			const char *p4[5] = {hostid, hostname, fqdn, grp,
			                     keyhash};

			/* A known host: new key, old one gone. */
			rc = vzs_q(s->db,
			           "UPDATE hosts SET hostname = $2, fqdn = $3,"
			           " grp = COALESCE(CAST($4 AS TEXT), grp),"
			           " key_hash = $5, key_revoked_at = NULL"
			           " WHERE id = CAST($1 AS BIGINT)",
			           5, p4, NULL, NULL);
		} else if (rc == VZS_DB_OK && org.n == 1) {
			rc =
			    vzs_q(s->db,
			          "INSERT INTO hosts (org, ident, machine_id,"
			          " hostname, fqdn, grp, enrolled_at, key_hash)"
			          " VALUES ($1, $2, $3, $4, $5, $6,"
			          " CAST($7 AS BIGINT), $8) RETURNING id",
			          8, p3, first_col, hostid);
		}
		if (rc == VZS_DB_OK && org.n == 1)
			rc = vzs_commit(s->db);
		else
			vzs_rollback(s->db);
	}
	pthread_mutex_unlock(&s->db->lock);
	if (rc != VZS_DB_OK) {
		vzs_db_error(rs, rc);
	} else if (org.n != 1) {
		vzs_error(rs, 401,
		          "enroll_secret: not a valid enrolment "
		          "secret");
	} else {
		vzs_json(rs, 201,
		         json_pack("{s:I,s:s,s:s}", "host_id",
		                   (json_int_t)strtoll(hostid, NULL, 10),
		                   "organisation", org.id, "node_key", key));
	}
out:
	json_decref(b);
}
