/*
 * server/server.h - what the fleet server's files share: the database
 * layer (one interface, a SQLite and a PostgreSQL backend), the server's
 * state, requests and responses, the catalogue view and the ledger.
 *
 * The server uses only libvoorzorg's public API (the voorzorg/ headers);
 * its own names carry the prefix vzs_. Docs: docs/api.md.
 */
#ifndef VZS_SERVER_H
#define VZS_SERVER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <voorzorg/voorzorg.h>

/* ---- database ---------------------------------------------------------- */

/* Outcomes of a database call. UNAVAILABLE becomes 503, ERROR 500. */
enum vzs_dbrc {
	VZS_DB_OK = 0,
	VZS_DB_CONFLICT = 1,    /* a unique or foreign key was violated */
	VZS_DB_UNAVAILABLE = 2, /* disk full, read-only, connection lost */
	VZS_DB_ERROR = 3
};

/* Called once per result row; NULL columns are NULL. Non-zero stops. */
typedef int (*vzs_row_fn)(void *ctx, int ncols, const char *const *cols);

struct vzs_db;

/*
 * A backend. SQL is written once for both, with parameters $1..$n passed
 * as text (NULL for SQL NULL); only the migrations differ in dialect.
 */
struct vzs_db_ops {
	const char *name; /* "sqlite", "postgresql" */
	int (*query)(struct vzs_db *db, const char *sql, int nparams,
	             const char *const *params, vzs_row_fn fn, void *ctx);
	void (*close)(struct vzs_db *db);
	const char *const *migrations; /* NULL-terminated; [0] is version 1 */
	const char *begin;             /* SQL that opens a write transaction */
	/*
	 * NULL, or one statement that stores a report (server/api_reports.c
	 * says its parameters and result): for a server process, where each
	 * statement is a round trip, storing a report in one saves five.
	 */
	const char *ingest;
	/*
	 * NULL, or: open a transaction, run `sql` (a literal, as for
	 * query) once per set of n parameters (params holds count * n),
	 * commit, all in one round trip (PostgreSQL's pipeline mode); the
	 * rows of run i go to fn(ctxs[i], ...). Anything but VZS_DB_OK:
	 * nothing was committed and no transaction is left open.
	 */
	int (*batch)(struct vzs_db *db, const char *sql, int count, int n,
	             const char *const *params, vzs_row_fn fn, void **ctxs);
};

struct vzs_db {
	const struct vzs_db_ops *ops;
	pthread_mutex_t lock; /* one connection, one user at a time */
	char err[512];        /* the last error, for the log */
	void *impl;           /* owned by the backend */
};

/*
 * Open "sqlite:PATH" or "postgresql://..." (also "postgres://") and apply
 * migrations. 0 and *out owned (vzs_db_close), else -1 with msg filled.
 */
int vzs_db_open(const char *spec, struct vzs_db **out, char *msg, size_t size);
void vzs_db_close(struct vzs_db *db);
int vzs_sqlite_open(const char *path, struct vzs_db **out, char *msg,
                    size_t size);
int vzs_pg_open(const char *conninfo, struct vzs_db **out, char *msg,
                size_t size);
/* The schema version the database is at (after vzs_db_open). */
int vzs_db_version(struct vzs_db *db);
/* The number of migrations this server knows. */
int vzs_db_latest(const struct vzs_db *db);

/*
 * Run one statement; the caller holds db->lock. `sql` must have static
 * storage (a literal): its address keys the prepared-statement cache.
 */
int vzs_q(struct vzs_db *db, const char *sql, int n, const char *const *params,
          vzs_row_fn fn, void *ctx);
int vzs_begin(struct vzs_db *db);
int vzs_commit(struct vzs_db *db);
void vzs_rollback(struct vzs_db *db);

/* ---- small helpers (util.c) -------------------------------------------- */

/* Seconds since the epoch: VOORZORG_NOW if set at start, else the clock. */
int64_t vzs_now(void);
/* Reads VOORZORG_NOW once; -1 if it is set but not an instant. */
int vzs_clock_init(void);
int vzs_clock_fixed(void);
/* RFC 3339 instant or YYYY-MM-DD (end_of_day: 23:59:59 of it). */
int vzs_parse_time(const char *s, int end_of_day, int64_t *out);
/* YYYY-MM-DD only: days since the epoch. */
int vzs_parse_date(const char *s, int64_t *days);
void vzs_fmt_time(int64_t t, char out[32]);
void vzs_fmt_date(int64_t days, char out[16]);
/* n random bytes as 2n lowercase hex digits plus NUL. */
int vzs_random_hex(char *out, size_t nbytes);
/* SHA-256 of s as 64 hex digits. */
void vzs_sha256_hex(const char *s, size_t len, char out[65]);
int vzs_is_hex(const char *s, size_t len);
/* Constant-time string comparison; 1 when equal. */
int vzs_token_eq(const char *a, const char *b);
/* An id of the organisation kind: [a-z0-9-]{1,64}. */
int vzs_valid_id(const char *s);

