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

#include "schema.h"
#include "server.h"

#define PG_CACHE 128

struct pg {
	PGconn *conn;
	char *conninfo;
	const char *prepared[PG_CACHE];
	size_t nprepared;
};

/*
 * The body of a trigger function of host_state (migration 5): the host of
 * row `new` leaves the count of (its organisation and group, seen S,
 * products P, day D) for that of new's products and day, unless the
 * statements FIRST (SQL text, may be empty) return. The update of
 * the old count reads organisation and group; a count that reaches 0
 * goes. Hosts whose old count is missing (a database whose counts were
 * not kept) still get their new one, as with migration 4's functions.
 */
#define PG_MOVE(S, P, D, FIRST) \
	" DECLARE o TEXT; g TEXT; rest BIGINT;" \
	" BEGIN" FIRST \
	"  UPDATE state_counts c SET n = c.n - 1 FROM hosts h" \
	"  WHERE h.id = new.host_id AND c.org = h.org" \
	"  AND c.grp = COALESCE(h.grp, '') AND c.seen = " S \
	"  AND c.products = " P " AND c.day = " D \
	"  RETURNING c.org, c.grp, c.n INTO o, g, rest;" \
	"  IF NOT FOUND THEN" \
	"   SELECT org, COALESCE(grp, '') INTO o, g FROM hosts" \
	"   WHERE id = new.host_id;" \
	"  ELSIF rest = 0 THEN" \
	"   DELETE FROM state_counts WHERE org = o AND grp = g" \
	"   AND seen = " S " AND products = " P " AND day = " D \
	"   AND n = 0;" \
	"  END IF;" \
	"  UPDATE state_counts SET n = n + 1 WHERE org = o AND grp = g" \
	"  AND seen = 1 AND products = new.products" \
	"  AND day = new.scanned_at / 86400;" \
	"  IF NOT FOUND THEN" \
	"   INSERT INTO state_counts VALUES (o, g, 1, new.products," \
	"   new.scanned_at / 86400, 1)" \
	"   ON CONFLICT (org, grp, seen, products, day) DO UPDATE" \
	"   SET n = state_counts.n + 1;" \
	"  END IF;" \
	"  RETURN NULL;" \
	" END"

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
    /* 2: each host's latest report, kept at ingestion, for the
     * compliance view of large fleets (server/ledger.c, fast path). */
    VZS_MIGRATION_2,
    /* 3: find the reports dated after an instant without a scan (the
     * fast compliance path sets those hosts apart). */
    VZS_MIGRATION_3,
    /* 4: how many hosts share organisation, group, latest products and
     * day of latest scan; the same table and rules as SQLite's (see
     * there), kept by triggers. */
    VZS_MIGRATION_4_COUNTS
    /* Add d to one count; a count that reaches 0 goes. */
    "CREATE FUNCTION vz_count(o TEXT, g TEXT, sn INTEGER, p TEXT,"
    " dy BIGINT, d BIGINT) RETURNS void LANGUAGE plpgsql AS $f$"
    " BEGIN"
    "  IF d > 0 THEN"
    "   INSERT INTO state_counts VALUES (o, COALESCE(g, ''), sn, p, dy, d)"
    "   ON CONFLICT (org, grp, seen, products, day) DO UPDATE"
    "   SET n = state_counts.n + excluded.n;"
    "  ELSE"
    "   UPDATE state_counts SET n = n + d WHERE org = o"
    "   AND grp = COALESCE(g, '') AND seen = sn AND products = p"
    "   AND day = dy;"
    "   DELETE FROM state_counts WHERE org = o AND grp = COALESCE(g, '')"
    "   AND seen = sn AND products = p AND day = dy AND n = 0;"
    "  END IF;"
    " END $f$;"
    "CREATE FUNCTION vz_hosts_counted() RETURNS trigger"
    " LANGUAGE plpgsql AS $f$"
    " DECLARE s host_state%ROWTYPE;"
    " BEGIN"
    "  IF TG_OP = 'INSERT' THEN"
    "   PERFORM vz_count(new.org, new.grp, 0, '', 0, 1);"
    "  ELSIF old.grp IS DISTINCT FROM new.grp THEN"
    "   SELECT * INTO s FROM host_state WHERE host_id = old.id;"
    "   IF FOUND THEN"
    "    PERFORM vz_count(old.org, old.grp, 1, s.products,"
    "     s.scanned_at / 86400, -1);"
    "    PERFORM vz_count(new.org, new.grp, 1, s.products,"
    "     s.scanned_at / 86400, 1);"
    "   ELSE"
    "    PERFORM vz_count(old.org, old.grp, 0, '', 0, -1);"
    "    PERFORM vz_count(new.org, new.grp, 0, '', 0, 1);"
    "   END IF;"
    "  END IF;"
    "  RETURN NULL;"
    " END $f$;"
    "CREATE TRIGGER hosts_counted AFTER INSERT OR UPDATE OF grp ON hosts"
    " FOR EACH ROW EXECUTE FUNCTION vz_hosts_counted();"
    /* One host's first report: from never reported to its bucket. */
    "CREATE FUNCTION vz_host_state_counted() RETURNS trigger"
    " LANGUAGE plpgsql AS $f$"
    " DECLARE o TEXT; g TEXT;"
    " BEGIN"
    "  SELECT org, COALESCE(grp, '') INTO o, g FROM hosts"
    "  WHERE id = new.host_id;"
    "  UPDATE state_counts SET n = n - 1 WHERE org = o AND grp = g"
    "  AND seen = 0 AND products = '' AND day = 0;"
    "  DELETE FROM state_counts WHERE org = o AND grp = g AND seen = 0"
    "  AND products = '' AND day = 0 AND n = 0;"
    "  INSERT INTO state_counts VALUES (o, g, 1, new.products,"
    "  new.scanned_at / 86400, 1)"
    "  ON CONFLICT (org, grp, seen, products, day) DO UPDATE"
    "  SET n = state_counts.n + 1;"
    "  RETURN NULL;"
    " END $f$;"
    /* A newer report in another bucket (the WHEN below: reports of the
     * same day and products change no count and cost no call). */
    "CREATE FUNCTION vz_host_state_moved() RETURNS trigger"
    " LANGUAGE plpgsql AS $f$"
    " DECLARE o TEXT; g TEXT;"
    " BEGIN"
    "  SELECT org, COALESCE(grp, '') INTO o, g FROM hosts"
    "  WHERE id = new.host_id;"
    "  UPDATE state_counts SET n = n - 1 WHERE org = o AND grp = g"
    "  AND seen = 1 AND products = old.products"
    "  AND day = old.scanned_at / 86400;"
    "  DELETE FROM state_counts WHERE org = o AND grp = g AND seen = 1"
    "  AND products = old.products AND day = old.scanned_at / 86400"
    "  AND n = 0;"
    "  INSERT INTO state_counts VALUES (o, g, 1, new.products,"
    "  new.scanned_at / 86400, 1)"
    "  ON CONFLICT (org, grp, seen, products, day) DO UPDATE"
    "  SET n = state_counts.n + 1;"
    "  RETURN NULL;"
    " END $f$;"
    "CREATE TRIGGER host_state_counted AFTER INSERT ON host_state"
    " FOR EACH ROW EXECUTE FUNCTION vz_host_state_counted();"
    "CREATE TRIGGER host_state_moved AFTER UPDATE ON host_state"
    " FOR EACH ROW WHEN (old.products IS DISTINCT FROM new.products"
    " OR old.scanned_at / 86400 <> new.scanned_at / 86400)"
    " EXECUTE FUNCTION vz_host_state_moved();"
    /* New report bodies compressed with LZ4, where the server has it:
     * pglz took a quarter of the database's time at ingestion. A
     * server built without LZ4 keeps pglz; old bodies stay as they
     * are (both are read back alike). */
    "DO $d$ BEGIN"
    " ALTER TABLE reports ALTER COLUMN body SET COMPRESSION lz4;"
    " EXCEPTION WHEN feature_not_supported OR syntax_error THEN NULL;"
    " END $d$;",
    /* 5: the same tables and counts, cheaper to keep at ingestion (on
     * PostgreSQL only; SQLite's migration 5 is empty, see there).
     * Measured with bench/server.sh, docs/api.md ("Sizing"). */
    /* Report bodies stay in the TOAST table (a compressed 6 KB body is
     * about 2.8 KB, over the 2 KB target): keeping them in their row
     * (toast_tuple_target = 4096) saved about 5% of the database's
     * instructions per report but made the rows of reports 25 times
     * wider, and every reading of many reports (the ledger as of a
     * date, CSV) 5 to 10 times slower (docs/api.md, "Sizing"). */
    /* The counting functions anew, two statements each where there
     * were four (PG_MOVE). The trigger on update loses its WHEN clause:
     * PostgreSQL reads that clause from its stored text once per
     * statement, which cost more than the test it makes; the function
     * makes it instead, first. */
    "CREATE OR REPLACE FUNCTION vz_host_state_counted() RETURNS trigger"
    " LANGUAGE plpgsql AS $f$" PG_MOVE("0", "''", "0", "") " $f$;"
    "CREATE OR REPLACE FUNCTION vz_host_state_moved() RETURNS trigger"
    " LANGUAGE plpgsql AS $f$"
    PG_MOVE("1", "old.products", "old.scanned_at / 86400",
            "  IF old.products = new.products"
            "  AND old.scanned_at / 86400 = new.scanned_at / 86400 THEN"
            "   RETURN NULL;"
            "  END IF;") " $f$;"
    "DROP TRIGGER host_state_moved ON host_state;"
    "CREATE TRIGGER host_state_moved AFTER UPDATE ON host_state"
    " FOR EACH ROW EXECUTE FUNCTION vz_host_state_moved();",
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

