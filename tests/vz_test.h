/*
 * tests/vz_test.h - shared helpers for the cmocka unit tests.
 */
#ifndef VZ_TEST_H
#define VZ_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vz_int.h"

#ifndef VZ_TEST_SOURCE_ROOT
#define VZ_TEST_SOURCE_ROOT "."
#endif

/* Read a whole file relative to the source root; the caller frees. */
static inline char *vz_test_slurp(const char *rel, size_t *len)
{
	char path[4096];
	FILE *f;
	char *buf = NULL;
	long n;

	snprintf(path, sizeof(path), "%s/%s", VZ_TEST_SOURCE_ROOT, rel);
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

#endif /* VZ_TEST_H */
