/*
 * tests/scan/test_scan_units.c - unit tests of the scanner's parts: the
 * dpkg status parser, the rpm header parser, the matcher (exact names,
 * globs, unit stems, process and module names, file hashes by size), the
 * state rule, the file walk when files vanish mid-scan, and allocation
 * failure at every point of a whole scan and its reports.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "../vz_test.h"
#include "../../lib/collect/collect_int.h"
#include "../../lib/match/match_int.h"

#define CATALOG "tests/scan/catalog.json"

/* The stand-in daemon of mkroots.sh: its hash is in the catalogue. */
static const char daemon_text[] =
    "#!/bin/sh\n# voorzorg test fixture: stands in for the KESL daemon "
    "binary.\nexit 0\n";

static vz_catalog *load_catalog(void)
{
	size_t len = 0;
	char *data = vz_test_slurp(CATALOG, &len);
	vz_catalog *cat = NULL;

	assert_non_null(data);
	assert_int_equal(vz_catalog_load_buffer(data, len, CATALOG, &cat, NULL),
	                 VZ_OK);
	free(data);
	return cat;
}

/* ---- dpkg ------------------------------------------------------------ */

struct seen {
	char names[16][64];
	char status[16][64];
	int n;
};

static int on_pkg(void *ctx, const struct vz_dpkg_pkg *p)
{
	struct seen *s = ctx;

	if (s->n < 16) {
		snprintf(s->names[s->n], 64, "%.*s", (int)p->package.n,
		         p->package.p);
		snprintf(s->status[s->n], 64, "%.*s", (int)p->status.n,
		         p->status.p);
		s->n++;
	}
	return 0;
}

static void test_dpkg_parse(void **state)
{
	static const char text[] =
	    "Package: a\nStatus: install ok installed\nDescription: x\n"
	    " continued\n .\n\n"
	    "package: b\nSTATUS:   deinstall ok config-files  \n"
	    "Version: 1\n\n\n"
	    "Version: 2\nStatus: install ok installed\n\n"
	    "Package: c\nStatus: install ok unknown-state\n\n"
	    "no field here\n"
	    "Package: d\nStatus: install reinstreq half-installed";
	struct vz_dpkg_errs e = {0, 0, NULL};
	struct seen s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(vz__dpkg_parse(text, strlen(text), on_pkg, &s, &e),
	                 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.names[0], "a");
	assert_string_equal(s.names[1], "b");
	assert_string_equal(s.status[1], "deinstall ok config-files");
	assert_string_equal(s.names[2], "d");
	/* No Package; a bad state; a line without a field name. */
	assert_int_equal(e.malformed, 3);
	assert_int_equal(e.first_line, 12);
}

static void test_dpkg_status_words(void **state)
{
	vz_pkg_state st;

	(void)state;
	assert_int_equal(vz__dpkg_status("install ok installed", 20, &st), 0);
	assert_int_equal(st, VZ_PKG_INSTALLED);
	assert_int_equal(vz__dpkg_status("hold ok installed", 17, &st), 0);
	assert_int_equal(vz__dpkg_status("deinstall ok config-files", 25, &st),
	                 0);
	assert_int_equal(st, VZ_PKG_CONFIG_FILES);
	assert_int_equal(vz__dpkg_status("install ok unpacked", 19, &st), 0);
	assert_int_equal(st, VZ_PKG_PARTIAL);
	assert_int_equal(vz__dpkg_status("purge ok not-installed", 22, &st), 0);
	assert_int_equal(st, VZ_PKG_NOT_INSTALLED);
	assert_int_equal(vz__dpkg_status("install ok", 10, &st), -1);
	assert_int_equal(vz__dpkg_status("install  ok installed", 21, &st), -1);
	assert_int_equal(vz__dpkg_status("install ok installed x", 22, &st), -1);
	assert_int_equal(vz__dpkg_status("maybe ok installed", 18, &st), -1);
	assert_int_equal(vz__dpkg_status("", 0, &st), -1);
}

