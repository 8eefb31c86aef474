/*
 * src/cli.c - option parsing, diagnostics and output for the tool.
 *
 * The tool never leaves half a line of output: results go to stdout,
 * diagnostics to stderr, one per line, "FILE:LINE:COL: PATH: what".
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "vz_config.h"

const char *cli_prog = "voorzorg";
int cli_verbosity;

static void vmsg(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

static void vmsg(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", cli_prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void cli_info(const char *fmt, ...)
{
	va_list ap;

	if (cli_verbosity < 0)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void cli_verbose(const char *fmt, ...)
{
	va_list ap;

	if (cli_verbosity < 1)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

long cli_jobs(const char *cmd, const char *opt)
{
	const char *v = opt ? opt : getenv("VOORZORG_JOBS");
	char *end;
	long n;

	if (v == NULL || (opt == NULL && *v == '\0'))
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < 1 || n > 1024) {
		cli_usage_error(cmd, "%s '%s' is not a number of threads from "
		                     "1 to 1024",
		                opt ? "--jobs" : "VOORZORG_JOBS", v);
		return -1;
	}
	return n;
}

void cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", cli_prog, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see '%s %s --help')\n", cli_prog, cmd);
}

/*
 * Optimal string alignment distance (Levenshtein plus adjacent
 * transpositions), the measure git and cargo use for "did you mean".
 * Names are short; longer words are not worth a suggestion.
 */
#define SUGGEST_MAX 64

static size_t edit_distance(const char *a, const char *b)
{
	size_t d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];
	size_t la = strlen(a), lb = strlen(b), i, j;

	if (la > SUGGEST_MAX || lb > SUGGEST_MAX)
		return (size_t)-1;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

const char *cli_suggest(const char *word, const char *const *names,
                        size_t n)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1, i, len = strlen(word);
	/* One edit for short words, up to a third of the word beyond. */
	size_t limit = len < 6 ? 1 : len / 3;

	for (i = 0; i < n; i++) {
		size_t dd = edit_distance(word, names[i]);

		if (dd < bestd) {
			bestd = dd;
			best = names[i];
		}
	}
	return best != NULL && bestd <= limit ? best : NULL;
}

static struct cli_opt *find_opt(struct cli_opt *opts, size_t nopts,
                                const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < nopts; i++)
		if (strlen(opts[i].name) == len &&
		    strncmp(opts[i].name, name, len) == 0)
			return &opts[i];
	return NULL;
}

/* The options every command takes besides its own. */
static const char *const common_opts[] = {"help", "quiet", "verbose"};

static int common_opt(const char *a)
{
	if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
		cli_verbosity = -1;
		return 1;
	}
	if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
		cli_verbosity = 1;
		return 1;
	}
	return 0;
}

/* "unknown option", with the closest known one if it is near. */
static void unknown_opt(const char *cmd, const struct cli_opt *opts,
                        size_t nopts, const char *a, size_t len)
{
	const char *names[64], *best;
	char word[SUGGEST_MAX + 1];
	size_t i, n = 0;

	for (i = 0; i < nopts && n < 64 - 3; i++)
		names[n++] = opts[i].name;
	for (i = 0; i < 3; i++)
		names[n++] = common_opts[i];
	snprintf(word, sizeof(word), "%.*s",
	         (int)(len < SUGGEST_MAX ? len : SUGGEST_MAX), a);
	best = len <= SUGGEST_MAX ? cli_suggest(word, names, n) : NULL;
	if (best != NULL)
		cli_usage_error(cmd, "unknown option '--%.*s'; did you mean "
		                "'--%s'?", (int)len, a, best);
	else
		cli_usage_error(cmd, "unknown option '--%.*s'", (int)len, a);
}

