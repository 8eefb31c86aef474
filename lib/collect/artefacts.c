/*
 * lib/collect/artefacts.c - what an examiner hands over one by one
 * instead of a whole root: exported registry hives (--hive), SBOMs
 * (--sbom), and files or directories (collected binaries, an extracted
 * application bundle, a folder of evidence).
 *
 * These are read with the same code as a root: hive.c, sbom*.c, pe.c,
 * macos.c and the file walk. The difference is who is told when they are
 * bad. A corrupt file met during a walk is counted and the walk goes on;
 * a file the user named is the whole point of the run, so if it cannot
 * be read, or is truncated or corrupt, the collection stops with an
 * error naming it ("FILE: what"), and the tool exits 2.
 *
 * A file given as a PATH is read for what its content shows (not its
 * name): "regf" a registry hive, "MZ" a PE file, "bplist00" or an XML
 * <plist> a property list (an Info.plist or a launchd job), '{' an SBOM.
 * It is always also a file record (hashed when a file-hash fingerprint
 * has its size), so path and hash fingerprints still apply.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "collect_int.h"

#define SBOM_MAX ((size_t)256 << 20)
#define PLIST_MAX ((size_t)16 << 20)

static void init_ctx(struct vz_cctx *c, const vz_collect_opts *opts,
                     const vz_sink *sink, vz_stats *st, const char *name)
{
	memset(c, 0, sizeof(*c));
	c->rootfd = -1;
	c->sink = sink;
	c->st = st;
	c->name = name;
	c->artefact = 1;
	c->progress = opts->progress;
	c->progress_ctx = opts->progress_ctx;
	clock_gettime(CLOCK_MONOTONIC, &c->last_progress);
}

static int open_file(const char *path, vz_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0) {
		vz__error_set(err, VZ_E_IO, path, "cannot open: %s",
		              vz__errstr(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		vz__error_set(err, VZ_E_IO, path, "not a regular file");
		close(fd);
		return -1;
	}
	return fd;
}

static vz_status read_hive(const vz_collect_opts *opts, const char *path,
                           const vz_sink *sink, vz_stats *st, vz_error *err)
{
#if VZ_HAVE_HIVEX
	struct vz_cctx c;
	vz_status rc;
	int fd = open_file(path, err);

	if (fd < 0)
		return VZ_E_IO;
	init_ctx(&c, opts, sink, st, "hive");
	rc = vz__hive_read(&c, fd, path, NULL, err);
	close(fd);
	if (rc == VZ_OK)
		vz__stats_run_n(st, "hive", "ran", path, c.emitted);
	return rc;
#else
	(void)opts;
	(void)sink;
	(void)st;
	vz__error_set(err, VZ_E_UNSUPPORTED, path,
	              "this voorzorg was built without libhivex: registry "
	              "hives cannot be read");
	return VZ_E_UNSUPPORTED;
#endif
}

static vz_status read_sbom(const vz_collect_opts *opts, const char *path,
                           int fd, const vz_sink *sink, vz_stats *st,
                           vz_error *err)
{
	struct vz_cctx c;
	char *data = NULL;
	size_t len = 0;
	vz_status rc;

	rc = vz__read_fd(fd, SBOM_MAX, &data, &len);
	if (rc == VZ_E_IO) {
		vz__error_set(err, rc, path, "cannot read: %s",
		              errno == EFBIG ? "larger than 256 MiB"
		                             : vz__errstr(errno));
		return rc;
	}
	if (rc != VZ_OK)
		return rc;
	init_ctx(&c, opts, sink, st, "sbom");
	rc = vz__sbom_read(&c, data, len, path, err);
	vz__free(data);
	if (rc == VZ_OK)
		vz__stats_run_n(st, "sbom", "ran", path, c.emitted);
	return rc;
}

static vz_status read_sbom_path(const vz_collect_opts *opts,
                                const char *path, const vz_sink *sink,
                                vz_stats *st, vz_error *err)
{
	vz_status rc;
	int fd = open_file(path, err);

	if (fd < 0)
		return VZ_E_IO;
	rc = read_sbom(opts, path, fd, sink, st, err);
	close(fd);
	return rc;
}

/* The file record of a file given by itself, hashed if the sink asks. */
static vz_status file_record(struct vz_cctx *c, int fd, const char *path,
                             const struct stat *st)
{
	unsigned char sha[32], buf[65536];
	const vz_sink *sink = c->sink;
	unsigned int n = 0;
	EVP_MD_CTX *md = NULL;
	vz_record r;
	ssize_t k;
	off_t at = 0;
	int ok = 0;

	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_FILE;
	r.name = path;
	r.file_type = VZ_FT_REGULAR;
	r.size = (uint64_t)st->st_size;
	r.dirlen = (size_t)(strrchr(path, '/') ? strrchr(path, '/') - path
	                                        : 0);
	r.dir_id = vz__dir_id();
	vz__stats_add(c->st, VZ_STAT_FILES, 1);
	if (sink->want_content && sink->want_content(sink->ctx, r.size)) {
		md = EVP_MD_CTX_new();
		ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL);
		while (ok && (k = pread(fd, buf, sizeof(buf), at)) != 0) {
			if (k < 0 && errno == EINTR)
				continue;
			ok = k > 0 && EVP_DigestUpdate(md, buf, (size_t)k);
			at += k > 0 ? k : 0;
		}
		ok = ok && (uint64_t)at == r.size &&
		     EVP_DigestFinal_ex(md, sha, &n) == 1 && n == 32;
		EVP_MD_CTX_free(md);
		if (ok) {
			r.sha256 = sha;
			vz__stats_add(c->st, VZ_STAT_HASHED_FILES, 1);
			vz__stats_add(c->st, VZ_STAT_HASHED_BYTES, r.size);
		}
	}
	return vz__emit(c, &r);
}

