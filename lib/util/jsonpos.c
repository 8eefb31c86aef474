/*
 * lib/util/jsonpos.c - find where a JSON path lies in the original text.
 *
 * jansson parses the catalogue but keeps no positions of values, and a
 * catalogue author needs "catalog.json:41:7" to fix a mistake. So when a
 * diagnostic is raised, this small lexer walks the original text along the
 * JSON path, skipping the values it does not descend into. It runs only on
 * error paths, and it is defensive: the text may be anything.
 */
#include <stdio.h>
#include <string.h>

#include "vz_int.h"

struct lex {
	const char *t;
	size_t len;
	size_t off;
};

static int at(const struct lex *l)
{
	return l->off < l->len ? (unsigned char)l->t[l->off] : -1;
}

static void skip_ws(struct lex *l)
{
	while (l->off < l->len) {
		char c = l->t[l->off];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		l->off++;
	}
}

/* Skip a string starting at the opening quote; -1 if unterminated. */
static int skip_string(struct lex *l)
{
	if (at(l) != '"')
		return -1;
	l->off++;
	while (l->off < l->len) {
		char c = l->t[l->off++];

		if (c == '\\') {
			if (l->off >= l->len)
				return -1;
			l->off++;
		} else if (c == '"') {
			return 0;
		}
	}
	return -1;
}

/* Skip any value (string, container, or scalar). */
static int skip_value(struct lex *l)
{
	int c = at(l);

	if (c == '"')
		return skip_string(l);
	if (c == '{' || c == '[') {
		size_t depth = 0;

		while (l->off < l->len) {
			c = at(l);
			if (c == '"') {
				if (skip_string(l) != 0)
					return -1;
				continue;
			}
			l->off++;
			if (c == '{' || c == '[')
				depth++;
			else if ((c == '}' || c == ']') && --depth == 0)
				return 0;
		}
		return -1;
	}
	if (c < 0 || c == ',' || c == ']' || c == '}' || c == ':')
		return -1;
	while (l->off < l->len) {
		c = at(l);
		if (c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' ||
		    c == '\n' || c == '\r')
			break;
		l->off++;
	}
	return 0;
}

/*
 * Compare the JSON string at l->off (opening quote) with `key`, decoding
 * escapes, and leave l->off after the closing quote. Returns 1 if equal,
 * 0 if not, -1 on a malformed string.
 */
static int string_equals(struct lex *l, const char *key)
{
	size_t k = 0, klen = strlen(key);
	int same = 1;

	if (at(l) != '"')
		return -1;
	l->off++;
	while (l->off < l->len) {
		unsigned char c = (unsigned char)l->t[l->off++];
		unsigned char enc[4];
		size_t n = 1, i;

		if (c == '"')
			return same && k == klen;
		enc[0] = c;
		if (c == '\\') {
			int e = at(l);

			if (e < 0)
				return -1;
			l->off++;
			switch (e) {
			case 'b': enc[0] = '\b'; break;
			case 'f': enc[0] = '\f'; break;
			case 'n': enc[0] = '\n'; break;
			case 'r': enc[0] = '\r'; break;
			case 't': enc[0] = '\t'; break;
			case 'u': {
				unsigned long cp = 0;
				int j;

				if (l->len - l->off < 4)
					return -1;
				for (j = 0; j < 4; j++) {
					int h = vz__hexval(l->t[l->off + j]);

					if (h < 0)
						return -1;
					cp = cp << 4 | (unsigned long)h;
				}
				l->off += 4;
				/*
				 * Surrogate pairs are not decoded: keys in the
				 * catalogue schema are ASCII, so a key needing
				 * them can never match anyway.
				 */
				if (cp < 0x80) {
					enc[0] = (unsigned char)cp;
				} else if (cp < 0x800) {
					enc[0] =
					    (unsigned char)(0xC0 | cp >> 6);
					enc[1] =
					    (unsigned char)(0x80 | (cp & 0x3F));
					n = 2;
				} else {
					enc[0] =
					    (unsigned char)(0xE0 | cp >> 12);
					enc[1] =
					    (unsigned char)(0x80 |
					                    (cp >> 6 & 0x3F));
					enc[2] =
					    (unsigned char)(0x80 | (cp & 0x3F));
					n = 3;
				}
				break;
			}
			default: enc[0] = (unsigned char)e; break;
			}
		}
		for (i = 0; i < n; i++) {
			if (k < klen && (unsigned char)key[k] == enc[i])
				k++;
			else
				same = 0;
		}
	}
	return -1;
}

