/*
 * lib/collect/files.c - the file collector: every directory entry under
 * the root, streamed to the sink, hashing only what the sink asks for.
 *
 * Why it is built this way:
 * - Safety. Every open is relative to a directory descriptor with
 *   O_NOFOLLOW, so a symbolic link (or a directory swapped for one mid-
 *   scan) can never lead the walk out of the root. A bind-mount loop is
 *   caught by comparing (device, inode) with the directories above.
 *   Files are opened O_NONBLOCK (a FIFO swapped in cannot hang us) and
 *   O_NOATIME where allowed (reading does not even touch access times).
 * - No silent limits. Depth is not bounded by descriptors: the first
 *   FD_BUDGET levels keep theirs, deeper levels are re-opened from the
 *   deepest open ancestor, one component at a time, checking that the
 *   same directory comes back. Path length is not bounded (the path is
 *   a growing buffer and never passed to the kernel whole). Size is not
 *   bounded: a file the sink wants is hashed to its end. What cannot be
 *   read is counted with its reason; what is not walked (the root's
 *   /proc, /sys, /dev, pseudo and network filesystems) is named.
 * - Speed. One getdents64 buffer, one stat per entry only when the sink
 *   needs sizes, no per-file allocation: the walk costs what find(1)
 *   costs. Each directory's listing is read whole into an arena before
 *   its entries are processed (so the descriptor can be given up), and
 *   the arena holds only the listings of the directories on the current
 *   path: memory does not grow with the size of the tree.
 * - Content only where it can matter. A regular file named like a PE
 *   file (.exe, .dll, .sys, ...) is handed to the PE reader, and a
 *   directory named like a macOS bundle (.app, .kext, .systemextension)
 *   to the bundle reader, and only when the sink has a use for their
 *   records: a scan without signer fingerprints opens no PE file. The
 *   PE reader reads the headers and the certificate table; the whole
 *   file only for a signer the sink asks about.
 * - Both cores (all of them). Hashing a file and reading its signature
 *   cost far more than walking to it, so they go to a small worker pool
 *   (util/pool.h): the walk opens the file (the directory descriptor
 *   may be gone by the time a worker runs) and hands over the
 *   descriptor; the worker hashes it or reads its signature and keeps
 *   what it found, problems included; the walk takes the results back
 *   in the order it handed them out and only then counts, records and
 *   emits them. While anything is out with the workers, every other
 *   record and problem of the walk queues behind it, so the sink sees
 *   exactly the sequence a walk without workers produces, whatever the
 *   number of threads. At most a window of items is out at a time.
 *   Files under INLINE_HASH_MAX are hashed by the walk itself (in the
 *   same order): handing them over would cost more than the work.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>
#include <openssl/evp.h>

#include "collect_int.h"
#include "util/pool.h"

/* Directory descriptors held open at most (the rest are re-opened). */
#ifndef VZ_FD_BUDGET
#define VZ_FD_BUDGET 128
#endif
#define DENTS_BUF (64 * 1024)
#define READ_BUF (256 * 1024)
/*
 * Files smaller than this are hashed by the walk itself: handing one to
 * a worker (a wake-up, a context switch) costs more than reading and
 * hashing it. Larger files and every PE signature go to the workers.
 */
#define INLINE_HASH_MAX (32 * 1024)

struct level {
	int fd; /* -1 while closed (deeper than the budget) */
	dev_t dev;
	ino_t ino;
	size_t pathlen;   /* this directory's path is path[0..pathlen) */
	size_t names_off; /* its listing in the arena */
	size_t names_end;
	size_t pos;       /* next entry */
	uint64_t id;
};

/*
 * What a worker keeps from file to file: the digest context and the
 * algorithm (fetched once: OpenSSL 3 otherwise looks it up at every
 * init, measurable over many small files), the read buffer, and what
 * the PE reader reuses.
 */
struct tools {
	EVP_MD_CTX *md;
	EVP_MD *sha256;
	unsigned char *rbuf;
	struct vz_pe_tools pe;
};

