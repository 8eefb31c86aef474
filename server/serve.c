/*
 * server/serve.c - `voorzorg serve`: options, the admin token, the
 * catalogue and the database, then the HTTP front until SIGTERM.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "server.h"
#include "vz_config.h"

static const char serve_help[] =
    "usage: voorzorg serve --db sqlite:PATH|postgresql://... "
    "--listen ADDR:PORT [OPTIONS]\n"
    "\n"
    "Run the fleet server: hosts enrol and post their scan reports; the\n"
    "ledger says per organisation and measure which hosts are compliant,\n"
    "pending, overdue, exempted or stale, for any date (docs/api.md).\n"
    "\n"
    "options:\n"
    "  --db SPEC              sqlite:PATH (WAL; created if missing) or a\n"
    "                         PostgreSQL URI postgresql://...\n"
    "  --listen ADDR:PORT     address to listen on (port 0: any free\n"
    "                         port, printed on stderr)\n"
    "  --tls-cert FILE        serve HTTPS with this certificate (PEM)\n"
    "  --tls-key FILE         and this private key (PEM, unencrypted)\n"
    "  --catalog FILE         the catalogue (default: the installed one)\n"
    "  --pubkey KEY           verify with this public key (file or base64)\n"
    "  --allow-unsigned       accept a catalogue without a signature\n"
    "  --admin-token-file FILE\n"
    "                         the admin token (one line, at least 32\n"
    "                         characters); without it only enrolment and\n"
    "                         reports are served\n"
    "  --stale-days N         a host without a report for N days is stale\n"
    "                         (default 30)\n"
    "  --threads N            worker threads (default 8)\n"
    "  -h, --help             show this help\n"
    "  -q, --quiet            no informational lines on standard error\n"
    "                         (listening, stopping, catalogue reloaded)\n"
    "  -v, --verbose          add a line per request on standard error\n"
    "\n"
    "SIGHUP reloads the catalogue. VOORZORG_NOW=INSTANT sets the server's\n"
    "clock (tests only).\n"
    "exit status: 0 stopped by a signal, 2 usage or input error (an\n"
    "option, the admin token, the TLS certificate or key, the\n"
    "catalogue), 3 environment error (database, address); 1 and 4\n"
    "(incomplete scan) are given by scan only\n";

static const char *default_catalog(void)
{
	static char path[4096];
	const char *env = getenv("VOORZORG_CATALOG");

	if (env != NULL && *env)
		return env;
	snprintf(path, sizeof(path), "%s/voorzorg.json", vz_state_dir());
	if (access(path, R_OK) == 0)
		return path;
	snprintf(path, sizeof(path), "%s/voorzorg.json", VZ_DATADIR);
	if (access(path, R_OK) == 0)
		return path;
	return VZ_SOURCE_CATALOG;
}

static int read_token(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "voorzorg serve: %s: cannot be read\n", path);
		return -1;
	}
	if (fgets(out, (int)size, f) == NULL)
		out[0] = '\0';
	fclose(f);
	n = strcspn(out, "\r\n");
	out[n] = '\0';
	if (n < 32 || strlen(out) != n) {
		fprintf(
		    stderr,
		    "voorzorg serve: %s:1: the admin token must be one line "
		    "of at least 32 characters\n",
		    path);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (out[i] <= ' ' || out[i] == 0x7f) {
			fprintf(stderr,
			        "voorzorg serve: %s:1: the admin token holds a "
			        "space or control character\n",
			        path);
			return -1;
		}
	return 0;
}

static int positive(const char *opt, const char *v, int max, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || n < 1 || n > max) {
		fprintf(stderr, "voorzorg serve: %s: must be 1 to %d\n", opt,
		        max);
		return -1;
	}
	*out = (int)n;
	return 0;
}

int vzs_serve_main(int argc, char **argv)
{
	enum {
		O_DB = 1,
		O_LISTEN,
		O_CERT,
		O_KEY,
		O_CATALOG,
		O_PUBKEY,
		O_UNSIGNED,
		O_TOKEN,
		O_STALE,
		O_THREADS
	};
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, O_DB},
	    {"listen", required_argument, NULL, O_LISTEN},
	    {"tls-cert", required_argument, NULL, O_CERT},
	    {"tls-key", required_argument, NULL, O_KEY},
	    {"catalog", required_argument, NULL, O_CATALOG},
	    {"pubkey", required_argument, NULL, O_PUBKEY},
	    {"allow-unsigned", no_argument, NULL, O_UNSIGNED},
	    {"admin-token-file", required_argument, NULL, O_TOKEN},
	    {"stale-days", required_argument, NULL, O_STALE},
	    {"threads", required_argument, NULL, O_THREADS},
	    {"help", no_argument, NULL, 'h'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},
	    {NULL, 0, NULL, 0}};
	struct vzs_server s;
	struct vzs_http_opts ho = {NULL, NULL, NULL, 8};
	const char *db = NULL, *token = NULL, *cert = NULL, *key = NULL;
	char *cert_pem = NULL, *key_pem = NULL;
	char msg[1024];
	int c, threads = 8, status, rc;

	memset(&s, 0, sizeof(s));
	s.stale_days = 30;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hqv", longopts, NULL)) != -1) {
		switch (c) {
		case O_DB: db = optarg; break;
		case O_LISTEN: ho.listen = optarg; break;
		case O_CERT: cert = optarg; break;
		case O_KEY: key = optarg; break;
		case O_CATALOG: s.cat_opts.path = optarg; break;
		case O_PUBKEY: s.cat_opts.pubkey = optarg; break;
		case O_UNSIGNED: s.cat_opts.allow_unsigned = 1; break;
		case O_TOKEN: token = optarg; break;
		case O_STALE:
			if (positive("--stale-days", optarg, 3650,
			             &s.stale_days))
				return 2;
			break;
		case O_THREADS:
			if (positive("--threads", optarg, 64, &threads))
				return 2;
			break;
		case 'h': fputs(serve_help, stdout); return 0;
		case 'q': s.verbosity = -1; break;
		case 'v': s.verbosity = 1; break;
		default:
			fprintf(
			    stderr,
			    "voorzorg serve: unknown option or missing value:"
			    " %s (see 'voorzorg serve --help')\n",
			    argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "voorzorg serve: unexpected argument '%s'\n",
		        argv[optind]);
		return 2;
	}
	if (db == NULL || ho.listen == NULL) {
		fprintf(stderr, "voorzorg serve: --db and --listen are "
		                "required (see 'voorzorg serve --help')\n");
		return 2;
	}
	if ((cert == NULL) != (key == NULL)) {
		fprintf(stderr, "voorzorg serve: --tls-cert and --tls-key go "
		                "together\n");
		return 2;
	}
	ho.threads = (unsigned)threads;
	if (token != NULL &&
	    read_token(token, s.admin_token, sizeof(s.admin_token)) != 0)
		return 2;
	/* Before the catalogue and the database: a wrong file changes
	 * nothing, and says so in one line. */
	if (cert != NULL &&
	    vzs_tls_load(cert, key, &cert_pem, &key_pem, msg, sizeof(msg))) {
		fprintf(stderr, "voorzorg serve: %s\n", msg);
		return 2;
	}
	ho.cert_pem = cert_pem;
	ho.key_pem = key_pem;
	rc = vzs_clock_init();
	if (rc < 0) {
		fprintf(stderr, "voorzorg serve: VOORZORG_NOW: not an RFC 3339 "
		                "instant\n");
		rc = 2;
		goto out;
	}
	if (rc > 0) {
		char t[32];

		vzs_fmt_time(vzs_now(), t);
		fprintf(stderr,
		        "voorzorg serve: warning: the clock is set by "
		        "VOORZORG_NOW to %s (for tests only)\n",
		        t);
	}
	if (s.cat_opts.path == NULL)
		s.cat_opts.path = default_catalog();
	if (vzs_catview_open(&s.cat_opts, &s.cat, &status, msg, sizeof(msg)) !=
	    0) {
		fprintf(stderr, "voorzorg serve: %s\n", msg);
		rc = status == 500 ? 3 : 2;
		goto out;
	}
	if (vzs_db_open(db, &s.db, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "voorzorg serve: %s\n", msg);
		vzs_catview_free(s.cat);
		rc = 3;
		goto out;
	}
	if (s.admin_token[0] == '\0')
		fprintf(stderr,
		        "voorzorg serve: warning: no "
		        "--admin-token-file: only enrolment and reports "
		        "are served\n");
	pthread_rwlock_init(&s.cat_lock, NULL);
	rc = vzs_http_run(&s, &ho);
	pthread_rwlock_destroy(&s.cat_lock);
	vzs_db_close(s.db);
	vzs_catview_free(s.cat);
out:
	free(cert_pem);
	if (key_pem != NULL)
		OPENSSL_cleanse(key_pem, strlen(key_pem));
	free(key_pem);
	return rc;
}
