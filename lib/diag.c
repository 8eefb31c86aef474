/*
 * lib/diag.c - error records and diagnostic lists.
 *
 * Parsers of outside data report every problem they find, so a catalogue
 * author fixes them all in one round. A list is bounded (VZ_DIAGS_MAX) so
 * that a pathological input cannot exhaust memory; what is dropped is
 * counted, and the tool says so.
 */
#include <stdio.h>
#include <string.h>

#include "vz_int.h"

struct vz_diags {
	vz_error *items; /* owned */
	size_t len;
	size_t cap;
	size_t errors;
	size_t warnings;
	size_t dropped;
};

vz_diags *vz_diags_new(void)
{
	return vz__calloc(1, sizeof(vz_diags));
}

void vz_diags_free(vz_diags *d)
{
	if (d == NULL)
		return;
	vz__free(d->items);
	vz__free(d);
}

void vz_diags_clear(vz_diags *d)
{
	if (d == NULL)
		return;
	d->len = d->errors = d->warnings = d->dropped = 0;
}

size_t vz_diags_count(const vz_diags *d)
{
	return d ? d->len : 0;
}

size_t vz_diags_errors(const vz_diags *d)
{
	return d ? d->errors : 0;
}

size_t vz_diags_warnings(const vz_diags *d)
{
	return d ? d->warnings : 0;
}

size_t vz_diags_dropped(const vz_diags *d)
{
	return d ? d->dropped : 0;
}

const vz_error *vz_diags_get(const vz_diags *d, size_t i)
{
	if (d == NULL || i >= d->len)
		return NULL;
	return &d->items[i];
}

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n;

	if (src == NULL) {
		dst[0] = '\0';
		return;
	}
	n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void vz__diag_add(vz_diags *d, vz_severity sev, vz_status code,
                  const char *file, unsigned long line, unsigned long col,
                  const char *path, const char *fmt, ...)
{
	vz_error *e;
	va_list ap;
	int n;

	if (d == NULL)
		return;
	if (sev == VZ_SEV_ERROR)
		d->errors++;
	else
		d->warnings++;
	if (d->len >= VZ_DIAGS_MAX) {
		d->dropped++;
		return;
	}
	if (d->len == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 16;
		vz_error *grown = vz__realloc(d->items, ncap * sizeof(*grown));

		if (grown == NULL) {
			d->dropped++;
			return;
		}
		d->items = grown;
		d->cap = ncap;
	}
	e = &d->items[d->len++];
	memset(e, 0, sizeof(*e));
	e->code = code;
	e->severity = sev;
	e->line = line;
	e->column = col;
	copy_str(e->file, sizeof(e->file), file);
	copy_str(e->path, sizeof(e->path), path);
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	/* Never cut a message silently: mark where it was cut. */
	if (n >= (int)sizeof(e->msg))
		memcpy(e->msg + sizeof(e->msg) - 4, "...", 4);
}

void vz_error_clear(vz_error *err)
{
	if (err != NULL)
		memset(err, 0, sizeof(*err));
}

void vz__error_set(vz_error *err, vz_status code, const char *file,
                   const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
	err->code = code;
	copy_str(err->file, sizeof(err->file), file);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

size_t vz_error_format(const vz_error *e, char *buf, size_t size)
{
	char loc[320];
	int n;

	if (e->file[0] && e->line && e->column)
		snprintf(loc, sizeof(loc), "%s:%lu:%lu: ", e->file, e->line,
		         e->column);
	else if (e->file[0] && e->line)
		snprintf(loc, sizeof(loc), "%s:%lu: ", e->file, e->line);
	else if (e->file[0])
		snprintf(loc, sizeof(loc), "%s: ", e->file);
	else
		loc[0] = '\0';
	n = snprintf(buf, size, "%s%s%s%s%s", loc,
	             e->severity == VZ_SEV_WARNING ? "warning: " : "", e->path,
	             e->path[0] ? ": " : "",
	             e->msg[0] ? e->msg : vz_strerror(e->code));
	return n < 0 ? 0 : (size_t)n;
}

static int set_str(json_t *o, const char *k, const char *v)
{
	return json_object_set_new(o, k, json_string(v));
}

vz_status vz_diags_render(const vz_diags *d, const char *file, int format,
                          char **out)
{
	json_t *root = NULL, *arr = NULL;
	char *s = NULL;
	size_t i;
	int bad;
	vz_status rc = VZ_OK;

	*out = NULL;
	if (format != VZ_FORMAT_JSON)
		return VZ_E_USAGE;
	root = json_object();
	arr = json_array();
	bad = root == NULL || arr == NULL;
	bad = bad || set_str(root, "file", file ? file : "");
	bad = bad || json_object_set_new(root, "valid",
	                                 json_boolean(vz_diags_errors(d) == 0));
	bad = bad ||
	      json_object_set_new(root, "errors",
	                          json_integer((json_int_t)vz_diags_errors(d)));
	bad = bad || json_object_set_new(
	                 root, "warnings",
	                 json_integer((json_int_t)vz_diags_warnings(d)));
	bad = bad || json_object_set_new(
	                 root, "dropped",
	                 json_integer((json_int_t)vz_diags_dropped(d)));
	for (i = 0; !bad && i < vz_diags_count(d); i++) {
		const vz_error *e = vz_diags_get(d, i);
		json_t *o = json_object();

		bad = o == NULL || json_array_append_new(arr, o);
		bad = bad || set_str(o, "severity",
		                     e->severity == VZ_SEV_WARNING ? "warning"
		                                                   : "error");
		bad = bad || set_str(o, "file", e->file);
		bad = bad || json_object_set_new(
		                 o, "line", json_integer((json_int_t)e->line));
		bad = bad ||
		      json_object_set_new(o, "column",
		                          json_integer((json_int_t)e->column));
		bad = bad || set_str(o, "path", e->path);
		bad = bad || set_str(o, "message", e->msg);
	}
	bad = bad || json_object_set(root, "diagnostics", arr);
	if (!bad)
		s = json_dumps(root, JSON_INDENT(2));
	if (s == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	*out = vz__malloc(strlen(s) + 2);
	if (*out == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	memcpy(*out, s, strlen(s));
	memcpy(*out + strlen(s), "\n", 2);
out:
	vz__json_free(s);
	json_decref(arr);
	json_decref(root);
	return rc;
}

static int by_position(const void *a, const void *b)
{
	const vz_error *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return 0;
}

void vz__diags_sort(vz_diags *d, size_t from)
{
	size_t i;

	if (d == NULL || from >= d->len)
		return;
	/*
	 * Insertion sort: stable, so diagnostics at the same position keep
	 * the order they were found in; lists are short and mostly sorted.
	 */
	for (i = from + 1; i < d->len; i++) {
		vz_error tmp = d->items[i];
		size_t j = i;

		while (j > from && by_position(&d->items[j - 1], &tmp) > 0) {
			d->items[j] = d->items[j - 1];
			j--;
		}
		d->items[j] = tmp;
	}
}