/*
 * One step of the walk held back in order: a problem, or a file record
 * with the work that goes with it (hashing, the PE signature) and what
 * that work found.
 */
struct item {
	int is_problem;
	char *path; /* owned */
	/* A problem: */
	int unreadable;
	char *reason; /* owned */
	/* A record: */
	vz_record r;          /* name is path; sha256 set when applied */
	const vz_sink *sink;  /* borrowed, for want_signer */
	int hash_fd;          /* -1: none (or the open failed) */
	dev_t dev;            /* what the walk saw, to compare */
	ino_t ino;
	int hash_ok, hashed;  /* a digest; the whole file was read */
	uint64_t hashed_bytes;
	int hash_problem;
	char hash_why[96];
	unsigned char sha[32];
	int pe;               /* a PE file to examine */
	int pe_fd;            /* -1: none (the open failed) */
	char pe_open_why[96]; /* why the open failed */
	struct vz_pe_out pe_out;
};

struct walker {
	struct vz_cctx *c;
	struct vz__pool *pool; /* owned; made on the first item */
	void *tools;           /* owned: the walk's own, for inline work */
	vz_status failed;      /* the first failure applying an item */
	char *path; /* owned */
	size_t pathcap;
	char *names; /* owned arena: entries "<d_type><name>\0" */
	size_t nlen, ncap;
	struct level *lv; /* owned stack */
	size_t depth, lvcap;
	unsigned char *dents; /* owned */
	unsigned long tick;
	int noatime; /* O_NOATIME, until the kernel refuses it */
};

static vz_status drain(struct walker *w, int all);
static vz_status room(struct walker *w);

static void item_free(struct item *it)
{
	if (it == NULL)
		return;
	if (it->hash_fd >= 0)
		close(it->hash_fd);
	if (it->pe_fd >= 0)
		close(it->pe_fd);
	vz__pe_out_clear(&it->pe_out);
	vz__free(it->path);
	vz__free(it->reason);
	vz__free(it);
}

static struct item *item_new(const char *path)
{
	struct item *it = vz__calloc(1, sizeof(*it));

	if (it == NULL)
		return NULL;
	it->hash_fd = it->pe_fd = -1;
	it->path = vz__strdup(path);
	if (it->path == NULL) {
		vz__free(it);
		return NULL;
	}
	return it;
}

/* Is anything held back (so that what comes next must queue)? */
static int held(const struct walker *w)
{
	return w->pool != NULL && vz__pool_pending(w->pool) > 0;
}

static void problem(struct walker *w, int unreadable, const char *reason)
{
	const char *path = w->path[0] ? w->path : "/";
	struct item *it;

	if (held(w)) {
		it = item_new(path);
		if (it != NULL) {
			it->is_problem = 1;
			it->unreadable = unreadable;
			it->reason = vz__strdup(reason);
		}
		if (it != NULL && it->reason != NULL && room(w) == VZ_OK &&
		    vz__pool_submit(w->pool, NULL, it) == 0)
			return;
		item_free(it);
		/* No memory to queue it: let everything before it land. */
		(void)drain(w, 1);
	}
	vz__stats_problem(w->c->st, w->c->name, unreadable, reason, path);
}

/* The reason for errno `e`, as the walk reports it. */
static const char *errno_reason(int e, char *buf, size_t n)
{
	if (e == ENOENT)
		return "vanished during the scan";
	if (e == ELOOP || e == ENOTDIR)
		return "changed during the scan";
	if (e == VZ__ENOTREG || e == ENXIO)
		return vz__errstr(e);
	return strerror_r(e, buf, n);
}

static void errno_problem(struct walker *w, int e)
{
	char buf[96];

	problem(w, 1, errno_reason(e, buf, sizeof(buf)));
}

