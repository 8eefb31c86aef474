/*
 * server/ledger.c - the compliance ledger: per host and measure, as of
 * any instant, whether the host is stale, compliant, exempted, overdue
 * or pending (docs/api.md, "The ledger").
 *
 * Nothing here is stored: the ledger is computed from the stored reports
 * with the current catalogue, the exemptions and the overlays, so a new
 * catalogue or a new exemption changes every answer at once, and a past
 * date gives what the server knew then. Loading reads each needed row
 * once; a state at T then costs a walk of the host's reports, which are
 * few per host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

struct lrep {
	int64_t scanned, received;
	char coverage[12];
	char *products;      /* "product state;..." */
	unsigned char *show; /* per measure: 0 no, 1 residue only, 2 yes */
};

struct lhost {
	int64_t id;
	char *org, *hostname, *grp, *sector;
	int64_t enrolled;
	size_t r0, nr;    /* its reports, oldest first */
	long long weight; /* hosts it stands for (fast path); else 1 */
};

struct loverlay {
	char *org, *measure;
	int64_t created;
	json_t *body; /* NULL: deleted */
};

struct vzs_ledger {
	struct vzs_server *s;
	const struct vzs_catview *cv;
	struct lhost *hosts;
	size_t nhosts, caphosts;
	struct lrep *reps;
	size_t nreps, capreps;
	struct vzs_exemption *ex;
	size_t nex, capex;
	struct loverlay *ov;
	size_t nov, capov;
	struct vzs_ledger_row *rows;
	size_t nrows, caprows;
	char measure[128]; /* only this measure; empty: all */
	int oom;
};

static const char *const state_names[VZS_NSTATES] = {
    "stale", "compliant", "exempted", "overdue", "pending"};

const char *vzs_state_name(enum vzs_state st)
{
	return st < VZS_NSTATES ? state_names[st] : "?";
}

int vzs_state_parse(const char *s)
{
	for (int i = 0; i < VZS_NSTATES; i++)
		if (strcmp(s, state_names[i]) == 0)
			return i;
	return -1;
}

static int grow(void **p, size_t *cap, size_t n, size_t each)
{
	void *q;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 64;
	q = realloc(*p, nc * each);
	if (q == NULL)
		return -1;
	*p = q;
	*cap = nc;
	return 0;
}

static char *dup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int64_t num(const char *s)
{
	return s ? strtoll(s, NULL, 10) : -1;
}

static int host_row(void *ctx, int nc, const char *const *c)
{
	struct vzs_ledger *l = ctx;
	struct lhost *h;

	if (nc < 6 ||
	    grow((void **)&l->hosts, &l->caphosts, l->nhosts, sizeof(*h))) {
		l->oom = 1;
		return 1;
	}
	h = &l->hosts[l->nhosts++];
	memset(h, 0, sizeof(*h));
	h->id = num(c[0]);
	h->org = dup0(c[1]);
	h->hostname = dup0(c[2]);
	h->grp = dup0(c[3]);
	h->sector = dup0(c[4]);
	h->enrolled = num(c[5]);
	h->weight = 1;
	if (!h->org || !h->hostname || !h->sector || (c[3] && !h->grp))
		l->oom = 1;
	return l->oom;
}

