/*
 * lib/collect/plist_bound.c - a property list's depth and expanded size,
 * measured before libplist is given it.
 *
 * libplist parses recursively and expands shared references: a plist
 * nested 200,000 levels deep overflows the stack, and a 1 KB binary
 * plist whose arrays refer to the same objects again and again expands
 * to 2^64 nodes. Neither can be caught from outside once libplist runs,
 * so the bytes are walked here first, without building anything:
 * - XML: a counter of open tags (comments, CDATA, declarations and
 *   empty elements skipped), refused past PLIST_DEPTH;
 * - binary (bplist00): the trailer and offset table are checked, then
 *   the object graph is walked from the top object as libplist would
 *   expand it, refused past PLIST_DEPTH levels or PLIST_NODES nodes
 *   (each shared object counted every time it is reached).
 * Real Info.plists, launchd jobs and receipts are a few levels deep and
 * at most some thousands of nodes; the limits are far above that.
 */
#include <stdint.h>
#include <string.h>

#include "collect_int.h"

struct bwalk {
	const unsigned char *p;
	size_t len;
	unsigned osize, rsize; /* bytes per offset, per object reference */
	uint64_t nobj, table;
	uint64_t nodes;
	const char *why;
};

static uint64_t be(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

/* Where object `i` starts, or 0 (never a valid object offset). */
static uint64_t obj_at(struct bwalk *w, uint64_t i)
{
	uint64_t off;

	if (i >= w->nobj)
		return 0;
	off = be(w->p + w->table + i * w->osize, w->osize);
	return off >= 8 && off < w->table ? off : 0;
}

static int walk(struct bwalk *w, uint64_t idx, unsigned depth)
{
	uint64_t off = obj_at(w, idx), count, i, nref;
	const unsigned char *q;
	unsigned type, low;

	if (off == 0) {
		w->why = "malformed property list (binary, bad object "
		         "reference)";
		return -1;
	}
	if (++w->nodes > VZ_PLIST_NODES) {
		w->why = "property list too large when expanded (shared "
		         "objects repeated too often)";
		return -1;
	}
	if (depth > VZ_PLIST_DEPTH) {
		w->why = "property list nested too deeply";
		return -1;
	}
	q = w->p + off;
	type = q[0] >> 4;
	low = q[0] & 0x0f;
	/* Arrays (0xA), sets (0xC) and dictionaries (0xD) hold others. */
	if (type != 0xa && type != 0xc && type != 0xd)
		return 0;
	count = low;
	q++;
	if (low == 0x0f) {
		unsigned n;

		if ((size_t)(q - w->p) >= w->table || (q[0] >> 4) != 0x1)
			goto bad;
		n = 1u << (q[0] & 0x0f);
		if (n > 8 || (uint64_t)(q - w->p) + 1 + n > w->table)
			goto bad;
		count = be(q + 1, n);
		q += 1 + n;
	}
	nref = type == 0xd ? count * 2 : count;
	if (count > w->len || nref * w->rsize >
	                          w->table - (uint64_t)(q - w->p))
		goto bad;
	for (i = 0; i < nref; i++)
		if (walk(w, be(q + i * w->rsize, w->rsize), depth + 1) != 0)
			return -1;
	return 0;
bad:
	w->why = "malformed property list (binary, bad collection)";
	return -1;
}

static int binary(const unsigned char *p, size_t len, const char **why)
{
	const unsigned char *t;
	struct bwalk w;
	uint64_t top;

	if (len < 8 + 32) {
		*why = "malformed property list (binary, truncated)";
		return -1;
	}
	t = p + len - 32;
	memset(&w, 0, sizeof(w));
	w.p = p;
	w.len = len;
	w.osize = t[6];
	w.rsize = t[7];
	w.nobj = be(t + 8, 8);
	top = be(t + 16, 8);
	w.table = be(t + 24, 8);
	if (w.osize < 1 || w.osize > 8 || w.rsize < 1 || w.rsize > 8 ||
	    w.nobj == 0 || w.nobj > len || w.table < 8 ||
	    w.table > len - 32 ||
	    w.nobj * w.osize > len - 32 - w.table) {
		*why = "malformed property list (binary, bad trailer)";
		return -1;
	}
	if (walk(&w, top, 0) != 0) {
		*why = w.why;
		return -1;
	}
	return 0;
}

/* Skip from s (just after "<") past the end of a markup declaration,
 * comment or CDATA section that starts there; NULL if it never ends. */
static const char *skip_decl(const char *s, const char *end)
{
	static const struct {
		const char *open, *close;
	} kinds[] = {{"!--", "-->"}, {"![CDATA[", "]]>"}, {"?", "?>"},
	             {"!", ">"}};
	size_t k, ol, cl;
	const char *q;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		ol = strlen(kinds[k].open);
		if ((size_t)(end - s) < ol || memcmp(s, kinds[k].open, ol))
			continue;
		cl = strlen(kinds[k].close);
		for (q = s + ol; (size_t)(end - q) >= cl; q++)
			if (memcmp(q, kinds[k].close, cl) == 0)
				return q + cl;
		return NULL;
	}
	return s;
}

static int xml(const char *s, size_t len, const char **why)
{
	const char *end = s + len, *q;
	unsigned long depth = 0;

	while (s < end) {
		s = memchr(s, '<', (size_t)(end - s));
		if (s == NULL)
			break;
		s++;
		q = skip_decl(s, end);
		if (q == NULL)
			break; /* libplist refuses an unended declaration */
		if (q != s) {
			s = q;
			continue;
		}
		if (s < end && *s == '/') {
			depth -= depth > 0;
			continue;
		}
		q = memchr(s, '>', (size_t)(end - s));
		if (q == NULL)
			break;
		if (q[-1] != '/' && ++depth > VZ_PLIST_DEPTH) {
			*why = "property list nested too deeply";
			return -1;
		}
		s = q + 1;
	}
	return 0;
}

int vz__plist_bounded(const char *data, size_t len, const char **why)
{
	if (len >= 8 && memcmp(data, "bplist00", 8) == 0)
		return binary((const unsigned char *)data, len, why);
	return xml(data, len, why);
}
