/*
 * tests/win/test_win.c - unit tests of the Windows, macOS and SBOM parts
 * of the scanner: the matcher's rules for registry keys (root names,
 * case, Wow6432Node, '\' as separator), services and drivers, signers
 * (valid, tampered), bundles and Team IDs, case-blind paths, Windows
 * Installer packages, CPE and purl matching; the parsers (PE headers
 * and every truncation of them, Authenticode, version resources,
 * plists, Mach-O Team IDs, SBOMs); and allocation failure at every point
 * of a scan of artefacts. Fixtures: tests/win/catalog.json (fictional
 * fingerprints) and the fuzz corpora of fuzz/corpus/{pe,plist,sbom}.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "../vz_test.h"
#include "../../lib/collect/collect_int.h"
#include "../../lib/match/match_int.h"

#define CATALOG "tests/win/catalog.json"
#define PRODUCT "example-agent"

static vz_catalog *load_catalog(const char *rel)
{
	size_t len = 0;
	char *data = vz_test_slurp(rel, &len);
	vz_catalog *cat = NULL;

	assert_non_null(data);
	assert_int_equal(vz_catalog_load_buffer(data, len, rel, &cat, NULL),
	                 VZ_OK);
	free(data);
	return cat;
}

static void feed(vz_matcher *m, const vz_record *r)
{
	vz_sink sink;

	vz_matcher_sink(m, &sink);
	assert_int_equal(sink.record(sink.ctx, r), VZ_OK);
}

/* The product's state and evidence count; -1 when it has none. */
static int state_of(vz_matcher *m, size_t *nev, const vz_evidence **ev)
{
	const vz_evidence *e;
	size_t i, om, n;
	vz_state st;
	const char *p;

	*nev = 0;
	for (i = 0; (p = vz_matcher_hit(m, i, &st, &e, &n, &om)); i++)
		if (strcmp(p, PRODUCT) == 0) {
			*nev = n;
			if (ev)
				*ev = e;
			return (int)st;
		}
	return -1;
}

static void reg(vz_record *r, const char *key, const char *value,
                const char *data, unsigned flags, uint64_t id)
{
	memset(r, 0, sizeof(*r));
	r->kind = VZ_REC_REGISTRY;
	r->source = "hive";
	r->origin = "SOFTWARE";
	r->name = key;
	r->value = value;
	r->data = data;
	r->flags = flags;
	r->dir_id = id;
}

/* ---- registry ------------------------------------------------------------- */

