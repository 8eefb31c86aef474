/*
 * tests/hostile/test_hostile.c - the helpers that keep hostile input
 * harmless (issue 10): escaping for people and shells, refusing what is
 * not a regular file without blocking, bounding property lists before
 * libplist sees them, and the state file's types.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "../vz_test.h"
#include "collect/collect_int.h"
#include "verify/verify_int.h"

/* ---- escaping (class 6) ------------------------------------------------ */

static const char *esc(struct vz_buf *b, const char *s, int flags)
{
	const char *r = vz__escape(b, s, flags);

	assert_non_null(r);
	return r;
}

static void test_escape_plain_unchanged(void **state)
{
	struct vz_buf b;

	(void)state;
	vz__buf_init(&b);
	assert_string_equal(esc(&b, "/opt/kaspersky/kesl", VZ_ESC_CTL),
	                    "/opt/kaspersky/kesl");
	/* Registry paths keep their backslashes. */
	assert_string_equal(esc(&b, "HKLM\\SOFTWARE\\KasperskyLab", 0),
	                    "HKLM\\SOFTWARE\\KasperskyLab");
	assert_string_equal(esc(&b, "caf\xc3\xa9", VZ_ESC_CTL),
	                    "caf\xc3\xa9");
	vz__buf_free(&b);
}

/* The byte 0xFF and the four characters "\xff" must not look alike. */
static void test_escape_unambiguous(void **state)
{
	struct vz_buf b;
	char *one, *two;

	(void)state;
	vz__buf_init(&b);
	one = strdup(esc(&b, "a\xff", 0));
	two = strdup(esc(&b, "a\\xff", 0));
	assert_string_equal(one, "a\\xff");
	assert_string_equal(two, "a\\\\xff");
	assert_string_not_equal(one, two);
	free(one);
	free(two);
	/* Once escaped, every backslash is doubled. */
	assert_string_equal(esc(&b, "C:\\x\xfe", 0), "C:\\\\x\\xfe");
	vz__buf_free(&b);
}

static void test_escape_controls(void **state)
{
	struct vz_buf b;

	(void)state;
	vz__buf_init(&b);
	/* A title-setting sequence, a fake line, DEL, C1 CSI, RLO. */
	assert_string_equal(esc(&b, "x\x1b]0;owned\x07y", VZ_ESC_CTL),
	                    "x\\x1b]0;owned\\x07y");
	assert_string_equal(esc(&b, "a\n    2. rm -rf /", VZ_ESC_CTL),
	                    "a\\x0a    2. rm -rf /");
	assert_string_equal(esc(&b, "\x7f", VZ_ESC_CTL), "\\x7f");
	assert_string_equal(esc(&b, "\xc2\x9b" "2J", VZ_ESC_CTL),
	                    "\\xc2\\x9b2J");
	assert_string_equal(esc(&b, "exe.\xe2\x80\xaegpj", VZ_ESC_CTL),
	                    "exe.\\xe2\\x80\\xaegpj");
	/* JSON escapes its own controls: without VZ_ESC_CTL they stay. */
	assert_string_equal(esc(&b, "a\tb", 0), "a\tb");
	vz__buf_free(&b);
}

static const char *word(struct vz_buf *b, const char *s)
{
	b->len = 0;
	vz__shell_word(b, s);
	vz__buf_add(b, "", 1);
	assert_false(b->failed);
	return b->data;
}

static void test_shell_word(void **state)
{
	struct vz_buf b;

	(void)state;
	vz__buf_init(&b);
	assert_string_equal(word(&b, "/mnt/img"), "/mnt/img");
	assert_string_equal(word(&b, "/mnt/x; rm -rf ~"),
	                    "'/mnt/x; rm -rf ~'");
	assert_string_equal(word(&b, "it's"), "'it'\\''s'");
	assert_string_equal(word(&b, "$(reboot)"), "'$(reboot)'");
	assert_string_equal(word(&b, ""), "''");
	/* Bytes that cannot be typed: $'...' with octal, exact bytes. */
	assert_string_equal(word(&b, "a\xff"), "$'a\\377'");
	assert_string_equal(word(&b, "a\nb"), "$'a\\012b'");
	assert_string_equal(word(&b, "a\\xff"), "$'a\\134xff'");
	assert_string_equal(word(&b, "'\x1b"), "$'\\047\\033'");
	vz__buf_free(&b);
}