/* Every prefix of a status file parses without reading past its end. */
static void test_dpkg_truncations(void **state)
{
	static const char text[] = "Package: kesl\nStatus: install ok "
	                           "installed\nVersion: 1\n\nPackage: x\n";
	struct seen s;
	size_t n;

	(void)state;
	for (n = 0; n <= sizeof(text) - 1; n++) {
		char *copy = malloc(n ? n : 1);

		memcpy(copy, text, n);
		memset(&s, 0, sizeof(s));
		vz__dpkg_parse(copy, n, on_pkg, &s, NULL);
		assert_true(s.n <= 1);
		free(copy);
	}
}

/* ---- rpm header -------------------------------------------------------- */

struct hb {
	unsigned char idx[16 * 16];
	unsigned char data[512];
	size_t nidx, ndata;
};

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void hb_tag(struct hb *h, uint32_t tag, uint32_t type,
                   const void *val, size_t len, uint32_t count)
{
	unsigned char *e = h->idx + h->nidx * 16;

	if (type == 4)
		while (h->ndata % 4)
			h->data[h->ndata++] = 0;
	put32(e, tag);
	put32(e + 4, type);
	put32(e + 8, (uint32_t)h->ndata);
	put32(e + 12, count);
	memcpy(h->data + h->ndata, val, len);
	h->ndata += len;
	h->nidx++;
}

static size_t hb_blob(const struct hb *h, unsigned char *out)
{
	put32(out, (uint32_t)h->nidx);
	put32(out + 4, (uint32_t)h->ndata);
	memcpy(out + 8, h->idx, h->nidx * 16);
	memcpy(out + 8 + h->nidx * 16, h->data, h->ndata);
	return 8 + h->nidx * 16 + h->ndata;
}

static size_t sample_header(unsigned char *out)
{
	struct hb h;
	unsigned char ep[4] = {0, 0, 0, 2};

	memset(&h, 0, sizeof(h));
	hb_tag(&h, 1000, 6, "kav4fs", 7, 1);
	hb_tag(&h, 1001, 6, "8.0.4", 6, 1);
	hb_tag(&h, 1002, 6, "312", 4, 1);
	hb_tag(&h, 1003, 4, ep, 4, 1);
	hb_tag(&h, 1011, 6, "Kaspersky Lab", 14, 1);
	hb_tag(&h, 1022, 6, "x86_64", 7, 1);
	hb_tag(&h, 1004, 9, "summary", 8, 1);
	return hb_blob(&h, out);
}

static void test_rpm_header(void **state)
{
	unsigned char blob[1024], magic[1032] = {0x8e, 0xad, 0xe8, 0x01};
	struct vz_rpmhdr r;
	const char *why;
	size_t n = sample_header(blob), k;

	(void)state;
	assert_int_equal(vz__rpmhdr_parse(blob, n, &r, &why), VZ_OK);
	assert_string_equal(r.name, "kav4fs");
	assert_string_equal(r.version, "8.0.4");
	assert_string_equal(r.release, "312");
	assert_string_equal(r.vendor, "Kaspersky Lab");
	assert_string_equal(r.arch, "x86_64");
	assert_true(r.has_epoch);
	assert_int_equal(r.epoch, 2);
	memcpy(magic + 8, blob, n);
	assert_int_equal(vz__rpmhdr_parse(magic, n + 8, &r, &why), VZ_OK);
	/* Every truncation is refused, none read past the end. */
	for (k = 0; k < n; k++) {
		unsigned char *t = malloc(k ? k : 1);

		memcpy(t, blob, k);
		assert_int_equal(vz__rpmhdr_parse(t, k, &r, &why), VZ_E_PARSE);
		assert_non_null(why);
		free(t);
	}
}

