/*
 * server/api_ledger.c - the reading side: hosts, findings, measures, the
 * ledger, compliance counts, the burn-down series and their CSV forms.
 * Each answer is computed from the stored reports as of one instant
 * (as_of), so a past date gives what the server knew then.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

/* Load the ledger for the usual filters; NULL with rs set on error. */
static struct vzs_ledger *load(struct vzs_server *s, const struct vzs_req *rq,
                               struct vzs_resp *rs,
                               const struct vzs_catview *cv, int64_t upto,
                               int counts)
{
	struct vzs_ledger_query q;
	struct vzs_ledger *l = NULL;
	const char *h = vzs_param(rq, "host");
	char sector[128];
	int rc;

	memset(&q, 0, sizeof(q));
	q.org = vzs_param(rq, "organisation");
	q.sector = vzs_param(rq, "sector");
	q.measure = vzs_param(rq, "measure");
	q.group = vzs_param(rq, "group");
	if (h != NULL) {
		if (strspn(h, "0123456789") != strlen(h) || strlen(h) > 18) {
			vzs_error(rs, 400, "host: a host id");
			return NULL;
		}
		q.host = strtoll(h, NULL, 10);
	}
	if (q.org != NULL &&
	    vzs_org_sector(s, q.org, sector, sizeof(sector), rs) != 0)
		return NULL;
	if (q.measure != NULL && vzs_measure_find(cv, q.measure) == NULL) {
		vzs_error(rs, 404, "no measure '%.64s' in the catalogue",
		          q.measure);
		return NULL;
	}
	if (q.sector != NULL && !vzs_catview_has_sector(cv, q.sector)) {
		vzs_error(rs, 404, "no sector '%.64s' in the catalogue",
		          q.sector);
		return NULL;
	}
	/* Counts as of now come from each host's latest report, grouped
	 * in the database; any other question walks the history. */
	rc = counts && q.host == 0 ? vzs_ledger_load_counts(s, cv, &q, upto, &l)
	                           : vzs_ledger_load(s, cv, &q, upto, &l);
	if (rc != VZS_DB_OK) {
		vzs_db_error(rs, rc);
		return NULL;
	}
	return l;
}

json_t *vzs_row_json(const struct vzs_ledger_row *r, int64_t t)
{
	json_t *o, *prods = json_array();
	char buf[512], *save = NULL, *p;

	snprintf(buf, sizeof(buf), "%s", r->products);
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
		json_array_append_new(prods, json_string(p));
	o = json_pack(
	    "{s:I,s:s,s:s,s:s?,s:s,s:s,s:o,s:o,s:o,s:o,s:s?,s:b,"
	    "s:o,s:s?,s:o,s:o}",
	    "host_id", (json_int_t)r->host_id, "hostname", r->hostname,
	    "organisation", r->org, "group", r->group, "measure",
	    r->measure->id, "state", vzs_state_name(r->state), "products",
	    prods, "first_seen", vzs_time_json(r->first_seen), "last_seen",
	    vzs_time_json(r->last_seen), "last_report",
	    vzs_time_json(r->last_report), "coverage",
	    r->coverage[0] ? r->coverage : NULL, "residue", r->residue,
	    "deadline", vzs_date_json(r->deadline), "deadline_source",
	    r->deadline < 0       ? NULL
	    : r->deadline_overlay ? "overlay"
	                          : "catalog",
	    "days_left",
	    r->deadline < 0
	        ? json_null()
	        : json_integer(r->deadline - (t >= 0 ? t / 86400 : 0)),
	    "exemption",
	    r->exemption ? json_integer(r->exemption) : json_null());
	return o;
}

static void csv_opt(struct vzs_csv *c, const char *s)
{
	vzs_csv_field(c, s ? s : "");
}

static void csv_time(struct vzs_csv *c, int64_t t)
{
	char buf[32] = "";

	if (t > 0)
		vzs_fmt_time(t, buf);
	vzs_csv_field(c, buf);
}

static void csv_date(struct vzs_csv *c, int64_t d)
{
	char buf[16] = "";

	if (d >= 0)
		vzs_fmt_date(d, buf);
	vzs_csv_field(c, buf);
}

static void csv_header(struct vzs_csv *c, const char *const *h)
{
	for (size_t i = 0; h[i]; i++)
		vzs_csv_field(c, h[i]);
	vzs_csv_end(c);
}

