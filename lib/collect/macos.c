/*
 * lib/collect/macos.c - what a macOS volume says is installed: bundles
 * (applications, kernel and system extensions) found by the file walk,
 * installer receipts ("receipts" collector) and launchd jobs ("launchd"
 * collector), and the Team ID in a bundle executable's code signature.
 *
 * - A bundle is read from its Contents/Info.plist (Info.plist for iOS-
 *   style bundles): CFBundleIdentifier, CFBundleName, the version, and
 *   CFBundleExecutable, whose Mach-O code signature gives the Team ID.
 * - Receipts: the plists in /var/db/receipts (PackageIdentifier,
 *   PackageVersion) are the installer's package database, as dpkg's
 *   status file is Debian's: a receipt means installed.
 * - launchd jobs: the plists in /Library/LaunchDaemons, LaunchAgents
 *   (also under /System/Library and each user's Library), by Label.
 * Paths are found ignoring case, as on APFS, and every open stays inside
 * the root; bundle contents are opened one component at a time without
 * following links.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect_int.h"

#define PLIST_MAX ((size_t)16 << 20)
#define MACHO_HEAD (64 * 1024)

static int openat_nofollow(int dfd, const char *name, int flags)
{
	return openat(dfd, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
}

/* Read the plist open at fd and pick out `keys`. 0, -1 (why), -2. */
static int read_plist(int fd, const char *const *keys, char **vals,
                      size_t n, const char **why)
{
	char *data = NULL;
	size_t len = 0;
	vz_status rc = vz__read_fd(fd, PLIST_MAX, &data, &len);
	int r;

	if (rc == VZ_E_NOMEM)
		return -2;
	if (rc != VZ_OK) {
		*why = errno == EFBIG ? "property list larger than 16 MiB"
		                      : "cannot read the property list";
		return -1;
	}
	r = vz__plist_strings(data, len, keys, vals, n, why);
	vz__free(data);
	return r;
}

static void free_vals(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		vz__free(v[i]);
}

/* ---- Team IDs from Mach-O code signatures ------------------------------- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/*
 * The teamID of the first CodeDirectory in a SuperBlob of `n` bytes into
 * *team (NULL if none). VZ_E_NOMEM, else VZ_OK.
 */
static vz_status team_from_blob(const unsigned char *b, size_t n,
                                char **team)
{
	uint32_t count, i;

	*team = NULL;
	if (n < 12 || be32(b) != 0xfade0cc0u)
		return VZ_OK;
	count = be32(b + 8);
	if (count > (n - 12) / 8)
		return VZ_OK;
	for (i = 0; i < count; i++) {
		uint32_t type = be32(b + 12 + 8 * i);
		uint32_t off = be32(b + 16 + 8 * i), len, ver, at;
		const unsigned char *cd;
		size_t k;

		if (type != 0 || off > n || n - off < 52)
			continue;
		cd = b + off;
		len = be32(cd + 4);
		ver = be32(cd + 8);
		if (be32(cd) != 0xfade0c02u || len < 52 || len > n - off ||
		    ver < 0x20200)
			return VZ_OK;
		at = be32(cd + 48);
		if (at == 0 || at >= len)
			return VZ_OK;
		for (k = at; k < len && cd[k]; k++)
			if (cd[k] < 0x21 || cd[k] > 0x7e)
				return VZ_OK;
		if (k == len || k == at)
			return VZ_OK;
		*team = vz__strndup((const char *)cd + at, k - at);
		return *team ? VZ_OK : VZ_E_NOMEM;
	}
	return VZ_OK;
}

typedef int (*read_fn)(void *ctx, unsigned char *out, size_t n,
                       uint64_t off);