int cli_parse(const char *cmd, int argc, char **argv, int first,
              struct cli_opt *opts, size_t nopts, char **pos, int maxpos,
              int *npos)
{
	int i, only_pos = 0;

	*npos = 0;
	for (i = first; i < argc; i++) {
		const char *a = argv[i], *eq;
		struct cli_opt *o;
		size_t len;

		if (only_pos || a[0] != '-' || a[1] == '\0') {
			if (*npos >= maxpos) {
				cli_usage_error(cmd, "too many arguments");
				return -1;
			}
			pos[(*npos)++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (common_opt(a))
			continue;
		if (a[1] != '-') {
			if (strcmp(a, "-h") == 0) {
				a = "--help";
			} else {
				cli_usage_error(cmd, "unknown option '%s'%s", a,
				                a[2] == '\0' ? "" : "; long "
				                "options start with '--'");
				return -1;
			}
		}
		a += 2;
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		o = find_opt(opts, nopts, a, len);
		if (o == NULL) {
			unknown_opt(cmd, opts, nopts, a, len);
			return -1;
		}
		/* A second value would silently replace the first; a flag
		 * given twice means the same as once. */
		if (o->value != NULL && o->has_arg == CLI_VALUE) {
			cli_usage_error(cmd, "option '--%s' given more than "
			                "once", o->name);
			return -1;
		}
		if (!o->has_arg) {
			if (eq != NULL) {
				cli_usage_error(cmd,
				                "option '--%s' takes no value",
				                o->name);
				return -1;
			}
			o->value = "";
		} else if (eq != NULL) {
			o->value = eq + 1;
		} else if (i + 1 < argc) {
			o->value = argv[++i];
		} else {
			cli_usage_error(cmd, "option '--%s' needs a value",
			                o->name);
			return -1;
		}
	}
	return 0;
}

int cli_all(int argc, char **argv, int first, struct cli_opt *opts,
            size_t nopts, const char *name, const char **out, int max)
{
	int i, n = 0;

	for (i = first; i < argc; i++) {
		const char *a = argv[i], *eq, *val = NULL;
		struct cli_opt *o;
		size_t len;

		if (strcmp(a, "--") == 0)
			break;
		if (a[0] != '-' || a[1] != '-')
			continue;
		a += 2;
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		o = find_opt(opts, nopts, a, len);
		if (o == NULL || !o->has_arg)
			continue;
		if (eq != NULL)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		if (val != NULL && strcmp(o->name, name) == 0) {
			if (n < max)
				out[n] = val;
			n++;
		}
	}
	return n;
}

const char *cli_opt(const struct cli_opt *opts, size_t nopts, const char *name)
{
	size_t i;

	for (i = 0; i < nopts; i++)
		if (strcmp(opts[i].name, name) == 0)
			return opts[i].value;
	return NULL;
}

size_t cli_print_diags(const vz_diags *diags)
{
	char line[1024];
	size_t i;

	for (i = 0; i < vz_diags_count(diags); i++) {
		vz_error_format(vz_diags_get(diags, i), line, sizeof(line));
		cli_err("%s", line);
	}
	if (vz_diags_dropped(diags) > 0)
		cli_err("%zu further problems not shown (at most %d are "
		        "listed)", vz_diags_dropped(diags), VZ_DIAGS_MAX);
	return vz_diags_errors(diags);
}

int cli_exit_for(vz_status rc)
{
	switch (rc) {
	case VZ_OK: return VZ_EXIT_OK;
	case VZ_E_NOMEM:
	case VZ_E_INTERNAL:
	case VZ_E_ENV: return VZ_EXIT_INTERNAL;
	default: return VZ_EXIT_USAGE;
	}
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Replace the regular file `path` (or create it) atomically: a temporary
 * file beside it, written, synced and renamed over it. An existing
 * file keeps its mode (and, for root, its owner); a new one gets 0666
 * less the umask, as any file the user creates.
 */
static int replace_file(const char *path, const char *bytes, size_t len,
                        const struct stat *old)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 16);
	mode_t um, mode;
	int fd = -1, ok = 0;

	if (tmp == NULL) {
		errno = ENOMEM;
		goto out;
	}
	snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		free(tmp);
		tmp = NULL;
		goto out;
	}
	um = umask(0);
	umask(um);
	mode = old != NULL ? old->st_mode & 07777 : 0666 & ~um;
	if (old != NULL && geteuid() == 0 &&
	    fchown(fd, old->st_uid, old->st_gid) != 0)
		goto out;
	ok = fchmod(fd, mode) == 0 && write_all(fd, bytes, len) == 0 &&
	     fsync(fd) == 0;
	if (close(fd) != 0)
		ok = 0;
	fd = -1;
	if (ok && rename(tmp, path) != 0)
		ok = 0;
out:
	if (fd >= 0)
		close(fd);
	if (!ok && tmp != NULL) {
		int e = errno;

		unlink(tmp);
		errno = e;
	}
	free(tmp);
	return ok ? 0 : -1;
}

int cli_emit(const char *s)
{
	return cli_write_output(NULL, s, strlen(s));
}

int cli_write_output(const char *path, const char *bytes, size_t len)
{
	char real[PATH_MAX];
	const char *target = path;
	struct stat st;
	int fd, r;

	if (path == NULL || strcmp(path, "-") == 0) {
		errno = 0;
		if (fwrite(bytes, 1, len, stdout) != len ||
		    fflush(stdout) != 0) {
			fprintf(stderr, "%s: cannot write output: %s\n",
			        cli_prog,
			        errno ? strerror(errno) : "write error");
			return -1;
		}
		return 0;
	}
	if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			goto fail;
		r = replace_file(path, bytes, len, NULL);
	} else if (S_ISREG(st.st_mode)) {
		/* A link to a report is followed: the report is replaced,
		 * not the link. */
		if (realpath(path, real) != NULL)
			target = real;
		r = replace_file(target, bytes, len, &st);
	} else if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	} else {
		/*
		 * A device, FIFO or socket (/dev/null, /dev/full, a pipe
		 * from the shell's >(...)): written in place, never
		 * replaced by a file.
		 */
		fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			goto fail;
		r = write_all(fd, bytes, len);
		if (close(fd) != 0)
			r = -1;
	}
	if (r == 0)
		return 0;
fail:
	fprintf(stderr, "%s: %s: cannot write the output: %s\n", cli_prog,
	        path, strerror(errno));
	return -1;
}

