/*
 * src/cmd_scan.c - `voorzorg scan`: find the products under a measure on
 * this host or an offline root, say what the measure requires of the
 * organisation, and prove it with evidence.
 *
 * The scan never writes to what it scans; the only file it writes is
 * --output (cli_write_output: a regular file atomically, so a
 * reader never sees half a report; a device or FIFO in place).
 * Progress goes to stderr only when stderr is a terminal.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "outfile.h"
#include "sources.h"

static const char scan_help[] =
    "usage: voorzorg scan [--root DIR] [--hive FILE]... [--sbom FILE]...\n"
    "                     [PATH...] [--inventory FILE] [--osquery FILE]...\n"
    "                     [--sector NAME] [--catalog FILE]\n"
    "                     [--format text|json|jsonl|csv|sarif]\n"
    "                     [--output FILE|-] [--fail-on LEVEL] [--strict]\n"
    "                     [--jobs N] [--pubkey KEY]\n"
    "                     [--allow-unsigned] [--submit URL [--ca FILE]]\n"
    "\n"
    "Find the products of the catalogue on this host (default), on an\n"
    "offline root filesystem (--root: a mounted disk image of Linux,\n"
    "Windows or macOS, a container's root, a chroot), or in artefacts\n"
    "given one by one: registry hives, SBOMs, files and directories.\n"
    "Read: packages (dpkg, rpm), files and their SHA-256, systemd units;\n"
    "on a Windows volume the registry (installed programs, services and\n"
    "drivers, vendor keys) and the Authenticode signers of PE files; on a\n"
    "macOS volume application bundles, kernel and system extensions,\n"
    "launchd jobs and installer receipts; on the live host running\n"
    "processes and loaded kernel modules. Each product found is one\n"
    "finding with its state (running, installed, present, residue), its\n"
    "evidence, the measure that covers it and, with --sector, what that\n"
    "measure asks of the sector and by when, and the next steps. A file\n"
    "whose signature claims a listed signer but was changed after signing\n"
    "is reported as tampered, never as the vendor's.\n"
    "\n";

/* Split in two: C limits a string literal's length (-Woverlength). */
static const char scan_options_help[] =
    "options:\n"
    "  --root DIR        scan this root instead of the live host; symbolic\n"
    "                    links are never followed out of it, and nothing\n"
    "                    in it is written\n"
    "  --hive FILE       read this registry hive (SOFTWARE, SYSTEM or a\n"
    "                    user's NTUSER.DAT); may be repeated\n"
    "  --sbom FILE       read this SBOM (CycloneDX JSON 1.4 to 1.6, SPDX\n"
    "                    JSON 2.3); may be repeated\n"
    "  PATH...           files or directories to examine (collected\n"
    "                    binaries, bundles, hives, plists, SBOMs,\n"
    "                    archives: tar, .deb, .rpm, zip, cpio, ISO; each\n"
    "                    file is read as what its content shows, archives\n"
    "                    member by member, never unpacked to disk); one\n"
    "                    directory that holds a root filesystem is\n"
    "                    scanned as --root\n"
    "                    Artefacts without --root scan no root at all;\n"
    "                    one that is corrupt is an error (exit 2)\n"
    "  --inventory FILE  judge an inventory saved by 'voorzorg collect' or\n"
    "                    voorzorg-collect.exe instead of collecting: the\n"
    "                    same findings as a scan where it was collected\n"
    "  --osquery FILE    judge osquery results (docs/osquery.md): one JSON\n"
    "                    object keyed by table, or TABLE.json files of\n"
    "                    rows; may be repeated\n"
    "  --sector NAME     the organisation's sector (a sector id of the\n"
    "                    catalogue, e.g. central-government)\n"
    "  --format F        text (default), json, jsonl (one finding per\n"
    "                    line, then a summary line), csv or sarif\n"
    "                    (SARIF 2.1.0); see docs/report.md\n"
    "  --output FILE     write the report to FILE instead of standard\n"
    "                    output ('-'): a regular file atomically,\n"
    "                    keeping its mode; a device or FIFO in place\n"
    "  --strict          any unreadable item makes the scan incomplete\n"
    "                    (by default only a source that may hide a\n"
    "                    product does: a package database, a registry\n"
    "                    hive, most processes of a live host)\n"
    "  --jobs N          threads that hash files and check Authenticode\n"
    "                    signatures while the walk goes on (default:\n"
    "                    $VOORZORG_JOBS, else one per online CPU; 1: the\n"
    "                    walk does it alone); the report is the same\n"
    "                    whatever N\n"
    "  --fail-on LEVEL   exit 1 when a finding reaches LEVEL: action (the\n"
    "                    default: a measure asks something of the\n"
    "                    sector), any (any finding), never, or a risk\n"
    "                    level of the catalogue's rules (e.g. medium);\n"
    "                    with action and any, a tampered signature too\n"
    "  --submit URL      also send the JSON report to the fleet server at\n"
    "                    URL (voorzorg serve), with the node key that\n"
    "                    'voorzorg enroll' stored; it waits in the spool\n"
    "                    ($VOORZORG_SPOOL_DIR, else STATE_DIR/spool) until\n"
    "                    the server has it\n"
    "  --ca FILE         verify the server's TLS certificate with this CA\n"
    "                    bundle instead of the system's\n"
    "  -h, --help        show this help\n"
    CLI_CATALOG_HELP CLI_COMMON_HELP
    "\n"
    "exit status: 0 nothing needs action and everything that applies\n"
    "was examined, 1 findings at or above --fail-on, 2 usage or input\n"
    "error, 3 internal or environment error, 4 incomplete: something\n"
    "that applies could not be examined (and nothing reached --fail-on)\n";