static int grow(void **p, size_t *cap, size_t need, size_t unit)
{
	size_t ncap = *cap ? *cap : 64;
	void *n;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	n = vz__realloc(*p, ncap * unit);
	if (n == NULL)
		return -1;
	*p = n;
	*cap = ncap;
	return 0;
}

/* path := directory of L + "/" + name. */
static int set_path(struct walker *w, const struct level *L,
                    const char *name, size_t n)
{
	if (grow((void **)&w->path, &w->pathcap, L->pathlen + n + 2, 1) != 0)
		return -1;
	w->path[L->pathlen] = '/';
	memmove(w->path + L->pathlen + 1, name, n);
	w->path[L->pathlen + 1 + n] = '\0';
	return 0;
}

static int open_dir_at(struct walker *w, int dfd, const char *name)
{
	int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC |
	            O_NONBLOCK;
	int fd = openat(dfd, name, flags | (w->noatime ? O_NOATIME : 0));

	if (fd < 0 && errno == EPERM && w->noatime) {
		/* Not the owner and not privileged: atime may change. */
		w->noatime = 0;
		fd = openat(dfd, name, flags);
	}
	return fd;
}

/*
 * The descriptor of level i, re-opening it if it was closed: walk down
 * from the deepest open ancestor, refusing links, and check that the
 * same directory is reached. -1 if it is gone or was replaced.
 */
static int level_fd(struct walker *w, size_t i)
{
	char comp[NAME_MAX + 1];
	struct stat st;
	size_t a = i, k;
	int fd;

	if (w->lv[i].fd >= 0)
		return w->lv[i].fd;
	while (w->lv[a].fd < 0)
		a--;
	fd = w->lv[a].fd;
	for (k = a + 1; k <= i; k++) {
		size_t from = w->lv[k - 1].pathlen + 1;
		size_t n = w->lv[k].pathlen - from;
		int next;

		memcpy(comp, w->path + from, n);
		comp[n] = '\0';
		next = open_dir_at(w, fd, comp);
		if (fd != w->lv[a].fd)
			close(fd);
		if (next < 0)
			return -1;
		fd = next;
	}
	if (fstat(fd, &st) != 0 || st.st_dev != w->lv[i].dev ||
	    st.st_ino != w->lv[i].ino) {
		close(fd);
		return -1;
	}
	w->lv[i].fd = fd;
	return fd;
}

/* Append the listing of fd to the arena. Returns 0 or an errno. */
static int read_listing(struct walker *w, int fd, vz_status *rc)
{
	for (;;) {
		ssize_t n = getdents64(fd, w->dents, DENTS_BUF), off = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return 0;
		while (off < n) {
			void *at = w->dents + off;
			struct dirent64 *d = at;
			size_t len = strlen(d->d_name);

			off += d->d_reclen;
			if (d->d_name[0] == '.' &&
			    (len == 1 || (len == 2 && d->d_name[1] == '.')))
				continue;
			if (grow((void **)&w->names, &w->ncap,
			         w->nlen + len + 2, 1) != 0) {
				*rc = VZ_E_NOMEM;
				return 0;
			}
			w->names[w->nlen] = (char)d->d_type;
			memcpy(w->names + w->nlen + 1, d->d_name, len + 1);
			w->nlen += len + 2;
		}
	}
}

static int pseudo_fs(unsigned long t, const char **what)
{
	switch (t) {
	case PROC_SUPER_MAGIC: *what = "proc"; return 1;
	case SYSFS_MAGIC: *what = "sysfs"; return 1;
	case DEVPTS_SUPER_MAGIC: *what = "devpts"; return 1;
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC: *what = "cgroup"; return 1;
	case DEBUGFS_MAGIC: *what = "debugfs"; return 1;
	case TRACEFS_MAGIC: *what = "tracefs"; return 1;
	case SECURITYFS_MAGIC: *what = "securityfs"; return 1;
	case BPF_FS_MAGIC: *what = "bpf"; return 1;
	case PSTOREFS_MAGIC: *what = "pstore"; return 1;
	case EFIVARFS_MAGIC: *what = "efivarfs"; return 1;
	case BINFMTFS_MAGIC: *what = "binfmt_misc"; return 1;
	case SELINUX_MAGIC: *what = "selinuxfs"; return 1;
	case NSFS_MAGIC: *what = "nsfs"; return 1;
	case AUTOFS_SUPER_MAGIC: *what = "autofs"; return 1;
	case 0x65735543: *what = "fusectl"; return 1;
	case 0x62656570: *what = "configfs"; return 1;
	case 0x19800202: *what = "mqueue"; return 1;
	}
	return 0;
}

