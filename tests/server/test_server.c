/*
 * tests/server/test_server.c - unit tests for the fleet server's pure
 * pieces, without HTTP or a database: the report parser (report.c), the
 * ledger's rules (state.c: stale, pending, overdue; exemption scope and
 * expiry), CSV quoting and formula cells (csv.c), the body limits
 * (http.c), the admin token check, JSON bodies, errors, query parameters
 * and paging (api.c), dates and tokens (util.c). The scripts beside this
 * file test the same over HTTP.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api.h"
#include "jscan.h"

/* ---- report.c ------------------------------------------------------ */

static const char good_report[] =
    "{\"report_schema\": 2,"
    " \"report_id\": \"0123456789abcdef0123456789abcdef\","
    " \"scanned_at\": \"2026-03-01T10:00:00+01:00\","
    " \"host\": {\"machine_id\": \"fedcba9876543210fedcba9876543210\","
    "  \"hostname\": \"pc-1\", \"fqdn\": \"pc-1.min.example\","
    "  \"os\": null},"
    " \"coverage\": {\"verdict\": \"complete\"},"
    " \"catalog\": {\"id\": \"voorzorg-bundled\", \"version\": 7},"
    " \"findings\": ["
    "  {\"product_id\": \"kaspersky-av\", \"state\": \"running\"},"
    "  {\"product_id\": \"kaspersky-agent\", \"state\": \"residue\"}]}";

/* Parse good_report with member `key` of `where` (NULL: the top) set to
 * `val` (stolen; NULL: removed). Returns vzs_report_parse's status. */
static int parse_with(const char *where, const char *key, json_t *val,
                      struct vzs_report *r, char *msg, size_t size)
{
	json_t *o = json_loads(good_report, 0, NULL), *at;
	char *text;
	int rc;

	assert_non_null(o);
	at = where ? json_object_get(o, where) : o;
	assert_non_null(at);
	if (val != NULL)
		json_object_set_new(at, key, val);
	else
		json_object_del(at, key);
	text = json_dumps(o, 0);
	assert_non_null(text);
	rc = vzs_report_parse(text, strlen(text), r, msg, size);
	free(text);
	json_decref(o);
	return rc;
}

static void report_good(void **state)
{
	struct vzs_report r;
	char msg[256] = "";

	(void)state;
	assert_int_equal(vzs_report_parse(good_report, strlen(good_report), &r,
	                                  msg, sizeof(msg)),
	                 0);
	assert_string_equal(r.report_id, "0123456789abcdef0123456789abcdef");
	assert_string_equal(r.machine_id, "fedcba9876543210fedcba9876543210");
	assert_string_equal(r.hostname, "pc-1");
	assert_string_equal(r.fqdn, "pc-1.min.example");
	assert_null(r.os);
	/* 10:00 at +01:00 is 09:00Z. */
	int64_t t;
	assert_int_equal(vzs_parse_time("2026-03-01T09:00:00Z", 0, &t), 0);
	assert_int_equal(r.scanned_at, t);
	assert_string_equal(r.coverage, "complete");
	assert_string_equal(r.catalog_id, "voorzorg-bundled");
	assert_int_equal(r.catalog_version, 7);
	assert_int_equal(r.nfound, 2);
	assert_string_equal(r.found[1].state, "residue");
	assert_string_equal(r.products,
	                    "kaspersky-av running;kaspersky-agent residue;");
	vzs_report_clear(&r);
	assert_null(r.hostname);
}

