/*
 * server/store_pg.c - the PostgreSQL backend (libpq), for large fleets.
 *
 * Statements are prepared once per connection (named after the SQL
 * text's address, a literal in the callers). A lost connection is
 * reported as unavailable (503) and re-established on the next call;
 * its prepared statements go with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "server.h"

#define PG_CACHE 128

struct pg {
	PGconn *conn;
	char *conninfo;
	const char *prepared[PG_CACHE];
	size_t nprepared;
};

static const char *const pg_migrations[] = {
    /* 1: the first schema; the same tables as SQLite's. */
    "CREATE TABLE organisations ("
    " id TEXT PRIMARY KEY, name TEXT NOT NULL, sector TEXT NOT NULL,"
    " secret_hash TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL);"
    "CREATE TABLE hosts ("
    " id BIGSERIAL PRIMARY KEY,"
    " org TEXT NOT NULL REFERENCES organisations(id),"
    " ident TEXT NOT NULL, machine_id TEXT, hostname TEXT NOT NULL,"
    " fqdn TEXT, grp TEXT, os TEXT, enrolled_at BIGINT NOT NULL,"
    " key_hash TEXT UNIQUE, key_revoked_at BIGINT,"
    " UNIQUE (org, ident));"
    "CREATE TABLE reports ("
    " report_id TEXT PRIMARY KEY,"
    " host_id BIGINT NOT NULL REFERENCES hosts(id),"
    " scanned_at BIGINT NOT NULL, received_at BIGINT NOT NULL,"
    " coverage TEXT NOT NULL, catalog_id TEXT, catalog_version BIGINT,"
    " nfindings INTEGER NOT NULL, products TEXT NOT NULL,"
    " body TEXT NOT NULL);"
    "CREATE INDEX reports_host_scanned ON reports (host_id, scanned_at);"
    "CREATE TABLE exemptions ("
    " id BIGSERIAL PRIMARY KEY,"
    " org TEXT NOT NULL REFERENCES organisations(id), measure TEXT,"
    " scope_kind TEXT NOT NULL, scope_value TEXT NOT NULL,"
    " reason TEXT NOT NULL, approver TEXT NOT NULL,"
    " created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,"
    " expired_at BIGINT, expire_reason TEXT);"
    "CREATE INDEX exemptions_org ON exemptions (org);"
    "CREATE TABLE overlays ("
    " id BIGSERIAL PRIMARY KEY,"
    " org TEXT NOT NULL REFERENCES organisations(id),"
    " measure TEXT NOT NULL, created_at BIGINT NOT NULL, body TEXT);"
    "CREATE INDEX overlays_org ON overlays (org, measure, id);",
    NULL};

static int classify(struct vzs_db *db, PGresult *res)
{
	struct pg *p = db->impl;
	const char *state =
	    res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *m = res ? PQresultErrorMessage(res) : "";

	if (m == NULL || *m == '\0')
		m = PQerrorMessage(p->conn);
	snprintf(db->err, sizeof(db->err), "postgresql: %s", m);
	db->err[strcspn(db->err, "\n")] = '\0';
	if (PQstatus(p->conn) != CONNECTION_OK || state == NULL)
		return VZS_DB_UNAVAILABLE;
	if (strncmp(state, "23", 2) == 0)
		return VZS_DB_CONFLICT;
	/* Resources (disk full), connection, read-only, shutdown. */
	if (strncmp(state, "53", 2) == 0 || strncmp(state, "08", 2) == 0 ||
	    strcmp(state, "25006") == 0 || strncmp(state, "57P", 3) == 0 ||
	    strncmp(state, "58", 2) == 0 || strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0)
		return VZS_DB_UNAVAILABLE;
	return VZS_DB_ERROR;
}

