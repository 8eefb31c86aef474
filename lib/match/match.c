/*
 * lib/match/match.c - the matcher: catalogue fingerprints compiled once,
 * inventory records joined with them as they stream past. This file
 * holds the compiled catalogue, evidence and results, and the Linux
 * kinds; match_win.c and match_ext.c the others.
 *
 * Cost per record matters most for files (a million of them): a file is
 * checked against a set of sizes (is it worth hashing?), its digest
 * looked up by binary search on (size, digest), against a map
 * of exact paths only if its directory is the parent of one, and against
 * only those path globs whose literal prefix fits its directory - worked
 * out once per directory, not once per file. Names (packages, processes,
 * modules, units) go through a hash map for exact names and a short glob
 * list. Globs are fnmatch(3) patterns; for paths with FNM_PATHNAME, so
 * that '*' never crosses a '/'.
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "match_int.h"

/* Evidence kinds: the fingerprint kind that matched. */
const char *const vz__ek_names[EK__COUNT] = {
	"package", "process", "kernel-module", "service", "file-hash", "path",
	"registry", "authenticode", "bundle-id", "cpe", "purl"};

size_t vz__glob_prefix(const char *g)
{
	return strcspn(g, "*?[\\");
}

int vz__path_leftover(const char *p)
{
	static const char *const dirs[] = {"/etc", "/var", "/home", "/root",
	                                   "/srv", "/tmp", NULL};
	/* Windows and macOS volumes: their case does not matter. */
	static const char *const cidirs[] = {
		"/ProgramData", "/Users", "/Documents and Settings",
		"/Windows/Temp", "/$Recycle.Bin", "/Library/Caches",
		"/Library/Preferences", "/Library/Logs", "/private/var",
		"/private/tmp", NULL};
	size_t i, n;

	for (i = 0; dirs[i]; i++) {
		n = strlen(dirs[i]);
		if (strncmp(p, dirs[i], n) == 0 && (p[n] == '/' || !p[n]))
			return 1;
	}
	for (i = 0; cidirs[i]; i++) {
		n = strlen(cidirs[i]);
		if (strncasecmp(p, cidirs[i], n) == 0 &&
		    (p[n] == '/' || !p[n]))
			return 1;
	}
	return 0;
}

vz_state vz__state_of(unsigned flags)
{
	if (flags & VZ_F_RUNNING)
		return VZ_STATE_RUNNING;
	if (flags & VZ_F_INSTALLED)
		return VZ_STATE_INSTALLED;
	if (flags & VZ_F_PROGRAM)
		return VZ_STATE_PRESENT;
	return VZ_STATE_RESIDUE;
}

const char *vz_state_name(vz_state s)
{
	static const char *const n[] = {"running", "installed", "present",
	                                "residue"};

	return (unsigned)s < 4 ? n[s] : "unknown";
}

static void xfree(const char *p)
{
	vz__free((void *)(uintptr_t)p);
}

const char *vz__match_own(vz_matcher *m, char *s)
{
	if (s == NULL)
		return NULL;
	if (m->nowned == m->ownedcap) {
		size_t ncap = m->ownedcap ? m->ownedcap * 2 : 16;
		char **n = vz__realloc(m->owned, ncap * sizeof(*n));

		if (n == NULL) {
			vz__free(s);
			return NULL;
		}
		m->owned = n;
		m->ownedcap = ncap;
	}
	m->owned[m->nowned++] = s;
	return s;
}

static void names_free(struct names *n)
{
	vz__map_free(&n->exact);
	vz__free(n->globs);
}

/* Release what a compiled fingerprint owns, and zero it. */
static void fp_clear(struct fp *f)
{
	vz__cpe_free(f->cpe);
	vz__free(f->purl_type);
	vz__free(f->purl_ns);
	vz__free(f->purl_name);
	vz__free(f->purl_version);
	memset(f, 0, sizeof(*f));
}

static void dircache_free(struct dircache *d)
{
	vz__free(d->globs);
	vz__buf_free(&d->dir);
}