void vzs_h_ledger(struct vzs_server *s, const struct vzs_req *rq,
                  struct vzs_resp *rs, int csv)
{
	static const char *const allowed[] = {
	    "organisation", "sector", "measure", "state", "group",
	    "host",         "as_of",  "limit",   "after", NULL};
	static const char *const head[] = {
	    "host_id",         "hostname",    "organisation", "group",
	    "measure",         "state",       "products",     "first_seen",
	    "last_seen",       "last_report", "coverage",     "deadline",
	    "deadline_source", "days_left",   "exemption",    NULL};
	struct vzs_catview *cv;
	struct vzs_ledger *l;
	struct vzs_ledger_row *rows;
	const char *stp = vzs_param(rq, "state");
	size_t n, limit, offset, seen = 0;
	int64_t t;
	int want = -1;

	if (vzs_admin(s, rq, rs) != 0 || vzs_params_only(rq, rs, allowed) ||
	    vzs_as_of(rq, rs, &t) || vzs_paging(rq, rs, &limit, &offset))
		return;
	if (stp != NULL && (want = vzs_state_parse(stp)) < 0) {
		vzs_error(rs, 400,
		          "state: stale, compliant, exempted, overdue "
		          "or pending");
		return;
	}
	cv = vzs_cat_acquire(s);
	l = load(s, rq, rs, cv, t, 0);
	if (l != NULL && vzs_ledger_rows(l, t, &rows, &n) == 0) {
		if (csv) {
			struct vzs_csv c = {NULL, 0, 0, 0, 1};

			csv_header(&c, head);
			for (size_t i = 0; i < n; i++) {
				const struct vzs_ledger_row *r = &rows[i];

				if (want >= 0 && (int)r->state != want)
					continue;
				vzs_csv_int(&c, r->host_id);
				vzs_csv_field(&c, r->hostname);
				vzs_csv_field(&c, r->org);
				csv_opt(&c, r->group);
				vzs_csv_field(&c, r->measure->id);
				vzs_csv_field(&c, vzs_state_name(r->state));
				vzs_csv_field(&c, r->products);
				csv_time(&c, r->first_seen);
				csv_time(&c, r->last_seen);
				csv_time(&c, r->last_report);
				vzs_csv_field(&c, r->coverage);
				csv_date(&c, r->deadline);
				vzs_csv_field(&c, r->deadline < 0 ? ""
				                  : r->deadline_overlay
				                      ? "overlay"
				                      : "catalog");
				if (r->deadline < 0)
					vzs_csv_field(&c, "");
				else
					vzs_csv_int(&c,
					            r->deadline - t / 86400);
				if (r->exemption)
					vzs_csv_int(&c, r->exemption);
				else
					vzs_csv_field(&c, "");
				vzs_csv_end(&c);
			}
			vzs_csv_done(&c, rs);
		} else {
			json_t *items = json_array(), *o;

			for (size_t i = 0; i < n; i++) {
				if (want >= 0 && (int)rows[i].state != want)
					continue;
				if (seen >= offset && seen < offset + limit)
					json_array_append_new(
					    items, vzs_row_json(&rows[i], t));
				seen++;
			}
			o = vzs_page(items, offset, limit, seen);
			json_object_set_new(o, "as_of", vzs_time_json(t));
			vzs_json(rs, 200, o);
		}
	} else if (l != NULL) {
		vzs_error(rs, 500, "out of memory");
	}
	vzs_ledger_free(l);
	vzs_cat_release(s);
}

/* ---- compliance ------------------------------------------------------ */

struct agg {
	const char *org, *sector;
	const struct vzs_measure *m;
	long long n[VZS_NSTATES], hosts, with;
	int64_t deadline;
	int overlay;
};

static struct agg *agg_find(struct agg **a, size_t *na, size_t *cap,
                            const struct vzs_ledger_row *r)
{
	struct agg *p;

	for (size_t i = *na; i > 0; i--) {
		p = &(*a)[i - 1];
		if (p->m == r->measure && strcmp(p->org, r->org) == 0)
			return p;
	}
	if (*na == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct agg *q = realloc(*a, nc * sizeof(*q));

		if (q == NULL)
			return NULL;
		*a = q;
		*cap = nc;
	}
	p = &(*a)[(*na)++];
	memset(p, 0, sizeof(*p));
	p->org = r->org;
	p->sector = r->sector;
	p->m = r->measure;
	p->deadline = r->deadline;
	p->overlay = r->deadline_overlay;
	return p;
}

