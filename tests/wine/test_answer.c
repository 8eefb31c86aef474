/*
 * tests/wine/test_answer.c - the Windows collector's reader of the fleet
 * server's answers (win/answer.c), built natively: it is plain C. What
 * the collector takes from an enrolment (node_key) and a refusal (error),
 * and what it must refuse: a key of the wrong form, a member twice, a
 * member that is not a string, text that is not one JSON object.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "../../win/answer.h"

#define KEY "vzn_5a556b9828b4fb38aab8288d3d3a16cda06866579bbb805b148dc70eb30e1b89"

/* The member's raw value, "" when absent (1), "!" when refused (-1). */
static const char *member(const char *s, const char *name)
{
	static char out[256];
	const char *v;
	size_t n;
	int rc = vzw_json_member(s, strlen(s), name, &v, &n);

	if (rc != 0)
		return rc == 1 ? "" : "!";
	assert_true(n < sizeof(out));
	memcpy(out, v, n);
	out[n] = '\0';
	return out;
}

static void test_enroll_answer(void **state)
{
	(void)state;
	assert_string_equal(
	    member("{\"host_id\": 17, \"organisation\": \"min-jenv\",\n"
	           " \"node_key\": \"" KEY "\"}\n",
	           "node_key"),
	    KEY);
	/* Nested values, strings holding brackets, quotes and commas. */
	assert_string_equal(
	    member("{\"a\":[1,{\"b\":\"}],\\\"\"}],\"node_key\":\"k\"}",
	           "node_key"),
	    "k");
	/* A member of a nested object is not the top level's. */
	assert_string_equal(member("{\"x\":{\"node_key\":\"k\"}}", "node_key"),
	                    "");
	assert_string_equal(member("{}", "node_key"), "");
	assert_string_equal(member(" { \"node_key\" : \"\" } ", "node_key"),
	                    "");
}

static void test_refused(void **state)
{
	(void)state;
	/* Twice: which one would be meant? */
	assert_string_equal(
	    member("{\"node_key\":\"a\",\"node_key\":\"b\"}", "node_key"), "!");
	/* Not a string. */
	assert_string_equal(member("{\"node_key\":17}", "node_key"), "!");
	assert_string_equal(member("{\"node_key\":null}", "node_key"), "!");
	/* Not one object: truncated, trailing text, an array, a bare key. */
	assert_string_equal(member("{\"node_key\":\"a\"", "node_key"), "!");
	assert_string_equal(member("{\"node_key\":\"a\"} x", "node_key"),
	                    "!");
	assert_string_equal(member("[\"node_key\"]", "node_key"), "!");
	assert_string_equal(member("{\"a\":}", "node_key"), "!");
	assert_string_equal(member("{\"a\":[1}", "node_key"), "!");
	assert_string_equal(member("{\"a\":1,}", "node_key"), "!");
	assert_string_equal(member("", "node_key"), "!");
	/* A control character inside a string. */
	assert_string_equal(member("{\"node_key\":\"a\nb\"}", "node_key"),
	                    "!");
	/* A prefix of the name is another name. */
	assert_string_equal(member("{\"node_ke\":\"a\"}", "node_key"), "");
	assert_string_equal(member("{\"node_keys\":\"a\"}", "node_key"), "");
}

static void test_error_member(void **state)
{
	(void)state;
	assert_string_equal(
	    member("{\"error\":\"wrong \\\"secret\\\"\"}", "error"),
	    "wrong \\\"secret\\\"");
}

static void test_node_key_form(void **state)
{
	char k[] = KEY;

	(void)state;
	assert_int_equal(vzw_node_key_ok(k, strlen(k)), 1);
	assert_int_equal(vzw_node_key_ok(k, strlen(k) - 1), 0);
	k[10] = 'A'; /* uppercase hex is not the server's form */
	assert_int_equal(vzw_node_key_ok(k, strlen(k)), 0);
	k[10] = 'g';
	assert_int_equal(vzw_node_key_ok(k, strlen(k)), 0);
	k[10] = 'f';
	k[0] = 'V';
	assert_int_equal(vzw_node_key_ok(k, strlen(k)), 0);
	k[0] = 'v';
	k[67] = '9';
	assert_int_equal(vzw_node_key_ok(k, strlen(k)), 1);
	k[67] = '\n';
	assert_int_equal(vzw_node_key_ok(k, strlen(k)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_enroll_answer),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_error_member),
	    cmocka_unit_test(test_node_key_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
