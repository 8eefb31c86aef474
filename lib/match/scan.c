/*
 * lib/match/scan.c - a scan from start to end: collectors into the
 * matcher, then one finding per product with what the catalogue's
 * measures require of the organisation's sector.
 *
 * The catalogue is read through the internal accessors; which measure
 * governs a product and which assessment is recorded for it are each
 * decided in one function below, so the assessment engine can take over
 * the second without touching the rest.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "match_int.h"

struct vz_scan {
	vz_finding *f; /* owned array; strings borrowed */
	size_t n;
	vz_stats *st;     /* owned */
	vz_matcher *m;    /* owned: holds the evidence */
	vz_host host;     /* owned */
	vz_scan_info info;
	char *root, *sector, *signature, *catalog_id; /* owned */
	json_t *assessed; /* owned: engine results the findings borrow */
	struct vz__coverage cov; /* owned */
	char scanned_at[32];
	char report_id[33];
	char catalog_sha256[65];
};

void vz_scan_opts_init(vz_scan_opts *o)
{
	memset(o, 0, sizeof(*o));
}

void vz_scan_free(vz_scan *s)
{
	if (s == NULL)
		return;
	vz__free(s->f);
	vz__coverage_free(&s->cov);
	vz_stats_free(s->st);
	vz_matcher_free(s->m);
	vz_host_clear(&s->host);
	vz__free(s->root);
	vz__free(s->sector);
	vz__free(s->signature);
	vz__free(s->catalog_id);
	json_decref(s->assessed);
	vz__free(s);
}

static const char *str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int lists(json_t *arr, const char *id)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++) {
		const char *s = json_string_value(json_array_get(arr, i));

		if (s != NULL && strcmp(s, id) == 0)
			return 1;
	}
	return 0;
}

/* Strictness of an action; 0 when the measure does not address it. */
static int action_rank(const char *a)
{
	static const char *const order[] = {"none", "monitor",
	                                    "advise-phase-out", "phase-out",
	                                    "prohibit", NULL};
	int i;

	for (i = 0; a != NULL && order[i]; i++)
		if (strcmp(a, order[i]) == 0)
			return i + 1;
	return 0;
}

static json_t *sector_entry(json_t *measure, const char *sector)
{
	json_t *secs = json_object_get(measure, "sectors");
	size_t i;

	for (i = 0; sector && i < json_array_size(secs); i++) {
		const char *s = str(json_array_get(secs, i), "sector");

		if (s != NULL && strcmp(s, sector) == 0)
			return json_array_get(secs, i);
	}
	return NULL;
}

const char *vz__scan_recorded(const vz_catalog *cat, const char *product_id,
                              json_t *measure)
{
	const char *aid = measure ? str(measure, "assessment") : NULL;
	json_t *a = NULL;
	size_t i;

	if (aid != NULL)
		a = vz__catalog_get(cat, aid, NULL);
	if (a != NULL)
		return str(a, "id");
	/* Not "a == NULL" in the loop's condition: that stopped at the
	 * first assessment listing the product, whatever its date. */
	for (i = 0; i < vz_catalog_count(cat, VZ_KIND_ASSESSMENT); i++) {
		json_t *x = vz__catalog_nth(cat, VZ_KIND_ASSESSMENT, i);
		const char *d = str(x, "date");

		if (!lists(json_object_get(x, "products"), product_id))
			continue;
		/* The latest listing the product (ISO dates sort as text). */
		if (a == NULL || (d && strcmp(d, str(a, "date")) > 0))
			a = x;
	}
	return a != NULL ? str(a, "id") : NULL;
}

/*
 * The measure that governs product `pid` for `sector` (may be NULL): one
 * issued by `own`, the catalogue's assessing state (may be NULL), before
 * a foreign one (a Dutch catalogue reports the Dutch measure to a Dutch
 * ministry), then the strictest action for the sector, then the latest.
 */