static int agg_cmp(const void *a, const void *b)
{
	const struct agg *x = a, *y = b;
	int c = strcmp(x->org, y->org);

	return c ? c : strcmp(x->m->id, y->m->id);
}

void vzs_h_compliance(struct vzs_server *s, const struct vzs_req *rq,
                      struct vzs_resp *rs, int csv)
{
	static const char *const allowed[] = {
	    "organisation", "sector", "measure", "group", "as_of", NULL};
	static const char *const head[] = {"organisation",
	                                   "sector",
	                                   "measure",
	                                   "hosts",
	                                   "compliant",
	                                   "pending",
	                                   "overdue",
	                                   "exempted",
	                                   "stale",
	                                   "with_product",
	                                   "deadline",
	                                   "deadline_source",
	                                   NULL};
	struct vzs_catview *cv;
	struct vzs_ledger *l;
	struct vzs_ledger_row *rows;
	struct agg *a = NULL;
	size_t n, na = 0, cap = 0;
	long long tot[VZS_NSTATES] = {0}, hosts = 0;
	int64_t t;
	int oom = 0;

	if (vzs_admin(s, rq, rs) != 0 || vzs_params_only(rq, rs, allowed) ||
	    vzs_as_of(rq, rs, &t))
		return;
	cv = vzs_cat_acquire(s);
	l = load(s, rq, rs, cv, t, vzs_param(rq, "as_of") == NULL);
	if (l == NULL)
		goto out;
	if (vzs_ledger_rows(l, t, &rows, &n) != 0) {
		vzs_error(rs, 500, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n && !oom; i++) {
		struct agg *g = agg_find(&a, &na, &cap, &rows[i]);

		if (g == NULL) {
			oom = 1;
			break;
		}
		g->n[rows[i].state] += rows[i].weight;
		g->hosts += rows[i].weight;
		g->with += rows[i].has_product ? rows[i].weight : 0;
		tot[rows[i].state] += rows[i].weight;
		hosts += rows[i].weight;
	}
	if (oom) {
		vzs_error(rs, 500, "out of memory");
		goto out;
	}
	if (na > 1)
		qsort(a, na, sizeof(*a), agg_cmp);
	if (csv) {
		struct vzs_csv c = {NULL, 0, 0, 0, 1};

		csv_header(&c, head);
		for (size_t i = 0; i < na; i++) {
			vzs_csv_field(&c, a[i].org);
			vzs_csv_field(&c, a[i].sector);
			vzs_csv_field(&c, a[i].m->id);
			vzs_csv_int(&c, a[i].hosts);
			vzs_csv_int(&c, a[i].n[VZS_COMPLIANT]);
			vzs_csv_int(&c, a[i].n[VZS_PENDING]);
			vzs_csv_int(&c, a[i].n[VZS_OVERDUE]);
			vzs_csv_int(&c, a[i].n[VZS_EXEMPTED]);
			vzs_csv_int(&c, a[i].n[VZS_STALE]);
			vzs_csv_int(&c, a[i].with);
			csv_date(&c, a[i].deadline);
			vzs_csv_field(&c, a[i].deadline < 0 ? ""
			                  : a[i].overlay    ? "overlay"
			                                    : "catalog");
			vzs_csv_end(&c);
		}
		vzs_csv_done(&c, rs);
	} else {
		json_t *items = json_array();

		for (size_t i = 0; i < na; i++)
			json_array_append_new(
			    items,
			    json_pack(
			        "{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,"
			        "s:I,s:o,s:s?}",
			        "organisation", a[i].org, "sector", a[i].sector,
			        "measure", a[i].m->id, "hosts",
			        (json_int_t)a[i].hosts, "compliant",
			        (json_int_t)a[i].n[VZS_COMPLIANT], "pending",
			        (json_int_t)a[i].n[VZS_PENDING], "overdue",
			        (json_int_t)a[i].n[VZS_OVERDUE], "exempted",
			        (json_int_t)a[i].n[VZS_EXEMPTED], "stale",
			        (json_int_t)a[i].n[VZS_STALE], "with_product",
			        (json_int_t)a[i].with, "deadline",
			        vzs_date_json(a[i].deadline), "deadline_source",
			        a[i].deadline < 0 ? NULL
			        : a[i].overlay    ? "overlay"
			                          : "catalog"));
		vzs_json(rs, 200,
		         json_pack("{s:o,s:o,s:{s:I,s:I,s:I,s:I,s:I,s:I}}",
		                   "as_of", vzs_time_json(t), "items", items,
		                   "totals", "hosts", (json_int_t)hosts,
		                   "compliant", (json_int_t)tot[VZS_COMPLIANT],
		                   "pending", (json_int_t)tot[VZS_PENDING],
		                   "overdue", (json_int_t)tot[VZS_OVERDUE],
		                   "exempted", (json_int_t)tot[VZS_EXEMPTED],
		                   "stale", (json_int_t)tot[VZS_STALE]));
	}
out:
	free(a);
	vzs_ledger_free(l);
	vzs_cat_release(s);
}

/* ---- burn-down series ------------------------------------------------ */

void vzs_h_series(struct vzs_server *s, const struct vzs_req *rq,
                  struct vzs_resp *rs)
{
	static const char *const allowed[] = {
	    "organisation", "sector", "measure", "group", "from", "to", NULL};
	const char *org = vzs_param(rq, "organisation");
	const char *sec = vzs_param(rq, "sector");
	const char *mid = vzs_param(rq, "measure");
	struct vzs_catview *cv;
	struct vzs_ledger *l = NULL;
	const struct vzs_measure *m;
	int64_t from, to, today = vzs_now() / 86400;
	char sector[128] = "";
	json_t *days = NULL, *dl, *ms = NULL;