/* ---- catalogue view (measures.c) --------------------------------------- */

struct vzs_deadline {
	char verb[32];
	int64_t day; /* days since the epoch */
};

struct vzs_sector_action {
	char *sector;
	char *action;
	char *exemption_policy;
	struct vzs_deadline *deadlines;
	size_t ndeadlines;
};

struct vzs_measure {
	char *id;
	char *title;     /* may be NULL */
	char *reference; /* may be NULL */
	char **products;
	size_t nproducts;
	struct vzs_sector_action *sectors;
	size_t nsectors;
};

struct vzs_catview {
	vz_catalog *cat; /* owned */
	char key_id[VZ_KEYID_HEX_SIZE];
	char path[1024];
	int64_t loaded_at;
	struct vzs_measure *measures;
	size_t nmeasures;
};

struct vzs_catalog_opts {
	const char *path;
	const char *pubkey;
	int allow_unsigned;
};

/* Open (verify, rollback-check) and index a catalogue; 0 or -1 + msg. */
int vzs_catview_open(const struct vzs_catalog_opts *o, struct vzs_catview **out,
                     int *status, char *msg, size_t size);
void vzs_catview_free(struct vzs_catview *cv);
const struct vzs_measure *vzs_measure_find(const struct vzs_catview *cv,
                                           const char *id);
/* The measure's action for a sector; NULL if the sector is not listed. */
const struct vzs_sector_action *vzs_measure_sector(const struct vzs_measure *m,
                                                   const char *sector);
int vzs_measure_covers(const struct vzs_measure *m, const char *product);
/* Whether a sector id is in the catalogue. */
int vzs_catview_has_sector(const struct vzs_catview *cv, const char *s);

/* ---- the server -------------------------------------------------------- */

struct vzs_server {
	struct vzs_db *db;
	pthread_rwlock_t cat_lock;
	struct vzs_catview *cat;
	struct vzs_catalog_opts cat_opts;
	char admin_token[256]; /* empty: no admin access */
	int stale_days;
	int verbosity; /* -1 quiet, 0 normal, 1 a line per request */
};

#define VZS_MAX_PARAMS 32
#define VZS_REPORT_MAX (8u * 1024u * 1024u)
#define VZS_BODY_MAX (64u * 1024u)

/* The most a request body may hold: VZS_REPORT_MAX for POSTing a report
 * or an inventory, VZS_BODY_MAX for everything else (http.c;
 * docs/api.md). */
size_t vzs_body_limit(const char *method, const char *url);

struct vzs_req {
	const char *method;
	const char *path;
	const char *auth;  /* the Authorization header or NULL */
	const char *ctype; /* Content-Type or NULL */
	const char *body; /* NULL, or len bytes and a NUL after them */
	size_t len;
	int nparams;
	const char *pkey[VZS_MAX_PARAMS];
	const char *pval[VZS_MAX_PARAMS];
};

struct vzs_resp {
	int status;
	char *body; /* owned */
	size_t len;
	const char *ctype; /* static */
	int attachment;    /* CSV: Content-Disposition: attachment */
};

/* Answer one request; never fails (errors are responses). */
void vzs_api_handle(struct vzs_server *s, const struct vzs_req *rq,
                    struct vzs_resp *rs);
/* Reopen the catalogue; 0, or an HTTP status with msg filled. */
int vzs_catalog_reload(struct vzs_server *s, char *msg, size_t size);

