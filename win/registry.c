/*
 * win/registry.c - what the registry says: installed programs (the
 * Uninstall keys of the 64-bit and 32-bit views and of every loaded user
 * hive), services and drivers (the current control set's Services key),
 * vendor keys, and the host's identity.
 *
 * Records are named as the offline hive collector names them (short root
 * names, "HKCU" for a user's hive with the user's SID in `origin`), so
 * a catalogue's registry fingerprints match both alike. Sizes are
 * bounded: a value's data is read up to 1 MiB, a walk stops at 32
 * levels and 200,000 keys, and what is cut is counted as a problem.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <windows.h>

#include "collect.h"

#define MAX_DATA (1024 * 1024)
#define MAX_DEPTH 32
#define MAX_KEYS 200000

static const wchar_t uninstall_sub[] =
    L"Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall";

static unsigned long keys_walked;

/* A string value (REG_SZ, REG_EXPAND_SZ, unexpanded); malloc'd or NULL. */
static wchar_t *get_string(HKEY k, const wchar_t *name)
{
	DWORD type, size = 0;
	wchar_t *s;

	if (RegQueryValueExW(k, name, NULL, &type, NULL, &size) !=
	        ERROR_SUCCESS ||
	    (type != REG_SZ && type != REG_EXPAND_SZ) || size > MAX_DATA)
		return NULL;
	s = calloc(size / sizeof(wchar_t) + 2, sizeof(wchar_t));
	if (s == NULL)
		return NULL;
	if (RegQueryValueExW(k, name, NULL, &type, (BYTE *)s, &size) !=
	    ERROR_SUCCESS) {
		free(s);
		return NULL;
	}
	s[size / sizeof(wchar_t)] = L'\0';
	return s;
}

static int get_dword(HKEY k, const wchar_t *name, DWORD *v)
{
	DWORD type, size = sizeof(*v);

	return RegQueryValueExW(k, name, NULL, &type, (BYTE *)v, &size) ==
	           ERROR_SUCCESS &&
	       type == REG_DWORD && size == sizeof(*v);
}

/* One value record per value of k (each string of a REG_MULTI_SZ). */
static void values(struct out *o, struct stats *st, HKEY k,
                   const char *key, const char *origin, unsigned flags,
                   const char *path, const char *detail)
{
	DWORD i, nlen, dlen, type, maxn = 0, maxd = 0, nvals = 0;
	wchar_t *name = NULL;
	BYTE *data = NULL;
	struct rec r;
	char num[32];

	if (RegQueryInfoKeyW(k, NULL, NULL, NULL, NULL, NULL, NULL, &nvals,
	                     &maxn, &maxd, NULL, NULL) != ERROR_SUCCESS)
		return;
	if (maxd > MAX_DATA)
		maxd = MAX_DATA;
	name = calloc(maxn + 2, sizeof(wchar_t));
	data = calloc(maxd + 4, 1);
	if (name == NULL || data == NULL)
		goto out;
	for (i = 0; i < nvals; i++) {
		char *vn, *vd = NULL;
		LONG e;

		nlen = maxn + 1;
		dlen = maxd;
		e = RegEnumValueW(k, i, name, &nlen, NULL, &type, data, &dlen);
		if (e == ERROR_MORE_DATA) {
			problem(st, "registry", 1,
			        "a value's data is over 1 MiB: not read", NULL);
			continue;
		}
		if (e != ERROR_SUCCESS)
			continue;
		st->c[C_REG_VALUES]++;
		memset(data + dlen, 0, 4);
		vn = utf8(name);
		memset(&r, 0, sizeof(r));
		r.kind = "registry";
		r.source = "registry";
		r.origin = origin;
		r.name = key;
		r.value = vn ? vn : "";
		r.detail = detail;
		r.flags = flags;
		r.path = path;
		r.platform = "windows";
		if (type == REG_SZ || type == REG_EXPAND_SZ) {
			vd = utf8((const wchar_t *)data);
			r.data = vd;
		} else if (type == REG_DWORD && dlen == 4) {
			DWORD d;

			memcpy(&d, data, 4);
			snprintf(num, sizeof(num), "%lu", (unsigned long)d);
			r.data = num;
		} else if (type == REG_QWORD && dlen == 8) {
			unsigned long long q;

			memcpy(&q, data, 8);
			snprintf(num, sizeof(num), "%llu", q);
			r.data = num;
		}
		if (type == REG_MULTI_SZ) {
			const wchar_t *p = (const wchar_t *)data;
			size_t left = dlen / sizeof(wchar_t);

			while (left > 0 && *p) {
				size_t n = wcsnlen(p, left);

				vd = utf8(p);
				r.data = vd;
				out_record(o, &r);
				free(vd);
				vd = NULL;
				p += n + 1;
				left = n + 1 < left ? left - n - 1 : 0;
			}
		} else {
			out_record(o, &r);
		}
		free(vd);
		free(vn);
	}
out:
	free(name);
	free(data);
}

