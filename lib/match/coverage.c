/*
 * lib/match/coverage.c - what a scan examined and what it could not, per
 * collector, and the one verdict derived from it: complete or incomplete.
 *
 * A scan's result is evidence: "nothing found" is only worth filing when
 * everything that applies was looked at. The rule (docs/report.md):
 *   - a collector that applies and read nothing is "failed", one that
 *     read some items and not others "partial";
 *   - any failed collector makes the scan incomplete;
 *   - so does a partial source collector (a package database, a registry
 *     hive, receipts, launchd jobs, an SBOM): one unreadable entry may be
 *     exactly the product;
 *   - so do unreadable processes on a live host beyond half of them;
 *   - with strict, any unreadable item does.
 */
#include <string.h>

#include "match_int.h"

/* Collectors that read a database: a gap there may hide a product. */
static int is_source(const char *name)
{
	static const char *const src[] = {"dpkg",     "rpm",     "hive",
	                                  "receipts", "launchd", "sbom",
	                                  "bundle",   "archive", NULL};
	size_t i;

	for (i = 0; src[i]; i++)
		if (strcmp(name, src[i]) == 0)
			return 1;
	return 0;
}

/* Unreadable items counted for `name`, and the first such problem. */
static uint64_t unreadable_of(const vz_stats *st, const char *name,
                              const vz_problem **first)
{
	uint64_t n = 0;
	size_t i;

	*first = NULL;
	for (i = 0; i < vz_stats_problem_count(st); i++) {
		const vz_problem *p = vz_stats_problem(st, i);

		if (!p->unreadable || strcmp(p->collector, name) != 0)
			continue;
		if (*first == NULL)
			*first = p;
		n += p->count;
	}
	return n;
}

/* Has an earlier run of the same collector already taken its problems? */
static int seen_before(const vz_stats *st, size_t upto, const char *name)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (strcmp(vz_stats_run(st, i)->name, name) == 0)
			return 1;
	return 0;
}

static void gap(struct vz__coverage *cov, const char *name, const vz_problem *p,
                uint64_t n, const char *what)
{
	vz__buf_printf(&cov->gaps, "%s: %s", name, what);
	if (p != NULL && p->example != NULL)
		vz__buf_printf(&cov->gaps, ": %s", p->example);
	if (p != NULL)
		vz__buf_printf(&cov->gaps, ": %s", p->reason);
	if (n > 1)
		vz__buf_printf(&cov->gaps, " (%llu items)",
		               (unsigned long long)n);
	vz__buf_add(&cov->gaps, "", 1); /* one NUL-separated reason each */
	cov->ngaps++;
}

/* Unreadable problems of collectors that have no run of their own (the
 * file walk's "pe", "plist"): they count under strict. */
static uint64_t orphan_unreadable(const vz_stats *st, const vz_problem **ex)
{
	uint64_t n = 0;
	size_t i, j;

	*ex = NULL;
	for (i = 0; i < vz_stats_problem_count(st); i++) {
		const vz_problem *p = vz_stats_problem(st, i);
		int owned = 0;

		for (j = 0; j < vz_stats_run_count(st) && !owned; j++)
			owned = strcmp(vz_stats_run(st, j)->name,
			               p->collector) == 0;
		if (!p->unreadable || owned)
			continue;
		if (*ex == NULL)
			*ex = p;
		n += p->count;
	}
	return n;
}

vz_status vz__coverage_build(struct vz__coverage *cov, const vz_stats *st,
                             int strict)
{
	size_t i, n = vz_stats_run_count(st);
	const vz_problem *p;
	uint64_t u;

	memset(cov, 0, sizeof(*cov));
	vz__buf_init(&cov->gaps);
	cov->strict = strict;
	cov->e = vz__calloc(n ? n : 1, sizeof(*cov->e));
	if (cov->e == NULL)
		return VZ_E_NOMEM;
	cov->n = n;
	for (i = 0; i < n; i++) {
		const vz_collector_run *r = vz_stats_run(st, i);
		vz_coverage *e = &cov->e[i];

		e->name = r->name;
		e->target = r->detail;
		e->examined = r->examined;
		e->status = r->status;
		u = seen_before(st, i, r->name)
		        ? 0
		        : unreadable_of(st, r->name, &p);
		if (u == 0)
			p = NULL;
		e->unreadable = u;
		if (strcmp(r->status, "ran") == 0 && u > 0)
			e->status = r->examined == 0 ? "failed" : "partial";
		if (strcmp(e->status, "failed") == 0)
			gap(cov, e->name, p, u,
			    p == NULL && r->detail ? r->detail
			                           : "could not be examined");
		else if (strcmp(e->status, "partial") == 0 &&
		         is_source(e->name))
			gap(cov, e->name, p, u, "not all of it could be read");
		else if (strcmp(e->status, "partial") == 0 &&
		         strcmp(e->name, "procs") == 0 && u * 2 > e->examined)
			gap(cov, e->name, p, u,
			    "most processes could not be examined");
		else if (strict && u > 0)
			gap(cov, e->name, p, u, "unreadable (--strict)");
	}
	u = orphan_unreadable(st, &p);
	if (strict && u > 0)
		gap(cov, p->collector, p, u, "unreadable (--strict)");
	return cov->gaps.failed ? VZ_E_NOMEM : VZ_OK;
}

void vz__coverage_free(struct vz__coverage *cov)
{
	vz__free(cov->e);
	vz__buf_free(&cov->gaps);
	memset(cov, 0, sizeof(*cov));
}

const char *vz__coverage_gap(const struct vz__coverage *cov, size_t i)
{
	const char *s = cov->gaps.data;

	if (i >= cov->ngaps)
		return NULL;
	while (i-- > 0)
		s += strlen(s) + 1;
	return s;
}
