/*
 * src/cmd_collect.c - `voorzorg collect`: run the collectors of a scan
 * and save what they saw as an inventory (docs/inventory.md), to be
 * judged later, elsewhere, with `voorzorg scan --inventory`.
 *
 * The catalogue is used only as a scan uses it while collecting: to
 * choose which files are worth hashing (their size), which registry keys
 * to walk and which signatures to verify. Every record the collectors
 * produce is written, so the saved inventory gives the same findings as
 * a live scan with that catalogue. Records stream to a temporary file
 * beside --output, renamed over it only when complete.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "outfile.h"

static const char collect_help[] =
    "usage: voorzorg collect [--root DIR] [--hive FILE]... [--sbom FILE]...\n"
    "                        [PATH...] --output FILE [--catalog FILE]\n"
    "                        [--pubkey KEY] [--allow-unsigned] [--jobs N]\n"
    "       voorzorg collect --windows-keys FILE [--catalog FILE]\n"
    "\n"
    "Collect what a scan would read on this host (default), on an offline\n"
    "root (--root) or in artefacts given one by one, and save it as an\n"
    "inventory (JSON Lines, docs/inventory.md) with the host's identity,\n"
    "the collectors that ran and what could not be read. Judge it later,\n"
    "on another machine, with 'voorzorg scan --inventory FILE': the\n"
    "findings are those a scan here would give with the same catalogue.\n"
    "The catalogue only chooses which files are hashed, which registry\n"
    "keys are walked and which signatures are verified.\n"
    "\n"
    "options:\n"
    "  --root DIR        collect this root instead of the live host;\n"
    "                    symbolic links are never followed out of it, and\n"
    "                    nothing in it is written\n"
    "  --hive FILE       read this registry hive; may be repeated\n"
    "  --sbom FILE       read this SBOM; may be repeated\n"
    "  PATH...           files or directories to examine\n"
    "  --output FILE     write the inventory to FILE (required), atomically\n"
    "  --jobs N          threads that hash files and check signatures, as\n"
    "                    for scan (default: $VOORZORG_JOBS, else one per\n"
    "                    online CPU); the inventory is the same whatever N\n"
    "  --windows-keys FILE\n"
    "                    instead of collecting, write the registry keys\n"
    "                    the catalogue's fingerprints can match, one a\n"
    "                    line, for voorzorg-collect.exe --keys FILE\n"
    "  -h, --help        show this help\n"
    CLI_CATALOG_HELP
    CLI_COMMON_HELP
    "\n"
    "exit status: 0 the inventory was written, 2 usage or input error,\n"
    "3 internal or environment error; 1 (findings) and 4 (incomplete)\n"
    "are given by scan, which judges the inventory and what it could\n"
    "not read\n";

enum {
	O_ROOT,
	O_OUTPUT,
	O_HIVE,
	O_SBOM,
	O_KEYS,
	O_JOBS,
	O_HELP,
	O_CATALOG,
	O_PUBKEY,
	O_UNSIGNED,
	O_COUNT
};

static vz_status to_file(void *ctx, const char *data, size_t len)
{
	return outfile_write(ctx, data, len) == 0 ? VZ_OK : VZ_E_IO;
}

/* --windows-keys FILE: the keys voorzorg-collect.exe is to read. */
static int windows_keys(const struct cli_opt *opts)
{
	struct cli_catalog_opts cco;
	struct outfile of;
	vz_catalog *cat = NULL;
	vz_matcher *m = NULL;
	vz_error err;
	char *keys = NULL;
	int ex;

	vz_error_clear(&err);
	cco.path = opts[O_CATALOG].value;
	cco.pubkey = opts[O_PUBKEY].value;
	cco.allow_unsigned = opts[O_UNSIGNED].value != NULL;
	ex = cli_open_catalog(&cco, &cat);
	if (ex != VZ_EXIT_OK)
		return ex;
	ex = VZ_EXIT_INTERNAL;
	if (vz_matcher_new(cat, &m, &err) != VZ_OK ||
	    vz_matcher_registry_keys(m, &keys) != VZ_OK) {
		fprintf(stderr, "%s: out of memory\n", cli_prog);
		goto out;
	}
	if (outfile_open(&of, opts[O_KEYS].value) != 0)
		goto out;
	outfile_write(&of, keys, strlen(keys));
	ex = outfile_commit(&of) == 0 ? VZ_EXIT_OK : VZ_EXIT_INTERNAL;
out:
	vz_free(keys);
	vz_matcher_free(m);
	vz_catalog_free(cat);
	return ex;
}