static void report_refusals(void **state)
{
	struct vzs_report r;
	char msg[256];

	(void)state;
	/* A newer schema is understood as such: 422, not 400. */
	assert_int_equal(parse_with(NULL, "report_schema", json_integer(3), &r,
	                            msg, sizeof(msg)),
	                 422);
	assert_non_null(strstr(msg, "report_schema"));
	assert_int_equal(parse_with(NULL, "report_schema", json_string("2"),
	                            &r, msg, sizeof(msg)),
	                 400);
	/* The report id is the key of idempotency: exactly 32 lowercase
	 * hex digits. */
	assert_int_equal(
	    parse_with(NULL, "report_id",
	               json_string("0123456789ABCDEF0123456789ABCDEF"), &r, msg,
	               sizeof(msg)),
	    400);
	assert_non_null(strstr(msg, "report_id"));
	assert_int_equal(parse_with(NULL, "report_id",
	                            json_string("0123456789abcdef"), &r, msg,
	                            sizeof(msg)),
	                 400);
	assert_int_equal(parse_with(NULL, "report_id", NULL, &r, msg,
	                            sizeof(msg)),
	                 400);
	assert_int_equal(parse_with(NULL, "scanned_at",
	                            json_string("2026-03-01 10:00"), &r, msg,
	                            sizeof(msg)),
	                 400);
	/* A host name with a control character would reach terminals and
	 * CSV files. */
	assert_int_equal(parse_with("host", "hostname",
	                            json_string("pc\x1b[2J"), &r, msg,
	                            sizeof(msg)),
	                 400);
	assert_non_null(strstr(msg, "host.hostname"));
	assert_int_equal(parse_with("host", "hostname", json_string(""), &r,
	                            msg, sizeof(msg)),
	                 400);
	assert_int_equal(parse_with("host", "machine_id", json_string("x"),
	                            &r, msg, sizeof(msg)),
	                 400);
	/* A null machine id is allowed (a host without one). */
	assert_int_equal(parse_with("host", "machine_id", json_null(), &r, msg,
	                            sizeof(msg)),
	                 0);
	assert_string_equal(r.machine_id, "");
	vzs_report_clear(&r);
	assert_int_equal(parse_with("coverage", "verdict",
	                            json_string("partial"), &r, msg,
	                            sizeof(msg)),
	                 400);
	assert_int_equal(parse_with(NULL, "findings", json_object(), &r, msg,
	                            sizeof(msg)),
	                 400);
	assert_int_equal(
	    parse_with(NULL, "findings",
	               json_pack("[{s:s,s:s}]", "product_id", "Bad Id", "state",
	                         "running"),
	               &r, msg, sizeof(msg)),
	    400);
	assert_non_null(strstr(msg, "findings[0].product_id"));
	assert_int_equal(
	    parse_with(NULL, "findings",
	               json_pack("[{s:s,s:s},{s:s,s:s}]", "product_id", "a",
	                         "state", "running", "product_id", "b", "state",
	                         "gone"),
	               &r, msg, sizeof(msg)),
	    400);
	assert_non_null(strstr(msg, "findings[1].state"));
	/* Not JSON, not an object, a duplicate member. */
	assert_int_equal(vzs_report_parse("{", 1, &r, msg, sizeof(msg)), 400);
	assert_int_equal(vzs_report_parse("[]", 2, &r, msg, sizeof(msg)), 400);
	assert_int_equal(
	    vzs_report_parse("{\"a\":1,\"a\":2}", 13, &r, msg, sizeof(msg)),
	    400);
}

/* ---- jscan.c: the JSON reader ------------------------------------- */

struct jcase {
	const char *text;
	size_t len; /* 0: strlen */
	int ok;     /* 1: accepted */
	const char *what; /* a part of the message when refused */
};

static int jparse(const char *text, size_t len, char *msg, size_t size)
{
	struct vzs_jdoc d;
	int rc = vzs_jdoc_parse(&d, text, len, msg, size);

	if (rc == 0)
		vzs_jdoc_free(&d);
	return rc;
}

