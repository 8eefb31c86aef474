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

/* ---- a locator for many diagnostics over one text -------------------- */

#define CP_SHIFT 12 /* a line/column checkpoint every 4 KiB */

static void free_cps(struct vz_jpos *jp)
{
	vz__free(jp->cp_line);
	vz__free(jp->cp_col);
	jp->cp_line = jp->cp_col = NULL;
}

void vz__jpos_init(struct vz_jpos *jp, const char *text, size_t len)
{
	memset(jp, 0, sizeof(*jp));
	jp->t = text;
	jp->len = len;
}

void vz__jpos_free(struct vz_jpos *jp)
{
	if (jp == NULL)
		return;
	free_cps(jp);
	jp->ncache = 0;
}

/* One pass over the text: line and column at every checkpoint. */
static int build_cps(struct vz_jpos *jp)
{
	size_t n = (jp->len >> CP_SHIFT) + 1, i = 0, k;
	unsigned long ln = 1, cl = 1;

	jp->cp_line = vz__malloc(n * sizeof(*jp->cp_line));
	jp->cp_col = vz__malloc(n * sizeof(*jp->cp_col));
	if (jp->cp_line == NULL || jp->cp_col == NULL) {
		free_cps(jp);
		return -1;
	}
	if (jp->len >= 3 && memcmp(jp->t, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	for (k = 0; k < n; k++) {
		size_t end = k << CP_SHIFT;

		for (; i < end; i++) {
			unsigned char c = (unsigned char)jp->t[i];

			if (c == '\n') {
				ln++;
				cl = 1;
			} else if ((c & 0xC0) != 0x80) {
				cl++;
			}
		}
		jp->cp_line[k] = ln;
		jp->cp_col[k] = cl;
	}
	jp->ncp = n;
	return 0;
}

static void jpos_linecol(struct vz_jpos *jp, size_t off, unsigned long *line,
                         unsigned long *col)
{
	size_t k = off >> CP_SHIFT, i;
	unsigned long ln, cl;

	if (jp->cp_line == NULL && build_cps(jp) != 0) {
		offset_to_linecol(jp->t, off, line, col);
		return;
	}
	ln = jp->cp_line[k];
	cl = jp->cp_col[k];
	i = k << CP_SHIFT;
	if (i < 3 && jp->len >= 3 && memcmp(jp->t, "\xEF\xBB\xBF", 3) == 0)
		i = off < 3 ? off : 3;
	for (; i < off; i++) {
		unsigned char c = (unsigned char)jp->t[i];

		if (c == '\n') {
			ln++;
			cl = 1;
		} else if ((c & 0xC0) != 0x80) {
			cl++;
		}
	}
	*line = ln;
	*col = cl;
}

/* Is cached step d the same as path step p? */
static int same_step(const struct vz_jpos *jp, size_t d,
                     const struct vz_jseg *p)
{
	const struct vz_jstep *c = &jp->cache[d];
	struct lex l = {jp->t, jp->len, c->key_off};

	if (p->key == NULL)
		return c->is_index && c->index == p->index;
	return !c->is_index && string_equals(&l, p->key) == 1;
}

int vz__jpos_locate(struct vz_jpos *jp, const struct vz_jseg *path,
                    size_t nseg, int want_key, unsigned long *line,
                    unsigned long *col)
{
	struct lex l = {jp->t, jp->len, 0};
	size_t i = 0, key_off = 0, target, old = jp->ncache, matched;
	int rc = 0;

	if (jp->len >= 3 && memcmp(jp->t, "\xEF\xBB\xBF", 3) == 0)
		l.off = 3;
	skip_ws(&l);
	/*
	 * Diagnostics come in document order: products[0], products[1]...
	 * The steps shared with the last path are not walked again, and an
	 * index at or after the last one in the same array resumes from
	 * that element, so a run of diagnostics costs one walk in all.
	 */
	while (i < nseg && i < old && same_step(jp, i, &path[i])) {
		l.off = jp->cache[i].value_off;
		key_off = jp->cache[i].key_off;
		i++;
	}
	jp->ncache = matched = i;
	for (; i < nseg && rc == 0; i++) {
		size_t here = l.off, k;
		struct vz_jstep *c = i < VZ_JPOS_CACHE ? &jp->cache[i] : NULL;

		/* Only right after the shared steps is the cached step in
		 * the same container. */
		if (path[i].key == NULL && c != NULL && i == matched &&
		    i < old && c->is_index && c->index <= path[i].index) {
			/* The same array as last time: go on from there. */
			l.off = c->value_off;
			for (k = c->index; k < path[i].index && rc == 0; k++) {
				if (skip_value(&l) != 0)
					rc = -1;
				skip_ws(&l);
				if (rc == 0 && at(&l) != ',')
					rc = -1;
				l.off++;
				skip_ws(&l);
			}
			if (rc == 0 && (at(&l) == ']' || at(&l) < 0))
				rc = -1;
		} else if (path[i].key != NULL) {
			rc = descend_key(&l, path[i].key, &key_off);
		} else {
			rc = descend_index(&l, path[i].index);
		}
		if (rc != 0) {
			l.off = here;
			break;
		}
		if (c != NULL && i == jp->ncache) {
			c->is_index = path[i].key == NULL;
			c->index = path[i].index;
			c->key_off = key_off;
			c->value_off = l.off;
			jp->ncache++;
		}
	}
	target = l.off;
	if (rc == 0 && want_key && nseg > 0 && path[nseg - 1].key != NULL)
		target = key_off;
	if (target > jp->len)
		target = jp->len;
	jpos_linecol(jp, target, line, col);
	return rc == 0 ? 0 : -1;
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
