/*
 * tests/unit/test_policy.c - the policy generators through the library:
 * every format under allocation failure (each failing allocation gives
 * VZ_E_NOMEM and no output, never a different policy; nothing leaks under
 * ASan), derived GUIDs (version and variant bits, stable, distinct per
 * rule), and the format table. The outputs themselves are checked by
 * tests/policy/golden.sh and by the real tools in tests/policy/tools.sh.
 */
#include <strings.h>

#include "vz_test.h"

#include "../../lib/policy/policy_int.h"

static vz_catalog *load(const char *rel)
{
	char path[4096];
	vz_catalog *cat = NULL;

	snprintf(path, sizeof(path), "%s/%s", VZ_TEST_SOURCE_ROOT, rel);
	assert_int_equal(vz_catalog_load(path, &cat, NULL), VZ_OK);
	return cat;
}

static void test_formats(void **state)
{
	vz_policy_format f;
	int i;

	(void)state;
	for (i = 0; i < VZ_POLICY__COUNT; i++) {
		const char *n = vz_policy_format_name((vz_policy_format)i);

		assert_non_null(n);
		assert_int_equal(vz_policy_format_parse(n, &f), 0);
		assert_int_equal((int)f, i);
	}
	assert_int_equal(vz_policy_format_parse("rpm", &f), -1);
	assert_int_equal(vz_policy_format_parse(NULL, &f), -1);
	assert_null(vz_policy_format_name(VZ_POLICY__COUNT));
	assert_true(vz_policy_has_audit(VZ_POLICY_APPLOCKER));
	assert_true(vz_policy_has_audit(VZ_POLICY_WDAC));
	assert_false(vz_policy_has_audit(VZ_POLICY_APT));
	assert_false(vz_policy_has_audit(VZ_POLICY_SANTA));
}

static void test_guid(void **state)
{
	struct vz_pol p;
	struct pol_measure m[2] = {{"nl-2018-kaspersky-antivirus", NULL, NULL},
	                           {"us-2017-bod-17-01", NULL, NULL}};
	char a[37], b[37], c[37], d[37];

	(void)state;
	memset(&p, 0, sizeof(p));
	p.format = VZ_POLICY_APPLOCKER;
	p.ms = m;
	p.nms = 1;
	vz__pol_guid(&p, "rule 1", 0, a);
	vz__pol_guid(&p, "rule 1", 0, b);
	vz__pol_guid(&p, "rule 2", 0, c);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), 36);
	assert_int_equal(a[8], '-');
	assert_int_equal(a[14], '8'); /* version 8 */
	assert_non_null(strchr("89ab", a[19])); /* RFC 9562 variant */
	vz__pol_guid(&p, "rule 1", 1, d);
	assert_int_equal(strcasecmp(a, d), 0);
	assert_string_not_equal(a, d);
	/* Another measure or format: another GUID for the same rule. */
	p.nms = 2;
	vz__pol_guid(&p, "rule 1", 0, b);
	assert_string_not_equal(a, b);
	p.nms = 1;
	p.format = VZ_POLICY_WDAC;
	vz__pol_guid(&p, "rule 1", 0, b);
	assert_string_not_equal(a, b);
}

/*
 * The JSON values alive outside a render. The torture counts jansson's
 * blocks, so that a render that keeps a value nobody releases fails here
 * too, not only under ASan: scripts/mutate.sh builds without it.
 */
static long json_live;

static void *count_malloc(size_t n)
{
	void *p = vz__malloc(n);

	if (p != NULL)
		json_live++;
	return p;
}

static void count_free(void *p)
{
	if (p != NULL)
		json_live--;
	vz__free(p);
}

/* Every allocation of one render failed in turn; none leaves a JSON
 * value behind. */
