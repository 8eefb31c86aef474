/*
 * tests/unit/test_catalog.c - loading, looking up and rendering the
 * catalogue through the public API, on the bundled catalogue and on small
 * inline documents. The malformed-catalogue corpus is driven by
 * test_catalog_cases.c.
 */
#include <unistd.h>

#include "../vz_test.h"

#define BUNDLED "catalog/voorzorg.json"

static vz_catalog *load_bundled(void)
{
	size_t len = 0;
	char *data = vz_test_slurp(BUNDLED, &len);
	vz_catalog *cat = NULL;
	vz_diags *d = vz_diags_new();

	assert_non_null(data);
	assert_int_equal(vz_catalog_load_buffer(data, len, BUNDLED, &cat, d),
	                 VZ_OK);
	assert_int_equal(vz_diags_count(d), 0);
	vz_diags_free(d);
	free(data);
	return cat;
}

/* Load inline text expecting failure; return the first diagnostic line. */
static void expect_first(const char *text, vz_status want, const char *line)
{
	vz_catalog *cat = (vz_catalog *)1;
	vz_diags *d = vz_diags_new();
	char buf[1024];

	assert_int_equal(vz_catalog_load_buffer(text, strlen(text),
	                                        "catalog.json", &cat, d),
	                 want);
	assert_null(cat);
	assert_true(vz_diags_errors(d) > 0);
	vz_error_format(vz_diags_get(d, 0), buf, sizeof(buf));
	assert_string_equal(buf, line);
	vz_diags_free(d);
}

static void test_bundled_loads(void **state)
{
	vz_catalog *cat = load_bundled();
	vz_kind kind;

	(void)state;
	assert_string_equal(vz_catalog_id(cat), "nl-voorzorg");
	assert_string_equal(vz_catalog_format(cat), "voorzorg-catalog/1");
	assert_true(vz_catalog_version(cat) >= 1);
	assert_non_null(vz_catalog_expires(cat));
	assert_string_equal(vz_catalog_file(cat), BUNDLED);
	/* The founding case: the 2018 measure and its products. */
	assert_true(vz_catalog_find(cat, "nl-2018-kaspersky-antivirus", &kind));
	assert_int_equal(kind, VZ_KIND_MEASURE);
	assert_true(vz_catalog_find(cat, "kaspersky", &kind));
	assert_int_equal(kind, VZ_KIND_VENDOR);
	assert_true(vz_catalog_find(cat, "ru", &kind));
	assert_int_equal(kind, VZ_KIND_JURISDICTION);
	assert_true(vz_catalog_find(cat, "central-government", NULL));
	assert_false(vz_catalog_find(cat, "kaspersky-lab", &kind));
	assert_true(vz_catalog_count(cat, VZ_KIND_PRODUCT) >= 2);
	assert_int_equal(vz_catalog_count(cat, VZ_KIND__COUNT), 0);
	assert_non_null(vz_catalog_entry_id(cat, VZ_KIND_SECTOR, 0));
	assert_null(vz_catalog_entry_id(cat, VZ_KIND_SECTOR, 1000));
	assert_string_equal(vz_kind_name(VZ_KIND_RULES), "rules");
	assert_string_equal(vz_kind_array(VZ_KIND_PRODUCT), "products");
	vz_catalog_free(cat);
	vz_catalog_free(NULL);
}

static void test_render(void **state)
{
	vz_catalog *cat = load_bundled();
	char *a = NULL, *b = NULL;
	vz_error err;

	(void)state;
	/* Same catalogue, same bytes. */
	assert_int_equal(vz_catalog_render(cat, NULL, VZ_FORMAT_TEXT, &a, &err),
	                 VZ_OK);
	assert_int_equal(vz_catalog_render(cat, NULL, VZ_FORMAT_TEXT, &b, &err),
	                 VZ_OK);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "Kamerstukken 30 821 en 26 643, nr. 46"));
	assert_non_null(strstr(a, "central-government: phase-out"));
	vz_free(a);
	vz_free(b);
	assert_int_equal(vz_catalog_render(cat, "nl-2018-kaspersky-antivirus",
	                                   VZ_FORMAT_TEXT, &a, &err),
	                 VZ_OK);
	assert_int_equal(strncmp(a, "measure nl-2018-kaspersky-antivirus\n", 36),
	                 0);
	/* Text mode spells out the cited sources for an auditor. */
	assert_non_null(strstr(a, "cited sources:\n"));
	assert_non_null(strstr(a, "[off-2019]"));
	assert_non_null(strstr(a, "2019D31225"));
	vz_free(a);
	assert_int_equal(vz_catalog_render(cat, "kaspersky", VZ_FORMAT_JSON, &a,
	                                   &err),
	                 VZ_OK);
	assert_int_equal(strncmp(a, "{\n  \"id\": \"kaspersky\"", 21), 0);
	vz_free(a);
	assert_int_equal(vz_catalog_render(cat, NULL, VZ_FORMAT_JSON, &a, &err),
	                 VZ_OK);
	assert_non_null(strstr(a, "\"counts\""));
	assert_non_null(strstr(a, "\"nl-2018-kaspersky-antivirus\""));
	vz_free(a);
	a = (char *)1;
	assert_int_equal(vz_catalog_render(cat, "no-such-id", VZ_FORMAT_TEXT,
	                                   &a, &err),
	                 VZ_E_NOTFOUND);
	assert_null(a);
	assert_string_equal(err.msg, "no entry with id \"no-such-id\"");
	assert_string_equal(err.file, BUNDLED);
	vz_catalog_free(cat);
}

