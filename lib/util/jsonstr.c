/*
 * lib/util/jsonstr.c - one JSON string writer, shared by the library's
 * inventory writer and the native Windows collector (see jsonstr.h for
 * why it needs nothing but the C library).
 */
#include "jsonstr.h"

void vz__json_quote(const char *s, vz__json_sink *put, void *ctx)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run = p;

	put(ctx, "\"", 1);
	/* Plain bytes go out in runs, not one call each. */
	for (; *p; p++) {
		char esc[6] = {'\\', (char)*p, '0', '0', 0, 0};

		if (*p == '"' || *p == '\\') {
			put(ctx, (const char *)run, (size_t)(p - run));
			put(ctx, esc, 2);
			run = p + 1;
		} else if (*p < 0x20 || *p == 0x7f) {
			put(ctx, (const char *)run, (size_t)(p - run));
			esc[1] = 'u';
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			put(ctx, esc, 6);
			run = p + 1;
		}
	}
	put(ctx, (const char *)run, (size_t)(p - run));
	put(ctx, "\"", 1);
}
