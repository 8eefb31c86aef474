/*
 * lib/verify/open.c - opening a catalogue: signature, then content, then
 * expiry and rollback; and the state file that remembers versions.
 *
 * The order is the point. The file is read once; the signature is checked
 * over those bytes before any of them is parsed (so the JSON parser never
 * sees unauthenticated input from a signed source); the same bytes are
 * then loaded, so what was verified is what is used. Only then are the
 * signed fields trusted: the expiry date (freeze protection: a mirror
 * cannot keep serving a stale catalogue forever) and the version (rollback
 * protection: an attacker cannot replay an older, validly signed
 * catalogue that still lists fewer products). These follow TUF's
 * "timestamp" and "snapshot" ideas at the scale of one file.
 */
/* realpath() is XSI; the project builds against plain POSIX 2008. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "verify_int.h"
#include "vz_config.h"

#define STATE_FORMAT "voorzorg-state/1"

/* ---- default locations ---------------------------------------------- */

const char *vz_state_dir(void)
{
	const char *e = getenv(VZ_STATE_ENV);

	return e != NULL && e[0] != '\0' ? e : VZ_STATEDIR;
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The source tree's catalog/ directory, from the configured catalogue. */
static size_t source_file(const char *name, char *buf, size_t size)
{
	const char *cat = VZ_SOURCE_CATALOG;
	const char *slash = strrchr(cat, '/');
	int n = slash ? (int)(slash - cat) : 0;

	n = snprintf(buf, size, "%.*s/%s", n, cat, name);
	return n < 0 ? 0 : (size_t)n;
}

size_t vz_pubkey_default_path(char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/voorzorg.pub", VZ_DATADIR);

	if (n >= 0 && (size_t)n < size && exists(buf))
		return (size_t)n;
	return source_file("voorzorg.pub", buf, size);
}

vz_catalog_origin vz_catalog_default(char *buf, size_t size)
{
	const char *env = getenv("VOORZORG_CATALOG");
	int n;

	if (env != NULL && env[0] != '\0') {
		snprintf(buf, size, "%s", env);
		return VZ_CATALOG_FROM_ENV;
	}
	n = snprintf(buf, size, "%s/voorzorg.json", vz_state_dir());
	if (n >= 0 && (size_t)n < size && exists(buf))
		return VZ_CATALOG_FROM_UPDATE;
	n = snprintf(buf, size, "%s/voorzorg.json", VZ_DATADIR);
	if (n >= 0 && (size_t)n < size && exists(buf))
		return VZ_CATALOG_FROM_INSTALL;
	snprintf(buf, size, "%s", VZ_SOURCE_CATALOG);
	return VZ_CATALOG_FROM_SOURCE;
}

size_t vz_catalog_default_path(char *buf, size_t size)
{
	if (size > 0)
		vz_catalog_default(buf, size);
	return size > 0 ? strlen(buf) : 0;
}

const char *vz_sigstate_name(vz_sigstate s)
{
	switch (s) {
	case VZ_SIG_VALID:
		return "valid";
	case VZ_SIG_UNSIGNED:
		return "unsigned";
	case VZ_SIG_INVALID:
		return "invalid";
	}
	return "invalid";
}

void vz_open_opts_init(vz_open_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->grace = VZ_GRACE_DEFAULT;
}

void vz__state_path(const vz_open_opts *opts, char *buf, size_t size)
{
	if (opts != NULL && opts->state_file != NULL)
		snprintf(buf, size, "%s", opts->state_file);
	else
		snprintf(buf, size, "%s/%s", vz_state_dir(), VZ_STATE_FILE);
}

/* ---- the state file ------------------------------------------------- */

/*
 * Every recorded entry is {"version": INTEGER >= 0, ...}. An entry of
 * another type ("5", 5.0, a plain string) would read as "nothing
 * recorded" and lower the rollback floor to nothing, so it makes the
 * whole file corrupt, as docs/signing.md promises.
 */
static int state_entries_ok(json_t *cats)
{
	const char *id;
	json_t *e, *v;

	json_object_foreach(cats, id, e) {
		v = json_object_get(e, "version");
		if (!json_is_object(e) || !json_is_integer(v) ||
		    json_integer_value(v) < 0)
			return 0;
	}
	return 1;
}

/*
 * Load the state as a JSON object, or a fresh one if there is no file.
 * A state file that exists but is not ours is refused rather than
 * silently reset: resetting it would switch off rollback protection.
 */
static vz_status state_load(const char *file, json_t **out, vz_error *err)
{
	char *data = NULL;
	size_t len = 0;
	json_error_t jerr;
	json_t *root = NULL, *cats;
	vz_status rc;

	*out = NULL;
	rc = vz__file_read(file, VZ_CATFILE_MAX, &data, &len, err);
	/* A state file that cannot be read (its directory under a file,
	 * no permission, not a regular file) is the environment's fault,
	 * not the input's: exit 3, not 2. */
	if (rc == VZ_E_IO) {
		rc = VZ_E_ENV;
		err->code = rc;
	}
	if (rc == VZ_E_NOTFOUND) {
		root = json_pack("{s:s, s:{}}", "format", STATE_FORMAT,
		                 "catalogs");
		rc = root ? VZ_OK : VZ_E_NOMEM;
		goto out;
	}
	if (rc != VZ_OK)
		goto out;
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	cats = json_object_get(root, "catalogs");
	if (root == NULL || !json_is_object(cats) ||
	    !json_is_string(json_object_get(root, "format")) ||
	    strcmp(json_string_value(json_object_get(root, "format")),
	           STATE_FORMAT) != 0) {
		rc = VZ_E_PARSE;
		vz__error_set(err, rc, file, "corrupt state file (it records "
		              "the catalogue versions accepted so far; restore "
		              "or remove it)");
		goto out;
	}
	if (!state_entries_ok(cats)) {
		rc = VZ_E_PARSE;
		vz__error_set(err, rc, file, "corrupt state file: each entry "
		              "of \"catalogs\" must be an object whose "
		              "\"version\" is a non-negative integer (it "
		              "records the catalogue versions accepted so far; "
		              "restore or remove it)");
		goto out;
	}
out:
	vz__free(data);
	if (rc != VZ_OK) {
		json_decref(root);
		root = NULL;
	}
	*out = root;
	return rc;
}

static int64_t state_version(json_t *root, const char *id)
{
	json_t *e = json_object_get(json_object_get(root, "catalogs"), id);
	json_t *v = json_object_get(e, "version");

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
}

vz_status vz__state_get(const char *file, const char *id, int64_t *version,
                        vz_error *err)
{
	json_t *root = NULL;
	vz_status rc;

	*version = -1;
	rc = state_load(file, &root, err);
	if (rc == VZ_OK)
		*version = state_version(root, id);
	json_decref(root);
	return rc;
}

static void rfc3339(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "1970-01-01T00:00:00Z");
}

