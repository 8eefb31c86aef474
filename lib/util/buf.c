/*
 * lib/util/buf.c - a growable string buffer for renderers.
 *
 * Out-of-memory is sticky: appends after a failure do nothing, and the
 * renderer checks `failed` once at the end instead of after every call.
 */
#include <stdio.h>
#include <string.h>

#include "vz_int.h"

void vz__buf_init(struct vz_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void vz__buf_free(struct vz_buf *b)
{
	vz__free(b->data);
	vz__buf_init(b);
}

static int reserve(struct vz_buf *b, size_t extra)
{
	size_t need, ncap;
	char *n;

	if (b->failed)
		return -1;
	if (extra > SIZE_MAX - b->len - 1) {
		b->failed = 1;
		return -1;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	n = vz__realloc(b->data, ncap);
	if (n == NULL) {
		b->failed = 1;
		return -1;
	}
	b->data = n;
	b->cap = ncap;
	return 0;
}

void vz__buf_add(struct vz_buf *b, const char *s, size_t n)
{
	if (reserve(b, n) != 0)
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void vz__buf_puts(struct vz_buf *b, const char *s)
{
	vz__buf_add(b, s, strlen(s));
}

void vz__buf_vprintf(struct vz_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if (reserve(b, (size_t)n) != 0)
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void vz__buf_printf(struct vz_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vz__buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *vz__buf_take(struct vz_buf *b)
{
	char *d;

	if (b->failed) {
		vz__buf_free(b);
		return NULL;
	}
	if (reserve(b, 0) != 0) {
		vz__buf_free(b);
		return NULL;
	}
	d = b->data;
	d[b->len] = '\0';
	vz__buf_init(b);
	return d;
}

void vz__buf_json(struct vz_buf *b, const json_t *v)
{
	char *s = v != NULL ? json_dumps(v, JSON_INDENT(2)) : NULL;

	if (s == NULL) {
		b->failed = 1;
		return;
	}
	vz__buf_puts(b, s);
	vz__buf_puts(b, "\n");
	vz__json_free(s);
}