static void jscan_verdicts(void **state)
{
	static char deep_ok[2048 * 2 + 2], deep_bad[2049 * 2 + 2];
	const struct jcase cases[] = {
	    {"{}", 0, 1, NULL},
	    {" [ ] ", 0, 1, NULL},
	    {"", 0, 0, "'[' or '{' expected"},
	    {"1", 0, 0, "'[' or '{' expected"},
	    {"\"a\"", 0, 0, "'[' or '{' expected"},
	    {"[1] [", 0, 0, "end of file expected"},
	    {"[1,]", 0, 0, "invalid token"},
	    {"{\"a\":1,}", 0, 0, "string or '}' expected"},
	    {"{\"a\" 1}", 0, 0, "':' expected"},
	    {"[1 2]", 0, 0, "',' or ']' expected"},
	    {"{\"a\":1 \"b\":2}", 0, 0, "',' or '}' expected"},
	    {"[01]", 0, 0, "invalid token"},
	    {"[-]", 0, 0, "invalid token"},
	    {"[1.]", 0, 0, "invalid token"},
	    {"[1e]", 0, 0, "invalid token"},
	    {"[-0, 0.5, 1E+2, 1e-2]", 0, 1, NULL},
	    /* Integers within long long, as jansson's strtoll. */
	    {"[9223372036854775807, -9223372036854775808]", 0, 1, NULL},
	    {"[9223372036854775808]", 0, 0, "too big integer"},
	    {"[-9223372036854775809]", 0, 0, "too big negative integer"},
	    {"[12345678901234567890]", 0, 0, "too big integer"},
	    /* Reals that overflow a double, and those that do not. */
	    {"[1.7976931348623157e308, 1e-400, 0e999999999999]", 0, 1, NULL},
	    {"[1.7976931348623159e308]", 0, 0, "real number overflow"},
	    {"[1e309]", 0, 0, "real number overflow"},
	    {"[-0.0001e313]", 0, 0, "real number overflow"},
	    {"[truex]", 0, 0, "',' or ']' expected"},
	    {"[nul]", 0, 0, "invalid token"},
	    {"[true, false, null]", 0, 1, NULL},
	    /* Strings: escapes, UTF-8, control characters. */
	    {"[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"]", 0, 1,
	     NULL},
	    {"[\"\\x\"]", 0, 0, "invalid escape"},
	    {"[\"\\u12G4\"]", 0, 0, "invalid \\u escape"},
	    {"[\"\\u0000\"]", 0, 0, "\\u0000"},
	    {"[\"\\udc00\"]", 0, 0, "invalid Unicode '\\uDC00'"},
	    {"[\"\\ud800\"]", 0, 0, "invalid Unicode '\\uD800'"},
	    {"[\"\\ud800\\u0041\"]", 0, 0, "surrogate"},
	    {"[\"a\tb\"]", 0, 0, "control character 0x9"},
	    {"[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f\"]", 0, 1, NULL},
	    {"[\"\xc0\xaf\"]", 0, 0, "invalid UTF-8 byte 0xc0"},
	    {"[\"\xed\xa0\x80\"]", 0, 0, "invalid UTF-8 byte 0xed"},
	    {"[\"\xf4\x90\x80\x80\"]", 0, 0, "invalid UTF-8 byte 0xf4"},
	    {"[\"\xe2\x82\"]", 0, 0, "invalid UTF-8"},
	    {"[\"abc", 0, 0, "premature end of input"},
	    {"[\xc3\xa9]", 0, 0, "invalid token"},
	    /* Duplicate keys, also when written differently. */
	    {"{\"a\":1,\"a\":2}", 0, 0, "duplicate object key"},
	    {"{\"k\":1,\"\\u006b\":2}", 0, 0, "duplicate object key"},
	    {"{\"a\":{\"a\":1},\"b\":{\"a\":1}}", 0, 1, NULL},
	    /* Every NUL byte is refused; jansson 2.14 takes this one. */
	    {"[1\0]", 4, 0, "',' or ']' expected"},
	    {"[\"a\0\"]", 6, 0, "control character 0x0"},
	    {deep_ok, 0, 1, NULL},
	    {deep_bad, 0, 0, "maximum parsing depth reached"},
	};
	char msg[256];

	(void)state;
	/* 2047 arrays and a number in the innermost: depth 2048, the most;
	 * one more array puts the number at 2049. */
	memset(deep_ok, '[', 2047);
	deep_ok[2047] = '1';
	memset(deep_ok + 2048, ']', 2047);
	memset(deep_bad, '[', 2048);
	deep_bad[2048] = '1';
	memset(deep_bad + 2049, ']', 2048);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct jcase *c = &cases[i];
		size_t len = c->len ? c->len : strlen(c->text);
		int rc;

		msg[0] = '\0';
		rc = jparse(c->text, len, msg, sizeof(msg));
		if ((rc == 0) != c->ok ||
		    (c->what && strstr(msg, c->what) == NULL))
			fail_msg("case %zu (%.40s): rc %d, message '%s'", i,
			         c->text, rc, msg);
		/* And jansson agrees, but for the NUL it skips. */
		if (c->len == 0) {
			json_t *j = json_loadb(c->text, len,
			                       JSON_REJECT_DUPLICATES, NULL);

			if ((j != NULL) != c->ok)
				fail_msg("case %zu: jansson differs", i);
			json_decref(j);
		}
	}
	/* Where: line and column of the first wrong byte. */
	assert_int_equal(jparse("{\n \"a\": 1,\n \"a\": 2}", 19, msg,
	                        sizeof(msg)),
	                 -1);
	assert_string_equal(msg, "line 3 column 2: duplicate object key");
}