enum {
	O_ROOT,
	O_SECTOR,
	O_FORMAT,
	O_OUTPUT,
	O_FAILON,
	O_HIVE,
	O_SBOM,
	O_SUBMIT,
	O_CA,
	O_STRICT,
	O_HELP,
	O_INVENTORY,
	O_OSQUERY,
	O_JOBS,
	O_CATALOG,
	O_PUBKEY,
	O_UNSIGNED,
	O_COUNT
};

static int progress_shown;

static void progress(void *ctx, const char *collector, const vz_stats *st)
{
	(void)ctx;
	if (collector == NULL) {
		if (progress_shown)
			fputs("\r\033[K", stderr);
		progress_shown = 0;
		return;
	}
	fprintf(stderr,
	        "\r\033[Kvoorzorg: scanning (%s): %llu files, %llu dirs, "
	        "%llu packages",
	        collector,
	        (unsigned long long)vz_stats_get(st, VZ_STAT_FILES),
	        (unsigned long long)vz_stats_get(st, VZ_STAT_DIRS),
	        (unsigned long long)vz_stats_get(st, VZ_STAT_PACKAGES));
	progress_shown = 1;
}

/* --submit: the JSON report, spooled and sent (src/submit.c). */
static int submit(const vz_scan *scan, vz_report_format fmt,
                  const char *rendered, const struct cli_opt *url,
                  const char *ca)
{
	char *json = NULL;
	int ex;

	if (fmt != VZ_REPORT_JSON &&
	    vz_report_render(scan, VZ_REPORT_JSON, &json) != VZ_OK) {
		fprintf(stderr, "%s: submit: out of memory\n", cli_prog);
		return -1;
	}
	ex = cli_submit(url->value, ca, json ? json : rendered);
	vz_free(json);
	return ex == VZ_EXIT_OK ? 0 : -1;
}