/* ---- property lists (class 2) ----------------------------------------- */

/* An XML plist nested `levels` deep: <array><array>... */
static char *deep_xml(size_t levels, size_t *len)
{
	static const char head[] = "<?xml version=\"1.0\"?>\n<!DOCTYPE plist "
	                           "PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
	                           "\"x\">\n<plist version=\"1.0\">";
	struct vz_buf b;
	size_t i;

	vz__buf_init(&b);
	vz__buf_puts(&b, head);
	for (i = 0; i < levels; i++)
		vz__buf_puts(&b, "<array>");
	for (i = 0; i < levels; i++)
		vz__buf_puts(&b, "</array>");
	vz__buf_puts(&b, "</plist>\n");
	assert_false(b.failed);
	*len = b.len;
	return vz__buf_take(&b);
}

/*
 * A binary plist of n+1 objects: object 0 an empty array, object k an
 * array holding object k-1 twice. Some hundred bytes; expanded as
 * libplist expands shared references, 2^n nodes.
 */
static size_t shared_bplist(unsigned char *out, unsigned n)
{
	size_t len = 8, table, i;
	size_t offs[80];

	memcpy(out, "bplist00", 8);
	offs[0] = len;
	out[len++] = 0xa0;
	for (i = 1; i <= n; i++) {
		offs[i] = len;
		out[len++] = 0xa2;
		out[len++] = (unsigned char)(i - 1);
		out[len++] = (unsigned char)(i - 1);
	}
	table = len;
	for (i = 0; i <= n; i++) {
		out[len++] = (unsigned char)(offs[i] >> 8);
		out[len++] = (unsigned char)offs[i];
	}
	memset(out + len, 0, 32);
	out[len + 6] = 2; /* offset size */
	out[len + 7] = 1; /* reference size */
	out[len + 15] = (unsigned char)(n + 1); /* objects */
	out[len + 23] = (unsigned char)n;       /* top object */
	out[len + 30] = (unsigned char)(table >> 8);
	out[len + 31] = (unsigned char)table;
	return len + 32;
}

static void test_plist_deep_xml(void **state)
{
	static const char *const keys[] = {"Label"};
	const char *why = NULL;
	char *vals[1];
	size_t len;
	char *x;

	(void)state;
	x = deep_xml(200000, &len);
	assert_int_equal(vz__plist_bounded(x, len, &why), -1);
	assert_string_equal(why, "property list nested too deeply");
#ifdef VZ_HAVE_PLIST
	/* Before: libplist's recursive parser overflowed the stack. */
	why = NULL;
	assert_int_equal(vz__plist_strings(x, len, keys, vals, 1, &why), -1);
	assert_non_null(why);
#else
	(void)keys;
	(void)vals;
#endif
	vz__free(x);
	/* Within the limit it is still a property list. */
	x = deep_xml(VZ_PLIST_DEPTH - 2, &len);
	assert_int_equal(vz__plist_bounded(x, len, &why), 0);
	vz__free(x);
}

static void test_plist_shared_bplist(void **state)
{
	static const char *const keys[] = {"Label"};
	unsigned char buf[1024];
	const char *why = NULL;
	char *vals[1];
	size_t len;

	(void)state;
	len = shared_bplist(buf, 64);
	assert_true(len < 1024);
	assert_int_equal(vz__plist_bounded((char *)buf, len, &why), -1);
	assert_non_null(strstr(why, "too large when expanded"));
#ifdef VZ_HAVE_PLIST
	/* Before: libplist expanded it towards 2^64 nodes. */
	why = NULL;
	assert_int_equal(vz__plist_strings((char *)buf, len, keys, vals, 1,
	                                   &why),
	                 -1);
	assert_non_null(why);
#else
	(void)keys;
	(void)vals;
#endif
	/* 2^10 nodes is a plist like any other. */
	len = shared_bplist(buf, 10);
	assert_int_equal(vz__plist_bounded((char *)buf, len, &why), 0);
	/* A cycle (object 1 holds itself) ends at the depth limit. */
	len = shared_bplist(buf, 1);
	buf[10] = 1;
	assert_int_equal(vz__plist_bounded((char *)buf, len, &why), -1);
}