static void test_registry(void **state)
{
	vz_catalog *cat = load_catalog(CATALOG);
	const vz_evidence *ev;
	vz_matcher *m = NULL;
	vz_sink sink;
	vz_record r;
	size_t nev;

	(void)state;
	assert_int_equal(vz_matcher_new(cat, &m, NULL), VZ_OK);
	/* HKU\S-1-5-21-1, the app id and the Windows process: 3. */
	assert_int_equal(vz_matcher_not_applicable(m), 3);
	vz_matcher_sink(m, &sink);
	assert_non_null(sink.want_key);
	assert_true(sink.interests & VZ_WANT(VZ_REC_REGISTRY));
	/* The walk is pruned to what a fingerprint could match. */
	assert_true(sink.want_key(sink.ctx, "HKLM\\SOFTWARE"));
	assert_true(sink.want_key(sink.ctx, "HKLM\\SOFTWARE\\Example"));
	assert_true(sink.want_key(sink.ctx, "HKLM\\SOFTWARE\\Example\\x"));
	assert_true(sink.want_key(sink.ctx, "HKLM\\SOFTWARE\\Classes"));
	assert_true(sink.want_key(sink.ctx,
	                          "HKLM\\SOFTWARE\\WOW6432Node\\Example"));
	assert_false(sink.want_key(sink.ctx, "HKLM\\SOFTWARE\\Other"));
	assert_false(sink.want_key(sink.ctx, "HKLM\\SYSTEM"));
	assert_false(sink.want_key(sink.ctx, "HKLM\\SOFTWARE\\Examples"));
	/* '*' never crosses '\'. */
	reg(&r, "HKLM\\SOFTWARE\\Example\\a\\b\\Deep", NULL, NULL, 0, 1);
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, NULL), -1);
	/* A key merely ending like a fingerprint's is another key. */
	reg(&r, "HKLM\\SOFTWARE\\Vendor\\Software\\Example\\Agent", NULL,
	    NULL, 0, 2);
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, NULL), -1);
	/* Long root name, other case, under Wow6432Node: the same key. */
	reg(&r, "HKLM\\SOFTWARE\\WOW6432Node\\example\\AGENT", NULL, NULL, 0,
	    3);
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, &ev), VZ_STATE_RESIDUE);
	assert_int_equal(nev, 1);
	assert_string_equal(ev[0].kind, "registry");
	assert_string_equal(ev[0].item,
	                    "HKLM\\SOFTWARE\\WOW6432Node\\example\\AGENT");
	assert_string_equal(ev[0].source, "hive SOFTWARE");
	/* HKU\*\X is every user's hive; HKCR is HKLM\SOFTWARE\Classes. */
	reg(&r, "HKCU\\Software\\Example\\Tray", NULL, NULL, 0, 4);
	feed(m, &r);
	reg(&r, "HKLM\\SOFTWARE\\Classes\\examplefile", NULL, NULL, 0, 5);
	feed(m, &r);
	reg(&r, "HKLM\\SOFTWARE\\Example\\a\\Deep", NULL, NULL, 0, 6);
	feed(m, &r);
	state_of(m, &nev, NULL);
	assert_int_equal(nev, 4);
	/* A value's data: '\' is literal in the pattern, case is not. */
	reg(&r, "HKLM\\SOFTWARE\\Example\\Multi", "PATHS", "D:\\Example\\x",
	    0, 7);
	feed(m, &r);
	state_of(m, &nev, NULL);
	assert_int_equal(nev, 4);
	reg(&r, "HKLM\\SOFTWARE\\Example\\Multi", "PATHS",
	    "c:\\example\\bin\\agent.exe", 0, 7);
	feed(m, &r);
	state_of(m, &nev, NULL);
	assert_int_equal(nev, 5);
	/* The key record alone does not satisfy a value fingerprint. The
	 * fingerprint names the default value "(default)": regedit's
	 * "(Default)" in any case, like "@", is the value named "". */
	reg(&r, "HKLM\\SOFTWARE\\Example\\Defaults", NULL, NULL, 0, 8);
	feed(m, &r);
	reg(&r, "HKLM\\SOFTWARE\\Example\\Defaults", "", "ON", 0, 8);
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, &ev), VZ_STATE_RESIDUE);
	assert_int_equal(nev, 6);
	/* An Uninstall entry makes it installed. */
	reg(&r,
	    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\"
	    "{1}",
	    "Publisher", "Example Corp", VZ_RECF_UNINSTALL, 9);
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, NULL), VZ_STATE_INSTALLED);
	vz_matcher_free(m);
	vz_catalog_free(cat);
}

/* ---- services, drivers, packages, paths ----------------------------------- */

static void test_services_paths(void **state)
{
	vz_catalog *cat = load_catalog(CATALOG);
	const vz_evidence *ev;
	vz_matcher *m = NULL;
	vz_record r;
	size_t nev;

	(void)state;
	assert_int_equal(vz_matcher_new(cat, &m, NULL), VZ_OK);
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_SERVICE;
	r.source = "hive";
	r.platform = "windows";
	r.name = "examplesvc2";
	r.detail = "service";
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, &ev), VZ_STATE_PRESENT);
	assert_string_equal(ev[0].kind, "service");
	/* A driver by its image file, whatever its case and folder. */
	r.name = "exd";
	r.path = "\\SystemRoot\\System32\\drivers\\EXDRV.SYS";
	r.flags = VZ_RECF_DRIVER;
	feed(m, &r);
	/* The same name without the driver flag is no kernel module. */
	r.name = "exdrv";
	r.path = NULL;
	r.flags = 0;
	feed(m, &r);
	state_of(m, &nev, &ev);
	assert_int_equal(nev, 2);
	assert_string_equal(ev[0].kind, "kernel-module");
	/* launchd labels are compared as written. */
	r.platform = "macos";
	r.source = "launchd";
	r.name = "com.example.AGENT";
	feed(m, &r);
	r.name = "com.example.agent";
	feed(m, &r);
	state_of(m, &nev, NULL);
	assert_int_equal(nev, 3);
	/* A Windows Installer entry: name and publisher, ignoring case. */
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_PACKAGE;
	r.source = "hive";
	r.ecosystem = "msi";
	r.name = "EXAMPLE AGENT 2";
	r.vendor = "Other Corp";
	r.flags = VZ_RECF_UNINSTALL;
	r.detail = "Uninstall entry";
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, NULL), VZ_STATE_PRESENT);
	r.ecosystem = "windows"; /* not a Windows Installer entry */
	r.vendor = "example corp";
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, NULL), VZ_STATE_PRESENT);
	r.ecosystem = "msi";
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, NULL), VZ_STATE_INSTALLED);
	vz_matcher_free(m);
	vz_catalog_free(cat);
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

