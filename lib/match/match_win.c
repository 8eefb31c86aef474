/*
 * lib/match/match_win.c - the matcher's Windows kinds: registry keys
 * and values, services and drivers, and Authenticode signers.
 *
 * Registry keys are compared in one canonical form, worked out once per
 * fingerprint and once per key the hive collector visits:
 * - root keys: HKLM and HKEY_LOCAL_MACHINE are one; HKCU, and HKU\* (any
 *   user), are the user hives (NTUSER.DAT); HKCR is HKLM\SOFTWARE\Classes;
 *   a pattern for one named HKU\SID cannot be resolved offline;
 * - case: ignored (ASCII), as Windows does;
 * - WOW64: SOFTWARE\Wow6432Node\X is SOFTWARE\X, so one fingerprint finds
 *   a product's 32- and 64-bit keys alike;
 * - '\' is the separator, never an escape; '*' and '?' never cross it.
 * To get the last point from fnmatch(3), the canonical form swaps '\'
 * for '/' (and a '/' inside a key name for 0x1f) and uses FNM_PATHNAME.
 *
 * A signer matches only through a valid signature: a file whose digest
 * differs from the signed one is "tampered", reported on its own and
 * never as evidence of the product (a signature block can be copied onto
 * any file, and a changed file is no longer the vendor's).
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "match_int.h"

/* ---- canonical registry keys ------------------------------------------ */

static int starts_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * Canonical form of a key or key pattern into b (NUL-terminated).
 * Returns 0; -1 if the root key is not one this scan reads.
 */
static int reg_canon(const char *in, struct vz_buf *b, int pattern)
{
	static const char *const wow[] = {"hklm/software/wow6432node",
	                                  "hkcu/software/wow6432node"};
	const char *rest = NULL, *root = NULL;
	size_t i, n;

	b->len = 0;
	if (starts_ci(in, "HKEY_LOCAL_MACHINE\\") || starts_ci(in, "HKLM\\")) {
		root = "hklm";
		rest = strchr(in, '\\') + 1;
	} else if (starts_ci(in, "HKEY_CURRENT_USER\\") ||
	           starts_ci(in, "HKCU\\")) {
		root = "hkcu";
		rest = strchr(in, '\\') + 1;
	} else if (starts_ci(in, "HKEY_CLASSES_ROOT\\") ||
	           starts_ci(in, "HKCR\\")) {
		root = "hklm/software/classes";
		rest = strchr(in, '\\') + 1;
	} else if (starts_ci(in, "HKEY_USERS\\") || starts_ci(in, "HKU\\")) {
		/* HKU\*\X: any user's X, which is what HKCU reads. */
		rest = strchr(in, '\\') + 1;
		if (!pattern || strncmp(rest, "*\\", 2) != 0)
			return -1;
		root = "hkcu";
		rest += 2;
	} else if (strcasecmp(in, "HKLM") == 0 ||
	           strcasecmp(in, "HKCU") == 0) {
		root = in[2] == 'L' || in[2] == 'l' ? "hklm" : "hkcu";
		rest = "";
	} else {
		return -1;
	}
	vz__buf_puts(b, root);
	if (*rest)
		vz__buf_add(b, "/", 1);
	for (; *rest; rest++) {
		char ch = *rest;

		if (ch == '/')
			ch = 0x1f;
		else if (ch == '\\')
			ch = '/';
		else if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		vz__buf_add(b, &ch, 1);
	}
	vz__buf_add(b, "", 1);
	if (b->failed)
		return -1;
	b->len--;
	for (i = 0; i < 2; i++) {
		n = strlen(wow[i]);
		if (b->len >= n && memcmp(b->data, wow[i], n) == 0 &&
		    (b->data[n] == '/' || b->data[n] == '\0')) {
			/* Drop "/wow6432node" (12 bytes after "software"). */
			memmove(b->data + n - 12, b->data + n, b->len - n + 1);
			b->len -= 12;
		}
	}
	return 0;
}

/* ---- compiling ----------------------------------------------------------- */

static vz_status own_lower(vz_matcher *m, const char *s, const char **out)
{
	*out = NULL;
	if (s == NULL)
		return VZ_OK;
	*out = vz__match_own(m, vz__lower_dup(s));
	return *out ? VZ_OK : VZ_E_NOMEM;
}