static void parent_dir(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(buf, size, ".");
	else if (slash == path)
		snprintf(buf, size, "/");
	else
		snprintf(buf, size, "%.*s", (int)(slash - path), path);
}

vz_status vz__state_record(const char *file, const char *id,
                           int64_t version, int64_t now, vz_error *err)
{
	char lock[4096], dir[4096], when[32];
	json_t *root = NULL, *entry = NULL;
	char *text = NULL;
	struct flock fl;
	int fd = -1, n;
	vz_status rc = VZ_E_IO;

	parent_dir(file, dir, sizeof(dir));
	/* The state directory is made on first use (one level only). */
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		vz__error_set(err, rc, file, "cannot create %s: %s", dir,
		              strerror(errno));
		goto out;
	}
	n = snprintf(lock, sizeof(lock), "%s.lock", file);
	if (n < 0 || (size_t)n >= sizeof(lock)) {
		vz__error_set(err, rc, file, "path too long");
		goto out;
	}
	/*
	 * Read-modify-write under an exclusive lock, so two tools accepting
	 * catalogues at once cannot lower each other's record.
	 */
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fd < 0 || fcntl(fd, F_SETLKW, &fl) != 0) {
		vz__error_set(err, rc, file, "cannot lock: %s",
		              strerror(errno));
		goto out;
	}
	rc = state_load(file, &root, err);
	if (rc != VZ_OK)
		goto out;
	if (state_version(root, id) >= version)
		goto out; /* never lower it; equal needs no write */
	rfc3339(now, when, sizeof(when));
	entry = json_pack("{s:I, s:s}", "version", (json_int_t)version,
	                  "accepted", when);
	if (entry == NULL ||
	    json_object_set_new(json_object_get(root, "catalogs"), id,
	                        entry) != 0) {
		entry = NULL;
		rc = VZ_E_NOMEM;
		goto out;
	}
	text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (text == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	{
		struct vz_buf b;

		vz__buf_init(&b);
		vz__buf_printf(&b, "%s\n", text);
		if (b.failed) {
			vz__buf_free(&b);
			rc = VZ_E_NOMEM;
			goto out;
		}
		rc = vz__file_write_atomic(file, b.data, b.len, 0644, err);
		vz__buf_free(&b);
	}
out:
	if (fd >= 0)
		close(fd); /* releases the lock */
	vz__json_free(text);
	json_decref(root);
	return rc;
}