static void jscan_values(void **state)
{
	const char *text = "{\"s\":\"caf\\u00e9\", \"\\u0069\":-12,"
	                   " \"e\":\"\\ud83d\\ude00\\/\\n\","
	                   " \"r\":1.5, \"a\":[1,{\"x\":[]},\"z\"],"
	                   " \"n\":null, \"long\":\"0123456789\"}";
	struct vzs_jdoc d;
	char msg[128], out[16];
	long long v;
	size_t a, e;
	char *dup;

	(void)state;
	assert_int_equal(vzs_jdoc_parse(&d, text, strlen(text), msg,
	                                sizeof(msg)),
	                 0);
	assert_int_equal(vzs_jstr(&d, vzs_jget(&d, 0, "s"), out, sizeof(out)),
	                 5);
	assert_string_equal(out, "caf\xc3\xa9");
	/* A surrogate pair is one code point, four bytes of UTF-8. */
	assert_int_equal(vzs_jstr(&d, vzs_jget(&d, 0, "e"), out, sizeof(out)),
	                 6);
	assert_string_equal(out, "\xf0\x9f\x98\x80/\n");
	/* A key written with an escape is found by its text. */
	assert_int_equal(vzs_jint(&d, vzs_jget(&d, 0, "i"), &v), 0);
	assert_int_equal(v, -12);
	/* Not an integer; not a string; absent. */
	assert_int_equal(vzs_jint(&d, vzs_jget(&d, 0, "r"), &v), -1);
	assert_int_equal(vzs_jstr(&d, vzs_jget(&d, 0, "n"), out, sizeof(out)),
	                 -1);
	assert_int_equal(vzs_jget(&d, 0, "x"), 0);
	/* A string that does not fit is refused, never cut. */
	assert_int_equal(vzs_jstr(&d, vzs_jget(&d, 0, "long"), out, 10), -1);
	assert_int_equal(vzs_jstr(&d, vzs_jget(&d, 0, "long"), out, 11), 10);
	dup = vzs_jstrdup(&d, vzs_jget(&d, 0, "long"));
	assert_string_equal(dup, "0123456789");
	free(dup);
	/* Arrays: elements in order, a subtree skipped whole. */
	a = vzs_jget(&d, 0, "a");
	assert_int_equal(vzs_jarray_size(&d, a), 3);
	e = vzs_jfirst(&d, a);
	assert_int_equal(vzs_jint(&d, e, &v), 0);
	e = d.t[e].next;
	assert_int_equal(d.t[e].type, VZS_JOBJECT);
	assert_int_equal(vzs_jarray_size(&d, vzs_jget(&d, e, "x")), 0);
	assert_int_equal(vzs_jfirst(&d, vzs_jget(&d, e, "x")), 0);
	e = d.t[e].next;
	assert_int_equal(vzs_jstr(&d, e, out, sizeof(out)), 1);
	assert_string_equal(out, "z");
	assert_int_equal(d.t[e].next, d.t[a].next);
	/* Member lookup in what is not an object. */
	assert_int_equal(vzs_jget(&d, a, "x"), 0);
	vzs_jdoc_free(&d);
	assert_null(d.t);
}

/* ---- measures.c: which products a measure covers -------------------- */

/*
 * The server's view of each measure covers exactly what the library's
 * derivation says (vz_measure_covers), for every measure and product of
 * the bundled catalogue, whose measures mostly state their scope as a
 * vendor or a vendor's product classes ("covers"), not as named
 * products. The view once read only a "products" member, so a host
 * with Kaspersky anti-virus was compliant with the Dutch measure.
 */
/* The test's state directory, removed by its teardown even when the
 * test fails. */
static char measures_dir[] = "/tmp/vz-measures-XXXXXX";

