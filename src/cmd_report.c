/*
 * src/cmd_report.c - `voorzorg report`: the periodic compliance report an
 * organisation sends to its ministry or the national authority, in
 * Markdown, HTML or PDF, in Dutch or English, from the fleet server's
 * API (docs/api.md) over libcurl.
 *
 * One pass collects everything from the server (organisation, catalogue,
 * measures, compliance now and at the previous report, overdue hosts,
 * exemptions in force); one renderer writes it through a small writer
 * with one escaping function per format, so the three formats carry the
 * same numbers by construction. The PDF is Chromium printing the HTML
 * (headless), not PDF code of ours. Every value from the server may come
 * from a hostile scanned machine: it is escaped for the format (HTML
 * entities; Markdown punctuation) and stripped of control characters.
 * The output is written to a temporary file beside --output and renamed,
 * so a failure never leaves half a report.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli.h"

static const char report_help[] =
    "usage: voorzorg report --server URL --organisation ID [options]\n"
    "\n"
    "The periodic compliance report of one organisation, from the fleet\n"
    "server at URL: status per measure, progress since the previous\n"
    "report, overdue hosts with the reason, exemptions in force with their\n"
    "expiry, and the catalogue (version, signature) it rests on.\n"
    "\n"
    "options:\n"
    "  --server URL          the fleet server (http:// or https://)\n"
    "  --organisation ID     the organisation reported on\n"
    "  --as-of DATE          the state at the end of DATE (YYYY-MM-DD) or\n"
    "                        at an RFC 3339 instant (default: now)\n"
    "  --since DATE          the previous report's date, for progress\n"
    "                        (default: 30 days before --as-of)\n"
    "  --format FORMAT       markdown (default), html or pdf (headless\n"
    "                        Chromium prints the HTML; needs chromium)\n"
    "  --lang LANG           nl (default) or en\n"
    "  --output FILE         write to FILE (default: standard output;\n"
    "                        required for pdf)\n"
    "  --admin-token-file F  the server's admin token (one line; default:\n"
    "                        $VOORZORG_ADMIN_TOKEN_FILE)\n"
    "  --ca FILE             verify the server with this CA bundle\n"
    "  -h, --help            show this help\n"
    "\n"
    "exit status: 0 written, 2 usage or input error (a bad option, an\n"
    "unknown organisation, a refused token), 3 the server, chromium or\n"
    "the output failed\n";

#define MAX_BODY (64u * 1024u * 1024u)

/* ---- texts in both languages ------------------------------------------ */

enum txt {
	T_TITLE, T_ORG, T_SECTOR, T_ASOF, T_SINCE, T_CATALOG, T_CATLINE,
	T_KEY, T_STATUS, T_STATUS_INTRO, T_MEASURE, T_ACTION, T_DEADLINE,
	T_HOSTS, T_WITH, T_COMPLIANT, T_PENDING, T_OVERDUE, T_EXEMPTED,
	T_STALE, T_MEASURES, T_NODEADLINE, T_PROGRESS, T_PROGRESS_LINE,
	T_OVERDUE_H, T_OVERDUE_NONE, T_HOST, T_GROUP, T_REASON,
	T_REASON_LINE, T_EXEMPT_H, T_EXEMPT_NONE, T_NO, T_SCOPE,
	T_APPROVER, T_EXPIRES, T_ALLMEASURES, T_GENERATED, T_INCOMPLETE,
	T_COUNT
};

static const char *const texts[T_COUNT][2] = {
    /* {English, Dutch}; {1}..{9} are filled in by fill(). */
    [T_TITLE] = {"Compliance report", "Nalevingsrapportage"},
    [T_ORG] = {"Organisation", "Organisatie"},
    [T_SECTOR] = {"Sector", "Sector"},
    [T_ASOF] = {"State as of", "Stand per"},
    [T_SINCE] = {"Previous report", "Vorige rapportage"},
    [T_CATALOG] = {"Catalogue", "Catalogus"},
    [T_CATLINE] = {"{1}, version {2}, signature: {3}",
                   "{1}, versie {2}, ondertekening: {3}"},
    [T_KEY] = {"signing key", "ondertekeningssleutel"},
    [T_STATUS] = {"Status per measure", "Stand per voorzorgsmaatregel"},
    [T_STATUS_INTRO] =
        {"Hosts per state on {1}, for every measure that applies to the "
         "organisation's sector.",
         "Systemen per status op {1}, voor elke voorzorgsmaatregel die op "
         "de sector van de organisatie van toepassing is."},
    [T_MEASURE] = {"Measure", "Voorzorgsmaatregel"},
    [T_ACTION] = {"Action", "Actie"},
    [T_DEADLINE] = {"Removal deadline", "Uiterste verwijderdatum"},
    [T_HOSTS] = {"Hosts", "Systemen"},
    [T_WITH] = {"With product", "Met product"},
    [T_COMPLIANT] = {"Compliant", "Voldoet"},
    [T_PENDING] = {"Pending", "Binnen termijn"},
    [T_OVERDUE] = {"Overdue", "Termijn verstreken"},
    [T_EXEMPTED] = {"Exempted", "Uitgezonderd"},
    [T_STALE] = {"Stale", "Geen recente rapportage"},
    [T_MEASURES] = {"The measures", "De voorzorgsmaatregelen"},
    [T_NODEADLINE] = {"none", "geen"},
    [T_PROGRESS] = {"Progress since the previous report",
                    "Voortgang sinds de vorige rapportage"},
    [T_PROGRESS_LINE] =
        {"{1}: hosts with the product went from {2} to {3} ({4}); "
         "overdue from {5} to {6}; compliant from {7} to {8}.",
         "{1}: het aantal systemen met het product ging van {2} naar {3} "
         "({4}); termijn verstreken van {5} naar {6}; voldoet van {7} "
         "naar {8}."},
    [T_OVERDUE_H] = {"Overdue hosts", "Systemen na de termijn"},
    [T_OVERDUE_NONE] = {"No host is overdue.",
                        "Geen enkel systeem is na de termijn."},
    [T_HOST] = {"Host", "Systeem"},
    [T_GROUP] = {"Group", "Groep"},
    [T_REASON] = {"Reason", "Reden"},
    [T_REASON_LINE] =
        {"{1} found in the report of {2}; the removal deadline {3} passed "
         "{4} days before {5}.",
         "{1} aangetroffen in de rapportage van {2}; de uiterste "
         "verwijderdatum {3} was op {5} {4} dagen verstreken."},
    [T_EXEMPT_H] = {"Exemptions in force", "Lopende uitzonderingen"},
    [T_EXEMPT_NONE] = {"No exemption is in force.",
                       "Er is geen uitzondering van kracht."},
    [T_NO] = {"No.", "Nr."},
    [T_SCOPE] = {"Scope", "Reikwijdte"},
    [T_APPROVER] = {"Approved by", "Goedgekeurd door"},
    [T_EXPIRES] = {"Expires", "Vervalt op"},
    [T_ALLMEASURES] = {"all measures", "alle voorzorgsmaatregelen"},
    [T_GENERATED] = {"Generated by voorzorg {1} from {2}.",
                     "Opgesteld door voorzorg {1} uit {2}."},
    [T_INCOMPLETE] = {" (incomplete scan)", " (onvolledige scan)"},
};

