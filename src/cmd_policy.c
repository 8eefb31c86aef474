/*
 * src/cmd_policy.c - `voorzorg policy`: rules that keep the products of
 * a measure from coming back, in the formats organisations already
 * enforce (APT, dnf, fapolicyd, AppLocker, App Control, Santa, osquery,
 * Fleet).
 *
 * The catalogue is verified first, like every command that reads one;
 * the policy names the catalogue and how its signature was checked. The
 * only file written is --output, atomically.
 */
#include <string.h>

#include "cli.h"

static const char policy_help[] =
    "usage: voorzorg policy --format FORMAT [--measure ID] [--sector NAME]\n"
    "                       [--mode audit|enforce] [--output FILE]\n"
    "                       [--catalog FILE] [--pubkey KEY] "
    "[--allow-unsigned]\n"
    "\n"
    "Generate a policy that keeps the products of a measure from coming\n"
    "back, from the catalogue's fingerprints of the products the measure\n"
    "covers. It names the measure, the catalogue's id, version and\n"
    "signature, and is the same, byte for byte, for the same catalogue.\n"
    "\n"
    "formats:\n"
    "  apt         APT preferences: negative pins on the deb packages\n"
    "              (/etc/apt/preferences.d/00-voorzorg.pref)\n"
    "  dnf         dnf.conf [main] excludepkgs of the rpm packages\n"
    "  fapolicyd   fapolicyd rules denying the Linux paths and hashes\n"
    "              (/etc/fapolicyd/rules.d/15-voorzorg-deny.rules)\n"
    "  applocker   AppLocker policy XML (Set-AppLockerPolicy)\n"
    "  wdac        App Control for Business (WDAC) SiPolicy XML\n"
    "  santa       Santa StaticRules configuration profile\n"
    "  santa-json  Santa rules for santactl rule --import\n"
    "  osquery     osquery SQL, one query per platform, that returns a\n"
    "              row when none of the products is present\n"
    "  fleet       the same as Fleet policies (fleetctl apply -f)\n"
    "\n"
    "options:\n"
    "  --format FORMAT   one of the formats above (required)\n"
    "  --measure ID      the measure (default: every measure of the\n"
    "                    catalogue's own state that bans or phases out\n"
    "                    products in the sector)\n"
    "  --sector NAME     the organisation's sector (a sector id of the\n"
    "                    catalogue); default: any sector\n"
    "  --mode MODE       audit (log, do not block; the default where the\n"
    "                    format has it: applocker, wdac) or enforce\n"
    "  --output FILE     write the policy to FILE, atomically, instead\n"
    "                    of standard output\n"
    "  -h, --help        show this help\n" CLI_CATALOG_HELP CLI_COMMON_HELP
    "\n"
    "exit status: 0 policy written, 2 usage or input error (also a\n"
    "catalogue value the format cannot carry safely), 3 internal or\n"
    "environment error; 4 (an incomplete scan) does not arise here\n";

enum {
	O_FORMAT,
	O_MEASURE,
	O_SECTOR,
	O_MODE,
	O_OUTPUT,
	O_HELP,
	O_CATALOG,
	O_PUBKEY,
	O_UNSIGNED,
	O_COUNT
};

int cmd_policy(int argc, char **argv)
{
	struct cli_opt opts[O_COUNT] = {
	    {"format", 1, NULL}, {"measure", 1, NULL}, {"sector", 1, NULL},
	    {"mode", 1, NULL},   {"output", 1, NULL},  {"help", 0, NULL},
	    CLI_CATALOG_OPTIONS};
	struct cli_catalog_opts co;
	vz_policy_opts po;
	vz_catalog *cat = NULL;
	const char *mode;
	char *pos[1], *out = NULL, line[1024];
	vz_error err;
	vz_status rc;
	int npos, ex;

	if (cli_parse("policy", argc, argv, 1, opts, O_COUNT, pos,
	              CLI_NPOS(pos), &npos) != 0)
		return VZ_EXIT_USAGE;
	if (opts[O_HELP].value != NULL) {
		fputs(policy_help, stdout);
		return fflush(stdout) == 0 ? VZ_EXIT_OK : VZ_EXIT_INTERNAL;
	}
	if (npos > 0) {
		cli_usage_error("policy", "unexpected argument '%s'", pos[0]);
		return VZ_EXIT_USAGE;
	}
	vz_policy_opts_init(&po);
	if (opts[O_FORMAT].value == NULL) {
		cli_usage_error("policy", "--format is required");
		return VZ_EXIT_USAGE;
	}
	if (vz_policy_format_parse(opts[O_FORMAT].value, &po.format) != 0) {
		cli_usage_error("policy",
		                "unknown format '%s' (apt, dnf, fapolicyd, "
		                "applocker, wdac, santa, santa-json, osquery, "
		                "fleet)",
		                opts[O_FORMAT].value);
		return VZ_EXIT_USAGE;
	}
	mode = opts[O_MODE].value;
	if (mode != NULL && strcmp(mode, "audit") == 0) {
		po.mode = VZ_POLICY_MODE_AUDIT;
	} else if (mode != NULL && strcmp(mode, "enforce") == 0) {
		po.mode = VZ_POLICY_MODE_ENFORCE;
	} else if (mode != NULL) {
		cli_usage_error("policy",
		                "unknown mode '%s' (audit or "
		                "enforce)",
		                mode);
		return VZ_EXIT_USAGE;
	}
	po.measure = opts[O_MEASURE].value;
	po.sector = opts[O_SECTOR].value;
	co.path = opts[O_CATALOG].value;
	co.pubkey = opts[O_PUBKEY].value;
	co.allow_unsigned = opts[O_UNSIGNED].value != NULL;
	ex = cli_open_catalog(&co, &cat);
	if (ex != VZ_EXIT_OK)
		return ex;
	vz_error_clear(&err);
	rc = vz_policy_render(cat, &po, &out, &err);
	if (rc != VZ_OK) {
		vz_error_format(&err, line, sizeof(line));
		cli_err("policy: %s", line);
		ex = cli_exit_for(rc);
		goto done;
	}
	if (cli_write_output(opts[O_OUTPUT].value, out, strlen(out)) != 0)
		ex = VZ_EXIT_INTERNAL;
done:
	vz_free(out);
	vz_catalog_free(cat);
	return ex;
}
