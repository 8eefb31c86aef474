/*
 * src/cli.h - shared plumbing of the voorzorg tool: exit codes, option
 * parsing, diagnostics printing, output.
 */
#ifndef VZ_CLI_H
#define VZ_CLI_H

#include <stdio.h>

#include <voorzorg/voorzorg.h>

/* Exit codes: the contract of DESIGN.md. */
enum {
	VZ_EXIT_OK = 0,       /* nothing that needs action */
	VZ_EXIT_FINDINGS = 1, /* findings at or above --fail-on */
	VZ_EXIT_USAGE = 2,    /* usage or input error */
	VZ_EXIT_INTERNAL = 3, /* internal or environment error */
	VZ_EXIT_INCOMPLETE = 4 /* a source that applies was not examined */
};

/* The exit status lines every --help ends with. */
#define CLI_EXIT_HELP                                                    \
	"exit status: 0 nothing needs action, 1 findings at or above\n"     \
	"--fail-on, 2 usage or input error, 3 internal or environment\n"    \
	"error, 4 incomplete scan (a source that applies was not examined)\n"

/*
 * struct cli_opt.has_arg: a flag (given twice, the same as once), an
 * option with one value (given twice, a usage error: which one was meant?),
 * or one whose values add up (CLI_REPEAT; read them with cli_all).
 */
#define CLI_FLAG 0
#define CLI_VALUE 1
#define CLI_REPEAT 2

struct cli_opt {
	const char *name;  /* long name without dashes, e.g. "format" */
	int has_arg;       /* CLI_FLAG, CLI_VALUE or CLI_REPEAT */
	const char *value; /* set by cli_parse (the last one); "" for flags */
};

/*
 * -q/--quiet and -v/--verbose, which every command accepts (cli_parse
 * handles them): quiet drops informational lines on stderr (progress,
 * notes); verbose adds diagnostic ones (which catalogue, found how,
 * verified how). Neither ever changes standard output, errors or
 * warnings. The help texts of every command include CLI_COMMON_HELP.
 */
extern int cli_verbosity; /* -1 quiet, 0 normal, 1 verbose */
#define CLI_COMMON_HELP                                                   \
	"  -q, --quiet      no informational lines on standard error\n"      \
	"  -v, --verbose    add diagnostic lines on standard error (which\n" \
	"                   catalogue was used, how it was found, verified)\n"

/* "voorzorg: " + message + newline on stderr: every error and warning. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, unless --quiet. */
void cli_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, only with --verbose. */
void cli_verbose(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/*
 * The closest of names[0..n) to `word` by edit distance (transpositions
 * count one), if close enough to be a likely typo; else NULL.
 */
const char *cli_suggest(const char *word, const char *const *names,
                        size_t n);

/*
 * Parse argv[first..argc) into options (anywhere on the line; "--" ends
 * them) and positionals, which are compacted into pos[0..maxpos) (npos
 * returned). More positionals than that, an unknown option or a missing
 * value: prints a one-line message and returns -1.
 */
int cli_parse(const char *cmd, int argc, char **argv, int first,
              struct cli_opt *opts, size_t nopts, char **pos, int maxpos,
              int *npos);
/* The capacity of a positional array, for cli_parse. */
#define CLI_NPOS(a) ((int)(sizeof(a) / sizeof((a)[0])))
const char *cli_opt(const struct cli_opt *opts, size_t nopts,
                    const char *name);
/*
 * Every value of the option `name` (one that takes a value), in the
 * order given, into out[0..max); after cli_parse accepted the same argv.
 * Returns how many there were (more than max: only max are stored).
 */
int cli_all(int argc, char **argv, int first, struct cli_opt *opts,
            size_t nopts, const char *name, const char **out, int max);

/* Print one diagnostic per line to stderr; returns the error count. */
size_t cli_print_diags(const vz_diags *diags);
/* Exit code for a library status from reading input. */
int cli_exit_for(vz_status rc);
/* Write all of s to stdout and flush; report failure on stderr. */
int cli_emit(const char *s);
/*
 * Write the output of a command to `path` ("-" or NULL: stdout). A
 * regular file (or a new one) is replaced atomically, keeping an
 * existing file's mode; a device, FIFO or socket is written in place.
 * 0; -1 after saying why on stderr (the caller exits 3).
 */
int cli_write_output(const char *path, const char *bytes, size_t len);
/* Parse "text"/"json"; -1 (after printing) if neither. */
int cli_format(const char *cmd, const char *s, vz_format *out);

void cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Worker threads for scan and collect: `opt` (--jobs), else
 * $VOORZORG_JOBS, else 0 (one per online CPU). -1 after a usage error
 * if the value is not a number from 1 to 1024.
 */
long cli_jobs(const char *cmd, const char *opt);

/*
 * The catalogue to use when none is given, and which step of the search
 * order in docs/catalog-lifecycle.md found it (vz_catalog_default_path).
 */
const char *cli_default_catalog(const char **how);
/*
 * A sector id of the catalogue, or else a usage error that lists the
 * sectors there are; 0 or -1 (after printing).
 */
int cli_check_sector(const char *cmd, const vz_catalog *cat,
                     const char *sector);
/* How a command that reads a catalogue finds and trusts it. */
struct cli_catalog_opts {
	const char *path;   /* --catalog; NULL: the default */
	const char *pubkey; /* --pubkey FILE or base64; NULL: the default */
	int allow_unsigned; /* --allow-unsigned */
};

/* The cli_parse entries for those three options. */
#define CLI_CATALOG_OPTIONS                                              \
	{"catalog", 1, NULL}, {"pubkey", 1, NULL}, {"allow-unsigned", 0, NULL}
#define CLI_CATALOG_HELP                                                 \
	"  --catalog FILE   this catalogue instead of the trusted one (its\n" \
	"                   signature and expiry are checked; an older one\n" \
	"                   is said, not refused; see voorzorg(1) FILES)\n"  \
	"  --pubkey KEY     verify with this public key (file or base64)\n" \
	"  --allow-unsigned accept a catalogue without a signature; every\n" \
	"                   output then says it is unsigned\n"

/*
 * Open a catalogue for a command that reads one: verify its signature,
 * expiry and version (see vz_catalog_open), then load it. Prints what is
 * wrong and returns the exit code; 0 with *out set.
 */
int cli_open_catalog(const struct cli_catalog_opts *co, vz_catalog **out);
/* cli_open_catalog with the default key and no unsigned catalogues. */
int cli_load_catalog(const char *path, vz_catalog **out);
/* --pubkey: a key file, or else the key in base64 (*own to free). */
int cli_pubkey_opt(const char *val, vz_open_opts *oo, vz_pubkey **own);

/* Subcommands. */
int cmd_scan(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_assess(int argc, char **argv);
int cmd_reassess(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_enroll(int argc, char **argv);
int cmd_report(int argc, char **argv);
/* The fleet server's client (src/submit.c). */
int cli_submit(const char *url, const char *ca, const char *report);
int cli_url_ok(const char *url);
/* catalog sign|verify|update (src/cmd_sign.c); argv starts at the verb. */
int cmd_catalog_sign(int argc, char **argv);
int cmd_catalog_verify(int argc, char **argv);
int cmd_catalog_update(int argc, char **argv);

extern const char *cli_prog;

#endif /* VZ_CLI_H */
