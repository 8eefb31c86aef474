/*
 * src/main.c - the voorzorg tool: dispatch to a subcommand.
 *
 * The tool is a thin layer over libvoorzorg's public API; it owns
 * printing and exit codes, which the library never touches.
 */
#include <string.h>

#include "cli.h"

static const char main_help[] =
    "usage: voorzorg [-q|-v] COMMAND [ARGS...]\n"
    "\n"
    "voorzorg supports the precautionary measures governments take against\n"
    "ICT products of high-risk vendors: assess, detect, track, prevent.\n"
    "\n"
    "commands:\n"
    "  scan [--root DIR]       find the products under a measure on this\n"
    "                          host or an offline root, with evidence\n"
    "  collect --output FILE   save what a scan would read as an\n"
    "                          inventory, to be judged elsewhere\n"
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
    "  policy --format FORMAT  rules that keep a measure's products from\n"
    "                          coming back (apt, dnf, fapolicyd, applocker,\n"
    "                          wdac, santa, santa-json, osquery, fleet)\n"
    "  serve --db DB --listen ADDR:PORT\n"
    "                          run the fleet server: hosts report, the\n"
    "                          ledger tracks each measure's deadlines\n"
    "  enroll URL --secret-file FILE\n"
    "                          enrol this host with a fleet server\n"
    "  help [COMMAND]          show this help, or a command's\n"
    "\n"
    "options:\n"
    "  --version               print the version and exit\n"
    "  -h, --help              show this help\n"
    "  -q, --quiet             no informational lines on standard error\n"
    "  -v, --verbose           add diagnostic lines on standard error\n"
    "\n"
    "Every command takes -h, -q and -v; 'voorzorg help COMMAND' is\n"
    "'voorzorg COMMAND --help'. Messages on standard error start with\n"
    "'voorzorg: '; standard output holds results only.\n"
    "The default catalogue is the trusted one: $VOORZORG_CATALOG, else the\n"
    "one 'catalog update' installed, else the installed one, else the\n"
    "bundled one (see voorzorg(1), FILES).\n"
    CLI_EXIT_HELP;

/*
 * One line per subcommand. A new command:
 *  1. adds a line here and a line under "commands:" in main_help (two
 *     spaces, the command's words, its arguments);
 *  2. parses with cli_parse (CLI_REPEAT for options that repeat, read
 *     with cli_all), prints messages with cli_err/cli_usage_error, and
 *     ends its --help with "-h, --help", CLI_COMMON_HELP and
 *     CLI_EXIT_HELP;
 *  3. has a man page in docs/man/ (installed in the top meson.build)
 *     whose NAME lists voorzorg-CMD, with an OPTIONS section holding
 *     exactly the options of its --help (shared ones first, others
 *     under .SS CMD when a page covers several), EXIT STATUS (with 4),
 *     ENVIRONMENT and FILES.
 * tests/integration/help_man.sh, completion.sh and cli_options.sh pick
 * it up from main_help and check all of this.
 */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
    {"scan", cmd_scan},
    {"collect", cmd_collect},
    {"assess", cmd_assess},
    {"reassess", cmd_reassess},
    {"diff", cmd_diff},
    {"catalog", cmd_catalog},
    {"policy", cmd_policy},
    {"serve", cmd_serve},
    {"enroll", cmd_enroll},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int (*find_command(const char *name))(int, char **)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0)
			return commands[i].run;
	return NULL;
}

static int unknown_command(const char *cmd)
{
	const char *names[NCOMMANDS + 2], *best;
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		names[i] = commands[i].name;
	names[i++] = "help";
	names[i++] = "version";
	best = cli_suggest(cmd, names, i);
	if (best != NULL)
		cli_err("unknown command '%s'; did you mean '%s'? (see '%s "
		        "--help')", cmd, best, cli_prog);
	else
		cli_err("unknown command '%s' (see '%s --help')", cmd,
		        cli_prog);
	return VZ_EXIT_USAGE;
}

/* `voorzorg help CMD [VERB]` is `voorzorg CMD [VERB] --help`. */
static int help(int argc, char **argv)
{
	char *args[4];
	int (*run)(int, char **);

	if (argc < 2 || (argc == 2 && strcmp(argv[1], "help") == 0)) {
		fputs(main_help, stdout);
		return fflush(stdout) == 0 ? VZ_EXIT_OK : VZ_EXIT_INTERNAL;
	}
	if (argc > 3) {
		cli_usage_error("help", "takes a COMMAND and at most one verb");
		return VZ_EXIT_USAGE;
	}
	run = find_command(argv[1]);
	if (run == NULL)
		return unknown_command(argv[1]);
	args[0] = argv[1];
	args[1] = argc == 3 ? argv[2] : (char *)"--help";
	args[2] = argc == 3 ? (char *)"--help" : NULL;
	args[3] = NULL;
	return run(argc, args);
}

int main(int argc, char **argv)
{
	int (*run)(int, char **);
	const char *cmd;
	int first = 1;

	/* -q and -v may also come before the command. */
	while (first < argc &&
	       (strcmp(argv[first], "-q") == 0 ||
	        strcmp(argv[first], "--quiet") == 0 ||
	        strcmp(argv[first], "-v") == 0 ||
	        strcmp(argv[first], "--verbose") == 0)) {
		cli_verbosity = argv[first][1] == 'q' ||
		                strcmp(argv[first], "--quiet") == 0 ? -1 : 1;
		first++;
	}
	if (argc <= first) {
		cli_err("missing command (see '%s --help')", cli_prog);
		return VZ_EXIT_USAGE;
	}
	cmd = argv[first];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		fputs(main_help, stdout);
		return fflush(stdout) == 0 ? VZ_EXIT_OK : VZ_EXIT_INTERNAL;
	}
	if (strcmp(cmd, "help") == 0)
		return help(argc - first, argv + first);
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("voorzorg %s\n", vz_version());
		return fflush(stdout) == 0 ? VZ_EXIT_OK : VZ_EXIT_INTERNAL;
	}
	if (cmd[0] == '-') {
		const char *const opts[] = {"--help", "--version", "--quiet",
		                            "--verbose"};
		const char *best = cli_suggest(cmd, opts, 4);

		if (best != NULL)
			cli_err("unknown option '%s'; did you mean '%s'? (see "
			        "'%s --help')", cmd, best, cli_prog);
		else
			cli_err("unknown option '%s' (see '%s --help')", cmd,
			        cli_prog);
		return VZ_EXIT_USAGE;
	}
	run = find_command(cmd);
	if (run == NULL)
		return unknown_command(cmd);
	return run(argc - first, argv + first);
}