static void key_record(struct out *o, struct stats *st, const char *key,
                       const char *origin, unsigned flags,
                       const char *path, const char *detail)
{
	struct rec r;

	st->c[C_REG_KEYS]++;
	memset(&r, 0, sizeof(r));
	r.kind = "registry";
	r.source = "registry";
	r.origin = origin;
	r.name = key;
	r.detail = detail;
	r.flags = flags;
	r.path = path;
	r.platform = "windows";
	out_record(o, &r);
}

/* "PREFIX\SUB" in UTF-8; malloc'd. */
static char *join(const char *prefix, const wchar_t *sub)
{
	char *s = utf8(sub), *j;
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(prefix) + strlen(s) + 2;
	j = malloc(n);
	if (j != NULL)
		snprintf(j, n, "%s\\%s", prefix, s);
	free(s);
	return j;
}

/* What is done with each subkey: s is open for reading, sub its name. */
typedef void subkey_fn(struct out *o, struct stats *st, HKEY s,
                       const wchar_t *sub, void *ctx);

/*
 * Every subkey of k, opened and passed to each(); one that cannot be
 * opened is a problem of `collector` (`why`). Returns how many were
 * opened. The Uninstall entries, the services and the vendor keys are
 * all read this way.
 */
static unsigned long subkeys(struct out *o, struct stats *st, HKEY k,
                             const char *collector, const char *why,
                             subkey_fn *each, void *ctx)
{
	wchar_t sub[256];
	unsigned long n = 0;
	DWORD i, len;
	HKEY s;

	for (i = 0;; i++) {
		LONG rc;

		len = 256;
		rc = RegEnumKeyExW(k, i, sub, &len, NULL, NULL, NULL, NULL);
		if (rc == ERROR_NO_MORE_ITEMS)
			break;
		if (rc != ERROR_SUCCESS)
			continue;
		if (RegOpenKeyExW(k, sub, 0, KEY_READ, &s) != ERROR_SUCCESS) {
			problem(st, collector, 1, why, sub);
			continue;
		}
		each(o, st, s, sub, ctx);
		RegCloseKey(s);
		n++;
	}
	return n;
}

/*
 * The SID of the next loaded user hive from index *i on, into sid, and
 * *i moved past it; 0 when there is none. .DEFAULT and the users'
 * _Classes hives are not users.
 */
static int next_user(DWORD *i, wchar_t sid[256])
{
	DWORD len;
	LONG rc;

	for (;; (*i)++) {
		len = 256;
		rc = RegEnumKeyExW(HKEY_USERS, *i, sid, &len, NULL, NULL, NULL,
		                   NULL);
		if (rc == ERROR_NO_MORE_ITEMS)
			return 0;
		if (rc == ERROR_SUCCESS && wcscmp(sid, L".DEFAULT") != 0 &&
		    !(len > 8 && wcscmp(sid + len - 8, L"_Classes") == 0)) {
			(*i)++;
			return 1;
		}
	}
}

