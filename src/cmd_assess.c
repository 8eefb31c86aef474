/*
 * src/cmd_assess.c - `voorzorg assess`, `reassess` and `diff`: the
 * assessment engine for people who must explain a measure.
 */
#include <string.h>

#include "cli.h"

static const char assess_help[] =
    "usage: voorzorg assess PRODUCT [--as STATE] [--sector SECTOR]\n"
    "                       [--rules ID] [--explain] [--format text|json]\n"
    "                       [--catalog FILE] [--pubkey KEY] "
    "[--allow-unsigned]\n"
    "\n"
    "Assess a product by the published criteria: derive its access, the\n"
    "vendor's compulsion and its state's threat from the catalogue's facts,\n"
    "apply the decision rules, and show the risk level and the action per\n"
    "sector, with how each factor was derived.\n"
    "\n"
    "options:\n"
    "  --as STATE       the assessing state (default: the catalogue's)\n"
    "  --sector SECTOR  show the action for one sector only (a sector id\n"
    "                   of the catalogue; a wrong one lists them)\n"
    "  --rules ID       use these rules (default: the current ones)\n"
    "  --explain        add the evidence and sources behind each factor\n"
    "  --format F       text (default) or json\n" CLI_CATALOG_HELP
    "  -h, --help       show this help\n" CLI_COMMON_HELP
    "\n" CLI_EXIT_HELP;

static const char reassess_help[] =
    "usage: voorzorg reassess --set PATH=VALUE [--set PATH+=VALUE ...]\n"
    "                         [--as STATE] [--format text|json]\n"
    "                         [--catalog FILE]\n"
    "\n"
    "What if: apply hypothetical changes to a copy of the catalogue and\n"
    "list which decisions change and why, and which stand and why.\n"
    "PATH starts with an entry's id, then members, [N] indices and\n"
    "[key=value] selectors; VALUE is JSON, or else a string. += appends.\n"
    "\n"
    "    ru.offensive_programmes[target=nl].level=limited\n"
    "    kaspersky.mitigations+={\"kind\":\"data-relocation\",...}\n"
    "\n"
    "options:\n"
    "  --set PATH=VALUE a hypothetical change; may be repeated (at most 64)\n"
    "  --as STATE       the assessing state (default: the catalogue's)\n"
    "  --format F       text (default) or json\n" CLI_CATALOG_HELP
    "  -h, --help       show this help\n" CLI_COMMON_HELP
    "\n" CLI_EXIT_HELP;

static const char diff_help[] =
    "usage: voorzorg diff OLD.json NEW.json [--as STATE]\n"
    "                     [--format text|json|markdown] [--lang nl|en]\n"
    "\n"
    "Compare two catalogues: changed measures (scope, covered products,\n"
    "actions, deadlines: recorded), changed decisions (derived by the\n"
    "rules), changed facts and the sectors affected. --format markdown\n"
    "writes a notice for parliament. Both catalogues are verified\n"
    "(signature and expiry); drafts need --allow-unsigned. Either may be\n"
    "older than the trusted catalogue: that is said on standard error,\n"
    "not refused, and never changes which version is trusted.\n"
    "\n"
    "options:\n"
    "  --as STATE       the assessing state (default: NEW's)\n"
    "  --format F       text (default), json or markdown\n"
    "  --lang L         language of the markdown notice: nl or en\n"
    "                   (default: nl for a Dutch catalogue, else en)\n"
    "  --pubkey KEY     verify with this public key (file or base64)\n"
    "  --allow-unsigned accept unsigned catalogues (the notice then says "
    "so)\n"
    "  -h, --help       show this help\n" CLI_COMMON_HELP
    "\n" CLI_EXIT_HELP;

static int want_help(int argc, char **argv, const char *text)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			fputs(text, stdout);
			return 1;
		}
	}
	return 0;
}

static int emit_owned(char *out)
{
	int ex = cli_emit(out) == 0 ? VZ_EXIT_OK : VZ_EXIT_INTERNAL;

	vz_free(out);
	return ex;
}

