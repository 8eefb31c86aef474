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
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>
#include <openssl/evp.h>

#include "collect_int.h"

/* Directory descriptors held open at most (the rest are re-opened). */
#ifndef VZ_FD_BUDGET
#define VZ_FD_BUDGET 128
#endif
#define DENTS_BUF (64 * 1024)
#define READ_BUF (256 * 1024)

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

struct walker {
	struct vz_cctx *c;
	char *path; /* owned */
	size_t pathcap;
	char *names; /* owned arena: entries "<d_type><name>\0" */
	size_t nlen, ncap;
	struct level *lv; /* owned stack */
	size_t depth, lvcap;
	unsigned char *dents; /* owned */
	unsigned char *rbuf;  /* owned, allocated on first hash */
	EVP_MD_CTX *md;
	EVP_MD *sha256; /* owned: fetched once, not at every file */
	unsigned long tick;
	int noatime; /* O_NOATIME, until the kernel refuses it */
};

static void problem(struct walker *w, int unreadable, const char *reason)
{
	vz__stats_problem(w->c->st, w->c->name, unreadable, reason,
	                  w->path[0] ? w->path : "/");
}

static void errno_problem(struct walker *w, int e)
{
	if (e == ENOENT)
		problem(w, 1, "vanished during the scan");
	else if (e == ELOOP || e == ENOTDIR)
		problem(w, 1, "changed during the scan");
	else
		problem(w, 1, vz__errstr(e));
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

/* Hash the regular file `name` in dfd; 0 on success. */
static int hash_file(struct walker *w, int dfd, const char *name,
                     const struct stat *st0, unsigned char out[32])
{
	int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	struct stat st;
	uint64_t total = 0;
	unsigned int mdlen = 0;
	int fd, ok = 0;

	if (w->rbuf == NULL || w->md == NULL || w->sha256 == NULL) {
		if (w->rbuf == NULL)
			w->rbuf = vz__malloc(READ_BUF);
		if (w->md == NULL)
			w->md = EVP_MD_CTX_new();
		/* OpenSSL 3 looks the algorithm up at every init unless it
		 * is fetched once: measurable over many small files. */
		if (w->sha256 == NULL)
			w->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
		if (w->rbuf == NULL || w->md == NULL || w->sha256 == NULL) {
			problem(w, 1, "out of memory for hashing");
			return -1;
		}
	}
	fd = openat(dfd, name, flags | (w->noatime ? O_NOATIME : 0));
	if (fd < 0 && errno == EPERM && w->noatime) {
		w->noatime = 0;
		fd = openat(dfd, name, flags);
	}
	if (fd < 0) {
		errno_problem(w, errno);
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_ino != st0->st_ino || st.st_dev != st0->st_dev) {
		problem(w, 1, "changed during the scan");
		goto out;
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (EVP_DigestInit_ex(w->md, w->sha256, NULL) != 1)
		goto out;
	for (;;) {
		ssize_t n = read(fd, w->rbuf, READ_BUF);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			errno_problem(w, errno);
			goto out;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (EVP_DigestUpdate(w->md, w->rbuf, (size_t)n) != 1)
			goto out;
	}
	vz__stats_add(w->c->st, VZ_STAT_HASHED_FILES, 1);
	vz__stats_add(w->c->st, VZ_STAT_HASHED_BYTES, total);
	if (total != (uint64_t)st.st_size) {
		problem(w, 1, "changed during the scan (size)");
		goto out;
	}
	ok = EVP_DigestFinal_ex(w->md, out, &mdlen) == 1 && mdlen == 32;
out:
	close(fd);
	return ok ? 0 : -1;
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

/* Hand a file or directory to the reader its name calls for. */
static vz_status examine(struct walker *w, int dfd, const char *name,
                         vz_file_type type)
{
	int fl = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	vz_status rc = VZ_OK;
	int fd;

	if (type == VZ_FT_REGULAR && has_ext(name, pe_exts) &&
	    vz__wants(w->c, VZ_REC_SIGNATURE)) {
		fd = openat(dfd, name, fl | (w->noatime ? O_NOATIME : 0));
		if (fd < 0 && errno == EPERM && w->noatime) {
			w->noatime = 0;
			fd = openat(dfd, name, fl);
		}
		if (fd < 0) {
			errno_problem(w, errno);
			return VZ_OK;
		}
		rc = vz__pe_examine(w->c, fd, w->path, 0, NULL);
		close(fd);
	}
#if VZ_HAVE_PLIST
	if (type == VZ_FT_DIRECTORY && has_ext(name, bundle_exts) &&
	    vz__wants(w->c, VZ_REC_BUNDLE))
		rc = vz__bundle_examine(w->c, dfd, name, w->path, 0, NULL);
#endif
	return rc;
}

static vz_status entry(struct walker *w, int dfd, unsigned char dt)
{
	const vz_sink *sink = w->c->sink;
	struct level *L = &w->lv[w->depth - 1];
	const char *name = w->path + L->pathlen + 1;
	unsigned char sha[32];
	struct stat st;
	vz_record r;
	vz_status rc;
	int have_stat = 0;

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
		if (have_stat && sink->want_content &&
		    sink->want_content(sink->ctx, r.size) &&
		    hash_file(w, dfd, name, &st, sha) == 0)
			r.sha256 = sha;
		break;
	case VZ_FT_DIRECTORY: vz__stats_add(w->c->st, VZ_STAT_DIRS, 1); break;
	case VZ_FT_SYMLINK: vz__stats_add(w->c->st, VZ_STAT_SYMLINKS, 1); break;
	default: vz__stats_add(w->c->st, VZ_STAT_OTHER, 1); break;
	}
	rc = vz__emit(w->c, &r);
	if (rc == VZ_OK && (r.file_type == VZ_FT_REGULAR ||
	                    r.file_type == VZ_FT_DIRECTORY))
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
	while (w.depth > 0 && rc == VZ_OK) {
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
out:
	while (w.depth > 0)
		pop(&w);
	EVP_MD_CTX_free(w.md);
	EVP_MD_free(w.sha256);
	vz__free(w.rbuf);
	vz__free(w.dents);
	vz__free(w.names);
	vz__free(w.lv);
	vz__free(w.path);
	return rc;
}

const struct vz_collector vz__collector_files = {"files", 0, files_probe,
                                                 files_collect, NULL};
