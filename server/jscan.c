/*
 * server/jscan.c - a strict JSON reader that builds a flat token array
 * (see jscan.h for why, and for what it accepts).
 *
 * One pass over the text with an explicit stack of open containers, so
 * nesting costs no C stack; every key goes into one hash table of the
 * whole document (keyed by its object and its decoded bytes, with a
 * per-process random seed, so that chosen keys cannot make it quadratic)
 * to refuse duplicates as jansson does.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "jscan.h"

/* jansson's JSON_PARSER_MAX_DEPTH: no value deeper than this (the top
 * value is at depth 1). */
#define MAX_DEPTH 2048

struct slot {
	uint32_t key; /* key token; 0: empty (token 0 is never a key) */
	uint32_t obj; /* its object's token */
	uint32_t h;
};

struct parser {
	struct vzs_jdoc *d;
	const unsigned char *s;
	size_t len, pos;
	struct slot *tab;
	size_t tcap, tn;
	size_t depth;
	char *msg;
	size_t size;
	int rc;
	uint32_t stack[MAX_DEPTH]; /* last: left unzeroed */
};

static uint64_t seed;
static pthread_once_t seed_once = PTHREAD_ONCE_INIT;

static void seed_init(void)
{
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&seed;
	seed |= 1;
}

/* A keyed hash of a key's decoded bytes: multiply and fold eight bytes
 * at a time. Not cryptographic; the secret seed is what keeps a sender
 * from choosing keys that collide. */
static uint32_t hash_bytes(const unsigned char *p, size_t n, uint32_t obj)
{
	uint64_t h = seed ^ ((uint64_t)n * 0x9e3779b97f4a7c15u) ^
	             ((uint64_t)obj << 32);
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 29;
	}
	if (i < n) {
		uint64_t w = 0;

		memcpy(&w, p + i, n - i);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
		h ^= h >> 29;
	}
	h = (h ^ seed) * 0xff51afd7ed558ccdu;
	return (uint32_t)(h ^ (h >> 32));
}

