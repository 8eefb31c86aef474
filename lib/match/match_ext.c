/*
 * lib/match/match_ext.c - the matcher's macOS kinds (bundles, kernel
 * extensions, launchd jobs), the paths of Windows and macOS volumes, and
 * SBOM components (CPE names, package URLs, names with suppliers).
 *
 * Paths of Windows and macOS fingerprints are compared ignoring case, as
 * NTFS and APFS do by default. A Windows path may be written with a drive
 * letter ("C:\Program Files\..."), '\' or '/' as separators ('\' is never
 * an escape there), or start with %ProgramFiles%, %ProgramFiles(x86)%,
 * %ProgramData%, %SystemRoot% or %windir%; it is matched against the
 * path from the scanned root, which is the volume. A macOS path may start
 * with "~/", meaning any user's home (/Users/NAME/).
 *
 * CPE names are compared attribute by attribute (NISTIR 7696 name
 * matching, reduced to what an SBOM needs): a CPE 2.2 URI is first read
 * as its eleven CPE 2.3 attributes; every attribute the fingerprint gives
 * is a glob on the component's (ignoring case); one the fingerprint
 * leaves out or gives as "*" matches anything; "-" (not applicable)
 * matches only "-"; and an attribute the component leaves as ANY
 * matches only ANY, so a vague SBOM entry never satisfies a precise
 * fingerprint.
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "match_int.h"

/* ---- CPE -------------------------------------------------------------- */

void vz__cpe_free(char *a[VZ_CPE_ATTRS])
{
	size_t i;

	for (i = 0; i < VZ_CPE_ATTRS; i++) {
		vz__free(a[i]);
		a[i] = NULL;
	}
}

/*
 * One attribute into *out (owned): "" and "*" are ANY (NULL); lowercase;
 * a CPE 2.2 URI's %XX decoded; a CPE 2.3 string's '\' quoting undone.
 * For a fingerprint (`pattern`), the result is an fnmatch(3) pattern:
 * its '*' and '?' stay wildcards, and what the CPE quotes stays literal.
 */
static int cpe_attr(const char *s, size_t n, int uri, int pattern,
                    char **out)
{
	char *d;
	size_t i, k = 0;

	*out = NULL;
	if (n == 0 || (n == 1 && s[0] == '*'))
		return 0;
	d = vz__malloc(2 * n + 1);
	if (d == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		char ch = s[i];
		int literal = 0;

		if (uri && ch == '%' && i + 2 < n &&
		    vz__hexval(s[i + 1]) >= 0 && vz__hexval(s[i + 2]) >= 0) {
			ch = (char)(vz__hexval(s[i + 1]) << 4 |
			            vz__hexval(s[i + 2]));
			i += 2;
			literal = 1;
		} else if (!uri && ch == '\\' && i + 1 < n) {
			ch = s[++i];
			literal = 1;
		}
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (pattern && (literal || ch == '\\') &&
		    strchr("*?[\\", ch) != NULL)
			d[k++] = '\\';
		d[k++] = ch;
	}
	d[k] = '\0';
	*out = d;
	return 0;
}

int vz__cpe_parse(const char *s, char *out[VZ_CPE_ATTRS], int pattern)
{
	const char *p;
	size_t i = 0, n;

	memset(out, 0, VZ_CPE_ATTRS * sizeof(*out));
	if (strncasecmp(s, "cpe:2.3:", 8) == 0) {
		/* Formatted string: ':' separates unless quoted with '\'. */
		p = s + 8;
		while (*p && i < VZ_CPE_ATTRS) {
			for (n = 0; p[n] && p[n] != ':'; n++)
				if (p[n] == '\\' && p[n + 1])
					n++;
			if (cpe_attr(p, n, 0, pattern, &out[i++]) != 0)
				goto fail;
			p += n;
			if (*p == ':')
				p++;
		}
		if (*p != '\0')
			goto fail;
		return 0;
	}
	if (strncasecmp(s, "cpe:/", 5) != 0)
		return -1;
	p = s + 5;
	/* URI: part, vendor, product, version, update, edition, language. */
	while (i < 7) {
		n = strcspn(p, ":");
		if (i == 5 && n > 0 && p[0] == '~') {
			/* Packed edition: ~edition~sw_edition~target_sw~
			 * target_hw~other. */
			const char *q = p + 1;
			size_t k, slots[5] = {5, 7, 8, 9, 10};

			for (k = 0; k < 5; k++) {
				size_t m = 0;

				while (q + m < p + n && q[m] != '~')
					m++;
				if (cpe_attr(q, m, 1, pattern,
				             &out[slots[k]]) != 0)
					goto fail;
				q += m;
				if (q < p + n)
					q++;
			}
		} else if (cpe_attr(p, n, 1, pattern, &out[i]) != 0) {
			goto fail;
		}
		i++;
		p += n;
		if (*p != ':')
			break;
		p++;
	}
	if (*p != '\0' && i == 7)
		goto fail; /* more than seven components */
	return 0;
fail:
	vz__cpe_free(out);
	return -1;
}

