/*
 * src/cmd_sign.c - `voorzorg catalog sign|verify|update`.
 *
 * sign is for the catalogue's publisher (with the secret key, ideally on
 * an offline machine); verify and update are for everyone who uses it.
 * The library does the work; this file parses options, asks for a
 * password when a key is encrypted, and prints.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

static const char sign_help[] =
    "usage: voorzorg catalog sign --key SECRET FILE [options]\n"
    "\n"
    "Sign the catalogue FILE with the minisign secret key SECRET and\n"
    "write the signature to FILE.minisig (minisign's format: minisign -V\n"
    "verifies it). FILE must be a valid catalogue. An encrypted key's\n"
    "password is read from $VOORZORG_KEY_PASSWORD, else from the terminal.\n"
    "\n"
    "options:\n"
    "  --key SECRET              minisign secret key file (required)\n"
    "  --output SIG              signature file (default FILE.minisig)\n"
    "  --trusted-comment TEXT    signed comment (default: timestamp, file,\n"
    "                            catalogue id and version)\n"
    "  --untrusted-comment TEXT  unsigned comment line\n"
    "  -h, --help                show this help\n"
    "  -q, --quiet               no informational lines on standard error\n"
    "  -v, --verbose             add diagnostic lines on standard error\n"
    "\n"
    "$SOURCE_DATE_EPOCH, if set, is the timestamp in the default trusted\n"
    "comment, so that signing is reproducible.\n"
    "exit status: 0 signed, 2 invalid input or usage, 3 internal error\n"
    "(4, an incomplete scan, is not used here)\n";

static const char verify_help[] =
    "usage: voorzorg catalog verify FILE [options]\n"
    "\n"
    "Verify the catalogue FILE as every command that reads it does: the\n"
    "signature in FILE.minisig with the trusted public key, the\n"
    "catalogue's validity, its expiry date (refused once the grace period\n"
    "has passed) and its version (refused if older than the trusted\n"
    "version, the highest accepted so far; docs/catalog-lifecycle.md).\n"
    "Verifying never changes which version is trusted: only 'catalog\n"
    "update' and the default catalogue do.\n"
    "\n"
    "options:\n"
    "  --pubkey KEY       public key file, or the key itself in base64\n"
    "                     (default: the installed voorzorg.pub)\n"
    "  --signature SIG    signature file (default FILE.minisig)\n"
    "  --allow-unsigned   accept a catalogue without a signature, saying\n"
    "                     so (a bad signature is never accepted)\n"
    "  --grace DAYS       days an expired catalogue is still used\n"
    "                     (default 30)\n"
    "  --format text|json output format (default text)\n"
    "  -h, --help         show this help\n"
    CLI_COMMON_HELP
    "\n"
    "exit status: 0 verified, 2 refused or usage error, 3 internal error\n"
    "(4, an incomplete scan, is not used here)\n";

static const char update_help[] =
    "usage: voorzorg catalog update URL [options]\n"
    "\n"
    "Download the catalogue at URL and its signature (URL.minisig), verify\n"
    "them (signature, validity, expiry, version) and only then install\n"
    "them. A failed, partial or tampered download leaves the installed\n"
    "catalogue as it was.\n"
    "\n"
    "options:\n"
    "  --catalog FILE        where to install (default\n"
    "                        $VOORZORG_STATE_DIR or /var/lib/voorzorg,\n"
    "                        /voorzorg.json)\n"
    "  --signature-url URL   where the signature is (default URL.minisig)\n"
    "  --pubkey KEY          public key file, or the key in base64\n"
    "  --max-size BYTES      refuse larger downloads (default 67108864)\n"
    "  --grace DAYS          days an expired catalogue is still accepted\n"
    "  --format text|json    output format (default text)\n"
    "  -h, --help            show this help\n"
    "  -q, --quiet           no informational lines on standard error\n"
    "  -v, --verbose         add diagnostic lines on standard error\n"
    "\n"
    "The installed catalogue becomes the trusted one: the default of every\n"
    "command, and its version the floor below which no catalogue is\n"
    "installed again (docs/catalog-lifecycle.md).\n"
    "exit status: 0 installed, 2 refused or usage error, 3 download,\n"
    "environment or internal error (4, an incomplete scan, is not used\n"
    "here)\n";

/* ---- shared helpers ------------------------------------------------- */

/*
 * The password of an encrypted secret key: from the environment (for
 * scripted signing on an offline machine), else from the terminal with
 * echo off. Never from the command line, where `ps` would show it.
 */
struct pw_ctx {
	const char *key; /* borrowed: the key file, named in the prompt */
};