static int parse_format(const char *s, vz_report_format *f)
{
	if (s == NULL || strcmp(s, "text") == 0)
		*f = VZ_REPORT_TEXT;
	else if (strcmp(s, "json") == 0)
		*f = VZ_REPORT_JSON;
	else if (strcmp(s, "sarif") == 0)
		*f = VZ_REPORT_SARIF;
	else if (strcmp(s, "jsonl") == 0)
		*f = VZ_REPORT_JSONL;
	else if (strcmp(s, "csv") == 0)
		*f = VZ_REPORT_CSV;
	else
		return -1;
	return 0;
}

int cmd_scan(int argc, char **argv)
{
	struct cli_opt opts[O_COUNT] = {
		{"root", 1, NULL},   {"sector", 1, NULL}, {"format", 1, NULL},
		{"output", 1, NULL}, {"fail-on", 1, NULL},
		{"hive", CLI_REPEAT, NULL}, {"sbom", CLI_REPEAT, NULL},
		{"submit", 1, NULL}, {"ca", 1, NULL}, {"strict", 0, NULL},
		{"help", 0, NULL}, {"inventory", 1, NULL},
		{"osquery", CLI_REPEAT, NULL}, {"jobs", 1, NULL},
		CLI_CATALOG_OPTIONS};
	struct cli_catalog_opts co;
	const char *root, *output, *failon;
	vz_catalog *cat = NULL;
	vz_scan *scan = NULL;
	vz_scan_opts so;
	vz_report_format fmt;
	vz_error err;
	char *pos[64], *out = NULL, line[1024], why[128];
	const char *hives[64], *sboms[64], *osq[64];
	struct cli_source src;
	vz_status rc;
	int npos, ex, fails = 0, nhives, nsboms, nosq;
	long jobs;
	struct stat st;

	vz_error_clear(&err);
	if (cli_parse("scan", argc, argv, 1, opts, O_COUNT, pos,
	              CLI_NPOS(pos), &npos) != 0)
		return VZ_EXIT_USAGE;
	if (opts[O_HELP].value != NULL) {
		fputs(scan_help, stdout);
		fputs(scan_options_help, stdout);
		return fflush(stdout) == 0 ? VZ_EXIT_OK : VZ_EXIT_INTERNAL;
	}
	if ((opts[O_SUBMIT].value && !cli_url_ok(opts[O_SUBMIT].value)) ||
	    (opts[O_CA].value && !opts[O_SUBMIT].value)) {
		cli_usage_error("scan", "--submit takes an http:// or https:// "
		                        "URL; --ca goes with --submit");
		return VZ_EXIT_USAGE;
	}
	nhives = cli_all(argc, argv, 1, opts, O_COUNT, "hive", hives, 64);
	nsboms = cli_all(argc, argv, 1, opts, O_COUNT, "sbom", sboms, 64);
	nosq = cli_all(argc, argv, 1, opts, O_COUNT, "osquery", osq, 64);
	if (cli_source_check(opts[O_INVENTORY].value, osq, nosq,
	                     opts[O_ROOT].value || nhives || nsboms || npos) !=
	    0)
		return VZ_EXIT_USAGE;
	if (nhives > 64 || nsboms > 64) {
		cli_usage_error("scan", "too many --%s files (at most 64)",
		                nhives > 64 ? "hive" : "sbom");
		return VZ_EXIT_USAGE;
	}
	if (parse_format(opts[O_FORMAT].value, &fmt) != 0) {
		cli_usage_error("scan", "unknown format '%s' (use text, json, "
		                        "jsonl, csv or sarif)",
		                opts[O_FORMAT].value);
		return VZ_EXIT_USAGE;
	}
	jobs = cli_jobs("scan", opts[O_JOBS].value);
	if (jobs < 0)
		return VZ_EXIT_USAGE;
	root = opts[O_ROOT].value;
	/*
	 * One directory that holds a root filesystem, given alone: that is a
	 * root, and walking it as loose files would leave its package
	 * databases unread. With other artefacts it is refused (the library
	 * names --root).
	 */
	if (root == NULL && npos == 1 && nhives == 0 && nsboms == 0 &&
	    vz_root_like(pos[0], why, sizeof(why))) {
		cli_info("%s holds a root filesystem (%s): scanning it as "
		         "--root %s",
		         pos[0], why, pos[0]);
		root = pos[0];
		npos = 0;
	}
	output = opts[O_OUTPUT].value;
	if (output != NULL && strcmp(output, "-") == 0)
		output = NULL; /* standard output, as everywhere */
	failon = opts[O_FAILON].value;
	if (root != NULL && (stat(root, &st) != 0 || !S_ISDIR(st.st_mode))) {
		fprintf(stderr, "%s: %s: not a directory%s%s\n", cli_prog, root,
		        errno ? ": " : "", errno ? strerror(errno) : "");
		return VZ_EXIT_USAGE;
	}
	if (outfile_inside_input(output, root, pos, npos, "report",
	                         "scanned"))
		return VZ_EXIT_USAGE;
	/* Verify the catalogue before use; the report says how it went. */
	co.path = opts[O_CATALOG].value;
	co.pubkey = opts[O_PUBKEY].value;
	co.allow_unsigned = opts[O_UNSIGNED].value != NULL;
	ex = cli_open_catalog(&co, &cat);
	if (ex != VZ_EXIT_OK)
		return ex;
	if (opts[O_SECTOR].value != NULL &&
	    cli_check_sector("scan", cat, opts[O_SECTOR].value) != 0) {
		vz_catalog_free(cat);
		return VZ_EXIT_USAGE;
	}
	rc = vz_scan_fails(NULL, cat, failon, &fails, &err);
	if (rc != VZ_OK)
		goto fail;
	vz_scan_opts_init(&so);
	so.root = root;
	so.hives = hives;
	so.nhives = (size_t)nhives;
	so.sboms = sboms;
	so.nsboms = (size_t)nsboms;
	so.paths = (const char *const *)pos;
	so.npaths = (size_t)npos;
	so.sector = opts[O_SECTOR].value;
	so.strict = opts[O_STRICT].value != NULL;
	so.jobs = (unsigned)jobs;
	so.signature = vz_catalog_signature(cat);
	so.source = cli_source_init(&src, cat, opts[O_INVENTORY].value, osq,
	                            nosq);
	if (isatty(STDERR_FILENO) && cli_verbosity >= 0)
		so.progress = progress;
	rc = vz_scan_run(cat, &so, &scan, &err);
	progress(NULL, NULL, NULL);
	if (rc != VZ_OK)
		goto fail;
	rc = vz_report_render(scan, fmt, &out);
	if (rc != VZ_OK)
		goto fail;
	if (cli_write_output(output, out, strlen(out)) != 0) {
		ex = VZ_EXIT_INTERNAL;
		goto done;
	}
	if (opts[O_SUBMIT].value && submit(scan, fmt, out, &opts[O_SUBMIT],
	                                   opts[O_CA].value) != 0) {
		ex = VZ_EXIT_INTERNAL;
		goto done;
	}
	rc = vz_scan_fails(scan, cat, failon, &fails, &err);
	if (rc != VZ_OK)
		goto fail;
	/* Findings first: an incomplete scan that found something still
	 * needs action; one that found nothing is not clean. */
	ex = fails                     ? VZ_EXIT_FINDINGS
	     : !vz_scan_complete(scan) ? VZ_EXIT_INCOMPLETE
	                               : VZ_EXIT_OK;
	goto done;
fail:
	if (err.code != VZ_OK || err.msg[0]) {
		vz_error_format(&err, line, sizeof(line));
		fprintf(stderr, "%s: %s\n", cli_prog, line);
	} else {
		fprintf(stderr, "%s: scan: %s\n", cli_prog, vz_strerror(rc));
	}
	ex = cli_exit_for(rc);
done:
	vz_free(out);
	vz_scan_free(scan);
	vz_catalog_free(cat);
	return ex;
}