void vz_matcher_free(vz_matcher *m)
{
	size_t i, j;

	if (m == NULL)
		return;
	for (i = 0; i < m->nprods; i++) {
		for (j = 0; j < m->prods[i].nev; j++) {
			xfree(m->prods[i].ev[j].source);
			xfree(m->prods[i].ev[j].item);
			xfree(m->prods[i].ev[j].detail);
		}
		vz__free(m->prods[i].ev);
	}
	vz__free(m->prods);
	names_free(&m->pkg);
	names_free(&m->proc);
	names_free(&m->mod);
	names_free(&m->unit);
	names_free(&m->path);
	names_free(&m->cipath);
	vz__map_free(&m->parents);
	vz__map_free(&m->ciparents);
	vz__map_free(&m->run_procs);
	vz__map_free(&m->run_exes);
	for (i = 0; i < m->nowned; i++)
		vz__free(m->owned[i]);
	vz__free(m->owned);
	vz__free(m->sizes);
	vz__free(m->hashes);
	for (i = 0; m->fps != NULL && i < m->fpcap; i++)
		fp_clear(&m->fps[i]);
	vz__free(m->fps);
	vz__free(m->reg);
	vz__free(m->winsvc);
	vz__free(m->windrv);
	vz__free(m->macsvc);
	vz__free(m->kext);
	vz__free(m->signers);
	vz__free(m->bundles);
	vz__free(m->cpes);
	vz__free(m->purls);
	dircache_free(&m->dc);
	dircache_free(&m->cdc);
	dircache_free(&m->kc);
	vz__buf_free(&m->tmp);
	vz__buf_free(&m->lower);
	for (i = 0; i < m->ntam; i++) {
		xfree(m->tam[i].path);
		xfree(m->tam[i].source);
		xfree(m->tam[i].subject);
		xfree(m->tam[i].issuer);
		xfree(m->tam[i].detail);
	}
	vz__free(m->tam);
	for (i = 0; i < m->ninst; i++)
		vz__free(m->inst[i].dir);
	vz__free(m->inst);
	vz__free(m);
}

const char *vz__fp_str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

#define str vz__fp_str
#define own vz__match_own

vz_status vz__fplist_add(struct fp ***list, size_t *n, struct fp *f)
{
	struct fp **l = vz__realloc(*list, (*n + 1) * sizeof(*l));

	if (l == NULL)
		return VZ_E_NOMEM;
	*list = l;
	l[(*n)++] = f;
	return VZ_OK;
}