/* A thin Mach-O whose header is b (len bytes) at file offset `base`. */
static vz_status thin_team(const unsigned char *b, size_t len, uint64_t base,
                           read_fn read_at, void *ctx, char **team)
{
	uint32_t magic, ncmds, i, at;
	unsigned char *sig;
	vz_status rc;

	if (len < 32)
		return VZ_OK;
	magic = le32(b);
	if (magic != 0xfeedfaceu && magic != 0xfeedfacfu)
		return VZ_OK;
	ncmds = le32(b + 16);
	at = magic == 0xfeedfacfu ? 32 : 28;
	for (i = 0; i < ncmds && at <= len - 8; i++) {
		uint32_t cmd = le32(b + at), size = le32(b + at + 4);

		if (size < 8 || size > len - at)
			return VZ_OK;
		if (cmd == 0x1d && size >= 16) { /* LC_CODE_SIGNATURE */
			uint32_t off = le32(b + at + 8), n = le32(b + at + 12);

			if (n < 12 || n > (1u << 24))
				return VZ_OK;
			sig = vz__malloc(n);
			if (sig == NULL)
				return VZ_E_NOMEM;
			rc = read_at(ctx, sig, n, base + off) == 0
			         ? team_from_blob(sig, n, team)
			         : VZ_OK;
			vz__free(sig);
			return rc;
		}
		at += size;
	}
	return VZ_OK;
}

vz_status vz__macho_team_id(const unsigned char *b, size_t len,
                            int (*read_at)(void *ctx, unsigned char *out,
                                           size_t n, uint64_t off),
                            void *ctx, char **team)
{
	uint64_t base;
	uint32_t magic;
	unsigned char *h;
	vz_status rc;

	*team = NULL;
	if (len < 8)
		return VZ_OK;
	magic = be32(b);
	if (magic != 0xcafebabeu && magic != 0xcafebabfu)
		return thin_team(b, len, 0, read_at, ctx, team);
	/* A universal binary: the first slice (fat_arch or fat_arch_64). */
	if (be32(b + 4) == 0 || len < 48)
		return VZ_OK;
	base = magic == 0xcafebabeu
	           ? be32(b + 16)
	           : ((uint64_t)be32(b + 16) << 32 | be32(b + 20));
	if (base < len && len - base >= 4096)
		return thin_team(b + base, len - base, base, read_at, ctx,
		                 team);
	h = vz__malloc(4096);
	if (h == NULL)
		return VZ_E_NOMEM;
	rc = read_at(ctx, h, 4096, base) == 0
	         ? thin_team(h, 4096, base, read_at, ctx, team)
	         : VZ_OK;
	vz__free(h);
	return rc;
}

struct fdread {
	int fd;
};