static int stmt_name(struct vzs_db *db, const char *sql, int n, char name[32])
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

/* The rows of one result to fn; 0, or the outcome of an error. */
static int pg_rows(struct vzs_db *db, PGresult *res, vzs_row_fn fn,
                   void *ctx)
{
	ExecStatusType st = PQresultStatus(res);
	const char *cols[64];

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return st == PGRES_PIPELINE_ABORTED ? VZS_DB_ERROR
		                                    : classify(db, res);
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
	return VZS_DB_OK;
}

/*
 * BEGIN, the runs, COMMIT and a sync, sent at once; then the results in
 * order. An error aborts the rest of the pipeline, COMMIT included, so
 * nothing of the batch is committed; the transaction it leaves open is
 * rolled back here. Sending everything before reading cannot deadlock
 * on a blocking connection: what comes back is a few small rows per
 * report, far less than a socket buffer.
 */
static int pg_batch(struct vzs_db *db, const char *sql, int count, int n,
                    const char *const *params, vzs_row_fn fn, void **ctxs)
{
	struct pg *p = db->impl;
	char name[32];
	int rc, sent = 1, out = VZS_DB_OK, synced = 0;

	db->err[0] = '\0';
	if (reconnect(db) != 0)
		return VZS_DB_UNAVAILABLE;
	rc = stmt_name(db, sql, n, name);
	if (rc != VZS_DB_OK)
		return rc;
	if (PQenterPipelineMode(p->conn) != 1)
		goto lost;
	if (!PQsendQueryParams(p->conn, "BEGIN", 0, NULL, NULL, NULL, NULL,
	                       0))
		goto lost_pipeline;
	for (int i = 0; i < count; i++, sent++) {
		const char *const *pi = params + (size_t)i * (size_t)n;
		int ok = name[0] != '\0'
		             ? PQsendQueryPrepared(p->conn, name, n, pi, NULL,
		                                   NULL, 0)
		             : PQsendQueryParams(p->conn, sql, n, NULL, pi,
		                                 NULL, NULL, 0);

		if (!ok)
			goto lost_pipeline;
	}
	if (!PQsendQueryParams(p->conn, "COMMIT", 0, NULL, NULL, NULL,
	                       NULL, 0) ||
	    PQpipelineSync(p->conn) != 1)
		goto lost_pipeline;
	sent++;
	/* Each query's results end with NULL; the sync ends it all. */
	for (int q = 0; q <= sent && !synced; q++) {
		PGresult *res;

		while ((res = PQgetResult(p->conn)) != NULL) {
			ExecStatusType st = PQresultStatus(res);

			if (st == PGRES_PIPELINE_SYNC) {
				synced = 1;
			} else if (out == VZS_DB_OK) {
				int i = q - 1; /* q 0 is BEGIN */

				rc = pg_rows(db, res,
				             i >= 0 && i < count ? fn : NULL,
				             i >= 0 && i < count ? ctxs[i]
				                                 : NULL);
				if (rc != VZS_DB_OK)
					out = rc;
			}
			PQclear(res);
			if (synced)
				break;
		}
		if (PQstatus(p->conn) != CONNECTION_OK)
			goto lost_pipeline;
	}
	if (!synced || PQexitPipelineMode(p->conn) != 1)
		goto lost_pipeline;
	if (out != VZS_DB_OK) {
		char keep[sizeof(db->err)];

		memcpy(keep, db->err, sizeof(keep));
		PQclear(PQexec(p->conn, "ROLLBACK"));
		memcpy(db->err, keep, sizeof(keep));
	}
	return out;
lost_pipeline:
	/* A broken pipeline is a broken connection: start afresh. */
	snprintf(db->err, sizeof(db->err), "postgresql: %s",
	         PQerrorMessage(p->conn));
	db->err[strcspn(db->err, "\n")] = '\0';
	PQreset(p->conn);
	p->nprepared = 0;
	return VZS_DB_UNAVAILABLE;
lost:
	snprintf(db->err, sizeof(db->err), "postgresql: %s",
	         PQerrorMessage(p->conn));
	db->err[strcspn(db->err, "\n")] = '\0';
	return VZS_DB_UNAVAILABLE;
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

/*
 * A report in one statement (see struct vzs_db_ops.ingest): $1 key hash,
 * $2 machine id ('' for none), $3 report id, $4 scanned, $5 received,
 * $6 coverage, $7 catalogue id, $8 its version, $9 findings, $10
 * products, $11 body, $12 hostname, $13 fqdn, $14 os. One row if the key
 * is known: host id, machine id, revoked at, the report id if inserted,
 * the host that had it before. The same steps as the generic path.
 */
static const char pg_ingest[] =
    "WITH k AS (SELECT id, machine_id, key_revoked_at FROM hosts"
    "  WHERE key_hash = $1),"
    " ok AS (SELECT id FROM k WHERE key_revoked_at IS NULL"
    "  AND COALESCE(machine_id, '') = $2),"
    " ins AS (INSERT INTO reports (report_id, host_id, scanned_at,"
    "  received_at, coverage, catalog_id, catalog_version, nfindings,"
    "  products, body) SELECT $3, ok.id, CAST($4 AS BIGINT),"
    "  CAST($5 AS BIGINT), $6, $7, CAST($8 AS BIGINT),"
    "  CAST($9 AS INTEGER), $10, $11 FROM ok"
    "  ON CONFLICT (report_id) DO NOTHING RETURNING report_id, host_id),"
    " hu AS (UPDATE hosts SET hostname = $12, fqdn = $13, os = $14"
    "  WHERE id = (SELECT host_id FROM ins)"
    "  AND (hostname, fqdn, os) IS DISTINCT FROM ($12, $13, $14)),"
    " hs AS (INSERT INTO host_state (host_id, report_id, scanned_at,"
    "  received_at, coverage, products) SELECT host_id, report_id,"
    "  CAST($4 AS BIGINT), CAST($5 AS BIGINT), $6, $10 FROM ins"
    "  ON CONFLICT (host_id) DO UPDATE SET"
    "  report_id = excluded.report_id, scanned_at = excluded.scanned_at,"
    "  received_at = excluded.received_at, coverage = excluded.coverage,"
    "  products = excluded.products"
    "  WHERE excluded.scanned_at > host_state.scanned_at"
    "  OR (excluded.scanned_at = host_state.scanned_at"
    "  AND (excluded.received_at > host_state.received_at"
    "  OR (excluded.received_at = host_state.received_at"
    "  AND excluded.report_id > host_state.report_id))))"
    " SELECT k.id, k.machine_id, k.key_revoked_at,"
    "  (SELECT report_id FROM ins),"
    "  (SELECT host_id FROM reports WHERE report_id = $3) FROM k";

static const struct vzs_db_ops pg_ops = {
    .name = "postgresql",
    .query = pg_query,
    .close = pg_close,
    .migrations = pg_migrations,
    .begin = "BEGIN",
    .ingest = pg_ingest,
    .batch = pg_batch,
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
