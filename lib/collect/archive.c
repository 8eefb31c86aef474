/*
 * lib/collect/archive.c - archives a user hands to `voorzorg scan`: tar
 * (compressed too), .deb, .rpm, zip, cpio and ISO 9660 images, read
 * through libarchive as a stream, never unpacked to disk.
 *
 * Each member is a file record as if the archive were a root ("/" + the
 * member's path), with the archive named as its origin, so the matcher
 * treats members exactly like the files of a root and the evidence says
 * where they came from. Archives inside archives (a .deb's data.tar.xz,
 * a tarball in a zip) are read in turn, as streams from their parent,
 * to a bounded depth.
 *
 * Hostile archives: members are only hashed when their size matches a
 * catalogue hash. Skipping a member of a compressed archive still
 * decompresses it, so every member's declared size is charged, before it
 * is read or skipped, to a budget proportional to the archive's size: a
 * decompression bomb stops there with a reason, and the scan is then
 * incomplete. (Zip members whose size is only known after them cannot be
 * charged in advance; deflate bounds their expansion to about 1:1032.)
 * Names are normalised so "..",
 * "./" and absolute paths cannot make a member look like it is somewhere
 * else than "/" + its normalised name.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "collect_int.h"

/* Archives within archives, at most this deep. */
#define NEST_MAX 4
/* Uncompressed bytes an archive may expand to: this many times its own
 * size (deflate's worst ratio), plus a fixed allowance. */
#define EXPAND_RATIO 1100u
#define EXPAND_BASE ((uint64_t)1 << 30)

struct arc {
	struct vz_cctx *c;
	const char *top;    /* the archive file as given */
	uint64_t budget;    /* uncompressed bytes left to read */
	struct vz_buf name; /* scratch: "/" + member path */
	struct vz_buf dir;  /* the directory of the last member */
	uint64_t dir_id;
	vz_error *err;
};

/* A nested archive is read from its parent's current member. */
struct nested {
	struct archive *parent;
	struct arc *x;
	char buf[65536];
};

static la_ssize_t nested_read(struct archive *a, void *ud, const void **out)
{
	struct nested *n = ud;
	la_ssize_t k = archive_read_data(n->parent, n->buf, sizeof(n->buf));

	/* The parent member's size was charged to the budget already. */
	(void)a;
	*out = n->buf;
	return k;
}

int vz__archive_magic(const unsigned char *h, size_t n)
{
	static const struct {
		size_t off, len;
		const char *m;
	} magic[] = {
	    {0, 8, "!<arch>\n"},        /* ar: .deb */
	    {0, 4, "\xED\xAB\xEE\xDB"}, /* rpm lead */
	    {0, 2, "\x1F\x8B"},         /* gzip */
	    {0, 6,
	     "\xFD"
	     "7zXZ\x00"},               /* xz */
	    {0, 4, "\x28\xB5\x2F\xFD"}, /* zstd */
	    {0, 3, "BZh"},              /* bzip2 */
	    {0, 4, "PK\x03\x04"},       /* zip */
	    {0, 4, "PK\x05\x06"},       /* empty zip */
	    {0, 6, "070701"},           /* cpio newc */
	    {0, 6, "070702"},           /* cpio crc */
	    {0, 6, "070707"},           /* cpio odc */
	    {0, 2, "\xC7\x71"},         /* cpio binary */
	    {257, 5, "ustar"},          /* tar (POSIX, GNU) */
	};
	size_t i;

	for (i = 0; i < sizeof(magic) / sizeof(magic[0]); i++)
		if (n >= magic[i].off + magic[i].len &&
		    memcmp(h + magic[i].off, magic[i].m, magic[i].len) == 0)
			return 1;
	return 0;
}

/* Does a member's name say it is an archive worth opening in turn? */
static int nested_name(const char *s)
{
	static const char *const ext[] = {
	    ".tar",     ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.zst",
	    ".tar.bz2", ".tbz2",   ".deb", ".udeb",   ".rpm", ".zip",
	    ".jar",     ".cpio",   ".iso", NULL};
	size_t n = strlen(s), i, k;

	for (i = 0; ext[i]; i++) {
		k = strlen(ext[i]);
		if (n > k && strcmp(s + n - k, ext[i]) == 0)
			return 1;
	}
	return 0;
}

/* "/" + the member's path without "./", "..", empty or trailing parts. */
static int normalise(struct vz_buf *b, const char *p)
{
	b->len = 0;
	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (!(n == 1 && p[0] == '.') &&
		    !(n == 2 && p[0] == '.' && p[1] == '.')) {
			vz__buf_add(b, "/", 1);
			vz__buf_add(b, p, n);
		}
		p += n;
	}
	if (b->len == 0)
		vz__buf_add(b, "/", 1);
	vz__buf_add(b, "", 1);
	return b->failed ? -1 : 0;
}