	if (vzs_admin(s, rq, rs) != 0 || vzs_params_only(rq, rs, allowed))
		return;
	if (mid == NULL || (org == NULL) == (sec == NULL)) {
		vzs_error(rs, 400,
		          "give measure and one of organisation or "
		          "sector");
		return;
	}
	to = today;
	if (vzs_param(rq, "to") &&
	    vzs_parse_date(vzs_param(rq, "to"), &to) != 0) {
		vzs_error(rs, 400, "to: YYYY-MM-DD");
		return;
	}
	from = to - 89;
	if (vzs_param(rq, "from") &&
	    vzs_parse_date(vzs_param(rq, "from"), &from) != 0) {
		vzs_error(rs, 400, "from: YYYY-MM-DD");
		return;
	}
	if (from > to || to - from > 730) {
		vzs_error(rs, 400, "from..to: at most 731 days, in order");
		return;
	}
	cv = vzs_cat_acquire(s);
	m = vzs_measure_find(cv, mid);
	l = load(s, rq, rs, cv, to * 86400 + 86399, 0);
	if (l == NULL || m == NULL) {
		if (l != NULL)
			vzs_error(rs, 404, "no such measure");
		goto out;
	}
	if (org != NULL)
		vzs_org_sector(s, org, sector, sizeof(sector), rs);
	else
		snprintf(sector, sizeof(sector), "%s", sec);
	days = json_array();
	for (int64_t d = from; d <= to && days; d++) {
		struct vzs_ledger_row *rows;
		size_t n;
		long long c[VZS_NSTATES] = {0}, with = 0;
		int64_t t = d * 86400 + 86399;

		if (vzs_ledger_rows(l, t, &rows, &n) != 0) {
			json_decref(days);
			days = NULL;
			break;
		}
		for (size_t i = 0; i < n; i++) {
			c[rows[i].state]++;
			with += rows[i].has_product;
		}
		json_array_append_new(
		    days, json_pack("{s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "date",
		                    vzs_date_json(d), "hosts", (json_int_t)n,
		                    "with_product", (json_int_t)with,
		                    "compliant", (json_int_t)c[VZS_COMPLIANT],
		                    "pending", (json_int_t)c[VZS_PENDING],
		                    "overdue", (json_int_t)c[VZS_OVERDUE],
		                    "exempted", (json_int_t)c[VZS_EXEMPTED],
		                    "stale", (json_int_t)c[VZS_STALE]));
	}
	if (days == NULL) {
		vzs_error(rs, 500, "out of memory");
		goto out;
	}
	dl = vzs_ledger_deadlines(l, org, sector, m, vzs_now(), &ms);
	vzs_json(rs, 200,
	         json_pack("{s:s?,s:s?,s:s,s:o,s:o,s:o,s:o,s:o}",
	                   "organisation", org, "sector", sec, "measure", mid,
	                   "from", vzs_date_json(from), "to", vzs_date_json(to),
	                   "deadlines", dl, "milestones",
	                   ms ? ms : json_array(), "days", days));
out:
	vzs_ledger_free(l);
	vzs_cat_release(s);
}

/* ---- measures -------------------------------------------------------- */

static json_t *deadlines_json(const struct vzs_sector_action *sa)
{
	json_t *a = json_array();

	for (size_t i = 0; i < sa->ndeadlines; i++)
		json_array_append_new(
		    a, json_pack("{s:s,s:o,s:s}", "verb", sa->deadlines[i].verb,
		                 "date", vzs_date_json(sa->deadlines[i].day),
		                 "source", "catalog"));
	return a;
}

static json_t *measure_json(const struct vzs_measure *m, struct vzs_ledger *l,
                            const char *org, const char *sector)
{
	json_t *o, *prods = json_array();

	for (size_t i = 0; i < m->nproducts; i++)
		json_array_append_new(prods, json_string(m->products[i]));
	o = json_pack("{s:s,s:s?,s:s?,s:o}", "id", m->id, "title", m->title,
	              "reference", m->reference, "products", prods);
	if (org != NULL) {
		const struct vzs_sector_action *sa =
		    vzs_measure_sector(m, sector);
		json_t *ms = NULL;

		json_object_set_new(o, "sector", json_string(sector));
		json_object_set_new(o, "action",
		                    sa ? json_string(sa->action)
		                       : json_string("none"));
		json_object_set_new(
		    o, "deadlines",
		    vzs_ledger_deadlines(l, org, sector, m, vzs_now(), &ms));
		json_object_set_new(o, "milestones", ms ? ms : json_array());
		json_object_set_new(o, "exemption_policy",
		                    sa && sa->exemption_policy
		                        ? json_string(sa->exemption_policy)
		                        : json_null());
	} else {
		json_t *secs = json_array();

		for (size_t i = 0; i < m->nsectors; i++) {
			const struct vzs_sector_action *sa = &m->sectors[i];

			json_array_append_new(
			    secs, json_pack("{s:s,s:s,s:o,s:s?}", "sector",
			                    sa->sector, "action", sa->action,
			                    "deadlines", deadlines_json(sa),
			                    "exemption_policy",
			                    sa->exemption_policy));
		}
		json_object_set_new(o, "sectors", secs);
	}
	return o;
}

void vzs_h_measures(struct vzs_server *s, const struct vzs_req *rq,
                    struct vzs_resp *rs, const char *id)
{
	static const char *const allowed[] = {"organisation", NULL};
	const char *org = vzs_param(rq, "organisation");
	struct vzs_catview *cv;
	struct vzs_ledger *l = NULL;
	struct vzs_ledger_query q;
	char sector[128] = "";
	int rc;