static void test_paths_ignore_case(void **state)
{
	vz_catalog *cat = load_catalog(CATALOG);
	const vz_evidence *ev;
	vz_matcher *m = NULL;
	vz_record r;
	size_t nev;

	(void)state;
	assert_int_equal(vz_matcher_new(cat, &m, NULL), VZ_OK);
	file_rec(&r, "/PROGRAM FILES/example/Agent.EXE", VZ_FT_REGULAR, 1);
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, &ev), VZ_STATE_PRESENT);
	assert_string_equal(ev[0].item, "/PROGRAM FILES/example/Agent.EXE");
	/* '*' of a Windows pattern does not cross a separator. */
	file_rec(&r, "/Program Files/Example/plugins/sub/a.dll",
	         VZ_FT_REGULAR, 2);
	feed(m, &r);
	file_rec(&r, "/opt/Program Files/Example/agent.exe", VZ_FT_REGULAR, 3);
	feed(m, &r);
	state_of(m, &nev, NULL);
	assert_int_equal(nev, 1);
	file_rec(&r, "/Program Files/Example/plugins/A.DLL", VZ_FT_REGULAR, 4);
	feed(m, &r);
	state_of(m, &nev, NULL);
	assert_int_equal(nev, 2);
	vz_matcher_free(m);
	/* ~/ is any user's home, a leftover location. */
	assert_int_equal(vz_matcher_new(cat, &m, NULL), VZ_OK);
	file_rec(&r, "/Users/alice/Library/Example", VZ_FT_DIRECTORY, 5);
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, NULL), VZ_STATE_RESIDUE);
	vz_matcher_free(m);
	vz_catalog_free(cat);
}

/* ---- signers -------------------------------------------------------------- */

static void sig(vz_record *r, const char *path, const char *subject,
                const char *issuer, const char *cn, vz_auth_state st)
{
	memset(r, 0, sizeof(*r));
	r->kind = VZ_REC_SIGNATURE;
	r->source = "pe";
	r->name = path;
	r->subject = subject;
	r->issuer = issuer;
	r->common_name = cn;
	r->auth = st;
	r->detail = "";
}

static void test_signers(void **state)
{
	vz_catalog *cat = load_catalog(CATALOG);
	const vz_tampered *t;
	vz_matcher *m = NULL;
	vz_sink sink;
	vz_record r;
	size_t nev;

	(void)state;
	assert_int_equal(vz_matcher_new(cat, &m, NULL), VZ_OK);
	vz_matcher_sink(m, &sink);
	assert_non_null(sink.want_signer);
	/* A DN pattern with an issuer; a bare name is the CN, exactly. */
	assert_true(sink.want_signer(sink.ctx, "CN=Example Vendor Ltd,C=NL",
	                             "CN=Example CA 2", "Example Vendor Ltd"));
	assert_false(sink.want_signer(sink.ctx, "CN=Example Vendor Ltd,C=NL",
	                              "CN=Other CA", "Example Vendor Ltd"));
	assert_true(sink.want_signer(sink.ctx, "CN=example signer,O=X",
	                             "CN=Any", "example signer"));
	assert_false(sink.want_signer(sink.ctx, "CN=Example Signer Inc,O=X",
	                              "CN=Any", "Example Signer Inc"));
	assert_false(sink.want_signer(sink.ctx, "O=Example Signer",
	                              "CN=Any", ""));
	/* Tampered and broken signatures are never evidence. */
	sig(&r, "/a.exe", "CN=Example Signer", "CN=Any", "Example Signer",
	    VZ_AUTH_TAMPERED);
	feed(m, &r);
	sig(&r, "/b.exe", "CN=Example Signer", "CN=Any", "Example Signer",
	    VZ_AUTH_BAD);
	feed(m, &r);
	sig(&r, "/c.exe", "CN=Example Signer", "CN=Any", "Example Signer",
	    VZ_AUTH_UNCHECKED);
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, NULL), -1);
	assert_int_equal(vz_matcher_tampered_count(m), 2);
	t = vz_matcher_tampered(m, 0);
	assert_string_equal(t->path, "/a.exe");
	assert_string_equal(t->state, "tampered");
	assert_string_equal(t->product_id, PRODUCT);
	assert_string_equal(vz_matcher_tampered(m, 1)->state,
	                    "bad-signature");
	assert_null(vz_matcher_tampered(m, 2));
	/* A valid one is the vendor's runnable code: present, even where
	 * leftovers live (an installer cache in ProgramData). */
	sig(&r, "/ProgramData/Example/cache/d.exe", "CN=Example Signer",
	    "CN=Any", "Example Signer", VZ_AUTH_VALID);
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, NULL), VZ_STATE_PRESENT);
	sig(&r, "/Program Files/Example/d.exe", "CN=Example Signer",
	    "CN=Any", "Example Signer", VZ_AUTH_VALID);
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, NULL), VZ_STATE_PRESENT);
	vz_matcher_free(m);
	vz_catalog_free(cat);
}

