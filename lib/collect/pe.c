/*
 * lib/collect/pe.c - PE files (Windows executables, DLLs, drivers): the
 * headers, the certificate table that holds the Authenticode signature,
 * the version resource, and the Authenticode digest of the file.
 *
 * A PE file comes from the disk being examined, so every field is
 * untrusted: each offset, count and size is checked against the bytes
 * actually read before it is used (fuzz/fuzz_pe.c feeds these parsers
 * any bytes). The parsers work on buffers; vz__pe_examine reads only
 * what they need: the headers (the first 64 KiB at most) and the
 * certificate table always, and the whole file (for the digest) and the
 * resource section only for a signature the sink asked about.
 *
 * The Authenticode digest (Microsoft's "Windows Authenticode Portable
 * Executable Signature Format") covers the file except the header's
 * CheckSum, the certificate table's directory entry and the certificate
 * table itself, which must come last. Data appended after the table is
 * covered by nothing: such a file is reported as tampered.
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

#define HEADERS_MAX (64 * 1024)
#define CERTS_MAX (16u * 1024 * 1024)
#define RSRC_MAX (32u * 1024 * 1024)
#define VERSION_MAX (64 * 1024)
#define READ_CHUNK (256 * 1024)

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

vz_status vz__pe_headers(const unsigned char *b, size_t len,
                         uint64_t file_size, struct vz_pe *pe,
                         const char **why)
{
	uint32_t lfanew, opt, nrva, dd, i;
	uint16_t magic, optsize;

	memset(pe, 0, sizeof(*pe));
	*why = NULL;
	if (len < 64 || b[0] != 'M' || b[1] != 'Z') {
		*why = "not a PE file (no MZ header)";
		return VZ_E_PARSE;
	}
	lfanew = le32(b + 0x3c);
	if (lfanew > len - 4 || len - 4 - lfanew < 20 ||
	    memcmp(b + lfanew, "PE\0\0", 4) != 0) {
		*why = "not a PE file (no PE signature)";
		return VZ_E_PARSE;
	}
	pe->nsections = le16(b + lfanew + 6);
	optsize = le16(b + lfanew + 20);
	opt = lfanew + 24;
	if (optsize < 2 || opt > len || len - opt < optsize) {
		*why = "truncated PE optional header";
		return VZ_E_PARSE;
	}
	magic = le16(b + opt);
	if (magic == 0x10b) {
		if (optsize < 96) {
			*why = "PE32 optional header too short";
			return VZ_E_PARSE;
		}
		nrva = le32(b + opt + 92);
		dd = opt + 96;
	} else if (magic == 0x20b) {
		if (optsize < 112) {
			*why = "PE32+ optional header too short";
			return VZ_E_PARSE;
		}
		pe->pe32plus = 1;
		nrva = le32(b + opt + 108);
		dd = opt + 112;
	} else {
		*why = "unknown PE optional header magic";
		return VZ_E_PARSE;
	}
	pe->checksum_off = opt + 64;
	/* Only the directories that fit in the optional header count. */
	if (nrva > (opt + optsize - dd) / 8)
		nrva = (opt + optsize - dd) / 8;
	if (nrva > 2) {
		pe->rsrc_rva = le32(b + dd + 16);
		pe->rsrc_size = le32(b + dd + 20);
	}
	if (nrva > 4) {
		pe->certdir_off = dd + 32;
		pe->cert_off = le32(b + dd + 32);
		pe->cert_size = le32(b + dd + 36);
	}
	pe->sect_off = opt + optsize;
	if (pe->nsections > 96 ||
	    (uint64_t)pe->sect_off + 40u * pe->nsections > len) {
		*why = "PE section table out of bounds";
		return VZ_E_PARSE;
	}
	pe->headers_end = pe->sect_off + 40u * pe->nsections;
	if (pe->cert_size == 0 && pe->cert_off == 0)
		return VZ_OK; /* not signed (or signed in a catalogue) */
	if (pe->certdir_off == 0 || pe->cert_size < 8 ||
	    pe->cert_off < pe->headers_end ||
	    (uint64_t)pe->cert_off + pe->cert_size > file_size) {
		*why = "PE certificate table out of bounds";
		return VZ_E_PARSE;
	}
	for (i = 0; i < pe->nsections; i++) {
		const unsigned char *s = b + pe->sect_off + 40 * i;
		uint64_t raw = le32(s + 20), rawsize = le32(s + 16);

		/* The table must not overlap what the sections load. */
		if (rawsize && raw < (uint64_t)pe->cert_off + pe->cert_size &&
		    raw + rawsize > pe->cert_off) {
			*why = "PE certificate table overlaps a section";
			return VZ_E_PARSE;
		}
	}
	return VZ_OK;
}

