/*
 * lib/collect/stats.c - what a scan saw, and what it could not read.
 *
 * The peers this tool is measured against skip files silently (too deep,
 * too large) and still report the host clean. Here every entry that was
 * not read is counted under its collector and reason, with the first
 * path it happened to, so a report always says what it did not examine.
 * Problems are few distinct (collector, reason) pairs, so a list suffices.
 */
#include <string.h>

#include "collect_int.h"

/* Distinct problems kept; further distinct reasons are folded into one. */
#define VZ_PROBLEMS_MAX 256

struct vz_stats {
	uint64_t counters[VZ_STAT__COUNT];
	vz_problem *problems; /* owned, strings owned */
	size_t nproblems, cap;
	vz_collector_run *runs; /* owned, strings owned */
	size_t nruns, runcap;
	/* Counted when even the fold-over entry could not be allocated. */
	uint64_t lost;
};

/* Release a string the public structs show as const. */
static void xfree(const char *p)
{
	vz__free((void *)(uintptr_t)p);
}

static const char *const counter_names[VZ_STAT__COUNT] = {
	"files",         "dirs",          "symlinks",   "other",
	"packages",      "processes",     "modules",    "units",
	"hashed_files",  "hashed_bytes",  "registry_keys",
	"registry_values", "services",    "pe_files",   "signatures",
	"verified_signatures", "bundles", "components"};

const char *vz_counter_name(vz_counter c)
{
	return (unsigned)c < VZ_STAT__COUNT ? counter_names[c] : "unknown";
}

vz_stats *vz_stats_new(void)
{
	return vz__calloc(1, sizeof(vz_stats));
}

void vz_stats_free(vz_stats *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->nproblems; i++) {
		xfree(st->problems[i].collector);
		xfree(st->problems[i].reason);
		xfree(st->problems[i].example);
	}
	for (i = 0; i < st->nruns; i++) {
		xfree(st->runs[i].name);
		xfree(st->runs[i].status);
		xfree(st->runs[i].detail);
	}
	vz__free(st->problems);
	vz__free(st->runs);
	vz__free(st);
}

uint64_t vz_stats_get(const vz_stats *st, vz_counter c)
{
	return (unsigned)c < VZ_STAT__COUNT ? st->counters[c] : 0;
}

void vz__stats_add(vz_stats *st, vz_counter k, uint64_t n)
{
	if ((unsigned)k < VZ_STAT__COUNT)
		st->counters[k] += n;
}

size_t vz_stats_problem_count(const vz_stats *st)
{
	return st->nproblems;
}

const vz_problem *vz_stats_problem(const vz_stats *st, size_t i)
{
	return i < st->nproblems ? &st->problems[i] : NULL;
}

uint64_t vz_stats_problem_total(const vz_stats *st, int unreadable)
{
	uint64_t n = unreadable ? st->lost : 0;
	size_t i;

	for (i = 0; i < st->nproblems; i++)
		if (!st->problems[i].unreadable == !unreadable)
			n += st->problems[i].count;
	return n;
}

static int same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

void vz__stats_problem(vz_stats *st, const char *collector, int unreadable,
                       const char *reason, const char *example)
{
	vz__stats_problem_n(st, collector, unreadable, reason, example, 1);
}

void vz__stats_problem_n(vz_stats *st, const char *collector, int unreadable,
                         const char *reason, const char *example, uint64_t n)
{
	vz_problem *p;
	size_t i;

	for (i = 0; i < st->nproblems; i++) {
		p = &st->problems[i];
		if (!p->unreadable == !unreadable &&
		    same(p->collector, collector) && same(p->reason, reason)) {
			p->count += n;
			return;
		}
	}
	if (st->nproblems >= VZ_PROBLEMS_MAX) {
		/* The last slot becomes "other reasons": still counted. */
		st->problems[st->nproblems - 1].count += n;
		return;
	}
	if (st->nproblems == st->cap) {
		size_t ncap = st->cap ? st->cap * 2 : 8;
		vz_problem *np = vz__realloc(st->problems, ncap * sizeof(*np));

		if (np == NULL) {
			st->lost += n;
			return;
		}
		st->problems = np;
		st->cap = ncap;
	}
	p = &st->problems[st->nproblems];
	memset(p, 0, sizeof(*p));
	p->unreadable = unreadable ? 1 : 0;
	p->count = n;
	p->collector = vz__strdup(collector ? collector : "");
	p->reason = vz__strdup(st->nproblems == VZ_PROBLEMS_MAX - 1
	                           ? "other reasons"
	                           : (reason ? reason : ""));
	p->example = example ? vz__strdup(example) : NULL;
	if (p->collector == NULL || p->reason == NULL ||
	    (example != NULL && p->example == NULL)) {
		xfree(p->collector);
		xfree(p->reason);
		xfree(p->example);
		st->lost += n;
		return;
	}
	st->nproblems++;
}

size_t vz_stats_run_count(const vz_stats *st)
{
	return st->nruns;
}

const vz_collector_run *vz_stats_run(const vz_stats *st, size_t i)
{
	return i < st->nruns ? &st->runs[i] : NULL;
}

void vz__stats_run(vz_stats *st, const char *name, const char *status,
                   const char *detail)
{
	vz__stats_run_n(st, name, status, detail, 0);
}

void vz__stats_run_n(vz_stats *st, const char *name, const char *status,
                     const char *detail, uint64_t examined)
{
	vz_collector_run *r;

	if (st->nruns == st->runcap) {
		size_t ncap = st->runcap ? st->runcap * 2 : 8;
		vz_collector_run *n = vz__realloc(st->runs, ncap * sizeof(*n));

		if (n == NULL) {
			st->lost++;
			return;
		}
		st->runs = n;
		st->runcap = ncap;
	}
	r = &st->runs[st->nruns];
	r->name = vz__strdup(name);
	r->status = vz__strdup(status);
	r->detail = detail && *detail ? vz__strdup(detail) : NULL;
	r->examined = examined;
	if (r->name == NULL || r->status == NULL ||
	    (detail && *detail && r->detail == NULL)) {
		xfree(r->name);
		xfree(r->status);
		xfree(r->detail);
		st->lost++;
		return;
	}
	st->nruns++;
}