/* ---- installed programs ------------------------------------------------- */

static void entry(struct out *o, struct stats *st, HKEY k, const char *key,
                  const wchar_t *sub, const char *origin)
{
	wchar_t *wdn = get_string(k, L"DisplayName");
	wchar_t *wver = get_string(k, L"DisplayVersion");
	wchar_t *wpub = get_string(k, L"Publisher");
	wchar_t *wloc = get_string(k, L"InstallLocation");
	char *dn = utf8(wdn), *ver = utf8(wver), *pub = utf8(wpub);
	char *loc = utf8(wloc), *sn = utf8(sub), detail[2048];
	DWORD msi = 0;
	int is_msi = get_dword(k, L"WindowsInstaller", &msi) && msi == 1;
	struct rec r;
	size_t n;

	/* The same words as the offline hive collector. */
	n = (size_t)snprintf(detail, sizeof(detail), "Uninstall entry %s",
	                     sn ? sn : "");
	if (dn && n < sizeof(detail))
		n += (size_t)snprintf(detail + n, sizeof(detail) - n,
		                      ": \"%s\"", dn);
	if (ver && n < sizeof(detail))
		n += (size_t)snprintf(detail + n, sizeof(detail) - n,
		                      ", version %s", ver);
	if (pub && n < sizeof(detail))
		n += (size_t)snprintf(detail + n, sizeof(detail) - n,
		                      ", publisher %s", pub);
	if (loc && *loc && n < sizeof(detail))
		n += (size_t)snprintf(detail + n, sizeof(detail) - n,
		                      ", in %s", loc);
	if (is_msi && n < sizeof(detail))
		snprintf(detail + n, sizeof(detail) - n,
		         ", Windows Installer");
	if (dn != NULL && *dn) {
		memset(&r, 0, sizeof(r));
		r.kind = "package";
		r.source = "registry";
		r.origin = origin;
		r.name = dn;
		r.version = ver;
		r.vendor = pub;
		r.detail = detail;
		r.path = loc && *loc ? loc : NULL;
		r.pkg_state = "installed";
		r.ecosystem = is_msi ? "msi" : "windows";
		r.platform = "windows";
		r.flags = REC_UNINSTALL;
		st->c[C_PACKAGES]++;
		out_record(o, &r);
	}
	key_record(o, st, key, origin, REC_UNINSTALL,
	           loc && *loc ? loc : NULL, detail);
	values(o, st, k, key, origin, REC_UNINSTALL, loc && *loc ? loc : NULL,
	       detail);
	free(wdn);
	free(wver);
	free(wpub);
	free(wloc);
	free(dn);
	free(ver);
	free(pub);
	free(loc);
	free(sn);
}

struct under {
	const char *prefix; /* the parent key's name */
	const char *origin;
};

/* The Uninstall entry `sub`, named PREFIX\SUB. */
static void one_entry(struct out *o, struct stats *st, HKEY e,
                      const wchar_t *sub, void *ctx)
{
	const struct under *u = ctx;
	char *key = join(u->prefix, sub);

	if (key != NULL)
		entry(o, st, e, key, sub, u->origin);
	free(key);
}

/* Every entry under the Uninstall key `k`, named PREFIX\ENTRY. */
static unsigned long entries(struct out *o, struct stats *st, HKEY k,
                             const char *prefix, const char *origin)
{
	struct under u = {prefix, origin};

	return subkeys(o, st, k, "uninstall",
	               "an Uninstall entry cannot be opened", one_entry, &u);
}

