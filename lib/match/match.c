/*
 * lib/match/match.c - the matcher: catalogue fingerprints compiled once,
 * inventory records joined with them as they stream past.
 *
 * Cost per record matters most for files (a million of them): a file is
 * checked against a set of sizes (is it worth hashing?), against a map
 * of exact paths only if its directory is the parent of one, and against
 * only those path globs whose literal prefix fits its directory - worked
 * out once per directory, not once per file. Names (packages, processes,
 * modules, units) go through a hash map for exact names and a short glob
 * list. Globs are fnmatch(3) patterns; for paths with FNM_PATHNAME, so
 * that '*' never crosses a '/'.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match_int.h"

enum ekind { EK_PACKAGE, EK_PROCESS, EK_MODULE, EK_SERVICE, EK_HASH, EK_PATH };

static const char *const ek_names[] = {"package", "process", "kernel-module",
                                       "service", "file-hash", "path"};

enum { ECO_DEB, ECO_RPM };

struct fp {
	size_t prod;
	enum ekind kind;
	const char *pat;   /* borrowed from the catalogue, or owned (mods) */
	const char *maint; /* packages: maintainer/vendor glob, or NULL */
	int eco;
	size_t prefix; /* literal prefix length */
	uint64_t size;
	unsigned char sha[32];
	struct fp *next; /* chain of fingerprints with the same exact key */
};

struct names {
	struct vz_map exact; /* key -> struct fp * chain */
	struct fp **globs;   /* owned array */
	size_t nglobs;
};

struct prod {
	const char *id; /* borrowed */
	vz_evidence *ev; /* owned, strings owned */
	size_t nev, omitted;
	unsigned flags;
	int sorted;
};

struct vz_matcher {
	const vz_catalog *cat;
	struct prod *prods;
	size_t nprods;
	struct fp *fps; /* owned */
	size_t nfps, na;
	struct names pkg, proc, mod, unit, path;
	struct vz_map parents; /* parent dirs of exact paths (keys owned) */
	char **owned;          /* owned strings: keys, normalised names */
	size_t nowned, ownedcap;
	uint64_t *sizes; /* open addressing set of size + 1; 0 = empty */
	size_t scap;
	struct fp **hashes;
	size_t nhashes;
	/* Per-directory cache for file records. */
	uint64_t dir_id;
	int dir_valid, dir_parent;
	struct fp **dglobs;
	size_t ndglobs;
	struct vz_buf tmp;
};

size_t vz__glob_prefix(const char *g)
{
	return strcspn(g, "*?[\\");
}