/* Fill rs with {"error": msg} and the status. */
void vzs_error(struct vzs_resp *rs, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Fill rs with the JSON of o (stolen) and the status. */
void vzs_json(struct vzs_resp *rs, int status, json_t *o);
/* The status for a database outcome, with the message set. */
void vzs_db_error(struct vzs_resp *rs, int dbrc);

/* ---- the report parser (report.c) -------------------------------------- */

struct vzs_found {
	char product[128];
	char state[16];
};

struct vzs_report {
	char report_id[33];
	char machine_id[33]; /* empty when null */
	char *hostname;      /* owned */
	char *fqdn;          /* owned or NULL */
	char *os;            /* owned or NULL */
	int64_t scanned_at;
	char coverage[16];
	char catalog_id[128];
	int64_t catalog_version;
	struct vzs_found *found; /* owned */
	size_t nfound;
	char *products; /* owned: "product state;..." for the store */
};

/*
 * Parse and check a scan report (docs/report.md, report_schema 2). 0 on
 * success (release with vzs_report_clear), else the HTTP status (400 or
 * 422) with msg saying what is wrong and where.
 */
int vzs_report_parse(const char *data, size_t len, struct vzs_report *r,
                     char *msg, size_t size);
void vzs_report_clear(struct vzs_report *r);

/* ---- the ledger (ledger.c) --------------------------------------------- */

enum vzs_state {
	VZS_STALE = 0,
	VZS_COMPLIANT,
	VZS_EXEMPTED,
	VZS_OVERDUE,
	VZS_PENDING,
	VZS_NSTATES
};
const char *vzs_state_name(enum vzs_state st);
int vzs_state_parse(const char *s);

/*
 * A host's state for a measure at t before exemptions (state.c): stale
 * if its last report (scanned at last_scanned; -1: none) is older than
 * stale_days days, else compliant without the product, else overdue
 * once the removal deadline's day (days since the epoch; -1: none) has
 * ended, else pending.
 */
enum vzs_state vzs_state_of(int64_t t, int64_t last_scanned, int stale_days,
                            int has_product, int64_t deadline);

/* An exemption as stored (docs/api.md, "Exemptions"). */
struct vzs_exemption {
	int64_t id;
	char *org, *measure, *kind, *value; /* measure NULL: all */
	int64_t created, expires, expired;  /* expired: -1 never */
};

/*
 * Whether e covers the host (id, organisation, group or NULL) for the
 * measure at t: in force from created until expiry or an early end
 * (exclusive), same organisation and measure, and a scope (host, group,
 * organisation) that takes the host in.
 */
int vzs_exemption_covers(const struct vzs_exemption *e, int64_t host,
                         const char *org, const char *grp,
                         const char *measure, int64_t t);

struct vzs_ledger_row {
	int64_t host_id;
	const char *hostname; /* borrowed from the ledger */
	const char *org;
	const char *group;
	const char *sector;
	const struct vzs_measure *measure;
	enum vzs_state state;
	char products[512];                         /* comma-separated */
	int64_t first_seen, last_seen, last_report; /* 0: none */
	char coverage[16];
	int residue;
	int has_product;
	int64_t deadline; /* days; -1: none */
	int deadline_overlay;
	int64_t exemption; /* id; 0: none */
	long long weight;  /* hosts this row stands for (1 but in groups) */
};

struct vzs_ledger_query {
	const char *org;    /* NULL: all */
	const char *sector; /* NULL: all */
	const char *measure;
	const char *group;
	int64_t host; /* 0: all */
};

struct vzs_ledger;

/*
 * Load what the ledger needs (hosts, report summaries up to `upto`,
 * exemptions, overlays) for the query. 0 or a database outcome.
 */
int vzs_ledger_load(struct vzs_server *s, const struct vzs_catview *cv,
                    const struct vzs_ledger_query *q, int64_t upto,
                    struct vzs_ledger **out);
/*
 * The same, for the compliance counts as of now only, for large fleets:
 * hosts that share organisation, group, latest products and staleness
 * are loaded as one weighted row (from the counts the database keeps,
 * table state_counts, per day of latest scan); hosts an exemption names one
 * by one, and hosts whose latest report is dated after `now`, are loaded
 * singly. Rows then carry weights; counts equal those of
 * vzs_ledger_load at the same instant (tested).
 */
int vzs_ledger_load_counts(struct vzs_server *s, const struct vzs_catview *cv,
                           const struct vzs_ledger_query *q, int64_t now,
                           struct vzs_ledger **out);
void vzs_ledger_free(struct vzs_ledger *l);
/* Every row as of `t` (<= upto); rows are owned by the ledger until the
 * next call. */
int vzs_ledger_rows(struct vzs_ledger *l, int64_t t,
                    struct vzs_ledger_row **rows, size_t *n);
/* The effective deadlines of a measure for an organisation at t. */
json_t *vzs_ledger_deadlines(struct vzs_ledger *l, const char *org,
                             const char *sector, const struct vzs_measure *m,
                             int64_t t, json_t **milestones);

/* ---- the HTTP front (http.c) ------------------------------------------- */

struct vzs_http_opts {
	const char *listen;              /* ADDR:PORT */
	const char *cert_pem, *key_pem;  /* NULL: plain HTTP */
	unsigned threads;
};

/*
 * Read and check --tls-cert and --tls-key (tls.c): a PEM certificate, an
 * unencrypted PEM private key, the key of that certificate. 0 with both
 * texts owned (free), else -1 with msg naming the file and what is wrong.
 */
int vzs_tls_load(const char *cert_path, const char *key_path, char **cert,
                 char **key, char *msg, size_t size);

int vzs_http_run(struct vzs_server *s, const struct vzs_http_opts *o);

/* Entry point of `voorzorg serve`; returns the exit code. */
int vzs_serve_main(int argc, char **argv);

#endif /* VZS_SERVER_H */