static json_t *governing(const vz_catalog *cat, const char *own,
                         const char *pid, const char *sector, size_t *count)
{
	json_t *best = NULL;
	int best_rank = -1;
	size_t i;

	*count = 0;
	for (i = 0; i < vz_catalog_count(cat, VZ_KIND_MEASURE); i++) {
		json_t *m = vz__catalog_nth(cat, VZ_KIND_MEASURE, i);
		const char *st = str(m, "issuing_state");
		int rank;

		if (!vz__measure_covers_json(cat, m, pid))
			continue;
		(*count)++;
		rank = sector ? action_rank(str(sector_entry(m, sector),
		                                "action"))
		              : 0;
		if (own && st && strcmp(own, st) == 0)
			rank += 100;
		if (rank > best_rank ||
		    (rank == best_rank &&
		     strcmp(str(m, "date"), str(best, "date")) > 0)) {
			best = m;
			best_rank = rank;
		}
	}
	return best;
}

/*
 * The engine's assessment of the finding's product, kept in `assessed`
 * (product id -> {level, vector, rules}) so the finding can borrow it.
 */
static vz_status assess_finding(const vz_catalog *cat, vz_finding *f,
                                json_t *assessed)
{
	vz_assessment *a = NULL;
	char vec[VZ_VECTOR_MAX];
	json_t *o;
	vz_status rc;

	o = json_object_get(assessed, f->product_id);
	if (o == NULL) {
		rc = vz_assess(cat, f->product_id, NULL, NULL, &a, NULL);
		if (rc != VZ_OK)
			return rc == VZ_E_NOMEM ? rc : VZ_OK;
		vz_vector_format(vz_assessment_vector(a), vec, sizeof(vec));
		o = json_pack("{s:s, s:s, s:s}", "level",
		              vz_assessment_level(a), "vector", vec, "rules",
		              vz_assessment_rules(a));
		vz_assessment_free(a);
		if (o == NULL ||
		    json_object_set_new(assessed, f->product_id, o) != 0)
			return VZ_E_NOMEM;
	}
	f->level = str(o, "level");
	f->vector = str(o, "vector");
	f->rules = str(o, "rules");
	return VZ_OK;
}

/*
 * The three dates the report writers have shown so far: identify, plan,
 * and removal (complete, else begun). The full list, with each source's
 * verb, is in f->deadlines.
 */
static void legacy_deadlines(vz_finding *f)
{
	const char *begin = NULL, *note = NULL;
	size_t i;

	for (i = 0; i < f->ndeadlines; i++) {
		const vz_deadline *d = &f->deadlines[i];

		if (note == NULL && d->note != NULL)
			note = d->note;
		if (d->date == NULL)
			continue;
		if (strcmp(d->verb, "identify") == 0)
			f->deadline_identify = d->date;
		else if (strcmp(d->verb, "plan") == 0)
			f->deadline_plan = d->date;
		else if (strcmp(d->verb, "complete-removal") == 0)
			f->deadline_remove = d->date;
		else if (strcmp(d->verb, "begin-removal") == 0)
			begin = d->date;
	}
	if (f->deadline_remove == NULL)
		f->deadline_remove = begin;
	f->deadline_note = note;
}

/* `own` is the catalogue's assessing state (may be NULL), looked up once
 * per scan. */
static void fill(const vz_catalog *cat, vz_finding *f, const char *sector,
                 const char *own)
{
	json_t *p = vz__catalog_get(cat, f->product_id, NULL), *m, *se;
	json_t *v;

	f->product = str(p, "name");
	f->vendor_id = str(p, "vendor");
	v = f->vendor_id ? vz__catalog_get(cat, f->vendor_id, NULL) : NULL;
	f->vendor = v ? str(v, "name") : NULL;
	m = governing(cat, own, f->product_id, sector, &f->nmeasures);
	if (m != NULL) {
		f->measure_id = str(m, "id");
		f->measure_title = str(m, "title");
		f->issuing_state = str(m, "issuing_state");
		f->foreign = own != NULL && f->issuing_state != NULL &&
		             strcmp(own, f->issuing_state) != 0;
		f->reference = str(m, "reference");
		se = sector_entry(m, sector);
		f->action = se ? str(se, "action") : NULL;
		f->ndeadlines = vz__measure_deadlines_json(
		    m, sector, f->deadlines, VZ_DEADLINES_MAX);
		if (f->ndeadlines > VZ_DEADLINES_MAX)
			f->ndeadlines = VZ_DEADLINES_MAX;
		legacy_deadlines(f);
		f->exemption_policy = str(json_object_get(se, "exemptions"),
		                          "policy");
		f->exemption_note = str(json_object_get(se, "exemptions"),
		                        "description");
		f->needs_action =
		    sector == NULL ||
		    (f->action != NULL && strcmp(f->action, "none") != 0);
	}
	f->assessment_id = vz__scan_recorded(cat, f->product_id, m);
}

