/*
 * lib/collect/dpkg.c - the dpkg collector: packages from the status
 * database of the root, /var/lib/dpkg/status, with the pending journal
 * entries in /var/lib/dpkg/updates/ applied on top as dpkg-query does
 * (a dpkg run that was interrupted leaves its last changes there).
 *
 * Every stanza is emitted, whatever its state: half-installed and
 * config-files packages matter to a measure (a half-removed product, or
 * its leftovers). The status file is streamed through the parser; only
 * the few journal entries are held in memory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect_int.h"

#define STATUS "/var/lib/dpkg/status"
#define UPDATES "/var/lib/dpkg/updates"
/* A real status file is a few MB; refuse to slurp a disk-sized one. */
#define STATUS_MAX ((size_t)1 << 30)

struct upd {
	char *key;              /* owned: "name:arch" */
	struct vz_dpkg_pkg pkg; /* spans into one of datas */
};

struct dpkg_state {
	struct upd *upd; /* owned */
	size_t nupd, cap;
	struct vz_map keys; /* key -> struct upd index + 1 (as pointer) */
	char **datas;       /* owned journal buffers */
	size_t ndatas;
	struct vz_buf scratch;
	struct vz_cctx *c;
	const char *origin;
	vz_status rc;
};

static int dpkg_probe(struct vz_cctx *c)
{
	int fd = vz__root_open(c->rootfd, "/var/lib/dpkg", O_RDONLY |
	                                                     O_DIRECTORY);

	if (fd < 0) {
		snprintf(c->detail, sizeof(c->detail),
		         "no dpkg database (/var/lib/dpkg)");
		return 0;
	}
	close(fd);
	snprintf(c->detail, sizeof(c->detail), "%s", STATUS);
	return 1;
}

/* Append a span and a NUL to b; return where it starts. */
static size_t span_dup(struct vz_buf *b, struct vz_span s)
{
	size_t off = b->len;

	if (s.p != NULL)
		vz__buf_add(b, s.p, s.n);
	vz__buf_add(b, "", 1);
	return off;
}

static vz_status emit_pkg(struct dpkg_state *d, const struct vz_dpkg_pkg *p,
                          const char *origin)
{
	struct vz_buf *b = &d->scratch;
	size_t o[5];
	vz_record r;
	vz_pkg_state st = VZ_PKG_NOT_INSTALLED;

	b->len = 0;
	o[0] = span_dup(b, p->package);
	o[1] = span_dup(b, p->version);
	o[2] = span_dup(b, p->arch);
	o[3] = span_dup(b, p->maintainer);
	o[4] = span_dup(b, p->status);
	if (b->failed)
		return VZ_E_NOMEM;
	vz__dpkg_status(p->status.p, p->status.n, &st);
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_PACKAGE;
	r.origin = origin;
	r.name = b->data + o[0];
	r.version = p->version.p ? b->data + o[1] : NULL;
	r.arch = p->arch.p ? b->data + o[2] : NULL;
	r.vendor = p->maintainer.p ? b->data + o[3] : NULL;
	r.detail = b->data + o[4];
	r.pkg_state = st;
	if (st != VZ_PKG_NOT_INSTALLED)
		vz__stats_add(d->c->st, VZ_STAT_PACKAGES, 1);
	return vz__emit(d->c, &r);
}

static int make_key(struct vz_buf *b, const struct vz_dpkg_pkg *p)
{
	b->len = 0;
	vz__buf_add(b, p->package.p, p->package.n);
	vz__buf_add(b, ":", 1);
	if (p->arch.p != NULL)
		vz__buf_add(b, p->arch.p, p->arch.n);
	vz__buf_add(b, "", 1);
	return b->failed ? -1 : 0;
}

/* Journal entries: later ones replace earlier ones for the same package. */
static int on_update(void *ctx, const struct vz_dpkg_pkg *p)
{
	struct dpkg_state *d = ctx;
	struct upd *u;
	void *idx;

	if (make_key(&d->scratch, p) != 0)
		goto nomem;
	idx = vz__map_get(&d->keys, d->scratch.data);
	if (idx != NULL) {
		d->upd[(uintptr_t)idx - 1].pkg = *p;
		return 0;
	}
	if (d->nupd == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 16;
		struct upd *n = vz__realloc(d->upd, ncap * sizeof(*n));

		if (n == NULL)
			goto nomem;
		d->upd = n;
		d->cap = ncap;
	}
	u = &d->upd[d->nupd];
	memset(u, 0, sizeof(*u));
	u->key = vz__strdup(d->scratch.data);
	if (u->key == NULL)
		goto nomem;
	u->pkg = *p;
	d->nupd++;
	if (vz__map_put(&d->keys, u->key, (void *)(uintptr_t)d->nupd, NULL) !=
	    VZ_OK)
		goto nomem;
	return 0;
nomem:
	d->rc = VZ_E_NOMEM;
	return 1;
}

static int on_status(void *ctx, const struct vz_dpkg_pkg *p)
{
	struct dpkg_state *d = ctx;

	if (d->nupd > 0) {
		if (make_key(&d->scratch, p) != 0) {
			d->rc = VZ_E_NOMEM;
			return 1;
		}
		if (vz__map_get(&d->keys, d->scratch.data) != NULL)
			return 0; /* superseded by a journal entry */
	}
	d->rc = emit_pkg(d, p, STATUS);
	vz__progress(d->c);
	return d->rc != VZ_OK;
}

