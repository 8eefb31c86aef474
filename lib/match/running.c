/*
 * lib/match/running.c - a product is running when a process runs one of
 * its matched executables. The catalogue names a product's processes
 * only where a source does (Linux daemons); on Windows and macOS it
 * knows the product by its signed files, hashes and paths instead. A
 * process whose executable is such a file is then that product running:
 * a derivation from two records of the same host, not a new fingerprint.
 *
 * The two records come in any order (processes are read before or after
 * the files), so both sides are remembered: the executables of processes
 * (path -> where read, pid), and the paths that matched (path -> product + 1).
 * Only files of the scanned root take part, never an archive's member or
 * an artefact named on the command line: their path says nothing of what
 * the host runs.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "match_int.h"

/* Is this evidence of a file, read from the root itself? */
static int root_file(enum ekind kind, const vz_record *r)
{
	if (kind != EK_HASH && kind != EK_PATH && kind != EK_AUTHENTICODE)
		return 0;
	return (r->kind == VZ_REC_FILE || r->kind == VZ_REC_SIGNATURE) &&
	       !(r->flags & VZ_RECF_ARTEFACT) &&
	       (r->source == NULL || strcmp(r->source, "archive") != 0);
}

/* A process seen running an executable: where it was read, its pid. */
struct proc {
	const char *source, *origin; /* owned by the matcher */
	long pid;
};

/* Evidence that product `prod` runs: the process, by its executable. */
static vz_status add_running(vz_matcher *m, size_t prod, const char *path,
                             const struct proc *p)
{
	struct fp f;
	vz_record r;
	char detail[96];

	memset(&f, 0, sizeof(f));
	f.prod = prod;
	f.kind = EK_PROCESS;
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_PROCESS;
	r.source = p->source;
	r.origin = p->origin;
	snprintf(detail, sizeof(detail), "pid %ld: runs a matched executable",
	         p->pid);
	return vz__add_ev(m, &f, &r, path, detail, VZ_F_RUNNING);
}

/* The products a root file's path is evidence of (a few at most). */
struct exe {
	size_t n;
	size_t prod[8];
};

vz_status vz__running_file(vz_matcher *m, size_t prod, enum ekind kind,
                           const vz_record *r, const char *item)
{
	const struct proc *pr;
	const char *key;
	struct exe *x;
	size_t i;
	int existed = 0;
	vz_status rc;

	if (!root_file(kind, r) || item == NULL || item[0] != '/')
		return VZ_OK;
	pr = vz__map_get(&m->run_procs, item);
	if (pr != NULL) {
		rc = add_running(m, prod, item, pr);
		if (rc != VZ_OK)
			return rc;
	}
	x = vz__map_get(&m->run_exes, item);
	if (x == NULL) {
		key = vz__match_own(m, vz__strdup(item));
		x = key ? vz__calloc(1, sizeof(*x)) : NULL;
		if (x == NULL ||
		    vz__match_own(m, (char *)x) == NULL ||
		    vz__map_put(&m->run_exes, key, x, &existed) != VZ_OK)
			return VZ_E_NOMEM;
	}
	for (i = 0; i < x->n; i++)
		if (x->prod[i] == prod)
			return VZ_OK;
	if (x->n < sizeof(x->prod) / sizeof(x->prod[0]))
		x->prod[x->n++] = prod;
	return VZ_OK;
}

vz_status vz__running_process(vz_matcher *m, const vz_record *r)
{
	const char *key;
	struct proc *p;
	struct exe *x;
	size_t i;
	int existed = 0;
	vz_status rc;

	if (r->path == NULL || r->path[0] != '/' ||
	    vz__map_get(&m->run_procs, r->path) != NULL)
		return VZ_OK;
	key = vz__match_own(m, vz__strdup(r->path));
	p = key ? vz__calloc(1, sizeof(*p)) : NULL;
	if (p == NULL || vz__match_own(m, (char *)p) == NULL)
		return VZ_E_NOMEM;
	p->pid = r->pid;
	p->source = vz__match_own(m, vz__strdup(r->source ? r->source : ""));
	p->origin = r->origin ? vz__match_own(m, vz__strdup(r->origin))
	                      : NULL;
	if (p->source == NULL || (r->origin != NULL && p->origin == NULL))
		return VZ_E_NOMEM;
	rc = vz__map_put(&m->run_procs, key, p, &existed);
	/* The file matched already: each product it is evidence of. */
	x = vz__map_get(&m->run_exes, key);
	for (i = 0; rc == VZ_OK && x != NULL && i < x->n; i++)
		rc = add_running(m, x->prod[i], key, p);
	return rc;
}