int vz__cpe_match(char *const fp[VZ_CPE_ATTRS],
                  char *const name[VZ_CPE_ATTRS])
{
	size_t i;

	for (i = 0; i < VZ_CPE_ATTRS; i++) {
		const char *f = fp[i], *v = name[i];

		if (f == NULL)
			continue;
		if (v == NULL)
			return 0;
		if (strcmp(f, "-") == 0 || strcmp(v, "-") == 0) {
			if (strcmp(f, v) != 0)
				return 0;
			continue;
		}
		if (fnmatch(f, v, 0) != 0)
			return 0;
	}
	return 1;
}

/* ---- package URLs ------------------------------------------------------ */

static char *pct_decode(const char *s, size_t n, int lower)
{
	char *d = vz__malloc(n + 1);
	size_t i, k = 0;

	if (d == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == '%' && i + 2 < n &&
		    vz__hexval(s[i + 1]) >= 0 && vz__hexval(s[i + 2]) >= 0) {
			ch = (char)(vz__hexval(s[i + 1]) << 4 |
			            vz__hexval(s[i + 2]));
			i += 2;
		}
		if (lower && ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		d[k++] = ch;
	}
	d[k] = '\0';
	return d;
}

int vz__purl_parse(const char *s, char **type, char **ns, char **name,
                   char **version)
{
	const char *p, *end, *slash, *at, *last;

	*type = *ns = *name = *version = NULL;
	if (strncasecmp(s, "pkg:", 4) != 0)
		return -1;
	p = s + 4;
	while (*p == '/')
		p++;
	end = p + strcspn(p, "?#");
	slash = memchr(p, '/', (size_t)(end - p));
	if (slash == NULL || slash == p)
		return -1;
	*type = pct_decode(p, (size_t)(slash - p), 1);
	p = slash + 1;
	while (end > p && end[-1] == '/')
		end--;
	last = p;
	for (slash = p; slash < end; slash++)
		if (*slash == '/')
			last = slash + 1;
	at = memchr(last, '@', (size_t)(end - last));
	if (at != NULL)
		*version = pct_decode(at + 1, (size_t)(end - at - 1), 0);
	else
		at = end;
	if (last > p)
		*ns = pct_decode(p, (size_t)(last - p - 1), 0);
	*name = pct_decode(last, (size_t)(at - last), 0);
	if (*type == NULL || *name == NULL || **name == '\0' ||
	    (last > p && *ns == NULL) || (at != end && *version == NULL)) {
		vz__free(*type);
		vz__free(*ns);
		vz__free(*name);
		vz__free(*version);
		*type = *ns = *name = *version = NULL;
		return -1;
	}
	return 0;
}

/* ---- compiling ------------------------------------------------------- */