/* Catalogue terms: {id, English, Dutch}. */
static const char *const terms[][3] = {
    {"central-government", "central government", "rijksoverheid"},
    {"vital", "vital sector", "vitale sector"},
    {"abdo", "defence contractors (ABDO)", "ABDO-bedrijven"},
    {"other", "other", "overig"},
    {"prohibit", "prohibit", "verbieden"},
    {"phase-out", "phase out", "uitfaseren"},
    {"advise-phase-out", "advice to phase out", "advies tot uitfaseren"},
    {"monitor", "monitor", "monitoren"},
    {"none", "no action", "geen actie"},
    {"valid", "valid", "geldig"},
    {"unsigned", "unsigned", "niet ondertekend"},
    {"invalid", "invalid", "ongeldig"},
    {"host", "host", "systeem"},
    {"group", "group", "groep"},
    {"organisation", "organisation", "organisatie"},
};

static int lang_nl;

static const char *L(enum txt k)
{
	return texts[k][lang_nl];
}

static const char *term(const char *id)
{
	if (id == NULL)
		return "-";
	for (size_t i = 0; i < sizeof(terms) / sizeof(terms[0]); i++)
		if (strcmp(terms[i][0], id) == 0)
			return terms[i][1 + lang_nl];
	return id;
}

/* ---- a growing string ------------------------------------------------ */

struct sb {
	char *s;
	size_t len, cap;
	int oom;
};

static void sb_add(struct sb *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 4096;
		char *p;

		while (nc < b->len + n + 1)
			nc *= 2;
		p = realloc(b->s, nc);
		if (p == NULL) {
			b->oom = 1;
			return;
		}
		b->s = p;
		b->cap = nc;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_str(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* tmpl with {1}..{9} replaced by args[0..8] (as given: not escaped). */
static void fill(struct sb *b, const char *tmpl, int n, const char **args)
{
	for (const char *p = tmpl; *p; p++) {
		if (p[0] == '{' && p[1] >= '1' && p[1] <= '9' && p[2] == '}' &&
		    p[1] - '1' < n) {
			const char *a = args[p[1] - '1'];

			sb_str(b, a ? a : "-");
			p += 2;
		} else {
			sb_add(b, p, 1);
		}
	}
}

/* ---- the writer: one escaping per format ------------------------------ */

enum fmt { F_MD, F_HTML, F_PDF };

struct w {
	struct sb out;
	int html;
};

/* Text from anywhere, escaped for the format; control characters go. */
static void w_text(struct w *w, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : "-");
	     *p; p++) {
		char c = (char)*p;

		if (*p < 0x20 || *p == 0x7f) {
			sb_str(&w->out, " ");
		} else if (w->html) {
			if (c == '&')
				sb_str(&w->out, "&amp;");
			else if (c == '<')
				sb_str(&w->out, "&lt;");
			else if (c == '>')
				sb_str(&w->out, "&gt;");
			else if (c == '"')
				sb_str(&w->out, "&quot;");
			else if (c == '\'')
				sb_str(&w->out, "&#39;");
			else
				sb_add(&w->out, &c, 1);
		} else if (strchr("\\`*_[]<>|#!~&", c) != NULL) {
			sb_str(&w->out, "\\");
			sb_add(&w->out, &c, 1);
		} else {
			sb_add(&w->out, &c, 1);
		}
	}
}

static void w_raw(struct w *w, const char *s)
{
	sb_str(&w->out, s);
}

static void w_h(struct w *w, int level, const char *s)
{
	if (w->html) {
		w_raw(w, level == 1 ? "<h1>" : "<h2>");
		w_text(w, s);
		w_raw(w, level == 1 ? "</h1>\n" : "</h2>\n");
	} else {
		w_raw(w, level == 1 ? "# " : "\n## ");
		w_text(w, s);
		w_raw(w, "\n\n");
	}
}