static int measures_teardown(void **state)
{
	char cmd[128];

	(void)state;
	if (strstr(measures_dir, "XXXXXX") != NULL)
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", measures_dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void measures_cover_as_library(void **state)
{
	const char *src = getenv("VZ_SOURCE_ROOT");
	char path[4096], *dir = measures_dir, msg[512];
	struct vzs_catalog_opts o;
	struct vzs_catview *cv = NULL;
	const struct vzs_measure *nl;
	size_t np, covered = 0;
	int status = 0;

	(void)state;
	assert_non_null(src);
	assert_non_null(mkdtemp(dir));
	/* Its own state directory: the rollback record is not shared. */
	assert_int_equal(setenv("VOORZORG_STATE_DIR", dir, 1), 0);
	snprintf(path, sizeof(path), "%s/catalog/voorzorg.json", src);
	memset(&o, 0, sizeof(o));
	o.path = path;
	o.allow_unsigned = 1;
	if (vzs_catview_open(&o, &cv, &status, msg, sizeof(msg)) != 0)
		fail_msg("%s: %s", path, msg);
	np = vz_catalog_count(cv->cat, VZ_KIND_PRODUCT);
	assert_true(np > 0 && cv->nmeasures > 0);
	for (size_t i = 0; i < cv->nmeasures; i++) {
		const struct vzs_measure *m = &cv->measures[i];

		for (size_t j = 0; j < np; j++) {
			const char *p =
			    vz_catalog_entry_id(cv->cat, VZ_KIND_PRODUCT, j);
			int want = vz_measure_covers(cv->cat, m->id, p);

			if (vzs_measure_covers(m, p) != want)
				fail_msg("%s, %s: server %d, library %d", m->id,
				         p, !want, want);
			covered += (size_t)want;
		}
	}
	assert_true(covered > 0);
	/* The founding case, by name: "antivirussoftware van Kaspersky
	 * Lab" takes in the Linux endpoint product. */
	nl = vzs_measure_find(cv, "nl-2018-kaspersky-antivirus");
	assert_non_null(nl);
	assert_true(
	    vzs_measure_covers(nl, "kaspersky-endpoint-security-linux"));
	assert_false(vzs_measure_covers(nl, "tiktok"));
	vzs_catview_free(cv);
}

/* ---- state.c: the ledger's rules ----------------------------------- */

#define DAY 86400

static void state_rules(void **state)
{
	int64_t deadline = 20000; /* a day since the epoch */
	int64_t t = deadline * DAY + 12 * 3600;

	(void)state;
	/* Never reported, or not within stale_days: stale, product or not. */
	assert_int_equal(vzs_state_of(t, -1, 30, 0, -1), VZS_STALE);
	assert_int_equal(vzs_state_of(t, t - 30 * DAY - 1, 30, 1, deadline),
	                 VZS_STALE);
	/* Exactly stale_days old is not yet stale. */
	assert_int_equal(vzs_state_of(t, t - 30 * DAY, 30, 0, deadline),
	                 VZS_COMPLIANT);
	assert_int_equal(vzs_state_of(t, t - 30 * DAY, 30, 1, -1),
	                 VZS_PENDING);
	assert_int_equal(vzs_state_of(t, t - DAY, 7, 1, deadline),
	                 VZS_PENDING);
	/* The deadline's whole day is allowed; the next second is late. */
	assert_int_equal(
	    vzs_state_of(deadline * DAY + DAY - 1, deadline * DAY, 30, 1,
	                 deadline),
	    VZS_PENDING);
	assert_int_equal(
	    vzs_state_of(deadline * DAY + DAY, deadline * DAY, 30, 1, deadline),
	    VZS_OVERDUE);
	assert_int_equal(vzs_state_of(t, t, 30, 1, deadline - 1), VZS_OVERDUE);
	/* No deadline: never overdue. */
	assert_int_equal(vzs_state_of(t + 5000 * DAY, t + 5000 * DAY, 30, 1,
	                              -1),
	                 VZS_PENDING);
	/* Without the product: compliant, deadline or not. */
	assert_int_equal(vzs_state_of(t, t, 30, 0, deadline - 1),
	                 VZS_COMPLIANT);
	assert_string_equal(vzs_state_name(VZS_OVERDUE), "overdue");
	assert_int_equal(vzs_state_parse("exempted"), VZS_EXEMPTED);
	assert_int_equal(vzs_state_parse("late"), -1);
}

static void exemption_scope(void **state)
{
	struct vzs_exemption e = {7,          "min-a", "m-1",  "host", "12",
	                          1000 * DAY, 1010 * DAY, -1};
	int64_t t = 1005 * DAY;

	(void)state;
	/* Host scope: that host id only, not a prefix of it. */
	assert_true(vzs_exemption_covers(&e, 12, "min-a", NULL, "m-1", t));
	assert_false(vzs_exemption_covers(&e, 123, "min-a", NULL, "m-1", t));
	assert_false(vzs_exemption_covers(&e, 1, "min-a", NULL, "m-1", t));
	/* Another organisation's host with the same id, another measure. */
	assert_false(vzs_exemption_covers(&e, 12, "min-b", NULL, "m-1", t));
	assert_false(vzs_exemption_covers(&e, 12, "min-a", NULL, "m-2", t));
	/* In force from created (inclusive) to expires (exclusive). */
	assert_true(
	    vzs_exemption_covers(&e, 12, "min-a", NULL, "m-1", 1000 * DAY));
	assert_false(
	    vzs_exemption_covers(&e, 12, "min-a", NULL, "m-1", 1000 * DAY - 1));
	assert_true(vzs_exemption_covers(&e, 12, "min-a", NULL, "m-1",
	                                 1010 * DAY - 1));
	assert_false(
	    vzs_exemption_covers(&e, 12, "min-a", NULL, "m-1", 1010 * DAY));
	/* Ended early: from then on, and only from then on. */
	e.expired = 1003 * DAY;
	assert_true(vzs_exemption_covers(&e, 12, "min-a", NULL, "m-1",
	                                 1003 * DAY - 1));
	assert_false(
	    vzs_exemption_covers(&e, 12, "min-a", NULL, "m-1", 1003 * DAY));
	/* An end after the expiry does not lengthen it. */
	e.expired = 1020 * DAY;
	assert_false(
	    vzs_exemption_covers(&e, 12, "min-a", NULL, "m-1", 1015 * DAY));
	e.expired = -1;

	/* Group scope: hosts of that group; a host without a group is in
	 * none. */
	e.kind = "group";
	e.value = "lab";
	assert_true(vzs_exemption_covers(&e, 99, "min-a", "lab", "m-1", t));
	assert_false(vzs_exemption_covers(&e, 99, "min-a", "lab2", "m-1", t));
	assert_false(vzs_exemption_covers(&e, 99, "min-a", NULL, "m-1", t));
	assert_false(vzs_exemption_covers(&e, 99, "min-b", "lab", "m-1", t));

	/* Organisation scope: every host of that organisation only. */
	e.kind = "organisation";
	e.value = "min-a";
	assert_true(vzs_exemption_covers(&e, 5, "min-a", NULL, "m-1", t));
	assert_true(vzs_exemption_covers(&e, 6, "min-a", "lab", "m-1", t));
	assert_false(vzs_exemption_covers(&e, 5, "min-b", NULL, "m-1", t));

	/* No measure: every measure. */
	e.measure = NULL;
	assert_true(vzs_exemption_covers(&e, 5, "min-a", NULL, "m-9", t));

	/* An unknown scope kind covers nothing. */
	e.kind = "sector";
	assert_false(vzs_exemption_covers(&e, 5, "min-a", NULL, "m-1", t));
}

/* ---- csv.c ---------------------------------------------------------- */

static char *csv_row(const char *const *fields, size_t n)
{
	struct vzs_csv c = {NULL, 0, 0, 0, 1};

	for (size_t i = 0; i < n; i++)
		vzs_csv_field(&c, fields[i]);
	vzs_csv_int(&c, -42);
	vzs_csv_end(&c);
	assert_false(c.oom);
	return c.buf;
}

static void csv_fields(void **state)
{
	static const char *const plain[] = {"pc-1", "", "a b"};
	static const char *const quoted[] = {"a,b", "say \"hi\"", "two\nlines",
	                                     "cr\rhere"};
	static const char *const formulas[] = {"=1+1", "+31", "-2", "@SUM(A1)",
	                                       "=cmd|'/c calc',x", "a=b"};
	char *s;

	(void)state;
	s = csv_row(plain, 3);
	assert_string_equal(s, "pc-1,,a b,-42\r\n");
	free(s);
	s = csv_row(quoted, 4);
	assert_string_equal(
	    s, "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",-42\r\n");
	free(s);
	/* A cell a spreadsheet would run gets a ' first, also inside the
	 * quotes; a number the server writes (vzs_csv_int) does not. */
	s = csv_row(formulas, 6);
	assert_string_equal(s, "'=1+1,'+31,'-2,'@SUM(A1),\"'=cmd|'/c calc',x\","
	                       "a=b,-42\r\n");
	free(s);
}

static void csv_response(void **state)
{
	struct vzs_csv c = {NULL, 0, 0, 0, 1};
	struct vzs_resp rs = {0, NULL, 0, NULL, 0};

	(void)state;
	vzs_csv_field(&c, "host");
	vzs_csv_end(&c);
	vzs_csv_field(&c, "x");
	vzs_csv_end(&c);
	vzs_csv_done(&c, &rs);
	assert_int_equal(rs.status, 200);
	assert_true(rs.attachment);
	assert_string_equal(rs.body, "host\r\nx\r\n");
	assert_int_equal(rs.len, 9);
	assert_non_null(strstr(rs.ctype, "text/csv"));
	free(rs.body);
}

/* ---- http.c, api.c: limits, tokens, bodies ------------------------- */

static void body_limits(void **state)
{
	(void)state;
	assert_int_equal(vzs_body_limit("POST", "/api/v1/reports"),
	                 8u * 1024u * 1024u);
	assert_int_equal(vzs_body_limit("POST", "/api/v1/exemptions"),
	                 64u * 1024u);
	assert_int_equal(vzs_body_limit("GET", "/api/v1/reports"), 64u * 1024u);
	assert_int_equal(vzs_body_limit("POST", "/api/v1/reports/x"),
	                 64u * 1024u);
	assert_int_equal(vzs_body_limit("POST", "/api/v1/enroll"), 64u * 1024u);
	/* An inventory is a host's records: a report's limit. */
	assert_int_equal(vzs_body_limit("POST", "/api/v1/inventories"),
	                 8u * 1024u * 1024u);
	assert_int_equal(vzs_body_limit("GET", "/api/v1/inventories"),
	                 64u * 1024u);
	assert_int_equal(vzs_body_limit("POST", "/api/v1/inventories/x"),
	                 64u * 1024u);
}

static const char admin[] = "0123456789abcdef0123456789abcdef-admin";

static int admin_status(const char *token_set, const char *auth)
{
	struct vzs_server s;
	struct vzs_req rq;
	struct vzs_resp rs = {0, NULL, 0, NULL, 0};
	int rc;

	memset(&s, 0, sizeof(s));
	memset(&rq, 0, sizeof(rq));
	snprintf(s.admin_token, sizeof(s.admin_token), "%s", token_set);
	rq.method = "GET";
	rq.path = "/api/v1/hosts";
	rq.auth = auth;
	rc = vzs_admin(&s, &rq, &rs);
	free(rs.body);
	if (rc == 0) {
		assert_null(rs.body);
		return 0;
	}
	return rs.status;
}

static void admin_token(void **state)
{
	char auth[128];

	(void)state;
	snprintf(auth, sizeof(auth), "Bearer %s", admin);
	assert_int_equal(admin_status(admin, auth), 0);
	assert_int_equal(admin_status(admin, NULL), 401);
	assert_int_equal(admin_status(admin, admin), 401); /* no "Bearer " */
	/* A prefix, or the token with more after it, is not the token. */
	snprintf(auth, sizeof(auth), "Bearer %.20s", admin);
	assert_int_equal(admin_status(admin, auth), 401);
	snprintf(auth, sizeof(auth), "Bearer %sx", admin);
	assert_int_equal(admin_status(admin, auth), 401);
	assert_int_equal(admin_status(admin, "Bearer "), 401);
	/* A host's node key is known as such: 403. */
	assert_int_equal(admin_status(admin, "Bearer vzn_0011"), 403);
	/* No admin token configured: nobody is admin, not even "". */
	assert_int_equal(admin_status("", "Bearer "), 401);
	snprintf(auth, sizeof(auth), "Bearer %s", admin);
	assert_int_equal(admin_status("", auth), 401);
}

static int body_status(const char *ctype, const char *body)
{
	static const char *const allowed[] = {"reason", "expires", NULL};
	struct vzs_req rq;
	struct vzs_resp rs = {0, NULL, 0, NULL, 0};
	json_t *o;

	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.ctype = ctype;
	rq.body = body;
	rq.len = body ? strlen(body) : 0;
	o = vzs_body(&rq, &rs, allowed);
	if (o != NULL) {
		json_decref(o);
		assert_null(rs.body);
		return 0;
	}
	/* Every refusal is a JSON error. */
	assert_non_null(rs.body);
	assert_non_null(strstr(rs.body, "\"error\""));
	free(rs.body);
	return rs.status;
}

static void json_bodies(void **state)
{
	(void)state;
	assert_int_equal(body_status("application/json", "{\"reason\":\"x\"}"),
	                 0);
	assert_int_equal(
	    body_status("application/json; charset=utf-8", "{\"reason\":\"x\"}"),
	    0);
	assert_int_equal(body_status("text/plain", "{}"), 415);
	assert_int_equal(body_status(NULL, "{}"), 415);
	assert_int_equal(body_status("application/json", "{\"reason\":"), 400);
	assert_int_equal(body_status("application/json", NULL), 400);
	assert_int_equal(body_status("application/json", "[1]"), 400);
	/* An unknown member is a typo, never ignored. */
	assert_int_equal(body_status("application/json", "{\"reasn\":\"x\"}"),
	                 400);
	assert_int_equal(
	    body_status("application/json", "{\"reason\":\"x\",\"reason\":\"y\"}"),
	    400);
}

static void errors_and_params(void **state)
{
	static const char *const allowed[] = {"organisation", "limit", NULL};
	struct vzs_resp rs = {0, NULL, 0, NULL, 0};
	struct vzs_req rq;
	json_t *o;
	size_t limit, off;

	(void)state;
	/* An error is {"error": msg}, JSON-escaped, with its status. */
	vzs_error(&rs, 422, "host \"%s\": %d", "pc\n1", 7);
	assert_int_equal(rs.status, 422);
	assert_string_equal(rs.ctype, "application/json");
	o = json_loads(rs.body, 0, NULL);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "error")),
	                    "host \"pc\n1\": 7");
	json_decref(o);
	vzs_db_error(&rs, VZS_DB_UNAVAILABLE);
	assert_int_equal(rs.status, 503);
	vzs_db_error(&rs, VZS_DB_CONFLICT);
	assert_int_equal(rs.status, 409);
	vzs_db_error(&rs, VZS_DB_ERROR);
	assert_int_equal(rs.status, 500);
	free(rs.body);
	rs.body = NULL;

	memset(&rq, 0, sizeof(rq));
	rq.nparams = 2;
	rq.pkey[0] = "organisation";
	rq.pval[0] = "min-a";
	rq.pkey[1] = "limit";
	rq.pval[1] = "1000";
	assert_int_equal(vzs_params_only(&rq, &rs, allowed), 0);
	assert_string_equal(vzs_param(&rq, "organisation"), "min-a");
	assert_null(vzs_param(&rq, "sector"));
	assert_int_equal(vzs_paging(&rq, &rs, &limit, &off), 0);
	assert_int_equal(limit, 1000);
	rq.pval[1] = "1001";
	assert_int_equal(vzs_paging(&rq, &rs, &limit, &off), -1);
	assert_int_equal(rs.status, 400);
	rq.pval[1] = "-1";
	assert_int_equal(vzs_paging(&rq, &rs, &limit, &off), -1);
	/* Unknown, repeated or empty parameters are refused, not ignored. */
	rq.pkey[1] = "organsation";
	assert_int_equal(vzs_params_only(&rq, &rs, allowed), -1);
	assert_int_equal(rs.status, 400);
	assert_non_null(strstr(rs.body, "organsation"));
	rq.pkey[1] = "organisation";
	assert_int_equal(vzs_params_only(&rq, &rs, allowed), -1);
	assert_non_null(strstr(rs.body, "twice"));
	rq.nparams = 1;
	rq.pval[0] = "";
	assert_int_equal(vzs_params_only(&rq, &rs, allowed), -1);
	assert_non_null(strstr(rs.body, "empty"));
	free(rs.body);
}

