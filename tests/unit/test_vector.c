/*
 * tests/unit/test_vector.c - the assessment vector notation
 * ("VZ1/AV:K/UP:V/DT:Y/CO:F/TH:A"): every value of every metric round-trips
 * through vz_vector_format and vz_vector_parse, metrics in any order parse
 * to the same vector and print canonically, malformed vectors are refused
 * with VZ_E_PARSE, the expected message and the column of the problem, and
 * the level names match the catalogue's spellings.
 */
#include "../vz_test.h"

/* Letters per metric, indexed by the enum value (docs: R-VEC-1). */
static const char *const av_letters = "BUSK";
static const char *const up_letters = "NCV";
static const char *const dt_letters = "NY";
static const char *const co_letters = "NPF";
static const char *const th_letters = "NLA";

/* EVIDENCE-OF: R-VEC-1 (all 4 x 3 x 2 x 3 x 3 vectors round-trip) */
static void test_roundtrip_every_value(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 4 * 3 * 2 * 3 * 3; i++) {
		int a = i % 4, u = i / 4 % 3, d = i / 12 % 2, c = i / 24 % 3,
		    t = i / 72 % 3;
		vz_vector v = {(vz_access)a, (vz_updates)u, d, (vz_compulsion)c,
		               (vz_threat)t};
		vz_vector back;
		char buf[VZ_VECTOR_MAX], want[64];
		vz_error err;

		snprintf(want, sizeof(want),
		         "VZ1/AV:%c/UP:%c/DT:%c/CO:%c/TH:%c", av_letters[a],
		         up_letters[u], dt_letters[d], co_letters[c],
		         th_letters[t]);
		memset(buf, 'x', sizeof(buf));
		vz_vector_format(&v, buf, sizeof(buf));
		assert_string_equal(buf, want);
		assert_true(strlen(buf) < VZ_VECTOR_MAX);
		memset(&back, 0xff, sizeof(back));
		vz_error_clear(&err);
		if (vz_vector_parse(buf, &back, &err) != VZ_OK)
			fail_msg("refused \"%s\": %s", buf, err.msg);
		assert_memory_equal(&back, &v, sizeof(v));
	}
}

/* The founding case's vector, field by field. */
static void test_parse_known(void **state)
{
	vz_vector v;

	(void)state;
	assert_int_equal(vz_vector_parse("VZ1/AV:K/UP:V/DT:Y/CO:F/TH:A", &v,
	                                 NULL),
	                 VZ_OK);
	assert_int_equal(v.access, VZ_ACCESS_KERNEL);
	assert_int_equal(v.updates, VZ_UPDATES_VENDOR);
	assert_int_equal(v.data, 1);
	assert_int_equal(v.compulsion, VZ_COMPULSION_FULL);
	assert_int_equal(v.threat, VZ_THREAT_ACTIVE);
	assert_int_equal(vz_vector_parse("VZ1/AV:B/UP:N/DT:N/CO:N/TH:N", &v,
	                                 NULL),
	                 VZ_OK);
	assert_int_equal(v.access, VZ_ACCESS_SANDBOXED);
	assert_int_equal(v.updates, VZ_UPDATES_NONE);
	assert_int_equal(v.data, 0);
	assert_int_equal(v.compulsion, VZ_COMPULSION_NONE);
	assert_int_equal(v.threat, VZ_THREAT_NONE);
}

/* Next permutation of p[0..n-1] in lexicographic order; 0 at the end. */
static int next_perm(int *p, int n)
{
	int i = n - 2, j = n - 1, k, tmp;

	while (i >= 0 && p[i] >= p[i + 1])
		i--;
	if (i < 0)
		return 0;
	while (p[j] <= p[i])
		j--;
	tmp = p[i];
	p[i] = p[j];
	p[j] = tmp;
	for (j = i + 1, k = n - 1; j < k; j++, k--) {
		tmp = p[j];
		p[j] = p[k];
		p[k] = tmp;
	}
	return 1;
}

/*
 * EVIDENCE-OF: R-VEC-1
 * Metrics may come in any order: all 120 orders of three different
 * vectors parse to the same vector, which prints in the canonical order.
 */