vz_status vz__pe_signature(const unsigned char *tab, size_t len,
                           const unsigned char **der, size_t *derlen,
                           const char **why)
{
	size_t off = 0;

	*der = NULL;
	*derlen = 0;
	while (len - off >= 8) {
		uint32_t n = le32(tab + off);
		uint16_t rev = le16(tab + off + 4), type = le16(tab + off + 6);

		if (n < 8 || n > len - off) {
			*why = "malformed WIN_CERTIFICATE entry";
			return VZ_E_PARSE;
		}
		/* WIN_CERT_TYPE_PKCS_SIGNED_DATA, revision 1.0 or 2.0. */
		if (type == 0x0002 && (rev == 0x0200 || rev == 0x0100)) {
			*der = tab + off + 8;
			*derlen = n - 8;
			return VZ_OK;
		}
		off += (n + 7u) & ~7u;
		if (off > len)
			break;
	}
	*why = "no PKCS#7 signature in the certificate table";
	return VZ_E_PARSE;
}

/* ---- the version resource ------------------------------------------------ */

/* A file offset for an RVA inside the section that maps it, or -1. */
static int64_t rva_to_section(const unsigned char *hdr, const struct vz_pe *pe,
                              uint32_t rva, uint32_t *avail)
{
	uint32_t i;

	for (i = 0; i < pe->nsections; i++) {
		const unsigned char *s = hdr + pe->sect_off + 40 * i;
		uint32_t va = le32(s + 12), vs = le32(s + 8);
		uint32_t rs = le32(s + 16), raw = le32(s + 20);
		uint32_t size = vs > rs || vs == 0 ? rs : vs;

		if (rva >= va && rva - va < size) {
			*avail = size - (rva - va);
			return (int64_t)raw + (rva - va);
		}
	}
	return -1;
}

/* Resource directory entry `id` (or the first when id < 0). */
static int rsrc_entry(const unsigned char *r, size_t len, uint32_t dir,
                      long id, uint32_t *target, int *is_dir)
{
	uint32_t named, ids, k;

	if (dir > len || len - dir < 16)
		return -1;
	named = le16(r + dir + 12);
	ids = le16(r + dir + 14);
	for (k = 0; k < named + ids; k++) {
		uint32_t e = dir + 16 + 8 * k, name, off;

		if (e > len || len - e < 8)
			return -1;
		name = le32(r + e);
		off = le32(r + e + 4);
		if (id >= 0 && ((name & 0x80000000u) || name != (uint32_t)id))
			continue;
		*is_dir = (off & 0x80000000u) != 0;
		*target = off & 0x7fffffffu;
		return 0;
	}
	return -1;
}