/* ---- util.c --------------------------------------------------------- */

static void dates_and_tokens(void **state)
{
	int64_t t, d;
	char buf[32];

	(void)state;
	assert_int_equal(vzs_parse_date("2024-02-29", &d), 0);
	vzs_fmt_date(d, buf);
	assert_string_equal(buf, "2024-02-29");
	assert_int_equal(vzs_parse_date("2023-02-29", &d), -1);
	assert_int_equal(vzs_parse_date("2023-2-28", &d), -1);
	assert_int_equal(vzs_parse_time("2026-12-06", 1, &t), 0);
	vzs_fmt_time(t, buf);
	assert_string_equal(buf, "2026-12-06T23:59:59Z");
	assert_int_equal(vzs_parse_time("2026-12-06T01:30:00-02:00", 0, &t),
	                 0);
	vzs_fmt_time(t, buf);
	assert_string_equal(buf, "2026-12-06T03:30:00Z");
	assert_int_equal(vzs_parse_time("2026-12-06T01:30:00.25Z", 0, &t), 0);
	assert_int_equal(vzs_parse_time("2026-12-06T01:30:00", 0, &t), -1);
	assert_int_equal(vzs_parse_time("2026-12-06T24:00:00Z", 0, &t), -1);
	assert_true(vzs_token_eq("abc", "abc"));
	assert_false(vzs_token_eq("ab", "abc"));
	assert_false(vzs_token_eq("abcd", "abc"));
	assert_false(vzs_token_eq("abd", "abc"));
	assert_true(vzs_is_hex("00ff", 4));
	assert_false(vzs_is_hex("00FF", 4));
	assert_false(vzs_is_hex("00ff0", 4));
	assert_true(vzs_valid_id("min-a1"));
	assert_false(vzs_valid_id("Min-A"));
	assert_false(vzs_valid_id(""));
	assert_false(vzs_valid_id("a/b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(report_good),   cmocka_unit_test(report_refusals),
	    cmocka_unit_test(jscan_verdicts), cmocka_unit_test(jscan_values),
	    cmocka_unit_test_teardown(measures_cover_as_library,
	                              measures_teardown),
	    cmocka_unit_test(state_rules),   cmocka_unit_test(exemption_scope),
	    cmocka_unit_test(csv_fields),    cmocka_unit_test(csv_response),
	    cmocka_unit_test(body_limits),   cmocka_unit_test(admin_token),
	    cmocka_unit_test(json_bodies),
	    cmocka_unit_test(errors_and_params),
	    cmocka_unit_test(dates_and_tokens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
