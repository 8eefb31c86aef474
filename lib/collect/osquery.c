/*
 * lib/collect/osquery.c - osquery results as inventory records
 * (docs/osquery.md): rows of the tables a fleet already collects, turned
 * into the records voorzorg's own collectors would have produced, so
 * the matcher judges them alike.
 *
 * Input is outside data: each file is read whole up to VZ_OSQUERY_MAX,
 * parsed by jansson (duplicate keys refused), and every row and column
 * checked for its type before use; an error names the file, line,
 * column and the table and row. Column names are osquery's, as its
 * specs/TABLE.table files define them. osquery prints every value as a
 * string (`osqueryi --json`); numbers are accepted too. Tables voorzorg
 * does not read are counted as skipped, never dropped in silence.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <voorzorg/osquery.h>

#include "collect_int.h"
#include "inventory_int.h"

struct oq {
	const char *name; /* the file, for messages and origins */
	const char *text; /* the document, for error positions */
	size_t len;
	const char *table;
	int top_array; /* the document is one table's rows */
	size_t row;
	const vz_sink *sink;
	vz_stats *st;
	vz_host *host;
	vz_error *err;
	json_t *cols; /* the current row */
	char num[8][32]; /* numbers of the current row, as text */
	size_t nnum;
	struct vz_buf origin, a, b, c, d; /* scratch */
	unsigned char sha[32];
	/* Registry: the last key (for key ids), keys already emitted. */
	struct vz_buf lastkey;
	uint64_t key_id;
	struct vz_map keys_seen;
	char **owned; /* keys of keys_seen */
	size_t nowned, ownedcap;
	json_t *locations; /* canonical Uninstall key -> InstallLocation */
	json_t *services;  /* service key -> {type, start, imagepath, ...} */
};

