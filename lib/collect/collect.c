/*
 * lib/collect/collect.c - the collector registry and what collectors share:
 * opening the root, opening paths inside it without escaping it, reading
 * small files whole, and rate-limited progress.
 *
 * The root is opened once as a directory descriptor; every collector
 * works relative to it, so a symbolic link in an offline root (an image
 * of another machine) can never make us read the scanning host instead.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "collect_int.h"

static const struct vz_collector *const registry[] = {
#define VZ_COLLECTOR(name) &vz__collector_##name,
#include "collectors.def"
#undef VZ_COLLECTOR
};

#define NCOLLECTORS (sizeof(registry) / sizeof(registry[0]))

size_t vz_collector_count(void)
{
	return NCOLLECTORS;
}

const char *vz_collector_name(size_t i)
{
	return i < NCOLLECTORS ? registry[i]->name : NULL;
}

/* Without openat2: walk the path one component at a time, refusing links. */
static int open_nofollow(int rootfd, const char *path, int flags)
{
	char comp[NAME_MAX + 1];
	int fd = -1, next;
	const char *p = path;

	while (*p == '/')
		p++;
	fd = dup(rootfd);
	while (fd >= 0 && *p) {
		size_t n = strcspn(p, "/");
		int last;

		if (n > NAME_MAX) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		while (*p == '/')
			p++;
		last = *p == '\0';
		if (strcmp(comp, "..") == 0) {
			close(fd);
			errno = EXDEV;
			return -1;
		}
		next = openat(fd, comp,
		              last ? flags | O_NOFOLLOW | O_CLOEXEC
		                   : O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		                         O_CLOEXEC);
		close(fd);
		fd = next;
	}
	return fd;
}

int vz__root_open(int rootfd, const char *path, int flags)
{
	struct open_how how;
	long fd;

	while (*path == '/')
		path++;
	if (*path == '\0')
		path = ".";
	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(flags | O_CLOEXEC);
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		return open_nofollow(rootfd, path, flags);
	return (int)fd;
}

/* Open `name` in dfd, matching its case if no entry has it exactly. */
static int open_ci_at(int dfd, const char *name, int flags)
{
	struct dirent *d;
	DIR *dir;
	int fd, dup_fd;

	fd = openat(dfd, name, flags | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	dup_fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dup_fd < 0)
		return -1;
	dir = fdopendir(dup_fd);
	if (dir == NULL) {
		close(dup_fd);
		return -1;
	}
	fd = -1;
	errno = ENOENT;
	while ((d = readdir(dir)) != NULL) {
		if (strcasecmp(d->d_name, name) != 0)
			continue;
		fd = openat(dfd, d->d_name, flags | O_NOFOLLOW | O_CLOEXEC);
		break;
	}
	closedir(dir);
	return fd;
}