static int password_cb(void *ctx, char *buf, size_t size)
{
	const struct pw_ctx *pc = ctx;
	const char *key = pc->key, *env = getenv("VOORZORG_KEY_PASSWORD");
	struct termios old, quiet;
	FILE *tty;
	size_t n;
	int echo_off = 0;

	if (env != NULL) {
		n = strlen(env);
		if (n > size)
			return -1;
		memcpy(buf, env, n);
		return (int)n;
	}
	tty = fopen("/dev/tty", "r+");
	if (tty == NULL)
		return -1;
	fprintf(tty, "Password for %s: ", key);
	fflush(tty);
	if (tcgetattr(fileno(tty), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		echo_off = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
	}
	if (fgets(buf, (int)size, tty) == NULL)
		buf[0] = '\0';
	if (echo_off)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	n = strcspn(buf, "\r\n");
	return (int)n;
}

/* --grace DAYS into seconds; -1 (after a message) if not a number. */
static int parse_days(const char *cmd, const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL)
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 ||
	    v > 100000) {
		cli_usage_error(cmd, "--grace takes a number of days, not '%s'",
		                s);
		return -1;
	}
	*out = (int64_t)v * 86400;
	return 0;
}

/*
 * --pubkey takes a file or the bare base64 key (as minisign's -P). A
 * value naming an existing file is a file; anything else must parse as a
 * key. Returns 0, or an exit code after printing.
 */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* The error lines of a failed open, for JSON output. */
static void json_errors(const vz_diags *diags)
{
	char line[1024];
	size_t i, k = 0;

	printf("\"errors\": [");
	for (i = 0; i < vz_diags_count(diags); i++) {
		const vz_error *e = vz_diags_get(diags, i);

		if (e->severity != VZ_SEV_ERROR)
			continue;
		vz_error_format(e, line, sizeof(line));
		printf("%s", k++ ? ", " : "");
		json_str(line);
	}
	printf("]");
}

/* One JSON object describing the outcome of an open or update. */
static void print_json(const char *file, const char *url,
                       const vz_catalog *cat, const vz_open_info *info,
                       vz_status rc, const vz_diags *diags)
{
	printf("{\n  \"file\": ");
	json_str(file);
	if (url != NULL) {
		printf(",\n  \"url\": ");
		json_str(url);
	}
	printf(",\n  \"ok\": %s", rc == VZ_OK ? "true" : "false");
	printf(",\n  \"catalog\": {");
	if (info->id[0] != '\0') {
		printf("\"id\": ");
		json_str(info->id);
		printf(", \"version\": %lld, ", (long long)info->version);
	}
	if (cat != NULL) {
		printf("\"expires\": ");
		json_str(vz_catalog_expires(cat));
		printf(", ");
	}
	printf("\"signature\": \"%s\"}", vz_sigstate_name(info->signature));
	printf(",\n  \"key_id\": ");
	json_str(info->key_id);
	printf(",\n  \"trusted_comment\": ");
	json_str(info->trusted_comment);
	printf(",\n  \"expired\": %s", info->expired ? "true" : "false");
	if (info->previous >= 0)
		printf(",\n  \"previous_version\": %lld",
		       (long long)info->previous);
	else
		printf(",\n  \"previous_version\": null");
	printf(",\n  \"recorded\": %s,\n  ", info->recorded ? "true" : "false");
	json_errors(diags);
	printf("\n}\n");
}

/* Exit code for open/update: refusals are input errors (2). */
static int exit_for(vz_status rc, int update)
{
	if (update && rc == VZ_E_IO)
		return VZ_EXIT_INTERNAL; /* network or disk: environment */
	return cli_exit_for(rc);
}

/* ---- sign ----------------------------------------------------------- */

enum { S_KEY, S_OUTPUT, S_TRUSTED, S_UNTRUSTED, S_HELP, S_COUNT };

