/*
 * lib/verify/update.c - fetch a signed catalogue and install it only if
 * it verifies.
 *
 * A catalogue and its signature are two files, and no POSIX call renames
 * two files at once. So an update never renames them into place one by
 * one. Instead each version lives in its own directory beside the
 * destination, and DEST is a symbolic link into it:
 *
 *   DEST          -> .NAME.XXXXXX/NAME
 *   DEST.minisig  -> .NAME.XXXXXX/NAME.minisig   (for minisign -V users)
 *   .NAME.XXXXXX/ NAME, NAME.minisig             (never changed once made)
 *
 * Both files are downloaded into a fresh directory, fsynced, and
 * verified there (signature, validity, expiry, rollback) exactly as
 * vz_catalog_open would verify them in place. Then one rename() of a new
 * symbolic link over DEST switches catalogue and signature together:
 * vz_catalog_open resolves DEST and takes the signature from beside the
 * file it resolves to. A crash before that rename leaves the old pair; a
 * crash after it leaves the new pair. The DEST.minisig link follows;
 * until it does, only `minisign -V DEST` would see the old signature.
 * The previous version's directory is kept (a reader that resolved the
 * old link a moment earlier can still read it); older ones are removed.
 *
 * Updates of one destination are serialised by a lock on .NAME.lock.
 */
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "verify_int.h"
#include "vz_config.h"

struct dl {
	int fd;
	size_t got, max;
	int too_big, write_failed;
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
	struct dl *d = ud;
	size_t n = size * nmemb;

	if (n > d->max - d->got) {
		d->too_big = 1;
		return 0; /* makes curl abort the transfer */
	}
	while (n > 0) {
		ssize_t w = write(d->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			d->write_failed = 1;
			return 0;
		}
		p += w;
		n -= (size_t)w;
		d->got += (size_t)w;
	}
	return size * nmemb;
}

static vz_status fetch(const char *url, const char *file, size_t max,
                       long timeout, vz_diags *diags)
{
	char ebuf[CURL_ERROR_SIZE];
	struct dl d;
	CURL *c = NULL;
	CURLcode res;
	long code = 0;
	vz_status rc = VZ_E_IO;

	memset(&d, 0, sizeof(d));
	ebuf[0] = '\0';
	d.max = max;
	d.fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (d.fd < 0) {
		vz__diag_add(diags, VZ_SEV_ERROR, rc, file, 0, 0, NULL,
		             "cannot create: %s", strerror(errno));
		goto out;
	}
	c = curl_easy_init();
	if (c == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	/* The content is authenticated by its signature, not by the
	 * transport, so plain http is acceptable; other schemes are not. */
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "voorzorg/" VZ_VERSION);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &d);
	res = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (d.too_big || res == CURLE_FILESIZE_EXCEEDED) {
		vz__diag_add(diags, VZ_SEV_ERROR, rc, url, 0, 0, NULL,
		             "download larger than the limit of %zu bytes; "
		             "refused", max);
		goto out;
	}
	if (d.write_failed) {
		vz__diag_add(diags, VZ_SEV_ERROR, rc, file, 0, 0, NULL,
		             "cannot write the download: %s",
		             strerror(errno));
		goto out;
	}
	if (res != CURLE_OK) {
		vz__diag_add(diags, VZ_SEV_ERROR, rc, url, 0, 0, NULL,
		             "download failed: %s",
		             ebuf[0] ? ebuf : curl_easy_strerror(res));
		goto out;
	}
	if (fsync(d.fd) != 0) {
		vz__diag_add(diags, VZ_SEV_ERROR, rc, file, 0, 0, NULL,
		             "cannot sync: %s", strerror(errno));
		goto out;
	}
	rc = VZ_OK;
out:
	if (c != NULL)
		curl_easy_cleanup(c);
	if (d.fd >= 0 && close(d.fd) != 0 && rc == VZ_OK) {
		rc = VZ_E_IO;
		vz__diag_add(diags, VZ_SEV_ERROR, rc, file, 0, 0, NULL,
		             "cannot write: %s", strerror(errno));
	}
	return rc;
}

/*
 * snprintf for paths, which must never be silently cut short: 0, or -1
 * if the result did not fit.
 */
static int pathf(char *buf, size_t size, const char *fmt, ...)
    VZ__PRINTF(3, 4);

static int pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

void vz_update_opts_init(vz_update_opts *o)
{
	memset(o, 0, sizeof(*o));
	vz_open_opts_init(&o->open);
}

static int is_http(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 ||
	       strncasecmp(url, "https://", 8) == 0;
}

/* Remove a version directory: our two files, then the directory. */
static void remove_version(const char *dir, const char *base)
{
	char p[4096];

	if (pathf(p, sizeof(p), "%s/%s", dir, base) == 0)
		unlink(p);
	if (pathf(p, sizeof(p), "%s/%s%s", dir, base, VZ_SIG_SUFFIX) == 0)
		unlink(p);
	rmdir(dir);
}