/* ---- bundles -------------------------------------------------------------- */

static void test_bundles(void **state)
{
	vz_catalog *cat = load_catalog(CATALOG);
	const vz_evidence *ev;
	vz_matcher *m = NULL;
	vz_record r;
	size_t nev;

	(void)state;
	assert_int_equal(vz_matcher_new(cat, &m, NULL), VZ_OK);
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_BUNDLE;
	r.source = "bundle";
	r.name = "/Applications/Other.app";
	r.ident = "com.example.agent.helper";
	r.team_id = "ZZZZZ99999"; /* someone else's */
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, NULL), -1);
	r.name = "/Applications/Agent.app";
	r.team_id = "ABCDE12345";
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, &ev), VZ_STATE_PRESENT);
	assert_non_null(strstr(ev[0].detail, "as in the catalogue"));
	vz_matcher_free(m);
	assert_int_equal(vz_matcher_new(cat, &m, NULL), VZ_OK);
	r.team_id = NULL; /* unsigned: the identifier alone, and said so */
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, &ev), VZ_STATE_PRESENT);
	assert_non_null(strstr(ev[0].detail, "not read"));
	/* A kernel extension by its bundle identifier. */
	r.name = "/Library/Extensions/x.kext";
	r.ident = "com.example.kext";
	r.flags = VZ_RECF_DRIVER;
	feed(m, &r);
	state_of(m, &nev, &ev);
	assert_int_equal(nev, 2);
	assert_string_equal(ev[0].kind, "kernel-module");
	vz_matcher_free(m);
	vz_catalog_free(cat);
}

/* ---- CPE and purl --------------------------------------------------------- */

static void test_cpe_parse(void **state)
{
	char *a[VZ_CPE_ATTRS], *p[VZ_CPE_ATTRS];

	(void)state;
	assert_int_equal(vz__cpe_parse("cpe:/a:kaspersky_lab:kaspersky_anti-"
	                               "virus:6.0::workstations:",
	                               a, 0),
	                 0);
	assert_string_equal(a[0], "a");
	assert_string_equal(a[2], "kaspersky_anti-virus");
	assert_string_equal(a[3], "6.0");
	assert_null(a[4]);
	assert_string_equal(a[5], "workstations");
	assert_null(a[6]);
	vz__cpe_free(a);
	/* A packed edition, and %-encoding. */
	assert_int_equal(vz__cpe_parse("cpe:/a:V:P%21:1:u:~ed~swed~tsw~thw~"
	                               "oth:EN",
	                               a, 0),
	                 0);
	assert_string_equal(a[1], "v");
	assert_string_equal(a[2], "p!");
	assert_string_equal(a[5], "ed");
	assert_string_equal(a[7], "swed");
	assert_string_equal(a[8], "tsw");
	assert_string_equal(a[9], "thw");
	assert_string_equal(a[10], "oth");
	assert_string_equal(a[6], "en");
	vz__cpe_free(a);
	/* CPE 2.3: a quoted ':' is part of the value. */
	assert_int_equal(vz__cpe_parse("cpe:2.3:a:v:p\\:q:1:*:*:*:*:*:*:*", a,
	                               0),
	                 0);
	assert_string_equal(a[2], "p:q");
	assert_null(a[4]);
	assert_int_equal(vz__cpe_parse("cpe:2.3:a:v:p\\:q*", p, 1), 0);
	assert_true(vz__cpe_match(p, a));
	vz__cpe_free(p);
	vz__cpe_free(a);
	assert_int_equal(vz__cpe_parse("cpe:2.3:a:v:p:1:2:3:4:5:6:7:8:9", a,
	                               0),
	                 -1);
	assert_int_equal(vz__cpe_parse("cpe:3.0:a:v", a, 0), -1);
	/* The same name in both bindings matches; a vague one does not
	 * satisfy a precise fingerprint. */
	assert_int_equal(vz__cpe_parse("cpe:2.3:a:kaspersky:total_security*",
	                               p, 1),
	                 0);
	assert_int_equal(vz__cpe_parse("cpe:/a:kaspersky:total_security_2016",
	                               a, 0),
	                 0);
	assert_true(vz__cpe_match(p, a));
	vz__cpe_free(a);
	assert_int_equal(vz__cpe_parse("cpe:2.3:a:kaspersky:*:*:*:*:*:*:*:*:*",
	                               a, 0),
	                 0);
	assert_false(vz__cpe_match(p, a));
	vz__cpe_free(a);
	vz__cpe_free(p);
}