int cmd_catalog_sign(int argc, char **argv)
{
	struct cli_opt opts[S_COUNT] = {
	    {"key", 1, NULL},
	    {"output", 1, NULL},
	    {"trusted-comment", 1, NULL},
	    {"untrusted-comment", 1, NULL},
	    {"help", 0, NULL}};
	char *pos[8], line[1024];
	const char *keyfile, *sde;
	struct pw_ctx pc;
	vz_seckey *sk = NULL;
	vz_diags *diags = NULL;
	vz_error err;
	vz_status rc;
	int npos, ex = VZ_EXIT_OK;
	int64_t ts = 0;

	vz_error_clear(&err);
	if (cli_parse("catalog sign", argc, argv, 1, opts, S_COUNT, pos,
	              CLI_NPOS(pos), &npos) != 0)
		return VZ_EXIT_USAGE;
	if (opts[S_HELP].value != NULL) {
		fputs(sign_help, stdout);
		return VZ_EXIT_OK;
	}
	keyfile = opts[S_KEY].value;
	if (keyfile == NULL || npos != 1) {
		cli_usage_error("catalog sign", "takes --key SECRET and one "
		                "FILE");
		return VZ_EXIT_USAGE;
	}
	sde = getenv("SOURCE_DATE_EPOCH");
	if (sde != NULL && sde[0] != '\0')
		ts = (int64_t)strtoll(sde, NULL, 10);
	diags = vz_diags_new();
	if (diags == NULL) {
		cli_err("out of memory");
		return VZ_EXIT_INTERNAL;
	}
	pc.key = keyfile;
	rc = vz_seckey_load(keyfile, password_cb, &pc, &sk, &err);
	if (rc != VZ_OK) {
		vz_error_format(&err, line, sizeof(line));
		cli_err("%s", line);
		ex = cli_exit_for(rc);
		goto out;
	}
	rc = vz_catalog_sign(pos[0], sk, opts[S_OUTPUT].value,
	                     opts[S_UNTRUSTED].value, opts[S_TRUSTED].value,
	                     ts, diags);
	cli_print_diags(diags);
	if (rc != VZ_OK) {
		ex = cli_exit_for(rc);
		goto out;
	}
	printf("%s: signed; signature written to %s%s\n", pos[0],
	       opts[S_OUTPUT].value ? opts[S_OUTPUT].value : pos[0],
	       opts[S_OUTPUT].value ? "" : ".minisig");
	if (fflush(stdout) != 0)
		ex = VZ_EXIT_INTERNAL;
out:
	vz_seckey_free(sk);
	vz_diags_free(diags);
	return ex;
}

/* ---- verify --------------------------------------------------------- */

enum {
	V_PUBKEY, V_SIGNATURE, V_UNSIGNED, V_GRACE, V_FORMAT, V_HELP, V_COUNT
};

int cmd_catalog_verify(int argc, char **argv)
{
	struct cli_opt opts[V_COUNT] = {
	    {"pubkey", 1, NULL},
	    {"signature", 1, NULL},
	    {"allow-unsigned", 0, NULL},
	    {"grace", 1, NULL},
	    {"format", 1, NULL},
	    {"help", 0, NULL}};
	char *pos[8];
	vz_open_opts oo;
	vz_open_info info;
	vz_pubkey *key = NULL;
	vz_catalog *cat = NULL;
	vz_diags *diags = NULL;
	vz_format fmt;
	vz_status rc;
	int npos, ex;

	if (cli_parse("catalog verify", argc, argv, 1, opts, V_COUNT, pos,
	              CLI_NPOS(pos), &npos) != 0)
		return VZ_EXIT_USAGE;
	if (opts[V_HELP].value != NULL) {
		fputs(verify_help, stdout);
		return VZ_EXIT_OK;
	}
	if (npos != 1) {
		cli_usage_error("catalog verify", "takes one FILE");
		return VZ_EXIT_USAGE;
	}
	vz_open_opts_init(&oo);
	if (cli_format("catalog verify", opts[V_FORMAT].value, &fmt) != 0 ||
	    parse_days("catalog verify", opts[V_GRACE].value, &oo.grace) != 0)
		return VZ_EXIT_USAGE;
	ex = cli_pubkey_opt(opts[V_PUBKEY].value, &oo, &key);
	if (ex != 0)
		return ex;
	oo.signature = opts[V_SIGNATURE].value;
	/* Checked against the trusted version, never raising it. */
	oo.flags |= VZ_OPEN_NO_RECORD;
	if (opts[V_UNSIGNED].value != NULL)
		oo.flags |= VZ_OPEN_ALLOW_UNSIGNED;
	diags = vz_diags_new();
	if (diags == NULL) {
		cli_err("out of memory");
		ex = VZ_EXIT_INTERNAL;
		goto out;
	}
	cli_verbose("verifying %s against the trusted version in "
	            "%s/state.json", pos[0], vz_state_dir());
	rc = vz_catalog_open(pos[0], &oo, &cat, &info, diags);
	cli_print_diags(diags);
	ex = exit_for(rc, 0);
	if (fmt == VZ_FORMAT_JSON) {
		print_json(pos[0], NULL, cat, &info, rc, diags);
	} else if (rc == VZ_OK) {
		if (info.signature == VZ_SIG_VALID)
			printf("%s: signature valid (key %s)\n", pos[0],
			       info.key_id);
		else
			printf("%s: NOT SIGNED (accepted because of "
			       "--allow-unsigned)\n", pos[0]);
		printf("%s: catalogue %s version %lld, expires %s%s\n",
		       pos[0], vz_catalog_id(cat),
		       (long long)vz_catalog_version(cat),
		       vz_catalog_expires(cat),
		       info.expired ? " (EXPIRED)" : "");
		if (info.signature == VZ_SIG_VALID)
			printf("trusted comment: %s\n", info.trusted_comment);
	} else {
		cli_err("%s: refused (%s)%s", pos[0],
		        vz_strerror(rc), rc == VZ_E_UNSIGNED
		        ? "; --allow-unsigned accepts an unsigned draft" : "");
	}
	if (fflush(stdout) != 0)
		ex = VZ_EXIT_INTERNAL;
out:
	vz_catalog_free(cat);
	vz_pubkey_free(key);
	vz_diags_free(diags);
	return ex;
}