/*
 * Is `name` a version directory of ours: "." base "." and six more
 * characters, the shape mkdtemp gives?
 */
static int is_version_dir(const char *name, const char *base)
{
	size_t bl = strlen(base);

	return name[0] == '.' && strncmp(name + 1, base, bl) == 0 &&
	       name[1 + bl] == '.' && strlen(name) == bl + 8 &&
	       strchr(name + 2 + bl, '/') == NULL;
}

/* The version directory a link in `dir` points into, or "" if none. */
static void link_version(const char *link, const char *base, char *out,
                         size_t size)
{
	char t[4096];
	ssize_t n = readlink(link, t, sizeof(t) - 1);
	char *slash;

	out[0] = '\0';
	if (n <= 0)
		return;
	t[n] = '\0';
	slash = strchr(t, '/');
	if (slash == NULL)
		return;
	*slash = '\0';
	if (is_version_dir(t, base) && pathf(out, size, "%s", t) != 0)
		out[0] = '\0';
}

/* Remove version directories other than `keep1` and `keep2`. */
static void prune(const char *dir, const char *base, const char *keep1,
                  const char *keep2)
{
	char p[4096];
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!is_version_dir(e->d_name, base) ||
		    strcmp(e->d_name, keep1) == 0 ||
		    strcmp(e->d_name, keep2) == 0)
			continue;
		if (pathf(p, sizeof(p), "%s/%s", dir, e->d_name) == 0)
			remove_version(p, base);
	}
	closedir(d);
}