/* A Windows path pattern as the path from the volume's root. */
static char *win_path(const char *s)
{
	static const char *const env[][2] = {
		{"%ProgramFiles(x86)%", "/Program Files (x86)"},
		{"%ProgramFiles%", "/Program Files"},
		{"%ProgramData%", "/ProgramData"},
		{"%SystemRoot%", "/Windows"},
		{"%windir%", "/Windows"},
		{"%SystemDrive%", ""}};
	struct vz_buf b;
	size_t i;

	vz__buf_init(&b);
	if (((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) &&
	    s[1] == ':')
		s += 2;
	for (i = 0; i < sizeof(env) / sizeof(env[0]); i++) {
		size_t n = strlen(env[i][0]);

		if (strncasecmp(s, env[i][0], n) == 0) {
			vz__buf_puts(&b, env[i][1]);
			s += n;
			break;
		}
	}
	if (*s == '%') {
		vz__buf_free(&b);
		return NULL; /* another variable: cannot be resolved */
	}
	for (; *s; s++) {
		char ch = *s == '\\' ? '/' : *s;

		vz__buf_add(&b, &ch, 1);
	}
	vz__buf_add(&b, "", 1);
	if (b.failed || b.data[0] != '/') {
		vz__buf_free(&b);
		return NULL;
	}
	for (i = 0; b.data[i]; i++)
		if (b.data[i] >= 'A' && b.data[i] <= 'Z')
			b.data[i] = (char)(b.data[i] - 'A' + 'a');
	return vz__buf_take(&b);
}

static char *mac_path(const char *s)
{
	struct vz_buf b;

	vz__buf_init(&b);
	if (strncmp(s, "~/", 2) == 0) {
		vz__buf_puts(&b, "/users/*");
		s++;
	}
	for (; *s; s++) {
		char ch = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;

		vz__buf_add(&b, &ch, 1);
	}
	vz__buf_add(&b, "", 1);
	if (b.failed || b.data[0] != '/') {
		vz__buf_free(&b);
		return NULL;
	}
	return vz__buf_take(&b);
}

static vz_status names_add_ci(vz_matcher *m, struct fp *f)
{
	struct fp *head;
	const char *slash;
	char *parent;
	vz_status rc;

	if (f->pat[f->prefix] != '\0')
		return vz__fplist_add(&m->cipath.globs, &m->cipath.nglobs, f);
	head = vz__map_get(&m->cipath.exact, f->pat);
	f->next = head;
	rc = vz__map_put(&m->cipath.exact, f->pat, f, NULL);
	if (rc != VZ_OK)
		return rc;
	slash = strrchr(f->pat, '/');
	parent = vz__strndup(f->pat, (size_t)(slash - f->pat));
	if (vz__match_own(m, parent) == NULL)
		return VZ_E_NOMEM;
	return vz__map_put(&m->ciparents, parent, m, NULL);
}

static vz_status compile_path(vz_matcher *m, struct fp *f, json_t *o,
                              int *applies)
{
	const char *p = vz__fp_str(o, "path");
	char *canon;
	vz_status rc;

	if (p == NULL)
		return VZ_OK;
	canon = f->plat == PLAT_WINDOWS ? win_path(p) : mac_path(p);
	if (canon == NULL)
		return VZ_OK; /* not a path we can place on the volume */
	f->kind = EK_PATH;
	f->pat = vz__match_own(m, canon);
	if (f->pat == NULL)
		return VZ_E_NOMEM;
	f->fnm = f->plat == PLAT_WINDOWS ? FNM_NOESCAPE : 0;
	f->prefix = f->plat == PLAT_WINDOWS ? strcspn(f->pat, "*?[")
	                                    : vz__glob_prefix(f->pat);
	rc = names_add_ci(m, f);
	*applies = rc == VZ_OK;
	return rc;
}

vz_status vz__compile_ext(vz_matcher *m, struct fp *f, json_t *o,
                          const char *kind, int *applies)
{
	vz_status rc = VZ_OK;

	*applies = 0;
	if (strcmp(kind, "path") == 0)
		return compile_path(m, f, o, applies);
	if (strcmp(kind, "bundle-id") == 0) {
		f->kind = EK_BUNDLE;
		f->pat = vz__fp_str(o, "bundle_id");
		f->team = vz__fp_str(o, "team_id");
		if (f->pat == NULL)
			return VZ_OK;
		rc = vz__fplist_add(&m->bundles, &m->nbundles, f);
	} else if (strcmp(kind, "service") == 0) {
		f->kind = EK_SERVICE;
		f->pat = vz__fp_str(o, "name");
		if (f->pat == NULL)
			return VZ_OK;
		rc = vz__fplist_add(&m->macsvc, &m->nmacsvc, f);
	} else if (strcmp(kind, "kernel-module") == 0) {
		f->kind = EK_MODULE;
		f->pat = vz__fp_str(o, "name");
		if (f->pat == NULL)
			return VZ_OK;
		rc = vz__fplist_add(&m->kext, &m->nkext, f);
	} else if (strcmp(kind, "cpe") == 0) {
		f->kind = EK_CPE;
		f->pat = vz__fp_str(o, "cpe");
		if (f->pat == NULL || vz__cpe_parse(f->pat, f->cpe, 1) != 0)
			return VZ_OK; /* out of memory here is caught below */
		rc = vz__fplist_add(&m->cpes, &m->ncpes, f);
	} else if (strcmp(kind, "purl") == 0) {
		f->kind = EK_PURL;
		f->pat = vz__fp_str(o, "purl");
		if (f->pat == NULL ||
		    vz__purl_parse(f->pat, &f->purl_type, &f->purl_ns,
		                   &f->purl_name, &f->purl_version) != 0)
			return VZ_OK;
		rc = vz__fplist_add(&m->purls, &m->npurls, f);
	} else {
		return VZ_OK;
	}
	*applies = rc == VZ_OK;
	return rc;
}

/* ---- case-blind paths ------------------------------------------------- */

static vz_status cidir_change(vz_matcher *m, const vz_record *r)
{
	struct dircache *d = &m->cdc;
	size_t dl = r->dirlen + 1, i, k; /* "dir/" */

	d->id = r->dir_id;
	d->valid = 1;
	d->n = 0;
	d->dir.len = 0;
	for (k = 0; k < r->dirlen; k++) {
		char ch = r->name[k];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		vz__buf_add(&d->dir, &ch, 1);
	}
	vz__buf_add(&d->dir, "", 1);
	if (d->dir.failed)
		return VZ_E_NOMEM;
	d->parent = m->ciparents.len > 0 &&
	            vz__map_get(&m->ciparents, d->dir.data) != NULL;
	if (m->cipath.nglobs == 0)
		return VZ_OK;
	if (d->globs == NULL) {
		d->globs = vz__calloc(m->cipath.nglobs, sizeof(*d->globs));
		if (d->globs == NULL)
			return VZ_E_NOMEM;
	}
	d->dir.data[r->dirlen] = '/'; /* compared as "dir/" from here */
	for (i = 0; i < m->cipath.nglobs; i++) {
		struct fp *f = m->cipath.globs[i];
		size_t n = f->prefix < dl ? f->prefix : dl;

		if (memcmp(f->pat, d->dir.data, n) == 0)
			d->globs[d->n++] = f;
	}
	return VZ_OK;
}

vz_status vz__on_file_ci(vz_matcher *m, const vz_record *r)
{
	struct dircache *d = &m->cdc;
	char buf[96];
	const char *low;
	vz_status rc = VZ_OK;
	struct fp *f;
	size_t i;

	if (!d->valid || r->dir_id != d->id) {
		rc = cidir_change(m, r);
		if (rc != VZ_OK)
			return rc;
	}
	if (d->n == 0 && !d->parent)
		return VZ_OK;
	m->lower.len = 0;
	for (i = 0; r->name[i]; i++) {
		char ch = r->name[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		vz__buf_add(&m->lower, &ch, 1);
	}
	vz__buf_add(&m->lower, "", 1);
	if (m->lower.failed)
		return VZ_E_NOMEM;
	low = m->lower.data;
	if (d->parent)
		for (f = vz__map_get(&m->cipath.exact, low); f && rc == VZ_OK;
		     f = f->next)
			rc = vz__add_ev(m, f, r, r->name,
			                vz__file_desc(r, buf, sizeof(buf)),
			                vz__path_flag(r));
	for (i = 0; i < d->n && rc == VZ_OK; i++) {
		f = d->globs[i];
		if (fnmatch(f->pat, low, FNM_PATHNAME | f->fnm) == 0)
			rc = vz__add_ev(m, f, r, r->name,
			                vz__file_desc(r, buf, sizeof(buf)),
			                vz__path_flag(r));
	}
	return rc;
}

/* ---- bundles ------------------------------------------------------------- */

vz_status vz__on_bundle(vz_matcher *m, const vz_record *r)
{
	struct vz_buf d;
	vz_status rc = VZ_OK;
	size_t i;

	if (r->ident == NULL)
		return VZ_OK;
	vz__buf_init(&d);
	for (i = 0; i < m->nbundles && rc == VZ_OK; i++) {
		const struct fp *f = m->bundles[i];

		if (fnmatch(f->pat, r->ident, 0) != 0)
			continue;
		/* A bundle signed by another team is someone else's. */
		if (f->team != NULL && r->team_id != NULL &&
		    strcmp(f->team, r->team_id) != 0)
			continue;
		d.len = 0;
		vz__buf_printf(&d, "%s", r->detail ? r->detail : r->ident);
		if (f->team != NULL)
			vz__buf_printf(&d, "; Team ID %s",
			               r->team_id ? "as in the catalogue "
			                            "(from the code "
			                            "signature, not verified)"
			                          : "not read (no code "
			                            "signature found)");
		vz__buf_add(&d, "", 1);
		if (d.failed) {
			rc = VZ_E_NOMEM;
			break;
		}
		rc = vz__add_ev(m, f, r, r->name, d.data,
		                vz__path_flag(r));
	}
	for (i = 0; (r->flags & VZ_RECF_DRIVER) && i < m->nkext &&
	            rc == VZ_OK;
	     i++)
		if (fnmatch(m->kext[i]->pat, r->ident, 0) == 0)
			rc = vz__add_ev(m, m->kext[i], r, r->name,
			                r->detail ? r->detail : r->ident,
			                vz__path_flag(r));
	vz__buf_free(&d);
	return rc;
}

/* ---- SBOM components ----------------------------------------------- */

static int same_ci(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcasecmp(a, b) == 0;
}

int vz__vendor_is(const vz_matcher *m, size_t prod, const char *supplier)
{
	json_t *p, *v, *aliases;
	const char *vid;
	size_t i;

	if (supplier == NULL)
		return 0;
	if (strncasecmp(supplier, "Organization:", 13) == 0)
		supplier += 13;
	while (*supplier == ' ')
		supplier++;
	p = vz__catalog_nth(m->cat, VZ_KIND_PRODUCT, prod);
	vid = vz__fp_str(p, "vendor");
	v = vid ? vz__catalog_get(m->cat, vid, NULL) : NULL;
	if (v == NULL)
		return 0;
	if (same_ci(supplier, vz__fp_str(v, "name")) ||
	    same_ci(supplier, vz__fp_str(v, "legal_entity")))
		return 1;
	aliases = json_object_get(v, "aliases");
	for (i = 0; i < json_array_size(aliases); i++)
		if (same_ci(supplier,
		            json_string_value(json_array_get(aliases, i))))
			return 1;
	return 0;
}

static int purl_match(const struct fp *f, const char *type, const char *ns,
                      const char *name, const char *version)
{
	if (strcmp(f->purl_type, type) != 0 ||
	    strcasecmp(f->purl_name, name) != 0)
		return 0;
	if (f->purl_ns != NULL && (ns == NULL || strcasecmp(f->purl_ns, ns)))
		return 0;
	return f->purl_version == NULL ||
	       (version != NULL && strcmp(f->purl_version, version) == 0);
}

vz_status vz__on_component(vz_matcher *m, const vz_record *r)
{
	char *type = NULL, *ns = NULL, *name = NULL, *version = NULL;
	char *attrs[VZ_CPE_ATTRS];
	struct vz_buf d;
	vz_status rc = VZ_OK;
	size_t i, k;
	int eco = ECO_OTHER, have_purl;

	vz__buf_init(&d);
	vz__buf_printf(&d, "component \"%s\"", r->name);
	if (r->version)
		vz__buf_printf(&d, " %s", r->version);
	if (r->vendor)
		vz__buf_printf(&d, ", supplier %s", r->vendor);
	if (r->detail)
		vz__buf_printf(&d, " (%s)", r->detail);
	vz__buf_add(&d, "", 1);
	if (d.failed) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	have_purl = r->ident != NULL &&
	            vz__purl_parse(r->ident, &type, &ns, &name, &version) == 0;
	for (i = 0; have_purl && i < m->npurls && rc == VZ_OK; i++)
		if (purl_match(m->purls[i], type, ns, name, version))
			rc = vz__add_ev(m, m->purls[i], r, r->ident, d.data,
			                VZ_F_PROGRAM);
	for (k = 0; k < r->ncpes && m->ncpes > 0 && rc == VZ_OK; k++) {
		if (r->cpes[k] == NULL ||
		    vz__cpe_parse(r->cpes[k], attrs, 0) != 0)
			continue;
		for (i = 0; i < m->ncpes && rc == VZ_OK; i++)
			if (vz__cpe_match(m->cpes[i]->cpe, attrs))
				rc = vz__add_ev(m, m->cpes[i], r, r->cpes[k],
				                d.data, VZ_F_PROGRAM);
		vz__cpe_free(attrs);
	}
	if (have_purl)
		eco = vz__eco_of(type);
	if (rc == VZ_OK && eco != ECO_OTHER)
		rc = vz__match_component_pkg(m, r, eco, name, d.data);
	else if (rc == VZ_OK)
		rc = vz__match_component_pkg(m, r, ECO_OTHER, r->name, d.data);
out:
	vz__free(type);
	vz__free(ns);
	vz__free(name);
	vz__free(version);
	vz__buf_free(&d);
	return rc;
}