static void w_p(struct w *w, const char *s)
{
	w_raw(w, w->html ? "<p>" : "");
	w_text(w, s);
	w_raw(w, w->html ? "</p>\n" : "\n\n");
}

/* A paragraph from a template: the template is ours, the args are not. */
static void w_pf(struct w *w, const char *tmpl, int n, const char **args)
{
	struct sb b = {0};

	fill(&b, tmpl, n, args);
	w_p(w, b.oom ? "" : (b.s ? b.s : ""));
	free(b.s);
}

static void w_kv(struct w *w, const char *k, const char *v)
{
	if (w->html) {
		w_raw(w, "<tr><th scope=\"row\">");
		w_text(w, k);
		w_raw(w, "</th><td>");
		w_text(w, v);
		w_raw(w, "</td></tr>\n");
	} else {
		w_raw(w, "- **");
		w_text(w, k);
		w_raw(w, ":** ");
		w_text(w, v);
		w_raw(w, "\n");
	}
}

/*
 * nnum: the last nnum columns are numbers (right-aligned); cls: the
 * table's class in HTML (the status table keeps its ids on one line).
 */
static void w_thead(struct w *w, int n, const char **h, int nnum,
                    const char *cls)
{
	if (w->html) {
		w_raw(w, "<table class=\"");
		w_raw(w, cls);
		w_raw(w, "\">\n<thead><tr>");
		for (int i = 0; i < n; i++) {
			w_raw(w, i >= n - nnum ? "<th class=\"num\">" : "<th>");
			w_text(w, h[i]);
			w_raw(w, "</th>");
		}
		w_raw(w, "</tr></thead>\n<tbody>\n");
		return;
	}
	w_raw(w, "|");
	for (int i = 0; i < n; i++) {
		w_raw(w, " ");
		w_text(w, h[i]);
		w_raw(w, " |");
	}
	w_raw(w, "\n|");
	for (int i = 0; i < n; i++)
		w_raw(w, i >= n - nnum ? " ---: |" : " --- |");
	w_raw(w, "\n");
}

static void w_row(struct w *w, int n, const char **c, int nnum)
{
	if (w->html) {
		w_raw(w, "<tr>");
		for (int i = 0; i < n; i++) {
			w_raw(w, i >= n - nnum ? "<td class=\"num\">" : "<td>");
			w_text(w, c[i]);
			w_raw(w, "</td>");
		}
		w_raw(w, "</tr>\n");
		return;
	}
	w_raw(w, "|");
	for (int i = 0; i < n; i++) {
		w_raw(w, " ");
		w_text(w, c[i]);
		w_raw(w, " |");
	}
	w_raw(w, "\n");
}

static void w_tend(struct w *w)
{
	w_raw(w, w->html ? "</tbody>\n</table>\n" : "\n");
}

/* ---- the server -------------------------------------------------------- */

struct client {
	const char *base;  /* borrowed: --server, without a trailing slash */
	size_t baselen;
	const char *ca;    /* borrowed */
	char auth[400];
	char why[600];     /* the last error */
	long status;       /* the last HTTP status, or -1 */
};

static size_t on_body(char *p, size_t sz, size_t n, void *ctx)
{
	struct sb *b = ctx;

	if (b->len + sz * n > MAX_BODY)
		return 0;
	sb_add(b, p, sz * n);
	return b->oom ? 0 : sz * n;
}

/* GET base + path; the parsed JSON answer (owned), or NULL with why. */
static json_t *get(struct client *cl, const char *path)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	struct sb b = {0};
	struct sb url = {0};
	json_t *j = NULL;
	json_error_t je;
	CURLcode rc;

	cl->status = -1;
	sb_add(&url, cl->base, cl->baselen);
	sb_str(&url, path);
	if (c == NULL || url.oom) {
		snprintf(cl->why, sizeof(cl->why), "out of memory");
		goto out;
	}
	h = curl_slist_append(h, cl->auth);
	h = curl_slist_append(h, "Accept: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url.s);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 300L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cl->ca != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, cl->ca);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		snprintf(cl->why, sizeof(cl->why), "%s: %s", url.s,
		         curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &cl->status);
	j = b.s ? json_loadb(b.s, b.len, 0, &je) : NULL;
	if (cl->status != 200) {
		const char *m = json_string_value(json_object_get(j, "error"));

		snprintf(cl->why, sizeof(cl->why), "%s: %ld: %.300s", url.s,
		         cl->status, m ? m : "(no message)");
		json_decref(j);
		j = NULL;
	} else if (!json_is_object(j)) {
		snprintf(cl->why, sizeof(cl->why),
		         "%s: the answer is not a JSON object", url.s);
		json_decref(j);
		j = NULL;
	}
out:
	curl_slist_free_all(h);
	if (c != NULL)
		curl_easy_cleanup(c);
	free(b.s);
	free(url.s);
	return j;
}

/* path?k=v&... with the values percent-encoded. */
static void query(struct sb *b, const char *path, int n, const char **kv)
{
	sb_str(b, path);
	for (int i = 0; i < n; i++) {
		char *e;

		if (kv[2 * i + 1] == NULL)
			continue;
		sb_str(b, strchr(b->s, '?') ? "&" : "?");
		sb_str(b, kv[2 * i]);
		sb_str(b, "=");
		e = curl_easy_escape(NULL, kv[2 * i + 1], 0);
		if (e == NULL) {
			b->oom = 1;
			return;
		}
		sb_str(b, e);
		curl_free(e);
	}
}

