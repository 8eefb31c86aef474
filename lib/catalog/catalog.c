/*
 * lib/catalog/catalog.c - loading a catalogue and looking entries up.
 *
 * Loading is all-or-nothing: the caller gets either a fully validated,
 * indexed catalogue or NULL and the complete list of what is wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "catalog_int.h"

/*
 * A catalogue is a few hundred kilobytes; anything beyond this is not a
 * catalogue, and we say so rather than try to read it into memory.
 */
#define VZ_CATALOG_MAX_BYTES (256u * 1024u * 1024u)

void vz_catalog_free(vz_catalog *cat)
{
	if (cat == NULL)
		return;
	vz__map_free(&cat->ids);
	vz__free(cat->entries);
	json_decref(cat->root);
	vz__free(cat->file);
	vz__free(cat->text);
	vz__jpos_free(cat->jp);
	vz__free(cat->jp);
	vz__free(cat);
}

static const char *str_member(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* jansson's messages, reworded where they name jansson's own options. */
static const char *json_message(const char *text)
{
	if (strstr(text, "JSON_ALLOW_NUL") != NULL)
		return "a NUL character (\\u0000) is not allowed in a string";
	return text;
}

vz_status vz_catalog_load_buffer(const char *data, size_t len, const char *name,
                                 vz_catalog **out, vz_diags *diags)
{
	struct vctx c;
	vz_diags *own = NULL;
	vz_catalog *cat = NULL;
	json_error_t jerr;
	json_t *root = NULL;
	unsigned long fails;
	size_t first_diag;
	size_t skip;
	vz_status rc = VZ_OK;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	vz__map_init(&c.cited);
	if (name == NULL)
		name = "<catalogue>";
	if (diags == NULL) {
		/* We still need to count errors to decide the outcome. */
		own = diags = vz_diags_new();
		if (own == NULL) {
			rc = VZ_E_NOMEM;
			goto out;
		}
	}
	cat = vz__calloc(1, sizeof(*cat));
	if (cat == NULL || (cat->file = vz__strdup(name)) == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	vz__map_init(&cat->ids);
	/*
	 * Some editors write a UTF-8 byte-order mark; jansson refuses it.
	 * Skip it here; the position locator skips it too, so line and
	 * column numbers stay those an editor shows.
	 */
	skip = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	fails = vz__alloc_failures();
	root = json_loadb(data + skip, len - skip, JSON_REJECT_DUPLICATES,
	                  &jerr);
	if (root == NULL) {
		if (json_error_code(&jerr) == json_error_out_of_memory ||
		    vz__alloc_failures() != fails) {
			rc = VZ_E_NOMEM;
		} else {
			rc = VZ_E_PARSE;
			vz__diag_add(
			    diags, VZ_SEV_ERROR, rc, name,
			    jerr.line > 0 ? (unsigned long)jerr.line : 0,
			    jerr.column > 0 ? (unsigned long)jerr.column : 0,
			    NULL, "not valid JSON: %s",
			    json_message(jerr.text));
		}
		goto out;
	}
	cat->root = root;
	c.text = data;
	c.len = len;
	vz__jpos_init(&c.jp, data, len);
	c.file = name;
	c.diags = diags;
	c.cat = cat;
	first_diag = vz_diags_count(diags);
	vz__catalog_validate(&c, root);
	vz__diags_sort(diags, first_diag);
	if (c.nomem) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	if (vz_diags_errors(diags) > 0) {
		rc = VZ_E_INVALID;
		goto out;
	}
	/*
	 * Keep the text: checks that run after loading (the assessment
	 * consistency check) report positions too.
	 */
	cat->text = vz__strndup(data, len);
	if (cat->text == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	cat->text_len = len;
	cat->id = str_member(root, "id");
	cat->format = str_member(root, "format");
	cat->expires = str_member(root, "expires");
	cat->version = json_integer_value(json_object_get(root, "version"));
	*out = cat;
	cat = NULL;
out:
	vz__jpos_free(&c.jp);
	vz__map_free(&c.cited);
	vz_catalog_free(cat);
	vz_diags_free(own);
	return rc;
}

vz_status vz_catalog_load(const char *path, vz_catalog **out, vz_diags *diags)
{
	FILE *f = NULL;
	char *data = NULL;
	struct stat st;
	size_t len = 0, got;
	vz_status rc;

	*out = NULL;
	{
		/* Never block on a FIFO or device named as a catalogue. */
		int fd = vz__open_regular_at(AT_FDCWD, path, 0);

		f = fd < 0 ? NULL : fdopen(fd, "rb");
		if (f == NULL && fd >= 0)
			close(fd);
	}
	if (f == NULL) {
		vz__diag_add(diags, VZ_SEV_ERROR, VZ_E_IO, path, 0, 0, NULL,
		             "%s%s",
		             errno == VZ__ENOTREG ? "" : "cannot open: ",
		             vz__errstr(errno));
		rc = VZ_E_IO;
		goto out;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		vz__diag_add(diags, VZ_SEV_ERROR, VZ_E_IO, path, 0, 0, NULL,
		             "not a regular file");
		rc = VZ_E_IO;
		goto out;
	}
	if ((unsigned long long)st.st_size > VZ_CATALOG_MAX_BYTES) {
		vz__diag_add(diags, VZ_SEV_ERROR, VZ_E_IO, path, 0, 0, NULL,
		             "file too large for a catalogue (%lld bytes; "
		             "the limit is %u)",
		             (long long)st.st_size, VZ_CATALOG_MAX_BYTES);
		rc = VZ_E_IO;
		goto out;
	}
	data = vz__malloc((size_t)st.st_size + 1);
	if (data == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	/* Read to EOF: the size may change under us; never trust it alone. */
	while ((got = fread(data + len, 1, (size_t)st.st_size + 1 - len, f)) >
	       0) {
		len += got;
		if (len > (size_t)st.st_size)
			break;
	}
	if (ferror(f) || len > (size_t)st.st_size) {
		vz__diag_add(diags, VZ_SEV_ERROR, VZ_E_IO, path, 0, 0, NULL,
		             ferror(f) ? "read error"
		                       : "file changed while "
		                         "being read");
		rc = VZ_E_IO;
		goto out;
	}
	rc = vz_catalog_load_buffer(data, len, path, out, diags);
out:
	if (f != NULL)
		fclose(f);
	vz__free(data);
	return rc;
}

const char *vz_catalog_id(const vz_catalog *cat)
{
	return cat->id;
}

const char *vz_catalog_format(const vz_catalog *cat)
{
	return cat->format;
}

int64_t vz_catalog_version(const vz_catalog *cat)
{
	return cat->version;
}

const char *vz_catalog_expires(const vz_catalog *cat)
{
	return cat->expires;
}

const char *vz_catalog_file(const vz_catalog *cat)
{
	return cat->file;
}

size_t vz_catalog_count(const vz_catalog *cat, vz_kind kind)
{
	return (unsigned)kind < VZ_KIND__COUNT ? cat->count[kind] : 0;
}

const char *vz_catalog_entry_id(const vz_catalog *cat, vz_kind kind, size_t i)
{
	if ((unsigned)kind >= VZ_KIND__COUNT || i >= cat->count[kind])
		return NULL;
	return cat->entries[cat->first[kind] + i].id;
}

int vz_catalog_find(const vz_catalog *cat, const char *id, vz_kind *kind)
{
	const struct vz_entry *e = vz__map_get(&cat->ids, id);

	if (e == NULL)
		return 0;
	if (kind != NULL)
		*kind = e->kind;
	return 1;
}

json_t *vz__catalog_root(const vz_catalog *cat)
{
	return cat->root;
}

json_t *vz__catalog_get(const vz_catalog *cat, const char *id, vz_kind *kind)
{
	const struct vz_entry *e = vz__map_get(&cat->ids, id);

	if (e == NULL)
		return NULL;
	if (kind != NULL)
		*kind = e->kind;
	return e->obj;
}

json_t *vz__catalog_nth(const vz_catalog *cat, vz_kind kind, size_t i)
{
	if ((unsigned)kind >= VZ_KIND__COUNT || i >= cat->count[kind])
		return NULL;
	return cat->entries[cat->first[kind] + i].obj;
}

void vz__catalog_diag(const vz_catalog *cat, vz_diags *diags,
                      vz_severity sev, const struct vz_jseg *path,
                      size_t nseg, int at_key, const char *fmt, ...)
{
	char p[256], msg[512];
	unsigned long line = 0, col = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vz__json_path_format(path, nseg, p, sizeof(p));
	/* The catalogue is read-only to callers; its locator is a cache. */
	if (cat->text != NULL && cat->jp == NULL) {
		struct vz_catalog *mut = (struct vz_catalog *)(uintptr_t)cat;

		mut->jp = vz__malloc(sizeof(*mut->jp));
		if (mut->jp != NULL)
			vz__jpos_init(mut->jp, cat->text, cat->text_len);
	}
	if (cat->jp != NULL)
		vz__jpos_locate(cat->jp, path, nseg, at_key, &line, &col);
	else if (cat->text != NULL)
		vz__json_locate(cat->text, cat->text_len, path, nseg, at_key,
		                &line, &col);
	vz__diag_add(diags, sev, VZ_E_INVALID, cat->file, line, col, p, "%s",
	             msg);
}

int vz__catalog_index_of(const vz_catalog *cat, const char *id)
{
	const struct vz_entry *e = vz__map_get(&cat->ids, id);

	return e != NULL ? (int)e->index : -1;
}

void vz__catalog_set_signature(vz_catalog *cat, const char *state)
{
	cat->signature = state;
}

void vz__catalog_set_trusted_version(vz_catalog *cat, int64_t version)
{
	cat->trusted_version = version;
}

int64_t vz_catalog_trusted_version(const vz_catalog *cat)
{
	return cat->trusted_version > 0 ? cat->trusted_version : -1;
}

const char *vz_catalog_signature(const vz_catalog *cat)
{
	return cat->signature != NULL ? cat->signature : "unverified";
}

vz_status vz_catalog_sha256(const vz_catalog *cat, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	out[0] = '\0';
	if (cat->text == NULL ||
	    EVP_Digest(cat->text, cat->text_len, md, &n, EVP_sha256(), NULL) !=
	        1 ||
	    n != 32)
		return VZ_E_INTERNAL;
	vz__hex_encode(md, n, out);
	return VZ_OK;
}