int cmd_collect(int argc, char **argv)
{
	struct cli_opt opts[O_COUNT] = {
		{"root", 1, NULL}, {"output", 1, NULL},
		{"hive", CLI_REPEAT, NULL}, {"sbom", CLI_REPEAT, NULL},
		{"windows-keys", 1, NULL}, {"jobs", 1, NULL},
		{"help", 0, NULL}, CLI_CATALOG_OPTIONS};
	struct cli_catalog_opts cco;
	struct outfile of;
	const char *root, *output, *hives[64], *sboms[64];
	char *pos[64], line[1024], when[32];
	vz_inventory_writer *w = NULL;
	vz_inventory_meta meta;
	vz_collect_opts co;
	vz_matcher *m = NULL;
	vz_catalog *cat = NULL;
	vz_stats *st = NULL;
	vz_sink hints, sink;
	vz_host host;
	vz_error err;
	struct tm tm;
	struct stat sb;
	time_t now = time(NULL);
	vz_status rc;
	int npos, nhives, nsboms, ex, opened = 0;
	long jobs;

	vz_error_clear(&err);
	memset(&host, 0, sizeof(host));
	if (cli_parse("collect", argc, argv, 1, opts, O_COUNT, pos,
	              CLI_NPOS(pos), &npos) != 0)
		return VZ_EXIT_USAGE;
	if (opts[O_HELP].value != NULL) {
		fputs(collect_help, stdout);
		return fflush(stdout) == 0 ? VZ_EXIT_OK : VZ_EXIT_INTERNAL;
	}
	nhives = cli_all(argc, argv, 1, opts, O_COUNT, "hive", hives, 64);
	nsboms = cli_all(argc, argv, 1, opts, O_COUNT, "sbom", sboms, 64);
	if (nhives > 64 || nsboms > 64) {
		cli_usage_error("collect", "too many --%s files (at most 64)",
		                nhives > 64 ? "hive" : "sbom");
		return VZ_EXIT_USAGE;
	}
	jobs = cli_jobs("collect", opts[O_JOBS].value);
	if (jobs < 0)
		return VZ_EXIT_USAGE;
	root = opts[O_ROOT].value;
	output = opts[O_OUTPUT].value;
	if (opts[O_KEYS].value != NULL) {
		if (output || root || nhives || nsboms || npos) {
			cli_usage_error("collect", "--windows-keys writes only "
			                           "the key list");
			return VZ_EXIT_USAGE;
		}
		return windows_keys(opts);
	}
	if (output == NULL || *output == '\0') {
		cli_usage_error("collect", "--output FILE is required");
		return VZ_EXIT_USAGE;
	}
	if (root != NULL && (stat(root, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
		fprintf(stderr, "%s: %s: not a directory\n", cli_prog, root);
		return VZ_EXIT_USAGE;
	}
	if (outfile_inside_input(output, root, pos, npos, "inventory",
	                         "collected"))
		return VZ_EXIT_USAGE;
	cco.path = opts[O_CATALOG].value;
	cco.pubkey = opts[O_PUBKEY].value;
	cco.allow_unsigned = opts[O_UNSIGNED].value != NULL;
	ex = cli_open_catalog(&cco, &cat);
	if (ex != VZ_EXIT_OK)
		return ex;
	ex = VZ_EXIT_INTERNAL;
	st = vz_stats_new();
	if (st == NULL) {
		rc = VZ_E_NOMEM;
		goto fail;
	}
	rc = vz_matcher_new(cat, &m, &err);
	if (rc != VZ_OK)
		goto fail;
	vz_matcher_sink(m, &hints);
	/* Artefacts alone: no root, no host (as in a scan). */
	memset(&meta, 0, sizeof(meta));
	if (root != NULL || nhives + nsboms + npos == 0) {
		meta.root = root ? root : "/";
		rc = vz_host_probe(meta.root, &host);
		if (rc != VZ_OK) {
			vz_error_format(&err, line, sizeof(line));
			fprintf(stderr, "%s: %s: cannot open the root\n",
			        cli_prog, meta.root);
			ex = VZ_EXIT_USAGE;
			goto done;
		}
	}
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	meta.machine_id = host.machine_id;
	meta.hostname = host.hostname;
	meta.fqdn = host.fqdn;
	meta.os = host.os;
	meta.live = host.live;
	meta.collected_at = when;
	meta.tool = "voorzorg";
	meta.tool_version = vz_version();
	meta.catalog_id = vz_catalog_id(cat);
	meta.catalog_version = vz_catalog_version(cat);
	if (outfile_open(&of, output) != 0)
		goto done;
	opened = 1;
	rc = vz_inventory_writer_new(&meta, to_file, &of, &w);
	if (rc != VZ_OK)
		goto fail;
	vz_inventory_writer_sink(w, &hints, &sink);
	memset(&co, 0, sizeof(co));
	co.root = root;
	co.hives = hives;
	co.nhives = (size_t)nhives;
	co.sboms = sboms;
	co.nsboms = (size_t)nsboms;
	co.paths = (const char *const *)pos;
	co.npaths = (size_t)npos;
	co.jobs = (unsigned)jobs;
	rc = vz_collect(&co, NULL, &sink, st, &err);
	if (rc == VZ_OK)
		rc = vz_inventory_writer_finish(w, st);
	if (rc != VZ_OK)
		goto fail;
	opened = 0;
	ex = outfile_commit(&of) == 0 ? VZ_EXIT_OK : VZ_EXIT_INTERNAL;
	goto done;
fail:
	if (rc == VZ_E_IO && of.failed && opened) {
		fprintf(stderr, "%s: %s: cannot write: %s\n", cli_prog, output,
		        strerror(of.err));
	} else if (err.code != VZ_OK || err.msg[0]) {
		vz_error_format(&err, line, sizeof(line));
		fprintf(stderr, "%s: %s\n", cli_prog, line);
	} else {
		fprintf(stderr, "%s: collect: %s\n", cli_prog,
		        vz_strerror(rc));
	}
	ex = cli_exit_for(rc);
done:
	if (opened)
		outfile_abort(&of);
	vz_inventory_writer_free(w);
	vz_host_clear(&host);
	vz_matcher_free(m);
	vz_stats_free(st);
	vz_catalog_free(cat);
	return ex;
}
