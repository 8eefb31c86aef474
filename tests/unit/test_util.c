/*
 * tests/unit/test_util.c - the library's small building blocks: dates,
 * the JSON position locator, the string map and buffer, status strings,
 * error formatting and diagnostic lists.
 */
#include "../vz_test.h"
#include "util/jsonstr.h"

static void test_date_valid(void **state)
{
	int64_t t = -1;

	(void)state;
	assert_int_equal(vz__date_parse("1970-01-01", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(vz__date_parse("2018-05-14", &t), 0);
	assert_int_equal(t, 1526256000);
	assert_int_equal(vz__date_parse("2000-02-29", NULL), 0);
	assert_int_equal(vz__date_parse("2024-02-29", NULL), 0);
	assert_int_equal(vz__date_parse("2019-07-16T12:30:00Z", &t), 0);
	assert_int_equal(t, 1563280200);
	/* An offset moves the instant: 14:30+02:00 is 12:30Z. */
	assert_int_equal(vz__date_parse("2019-07-16T14:30:00+02:00", &t), 0);
	assert_int_equal(t, 1563280200);
	assert_int_equal(vz__date_parse("2019-07-16T12:30:00.123456Z", &t), 0);
	assert_int_equal(t, 1563280200);
	assert_int_equal(vz__date_parse("2016-12-31T23:59:60Z", NULL), 0);
}

static void test_date_invalid(void **state)
{
	static const char *const bad[] = {
		"", "2019", "2019-02-30", "2019-02-29", "1900-02-29",
		"2019-13-01", "2019-00-10", "2019-04-31", "2019-4-01",
		"19-04-01", "2019/04/01", "2019-04-01 ", " 2019-04-01",
		"2019-04-01T", "2019-04-01T12:00", "2019-04-01T12:00:00",
		"2019-04-01T24:00:00Z", "2019-04-01T12:60:00Z",
		"2019-04-01T12:00:00+2:00", "2019-04-01T12:00:00+02:60",
		"2019-04-01T12:00:00.Z", "2019-04-01T12:00:00Zjunk",
		"0000-01-01", "abcd-ef-gh", "2019-04-01x",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (vz__date_parse(bad[i], NULL) == 0)
			fail_msg("accepted bad date \"%s\"", bad[i]);
	}
}

static void locate(const char *text, const struct vz_jseg *p, size_t n,
                   int want_key, int expect_rc, unsigned long line,
                   unsigned long col)
{
	unsigned long l = 0, c = 0;
	int rc = vz__json_locate(text, strlen(text), p, n, want_key, &l, &c);

	assert_int_equal(rc, expect_rc);
	assert_int_equal(l, line);
	assert_int_equal(c, col);
}

static void test_jsonpos(void **state)
{
	const char *t = "{\n  \"a\": [1, {\"b\": \"x\"}],\n"
	                "  \"c\\u0041\": \"z\",\n  \"d\": {\"e\": [[], [7]]}\n}";
	struct vz_jseg ab[] = {{"a", 0}, {NULL, 1}, {"b", 0}};
	struct vz_jseg ce[] = {{"cA", 0}};
	struct vz_jseg de[] = {{"d", 0}, {"e", 0}, {NULL, 1}, {NULL, 0}};
	struct vz_jseg missing[] = {{"a", 0}, {NULL, 5}};
	struct vz_jseg none[] = {{"zz", 0}};

	(void)state;
	locate(t, NULL, 0, 0, 0, 1, 1);
	locate(t, ab, 3, 0, 0, 2, 18);
	locate(t, ab, 3, 1, 0, 2, 13);
	/* An escaped key matches its decoded form. */
	locate(t, ce, 1, 1, 0, 3, 3);
	locate(t, ce, 1, 0, 0, 3, 14);
	locate(t, de, 4, 0, 0, 4, 20);
	/* Missing paths fail, reporting the deepest container reached. */
	locate(t, missing, 2, 0, -1, 2, 8);
	locate(t, none, 1, 0, -1, 1, 1);
}

static void test_jsonpos_utf8_and_bom(void **state)
{
	/* Columns count characters: "é" is two bytes, one column. */
	const char *u = "{\"n\xC3\xA9\": 1, \"k\": 2}";
	/* A byte-order mark is not a column. */
	const char *t = "\xEF\xBB\xBF{\"k\": 2}";
	struct vz_jseg k[] = {{"k", 0}};
	struct vz_jseg ne[] = {{"n\xC3\xA9", 0}};

	(void)state;
	locate(u, k, 1, 0, 0, 1, 16);
	locate(u, ne, 1, 0, 0, 1, 8);
	locate(t, k, 1, 0, 0, 1, 7);
	locate(t, k, 1, 1, 0, 1, 2);
}

static void test_jsonpos_garbage(void **state)
{
	/* The locator must stay in bounds whatever the text. */
	static const char *const texts[] = {
		"", "{", "[", "\"", "{\"a\"", "{\"a\":", "{\"a\":[1,",
		"{\"a\\", "{\"a\\u12", "[[[[", "}", "{\"a\":\"\\", "nul",
	};
	struct vz_jseg p[] = {{"a", 0}, {NULL, 3}, {"b", 0}};
	unsigned long l, c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		size_t len = strlen(texts[i]);
		char *copy = malloc(len ? len : 1);

		/* An exact-size copy lets ASan catch any over-read. */
		memcpy(copy, texts[i], len);
		assert_int_equal(vz__json_locate(copy, len, p, 3, 0, &l, &c),
		                 -1);
		assert_true(l >= 1 && c >= 1);
		free(copy);
	}
}

static void test_path_format(void **state)
{
	struct vz_jseg p[] = {{"products", 0}, {NULL, 3}, {"vendor", 0}};
	struct vz_jseg q[] = {{"products", 0}, {NULL, 3}, {"identifiers", 0},
	                      {"vendor", 0}};
	char buf[64], small[8], mid[16], mid2[20];

	(void)state;
	vz__json_path_format(p, 3, buf, sizeof(buf));
	assert_string_equal(buf, "products[3].vendor");
	vz__json_path_format(p, 0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	/* Too long: whole names or nothing, never a name cut short. */
	vz__json_path_format(p, 3, small, sizeof(small));
	assert_string_equal(small, "");
	vz__json_path_format(p, 3, mid, sizeof(mid));
	assert_string_equal(mid, "products...");
	vz__json_path_format(q, 4, mid2, sizeof(mid2));
	assert_string_equal(mid2, "products....vendor");
}

static void test_map(void **state)
{
	struct vz_map m;
	char keys[2000][16];
	int existed, vals[2000];
	size_t i;

	(void)state;
	vz__map_init(&m);
	assert_null(vz__map_get(&m, "absent"));
	for (i = 0; i < 2000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "id-%zu", i);
		vals[i] = (int)i;
		assert_int_equal(vz__map_put(&m, keys[i], &vals[i], &existed),
		                 VZ_OK);
		assert_false(existed);
	}
	assert_int_equal(m.len, 2000);
	for (i = 0; i < 2000; i++)
		assert_ptr_equal(vz__map_get(&m, keys[i]), &vals[i]);
	assert_null(vz__map_get(&m, "id-2000"));
	assert_int_equal(vz__map_put(&m, keys[7], &vals[8], &existed), VZ_OK);
	assert_true(existed);
	assert_ptr_equal(vz__map_get(&m, "id-7"), &vals[8]);
	assert_int_equal(m.len, 2000);
	vz__map_free(&m);
}

static void test_buf(void **state)
{
	struct vz_buf b;
	char *s;
	size_t i;

	(void)state;
	vz__buf_init(&b);
	for (i = 0; i < 1000; i++)
		vz__buf_printf(&b, "%zu,", i);
	vz__buf_puts(&b, "end");
	s = vz__buf_take(&b);
	assert_non_null(s);
	assert_int_equal(strncmp(s, "0,1,2,", 6), 0);
	assert_string_equal(s + strlen(s) - 7, "999,end");
	vz_free(s);
	/* An empty buffer still yields an empty string. */
	s = vz__buf_take(&b);
	assert_string_equal(s, "");
	vz_free(s);
	/* A failed allocation is sticky and yields NULL. */
	vz__alloc_fail_after(0);
	vz__buf_puts(&b, "x");
	vz__alloc_fail_after(-1);
	vz__buf_puts(&b, "y");
	assert_true(b.failed);
	assert_null(vz__buf_take(&b));
}

/* Every hexadecimal digit, both cases, and the characters around them. */
static void test_hexval(void **state)
{
	static const char digits[] = "0123456789abcdef";
	int i;

	(void)state;
	for (i = 0; i < 16; i++) {
		assert_int_equal(vz__hexval(digits[i]), i);
		if (i >= 10)
			assert_int_equal(vz__hexval(digits[i] - 'a' + 'A'), i);
	}
	assert_int_equal(vz__hexval('/'), -1);
	assert_int_equal(vz__hexval(':'), -1);
	assert_int_equal(vz__hexval('@'), -1);
	assert_int_equal(vz__hexval('G'), -1);
	assert_int_equal(vz__hexval('`'), -1);
	assert_int_equal(vz__hexval('g'), -1);
	assert_int_equal(vz__hexval('\0'), -1);
}

/* Lowercase, high nibble first, NUL-terminated; nothing for no bytes. */
static void test_hex_encode(void **state)
{
	static const unsigned char b[] = {0x00, 0x0f, 0xa5, 0xff, 0x10};
	char out[11];

	(void)state;
	memset(out, 'x', sizeof(out));
	vz__hex_encode(b, sizeof(b), out);
	assert_string_equal(out, "000fa5ff10");
	vz__hex_encode(b, 0, out);
	assert_string_equal(out, "");
}

static void buf_sink(void *ctx, const char *p, size_t n)
{
	vz__buf_add(ctx, p, n);
}

/* The JSON string writer both inventory writers share: '"' and '\\' get
 * a backslash, control characters and DEL become \u00xx, UTF-8 and the
 * rest stay as they are. */
static void test_json_quote(void **state)
{
	struct vz_buf b;

	(void)state;
	vz__buf_init(&b);
	vz__json_quote("", buf_sink, &b);
	vz__json_quote("a\"b\\c", buf_sink, &b);
	vz__json_quote("\x01\t\x1f \x7f/\xc3\xa9", buf_sink, &b);
	assert_false(b.failed);
	assert_string_equal(b.data, "\"\""
	                            "\"a\\\"b\\\\c\""
	                            "\"\\u0001\\u0009\\u001f \\u007f/\xc3\xa9\"");
	vz__buf_free(&b);
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(vz_strerror(VZ_OK), "no error");
	assert_string_equal(vz_strerror(VZ_E_NOMEM), "out of memory");
	/* Frozen numbers: these are API. */
	assert_int_equal(VZ_E_INVALID, 4);
	assert_int_equal(VZ_E_SIGNATURE, 7);
	assert_int_equal(VZ_E_INTERNAL, 12);
	assert_string_equal(vz_strerror((vz_status)999), "unknown status");
}

static void test_error_format(void **state)
{
	vz_error e;
	char buf[512];
	size_t n;

	(void)state;
	vz_error_clear(&e);
	e.code = VZ_E_INVALID;
	snprintf(e.file, sizeof(e.file), "catalog.json");
	e.line = 41;
	e.column = 7;
	snprintf(e.path, sizeof(e.path), "products[3].vendor");
	snprintf(e.msg, sizeof(e.msg), "unknown vendor \"kaspersky-lab\"");
	n = vz_error_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "catalog.json:41:7: products[3].vendor: "
	                         "unknown vendor \"kaspersky-lab\"");
	assert_int_equal(n, strlen(buf));
	e.severity = VZ_SEV_WARNING;
	vz_error_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "catalog.json:41:7: warning: "
	                         "products[3].vendor: unknown vendor "
	                         "\"kaspersky-lab\"");
	e.severity = VZ_SEV_ERROR;
	e.column = 0;
	e.path[0] = '\0';
	vz_error_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "catalog.json:41: unknown vendor "
	                         "\"kaspersky-lab\"");
	e.line = 0;
	e.msg[0] = '\0';
	vz_error_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "catalog.json: invalid content");
	/* Truncation behaves like snprintf. */
	n = vz_error_format(&e, buf, 5);
	assert_string_equal(buf, "cata");
	assert_int_equal(n, strlen("catalog.json: invalid content"));
}

