/*
 * src/cmd_catalog.c - `voorzorg catalog lint|show`; sign, verify and
 * update are dispatched to src/cmd_sign.c.
 *
 * lint is for the catalogue's authors: every problem, one per line, and
 * exit 2 if any is an error. show is for its readers.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char catalog_help[] =
    "usage: voorzorg catalog lint FILE [--format text|json]\n"
    "       voorzorg catalog show FILE [ID] [--format text|json]\n"
    "                             [--pubkey KEY] [--allow-unsigned]\n"
    "       voorzorg catalog sign --key SECRET FILE\n"
    "       voorzorg catalog verify [--pubkey KEY] FILE\n"
    "       voorzorg catalog update URL [--catalog FILE]\n"
    "\n"
    "lint   check a catalogue draft: JSON syntax, types, enums, dates,\n"
    "       ids, every cross-reference, and that every recorded decision\n"
    "       is what the rules give. Lists every problem as\n"
    "       FILE:LINE:COL: PATH: what, and exits 2 if there is an error\n"
    "       (warnings alone exit 0).\n"
    "show   verify the catalogue's signature, then print a summary of\n"
    "       every entry, or the entry with id ID in full with the sources\n"
    "       it cites.\n"
    "sign   sign FILE with a minisign secret key, into FILE.minisig.\n"
    "verify check FILE's signature, expiry and version.\n"
    "update download, verify and install a catalogue and its signature.\n"
    "       (see 'voorzorg catalog VERB --help' for their options)\n"
    "\n"
    "options:\n"
    "  --format text|json   output format (default text)\n"
    "  --pubkey KEY         show: verify with this public key\n"
    "  --allow-unsigned     show: accept a catalogue without signature\n"

    "  -h, --help           show this help\n"
    CLI_COMMON_HELP
    "\n"
    "show reads FILE as given: its signature and expiry are checked, and\n"
    "if it is older than the trusted catalogue it says so (not refused).\n"
    "'voorzorg catalog help VERB' is 'voorzorg catalog VERB --help'.\n"
    CLI_EXIT_HELP;

static const char *const verbs[] = {"lint", "show", "sign", "verify",
                                    "update", "help"};

enum { O_FORMAT, O_HELP, O_PUBKEY, O_UNSIGNED, O_COUNT };

/*
 * The texts of a catalogue's sources sit in "sources/" beside it; lint
 * checks every recorded quote against them. Returns an owned path or NULL
 * when out of memory.
 */
static char *sources_dir(const char *file)
{
	const char *slash = strrchr(file, '/');
	size_t n = slash ? (size_t)(slash - file) + 1 : 0;
	char *d = malloc(n + sizeof("sources"));

	if (d == NULL)
		return NULL;
	memcpy(d, file, n);
	memcpy(d + n, "sources", sizeof("sources"));
	return d;
}

static int do_lint(const char *file, vz_format fmt)
{
	char *dir = NULL;
	vz_diags *diags = vz_diags_new();
	vz_catalog *cat = NULL;
	char *out = NULL;
	vz_status rc;
	int ex;

	if (diags == NULL) {
		cli_err("out of memory");
		return VZ_EXIT_INTERNAL;
	}
	rc = vz_catalog_load(file, &cat, diags);
	/* A well-formed catalogue must also be consistent with its rules. */
	if (rc == VZ_OK)
		rc = vz_assess_check(cat, diags);
	if (rc == VZ_OK) {
		dir = sources_dir(file);
		rc = dir ? vz_catalog_check_quotes(cat, dir, diags)
		         : VZ_E_NOMEM;
	}
	if (rc == VZ_E_NOMEM) {
		cli_err("%s: out of memory", file);
		ex = VZ_EXIT_INTERNAL;
		goto out;
	}
	ex = cli_exit_for(rc);
	if (fmt == VZ_FORMAT_JSON) {
		if (vz_diags_render(diags, file, VZ_FORMAT_JSON, &out) !=
		        VZ_OK ||
		    cli_emit(out) != 0)
			ex = VZ_EXIT_INTERNAL;
		goto out;
	}
	cli_print_diags(diags);
	if (rc == VZ_OK) {
		printf("%s: ok: catalogue %s version %lld, %zu products, "
		       "%zu measures, %zu assessments, %zu warnings\n",
		       file, vz_catalog_id(cat),
		       (long long)vz_catalog_version(cat),
		       vz_catalog_count(cat, VZ_KIND_PRODUCT),
		       vz_catalog_count(cat, VZ_KIND_MEASURE),
		       vz_catalog_count(cat, VZ_KIND_ASSESSMENT),
		       vz_diags_warnings(diags));
		if (fflush(stdout) != 0)
			ex = VZ_EXIT_INTERNAL;
	} else {
		cli_err("%s: invalid: %zu errors, %zu warnings", file,
		        vz_diags_errors(diags), vz_diags_warnings(diags));
	}
out:
	free(dir);
	vz_free(out);
	vz_catalog_free(cat);
	vz_diags_free(diags);
	return ex;
}