static void component(vz_record *r, const char *name, const char *vendor,
                      const char *purl, const char *const *cpes, size_t n)
{
	memset(r, 0, sizeof(*r));
	r->kind = VZ_REC_COMPONENT;
	r->source = "sbom";
	r->origin = "x.json";
	r->name = name;
	r->vendor = vendor;
	r->ident = purl;
	r->cpes = cpes;
	r->ncpes = n;
}

static void test_components(void **state)
{
	static const char *const vague[] = {
		"cpe:2.3:a:example:agent:*:*:*:*:*:*:*:*",
		"cpe:/a:example:agent:1.9", "cpe:/a:example:agent_legacy"};
	static const char *const precise[] = {
		"cpe:2.3:a:example:agent:2.1:*:*:*:*:*:*:*"};
	static const char *const na[] = {
		"cpe:2.3:a:example:agent_legacy:-:*:*:*:*:*:*:*"};
	vz_catalog *cat = load_catalog(CATALOG);
	const vz_evidence *ev;
	vz_matcher *m = NULL;
	vz_record r;
	size_t nev;

	(void)state;
	assert_int_equal(vz_matcher_new(cat, &m, NULL), VZ_OK);
	component(&r, "agent", NULL, "pkg:deb/example/agent@1.1?arch=amd64",
	          vague, 3);
	feed(m, &r);
	component(&r, "agent", NULL, "pkg:npm/other/agent@3", NULL, 0);
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, NULL), -1);
	component(&r, "agent", NULL, "pkg:DEB/example/agent@1.0?arch=amd64",
	          precise, 1);
	feed(m, &r);
	component(&r, "agent", NULL, "pkg:npm/%40example/agent@3", na, 1);
	feed(m, &r);
	assert_int_equal(state_of(m, &nev, &ev), VZ_STATE_PRESENT);
	assert_int_equal(nev, 4);
	assert_string_equal(ev[0].kind, "cpe");
	vz_matcher_free(m);
	vz_catalog_free(cat);
}

static void test_purl_parse(void **state)
{
	char *t, *ns, *n, *v;

	(void)state;
	assert_int_equal(vz__purl_parse("pkg:Maven/org.x/y%20z@1.0?a=b#sub",
	                                &t, &ns, &n, &v),
	                 0);
	assert_string_equal(t, "maven");
	assert_string_equal(ns, "org.x");
	assert_string_equal(n, "y z");
	assert_string_equal(v, "1.0");
	vz__free(t);
	vz__free(ns);
	vz__free(n);
	vz__free(v);
	assert_int_equal(vz__purl_parse("pkg:deb/kesl", &t, &ns, &n, &v), 0);
	assert_null(ns);
	assert_null(v);
	vz__free(t);
	vz__free(n);
	assert_int_equal(vz__purl_parse("pkg:deb", &t, &ns, &n, &v), -1);
	assert_int_equal(vz__purl_parse("pkg:/x/", &t, &ns, &n, &v), -1);
	assert_int_equal(vz__purl_parse("deb/x", &t, &ns, &n, &v), -1);
}

/* ---- the PE reader ---------------------------------------------------------- */

static unsigned char *slurp_u(const char *rel, size_t *n)
{
	unsigned char *d = (unsigned char *)vz_test_slurp(rel, n);

	assert_non_null(d);
	return d;
}

static int temp_file(const unsigned char *d, size_t n)
{
	char path[] = "/tmp/vz-test-win.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, d, n), (ssize_t)n);
	return fd;
}

/* Two parses of a signature agree in everything they say. */
static void same_parse(const unsigned char *der, size_t len,
                       struct vz_certcache **cc)
{
	struct vz_authenticode a, b;
	const char *wa = NULL, *wb = NULL;
	vz_status ra = vz__authenticode_parse(der, len, &a, &wa);
	vz_status rb = vz__authenticode_parse_cached(der, len, cc, &b, &wb);

	assert_int_equal(ra, rb);
	if (ra == VZ_OK) {
		assert_string_equal(a.subject, b.subject);
		assert_string_equal(a.issuer, b.issuer);
		assert_string_equal(a.cn, b.cn);
		assert_ptr_equal(a.md, b.md);
		assert_int_equal(a.dlen, b.dlen);
		assert_memory_equal(a.digest, b.digest, a.dlen);
		assert_int_equal(a.sig_ok, b.sig_ok);
	} else {
		assert_string_equal(wa, wb);
	}
	vz__authenticode_clear(&a);
	vz__authenticode_clear(&b);
}

/*
 * The per-thread certificate cache changes no outcome: every corpus
 * signature, and each with one byte flipped (certificates among them,
 * so that the cache fills and replaces entries), reads the same with
 * the cache (hits and misses) as without.
 */