static vz_status read_one(struct arc *x, struct archive *a, const char *origin,
                          int depth);

/* Hash a member whose size matches a fingerprint. */
static int hash_member(struct arc *x, struct archive *a, uint64_t size,
                       unsigned char sha[32])
{
	char buf[65536];
	unsigned int n = 0;
	uint64_t got = 0;
	la_ssize_t k;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;

	(void)x;
	while (ok && (k = archive_read_data(a, buf, sizeof(buf))) != 0) {
		ok = k > 0 && got + (uint64_t)k <= size &&
		     EVP_DigestUpdate(md, buf, (size_t)k) == 1;
		got += k > 0 ? (uint64_t)k : 0;
	}
	ok = ok && got == size && EVP_DigestFinal_ex(md, sha, &n) == 1 &&
	     n == 32;
	EVP_MD_CTX_free(md);
	return ok ? 0 : -1;
}

static vz_status member(struct arc *x, struct archive *a,
                        struct archive_entry *e, const char *origin, int depth)
{
	const char *p = archive_entry_pathname(e);
	unsigned char sha[32];
	vz_record r;
	vz_status rc;
	char *slash;
	size_t dirlen;

	if (p == NULL)
		p = archive_entry_pathname_utf8(e);
	if (p == NULL) {
		vz__stats_problem(x->c->st, "archive", 1,
		                  "a member without a name", origin);
		return VZ_OK;
	}
	if (normalise(&x->name, p) != 0)
		return VZ_E_NOMEM;
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_FILE;
	r.name = x->name.data;
	r.origin = origin;
	switch (archive_entry_filetype(e)) {
	case AE_IFREG: r.file_type = VZ_FT_REGULAR; break;
	case AE_IFDIR: r.file_type = VZ_FT_DIRECTORY; break;
	case AE_IFLNK: r.file_type = VZ_FT_SYMLINK; break;
	default: r.file_type = VZ_FT_OTHER; break;
	}
	if (archive_entry_hardlink(e) != NULL)
		r.file_type = VZ_FT_REGULAR; /* the same content again */
	r.size = archive_entry_size_is_set(e) && archive_entry_size(e) > 0
	             ? (uint64_t)archive_entry_size(e)
	             : 0;
	slash = strrchr(x->name.data, '/');
	dirlen = (size_t)(slash - x->name.data);
	if (x->dir.len != dirlen || x->dir.data == NULL ||
	    memcmp(x->dir.data, x->name.data, dirlen) != 0) {
		x->dir.len = 0;
		vz__buf_add(&x->dir, x->name.data, dirlen);
		x->dir_id = vz__dir_id();
		if (x->dir.failed)
			return VZ_E_NOMEM;
	}
	r.dirlen = dirlen;
	r.dir_id = x->dir_id;
	switch (r.file_type) {
	case VZ_FT_REGULAR: vz__stats_add(x->c->st, VZ_STAT_FILES, 1); break;
	case VZ_FT_DIRECTORY: vz__stats_add(x->c->st, VZ_STAT_DIRS, 1); break;
	case VZ_FT_SYMLINK: vz__stats_add(x->c->st, VZ_STAT_SYMLINKS, 1); break;
	default: vz__stats_add(x->c->st, VZ_STAT_OTHER, 1); break;
	}
	if (r.file_type == VZ_FT_REGULAR && depth < NEST_MAX &&
	    nested_name(x->name.data)) {
		struct vz_buf o;

		/* The member itself first, then what it holds. */
		rc = vz__emit(x->c, &r);
		if (rc != VZ_OK)
			return rc;
		vz__buf_init(&o);
		vz__buf_printf(&o, "%s:%s", origin, x->name.data);
		if (o.failed)
			return VZ_E_NOMEM;
		rc = read_one(x, a, o.data, depth + 1);
		vz__buf_free(&o);
		return rc;
	}
	if (r.file_type == VZ_FT_REGULAR && x->c->sink->want_content &&
	    x->c->sink->want_content(x->c->sink->ctx, r.size)) {
		if (hash_member(x, a, r.size, sha) == 0) {
			r.sha256 = sha;
			vz__stats_add(x->c->st, VZ_STAT_HASHED_FILES, 1);
			vz__stats_add(x->c->st, VZ_STAT_HASHED_BYTES, r.size);
		} else {
			vz__stats_problem(x->c->st, "archive", 1,
			                  "member content unreadable", r.name);
		}
	}
	return vz__emit(x->c, &r);
}