static vz_status compile_registry(vz_matcher *m, struct fp *f, json_t *o,
                                  int *applies)
{
	const char *key = vz__fp_str(o, "key");
	const char *value = vz__fp_str(o, "value");
	struct vz_buf b;
	vz_status rc = VZ_OK;

	vz__buf_init(&b);
	if (key == NULL || reg_canon(key, &b, 1) != 0) {
		rc = b.failed ? VZ_E_NOMEM : VZ_OK;
		goto out;
	}
	f->kind = EK_REGISTRY;
	f->pat = vz__match_own(m, vz__buf_take(&b));
	if (f->pat == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	f->prefix = strcspn(f->pat, "*?[");
	if (value != NULL && (strcasecmp(value, "(Default)") == 0 ||
	                      strcmp(value, "@") == 0))
		value = "";
	rc = own_lower(m, value, &f->value);
	if (rc == VZ_OK)
		rc = own_lower(m, vz__fp_str(o, "data"), &f->data);
	if (rc == VZ_OK)
		rc = vz__fplist_add(&m->reg, &m->nreg, f);
	*applies = rc == VZ_OK;
out:
	vz__buf_free(&b);
	return rc;
}

vz_status vz__compile_win(vz_matcher *m, struct fp *f, json_t *o,
                          const char *kind, int *applies)
{
	vz_status rc;

	*applies = 0;
	if (strcmp(kind, "registry") == 0)
		return compile_registry(m, f, o, applies);
	if (strcmp(kind, "authenticode") == 0) {
		f->kind = EK_AUTHENTICODE;
		f->pat = vz__fp_str(o, "subject");
		f->issuer = vz__fp_str(o, "issuer");
		if (f->pat == NULL)
			return VZ_OK;
		/* "CN=X,O=Y*" is for the whole name; "X" for the CN. */
		f->subject_dn = strchr(f->pat, '=') != NULL;
		rc = vz__fplist_add(&m->signers, &m->nsigners, f);
	} else if (strcmp(kind, "service") == 0) {
		f->kind = EK_SERVICE;
		rc = own_lower(m, vz__fp_str(o, "name"), &f->pat);
		if (rc == VZ_OK && f->pat != NULL)
			rc = vz__fplist_add(&m->winsvc, &m->nwinsvc, f);
	} else {
		f->kind = EK_MODULE;
		rc = own_lower(m, vz__fp_str(o, "name"), &f->pat);
		if (rc == VZ_OK && f->pat != NULL)
			rc = vz__fplist_add(&m->windrv, &m->nwindrv, f);
	}
	*applies = rc == VZ_OK && f->pat != NULL;
	return rc;
}

/* ---- registry records -------------------------------------------------- */

/*
 * Can key `k` (canonical) or a key below it match pattern f? True when k
 * is an ancestor of the pattern's literal part, or lies within it.
 */
static int key_relevant(const struct fp *f, const char *k, size_t kn)
{
	size_t n = kn < f->prefix ? kn : f->prefix;

	if (memcmp(k, f->pat, n) != 0)
		return 0;
	return kn >= f->prefix || f->pat[kn] == '/';
}

int vz__want_key(void *ctx, const char *key)
{
	vz_matcher *m = ctx;
	size_t i;

	if (reg_canon(key, &m->lower, 0) != 0)
		return 0;
	for (i = 0; i < m->nreg; i++)
		if (key_relevant(m->reg[i], m->lower.data, m->lower.len))
			return 1;
	return 0;
}

/* Which registry fingerprints match the key of r (once per key). */
static vz_status key_change(vz_matcher *m, const vz_record *r)
{
	struct dircache *d = &m->kc;
	size_t i;

	d->id = r->dir_id;
	d->valid = 1;
	d->n = 0;
	if (reg_canon(r->name, &d->dir, 0) != 0)
		return d->dir.failed ? VZ_E_NOMEM : VZ_OK;
	if (d->globs == NULL) {
		d->globs = vz__calloc(m->nreg, sizeof(*d->globs));
		if (d->globs == NULL)
			return VZ_E_NOMEM;
	}
	for (i = 0; i < m->nreg; i++) {
		struct fp *f = m->reg[i];

		if (strncmp(f->pat, d->dir.data, f->prefix) == 0 &&
		    fnmatch(f->pat, d->dir.data,
		            FNM_PATHNAME | FNM_NOESCAPE) == 0)
			d->globs[d->n++] = f;
	}
	return VZ_OK;
}

static unsigned reg_flag(const vz_record *r)
{
	if (r->flags & VZ_RECF_UNINSTALL)
		return VZ_F_INSTALLED;
	if (r->flags & VZ_RECF_SERVICE)
		return VZ_F_PROGRAM;
	return VZ_F_LEFTOVER;
}

vz_status vz__on_registry(vz_matcher *m, const vz_record *r)
{
	struct vz_buf item, detail;
	const char *lv = NULL, *ld = NULL;
	vz_status rc = VZ_OK;
	size_t i;

	if (m->nreg == 0)
		return VZ_OK;
	if (!m->kc.valid || r->dir_id != m->kc.id) {
		rc = key_change(m, r);
		if (rc != VZ_OK)
			return rc;
	}
	if (m->kc.n == 0)
		return VZ_OK;
	vz__buf_init(&item);
	vz__buf_init(&detail);
	if (r->value != NULL) {
		lv = vz__lower_dup(r->value);
		ld = r->data ? vz__lower_dup(r->data) : NULL;
		if (lv == NULL || (r->data && ld == NULL)) {
			rc = VZ_E_NOMEM;
			goto out;
		}
	}
	for (i = 0; i < m->kc.n && rc == VZ_OK; i++) {
		const struct fp *f = m->kc.globs[i];

		if (r->value == NULL) {
			if (f->value != NULL || f->data != NULL)
				continue;
		} else {
			if (f->value == NULL && f->data == NULL)
				continue;
			if (f->value != NULL && strcmp(f->value, lv) != 0)
				continue;
			if (f->data != NULL &&
			    (ld == NULL ||
			     fnmatch(f->data, ld, FNM_NOESCAPE) != 0))
				continue;
		}
		item.len = 0;
		detail.len = 0;
		vz__buf_puts(&item, r->name);
		if (r->value != NULL) {
			vz__buf_printf(&item, "\\%s",
			               *r->value ? r->value : "(Default)");
			if (r->data != NULL)
				vz__buf_printf(&detail, "\"%s\"", r->data);
			else
				vz__buf_puts(&detail, "(binary data)");
		} else {
			vz__buf_puts(&detail, "registry key");
		}
		if (r->detail != NULL)
			vz__buf_printf(&detail, "; %s", r->detail);
		vz__buf_add(&item, "", 1);
		vz__buf_add(&detail, "", 1);
		if (item.failed || detail.failed) {
			rc = VZ_E_NOMEM;
			break;
		}
		rc = vz__add_ev(m, f, r, item.data, detail.data, reg_flag(r));
		if (rc == VZ_OK && (r->flags & VZ_RECF_UNINSTALL) &&
		    r->path != NULL)
			rc = vz__remember_install(m, r->path, f->prod);
	}
out:
	vz__free((void *)(uintptr_t)lv);
	vz__free((void *)(uintptr_t)ld);
	vz__buf_free(&item);
	vz__buf_free(&detail);
	return rc;
}

/* ---- where found products are installed ------------------------------ */

/* "C:\\Program Files\\X\\" as "/program files/x": the volume's path. */
static char *volume_path(const char *loc)
{
	struct vz_buf b;

	vz__buf_init(&b);
	if (((loc[0] >= 'A' && loc[0] <= 'Z') ||
	     (loc[0] >= 'a' && loc[0] <= 'z')) &&
	    loc[1] == ':')
		loc += 2;
	for (; *loc; loc++) {
		char ch = *loc == '\\' ? '/' : *loc;

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (ch == '"')
			continue;
		vz__buf_add(&b, &ch, 1);
	}
	while (b.len > 0 && b.data[b.len - 1] == '/')
		b.len--;
	vz__buf_add(&b, "", 1);
	if (b.failed)
		return NULL;
	return vz__buf_take(&b);
}

vz_status vz__remember_install(vz_matcher *m, const char *location,
                               size_t prod)
{
	char *dir = volume_path(location);
	size_t i;

	if (dir == NULL)
		return VZ_E_NOMEM;
	/* A location of one segment ("/", "/program files") says nothing. */
	if (dir[0] != '/' || strchr(dir + 1, '/') == NULL) {
		vz__free(dir);
		return VZ_OK;
	}
	for (i = 0; i < m->ninst; i++)
		if (m->inst[i].prod == prod &&
		    strcmp(m->inst[i].dir, dir) == 0) {
			vz__free(dir);
			return VZ_OK;
		}
	if (m->ninst == m->instcap) {
		size_t ncap = m->instcap ? m->instcap * 2 : 4;
		struct install *n = vz__realloc(m->inst, ncap * sizeof(*n));

		if (n == NULL) {
			vz__free(dir);
			return VZ_E_NOMEM;
		}
		m->inst = n;
		m->instcap = ncap;
	}
	m->inst[m->ninst].dir = dir;
	m->inst[m->ninst++].prod = prod;
	return VZ_OK;
}

/*
 * The product installed where `path` lies (the longest location wins),
 * or (size_t)-1.
 */
static size_t install_owner(const vz_matcher *m, const char *path)
{
	size_t i, best = (size_t)-1, bestlen = 0;

	for (i = 0; i < m->ninst; i++) {
		size_t n = strlen(m->inst[i].dir);

		if (n > bestlen && strncasecmp(path, m->inst[i].dir, n) == 0 &&
		    path[n] == '/') {
			best = m->inst[i].prod;
			bestlen = n;
		}
	}
	return best;
}

/* ---- services and drivers ------------------------------------------------ */

static vz_status match_list(vz_matcher *m, struct fp **list, size_t n,
                            const char *const *cands, size_t ncands,
                            int flags, const vz_record *r)
{
	vz_status rc = VZ_OK;
	size_t i, k;

	for (i = 0; i < n && rc == VZ_OK; i++)
		for (k = 0; k < ncands; k++) {
			if (cands[k] == NULL ||
			    fnmatch(list[i]->pat, cands[k], flags) != 0)
				continue;
			rc = vz__add_ev(m, list[i], r, r->name,
			                r->detail ? r->detail : "",
			                VZ_F_PROGRAM);
			break;
		}
	return rc;
}

vz_status vz__on_service(vz_matcher *m, const vz_record *r)
{
	const char *cands[3];
	char *lname, *file = NULL;
	vz_status rc;

	if (r->platform != NULL && strcmp(r->platform, "macos") == 0) {
		/* launchd labels, as written (they are case-sensitive). */
		cands[0] = r->name;
		return match_list(m, m->macsvc, m->nmacsvc, cands, 1, 0, r);
	}
	lname = vz__lower_dup(r->name);
	if (lname == NULL)
		return VZ_E_NOMEM;
	cands[0] = lname;
	rc = match_list(m, m->winsvc, m->nwinsvc, cands, 1, 0, r);
	if (rc == VZ_OK && (r->flags & VZ_RECF_DRIVER) && m->nwindrv > 0) {
		/* A driver by its file (ImagePath) or its service name. */
		const char *img = r->path, *p;

		for (p = img; p && *p; p++)
			if (*p == '\\' || *p == '/')
				img = p + 1;
		cands[0] = NULL;
		if (img != NULL && *img) {
			file = vz__lower_dup(img);
			if (file == NULL) {
				vz__free(lname);
				return VZ_E_NOMEM;
			}
			cands[0] = file;
		}
		m->tmp.len = 0;
		vz__buf_printf(&m->tmp, "%s.sys", lname);
		if (m->tmp.failed) {
			rc = VZ_E_NOMEM;
		} else {
			cands[1] = m->tmp.data;
			cands[2] = lname;
			rc = match_list(m, m->windrv, m->nwindrv, cands, 3, 0,
			                r);
		}
	}
	vz__free(file);
	vz__free(lname);
	return rc;
}

/* ---- Authenticode ---------------------------------------------------- */

static int signer_match(const struct fp *f, const char *subject,
                        const char *issuer, const char *cn)
{
	const char *s = f->subject_dn ? subject : cn;

	if (s == NULL || fnmatch(f->pat, s, FNM_CASEFOLD) != 0)
		return 0;
	return f->issuer == NULL ||
	       (issuer != NULL && fnmatch(f->issuer, issuer, FNM_CASEFOLD) ==
	                              0);
}

int vz__want_signer(void *ctx, const char *subject, const char *issuer,
                    const char *cn)
{
	vz_matcher *m = ctx;
	size_t i;

	for (i = 0; i < m->nsigners; i++)
		if (signer_match(m->signers[i], subject, issuer, cn))
			return 1;
	return 0;
}

static char *dup0(const char *s, int *bad)
{
	char *d = vz__strdup(s ? s : "");

	if (d == NULL)
		*bad = 1;
	return d;
}

/* Remember a tampered file once, for the first signer it claims. */
static vz_status add_tampered(vz_matcher *m, const struct fp *f,
                              const vz_record *r)
{
	vz_tampered *t;
	size_t i;
	int bad = 0;

	for (i = 0; i < m->ntam; i++)
		if (strcmp(m->tam[i].path, r->name) == 0)
			return VZ_OK;
	if (m->ntam >= VZ_TAMPERED_MAX)
		return VZ_OK;
	if (m->ntam == m->tamcap) {
		size_t ncap = m->tamcap ? m->tamcap * 2 : 4;

		t = vz__realloc(m->tam, ncap * sizeof(*t));
		if (t == NULL)
			return VZ_E_NOMEM;
		m->tam = t;
		m->tamcap = ncap;
	}
	t = &m->tam[m->ntam];
	memset(t, 0, sizeof(*t));
	t->path = dup0(r->name, &bad);
	t->source = dup0(r->origin ? r->origin : r->source, &bad);
	t->subject = dup0(r->subject, &bad);
	t->issuer = dup0(r->issuer, &bad);
	t->detail = dup0(r->detail, &bad);
	t->state = r->auth == VZ_AUTH_TAMPERED ? "tampered" : "bad-signature";
	t->product_id = m->prods[f->prod].id;
	if (bad) {
		vz__free((void *)(uintptr_t)t->path);
		vz__free((void *)(uintptr_t)t->source);
		vz__free((void *)(uintptr_t)t->subject);
		vz__free((void *)(uintptr_t)t->issuer);
		vz__free((void *)(uintptr_t)t->detail);
		return VZ_E_NOMEM;
	}
	m->ntam++;
	return VZ_OK;
}

vz_status vz__on_signature(vz_matcher *m, const vz_record *r)
{
	struct fp other;
	struct vz_buf d;
	vz_status rc = VZ_OK;
	size_t i, owner;

	vz__buf_init(&d);
	for (i = 0; i < m->nsigners && rc == VZ_OK; i++) {
		const struct fp *f = m->signers[i];

		if (!signer_match(f, r->subject, r->issuer, r->common_name))
			continue;
		if (r->auth == VZ_AUTH_TAMPERED || r->auth == VZ_AUTH_BAD) {
			rc = add_tampered(m, f, r);
			break;
		}
		if (r->auth != VZ_AUTH_VALID)
			continue;
		owner = install_owner(m, r->name);
		d.len = 0;
		vz__buf_printf(&d, "signed by %s", r->subject);
		if (r->issuer != NULL)
			vz__buf_printf(&d, ", issued by %s", r->issuer);
		vz__buf_puts(&d, "; digest and signature valid");
		if (r->detail != NULL && *r->detail)
			vz__buf_printf(&d, "; %s", r->detail);
		/*
		 * A vendor signs all its products alike: a file inside
		 * where another of its products is installed (an Uninstall
		 * entry's InstallLocation) is that product's.
		 */
		if (owner != (size_t)-1 && owner != f->prod) {
			vz__buf_puts(&d, "; inside the install location of "
			                 "its Uninstall entry");
			other = *f;
			other.prod = owner;
			f = &other;
		}
		vz__buf_add(&d, "", 1);
		if (d.failed) {
			rc = VZ_E_NOMEM;
			break;
		}
		/* A runnable executable that its vendor validly signed is the
		 * program itself wherever it lies, never a leftover. */
		rc = vz__add_ev(m, f, r, r->name, d.data, VZ_F_PROGRAM);
	}
	vz__buf_free(&d);
	return rc;
}