static void test_any_order(void **state)
{
	static const char *const canon[] = {
		"VZ1/AV:K/UP:V/DT:Y/CO:F/TH:A",
		"VZ1/AV:U/UP:C/DT:N/CO:P/TH:L",
		"VZ1/AV:B/UP:N/DT:N/CO:N/TH:N",
	};
	size_t ci;

	(void)state;
	for (ci = 0; ci < sizeof(canon) / sizeof(canon[0]); ci++) {
		const char *parts[5];
		char copy[64], *save = NULL, *tok;
		int p[5] = {0, 1, 2, 3, 4}, n = 0;
		vz_vector want;

		assert_int_equal(vz_vector_parse(canon[ci], &want, NULL),
		                 VZ_OK);
		snprintf(copy, sizeof(copy), "%s", canon[ci] + 4);
		for (tok = strtok_r(copy, "/", &save); tok != NULL;
		     tok = strtok_r(NULL, "/", &save))
			parts[n++] = tok;
		assert_int_equal(n, 5);
		n = 0;
		do {
			char s[64], out[VZ_VECTOR_MAX];
			vz_vector v;
			vz_error err;

			snprintf(s, sizeof(s), "VZ1/%s/%s/%s/%s/%s",
			         parts[p[0]], parts[p[1]], parts[p[2]],
			         parts[p[3]], parts[p[4]]);
			if (vz_vector_parse(s, &v, &err) != VZ_OK)
				fail_msg("refused \"%s\": %s", s, err.msg);
			assert_memory_equal(&v, &want, sizeof(v));
			vz_vector_format(&v, out, sizeof(out));
			assert_string_equal(out, canon[ci]);
			n++;
		} while (next_perm(p, 5));
		assert_int_equal(n, 120);
	}
}

struct bad_case {
	const char *in;
	const char *what;      /* the message after the quoted vector */
	unsigned long column;  /* 1-based */
};

static void expect_bad(const struct bad_case *bc)
{
	vz_vector v;
	vz_error err;
	char want[600], shown[80];
	size_t len = strlen(bc->in);

	memset(&err, 0x55, sizeof(err));
	if (vz_vector_parse(bc->in, &v, &err) != VZ_E_PARSE)
		fail_msg("accepted or wrong status for \"%s\"", bc->in);
	snprintf(shown, sizeof(shown), "%.*s", (int)(len > 64 ? 64 : len),
	         bc->in);
	snprintf(want, sizeof(want), "vector \"%s\": %s at character %lu",
	         shown, bc->what, bc->column);
	if (strcmp(err.msg, want) != 0)
		fail_msg("\"%s\":\n  got  %s\n  want %s", bc->in, err.msg,
		         want);
	assert_int_equal(err.code, VZ_E_PARSE);
	assert_int_equal(err.column, bc->column);
	assert_int_equal(err.severity, VZ_SEV_ERROR);
	/* The column points into the input, or just past its end. */
	assert_true(err.column >= 1 && err.column <= len + 1);
	/* Without an error record the outcome is the same. */
	assert_int_equal(vz_vector_parse(bc->in, &v, NULL), VZ_E_PARSE);
}

#define AV_MUST "AV must be B (sandboxed), U (user), S (system) or K (kernel)"
#define UP_MUST "UP must be N (none), C (customer-controlled) or V (vendor push)"
#define DT_MUST "DT must be N (no data to the vendor) or Y (data to the vendor)"
#define CO_MUST "CO must be N (none), P (partial) or F (full)"
#define TH_MUST "TH must be N (none), L (limited) or A (active)"
#define PREFIX_MUST "must start with \"VZ1/\""
#define EXPECTED "expected METRIC:VALUE"
#define UNKNOWN(m) "unknown metric \"" m "\" (expected AV, UP, DT, CO or TH)"