static int fd_read_at(void *ctx, unsigned char *out, size_t n, uint64_t off)
{
	struct fdread *r = ctx;
	size_t got = 0;

	while (got < n) {
		ssize_t k = pread(r->fd, out + got, n - got,
		                  (off_t)(off + got));

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	return 0;
}

/* The Team ID of Contents/MacOS/EXE (Contents open at cfd), if any. */
static vz_status bundle_team(int cfd, const char *exe, char **team)
{
	unsigned char *head = NULL;
	struct fdread r = {-1};
	vz_status rc = VZ_OK;
	ssize_t n;
	int mfd;

	*team = NULL;
	if (cfd < 0 || exe == NULL || strchr(exe, '/') != NULL ||
	    exe[0] == '.')
		return VZ_OK;
	mfd = openat_nofollow(cfd, "MacOS", O_RDONLY | O_DIRECTORY);
	if (mfd < 0)
		return VZ_OK;
	r.fd = openat_nofollow(mfd, exe, O_RDONLY);
	close(mfd);
	if (r.fd < 0)
		return VZ_OK;
	head = vz__malloc(MACHO_HEAD);
	if (head == NULL) {
		rc = VZ_E_NOMEM;
	} else {
		n = pread(r.fd, head, MACHO_HEAD, 0);
		if (n > 0)
			rc = vz__macho_team_id(head, (size_t)n, fd_read_at, &r,
			                       team);
	}
	vz__free(head);
	close(r.fd);
	return rc;
}

/* ---- bundles ------------------------------------------------------------- */

static const char *bundle_kind(const char *name)
{
	size_t n = strlen(name);

	if (n > 5 && strcasecmp(name + n - 5, ".kext") == 0)
		return "kernel extension";
	if (n > 16 && strcasecmp(name + n - 16, ".systemextension") == 0)
		return "system extension";
	if (n > 4 && strcasecmp(name + n - 4, ".app") == 0)
		return "application";
	return "bundle";
}

enum { B_ID, B_NAME, B_SHORT, B_VERSION, B_EXE, B_N };

static vz_status emit_bundle(struct vz_cctx *c, const char *path,
                             const char *kind_name, char **v,
                             const char *team)
{
	char detail[768];
	const char *ver = v[B_SHORT] ? v[B_SHORT] : v[B_VERSION];
	vz_record r;

	snprintf(detail, sizeof(detail), "%s, CFBundleIdentifier %s%s%s%s%s",
	         bundle_kind(kind_name), v[B_ID], v[B_NAME] ? ", name " : "",
	         v[B_NAME] ? v[B_NAME] : "", ver ? ", version " : "",
	         ver ? ver : "");
	if (team != NULL) {
		size_t n = strlen(detail);

		snprintf(detail + n, sizeof(detail) - n, ", Team ID %s", team);
	}
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_BUNDLE;
	r.name = path;
	r.ident = v[B_ID];
	r.version = ver;
	r.team_id = team;
	r.platform = "macos";
	r.detail = detail;
	r.flags = strcmp(bundle_kind(kind_name), "kernel extension") == 0
	              ? VZ_RECF_DRIVER
	              : 0;
	vz__stats_add(c->st, VZ_STAT_BUNDLES, 1);
	return vz__emit_as(c, &r, "bundle");
}

static vz_status bundle_problem(struct vz_cctx *c, const char *path,
                                int direct, int unreadable, const char *why,
                                vz_error *err)
{
	if (direct) {
		vz__error_set(err, VZ_E_PARSE, path, "%s", why);
		return VZ_E_PARSE;
	}
	vz__stats_problem(c->st, "bundle", unreadable, why, path);
	return VZ_OK;
}

vz_status vz__bundle_examine(struct vz_cctx *c, int dfd, const char *name,
                             const char *path, int direct, vz_error *err)
{
	static const char *const keys[B_N] = {
		"CFBundleIdentifier", "CFBundleName",
		"CFBundleShortVersionString", "CFBundleVersion",
		"CFBundleExecutable"};
	char *v[B_N] = {NULL, NULL, NULL, NULL, NULL}, *team = NULL;
	const char *why = NULL;
	int bfd, cfd, pfd = -1, r;
	vz_status rc = VZ_OK;

	bfd = openat_nofollow(dfd, name, O_RDONLY | O_DIRECTORY);
	if (bfd < 0)
		return VZ_OK; /* the walk counts what it cannot enter */
	cfd = openat_nofollow(bfd, "Contents", O_RDONLY | O_DIRECTORY);
	pfd = openat_nofollow(cfd >= 0 ? cfd : bfd, "Info.plist", O_RDONLY);
	if (pfd < 0) {
		rc = bundle_problem(c, path, direct, 0,
		                    "bundle without Contents/Info.plist", err);
		goto out;
	}
	r = read_plist(pfd, keys, v, B_N, &why);
	if (r == -2) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	if (r != 0 || v[B_ID] == NULL) {
		rc = bundle_problem(c, path, direct, r != 0,
		                    r != 0 ? why
		                           : "Info.plist without "
		                             "CFBundleIdentifier",
		                    err);
		goto out;
	}
	rc = bundle_team(cfd, v[B_EXE], &team);
	if (rc == VZ_OK)
		rc = emit_bundle(c, path, name, v, team);
out:
	vz__free(team);
	free_vals(v, B_N);
	if (pfd >= 0)
		close(pfd);
	if (cfd >= 0)
		close(cfd);
	close(bfd);
	return rc;
}

/* ---- receipts and launchd jobs ------------------------------------------ */

enum { R_ID, R_VERSION, R_N };
enum { L_LABEL, L_PROGRAM, L_ARGS, L_N };

static vz_status emit_receipt(struct vz_cctx *c, const char *path, char **v)
{
	char detail[600];
	vz_record r;

	snprintf(detail, sizeof(detail), "installer receipt %s%s%s", path,
	         v[R_VERSION] ? ", version " : "",
	         v[R_VERSION] ? v[R_VERSION] : "");
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_PACKAGE;
	r.origin = path;
	r.name = v[R_ID];
	r.version = v[R_VERSION];
	r.ecosystem = "macos-pkg";
	r.platform = "macos";
	r.flags = VZ_RECF_RECEIPT;
	r.pkg_state = VZ_PKG_INSTALLED;
	r.detail = detail;
	vz__stats_add(c->st, VZ_STAT_PACKAGES, 1);
	return vz__emit(c, &r);
}

static vz_status emit_job(struct vz_cctx *c, const char *path,
                          const char *file, char **v)
{
	const char *prog = v[L_PROGRAM] ? v[L_PROGRAM] : v[L_ARGS];
	char label[256], detail[900];
	vz_record r;

	if (v[L_LABEL] != NULL) {
		snprintf(label, sizeof(label), "%s", v[L_LABEL]);
	} else {
		/* Without a Label, launchd would refuse it; name it anyway. */
		snprintf(label, sizeof(label), "%s", file);
		if (strlen(label) > 6 &&
		    strcasecmp(label + strlen(label) - 6, ".plist") == 0)
			label[strlen(label) - 6] = '\0';
	}
	snprintf(detail, sizeof(detail), "launchd job %s%s%s", path,
	         prog ? ", program " : "", prog ? prog : "");
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_SERVICE;
	r.origin = path;
	r.name = label;
	r.path = prog;
	r.platform = "macos";
	r.detail = detail;
	r.enabled = 1;
	vz__stats_add(c->st, VZ_STAT_SERVICES, 1);
	return vz__emit(c, &r);
}

/* Every *.plist in the directory `dir` (from the root), with `fn`. */
static vz_status each_plist(struct vz_cctx *c, const char *dir, int receipts)
{
	static const char *const rkeys[R_N] = {"PackageIdentifier",
	                                       "PackageVersion"};
	static const char *const lkeys[L_N] = {"Label", "Program",
	                                       "ProgramArguments"};
	int fd = vz__root_open_ci(c->rootfd, dir, O_RDONLY | O_DIRECTORY);
	char *v[3] = {NULL, NULL, NULL}, path[1024];
	struct dirent *d;
	vz_status rc = VZ_OK;
	DIR *dh;

	if (fd < 0)
		return VZ_OK;
	dh = fdopendir(fd);
	if (dh == NULL) {
		close(fd);
		return VZ_OK;
	}
	while (rc == VZ_OK && (d = readdir(dh)) != NULL) {
		size_t n = strlen(d->d_name);
		const char *why = NULL;
		int pfd, r;

		if (n <= 6 || strcasecmp(d->d_name + n - 6, ".plist") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		pfd = openat_nofollow(dirfd(dh), d->d_name, O_RDONLY);
		if (pfd < 0) {
			vz__stats_problem(c->st, c->name, 1, vz__errstr(errno),
			                  path);
			continue;
		}
		r = receipts ? read_plist(pfd, rkeys, v, R_N, &why)
		             : read_plist(pfd, lkeys, v, L_N, &why);
		close(pfd);
		if (r == -2) {
			rc = VZ_E_NOMEM;
			break;
		}
		if (r != 0) {
			vz__stats_problem(c->st, c->name, 1, why, path);
			continue;
		}
		if (receipts && v[R_ID] != NULL)
			rc = emit_receipt(c, path, v);
		else if (!receipts)
			rc = emit_job(c, path, d->d_name, v);
		free_vals(v, 3);
		v[0] = v[1] = v[2] = NULL;
	}
	closedir(dh);
	return rc;
}

static const char *const receipt_dirs[] = {"/private/var/db/receipts",
                                           "/var/db/receipts", NULL};
static const char *const job_dirs[] = {
	"/Library/LaunchDaemons", "/Library/LaunchAgents",
	"/System/Library/LaunchDaemons", "/System/Library/LaunchAgents",
	NULL};

static int dir_exists(struct vz_cctx *c, const char *dir)
{
	int fd = vz__root_open_ci(c->rootfd, dir, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int receipts_probe(struct vz_cctx *c)
{
	size_t i;

	for (i = 0; receipt_dirs[i]; i++)
		if (dir_exists(c, receipt_dirs[i])) {
			snprintf(c->detail, sizeof(c->detail), "%s",
			         receipt_dirs[i]);
			return 1;
		}
	snprintf(c->detail, sizeof(c->detail),
	         "no macOS installer receipts (/var/db/receipts)");
	return 0;
}

static vz_status receipts_collect(struct vz_cctx *c)
{
	/* /var is a link to /private/var on macOS: read the first only. */
	size_t i;

	for (i = 0; receipt_dirs[i]; i++)
		if (dir_exists(c, receipt_dirs[i]))
			return each_plist(c, receipt_dirs[i], 1);
	return VZ_OK;
}

static int launchd_probe(struct vz_cctx *c)
{
	size_t i;

	for (i = 0; job_dirs[i]; i++)
		if (dir_exists(c, job_dirs[i]))
			return 1;
	snprintf(c->detail, sizeof(c->detail),
	         "no launchd jobs (/Library/LaunchDaemons)");
	return 0;
}

static vz_status launchd_collect(struct vz_cctx *c)
{
	char dir[600];
	struct dirent *d;
	vz_status rc = VZ_OK;
	size_t i;
	DIR *dh;
	int fd;

	for (i = 0; job_dirs[i] && rc == VZ_OK; i++)
		rc = each_plist(c, job_dirs[i], 0);
	fd = vz__root_open_ci(c->rootfd, "/Users", O_RDONLY | O_DIRECTORY);
	dh = fd >= 0 ? fdopendir(fd) : NULL;
	if (dh == NULL) {
		if (fd >= 0)
			close(fd);
		return rc;
	}
	while (rc == VZ_OK && (d = readdir(dh)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "/Users/%s/Library/LaunchAgents",
		         d->d_name);
		rc = each_plist(c, dir, 0);
	}
	closedir(dh);
	return rc;
}

const struct vz_collector vz__collector_receipts = {
	"receipts", 0, receipts_probe, receipts_collect, NULL};
const struct vz_collector vz__collector_launchd = {
	"launchd", 0, launchd_probe, launchd_collect, NULL};

/* ---- a property list given by itself ----------------------------- */

vz_status vz__plist_file(struct vz_cctx *c, const char *path, vz_error *err)
{
	static const char *const keys[] = {
		"CFBundleIdentifier", "CFBundleName",
		"CFBundleShortVersionString", "CFBundleVersion",
		"CFBundleExecutable", "Label", "Program", "ProgramArguments",
		"PackageIdentifier", "PackageVersion"};
	char *v[10] = {NULL};
	const char *why = NULL, *base = strrchr(path, '/');
	vz_status rc = VZ_OK;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), r;

	if (fd < 0) {
		vz__error_set(err, VZ_E_IO, path, "cannot open: %s",
		              vz__errstr(errno));
		return VZ_E_IO;
	}
	r = read_plist(fd, keys, v, 10, &why);
	close(fd);
	if (r == -2)
		return VZ_E_NOMEM;
	if (r != 0) {
		vz__error_set(err, VZ_E_PARSE, path, "%s", why);
		return VZ_E_PARSE;
	}
	if (v[0] != NULL) {
		rc = emit_bundle(c, path, path, v, NULL);
	} else if (v[5] != NULL) {
		c->name = "launchd";
		rc = emit_job(c, path, base ? base + 1 : path, v + 5);
	} else if (v[8] != NULL) {
		c->name = "receipts";
		rc = emit_receipt(c, path, v + 8);
	}
	free_vals(v, 10);
	return rc;
}

/* ---- the host a macOS volume belongs to -------------------------- */

void vz__macos_host(int rootfd, char **os)
{
	static const char *const keys[] = {"ProductName", "ProductVersion",
	                                   "ProductBuildVersion"};
	char *v[3] = {NULL, NULL, NULL}, buf[256];
	const char *why;
	int fd = vz__root_open_ci(rootfd,
	                          "/System/Library/CoreServices/"
	                          "SystemVersion.plist",
	                          O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		return;
	if (read_plist(fd, keys, v, 3, &why) == 0 && v[0] != NULL) {
		snprintf(buf, sizeof(buf), "%s%s%s%s%s%s", v[0],
		         v[1] ? " " : "", v[1] ? v[1] : "",
		         v[2] ? " (" : "", v[2] ? v[2] : "", v[2] ? ")" : "");
		*os = vz__strdup(buf);
	}
	free_vals(v, 3);
	close(fd);
}