static void test_rpm_header_rejects(void **state)
{
	unsigned char blob[1024];
	struct vz_rpmhdr r;
	const char *why;
	struct hb h;
	size_t n;

	(void)state;
	/* A string that runs off the end of the data. */
	memset(&h, 0, sizeof(h));
	hb_tag(&h, 1000, 6, "abc", 3, 1);
	n = hb_blob(&h, blob);
	assert_int_equal(vz__rpmhdr_parse(blob, n, &r, &why), VZ_E_PARSE);
	/* The name as an integer. */
	memset(&h, 0, sizeof(h));
	hb_tag(&h, 1000, 4, "\0\0\0\1", 4, 1);
	n = hb_blob(&h, blob);
	assert_int_equal(vz__rpmhdr_parse(blob, n, &r, &why), VZ_E_PARSE);
	/* An offset beyond the data. */
	memset(&h, 0, sizeof(h));
	hb_tag(&h, 1000, 6, "abc", 4, 1);
	n = hb_blob(&h, blob);
	put32(blob + 8 + 8, 1000);
	assert_int_equal(vz__rpmhdr_parse(blob, n, &r, &why), VZ_E_PARSE);
	/* An index count that would make rpm allocate gigabytes. */
	put32(blob, 0x7fffffff);
	assert_int_equal(vz__rpmhdr_parse(blob, n, &r, &why), VZ_E_PARSE);
	/* No name at all. */
	memset(&h, 0, sizeof(h));
	hb_tag(&h, 1001, 6, "1.0", 4, 1);
	n = hb_blob(&h, blob);
	assert_int_equal(vz__rpmhdr_parse(blob, n, &r, &why), VZ_E_PARSE);
	assert_string_equal(why, "no package name");
}

/* ---- matcher ----------------------------------------------------------- */

static void feed(vz_matcher *m, vz_record *r)
{
	vz_sink sink;

	vz_matcher_sink(m, &sink);
	assert_int_equal(sink.record(sink.ctx, r), VZ_OK);
}

static vz_state state_of(vz_matcher *m, const char *id, size_t *nev)
{
	const vz_evidence *ev;
	size_t i, om;
	vz_state st;
	const char *p;

	for (i = 0; (p = vz_matcher_hit(m, i, &st, &ev, nev, &om)); i++)
		if (strcmp(p, id) == 0)
			return st;
	fail_msg("no hit for %s", id);
	return VZ_STATE_RESIDUE;
}

static void file_rec(vz_record *r, const char *path, vz_file_type t,
                     uint64_t dir_id)
{
	memset(r, 0, sizeof(*r));
	r->kind = VZ_REC_FILE;
	r->source = "files";
	r->name = path;
	r->file_type = t;
	r->dirlen = (size_t)(strrchr(path, '/') - path);
	r->dir_id = dir_id;
}

static void test_match_paths(void **state)
{
	vz_catalog *cat = load_catalog();
	vz_matcher *m = NULL;
	vz_record r;
	size_t nev;

	(void)state;
	assert_int_equal(vz_matcher_new(cat, &m, NULL), VZ_OK);
	/* 18 Linux fingerprints and a registry one (for Windows volumes). */
	assert_int_equal(vz_matcher_fingerprints(m), 19);
	assert_int_equal(vz_matcher_not_applicable(m), 0);
	/* A glob '*' does not cross '/': lib64 matches, lib64/x does not. */
	file_rec(&r, "/opt/kaspersky/kesl/lib64/libx.so", VZ_FT_REGULAR, 1);
	feed(m, &r);
	assert_int_equal(vz_matcher_hits(m), 0);
	/* Suffix decoys are not the path. */
	file_rec(&r, "/home/k/opt/kaspersky/kesl/bin/kesl-control",
	         VZ_FT_REGULAR, 2);
	feed(m, &r);
	file_rec(&r, "/opt/kaspersky/kesl/bin/kesl-control.bak",
	         VZ_FT_REGULAR, 3);
	feed(m, &r);
	assert_int_equal(vz_matcher_hits(m), 0);
	/* Data only: residue. */
	file_rec(&r, "/var/opt/kaspersky/kesl", VZ_FT_DIRECTORY, 4);
	feed(m, &r);
	assert_int_equal(state_of(m, "kaspersky-endpoint-security-linux", &nev),
	                 VZ_STATE_RESIDUE);
	/* A program file: present. Same directory id, cache reused. */
	file_rec(&r, "/opt/kaspersky/kesl/lib32", VZ_FT_DIRECTORY, 5);
	feed(m, &r);
	file_rec(&r, "/opt/kaspersky/kesl/libarm64", VZ_FT_DIRECTORY, 5);
	feed(m, &r);
	assert_int_equal(state_of(m, "kaspersky-endpoint-security-linux", &nev),
	                 VZ_STATE_PRESENT);
	assert_int_equal(nev, 3);
	vz_matcher_free(m);
	vz_catalog_free(cat);
}