static json_t *getq(struct client *cl, const char *path, int n,
                    const char **kv)
{
	struct sb b = {0};
	json_t *j;

	query(&b, path, n, kv);
	if (b.oom) {
		free(b.s);
		snprintf(cl->why, sizeof(cl->why), "out of memory");
		return NULL;
	}
	j = get(cl, b.s);
	free(b.s);
	return j;
}

/* Every item of a paged list into one array (owned), or NULL. */
static json_t *get_all(struct client *cl, const char *path, int n,
                       const char **kv)
{
	json_t *all = json_array();
	const char *args[16];
	char after[32] = "";

	if (all == NULL || n > 6)
		return NULL;
	for (int i = 0; i < 2 * n; i++)
		args[i] = kv[i];
	args[2 * n] = "limit";
	args[2 * n + 1] = "1000";
	args[2 * n + 2] = "after";
	for (int page = 0; page < 100000; page++) {
		json_t *j, *next;

		args[2 * n + 3] = after[0] ? after : NULL;
		j = getq(cl, path, n + 2, args);
		if (j == NULL) {
			json_decref(all);
			return NULL;
		}
		json_array_extend(all, json_object_get(j, "items"));
		next = json_object_get(j, "next");
		if (!json_is_string(next)) {
			json_decref(j);
			return all;
		}
		snprintf(after, sizeof(after), "%s", json_string_value(next));
		json_decref(j);
	}
	json_decref(all);
	return NULL;
}

/* ---- dates -------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant). */
static long days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, char out[64])
{
	long era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	snprintf(out, 64, "%04ld-%02ld-%02ld", y + (m <= 2), m, d);
}

