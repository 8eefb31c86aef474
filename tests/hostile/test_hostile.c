/*
 * tests/hostile/test_hostile.c - the helpers that keep hostile input
 * harmless (issue 10): escaping for people and shells, refusing what is
 * not a regular file without blocking, bounding property lists before
 * libplist sees them, and the state file's types.
 */
#include "../vz_test.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_plain_unchanged),
		cmocka_unit_test(test_escape_unambiguous),
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_shell_word),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
