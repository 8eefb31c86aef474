/*
 * server/store_sqlite.c - the SQLite backend: one file, WAL mode,
 * synchronous=FULL, so that a report is on disk before it is
 * acknowledged and readers never block the writer.
 *
 * Statements are prepared once and kept (keyed by the SQL text's
 * address, which is a literal in the callers), since preparing costs
 * more than running the small statements ingestion needs.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "schema.h"
#include "server.h"

#define CACHE_SIZE 64

struct sq {
	sqlite3 *conn;
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[CACHE_SIZE];
};

static const char *const sqlite_migrations[] = {
    /* 1: the first schema. Times are seconds since the epoch. */
    "CREATE TABLE organisations ("
    " id TEXT PRIMARY KEY, name TEXT NOT NULL, sector TEXT NOT NULL,"
    " secret_hash TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL);"
    "CREATE TABLE hosts ("
    " id INTEGER PRIMARY KEY,"
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
    " id INTEGER PRIMARY KEY,"
    " org TEXT NOT NULL REFERENCES organisations(id), measure TEXT,"
    " scope_kind TEXT NOT NULL, scope_value TEXT NOT NULL,"
    " reason TEXT NOT NULL, approver TEXT NOT NULL,"
    " created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,"
    " expired_at BIGINT, expire_reason TEXT);"
    "CREATE INDEX exemptions_org ON exemptions (org);"
    "CREATE TABLE overlays ("
    " id INTEGER PRIMARY KEY,"
    " org TEXT NOT NULL REFERENCES organisations(id),"
    " measure TEXT NOT NULL, created_at BIGINT NOT NULL, body TEXT);"
    "CREATE INDEX overlays_org ON overlays (org, measure, id);",
    /* 2: each host's latest report, kept at ingestion, for the
     * compliance view of large fleets (server/ledger.c, fast path). */
    VZS_MIGRATION_2,
    /* 3: find the reports dated after an instant without a scan (the
     * fast compliance path sets those hosts apart). */
    VZS_MIGRATION_3,
    /* 4: how many hosts share organisation, group, latest products and
     * day of latest scan, kept by triggers in the transaction that
     * changes a host or its latest report, so that the compliance view
     * of a large fleet reads counts, not every host (server/ledger.c).
     * Facts only (a day, not a state): the state is computed at read
     * time. seen = 0: hosts that never reported (products '', day 0);
     * grp '' stands for no group (a group has 1 to 64 characters). A
     * count that reaches 0 is deleted. */
    VZS_MIGRATION_4_COUNTS
    "CREATE TRIGGER hosts_counted AFTER INSERT ON hosts BEGIN"
    " INSERT INTO state_counts VALUES"
    " (new.org, COALESCE(new.grp, ''), 0, '', 0, 1)"
    " ON CONFLICT (org, grp, seen, products, day) DO UPDATE"
    " SET n = state_counts.n + 1;"
    " END;"
    "CREATE TRIGGER hosts_regrouped AFTER UPDATE OF grp ON hosts"
    " WHEN old.grp IS NOT new.grp BEGIN"
    " UPDATE state_counts SET n = n - 1 WHERE org = old.org"
    " AND grp = COALESCE(old.grp, '')"
    " AND seen = (SELECT count(*) FROM host_state WHERE host_id = old.id)"
    " AND products = COALESCE((SELECT products FROM host_state"
    "  WHERE host_id = old.id), '')"
    " AND day = COALESCE((SELECT scanned_at / 86400 FROM host_state"
    "  WHERE host_id = old.id), 0);"
    " DELETE FROM state_counts WHERE org = old.org"
    " AND grp = COALESCE(old.grp, '') AND n = 0;"
    " INSERT INTO state_counts SELECT new.org, COALESCE(new.grp, ''),"
    " CASE WHEN s.host_id IS NULL THEN 0 ELSE 1 END,"
    " COALESCE(s.products, ''), COALESCE(s.scanned_at / 86400, 0), 1"
    " FROM hosts h LEFT JOIN host_state s ON s.host_id = h.id"
    " WHERE h.id = new.id"
    " ON CONFLICT (org, grp, seen, products, day) DO UPDATE"
    " SET n = state_counts.n + 1;"
    " END;"
    "CREATE TRIGGER host_state_counted AFTER INSERT ON host_state BEGIN"
    " UPDATE state_counts SET n = n - 1"
    " WHERE org = (SELECT org FROM hosts WHERE id = new.host_id)"
    " AND grp = (SELECT COALESCE(grp, '') FROM hosts"
    "  WHERE id = new.host_id)"
    " AND seen = 0 AND products = '' AND day = 0;"
    " DELETE FROM state_counts"
    " WHERE org = (SELECT org FROM hosts WHERE id = new.host_id)"
    " AND grp = (SELECT COALESCE(grp, '') FROM hosts"
    "  WHERE id = new.host_id)"
    " AND seen = 0 AND products = '' AND day = 0 AND n = 0;"
    " INSERT INTO state_counts SELECT h.org, COALESCE(h.grp, ''), 1,"
    " new.products, new.scanned_at / 86400, 1 FROM hosts h"
    " WHERE h.id = new.host_id"
    " ON CONFLICT (org, grp, seen, products, day) DO UPDATE"
    " SET n = state_counts.n + 1;"
    " END;"
    "CREATE TRIGGER host_state_moved AFTER UPDATE ON host_state"
    " WHEN old.products IS NOT new.products"
    " OR old.scanned_at / 86400 <> new.scanned_at / 86400 BEGIN"
    " UPDATE state_counts SET n = n - 1"
    " WHERE org = (SELECT org FROM hosts WHERE id = old.host_id)"
    " AND grp = (SELECT COALESCE(grp, '') FROM hosts"
    "  WHERE id = old.host_id)"
    " AND seen = 1 AND products = old.products"
    " AND day = old.scanned_at / 86400;"
    " DELETE FROM state_counts"
    " WHERE org = (SELECT org FROM hosts WHERE id = old.host_id)"
    " AND grp = (SELECT COALESCE(grp, '') FROM hosts"
    "  WHERE id = old.host_id)"
    " AND seen = 1 AND products = old.products"
    " AND day = old.scanned_at / 86400 AND n = 0;"
    " INSERT INTO state_counts SELECT h.org, COALESCE(h.grp, ''), 1,"
    " new.products, new.scanned_at / 86400, 1 FROM hosts h"
    " WHERE h.id = new.host_id"
    " ON CONFLICT (org, grp, seen, products, day) DO UPDATE"
    " SET n = state_counts.n + 1;"
    " END;",
    /* 5: nothing on SQLite. PostgreSQL's migration 5 changes how it
     * stores report bodies and how its triggers count, not what is
     * stored (server/store_pg.c); the version is kept the same on both
     * stores, so that one number names one schema. */
    "",
    NULL};