/* ---- opening -------------------------------------------------------- */

static void diag_err(vz_diags *d, const vz_error *e)
{
	vz__diag_add(d, VZ_SEV_ERROR, e->code, e->file[0] ? e->file : NULL,
	             0, 0, NULL, "%s", e->msg);
}

/*
 * Expiry of a catalogue: a calendar date means "valid through that day"
 * (UTC), so it expires at the following midnight; a date-time is exact.
 */
static int expiry_of(const char *s, int64_t *t)
{
	if (s == NULL || vz__date_parse(s, t) != 0)
		return -1;
	if (strlen(s) == 10)
		*t += 86400;
	return 0;
}

static vz_status verify_sig(const char *path, const char *sigpath,
                            const char *signame, const char *data,
                            size_t len,
                            const vz_open_opts *o, vz_open_info *info,
                            vz_diags *diags)
{
	char keypath[4096], *sigtext = NULL;
	size_t siglen = 0;
	vz_pubkey *pk = NULL;
	vz_sig *sig = NULL;
	vz_error err;
	vz_status rc;

	vz_error_clear(&err);
	rc = vz__file_read(sigpath, VZ_SIGFILE_MAX, &sigtext, &siglen, &err);
	if (rc == VZ_E_NOTFOUND) {
		info->signature = VZ_SIG_UNSIGNED;
		if (o->flags & VZ_OPEN_ALLOW_UNSIGNED) {
			vz__diag_add(diags, VZ_SEV_WARNING, VZ_E_UNSIGNED,
			             path, 0, 0, NULL, "catalogue is NOT "
			             "SIGNED (no %s); used only because "
			             "unsigned catalogues were allowed",
			             signame);
			rc = VZ_OK;
		} else {
			rc = VZ_E_UNSIGNED;
			vz__diag_add(diags, VZ_SEV_ERROR, rc, path, 0, 0,
			             NULL, "catalogue is not signed (no %s); "
			             "refused", signame);
		}
		goto out;
	}
	info->signature = VZ_SIG_INVALID;
	if (rc != VZ_OK) {
		vz__diag_add(diags, VZ_SEV_ERROR, err.code, signame, 0, 0,
		             NULL, "%s", err.msg);
		goto out;
	}
	if (o->key == NULL) {
		if (o->pubkey != NULL)
			snprintf(keypath, sizeof(keypath), "%s", o->pubkey);
		else
			vz_pubkey_default_path(keypath, sizeof(keypath));
		rc = vz_pubkey_load(keypath, &pk, &err);
		if (rc != VZ_OK) {
			diag_err(diags, &err);
			goto out;
		}
	}
	rc = vz_sig_parse(sigtext, siglen, signame, &sig, &err);
	if (rc == VZ_OK) {
		vz_sig_keyid(sig, info->key_id);
		rc = vz_sig_verify(sig, o->key ? o->key : pk, data, len, path,
		                   &err);
	}
	if (rc != VZ_OK) {
		diag_err(diags, &err);
		goto out;
	}
	info->signature = VZ_SIG_VALID;
	snprintf(info->trusted_comment, sizeof(info->trusted_comment), "%s",
	         vz_sig_trusted_comment(sig));
out:
	vz_sig_free(sig);
	vz_pubkey_free(pk);
	vz__free(sigtext);
	return rc;
}

