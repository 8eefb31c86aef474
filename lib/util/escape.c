/*
 * lib/util/escape.c - strings from outside data made safe to show and
 * exact to type: one escaping for every report format, one shell quoting
 * for every suggested command.
 *
 * A file name, package field or host name is written by whoever prepared
 * the scanned image. Shown raw it can carry terminal control sequences
 * (set the title, write the clipboard, clear the screen, fake a line of
 * the report) or bytes that are not UTF-8. The escaping must also be
 * unambiguous, or a suggested `rm` hits the wrong file: a name with the
 * byte 0xFF and a name with the four characters "\xff" must differ.
 *
 * The rule: a string that is valid UTF-8, has none of the characters to
 * escape and does not contain the two characters "\x" is shown as it is.
 * Any other string is escaped whole: every '\' becomes "\\" and every
 * byte to escape becomes "\xHH". An escaped string therefore always
 * contains "\x" and a string shown as it is never does, so each shown
 * text decodes to exactly one original. Ordinary names (registry paths
 * with backslashes included) are unchanged.
 */
#include <string.h>

#include "vz_int.h"

/* Length of the valid UTF-8 sequence at s, or 0 (RFC 3629). */
size_t vz__utf8_seq(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (s[0] == 0xe0 && s[1] < 0xa0)
			return 0; /* overlong */
		if (s[0] == 0xed && s[1] >= 0xa0)
			return 0; /* surrogate */
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xf0 && s[1] < 0x90) ||
		    (s[0] == 0xf4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/*
 * Is the valid sequence at p (n bytes) a control character: C0, DEL, C1
 * (U+0080 to U+009F, which terminals in UTF-8 mode obey), or one of the
 * bidirectional overrides that reorder what a reader sees (U+200E,
 * U+200F, U+202A to U+202E, U+2066 to U+2069), or the line and paragraph
 * separators U+2028 and U+2029.
 */
int vz__is_control(const unsigned char *p, size_t n)
{
	if (n == 1)
		return p[0] < 0x20 || p[0] == 0x7f;
	if (n == 2)
		return p[0] == 0xc2 && p[1] < 0xa0;
	if (n == 3 && p[0] == 0xe2 && p[1] == 0x80)
		return p[2] == 0x8e || p[2] == 0x8f ||
		       (p[2] >= 0xa8 && p[2] <= 0xae);
	if (n == 3 && p[0] == 0xe2 && p[1] == 0x81)
		return p[2] >= 0xa6 && p[2] <= 0xa9;
	return 0;
}

/* Does s need escaping under the rule in the file comment? */
static int needs_escape(const unsigned char *p, int ctl)
{
	while (*p) {
		size_t n = vz__utf8_seq(p);

		if (n == 0 || (ctl && vz__is_control(p, n)) ||
		    (p[0] == '\\' && p[1] == 'x'))
			return 1;
		p += n;
	}
	return 0;
}

const char *vz__escape(struct vz_buf *b, const char *s, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	int ctl = (flags & VZ_ESC_CTL) != 0;

	if (s == NULL || !needs_escape(p, ctl))
		return s;
	b->len = 0;
	while (*p) {
		size_t n = vz__utf8_seq(p), i;

		if (n == 0) {
			vz__buf_printf(b, "\\x%02x", *p);
			p++;
		} else if (ctl && vz__is_control(p, n)) {
			for (i = 0; i < n; i++)
				vz__buf_printf(b, "\\x%02x", p[i]);
			p += n;
		} else if (*p == '\\') {
			vz__buf_add(b, "\\\\", 2);
			p++;
		} else {
			vz__buf_add(b, (const char *)p, n);
			p += n;
		}
	}
	vz__buf_add(b, "", 1);
	return b->failed ? NULL : b->data;
}

/* Can this byte go into a shell word bare? */
static int plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("_./-+:@%,=", c));
}

void vz__shell_word(struct vz_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int bare = *p != '\0', typable = 1;

	for (; *p; p++) {
		size_t n = vz__utf8_seq(p);

		if (!plain(*p))
			bare = 0;
		if (n == 0 || vz__is_control(p, n) ||
		    (p[0] == '\\' && p[1] == 'x')) {
			typable = 0;
			break;
		}
		p += n - 1;
	}
	if (bare) {
		vz__buf_puts(b, s);
		return;
	}
	if (typable) {
		/* '...' with each ' written as '\'' */
		vz__buf_add(b, "'", 1);
		for (p = (const unsigned char *)s; *p; p++) {
			if (*p == '\'')
				vz__buf_puts(b, "'\\''");
			else
				vz__buf_add(b, (const char *)p, 1);
		}
		vz__buf_add(b, "'", 1);
		return;
	}
	/*
	 * Bytes that cannot be typed (or a "\x", which must never show, see
	 * the rule above): bash's $'...' quoting with octal escapes,
	 * which names exactly the bytes on disk.
	 */
	vz__buf_add(b, "$'", 2);
	for (p = (const unsigned char *)s; *p;) {
		size_t n = vz__utf8_seq(p), i;

		if (n == 0 || vz__is_control(p, n) || *p == '\\' ||
		    *p == '\'') {
			if (n == 0)
				n = 1;
			for (i = 0; i < n; i++)
				vz__buf_printf(b, "\\%03o", p[i]);
		} else {
			vz__buf_add(b, (const char *)p, n);
		}
		p += n;
	}
	vz__buf_add(b, "'", 1);
}