static int classify(struct vzs_db *db, int rc)
{
	struct sq *q = db->impl;

	snprintf(db->err, sizeof(db->err), "sqlite: %s",
	         sqlite3_errmsg(q->conn));
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT: return VZS_DB_CONFLICT;
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_PERM:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB: return VZS_DB_UNAVAILABLE;
	default: return VZS_DB_ERROR;
	}
}

static sqlite3_stmt *prepare(struct vzs_db *db, const char *sql, int *rc)
{
	struct sq *q = db->impl;
	sqlite3_stmt *st = NULL;
	size_t slot = ((uintptr_t)sql >> 3) % CACHE_SIZE;

	for (size_t i = 0; i < CACHE_SIZE; i++) {
		size_t k = (slot + i) % CACHE_SIZE;

		if (q->cache[k].sql == sql)
			return q->cache[k].st;
		if (q->cache[k].sql == NULL) {
			*rc = sqlite3_prepare_v2(q->conn, sql, -1, &st, NULL);
			if (*rc != SQLITE_OK)
				return NULL;
			q->cache[k].sql = sql;
			q->cache[k].st = st;
			return st;
		}
	}
	/* A full cache only costs speed: prepare, and finalize after. */
	*rc = sqlite3_prepare_v2(q->conn, sql, -1, &st, NULL);
	return st;
}

