/*
 * lib/collect/dpkg_parse.c - a parser for dpkg's status database.
 *
 * The status file is RFC 822-like stanzas separated by blank lines. dpkg
 * itself refuses a damaged file outright; a scanner must not, because a
 * damaged database on an image is exactly what an investigator meets. So
 * this parser takes what it can understand, counts what it cannot (with
 * the first line), and never reads past the buffer: the buffer need not
 * be NUL-terminated, and NUL bytes inside it are just bytes. One pass,
 * memchr per line, no allocation: a 3 MB status file takes milliseconds.
 */
#include <string.h>
#include <strings.h>

#include "collect_int.h"

static void bad(struct vz_dpkg_errs *e, unsigned long line, const char *what)
{
	if (e == NULL)
		return;
	if (e->malformed++ == 0) {
		e->first_line = line;
		e->first_what = what;
	}
}

static int word_in(const char *w, size_t n, const char *const *set)
{
	size_t i;

	for (i = 0; set[i]; i++)
		if (strlen(set[i]) == n && memcmp(set[i], w, n) == 0)
			return (int)i;
	return -1;
}

int vz__dpkg_status(const char *s, size_t n, vz_pkg_state *state)
{
	static const char *const wants[] = {"unknown", "install", "hold",
	                                    "deinstall", "purge", NULL};
	static const char *const flags[] = {"ok", "reinstreq", "hold",
	                                    "hold-reinstreq", NULL};
	static const char *const states[] = {
		"not-installed",    "config-files",     "half-installed",
		"unpacked",         "half-configured",  "triggers-awaited",
		"triggers-pending", "installed",        NULL};
	static const vz_pkg_state map[] = {
		VZ_PKG_NOT_INSTALLED, VZ_PKG_CONFIG_FILES, VZ_PKG_PARTIAL,
		VZ_PKG_PARTIAL,       VZ_PKG_PARTIAL,      VZ_PKG_PARTIAL,
		VZ_PKG_PARTIAL,       VZ_PKG_INSTALLED};
	const char *w[3], *end = s + n;
	size_t wl[3];
	int i, k;

	for (i = 0; i < 3; i++) {
		const char *sp;

		if (s >= end)
			return -1;
		sp = memchr(s, ' ', (size_t)(end - s));
		if (sp == NULL)
			sp = end;
		w[i] = s;
		wl[i] = (size_t)(sp - s);
		if (wl[i] == 0 || (i < 2 && sp == end) || (i == 2 && sp != end))
			return -1;
		s = sp + 1;
	}
	if (word_in(w[0], wl[0], wants) < 0 || word_in(w[1], wl[1], flags) < 0)
		return -1;
	k = word_in(w[2], wl[2], states);
	if (k < 0)
		return -1;
	*state = map[k];
	return 0;
}

static struct vz_span *field(struct vz_dpkg_pkg *p, const char *name,
                             size_t n)
{
	/* Field names are case-insensitive (deb-control(5)). */
	if (n == 7 && strncasecmp(name, "Package", 7) == 0)
		return &p->package;
	if (n == 6 && strncasecmp(name, "Status", 6) == 0)
		return &p->status;
	if (n == 7 && strncasecmp(name, "Version", 7) == 0)
		return &p->version;
	if (n == 12 && strncasecmp(name, "Architecture", 12) == 0)
		return &p->arch;
	if (n == 10 && strncasecmp(name, "Maintainer", 10) == 0)
		return &p->maintainer;
	return NULL;
}

static int finish(struct vz_dpkg_pkg *p, vz_dpkg_cb cb, void *ctx,
                  struct vz_dpkg_errs *e)
{
	vz_pkg_state st;

	if (p->package.p == NULL || p->package.n == 0) {
		bad(e, p->line, "stanza without a Package field");
		return 0;
	}
	if (p->status.p == NULL ||
	    vz__dpkg_status(p->status.p, p->status.n, &st) != 0) {
		bad(e, p->line, "stanza with a missing or malformed Status");
		return 0;
	}
	return cb(ctx, p);
}

int vz__dpkg_parse(const char *buf, size_t len, vz_dpkg_cb cb, void *ctx,
                   struct vz_dpkg_errs *errs)
{
	const char *p = buf, *end = buf + len;
	struct vz_dpkg_pkg cur;
	unsigned long line = 1;
	int in = 0, stop = 0;

	memset(&cur, 0, sizeof(cur));
	while (p < end && !stop) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *colon, *v, *ve;
		struct vz_span *f;
		size_t n;

		if (eol == NULL)
			eol = end;
		n = (size_t)(eol - p);
		/* CRLF line ends: "\r" alone is the blank line between two
		 * stanzas (values drop their '\r' below). */
		if (n == 0 || (n == 1 && *p == '\r')) {
			if (in)
				stop = finish(&cur, cb, ctx, errs);
			memset(&cur, 0, sizeof(cur));
			in = 0;
		} else if (*p == ' ' || *p == '\t') {
			/* A continuation: only multi-line fields we ignore. */
			if (!in)
				bad(errs, line, "continuation line outside a "
				                "stanza");
		} else if ((colon = memchr(p, ':', n)) == NULL || colon == p) {
			bad(errs, line, "line without a field name");
		} else {
			if (!in)
				cur.line = line;
			in = 1;
			v = colon + 1;
			ve = eol;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' ||
			                  ve[-1] == '\r'))
				ve--;
			f = field(&cur, p, (size_t)(colon - p));
			if (f != NULL && f->p != NULL) {
				bad(errs, line, "field given twice");
			} else if (f != NULL) {
				f->p = v;
				f->n = (size_t)(ve - v);
			}
		}
		p = eol < end ? eol + 1 : end;
		line++;
	}
	if (in && !stop)
		stop = finish(&cur, cb, ctx, errs);
	return stop;
}