void uninstall_collect(struct out *o, struct stats *st)
{
	static const struct {
		const wchar_t *path;
		const char *name;
	} machine[] = {
		{L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
		 "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\"
		 "Uninstall"},
		{L"SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\"
		 L"Uninstall",
		 "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\"
		 "CurrentVersion\\Uninstall"},
	};
	wchar_t sid[256], path[512];
	char detail[128], origin[300], *s;
	unsigned long n = 0;
	DWORD i;
	HKEY k;

	for (i = 0; i < 2; i++) {
		if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, machine[i].path, 0,
		                  KEY_READ | KEY_WOW64_64KEY,
		                  &k) != ERROR_SUCCESS)
			continue;
		n += entries(o, st, k, machine[i].name, "HKEY_LOCAL_MACHINE");
		RegCloseKey(k);
	}
	/* Every loaded user hive: what each user installed for himself. */
	for (i = 0; next_user(&i, sid);) {
		swprintf(path, 512, L"%ls\\%ls", sid, uninstall_sub);
		if (RegOpenKeyExW(HKEY_USERS, path, 0, KEY_READ, &k) !=
		    ERROR_SUCCESS)
			continue;
		s = utf8(sid);
		snprintf(origin, sizeof(origin), "HKEY_USERS\\%s",
		         s ? s : "?");
		free(s);
		n += entries(o, st, k,
		             "HKCU\\Software\\Microsoft\\Windows\\"
		             "CurrentVersion\\Uninstall",
		             origin);
		RegCloseKey(k);
	}
	snprintf(detail, sizeof(detail),
	         "%lu Uninstall entries (64-bit, 32-bit, user hives)", n);
	ran(st, "uninstall", "ran", detail, n);
}

/* ---- services and drivers ----------------------------------------------- */

static const char *service_type(DWORD t)
{
	if (t & 0x1)
		return "kernel driver";
	if (t & 0x2)
		return "file-system driver";
	if (t & 0x10)
		return "service (own process)";
	if (t & 0x20)
		return "service (shared process)";
	return "service";
}

static const char *start_type(DWORD s)
{
	static const char *const n[] = {"boot", "system", "automatic",
	                                "manual", "disabled"};

	return s < 5 ? n[s] : "unknown";
}

static void service(struct out *o, struct stats *st, HKEY k,
                    const wchar_t *sub, void *ctx)
{
	struct images *im = ctx;
	static const char prefix[] =
	    "HKLM\\SYSTEM\\CurrentControlSet\\Services";
	wchar_t *wimg = get_string(k, L"ImagePath");
	wchar_t *wdn = get_string(k, L"DisplayName");
	char *img = utf8(wimg), *dn = utf8(wdn), *name = utf8(sub);
	char *key = join(prefix, sub), detail[2048];
	DWORD type = 0, start = 0;
	int has_type = get_dword(k, L"Type", &type);
	int has_start = get_dword(k, L"Start", &start);
	struct rec r;
	size_t n;

	if (key == NULL || name == NULL)
		goto out;
	n = (size_t)snprintf(detail, sizeof(detail), "%s",
	                     has_type ? service_type(type) : "service key");
	if (has_start && n < sizeof(detail))
		n += (size_t)snprintf(detail + n, sizeof(detail) - n,
		                      ", start %s", start_type(start));
	if (dn && *dn && n < sizeof(detail))
		n += (size_t)snprintf(detail + n, sizeof(detail) - n,
		                      ", \"%s\"", dn);
	if (img && *img && n < sizeof(detail))
		snprintf(detail + n, sizeof(detail) - n, ", %s", img);
	/* Keys without a type or image are settings, not services. */
	if (has_type || wimg != NULL) {
		memset(&r, 0, sizeof(r));
		r.kind = "service";
		r.source = "registry";
		r.origin = "HKEY_LOCAL_MACHINE";
		r.name = name;
		r.path = img;
		r.detail = detail;
		r.platform = "windows";
		r.flags = has_type && (type & 0x3) ? REC_DRIVER : 0;
		r.enabled = has_start && start != 4;
		st->c[C_SERVICES]++;
		out_record(o, &r);
		if (wimg != NULL && *wimg)
			images_add(im, wimg);
	}
	key_record(o, st, key, "HKEY_LOCAL_MACHINE", REC_SERVICE, NULL,
	           detail);
	values(o, st, k, key, "HKEY_LOCAL_MACHINE", REC_SERVICE, NULL,
	       detail);
out:
	free(wimg);
	free(wdn);
	free(img);
	free(dn);
	free(name);
	free(key);
}