/* An ASCII-lowercase copy (registry keys compare without case). */
static char *lower_dup(const char *s)
{
	char *d = vz__strdup(s), *p;

	for (p = d; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

/* ---- errors and columns ------------------------------------------------- */

static vz_status fail(struct oq *q, const char *col, const char *fmt, ...)
    VZ__PRINTF(3, 4);

static vz_status fail(struct oq *q, const char *col, const char *fmt, ...)
{
	struct vz_jseg path[3];
	unsigned long line = 1, column = 1;
	size_t n = 0;
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!q->top_array)
		path[n++] = (struct vz_jseg){q->table, 0};
	path[n++] = (struct vz_jseg){NULL, q->row};
	if (col != NULL)
		path[n++] = (struct vz_jseg){col, 0};
	vz__json_locate(q->text, q->len, path, n, 0, &line,
	                &column);
	vz__error_set(q->err, VZ_E_PARSE, q->name, "%s row %zu: %s",
	              q->table, q->row + 1, msg);
	if (q->err != NULL) {
		q->err->line = line;
		q->err->column = column;
	}
	return VZ_E_PARSE;
}

/*
 * The value of column `k` of the current row as text, or NULL when it is
 * absent, null or "". Sets *bad (and fills the error) for a value that
 * is neither a string nor a number, or a string holding NUL.
 */
static const char *col(struct oq *q, const char *k, int *bad)
{
	json_t *v = json_object_get(q->cols, k);
	const char *s;

	if (v == NULL || json_is_null(v))
		return NULL;
	if (json_is_string(v)) {
		s = json_string_value(v);
		if (strlen(s) != json_string_length(v)) {
			*bad = 1;
			fail(q, k, "\"%s\" holds a NUL character", k);
			return NULL;
		}
		return *s ? s : NULL;
	}
	if (json_is_integer(v) && q->nnum < 8) {
		snprintf(q->num[q->nnum], 32, "%lld",
		         (long long)json_integer_value(v));
		return q->num[q->nnum++];
	}
	if (json_is_real(v) && q->nnum < 8) {
		snprintf(q->num[q->nnum], 32, "%.17g", json_real_value(v));
		return q->num[q->nnum++];
	}
	*bad = 1;
	fail(q, k, "\"%s\" is not a string or a number", k);
	return NULL;
}

static int is_windows_path(const char *p)
{
	return p != NULL &&
	       ((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) &&
	       p[1] == ':' && (p[2] == '\\' || p[2] == '/');
}

/* "C:\X\y.exe" as the volume path "/X/y.exe" (into b), as the offline
 * scanner and voorzorg-collect.exe give Windows files; others as is. */
static const char *vol(struct vz_buf *b, const char *p)
{
	size_t i;

	if (!is_windows_path(p))
		return p;
	b->len = 0;
	for (i = 2; p[i]; i++) {
		char ch = p[i] == '\\' ? '/' : p[i];

		vz__buf_add(b, &ch, 1);
	}
	vz__buf_add(b, "", 1);
	return b->failed ? NULL : b->data;
}

static vz_status emit(struct oq *q, vz_record *r, vz_counter counter)
{
	q->origin.len = 0;
	vz__buf_printf(&q->origin, "%s (%s)", q->table, q->name);
	vz__buf_add(&q->origin, "", 1);
	if (q->origin.failed || q->a.failed || q->b.failed || q->c.failed ||
	    q->d.failed)
		return VZ_E_NOMEM;
	r->source = "osquery";
	r->origin = q->origin.data;
	vz__stats_add(q->st, counter, 1);
	if (q->sink->interests != 0 &&
	    !(q->sink->interests & VZ_WANT(r->kind)))
		return VZ_OK;
	return q->sink->record(q->sink->ctx, r);
}

/* ---- Windows ------------------------------------------------------------ */

static vz_status t_programs(struct oq *q, vz_record *r, int *bad)
{
	const char *name = col(q, "name", bad);
	const char *ver = col(q, "version", bad);
	const char *pub = col(q, "publisher", bad);
	const char *loc = col(q, "install_location", bad);
	const char *id = col(q, "identifying_number", bad);

	if (*bad || name == NULL)
		return *bad ? VZ_E_PARSE : VZ_OK;
	vz__buf_printf(&q->a, "Uninstall entry (osquery programs): \"%s\"",
	               name);
	if (ver)
		vz__buf_printf(&q->a, ", version %s", ver);
	if (pub)
		vz__buf_printf(&q->a, ", publisher %s", pub);
	if (loc)
		vz__buf_printf(&q->a, ", in %s", loc);
	if (id)
		vz__buf_printf(&q->a, ", %s", id);
	vz__buf_add(&q->a, "", 1);
	r->kind = VZ_REC_PACKAGE;
	r->name = name;
	r->version = ver;
	r->vendor = pub;
	r->path = loc;
	r->detail = q->a.data;
	r->pkg_state = VZ_PKG_INSTALLED;
	/* Windows Installer products are known by their product code. */
	r->ecosystem = id != NULL && id[0] == '{' ? "msi" : "windows";
	r->platform = "windows";
	r->flags = VZ_RECF_UNINSTALL;
	return emit(q, r, VZ_STAT_PACKAGES);
}

static vz_status t_services(struct oq *q, vz_record *r, int *bad)
{
	const char *name = col(q, "name", bad);
	const char *type = col(q, "service_type", bad);
	const char *disp = col(q, "display_name", bad);
	const char *status = col(q, "status", bad);
	const char *start = col(q, "start_type", bad);
	const char *path = col(q, "path", bad);

	if (*bad || name == NULL)
		return *bad ? VZ_E_PARSE : VZ_OK;
	vz__buf_printf(&q->a, "%s", type ? type : "service");
	if (start)
		vz__buf_printf(&q->a, ", start %s", start);
	if (status)
		vz__buf_printf(&q->a, ", %s", status);
	if (disp)
		vz__buf_printf(&q->a, ", \"%s\"", disp);
	if (path)
		vz__buf_printf(&q->a, ", %s", path);
	vz__buf_add(&q->a, "", 1);
	r->kind = VZ_REC_SERVICE;
	r->name = name;
	r->path = path;
	r->detail = q->a.data;
	r->platform = "windows";
	r->flags = type && strstr(type, "DRIVER") ? VZ_RECF_DRIVER : 0;
	r->enabled = start == NULL || strcmp(start, "DISABLED") != 0;
	return emit(q, r, VZ_STAT_SERVICES);
}

static vz_status t_drivers(struct oq *q, vz_record *r, int *bad)
{
	const char *svc = col(q, "service", bad);
	const char *dev = col(q, "device_name", bad);
	const char *img = col(q, "image", bad);
	const char *prov = col(q, "provider", bad);

	if (*bad || (svc == NULL && dev == NULL))
		return *bad ? VZ_E_PARSE : VZ_OK;
	vz__buf_puts(&q->a, "driver (osquery drivers)");
	if (dev)
		vz__buf_printf(&q->a, ", \"%s\"", dev);
	if (prov)
		vz__buf_printf(&q->a, ", provider %s", prov);
	if (img)
		vz__buf_printf(&q->a, ", %s", img);
	vz__buf_add(&q->a, "", 1);
	r->kind = VZ_REC_SERVICE;
	r->name = svc ? svc : dev;
	r->path = img;
	r->detail = q->a.data;
	r->platform = "windows";
	r->flags = VZ_RECF_DRIVER;
	r->enabled = 1;
	return emit(q, r, VZ_STAT_SERVICES);
}

static vz_status t_authenticode(struct oq *q, vz_record *r, int *bad)
{
	const char *path = col(q, "path", bad);
	const char *subj = col(q, "subject_name", bad);
	const char *iss = col(q, "issuer_name", bad);
	const char *res = col(q, "result", bad);
	const char *prog = col(q, "original_program_name", bad);

	if (*bad || path == NULL || subj == NULL || res == NULL ||
	    strcmp(res, "missing") == 0)
		return *bad ? VZ_E_PARSE : VZ_OK;
	/* osquery gives the names' display form: the common name. */
	vz__buf_printf(&q->b, "CN=%s", subj);
	vz__buf_add(&q->b, "", 1);
	if (iss) {
		vz__buf_printf(&q->c, "CN=%s", iss);
		vz__buf_add(&q->c, "", 1);
	}
	vz__buf_printf(&q->a, "osquery authenticode: %s", res);
	if (prog)
		vz__buf_printf(&q->a, "; program name \"%s\"", prog);
	vz__buf_add(&q->a, "", 1);
	r->kind = VZ_REC_SIGNATURE;
	r->subject = q->b.data;
	r->issuer = iss ? q->c.data : NULL;
	r->common_name = subj;
	r->detail = q->a.data;
	r->platform = "windows";
	if (strcmp(res, "trusted") == 0 || strcmp(res, "valid") == 0)
		r->auth = VZ_AUTH_VALID;
	else if (strcmp(res, "unknown") == 0)
		r->auth = VZ_AUTH_UNCHECKED;
	else
		r->auth = VZ_AUTH_BAD; /* untrusted, distrusted, invalid */
	r->name = vol(&q->d, path);
	if (r->name == NULL)
		return VZ_E_NOMEM;
	vz__stats_add(q->st, VZ_STAT_VERIFIED, r->auth != VZ_AUTH_UNCHECKED);
	return emit(q, r, VZ_STAT_SIGNATURES);
}

/* "HKEY_LOCAL_MACHINE\X" as "HKLM\X" (into b); users' hives as HKCU. */
static const char *short_key(struct vz_buf *b, const char *k)
{
	static const struct {
		const char *longn, *shortn;
	} roots[] = {{"HKEY_LOCAL_MACHINE", "HKLM"},
	             {"HKEY_CURRENT_USER", "HKCU"},
	             {"HKEY_CLASSES_ROOT", "HKLM\\SOFTWARE\\Classes"}};
	size_t i, n;

	b->len = 0;
	for (i = 0; i < 3; i++) {
		n = strlen(roots[i].longn);
		if (strncasecmp(k, roots[i].longn, n) == 0 &&
		    (k[n] == '\\' || k[n] == '\0')) {
			vz__buf_puts(b, roots[i].shortn);
			vz__buf_puts(b, k + n);
			break;
		}
	}
	if (i == 3 && strncasecmp(k, "HKEY_USERS\\", 11) == 0) {
		/* HKEY_USERS\SID\X is that user's HKCU\X. */
		const char *rest = strchr(k + 11, '\\');

		vz__buf_puts(b, "HKCU");
		vz__buf_puts(b, rest ? rest : "");
	} else if (i == 3) {
		vz__buf_puts(b, k);
	}
	vz__buf_add(b, "", 1);
	return b->failed ? NULL : b->data;
}

/* Is the short key an entry of an Uninstall key? Of a service? */
static unsigned key_flags(const char *k)
{
	static const char *const un[] = {
		"HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\"
		"Uninstall\\",
		"HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\"
		"CurrentVersion\\Uninstall\\",
		"HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\"
		"Uninstall\\",
		NULL};
	static const char svc[] = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\";
	size_t i, n;

	for (i = 0; un[i]; i++) {
		n = strlen(un[i]);
		if (strncasecmp(k, un[i], n) == 0 && k[n] &&
		    strchr(k + n, '\\') == NULL)
			return VZ_RECF_UNINSTALL;
	}
	return strncasecmp(k, svc, strlen(svc)) == 0 ? VZ_RECF_SERVICE : 0;
}

/* A registry record of key k (short form); new key: a new key id. */
static vz_status reg_emit(struct oq *q, vz_record *r, const char *k)
{
	char *low;

	if (q->key_id == 0 || strcasecmp(q->lastkey.data, k) != 0) {
		q->lastkey.len = 0;
		vz__buf_puts(&q->lastkey, k);
		vz__buf_add(&q->lastkey, "", 1);
		if (q->lastkey.failed)
			return VZ_E_NOMEM;
		q->key_id++;
	}
	r->kind = VZ_REC_REGISTRY;
	r->name = k;
	r->dir_id = q->key_id;
	r->dirlen = strlen(k);
	r->platform = "windows";
	r->flags = key_flags(k);
	if (r->flags & VZ_RECF_UNINSTALL) {
		low = lower_dup(k);
		if (low == NULL)
			return VZ_E_NOMEM;
		r->path = json_string_value(json_object_get(q->locations, low));
		vz__free(low);
	}
	if (q->sink->want_key != NULL &&
	    !q->sink->want_key(q->sink->ctx, k))
		return VZ_OK;
	return emit(q, r, r->value ? VZ_STAT_REG_VALUES : VZ_STAT_REG_KEYS);
}

/* The key record of k, once. */
static vz_status reg_key_once(struct oq *q, const char *k)
{
	vz_record r;
	char *low = lower_dup(k);
	vz_status rc;

	if (low == NULL)
		return VZ_E_NOMEM;
	if (vz__map_get(&q->keys_seen, low) != NULL) {
		vz__free(low);
		return VZ_OK;
	}
	if (q->nowned == q->ownedcap) {
		size_t ncap = q->ownedcap ? q->ownedcap * 2 : 64;
		char **n = vz__realloc(q->owned, ncap * sizeof(*n));

		if (n == NULL) {
			vz__free(low);
			return VZ_E_NOMEM;
		}
		q->owned = n;
		q->ownedcap = ncap;
	}
	q->owned[q->nowned++] = low;
	rc = vz__map_put(&q->keys_seen, low, q, NULL);
	if (rc != VZ_OK)
		return rc;
	memset(&r, 0, sizeof(r));
	return reg_emit(q, &r, k);
}

static vz_status t_registry(struct oq *q, vz_record *r, int *bad)
{
	const char *key = col(q, "key", bad);
	const char *path = col(q, "path", bad);
	const char *name = col(q, "name", bad);
	const char *type = col(q, "type", bad);
	const char *data = col(q, "data", bad);
	const char *k;
	vz_status rc;

	if (*bad || key == NULL)
		return *bad ? VZ_E_PARSE : VZ_OK;
	if (type != NULL && strcmp(type, "subkey") == 0) {
		k = path ? short_key(&q->b, path) : NULL;
		return k ? reg_key_once(q, k) : VZ_OK;
	}
	k = short_key(&q->b, key);
	if (k == NULL)
		return VZ_E_NOMEM;
	rc = reg_key_once(q, k);
	if (rc != VZ_OK)
		return rc;
	/* osquery names the default value "(Default)"; binary data is
	 * shown as hex, which is not the value's text. */
	r->value = name == NULL || strcmp(name, "(Default)") == 0 ? ""
	                                                          : name;
	r->data = type != NULL && (strcmp(type, "REG_BINARY") == 0 ||
	                           strcmp(type, "REG_NONE") == 0)
	              ? NULL
	              : data ? data : "";
	return reg_emit(q, r, k);
}

/* ---- Linux -------------------------------------------------------------- */

static vz_status t_deb(struct oq *q, vz_record *r, int *bad)
{
	const char *status = col(q, "status", bad);

	r->name = col(q, "name", bad);
	r->version = col(q, "version", bad);
	r->arch = col(q, "arch", bad);
	r->vendor = col(q, "maintainer", bad);
	if (*bad || r->name == NULL)
		return *bad ? VZ_E_PARSE : VZ_OK;
	r->kind = VZ_REC_PACKAGE;
	r->ecosystem = "deb";
	r->pkg_state = VZ_PKG_INSTALLED;
	if (status != NULL &&
	    vz__dpkg_status(status, strlen(status), &r->pkg_state) != 0)
		return fail(q, "status", "\"status\" is not a dpkg status "
		                         "(\"install ok installed\")");
	r->detail = status ? status : "installed";
	return emit(q, r, VZ_STAT_PACKAGES);
}

static vz_status t_rpm(struct oq *q, vz_record *r, int *bad)
{
	const char *ver = col(q, "version", bad);
	const char *rel = col(q, "release", bad);
	const char *epoch = col(q, "epoch", bad);

	r->name = col(q, "name", bad);
	r->arch = col(q, "arch", bad);
	r->vendor = col(q, "vendor", bad);
	if (*bad || r->name == NULL)
		return *bad ? VZ_E_PARSE : VZ_OK;
	if (epoch && strcmp(epoch, "0") != 0)
		vz__buf_printf(&q->a, "%s:", epoch);
	vz__buf_puts(&q->a, ver ? ver : "");
	if (rel)
		vz__buf_printf(&q->a, "-%s", rel);
	vz__buf_add(&q->a, "", 1);
	r->kind = VZ_REC_PACKAGE;
	r->version = ver ? q->a.data : NULL;
	r->ecosystem = "rpm";
	r->pkg_state = VZ_PKG_INSTALLED;
	r->detail = "installed";
	return emit(q, r, VZ_STAT_PACKAGES);
}

static vz_status t_kmods(struct oq *q, vz_record *r, int *bad)
{
	const char *status = col(q, "status", bad);

	r->name = col(q, "name", bad);
	if (*bad || r->name == NULL)
		return *bad ? VZ_E_PARSE : VZ_OK;
	r->kind = VZ_REC_MODULE;
	r->detail = status ? status : "loaded";
	return emit(q, r, VZ_STAT_MODULES);
}

static vz_status t_units(struct oq *q, vz_record *r, int *bad)
{
	const char *load = col(q, "load_state", bad);
	const char *active = col(q, "active_state", bad);
	const char *sub = col(q, "sub_state", bad);
	const char *file = col(q, "unit_file_state", bad);

	r->name = col(q, "id", bad);
	r->path = col(q, "fragment_path", bad);
	if (*bad || r->name == NULL)
		return *bad ? VZ_E_PARSE : VZ_OK;
	vz__buf_printf(&q->a, "%s, %s/%s, unit file %s", load ? load : "?",
	               active ? active : "?", sub ? sub : "?",
	               file ? file : "?");
	vz__buf_add(&q->a, "", 1);
	r->kind = VZ_REC_UNIT;
	r->detail = q->a.data;
	r->enabled = file != NULL && strcmp(file, "enabled") == 0;
	return emit(q, r, VZ_STAT_UNITS);
}

/* ---- processes and files (every platform) ------------------------------- */

static vz_status t_processes(struct oq *q, vz_record *r, int *bad)
{
	const char *pid = col(q, "pid", bad);
	const char *path = col(q, "path", bad);
	const char *cmd = col(q, "cmdline", bad);

	r->name = col(q, "name", bad);
	if (*bad || r->name == NULL)
		return *bad ? VZ_E_PARSE : VZ_OK;
	r->kind = VZ_REC_PROCESS;
	r->pid = pid ? strtol(pid, NULL, 10) : 0;
	r->path = path ? vol(&q->b, path) : NULL;
	vz__buf_printf(&q->a, "pid %s%s%s", pid ? pid : "?",
	               cmd ? ": " : "", cmd ? cmd : "");
	vz__buf_add(&q->a, "", 1);
	r->detail = q->a.data;
	return emit(q, r, VZ_STAT_PROCESSES);
}

static vz_status t_file(struct oq *q, vz_record *r, int *bad)
{
	unsigned char *sha = q->sha;
	const char *path = col(q, "path", bad);
	const char *size = col(q, "size", bad);
	const char *type = col(q, "type", bad);
	const char *hex = col(q, "sha256", bad);
	const char *name, *slash;
	size_t i;

	if (*bad || path == NULL)
		return *bad ? VZ_E_PARSE : VZ_OK;
	name = vol(&q->b, path);
	if (name == NULL)
		return VZ_E_NOMEM;
	if (name[0] != '/')
		return fail(q, "path", "\"path\" is not absolute");
	r->kind = VZ_REC_FILE;
	r->name = name;
	r->size = size ? strtoull(size, NULL, 10) : 0;
	r->file_type = type == NULL || strcmp(type, "regular") == 0
	                   ? VZ_FT_REGULAR
	               : strcmp(type, "directory") == 0 ? VZ_FT_DIRECTORY
	               : strcmp(type, "symlink") == 0   ? VZ_FT_SYMLINK
	                                                : VZ_FT_OTHER;
	if (hex != NULL) {
		if (strlen(hex) != 64)
			return fail(q, "sha256", "\"sha256\" is not 64 hex "
			                         "digits");
		for (i = 0; i < 32; i++) {
			int a = vz__hexval(hex[2 * i]);
			int b = vz__hexval(hex[2 * i + 1]);

			if (a < 0 || b < 0)
				return fail(q, "sha256", "\"sha256\" is not "
				                         "64 hex digits");
			sha[i] = (unsigned char)(a << 4 | b);
		}
		r->sha256 = sha;
		vz__stats_add(q->st, VZ_STAT_HASHED_FILES, 1);
	}
	slash = strrchr(name, '/');
	r->dirlen = (size_t)(slash - name);
	/* Each row its own directory id: rows come in no order. */
	r->dir_id = ++q->key_id;
	r->detail = "osquery file";
	return emit(q, r, r->file_type == VZ_FT_REGULAR ? VZ_STAT_FILES
	                                                : VZ_STAT_OTHER);
}

/* ---- macOS -------------------------------------------------------------- */

static vz_status t_apps(struct oq *q, vz_record *r, int *bad)
{
	const char *sv = col(q, "bundle_short_version", bad);
	const char *bv = col(q, "bundle_version", bad);

	r->name = col(q, "path", bad);
	r->ident = col(q, "bundle_identifier", bad);
	r->team_id = col(q, "team_identifier", bad);
	if (*bad || r->name == NULL)
		return *bad ? VZ_E_PARSE : VZ_OK;
	r->kind = VZ_REC_BUNDLE;
	r->version = sv ? sv : bv;
	r->platform = "macos";
	r->detail = "application bundle (osquery apps)";
	return emit(q, r, VZ_STAT_BUNDLES);
}

/*
 * A kernel or system extension: known by its bundle identifier and named
 * by its path, or by that identifier where the row gives no path. The
 * two tables differ in their columns' names (and only system extensions
 * have a team column).
 */
static vz_status extension(struct oq *q, vz_record *r, int *bad,
                           const char *const cols[4], unsigned flags,
                           const char *detail)
{
	r->ident = col(q, cols[0], bad);
	r->name = col(q, cols[1], bad);
	r->version = col(q, cols[2], bad);
	r->team_id = cols[3] ? col(q, cols[3], bad) : NULL;
	if (*bad || r->ident == NULL)
		return *bad ? VZ_E_PARSE : VZ_OK;
	if (r->name == NULL)
		r->name = r->ident;
	r->kind = VZ_REC_BUNDLE;
	r->platform = "macos";
	r->flags = flags;
	r->detail = detail;
	return emit(q, r, VZ_STAT_BUNDLES);
}

static vz_status t_kexts(struct oq *q, vz_record *r, int *bad)
{
	static const char *const cols[4] = {"name", "path", "version", NULL};

	return extension(q, r, bad, cols, VZ_RECF_DRIVER,
	                 "kernel extension (osquery kernel_extensions)");
}

static vz_status t_sysext(struct oq *q, vz_record *r, int *bad)
{
	static const char *const cols[4] = {"identifier", "bundle_path",
	                                    "version", "team"};

	return extension(q, r, bad, cols, 0,
	                 "system extension (osquery system_extensions)");
}

static vz_status t_launchd(struct oq *q, vz_record *r, int *bad)
{
	const char *prog = col(q, "program", bad);
	const char *args = col(q, "program_arguments", bad);
	const char *dis = col(q, "disabled", bad);

	r->name = col(q, "label", bad);
	if (*bad || r->name == NULL)
		return *bad ? VZ_E_PARSE : VZ_OK;
	if (prog == NULL && args != NULL) {
		vz__buf_add(&q->b, args, strcspn(args, " "));
		vz__buf_add(&q->b, "", 1);
		prog = q->b.data;
	}
	r->kind = VZ_REC_SERVICE;
	r->path = prog;
	r->platform = "macos";
	r->enabled = dis == NULL || strcmp(dis, "1") != 0;
	r->detail = "launchd job (osquery launchd)";
	return emit(q, r, VZ_STAT_SERVICES);
}

static vz_status t_receipts(struct oq *q, vz_record *r, int *bad)
{
	r->name = col(q, "package_id", bad);
	r->version = col(q, "version", bad);
	if (*bad || r->name == NULL)
		return *bad ? VZ_E_PARSE : VZ_OK;
	r->kind = VZ_REC_PACKAGE;
	r->ecosystem = "macos-pkg";
	r->platform = "macos";
	r->flags = VZ_RECF_RECEIPT;
	r->pkg_state = VZ_PKG_INSTALLED;
	r->detail = "installer receipt (osquery package_receipts)";
	return emit(q, r, VZ_STAT_PACKAGES);
}

/* ---- the host ----------------------------------------------------------- */

static vz_status set_host(char **slot, const char *v)
{
	if (v == NULL || *slot != NULL)
		return VZ_OK;
	*slot = vz__strdup(v);
	return *slot ? VZ_OK : VZ_E_NOMEM;
}

static vz_status t_system_info(struct oq *q, vz_record *r, int *bad)
{
	const char *h = col(q, "hostname", bad);
	const char *cn = col(q, "computer_name", bad);

	(void)r;
	return *bad ? VZ_E_PARSE : set_host(&q->host->hostname, h ? h : cn);
}

static vz_status t_os_version(struct oq *q, vz_record *r, int *bad)
{
	const char *name = col(q, "name", bad);
	const char *ver = col(q, "version", bad);
	const char *build = col(q, "build", bad);

	(void)r;
	if (*bad || name == NULL)
		return *bad ? VZ_E_PARSE : VZ_OK;
	vz__buf_puts(&q->a, name);
	if (ver)
		vz__buf_printf(&q->a, " %s", ver);
	if (build)
		vz__buf_printf(&q->a, " (build %s)", build);
	vz__buf_add(&q->a, "", 1);
	return q->a.failed ? VZ_E_NOMEM : set_host(&q->host->os, q->a.data);
}

static const struct table {
	const char *name;
	vz_status (*row)(struct oq *q, vz_record *r, int *bad);
} tables[] = {
	/* In this order, whatever the input's: the host first, Uninstall
	 * entries (with their install locations) before the signatures
	 * that are credited by them, as the collectors run. */
	{"system_info", t_system_info},
	{"os_version", t_os_version},
	{"deb_packages", t_deb},
	{"rpm_packages", t_rpm},
	{"package_receipts", t_receipts},
	{"programs", t_programs},
	{"registry", t_registry},
	{"services", t_services},
	{"drivers", t_drivers},
	{"systemd_units", t_units},
	{"launchd", t_launchd},
	{"processes", t_processes},
	{"kernel_modules", t_kmods},
	{"apps", t_apps},
	{"kernel_extensions", t_kexts},
	{"system_extensions", t_sysext},
	{"file", t_file},
	{"authenticode", t_authenticode},
};

#define NTABLES (sizeof(tables) / sizeof(tables[0]))

static int table_index(const char *name)
{
	size_t i;

	for (i = 0; i < NTABLES; i++)
		if (strcmp(tables[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* ---- reading ------------------------------------------------------------ */

/* The service key (short form) a registry key is, or NULL: "X" of
 * HKLM\SYSTEM\CurrentControlSet\Services\X. */
static const char *service_name(const char *k)
{
	static const char svc[] = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\";
	size_t n = strlen(svc);

	if (strncasecmp(k, svc, n) != 0 || !k[n] || strchr(k + n, '\\'))
		return NULL;
	return k + n;
}

/*
 * Before the rows: the InstallLocation of every Uninstall entry (its
 * records carry it) and the Type, Start, ImagePath and DisplayName of
 * every service key (drivers are services the `services` table, which
 * lists Win32 services only, does not show).
 */
static vz_status prepass(struct oq *q, json_t *rows)
{
	static const char *const svcvals[] = {"type", "start", "imagepath",
	                                      "displayname", NULL};
	size_t i, j;

	for (i = 0; i < json_array_size(rows); i++) {
		json_t *row = json_array_get(rows, i), *c, *o;
		const char *key, *name, *data, *k;
		char *low = NULL, *lname = NULL;
		int bad = 0;

		c = json_object_get(row, "columns");
		if (json_is_object(c))
			row = c;
		key = json_string_value(json_object_get(row, "key"));
		name = json_string_value(json_object_get(row, "name"));
		data = json_string_value(json_object_get(row, "data"));
		if (key == NULL || name == NULL || data == NULL || !*data)
			continue;
		k = short_key(&q->b, key);
		if (k == NULL)
			return VZ_E_NOMEM;
		low = lower_dup(k);
		lname = lower_dup(name);
		if (low == NULL || lname == NULL) {
			bad = 1;
		} else if ((key_flags(k) & VZ_RECF_UNINSTALL) &&
		           strcmp(lname, "installlocation") == 0) {
			bad = json_object_set_new(q->locations, low,
			                          json_string(data)) != 0;
		} else if (service_name(k) != NULL) {
			for (j = 0; svcvals[j] && strcmp(svcvals[j], lname);
			     j++)
				;
			o = json_object_get(q->services, k);
			if (svcvals[j] != NULL && o == NULL) {
				o = json_object();
				bad = o == NULL ||
				      json_object_set_new(q->services, k, o);
			}
			if (!bad && svcvals[j] != NULL)
				bad = json_object_set_new(o, lname,
				                          json_string(data));
		}
		vz__free(low);
		vz__free(lname);
		if (bad)
			return VZ_E_NOMEM;
	}
	return VZ_OK;
}

static const char *ostr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Service records for the drivers among the registry's service keys. */
static vz_status registry_drivers(struct oq *q)
{
	const char *k, *type, *start, *img, *disp;
	vz_status rc = VZ_OK;
	vz_record r;
	json_t *o;
	long t;

	json_object_foreach(q->services, k, o) {
		type = ostr(o, "type");
		t = type ? strtol(type, NULL, 10) : 0;
		if (!(t & 3))
			continue; /* Win32 services: the services table */
		start = ostr(o, "start");
		img = ostr(o, "imagepath");
		disp = ostr(o, "displayname");
		q->a.len = 0;
		vz__buf_printf(&q->a, "%s driver (osquery registry)",
		               t & 1 ? "kernel" : "file-system");
		if (start)
			vz__buf_printf(&q->a, ", start %s", start);
		if (disp)
			vz__buf_printf(&q->a, ", \"%s\"", disp);
		if (img)
			vz__buf_printf(&q->a, ", %s", img);
		vz__buf_add(&q->a, "", 1);
		memset(&r, 0, sizeof(r));
		r.kind = VZ_REC_SERVICE;
		r.name = service_name(k);
		r.path = img;
		r.detail = q->a.data;
		r.platform = "windows";
		r.flags = VZ_RECF_DRIVER;
		r.enabled = start == NULL || strcmp(start, "4") != 0;
		rc = emit(q, &r, VZ_STAT_SERVICES);
		if (rc != VZ_OK)
			break;
	}
	return rc;
}

static vz_status one_table(struct oq *q, const char *name, json_t *rows)
{
	const struct table *t = NULL;
	char detail[300];
	vz_record r;
	vz_status rc = VZ_OK;
	size_t i;
	int bad;

	q->table = name;
	q->row = 0;
	if (table_index(name) >= 0)
		t = &tables[table_index(name)];
	if (!json_is_array(rows)) {
		struct vz_jseg seg = {name, 0};
		unsigned long line = 1, column = 1;

		vz__json_locate(q->text, q->len, &seg, 1, 0, &line, &column);
		vz__error_set(q->err, VZ_E_PARSE, q->name,
		              "%s: not an array of rows", name);
		if (q->err != NULL) {
			q->err->line = line;
			q->err->column = column;
		}
		return VZ_E_PARSE;
	}
	if (t == NULL) {
		vz__stats_problem_n(q->st, "osquery", 0,
		                    "a table voorzorg does not read", name,
		                    json_array_size(rows));
		return VZ_OK;
	}
	if (t->row == t_registry)
		rc = prepass(q, rows);
	for (i = 0; i < json_array_size(rows) && rc == VZ_OK; i++) {
		json_t *row = json_array_get(rows, i), *c;

		q->row = i;
		/* Fleet's query reports: {"host_name": ..., "columns": {}}. */
		c = json_object_get(row, "columns");
		if (json_is_object(c))
			row = c;
		if (!json_is_object(row))
			return fail(q, NULL, "not an object of columns");
		q->cols = row;
		q->nnum = 0;
		q->a.len = q->b.len = q->c.len = q->d.len = 0;
		memset(&r, 0, sizeof(r));
		bad = 0;
		rc = t->row(q, &r, &bad);
	}
	if (rc == VZ_OK && t->row == t_registry)
		rc = registry_drivers(q);
	if (rc == VZ_OK) {
		snprintf(detail, sizeof(detail), "%s in %s", name, q->name);
		vz__stats_run_n(q->st, "osquery", "ran", detail,
		                json_array_size(rows));
	}
	return rc;
}

/* The table a file of rows holds: its name up to the first '.'. */
static void table_of(const char *path, char *out, size_t size)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strcspn(base, ".");
	if (n >= size)
		n = size - 1;
	memcpy(out, base, n);
	out[n] = '\0';
}

vz_status vz_osquery_replay_mem(const char *data, size_t len,
                                const char *name, const char *table,
                                const vz_sink *sink, vz_stats *st,
                                vz_host *host, vz_error *err)
{
	json_error_t jerr;
	unsigned long fails;
	const char *k;
	json_t *doc, *v;
	struct oq q;
	vz_status rc = VZ_OK;
	size_t i;

	memset(&q, 0, sizeof(q));
	/* A UTF-8 byte-order mark, as PowerShell's redirection writes. */
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		len -= 3;
	}
	fails = vz__alloc_failures();
	doc = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	                 &jerr);
	/* jansson reports a failed allocation as a syntax error. */
	if (doc == NULL &&
	    (json_error_code(&jerr) == json_error_out_of_memory ||
	     vz__alloc_failures() != fails)) {
		vz__error_set(err, VZ_E_NOMEM, name, "out of memory");
		return VZ_E_NOMEM;
	}
	if (doc == NULL) {
		vz__error_set(err, VZ_E_PARSE, name, "not JSON: %s",
		              jerr.text);
		if (err != NULL) {
			err->line = jerr.line > 0 ? (unsigned long)jerr.line
			                          : 1;
			err->column = jerr.column > 0
			                  ? (unsigned long)jerr.column
			                  : 1;
		}
		return VZ_E_PARSE;
	}
	q.name = name;
	q.text = data;
	q.len = len;
	q.sink = sink;
	q.st = st;
	q.host = host;
	q.err = err;
	vz__buf_init(&q.origin);
	vz__buf_init(&q.a);
	vz__buf_init(&q.b);
	vz__buf_init(&q.c);
	vz__buf_init(&q.d);
	vz__buf_init(&q.lastkey);
	vz__map_init(&q.keys_seen);
	q.locations = json_object();
	q.services = json_object();
	if (q.locations == NULL || q.services == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	if (json_is_array(doc) && table != NULL) {
		q.top_array = 1;
		rc = one_table(&q, table, doc);
	} else if (json_is_object(doc)) {
		for (i = 0; i < NTABLES && rc == VZ_OK; i++) {
			v = json_object_get(doc, tables[i].name);
			if (v != NULL)
				rc = one_table(&q, tables[i].name, v);
		}
		json_object_foreach(doc, k, v) {
			if (rc != VZ_OK)
				break;
			if (table_index(k) < 0)
				rc = one_table(&q, k, v);
		}
	} else {
		vz__error_set(err, VZ_E_PARSE, name,
		              "not osquery results: an object keyed by table "
		              "name, or (in a file named TABLE.json) an array "
		              "of rows");
		if (err != NULL)
			err->line = err->column = 1;
		rc = VZ_E_PARSE;
	}
out:
	if (rc == VZ_E_NOMEM)
		vz__error_set(err, rc, name, "out of memory");
	for (i = 0; i < q.nowned; i++)
		vz__free(q.owned[i]);
	vz__free(q.owned);
	vz__map_free(&q.keys_seen);
	json_decref(q.locations);
	json_decref(q.services);
	vz__buf_free(&q.origin);
	vz__buf_free(&q.a);
	vz__buf_free(&q.b);
	vz__buf_free(&q.c);
	vz__buf_free(&q.d);
	vz__buf_free(&q.lastkey);
	json_decref(doc);
	return rc;
}

vz_status vz_osquery_replay(const vz_osquery_read *in, const vz_sink *sink,
                            vz_stats *st, vz_host *host, vz_error *err)
{
	char table[128], *data = NULL;
	size_t i, len, pass;
	vz_status rc = VZ_OK;
	int fd, t;

	/* Files in the order of tables[] (then the rest, as given). */
	for (pass = 0; pass <= NTABLES && rc == VZ_OK; pass++)
	for (i = 0; i < in->npaths && rc == VZ_OK; i++) {
		table_of(in->paths[i], table, sizeof(table));
		t = table_index(table);
		if ((pass < NTABLES && t != (int)pass) ||
		    (pass == NTABLES && t >= 0))
			continue;
		fd = open(in->paths[i], O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0) {
			vz__error_set(err, VZ_E_IO, in->paths[i],
			              "cannot open: %s", strerror(errno));
			return VZ_E_IO;
		}
		rc = vz__read_fd(fd, VZ_OSQUERY_MAX, &data, &len);
		close(fd);
		if (rc == VZ_E_IO) {
			vz__error_set(err, rc, in->paths[i],
			              "cannot read: %s",
			              errno == EFBIG ? "larger than 256 MiB"
			                             : strerror(errno));
			return rc;
		}
		if (rc != VZ_OK) {
			vz__error_set(err, rc, in->paths[i], "out of memory");
			return rc;
		}
		rc = vz_osquery_replay_mem(data, len, in->paths[i], table,
		                           sink, st, host, err);
		vz__free(data);
		data = NULL;
	}
	return rc;
}

vz_status vz_osquery_source(void *ctx, const vz_sink *sink, vz_stats *st,
                            vz_host *host, char **root, vz_error *err)
{
	*root = NULL;
	/* osquery reads a running host. */
	host->live = 1;
	return vz_osquery_replay(ctx, sink, st, host, err);
}
