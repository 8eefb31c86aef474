/*
 * lib/alloc.c - the library's allocator, with fault injection for tests.
 *
 * All library allocations pass through here so that a test can make the
 * Nth allocation fail and check that the caller cleans up and reports
 * VZ_E_NOMEM, as SQLite's faultsim and curl's torture tests do.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "vz_int.h"

/*
 * Allocations left before failing; negative means never fail. Atomic:
 * the scan's worker threads allocate too (util/pool.c).
 */
static _Atomic long fail_countdown = -1;
static _Atomic long alloc_count;
static _Atomic unsigned long failures;

static int should_fail(void)
{
	long c = atomic_load(&fail_countdown);

	atomic_fetch_add(&alloc_count, 1);
	while (c > 0)
		if (atomic_compare_exchange_weak(&fail_countdown, &c, c - 1))
			return 0;
	if (c == 0) {
		atomic_fetch_add(&failures, 1);
		return 1;
	}
	return 0;
}

long vz__alloc_fail_after(long n)
{
	long made = atomic_exchange(&alloc_count, 0);

	atomic_store(&fail_countdown, n);
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