static void test_authenticode_cache(void **state)
{
	static const char *const files[] = {
		"fuzz/corpus/pe/signed.exe", "fuzz/corpus/pe/badsig.exe",
		"fuzz/corpus/pe/tampered.exe",
		"fuzz/corpus/pe/driver-sha1.sys"};
	struct vz_certcache *cc = NULL;
	const unsigned char *der;
	const char *why;
	struct vz_pe pe;
	size_t i, n, derlen, k;
	unsigned char *d, *t;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		d = slurp_u(files[i], &n);
		assert_int_equal(vz__pe_headers(d, n, n, &pe, &why), VZ_OK);
		assert_int_equal(vz__pe_signature(d + pe.cert_off,
		                                  pe.cert_size, &der, &derlen,
		                                  &why),
		                 VZ_OK);
		same_parse(der, derlen, &cc); /* a miss */
		same_parse(der, derlen, &cc); /* a hit */
		same_parse(der, derlen, NULL);
		t = malloc(derlen);
		for (k = 0; k < derlen; k += 3) {
			memcpy(t, der, derlen);
			t[k] ^= 0x5a;
			same_parse(t, derlen, &cc);
		}
		for (k = 0; k < derlen; k += 97)
			same_parse(der, k, &cc); /* cut short */
		free(t);
		free(d);
	}
	assert_non_null(cc);
	vz__certcache_free(cc);
	vz__certcache_free(NULL);
}

static void test_pe(void **state)
{
	struct vz_authenticode a;
	unsigned char dig[EVP_MAX_MD_SIZE];
	char company[64], product[64];
	const unsigned char *der;
	const char *why;
	unsigned int dlen;
	struct vz_pe pe;
	size_t n, derlen, k;
	unsigned char *d = slurp_u("fuzz/corpus/pe/signed.exe", &n);
	unsigned char *t;
	int fd;

	(void)state;
	assert_int_equal(vz__pe_headers(d, n, n, &pe, &why), VZ_OK);
	assert_true(pe.pe32plus);
	assert_int_equal(pe.cert_off + pe.cert_size, n);
	vz__pe_version_buf(d, n, &pe, company, sizeof(company), product,
	                   sizeof(product));
	assert_string_equal(company, "Example Corp");
	assert_string_equal(product, "Example Agent");
	/* A small buffer cuts the strings, never overruns. */
	vz__pe_version_buf(d, n, &pe, company, 8, product, 8);
	assert_true(strlen(company) < 8);
	assert_int_equal(vz__pe_signature(d + pe.cert_off, pe.cert_size, &der,
	                                  &derlen, &why),
	                 VZ_OK);
	assert_int_equal(vz__authenticode_parse(der, derlen, &a, &why), VZ_OK);
	assert_string_equal(a.cn, "Example Signer");
	assert_string_equal(a.subject, "CN=Example Signer,O=Example Corp,C=NL");
	assert_string_equal(a.issuer, "CN=voorzorg test code signing CA");
	assert_true(a.sig_ok);
	/* The file's digest is the signed one... */
	fd = temp_file(d, n);
	assert_int_equal(vz__pe_digest(fd, &pe, a.md, dig, &dlen), 0);
	close(fd);
	assert_int_equal(dlen, a.dlen);
	assert_memory_equal(dig, a.digest, dlen);
	/* ... and not with one byte of code changed. */
	d[0x200] ^= 1;
	fd = temp_file(d, n);
	assert_int_equal(vz__pe_digest(fd, &pe, a.md, dig, &dlen), 0);
	close(fd);
	assert_memory_not_equal(dig, a.digest, dlen);
	d[0x200] ^= 1;
	/* The checksum field is not covered. */
	d[pe.checksum_off] ^= 0x55;
	fd = temp_file(d, n);
	assert_int_equal(vz__pe_digest(fd, &pe, a.md, dig, &dlen), 0);
	close(fd);
	assert_memory_equal(dig, a.digest, dlen);
	d[pe.checksum_off] ^= 0x55;
	vz__authenticode_clear(&a);
	/* Every truncation is refused or read within its bounds. */
	for (k = 0; k < n; k++) {
		t = malloc(k ? k : 1);
		memcpy(t, d, k);
		assert_int_equal(vz__pe_headers(t, k, k, &pe, &why),
		                 VZ_E_PARSE);
		assert_non_null(why);
		free(t);
	}
	/* A corrupt signature block is an error, not a crash. */
	assert_int_equal(vz__pe_headers(d, n, n, &pe, &why), VZ_OK);
	for (k = 0; k < derlen; k += 7) {
		t = malloc(derlen);
		memcpy(t, der, derlen);
		t[k] ^= 0xa5;
		if (vz__authenticode_parse(t, derlen, &a, &why) == VZ_OK)
			assert_non_null(a.subject);
		vz__authenticode_clear(&a);
		free(t);
	}
	assert_int_equal(vz__authenticode_parse(der, 10, &a, &why),
	                 VZ_E_PARSE);
	vz__authenticode_clear(&a);
	/* A certificate table that starts inside the headers (here: in
	 * the section table) is refused, however the file's size allows. */
	assert_int_equal(vz__pe_headers(d, n, n, &pe, &why), VZ_OK);
	{
		uint32_t off = pe.headers_end - 8, was = pe.cert_off;

		for (k = 0; k < 4; k++)
			d[pe.certdir_off + k] = (unsigned char)(off >> (8 * k));
		assert_int_equal(vz__pe_headers(d, n, n, &pe, &why),
		                 VZ_E_PARSE);
		assert_string_equal(why, "PE certificate table out of bounds");
		for (k = 0; k < 4; k++)
			d[pe.certdir_off + k] = (unsigned char)(was >> (8 * k));
		assert_int_equal(vz__pe_headers(d, n, n, &pe, &why), VZ_OK);
	}
	free(d);
	d = slurp_u("fuzz/corpus/pe/unsigned.exe", &n);
	assert_int_equal(vz__pe_headers(d, n, n, &pe, &why), VZ_OK);
	assert_int_equal(pe.cert_size, 0);
	free(d);
	/* An older driver, signed with SHA-1: the digest follows it. */
	d = slurp_u("fuzz/corpus/pe/driver-sha1.sys", &n);
	assert_int_equal(vz__pe_headers(d, n, n, &pe, &why), VZ_OK);
	assert_int_equal(vz__pe_signature(d + pe.cert_off, pe.cert_size, &der,
	                                  &derlen, &why),
	                 VZ_OK);
	assert_int_equal(vz__authenticode_parse(der, derlen, &a, &why), VZ_OK);
	assert_int_equal(a.dlen, 20);
	fd = temp_file(d, n);
	assert_int_equal(vz__pe_digest(fd, &pe, a.md, dig, &dlen), 0);
	close(fd);
	assert_memory_equal(dig, a.digest, dlen);
	vz__authenticode_clear(&a);
	free(d);
}

