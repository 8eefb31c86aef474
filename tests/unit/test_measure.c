/*
 * tests/unit/test_measure.c - a measure's scope as its text states it,
 * the products derived from it, its deadlines with their verbs, and
 * recorded quotes checked against source texts
 * (tests/catalogs/scope/catalog.json and its sources/).
 */
#include <stdio.h>
#include <unistd.h>

#include "../vz_test.h"

#define SCOPE "tests/catalogs/scope/catalog.json"
#define SOURCES VZ_TEST_SOURCE_ROOT "/tests/catalogs/scope/sources"

static vz_catalog *load_text(const char *text, size_t len, vz_diags *d)
{
	vz_catalog *cat = NULL;

	assert_int_equal(vz_catalog_load_buffer(text, len, SCOPE, &cat, d),
	                 VZ_OK);
	return cat;
}

static vz_catalog *load_scope(void)
{
	size_t len = 0;
	char *data = vz_test_slurp(SCOPE, &len);
	vz_diags *d = vz_diags_new();
	vz_catalog *cat;

	assert_non_null(data);
	cat = load_text(data, len, d);
	assert_int_equal(vz_diags_count(d), 0);
	vz_diags_free(d);
	free(data);
	return cat;
}

/* Vendor and classes: every anti-virus product of the vendor, only. */
static void test_vendor_classes(void **state)
{
	vz_catalog *cat = load_scope();
	const char *ids[8];

	(void)state;
	assert_true(vz_measure_covers(cat, "example-measure",
	                              "example-antivirus"));
	/* Not named anywhere, covered because the text names its class. */
	assert_true(vz_measure_covers(cat, "example-measure",
	                              "example-industrial-av"));
	assert_false(vz_measure_covers(cat, "example-measure",
	                               "example-agent"));
	assert_false(vz_measure_covers(cat, "example-measure",
	                               "other-antivirus"));
	assert_int_equal(vz_measure_products(cat, "example-measure", ids, 8),
	                 2);
	assert_string_equal(ids[0], "example-antivirus");
	assert_string_equal(ids[1], "example-industrial-av");
	/* Counting without a buffer, and a buffer too small. */
	assert_int_equal(vz_measure_products(cat, "example-measure", NULL, 0),
	                 2);
	assert_int_equal(vz_measure_products(cat, "example-measure", ids, 1),
	                 2);
	vz_catalog_free(cat);
}

/* All brands minus an exception; named products; unknown ids. */
static void test_brands_and_products(void **state)
{
	vz_catalog *cat = load_scope();

	(void)state;
	assert_true(vz_measure_covers(cat, "example-brand-measure",
	                              "example-agent"));
	assert_true(vz_measure_covers(cat, "example-brand-measure",
	                              "example-industrial-av"));
	assert_false(vz_measure_covers(cat, "example-brand-measure",
	                               "example-vpn"));
	assert_false(vz_measure_covers(cat, "example-brand-measure",
	                               "other-successor"));
	assert_int_equal(
	    vz_measure_products(cat, "example-brand-measure", NULL, 0), 3);
	assert_true(vz_measure_covers(cat, "example-named-measure",
	                              "other-antivirus"));
	assert_false(vz_measure_covers(cat, "example-named-measure",
	                               "other-successor"));
	assert_false(vz_measure_covers(cat, "no-such-measure",
	                               "example-antivirus"));
	/* A product id passed as the measure is not a measure. */
	assert_false(vz_measure_covers(cat, "example-antivirus",
	                               "example-antivirus"));
	assert_false(vz_measure_covers(cat, "example-measure", NULL));
	assert_false(vz_measure_covers(cat, "example-measure", "no-such"));
	assert_int_equal(vz_measure_products(cat, "nothing", NULL, 0), 0);
	vz_catalog_free(cat);
}

static void test_deadlines(void **state)
{
	vz_catalog *cat = load_scope();
	vz_deadline d[VZ_DEADLINES_MAX];
	size_t n;

	(void)state;
	n = vz_measure_deadlines(cat, "example-measure", "central-government",
	                         d, VZ_DEADLINES_MAX);
	assert_int_equal(n, 4);
	assert_string_equal(d[0].verb, "identify");
	assert_string_equal(d[0].date, "2024-02-01");
	assert_string_equal(d[0].source, "example-letter");
	assert_string_equal(d[0].pinpoint, "para. 2");
	assert_null(d[0].note);
	assert_string_equal(d[1].verb, "report");
	assert_string_equal(d[2].verb, "begin-removal");
	assert_string_equal(d[2].note, "Unless directed otherwise.");
	assert_string_equal(d[3].verb, "stop-updates");
	assert_string_equal(d[3].unconfirmed, "Only reported in the press.");
	/* Fills no more than asked, still says how many. */
	assert_int_equal(vz_measure_deadlines(cat, "example-measure",
	                                      "central-government", d, 1),
	                 4);
	assert_int_equal(vz_measure_deadlines(cat, "example-measure", "vital",
	                                      d, VZ_DEADLINES_MAX),
	                 0);
	assert_int_equal(vz_measure_deadlines(cat, "example-brand-measure",
	                                      "central-government", d,
	                                      VZ_DEADLINES_MAX),
	                 0);
	assert_int_equal(vz_measure_deadlines(cat, "example-measure", NULL,
	                                      NULL, 0),
	                 0);
	vz_catalog_free(cat);
}