static struct lhost *find_host(struct vzs_ledger *l, int64_t id)
{
	size_t lo = 0, hi = l->nhosts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->hosts[mid].id == id)
			return &l->hosts[mid];
		if (l->hosts[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Which measures a report shows a product of, from its summary. */
static void summarise(const struct vzs_catview *cv, struct lrep *r)
{
	const char *p = r->products;

	while (*p != '\0') {
		const char *sp = strchr(p, ' '), *end = strchr(p, ';');
		char prod[128];
		int residue;

		if (sp == NULL || end == NULL || sp > end)
			break;
		if ((size_t)(sp - p) < sizeof(prod)) {
			memcpy(prod, p, (size_t)(sp - p));
			prod[sp - p] = '\0';
			residue = strncmp(sp + 1, "residue;", 8) == 0;
			for (size_t m = 0; m < cv->nmeasures; m++) {
				if (!vzs_measure_covers(&cv->measures[m], prod))
					continue;
				if (!residue)
					r->show[m] = 2;
				else if (r->show[m] == 0)
					r->show[m] = 1;
			}
		}
		p = end + 1;
	}
}

static int report_row(void *ctx, int nc, const char *const *c)
{
	struct vzs_ledger *l = ctx;
	struct lhost *h;
	struct lrep *r;

	if (nc < 5)
		return 1;
	h = find_host(l, num(c[0]));
	if (h == NULL)
		return 0;
	if (grow((void **)&l->reps, &l->capreps, l->nreps, sizeof(*r))) {
		l->oom = 1;
		return 1;
	}
	if (h->nr == 0)
		h->r0 = l->nreps;
	h->nr++;
	r = &l->reps[l->nreps++];
	memset(r, 0, sizeof(*r));
	r->scanned = num(c[1]);
	r->received = num(c[2]);
	snprintf(r->coverage, sizeof(r->coverage), "%s", c[3] ? c[3] : "");
	r->products = dup0(c[4] ? c[4] : "");
	r->show = calloc(l->cv->nmeasures + 1, 1);
	if (r->products == NULL || r->show == NULL) {
		l->oom = 1;
		return 1;
	}
	summarise(l->cv, r);
	return 0;
}

static int exempt_row(void *ctx, int nc, const char *const *c)
{
	struct vzs_ledger *l = ctx;
	struct vzs_exemption *e;

	if (nc < 8 || grow((void **)&l->ex, &l->capex, l->nex, sizeof(*e))) {
		l->oom = 1;
		return 1;
	}
	e = &l->ex[l->nex++];
	e->id = num(c[0]);
	e->org = dup0(c[1]);
	e->measure = dup0(c[2]);
	e->kind = dup0(c[3]);
	e->value = dup0(c[4]);
	e->created = num(c[5]);
	e->expires = num(c[6]);
	e->expired = c[7] ? num(c[7]) : -1;
	if (!e->org || !e->kind || !e->value || (c[2] && !e->measure))
		l->oom = 1;
	return l->oom;
}

static int overlay_row(void *ctx, int nc, const char *const *c)
{
	struct vzs_ledger *l = ctx;
	struct loverlay *o;

	if (nc < 4 || grow((void **)&l->ov, &l->capov, l->nov, sizeof(*o))) {
		l->oom = 1;
		return 1;
	}
	o = &l->ov[l->nov++];
	o->org = dup0(c[0]);
	o->measure = dup0(c[1]);
	o->created = num(c[2]);
	o->body = c[3] ? json_loads(c[3], 0, NULL) : NULL;
	if (!o->org || !o->measure)
		l->oom = 1;
	return l->oom;
}

void vzs_ledger_free(struct vzs_ledger *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->nhosts; i++) {
		free(l->hosts[i].org);
		free(l->hosts[i].hostname);
		free(l->hosts[i].grp);
		free(l->hosts[i].sector);
	}
	for (size_t i = 0; i < l->nreps; i++) {
		free(l->reps[i].products);
		free(l->reps[i].show);
	}
	for (size_t i = 0; i < l->nex; i++) {
		free(l->ex[i].org);
		free(l->ex[i].measure);
		free(l->ex[i].kind);
		free(l->ex[i].value);
	}
	for (size_t i = 0; i < l->nov; i++) {
		free(l->ov[i].org);
		free(l->ov[i].measure);
		json_decref(l->ov[i].body);
	}
	free(l->hosts);
	free(l->reps);
	free(l->ex);
	free(l->ov);
	free(l->rows);
	free(l);
}

/*
 * The filters are optional: CAST(NULL AS ...) IS NULL lets one statement
 * serve every combination, on both databases.
 */
static const char sql_hosts[] =
    "SELECT h.id, h.org, h.hostname, h.grp, o.sector, h.enrolled_at"
    " FROM hosts h JOIN organisations o ON o.id = h.org"
    " WHERE (CAST($1 AS TEXT) IS NULL OR h.org = $1)"
    " AND (CAST($2 AS TEXT) IS NULL OR o.sector = $2)"
    " AND (CAST($3 AS TEXT) IS NULL OR h.grp = $3)"
    " AND (CAST($4 AS BIGINT) IS NULL OR h.id = CAST($4 AS BIGINT))"
    " AND h.enrolled_at <= CAST($5 AS BIGINT)"
    " ORDER BY h.id";

static const char sql_reports[] =
    "SELECT r.host_id, r.scanned_at, r.received_at, r.coverage,"
    " r.products"
    " FROM reports r JOIN hosts h ON h.id = r.host_id"
    " JOIN organisations o ON o.id = h.org"
    " WHERE (CAST($1 AS TEXT) IS NULL OR h.org = $1)"
    " AND (CAST($2 AS TEXT) IS NULL OR o.sector = $2)"
    " AND (CAST($3 AS TEXT) IS NULL OR h.grp = $3)"
    " AND (CAST($4 AS BIGINT) IS NULL OR h.id = CAST($4 AS BIGINT))"
    " AND r.scanned_at <= CAST($5 AS BIGINT)"
    " AND r.received_at <= CAST($5 AS BIGINT)"
    " ORDER BY r.host_id, r.scanned_at, r.received_at, r.report_id";

static const char sql_exempt[] =
    "SELECT e.id, e.org, e.measure, e.scope_kind, e.scope_value,"
    " e.created_at, e.expires_at, e.expired_at"
    " FROM exemptions e JOIN organisations o ON o.id = e.org"
    " WHERE (CAST($1 AS TEXT) IS NULL OR e.org = $1)"
    " AND (CAST($2 AS TEXT) IS NULL OR o.sector = $2)"
    " AND e.created_at <= CAST($3 AS BIGINT) ORDER BY e.id";

static const char sql_overlays[] =
    "SELECT v.org, v.measure, v.created_at, v.body"
    " FROM overlays v JOIN organisations o ON o.id = v.org"
    " WHERE (CAST($1 AS TEXT) IS NULL OR v.org = $1)"
    " AND (CAST($2 AS TEXT) IS NULL OR o.sector = $2)"
    " AND v.created_at <= CAST($3 AS BIGINT) ORDER BY v.id";

int vzs_ledger_load(struct vzs_server *s, const struct vzs_catview *cv,
                    const struct vzs_ledger_query *q, int64_t upto,
                    struct vzs_ledger **out)
{
	struct vzs_ledger *l = calloc(1, sizeof(*l));
	char hostid[24], t[24];
	const char *p[5] = {q->org, q->sector, q->group, NULL, t};
	const char *pe[3] = {q->org, q->sector, t};
	int rc;

	*out = NULL;
	if (l == NULL)
		return VZS_DB_ERROR;
	l->s = s;
	l->cv = cv;
	if (q->measure != NULL)
		snprintf(l->measure, sizeof(l->measure), "%s", q->measure);
	snprintf(t, sizeof(t), "%lld", (long long)upto);
	if (q->host != 0) {
		snprintf(hostid, sizeof(hostid), "%lld", (long long)q->host);
		p[3] = hostid;
	}
	pthread_mutex_lock(&s->db->lock);
	rc = vzs_q(s->db, sql_hosts, 5, p, host_row, l);
	if (rc == VZS_DB_OK && !l->oom)
		rc = vzs_q(s->db, sql_reports, 5, p, report_row, l);
	if (rc == VZS_DB_OK && !l->oom)
		rc = vzs_q(s->db, sql_exempt, 3, pe, exempt_row, l);
	if (rc == VZS_DB_OK && !l->oom)
		rc = vzs_q(s->db, sql_overlays, 3, pe, overlay_row, l);
	pthread_mutex_unlock(&s->db->lock);
	if (rc == VZS_DB_OK && l->oom)
		rc = VZS_DB_ERROR;
	if (rc != VZS_DB_OK) {
		vzs_ledger_free(l);
		return rc;
	}
	*out = l;
	return VZS_DB_OK;
}

/* ---- the fast path for counts as of now ---------------------------- */

/* Hosts that cannot be counted in groups: named by an exemption one by
 * one, with a latest report dated after the instant asked for, or
 * enrolled after it. Each part is an index lookup. */
#define SPECIAL_HOSTS                                            \
	"SELECT CAST(e.scope_value AS BIGINT) FROM exemptions e" \
	" WHERE e.scope_kind = 'host'"                           \
	" UNION SELECT s2.host_id FROM host_state s2"            \
	" WHERE s2.scanned_at > CAST($4 AS BIGINT)"              \
	" OR s2.received_at > CAST($4 AS BIGINT)"                \
	" UNION SELECT h2.id FROM hosts h2"                      \
	" WHERE h2.enrolled_at > CAST($4 AS BIGINT)"

#define HOST_FILTERS                                       \
	" WHERE (CAST($1 AS TEXT) IS NULL OR h.org = $1)"  \
	" AND (CAST($2 AS TEXT) IS NULL OR o.sector = $2)" \
	" AND (CAST($3 AS TEXT) IS NULL OR h.grp = $3)"    \
	" AND h.enrolled_at <= CAST($4 AS BIGINT)"

static const char sql_special_hosts[] =
    "SELECT h.id, h.org, h.hostname, h.grp, o.sector, h.enrolled_at"
    " FROM hosts h JOIN organisations o ON o.id = h.org" HOST_FILTERS
    " AND h.id IN (" SPECIAL_HOSTS ") ORDER BY h.id";

static const char sql_special_reports[] =
    "SELECT r.host_id, r.scanned_at, r.received_at, r.coverage,"
    " r.products FROM reports r JOIN hosts h ON h.id = r.host_id"
    " JOIN organisations o ON o.id = h.org" HOST_FILTERS
    " AND h.id IN (" SPECIAL_HOSTS ")"
    " AND r.scanned_at <= CAST($4 AS BIGINT)"
    " AND r.received_at <= CAST($4 AS BIGINT)"
    " ORDER BY r.host_id, r.scanned_at, r.received_at, r.report_id";

/*
 * The other hosts, grouped by organisation, group, latest products and
 * kind (0 never reported, 1 stale, 2 reported since $5), from the counts
 * the triggers keep (table state_counts, per day of latest scan): a day
 * before $6, the day of $5, is stale, a day after it is not; the hosts
 * of day $6 itself are looked at one by one ($7..$8 bounds that day's
 * instants for the index), and the special hosts are taken out of the
 * counts they are in. The cost is that of the counts, that day's hosts
 * and the special ones, not that of the fleet.
 */
static const char sql_groups[] =
    "SELECT x.org, o.sector, NULLIF(x.grp, ''), x.products, x.kind,"
    " sum(x.n) FROM ("
    " SELECT c.org, c.grp, c.products, CASE WHEN c.seen = 0 THEN 0"
    "  WHEN c.day < CAST($6 AS BIGINT) THEN 1 ELSE 2 END AS kind,"
    "  c.n AS n FROM state_counts c"
    "  WHERE c.seen = 0 OR c.day <> CAST($6 AS BIGINT)"
    " UNION ALL"
    " SELECT h.org, COALESCE(h.grp, ''), s.products,"
    "  CASE WHEN s.scanned_at < CAST($5 AS BIGINT) THEN 1 ELSE 2 END, 1"
    "  FROM host_state s JOIN hosts h ON h.id = s.host_id"
    "  WHERE s.scanned_at >= CAST($7 AS BIGINT)"
    "  AND s.scanned_at <= CAST($8 AS BIGINT)"
    "  AND s.scanned_at / 86400 = CAST($6 AS BIGINT)"
    " UNION ALL"
    " SELECT h.org, COALESCE(h.grp, ''), COALESCE(s.products, ''),"
    "  CASE WHEN s.host_id IS NULL THEN 0"
    "  WHEN s.scanned_at < CAST($5 AS BIGINT) THEN 1 ELSE 2 END, -1"
    "  FROM hosts h LEFT JOIN host_state s ON s.host_id = h.id"
    "  WHERE h.id IN (" SPECIAL_HOSTS ")"
    ") x JOIN organisations o ON o.id = x.org"
    " WHERE (CAST($1 AS TEXT) IS NULL OR x.org = $1)"
    " AND (CAST($2 AS TEXT) IS NULL OR o.sector = $2)"
    " AND (CAST($3 AS TEXT) IS NULL OR x.grp = $3)"
    " GROUP BY x.org, o.sector, x.grp, x.products, x.kind"
    " HAVING sum(x.n) <> 0";

struct groupctx {
	struct vzs_ledger *l;
	int64_t now;
};

static int group_row(void *ctx, int nc, const char *const *c)
{
	struct groupctx *g = ctx;
	struct vzs_ledger *l = g->l;
	struct lhost *h;
	struct lrep *r;
	int kind;

	if (nc < 6 ||
	    grow((void **)&l->hosts, &l->caphosts, l->nhosts, sizeof(*h))) {
		l->oom = 1;
		return 1;
	}
	h = &l->hosts[l->nhosts++];
	memset(h, 0, sizeof(*h));
	h->id = 0; /* a group, not a host */
	h->org = dup0(c[0]);
	h->sector = dup0(c[1]);
	h->grp = dup0(c[2]);
	h->hostname = dup0("");
	h->weight = strtoll(c[5], NULL, 10);
	kind = (int)num(c[4]);
	if (!h->org || !h->sector || !h->hostname || (c[2] && !h->grp)) {
		l->oom = 1;
		return 1;
	}
	if (kind == 0)
		return 0; /* never reported: stale */
	if (grow((void **)&l->reps, &l->capreps, l->nreps, sizeof(*r))) {
		l->oom = 1;
		return 1;
	}
	h->r0 = l->nreps;
	h->nr = 1;
	r = &l->reps[l->nreps++];
	memset(r, 0, sizeof(*r));
	/* Stale groups get a report older than any stale limit, the
	 * others one at `now`: only staleness and products matter. */
	r->scanned = kind == 1 ? 1 : g->now;
	r->received = r->scanned;
	r->products = dup0(c[3] ? c[3] : "");
	r->show = calloc(l->cv->nmeasures + 1, 1);
	if (r->products == NULL || r->show == NULL) {
		l->oom = 1;
		return 1;
	}
	summarise(l->cv, r);
	return 0;
}

int vzs_ledger_load_counts(struct vzs_server *s, const struct vzs_catview *cv,
                           const struct vzs_ledger_query *q, int64_t now,
                           struct vzs_ledger **out)
{
	struct vzs_ledger *l = calloc(1, sizeof(*l));
	struct groupctx g;
	char t[24], stale[24], day[24], lo[24], hi[24];
	const char *p[8] = {q->org, q->sector, q->group, t,
	                    stale, day,       lo,       hi};
	int64_t sb = now - (int64_t)s->stale_days * 86400;
	const char *pe[3] = {q->org, q->sector, t};
	int rc;

	*out = NULL;
	if (l == NULL)
		return VZS_DB_ERROR;
	l->s = s;
	l->cv = cv;
	if (q->measure != NULL)
		snprintf(l->measure, sizeof(l->measure), "%s", q->measure);
	snprintf(t, sizeof(t), "%lld", (long long)now);
	snprintf(stale, sizeof(stale), "%lld", (long long)sb);
	/* The day as SQL computes it (integer division truncates, in C
	 * too), and instants around it wide enough for any sign. */
	snprintf(day, sizeof(day), "%lld", (long long)(sb / 86400));
	snprintf(lo, sizeof(lo), "%lld",
	         (long long)(sb / 86400 * 86400 - 86399));
	snprintf(hi, sizeof(hi), "%lld",
	         (long long)(sb / 86400 * 86400 + 86399));
	g.l = l;
	g.now = now;
	pthread_mutex_lock(&s->db->lock);
	rc = vzs_q(s->db, sql_special_hosts, 4, p, host_row, l);
	if (rc == VZS_DB_OK && !l->oom)
		rc = vzs_q(s->db, sql_special_reports, 4, p, report_row, l);
	if (rc == VZS_DB_OK && !l->oom)
		rc = vzs_q(s->db, sql_groups, 8, p, group_row, &g);
	if (rc == VZS_DB_OK && !l->oom)
		rc = vzs_q(s->db, sql_exempt, 3, pe, exempt_row, l);
	if (rc == VZS_DB_OK && !l->oom)
		rc = vzs_q(s->db, sql_overlays, 3, pe, overlay_row, l);
	pthread_mutex_unlock(&s->db->lock);
	if (rc == VZS_DB_OK && l->oom)
		rc = VZS_DB_ERROR;
	if (rc != VZS_DB_OK) {
		vzs_ledger_free(l);
		return rc;
	}
	*out = l;
	return VZS_DB_OK;
}

/* The overlay of (org, measure) in force at t, or NULL. */
static json_t *overlay_at(struct vzs_ledger *l, const char *org,
                          const char *measure, int64_t t)
{
	json_t *b = NULL;

	for (size_t i = 0; i < l->nov; i++)
		if (l->ov[i].created <= t && strcmp(l->ov[i].org, org) == 0 &&
		    strcmp(l->ov[i].measure, measure) == 0)
			b = l->ov[i].body;
	return b;
}

static int64_t overlay_date(json_t *ov, const char *verb)
{
	json_t *a = json_object_get(ov, "deadlines"), *d;
	size_t i;
	int64_t day;

	json_array_foreach(a, i, d)
	{
		const char *v = json_string_value(json_object_get(d, "verb"));
		const char *s = json_string_value(json_object_get(d, "date"));

		if (v && s && strcmp(v, verb) == 0 &&
		    vzs_parse_date(s, &day) == 0)
			return day;
	}
	return -1;
}

static int64_t catalog_date(const struct vzs_sector_action *sa,
                            const char *verb)
{
	for (size_t i = 0; i < sa->ndeadlines; i++)
		if (strcmp(sa->deadlines[i].verb, verb) == 0)
			return sa->deadlines[i].day;
	return -1;
}

/* The removal deadline in days (-1: none), and whether the overlay's. */
static int64_t removal(struct vzs_ledger *l, const char *org,
                       const struct vzs_measure *m,
                       const struct vzs_sector_action *sa, int64_t t,
                       int *from_overlay)
{
	/* The step by which the product must be gone. */
	static const char verb[] = "complete-removal";
	json_t *ov = overlay_at(l, org, m->id, t);
	int64_t c = catalog_date(sa, verb);
	int64_t o = ov ? overlay_date(ov, verb) : -1;

	*from_overlay = 0;
	if (o >= 0 && (c < 0 || o < c)) {
		*from_overlay = 1;
		return o;
	}
	return c;
}

json_t *vzs_ledger_deadlines(struct vzs_ledger *l, const char *org,
                             const char *sector, const struct vzs_measure *m,
                             int64_t t, json_t **milestones)
{
	json_t *a = json_array(), *ov = NULL, *d;
	const struct vzs_sector_action *sa = NULL;
	char date[16];
	size_t i;

	if (org != NULL)
		ov = overlay_at(l, org, m->id, t);
	if (sector != NULL)
		sa = vzs_measure_sector(m, sector);
	if (milestones != NULL) {
		json_t *ms = ov ? json_object_get(ov, "milestones") : NULL;

		*milestones = ms ? json_deep_copy(ms) : json_array();
	}
	if (a == NULL)
		return NULL;
	for (i = 0; sa && i < sa->ndeadlines; i++) {
		int64_t day = sa->deadlines[i].day;
		int64_t o = ov ? overlay_date(ov, sa->deadlines[i].verb) : -1;
		int use = o >= 0 && o < day;

		vzs_fmt_date(use ? o : day, date);
		json_array_append_new(
		    a, json_pack("{s:s,s:s,s:s}", "verb", sa->deadlines[i].verb,
		                 "date", date, "source",
		                 use ? "overlay" : "catalog"));
	}
	json_array_foreach(ov ? json_object_get(ov, "deadlines") : NULL, i, d)
	{
		const char *verb =
		    json_string_value(json_object_get(d, "verb"));

		if (verb && sa && catalog_date(sa, verb) < 0)
			json_array_append_new(
			    a, json_pack("{s:s,s:O,s:s}", "verb", verb, "date",
			                 json_object_get(d, "date"), "source",
			                 "overlay"));
	}
	return a;
}

static int64_t exemption_at(struct vzs_ledger *l, const struct lhost *h,
                            const char *measure, int64_t t)
{
	for (size_t i = 0; i < l->nex; i++)
		if (vzs_exemption_covers(&l->ex[i], h->id, h->org, h->grp,
		                         measure, t))
			return l->ex[i].id;
	return 0;
}

/* The products of measure m in a report summary, comma-separated. */
static void products_of(const struct vzs_measure *m, const char *p, char *out,
                        size_t size)
{
	size_t off = 0;

	out[0] = '\0';
	while (*p != '\0') {
		const char *sp = strchr(p, ' '), *end = strchr(p, ';');
		char prod[128];

		if (sp == NULL || end == NULL || sp > end)
			break;
		if ((size_t)(sp - p) < sizeof(prod) &&
		    strncmp(sp + 1, "residue;", 8) != 0) {
			memcpy(prod, p, (size_t)(sp - p));
			prod[sp - p] = '\0';
			if (vzs_measure_covers(m, prod) &&
			    strstr(out, prod) == NULL &&
			    off + strlen(prod) + 2 < size)
				off += (size_t)snprintf(out + off, size - off,
				                        "%s%s", off ? "," : "",
				                        prod);
		}
		p = end + 1;
	}
}

static void compute(struct vzs_ledger *l, const struct lhost *h, size_t mi,
                    const struct vzs_sector_action *sa, int64_t t,
                    struct vzs_ledger_row *row)
{
	const struct vzs_measure *m = &l->cv->measures[mi];
	const struct lrep *last = NULL;

	memset(row, 0, sizeof(*row));
	row->host_id = h->id;
	row->weight = h->weight;
	row->hostname = h->hostname;
	row->org = h->org;
	row->group = h->grp;
	row->sector = h->sector;
	row->measure = m;
	row->deadline = -1;
	for (size_t i = 0; i < h->nr; i++) {
		const struct lrep *r = &l->reps[h->r0 + i];

		if (r->scanned > t || r->received > t)
			continue;
		last = r;
		if (r->show[mi] == 2) {
			if (row->first_seen == 0)
				row->first_seen = r->scanned;
			row->last_seen = r->scanned;
		}
	}
	row->deadline = removal(l, h->org, m, sa, t, &row->deadline_overlay);
	if (last != NULL) {
		row->last_report = last->scanned;
		snprintf(row->coverage, sizeof(row->coverage), "%s",
		         last->coverage);
		row->has_product = last->show[mi] == 2;
		row->residue = last->show[mi] == 1;
		if (row->has_product)
			products_of(m, last->products, row->products,
			            sizeof(row->products));
	}
	row->state = vzs_state_of(t, last ? last->scanned : -1,
	                          l->s->stale_days, row->has_product,
	                          row->deadline);
	/* An exemption covers a product still there, due or not. */
	if ((row->state == VZS_PENDING || row->state == VZS_OVERDUE) &&
	    (row->exemption = exemption_at(l, h, m->id, t)) != 0)
		row->state = VZS_EXEMPTED;
}

int vzs_ledger_rows(struct vzs_ledger *l, int64_t t,
                    struct vzs_ledger_row **rows, size_t *n)
{
	l->nrows = 0;
	for (size_t i = 0; i < l->nhosts; i++) {
		const struct lhost *h = &l->hosts[i];

		if (h->enrolled > t)
			continue;
		for (size_t mi = 0; mi < l->cv->nmeasures; mi++) {
			const struct vzs_sector_action *sa =
			    vzs_measure_sector(&l->cv->measures[mi], h->sector);

			if (sa == NULL || strcmp(sa->action, "none") == 0)
				continue;
			if (l->measure[0] != '\0' &&
			    strcmp(l->measure, l->cv->measures[mi].id) != 0)
				continue;
			if (grow((void **)&l->rows, &l->caprows, l->nrows,
			         sizeof(*l->rows)))
				return -1;
			compute(l, h, mi, sa, t, &l->rows[l->nrows++]);
		}
	}
	*rows = l->rows;
	*n = l->nrows;
	return 0;
}
