/*
 * server/schema.h - the parts of the schema's migrations whose SQL is the
 * same on SQLite and PostgreSQL, written once so that the two stores
 * cannot drift apart (server/store_sqlite.c, server/store_pg.c; the
 * issue asks for the same schema on both). A migration that has shipped
 * is never edited: a change is a new migration.
 */
#ifndef VZS_SCHEMA_H
#define VZS_SCHEMA_H

/* 2: each host's latest report, kept at ingestion, for the compliance
 * view of large fleets (server/ledger.c, fast path). */
#define VZS_MIGRATION_2 \
	"CREATE TABLE host_state (" \
	" host_id BIGINT PRIMARY KEY REFERENCES hosts(id)," \
	" report_id TEXT NOT NULL, scanned_at BIGINT NOT NULL," \
	" received_at BIGINT NOT NULL, coverage TEXT NOT NULL," \
	" products TEXT NOT NULL);" \
	"INSERT INTO host_state SELECT r.host_id, r.report_id, r.scanned_at," \
	" r.received_at, r.coverage, r.products FROM reports r" \
	" WHERE r.report_id = (SELECT r2.report_id FROM reports r2" \
	"  WHERE r2.host_id = r.host_id ORDER BY r2.scanned_at DESC," \
	"  r2.received_at DESC, r2.report_id DESC LIMIT 1);"

/* 3: find the reports dated after an instant without a scan (the fast
 * compliance path sets those hosts apart). */
#define VZS_MIGRATION_3 \
	"CREATE INDEX host_state_scanned ON host_state (scanned_at);" \
	"CREATE INDEX host_state_received ON host_state (received_at);"

/* 4, its first part: the table of counts, the index on enrolment, and
 * the counts of the data already stored. Each store adds the triggers
 * that keep the counts, in its own dialect. */
#define VZS_MIGRATION_4_COUNTS \
	"CREATE TABLE state_counts (" \
	" org TEXT NOT NULL, grp TEXT NOT NULL, seen INTEGER NOT NULL," \
	" products TEXT NOT NULL, day BIGINT NOT NULL, n BIGINT NOT NULL," \
	" PRIMARY KEY (org, grp, seen, products, day));" \
	"CREATE INDEX hosts_enrolled ON hosts (enrolled_at);" \
	"INSERT INTO state_counts SELECT h.org, COALESCE(h.grp, '')," \
	" CASE WHEN s.host_id IS NULL THEN 0 ELSE 1 END," \
	" COALESCE(s.products, ''), COALESCE(s.scanned_at / 86400, 0)," \
	" count(*) FROM hosts h LEFT JOIN host_state s ON s.host_id = h.id" \
	" GROUP BY 1, 2, 3, 4, 5;"

#endif