/* ---- plists, Mach-O ------------------------------------------------------ */

#if VZ_HAVE_PLIST

static void test_plist(void **state)
{
	static const char *const keys[] = {"CFBundleIdentifier", "Label",
	                                   "ProgramArguments"};
	char *v[3];
	const char *why;
	size_t n = 0;
	char *d;

	(void)state;
	d = vz_test_slurp("fuzz/corpus/plist/info-binary.plist", &n);
	assert_int_equal(vz__plist_strings(d, n, keys, v, 3, &why), 0);
	assert_string_equal(v[0], "com.kaspersky.kav.sysext");
	assert_null(v[1]);
	vz__free(v[0]);
	free(d);
	d = vz_test_slurp("fuzz/corpus/plist/launchd-xml.plist", &n);
	assert_int_equal(vz__plist_strings(d, n, keys, v, 3, &why), 0);
	assert_string_equal(v[1], "com.kaspersky.kav");
	assert_string_equal(v[2], "/Library/Application Support/Kaspersky "
	                          "Lab/KAV/Binaries/kav");
	vz__free(v[1]);
	vz__free(v[2]);
	free(d);
	d = vz_test_slurp("fuzz/corpus/plist/corrupt.plist", &n);
	assert_int_equal(vz__plist_strings(d, n, keys, v, 3, &why), -1);
	assert_non_null(why);
	free(d);
	assert_int_equal(vz__plist_strings("[1,2]", 5, keys, v, 3, &why), -1);
}

struct mem {
	const unsigned char *p;
	size_t n;
};

static int mem_read(void *ctx, unsigned char *out, size_t n, uint64_t off)
{
	struct mem *m = ctx;

	if (off > m->n || n > m->n - off)
		return -1;
	memcpy(out, m->p + off, n);
	return 0;
}

static void test_macho_team(void **state)
{
	static const char *const files[] = {"fuzz/corpus/plist/macho-thin",
	                                    "fuzz/corpus/plist/macho-fat"};
	size_t i, n, k;
	char *team;

	(void)state;
	for (i = 0; i < 2; i++) {
		unsigned char *d = slurp_u(files[i], &n);
		struct mem m = {d, n};

		assert_int_equal(vz__macho_team_id(d, n, mem_read, &m, &team),
		                 VZ_OK);
		assert_non_null(team);
		assert_string_equal(team, "2Y8XE5CQ94");
		vz__free(team);
		/* Every truncation: the Team ID or nothing. */
		for (k = 0; k < n; k += 13) {
			m.n = k;
			assert_int_equal(vz__macho_team_id(d, k, mem_read, &m,
			                                   &team),
			                 VZ_OK);
			assert_true(team == NULL ||
			            strcmp(team, "2Y8XE5CQ94") == 0);
			vz__free(team);
		}
		free(d);
	}
}

