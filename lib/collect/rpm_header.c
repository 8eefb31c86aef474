/*
 * lib/collect/rpm_header.c - a parser for rpm package headers, the blobs
 * an rpmdb stores for each installed package.
 *
 * Layout (all big-endian): index count il, data length dl, il entries of
 * {tag, type, offset, count}, then dl bytes of data; a .rpm file puts an
 * 8-byte magic in front. The blob comes from the scanned disk, so nothing
 * in it is trusted: counts are bounded as rpm bounds them, every offset
 * is checked against the data, and a string must end inside it. Only the
 * few tags a scanner needs are read. No allocation: results point into
 * the blob.
 */
#include <string.h>

#include "collect_int.h"

#define TAG_NAME 1000
#define TAG_VERSION 1001
#define TAG_RELEASE 1002
#define TAG_EPOCH 1003
#define TAG_VENDOR 1011
#define TAG_PACKAGER 1015
#define TAG_ARCH 1022

#define TYPE_INT32 4
#define TYPE_STRING 6
#define TYPE_STRING_ARRAY 8
#define TYPE_I18NSTRING 9

/* rpm's own limits (lib/header.c: HEADER_TAGS_MAX, HEADER_DATA_MAX). */
#define IL_MAX 0xffffu
#define DL_MAX (256u * 1024u * 1024u)

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* A string at `off` in the data, or NULL if it does not end inside. */
static const char *string_at(const unsigned char *data, uint32_t dl,
                             uint32_t off)
{
	if (off >= dl || memchr(data + off, '\0', dl - off) == NULL)
		return NULL;
	return (const char *)(data + off);
}

vz_status vz__rpmhdr_parse(const unsigned char *blob, size_t len,
                           struct vz_rpmhdr *out, const char **why)
{
	static const unsigned char magic[8] = {0x8e, 0xad, 0xe8, 0x01,
	                                       0,    0,    0,    0};
	const unsigned char *idx, *data;
	uint32_t il, dl, i;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (len >= 8 && memcmp(blob, magic, 8) == 0) {
		blob += 8;
		len -= 8;
	}
	if (len < 8) {
		*why = "shorter than a header preamble";
		return VZ_E_PARSE;
	}
	il = be32(blob);
	dl = be32(blob + 4);
	if (il == 0 || il > IL_MAX) {
		*why = "index count out of range";
		return VZ_E_PARSE;
	}
	if (dl > DL_MAX) {
		*why = "data length out of range";
		return VZ_E_PARSE;
	}
	/* il <= 0xffff and dl <= 256 MiB: this cannot overflow. */
	if ((uint64_t)8 + (uint64_t)il * 16 + dl > len) {
		*why = "truncated (index or data past the end)";
		return VZ_E_PARSE;
	}
	idx = blob + 8;
	data = idx + (size_t)il * 16;
	for (i = 0; i < il; i++) {
		const unsigned char *e = idx + (size_t)i * 16;
		uint32_t tag = be32(e), type = be32(e + 4);
		uint32_t off = be32(e + 8), count = be32(e + 12);
		const char **dst = NULL;

		switch (tag) {
		case TAG_NAME: dst = &out->name; break;
		case TAG_VERSION: dst = &out->version; break;
		case TAG_RELEASE: dst = &out->release; break;
		case TAG_VENDOR: dst = &out->vendor; break;
		case TAG_PACKAGER: dst = &out->packager; break;
		case TAG_ARCH: dst = &out->arch; break;
		case TAG_EPOCH:
			if (type != TYPE_INT32 || count < 1 || off % 4 != 0 ||
			    off > dl || dl - off < 4) {
				*why = "malformed epoch";
				return VZ_E_PARSE;
			}
			out->epoch = be32(data + off);
			out->has_epoch = 1;
			continue;
		default: continue;
		}
		if (type != TYPE_STRING && type != TYPE_I18NSTRING &&
		    type != TYPE_STRING_ARRAY) {
			*why = "a string tag of a non-string type";
			return VZ_E_PARSE;
		}
		if (count < 1 || (type == TYPE_STRING && count != 1)) {
			*why = "a string tag with a bad count";
			return VZ_E_PARSE;
		}
		/* For arrays and translations, the first string is enough. */
		*dst = string_at(data, dl, off);
		if (*dst == NULL) {
			*why = "a string that does not end inside the data";
			return VZ_E_PARSE;
		}
	}
	if (out->name == NULL || out->name[0] == '\0') {
		*why = "no package name";
		return VZ_E_PARSE;
	}
	return VZ_OK;
}
