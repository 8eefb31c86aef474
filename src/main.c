/*
 * src/main.c - the voorzorg tool: dispatch to a subcommand.
 *
 * The tool is a thin layer over libvoorzorg's public API; it owns
 * printing and exit codes, which the library never touches.
 */
#include <string.h>

#include "cli.h"

static const char main_help[] =
    "usage: voorzorg COMMAND [ARGS...]\n"
    "\n"
    "voorzorg supports the precautionary measures governments take against\n"
    "ICT products of high-risk vendors: assess, detect, track, prevent.\n"
    "\n"
    "commands:\n"
    "  scan [--root DIR]       find the products under a measure on this\n"
    "                          host or an offline root, with evidence\n"
    "  assess PRODUCT          assess a product by the published criteria\n"
    "  reassess --set P=V ...  what if: which decisions change, and why\n"
    "  diff OLD NEW            changed facts and decisions between two\n"
    "                          catalogues (--format markdown: a notice)\n"
    "  catalog lint FILE       check a catalogue draft, list every problem\n"
    "  catalog show FILE [ID]  show the catalogue or one entry\n"
    "  catalog sign --key SECRET FILE\n"
    "                          sign a catalogue (minisign format)\n"
    "  catalog verify FILE     verify signature, expiry and version\n"
    "  catalog update URL      download, verify and install a catalogue\n"
    "  serve --db DB --listen ADDR:PORT\n"
    "                          run the fleet server: hosts report, the\n"
    "                          ledger tracks each measure's deadlines\n"
    "  enroll URL --secret-file FILE\n"
    "                          enrol this host with a fleet server\n"
    "  report --server URL --organisation ID\n"
    "                          the periodic compliance report (Markdown,\n"
    "                          HTML or PDF; Dutch or English)\n"
    "\n"
    "options:\n"
    "  --version               print the version and exit\n"
    "  -h, --help              show this help\n"
    "\n"
    "Run 'voorzorg COMMAND --help' for a command's options.\n"
    "exit status: 0 nothing needs action, 1 findings at or above\n"
    "--fail-on, 2 usage or input error, 3 internal or environment error\n";

/* One line per subcommand: new commands add a line here. */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
    {"scan", cmd_scan},
    {"assess", cmd_assess},
    {"reassess", cmd_reassess},
    {"diff", cmd_diff},
    {"catalog", cmd_catalog},
    {"serve", cmd_serve},
    {"enroll", cmd_enroll},
    {"report", cmd_report},
};

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		fprintf(stderr, "%s: missing command (see '%s --help')\n",
		        cli_prog, cli_prog);
		return VZ_EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		fputs(main_help, stdout);
		return VZ_EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("voorzorg %s\n", vz_version());
		return fflush(stdout) == 0 ? VZ_EXIT_OK : VZ_EXIT_INTERNAL;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s' (see '%s --help')\n",
	        cli_prog, cmd, cli_prog);
	return VZ_EXIT_USAGE;
}