static void offset_to_linecol(const char *t, size_t off, unsigned long *line,
                              unsigned long *col)
{
	unsigned long ln = 1, cl = 1;
	size_t i = 0;

	/* A byte-order mark takes no column in any editor. */
	if (off >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	for (; i < off; i++) {
		unsigned char c = (unsigned char)t[i];

		if (c == '\n') {
			ln++;
			cl = 1;
		} else if ((c & 0xC0) != 0x80) {
			/* Count characters, not UTF-8 continuation bytes. */
			cl++;
		}
	}
	*line = ln;
	*col = cl;
}

static int descend_key(struct lex *l, const char *key, size_t *key_off)
{
	if (at(l) != '{')
		return -1;
	l->off++;
	for (;;) {
		size_t kstart;
		int eq;

		skip_ws(l);
		if (at(l) != '"')
			return -1;
		kstart = l->off;
		eq = string_equals(l, key);
		if (eq < 0)
			return -1;
		skip_ws(l);
		if (at(l) != ':')
			return -1;
		l->off++;
		skip_ws(l);
		if (eq) {
			*key_off = kstart;
			return 0;
		}
		if (skip_value(l) != 0)
			return -1;
		skip_ws(l);
		if (at(l) != ',')
			return -1;
		l->off++;
	}
}

static int descend_index(struct lex *l, size_t index)
{
	size_t i;

	if (at(l) != '[')
		return -1;
	l->off++;
	skip_ws(l);
	for (i = 0; i < index; i++) {
		if (skip_value(l) != 0)
			return -1;
		skip_ws(l);
		if (at(l) != ',')
			return -1;
		l->off++;
		skip_ws(l);
	}
	if (at(l) == ']' || at(l) < 0)
		return -1;
	return 0;
}

int vz__json_locate(const char *text, size_t len, const struct vz_jseg *path,
                    size_t nseg, int want_key, unsigned long *line,
                    unsigned long *col)
{
	struct lex l = {text, len, 0};
	size_t i, key_off = 0, target;
	int rc = 0;

	/* Skip a UTF-8 byte-order mark, which some editors write. */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		l.off = 3;
	skip_ws(&l);
	for (i = 0; i < nseg && rc == 0; i++) {
		size_t here = l.off;

		if (path[i].key != NULL)
			rc = descend_key(&l, path[i].key, &key_off);
		else
			rc = descend_index(&l, path[i].index);
		if (rc != 0)
			l.off = here;
	}
	target = l.off;
	if (rc == 0 && want_key && nseg > 0 && path[nseg - 1].key != NULL)
		target = key_off;
	if (target > len)
		target = len;
	offset_to_linecol(text, target, line, col);
	return rc == 0 ? 0 : -1;
}

/* Append segment i of path to buf at used (no NUL needed); its length. */
static size_t seg_format(const struct vz_jseg *path, size_t i, int first,
                         char *buf, size_t room)
{
	char tmp[64];
	int n;

	if (path[i].key != NULL) {
		size_t k = strlen(path[i].key) + !first;

		if (k <= room && buf != NULL) {
			if (!first)
				buf[0] = '.';
			memcpy(buf + !first, path[i].key, k - !first);
		}
		return k;
	}
	n = snprintf(tmp, sizeof(tmp), "[%zu]", path[i].index);
	if (n > 0 && (size_t)n <= room && buf != NULL)
		memcpy(buf, tmp, (size_t)n);
	return n > 0 ? (size_t)n : 0;
}

void vz__json_path_format(const struct vz_jseg *path, size_t nseg, char *buf,
                          size_t size)
{
	size_t used = 0, total = 0, tail, from, i;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < nseg; i++)
		total += seg_format(path, i, i == 0, NULL, 0);
	if (total < size) {
		for (i = 0; i < nseg; i++)
			used += seg_format(path, i, i == 0, buf + used,
			                   size - 1 - used);
		buf[used] = '\0';
		return;
	}
	/*
	 * Too long: the first segment, "...", and as many whole segments
	 * from the end as fit, so no name is ever cut in the middle.
	 */
	used = seg_format(path, 0, 1, buf, size - 1);
	if (used + 4 >= size) {
		buf[0] = '\0';
		return;
	}
	memcpy(buf + used, "...", 3);
	used += 3;
	tail = 0;
	for (from = nseg; from > 1; from--) {
		size_t k = seg_format(path, from - 1, 0, NULL, 0);

		if (used + tail + k >= size)
			break;
		tail += k;
	}
	/* Begin after the "..." with a name, not an index. */
	while (from < nseg && path[from].key == NULL)
		from++;
	for (i = from; i < nseg; i++)
		used += seg_format(path, i, 0, buf + used, size - 1 - used);
	buf[used] = '\0';
}