static void test_diags_limit(void **state)
{
	vz_diags *d = vz_diags_new();
	size_t i;

	(void)state;
	assert_non_null(d);
	for (i = 0; i < VZ_DIAGS_MAX + 5; i++)
		vz__diag_add(d, i % 2 ? VZ_SEV_WARNING : VZ_SEV_ERROR,
		             VZ_E_INVALID, "f.json", i + 1, 1, "p",
		             "problem %zu", i);
	assert_int_equal(vz_diags_count(d), VZ_DIAGS_MAX);
	assert_int_equal(vz_diags_dropped(d), 5);
	assert_int_equal(vz_diags_errors(d) + vz_diags_warnings(d),
	                 VZ_DIAGS_MAX + 5);
	assert_string_equal(vz_diags_get(d, 3)->msg, "problem 3");
	assert_int_equal(vz_diags_get(d, 3)->severity, VZ_SEV_WARNING);
	assert_null(vz_diags_get(d, VZ_DIAGS_MAX));
	vz_diags_clear(d);
	assert_int_equal(vz_diags_count(d), 0);
	assert_int_equal(vz_diags_dropped(d), 0);
	vz_diags_free(d);
	vz_diags_free(NULL);
}

static void test_diags_render(void **state)
{
	vz_diags *d = vz_diags_new();
	char *out = NULL;

	(void)state;
	vz__diag_add(d, VZ_SEV_ERROR, VZ_E_INVALID, "c.json", 2, 3,
	             "rules[0]", "bad \"thing\"");
	assert_int_equal(vz_diags_render(d, "c.json", VZ_FORMAT_TEXT, &out),
	                 VZ_E_USAGE);
	assert_int_equal(vz_diags_render(d, "c.json", VZ_FORMAT_JSON, &out),
	                 VZ_OK);
	assert_non_null(strstr(out, "\"valid\": false"));
	assert_non_null(strstr(out, "\"message\": \"bad \\\"thing\\\"\""));
	assert_non_null(strstr(out, "\"line\": 2"));
	assert_non_null(strstr(out, "\"path\": \"rules[0]\""));
	vz_free(out);
	vz_diags_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_valid),
		cmocka_unit_test(test_date_invalid),
		cmocka_unit_test(test_jsonpos),
		cmocka_unit_test(test_jsonpos_utf8_and_bom),
		cmocka_unit_test(test_jsonpos_garbage),
		cmocka_unit_test(test_path_format),
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_hexval),
		cmocka_unit_test(test_hex_encode),
		cmocka_unit_test(test_json_quote),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_diags_limit),
		cmocka_unit_test(test_diags_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
