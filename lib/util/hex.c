/*
 * lib/util/hex.c - hexadecimal digits, for every parser that meets them
 * (JSON \u escapes, SHA-256 digests in the catalogue, %XX in URIs).
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