static int do_show(const struct cli_catalog_opts *co, const char *id,
                   vz_format fmt)
{
	vz_catalog *cat = NULL;
	char *out = NULL, line[1024];
	vz_error err;
	vz_status rc;
	int ex;

	vz_error_clear(&err);
	ex = cli_open_catalog(co, &cat);
	if (ex != VZ_EXIT_OK)
		return ex;
	rc = vz_catalog_render(cat, id, fmt, &out, &err);
	if (rc != VZ_OK) {
		vz_error_format(&err, line, sizeof(line));
		cli_err("%s", line);
		ex = cli_exit_for(rc);
		goto out;
	}
	if (cli_emit(out) != 0)
		ex = VZ_EXIT_INTERNAL;
out:
	vz_free(out);
	vz_catalog_free(cat);
	return ex;
}

int cmd_catalog(int argc, char **argv)
{
	/* The catalogue is FILE, never --catalog. */
	struct cli_opt opts[O_COUNT] = {{"format", 1, NULL}, {"help", 0, NULL},
	                                {"pubkey", 1, NULL},
	                                {"allow-unsigned", 0, NULL}};
	struct cli_catalog_opts co;
	char *pos[64], *args[3];
	const char *verb;
	vz_format fmt;
	int npos;

	if (argc < 2) {
		cli_usage_error("catalog", "missing verb (lint, show, sign, "
		                "verify or update)");
		return VZ_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    (strcmp(argv[1], "help") == 0 && argc == 2)) {
		fputs(catalog_help, stdout);
		return VZ_EXIT_OK;
	}
	verb = argv[1];
	/* `catalog help VERB` is `catalog VERB --help`. */
	if (strcmp(verb, "help") == 0) {
		if (argc > 3) {
			cli_usage_error("catalog", "help takes one VERB");
			return VZ_EXIT_USAGE;
		}
		verb = argv[2];
		args[0] = argv[1];
		args[1] = argv[2];
		args[2] = (char *)"--help";
		argc = 3;
		argv = args;
		if (strcmp(verb, "lint") == 0 || strcmp(verb, "show") == 0) {
			fputs(catalog_help, stdout);
			return VZ_EXIT_OK;
		}
	}
	/* sign, verify and update have their own options (cmd_sign.c). */
	if (strcmp(verb, "sign") == 0)
		return cmd_catalog_sign(argc - 1, argv + 1);
	if (strcmp(verb, "verify") == 0)
		return cmd_catalog_verify(argc - 1, argv + 1);
	if (strcmp(verb, "update") == 0)
		return cmd_catalog_update(argc - 1, argv + 1);
	if (strcmp(verb, "lint") != 0 && strcmp(verb, "show") != 0) {
		const char *best = cli_suggest(verb, verbs, 6);

		if (best != NULL)
			cli_usage_error("catalog", "unknown verb '%s'; did you "
			                "mean '%s'?", verb, best);
		else
			cli_usage_error("catalog", "unknown verb '%s' (lint, "
			                "show, sign, verify, update)", verb);
		return VZ_EXIT_USAGE;
	}
	if (cli_parse("catalog", argc, argv, 2, opts, O_COUNT, pos,
	              CLI_NPOS(pos), &npos) != 0)
		return VZ_EXIT_USAGE;
	if (opts[O_HELP].value != NULL) {
		fputs(catalog_help, stdout);
		return VZ_EXIT_OK;
	}
	if (cli_format("catalog", opts[O_FORMAT].value, &fmt) != 0)
		return VZ_EXIT_USAGE;
	if (strcmp(verb, "lint") == 0) {
		if (opts[O_PUBKEY].value || opts[O_UNSIGNED].value) {
			cli_usage_error("catalog",
			                "lint checks drafts; it takes no "
			                "--pubkey or --allow-unsigned");
			return VZ_EXIT_USAGE;
		}
		if (npos != 1) {
			cli_usage_error("catalog", "lint takes one FILE");
			return VZ_EXIT_USAGE;
		}
		return do_lint(pos[0], fmt);
	}
	if (strcmp(verb, "show") == 0) {
		if (npos < 1 || npos > 2) {
			cli_usage_error("catalog", "show takes FILE [ID]");
			return VZ_EXIT_USAGE;
		}
		co.path = pos[0];
		co.pubkey = opts[O_PUBKEY].value;
		co.allow_unsigned = opts[O_UNSIGNED].value != NULL;
		return do_show(&co, npos == 2 ? pos[1] : NULL, fmt);
	}
	return VZ_EXIT_USAGE; /* not reached: lint and show return above */
}
