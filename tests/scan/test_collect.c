/*
 * tests/scan/test_collect.c - documented scanner behaviour that the other
 * tests left unexercised (found by mutation testing, scripts/mutate.sh):
 * the dpkg collector's journal (/var/lib/dpkg/updates/, applied on top of
 * the status file in numeric order, later entries winning), every dpkg
 * state word including half-installed, status files with CRLF line ends,
 * and the matcher's kernel-module names ('-' and '_' are one character
 * to the kernel); units enabled through .wants/ and .requires/.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "../vz_test.h"
#include "../../lib/collect/collect_int.h"
#include "../../lib/match/match_int.h"

#define CATALOG "tests/scan/catalog.json"

/* ---- a scratch root ------------------------------------------------- */

static void make_root(char *root, size_t n)
{
	snprintf(root, n, "%s/vz-collect.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(root));
}

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

static void remove_root(const char *root)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

/* ---- the dpkg parser: CRLF and state words ---------------------------- */

struct pkgs {
	char text[16][160];
	int n;
};

static int on_pkg(void *ctx, const struct vz_dpkg_pkg *p)
{
	struct pkgs *s = ctx;

	if (s->n < 16)
		snprintf(s->text[s->n++], 160, "%.*s|%.*s|%.*s",
		         (int)p->package.n, p->package.p, (int)p->version.n,
		         p->version.p, (int)p->status.n, p->status.p);
	return 0;
}

static void test_dpkg_crlf(void **state)
{
	/* Written on Windows, or copied through a tool that converts line
	 * ends: the same database, read the same way. */
	static const char text[] =
	    "Package: kesl\r\nStatus: install ok installed\r\n"
	    "Version: 11.1.0.3013\r\nArchitecture: amd64\r\n\r\n"
	    "Package: kesl-gui\r\nStatus: deinstall ok config-files\r\n"
	    "Version: 11.1.0.3013\r\n";
	struct pkgs s;
	struct vz_dpkg_errs e = {0, 0, NULL};

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(vz__dpkg_parse(text, strlen(text), on_pkg, &s, &e),
	                 0);
	assert_int_equal(e.malformed, 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.text[0],
	                    "kesl|11.1.0.3013|install ok installed");
	assert_string_equal(s.text[1],
	                    "kesl-gui|11.1.0.3013|deinstall ok config-files");
}

static void test_dpkg_state_words(void **state)
{
	static const struct {
		const char *status;
		vz_pkg_state want;
	} cases[] = {
	    {"install ok not-installed", VZ_PKG_NOT_INSTALLED},
	    {"deinstall ok config-files", VZ_PKG_CONFIG_FILES},
	    {"install reinstreq half-installed", VZ_PKG_PARTIAL},
	    {"install ok unpacked", VZ_PKG_PARTIAL},
	    {"install ok half-configured", VZ_PKG_PARTIAL},
	    {"install ok triggers-awaited", VZ_PKG_PARTIAL},
	    {"install ok triggers-pending", VZ_PKG_PARTIAL},
	    {"hold ok installed", VZ_PKG_INSTALLED},
	    {"unknown hold-reinstreq half-installed", VZ_PKG_PARTIAL},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vz_pkg_state st = (vz_pkg_state)-1;

		assert_int_equal(vz__dpkg_status(cases[i].status,
		                                  strlen(cases[i].status), &st),
		                 0);
		if (st != cases[i].want)
			fail_msg("\"%s\": state %d, want %d", cases[i].status,
			         (int)st, (int)cases[i].want);
	}
}

/* ---- the dpkg collector and its journal --------------------------------- */

struct recs {
	char text[32][200];
	int n;
};

static int want_none(void *ctx, uint64_t size)
{
	(void)ctx;
	(void)size;
	return 0;
}

static vz_status on_record(void *ctx, const vz_record *r)
{
	struct recs *s = ctx;

	if (r->kind == VZ_REC_PACKAGE && s->n < 32)
		snprintf(s->text[s->n++], 200, "%s %s %d %s", r->name,
		         r->version ? r->version : "-", (int)r->pkg_state,
		         r->origin ? r->origin : "-");
	return VZ_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* Collect the packages of root, sorted; returns how many. */
static int dpkg_records(const char *root, struct recs *s, vz_stats *st)
{
	vz_collect_opts o;
	vz_sink sink = {.ctx = s, .want_content = want_none,
	                .record = on_record};

	memset(s, 0, sizeof(*s));
	memset(&o, 0, sizeof(o));
	o.root = root;
	assert_int_equal(vz_collect(&o, "dpkg", &sink, st, NULL), VZ_OK);
	qsort(s->text, (size_t)s->n, sizeof(s->text[0]), cmp_str);
	return s->n;
}

static void test_dpkg_journal(void **state)
{
	char root[256];
	struct recs s;
	vz_stats *st = vz_stats_new();
	char want[4][200];

	(void)state;
	make_root(root, sizeof(root));
	/* kesl first: a journal entry for it must not stop the rest. */
	write_file(root, "/var/lib/dpkg/status",
	           "Package: kesl\nStatus: install ok installed\n"
	           "Version: 1\n\n"
	           "Package: kesl-gui\nStatus: install ok installed\n"
	           "Version: 1\n\n"
	           "Package: bash\nStatus: install ok installed\n"
	           "Version: 5.2\n");
	/* An interrupted dpkg run: its entries, in numeric order (10 after
	 * 9, not before it as text would sort), the later one winning. */
	write_file(root, "/var/lib/dpkg/updates/9",
	           "Package: kesl\nStatus: install reinstreq half-installed\n"
	           "Version: 2\n");
	write_file(root, "/var/lib/dpkg/updates/10",
	           "Package: kesl\nStatus: install ok unpacked\n"
	           "Version: 3\n\n"
	           "Package: klnagent64\nStatus: install ok half-configured\n"
	           "Version: 14\n");
	/* dpkg's own temporary file is not a journal entry. */
	write_file(root, "/var/lib/dpkg/updates/tmp.i",
	           "Package: decoy\nStatus: install ok installed\n"
	           "Version: 1\n");
	assert_int_equal(dpkg_records(root, &s, st), 4);
	snprintf(want[0], 200, "bash 5.2 %d /var/lib/dpkg/status",
	         (int)VZ_PKG_INSTALLED);
	snprintf(want[1], 200, "kesl 3 %d /var/lib/dpkg/updates",
	         (int)VZ_PKG_PARTIAL);
	snprintf(want[2], 200, "kesl-gui 1 %d /var/lib/dpkg/status",
	         (int)VZ_PKG_INSTALLED);
	snprintf(want[3], 200, "klnagent64 14 %d /var/lib/dpkg/updates",
	         (int)VZ_PKG_PARTIAL);
	assert_string_equal(s.text[0], want[0]);
	assert_string_equal(s.text[1], want[1]);
	assert_string_equal(s.text[2], want[2]);
	assert_string_equal(s.text[3], want[3]);
	/* Every package that is there at all is counted. */
	assert_int_equal(vz_stats_get(st, VZ_STAT_PACKAGES), 4);

	/* Without a journal, the status file alone. */
	remove_root(root);
	vz_stats_free(st);
	st = vz_stats_new();
	make_root(root, sizeof(root));
	write_file(root, "/var/lib/dpkg/status",
	           "Package: kesl\nStatus: install ok installed\n"
	           "Version: 1\n\nPackage: bash\nStatus: install ok "
	           "installed\nVersion: 5.2\n");
	assert_int_equal(dpkg_records(root, &s, st), 2);
	assert_non_null(strstr(s.text[1], "kesl 1 "));
	remove_root(root);
	vz_stats_free(st);
}

/* ---- the units collector ------------------------------------------------ */

static vz_status on_unit(void *ctx, const vz_record *r)
{
	struct recs *s = ctx;

	if (r->kind == VZ_REC_UNIT && s->n < 32)
		snprintf(s->text[s->n++], 200, "%s %s%s", r->name, r->detail,
		         r->enabled ? " [enabled]" : "");
	return VZ_OK;
}

static void test_units(void **state)
{
	char root[256], path[512];
	struct recs s;
	vz_stats *st = vz_stats_new();
	vz_collect_opts o;
	vz_sink sink = {.ctx = &s, .want_content = want_none,
	                .record = on_unit};

	(void)state;
	make_root(root, sizeof(root));
	write_file(root, "/lib/systemd/system/kesl.service", "[Unit]\n");
	write_file(root, "/lib/systemd/system/klnagent.service", "[Unit]\n");
	write_file(root, "/lib/systemd/system/README", "not a unit\n");
	/* Enabled through .wants/ and through .requires/ alike. */
	write_file(root, "/etc/systemd/system/multi-user.target.wants/x", "");
	snprintf(path, sizeof(path),
	         "%s/etc/systemd/system/multi-user.target.wants/x", root);
	unlink(path);
	snprintf(path, sizeof(path),
	         "%s/etc/systemd/system/multi-user.target.wants/kesl.service",
	         root);
	assert_int_equal(symlink("/lib/systemd/system/kesl.service", path), 0);
	write_file(root, "/etc/systemd/system/sysinit.target.requires/x", "");
	snprintf(path, sizeof(path),
	         "%s/etc/systemd/system/sysinit.target.requires/x", root);
	unlink(path);
	snprintf(path, sizeof(path),
	         "%s/etc/systemd/system/sysinit.target.requires/"
	         "klnagent.service", root);
	assert_int_equal(symlink("/lib/systemd/system/klnagent.service", path),
	                 0);
	memset(&s, 0, sizeof(s));
	memset(&o, 0, sizeof(o));
	o.root = root;
	assert_int_equal(vz_collect(&o, "units", &sink, st, NULL), VZ_OK);
	qsort(s.text, (size_t)s.n, sizeof(s.text[0]), cmp_str);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.text[0],
	                    "kesl.service /lib/systemd/system/kesl.service");
	assert_string_equal(s.text[1], "kesl.service enabled: "
	                    "/etc/systemd/system/multi-user.target.wants/"
	                    "kesl.service [enabled]");
	assert_string_equal(s.text[2], "klnagent.service "
	                    "/lib/systemd/system/klnagent.service");
	assert_string_equal(s.text[3], "klnagent.service enabled: "
	                    "/etc/systemd/system/sysinit.target.requires/"
	                    "klnagent.service [enabled]");
	vz_stats_free(st);
	remove_root(root);
}

/* ---- the procs collector (live host) and the host's OS name ------------ */

struct procs {
	int n, bad, self;
	long me;
};

static vz_status on_proc(void *ctx, const vz_record *r)
{
	struct procs *p = ctx;

	if (r->kind != VZ_REC_PROCESS)
		return VZ_OK;
	p->n++;
	if (r->pid <= 0 || strncmp(r->detail, "pid ", 4) != 0 ||
	    r->detail[4] < '1' || r->detail[4] > '9')
		p->bad++;
	if (r->pid == p->me)
		p->self++;
	return VZ_OK;
}

static void test_procs(void **state)
{
	struct procs p = {0, 0, 0, (long)getpid()};
	vz_stats *st = vz_stats_new();
	vz_collect_opts o;
	vz_sink sink = {.ctx = &p, .want_content = want_none,
	                .record = on_proc};

	(void)state;
	memset(&o, 0, sizeof(o));
	o.root = "/";
	assert_int_equal(vz_collect(&o, "procs", &sink, st, NULL), VZ_OK);
	/* Only the numbered entries of /proc are processes ("self" and
	 * "thread-self" are links to one of them), each once. */
	assert_true(p.n > 0);
	assert_int_equal(p.bad, 0);
	assert_int_equal(p.self, 1);
	vz_stats_free(st);
}

static void test_host_os(void **state)
{
	char root[256];
	vz_host h;

	(void)state;
	make_root(root, sizeof(root));
	/* os-release(5): the value may be in double or single quotes. */
	write_file(root, "/etc/os-release",
	           "NAME=Example\nPRETTY_NAME='Example Linux 12 (quoted)'\n");
	memset(&h, 0, sizeof(h));
	assert_int_equal(vz_host_probe(root, &h), VZ_OK);
	assert_non_null(h.os);
	assert_string_equal(h.os, "Example Linux 12 (quoted)");
	vz_host_clear(&h);
	write_file(root, "/etc/os-release",
	           "PRETTY_NAME=\"Example Linux 13\"\n");
	memset(&h, 0, sizeof(h));
	assert_int_equal(vz_host_probe(root, &h), VZ_OK);
	assert_string_equal(h.os, "Example Linux 13");
	vz_host_clear(&h);
	remove_root(root);
}

/* ---- never out of the root; problems beyond the table still counted ---- */

static void test_root_open_ci(void **state)
{
	char root[256], path[512];
	int rfd, fd;

	(void)state;
	make_root(root, sizeof(root));
	write_file(root, "/inside/etc/hosts", "127.0.0.1 localhost\n");
	write_file(root, "/secret", "outside the scanned root\n");
	snprintf(path, sizeof(path), "%s/inside", root);
	rfd = open(path, O_RDONLY | O_DIRECTORY);
	assert_true(rfd >= 0);
	/* Found ignoring case, as on a Windows or macOS volume... */
	fd = vz__root_open_ci(rfd, "/ETC/Hosts", O_RDONLY);
	assert_true(fd >= 0);
	close(fd);
	/* ... but ".." never leads out of the root, after a case-folded
	 * component either. */
	errno = 0;
	fd = vz__root_open_ci(rfd, "/ETC/../../secret", O_RDONLY);
	assert_int_equal(fd, -1);
	assert_int_equal(errno, EXDEV);
	fd = vz__root_open_ci(rfd, "/Etc/../../secret", O_RDONLY);
	assert_int_equal(fd, -1);
	close(rfd);
	remove_root(root);
}

/* The size of the problem table (lib/collect/stats.c); 300 distinct
 * reasons are more than it holds. */
#define MANY_PROBLEMS 300

static void test_problems_overflow(void **state)
{
	vz_stats *st = vz_stats_new();
	char reason[64];
	unsigned long total = 0;
	size_t i;

	(void)state;
	for (i = 0; i < MANY_PROBLEMS; i++) {
		snprintf(reason, sizeof(reason), "reason %zu", i);
		vz__stats_problem(st, "files", 1, reason, "/x");
	}
	/* The table is bounded; the count is not. */
	assert_true(vz_stats_problem_count(st) < MANY_PROBLEMS);
	for (i = 0; i < vz_stats_problem_count(st); i++)
		total += vz_stats_problem(st, i)->count;
	assert_int_equal(total, MANY_PROBLEMS);
	vz_stats_free(st);
}

/* ---- kernel-module names in the matcher ---------------------------------- */

/* The scan test catalogue with one Linux kernel-module fingerprint more
 * (a fictitious module, for this test only) on the KESL product. */
static vz_catalog *catalog_with_module(const char *module)
{
	size_t len = 0;
	char *data = vz_test_slurp(CATALOG, &len), *text;
	json_t *root, *fps;
	json_error_t jerr;
	vz_catalog *cat = NULL;

	assert_non_null(data);
	root = json_loadb(data, len, 0, &jerr);
	free(data);
	assert_non_null(root);
	fps = json_object_get(
	    json_array_get(json_object_get(root, "products"), 0),
	    "fingerprints");
	assert_true(json_is_array(fps));
	assert_int_equal(
	    json_array_append_new(
	        fps, json_pack("{s:s, s:s, s:s, s:[s]}", "kind",
	                       "kernel-module", "platform", "linux", "name",
	                       module, "sources", "kaspersky-collect-script")),
	    0);
	text = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	assert_non_null(text);
	assert_int_equal(vz_catalog_load_buffer(text, strlen(text), CATALOG,
	                                        &cat, NULL),
	                 VZ_OK);
	free(text);
	return cat;
}

static void feed(vz_matcher *m, vz_record *r)
{
	vz_sink sink;

	vz_matcher_sink(m, &sink);
	assert_int_equal(sink.record(sink.ctx, r), VZ_OK);
}

static void module_rec(vz_record *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->kind = VZ_REC_MODULE;
	r->source = "kmods";
	r->origin = "/proc/modules";
	r->name = name;
	r->detail = "loaded";
}

/* The one hit's state and its evidence items, joined by spaces. */
static vz_state hit(vz_matcher *m, char *items, size_t n)
{
	const vz_evidence *ev;
	size_t nev = 0, om, i;
	vz_state st = VZ_STATE_RESIDUE;
	const char *p;

	assert_int_equal(vz_matcher_hits(m), 1);
	p = vz_matcher_hit(m, 0, &st, &ev, &nev, &om);
	assert_string_equal(p, "kaspersky-endpoint-security-linux");
	items[0] = '\0';
	for (i = 0; i < nev; i++)
		snprintf(items + strlen(items), n - strlen(items), "%s%s:%s",
		         i ? " " : "", ev[i].kind, ev[i].item);
	return st;
}

static void test_match_modules(void **state)
{
	vz_catalog *cat = catalog_with_module("vz-test-klfs");
	vz_matcher *m = NULL;
	vz_record r;
	char items[512];

	(void)state;
	assert_int_equal(vz_matcher_new(cat, &m, NULL), VZ_OK);
	/* Names that are not the module's. */
	module_rec(&r, "vz_test_klfsx");
	feed(m, &r);
	module_rec(&r, "vz_test");
	feed(m, &r);
	module_rec(&r, "xvz_test_klfs");
	feed(m, &r);
	assert_int_equal(vz_matcher_hits(m), 0);
	/* The kernel lists "vz-test-klfs" as vz_test_klfs: a loaded module
	 * is a running product. */
	module_rec(&r, "vz_test_klfs");
	feed(m, &r);
	assert_int_equal(hit(m, items, sizeof(items)), VZ_STATE_RUNNING);
	assert_string_equal(items, "kernel-module:vz_test_klfs");
	vz_matcher_free(m);
	vz_catalog_free(cat);

	/* A fingerprint written with '_' matches a name the kernel shows
	 * with '_' too, and one given with '-' (as modprobe accepts). */
	cat = catalog_with_module("vz_test_klfs");
	assert_int_equal(vz_matcher_new(cat, &m, NULL), VZ_OK);
	module_rec(&r, "vz-test-klfs");
	feed(m, &r);
	assert_int_equal(hit(m, items, sizeof(items)), VZ_STATE_RUNNING);
	assert_string_equal(items, "kernel-module:vz-test-klfs");
	vz_matcher_free(m);
	vz_catalog_free(cat);
}

/* A process whose executable was deleted (upgraded, or removed while it
 * runs) is still the product's, by its executable's name: here comm is
 * something else, as a process may set it. */
static void test_match_deleted_exe(void **state)
{
	vz_catalog *cat = catalog_with_module("vz-test-klfs");
	vz_matcher *m = NULL;
	vz_record r;
	char items[512];

	(void)state;
	assert_int_equal(vz_matcher_new(cat, &m, NULL), VZ_OK);
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_PROCESS;
	r.source = "procs";
	r.origin = "/proc";
	r.name = "worker";
	r.path = "/opt/kaspersky/kesl/libexec/kesl (deleted)";
	r.pid = 42;
	r.detail = "pid 42: worker /opt/kaspersky/kesl/libexec/kesl (deleted)";
	feed(m, &r);
	assert_int_equal(hit(m, items, sizeof(items)), VZ_STATE_RUNNING);
	assert_string_equal(items, "process:kesl");
	vz_matcher_free(m);
	vz_catalog_free(cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpkg_crlf),
		cmocka_unit_test(test_dpkg_state_words),
		cmocka_unit_test(test_dpkg_journal),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_procs),
		cmocka_unit_test(test_host_os),
		cmocka_unit_test(test_root_open_ci),
		cmocka_unit_test(test_problems_overflow),
		cmocka_unit_test(test_match_modules),
		cmocka_unit_test(test_match_deleted_exe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