/* An ISO 9660 image names itself in its first volume descriptor. */
static int iso9660(const char *path)
{
	char id[5];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	ssize_t n = fd >= 0 ? pread(fd, id, sizeof(id), 0x8001) : -1;

	if (fd >= 0)
		close(fd);
	return n == 5 && memcmp(id, "CD001", 5) == 0;
}

static vz_status read_archive(const vz_collect_opts *opts, const char *path,
                              const vz_sink *sink, vz_stats *st,
                              vz_error *err)
{
	struct vz_cctx c;
	struct stat sb;
	vz_status rc;
	int fd = open_file(path, err);

	if (fd < 0)
		return VZ_E_IO;
	if (fstat(fd, &sb) != 0) {
		vz__error_set(err, VZ_E_IO, path, "%s", strerror(errno));
		close(fd);
		return VZ_E_IO;
	}
	init_ctx(&c, opts, sink, st, "archive");
	rc = vz__archive_read(&c, fd, path, (uint64_t)sb.st_size, err);
	close(fd);
	if (rc == VZ_OK)
		vz__stats_run_n(st, "archive", "ran", path, c.emitted);
	return rc;
}

static vz_status read_path(const vz_collect_opts *opts, const char *path,
                           const vz_sink *sink, vz_stats *st, vz_error *err)
{
	unsigned char head[512];
	char why[128];
	struct vz_cctx c;
	struct stat sb;
	ssize_t n;
	vz_status rc;
	int fd;

	if (stat(path, &sb) != 0) {
		vz__error_set(err, VZ_E_IO, path, "cannot open: %s",
		              vz__errstr(errno));
		return VZ_E_IO;
	}
	if (S_ISDIR(sb.st_mode) && vz_root_like(path, why, sizeof(why))) {
		/* Walked as files, its package databases would go unread. */
		vz__error_set(err, VZ_E_USAGE, path,
		              "holds a root filesystem (%s): scan it with "
		              "--root %s",
		              why, path);
		return VZ_E_USAGE;
	}
	if (S_ISDIR(sb.st_mode)) {
		return vz__walk_dir(path, opts, sink, st, err);
	}
	fd = open_file(path, err);
	if (fd < 0)
		return VZ_E_IO;
	if (fstat(fd, &sb) != 0) {
		vz__error_set(err, VZ_E_IO, path, "%s", vz__errstr(errno));
		close(fd);
		return VZ_E_IO;
	}
	init_ctx(&c, opts, sink, st, "files");
	rc = file_record(&c, fd, path, &sb);
	n = rc == VZ_OK ? pread(fd, head, sizeof(head), 0) : 0;
	if (n < 0)
		n = 0;
	close(fd);
	if (rc != VZ_OK)
		return rc;
	if (n >= 4 && memcmp(head, "regf", 4) == 0)
		return read_hive(opts, path, sink, st, err);
	if (n >= 2 && head[0] == 'M' && head[1] == 'Z') {
		fd = open_file(path, err);
		if (fd < 0)
			return VZ_E_IO;
		init_ctx(&c, opts, sink, st, "pe");
		rc = vz__pe_examine(&c, fd, path, 1, err);
		close(fd);
		return rc;
	}
#if VZ_HAVE_PLIST
	if ((n >= 8 && memcmp(head, "bplist00", 8) == 0) ||
	    (n > 0 && memmem(head, (size_t)n, "<plist", 6) != NULL)) {
		init_ctx(&c, opts, sink, st, "plist");
		return vz__plist_file(&c, path, err);
	}
#endif
	if (n > 0) {
		size_t i = 0;

		if (n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
			i = 3;
		while (i < (size_t)n && strchr(" \t\r\n", head[i]))
			i++;
		if (i < (size_t)n && head[i] == '{')
			return read_sbom_path(opts, path, sink, st, err);
	}
	if (n > 0 && vz__archive_magic(head, (size_t)n))
		return read_archive(opts, path, sink, st, err);
	if (iso9660(path))
		return read_archive(opts, path, sink, st, err);
	return VZ_OK; /* a plain file: its record was enough */
}

vz_status vz__collect_artefacts(const vz_collect_opts *opts,
                                const vz_sink *sink, vz_stats *st,
                                vz_error *err)
{
	vz_status rc = VZ_OK;
	size_t i;

	for (i = 0; i < opts->nhives && rc == VZ_OK; i++)
		rc = read_hive(opts, opts->hives[i], sink, st, err);
	for (i = 0; i < opts->nsboms && rc == VZ_OK; i++)
		rc = read_sbom_path(opts, opts->sboms[i], sink, st, err);
	for (i = 0; i < opts->npaths && rc == VZ_OK; i++)
		rc = read_path(opts, opts->paths[i], sink, st, err);
	if (rc == VZ_E_NOMEM)
		vz__error_set(err, rc, NULL, "out of memory");
	return rc;
}
