/*
 * lib/collect/rpm.c - the rpm collector: installed packages from the
 * root's rpmdb, read directly (no librpm, no rpm configuration of the
 * scanning host involved).
 *
 * Current distributions keep the rpmdb in sqlite (rpmdb.sqlite under
 * /var/lib/rpm or /usr/lib/sysimage/rpm); its Packages table holds one
 * rpm header blob per package, parsed by rpm_header.c. The database is
 * opened read-only with immutable=1, so sqlite takes no locks and creates
 * no journal, WAL or shm file in the scanned root. The older Berkeley DB
 * ("Packages") and NDB ("Packages.db") formats are not supported: they
 * are named in the scan's stats as skipped, never passed over silently.
 */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "collect_int.h"

static const char *const dirs[] = {"/var/lib/rpm", "/usr/lib/sysimage/rpm"};
#define NDIRS (sizeof(dirs) / sizeof(dirs[0]))

struct rpm_state {
	int fds[NDIRS]; /* rpmdb.sqlite, or -1 */
};

static int exists(int rootfd, const char *dir, const char *file)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = vz__root_open(rootfd, path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int rpm_probe(struct vz_cctx *c)
{
	struct rpm_state *s = vz__calloc(1, sizeof(*s));
	struct stat st[NDIRS];
	size_t i, j, n = 0, len = 0;
	char path[256];

	if (s == NULL)
		return 1; /* collect() reports the lack of memory */
	c->state = s;
	for (i = 0; i < NDIRS; i++) {
		s->fds[i] = -1;
		snprintf(path, sizeof(path), "%s/rpmdb.sqlite", dirs[i]);
		s->fds[i] = vz__root_open(c->rootfd, path,
		                          O_RDONLY | O_NONBLOCK);
		if (s->fds[i] >= 0 && fstat(s->fds[i], &st[i]) != 0) {
			close(s->fds[i]);
			s->fds[i] = -1;
		}
		/* /var/lib/rpm is often a link to the other: read once. */
		for (j = 0; s->fds[i] >= 0 && j < i; j++) {
			if (s->fds[j] >= 0 && st[j].st_dev == st[i].st_dev &&
			    st[j].st_ino == st[i].st_ino) {
				close(s->fds[i]);
				s->fds[i] = -1;
			}
		}
		if (s->fds[i] >= 0) {
			n++;
			len += (size_t)snprintf(
			    c->detail + len, sizeof(c->detail) - len, "%s%s",
			    len ? ", " : "", path);
			if (len >= sizeof(c->detail))
				len = sizeof(c->detail) - 1;
			continue;
		}
		if (exists(c->rootfd, dirs[i], "Packages") ||
		    exists(c->rootfd, dirs[i], "Packages.db")) {
			int bdb = exists(c->rootfd, dirs[i], "Packages");

			snprintf(path, sizeof(path), "%s/%s", dirs[i],
			         bdb ? "Packages" : "Packages.db");
			vz__stats_problem(c->st, c->name, 0,
			                  bdb ? "rpmdb in Berkeley DB format "
			                        "is not supported"
			                      : "rpmdb in NDB format is not "
			                        "supported",
			                  path);
			if (len == 0)
				snprintf(c->detail, sizeof(c->detail),
				         "unsupported rpmdb format: %s", path);
		}
	}
	if (n == 0 && len == 0 && c->detail[0] == '\0')
		snprintf(c->detail, sizeof(c->detail), "no rpm database");
	return n > 0;
}

/*
 * Work sqlite may do for one database: progress-handler calls (one per
 * 1000 virtual machine steps) per byte of it. A full scan of Packages
 * needs a few steps per row; a scanned image must not be able to make
 * us loop, whatever its schema says.
 */
#define STEPS_PER_BYTE 1
#define STEPS_MIN 100000

struct budget {
	uint64_t left;
};

static int over_budget(void *ctx)
{
	struct budget *b = ctx;

	if (b->left == 0)
		return 1;
	b->left--;
	return 0;
}

/*
 * A database made by rpm: Packages is a table with hnum and blob, and
 * nothing in it runs code (no view, no trigger). 0, or -1 with *why.
 */
static int schema_ok(sqlite3 *db, const char **why)
{
	static const char check[] =
	    "SELECT (SELECT count(*) FROM sqlite_master WHERE "
	    "type IN ('view', 'trigger')), "
	    "(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
	    "name = 'Packages'), "
	    "(SELECT count(*) FROM pragma_table_info('Packages') WHERE "
	    "name IN ('hnum', 'blob'))";
	sqlite3_stmt *q = NULL;
	int ok = -1;

	*why = "unreadable rpmdb";
	if (sqlite3_prepare_v2(db, check, -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW) {
		if (sqlite3_column_int(q, 0) != 0)
			*why = "unexpected rpmdb schema (views or triggers)";
		else if (sqlite3_column_int(q, 1) != 1 ||
		         sqlite3_column_int(q, 2) != 2)
			*why = "unexpected rpmdb schema (no Packages table "
			       "with hnum and blob)";
		else
			ok = 0;
	}
	sqlite3_finalize(q);
	return ok;
}

/*
 * Open the database in `data` (a copy of the file) in memory, read-only,
 * with everything that could run code or reach outside switched off.
 */
static sqlite3 *open_copy(char *data, size_t len, struct budget *b)
{
	sqlite3 *db = NULL;

	/* WAL mode in the header would make sqlite look for a -wal file;
	 * the copy is read as the legacy format (the log is wal_check's). */
	if (len >= 20 && (data[18] == 2 || data[19] == 2))
		data[18] = data[19] = 1;
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE,
	                    NULL) != SQLITE_OK)
		goto fail;
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, 100);
	sqlite3_limit(db, SQLITE_LIMIT_COMPOUND_SELECT, 10);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 256 << 20);
	sqlite3_progress_handler(db, 1000, over_budget, b);
	if (sqlite3_deserialize(db, "main", (unsigned char *)data,
	                        (sqlite3_int64)len, (sqlite3_int64)len,
	                        SQLITE_DESERIALIZE_READONLY) != SQLITE_OK)
		goto fail;
	return db;