/* YYYY-MM-DD at the start of s; days since the epoch, or -1. */
static int parse_day(const char *s, long *days)
{
	int y, m, d, n = 0;

	if (s == NULL || strlen(s) < 10 ||
	    sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

/* ---- the report -------------------------------------------------------- */

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void num(json_t *o, const char *k, char out[24])
{
	json_t *v = json_object_get(o, k);

	if (json_is_integer(v))
		snprintf(out, 24, "%lld", (long long)json_integer_value(v));
	else
		snprintf(out, 24, "0");
}

static json_int_t inum(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* The compliance item of a measure, or NULL. */
static json_t *comp_for(json_t *comp, const char *measure)
{
	size_t i;
	json_t *it;

	json_array_foreach(json_object_get(comp, "items"), i, it)
	{
		const char *m = str(it, "measure");

		if (m != NULL && strcmp(m, measure) == 0)
			return it;
	}
	return NULL;
}

static const char *remove_deadline(json_t *m)
{
	size_t i;
	json_t *d;

	json_array_foreach(json_object_get(m, "deadlines"), i, d)
	{
		const char *v = str(d, "verb");

		if (v != NULL && strcmp(v, "remove") == 0)
			return str(d, "date");
	}
	return NULL;
}

struct data {
	json_t *org, *cat, *measures, *now, *then, *overdue, *exempt;
	const char *as_of; /* the instant the server used */
	char since[64];
};

static void render_md_html(struct w *w, struct data *d)
{
	const char *hs[9], *cs[9], *args[9];
	char n[9][24], title[600], asof_day[16];
	size_t i;
	json_t *m, *r;

	snprintf(title, sizeof(title), "%s: %s", L(T_TITLE),
	         str(d->org, "name") ? str(d->org, "name") : "-");
	w_h(w, 1, title);
	snprintf(asof_day, sizeof(asof_day), "%.10s", d->as_of);
	if (w->html)
		w_raw(w, "<table class=\"facts\">\n");
	snprintf(title, sizeof(title), "%s (%s)", str(d->org, "name"),
	         str(d->org, "id"));
	w_kv(w, L(T_ORG), title);
	w_kv(w, L(T_SECTOR), term(str(d->org, "sector")));
	w_kv(w, L(T_ASOF), d->as_of);
	w_kv(w, L(T_SINCE), d->since);
	{
		struct sb b = {0};
		char ver[24];

		num(d->cat, "version", ver);
		args[0] = str(d->cat, "id");
		args[1] = ver;
		args[2] = term(str(d->cat, "signature"));
		fill(&b, L(T_CATLINE), 3, args);
		if (str(d->cat, "key_id") && str(d->cat, "key_id")[0]) {
			sb_str(&b, "; ");
			sb_str(&b, L(T_KEY));
			sb_str(&b, " ");
			sb_str(&b, str(d->cat, "key_id"));
		}
		w_kv(w, L(T_CATALOG), b.oom ? "" : b.s);
		free(b.s);
	}
	if (w->html)
		w_raw(w, "</table>\n");
	else
		w_raw(w, "\n");

	/* Status per measure. */
	w_h(w, 2, L(T_STATUS));
	args[0] = asof_day;
	w_pf(w, L(T_STATUS_INTRO), 1, args);
	hs[0] = L(T_MEASURE);
	hs[1] = L(T_DEADLINE);
	hs[2] = L(T_HOSTS);
	hs[3] = L(T_WITH);
	hs[4] = L(T_COMPLIANT);
	hs[5] = L(T_PENDING);
	hs[6] = L(T_OVERDUE);
	hs[7] = L(T_EXEMPTED);
	hs[8] = L(T_STALE);
	w_thead(w, 9, hs, 7, "status");
	json_array_foreach(json_object_get(d->measures, "items"), i, m)
	{
		static const char *const keys[7] = {
		    "hosts",   "with_product", "compliant", "pending",
		    "overdue", "exempted",     "stale"};
		json_t *c;

		if (str(m, "action") == NULL ||
		    strcmp(str(m, "action"), "none") == 0)
			continue;
		c = comp_for(d->now, str(m, "id"));
		cs[0] = str(m, "id");
		cs[1] = remove_deadline(m) ? remove_deadline(m)
		                           : L(T_NODEADLINE);
		for (int k = 0; k < 7; k++) {
			num(c, keys[k], n[k]);
			cs[2 + k] = n[k];
		}
		w_row(w, 9, cs, 7);
	}
	w_tend(w);
	hs[1] = L(T_ACTION);
	hs[2] = L(T_DEADLINE);
	w_h(w, 2, L(T_MEASURES));
	json_array_foreach(json_object_get(d->measures, "items"), i, m)
	{
		struct sb b = {0};

		if (str(m, "action") == NULL ||
		    strcmp(str(m, "action"), "none") == 0)
			continue;
		sb_str(&b, str(m, "id"));
		sb_str(&b, ": ");
		sb_str(&b, str(m, "title") ? str(m, "title") : "");
		sb_str(&b, " (");
		sb_str(&b, str(m, "reference") ? str(m, "reference") : "");
		sb_str(&b, "); ");
		sb_str(&b, L(T_ACTION));
		sb_str(&b, ": ");
		sb_str(&b, term(str(m, "action")));
		w_p(w, b.oom ? "" : b.s);
		free(b.s);
	}

	/* Progress since the previous report. */
	w_h(w, 2, L(T_PROGRESS));
	json_array_foreach(json_object_get(d->measures, "items"), i, m)
	{
		json_t *a, *b;
		char delta[32];
		json_int_t dv;

		if (str(m, "action") == NULL ||
		    strcmp(str(m, "action"), "none") == 0)
			continue;
		a = comp_for(d->then, str(m, "id"));
		b = comp_for(d->now, str(m, "id"));
		num(a, "with_product", n[0]);
		num(b, "with_product", n[1]);
		num(a, "overdue", n[2]);
		num(b, "overdue", n[3]);
		num(a, "compliant", n[4]);
		num(b, "compliant", n[5]);
		dv = inum(b, "with_product") - inum(a, "with_product");
		snprintf(delta, sizeof(delta), "%s%lld", dv > 0 ? "+" : "",
		         (long long)dv);
		args[0] = str(m, "id");
		args[1] = n[0];
		args[2] = n[1];
		args[3] = delta;
		args[4] = n[2];
		args[5] = n[3];
		args[6] = n[4];
		args[7] = n[5];
		w_pf(w, L(T_PROGRESS_LINE), 8, args);
	}

	/* Overdue hosts with the reason. */
	w_h(w, 2, L(T_OVERDUE_H));
	if (json_array_size(d->overdue) == 0) {
		w_p(w, L(T_OVERDUE_NONE));
	} else {
		hs[0] = L(T_HOST);
		hs[1] = L(T_GROUP);
		hs[2] = L(T_MEASURE);
		hs[3] = L(T_REASON);
		w_thead(w, 4, hs, 0, "overdue");
	}
	json_array_foreach(d->overdue, i, r)
	{
		struct sb b = {0}, p = {0};
		char days[24], seen[16];
		size_t j;
		json_t *pr;

		json_array_foreach(json_object_get(r, "products"), j, pr)
		{
			if (j)
				sb_str(&p, ", ");
			sb_str(&p, json_string_value(pr) ? json_string_value(pr)
			                                 : "");
		}
		snprintf(days, sizeof(days), "%lld",
		         -(long long)inum(r, "days_left"));
		snprintf(seen, sizeof(seen), "%.10s",
		         str(r, "last_report") ? str(r, "last_report") : "-");
		args[0] = p.oom || p.s == NULL ? "-" : p.s;
		args[1] = seen;
		args[2] = str(r, "deadline");
		args[3] = days;
		args[4] = asof_day;
		fill(&b, L(T_REASON_LINE), 5, args);
		if (str(r, "coverage") &&
		    strcmp(str(r, "coverage"), "incomplete") == 0)
			sb_str(&b, L(T_INCOMPLETE));
		cs[0] = str(r, "hostname");
		cs[1] = str(r, "group");
		cs[2] = str(r, "measure");
		cs[3] = b.oom ? "" : b.s;
		w_row(w, 4, cs, 0);
		free(b.s);
		free(p.s);
	}
	if (json_array_size(d->overdue) != 0)
		w_tend(w);

	/* Exemptions in force. */
	w_h(w, 2, L(T_EXEMPT_H));
	if (json_array_size(json_object_get(d->exempt, "items")) == 0) {
		w_p(w, L(T_EXEMPT_NONE));
	} else {
		hs[0] = L(T_NO);
		hs[1] = L(T_MEASURE);
		hs[2] = L(T_SCOPE);
		hs[3] = L(T_REASON);
		hs[4] = L(T_APPROVER);
		hs[5] = L(T_EXPIRES);
		w_thead(w, 6, hs, 0, "exemptions");
		json_array_foreach(json_object_get(d->exempt, "items"), i, r)
		{
			json_t *sc = json_object_get(r, "scope");
			char scope[300];

			num(r, "id", n[0]);
			snprintf(scope, sizeof(scope), "%s: %.200s",
			         term(str(sc, "kind")),
			         str(sc, "value") ? str(sc, "value") : "-");
			cs[0] = n[0];
			cs[1] = str(r, "measure") ? str(r, "measure")
			                          : L(T_ALLMEASURES);
			cs[2] = scope;
			cs[3] = str(r, "reason");
			cs[4] = str(r, "approver");
			cs[5] = str(r, "expires");
			w_row(w, 6, cs, 0);
		}
		w_tend(w);
	}
}

/* ---- output ------------------------------------------------------------- */

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"%LANG%\">\n<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
    "'none'; style-src 'unsafe-inline'\">\n"
    "<title>%TITLE%</title>\n<style>\n"
    "body{font-family:\"DejaVu Sans\",Arial,sans-serif;font-size:10.5pt;"
    "color:#1a1a1a;margin:2em;line-height:1.4}\n"
    "h1{font-size:18pt;color:#154273;margin:0 0 .6em}\n"
    "h2{font-size:13pt;color:#154273;margin:1.4em 0 .4em;"
    "border-bottom:2px solid #154273}\n"
    "table{border-collapse:collapse;width:100%;margin:.4em 0 1em}\n"
    "th,td{border:1px solid #767676;padding:3px 6px;text-align:left;"
    "vertical-align:top}\n"
    "thead th{background:#e6ecf2}\n"
    "td.num,th.num{text-align:right}\n"
    "table.facts th{width:12em;background:#f3f3f3}\n"
    "table.status td:first-child,table.status td:nth-child(2)"
    "{white-space:nowrap}\n"
    "tr{page-break-inside:avoid}\n"
    "@page{size:A4;margin:15mm}\n"
    "@media print{body{margin:0;font-size:9.5pt}}\n"
    "</style>\n</head>\n<body>\n";

static int write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, s, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Write data to path through a temporary file and a rename. */
static int write_file(const char *path, const char *data, size_t n)
{
	struct sb tmp = {0};
	int fd, rc = -1;

	sb_str(&tmp, path);
	sb_str(&tmp, ".tmp-XXXXXX");
	if (tmp.oom)
		return -1;
	fd = mkstemp(tmp.s);
	if (fd < 0) {
		free(tmp.s);
		return -1;
	}
	if (write_all(fd, data, n) == 0 && fsync(fd) == 0 &&
	    fchmod(fd, 0644) == 0) {
		if (close(fd) == 0 && rename(tmp.s, path) == 0)
			rc = 0;
	} else {
		close(fd);
	}
	if (rc != 0)
		unlink(tmp.s);
	free(tmp.s);
	return rc;
}

/* The chromium binary on PATH, into out; -1 if there is none. */
static int find_chromium(char *out, size_t size)
{
	static const char *const names[] = {"chromium", "chromium-browser"};
	const char *path = getenv("PATH");

	for (size_t k = 0; k < 2 && path != NULL; k++) {
		const char *p = path;

		while (*p) {
			size_t n = strcspn(p, ":");

			if (n > 0 && (size_t)snprintf(out, size, "%.*s/%s",
			                              (int)n, p, names[k]) <
			                 size &&
			    access(out, X_OK) == 0)
				return 0;
			p += n;
			if (*p == ':')
				p++;
		}
	}
	return -1;
}

static int rm_tree_flat(const char *dir, const char *const *names)
{
	char p[4096];

	for (size_t i = 0; names[i] != NULL; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	return rmdir(dir);
}

/*
 * Print html to a PDF with headless Chromium: html to a private temporary
 * directory, `chromium --headless --print-to-pdf`, the PDF read back.
 * Returns 0 with *pdf owned, or the exit code after a message.
 */
static int to_pdf(const char *html, size_t n, char **pdf, size_t *pdflen)
{
	char chromium[4096], dir[] = "/tmp/voorzorg-report-XXXXXX";
	char in[4200], out[4200], prof[4200], arg_out[4300], arg_prof[4300];
	char url[4300];
	static const char *const files[] = {"report.html", "report.pdf",
	                                    NULL};
	pid_t pid;
	int st, ex = VZ_EXIT_INTERNAL;
	FILE *f;
	struct sb b = {0};

	*pdf = NULL;
	if (find_chromium(chromium, sizeof(chromium)) != 0) {
		fprintf(stderr,
		        "%s: report: --format pdf needs chromium, which is "
		        "not installed (apt-get install chromium); "
		        "--format html gives the same report\n",
		        cli_prog);
		return VZ_EXIT_INTERNAL;
	}
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "%s: report: temporary directory: %s\n",
		        cli_prog, strerror(errno));
		return VZ_EXIT_INTERNAL;
	}
	snprintf(in, sizeof(in), "%s/report.html", dir);
	snprintf(out, sizeof(out), "%s/report.pdf", dir);
	snprintf(prof, sizeof(prof), "%s/profile", dir);
	snprintf(arg_out, sizeof(arg_out), "--print-to-pdf=%s", out);
	snprintf(arg_prof, sizeof(arg_prof), "--user-data-dir=%s", prof);
	snprintf(url, sizeof(url), "file://%s", in);
	if (write_file(in, html, n) != 0) {
		fprintf(stderr, "%s: report: %s: %s\n", cli_prog, in,
		        strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid == 0) {
		const char *argv[16];
		int k = 0, nul = open("/dev/null", O_RDWR);

		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
			dup2(nul, 2);
		}
		argv[k++] = chromium;
		argv[k++] = "--headless";
		argv[k++] = "--disable-gpu";
		argv[k++] = "--disable-dev-shm-usage";
		argv[k++] = "--disable-background-networking";
		argv[k++] = "--disable-component-update";
		argv[k++] = "--disable-sync";
		argv[k++] = "--no-first-run";
		argv[k++] = "--no-pdf-header-footer";
		argv[k++] = arg_prof;
		/* Chromium refuses to run as root with its sandbox. */
		if (geteuid() == 0)
			argv[k++] = "--no-sandbox";
		argv[k++] = arg_out;
		argv[k++] = url;
		argv[k] = NULL;
		execv(chromium, (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		fprintf(stderr, "%s: report: cannot run %s\n", cli_prog,
		        chromium);
		goto out;
	}
	f = fopen(out, "rb");
	if (f != NULL) {
		char buf[65536];
		size_t k;

		while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
			sb_add(&b, buf, k);
		fclose(f);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || b.len < 5 ||
	    memcmp(b.s, "%PDF-", 5) != 0 || b.oom) {
		fprintf(stderr, "%s: report: %s did not print a PDF "
		                "(exit status %d)\n",
		        cli_prog, chromium, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		free(b.s);
		goto out;
	}
	*pdf = b.s;
	*pdflen = b.len;
	ex = 0;
out:
	{
		/* The profile Chromium made: removed with a child rm -rf,
		 * the one tree here we did not write file by file. */
		pid_t rp = fork();

		if (rp == 0) {
			execl("/bin/rm", "rm", "-rf", prof, (char *)NULL);
			_exit(127);
		}
		if (rp > 0)
			waitpid(rp, &st, 0);
	}
	rm_tree_flat(dir, files);
	return ex;
}

/* ---- the command --------------------------------------------------------- */

static int read_token(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return -1;
	if (fgets(out, (int)size, f) == NULL) {
		fclose(f);
		return -1;
	}
	fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
	n = strlen(out);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)out[i] <= 0x20 || out[i] == 0x7f)
			return -1;
	return n > 0 ? 0 : -1;
}

int cmd_report(int argc, char **argv)
{
	enum { O_SERVER, O_ORG, O_ASOF, O_SINCE, O_FORMAT, O_LANG, O_OUTPUT,
	       O_TOKEN, O_CA, O_HELP, O_COUNT };
	struct cli_opt opts[O_COUNT] = {
	    {"server", 1, NULL}, {"organisation", 1, NULL},
	    {"as-of", 1, NULL},  {"since", 1, NULL},
	    {"format", 1, NULL}, {"lang", 1, NULL},
	    {"output", 1, NULL}, {"admin-token-file", 1, NULL},
	    {"ca", 1, NULL},     {"help", 0, NULL}};
	char *pos[1], tok[300], orgpath[200];
	const char *fmt, *lang, *tokfile, *kv[8], *org;
	struct client cl;
	struct data d;
	struct w w;
	enum fmt f = F_MD;
	int npos, ex = VZ_EXIT_INTERNAL;
	long day;
	char *pdf = NULL;
	size_t pdflen = 0;

	memset(&d, 0, sizeof(d));
	memset(&w, 0, sizeof(w));
	if (cli_parse("report", argc, argv, 1, opts, O_COUNT, pos,
	              CLI_NPOS(pos), &npos) != 0)
		return VZ_EXIT_USAGE;
	if (opts[O_HELP].value != NULL) {
		fputs(report_help, stdout);
		return fflush(stdout) == 0 ? VZ_EXIT_OK : VZ_EXIT_INTERNAL;
	}
	if (npos != 0) {
		cli_usage_error("report", "takes no arguments, only options");
		return VZ_EXIT_USAGE;
	}
	if (opts[O_SERVER].value == NULL ||
	    !cli_url_ok(opts[O_SERVER].value)) {
		cli_usage_error("report", "--server http:// or https:// URL "
		                          "is required");
		return VZ_EXIT_USAGE;
	}
	org = opts[O_ORG].value;
	if (org == NULL || org[0] == '\0' || strlen(org) > 64 ||
	    strspn(org, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
	        strlen(org)) {
		cli_usage_error("report", "--organisation ID is required "
		                          "(lowercase letters, digits, '-')");
		return VZ_EXIT_USAGE;
	}
	fmt = opts[O_FORMAT].value ? opts[O_FORMAT].value : "markdown";
	if (strcmp(fmt, "markdown") == 0)
		f = F_MD;
	else if (strcmp(fmt, "html") == 0)
		f = F_HTML;
	else if (strcmp(fmt, "pdf") == 0)
		f = F_PDF;
	else {
		cli_usage_error("report", "--format: '%s' is not markdown, "
		                          "html or pdf", fmt);
		return VZ_EXIT_USAGE;
	}
	lang = opts[O_LANG].value ? opts[O_LANG].value : "nl";
	if (strcmp(lang, "nl") != 0 && strcmp(lang, "en") != 0) {
		cli_usage_error("report", "--lang: '%s' is not nl or en", lang);
		return VZ_EXIT_USAGE;
	}
	lang_nl = strcmp(lang, "nl") == 0;
	if (f == F_PDF && (opts[O_OUTPUT].value == NULL ||
	                   strcmp(opts[O_OUTPUT].value, "-") == 0)) {
		cli_usage_error("report", "--format pdf needs --output FILE");
		return VZ_EXIT_USAGE;
	}
	if (opts[O_ASOF].value && parse_day(opts[O_ASOF].value, &day) != 0) {
		cli_usage_error("report", "--as-of: '%s' is not YYYY-MM-DD or "
		                          "an RFC 3339 instant",
		                opts[O_ASOF].value);
		return VZ_EXIT_USAGE;
	}
	if (opts[O_SINCE].value &&
	    (parse_day(opts[O_SINCE].value, &day) != 0 ||
	     strlen(opts[O_SINCE].value) != 10)) {
		cli_usage_error("report", "--since: '%s' is not YYYY-MM-DD",
		                opts[O_SINCE].value);
		return VZ_EXIT_USAGE;
	}
	tokfile = opts[O_TOKEN].value ? opts[O_TOKEN].value
	                              : getenv("VOORZORG_ADMIN_TOKEN_FILE");
	if (tokfile == NULL) {
		cli_usage_error("report", "--admin-token-file FILE is required "
		                          "(the server's read API needs the "
		                          "admin token)");
		return VZ_EXIT_USAGE;
	}
	if (read_token(tokfile, tok, sizeof(tok)) != 0) {
		fprintf(stderr, "%s: report: %s:1: cannot be read as a token "
		                "(one line, no spaces)\n",
		        cli_prog, tokfile);
		return VZ_EXIT_USAGE;
	}
	memset(&cl, 0, sizeof(cl));
	cl.base = opts[O_SERVER].value;
	cl.baselen = strlen(cl.base);
	while (cl.baselen > 0 && cl.base[cl.baselen - 1] == '/')
		cl.baselen--;
	cl.ca = opts[O_CA].value;
	snprintf(cl.auth, sizeof(cl.auth), "Authorization: Bearer %s", tok);
	memset(tok, 0, sizeof(tok));
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "%s: report: libcurl cannot start\n", cli_prog);
		return VZ_EXIT_INTERNAL;
	}

	snprintf(orgpath, sizeof(orgpath), "/api/v1/organisations/%s", org);
	kv[0] = "organisation";
	kv[1] = org;
	kv[2] = "as_of";
	kv[3] = opts[O_ASOF].value;
	if ((d.org = get(&cl, orgpath)) == NULL ||
	    (d.cat = get(&cl, "/api/v1/catalog")) == NULL ||
	    (d.measures = getq(&cl, "/api/v1/measures", 1, kv)) == NULL ||
	    (d.now = getq(&cl, "/api/v1/compliance", 2, kv)) == NULL)
		goto fail;
	d.as_of = str(d.now, "as_of");
	if (d.as_of == NULL || parse_day(d.as_of, &day) != 0) {
		snprintf(cl.why, sizeof(cl.why), "/api/v1/compliance: no as_of");
		goto fail;
	}
	if (opts[O_SINCE].value)
		snprintf(d.since, sizeof(d.since), "%s", opts[O_SINCE].value);
	else
		civil_from_days(day - 30, d.since);
	kv[3] = d.since;
	if ((d.then = getq(&cl, "/api/v1/compliance", 2, kv)) == NULL)
		goto fail;
	kv[3] = d.as_of;
	kv[4] = "state";
	kv[5] = "overdue";
	if ((d.overdue = get_all(&cl, "/api/v1/ledger", 3, kv)) == NULL)
		goto fail;
	kv[2] = "active_at";
	if ((d.exempt = getq(&cl, "/api/v1/exemptions", 2, kv)) == NULL)
		goto fail;

	w.html = f != F_MD;
	if (w.html) {
		struct sb t = {0};
		const char *h = html_head, *p;

		/* The head with the language and an escaped title. */
		p = strstr(h, "%LANG%");
		sb_add(&w.out, h, (size_t)(p - h));
		sb_str(&w.out, lang);
		h = p + 6;
		p = strstr(h, "%TITLE%");
		sb_add(&w.out, h, (size_t)(p - h));
		sb_str(&t, L(T_TITLE));
		sb_str(&t, ": ");
		sb_str(&t, str(d.org, "name") ? str(d.org, "name") : "-");
		w_text(&w, t.oom ? "" : t.s);
		free(t.s);
		w_raw(&w, p + 7);
	}
	render_md_html(&w, &d);
	{
		const char *args[2];
		struct sb s = {0};

		args[0] = vz_version();
		sb_add(&s, cl.base, cl.baselen);
		args[1] = s.oom ? "-" : s.s;
		if (!w.html)
			w_raw(&w, "\n---\n\n");
		w_pf(&w, L(T_GENERATED), 2, args);
		free(s.s);
	}
	if (w.html)
		w_raw(&w, "</body>\n</html>\n");
	if (w.out.oom) {
		fprintf(stderr, "%s: report: out of memory\n", cli_prog);
		goto out;
	}
	if (f == F_PDF) {
		ex = to_pdf(w.out.s, w.out.len, &pdf, &pdflen);
		if (ex != 0)
			goto out;
		ex = VZ_EXIT_INTERNAL;
	}
	if (opts[O_OUTPUT].value == NULL ||
	    strcmp(opts[O_OUTPUT].value, "-") == 0) {
		ex = cli_emit(w.out.s) == 0 ? VZ_EXIT_OK : VZ_EXIT_INTERNAL;
	} else if (write_file(opts[O_OUTPUT].value, pdf ? pdf : w.out.s,
	                      pdf ? pdflen : w.out.len) != 0) {
		fprintf(stderr, "%s: report: %s: cannot be written: %s\n",
		        cli_prog, opts[O_OUTPUT].value, strerror(errno));
	} else {
		ex = VZ_EXIT_OK;
	}
	goto out;
fail:
	fprintf(stderr, "%s: report: %s\n", cli_prog, cl.why);
	ex = cl.status == 400 || cl.status == 401 || cl.status == 403 ||
	             cl.status == 404
	         ? VZ_EXIT_USAGE
	         : VZ_EXIT_INTERNAL;
out:
	json_decref(d.org);
	json_decref(d.cat);
	json_decref(d.measures);
	json_decref(d.now);
	json_decref(d.then);
	json_decref(d.overdue);
	json_decref(d.exempt);
	free(w.out.s);
	free(pdf);
	memset(cl.auth, 0, sizeof(cl.auth));
	curl_global_cleanup();
	return ex;
}
