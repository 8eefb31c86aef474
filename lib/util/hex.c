/*
 * lib/util/hex.c - hexadecimal digits, for every parser that meets them
 * (JSON \u escapes, SHA-256 digests in the catalogue, %XX in URIs) and
 * every writer of digests and ids (lowercase, as sha256sum prints them).
 */
#include "vz_int.h"

int vz__hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void vz__hex_encode(const unsigned char *p, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
}