static void report_errs(struct vz_cctx *c, const char *file,
                        const struct vz_dpkg_errs *e)
{
	char ex[1024];

	if (e->malformed == 0)
		return;
	snprintf(ex, sizeof(ex), "%.600s:%lu: %s", file, e->first_line,
	         e->first_what);
	vz__stats_problem_n(c->st, c->name, 1, "malformed dpkg status entry",
	                    ex, e->malformed);
}

static int cmp_num(const void *a, const void *b)
{
	unsigned long x = strtoul(*(char *const *)a, NULL, 10);
	unsigned long y = strtoul(*(char *const *)b, NULL, 10);

	return x < y ? -1 : x > y;
}

static int all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static char *path_of(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", UPDATES, name);
	return buf;
}

/* Read the journal entries, in numeric order, into d. */
static vz_status read_updates(struct dpkg_state *d)
{
	struct vz_cctx *c = d->c;
	struct dirent *de;
	DIR *dir = NULL;
	char **names = NULL, path[600];
	size_t n = 0, cap = 0, i;
	vz_status rc = VZ_OK;
	int fd;

	fd = vz__root_open(c->rootfd, UPDATES, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		if (errno != ENOENT)
			vz__stats_problem(c->st, c->name, 1, vz__errstr(errno),
			                  UPDATES);
		return VZ_OK;
	}
	while ((de = readdir(dir)) != NULL) {
		if (!all_digits(de->d_name))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char **nn = vz__realloc(names, ncap * sizeof(*nn));

			if (nn == NULL) {
				rc = VZ_E_NOMEM;
				goto out;
			}
			names = nn;
			cap = ncap;
		}
		if ((names[n] = vz__strdup(de->d_name)) == NULL) {
			rc = VZ_E_NOMEM;
			goto out;
		}
		n++;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_num);
	for (i = 0; i < n && rc == VZ_OK; i++) {
		struct vz_dpkg_errs e = {0, 0, NULL};
		char *data, **nd;
		size_t len;
		int ffd = vz__root_open(c->rootfd, path_of(path, sizeof(path),
		                                           names[i]),
		                        O_RDONLY | O_NONBLOCK);

		if (ffd < 0) {
			vz__stats_problem(c->st, c->name, 1, vz__errstr(errno),
			                  path);
			continue;
		}
		rc = vz__read_fd(ffd, STATUS_MAX, &data, &len);
		close(ffd);
		if (rc == VZ_E_IO) {
			vz__stats_problem(c->st, c->name, 1, vz__errstr(errno),
			                  path);
			rc = VZ_OK;
			continue;
		}
		if (rc != VZ_OK)
			break;
		nd = vz__realloc(d->datas, (d->ndatas + 1) * sizeof(*nd));
		if (nd == NULL) {
			vz__free(data);
			rc = VZ_E_NOMEM;
			break;
		}
		d->datas = nd;
		d->datas[d->ndatas++] = data;
		vz__dpkg_parse(data, len, on_update, d, &e);
		rc = d->rc;
		report_errs(c, path, &e);
	}
out:
	for (i = 0; i < n; i++)
		vz__free(names[i]);
	vz__free(names);
	closedir(dir);
	return rc;
}

static vz_status dpkg_collect(struct vz_cctx *c)
{
	struct dpkg_state d;
	struct vz_dpkg_errs e = {0, 0, NULL};
	char *data = NULL;
	size_t len = 0, i;
	vz_status rc;
	int fd;

	memset(&d, 0, sizeof(d));
	d.c = c;
	vz__map_init(&d.keys);
	vz__buf_init(&d.scratch);
	rc = read_updates(&d);
	if (rc != VZ_OK)
		goto out;
	fd = vz__root_open(c->rootfd, STATUS, O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		vz__stats_problem(c->st, c->name, 1, vz__errstr(errno), STATUS);
	} else {
		rc = vz__read_fd(fd, STATUS_MAX, &data, &len);
		close(fd);
		if (rc == VZ_E_IO) {
			vz__stats_problem(c->st, c->name, 1, vz__errstr(errno),
			                  STATUS);
			rc = VZ_OK;
		}
		if (rc != VZ_OK)
			goto out;
	}
	if (data != NULL) {
		vz__dpkg_parse(data, len, on_status, &d, &e);
		rc = d.rc;
		report_errs(c, STATUS, &e);
	}
	for (i = 0; i < d.nupd && rc == VZ_OK; i++)
		rc = emit_pkg(&d, &d.upd[i].pkg, UPDATES);
out:
	for (i = 0; i < d.nupd; i++)
		vz__free(d.upd[i].key);
	for (i = 0; i < d.ndatas; i++)
		vz__free(d.datas[i]);
	vz__free(d.datas);
	vz__free(d.upd);
	vz__map_free(&d.keys);
	vz__buf_free(&d.scratch);
	vz__free(data);
	return rc;
}

const struct vz_collector vz__collector_dpkg = {"dpkg", 0, dpkg_probe,
                                                dpkg_collect, NULL};