static int network_fs(unsigned long t, const char **what)
{
	switch (t) {
	case NFS_SUPER_MAGIC: *what = "nfs"; return 1;
	case SMB_SUPER_MAGIC:
	case 0xff534d42: /* cifs */
	case 0xfe534d42: *what = "smb"; return 1; /* smb2 */
	case 0x65735546: *what = "fuse"; return 1;
	case CODA_SUPER_MAGIC: *what = "coda"; return 1;
	case 0x00c36400: *what = "ceph"; return 1;
	case 0x01021997: *what = "9p"; return 1;
	}
	return 0;
}

/* Enter the directory `name` of the level on top (already in path). */
static vz_status descend(struct walker *w, int pfd, const char *name)
{
	struct level *L = &w->lv[w->depth - 1], *N;
	struct statfs sf;
	struct stat st;
	const char *what;
	char reason[96];
	vz_status rc = VZ_OK;
	size_t k;
	int fd, e;

	fd = open_dir_at(w, pfd, name);
	if (fd < 0) {
		errno_problem(w, errno);
		return VZ_OK;
	}
	if (fstat(fd, &st) != 0) {
		errno_problem(w, errno);
		close(fd);
		return VZ_OK;
	}
	if (st.st_dev != L->dev && fstatfs(fd, &sf) == 0) {
		if (pseudo_fs((unsigned long)sf.f_type, &what)) {
			snprintf(reason, sizeof(reason),
			         "not walked: pseudo filesystem (%s)", what);
			problem(w, 0, reason);
			close(fd);
			return VZ_OK;
		}
		if (network_fs((unsigned long)sf.f_type, &what)) {
			snprintf(reason, sizeof(reason),
			         "not walked: network filesystem (%s)", what);
			problem(w, 0, reason);
			close(fd);
			return VZ_OK;
		}
	}
	for (k = 0; k < w->depth; k++) {
		if (w->lv[k].dev == st.st_dev && w->lv[k].ino == st.st_ino) {
			problem(w, 0, "not walked: directory loop (a bind "
			              "mount of an ancestor)");
			close(fd);
			return VZ_OK;
		}
	}
	if (grow((void **)&w->lv, &w->lvcap, w->depth + 1, sizeof(*w->lv)) !=
	    0) {
		close(fd);
		return VZ_E_NOMEM;
	}
	L = &w->lv[w->depth - 1];
	N = &w->lv[w->depth];
	N->fd = fd;
	N->dev = st.st_dev;
	N->ino = st.st_ino;
	N->pathlen = strlen(w->path + L->pathlen) + L->pathlen;
	N->names_off = w->nlen;
	N->id = vz__dir_id();
	e = read_listing(w, fd, &rc);
	N->names_end = w->nlen;
	N->pos = N->names_off;
	w->depth++;
	if (e != 0)
		errno_problem(w, e); /* keep what was listed */
	/* Beyond the budget, only the level being worked on stays open. */
	if (w->depth - 1 >= VZ_FD_BUDGET && L->fd >= 0 &&
	    w->depth - 2 >= VZ_FD_BUDGET) {
		close(L->fd);
		L->fd = -1;
	}
	return rc;
}

static void pop(struct walker *w)
{
	struct level *L = &w->lv[--w->depth];

	if (L->fd >= 0)
		close(L->fd);
	w->nlen = L->names_off;
	w->path[L->pathlen] = '\0';
}