static int reconnect(struct vzs_db *db)
{
	struct pg *p = db->impl;

	if (PQstatus(p->conn) == CONNECTION_OK)
		return 0;
	PQreset(p->conn);
	p->nprepared = 0;
	if (PQstatus(p->conn) != CONNECTION_OK) {
		snprintf(db->err, sizeof(db->err), "postgresql: %s",
		         PQerrorMessage(p->conn));
		db->err[strcspn(db->err, "\n")] = '\0';
		return -1;
	}
	return 0;
}

static int stmt_name(struct vzs_db *db, const char *sql, int n,
                     char name[32])
{
	struct pg *p = db->impl;
	PGresult *res;
	size_t i;

	for (i = 0; i < p->nprepared; i++)
		if (p->prepared[i] == sql)
			break;
	snprintf(name, 32, "s%zu", i);
	if (i < p->nprepared)
		return VZS_DB_OK;
	if (i == PG_CACHE) {
		name[0] = '\0'; /* unnamed: prepared anew each time */
		return VZS_DB_OK;
	}
	res = PQprepare(p->conn, name, sql, n, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		int rc = classify(db, res);

		PQclear(res);
		return rc;
	}
	PQclear(res);
	p->prepared[p->nprepared++] = sql;
	return VZS_DB_OK;
}

static int pg_query(struct vzs_db *db, const char *sql, int n,
                    const char *const *params, vzs_row_fn fn, void *ctx)
{
	struct pg *p = db->impl;
	PGresult *res;
	ExecStatusType st;
	char name[32];
	const char *cols[64];
	int rc;

	db->err[0] = '\0';
	if (reconnect(db) != 0)
		return VZS_DB_UNAVAILABLE;
	if (n == 0 && fn == NULL) {
		res = PQexec(p->conn, sql);
	} else {
		rc = stmt_name(db, sql, n, name);
		if (rc != VZS_DB_OK)
			return rc;
		if (name[0] == '\0')
			res = PQexecParams(p->conn, sql, n, NULL, params, NULL,
			                   NULL, 0);
		else
			res = PQexecPrepared(p->conn, name, n, params, NULL,
			                     NULL, 0);
	}
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		rc = classify(db, res);
		PQclear(res);
		return rc;
	}
	if (fn != NULL && st == PGRES_TUPLES_OK) {
		int rows = PQntuples(res), nc = PQnfields(res);

		if (nc > 64)
			nc = 64;
		for (int r = 0; r < rows; r++) {
			for (int c = 0; c < nc; c++)
				cols[c] = PQgetisnull(res, r, c)
				              ? NULL
				              : PQgetvalue(res, r, c);
			if (fn(ctx, nc, cols) != 0)
				break;
		}
	}
	PQclear(res);
	return VZS_DB_OK;
}

static void pg_close(struct vzs_db *db)
{
	struct pg *p = db->impl;

	if (p != NULL) {
		PQfinish(p->conn);
		free(p->conninfo);
		free(p);
	}
	free(db);
}

static const struct vzs_db_ops pg_ops = {
    .name = "postgresql",
    .query = pg_query,
    .close = pg_close,
    .migrations = pg_migrations,
    .begin = "BEGIN",
};

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int vzs_pg_open(const char *conninfo, struct vzs_db **out, char *msg,
                size_t size)
{
	struct vzs_db *db = calloc(1, sizeof(*db));
	struct pg *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (db == NULL || p == NULL) {
		free(db);
		free(p);
		snprintf(msg, size, "out of memory");
		return -1;
	}
	db->ops = &pg_ops;
	db->impl = p;
	p->conn = PQconnectdb(conninfo);
	if (p->conn == NULL || PQstatus(p->conn) != CONNECTION_OK) {
		snprintf(msg, size, "postgresql: %s",
		         p->conn ? PQerrorMessage(p->conn) : "out of memory");
		msg[strcspn(msg, "\n")] = '\0';
		pg_close(db);
		return -1;
	}
	/* NOTICEs (e.g. "relation exists, skipping") are not ours to print. */
	PQsetNoticeProcessor(p->conn, quiet, NULL);
	*out = db;
	return 0;
}
