/*
 * lib/alloc.c - the library's allocator, with fault injection for tests.
 *
 * All library allocations pass through here so that a test can make the
 * Nth allocation fail and check that the caller cleans up and reports
 * VZ_E_NOMEM, as SQLite's faultsim and curl's torture tests do.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "vz_int.h"

/* Allocations left before failing; negative means never fail. */
static long fail_countdown = -1;
static long alloc_count;
static unsigned long failures;

static int should_fail(void)
{
	alloc_count++;
	if (fail_countdown < 0)
		return 0;
	if (fail_countdown == 0) {
		failures++;
		return 1;
	}
	fail_countdown--;
	return 0;
}

long vz__alloc_fail_after(long n)
{
	long made = alloc_count;

	fail_countdown = n;
	alloc_count = 0;
	return made;
}

unsigned long vz__alloc_failures(void)
{
	return failures;
}

void *vz__malloc(size_t n)
{
	if (should_fail())
		return NULL;
	return malloc(n ? n : 1);
}

void *vz__calloc(size_t count, size_t n)
{
	if (should_fail())
		return NULL;
	return calloc(count ? count : 1, n ? n : 1);
}

void *vz__realloc(void *p, size_t n)
{
	if (should_fail())
		return NULL;
	return realloc(p, n ? n : 1);
}

void vz__free(void *p)
{
	free(p);
}

void vz_free(void *p)
{
	free(p);
}

char *vz__strndup(const char *s, size_t n)
{
	char *d = vz__malloc(n + 1);

	if (d == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *vz__strdup(const char *s)
{
	return vz__strndup(s, strlen(s));
}

static void *jansson_malloc(size_t n)
{
	return vz__malloc(n);
}

void vz__alloc_hook_jansson(void)
{
	json_set_alloc_funcs(jansson_malloc, vz__free);
}

void vz__json_free(void *p)
{
	json_free_t fr;

	if (p == NULL)
		return;
	json_get_alloc_funcs(NULL, &fr);
	fr(p);
}

void vz__libc_free(void *p)
{
	/* What hivex and libplist allocate is theirs, freed with free(3). */
	free(p);
}
