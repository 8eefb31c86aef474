/*
 * server/store.c - the database layer both backends share: choosing the
 * backend from --db, schema migrations, transactions.
 *
 * The schema is versioned: table vz_schema holds the version, and the
 * backend lists one migration per version. At start every migration
 * newer than the database is applied, each in its own transaction with
 * the version bump, so a crash leaves the database at a version, never
 * between two. A database newer than this server is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

int vzs_q(struct vzs_db *db, const char *sql, int n, const char *const *params,
          vzs_row_fn fn, void *ctx)
{
	return db->ops->query(db, sql, n, params, fn, ctx);
}

int vzs_begin(struct vzs_db *db)
{
	return vzs_q(db, db->ops->begin, 0, NULL, NULL, NULL);
}

int vzs_commit(struct vzs_db *db)
{
	return vzs_q(db, "COMMIT", 0, NULL, NULL, NULL);
}

void vzs_rollback(struct vzs_db *db)
{
	char keep[sizeof(db->err)];

	/* Keep the error that made us roll back, not the rollback's. */
	memcpy(keep, db->err, sizeof(keep));
	(void)vzs_q(db, "ROLLBACK", 0, NULL, NULL, NULL);
	memcpy(db->err, keep, sizeof(keep));
}

static int one_int(void *ctx, int ncols, const char *const *cols)
{
	if (ncols > 0 && cols[0] != NULL)
		*(int *)ctx = atoi(cols[0]);
	return 0;
}

int vzs_db_version(struct vzs_db *db)
{
	int v = -1;

	if (vzs_q(db, "SELECT max(version) FROM vz_schema", 0, NULL, one_int,
	          &v) != VZS_DB_OK)
		return -1;
	return v < 0 ? 0 : v;
}

int vzs_db_latest(const struct vzs_db *db)
{
	int n = 0;

	while (db->ops->migrations[n] != NULL)
		n++;
	return n;
}

static int migrate(struct vzs_db *db, char *msg, size_t size)
{
	int v, latest = vzs_db_latest(db), rc;
	char num[16], now[24];
	const char *p[2] = {num, now};

	/* Read first: a read-only database at the latest version is
	 * served (reads only) without any write. */
	v = vzs_db_version(db);
	if (v < 0) {
		rc = vzs_q(db,
		           "CREATE TABLE IF NOT EXISTS vz_schema "
		           "(version INTEGER NOT NULL,"
		           " applied_at BIGINT NOT NULL)",
		           0, NULL, NULL, NULL);
		if (rc != VZS_DB_OK)
			goto fail;
		v = vzs_db_version(db);
		if (v < 0)
			goto fail;
	}
	if (v > latest) {
		snprintf(msg, size,
		         "the database is at schema version %d, newer than "
		         "this server knows (%d); use a newer voorzorg",
		         v, latest);
		return -1;
	}
	for (; v < latest; v++) {
		if ((rc = vzs_begin(db)) != VZS_DB_OK)
			goto fail;
		rc = vzs_q(db, db->ops->migrations[v], 0, NULL, NULL, NULL);
		snprintf(num, sizeof(num), "%d", v + 1);
		snprintf(now, sizeof(now), "%lld", (long long)vzs_now());
		if (rc == VZS_DB_OK)
			rc = vzs_q(db, "INSERT INTO vz_schema VALUES ($1, $2)",
			           2, p, NULL, NULL);
		if (rc == VZS_DB_OK)
			rc = vzs_commit(db);
		if (rc != VZS_DB_OK) {
			vzs_rollback(db);
			snprintf(msg, size,
			         "migration to schema version %d: %s", v + 1,
			         db->err);
			return -1;
		}
	}
	return 0;
fail:
	snprintf(msg, size, "schema: %s", db->err);
	return -1;
}

int vzs_db_open(const char *spec, struct vzs_db **out, char *msg, size_t size)
{
	struct vzs_db *db = NULL;
	int rc;

	*out = NULL;
	if (strncmp(spec, "sqlite:", 7) == 0) {
		if (spec[7] == '\0') {
			snprintf(msg, size, "--db sqlite: needs a path");
			return -1;
		}
		rc = vzs_sqlite_open(spec + 7, &db, msg, size);
	} else if (strncmp(spec, "postgresql://", 13) == 0 ||
	           strncmp(spec, "postgres://", 11) == 0) {
		rc = vzs_pg_open(spec, &db, msg, size);
	} else {
		snprintf(
		    msg, size,
		    "--db: '%s' is neither sqlite:PATH nor postgresql://...",
		    spec);
		return -1;
	}
	if (rc != 0)
		return -1;
	if (pthread_mutex_init(&db->lock, NULL) != 0) {
		db->ops->close(db);
		snprintf(msg, size, "out of resources");
		return -1;
	}
	if (migrate(db, msg, size) != 0) {
		vzs_db_close(db);
		return -1;
	}
	*out = db;
	return 0;
}

void vzs_db_close(struct vzs_db *db)
{
	if (db == NULL)
		return;
	pthread_mutex_destroy(&db->lock);
	db->ops->close(db);
}