enum { A_AS, A_SECTOR, A_RULES, A_EXPLAIN, A_FORMAT, A_HELP, A_CATALOG,
       A_PUBKEY, A_UNSIGNED, A_COUNT };

int cmd_assess(int argc, char **argv)
{
	struct cli_opt o[A_COUNT] = {
		{"as", 1, NULL},      {"sector", 1, NULL}, {"rules", 1, NULL},
		{"explain", 0, NULL}, {"format", 1, NULL}, {"help", 0, NULL},
		CLI_CATALOG_OPTIONS};
	char *pos[8], *out = NULL, line[1024];
	vz_catalog *cat = NULL;
	vz_assessment *a = NULL;
	vz_render_opts ro = {VZ_FORMAT_TEXT, NULL, 0};
	struct cli_catalog_opts co;
	vz_error err;
	int npos, ex;

	if (want_help(argc, argv, assess_help))
		return VZ_EXIT_OK;
	if (cli_parse("assess", argc, argv, 1, o, A_COUNT, pos, CLI_NPOS(pos),
	              &npos) != 0)
		return VZ_EXIT_USAGE;
	if (npos != 1) {
		cli_usage_error("assess", "name one PRODUCT id");
		return VZ_EXIT_USAGE;
	}
	if (cli_format("assess", o[A_FORMAT].value, &ro.format) != 0)
		return VZ_EXIT_USAGE;
	ro.sector = o[A_SECTOR].value;
	ro.explain = o[A_EXPLAIN].value != NULL;
	co.path = o[A_CATALOG].value;
	co.pubkey = o[A_PUBKEY].value;
	co.allow_unsigned = o[A_UNSIGNED].value != NULL;
	ex = cli_open_catalog(&co, &cat);
	if (ex != VZ_EXIT_OK)
		return ex;
	vz_error_clear(&err);
	if (ro.sector != NULL &&
	    cli_check_sector("assess", cat, ro.sector) != 0) {
		ex = VZ_EXIT_USAGE;
		goto out;
	}
	if (vz_assess(cat, pos[0], o[A_AS].value, o[A_RULES].value, &a, &err) !=
	        VZ_OK ||
	    vz_assessment_render(cat, a, &ro, &out, &err) != VZ_OK) {
		vz_error_format(&err, line, sizeof(line));
		cli_err("%s", line);
		ex = cli_exit_for(err.code);
		goto out;
	}
	ex = emit_owned(out);
out:
	vz_assessment_free(a);
	vz_catalog_free(cat);
	return ex;
}

enum { R_SET, R_AS, R_FORMAT, R_HELP, R_CATALOG, R_PUBKEY, R_UNSIGNED,
       R_COUNT };

int cmd_reassess(int argc, char **argv)
{
	struct cli_opt o[R_COUNT] = {{"set", CLI_REPEAT, NULL}, {"as", 1, NULL},
	                             {"format", 1, NULL}, {"help", 0, NULL},
	                             CLI_CATALOG_OPTIONS};
	struct cli_catalog_opts co;
	const char *sets[64];
	char *pos[64], *out = NULL;
	vz_catalog *cat = NULL;
	vz_diags *diags = NULL;
	vz_format fmt;
	size_t nsets = 0;
	int n, npos, ex;

	if (want_help(argc, argv, reassess_help))
		return VZ_EXIT_OK;
	if (cli_parse("reassess", argc, argv, 1, o, R_COUNT, pos, CLI_NPOS(pos),
	              &npos) != 0)
		return VZ_EXIT_USAGE;
	n = cli_all(argc, argv, 1, o, R_COUNT, "set", sets, 64);
	if (n > 64) {
		cli_usage_error("reassess", "too many --set (at most 64)");
		return VZ_EXIT_USAGE;
	}
	nsets = (size_t)n;
	if (nsets == 0 || npos != 0) {
		cli_usage_error("reassess", "give one or more --set PATH=VALUE "
		                            "and nothing else");
		return VZ_EXIT_USAGE;
	}
	if (cli_format("reassess", o[R_FORMAT].value, &fmt) != 0)
		return VZ_EXIT_USAGE;
	co.path = o[R_CATALOG].value;
	co.pubkey = o[R_PUBKEY].value;
	co.allow_unsigned = o[R_UNSIGNED].value != NULL;
	ex = cli_open_catalog(&co, &cat);
	if (ex != VZ_EXIT_OK)
		return ex;
	diags = vz_diags_new();
	if (diags == NULL) {
		ex = VZ_EXIT_INTERNAL;
		goto out;
	}
	if (vz_reassess(cat, sets, nsets, o[R_AS].value, fmt, &out, diags) !=
	    VZ_OK) {
		const vz_error *e = vz_diags_get(diags, 0);

		cli_print_diags(diags);
		ex = cli_exit_for(e ? e->code : VZ_E_INTERNAL);
		goto out;
	}
	ex = emit_owned(out);
out:
	vz_diags_free(diags);
	vz_catalog_free(cat);
	return ex;
}