static void test_load_file_errors(void **state)
{
	vz_catalog *cat = (vz_catalog *)1;
	vz_diags *d = vz_diags_new();
	char buf[1024];

	(void)state;
	assert_int_equal(vz_catalog_load("/nonexistent/voorzorg.json", &cat, d),
	                 VZ_E_IO);
	assert_null(cat);
	vz_error_format(vz_diags_get(d, 0), buf, sizeof(buf));
	assert_string_equal(buf, "/nonexistent/voorzorg.json: cannot open: "
	                         "No such file or directory");
	vz_diags_clear(d);
	assert_int_equal(vz_catalog_load("/", &cat, d), VZ_E_IO);
	vz_error_format(vz_diags_get(d, 0), buf, sizeof(buf));
	assert_string_equal(buf, "/: not a regular file");
	/* Without a diagnostics list the outcome is still right. */
	assert_int_equal(vz_catalog_load("/", &cat, NULL), VZ_E_IO);
	assert_int_equal(vz_catalog_load_buffer("{}", 2, NULL, &cat, NULL),
	                 VZ_E_INVALID);
	assert_null(cat);
	vz_diags_free(d);
}

static void test_load_from_file(void **state)
{
	char path[4096];
	vz_catalog *cat = NULL;

	(void)state;
	snprintf(path, sizeof(path), "%s/%s", VZ_TEST_SOURCE_ROOT, BUNDLED);
	assert_int_equal(vz_catalog_load(path, &cat, NULL), VZ_OK);
	assert_string_equal(vz_catalog_file(cat), path);
	vz_catalog_free(cat);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_first("{\n  \"id\": \"x\",\n}", VZ_E_PARSE,
	             "catalog.json:3:1: not valid JSON: string or '}' "
	             "expected near '}'");
	expect_first("", VZ_E_PARSE,
	             "catalog.json:1: not valid JSON: '[' or '{' expected "
	             "near end of file");
	expect_first("[]", VZ_E_INVALID,
	             "catalog.json:1:1: a catalogue is a JSON object, found "
	             "an array");
}

/*
 * The example from the issue: an unknown vendor reference is reported at
 * the value, with its JSON path.
 */
static void test_unknown_reference_message(void **state)
{
	size_t len = 0;
	char *data = vz_test_slurp(BUNDLED, &len);
	char *at, *text, line[1024], want[256];
	vz_catalog *cat = NULL;
	vz_diags *d = vz_diags_new();
	unsigned long ln = 1, col = 1;
	const char *p;

	(void)state;
	assert_non_null(data);
	/* Point the first product's vendor at a vendor that does not exist. */
	at = strstr(data, "\"vendor\": \"kaspersky\"");
	assert_non_null(at);
	text = malloc(len + 8);
	memcpy(text, data, (size_t)(at - data));
	snprintf(text + (at - data), len + 8 - (size_t)(at - data),
	         "\"vendor\": \"kaspersky-lab\"%s",
	         at + strlen("\"vendor\": \"kaspersky\""));
	for (p = text; p < text + (at - data) + strlen("\"vendor\": "); p++) {
		if (*p == '\n') {
			ln++;
			col = 1;
		} else if ((*p & 0xC0) != 0x80) {
			col++;
		}
	}
	assert_int_equal(vz_catalog_load_buffer(text, strlen(text),
	                                        "catalog.json", &cat, d),
	                 VZ_E_INVALID);
	assert_null(cat);
	snprintf(want, sizeof(want),
	         "catalog.json:%lu:%lu: products[0].vendor: unknown vendor "
	         "\"kaspersky-lab\"",
	         ln, col);
	vz_error_format(vz_diags_get(d, 0), line, sizeof(line));
	assert_string_equal(line, want);
	assert_int_equal(vz_diags_errors(d), 1);
	vz_diags_free(d);
	free(text);
	free(data);
}

static void test_alloc_failures_bundled(void **state)
{
	size_t len = 0;
	char *data = vz_test_slurp(BUNDLED, &len);
	long n;

	(void)state;
	assert_non_null(data);
	vz__alloc_hook_jansson();
	for (n = 0;; n++) {
		vz_catalog *cat = (vz_catalog *)1;
		char *out = NULL;
		vz_error err;
		vz_status rc;

		vz__alloc_fail_after(n);
		rc = vz_catalog_load_buffer(data, len, BUNDLED, &cat, NULL);
		if (rc == VZ_OK) {
			/* Loading succeeded; now torture rendering. */
			rc = vz_catalog_render(cat, NULL, VZ_FORMAT_JSON, &out,
			                       &err);
			if (rc == VZ_OK) {
				vz_free(out);
				rc = vz_catalog_render(cat, "ru",
				                       VZ_FORMAT_TEXT, &out,
				                       &err);
			}
			vz__alloc_fail_after(-1);
			vz_catalog_free(cat);
			if (rc == VZ_OK) {
				vz_free(out);
				break;
			}
			assert_int_equal(rc, VZ_E_NOMEM);
			assert_null(out);
			continue;
		}
		vz__alloc_fail_after(-1);
		assert_int_equal(rc, VZ_E_NOMEM);
		assert_null(cat);
	}
	assert_true(n > 10);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bundled_loads),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_load_file_errors),
		cmocka_unit_test(test_load_from_file),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_unknown_reference_message),
		cmocka_unit_test(test_alloc_failures_bundled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
