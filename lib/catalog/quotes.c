/*
 * lib/catalog/quotes.c - recorded quotes checked against source texts.
 *
 * What an authority recorded is quoted in its own words. Where the text
 * of a source is kept beside the catalogue (DIR/SOURCE-ID.txt, holding
 * only text actually taken from that source), every quote citing it must
 * occur in it, so a paraphrase cannot pass for the authority's words.
 * Comparison collapses runs of white space (line breaks in a letter are
 * not words); an ellipsis ("..." or U+2026) separates fragments that must
 * occur in order. Source texts are small, so a plain search is enough.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog_int.h"

#define VZ_SOURCE_TEXT_MAX (16u * 1024u * 1024u)

struct qctx {
	const vz_catalog *cat;
	const char *dir;
	vz_diags *diags;
	struct vz_jseg path[VZ_VMAX_DEPTH];
	size_t depth;
	vz_status rc;
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* Collapse white space in place to single spaces; trims both ends. */
static void squeeze(char *s)
{
	char *w = s;
	int sp = 0, any = 0;

	for (; *s; s++) {
		if (is_space(*s)) {
			sp = 1;
			continue;
		}
		if (sp && any)
			*w++ = ' ';
		sp = 0;
		any = 1;
		*w++ = *s;
	}
	*w = '\0';
}

static char *read_text(const char *path, int *missing, vz_status *rc)
{
	FILE *f;
	struct stat st;
	char *data = NULL;
	size_t len = 0, got;

	*missing = 0;
	f = fopen(path, "rb");
	if (f == NULL) {
		*missing = errno == ENOENT;
		*rc = *missing ? VZ_OK : VZ_E_IO;
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
	    (unsigned long long)st.st_size > VZ_SOURCE_TEXT_MAX) {
		*rc = VZ_E_IO;
		goto out;
	}
	data = vz__malloc((size_t)st.st_size + 1);
	if (data == NULL) {
		*rc = VZ_E_NOMEM;
		goto out;
	}
	while (len <= (size_t)st.st_size &&
	       (got = fread(data + len, 1, (size_t)st.st_size + 1 - len, f)) >
	           0)
		len += got;
	if (ferror(f) || len > (size_t)st.st_size) {
		vz__free(data);
		data = NULL;
		*rc = VZ_E_IO;
		goto out;
	}
	data[len] = '\0';
	if (memchr(data, '\0', len) != NULL) {
		vz__free(data);
		data = NULL;
		*rc = VZ_E_IO;
		goto out;
	}
	squeeze(data);
	*rc = VZ_OK;
out:
	fclose(f);
	return data;
}

/* Length of an ellipsis at s, or 0. */
static size_t ellipsis(const char *s)
{
	if (strncmp(s, "...", 3) == 0)
		return 3;
	if (strncmp(s, "\xe2\x80\xa6", 3) == 0)
		return 3;
	return 0;
}

/*
 * Whether every fragment of the (squeezed) quote `q` occurs in `text`, in
 * order. Modifies q (splits it).
 */
static int found(const char *text, char *q)
{
	const char *at = text;

	while (*q) {
		char *end = q, *next;
		size_t e = 0;

		while (*end && (e = ellipsis(end)) == 0)
			end++;
		next = *end ? end + e : end;
		*end = '\0';
		/* Trim the fragment's ends (spaces around the ellipsis). */
		while (*q == ' ')
			q++;
		{
			size_t n = strlen(q);

			while (n > 0 && q[n - 1] == ' ')
				q[--n] = '\0';
			if (n > 0) {
				const char *hit = strstr(at, q);

				if (hit == NULL)
					return 0;
				at = hit + n;
			}
		}
		q = next;
	}
	return 1;
}

static void check_quote(struct qctx *c, json_t *qo)
{
	const char *src = json_string_value(json_object_get(qo, "source"));
	const char *quote = json_string_value(json_object_get(qo, "quote"));
	char *path = NULL, *text = NULL, *q = NULL;
	struct vz_buf b;
	int missing;
	vz_status rc;

	if (src == NULL || quote == NULL || strchr(src, '/') != NULL)
		return;
	vz__buf_init(&b);
	vz__buf_printf(&b, "%s/%s.txt", c->dir, src);
	path = vz__buf_take(&b);
	if (path == NULL) {
		c->rc = VZ_E_NOMEM;
		return;
	}
	text = read_text(path, &missing, &rc);
	if (text == NULL) {
		if (rc == VZ_E_NOMEM || c->rc == VZ_OK)
			c->rc = rc == VZ_OK ? c->rc : rc;
		if (rc == VZ_E_IO)
			vz__diag_add(c->diags, VZ_SEV_ERROR, VZ_E_IO, path, 0,
			             0, NULL,
			             "cannot read this source text (not a "
			             "regular text file, or too large)");
		goto out;
	}
	q = vz__strdup(quote);
	if (q == NULL) {
		c->rc = VZ_E_NOMEM;
		goto out;
	}
	squeeze(q);
	if (!found(text, q)) {
		c->path[c->depth].key = "quote";
		vz__catalog_diag(c->cat, c->diags, VZ_SEV_ERROR, c->path,
		                 c->depth + 1, 0,
		                 "this quote does not occur in the recorded "
		                 "text of source \"%s\" (%s)",
		                 src, path);
		if (c->rc == VZ_OK)
			c->rc = VZ_E_INVALID;
	}
out:
	vz__free(q);
	vz__free(text);
	vz__free(path);
}

static void walk(struct qctx *c, json_t *v, int in_recorded)
{
	const char *key;
	json_t *x;
	size_t i;

	if (c->depth + 1 >= VZ_VMAX_DEPTH || c->rc == VZ_E_NOMEM)
		return;
	if (json_is_object(v)) {
		if (in_recorded)
			check_quote(c, v);
		json_object_foreach(v, key, x)
		{
			c->path[c->depth].key = key;
			c->depth++;
			walk(c, x, strcmp(key, "recorded") == 0);
			c->depth--;
		}
	} else if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++) {
			c->path[c->depth].key = NULL;
			c->path[c->depth].index = i;
			c->depth++;
			walk(c, json_array_get(v, i), in_recorded);
			c->depth--;
		}
	}
}

vz_status vz_catalog_check_quotes(const vz_catalog *cat, const char *dir,
                                  vz_diags *diags)
{
	struct qctx c;
	struct stat st;

	if (cat == NULL)
		return VZ_E_INVALID;
	if (dir == NULL || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return VZ_OK;
	memset(&c, 0, sizeof(c));
	c.cat = cat;
	c.dir = dir;
	c.diags = diags;
	c.rc = VZ_OK;
	walk(&c, vz__catalog_root(cat), 0);
	return c.rc;
}