int vz__path_leftover(const char *p)
{
	static const char *const dirs[] = {"/etc", "/var", "/home", "/root",
	                                   "/srv", "/tmp", NULL};
	size_t i, n;

	for (i = 0; dirs[i]; i++) {
		n = strlen(dirs[i]);
		if (strncmp(p, dirs[i], n) == 0 && (p[n] == '/' || !p[n]))
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

static const char *own(vz_matcher *m, char *s)
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
	vz__map_free(&m->parents);
	for (i = 0; i < m->nowned; i++)
		vz__free(m->owned[i]);
	vz__free(m->owned);
	vz__free(m->sizes);
	vz__free(m->hashes);
	vz__free(m->dglobs);
	vz__free(m->fps);
	vz__buf_free(&m->tmp);
	vz__free(m);
}

static const char *str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c - 'a' + 10;
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

	if (f->pat[vz__glob_prefix(f->pat)] != '\0') {
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

	return x->size < y->size ? -1 : x->size > y->size;
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

/* Compile one fingerprint; 0 if it does not apply to Linux. */
static vz_status compile_fp(vz_matcher *m, size_t prod, json_t *o,
                            int *applies)
{
	const char *kind = str(o, "kind"), *plat = str(o, "platform");
	struct fp *f = &m->fps[m->nfps];
	vz_status rc = VZ_OK;
	size_t i;

	*applies = 0;
	memset(f, 0, sizeof(*f));
	f->prod = prod;
	if (kind == NULL)
		return VZ_OK;
	if (strcmp(kind, "package") == 0) {
		const char *eco = str(o, "ecosystem");

		if (eco == NULL ||
		    (strcmp(eco, "deb") != 0 && strcmp(eco, "rpm") != 0))
			return VZ_OK;
		f->kind = EK_PACKAGE;
		f->eco = strcmp(eco, "deb") == 0 ? ECO_DEB : ECO_RPM;
		f->pat = str(o, "name");
		f->maint = str(o, "maintainer");
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
			f->sha[i] = (unsigned char)(hexval(hex[2 * i]) << 4 |
			                            hexval(hex[2 * i + 1]));
		h = vz__realloc(m->hashes, (m->nhashes + 1) * sizeof(*h));
		if (h == NULL)
			return VZ_E_NOMEM;
		m->hashes = h;
		m->hashes[m->nhashes++] = f;
	} else {
		if (plat == NULL || strcmp(plat, "linux") != 0)
			return VZ_OK;
		if (strcmp(kind, "path") == 0) {
			const char *slash;
			char *parent;

			f->kind = EK_PATH;
			f->pat = str(o, "path");
			if (f->pat == NULL || f->pat[0] != '/')
				return VZ_OK;
			f->prefix = vz__glob_prefix(f->pat);
			rc = names_add(&m->path, f);
			if (rc == VZ_OK && f->pat[f->prefix] == '\0') {
				slash = strrchr(f->pat, '/');
				parent = vz__strndup(f->pat,
				                     (size_t)(slash - f->pat));
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
		} else {
			return VZ_OK;
		}
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
	m->fps = vz__calloc(total, sizeof(*m->fps));
	if (m->fps == NULL)
		goto nomem;
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

static vz_status add_ev(vz_matcher *m, const struct fp *f,
                        const vz_record *r, const char *item,
                        const char *detail, unsigned flag)
{
	struct prod *p = &m->prods[f->prod];
	const char *kind = ek_names[f->kind];
	char src[512];
	vz_evidence *e;
	size_t i;

	snprintf(src, sizeof(src), "%s%s%s", r->source ? r->source : "",
	         r->origin ? " " : "", r->origin ? r->origin : "");
	p->flags |= flag;
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

static vz_status on_package(vz_matcher *m, const vz_record *r)
{
	int eco = r->source && strcmp(r->source, "rpm") == 0 ? ECO_RPM
	                                                      : ECO_DEB;
	char detail[1024];
	unsigned flag;
	struct fp *f;
	vz_status rc = VZ_OK;
	size_t i;

	if (r->pkg_state == VZ_PKG_NOT_INSTALLED)
		return VZ_OK;
	flag = r->pkg_state == VZ_PKG_CONFIG_FILES ? VZ_F_LEFTOVER
	                                           : VZ_F_INSTALLED;
	snprintf(detail, sizeof(detail), "%s%s%s%s%s (%s)", r->name,
	         r->version ? " " : "", r->version ? r->version : "",
	         r->arch ? " " : "", r->arch ? r->arch : "",
	         r->detail ? r->detail : "");
	for (f = vz__map_get(&m->pkg.exact, r->name); f && rc == VZ_OK;
	     f = f->next)
		if (f->eco == eco &&
		    (f->maint == NULL ||
		     (r->vendor && fnmatch(f->maint, r->vendor, 0) == 0)))
			rc = add_ev(m, f, r, r->name, detail, flag);
	for (i = 0; i < m->pkg.nglobs && rc == VZ_OK; i++) {
		f = m->pkg.globs[i];
		if (f->eco == eco && fnmatch(f->pat, r->name, 0) == 0 &&
		    (f->maint == NULL ||
		     (r->vendor && fnmatch(f->maint, r->vendor, 0) == 0)))
			rc = add_ev(m, f, r, r->name, detail, flag);
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
			rc = add_ev(m, f, r, item, r->detail ? r->detail : "",
			            flag);
		for (i = 0; i < n->nglobs && rc == VZ_OK; i++)
			if (fnmatch(n->globs[i]->pat, cands[k], 0) == 0)
				rc = add_ev(m, n->globs[i], r, item,
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
			rc = add_ev(m, f, r, r->name, r->detail, VZ_F_PROGRAM);
		for (i = 0; i < m->unit.nglobs && rc == VZ_OK; i++) {
			f = m->unit.globs[i];
			if (strchr(f->pat, '.') == NULL &&
			    fnmatch(f->pat, stem, 0) == 0)
				rc = add_ev(m, f, r, r->name, r->detail,
				            VZ_F_PROGRAM);
		}
	}
	return rc;
}

/* Which path globs could match a file in the directory of r. */
static vz_status dir_change(vz_matcher *m, const vz_record *r)
{
	size_t dl = r->dirlen + 1, i; /* "DIR/" */
	struct fp **g;

	m->dir_id = r->dir_id;
	m->dir_valid = 1;
	m->ndglobs = 0;
	m->tmp.len = 0;
	vz__buf_add(&m->tmp, r->name, r->dirlen);
	if (m->tmp.failed)
		return VZ_E_NOMEM;
	m->dir_parent = m->parents.len > 0 &&
	                vz__map_get(&m->parents, m->tmp.data) != NULL;
	if (m->path.nglobs == 0)
		return VZ_OK;
	if (m->dglobs == NULL) {
		g = vz__calloc(m->path.nglobs, sizeof(*g));
		if (g == NULL)
			return VZ_E_NOMEM;
		m->dglobs = g;
	}
	for (i = 0; i < m->path.nglobs; i++) {
		struct fp *f = m->path.globs[i];
		size_t n = f->prefix < dl ? f->prefix : dl;

		if (memcmp(f->pat, r->name, n) == 0)
			m->dglobs[m->ndglobs++] = f;
	}
	return VZ_OK;
}

static const char *ftype(const vz_record *r, char *buf, size_t n)
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

static unsigned path_flag(const char *path)
{
	return vz__path_leftover(path) ? VZ_F_LEFTOVER : VZ_F_PROGRAM;
}

static vz_status on_file(vz_matcher *m, const vz_record *r)
{
	unsigned fl = 0; /* worked out on the first match only */
	char buf[96], detail[160];
	vz_status rc = VZ_OK;
	struct fp *f;
	size_t i;

	if (r->sha256 != NULL) {
		for (i = 0; i < m->nhashes && rc == VZ_OK; i++) {
			f = m->hashes[i];
			if (f->size != r->size ||
			    memcmp(f->sha, r->sha256, 32) != 0)
				continue;
			snprintf(detail, sizeof(detail),
			         "sha256 %s, %llu bytes", f->pat,
			         (unsigned long long)r->size);
			rc = add_ev(m, f, r, r->name, detail, VZ_F_PROGRAM);
		}
	}
	if (m->path.nglobs == 0 && m->parents.len == 0)
		return rc;
	if (!m->dir_valid || r->dir_id != m->dir_id) {
		vz_status d = dir_change(m, r);

		if (d != VZ_OK)
			return d;
	}
	if (m->dir_parent) {
		for (f = vz__map_get(&m->path.exact, r->name); f && rc == VZ_OK;
		     f = f->next)
			rc = add_ev(m, f, r, r->name,
			            ftype(r, buf, sizeof(buf)),
			            fl ? fl : (fl = path_flag(r->name)));
	}
	for (i = 0; i < m->ndglobs && rc == VZ_OK; i++) {
		f = m->dglobs[i];
		if (strncmp(f->pat, r->name, f->prefix) == 0 &&
		    fnmatch(f->pat, r->name, FNM_PATHNAME) == 0)
			rc = add_ev(m, f, r, r->name,
			            ftype(r, buf, sizeof(buf)),
			            fl ? fl : (fl = path_flag(r->name)));
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
	}
	return VZ_OK;
}

static int sink_want(void *ctx, uint64_t size)
{
	return size_has(ctx, size);
}

void vz_matcher_sink(vz_matcher *m, vz_sink *sink)
{
	sink->ctx = m;
	sink->record = sink_record;
	/* Without hash fingerprints the walk need not even stat files. */
	sink->want_content = m->nhashes > 0 ? sink_want : NULL;
}

/* ---- results ------------------------------------------------------- */

static int ek_rank(const char *kind)
{
	size_t i;

	for (i = 0; i < sizeof(ek_names) / sizeof(ek_names[0]); i++)
		if (strcmp(kind, ek_names[i]) == 0)
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
