/*
 * src/submit.c - the tool's side of the fleet server: `voorzorg enroll`
 * (an organisation's enrolment secret exchanged for this host's node
 * key) and `scan --submit` (a report spooled durably, then sent).
 *
 * A report is never lost: it is written to the spool directory (temp
 * file, fsync, rename, fsync of the directory) before any network call,
 * and removed only when the server said it stored it (201) or had it
 * already (200). Anything else leaves it for the next run. docs/api.md,
 * "The tool's side".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli.h"

#define MAX_ANSWER (64 * 1024)

struct answer {
	char buf[MAX_ANSWER + 1];
	size_t len;
};

static size_t on_data(char *p, size_t sz, size_t n, void *ctx)
{
	struct answer *a = ctx;
	size_t len = sz * n, room = MAX_ANSWER - a->len;

	memcpy(a->buf + a->len, p, len < room ? len : room);
	a->len += len < room ? len : room;
	a->buf[a->len] = '\0';
	return len;
}

/* POST body to url; the HTTP status, or -1 with a message in `why`. */
static long post(const char *url, const char *ca, const char *auth,
                 const char *body, size_t len, struct answer *a, char *why,
                 size_t size)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char hdr[300];
	long status = -1;
	CURLcode rc;

	a->len = 0;
	a->buf[0] = '\0';
	if (c == NULL) {
		snprintf(why, size, "out of memory");
		return -1;
	}
	h = curl_slist_append(h, "Content-Type: application/json");
	if (auth != NULL) {
		snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", auth);
		h = curl_slist_append(h, hdr);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	/* TLS is verified; --ca names the CA bundle for a private CA. */
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		snprintf(why, size, "%s", curl_easy_strerror(rc));
	else
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return status;
}

/* The server's {"error": ...} message, or the raw answer's start. */
static void server_msg(const struct answer *a, char *out, size_t size)
{
	json_t *o = json_loadb(a->buf, a->len, 0, NULL);
	const char *e = json_string_value(json_object_get(o, "error"));

	snprintf(out, size, "%.300s", e ? e : (a->len ? a->buf : "no answer"));
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	json_decref(o);
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Write data to dir/name durably: temp file, fsync, rename, fsync dir. */
static int write_durable(const char *dir, const char *name, const char *data,
                         size_t len, mode_t mode)
{
	char tmp[4096], dst[4096];
	size_t off = 0;
	int fd, ok = 0;

	snprintf(tmp, sizeof(tmp), "%s/.tmp-XXXXXX", dir);
	snprintf(dst, sizeof(dst), "%s/%s", dir, name);
	fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	(void)fchmod(fd, mode);
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	ok = off == len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (ok && rename(tmp, dst) == 0 && fsync_dir(dir) == 0)
		return 0;
	unlink(tmp);
	return -1;
}

static int mkdirs(const char *path, mode_t mode)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, mode) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

static void spool_dir(char *out, size_t size)
{
	const char *env = getenv("VOORZORG_SPOOL_DIR");

	if (env != NULL && *env)
		snprintf(out, size, "%s", env);
	else
		snprintf(out, size, "%s/spool", vz_state_dir());
}