#endif /* VZ_HAVE_PLIST */

/* ---- SBOM readers --------------------------------------------------------- */

static vz_status count_rec(void *ctx, const vz_record *r)
{
	size_t *n = ctx;

	assert_int_equal(r->kind, VZ_REC_COMPONENT);
	assert_non_null(r->name);
	(*n)++;
	return VZ_OK;
}

static vz_status read_sbom(const char *rel, size_t *count, vz_error *err)
{
	vz_sink sink = {.ctx = count, .record = count_rec};
	struct vz_cctx c;
	vz_stats *st = vz_stats_new();
	size_t n = 0;
	char *d = vz_test_slurp(rel, &n);
	vz_status rc;

	assert_non_null(d);
	memset(&c, 0, sizeof(c));
	c.sink = &sink;
	c.st = st;
	c.name = "sbom";
	*count = 0;
	vz_error_clear(err);
	rc = vz__sbom_read(&c, d, n, rel, err);
	vz_stats_free(st);
	free(d);
	return rc;
}

static void test_sbom(void **state)
{
	vz_error err;
	size_t n;

	(void)state;
	assert_int_equal(read_sbom("tests/win/sbom/appliance.cdx-1.5.json", &n,
	                           &err),
	                 VZ_OK);
	assert_int_equal(n, 6); /* the subject, nested components too */
	assert_int_equal(read_sbom("tests/win/sbom/server.spdx-2.3.json", &n,
	                           &err),
	                 VZ_OK);
	assert_int_equal(n, 3);
	assert_int_equal(read_sbom("tests/win/sbom/no-name.cdx.json", &n,
	                           &err),
	                 VZ_E_PARSE);
	assert_int_equal(err.line, 6);
	assert_string_equal(err.path, "components[1]");
	assert_int_equal(read_sbom("tests/win/sbom/truncated.cdx.json", &n,
	                           &err),
	                 VZ_E_PARSE);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.msg, "not valid JSON"));
}

/* ---- allocation failure at every point of a scan of artefacts ---------- */

static void test_artefacts_alloc_failures(void **state)
{
	static const char *const sboms[] = {
		VZ_TEST_SOURCE_ROOT "/tests/win/sbom/appliance.cdx-1.5.json",
		VZ_TEST_SOURCE_ROOT "/tests/win/sbom/linux-host.cdx-1.4.json"};
	static const char *const paths[] = {
		VZ_TEST_SOURCE_ROOT "/fuzz/corpus/pe/signed.exe",
		VZ_TEST_SOURCE_ROOT "/fuzz/corpus/pe/tampered.exe",
		VZ_TEST_SOURCE_ROOT "/fuzz/corpus/plist/info-binary.plist"};
	vz_catalog *cat = load_catalog(CATALOG);
	long n;
	int done = 0;

	(void)state;
	vz__alloc_hook_jansson();
	for (n = 0; !done && n < 20000; n++) {
		vz_scan_opts o;
		vz_scan *s = NULL;
		char *out[3] = {NULL, NULL, NULL};
		vz_status rc;
		int f;

		vz_scan_opts_init(&o);
		o.sboms = sboms;
		o.nsboms = 2;
		o.paths = paths;
		o.npaths = 3;
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
			/* Exactly the full result, never a partial one. */
			assert_int_equal(vz_scan_count(s), 2);
			assert_int_equal(vz_scan_tampered_count(s), 1);
		}
		for (f = 0; f < 3; f++)
			vz_free(out[f]);
		vz_scan_free(s);
	}
	assert_true(done);
	assert_true(n > 50);
	vz_catalog_free(cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_services_paths),
		cmocka_unit_test(test_paths_ignore_case),
		cmocka_unit_test(test_signers),
		cmocka_unit_test(test_bundles),
		cmocka_unit_test(test_cpe_parse),
		cmocka_unit_test(test_components),
		cmocka_unit_test(test_purl_parse),
		cmocka_unit_test(test_pe),
		cmocka_unit_test(test_authenticode_cache),
#if VZ_HAVE_PLIST
		cmocka_unit_test(test_plist),
		cmocka_unit_test(test_macho_team),
#endif
		cmocka_unit_test(test_sbom),
		cmocka_unit_test(test_artefacts_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