static void proc_rec(vz_record *r, const char *name, const char *path,
                     long pid)
{
	memset(r, 0, sizeof(*r));
	r->kind = VZ_REC_PROCESS;
	r->source = "procs";
	r->name = name;
	r->path = path;
	r->pid = pid;
}

/* Evidence of `kind` for `item` in the product's list, or NULL. */
static const vz_evidence *ev_of(vz_matcher *m, const char *id,
                                const char *kind, const char *item)
{
	const vz_evidence *ev;
	size_t i, j, nev, om;
	vz_state st;
	const char *p;

	for (i = 0; (p = vz_matcher_hit(m, i, &st, &ev, &nev, &om)); i++)
		for (j = 0; strcmp(p, id) == 0 && j < nev; j++)
			if (strcmp(ev[j].kind, kind) == 0 &&
			    strcmp(ev[j].item, item) == 0)
				return &ev[j];
	return NULL;
}

/*
 * A process running a file that matched a product makes it running, in
 * either order of the records; a process named otherwise, a member of an
 * archive and an artefact named on the command line do not.
 */
static void test_match_running(void **state)
{
	static const char exe[] = "/opt/kaspersky/kesl/bin/kesl-control";
	static const char *const id = "kaspersky-endpoint-security-linux";
	vz_catalog *cat = load_catalog();
	vz_matcher *m = NULL;
	const vz_evidence *e;
	vz_record r;
	size_t nev;
	int order;

	(void)state;
	for (order = 0; order < 2; order++) {
		assert_int_equal(vz_matcher_new(cat, &m, NULL), VZ_OK);
		if (order == 1) {
			proc_rec(&r, "control", exe, 4242);
			feed(m, &r);
		}
		file_rec(&r, exe, VZ_FT_REGULAR, 1);
		feed(m, &r);
		if (order == 0) {
			proc_rec(&r, "control", exe, 4242);
			feed(m, &r);
		}
		assert_int_equal(state_of(m, id, &nev), VZ_STATE_RUNNING);
		e = ev_of(m, id, "process", exe);
		assert_non_null(e);
		assert_string_equal(e->detail,
		                    "pid 4242: runs a matched executable");
		assert_string_equal(e->source, "procs");
		vz_matcher_free(m);
	}
	/* Another executable running, and the same path read from an
	 * archive or as an artefact: installed or present, not running. */
	assert_int_equal(vz_matcher_new(cat, &m, NULL), VZ_OK);
	proc_rec(&r, "bash", "/usr/bin/bash", 1);
	feed(m, &r);
	proc_rec(&r, "control", exe, 4242);
	feed(m, &r);
	file_rec(&r, exe, VZ_FT_REGULAR, 1);
	r.source = "archive";
	r.origin = "kesl.deb:/data.tar.xz";
	feed(m, &r);
	file_rec(&r, exe, VZ_FT_REGULAR, 2);
	r.flags = VZ_RECF_ARTEFACT;
	feed(m, &r);
	assert_true(state_of(m, id, &nev) != VZ_STATE_RUNNING);
	assert_null(ev_of(m, id, "process", exe));
	vz_matcher_free(m);
	vz_catalog_free(cat);
}