fail:
	sqlite3_close(db);
	return NULL;
}

vz_status vz__rpmdb_read(struct vz_cctx *c, int fd, const char *origin)
{
	char ex[600], ver[512];
	char *data = NULL;
	size_t len = 0;
	struct budget b;
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	const char *why = "unreadable rpmdb";
	vz_status rc = VZ_OK;
	int s = SQLITE_ERROR;

	/*
	 * Read through the descriptor found inside the root, never by a
	 * path: sqlite reopens a /proc/self/fd/N name by what it points
	 * to, which a swapped link can move outside the root.
	 */
	if (vz__fd_regular(fd) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
		vz__stats_problem(c->st, c->name, 1, vz__errstr(errno),
		                  origin);
		return VZ_OK;
	}
	rc = vz__read_fd(fd, VZ_RPMDB_MAX, &data, &len);
	if (rc == VZ_E_IO) {
		vz__stats_problem(c->st, c->name, 1,
		                  errno == EFBIG ? "rpmdb too large (the limit "
		                                   "is 1 GiB)"
		                                 : vz__errstr(errno),
		                  origin);
		return VZ_OK;
	}
	if (rc != VZ_OK)
		return rc;
	b.left = STEPS_MIN + (uint64_t)len * STEPS_PER_BYTE;
	db = open_copy(data, len, &b);
	if (db != NULL && schema_ok(db, &why) == 0)
		s = sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages",
		                       -1, &q, NULL);
	while (s == SQLITE_OK || s == SQLITE_ROW) {
		struct vz_rpmhdr h;
		const char *hwhy;
		vz_record r;
		const void *blob;
		int n;

		s = sqlite3_step(q);
		if (s != SQLITE_ROW)
			break;
		blob = sqlite3_column_blob(q, 1);
		n = sqlite3_column_bytes(q, 1);
		if (blob == NULL || n <= 0 ||
		    vz__rpmhdr_parse(blob, (size_t)n, &h, &hwhy) != VZ_OK) {
			snprintf(ex, sizeof(ex), "%s: package %lld: %s", origin,
			         (long long)sqlite3_column_int64(q, 0),
			         blob ? hwhy : "empty header");
			vz__stats_problem(c->st, c->name, 1,
			                  "malformed rpm header", ex);
			continue;
		}
		if (h.has_epoch)
			snprintf(ver, sizeof(ver), "%lu:%s-%s",
			         (unsigned long)h.epoch,
			         h.version ? h.version : "",
			         h.release ? h.release : "");
		else
			snprintf(ver, sizeof(ver), "%s-%s",
			         h.version ? h.version : "",
			         h.release ? h.release : "");
		memset(&r, 0, sizeof(r));
		r.kind = VZ_REC_PACKAGE;
		r.origin = origin;
		r.name = h.name;
		r.version = ver;
		r.arch = h.arch;
		r.vendor = h.vendor ? h.vendor : h.packager;
		r.detail = "installed";
		r.pkg_state = VZ_PKG_INSTALLED;
		vz__stats_add(c->st, VZ_STAT_PACKAGES, 1);
		rc = vz__emit(c, &r);
		if (rc != VZ_OK)
			goto out;
		vz__progress(c);
	}
	if (s != SQLITE_DONE) {
		if (s == SQLITE_INTERRUPT)
			why = "rpmdb needs more work than its size allows";
		snprintf(ex, sizeof(ex), "%s: %s", origin,
		         db == NULL ? "not an sqlite database"
		         : q == NULL ? why : sqlite3_errmsg(db));
		vz__stats_problem(c->st, c->name, 1,
		                  q == NULL ? why : "unreadable rpmdb", ex);
	}
out:
	sqlite3_finalize(q);
	sqlite3_close(db);
	vz__free(data);
	return rc;
}

/*
 * Opened immutable, sqlite ignores the write-ahead log. rpm checkpoints
 * it when it closes the database, so a non-empty log means a transaction
 * was interrupted or is running: say that it was not read.
 */
static void wal_check(struct vz_cctx *c, const char *dir)
{
	char path[256];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/rpmdb.sqlite-wal", dir);
	fd = vz__root_open(c->rootfd, path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && st.st_size > 0)
		vz__stats_problem(c->st, c->name, 0,
		                  "rpmdb write-ahead log not read (changes "
		                  "not yet checkpointed)",
		                  path);
	close(fd);
}

static vz_status rpm_collect(struct vz_cctx *c)
{
	struct rpm_state *s = c->state;
	char origin[256];
	vz_status rc = VZ_OK;
	size_t i;

	if (s == NULL)
		return VZ_E_NOMEM;
	for (i = 0; i < NDIRS && rc == VZ_OK; i++) {
		if (s->fds[i] < 0)
			continue;
		snprintf(origin, sizeof(origin), "%s/rpmdb.sqlite", dirs[i]);
		rc = vz__rpmdb_read(c, s->fds[i], origin);
		wal_check(c, dirs[i]);
	}
	return rc;
}

static void rpm_free(struct vz_cctx *c)
{
	struct rpm_state *s = c->state;
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < NDIRS; i++)
		if (s->fds[i] >= 0)
			close(s->fds[i]);
	vz__free(s);
	c->state = NULL;
}

const struct vz_collector vz__collector_rpm = {"rpm", 0, rpm_probe,
                                               rpm_collect, rpm_free};