static int read_file(const char *path, char **out, size_t *len, size_t max)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	if (f == NULL)
		return -1;
	for (;;) {
		size_t r;

		if (n + 4096 + 1 > cap) {
			char *p;

			cap = cap ? cap * 2 : 16384;
			p = realloc(buf, cap);
			if (p == NULL)
				break;
			buf = p;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0 || n > max)
			break;
	}
	if (ferror(f) || buf == NULL || n > max) {
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Move a refused report aside with the server's reason beside it. */
static void reject(const char *dir, const char *name, const char *why)
{
	char rdir[4096], from[4096], to[8192], note[300];

	snprintf(rdir, sizeof(rdir), "%s/rejected", dir);
	snprintf(from, sizeof(from), "%s/%s", dir, name);
	snprintf(to, sizeof(to), "%s/%s", rdir, name);
	snprintf(note, sizeof(note), "%s.why", name);
	if (mkdirs(rdir, 0700) != 0 ||
	    write_durable(rdir, note, why, strlen(why), 0600) != 0 ||
	    rename(from, to) != 0)
		fprintf(stderr, "%s: submit: %s: cannot move to %s\n", cli_prog,
		        from, rdir);
}

/* Send every spooled report, oldest first, until one cannot be sent. */
static void flush(const char *dir, const char *url, const char *ca,
                  const char *key)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, endpoint[4096], path[8192], why[512];
	size_t n = 0, cap = 0;
	struct answer *a = malloc(sizeof(*a));

	if (d == NULL || a == NULL) {
		if (d)
			closedir(d);
		free(a);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.' || l < 6 ||
		    strcmp(e->d_name + l - 5, ".json") != 0)
			continue;
		if (n == cap) {
			char **p = realloc(names, (cap ? cap * 2 : 16) *
			                              sizeof(*names));

			if (p == NULL)
				break;
			names = p;
			cap = cap ? cap * 2 : 16;
		}
		if ((names[n] = strdup(e->d_name)) != NULL)
			n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), by_name);
	snprintf(endpoint, sizeof(endpoint), "%s%sapi/v1/reports", url,
	         url[strlen(url) - 1] == '/' ? "" : "/");
	for (size_t i = 0; i < n; i++) {
		char *body;
		size_t len;
		long st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (read_file(path, &body, &len, 8u * 1024 * 1024) != 0) {
			reject(dir, names[i], "unreadable or over 8 MiB");
			continue;
		}
		st = post(endpoint, ca, key, body, len, a, why, sizeof(why));
		free(body);
		if (st == 200 || st == 201) {
			if (unlink(path) != 0)
				fprintf(stderr,
				        "%s: submit: %s: sent, but "
				        "cannot be removed: %s\n",
				        cli_prog, path, strerror(errno));
			else
				fprintf(stderr, "%s: submit: %s: %s\n",
				        cli_prog, names[i],
				        st == 201 ? "stored" : "stored before");
			continue;
		}
		if (st > 0)
			server_msg(a, why, sizeof(why));
		if (st >= 400 && st < 500 && st != 401 && st != 408 &&
		    st != 429) {
			fprintf(stderr,
			        "%s: submit: %s: refused (%ld %s); "
			        "moved to %s/rejected\n",
			        cli_prog, names[i], st, why, dir);
			reject(dir, names[i], why);
			continue;
		}
		if (st < 0)
			fprintf(stderr,
			        "%s: submit: %s: %s; kept in %s for the "
			        "next run\n",
			        cli_prog, endpoint, why, dir);
		else
			fprintf(stderr,
			        "%s: submit: %s: HTTP %ld: %s; kept in "
			        "%s for the next run\n",
			        cli_prog, endpoint, st, why, dir);
		break;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(a);
}

static int read_key(char *out, size_t size)
{
	char path[4096], *buf;
	size_t len;

	snprintf(path, sizeof(path), "%s/node.key", vz_state_dir());
	if (read_file(path, &buf, &len, 1024) != 0)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	snprintf(out, size, "%s", buf);
	free(buf);
	return out[0] ? 0 : -1;
}

int cli_submit(const char *url, const char *ca, const char *report)
{
	char dir[4096], name[128], key[256];
	json_t *o = json_loads(report, 0, NULL);
	const char *id = json_string_value(json_object_get(o, "report_id"));

	spool_dir(dir, sizeof(dir));
	if (id == NULL || strlen(id) != 32) {
		json_decref(o);
		fprintf(stderr, "%s: submit: the report has no report_id\n",
		        cli_prog);
		return VZ_EXIT_INTERNAL;
	}
	/* Names sort by time, so the oldest report is sent first. */
	snprintf(name, sizeof(name), "%020lld-%s.json", (long long)time(NULL),
	         id);
	json_decref(o);
	if (mkdirs(dir, 0700) != 0 ||
	    write_durable(dir, name, report, strlen(report), 0600) != 0) {
		fprintf(stderr, "%s: submit: %s: cannot write the spool: %s\n",
		        cli_prog, dir, strerror(errno));
		return VZ_EXIT_INTERNAL;
	}
	if (read_key(key, sizeof(key)) != 0) {
		fprintf(stderr,
		        "%s: submit: not enrolled (no %s/node.key; run "
		        "'voorzorg enroll URL --secret-file FILE'); the report "
		        "waits in %s\n",
		        cli_prog, vz_state_dir(), dir);
		return VZ_EXIT_OK;
	}
	flush(dir, url, ca, key);
	return VZ_EXIT_OK;
}

int cli_url_ok(const char *url)
{
	return strncmp(url, "https://", 8) == 0 ||
	       strncmp(url, "http://", 7) == 0;
}

/* ---- voorzorg enroll -------------------------------------------------- */

static const char enroll_help[] =
    "usage: voorzorg enroll URL --secret-file FILE [options]\n"
    "\n"
    "Enrol this host (or the offline root given) with the fleet server at\n"
    "URL: the organisation's enrolment secret is exchanged for this host's\n"
    "node key, stored as node.key in the state directory, which\n"
    "'voorzorg scan --submit URL' then uses.\n"
    "\n"
    "options:\n"
    "  --secret-file FILE  the organisation's enrolment secret (one line)\n"
    "  --group NAME        the host's group (location, department)\n"
    "  --root DIR          enrol the offline root at DIR (its identity)\n"
    "  --ca FILE           verify the server with this CA bundle\n"
    "  -h, --help          show this help\n" CLI_COMMON_HELP "\n"
    "The state directory is $VOORZORG_STATE_DIR, else /var/lib/voorzorg.\n"
    "\n" CLI_EXIT_HELP;