static void tools_free(void *v)
{
	struct tools *t = v;

	EVP_MD_CTX_free(t->md);
	EVP_MD_free(t->sha256);
	vz__free(t->rbuf);
	vz__pe_tools_free(&t->pe);
	vz__free(t);
}

static void hash_problem(struct item *it, const char *why)
{
	it->hash_problem = 1;
	snprintf(it->hash_why, sizeof(it->hash_why), "%s", why);
}

/* Hash the file open at it->hash_fd (on a worker). */
static void hash_item(struct tools *t, struct item *it)
{
	struct stat st;
	uint64_t total = 0;
	unsigned int mdlen = 0;
	char eb[96];
	int fd = it->hash_fd;

	if (t == NULL || t->rbuf == NULL || t->md == NULL ||
	    t->sha256 == NULL) {
		hash_problem(it, "out of memory for hashing");
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_ino != it->ino || st.st_dev != it->dev) {
		hash_problem(it, "changed during the scan");
		return;
	}
	/* Read-ahead advice pays only beyond one read (a syscall saved
	 * per small file, and most hashed files are small). */
	if (st.st_size > READ_BUF)
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (EVP_DigestInit_ex(t->md, t->sha256, NULL) != 1)
		return;
	for (;;) {
		ssize_t n = read(fd, t->rbuf, READ_BUF);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			hash_problem(it, errno_reason(errno, eb, sizeof(eb)));
			return;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (EVP_DigestUpdate(t->md, t->rbuf, (size_t)n) != 1)
			return;
	}
	it->hashed = 1;
	it->hashed_bytes = total;
	if (total != (uint64_t)st.st_size) {
		hash_problem(it, "changed during the scan (size)");
		return;
	}
	it->hash_ok = EVP_DigestFinal_ex(t->md, it->sha, &mdlen) == 1 &&
	              mdlen == 32;
}

/* The work of one item, on a worker (or inline): touches only `it`
 * and the worker's own tools. */
static void item_work(void *arg, void **wctx)
{
	struct item *it = arg;
	struct tools *t = *wctx;

	if (t == NULL) {
		t = *wctx = vz__calloc(1, sizeof(*t));
		if (t != NULL) {
			t->rbuf = vz__malloc(READ_BUF);
			t->md = EVP_MD_CTX_new();
			t->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
		}
	}
	if (it->hash_fd >= 0) {
		hash_item(t, it);
		close(it->hash_fd);
		it->hash_fd = -1;
	}
	if (it->pe_fd >= 0) {
		if (t == NULL)
			it->pe_out.rc = VZ_E_NOMEM;
		else
			vz__pe_read(it->pe_fd, it->sink, &t->pe, &it->pe_out);
		close(it->pe_fd);
		it->pe_fd = -1;
	}
}

/* Count, record and emit what an item found, in the walk's order. */
static vz_status item_apply(struct walker *w, struct item *it)
{
	struct vz_cctx *c = w->c;
	vz_status rc;

	if (it->is_problem) {
		vz__stats_problem(c->st, c->name, it->unreadable, it->reason,
		                  it->path);
		return VZ_OK;
	}
	if (it->hash_problem)
		vz__stats_problem(c->st, c->name, 1, it->hash_why, it->path);
	if (it->hashed) {
		vz__stats_add(c->st, VZ_STAT_HASHED_FILES, 1);
		vz__stats_add(c->st, VZ_STAT_HASHED_BYTES, it->hashed_bytes);
	}
	it->r.name = it->path;
	it->r.sha256 = it->hash_ok ? it->sha : NULL;
	rc = vz__emit(c, &it->r);
	if (rc != VZ_OK || !it->pe)
		return rc;
	if (it->pe_open_why[0]) {
		vz__stats_problem(c->st, c->name, 1, it->pe_open_why,
		                  it->path);
		return VZ_OK;
	}
	return vz__pe_apply(c, it->path, 0, &it->pe_out, NULL);
}