/* ---- update --------------------------------------------------------- */

enum {
	U_CATALOG, U_SIGURL, U_PUBKEY, U_MAX, U_GRACE, U_FORMAT, U_HELP,
	U_COUNT
};

int cmd_catalog_update(int argc, char **argv)
{
	struct cli_opt opts[U_COUNT] = {
	    {"catalog", 1, NULL},
	    {"signature-url", 1, NULL},
	    {"pubkey", 1, NULL},
	    {"max-size", 1, NULL},
	    {"grace", 1, NULL},
	    {"format", 1, NULL},
	    {"help", 0, NULL}};
	char *pos[8], def[4096];
	const char *dest;
	vz_update_opts uo;
	vz_open_info info;
	vz_pubkey *key = NULL;
	vz_diags *diags = NULL;
	vz_format fmt;
	vz_status rc;
	int npos, ex;

	if (cli_parse("catalog update", argc, argv, 1, opts, U_COUNT, pos,
	              CLI_NPOS(pos), &npos) != 0)
		return VZ_EXIT_USAGE;
	if (opts[U_HELP].value != NULL) {
		fputs(update_help, stdout);
		return VZ_EXIT_OK;
	}
	if (npos != 1) {
		cli_usage_error("catalog update", "takes one URL");
		return VZ_EXIT_USAGE;
	}
	vz_update_opts_init(&uo);
	if (cli_format("catalog update", opts[U_FORMAT].value, &fmt) != 0 ||
	    parse_days("catalog update", opts[U_GRACE].value,
	               &uo.open.grace) != 0)
		return VZ_EXIT_USAGE;
	if (opts[U_MAX].value != NULL) {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(opts[U_MAX].value, &end, 10);
		if (errno != 0 || *end != '\0' || v == 0 ||
		    opts[U_MAX].value[0] == '-') {
			cli_usage_error("catalog update", "--max-size takes "
			                "a number of bytes");
			return VZ_EXIT_USAGE;
		}
		uo.max_bytes = (size_t)v;
	}
	ex = cli_pubkey_opt(opts[U_PUBKEY].value, &uo.open, &key);
	if (ex != 0)
		return ex;
	uo.sig_url = opts[U_SIGURL].value;
	dest = opts[U_CATALOG].value;
	if (dest == NULL) {
		snprintf(def, sizeof(def), "%s/voorzorg.json", vz_state_dir());
		dest = def;
	}
	diags = vz_diags_new();
	if (diags == NULL) {
		cli_err("out of memory");
		ex = VZ_EXIT_INTERNAL;
		goto out;
	}
	memset(&info, 0, sizeof(info));
	info.previous = -1;
	cli_verbose("downloading %s and %s%s, to install as %s", pos[0],
	            uo.sig_url ? uo.sig_url : pos[0],
	            uo.sig_url ? "" : ".minisig", dest);
	rc = vz_catalog_update(pos[0], dest, &uo, &info, diags);
	if (rc == VZ_OK)
		cli_verbose("trusted version of %s: %lld (was %lld), recorded "
		            "in %s/state.json", info.id,
		            (long long)info.version, (long long)info.previous,
		            vz_state_dir());
	cli_print_diags(diags);
	ex = exit_for(rc, 1);
	if (fmt == VZ_FORMAT_JSON) {
		print_json(dest, pos[0], NULL, &info, rc, diags);
	} else if (rc == VZ_OK) {
		printf("%s: installed catalogue %s version %lld from %s "
		       "(signature valid, key %s)\n", dest, info.id,
		       (long long)info.version, pos[0], info.key_id);
		printf("trusted comment: %s\n", info.trusted_comment);
	} else {
		cli_err("%s: update refused (%s); the installed catalogue is "
		        "unchanged", dest, vz_strerror(rc));
	}
	if (fflush(stdout) != 0)
		ex = VZ_EXIT_INTERNAL;
out:
	vz_pubkey_free(key);
	vz_diags_free(diags);
	return ex;
}