static void test_match_names(void **state)
{
	vz_catalog *cat = load_catalog();
	vz_matcher *m = NULL;
	vz_record r;
	size_t nev;

	(void)state;
	assert_int_equal(vz_matcher_new(cat, &m, NULL), VZ_OK);
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_PACKAGE;
	r.source = "dpkg";
	r.name = "kesl";
	r.pkg_state = VZ_PKG_NOT_INSTALLED;
	feed(m, &r);
	assert_int_equal(vz_matcher_hits(m), 0);
	/* An rpm-only fingerprint does not match a deb of that name. */
	r.name = "kav4fs";
	r.source = "rpm";
	r.pkg_state = VZ_PKG_CONFIG_FILES;
	feed(m, &r);
	assert_int_equal(
	    state_of(m, "kaspersky-anti-virus-linux-file-server", &nev),
	    VZ_STATE_RESIDUE);
	r.name = "kesl";
	r.source = "dpkg";
	r.pkg_state = VZ_PKG_PARTIAL;
	r.detail = "install reinstreq half-installed";
	feed(m, &r);
	assert_int_equal(state_of(m, "kaspersky-endpoint-security-linux", &nev),
	                 VZ_STATE_INSTALLED);
	/* An init script named like the pattern, a unit with the suffix. */
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_UNIT;
	r.source = "units";
	r.name = "kesl-supervisor.service";
	r.detail = "/lib/systemd/system/kesl-supervisor.service";
	feed(m, &r);
	r.name = "kesl-supervisor";
	r.detail = "/etc/init.d/kesl-supervisor";
	feed(m, &r);
	r.name = "kesl-supervisor-old.service";
	feed(m, &r);
	assert_int_equal(state_of(m, "kaspersky-endpoint-security-linux", &nev),
	                 VZ_STATE_INSTALLED);
	assert_int_equal(nev, 3);
	/* A live process: running. comm "kesl" of another executable
	 * matches too (comm is what the kernel shows). */
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_PROCESS;
	r.source = "procs";
	r.name = "kesl";
	r.path = "/opt/kaspersky/kesl/libexec/kesl (deleted)";
	r.pid = 42;
	r.detail = "pid 42: kesl /opt/kaspersky/kesl/libexec/kesl";
	feed(m, &r);
	assert_int_equal(state_of(m, "kaspersky-endpoint-security-linux", &nev),
	                 VZ_STATE_RUNNING);
	vz_matcher_free(m);
	vz_catalog_free(cat);
}

static void test_match_hash(void **state)
{
	vz_catalog *cat = load_catalog();
	vz_matcher *m = NULL;
	unsigned char sha[32];
	unsigned int len = 0;
	vz_record r;
	vz_sink sink;
	size_t nev;

	(void)state;
	assert_int_equal(vz_matcher_new(cat, &m, NULL), VZ_OK);
	vz_matcher_sink(m, &sink);
	assert_non_null(sink.want_content);
	assert_true(sink.want_content(sink.ctx, strlen(daemon_text)));
	assert_false(sink.want_content(sink.ctx, 81));
	assert_false(sink.want_content(sink.ctx, 0));
	assert_false(sink.want_content(sink.ctx, 200ULL << 30));
	EVP_Digest(daemon_text, strlen(daemon_text), sha, &len, EVP_sha256(),
	           NULL);
	file_rec(&r, "/srv/x/kesl", VZ_FT_REGULAR, 1);
	r.size = strlen(daemon_text);
	r.sha256 = sha;
	feed(m, &r);
	assert_int_equal(state_of(m, "kaspersky-endpoint-security-linux", &nev),
	                 VZ_STATE_PRESENT);
	sha[0] ^= 1;
	r.name = "/srv/x/other";
	feed(m, &r);
	state_of(m, "kaspersky-endpoint-security-linux", &nev);
	assert_int_equal(nev, 1);
	vz_matcher_free(m);
	vz_catalog_free(cat);
}

/*
 * The coverage verdict (docs/report.md): a failed collector, a source
 * read in part, most processes unreadable, and under strict any item.
 */
static int verdict(const char *name, uint64_t examined, uint64_t bad,
                   int strict)
{
	struct vz__coverage cov;
	vz_stats *st = vz_stats_new();
	int complete;

	assert_non_null(st);
	vz__stats_run_n(st, name, "ran", "target", examined);
	if (bad > 0)
		vz__stats_problem_n(st, name, 1, "Permission denied", "/x", bad);
	assert_int_equal(vz__coverage_build(&cov, st, strict), VZ_OK);
	complete = cov.ngaps == 0;
	vz__coverage_free(&cov);
	vz_stats_free(st);
	return complete;
}