static vz_status check_freshness(const char *path, const vz_catalog *cat,
                                 const vz_open_opts *o, int64_t now,
                                 vz_open_info *info, vz_diags *diags)
{
	const char *exp = vz_catalog_expires(cat);
	int64_t t, days;

	if (expiry_of(exp, &t) != 0) {
		vz__diag_add(diags, VZ_SEV_ERROR, VZ_E_INVALID, path, 0, 0,
		             "expires", "no valid expiry date");
		return VZ_E_INVALID;
	}
	info->expires = t;
	if (now < t)
		return VZ_OK;
	days = (now - t) / 86400;
	if (now - t >= o->grace) {
		vz__diag_add(diags, VZ_SEV_ERROR, VZ_E_EXPIRED, path, 0, 0,
		             NULL, "catalogue expired on %s (%lld days ago) "
		             "and is refused after a grace period of %lld "
		             "days; update it", exp, (long long)days,
		             (long long)(o->grace / 86400));
		return VZ_E_EXPIRED;
	}
	info->expired = 1;
	vz__diag_add(diags, VZ_SEV_WARNING, VZ_E_EXPIRED, path, 0, 0, NULL,
	             "catalogue expired on %s; it will be refused in %lld "
	             "days; update it", exp,
	             (long long)((o->grace - (now - t)) / 86400 + 1));
	return VZ_OK;
}

static vz_status check_version(const char *path, vz_catalog *cat,
                               const vz_open_opts *o, int64_t now,
                               vz_open_info *info, vz_diags *diags)
{
	char state[4096];
	int64_t v = vz_catalog_version(cat);
	vz_error err;
	vz_status rc;

	vz_error_clear(&err);
	if (o->flags & VZ_OPEN_NO_STATE)
		return VZ_OK;
	vz__state_path(o, state, sizeof(state));
	rc = vz__state_get(state, vz_catalog_id(cat), &info->previous, &err);
	if (rc != VZ_OK) {
		diag_err(diags, &err);
		return rc;
	}
	if (v < info->previous && (o->flags & VZ_OPEN_INSPECT)) {
		/* Read as given, for this command only: said, not refused,
		 * and the trusted catalogue's floor stays where it is. */
		info->older = 1;
		vz__catalog_set_trusted_version(cat, info->previous);
		vz__diag_add(diags, VZ_SEV_WARNING, VZ_E_ROLLBACK, path, 0, 0,
		             NULL, "catalogue %s version %lld is older than "
		             "the trusted version %lld (recorded in %s); used "
		             "as given, for this command only",
		             vz_catalog_id(cat), (long long)v,
		             (long long)info->previous, state);
		return VZ_OK;
	}
	if (v < info->previous) {
		vz__diag_add(diags, VZ_SEV_ERROR, VZ_E_ROLLBACK, path, 0, 0,
		             NULL, "catalogue %s version %lld is older than "
		             "version %lld accepted before (recorded in %s); "
		             "refused as a possible rollback",
		             vz_catalog_id(cat), (long long)v,
		             (long long)info->previous, state);
		return VZ_E_ROLLBACK;
	}
	/* Only a verified catalogue may raise the floor: an unsigned one
	 * could otherwise lock the real catalogue out. */
	if (v == info->previous || info->signature != VZ_SIG_VALID ||
	    (o->flags & (VZ_OPEN_NO_RECORD | VZ_OPEN_INSPECT)))
		return VZ_OK;
	rc = vz__state_record(state, vz_catalog_id(cat), v, now, &err);
	if (rc == VZ_E_NOMEM)
		return rc;
	if (rc != VZ_OK) {
		vz__diag_add(diags, VZ_SEV_WARNING, rc, state, 0, 0, NULL,
		             "cannot record the accepted catalogue version, "
		             "so rollback protection will not remember it: "
		             "%s", err.msg);
		return VZ_OK;
	}
	info->recorded = 1;
	return VZ_OK;
}