/* Point `link` at `target` atomically: new link beside it, rename. */
static int swap_link(const char *target, const char *tmp, const char *link)
{
	unlink(tmp);
	if (symlink(target, tmp) != 0)
		return -1;
	if (rename(tmp, link) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

vz_status vz_catalog_update(const char *url, const char *dest,
                            const vz_update_opts *opts, vz_open_info *info,
                            vz_diags *diags)
{
	vz_update_opts defaults;
	vz_open_opts oo;
	char def[4096], dir[4096], tmpdir[4096], cat_tmp[4096];
	char sig_tmp[4096], sigurl[4096], lockp[4096], link_tmp[4096];
	char target[4096], target2[4096], siglink[4096], statep[4096];
	char old[256];
	const char *base, *slash, *ver;
	vz_catalog *cat = NULL;
	struct flock fl;
	vz_error err;
	int lockfd = -1, made_dir = 0, installed = 0, inited = 0;
	size_t max;
	long timeout;
	vz_status rc = VZ_E_IO;

	vz_error_clear(&err);
	if (info != NULL) {
		memset(info, 0, sizeof(*info));
		info->signature = VZ_SIG_INVALID; /* nothing verified yet */
		info->previous = -1;
	}
	if (opts == NULL) {
		vz_update_opts_init(&defaults);
		opts = &defaults;
	}
	if (!is_http(url) ||
	    (opts->sig_url != NULL && !is_http(opts->sig_url))) {
		rc = VZ_E_USAGE;
		vz__diag_add(diags, VZ_SEV_ERROR, rc, url, 0, 0, NULL,
		             "only http:// and https:// URLs are supported");
		goto out;
	}
	if (dest == NULL) {
		if (pathf(def, sizeof(def), "%s/voorzorg.json",
		          vz_state_dir()) != 0)
			goto toolong;
		dest = def;
	}
	max = opts->max_bytes ? opts->max_bytes : VZ_UPDATE_MAX_DEFAULT;
	timeout = opts->timeout > 0 ? opts->timeout : 300;
	slash = strrchr(dest, '/');
	base = slash ? slash + 1 : dest;
	if (base[0] == '\0' || strlen(base) > 200 ||
	    strlen(dest) > 3000 || strlen(url) > 3000) {
		rc = VZ_E_USAGE;
		vz__diag_add(diags, VZ_SEV_ERROR, rc, dest, 0, 0, NULL,
		             "not a usable destination file name");
		goto out;
	}
	if (pathf(dir, sizeof(dir), "%.*s",
	          slash && slash != dest ? (int)(slash - dest) : 1,
	          slash == NULL ? "." : slash == dest ? "/" : dest) != 0 ||
	    pathf(sigurl, sizeof(sigurl), "%s%s",
	          opts->sig_url ? opts->sig_url : url,
	          opts->sig_url ? "" : VZ_SIG_SUFFIX) != 0)
		goto toolong;
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		vz__diag_add(diags, VZ_SEV_ERROR, rc, dir, 0, 0, NULL,
		             "cannot create: %s", strerror(errno));
		goto out;
	}
	if (pathf(lockp, sizeof(lockp), "%s/.%s.lock", dir, base) != 0 ||
	    pathf(tmpdir, sizeof(tmpdir), "%s/.%s.XXXXXX", dir, base) != 0)
		goto toolong;
	lockfd = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (lockfd < 0 || fcntl(lockfd, F_SETLKW, &fl) != 0) {
		vz__diag_add(diags, VZ_SEV_ERROR, rc, lockp, 0, 0, NULL,
		             "cannot lock: %s", strerror(errno));
		goto out;
	}
	if (mkdtemp(tmpdir) == NULL || chmod(tmpdir, 0755) != 0) {
		vz__diag_add(diags, VZ_SEV_ERROR, rc, dir, 0, 0, NULL,
		             "cannot create a directory for the download: %s",
		             strerror(errno));
		goto out;
	}
	made_dir = 1;
	ver = strrchr(tmpdir, '/') + 1;
	if (pathf(cat_tmp, sizeof(cat_tmp), "%s/%s", tmpdir, base) != 0 ||
	    pathf(sig_tmp, sizeof(sig_tmp), "%s/%s%s", tmpdir, base,
	          VZ_SIG_SUFFIX) != 0 ||
	    pathf(link_tmp, sizeof(link_tmp), "%s.lnk", tmpdir) != 0 ||
	    pathf(target, sizeof(target), "%s/%s", ver, base) != 0 ||
	    pathf(target2, sizeof(target2), "%s/%s%s", ver, base,
	          VZ_SIG_SUFFIX) != 0 ||
	    pathf(siglink, sizeof(siglink), "%s%s", dest,
	          VZ_SIG_SUFFIX) != 0)
		goto toolong;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		rc = VZ_E_INTERNAL;
		vz__diag_add(diags, VZ_SEV_ERROR, rc, url, 0, 0, NULL,
		             "cannot initialise libcurl");
		goto out;
	}
	inited = 1;
	rc = fetch(url, cat_tmp, max, timeout, diags);
	if (rc == VZ_OK)
		rc = fetch(sigurl, sig_tmp, VZ_SIGFILE_MAX, timeout, diags);
	if (rc != VZ_OK)
		goto out;
	if (vz__fsync_parent(cat_tmp) != 0) {
		rc = VZ_E_IO;
		vz__diag_add(diags, VZ_SEV_ERROR, rc, tmpdir, 0, 0, NULL,
		             "cannot sync: %s", strerror(errno));
		goto out;
	}
	/* Verify where it lies, as a reader would; unsigned never passes,
	 * and the version is recorded only once it is installed. */
	oo = opts->open;
	oo.flags &= ~VZ_OPEN_ALLOW_UNSIGNED;
	oo.flags |= VZ_OPEN_NO_RECORD;
	oo.signature = NULL;
	/* Messages name what was downloaded, not the temporary copies
	 * (removed when this fails). */
	rc = vz__catalog_open_as(cat_tmp, url, sigurl, &oo, &cat, info,
	                         diags);
	if (rc != VZ_OK)
		goto out;
	/* The commit point: one rename switches both files. */
	link_version(dest, base, old, sizeof(old));
	if (swap_link(target, link_tmp, dest) != 0) {
		rc = VZ_E_IO;
		vz__diag_add(diags, VZ_SEV_ERROR, rc, dest, 0, 0, NULL,
		             "cannot install: %s", strerror(errno));
		goto out;
	}
	installed = 1;
	if (vz__fsync_parent(dest) != 0)
		vz__diag_add(diags, VZ_SEV_WARNING, VZ_E_IO, dir, 0, 0, NULL,
		             "cannot sync the directory: %s",
		             strerror(errno));
	if (swap_link(target2, link_tmp, siglink) != 0 ||
	    vz__fsync_parent(dest) != 0)
		vz__diag_add(diags, VZ_SEV_WARNING, VZ_E_IO, siglink, 0, 0,
		             NULL, "cannot link the signature beside the "
		             "catalogue (voorzorg is not affected; minisign "
		             "-V on it will fail): %s", strerror(errno));
	if (!(opts->open.flags & VZ_OPEN_NO_STATE) &&
	    !(opts->open.flags & VZ_OPEN_NO_RECORD)) {
		vz__state_path(&opts->open, statep, sizeof(statep));
		rc = vz__state_record(statep, vz_catalog_id(cat),
		                      vz_catalog_version(cat),
		                      opts->open.now ? opts->open.now
		                                     : (int64_t)time(NULL),
		                      &err);
		if (rc == VZ_OK && info != NULL)
			info->recorded = 1;
		if (rc != VZ_OK)
			vz__diag_add(diags, VZ_SEV_WARNING, rc, statep, 0, 0,
			             NULL, "cannot record the accepted "
			             "version: %s", err.msg);
		rc = VZ_OK;
	}
	prune(dir, base, ver, old);
	rc = VZ_OK;
	goto out;
toolong:
	rc = VZ_E_USAGE;
	vz__diag_add(diags, VZ_SEV_ERROR, rc, dest, 0, 0, NULL,
	             "path or URL too long");
out:
	if (made_dir && !installed)
		remove_version(tmpdir, base);
	if (inited)
		curl_global_cleanup();
	if (lockfd >= 0)
		close(lockfd);
	vz_catalog_free(cat);
	return rc;
}