/* UTF-16LE (n units at p) to UTF-8, NUL-terminated, cut to fit. */
static void utf16_to_utf8(const unsigned char *p, size_t n, char *out,
                          size_t size)
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 5 < size; i++) {
		uint32_t c = le16(p + 2 * i);

		if (c == 0)
			break;
		if (c >= 0xd800 && c < 0xdc00 && i + 1 < n &&
		    le16(p + 2 * i + 2) >= 0xdc00 &&
		    le16(p + 2 * i + 2) < 0xe000) {
			c = 0x10000 + ((c - 0xd800) << 10) +
			    (le16(p + 2 * i + 2) - 0xdc00);
			i++;
		} else if (c >= 0xd800 && c < 0xe000) {
			c = 0xfffd;
		}
		if (c < 0x80) {
			out[k++] = (char)c;
		} else if (c < 0x800) {
			out[k++] = (char)(0xc0 | c >> 6);
			out[k++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			out[k++] = (char)(0xe0 | c >> 12);
			out[k++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[k++] = (char)(0x80 | (c & 0x3f));
		} else {
			out[k++] = (char)(0xf0 | c >> 18);
			out[k++] = (char)(0x80 | ((c >> 12) & 0x3f));
			out[k++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[k++] = (char)(0x80 | (c & 0x3f));
		}
	}
	out[k] = '\0';
}

/* Does the UTF-16 key at p (up to end) equal the ASCII `key`? */
static int key_is(const unsigned char *p, const unsigned char *end,
                  const char *key)
{
	size_t i;

	for (i = 0; key[i]; i++)
		if (p + 2 * i + 2 > end || le16(p + 2 * i) != (uint8_t)key[i])
			return 0;
	return p + 2 * i + 2 <= end && le16(p + 2 * i) == 0;
}

/*
 * One node of a version resource at `at` (wLength, wValueLength, wType,
 * szKey, padding, Value, padding, children). Sets the key, the value and
 * the children's range. -1 if it does not fit in [at, end).
 */
struct vnode {
	const unsigned char *key, *value, *kids, *end;
	uint16_t vlen, type;
};

static int vnode(const unsigned char *at, const unsigned char *base,
                 const unsigned char *end, struct vnode *n)
{
	const unsigned char *p;
	uint16_t len;

	if (end - at < 6)
		return -1;
	len = le16(at);
	if (len < 6 || len > end - at)
		return -1;
	n->end = at + len;
	n->vlen = le16(at + 2);
	n->type = le16(at + 4);
	n->key = at + 6;
	for (p = n->key; p + 2 <= n->end && le16(p) != 0; p += 2)
		;
	if (p + 2 > n->end)
		return -1;
	p += 2;
	p = base + ((size_t)(p - base + 3) & ~(size_t)3);
	if (p > n->end)
		p = n->end;
	n->value = p;
	/* Text values count UTF-16 units, binary ones bytes. */
	p += n->type == 1 ? 2 * (size_t)n->vlen : n->vlen;
	if (p > n->end)
		p = n->end;
	p = base + ((size_t)(p - base + 3) & ~(size_t)3);
	n->kids = p > n->end ? n->end : p;
	return 0;
}

/* The next sibling starts at the next 4-byte boundary (from base). */
static const unsigned char *align4(const unsigned char *base,
                                   const unsigned char *p)
{
	return base + ((size_t)(p - base + 3) & ~(size_t)3);
}

void vz__pe_version_strings(const unsigned char *v, size_t len,
                            char *company, size_t csize, char *product,
                            size_t psize)
{
	const unsigned char *end = v + len, *sfi, *tab, *s;
	struct vnode root, a, b, c;

	company[0] = product[0] = '\0';
	if (vnode(v, v, end, &root) != 0 ||
	    !key_is(root.key, root.end, "VS_VERSION_INFO"))
		return;
	for (sfi = root.kids; sfi < root.end; sfi = align4(v, a.end)) {
		if (vnode(sfi, v, root.end, &a) != 0)
			return;
		if (!key_is(a.key, a.end, "StringFileInfo"))
			continue;
		/* The first string table (one per language) is enough. */
		tab = a.kids;
		if (tab >= a.end || vnode(tab, v, a.end, &b) != 0)
			return;
		for (s = b.kids; s < b.end; s = align4(v, c.end)) {
			size_t units;

			if (vnode(s, v, b.end, &c) != 0)
				return;
			units = (size_t)(c.end - c.value) / 2;
			if (c.vlen < units)
				units = c.vlen;
			if (key_is(c.key, c.end, "CompanyName"))
				utf16_to_utf8(c.value, units, company, csize);
			else if (key_is(c.key, c.end, "ProductName"))
				utf16_to_utf8(c.value, units, product, psize);
		}
		return;
	}
}

int vz__pe_version_resource(const unsigned char *rs, size_t rlen,
                            uint32_t rsrc_rva, size_t *voff, size_t *vlen)
{
	uint32_t t, data_rva, data_size, avail;
	int is_dir, level;
	int64_t off;
	/* Type RT_VERSION (16), then the first name, the first language. */
	if (rsrc_entry(rs, rlen, 0, 16, &t, &is_dir) != 0 || !is_dir)
		return -1;
	for (level = 0; level < 2; level++)
		if (rsrc_entry(rs, rlen, t, -1, &t, &is_dir) != 0 ||
		    is_dir != (level == 0))
			return -1;
	if (t > rlen || rlen - t < 16)
		return -1;
	data_rva = le32(rs + t);
	data_size = le32(rs + t + 4);
	if (data_rva < rsrc_rva)
		return -1;
	off = (int64_t)(data_rva - rsrc_rva);
	avail = off < (int64_t)rlen ? (uint32_t)(rlen - (size_t)off) : 0;
	if (data_size == 0 || data_size > avail || data_size > VERSION_MAX)
		return -1;
	*voff = (size_t)off;
	*vlen = data_size;
	return 0;
}

/* ---- reading a file -------------------------------------------------- */

static int preadn(int fd, unsigned char *buf, size_t n, uint64_t at)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = pread(fd, buf + got, n - got, (off_t)(at + got));

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	return 0;
}

/* Hash [from, to) of the file into md. */
static int hash_range(int fd, EVP_MD_CTX *md, unsigned char *buf,
                      uint64_t from, uint64_t to)
{
	while (from < to) {
		size_t n = to - from < READ_CHUNK ? (size_t)(to - from)
		                                  : READ_CHUNK;

		if (preadn(fd, buf, n, from) != 0 ||
		    EVP_DigestUpdate(md, buf, n) != 1)
			return -1;
		from += n;
	}
	return 0;
}

/* The digest with what the caller keeps (md, buf: READ_CHUNK bytes). */
static int digest_with(int fd, const struct vz_pe *pe, const EVP_MD *type,
                       EVP_MD_CTX *md, unsigned char *buf,
                       unsigned char *out, unsigned int *outlen)
{
	return EVP_DigestInit_ex(md, type, NULL) == 1 &&
	               hash_range(fd, md, buf, 0, pe->checksum_off) == 0 &&
	               hash_range(fd, md, buf, pe->checksum_off + 4,
	                          pe->certdir_off) == 0 &&
	               hash_range(fd, md, buf, pe->certdir_off + 8,
	                          pe->cert_off) == 0 &&
	               EVP_DigestFinal_ex(md, out, outlen) == 1
	           ? 0
	           : -1;
}

int vz__pe_digest(int fd, const struct vz_pe *pe, const EVP_MD *type,
                  unsigned char *out, unsigned int *outlen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char *buf = vz__malloc(READ_CHUNK);
	int ok;

	if (md == NULL || buf == NULL) {
		EVP_MD_CTX_free(md);
		vz__free(buf);
		return -2;
	}
	ok = digest_with(fd, pe, type, md, buf, out, outlen) == 0;
	EVP_MD_CTX_free(md);
	vz__free(buf);
	return ok ? 0 : -1;
}

/*
 * CompanyName and ProductName, if the file has a version resource.
 * 0 (the strings are "" when there is none); -2 when out of memory.
 */
static int version_info(int fd, const unsigned char *hdr,
                        const struct vz_pe *pe, char *company, size_t csize,
                        char *product, size_t psize)
{
	unsigned char *rs = NULL;
	uint32_t avail = 0;
	int64_t off;
	size_t n, voff, vlen;

	company[0] = product[0] = '\0';
	if (pe->rsrc_rva == 0 || pe->rsrc_size == 0)
		return 0;
	off = rva_to_section(hdr, pe, pe->rsrc_rva, &avail);
	if (off < 0)
		return 0;
	n = avail < pe->rsrc_size ? avail : pe->rsrc_size;
	if (n == 0 || n > RSRC_MAX)
		return 0;
	rs = vz__malloc(n);
	if (rs == NULL)
		return -2;
	if (preadn(fd, rs, n, (uint64_t)off) == 0 &&
	    vz__pe_version_resource(rs, n, pe->rsrc_rva, &voff, &vlen) == 0)
		vz__pe_version_strings(rs + voff, vlen, company, csize,
		                       product, psize);
	vz__free(rs);
	return 0;
}

void vz__pe_version_buf(const unsigned char *file, size_t len,
                        const struct vz_pe *pe, char *company, size_t csize,
                        char *product, size_t psize)
{
	uint32_t avail = 0;
	size_t n, voff, vlen;
	int64_t off;

	company[0] = product[0] = '\0';
	if (pe->rsrc_rva == 0 || pe->rsrc_size == 0 ||
	    (size_t)pe->headers_end > len)
		return;
	off = rva_to_section(file, pe, pe->rsrc_rva, &avail);
	if (off < 0 || (uint64_t)off >= len)
		return;
	n = avail < pe->rsrc_size ? avail : pe->rsrc_size;
	if (n > len - (size_t)off)
		n = len - (size_t)off;
	if (vz__pe_version_resource(file + off, n, pe->rsrc_rva, &voff,
	                            &vlen) == 0)
		vz__pe_version_strings(file + off + voff, vlen, company, csize,
		                       product, psize);
}

/* ---- one file: read (any thread), then applied (the walk's) ---------- */

void vz__pe_tools_free(struct vz_pe_tools *t)
{
	size_t i;

	if (t == NULL)
		return;
	EVP_MD_CTX_free(t->md);
	for (i = 0; i < VZ_PE_MDS; i++)
		EVP_MD_free(t->mds[i]);
	vz__free(t->buf);
	vz__certcache_free(t->certs);
	memset(t, 0, sizeof(*t));
}

/*
 * The digest algorithm `legacy` names, fetched once per thread: OpenSSL
 * 3 otherwise looks it up in the provider at every EVP_DigestInit_ex.
 * Falls back to `legacy` itself if the cache is full or the fetch fails.
 */
static const EVP_MD *fetched(struct vz_pe_tools *t, const EVP_MD *legacy)
{
	int nid = EVP_MD_get_type(legacy);
	size_t i;

	for (i = 0; i < VZ_PE_MDS && t->mds[i] != NULL; i++)
		if (t->nids[i] == nid)
			return t->mds[i];
	if (i == VZ_PE_MDS)
		return legacy;
	t->mds[i] = EVP_MD_fetch(NULL, EVP_MD_get0_name(legacy), NULL);
	if (t->mds[i] == NULL)
		return legacy;
	t->nids[i] = nid;
	return t->mds[i];
}

void vz__pe_out_clear(struct vz_pe_out *o)
{
	vz__authenticode_clear(&o->a);
	memset(o, 0, sizeof(*o));
}

static void out_problem(struct vz_pe_out *o, int unreadable, const char *why)
{
	o->problem = 1;
	o->unreadable = unreadable;
	snprintf(o->why, sizeof(o->why), "%s", why);
}

void vz__pe_read(int fd, const vz_sink *sink, struct vz_pe_tools *t,
                 struct vz_pe_out *o)
{
	unsigned char *hdr = NULL, *tab = NULL;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	char company[256], product[256];
	const unsigned char *der;
	size_t hlen, derlen;
	const char *why = NULL;
	struct vz_pe pe;
	struct stat st;
	vz_status rc;

	memset(o, 0, sizeof(*o));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		out_problem(o, 1, "not a regular file");
		goto out;
	}
	hlen = (uint64_t)st.st_size < HEADERS_MAX ? (size_t)st.st_size
	                                          : HEADERS_MAX;
	hdr = vz__malloc(hlen ? hlen : 1);
	if (hdr == NULL) {
		o->rc = VZ_E_NOMEM;
		goto out;
	}
	errno = 0;
	if (preadn(fd, hdr, hlen, 0) != 0) {
		char eb[96];
		int e = errno ? errno : EIO;

		out_problem(o, 1, strerror_r(e, eb, sizeof(eb)));
		goto out;
	}
	o->pe_file = 1;
	if (vz__pe_headers(hdr, hlen, (uint64_t)st.st_size, &pe, &why) !=
	    VZ_OK) {
		int notpe = hlen < 2 || hdr[0] != 'M' || hdr[1] != 'Z';

		out_problem(o, !notpe,
		            notpe ? "not a PE file (named like one)" : why);
		goto out;
	}
	if (pe.cert_size == 0)
		goto out; /* unsigned: nothing to say who made it */
	if (pe.cert_size > CERTS_MAX) {
		out_problem(o, 1, "PE certificate table larger than 16 MiB");
		goto out;
	}
	tab = vz__malloc(pe.cert_size);
	if (tab == NULL) {
		o->rc = VZ_E_NOMEM;
		goto out;
	}
	if (preadn(fd, tab, pe.cert_size, pe.cert_off) != 0) {
		out_problem(o, 1, "cannot read the PE certificate table");
		goto out;
	}
	rc = vz__pe_signature(tab, pe.cert_size, &der, &derlen, &why);
	if (rc == VZ_OK)
		rc = vz__authenticode_parse_cached(der, derlen, &t->certs,
		                                   &o->a, &why);
	if (rc == VZ_E_NOMEM) {
		o->rc = rc;
		goto out;
	}
	if (rc != VZ_OK) {
		out_problem(o, 1, why);
		goto out;
	}
	o->signature = 1;
	o->auth = VZ_AUTH_UNCHECKED;
	if (sink->want_signer == NULL ||
	    !sink->want_signer(sink->ctx, o->a.subject, o->a.issuer, o->a.cn))
		goto out;
	/* Only now is the whole file read. */
	o->verified = 1;
	if (t->md == NULL)
		t->md = EVP_MD_CTX_new();
	if (t->buf == NULL)
		t->buf = vz__malloc(READ_CHUNK);
	if (t->md == NULL || t->buf == NULL) {
		o->rc = VZ_E_NOMEM;
		goto out;
	}
	if (digest_with(fd, &pe, fetched(t, o->a.md), t->md, t->buf, digest,
	                &dlen) != 0) {
		o->signature = 0;
		out_problem(o, 1, "cannot read the file to check its digest");
		goto out;
	}
	if (dlen != o->a.dlen || memcmp(digest, o->a.digest, dlen) != 0 ||
	    (uint64_t)pe.cert_off + pe.cert_size != (uint64_t)st.st_size)
		o->auth = VZ_AUTH_TAMPERED;
	else if (!o->a.sig_ok)
		o->auth = VZ_AUTH_BAD;
	else
		o->auth = VZ_AUTH_VALID;
	if (version_info(fd, hdr, &pe, company, sizeof(company), product,
	                 sizeof(product)) != 0) {
		o->rc = VZ_E_NOMEM;
		goto out;
	}
	o->has_detail = 1;
	if (company[0] || product[0])
		snprintf(o->detail, sizeof(o->detail),
		         "version resource: CompanyName \"%s\", "
		         "ProductName \"%s\"",
		         company, product);
out:
	vz__free(hdr);
	vz__free(tab);
}