static int fail(struct parser *p, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fill the message with where (line and column, counted only now, on
 * the way out) and what; -1. */
static int fail(struct parser *p, size_t at, const char *fmt, ...)
{
	size_t line = 1, col = 1;
	va_list ap;
	int n;

	for (size_t i = 0; i < at && i < p->len; i++) {
		if (p->s[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	n = snprintf(p->msg, p->size, "line %zu column %zu: ", line, col);
	if (n >= 0 && (size_t)n < p->size) {
		va_start(ap, fmt);
		vsnprintf(p->msg + n, p->size - (size_t)n, fmt, ap);
		va_end(ap);
	}
	p->rc = -1;
	return -1;
}

static int oom(struct parser *p)
{
	snprintf(p->msg, p->size, "out of memory");
	p->rc = -2;
	return -2;
}

static int push_tok(struct parser *p, uint8_t type, size_t pos, size_t len,
                    uint8_t esc)
{
	struct vzs_jdoc *d = p->d;

	if (d->n == d->cap) {
		size_t nc = d->cap * 2;
		struct vzs_jtok *t = realloc(d->t, nc * sizeof(*t));

		if (t == NULL)
			return oom(p);
		d->t = t;
		d->cap = nc;
	}
	d->t[d->n].pos = (uint32_t)pos;
	d->t[d->n].len = (uint32_t)len;
	d->t[d->n].next = (uint32_t)(d->n + 1);
	d->t[d->n].type = type;
	d->t[d->n].esc = esc;
	d->n++;
	return 0;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The four hex digits at s (known to be there and hex). */
static unsigned hex4(const unsigned char *s)
{
	return (unsigned)(hexval(s[0]) << 12 | hexval(s[1]) << 8 |
	                  hexval(s[2]) << 4 | hexval(s[3]));
}

/* Whether the UTF-8 sequence at s[0..avail) is valid; its length in
 * *n. jansson's rules: no overlong form, no surrogate, at most
 * U+10FFFF. */
static int utf8_seq(const unsigned char *s, size_t avail, size_t *n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t k;

	if (c >= 0xc2 && c <= 0xdf)
		k = 2;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4;
	else
		return 0;
	if (avail < k)
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < k; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	*n = k;
	return 1;
}

/*
 * The string whose opening quote is at p->pos: checked, pushed as a
 * token, p->pos after its closing quote.
 */
static int scan_string(struct parser *p)
{
	const unsigned char *s = p->s;
	size_t i = p->pos + 1, start = i;
	uint8_t esc = 0;

	for (;;) {
		unsigned char c;

		/* The common run of plain ASCII. */
		while (i < p->len && s[i] >= 0x20 && s[i] < 0x80 &&
		       s[i] != '"' && s[i] != '\\')
			i++;
		if (i >= p->len)
			return fail(p, i, "premature end of input in a string");
		c = s[i];
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(p, i, "control character 0x%x in a string",
			            c);
		if (c >= 0x80) {
			size_t k;

			if (!utf8_seq(s + i, p->len - i, &k))
				return fail(p, i, "invalid UTF-8 byte 0x%02x",
				            c);
			i += k;
			continue;
		}
		/* A backslash. */
		esc = 1;
		if (i + 1 >= p->len)
			return fail(p, i, "premature end of input in a string");
		c = s[i + 1];
		if (c == '"' || c == '\\' || c == '/' || c == 'b' ||
		    c == 'f' || c == 'n' || c == 'r' || c == 't') {
			i += 2;
			continue;
		}
		if (c != 'u')
			return fail(p, i, "invalid escape");
		for (size_t j = 2; j < 6; j++)
			if (i + j >= p->len || hexval(s[i + j]) < 0)
				return fail(p, i, "invalid \\u escape");
		{
			unsigned v = hex4(s + i + 2);

			if (v == 0)
				return fail(p, i,
				            "\\u0000 is not allowed in a string");
			if (v >= 0xdc00 && v <= 0xdfff)
				return fail(p, i, "invalid Unicode '\\u%04X'",
				            v);
			if (v >= 0xd800 && v <= 0xdbff) {
				unsigned w;

				if (i + 12 > p->len || s[i + 6] != '\\' ||
				    s[i + 7] != 'u')
					return fail(p, i,
					            "invalid Unicode '\\u%04X'",
					            v);
				for (size_t j = 8; j < 12; j++)
					if (hexval(s[i + j]) < 0)
						return fail(p, i + 6,
						            "invalid \\u escape");
				w = hex4(s + i + 8);
				if (w < 0xdc00 || w > 0xdfff)
					return fail(p, i,
					            "invalid Unicode surrogate "
					            "pair at '\\u%04X'",
					            v);
				i += 12;
				continue;
			}
			i += 6;
		}
	}
	if (push_tok(p, VZS_JSTRING, start, i - start, esc) != 0)
		return -1;
	p->pos = i + 1;
	return 0;
}

/* Decode the checked string raw[0..n) into out (room for n bytes: a
 * decoded string is never longer); its length. */
static size_t decode(const unsigned char *raw, size_t n, char *out)
{
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned v;

		if (raw[i] != '\\') {
			out[o++] = (char)raw[i++];
			continue;
		}
		switch (raw[i + 1]) {
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u': break;
		default: out[o++] = (char)raw[i + 1]; break;
		}
		if (raw[i + 1] != 'u') {
			i += 2;
			continue;
		}
		v = hex4(raw + i + 2);
		i += 6;
		if (v >= 0xd800 && v <= 0xdbff) {
			v = 0x10000 + ((v - 0xd800) << 10) +
			    (hex4(raw + i + 2) - 0xdc00);
			i += 6;
		}
		if (v < 0x80) {
			out[o++] = (char)v;
		} else if (v < 0x800) {
			out[o++] = (char)(0xc0 | v >> 6);
			out[o++] = (char)(0x80 | (v & 0x3f));
		} else if (v < 0x10000) {
			out[o++] = (char)(0xe0 | v >> 12);
			out[o++] = (char)(0x80 | ((v >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (v & 0x3f));
		} else {
			out[o++] = (char)(0xf0 | v >> 18);
			out[o++] = (char)(0x80 | ((v >> 12) & 0x3f));
			out[o++] = (char)(0x80 | ((v >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (v & 0x3f));
		}
	}
	return o;
}

/* A string token's decoded bytes: in the text when it has no escape,
 * else decoded into *buf (allocated; the caller frees it). */
static const char *str_bytes(const struct vzs_jdoc *d, size_t i, char **buf,
                             size_t *n)
{
	const struct vzs_jtok *t = &d->t[i];

	*buf = NULL;
	if (!t->esc) {
		*n = t->len;
		return d->text + t->pos;
	}
	*buf = malloc(t->len ? t->len : 1);
	if (*buf == NULL)
		return NULL;
	*n = decode((const unsigned char *)d->text + t->pos, t->len, *buf);
	return *buf;
}

static int keys_equal(const struct vzs_jdoc *d, size_t a, size_t b, int *eq)
{
	char *ba, *bb;
	size_t na, nb;
	const char *pa = str_bytes(d, a, &ba, &na);
	const char *pb = pa ? str_bytes(d, b, &bb, &nb) : NULL;

	if (pb == NULL) {
		free(ba);
		return -1;
	}
	*eq = na == nb && memcmp(pa, pb, na) == 0;
	free(ba);
	free(bb);
	return 0;
}

static int tab_grow(struct parser *p)
{
	size_t nc = p->tcap ? p->tcap * 2 : 64;
	struct slot *t = calloc(nc, sizeof(*t));

	if (t == NULL)
		return oom(p);
	for (size_t i = 0; i < p->tcap; i++) {
		size_t j;

		if (p->tab[i].key == 0)
			continue;
		for (j = p->tab[i].h & (nc - 1); t[j].key != 0;
		     j = (j + 1) & (nc - 1))
			;
		t[j] = p->tab[i];
	}
	free(p->tab);
	p->tab = t;
	p->tcap = nc;
	return 0;
}

/* The key just pushed (the last token) of object `obj`: refused if the
 * object has it already. */
static int add_key(struct parser *p, uint32_t obj, size_t at)
{
	uint32_t key = (uint32_t)(p->d->n - 1), h;
	char *buf;
	size_t n, j;
	const char *b;

	if ((p->tn + 1) * 2 > p->tcap && tab_grow(p) != 0)
		return -1;
	b = str_bytes(p->d, key, &buf, &n);
	if (b == NULL)
		return oom(p);
	h = hash_bytes((const unsigned char *)b, n, obj);
	free(buf);
	for (j = h & (p->tcap - 1); p->tab[j].key != 0;
	     j = (j + 1) & (p->tcap - 1)) {
		int eq;

		if (p->tab[j].h != h || p->tab[j].obj != obj)
			continue;
		if (keys_equal(p->d, p->tab[j].key, key, &eq) != 0)
			return oom(p);
		if (eq)
			return fail(p, at, "duplicate object key");
	}
	p->tab[j].key = key;
	p->tab[j].obj = obj;
	p->tab[j].h = h;
	p->tn++;
	return 0;
}

/* Whether the digits d[0..n) (no sign, no leading zero) fit in a long
 * long, negative or not: the bound is compared as text. */
static int int_fits(const unsigned char *d, size_t n, int neg)
{
	static const char max[] = "9223372036854775807";
	static const char min[] = "9223372036854775808";

	if (n < 19)
		return 1;
	if (n > 19)
		return 0;
	return memcmp(d, neg ? min : max, 19) <= 0;
}

/*
 * Whether a real overflows a double (as strtod reports it, which is
 * what jansson refuses). The decimal exponent of its first significant
 * digit settles it but for the one decade next to DBL_MAX, which goes
 * to strtod. ip/ni: integer digits; fp/nf: fraction digits; ex: the
 * exponent's value, saturated.
 */
static int real_overflows(const unsigned char *tok, size_t toklen,
                          const unsigned char *ip, size_t ni,
                          const unsigned char *fp, size_t nf, long ex)
{
	long e;
	size_t k;
	char small[64], *buf;
	double v;
	int over;

	for (k = 0; k < ni && ip[k] == '0'; k++)
		;
	if (k < ni) {
		e = (long)(ni - k) - 1;
	} else {
		for (k = 0; k < nf && fp[k] == '0'; k++)
			;
		if (k == nf)
			return 0; /* zero */
		e = -(long)k - 1;
	}
	/* |ex| is at most 10^9 and |e| at most the text's length. */
	e += ex;
	if (e <= 307)
		return 0;
	if (e >= 309)
		return 1;
	buf = toklen < sizeof(small) ? small : malloc(toklen + 1);
	if (buf == NULL)
		return -1;
	memcpy(buf, tok, toklen);
	buf[toklen] = '\0';
	errno = 0;
	v = strtod(buf, NULL);
	over = errno == ERANGE && (v > 1.0 || v < -1.0);
	if (buf != small)
		free(buf);
	return over;
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int scan_number(struct parser *p)
{
	const unsigned char *s = p->s;
	size_t i = p->pos, start = i, ni, nf = 0, ip, fp = 0;
	int neg = 0, real = 0;
	long ex = 0;

	if (s[i] == '-') {
		neg = 1;
		i++;
	}
	ip = i;
	if (i < p->len && s[i] == '0') {
		i++;
		if (i < p->len && is_digit(s[i]))
			return fail(p, start, "invalid token");
	} else if (i < p->len && s[i] >= '1' && s[i] <= '9') {
		while (i < p->len && is_digit(s[i]))
			i++;
	} else {
		return fail(p, start, "invalid token");
	}
	ni = i - ip;
	if (i < p->len && s[i] == '.') {
		real = 1;
		fp = ++i;
		if (i >= p->len || !is_digit(s[i]))
			return fail(p, start, "invalid token");
		while (i < p->len && is_digit(s[i]))
			i++;
		nf = i - fp;
	}
	if (i < p->len && (s[i] == 'e' || s[i] == 'E')) {
		int eneg = 0;

		real = 1;
		i++;
		if (i < p->len && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		if (i >= p->len || !is_digit(s[i]))
			return fail(p, start, "invalid token");
		for (; i < p->len && is_digit(s[i]); i++)
			if (ex < 1000000000L)
				ex = ex * 10 + (s[i] - '0');
		if (eneg)
			ex = -ex;
	}
	if (!real && !int_fits(s + ip, ni, neg))
		return fail(p, start,
		            neg ? "too big negative integer" : "too big integer");
	if (real) {
		int r = real_overflows(s + start, i - start, s + ip, ni,
		                       s + fp, nf, ex);

		if (r < 0)
			return oom(p);
		if (r)
			return fail(p, start, "real number overflow");
	}
	if (push_tok(p, real ? VZS_JREAL : VZS_JINTEGER, start, i - start,
	             0) != 0)
		return -1;
	p->pos = i;
	return 0;
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len &&
	       (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
	        p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

static int scan_literal(struct parser *p, const char *word, uint8_t type)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return fail(p, p->pos, "invalid token");
	if (push_tok(p, type, p->pos, n, 0) != 0)
		return -1;
	p->pos += n;
	return 0;
}

/* An object's key at p->pos, its colon, and what follows it. */
static int scan_key(struct parser *p)
{
	uint32_t obj = p->stack[p->depth - 1];
	size_t at = p->pos;

	if (p->pos >= p->len || p->s[p->pos] != '"')
		return fail(p, p->pos, "string or '}' expected");
	if (scan_string(p) != 0 || add_key(p, obj, at) != 0)
		return -1;
	skip_ws(p);
	if (p->pos >= p->len || p->s[p->pos] != ':')
		return fail(p, p->pos, "':' expected");
	p->pos++;
	skip_ws(p);
	return 0;
}

/* Open a container at p->pos: 1 if it is empty (already closed), 0 if
 * a value (or key) follows. */
static int open_container(struct parser *p, uint8_t type)
{
	char close = type == VZS_JOBJECT ? '}' : ']';

	if (push_tok(p, type, p->pos, 1, 0) != 0)
		return -1;
	p->stack[p->depth++] = (uint32_t)(p->d->n - 1);
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		p->depth--;
		return 1;
	}
	if (type == VZS_JOBJECT)
		return scan_key(p);
	return 0;
}

/* One value at p->pos: 0 when a whole value was read (a scalar or an
 * empty container), 1 when a container was opened (its first value, or
 * key and colon already read, comes next), -1 on error. */
static int scan_value(struct parser *p)
{
	unsigned char c;

	if (p->depth + 1 > MAX_DEPTH)
		return fail(p, p->pos, "maximum parsing depth reached");
	if (p->pos >= p->len)
		return fail(p, p->pos, "premature end of input");
	c = p->s[p->pos];
	switch (c) {
	case '{':
	case '[': {
		int r = open_container(p, c == '{' ? VZS_JOBJECT : VZS_JARRAY);

		return r < 0 ? -1 : r == 1 ? 0 : 1;
	}
	case '"':
		return scan_string(p);
	case 't':
		return scan_literal(p, "true", VZS_JTRUE);
	case 'f':
		return scan_literal(p, "false", VZS_JFALSE);
	case 'n':
		return scan_literal(p, "null", VZS_JNULL);
	default:
		if (c == '-' || is_digit(c))
			return scan_number(p);
		return fail(p, p->pos, "invalid token");
	}
}

/*
 * After a value: close what ends here, and say whether another value
 * follows (1), the document is done (0), or it is wrong (-1).
 */
static int after_value(struct parser *p)
{
	while (p->depth > 0) {
		uint32_t top = p->stack[p->depth - 1];
		int obj = p->d->t[top].type == VZS_JOBJECT;
		char close = obj ? '}' : ']';

		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			skip_ws(p);
			if (obj && scan_key(p) != 0)
				return -1;
			return 1;
		}
		if (p->pos >= p->len || p->s[p->pos] != close)
			return fail(p, p->pos,
			            obj ? "',' or '}' expected"
			                : "',' or ']' expected");
		p->pos++;
		p->d->t[top].next = (uint32_t)p->d->n;
		p->depth--;
	}
	return 0;
}

int vzs_jdoc_parse(struct vzs_jdoc *d, const char *text, size_t len,
                   char *msg, size_t size)
{
	struct parser *p;
	int r;

	memset(d, 0, sizeof(*d));
	pthread_once(&seed_once, seed_init);
	/* Positions are 32-bit; the server's bodies are far smaller. */
	if (len >= UINT32_MAX / 2) {
		snprintf(msg, size, "line 1 column 1: the text is too long");
		return -1;
	}
	/* Not calloc: the stack (8 KiB) needs no zeroing. */
	p = malloc(sizeof(*p));
	if (p != NULL)
		memset(p, 0, offsetof(struct parser, stack));
	d->text = text;
	d->len = len;
	d->cap = 64 + len / 16;
	d->t = malloc(d->cap * sizeof(*d->t));
	if (p == NULL || d->t == NULL) {
		free(p);
		free(d->t);
		memset(d, 0, sizeof(*d));
		snprintf(msg, size, "out of memory");
		return -2;
	}
	p->d = d;
	p->s = (const unsigned char *)text;
	p->len = len;
	p->msg = msg;
	p->size = size;
	skip_ws(p);
	if (p->pos >= len || (p->s[p->pos] != '{' && p->s[p->pos] != '[')) {
		fail(p, p->pos, "'[' or '{' expected");
		goto out;
	}
	for (;;) {
		r = scan_value(p);
		if (r < 0)
			goto out;
		if (r == 1)
			continue;
		r = after_value(p);
		if (r < 0)
			goto out;
		if (r == 0)
			break;
	}
	skip_ws(p);
	if (p->pos != len) {
		fail(p, p->pos, "end of file expected");
		goto out;
	}
	p->rc = 0;
out:
	r = p->rc;
	free(p->tab);
	free(p);
	if (r != 0)
		vzs_jdoc_free(d);
	return r;
}

void vzs_jdoc_free(struct vzs_jdoc *d)
{
	free(d->t);
	memset(d, 0, sizeof(*d));
}

static int key_is(const struct vzs_jdoc *d, size_t k, const char *key,
                  size_t kn)
{
	const struct vzs_jtok *t = &d->t[k];
	char small[128], *buf;
	size_t n;
	int eq;

	if (!t->esc)
		return t->len == kn && memcmp(d->text + t->pos, key, kn) == 0;
	/* Escaped: decoded it is at least a sixth of its raw length. */
	if (t->len > kn * 6 + 6)
		return 0;
	buf = t->len <= sizeof(small) ? small : malloc(t->len);
	if (buf == NULL)
		return 0;
	n = decode((const unsigned char *)d->text + t->pos, t->len, buf);
	eq = n == kn && memcmp(buf, key, kn) == 0;
	if (buf != small)
		free(buf);
	return eq;
}

size_t vzs_jget(const struct vzs_jdoc *d, size_t obj, const char *key)
{
	size_t kn = strlen(key);

	if (obj >= d->n || d->t[obj].type != VZS_JOBJECT)
		return 0;
	for (size_t i = obj + 1; i < d->t[obj].next; i = d->t[i + 1].next)
		if (key_is(d, i, key, kn))
			return i + 1;
	return 0;
}

size_t vzs_jfirst(const struct vzs_jdoc *d, size_t arr)
{
	if (arr >= d->n || d->t[arr].type != VZS_JARRAY ||
	    d->t[arr].next == arr + 1)
		return 0;
	return arr + 1;
}

size_t vzs_jarray_size(const struct vzs_jdoc *d, size_t arr)
{
	size_t n = 0;

	for (size_t i = vzs_jfirst(d, arr); i != 0 && i < d->t[arr].next;
	     i = d->t[i].next)
		n++;
	return n;
}

long vzs_jstr(const struct vzs_jdoc *d, size_t i, char *out, size_t size)
{
	const struct vzs_jtok *t;
	char small[256], *buf;
	size_t n;

	if (i == 0 || i >= d->n || d->t[i].type != VZS_JSTRING || size == 0)
		return -1;
	t = &d->t[i];
	if (!t->esc) {
		if (t->len >= size)
			return -1;
		memcpy(out, d->text + t->pos, t->len);
		out[t->len] = '\0';
		return (long)t->len;
	}
	buf = t->len <= sizeof(small) ? small : malloc(t->len);
	if (buf == NULL)
		return -1;
	n = decode((const unsigned char *)d->text + t->pos, t->len, buf);
	if (n < size) {
		memcpy(out, buf, n);
		out[n] = '\0';
	}
	if (buf != small)
		free(buf);
	return n < size ? (long)n : -1;
}

char *vzs_jstrdup(const struct vzs_jdoc *d, size_t i)
{
	char *s;

	if (i == 0 || i >= d->n || d->t[i].type != VZS_JSTRING)
		return NULL;
	/* Decoded, a string is never longer than raw. */
	s = malloc((size_t)d->t[i].len + 1);
	if (s != NULL && vzs_jstr(d, i, s, (size_t)d->t[i].len + 1) < 0) {
		free(s);
		s = NULL;
	}
	return s;
}

int vzs_jint(const struct vzs_jdoc *d, size_t i, long long *out)
{
	const struct vzs_jtok *t;
	const char *s;
	unsigned long long v = 0;
	size_t k = 0;
	int neg;

	if (i == 0 || i >= d->n || d->t[i].type != VZS_JINTEGER)
		return -1;
	t = &d->t[i];
	s = d->text + t->pos;
	neg = s[0] == '-';
	/* Checked at parse: it fits (the magnitude of LLONG_MIN only as
	 * a negative). */
	for (k = (size_t)neg; k < t->len; k++)
		v = v * 10 + (unsigned long long)(s[k] - '0');
	if (!neg)
		*out = (long long)v;
	else if (v > (unsigned long long)LLONG_MAX)
		*out = LLONG_MIN;
	else
		*out = -(long long)v;
	return 0;
}