/* EVIDENCE-OF: R-VEC-1 (a malformed vector is refused with the position) */
static void test_malformed(void **state)
{
	static const struct bad_case cases[] = {
		/* Missing or wrong prefix. */
		{"AV:K/UP:V/DT:Y/CO:F/TH:A", PREFIX_MUST, 1},
		{"vz1/AV:K/UP:V/DT:Y/CO:F/TH:A", PREFIX_MUST, 1},
		{"VZ2/AV:K/UP:V/DT:Y/CO:F/TH:A", PREFIX_MUST, 1},
		{"VZ1", PREFIX_MUST, 1},
		{" VZ1/AV:K/UP:V/DT:Y/CO:F/TH:A", PREFIX_MUST, 1},
		/* Empty input, and a prefix with nothing after it. */
		{"", PREFIX_MUST, 1},
		{"VZ1/", EXPECTED, 5},
		/* Lowercase metric names and values. */
		{"VZ1/av:K/UP:V/DT:Y/CO:F/TH:A", UNKNOWN("av"), 5},
		{"VZ1/AV:k/UP:V/DT:Y/CO:F/TH:A", AV_MUST, 8},
		{"VZ1/AV:K/UP:V/DT:y/CO:F/TH:A", DT_MUST, 18},
		/* Unknown metric. */
		{"VZ1/AV:K/UP:V/DT:Y/CO:F/XX:A", UNKNOWN("XX"), 25},
		{"VZ1/AVX:K/UP:V/DT:Y/CO:F/TH:A", UNKNOWN("AVX"), 5},
		/* Bad value, for each metric. */
		{"VZ1/AV:X/UP:V/DT:Y/CO:F/TH:A", AV_MUST, 8},
		{"VZ1/AV:K/UP:Y/DT:Y/CO:F/TH:A", UP_MUST, 13},
		{"VZ1/AV:K/UP:V/DT:V/CO:F/TH:A", DT_MUST, 18},
		{"VZ1/AV:K/UP:V/DT:Y/CO:X/TH:A", CO_MUST, 23},
		{"VZ1/AV:K/UP:V/DT:Y/CO:F/TH:F", TH_MUST, 28},
		/* An empty value, and a doubled colon. */
		{"VZ1/AV:/UP:V/DT:Y/CO:F/TH:A", AV_MUST, 8},
		{"VZ1/AV::K/UP:V/DT:Y/CO:F/TH:A", AV_MUST, 8},
		{"VZ1/AV:K/UP:V/DT:Y/CO:F/TH:", TH_MUST, 28},
		/* Duplicate metric, at its second occurrence. */
		{"VZ1/AV:K/AV:S/UP:V/DT:Y/CO:F/TH:A", "metric AV given twice", 10},
		{"VZ1/AV:K/UP:V/DT:Y/CO:F/TH:A/TH:N", "metric TH given twice", 30},
		/* Missing metric: reported where the input ends. */
		{"VZ1/AV:K/UP:V/DT:Y/CO:F", "metric TH is missing", 24},
		{"VZ1/UP:V/DT:Y/CO:F/TH:A", "metric AV is missing", 24},
		{"VZ1/AV:K", "metric UP is missing", 9},
		/* A trailing slash: the column is the slash's. */
		{"VZ1/AV:K/UP:V/DT:Y/CO:F/TH:A/", "trailing \"/\"", 29},
		{"VZ1/AV:K/", "trailing \"/\"", 9},
		/* Garbage after a value: the value is wrong. */
		{"VZ1/AV:KX/UP:V/DT:Y/CO:F/TH:A", AV_MUST, 8},
		{"VZ1/AV:K/UP:V/DT:Y/CO:F/TH:AA", TH_MUST, 28},
		{"VZ1/AV:K/UP:V/DT:Y/CO:F/TH:A ", TH_MUST, 28},
		{"VZ1/AV:K/UP:V/DT:Y/CO:F/TH:A\n", TH_MUST, 28},
		{"VZ1/AV:K-UP:V/DT:Y/CO:F/TH:A", AV_MUST, 8},
		/* Extra characters: separators and stray metrics. */
		{"VZ1/AV:K//UP:V/DT:Y/CO:F/TH:A", EXPECTED, 10},
		{"VZ1/AVK/UP:V/DT:Y/CO:F/TH:A", EXPECTED, 5},
		{"VZ1/AV:K/UP:V/DT:Y/CO:F/TH:A/junk", EXPECTED, 30},
		{"VZ1/AV:K/UP:V/DT:Y/CO:F/TH:A/ZZ:Q", UNKNOWN("ZZ"), 30},
		{"VZ1/:K/UP:V/DT:Y/CO:F/TH:A", EXPECTED, 5},
		{"VZ1//AV:K/UP:V/DT:Y/CO:F/TH:A", EXPECTED, 5},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_bad(&cases[i]);
}

/*
 * Very long input: refused without reading past the end, and the message
 * quotes at most 64 characters of the vector and 16 of a metric name, so
 * it always fits the error record.
 */
static void test_very_long(void **state)
{
	size_t n = 100000;
	char *s = malloc(n + 16);
	vz_vector v;
	vz_error err;
	struct bad_case bc;
	char what[128];

	(void)state;
	assert_non_null(s);
	/* A metric name of 100000 letters. */
	memcpy(s, "VZ1/", 4);
	memset(s + 4, 'A', n);
	memcpy(s + 4 + n, ":K", 3);
	snprintf(what, sizeof(what), UNKNOWN("%.16s"), s + 4);
	bc.in = s;
	bc.what = what;
	bc.column = 5;
	expect_bad(&bc);
	/* A value of 100000 letters. */
	memcpy(s, "VZ1/AV:", 7);
	memset(s + 7, 'K', n);
	s[7 + n] = '\0';
	bc.what = AV_MUST;
	bc.column = 8;
	expect_bad(&bc);
	/* No colon at all. */
	memset(s + 4, 'x', n);
	s[4 + n] = '\0';
	bc.what = EXPECTED;
	bc.column = 5;
	expect_bad(&bc);
	/* The first 64 characters are quoted, and the message fits. */
	assert_int_equal(vz_vector_parse(s, &v, &err), VZ_E_PARSE);
	assert_true(strlen(err.msg) < sizeof(err.msg) - 1);
	assert_int_equal(strncmp(err.msg + 8, s, 64), 0);
	assert_int_equal(err.msg[8 + 64], '"');
	/* The same metric repeated until the string is long. */
	{
		size_t len = 4;

		memcpy(s, "VZ1/", 4);
		while (len + 5 < n) {
			memcpy(s + len, "AV:K/", 5);
			len += 5;
		}
		s[len - 1] = '\0';
		bc.what = "metric AV given twice";
		bc.column = 10;
		expect_bad(&bc);
	}
	free(s);
}

/* Formatting: any non-zero data flag is "Y"; a short buffer truncates. */
static void test_format_edges(void **state)
{
	vz_vector v = {VZ_ACCESS_SYSTEM, VZ_UPDATES_CUSTOMER, 7,
	               VZ_COMPULSION_PARTIAL, VZ_THREAT_LIMITED};
	char buf[VZ_VECTOR_MAX], small[10];

	(void)state;
	vz_vector_format(&v, buf, sizeof(buf));
	assert_string_equal(buf, "VZ1/AV:S/UP:C/DT:Y/CO:P/TH:L");
	memset(small, 'x', sizeof(small));
	vz_vector_format(&v, small, sizeof(small));
	assert_string_equal(small, "VZ1/AV:S/");
}

/* The catalogue spellings of every level, and "?" out of range. */
static void test_names(void **state)
{
	static const char *const acc[] = {"sandboxed", "user", "system",
	                                  "kernel"};
	static const char *const upd[] = {"none", "customer-controlled",
	                                  "vendor-push"};
	static const char *const com[] = {"none", "partial", "full"};
	static const char *const thr[] = {"none", "limited", "active"};
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		assert_string_equal(vz_access_name((vz_access)i), acc[i]);
		assert_int_equal(vz__access_from(acc[i]), i);
	}
	for (i = 0; i < 3; i++) {
		assert_string_equal(vz_updates_name((vz_updates)i), upd[i]);
		assert_string_equal(vz_compulsion_name((vz_compulsion)i),
		                    com[i]);
		assert_string_equal(vz_threat_name((vz_threat)i), thr[i]);
		assert_int_equal(vz__updates_from(upd[i]), i);
		assert_int_equal(vz__compulsion_from(com[i]), i);
		assert_int_equal(vz__threat_from(thr[i]), i);
	}
	/* The enums are ordered: a larger value is more risk. */
	assert_true(VZ_ACCESS_KERNEL > VZ_ACCESS_SYSTEM &&
	            VZ_ACCESS_SYSTEM > VZ_ACCESS_USER &&
	            VZ_ACCESS_USER > VZ_ACCESS_SANDBOXED);
	assert_true(VZ_COMPULSION_FULL > VZ_COMPULSION_PARTIAL &&
	            VZ_COMPULSION_PARTIAL > VZ_COMPULSION_NONE);
	assert_true(VZ_THREAT_ACTIVE > VZ_THREAT_LIMITED &&
	            VZ_THREAT_LIMITED > VZ_THREAT_NONE);
	assert_string_equal(vz_access_name((vz_access)4), "?");
	assert_string_equal(vz_access_name((vz_access)-1), "?");
	assert_string_equal(vz_updates_name((vz_updates)3), "?");
	assert_string_equal(vz_compulsion_name((vz_compulsion)3), "?");
	assert_string_equal(vz_threat_name((vz_threat)3), "?");
	assert_string_equal(vz_threat_name((vz_threat)-1), "?");
	/* Unknown and NULL spellings are -1, and names are case-sensitive. */
	assert_int_equal(vz__access_from("Kernel"), -1);
	assert_int_equal(vz__access_from("root"), -1);
	assert_int_equal(vz__access_from(NULL), -1);
	assert_int_equal(vz__updates_from("vendor"), -1);
	assert_int_equal(vz__compulsion_from(""), -1);
	assert_int_equal(vz__threat_from("high"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_every_value),
		cmocka_unit_test(test_parse_known),
		cmocka_unit_test(test_any_order),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_very_long),
		cmocka_unit_test(test_format_edges),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