/*
 * Take back what the workers have finished, in order, and apply it;
 * with `all`, wait for everything out. After a failure (kept in
 * w->failed) what comes back is dropped. Returns w->failed.
 */
static vz_status drain(struct walker *w, int all)
{
	struct item *it;

	while (w->pool != NULL &&
	       (it = vz__pool_take(w->pool, all)) != NULL) {
		if (w->failed == VZ_OK)
			w->failed = item_apply(w, it);
		item_free(it);
	}
	return w->failed;
}

/* Make room for one more item: if the window is full, wait for the
 * oldest and apply it. Returns w->failed. */
static vz_status room(struct walker *w)
{
	struct item *old;

	if (!vz__pool_full(w->pool))
		return w->failed;
	old = vz__pool_take(w->pool, 1);
	if (w->failed == VZ_OK)
		w->failed = item_apply(w, old);
	item_free(old);
	return w->failed;
}

/* Items out at a time: enough to keep every worker busy while the walk
 * looks for the next file, few enough for the descriptors they hold. */
static size_t window(unsigned workers)
{
	struct rlimit rl;
	size_t n = 16 * (size_t)workers + 16, fit;

	if (n > 256)
		n = 256;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY) {
		/* Two descriptors per item, besides the walk's own. */
		fit = rl.rlim_cur > VZ_FD_BUDGET + 64
		          ? (size_t)(rl.rlim_cur - VZ_FD_BUDGET - 64) / 2
		          : 1;
		if (n > fit)
			n = fit;
	}
	return n ? n : 1;
}

static int open_file(struct walker *w, int dfd, const char *name)
{
	int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	int fd = openat(dfd, name, flags | (w->noatime ? O_NOATIME : 0));

	if (fd < 0 && errno == EPERM && w->noatime) {
		w->noatime = 0;
		fd = openat(dfd, name, flags);
	}
	return fd;
}

/*
 * Hand a file record to the pool: with its work (the content to hash,
 * the PE file to read), or, when only held back behind earlier items,
 * with none. The descriptors are opened here, while dfd is open.
 */
static vz_status defer(struct walker *w, int dfd, const char *name,
                       const vz_record *r, const struct stat *st,
                       int hash, int pe)
{
	struct item *it;
	char eb[96];

	if (w->pool == NULL) {
		unsigned n = w->c->jobs ? w->c->jobs
		                        : vz__pool_default_workers();

		/* One job: no thread; the walk does the work itself. */
		n = n > 1 ? n : 0;
		w->pool = vz__pool_new(n, window(n), tools_free);
		if (w->pool == NULL)
			return VZ_E_NOMEM;
	}
	if (room(w) != VZ_OK)
		return w->failed;
	it = item_new(w->path);
	if (it == NULL)
		return VZ_E_NOMEM;
	it->r = *r;
	it->sink = w->c->sink;
	it->pe = pe;
	if (hash) {
		it->dev = st->st_dev;
		it->ino = st->st_ino;
		it->hash_fd = open_file(w, dfd, name);
		if (it->hash_fd < 0)
			hash_problem(it, errno_reason(errno, eb, sizeof(eb)));
	}
	if (pe) {
		it->pe_fd = open_file(w, dfd, name);
		if (it->pe_fd < 0)
			snprintf(it->pe_open_why, sizeof(it->pe_open_why), "%s",
			         errno_reason(errno, eb, sizeof(eb)));
	}
	if (it->hash_fd >= 0 && it->pe_fd < 0 &&
	    (uint64_t)st->st_size < INLINE_HASH_MAX)
		item_work(it, &w->tools); /* cheap: the item keeps its place */
	(void)vz__pool_submit(w->pool,
	                      it->hash_fd >= 0 || it->pe_fd >= 0 ? item_work
	                                                         : NULL,
	                      it);
	return drain(w, 0);
}

