/*
 * src/cmd_report.c - `voorzorg report`: the periodic compliance report an
 * organisation sends to its ministry or the national authority, in
 * Markdown, HTML or PDF, in Dutch or English, from the fleet server's
 * API (docs/api.md) over libcurl.
 *
 * One pass collects everything from the server (organisation, catalogue,
 * measures, compliance now and at the previous report, overdue hosts,
 * exemptions in force); one renderer (report_render.c) writes it, so the
 * three formats carry the same numbers by construction, with every
 * server value escaped for the format. The PDF is Chromium printing the
 * HTML (headless), not PDF code of ours.
 * The output is written to a temporary file beside --output and renamed,
 * so a failure never leaves half a report.
 */
#include <errno.h>
#include <fcntl.h>
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
#include "report_render.h"

enum fmt { F_MD, F_HTML, F_PDF };

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
    "  -h, --help            show this help\n" CLI_COMMON_HELP "\n"
    "report exits 0 when the report is written, 2 on a usage or input\n"
    "error (a bad option, an unknown organisation, a refused token), 3\n"
    "when the server, chromium or the output failed.\n"
    "\n" CLI_EXIT_HELP;

#define MAX_BODY (64u * 1024u * 1024u)

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
	report_sb_add(b, p, sz * n);
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
	report_sb_add(&url, cl->base, cl->baselen);
	report_sb_str(&url, path);
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
	report_sb_str(b, path);
	for (int i = 0; i < n; i++) {
		char *e;

		if (kv[2 * i + 1] == NULL)
			continue;
		report_sb_str(b, strchr(b->s, '?') ? "&" : "?");
		report_sb_str(b, kv[2 * i]);
		report_sb_str(b, "=");
		e = curl_easy_escape(NULL, kv[2 * i + 1], 0);
		if (e == NULL) {
			b->oom = 1;
			return;
		}
		report_sb_str(b, e);
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

/* ---- output ------------------------------------------------------------- */

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

	report_sb_str(&tmp, path);
	report_sb_str(&tmp, ".tmp-XXXXXX");
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
			report_sb_add(&b, buf, k);
		fclose(f);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || b.len < 5 ||
	    memcmp(b.s, "%PDF-", 5) != 0 || b.oom) {
		fprintf(stderr, "%s: report: %s did not print a PDF "
		                "(exit status %d)\n",
		        cli_prog, chromium,
		        WIFEXITED(st) ? WEXITSTATUS(st) : -1);
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
	struct report_data d;
	enum fmt f = F_MD;
	int npos, nl, ex = VZ_EXIT_INTERNAL;
	long day;
	char *pdf = NULL, *text = NULL, since[64];
	size_t pdflen = 0, textlen = 0;

	memset(&d, 0, sizeof(d));
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
	nl = strcmp(lang, "nl") == 0;
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
	d.as_of = json_string_value(json_object_get(d.now, "as_of"));
	if (d.as_of == NULL || parse_day(d.as_of, &day) != 0) {
		snprintf(cl.why, sizeof(cl.why),
		         "/api/v1/compliance: no as_of");
		goto fail;
	}
	if (opts[O_SINCE].value)
		snprintf(since, sizeof(since), "%s", opts[O_SINCE].value);
	else
		civil_from_days(day - 30, since);
	kv[3] = since;
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

	{
		struct sb src = {0};

		report_sb_add(&src, cl.base, cl.baselen);
		d.since = since;
		d.version = vz_version();
		d.source = src.oom ? "-" : src.s;
		text = report_render(&d, f != F_MD, nl, &textlen);
		free(src.s);
	}
	if (text == NULL) {
		fprintf(stderr, "%s: report: out of memory\n", cli_prog);
		goto out;
	}
	if (f == F_PDF) {
		ex = to_pdf(text, textlen, &pdf, &pdflen);
		if (ex != 0)
			goto out;
		ex = VZ_EXIT_INTERNAL;
	}
	if (opts[O_OUTPUT].value == NULL ||
	    strcmp(opts[O_OUTPUT].value, "-") == 0) {
		ex = cli_emit(text) == 0 ? VZ_EXIT_OK : VZ_EXIT_INTERNAL;
	} else if (write_file(opts[O_OUTPUT].value, pdf ? pdf : text,
	                      pdf ? pdflen : textlen) != 0) {
		fprintf(stderr, "%s: report: %s: cannot be written: %s\n",
		        cli_prog, opts[O_OUTPUT].value, strerror(errno));
	} else {
		ex = VZ_EXIT_OK;
	}
	goto out;
fail:
	/* The server's message may hold anything: no terminal controls. */
	for (char *p = cl.why; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
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
	free(text);
	free(pdf);
	memset(cl.auth, 0, sizeof(cl.auth));
	curl_global_cleanup();
	return ex;
}