vz_status vz_catalog_open(const char *path, const vz_open_opts *opts,
                          vz_catalog **out, vz_open_info *info,
                          vz_diags *diags)
{
	return vz__catalog_open_as(path, path, NULL, opts, out, info, diags);
}

vz_status vz__catalog_open_as(const char *path, const char *name,
                              const char *signame,
                              const vz_open_opts *opts, vz_catalog **out,
                              vz_open_info *info, vz_diags *diags)
{
	vz_open_opts defaults;
	vz_open_info own;
	char real[PATH_MAX], sigpath[PATH_MAX + 16], *data = NULL;
	size_t len = 0;
	vz_catalog *cat = NULL;
	vz_error err;
	int64_t now;
	vz_status rc;
	int n;

	*out = NULL;
	vz_error_clear(&err);
	if (opts == NULL) {
		vz_open_opts_init(&defaults);
		opts = &defaults;
	}
	if (info == NULL)
		info = &own;
	/* "invalid" until verified: nothing read is trusted before. */
	memset(info, 0, sizeof(*info));
	info->signature = VZ_SIG_INVALID;
	info->previous = -1;
	now = opts->now != 0 ? opts->now : (int64_t)time(NULL);
	/*
	 * Read the file that `path` resolves to, and look for its signature
	 * beside that file: `catalog update` swaps a symbolic link to switch
	 * catalogue and signature together, so both are taken from the same
	 * side of the swap.
	 */
	if (realpath(path, real) == NULL) {
		rc = errno == ENOMEM ? VZ_E_NOMEM : VZ_E_IO;
		vz__diag_add(diags, VZ_SEV_ERROR, rc, name, 0, 0, NULL,
		             "cannot open: %s", strerror(errno));
		goto out;
	}
	rc = vz__file_read(real, VZ_CATFILE_MAX, &data, &len, &err);
	if (rc != VZ_OK) {
		if (rc == VZ_E_NOTFOUND)
			rc = VZ_E_IO;
		snprintf(err.file, sizeof(err.file), "%s", name);
		diag_err(diags, &err);
		goto out;
	}
	if (opts->signature != NULL)
		n = snprintf(sigpath, sizeof(sigpath), "%s", opts->signature);
	else
		n = snprintf(sigpath, sizeof(sigpath), "%s%s", real,
		             VZ_SIG_SUFFIX);
	if (n < 0 || (size_t)n >= sizeof(sigpath)) {
		rc = VZ_E_IO;
		vz__diag_add(diags, VZ_SEV_ERROR, rc, name, 0, 0, NULL,
		             "path too long");
		goto out;
	}
	rc = verify_sig(name, sigpath, signame ? signame : sigpath, data, len,
	                opts, info, diags);
	if (rc != VZ_OK)
		goto out;
	rc = vz_catalog_load_buffer(data, len, name, &cat, diags);
	if (rc != VZ_OK)
		goto out;
	/* Every output of a command says how its catalogue was verified. */
	vz__catalog_set_signature(cat, vz_sigstate_name(info->signature));
	snprintf(info->id, sizeof(info->id), "%s", vz_catalog_id(cat));
	info->version = vz_catalog_version(cat);
	/* Freshness first: the version is recorded only once all else
	 * has passed. */
	rc = check_freshness(name, cat, opts, now, info, diags);
	if (rc == VZ_OK)
		rc = check_version(name, cat, opts, now, info, diags);
	if (rc != VZ_OK)
		goto out;
	*out = cat;
	cat = NULL;
out:
	vz_catalog_free(cat);
	vz__free(data);
	return rc;
}