static vz_file_type type_of(mode_t m)
{
	if (S_ISREG(m))
		return VZ_FT_REGULAR;
	if (S_ISDIR(m))
		return VZ_FT_DIRECTORY;
	if (S_ISLNK(m))
		return VZ_FT_SYMLINK;
	return VZ_FT_OTHER;
}

static vz_file_type type_of_dt(unsigned char t)
{
	switch (t) {
	case DT_REG: return VZ_FT_REGULAR;
	case DT_DIR: return VZ_FT_DIRECTORY;
	case DT_LNK: return VZ_FT_SYMLINK;
	default: return VZ_FT_OTHER;
	}
}

/* Does `name` end in one of `exts`, ignoring case? */
static int has_ext(const char *name, const char *const *exts)
{
	size_t n = strlen(name), i, k;

	for (i = 0; exts[i]; i++) {
		k = strlen(exts[i]);
		if (n > k && strcasecmp(name + n - k, exts[i]) == 0)
			return 1;
	}
	return 0;
}

static const char *const pe_exts[] = {".exe", ".dll", ".sys", ".ocx",
                                      ".cpl", ".scr", ".efi", ".drv",
                                      NULL};
#if VZ_HAVE_PLIST
static const char *const bundle_exts[] = {".app", ".kext",
                                          ".systemextension", NULL};
#endif

/* Hand a directory to the reader its name calls for. */
static vz_status examine(struct walker *w, int dfd, const char *name,
                         vz_file_type type)
{
	vz_status rc = VZ_OK;

#if VZ_HAVE_PLIST
	if (type == VZ_FT_DIRECTORY && has_ext(name, bundle_exts) &&
	    vz__wants(w->c, VZ_REC_BUNDLE)) {
		/* Its records come after everything held back: rare enough
		 * to wait for the workers rather than queue them. */
		rc = drain(w, 1);
		if (rc == VZ_OK)
			rc = vz__bundle_examine(w->c, dfd, name, w->path, 0,
			                        NULL);
	}
#else
	(void)w;
	(void)dfd;
	(void)name;
	(void)type;
#endif
	return rc;
}

static vz_status entry(struct walker *w, int dfd, unsigned char dt)
{
	const vz_sink *sink = w->c->sink;
	struct level *L = &w->lv[w->depth - 1];
	const char *name = w->path + L->pathlen + 1;
	struct stat st;
	vz_record r;
	vz_status rc;
	int have_stat = 0, hash = 0, pe = 0;

	memset(&r, 0, sizeof(r));
	if (dt == DT_UNKNOWN || (dt == DT_REG && sink->want_content)) {
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			errno_problem(w, errno);
			return VZ_OK;
		}
		have_stat = 1;
		r.file_type = type_of(st.st_mode);
		r.size = (uint64_t)st.st_size;
	} else {
		r.file_type = type_of_dt(dt);
	}
	r.kind = VZ_REC_FILE;
	r.name = w->path;
	r.dirlen = L->pathlen;
	r.dir_id = L->id;
	switch (r.file_type) {
	case VZ_FT_REGULAR:
		vz__stats_add(w->c->st, VZ_STAT_FILES, 1);
		hash = have_stat && sink->want_content &&
		       sink->want_content(sink->ctx, r.size);
		pe = has_ext(name, pe_exts) &&
		     vz__wants(w->c, VZ_REC_SIGNATURE);
		break;
	case VZ_FT_DIRECTORY: vz__stats_add(w->c->st, VZ_STAT_DIRS, 1); break;
	case VZ_FT_SYMLINK: vz__stats_add(w->c->st, VZ_STAT_SYMLINKS, 1); break;
	default: vz__stats_add(w->c->st, VZ_STAT_OTHER, 1); break;
	}
	if (hash || pe || held(w))
		rc = defer(w, dfd, name, &r, &st, hash, pe);
	else
		rc = vz__emit(w->c, &r);
	if (rc == VZ_OK && r.file_type == VZ_FT_DIRECTORY)
		rc = examine(w, dfd, name, r.file_type);
	if (rc != VZ_OK || r.file_type != VZ_FT_DIRECTORY)
		return rc;
	if (w->depth == 1 && w->c->prefix == NULL &&
	    (strcmp(name, "proc") == 0 || strcmp(name, "sys") == 0 ||
	     strcmp(name, "dev") == 0)) {
		problem(w, 0, "not walked: the root's /proc, /sys and /dev");
		return VZ_OK;
	}
	return descend(w, dfd, name);
}