static void test_coverage_verdict(void **state)
{
	(void)state;
	assert_true(verdict("procs", 10, 0, 0));
	assert_true(verdict("procs", 10, 5, 0));  /* half: still complete */
	assert_false(verdict("procs", 10, 6, 0)); /* most: incomplete */
	assert_false(verdict("procs", 0, 1, 0));  /* read nothing: failed */
	assert_false(verdict("dpkg", 10, 1, 0));  /* a source, in part */
	assert_true(verdict("files", 10, 1, 0));  /* a file: --strict only */
	assert_false(verdict("files", 10, 1, 1));
	assert_true(verdict("files", 10, 0, 1));
}

static void test_state_rule(void **state)
{
	(void)state;
	assert_int_equal(vz__state_of(VZ_F_RUNNING | VZ_F_LEFTOVER),
	                 VZ_STATE_RUNNING);
	assert_int_equal(vz__state_of(VZ_F_INSTALLED | VZ_F_PROGRAM),
	                 VZ_STATE_INSTALLED);
	assert_int_equal(vz__state_of(VZ_F_PROGRAM | VZ_F_LEFTOVER),
	                 VZ_STATE_PRESENT);
	assert_int_equal(vz__state_of(VZ_F_LEFTOVER), VZ_STATE_RESIDUE);
	assert_true(vz__path_leftover("/var/opt/kaspersky/kesl"));
	assert_true(vz__path_leftover("/etc"));
	assert_true(vz__path_leftover("/etc/opt/kaspersky/kesl.conf"));
	assert_false(vz__path_leftover("/etcetera/x"));
	assert_false(vz__path_leftover("/opt/kaspersky/kesl"));
	assert_false(vz__path_leftover("/usr/bin/kesl-control"));
	{
		/* Location rules are for roots; an artefact given on the
		 * command line is what it is, wherever it was copied. */
		vz_record r;

		memset(&r, 0, sizeof(r));
		r.kind = VZ_REC_FILE;
		r.name = "/tmp/case-42/opt/kaspersky/kesl/bin/kesl";
		assert_int_equal(vz__path_flag(&r), VZ_F_LEFTOVER);
		r.flags = VZ_RECF_ARTEFACT;
		assert_int_equal(vz__path_flag(&r), VZ_F_PROGRAM);
		r.flags = 0;
		r.name = "/opt/kaspersky/kesl/bin/kesl";
		assert_int_equal(vz__path_flag(&r), VZ_F_PROGRAM);
	}
	assert_int_equal(vz__glob_prefix("/opt/k/lib*"), 10);
	assert_int_equal(vz__glob_prefix("/opt/k/x"), 8);
	assert_int_equal(vz__glob_prefix("[ab]"), 0);
	assert_string_equal(vz_state_name(VZ_STATE_RESIDUE), "residue");
}

/* ---- the file walk ---------------------------------------------------- */

struct vanisher {
	char root[256];
	int deleted;
	unsigned long files;
};

static int want_all(void *ctx, uint64_t size)
{
	(void)ctx;
	(void)size;
	return 0;
}

/* On the first file, delete every other one in the directory. */
static vz_status vanish(void *ctx, const vz_record *r)
{
	struct vanisher *v = ctx;
	char path[512];
	int i;

	if (r->kind != VZ_REC_FILE || r->file_type != VZ_FT_REGULAR)
		return VZ_OK;
	v->files++;
	if (v->deleted)
		return VZ_OK;
	v->deleted = 1;
	for (i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "%s/dir/f%02d", v->root, i);
		if (strcmp(path + strlen(v->root), r->name) != 0)
			unlink(path);
	}
	return VZ_OK;
}

static void make_tree(char *root, size_t n)
{
	char path[512];
	int i, fd;

	snprintf(root, n, "%s/vz-walk.XXXXXX", getenv("TMPDIR") ?
	         getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/dir", root);
	assert_int_equal(mkdir(path, 0755), 0);
	for (i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "%s/dir/f%02d", root, i);
		fd = open(path, O_WRONLY | O_CREAT, 0644);
		assert_true(fd >= 0);
		close(fd);
	}
}