enum { D_AS, D_FORMAT, D_LANG, D_HELP, D_PUBKEY, D_UNSIGNED, D_COUNT };

int cmd_diff(int argc, char **argv)
{
	/* The catalogues are OLD and NEW, never --catalog. */
	struct cli_opt o[D_COUNT] = {{"as", 1, NULL},
	                             {"format", 1, NULL},
	                             {"lang", 1, NULL},
	                             {"help", 0, NULL},
	                             {"pubkey", 1, NULL},
	                             {"allow-unsigned", 0, NULL}};
	struct cli_catalog_opts co;
	char *pos[8], *out = NULL, line[1024];
	vz_catalog *x = NULL, *y = NULL;
	vz_diff_format fmt = VZ_DIFF_TEXT;
	const char *f;
	vz_error err;
	int npos, ex;

	if (want_help(argc, argv, diff_help))
		return VZ_EXIT_OK;
	if (cli_parse("diff", argc, argv, 1, o, D_COUNT, pos, CLI_NPOS(pos),
	              &npos) != 0)
		return VZ_EXIT_USAGE;
	if (npos != 2) {
		cli_usage_error("diff", "give OLD.json and NEW.json");
		return VZ_EXIT_USAGE;
	}
	f = o[D_FORMAT].value;
	if (f == NULL || strcmp(f, "text") == 0) {
		fmt = VZ_DIFF_TEXT;
	} else if (strcmp(f, "json") == 0) {
		fmt = VZ_DIFF_JSON;
	} else if (strcmp(f, "markdown") == 0) {
		fmt = VZ_DIFF_MARKDOWN;
	} else {
		cli_usage_error("diff", "unknown format '%s'; the formats are "
		                "text, json and markdown", f);
		return VZ_EXIT_USAGE;
	}
	if (o[D_LANG].value != NULL && strcmp(o[D_LANG].value, "nl") != 0 &&
	    strcmp(o[D_LANG].value, "en") != 0) {
		cli_usage_error("diff", "unknown language '%s'; the languages "
		                "are nl and en", o[D_LANG].value);
		return VZ_EXIT_USAGE;
	}
	co.pubkey = o[D_PUBKEY].value;
	co.allow_unsigned = o[D_UNSIGNED].value != NULL;
	co.path = pos[0];
	ex = cli_open_catalog(&co, &x);
	co.path = pos[1];
	if (ex == VZ_EXIT_OK)
		ex = cli_open_catalog(&co, &y);
	if (ex != VZ_EXIT_OK)
		goto out;
	vz_error_clear(&err);
	if (vz_diff_lang(x, y, o[D_AS].value, fmt, o[D_LANG].value, &out,
	                 &err) != VZ_OK) {
		vz_error_format(&err, line, sizeof(line));
		cli_err("%s", line);
		ex = cli_exit_for(err.code);
		goto out;
	}
	ex = emit_owned(out);
out:
	vz_catalog_free(x);
	vz_catalog_free(y);
	return ex;
}