/* 128 random bits in hex: unique per report without a registry. */
static int new_report_id(char out[33])
{
	unsigned char r[16];

	if (RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	vz__hex_encode(r, sizeof(r), out);
	return 0;
}

/* A caller's report id: 32 lowercase hex digits, as new_report_id's. */
static int report_id_ok(const char *s)
{
	return strlen(s) == 32 && strspn(s, "0123456789abcdef") == 32;
}

/* A caller's scanned_at: exactly the form this file writes, a valid
 * instant in UTC, so a report never carries another. */
static int scanned_at_ok(const char *s)
{
	return strlen(s) == 20 && s[10] == 'T' && s[19] == 'Z' &&
	       vz__date_parse(s, NULL) == 0;
}

static char *dup_or_null(const char *s, int *bad)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = vz__strdup(s);
	if (d == NULL)
		*bad = 1;
	return d;
}

vz_status vz_scan_run(const vz_catalog *cat, const vz_scan_opts *opts,
                      vz_scan **out, vz_error *err)
{
	/* The assessing state, looked up once for fill() and the report. */
	const char *own = str(vz__catalog_root(cat), "assessing_state");
	vz_scan_opts defaults;
	vz_collect_opts co;
	struct timespec t0, t1;
	vz_kind kind;
	vz_sink sink;
	vz_scan *s;
	time_t now = time(NULL);
	struct tm tm;
	vz_status rc;
	size_t i;
	int bad = 0, artefacts;

	*out = NULL;
	if (opts == NULL) {
		vz_scan_opts_init(&defaults);
		opts = &defaults;
	}
	if (opts->sector != NULL &&
	    (!vz_catalog_find(cat, opts->sector, &kind) ||
	     kind != VZ_KIND_SECTOR)) {
		vz__error_set(err, VZ_E_USAGE, vz_catalog_file(cat),
		              "unknown sector \"%s\" (not in the catalogue)",
		              opts->sector);
		return VZ_E_USAGE;
	}
	if (opts->report_id != NULL && !report_id_ok(opts->report_id)) {
		vz__error_set(err, VZ_E_USAGE, NULL,
		              "report_id: not 32 lowercase hex digits");
		return VZ_E_USAGE;
	}
	if (opts->scanned_at != NULL && !scanned_at_ok(opts->scanned_at)) {
		vz__error_set(err, VZ_E_USAGE, NULL,
		              "scanned_at: not an RFC 3339 instant in UTC "
		              "(YYYY-MM-DDTHH:MM:SSZ)");
		return VZ_E_USAGE;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	s = vz__calloc(1, sizeof(*s));
	if (s == NULL)
		goto nomem;
	artefacts = opts->nhives + opts->nsboms + opts->npaths > 0;
	s->root = opts->root || !artefacts ? dup_or_null(opts->root ? opts->root
	                                                            : "/",
	                                                 &bad)
	                                   : NULL;
	s->sector = dup_or_null(opts->sector, &bad);
	s->signature = dup_or_null(opts->signature ? opts->signature
	                                           : "unsigned",
	                           &bad);
	s->catalog_id = dup_or_null(vz_catalog_id(cat), &bad);
	s->assessed = json_object();
	if (s->assessed == NULL)
		bad = 1;
	s->st = vz_stats_new();
	if (bad || s->st == NULL)
		goto nomem;
	errno = 0;
	if (opts->source != NULL) {
		/* The root is the one the records were collected from. */
		vz__free(s->root);
		s->root = NULL;
	}
	rc = s->root && opts->source == NULL
	         ? vz_host_probe(s->root, &s->host)
	         : VZ_OK;
	if (rc != VZ_OK) {
		int e = errno;

		vz__error_set(err, rc, s->root, "cannot open the root%s%s",
		              e ? ": " : "", e ? strerror(e) : "");
		goto fail;
	}
	rc = vz_matcher_new(cat, &s->m, err);
	if (rc != VZ_OK)
		goto fail;
	vz_matcher_sink(s->m, &sink);
	memset(&co, 0, sizeof(co));
	co.root = s->root;
	co.progress = opts->progress;
	co.progress_ctx = opts->progress_ctx;
	co.hives = opts->hives;
	co.nhives = opts->nhives;
	co.sboms = opts->sboms;
	co.nsboms = opts->nsboms;
	co.paths = opts->paths;
	co.npaths = opts->npaths;
	co.jobs = opts->jobs;
	rc = opts->source != NULL
	         ? opts->source->run(opts->source->ctx, &sink, s->st,
	                             &s->host, &s->root, err)
	         : vz_collect(&co, NULL, &sink, s->st, err);
	if (rc != VZ_OK)
		goto fail;
	s->n = vz_matcher_hits(s->m);
	s->f = vz__calloc(s->n ? s->n : 1, sizeof(*s->f));
	if (s->f == NULL)
		goto nomem;
	for (i = 0; i < s->n; i++) {
		vz_finding *f = &s->f[i];

		f->product_id = vz_matcher_hit(s->m, i, &f->state, &f->evidence,
		                               &f->nevidence, &f->omitted);
		fill(cat, f, s->sector, own);
		/* Only running out of memory stops it (see assess_finding). */
		if (assess_finding(cat, f, s->assessed) != VZ_OK)
			goto nomem;
	}
	if (vz__coverage_build(&s->cov, s->st, opts->strict) != VZ_OK)
		goto nomem;
	if (opts->report_id != NULL) {
		memcpy(s->report_id, opts->report_id, sizeof(s->report_id));
	} else if (new_report_id(s->report_id) != 0) {
		rc = VZ_E_INTERNAL;
		vz__error_set(err, rc, NULL, "no random bytes for a report id");
		goto fail;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	gmtime_r(&now, &tm);
	if (opts->scanned_at != NULL)
		memcpy(s->scanned_at, opts->scanned_at, 21);
	else
		strftime(s->scanned_at, sizeof(s->scanned_at),
		         "%Y-%m-%dT%H:%M:%SZ", &tm);
	s->info.catalog_id = s->catalog_id;
	s->info.catalog_version = vz_catalog_version(cat);
	s->info.catalog_trusted_version = vz_catalog_trusted_version(cat);
	s->info.assessing_state = own;
	s->info.signature = s->signature;
	s->info.hostname = s->host.hostname;
	s->info.fqdn = s->host.fqdn;
	s->info.machine_id = s->host.machine_id;
	s->info.report_id = s->report_id;
	s->info.catalog_sha256 =
	    vz_catalog_sha256(cat, s->catalog_sha256) == VZ_OK
	        ? s->catalog_sha256
	        : NULL;
	s->info.os = s->host.os;
	s->info.root = s->root;
	s->info.live = s->host.live;
	s->info.scanned_at = s->scanned_at;
	s->info.sector = s->sector;
	s->info.elapsed_ms = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000 +
	                                (t1.tv_nsec - t0.tv_nsec) / 1000000);
	s->info.fingerprints = vz_matcher_fingerprints(s->m);
	*out = s;
	return VZ_OK;
nomem:
	rc = VZ_E_NOMEM;
	vz__error_set(err, rc, NULL, "out of memory");
fail:
	vz_scan_free(s);
	return rc;
}

size_t vz_scan_count(const vz_scan *s)
{
	return s->n;
}

const vz_finding *vz_scan_finding(const vz_scan *s, size_t i)
{
	return i < s->n ? &s->f[i] : NULL;
}

const vz_stats *vz_scan_stats(const vz_scan *s)
{
	return s->st;
}

const vz_scan_info *vz_scan_get_info(const vz_scan *s)
{
	return &s->info;
}

size_t vz_scan_tampered_count(const vz_scan *s)
{
	return s->m ? vz_matcher_tampered_count(s->m) : 0;
}

const vz_tampered *vz_scan_tampered(const vz_scan *s, size_t i)
{
	return s->m ? vz_matcher_tampered(s->m, i) : NULL;
}

/* Position of `level` in the levels of the rules an assessment uses. */
static int level_rank(const vz_catalog *cat, const char *rules,
                      const char *level)
{
	json_t *r = rules ? vz__catalog_get(cat, rules, NULL) : NULL;
	json_t *levels = json_object_get(r, "levels");
	size_t i;

	for (i = 0; level && i < json_array_size(levels); i++)
		if (strcmp(json_string_value(json_array_get(levels, i)),
		           level) == 0)
			return (int)i;
	return -1;
}

static int level_declared(const vz_catalog *cat, const char *level)
{
	size_t i;

	for (i = 0; i < vz_catalog_count(cat, VZ_KIND_RULES); i++)
		if (lists(json_object_get(vz__catalog_nth(cat, VZ_KIND_RULES,
		                                          i),
		                          "levels"),
		          level))
			return 1;
	return 0;
}

vz_status vz_scan_fails(const vz_scan *s, const vz_catalog *cat,
                        const char *fail_on, int *fails, vz_error *err)
{
	size_t i;

	*fails = 0;
	if (fail_on != NULL && strcmp(fail_on, "never") == 0)
		return VZ_OK;
	/* A file that forges or breaks a listed vendor's signature is for
	 * the security officer to look at, whatever the measure says. */
	if (fail_on != NULL && strcmp(fail_on, "any") == 0) {
		*fails = s != NULL && (s->n > 0 || vz_scan_tampered_count(s));
		return VZ_OK;
	}
	if (s != NULL && (fail_on == NULL || strcmp(fail_on, "action") == 0)) {
		for (i = 0; i < s->n; i++)
			*fails |= s->f[i].needs_action;
		*fails |= vz_scan_tampered_count(s) > 0;
		return VZ_OK;
	}
	if (s == NULL && (fail_on == NULL || strcmp(fail_on, "action") == 0))
		return VZ_OK;
	if (!level_declared(cat, fail_on)) {
		vz__error_set(err, VZ_E_USAGE, NULL,
		              "unknown --fail-on level \"%s\" (use any, "
		              "action, never or a risk level of the "
		              "catalogue's rules)",
		              fail_on);
		return VZ_E_USAGE;
	}
	for (i = 0; s != NULL && i < s->n; i++) {
		const vz_finding *f = &s->f[i];
		int have = level_rank(cat, f->rules, f->level);
		int want = level_rank(cat, f->rules, fail_on);

		if (have >= 0 && want >= 0 && have >= want)
			*fails = 1;
	}
	return VZ_OK;
}

size_t vz_scan_coverage_count(const vz_scan *s)
{
	return s->cov.n;
}

const vz_coverage *vz_scan_coverage(const vz_scan *s, size_t i)
{
	return i < s->cov.n ? &s->cov.e[i] : NULL;
}

int vz_scan_complete(const vz_scan *s)
{
	return s->cov.ngaps == 0;
}

size_t vz_scan_gap_count(const vz_scan *s)
{
	return s->cov.ngaps;
}

const char *vz_scan_gap(const vz_scan *s, size_t i)
{
	return vz__coverage_gap(&s->cov, i);
}

int vz_scan_strict(const vz_scan *s)
{
	return s->cov.strict;
}