static void remove_tree(const char *root)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

static void test_walk_vanishing(void **state)
{
	struct vanisher v;
	vz_collect_opts o;
	vz_stats *st = vz_stats_new();
	vz_sink sink = {.ctx = &v, .want_content = want_all, .record = vanish};
	size_t i;
	int found = 0;

	(void)state;
	memset(&v, 0, sizeof(v));
	make_tree(v.root, sizeof(v.root));
	memset(&o, 0, sizeof(o));
	o.root = v.root;
	assert_int_equal(vz_collect(&o, "files", &sink, st, NULL), VZ_OK);
	assert_int_equal(v.files, 1);
	for (i = 0; i < vz_stats_problem_count(st); i++) {
		const vz_problem *p = vz_stats_problem(st, i);

		if (strcmp(p->reason, "vanished during the scan") == 0) {
			assert_int_equal(p->count, 19);
			found = 1;
		}
	}
	assert_true(found);
	assert_int_equal(vz_collect(&o, "nonesuch", &sink, st, NULL),
	                 VZ_E_NOTFOUND);
	vz_stats_free(st);
	remove_tree(v.root);
}

/* ---- allocation failure anywhere in a scan ---------------------------- */

static void write_file(const char *root, const char *rel, const char *text)
{
	char path[512], dir[512], *slash;
	int fd;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = strchr(dir + strlen(root) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(dir, 0755);
		*slash = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_scan_alloc_failures(void **state)
{
	vz_catalog *cat = load_catalog();
	char root[256];
	long n;
	int done = 0;

	(void)state;
	make_tree(root, sizeof(root));
	write_file(root, "/var/lib/dpkg/status",
	           "Package: kesl\nStatus: install ok installed\n"
	           "Version: 1\n\nPackage: klnagent64\nStatus: deinstall ok "
	           "config-files\n");
	write_file(root, "/opt/kaspersky/kesl/libexec/kesl", daemon_text);
	write_file(root, "/lib/systemd/system/kesl.service", "[Unit]\n");
	write_file(root, "/var/opt/kaspersky/kesl/x", "x\n");
	vz__alloc_hook_jansson();
	for (n = 0; !done && n < 5000; n++) {
		vz_scan_opts o;
		vz_scan *s = NULL;
		char *out[3] = {NULL, NULL, NULL};
		vz_status rc;
		int f;

		vz_scan_opts_init(&o);
		o.root = root;
		o.sector = "central-government";
		vz__alloc_fail_after(n);
		rc = vz_scan_run(cat, &o, &s, NULL);
		if (rc == VZ_OK) {
			vz_status r1 = vz_report_render(s, VZ_REPORT_TEXT,
			                                &out[0]);
			vz_status r2 = vz_report_render(s, VZ_REPORT_JSON,
			                                &out[1]);
			vz_status r3 = vz_report_render(s, VZ_REPORT_SARIF,
			                                &out[2]);

			for (f = 0; f < 3; f++)
				assert_true(out[f] != NULL ||
				            (f == 0 ? r1 : f == 1 ? r2 : r3) ==
				                VZ_E_NOMEM);
			done = r1 == VZ_OK && r2 == VZ_OK && r3 == VZ_OK;
		} else {
			assert_int_equal(rc, VZ_E_NOMEM);
			assert_null(s);
		}
		if (vz__alloc_fail_after(-1) > n)
			done = 0; /* an allocation failed; try the next */
		if (done) {
			assert_int_equal(vz_scan_count(s), 2);
			assert_non_null(strstr(out[1], "\"installed\""));
		}
		for (f = 0; f < 3; f++)
			vz_free(out[f]);
		vz_scan_free(s);
	}
	assert_true(n > 10);
	vz_catalog_free(cat);
	remove_tree(root);
}

/* ---- a caller's report id and scan time --------------------------------- */

/*
 * A caller judging records seen earlier (the fleet server, an inventory)
 * gives the report's id and scanned_at; each is refused unless exactly of
 * the form a scan writes, before anything is read. Without them: a random
 * id and the time of the scan.
 */
static void test_scan_given_id(void **state)
{
	static const char *const bad_ids[] = {
	    "0123456789ABCDEF0123456789abcdef", "0123456789abcdef",
	    "0123456789abcdef0123456789abcdef0", "0123456789abcdef0123456789abcdeg",
	    ""};
	static const char *const bad_times[] = {
	    "2026-01-02", "2026-02-30T00:00:00Z", "2026-01-02T03:04:05+01:00",
	    "2026-01-02T03:04:05.5Z", "2026-01-02 03:04:05Z",
	    "2026-01-02T24:00:00Z", "yesterday", ""};
	vz_catalog *cat = load_catalog();
	const vz_scan_info *in;
	vz_scan_opts o;
	vz_scan *s = NULL;
	vz_error err;
	char root[256], *json = NULL, first[33];
	size_t i;

	(void)state;
	make_tree(root, sizeof(root));
	vz_scan_opts_init(&o);
	o.root = root;
	o.jobs = 1;
	o.report_id = "0123456789abcdef0123456789abcdef";
	o.scanned_at = "2026-01-02T03:04:05Z";
	assert_int_equal(vz_scan_run(cat, &o, &s, &err), VZ_OK);
	in = vz_scan_get_info(s);
	assert_string_equal(in->report_id, o.report_id);
	assert_string_equal(in->scanned_at, o.scanned_at);
	assert_int_equal(vz_report_render(s, VZ_REPORT_JSON, &json), VZ_OK);
	assert_non_null(strstr(json, "\"report_id\": "
	                             "\"0123456789abcdef0123456789abcdef\""));
	assert_non_null(strstr(json, "\"scanned_at\": "
	                             "\"2026-01-02T03:04:05Z\""));
	vz_free(json);
	vz_scan_free(s);
	for (i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		o.report_id = bad_ids[i];
		s = (vz_scan *)&o; /* must be reset */
		assert_int_equal(vz_scan_run(cat, &o, &s, &err), VZ_E_USAGE);
		assert_null(s);
		assert_non_null(strstr(err.msg, "report_id"));
	}
	o.report_id = NULL;
	for (i = 0; i < sizeof(bad_times) / sizeof(bad_times[0]); i++) {
		o.scanned_at = bad_times[i];
		assert_int_equal(vz_scan_run(cat, &o, &s, &err), VZ_E_USAGE);
		assert_null(s);
		assert_non_null(strstr(err.msg, "scanned_at"));
	}
	/* Neither given: a random id (two scans, two ids) and now. */
	o.scanned_at = NULL;
	assert_int_equal(vz_scan_run(cat, &o, &s, &err), VZ_OK);
	in = vz_scan_get_info(s);
	assert_int_equal(strlen(in->report_id), 32);
	assert_int_equal(strspn(in->report_id, "0123456789abcdef"), 32);
	assert_true(strncmp(in->scanned_at, "2026-01-02", 10) != 0);
	memcpy(first, in->report_id, sizeof(first));
	vz_scan_free(s);
	assert_int_equal(vz_scan_run(cat, &o, &s, &err), VZ_OK);
	assert_string_not_equal(vz_scan_get_info(s)->report_id, first);
	vz_scan_free(s);
	vz_catalog_free(cat);
	remove_tree(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpkg_parse),
		cmocka_unit_test(test_dpkg_status_words),
		cmocka_unit_test(test_dpkg_truncations),
		cmocka_unit_test(test_rpm_header),
		cmocka_unit_test(test_rpm_header_rejects),
		cmocka_unit_test(test_match_paths),
		cmocka_unit_test(test_match_running),
		cmocka_unit_test(test_match_names),
		cmocka_unit_test(test_match_hash),
		cmocka_unit_test(test_state_rule),
		cmocka_unit_test(test_coverage_verdict),
		cmocka_unit_test(test_walk_vanishing),
		cmocka_unit_test(test_scan_alloc_failures),
		cmocka_unit_test(test_scan_given_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