vz_status vz__pe_apply(struct vz_cctx *c, const char *path, int direct,
                       const struct vz_pe_out *o, vz_error *err)
{
	vz_record r;

	if (o->pe_file)
		vz__stats_add(c->st, VZ_STAT_PE_FILES, 1);
	if (o->signature || (o->verified && o->problem))
		vz__stats_add(c->st, VZ_STAT_SIGNATURES, 1);
	if (o->verified)
		vz__stats_add(c->st, VZ_STAT_VERIFIED, 1);
	if (o->rc != VZ_OK)
		return o->rc;
	if (o->problem) {
		if (direct) {
			vz__error_set(err, VZ_E_PARSE, path, "%s", o->why);
			return VZ_E_PARSE;
		}
		vz__stats_problem(c->st, "pe", o->unreadable, o->why, path);
		return VZ_OK;
	}
	if (!o->signature)
		return VZ_OK;
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_SIGNATURE;
	r.name = path;
	r.platform = "windows";
	r.subject = o->a.subject;
	r.issuer = o->a.issuer;
	r.common_name = o->a.cn;
	r.auth = o->auth;
	r.detail = o->has_detail ? o->detail : NULL;
	return vz__emit_as(c, &r, "pe");
}

vz_status vz__pe_examine(struct vz_cctx *c, int fd, const char *path,
                         int direct, vz_error *err)
{
	struct vz_pe_tools t;
	struct vz_pe_out *o = vz__malloc(sizeof(*o));
	vz_status rc;

	if (o == NULL)
		return VZ_E_NOMEM;
	memset(&t, 0, sizeof(t));
	vz__pe_read(fd, c->sink, &t, o);
	rc = vz__pe_apply(c, path, direct, o, err);
	vz__pe_out_clear(o);
	vz__free(o);
	vz__pe_tools_free(&t);
	return rc;
}