/* ---- the state file's types (class 7) ---------------------------------- */

static vz_status state_with(const char *entry, int64_t *version)
{
	char path[] = "/tmp/vz-hostile-state.XXXXXX";
	vz_error err;
	vz_status rc;
	FILE *f;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, "{\"format\": \"voorzorg-state/1\", \"catalogs\": "
	           "{\"nl-voorzorg\": %s}}\n", entry);
	fclose(f);
	vz_error_clear(&err);
	rc = vz__state_get(path, "nl-voorzorg", version, &err);
	if (rc != VZ_OK)
		assert_non_null(strstr(err.msg, "corrupt state file"));
	unlink(path);
	return rc;
}

static void test_state_types(void **state)
{
	static const char *const wrong[] = {
		"{\"version\": \"5\"}", "{\"version\": 5.0}", "\"5\"", "5",
		"{\"version\": -1}", "{\"version\": null}", "{}", "[5]",
		"{\"version\": true}"};
	int64_t v;
	size_t i;

	(void)state;
	assert_int_equal(state_with("{\"version\": 5, \"accepted\": "
	                            "\"2026-01-01T00:00:00Z\"}", &v),
	                 VZ_OK);
	assert_int_equal(v, 5);
	for (i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		v = 0;
		if (state_with(wrong[i], &v) != VZ_E_PARSE)
			fail_msg("state entry %s was accepted (version %lld)",
			         wrong[i], (long long)v);
	}
}

/* ---- the sqlite rpmdb (class 4) ---------------------------------------- */

#ifdef VZ_HAVE_SQLITE
#include <fcntl.h>
#include <sqlite3.h>