int cli_format(const char *cmd, const char *s, vz_format *out)
{
	if (s == NULL || strcmp(s, "text") == 0) {
		*out = VZ_FORMAT_TEXT;
		return 0;
	}
	if (strcmp(s, "json") == 0) {
		*out = VZ_FORMAT_JSON;
		return 0;
	}
	cli_usage_error(cmd, "unknown format '%s'; the formats are text and "
	                "json", s);
	return -1;
}

const char *cli_default_catalog(const char **how)
{
	static char path[4096];
	static const char *const hows[] = {
	    "$VOORZORG_CATALOG", "installed by 'catalog update'",
	    "installed with the tool", "bundled with the source tree"};
	int step = (int)vz_catalog_default(path, sizeof(path));

	if (how != NULL)
		*how = hows[step >= 0 && step < 4 ? step : 3];
	return path;
}

int cli_check_sector(const char *cmd, const vz_catalog *cat,
                     const char *sector)
{
	char list[1024];
	size_t i, n = vz_catalog_count(cat, VZ_KIND_SECTOR), off = 0;
	vz_kind k;

	if (vz_catalog_find(cat, sector, &k) && k == VZ_KIND_SECTOR)
		return 0;
	list[0] = '\0';
	for (i = 0; i < n && off < sizeof(list); i++) {
		int w = snprintf(list + off, sizeof(list) - off, "%s%s",
		                 i ? ", " : "",
		                 vz_catalog_entry_id(cat, VZ_KIND_SECTOR, i));

		if (w < 0)
			break;
		off += (size_t)w;
	}
	cli_usage_error(cmd, "unknown sector '%s'; the catalogue's sectors "
	                "are %s", sector, n ? list : "(none)");
	return -1;
}

int cli_pubkey_opt(const char *val, vz_open_opts *oo, vz_pubkey **own)
{
	char line[1024];
	vz_error err;

	*own = NULL;
	if (val == NULL)
		return 0;
	if (access(val, F_OK) == 0) {
		oo->pubkey = val;
		return 0;
	}
	if (vz_pubkey_parse(val, strlen(val), "--pubkey", own, &err) !=
	    VZ_OK) {
		vz_error_format(&err, line, sizeof(line));
		cli_err("%s (and no such file)", line);
		return VZ_EXIT_USAGE;
	}
	oo->key = *own;
	return 0;
}

int cli_open_catalog(const struct cli_catalog_opts *co, vz_catalog **out)
{
	vz_diags *diags = NULL;
	vz_pubkey *key = NULL;
	vz_open_opts oo;
	vz_open_info info;
	const char *how = "given on the command line", *path = co->path;
	char state[4096];
	vz_status rc;
	int ex;

	*out = NULL;
	if (path == NULL)
		path = cli_default_catalog(&how);
	vz_open_opts_init(&oo);
	ex = cli_pubkey_opt(co->pubkey, &oo, &key);
	if (ex != 0)
		return ex;
	if (co->allow_unsigned)
		oo.flags |= VZ_OPEN_ALLOW_UNSIGNED;
	/*
	 * Only the trusted catalogue (the default one) is held to the
	 * recorded version and may raise it. A file named for one command
	 * is checked for signature and expiry; that it is older is said,
	 * not refused, so `diff old new` works as often as it is run.
	 */
	if (co->path != NULL)
		oo.flags |= VZ_OPEN_INSPECT;
	snprintf(state, sizeof(state), "%s/state.json", vz_state_dir());
	cli_verbose("catalogue: %s (%s)", path, how);
	diags = vz_diags_new();
	if (diags == NULL) {
		cli_err("out of memory");
		ex = VZ_EXIT_INTERNAL;
		goto out;
	}
	/*
	 * Verify before use: signature over the exact bytes loaded, then
	 * expiry and rollback. Warnings (unsigned but allowed, expired but
	 * in its grace period, older than the trusted one) are printed on
	 * success too.
	 */
	rc = vz_catalog_open(path, &oo, out, &info, diags);
	cli_print_diags(diags);
	if (rc == VZ_E_INVALID || rc == VZ_E_PARSE)
		cli_err("%s: invalid catalogue; run '%s catalog lint %s' for "
		        "details", path, cli_prog, path);
	if (rc == VZ_OK) {
		cli_verbose("catalogue %s version %lld, signature %s%s%s, "
		            "expires %s", info.id, (long long)info.version,
		            vz_sigstate_name(info.signature),
		            info.key_id[0] ? " by key " : "", info.key_id,
		            vz_catalog_expires(*out));
		if (info.previous >= 0)
			cli_verbose("trusted version of %s: %lld (%s)%s",
			            info.id, (long long)info.previous, state,
			            info.recorded ? "; raised to this one"
			                          : "");
		else
			cli_verbose("no trusted version of %s recorded in %s%s",
			            info.id, state, info.recorded
			            ? "; this one is recorded now" : "");
	}
	ex = cli_exit_for(rc);
out:
	vz_diags_free(diags);
	vz_pubkey_free(key);
	return ex;
}

int cli_load_catalog(const char *path, vz_catalog **out)
{
	struct cli_catalog_opts co = {path, NULL, 0};

	return cli_open_catalog(&co, out);
}