	if (vzs_admin(s, rq, rs) != 0 || vzs_params_only(rq, rs, allowed))
		return;
	if (org != NULL &&
	    vzs_org_sector(s, org, sector, sizeof(sector), rs) != 0)
		return;
	cv = vzs_cat_acquire(s);
	memset(&q, 0, sizeof(q));
	q.org = org ? org : "";
	q.host = -1; /* overlays only: no host has id -1 */
	rc = vzs_ledger_load(s, cv, &q, vzs_now(), &l);
	if (rc != VZS_DB_OK) {
		vzs_db_error(rs, rc);
	} else if (id != NULL) {
		const struct vzs_measure *m = vzs_measure_find(cv, id);

		if (m == NULL)
			vzs_error(rs, 404, "no measure '%.64s'", id);
		else
			vzs_json(rs, 200, measure_json(m, l, org, sector));
	} else {
		json_t *items = json_array();

		for (size_t i = 0; i < cv->nmeasures; i++)
			json_array_append_new(
			    items,
			    measure_json(&cv->measures[i], l, org, sector));
		vzs_json(rs, 200,
		         json_pack("{s:{s:s,s:I},s:o}", "catalog", "id",
		                   vz_catalog_id(cv->cat), "version",
		                   (json_int_t)vz_catalog_version(cv->cat),
		                   "items", items));
	}
	vzs_ledger_free(l);
	vzs_cat_release(s);
}