static int files_probe(struct vz_cctx *c)
{
	(void)c;
	return 1;
}

static vz_status files_collect(struct vz_cctx *c)
{
	struct walker w;
	struct stat st;
	vz_status rc = VZ_OK;
	int fd;

	memset(&w, 0, sizeof(w));
	w.c = c;
	w.noatime = 1;
	w.dents = vz__malloc(DENTS_BUF);
	w.lv = vz__calloc(16, sizeof(*w.lv));
	w.lvcap = 16;
	if (w.dents == NULL || w.lv == NULL ||
	    grow((void **)&w.path, &w.pathcap, 256, 1) != 0) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	w.path[0] = '\0';
	if (c->prefix != NULL) {
		/* A directory given by itself: show its paths under its name,
		 * without a trailing '/' (the walk adds one per level). */
		size_t n = strlen(c->prefix);

		while (n > 1 && c->prefix[n - 1] == '/')
			n--;
		if (n == 1 && c->prefix[0] == '/')
			n = 0;
		if (grow((void **)&w.path, &w.pathcap, n + 1, 1) != 0) {
			rc = VZ_E_NOMEM;
			goto out;
		}
		memcpy(w.path, c->prefix, n);
		w.path[n] = '\0';
	}
	fd = open_dir_at(&w, c->rootfd, ".");
	if (fd < 0 || fstat(fd, &st) != 0) {
		errno_problem(&w, errno);
		if (fd >= 0)
			close(fd);
		goto out;
	}
	w.lv[0].fd = fd;
	w.lv[0].pathlen = strlen(w.path);
	w.lv[0].dev = st.st_dev;
	w.lv[0].ino = st.st_ino;
	w.lv[0].id = vz__dir_id();
	w.depth = 1;
	{
		int e = read_listing(&w, fd, &rc);

		if (e != 0)
			errno_problem(&w, e);
	}
	w.lv[0].names_end = w.nlen;
	vz__stats_add(c->st, VZ_STAT_DIRS, 1);
	while (w.depth > 0 && rc == VZ_OK && w.failed == VZ_OK) {
		struct level *L = &w.lv[w.depth - 1];
		unsigned char dt;
		size_t n;
		int dfd;

		if (L->pos >= L->names_end) {
			pop(&w);
			continue;
		}
		dt = (unsigned char)w.names[L->pos];
		n = strlen(w.names + L->pos + 1);
		if (set_path(&w, L, w.names + L->pos + 1, n) != 0) {
			rc = VZ_E_NOMEM;
			break;
		}
		L->pos += n + 2;
		dfd = level_fd(&w, w.depth - 1);
		if (dfd < 0) {
			w.path[L->pathlen] = '\0';
			problem(&w, 1, "changed during the scan");
			L->pos = L->names_end;
			continue;
		}
		rc = entry(&w, dfd, dt);
		if ((++w.tick & 1023) == 0)
			vz__progress(c);
	}
	/* What is still out with the workers lands (or, after a failure,
	 * is dropped) before the walk ends. */
	if (rc != VZ_OK && w.failed == VZ_OK)
		w.failed = rc;
	(void)drain(&w, 1);
	rc = w.failed;
out:
	vz__pool_free(w.pool);
	if (w.tools != NULL)
		tools_free(w.tools);
	while (w.depth > 0)
		pop(&w);
	vz__free(w.dents);
	vz__free(w.names);
	vz__free(w.lv);
	vz__free(w.path);
	return rc;
}

const struct vz_collector vz__collector_files = {"files", 0, files_probe,
                                                 files_collect, NULL};