void services_collect(struct out *o, struct stats *st, struct images *im)
{
	unsigned long n;
	char detail[64];
	HKEY k;

	if (RegOpenKeyExW(HKEY_LOCAL_MACHINE,
	                  L"SYSTEM\\CurrentControlSet\\Services", 0,
	                  KEY_READ | KEY_WOW64_64KEY, &k) != ERROR_SUCCESS) {
		problem(st, "services", 1, "the Services key cannot be opened",
		        L"HKLM\\SYSTEM\\CurrentControlSet\\Services");
		ran(st, "services", "failed",
		    "the Services key cannot be opened", 0);
		return;
	}
	n = subkeys(o, st, k, "services", "a service key cannot be opened",
	            service, im);
	RegCloseKey(k);
	snprintf(detail, sizeof(detail), "%lu service and driver keys", n);
	ran(st, "services", "ran", detail, n);
}

/* ---- vendor keys -------------------------------------------------------- */

/* Keys read above with their meaning; a vendor walk skips them. */
static int read_elsewhere(const char *key)
{
	static const char *const roots[] = {
		"hklm\\software\\microsoft\\windows\\currentversion\\"
		"uninstall",
		"hklm\\software\\wow6432node\\microsoft\\windows\\"
		"currentversion\\uninstall",
		"hkcu\\software\\microsoft\\windows\\currentversion\\"
		"uninstall",
		"hklm\\system\\currentcontrolset\\services",
		"hklm\\software\\classes", NULL};
	size_t i, n;

	for (i = 0; roots[i]; i++) {
		n = strlen(roots[i]);
		if (_strnicmp(key, roots[i], n) == 0 &&
		    (key[n] == '\\' || key[n] == '\0'))
			return 1;
	}
	return 0;
}

struct walking {
	const char *key; /* the parent key's name */
	const char *origin;
	int depth; /* levels below the parent */
	int with_values;
};

static void walk(struct out *o, struct stats *st, HKEY k, const char *key,
                 const char *origin, int depth, int with_values);

static void walk_sub(struct out *o, struct stats *st, HKEY s,
                     const wchar_t *sub, void *ctx)
{
	const struct walking *w = ctx;
	char *name = join(w->key, sub);

	if (name != NULL)
		walk(o, st, s, name, w->origin, w->depth - 1, w->with_values);
	free(name);
}

/*
 * Walk k, named `key`, to `depth` more levels: a key record for each
 * key, and its values when `with_values`.
 */
static void walk(struct out *o, struct stats *st, HKEY k, const char *key,
                 const char *origin, int depth, int with_values)
{
	struct walking w = {key, origin, depth, with_values};

	if (read_elsewhere(key))
		return;
	if (++keys_walked > MAX_KEYS) {
		problem(st, "registry", 0,
		        "over 200,000 vendor keys: the rest not read", NULL);
		return;
	}
	key_record(o, st, key, origin, 0, NULL, NULL);
	if (with_values)
		values(o, st, k, key, origin, 0, NULL, NULL);
	if (depth == 0)
		return;
	subkeys(o, st, k, "registry", "a key cannot be opened", walk_sub, &w);
}

/*
 * Open `rest` under `root` one component at a time, learning each key's
 * name as the registry spells it (a --keys line may be in any case):
 * the records then name keys as Windows shows them. 0, or -1 if a
 * component does not exist.
 */