int cmd_enroll(int argc, char **argv)
{
	enum { E_SECRET, E_GROUP, E_ROOT, E_CA, E_HELP, E_COUNT };
	struct cli_opt opts[E_COUNT] = {{"secret-file", 1, NULL},
	                                {"group", 1, NULL},
	                                {"root", 1, NULL},
	                                {"ca", 1, NULL},
	                                {"help", 0, NULL}};
	char *pos[2], *secret = NULL, endpoint[4096], why[512];
	size_t len;
	int npos, ex = VZ_EXIT_INTERNAL;
	vz_host h;
	json_t *body = NULL, *ans = NULL;
	char *text = NULL;
	struct answer *a = NULL;
	const char *key;
	long st;

	memset(&h, 0, sizeof(h));
	if (cli_parse("enroll", argc, argv, 1, opts, E_COUNT, pos,
	              CLI_NPOS(pos), &npos) != 0)
		return VZ_EXIT_USAGE;
	if (opts[E_HELP].value != NULL) {
		fputs(enroll_help, stdout);
		return fflush(stdout) == 0 ? VZ_EXIT_OK : VZ_EXIT_INTERNAL;
	}
	if (npos != 1 || !cli_url_ok(pos[0])) {
		cli_usage_error("enroll", "takes one http:// or https:// URL");
		return VZ_EXIT_USAGE;
	}
	if (opts[E_SECRET].value == NULL) {
		cli_usage_error("enroll", "--secret-file is required");
		return VZ_EXIT_USAGE;
	}
	if (read_file(opts[E_SECRET].value, &secret, &len, 1024) != 0) {
		fprintf(stderr, "%s: %s: cannot be read\n", cli_prog,
		        opts[E_SECRET].value);
		return VZ_EXIT_USAGE;
	}
	secret[strcspn(secret, "\r\n")] = '\0';
	if (vz_host_probe(opts[E_ROOT].value, &h) != VZ_OK ||
	    h.hostname == NULL) {
		fprintf(stderr, "%s: %s: cannot read the host's identity\n",
		        cli_prog,
		        opts[E_ROOT].value ? opts[E_ROOT].value : "/");
		ex = VZ_EXIT_USAGE;
		goto out;
	}
	body = json_pack("{s:s,s:{s:s?,s:s,s:s?}}", "enroll_secret", secret,
	                 "host", "machine_id", h.machine_id, "hostname",
	                 h.hostname, "fqdn", h.fqdn);
	if (body && opts[E_GROUP].value)
		json_object_set_new(body, "group",
		                    json_string(opts[E_GROUP].value));
	text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	a = malloc(sizeof(*a));
	if (text == NULL || a == NULL) {
		fprintf(stderr, "%s: out of memory\n", cli_prog);
		goto out;
	}
	snprintf(endpoint, sizeof(endpoint), "%s%sapi/v1/enroll", pos[0],
	         pos[0][strlen(pos[0]) - 1] == '/' ? "" : "/");
	st = post(endpoint, opts[E_CA].value, NULL, text, strlen(text), a, why,
	          sizeof(why));
	if (st != 201) {
		if (st > 0)
			server_msg(a, why, sizeof(why));
		fprintf(stderr, "%s: enroll: %s: %s%s\n", cli_prog, endpoint,
		        st > 0 ? "refused: " : "", why);
		ex = st == 401 || st == 400 ? VZ_EXIT_USAGE : VZ_EXIT_INTERNAL;
		goto out;
	}
	ans = json_loadb(a->buf, a->len, 0, NULL);
	key = json_string_value(json_object_get(ans, "node_key"));
	if (key == NULL || strncmp(key, "vzn_", 4) != 0 || strlen(key) > 200) {
		fprintf(stderr,
		        "%s: enroll: %s: the answer holds no node key\n",
		        cli_prog, endpoint);
		goto out;
	}
	{
		char line[256];

		snprintf(line, sizeof(line), "%s\n", key);
		if (mkdirs(vz_state_dir(), 0755) != 0 ||
		    write_durable(vz_state_dir(), "node.key", line,
		                  strlen(line), 0600) != 0) {
			fprintf(stderr,
			        "%s: enroll: %s/node.key: cannot be "
			        "written: %s\n",
			        cli_prog, vz_state_dir(), strerror(errno));
			goto out;
		}
	}
	printf("enrolled %s as host %lld of %s; node key in %s/node.key\n",
	       h.hostname,
	       (long long)json_integer_value(json_object_get(ans, "host_id")),
	       json_string_value(json_object_get(ans, "organisation")),
	       vz_state_dir());
	ex = fflush(stdout) == 0 ? VZ_EXIT_OK : VZ_EXIT_INTERNAL;
out:
	if (secret != NULL) {
		memset(secret, 0, len);
		free(secret);
	}
	if (text != NULL) {
		memset(text, 0, strlen(text));
		free(text);
	}
	free(a);
	json_decref(body);
	json_decref(ans);
	vz_host_clear(&h);
	return ex;
}