static void torture(vz_catalog *cat, vz_policy_format f, const char *measure,
                    const char *sector)
{
	vz_policy_opts o;
	char *ref = NULL;
	vz_error err;
	long n;

	vz_policy_opts_init(&o);
	o.format = f;
	o.measure = measure;
	o.sector = sector;
	long live = json_live;

	vz__alloc_fail_after(-1);
	assert_int_equal(vz_policy_render(cat, &o, &ref, &err), VZ_OK);
	if (json_live != live)
		fail_msg("%s: %ld JSON values left by a render",
		         vz_policy_format_name(f), json_live - live);
	for (n = 0;; n++) {
		unsigned long before = vz__alloc_failures();
		char *out = (char *)1;
		vz_status rc;

		vz__alloc_fail_after(n);
		rc = vz_policy_render(cat, &o, &out, &err);
		vz__alloc_fail_after(-1);
		if (json_live != live)
			fail_msg("%s: allocation %ld failed: %ld JSON values "
			         "left",
			         vz_policy_format_name(f), n, json_live - live);
		if (rc == VZ_OK) {
			assert_string_equal(out, ref);
			vz_free(out);
			if (vz__alloc_failures() == before)
				break;
			continue;
		}
		if (rc != VZ_E_NOMEM)
			fail_msg("%s: allocation %ld failed: %s (%s)",
			         vz_policy_format_name(f), n, vz_strerror(rc),
			         err.msg);
		assert_null(out);
		assert_int_equal(err.code, VZ_E_NOMEM);
	}
	/* The loop reached the render's every allocation. */
	assert_true(n > 5);
	vz_free(ref);
}

static void test_torture(void **state)
{
	vz_catalog *cat = load("catalog/voorzorg.json");
	vz_catalog *t = load("tests/policy/catalog.json");
	int i;

	(void)state;
	/* vz__alloc_hook_jansson's, counted. */
	json_set_alloc_funcs(count_malloc, count_free);
	for (i = 0; i < VZ_POLICY__COUNT; i++) {
		torture(cat, (vz_policy_format)i, "us-2017-bod-17-01",
		        "central-government");
		torture(t, (vz_policy_format)i, "example-measure", NULL);
	}
	vz_catalog_free(cat);
	vz_catalog_free(t);
}

/*
 * osquery's programs table is matched with LIKE, which ignores case:
 * a catalogue glob's '*' becomes '%', and a literal '_' or '%' of the
 * name is escaped, or LIKE would take it for a wildcard and match other
 * programs too.
 */
static void test_osquery_like(void **state)
{
	static const char from[] = "\"Example Agent & Co's *\"";
	static const char to[] = "\"Example_Agent 100% *\"";
	size_t len = 0;
	char *text = vz_test_slurp("tests/policy/catalog.json", &len);
	const char *at;
	char *out = NULL;
	vz_catalog *cat = NULL;
	vz_policy_opts o;
	struct vz_buf b;
	vz_error err;

	(void)state;
	assert_non_null(text);
	at = strstr(text, from);
	assert_non_null(at);
	vz__buf_init(&b);
	vz__buf_add(&b, text, (size_t)(at - text));
	vz__buf_puts(&b, to);
	vz__buf_puts(&b, at + strlen(from));
	assert_false(b.failed);
	assert_int_equal(vz_catalog_load_buffer(b.data, b.len, "catalog.json",
	                                        &cat, NULL),
	                 VZ_OK);
	vz_policy_opts_init(&o);
	o.format = VZ_POLICY_OSQUERY;
	o.measure = "example-measure";
	assert_int_equal(vz_policy_render(cat, &o, &out, &err), VZ_OK);
	assert_non_null(
	    strstr(out, "name LIKE 'Example\\_Agent 100\\% %' ESCAPE '\\'"));
	vz_free(out);
	vz_catalog_free(cat);
	vz__buf_free(&b);
	free(text);
}

static void test_errors(void **state)
{
	vz_catalog *cat = load("catalog/voorzorg.json");
	vz_policy_opts o;
	char *out = (char *)1;
	vz_error err;

	(void)state;
	vz_policy_opts_init(&o);
	o.format = VZ_POLICY__COUNT;
	assert_int_equal(vz_policy_render(cat, &o, &out, &err), VZ_E_USAGE);
	assert_null(out);
	o.format = VZ_POLICY_SANTA;
	o.mode = VZ_POLICY_MODE_AUDIT;
	assert_int_equal(vz_policy_render(cat, &o, &out, &err), VZ_E_USAGE);
	assert_non_null(strstr(err.msg, "no audit mode"));
	o.mode = VZ_POLICY_MODE_DEFAULT;
	o.measure = "kaspersky-lab";
	assert_int_equal(vz_policy_render(cat, &o, &out, &err),
	                 VZ_E_NOTFOUND);
	o.measure = "nl-2023-apps-offensive-states";
	assert_int_equal(vz_policy_render(cat, &o, &out, &err), VZ_E_USAGE);
	assert_non_null(strstr(err.msg, "no macOS bundle-id"));
	assert_null(out);
	vz_catalog_free(cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_guid),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_osquery_like),
		cmocka_unit_test(test_torture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