char *vz__lower_dup(const char *s)
{
	char *d = s ? vz__strdup(s) : NULL, *p;

	for (p = d; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

/* Module names: the kernel shows '-' as '_'; compare in that form. */
static char *module_norm(const char *s)
{
	char *d = vz__strdup(s), *p;

	for (p = d; p && *p; p++)
		if (*p == '-')
			*p = '_';
	return d;
}

static vz_status names_add(struct names *n, struct fp *f)
{
	struct fp *head;

	/* Windows Installer names are compared ignoring case: globs. */
	if (f->pat[vz__glob_prefix(f->pat)] != '\0' ||
	    (f->kind == EK_PACKAGE && f->eco == ECO_MSI)) {
		struct fp **g = vz__realloc(n->globs, (n->nglobs + 1) *
		                                          sizeof(*g));

		if (g == NULL)
			return VZ_E_NOMEM;
		n->globs = g;
		n->globs[n->nglobs++] = f;
		return VZ_OK;
	}
	head = vz__map_get(&n->exact, f->pat);
	f->next = head;
	return vz__map_put(&n->exact, f->pat, f, NULL);
}

static int size_has(const vz_matcher *m, uint64_t size)
{
	size_t i;

	if (m->scap == 0)
		return 0;
	i = (size_t)((size + 1) * 0x9e3779b97f4a7c15ULL) & (m->scap - 1);
	while (m->sizes[i] != 0) {
		if (m->sizes[i] == size + 1)
			return 1;
		i = (i + 1) & (m->scap - 1);
	}
	return 0;
}

static int cmp_hash(const void *a, const void *b)
{
	const struct fp *x = *(struct fp *const *)a;
	const struct fp *y = *(struct fp *const *)b;

	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return memcmp(x->sha, y->sha, 32);
}

/*
 * The first of the hash fingerprints (sorted by size, then digest) for
 * this size and digest: a binary search, so a file costs O(log n) however
 * many fingerprints there are. m->nhashes if none.
 */
static size_t hash_lower(const vz_matcher *m, uint64_t size,
                         const unsigned char *sha)
{
	size_t lo = 0, hi = m->nhashes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct fp *f = m->hashes[mid];
		int c = f->size != size ? (f->size < size ? -1 : 1)
		                        : memcmp(f->sha, sha, 32);

		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static vz_status build_sizes(vz_matcher *m)
{
	size_t i, cap = 16;

	if (m->nhashes == 0)
		return VZ_OK;
	while (cap < m->nhashes * 2)
		cap *= 2;
	m->sizes = vz__calloc(cap, sizeof(*m->sizes));
	if (m->sizes == NULL)
		return VZ_E_NOMEM;
	m->scap = cap;
	for (i = 0; i < m->nhashes; i++) {
		uint64_t s = m->hashes[i]->size;
		size_t j;

		if (size_has(m, s))
			continue;
		j = (size_t)((s + 1) * 0x9e3779b97f4a7c15ULL) & (cap - 1);
		while (m->sizes[j] != 0)
			j = (j + 1) & (cap - 1);
		m->sizes[j] = s + 1;
	}
	qsort(m->hashes, m->nhashes, sizeof(*m->hashes), cmp_hash);
	return VZ_OK;
}

int vz__eco_of(const char *eco)
{
	static const char *const n[] = {"deb", "rpm", "apk", "msi",
	                                "macos-pkg", NULL};
	int i;

	for (i = 0; eco != NULL && n[i]; i++)
		if (strcmp(eco, n[i]) == 0)
			return i;
	return ECO_OTHER;
}

static int plat_of(const char *p)
{
	if (p == NULL)
		return PLAT_OTHER;
	if (strcmp(p, "linux") == 0)
		return PLAT_LINUX;
	if (strcmp(p, "windows") == 0)
		return PLAT_WINDOWS;
	if (strcmp(p, "macos") == 0)
		return PLAT_MACOS;
	return PLAT_OTHER;
}

/* The Linux kinds that name a thing: paths, processes, modules, units. */
static vz_status compile_linux(vz_matcher *m, struct fp *f, json_t *o,
                               const char *kind)
{
	const char *slash;
	char *parent;
	vz_status rc = VZ_OK;

	if (strcmp(kind, "path") == 0) {
		f->kind = EK_PATH;
		f->pat = str(o, "path");
		if (f->pat == NULL || f->pat[0] != '/')
			return VZ_OK;
		f->prefix = vz__glob_prefix(f->pat);
		rc = names_add(&m->path, f);
		if (rc == VZ_OK && f->pat[f->prefix] == '\0') {
			slash = strrchr(f->pat, '/');
			parent = vz__strndup(f->pat, (size_t)(slash - f->pat));
			if (own(m, parent) == NULL)
				return VZ_E_NOMEM;
			rc = vz__map_put(&m->parents, parent, m, NULL);
		}
	} else if (strcmp(kind, "process") == 0) {
		f->kind = EK_PROCESS;
		f->pat = str(o, "name");
		rc = names_add(&m->proc, f);
	} else if (strcmp(kind, "kernel-module") == 0) {
		f->kind = EK_MODULE;
		f->pat = own(m, module_norm(str(o, "name")));
		if (f->pat == NULL)
			return VZ_E_NOMEM;
		rc = names_add(&m->mod, f);
	} else if (strcmp(kind, "service") == 0) {
		f->kind = EK_SERVICE;
		f->pat = str(o, "name");
		rc = names_add(&m->unit, f);
	}
	return rc;
}

/*
 * Compile one fingerprint; *applies = 0 if nothing this build reads can
 * match it (mobile app ids; processes of Windows and macOS, which are
 * never live here).
 */
static vz_status compile_fp(vz_matcher *m, size_t prod, json_t *o,
                            int *applies)
{
	const char *kind = str(o, "kind");
	int plat = plat_of(str(o, "platform"));
	struct fp *f = &m->fps[m->nfps];
	vz_status rc = VZ_OK;
	size_t i;

	*applies = 0;
	fp_clear(f);
	f->prod = prod;
	f->plat = plat;
	if (kind == NULL)
		return VZ_OK;
	if (strcmp(kind, "package") == 0) {
		f->kind = EK_PACKAGE;
		f->eco = vz__eco_of(str(o, "ecosystem"));
		f->pat = str(o, "name");
		f->maint = str(o, "maintainer");
		if (f->eco == ECO_OTHER || f->pat == NULL)
			return VZ_OK;
		rc = names_add(&m->pkg, f);
	} else if (strcmp(kind, "file-hash") == 0) {
		const char *hex = str(o, "sha256");
		json_t *sz = json_object_get(o, "size");
		struct fp **h;

		if (hex == NULL || strlen(hex) != 64 || !json_is_integer(sz) ||
		    json_integer_value(sz) < 0)
			return VZ_OK;
		f->kind = EK_HASH;
		f->pat = hex;
		f->size = (uint64_t)json_integer_value(sz);
		for (i = 0; i < 32; i++)
			f->sha[i] =
			    (unsigned char)(vz__hexval(hex[2 * i]) << 4 |
			                    vz__hexval(hex[2 * i + 1]));
		h = vz__realloc(m->hashes, (m->nhashes + 1) * sizeof(*h));
		if (h == NULL)
			return VZ_E_NOMEM;
		m->hashes = h;
		m->hashes[m->nhashes++] = f;
	} else if (strcmp(kind, "registry") == 0 ||
	           strcmp(kind, "authenticode") == 0 ||
	           (plat == PLAT_WINDOWS &&
	            (strcmp(kind, "service") == 0 ||
	             strcmp(kind, "kernel-module") == 0))) {
		return vz__compile_win(m, f, o, kind, applies);
	} else if (strcmp(kind, "bundle-id") == 0 ||
	           strcmp(kind, "cpe") == 0 || strcmp(kind, "purl") == 0 ||
	           (plat == PLAT_MACOS && (strcmp(kind, "service") == 0 ||
	                                   strcmp(kind, "kernel-module") ==
	                                       0)) ||
	           (strcmp(kind, "path") == 0 &&
	            (plat == PLAT_WINDOWS || plat == PLAT_MACOS))) {
		return vz__compile_ext(m, f, o, kind, applies);
	} else if (plat == PLAT_LINUX) {
		rc = compile_linux(m, f, o, kind);
	} else {
		return VZ_OK;
	}
	if (f->pat == NULL)
		return VZ_OK;
	*applies = rc == VZ_OK;
	return rc;
}

vz_status vz_matcher_new(const vz_catalog *cat, vz_matcher **out,
                         vz_error *err)
{
	vz_matcher *m;
	size_t i, j, total = 0;
	vz_status rc = VZ_OK;

	*out = NULL;
	m = vz__calloc(1, sizeof(*m));
	if (m == NULL)
		goto nomem;
	m->cat = cat;
	vz__buf_init(&m->tmp);
	vz__buf_init(&m->lower);
	vz__buf_init(&m->dc.dir);
	vz__buf_init(&m->cdc.dir);
	vz__buf_init(&m->kc.dir);
	m->prods = vz__calloc(vz_catalog_count(cat, VZ_KIND_PRODUCT),
	                      sizeof(*m->prods));
	if (m->prods == NULL)
		goto nomem;
	m->nprods = vz_catalog_count(cat, VZ_KIND_PRODUCT);
	for (i = 0; i < m->nprods; i++) {
		json_t *p = vz__catalog_nth(cat, VZ_KIND_PRODUCT, i);

		m->prods[i].id = str(p, "id");
		total += json_array_size(json_object_get(p, "fingerprints"));
	}
	/* Fingerprints never move once compiled: maps point at them. */
	m->fps = vz__calloc(total ? total : 1, sizeof(*m->fps));
	if (m->fps == NULL)
		goto nomem;
	m->fpcap = total ? total : 1;
	for (i = 0; i < m->nprods && rc == VZ_OK; i++) {
		json_t *fps = json_object_get(
		    vz__catalog_nth(cat, VZ_KIND_PRODUCT, i), "fingerprints");

		for (j = 0; j < json_array_size(fps) && rc == VZ_OK; j++) {
			int applies;

			rc = compile_fp(m, i, json_array_get(fps, j),
			                &applies);
			if (applies)
				m->nfps++;
			else
				m->na++;
		}
	}
	if (rc == VZ_OK)
		rc = build_sizes(m);
	if (rc != VZ_OK)
		goto nomem;
	*out = m;
	return VZ_OK;
nomem:
	vz__error_set(err, VZ_E_NOMEM, NULL, "out of memory");
	vz_matcher_free(m);
	return VZ_E_NOMEM;
}

size_t vz_matcher_fingerprints(const vz_matcher *m)
{
	return m->nfps;
}

size_t vz_matcher_not_applicable(const vz_matcher *m)
{
	return m->na;
}

/* ---- evidence ------------------------------------------------------ */

static int same_ev(const vz_evidence *e, const char *kind, const char *src,
                   const char *item, const char *detail)
{
	return e->kind == kind && strcmp(e->source, src) == 0 &&
	       strcmp(e->item, item) == 0 && strcmp(e->detail, detail) == 0;
}

vz_status vz__add_ev(vz_matcher *m, const struct fp *f, const vz_record *r,
                     const char *item, const char *detail, unsigned flag)
{
	struct prod *p = &m->prods[f->prod];
	const char *kind = vz__ek_names[f->kind];
	char src[512];
	vz_evidence *e;
	size_t i;

	snprintf(src, sizeof(src), "%s%s%s", r->source ? r->source : "",
	         r->origin ? " " : "", r->origin ? r->origin : "");
	p->flags |= flag;
	if (vz__running_file(m, f->prod, f->kind, r, item) != VZ_OK)
		return VZ_E_NOMEM;
	for (i = 0; i < p->nev; i++)
		if (same_ev(&p->ev[i], kind, src, item, detail))
			return VZ_OK;
	if (p->nev >= VZ_EVIDENCE_MAX) {
		p->omitted++;
		return VZ_OK;
	}
	if (p->nev % 8 == 0) {
		e = vz__realloc(p->ev, (p->nev + 8) * sizeof(*e));
		if (e == NULL)
			return VZ_E_NOMEM;
		p->ev = e;
	}
	e = &p->ev[p->nev];
	e->kind = kind;
	e->source = vz__strdup(src);
	e->item = vz__strdup(item);
	e->detail = vz__strdup(detail);
	if (e->source == NULL || e->item == NULL || e->detail == NULL) {
		xfree(e->source);
		xfree(e->item);
		xfree(e->detail);
		return VZ_E_NOMEM;
	}
	p->nev++;
	p->sorted = 0;
	return VZ_OK;
}

/* ---- records ------------------------------------------------------- */

static int record_eco(const vz_record *r)
{
	if (r->ecosystem != NULL)
		return vz__eco_of(r->ecosystem);
	return r->source && strcmp(r->source, "rpm") == 0 ? ECO_RPM
	                                                  : ECO_DEB;
}

/* Does package fingerprint f match `name` from `vendor`? Windows
 * Installer names and publishers are compared ignoring case. */
static int pkg_match(const struct fp *f, const char *name,
                     const char *vendor, int glob)
{
	int fl = f->eco == ECO_MSI ? FNM_CASEFOLD : 0;

	if (glob && fnmatch(f->pat, name, fl) != 0)
		return 0;
	return f->maint == NULL ||
	       (vendor != NULL && fnmatch(f->maint, vendor, fl) == 0);
}

static vz_status pkg_ev(vz_matcher *m, const struct fp *f,
                        const vz_record *r, const char *detail, unsigned flag)
{
	vz_status rc = vz__add_ev(m, f, r, r->name, detail, flag);

	if (rc == VZ_OK && (r->flags & VZ_RECF_UNINSTALL) && r->path != NULL)
		rc = vz__remember_install(m, r->path, f->prod);
	return rc;
}

static vz_status on_package(vz_matcher *m, const vz_record *r)
{
	int eco = record_eco(r);
	char detail[1024];
	unsigned flag;
	struct fp *f;
	vz_status rc = VZ_OK;
	size_t i;

	if (r->pkg_state == VZ_PKG_NOT_INSTALLED || eco == ECO_OTHER)
		return VZ_OK;
	flag = r->pkg_state == VZ_PKG_CONFIG_FILES ? VZ_F_LEFTOVER
	                                           : VZ_F_INSTALLED;
	if (r->flags & (VZ_RECF_UNINSTALL | VZ_RECF_RECEIPT))
		snprintf(detail, sizeof(detail), "%s",
		         r->detail ? r->detail : "");
	else
		snprintf(detail, sizeof(detail), "%s%s%s%s%s (%s)", r->name,
		         r->version ? " " : "", r->version ? r->version : "",
		         r->arch ? " " : "", r->arch ? r->arch : "",
		         r->detail ? r->detail : "");
	for (f = vz__map_get(&m->pkg.exact, r->name); f && rc == VZ_OK;
	     f = f->next)
		if (f->eco == eco && pkg_match(f, r->name, r->vendor, 0))
			rc = pkg_ev(m, f, r, detail, flag);
	for (i = 0; i < m->pkg.nglobs && rc == VZ_OK; i++) {
		f = m->pkg.globs[i];
		if (f->eco == eco && pkg_match(f, r->name, r->vendor, 1))
			rc = pkg_ev(m, f, r, detail, flag);
	}
	return rc;
}

vz_status vz__match_component_pkg(vz_matcher *m, const vz_record *r,
                                  int eco, const char *name,
                                  const char *detail)
{
	vz_status rc = VZ_OK;
	struct fp *f;
	size_t i;

	for (f = vz__map_get(&m->pkg.exact, name); f && rc == VZ_OK;
	     f = f->next)
		if ((eco == ECO_OTHER ? vz__vendor_is(m, f->prod, r->vendor)
		                      : f->eco == eco) &&
		    pkg_match(f, name, r->vendor, 0))
			rc = vz__add_ev(m, f, r, name, detail, VZ_F_PROGRAM);
	for (i = 0; i < m->pkg.nglobs && rc == VZ_OK; i++) {
		f = m->pkg.globs[i];
		if ((eco == ECO_OTHER ? vz__vendor_is(m, f->prod, r->vendor)
		                      : f->eco == eco) &&
		    pkg_match(f, name, r->vendor, 1))
			rc = vz__add_ev(m, f, r, name, detail, VZ_F_PROGRAM);
	}
	return rc;
}

/* Match `name` against a names table; alt (may be NULL) as well. */
static vz_status match_names(vz_matcher *m, struct names *n, const char *name,
                             const char *alt, const vz_record *r,
                             const char *item, unsigned flag)
{
	const char *cands[2] = {name, alt};
	vz_status rc = VZ_OK;
	struct fp *f;
	size_t i, k;

	for (k = 0; k < 2 && rc == VZ_OK; k++) {
		if (cands[k] == NULL || (k == 1 && strcmp(alt, name) == 0))
			continue;
		for (f = vz__map_get(&n->exact, cands[k]); f && rc == VZ_OK;
		     f = f->next)
			rc = vz__add_ev(m, f, r, item,
			                r->detail ? r->detail : "", flag);
		for (i = 0; i < n->nglobs && rc == VZ_OK; i++)
			if (fnmatch(n->globs[i]->pat, cands[k], 0) == 0)
				rc = vz__add_ev(m, n->globs[i], r, item,
				            r->detail ? r->detail : "", flag);
	}
	return rc;
}

static vz_status on_process(vz_matcher *m, const vz_record *r)
{
	char exe[4096];
	const char *base = NULL;

	if (r->path != NULL) {
		const char *s = strrchr(r->path, '/');
		size_t n;

		snprintf(exe, sizeof(exe), "%s", s ? s + 1 : r->path);
		n = strlen(exe);
		if (n > 10 && strcmp(exe + n - 10, " (deleted)") == 0)
			exe[n - 10] = '\0';
		base = exe;
	}
	if (vz__running_process(m, r) != VZ_OK)
		return VZ_E_NOMEM;
	/* comm is cut at 15 bytes; the executable's name is not. */
	return match_names(m, &m->proc, base ? base : r->name, r->name, r,
	                   base ? base : r->name, VZ_F_RUNNING);
}

static vz_status on_module(vz_matcher *m, const vz_record *r)
{
	char *n = module_norm(r->name);
	vz_status rc;

	if (n == NULL)
		return VZ_E_NOMEM;
	rc = match_names(m, &m->mod, n, NULL, r, r->name, VZ_F_RUNNING);
	vz__free(n);
	return rc;
}

static vz_status on_unit(vz_matcher *m, const vz_record *r)
{
	char stem[512];
	vz_status rc = VZ_OK;
	size_t n = strlen(r->name), i;
	struct fp *f;

	rc = match_names(m, &m->unit, r->name, NULL, r, r->name, VZ_F_PROGRAM);
	/* A pattern without a suffix ("kesl") names the service too. */
	if (n > 8 && n < sizeof(stem) &&
	    strcmp(r->name + n - 8, ".service") == 0) {
		memcpy(stem, r->name, n - 8);
		stem[n - 8] = '\0';
		for (f = vz__map_get(&m->unit.exact, stem); f && rc == VZ_OK;
		     f = f->next)
			rc = vz__add_ev(m, f, r, r->name, r->detail,
			                VZ_F_PROGRAM);
		for (i = 0; i < m->unit.nglobs && rc == VZ_OK; i++) {
			f = m->unit.globs[i];
			if (strchr(f->pat, '.') == NULL &&
			    fnmatch(f->pat, stem, 0) == 0)
				rc = vz__add_ev(m, f, r, r->name, r->detail,
				            VZ_F_PROGRAM);
		}
	}
	return rc;
}

/* Which path globs could match a file in the directory of r. */
static vz_status dir_change(vz_matcher *m, const vz_record *r)
{
	struct dircache *d = &m->dc;
	size_t dl = r->dirlen + 1, i; /* "DIR/" */

	d->id = r->dir_id;
	d->valid = 1;
	d->n = 0;
	d->dir.len = 0;
	vz__buf_add(&d->dir, r->name, r->dirlen);
	vz__buf_add(&d->dir, "", 1);
	if (d->dir.failed)
		return VZ_E_NOMEM;
	d->parent = m->parents.len > 0 &&
	            vz__map_get(&m->parents, d->dir.data) != NULL;
	if (m->path.nglobs == 0)
		return VZ_OK;
	if (d->globs == NULL) {
		d->globs = vz__calloc(m->path.nglobs, sizeof(*d->globs));
		if (d->globs == NULL)
			return VZ_E_NOMEM;
	}
	for (i = 0; i < m->path.nglobs; i++) {
		struct fp *f = m->path.globs[i];
		size_t n = f->prefix < dl ? f->prefix : dl;

		if (memcmp(f->pat, r->name, n) == 0)
			d->globs[d->n++] = f;
	}
	return VZ_OK;
}

const char *vz__file_desc(const vz_record *r, char *buf, size_t n)
{
	switch (r->file_type) {
	case VZ_FT_DIRECTORY: return "directory";
	case VZ_FT_SYMLINK: return "symbolic link (not followed)";
	case VZ_FT_OTHER: return "special file";
	default: break;
	}
	if (r->size == 0 && r->sha256 == NULL)
		return "regular file";
	snprintf(buf, n, "regular file, %llu bytes",
	         (unsigned long long)r->size);
	return buf;
}

unsigned vz__path_flag(const vz_record *r)
{
	/* Where an analyst copied an artefact says nothing about the host
	 * it came from: location rules are for roots and live hosts. */
	if (r->flags & VZ_RECF_ARTEFACT)
		return VZ_F_PROGRAM;
	return vz__path_leftover(r->name) ? VZ_F_LEFTOVER : VZ_F_PROGRAM;
}

static vz_status on_file(vz_matcher *m, const vz_record *r)
{
	unsigned fl = 0; /* worked out on the first match only */
	char buf[96], detail[160];
	vz_status rc = VZ_OK;
	struct fp *f;
	size_t i;

	if (r->sha256 != NULL) {
		for (i = hash_lower(m, r->size, r->sha256);
		     i < m->nhashes && rc == VZ_OK; i++) {
			f = m->hashes[i];
			if (f->size != r->size ||
			    memcmp(f->sha, r->sha256, 32) != 0)
				break;
			snprintf(detail, sizeof(detail),
			         "sha256 %s, %llu bytes", f->pat,
			         (unsigned long long)r->size);
			rc = vz__add_ev(m, f, r, r->name, detail, VZ_F_PROGRAM);
		}
	}
	if (rc == VZ_OK && m->cipath.nglobs + m->ciparents.len > 0)
		rc = vz__on_file_ci(m, r);
	if (rc != VZ_OK || (m->path.nglobs == 0 && m->parents.len == 0))
		return rc;
	if (!m->dc.valid || r->dir_id != m->dc.id) {
		vz_status d = dir_change(m, r);

		if (d != VZ_OK)
			return d;
	}
	if (m->dc.parent) {
		for (f = vz__map_get(&m->path.exact, r->name); f && rc == VZ_OK;
		     f = f->next)
			rc = vz__add_ev(m, f, r, r->name,
			                vz__file_desc(r, buf, sizeof(buf)),
			                fl ? fl
			                   : (fl = vz__path_flag(r)));
	}
	for (i = 0; i < m->dc.n && rc == VZ_OK; i++) {
		f = m->dc.globs[i];
		if (strncmp(f->pat, r->name, f->prefix) == 0 &&
		    fnmatch(f->pat, r->name, FNM_PATHNAME) == 0)
			rc = vz__add_ev(m, f, r, r->name,
			                vz__file_desc(r, buf, sizeof(buf)),
			                fl ? fl
			                   : (fl = vz__path_flag(r)));
	}
	return rc;
}

static vz_status sink_record(void *ctx, const vz_record *r)
{
	vz_matcher *m = ctx;

	if (r->name == NULL)
		return VZ_OK;
	switch (r->kind) {
	case VZ_REC_PACKAGE: return on_package(m, r);
	case VZ_REC_FILE: return on_file(m, r);
	case VZ_REC_PROCESS: return on_process(m, r);
	case VZ_REC_MODULE: return on_module(m, r);
	case VZ_REC_UNIT: return on_unit(m, r);
	case VZ_REC_REGISTRY: return vz__on_registry(m, r);
	case VZ_REC_SERVICE: return vz__on_service(m, r);
	case VZ_REC_SIGNATURE: return vz__on_signature(m, r);
	case VZ_REC_BUNDLE: return vz__on_bundle(m, r);
	case VZ_REC_COMPONENT: return vz__on_component(m, r);
	}
	return VZ_OK;
}

static int sink_want(void *ctx, uint64_t size)
{
	return size_has(ctx, size);
}

void vz_matcher_sink(vz_matcher *m, vz_sink *sink)
{
	unsigned want = VZ_WANT(VZ_REC_PACKAGE) | VZ_WANT(VZ_REC_FILE) |
	                VZ_WANT(VZ_REC_PROCESS) | VZ_WANT(VZ_REC_MODULE) |
	                VZ_WANT(VZ_REC_UNIT);

	memset(sink, 0, sizeof(*sink));
	sink->ctx = m;
	sink->record = sink_record;
	/* Without hash fingerprints the walk need not even stat files. */
	sink->want_content = m->nhashes > 0 ? sink_want : NULL;
	/* Collectors skip what no fingerprint can match: a scan without
	 * signer fingerprints opens no PE file, one without registry
	 * fingerprints walks no registry key. */
	if (m->nreg > 0) {
		want |= VZ_WANT(VZ_REC_REGISTRY);
		sink->want_key = vz__want_key;
	}
	if (m->nwinsvc + m->nwindrv + m->nmacsvc > 0)
		want |= VZ_WANT(VZ_REC_SERVICE);
	if (m->nsigners > 0) {
		want |= VZ_WANT(VZ_REC_SIGNATURE);
		sink->want_signer = vz__want_signer;
	}
	if (m->nbundles + m->nkext > 0)
		want |= VZ_WANT(VZ_REC_BUNDLE);
	want |= VZ_WANT(VZ_REC_COMPONENT);
	sink->interests = want;
}

/* ---- results ------------------------------------------------------- */

static int ek_rank(const char *kind)
{
	size_t i;

	for (i = 0; i < EK__COUNT; i++)
		if (strcmp(kind, vz__ek_names[i]) == 0)
			return (int)i;
	return 99;
}

static int cmp_ev(const void *a, const void *b)
{
	const vz_evidence *x = a, *y = b;
	int d = ek_rank(x->kind) - ek_rank(y->kind);

	if (d == 0)
		d = strcmp(x->source, y->source);
	if (d == 0)
		d = strcmp(x->item, y->item);
	if (d == 0)
		d = strcmp(x->detail, y->detail);
	return d;
}

size_t vz_matcher_hits(const vz_matcher *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->nprods; i++)
		n += m->prods[i].nev > 0;
	return n;
}

const char *vz_matcher_hit(vz_matcher *m, size_t k, vz_state *state,
                           const vz_evidence **ev, size_t *nev,
                           size_t *omitted)
{
	size_t i;

	for (i = 0; i < m->nprods; i++) {
		struct prod *p = &m->prods[i];

		if (p->nev == 0 || k-- > 0)
			continue;
		if (!p->sorted) {
			qsort(p->ev, p->nev, sizeof(*p->ev), cmp_ev);
			p->sorted = 1;
		}
		*state = vz__state_of(p->flags);
		*ev = p->ev;
		*nev = p->nev;
		*omitted = p->omitted;
		return p->id;
	}
	return NULL;
}

size_t vz_matcher_tampered_count(const vz_matcher *m)
{
	return m->ntam;
}

const vz_tampered *vz_matcher_tampered(const vz_matcher *m, size_t i)
{
	return i < m->ntam ? &m->tam[i] : NULL;
}