static void mkdb(const char *path, const char *sql)
{
	sqlite3 *db;

	unlink(path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static vz_status no_record(void *ctx, const vz_record *r)
{
	(void)r;
	++*(int *)ctx;
	return VZ_OK;
}

/* Read the rpmdb open at fd; how many problems and records. */
static void rpmdb(int fd, size_t *problems, int *records, char **reason)
{
	vz_sink sink = {.record = no_record, .ctx = records};
	struct vz_cctx c;
	vz_stats *st = vz_stats_new();

	assert_non_null(st);
	memset(&c, 0, sizeof(c));
	c.rootfd = -1;
	c.sink = &sink;
	c.st = st;
	c.name = "rpm";
	*records = 0;
	assert_int_equal(vz__rpmdb_read(&c, fd, "rpmdb.sqlite"), VZ_OK);
	*problems = vz_stats_problem_count(st);
	*reason = *problems ? strdup(vz_stats_problem(st, 0)->reason) : NULL;
	vz_stats_free(st);
}

/* A recursive view named Packages: before, sqlite ran it forever. */
static void test_rpmdb_recursive_view(void **state)
{
	char path[] = "/tmp/vz-hostile-rpmdb.XXXXXX";
	char *reason;
	size_t problems;
	int records, fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	mkdb(path, "CREATE VIEW Packages AS WITH RECURSIVE r(hnum, blob) "
	           "AS (SELECT 1, x'00' UNION ALL SELECT hnum + 1, blob "
	           "FROM r) SELECT hnum, blob FROM r;");
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	rpmdb(fd, &problems, &records, &reason);
	assert_int_equal(problems, 1);
	assert_non_null(strstr(reason, "unexpected rpmdb schema"));
	free(reason);
	close(fd);
	/* A table whose rows are made by a trigger is refused as well. */
	mkdb(path, "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, "
	           "blob BLOB); CREATE TABLE t(x); CREATE TRIGGER g AFTER "
	           "INSERT ON t BEGIN SELECT 1; END;");
	fd = open(path, O_RDONLY);
	rpmdb(fd, &problems, &records, &reason);
	assert_int_equal(problems, 1);
	assert_non_null(strstr(reason, "unexpected rpmdb schema"));
	free(reason);
	close(fd);
	unlink(path);
}

/*
 * Nothing is read by path: the database open at fd is unlinked and a
 * decoy put where /proc/self/fd/N points ("PATH (deleted)"). Before,
 * sqlite reopened that name and read the decoy's malformed header.
 */
static void test_rpmdb_read_by_fd(void **state)
{
	char path[] = "/tmp/vz-hostile-rpmdb.XXXXXX", decoy[64];
	char *reason;
	size_t problems;
	int records, fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	mkdb(path, "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, "
	           "blob BLOB);");
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	unlink(path);
	snprintf(decoy, sizeof(decoy), "%s (deleted)", path);
	mkdb(decoy, "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, "
	            "blob BLOB); INSERT INTO Packages VALUES (7, x'00');");
	rpmdb(fd, &problems, &records, &reason);
	unlink(decoy);
	close(fd);
	assert_int_equal(records, 0);
	if (problems != 0)
		fail_msg("read the decoy by its path: %s", reason);
	/* A FIFO where the rpmdb should be: refused, without blocking. */
	assert_int_equal(mkfifo(path, 0600), 0);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	assert_true(fd >= 0);
	rpmdb(fd, &problems, &records, &reason);
	close(fd);
	unlink(path);
	assert_int_equal(problems, 1);
	assert_string_equal(reason, "not a regular file");
	free(reason);
}
#endif

/* ---- linear costs (class 8) ------------------------------------------- */

/*
 * The locator for many diagnostics gives the same positions as the
 * one-shot walk, in document order, out of order, and for paths that
 * are not there.
 */
static void test_jpos_agrees(void **state)
{
	struct vz_buf b;
	struct vz_jpos jp;
	struct vz_jseg p[3];
	unsigned long l1, c1, l2, c2;
	size_t i, k;
	int r1, r2;

	(void)state;
	vz__buf_init(&b);
	vz__buf_puts(&b, "\xEF\xBB\xBF{\"a\": 1,\n \"products\": [");
	for (i = 0; i < 300; i++)
		vz__buf_printf(&b, "%s\n  {\"id\": \"p%zu\", \"v\": [%zu, "
		                   "{\"k\\u0041\": \"\xc3\xa9\"}]}",
		               i ? "," : "", i, i);
	vz__buf_puts(&b, "],\n \"z\": {\"products\": [1, 2]}}");
	assert_false(b.failed);
	vz__jpos_init(&jp, b.data, b.len);
	for (k = 0; k < 3000; k++) {
		/* Mostly forwards, sometimes back, sometimes elsewhere. */
		size_t idx = (k % 7 == 3) ? (k * 37) % 320 : k / 10;

		p[0].key = (k % 11 == 5) ? "z" : "products";
		p[1].key = NULL;
		p[1].index = (k % 11 == 5) ? k % 3 : idx;
		p[2].key = (k % 3 == 0) ? "v" : (k % 3 == 1) ? "id" : "nope";
		p[2].index = 0;
		r1 = vz__json_locate(b.data, b.len, p, 3, k % 2, &l1, &c1);
		r2 = vz__jpos_locate(&jp, p, 3, k % 2, &l2, &c2);
		if (r1 != r2 || l1 != l2 || c1 != c2)
			fail_msg("path %zu: %d %lu:%lu vs %d %lu:%lu", k, r1,
			         l1, c1, r2, l2, c2);
	}
	vz__jpos_free(&jp);
	vz__buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_plain_unchanged),
		cmocka_unit_test(test_escape_unambiguous),
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_shell_word),
		cmocka_unit_test(test_plist_deep_xml),
		cmocka_unit_test(test_plist_shared_bplist),
		cmocka_unit_test(test_state_types),
		cmocka_unit_test(test_jpos_agrees),
#ifdef VZ_HAVE_SQLITE
		cmocka_unit_test(test_rpmdb_recursive_view),
		cmocka_unit_test(test_rpmdb_read_by_fd),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
