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

void cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", cli_prog, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see '%s %s --help')\n", cli_prog, cmd);
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
		if (a[1] != '-') {
			if (strcmp(a, "-h") == 0) {
				a = "--help";
			} else {
				cli_usage_error(cmd, "unknown option '%s'", a);
				return -1;
			}
		}
		a += 2;
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		o = find_opt(opts, nopts, a, len);
		if (o == NULL) {
			cli_usage_error(cmd, "unknown option '--%.*s'",
			                (int)len, a);
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
		fprintf(stderr, "%s\n", line);
	}
	if (vz_diags_dropped(diags) > 0)
		fprintf(stderr,
		        "%s: %zu further problems not shown (at most "
		        "%d are listed)\n",
		        cli_prog, vz_diags_dropped(diags), VZ_DIAGS_MAX);
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
	cli_usage_error(cmd, "unknown format '%s' (use text or json)", s);
	return -1;
}

const char *cli_default_catalog(void)
{
	static char installed[4096];
	const char *env = getenv("VOORZORG_CATALOG");

	if (env != NULL && *env)
		return env;
	snprintf(installed, sizeof(installed), "%s/voorzorg.json", VZ_DATADIR);
	if (access(installed, R_OK) == 0)
		return installed;
	return VZ_SOURCE_CATALOG;
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
		fprintf(stderr, "%s: %s (and no such file)\n", cli_prog, line);
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
	const char *path = co->path ? co->path : cli_default_catalog();
	vz_status rc;
	int ex;

	*out = NULL;
	vz_open_opts_init(&oo);
	ex = cli_pubkey_opt(co->pubkey, &oo, &key);
	if (ex != 0)
		return ex;
	if (co->allow_unsigned)
		oo.flags |= VZ_OPEN_ALLOW_UNSIGNED;
	diags = vz_diags_new();
	if (diags == NULL) {
		fprintf(stderr, "%s: out of memory\n", cli_prog);
		ex = VZ_EXIT_INTERNAL;
		goto out;
	}
	/*
	 * Verify before use: signature over the exact bytes loaded, then
	 * expiry and rollback. Warnings (unsigned but allowed, expired but
	 * in its grace period) are printed on success too.
	 */
	rc = vz_catalog_open(path, &oo, out, &info, diags);
	cli_print_diags(diags);
	if (rc == VZ_E_INVALID || rc == VZ_E_PARSE)
		fprintf(stderr,
		        "%s: invalid catalogue; run '%s catalog lint %s' for "
		        "details\n",
		        path, cli_prog, path);
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