static struct archive *new_reader(void)
{
	struct archive *a = archive_read_new();

	if (a == NULL)
		return NULL;
	if (archive_read_support_filter_all(a) != ARCHIVE_OK ||
	    archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_format_gnutar(a) != ARCHIVE_OK ||
	    archive_read_support_format_ar(a) != ARCHIVE_OK ||
	    archive_read_support_format_zip(a) != ARCHIVE_OK ||
	    archive_read_support_format_cpio(a) != ARCHIVE_OK ||
	    archive_read_support_format_iso9660(a) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	/* An rpm is its header, then a cpio payload: libarchive's rpm
	 * reader is a filter. Warnings (no lzip, say) are fine. */
	(void)archive_read_support_filter_rpm(a);
	return a;
}

/*
 * Read every member of the archive open at `a` (opened by the caller);
 * a nested one is opened here from its parent's current member.
 */
static vz_status walk(struct arc *x, struct archive *a, const char *origin,
                      int depth)
{
	struct archive_entry *e;
	vz_status rc = VZ_OK;
	const char *why;
	uint64_t size;
	int r, retries = 0;

	while (rc == VZ_OK &&
	       (r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		/* Retrying is libarchive's word for "skip ahead"; never
		 * forever. */
		if (r == ARCHIVE_RETRY && ++retries < 64)
			continue;
		if (r == ARCHIVE_RETRY)
			r = ARCHIVE_FATAL;
		retries = 0;
		if (r == ARCHIVE_FATAL) {
			/* Corrupt: an error, never a clean result. */
			why = archive_error_string(a) ? archive_error_string(a)
			                              : "unreadable";
			if (depth)
				vz__error_set(x->err, VZ_E_PARSE, x->top,
				              "member %s: %s", origin, why);
			else
				vz__error_set(x->err, VZ_E_PARSE, x->top,
				              "cannot read the archive: %s",
				              why);
			return VZ_E_PARSE;
		}
		if (r == ARCHIVE_WARN)
			vz__stats_problem(x->c->st, "archive", 0,
			                  archive_error_string(a)
			                      ? archive_error_string(a)
			                      : "warning",
			                  origin);
		size = archive_entry_size_is_set(e) && archive_entry_size(e) > 0
		           ? (uint64_t)archive_entry_size(e)
		           : 0;
		if (size > x->budget) {
			vz__stats_problem(
			    x->c->st, "archive", 1,
			    "expands beyond its budget (a "
			    "decompression bomb?): not read further",
			    origin);
			return VZ_OK;
		}
		x->budget -= size;
		rc = member(x, a, e, origin, depth);
		vz__progress(x->c);
	}
	return rc;
}

static vz_status read_one(struct arc *x, struct archive *parent,
                          const char *origin, int depth)
{
	struct archive *a = new_reader();
	struct nested *n = vz__calloc(1, sizeof(*n));
	vz_status rc;

	if (a == NULL || n == NULL) {
		if (a != NULL)
			archive_read_free(a);
		vz__free(n);
		return VZ_E_NOMEM;
	}
	n->parent = parent;
	n->x = x;
	if (archive_read_open(a, n, NULL, nested_read, NULL) != ARCHIVE_OK) {
		/* Named like an archive, but not one: its record was enough. */
		vz__stats_problem(x->c->st, "archive", 0,
		                  "named like an archive, not one", origin);
		archive_read_free(a);
		vz__free(n);
		return VZ_OK;
	}
	rc = walk(x, a, origin, depth);
	archive_read_free(a);
	vz__free(n);
	return rc;
}

vz_status vz__archive_read(struct vz_cctx *c, int fd, const char *path,
                           uint64_t size, vz_error *err)
{
	struct archive *a = new_reader();
	struct arc x;
	vz_status rc;

	if (a == NULL)
		return VZ_E_NOMEM;
	memset(&x, 0, sizeof(x));
	x.c = c;
	x.top = path;
	x.err = err;
	x.budget = EXPAND_BASE + (size > UINT64_MAX / EXPAND_RATIO
	                              ? UINT64_MAX - EXPAND_BASE
	                              : size * EXPAND_RATIO);
	vz__buf_init(&x.name);
	vz__buf_init(&x.dir);
	if (archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK) {
		vz__error_set(err, VZ_E_PARSE, path,
		              "cannot read the archive: %s",
		              archive_error_string(a) ? archive_error_string(a)
		                                      : "unknown format");
		rc = VZ_E_PARSE;
	} else {
		rc = walk(&x, a, path, 0);
	}
	archive_read_free(a);
	vz__buf_free(&x.name);
	vz__buf_free(&x.dir);
	return rc;
}