static int open_real(HKEY root, REGSAM view, const wchar_t *rest, HKEY *out,
                     wchar_t *real, size_t size)
{
	wchar_t comp[256], sub[256];
	HKEY k = root, next;
	size_t used = 0, n;
	DWORD i, len;
	int found;

	real[0] = L'\0';
	while (*rest) {
		n = wcscspn(rest, L"\\");
		if (n == 0 || n >= 256)
			goto fail;
		wmemcpy(comp, rest, n);
		comp[n] = L'\0';
		rest += n;
		while (*rest == L'\\')
			rest++;
		found = 0;
		for (i = 0; !found; i++) {
			LONG rc;

			len = 256;
			rc = RegEnumKeyExW(k, i, sub, &len, NULL, NULL, NULL,
			                   NULL);
			if (rc == ERROR_NO_MORE_ITEMS)
				break;
			found = rc == ERROR_SUCCESS && _wcsicmp(sub, comp) == 0;
		}
		if (!found || used + wcslen(sub) + 2 > size ||
		    RegOpenKeyExW(k, sub, 0, KEY_READ | view, &next) !=
		        ERROR_SUCCESS)
			goto fail;
		if (k != root)
			RegCloseKey(k);
		k = next;
		used += (size_t)swprintf(real + used, size - used, L"%ls%ls",
		                         used ? L"\\" : L"", sub);
	}
	if (k == root)
		return -1;
	*out = k;
	return 0;
fail:
	if (k != root)
		RegCloseKey(k);
	return -1;
}

/* Open "HKLM\X" or "HKCU\X" (each user) and walk it. */
static void walk_path(struct out *o, struct stats *st, const wchar_t *path)
{
	wchar_t sid[256], full[1024], real[1024];
	const wchar_t *rest;
	char *name, origin[300], *s;
	DWORD i;
	HKEY k, u;

	if (_wcsnicmp(path, L"HKLM\\", 5) == 0 ||
	    _wcsnicmp(path, L"HKEY_LOCAL_MACHINE\\", 19) == 0) {
		rest = wcschr(path, L'\\') + 1;
		if (open_real(HKEY_LOCAL_MACHINE, KEY_WOW64_64KEY, rest, &k,
		              real, 1024) != 0)
			return;
		swprintf(full, 1024, L"HKLM\\%ls", real);
		name = utf8(full);
		if (name != NULL)
			walk(o, st, k, name, "HKEY_LOCAL_MACHINE", MAX_DEPTH,
			     1);
		free(name);
		RegCloseKey(k);
		return;
	}
	if (_wcsnicmp(path, L"HKCU\\", 5) != 0 &&
	    _wcsnicmp(path, L"HKEY_CURRENT_USER\\", 18) != 0) {
		problem(st, "registry", 0,
		        "a --keys line that is not under HKLM or HKCU", path);
		return;
	}
	rest = wcschr(path, L'\\') + 1;
	for (i = 0; next_user(&i, sid);) {
		if (RegOpenKeyExW(HKEY_USERS, sid, 0, KEY_READ, &u) !=
		    ERROR_SUCCESS)
			continue;
		if (open_real(u, 0, rest, &k, real, 1024) != 0) {
			RegCloseKey(u);
			continue;
		}
		RegCloseKey(u);
		s = utf8(sid);
		snprintf(origin, sizeof(origin), "HKEY_USERS\\%s",
		         s ? s : "?");
		free(s);
		swprintf(full, 1024, L"HKCU\\%ls", real);
		name = utf8(full);
		if (name != NULL)
			walk(o, st, k, name, origin, MAX_DEPTH, 1);
		free(name);
		RegCloseKey(k);
	}
}