static int cached(struct sq *q, sqlite3_stmt *st)
{
	for (size_t i = 0; i < CACHE_SIZE; i++)
		if (q->cache[i].st == st)
			return 1;
	return 0;
}

static int sq_query(struct vzs_db *db, const char *sql, int n,
                    const char *const *params, vzs_row_fn fn, void *ctx)
{
	struct sq *q = db->impl;
	sqlite3_stmt *st;
	const char *cols[64];
	int rc = SQLITE_OK, out = VZS_DB_OK;

	db->err[0] = '\0';
	if (n == 0 && fn == NULL) {
		/* Scripts (migrations) and transaction control. */
		rc = sqlite3_exec(q->conn, sql, NULL, NULL, NULL);
		return rc == SQLITE_OK ? VZS_DB_OK : classify(db, rc);
	}
	st = prepare(db, sql, &rc);
	if (st == NULL)
		return classify(db, rc);
	for (int i = 0; i < n; i++) {
		char name[16];
		int idx;

		snprintf(name, sizeof(name), "$%d", i + 1);
		idx = sqlite3_bind_parameter_index(st, name);
		if (idx == 0)
			continue;
		rc = params[i] == NULL ? sqlite3_bind_null(st, idx)
		                       : sqlite3_bind_text(st, idx, params[i],
		                                           -1, SQLITE_STATIC);
		if (rc != SQLITE_OK) {
			out = classify(db, rc);
			goto done;
		}
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int nc = sqlite3_column_count(st);

		if (nc > 64)
			nc = 64;
		for (int i = 0; i < nc; i++)
			cols[i] = (const char *)sqlite3_column_text(st, i);
		if (fn != NULL && fn(ctx, nc, cols) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		out = classify(db, rc);
done:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (!cached(q, st))
		sqlite3_finalize(st);
	return out;
}

static void sq_close(struct vzs_db *db)
{
	struct sq *q = db->impl;

	if (q != NULL) {
		for (size_t i = 0; i < CACHE_SIZE; i++)
			sqlite3_finalize(q->cache[i].st);
		sqlite3_close(q->conn);
		free(q);
	}
	free(db);
}

static const struct vzs_db_ops sqlite_ops = {
    .name = "sqlite",
    .query = sq_query,
    .close = sq_close,
    .migrations = sqlite_migrations,
    .begin = "BEGIN IMMEDIATE",
};

int vzs_sqlite_open(const char *path, struct vzs_db **out, char *msg,
                    size_t size)
{
	struct vzs_db *db = calloc(1, sizeof(*db));
	struct sq *q = calloc(1, sizeof(*q));
	int rc;

	*out = NULL;
	if (db == NULL || q == NULL) {
		free(db);
		free(q);
		snprintf(msg, size, "out of memory");
		return -1;
	}
	db->ops = &sqlite_ops;
	db->impl = q;
	rc = sqlite3_open_v2(path, &q->conn,
	                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                         SQLITE_OPEN_NOMUTEX,
	                     NULL);
	if (rc != SQLITE_OK) {
		snprintf(msg, size, "%s: %s", path,
		         q->conn ? sqlite3_errmsg(q->conn) : "cannot open");
		goto fail;
	}
	/* A file too large for RLIMIT_FSIZE is a full disk, not a crash. */
	signal(SIGXFSZ, SIG_IGN);
	sqlite3_busy_timeout(q->conn, 5000);
	rc = sqlite3_exec(q->conn,
	                  "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	                  " PRAGMA foreign_keys=ON;",
	                  NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		snprintf(msg, size, "%s: %s", path, sqlite3_errmsg(q->conn));
		goto fail;
	}
	*out = db;
	return 0;
fail:
	sq_close(db);
	return -1;
}