/* Replace the first `from` in the scope catalogue by `to` and load it. */
static char *variant(const char *from, const char *to, size_t *len)
{
	size_t n = 0, fl = strlen(from), tl = strlen(to);
	char *data = vz_test_slurp(SCOPE, &n), *at, *out;

	assert_non_null(data);
	at = strstr(data, from);
	assert_non_null(at);
	out = malloc(n - fl + tl + 1);
	assert_non_null(out);
	memcpy(out, data, (size_t)(at - data));
	memcpy(out + (at - data), to, tl);
	memcpy(out + (at - data) + tl, at + fl, n - (size_t)(at - data) - fl);
	*len = n - fl + tl;
	out[*len] = '\0';
	free(data);
	return out;
}

static void expect_invalid(const char *from, const char *to,
                           const char *msg)
{
	size_t len;
	char *text = variant(from, to, &len);
	vz_catalog *cat = NULL;
	vz_diags *d = vz_diags_new();
	char buf[1024];

	assert_int_equal(vz_catalog_load_buffer(text, len, SCOPE, &cat, d),
	                 VZ_E_INVALID);
	assert_null(cat);
	vz_error_format(vz_diags_get(d, 0), buf, sizeof(buf));
	if (strstr(buf, msg) == NULL)
		fail_msg("expected \"%s\" in: %s", msg, buf);
	vz_diags_free(d);
	free(text);
}

/* What lint refuses in the new members. */
static void test_refused(void **state)
{
	(void)state;
	/* Recorded from an authority without its words. */
	expect_invalid("\"basis\": \"recorded\",\n      \"recorded\"",
	               "\"basis\": \"recorded\",\n      \"x-recorded\"",
	               "needs \"recorded\"");
	/* A Dutch quote without translation. */
	expect_invalid("\"translation\": \"Example Vendor's anti-virus "
	               "software\",",
	               "", "needs an English \"translation\"");
	/* A quote without pinpoint. */
	expect_invalid("\"pinpoint\": \"art. 1\"", "\"note\": \"x\"",
	               "\"pinpoint\"");
	/* Scope members that do not fit the form. */
	expect_invalid("\"form\": \"vendor-classes\"", "\"form\": \"vendor\"",
	               "take \"vendors\" and no \"classes\"");
	expect_invalid("\"form\": \"products\"", "\"form\": \"vendor\"",
	               "take \"vendors\"");
	/* Both ways of stating scope, or neither. */
	expect_invalid("\"reference\": \"Advice 1\",",
	               "\"reference\": \"Advice 1\", \"products\": "
	               "[\"other-antivirus\"],",
	               "not both");
	/* A verb twice; a dated step without sources; steps backwards. */
	expect_invalid("\"verb\": \"report\"", "\"verb\": \"identify\"",
	               "appears twice");
	expect_invalid("\"sources\": [\n                \"example-letter\"\n"
	               "              ],\n              \"pinpoint\"",
	               "\"pinpoint\"", "must name its \"sources\"");
	expect_invalid("\"date\": \"2024-03-01\"", "\"date\": \"2024-01-03\"",
	               "begin-removal deadline falls before the report");
	expect_invalid("\"verb\": \"report\"", "\"verb\": \"remove\"",
	               "\"remove\"");
}

static vz_status quotes(const char *from, const char *to, vz_diags *d)
{
	size_t len = 0;
	char *text = from ? variant(from, to, &len)
	                  : vz_test_slurp(SCOPE, &len);
	vz_catalog *cat = load_text(text, len, NULL);
	vz_status rc = vz_catalog_check_quotes(cat, SOURCES, d);

	vz_catalog_free(cat);
	free(text);
	return rc;
}

static void test_quotes(void **state)
{
	vz_diags *d = vz_diags_new();
	char buf[1024];

	(void)state;
	/* Line breaks and an ellipsis in the source text are no obstacle. */
	assert_int_equal(quotes(NULL, NULL, d), VZ_OK);
	assert_int_equal(vz_diags_count(d), 0);
	/* A paraphrase is not a quote. */
	assert_int_equal(quotes("de antivirussoftware van Example Vendor",
	                        "alle antivirussoftware van Example Vendor",
	                        d),
	                 VZ_E_INVALID);
	assert_int_equal(vz_diags_errors(d), 1);
	vz_error_format(vz_diags_get(d, 0), buf, sizeof(buf));
	assert_non_null(strstr(buf, "measures[0].covers.recorded[0].quote"));
	assert_non_null(strstr(buf, "does not occur in the recorded text of "
	                            "source \"example-decree\""));
	vz_diags_clear(d);
	/* Fragments must occur in order. */
	assert_int_equal(quotes("Het risico ... is aanwezig.",
	                        "is aanwezig. ... Het risico", d),
	                 VZ_E_INVALID);
	vz_diags_clear(d);
	/* A source without a kept text is not checked. */
	assert_int_equal(quotes("\"quote\": \"The vendor can be obliged",
	                        "\"quote\": \"Anything the vendor", d),
	                 VZ_OK);
	/* No source directory: nothing to check. */
	{
		vz_catalog *cat;
		size_t len = 0;
		char *text = vz_test_slurp(SCOPE, &len);

		cat = load_text(text, len, NULL);
		assert_int_equal(vz_catalog_check_quotes(cat, "/nonexistent",
		                                         d),
		                 VZ_OK);
		vz_catalog_free(cat);
		free(text);
	}
	assert_int_equal(vz_diags_count(d), 0);
	vz_diags_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vendor_classes),
		cmocka_unit_test(test_brands_and_products),
		cmocka_unit_test(test_deadlines),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_quotes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