void vendor_keys_collect(struct out *o, struct stats *st,
                         const struct keylist *keys)
{
	wchar_t wow[1024];
	char detail[128];
	size_t i;
	HKEY k;

	keys_walked = 0;
	if (keys->n == 0) {
		/* No list: the names of the vendors' keys, two levels deep,
		 * in both views; enough to see who is there. */
		if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE", 0,
		                  KEY_READ | KEY_WOW64_64KEY,
		                  &k) == ERROR_SUCCESS) {
			walk(o, st, k, "HKLM\\SOFTWARE", "HKEY_LOCAL_MACHINE",
			     2, 0);
			RegCloseKey(k);
		}
		if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\WOW6432Node",
		                  0, KEY_READ | KEY_WOW64_64KEY,
		                  &k) == ERROR_SUCCESS) {
			walk(o, st, k, "HKLM\\SOFTWARE\\WOW6432Node",
			     "HKEY_LOCAL_MACHINE", 2, 0);
			RegCloseKey(k);
		}
		ran(st, "registry", "ran",
		    "key names under HKLM\\SOFTWARE, two levels deep",
		    keys_walked);
		return;
	}
	for (i = 0; i < keys->n; i++) {
		walk_path(o, st, keys->key[i]);
		/* HKLM\SOFTWARE\X: the 32-bit programs' X as well. */
		if (_wcsnicmp(keys->key[i], L"HKLM\\SOFTWARE\\", 14) == 0 &&
		    _wcsnicmp(keys->key[i] + 14, L"WOW6432Node\\", 12) != 0) {
			swprintf(wow, 1024, L"HKLM\\SOFTWARE\\WOW6432Node\\%ls",
			         keys->key[i] + 14);
			walk_path(o, st, wow);
		}
	}
	snprintf(detail, sizeof(detail),
	         "%lu keys under the %lu keys given with --keys", keys_walked,
	         (unsigned long)keys->n);
	ran(st, "registry", "ran", detail, keys_walked);
}

/* ---- the host ----------------------------------------------------------- */

void host_probe(struct host *h)
{
	wchar_t buf[256], drive[16];
	wchar_t *prod = NULL, *disp = NULL, *build = NULL, *guid = NULL;
	DWORD n = 256;
	HKEY k;
	char *p, *d, *b;
	size_t len;

	memset(h, 0, sizeof(*h));
	if (GetComputerNameExW(ComputerNameDnsHostname, buf, &n))
		h->hostname = utf8(buf);
	n = 256;
	if (GetComputerNameExW(ComputerNameDnsFullyQualified, buf, &n) &&
	    wcschr(buf, L'.') != NULL)
		h->fqdn = utf8(buf);
	if (RegOpenKeyExW(HKEY_LOCAL_MACHINE,
	                  L"SOFTWARE\\Microsoft\\Cryptography", 0,
	                  KEY_READ | KEY_WOW64_64KEY, &k) == ERROR_SUCCESS) {
		guid = get_string(k, L"MachineGuid");
		RegCloseKey(k);
	}
	h->machine_id = utf8(guid);
	if (RegOpenKeyExW(HKEY_LOCAL_MACHINE,
	                  L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
	                  0, KEY_READ | KEY_WOW64_64KEY,
	                  &k) == ERROR_SUCCESS) {
		prod = get_string(k, L"ProductName");
		disp = get_string(k, L"DisplayVersion");
		build = get_string(k, L"CurrentBuild");
		RegCloseKey(k);
	}
	p = utf8(prod);
	d = utf8(disp);
	b = utf8(build);
	if (p != NULL) {
		/* As the offline hive collector says it. */
		len = strlen(p) + (d ? strlen(d) : 0) + (b ? strlen(b) : 0) +
		      16;
		h->os = malloc(len);
		if (h->os != NULL && (d || b))
			snprintf(h->os, len, "%s (%s%s%s%s)", p, d ? d : "",
			         d && b ? ", " : "", b ? "build " : "",
			         b ? b : "");
		else if (h->os != NULL)
			snprintf(h->os, len, "%s", p);
	}
	if (GetEnvironmentVariableW(L"SystemDrive", drive, 14) == 2) {
		drive[2] = L'\\';
		drive[3] = L'\0';
		h->root = utf8(drive);
	}
	free(prod);
	free(disp);
	free(build);
	free(guid);
	free(p);
	free(d);
	free(b);
}

void host_free(struct host *h)
{
	free(h->machine_id);
	free(h->hostname);
	free(h->fqdn);
	free(h->os);
	free(h->root);
}