int vz__root_open_ci(int rootfd, const char *path, int flags)
{
	char comp[NAME_MAX + 1];
	const char *p = path;
	int fd, next, e;

	fd = vz__root_open(rootfd, path, flags);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	while (*p == '/')
		p++;
	fd = dup(rootfd);
	while (fd >= 0 && *p) {
		size_t n = strcspn(p, "/");
		int last;

		if (n > NAME_MAX || (n == 2 && p[0] == '.' && p[1] == '.')) {
			close(fd);
			errno = n > NAME_MAX ? ENAMETOOLONG : EXDEV;
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		while (*p == '/')
			p++;
		last = *p == '\0';
		next = open_ci_at(fd, comp,
		                  last ? flags : O_RDONLY | O_DIRECTORY);
		e = errno;
		close(fd);
		fd = next;
		errno = e;
	}
	return fd;
}

vz_status vz__read_fd(int fd, size_t max, char **out, size_t *len)
{
	struct stat st;
	size_t cap, n = 0;
	char *buf = NULL, *nb;
	ssize_t got;
	vz_status rc = VZ_OK;

	*out = NULL;
	*len = 0;
	if (fstat(fd, &st) != 0)
		return VZ_E_IO;
	if (!S_ISREG(st.st_mode)) {
		errno = VZ__ENOTREG;
		return VZ_E_IO;
	}
	if ((uint64_t)st.st_size > max) {
		errno = EFBIG;
		return VZ_E_IO;
	}
	/* The size is a hint: the file may grow while we read it. */
	cap = (size_t)st.st_size + 1;
	buf = vz__malloc(cap);
	if (buf == NULL)
		return VZ_E_NOMEM;
	for (;;) {
		if (n + 1 >= cap) {
			if (cap > max) {
				errno = EFBIG;
				rc = VZ_E_IO;
				goto out;
			}
			nb = vz__realloc(buf, cap * 2);
			if (nb == NULL) {
				rc = VZ_E_NOMEM;
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = VZ_E_IO;
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
out:
	vz__free(buf);
	return rc;
}

void vz__progress(struct vz_cctx *c)
{
	struct timespec now;
	long ms;

	if (c->progress == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long)(now.tv_sec - c->last_progress.tv_sec) * 1000 +
	     (now.tv_nsec - c->last_progress.tv_nsec) / 1000000;
	if (ms < 250)
		return;
	c->last_progress = now;
	c->progress(c->progress_ctx, c->name, c->st);
}

int vz_root_like(const char *dir, char *why, size_t n)
{
	static const char *const marks[] = {
	    "/var/lib/dpkg/status",
	    "/var/lib/rpm",
	    "/etc/os-release",
	    "/usr/lib/os-release",
	    "/Windows/System32/config",
	    "/System/Library/CoreServices/SystemVersion.plist",
	    NULL};
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd = -1;
	size_t i;

	if (dfd < 0)
		return 0;
	for (i = 0; marks[i] && fd < 0; i++) {
		fd = vz__root_open_ci(dfd, marks[i], O_RDONLY | O_NONBLOCK);
		if (fd >= 0 && why != NULL)
			snprintf(why, n, "%s", marks[i] + 1);
	}
	if (fd >= 0)
		close(fd);
	close(dfd);
	return fd >= 0;
}

uint64_t vz__dir_id(void)
{
	static _Atomic uint64_t next;

	return atomic_fetch_add(&next, 1) + 1;
}

vz_status vz__emit(struct vz_cctx *c, vz_record *r)
{
	c->emitted++;
	if (c->artefact)
		r->flags |= VZ_RECF_ARTEFACT;
	r->source = c->name;
	return c->sink->record(c->sink->ctx, r);
}

vz_status vz__emit_as(struct vz_cctx *c, vz_record *r, const char *source)
{
	c->emitted++;
	if (c->artefact)
		r->flags |= VZ_RECF_ARTEFACT;
	r->source = source;
	return c->sink->record(c->sink->ctx, r);
}

int vz__wants(const struct vz_cctx *c, vz_record_kind kind)
{
	return c->sink->interests == 0 ||
	       (c->sink->interests & VZ_WANT(kind)) != 0;
}

/* Is `root` the running host's "/"? Compare the directories themselves. */
static int is_live(int rootfd)
{
	struct stat a, b;

	return fstat(rootfd, &a) == 0 && stat("/", &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static vz_status run_one(const struct vz_collector *col, struct vz_cctx *c)
{
	vz_status rc = VZ_OK;

	c->name = col->name;
	c->state = NULL;
	c->emitted = 0;
	c->detail[0] = '\0';
	if (col->live_only && !c->live) {
		vz__stats_run(c->st, col->name, "not-applicable",
		              "live host only");
		return VZ_OK;
	}
	if (!col->probe(c)) {
		vz__stats_run(c->st, col->name, "not-applicable", c->detail);
		goto out;
	}
	rc = col->collect(c);
	if (rc == VZ_E_NOMEM) {
		vz__stats_run(c->st, col->name, "failed", "out of memory");
		goto out;
	}
	vz__stats_run_n(c->st, col->name, rc == VZ_OK ? "ran" : "failed",
	                c->detail, c->emitted);
out:
	if (col->free != NULL) {
		void (*release)(struct vz_cctx *) = col->free;

		release(c);
	}
	return rc;
}

/*
 * Say what this build cannot read on this root, rather than report a
 * Windows or macOS volume clean because a library was missing.
 */
static void missing_support(struct vz_cctx *c)
{
	int fd;

#if !VZ_HAVE_HIVEX
	fd = vz__root_open_ci(c->rootfd, "/Windows/System32/config",
	                      O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		close(fd);
		vz__stats_run(c->st, "hive", "failed",
		              "not read: this voorzorg was built without "
		              "libhivex (registry hives)");
	}
#endif
#if !VZ_HAVE_PLIST
	fd = vz__root_open_ci(c->rootfd, "/Library", O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		close(fd);
		vz__stats_run(c->st, "bundle", "failed",
		              "not read: this voorzorg was built without "
		              "libplist (macOS bundles, receipts, launchd "
		              "jobs)");
	}
#endif
	(void)c;
	(void)fd;
}

static vz_status collect_root(const vz_collect_opts *opts, const char *only,
                              const vz_sink *sink, vz_stats *st,
                              vz_error *err)
{
	const char *root = opts && opts->root ? opts->root : "/";
	struct vz_cctx c;
	vz_status rc = VZ_OK;
	size_t i, ran = 0;

	memset(&c, 0, sizeof(c));
	c.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.rootfd < 0) {
		vz__error_set(err, VZ_E_IO, root, "cannot open the root: %s",
		              strerror(errno));
		return VZ_E_IO;
	}
	c.root = root;
	c.live = is_live(c.rootfd);
	c.sink = sink;
	c.st = st;
	if (opts != NULL) {
		c.progress = opts->progress;
		c.progress_ctx = opts->progress_ctx;
		c.jobs = opts->jobs;
	}
	/* A scan that ends within the first interval shows no progress. */
	clock_gettime(CLOCK_MONOTONIC, &c.last_progress);
	for (i = 0; i < NCOLLECTORS && rc == VZ_OK; i++) {
		if (only != NULL && strcmp(only, registry[i]->name) != 0)
			continue;
		ran++;
		rc = run_one(registry[i], &c);
		if (rc != VZ_OK)
			vz__error_set(err, rc, root, "collector %s: %s",
			              registry[i]->name, vz_strerror(rc));
	}
	if (only != NULL && ran == 0) {
		vz__error_set(err, VZ_E_NOTFOUND, NULL,
		              "no collector named \"%s\"", only);
		rc = VZ_E_NOTFOUND;
	}
	if (rc == VZ_OK && only == NULL)
		missing_support(&c);
	close(c.rootfd);
	return rc;
}

vz_status vz__walk_dir(const char *dir, const vz_collect_opts *opts,
                       const vz_sink *sink, vz_stats *st, vz_error *err)
{
	struct vz_cctx c;
	vz_status rc;

	memset(&c, 0, sizeof(c));
	c.rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.rootfd < 0) {
		vz__error_set(err, VZ_E_IO, dir, "cannot open: %s",
		              strerror(errno));
		return VZ_E_IO;
	}
	c.root = dir;
	c.prefix = dir;
	c.artefact = 1;
	c.sink = sink;
	c.st = st;
	c.name = vz__collector_files.name;
	c.progress = opts->progress;
	c.progress_ctx = opts->progress_ctx;
	c.jobs = opts->jobs;
	clock_gettime(CLOCK_MONOTONIC, &c.last_progress);
	rc = vz__collector_files.collect(&c);
	if (rc != VZ_OK && rc != VZ_E_NOMEM)
		vz__error_set(err, rc, dir, "%s", vz_strerror(rc));
	if (rc == VZ_OK)
		vz__stats_run_n(st, "files", "ran", dir, c.emitted);
	close(c.rootfd);
	return rc;
}

vz_status vz_collect(const vz_collect_opts *opts, const char *only,
                     const vz_sink *sink, vz_stats *st, vz_error *err)
{
	int artefacts = opts != NULL &&
	                (opts->nhives > 0 || opts->nsboms > 0 ||
	                 opts->npaths > 0);
	vz_status rc = VZ_OK;

	/* Artefacts alone do not mean "and the live host too". */
	if (!artefacts || opts->root != NULL)
		rc = collect_root(opts, only, sink, st, err);
	if (rc == VZ_OK && artefacts)
		rc = vz__collect_artefacts(opts, sink, st, err);
	if (opts != NULL && opts->progress != NULL && rc == VZ_OK)
		opts->progress(opts->progress_ctx, NULL, st);
	return rc;
}
