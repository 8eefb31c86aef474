/*
 * tests/unit/test_inventory.c - saved inventories and osquery results:
 * a record of every kind with every field survives writing and reading
 * byte for byte (names that are not UTF-8 included); dir ids change with
 * the directory and the key as the collectors' do; a sink's interests,
 * wanted keys and missing hashes are honoured; and allocation failures
 * at every point give VZ_E_NOMEM, never a crash, a leak or a half
 * success, in the writer and both readers.
 */
#include <unistd.h>

#include "vz_test.h"

#include <voorzorg/inventory_file.h>
#include <voorzorg/osquery.h>

#include "collect/collect_int.h"

/* ---- a writer into memory ---------------------------------------------- */

struct mem {
	struct vz_buf b;
};

static vz_status to_mem(void *ctx, const char *data, size_t len)
{
	struct mem *m = ctx;

	vz__buf_add(&m->b, data, len);
	return m->b.failed ? VZ_E_NOMEM : VZ_OK;
}

static const vz_inventory_meta meta = {
	"0123456789abcdef0123456789abcdef", "host-1", "host-1.example.org",
	"Debian GNU/Linux 12 (bookworm)", "/mnt/image", 0,
	"2026-12-06T03:00:00Z", "voorzorg", "0.1.0", "test-catalogue", 7};

static const unsigned char sha[32] = {
	0x8b, 0x1b, 0xf8, 0x7c, 0x94, 0x02, 0x47, 0x90, 0x4a, 0x65, 0x19,
	0x1b, 0x6f, 0xa3, 0x2e, 0x8c, 0x4b, 0xf2, 0xa2, 0xdd, 0xb1, 0x29,
	0x5f, 0x9f, 0x6f, 0xfd, 0x21, 0x19, 0xda, 0x81, 0xb6, 0x6a};

/* Every kind, every field, names that need escaping or hex. */
static void records(vz_record *r, size_t *n)
{
	static const char *const cpes[] = {"cpe:2.3:a:x:y:1:*:*:*:*:*:*:*",
	                                   "cpe:/a:x:y"};
	size_t i = 0;

	memset(r, 0, 10 * sizeof(*r));
	r[i].kind = VZ_REC_PACKAGE;
	r[i].source = "dpkg";
	r[i].origin = "/var/lib/dpkg/status";
	r[i].name = "kesl";
	r[i].version = "12.1.0-1297";
	r[i].arch = "amd64";
	r[i].vendor = "AO \"Kaspersky\" Lab\t<x@y>";
	r[i].detail = "deinstall ok config-files";
	r[i].pkg_state = VZ_PKG_CONFIG_FILES;
	i++;
	r[i].kind = VZ_REC_FILE;
	r[i].source = "files";
	r[i].name = "/opt/caf\xe9-\xff.bin"; /* not UTF-8 */
	r[i].file_type = VZ_FT_REGULAR;
	r[i].size = 80;
	r[i].sha256 = sha;
	r[i].dirlen = 4;
	i++;
	r[i].kind = VZ_REC_FILE;
	r[i].source = "files";
	r[i].name = "/opt/d\xc3\xa9j\xc3\xa0"; /* UTF-8 */
	r[i].file_type = VZ_FT_DIRECTORY;
	r[i].dirlen = 4;
	i++;
	r[i].kind = VZ_REC_PROCESS;
	r[i].source = "procs";
	r[i].name = "kesl";
	r[i].path = "/opt/kaspersky/kesl/libexec/kesl";
	r[i].pid = 1102;
	i++;
	r[i].kind = VZ_REC_UNIT;
	r[i].source = "units";
	r[i].name = "kesl.service";
	r[i].enabled = 1;
	i++;
	r[i].kind = VZ_REC_REGISTRY;
	r[i].source = "hive";
	r[i].name = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\"
	            "Uninstall\\{X}";
	r[i].value = "";
	r[i].data = "line1\nline2\x01";
	r[i].path = "C:\\Program Files\\X\\";
	r[i].platform = "windows";
	r[i].flags = VZ_RECF_UNINSTALL;
	i++;
	r[i].kind = VZ_REC_SERVICE;
	r[i].source = "hive";
	r[i].name = "klif";
	r[i].path = "\\SystemRoot\\System32\\drivers\\klif.sys";
	r[i].platform = "windows";
	r[i].flags = VZ_RECF_DRIVER | VZ_RECF_SERVICE;
	r[i].enabled = 1;
	i++;
	r[i].kind = VZ_REC_SIGNATURE;
	r[i].source = "pe";
	r[i].name = "/Program Files/X/avp.exe";
	r[i].subject = "CN=AO Kaspersky Lab,O=AO Kaspersky Lab,C=RU";
	r[i].issuer = "CN=Test CA";
	r[i].common_name = "AO Kaspersky Lab";
	r[i].auth = VZ_AUTH_TAMPERED;
	r[i].platform = "windows";
	i++;
	r[i].kind = VZ_REC_BUNDLE;
	r[i].source = "bundle";
	r[i].name = "/Applications/K.app";
	r[i].ident = "com.kaspersky.kav";
	r[i].team_id = "2Y8XE5CQ94";
	r[i].platform = "macos";
	r[i].flags = VZ_RECF_RECEIPT;
	i++;
	r[i].kind = VZ_REC_COMPONENT;
	r[i].source = "sbom";
	r[i].name = "kesl";
	r[i].ident = "pkg:deb/kaspersky/kesl@12";
	r[i].cpes = cpes;
	r[i].ncpes = 2;
	i++;
	*n = i;
}

static vz_status write_all(const vz_record *r, size_t n, const vz_stats *st,
                           char **out)
{
	vz_inventory_writer *w = NULL;
	struct mem m;
	vz_sink sink;
	vz_status rc;
	size_t i;

	*out = NULL;
	vz__buf_init(&m.b);
	rc = vz_inventory_writer_new(&meta, to_mem, &m, &w);
	if (rc == VZ_OK) {
		vz_inventory_writer_sink(w, NULL, &sink);
		for (i = 0; i < n && rc == VZ_OK; i++)
			rc = sink.record(sink.ctx, &r[i]);
	}
	if (rc == VZ_OK)
		rc = vz_inventory_writer_finish(w, st);
	vz_inventory_writer_free(w);
	vz__buf_add(&m.b, "", 1);
	if (rc == VZ_OK && m.b.failed)
		rc = VZ_E_NOMEM;
	if (rc == VZ_OK)
		*out = vz__buf_take(&m.b);
	vz__buf_free(&m.b);
	return rc;
}

/* A sink that writes what it is given with a second writer. */
struct copy {
	vz_sink sink;
	uint64_t ids[10];
	size_t n;
	unsigned interests;
};

static vz_status copy_record(void *ctx, const vz_record *r)
{
	struct copy *c = ctx;

	if (c->n < 10)
		c->ids[c->n] = r->dir_id;
	c->n++;
	return c->sink.record(c->sink.ctx, r);
}

static void test_roundtrip(void **state)
{
	vz_record r[10];
	vz_inventory_writer *w2 = NULL;
	vz_inventory_info info;
	vz_stats *st = vz_stats_new(), *st2 = vz_stats_new();
	struct copy c;
	struct mem m;
	vz_sink in;
	vz_error err;
	char *text = NULL;
	size_t n;

	(void)state;
	records(r, &n);
	vz__stats_add(st, VZ_STAT_FILES, 2);
	vz__stats_add(st, VZ_STAT_HASHED_BYTES, 80);
	vz__stats_run(st, "dpkg", "ran", "/var/lib/dpkg/status");
	vz__stats_run(st, "procs", "not-applicable", NULL);
	vz__stats_problem_n(st, "files", 1, "permission denied",
	                    "/root/\xff", 3);
	assert_int_equal(write_all(r, n, st, &text), VZ_OK);
	/* The non-UTF-8 name is hex, the UTF-8 one is text. */
	assert_non_null(strstr(text, "\"name\":{\"hex\":\"2f6f70742f636166e9"
	                             "2dff2e62696e\"}"));
	assert_non_null(strstr(text, "\"name\":\"/opt/d\xc3\xa9j\xc3\xa0\""));
	assert_non_null(strstr(text, "\"data\":\"line1\\u000aline2\\u0001\""));

	/* Read it back, write what was read: the same bytes. */
	vz__buf_init(&m.b);
	assert_int_equal(vz_inventory_writer_new(&meta, to_mem, &m, &w2),
	                 VZ_OK);
	memset(&c, 0, sizeof(c));
	vz_inventory_writer_sink(w2, NULL, &c.sink);
	memset(&in, 0, sizeof(in));
	in.ctx = &c;
	in.record = copy_record;
	vz_error_clear(&err);
	assert_int_equal(vz_inventory_replay_mem(text, strlen(text), "t.jsonl",
	                                         NULL, &in, st2, &info, &err),
	                 VZ_OK);
	assert_int_equal(vz_inventory_writer_finish(w2, st2), VZ_OK);
	vz__buf_add(&m.b, "", 1);
	assert_string_equal(m.b.data, text);
	assert_int_equal(c.n, n);
	assert_int_equal(info.records, n);
	assert_string_equal(info.machine_id, meta.machine_id);
	assert_string_equal(info.fqdn, "host-1.example.org");
	assert_string_equal(info.catalog_id, "test-catalogue");
	assert_int_equal(info.catalog_version, 7);
	/* Two files in /opt: one directory id; the key its own. */
	assert_int_equal(c.ids[1], c.ids[2]);
	assert_true(c.ids[1] != 0 && c.ids[5] != 0 && c.ids[5] != c.ids[1]);
	assert_int_equal(vz_stats_problem_count(st2), 1);
	assert_string_equal(vz_stats_problem(st2, 0)->example, "/root/\xff");
	assert_int_equal(vz_stats_problem(st2, 0)->count, 3);
	assert_int_equal(vz_stats_get(st2, VZ_STAT_HASHED_BYTES), 80);
	assert_int_equal(vz_stats_run_count(st2), 2);
	vz_inventory_info_clear(&info);
	vz_inventory_writer_free(w2);
	vz__buf_free(&m.b);
	vz_free(text);
	vz_stats_free(st);
	vz_stats_free(st2);
}

/* ---- what a sink asks for ---------------------------------------------- */

static size_t got_kinds[10];

static vz_status count_record(void *ctx, const vz_record *r)
{
	(void)ctx;
	got_kinds[r->kind]++;
	return VZ_OK;
}

static int no_hklm(void *ctx, const char *key)
{
	(void)ctx;
	return strncmp(key, "HKLM", 4) != 0;
}

static int wants_80(void *ctx, uint64_t size)
{
	(void)ctx;
	return size == 80 || size == 0;
}

static void test_sink_questions(void **state)
{
	vz_record r[10];
	vz_inventory_read same = {NULL, "test-catalogue", 7, NULL, 0};
	vz_inventory_read other = {NULL, "test-catalogue", 8, NULL, 0};
	vz_inventory_info info;
	vz_stats *st = vz_stats_new();
	vz_sink in;
	char *text = NULL;
	size_t n;

	(void)state;
	records(r, &n);
	assert_int_equal(write_all(r, n, st, &text), VZ_OK);
	memset(&in, 0, sizeof(in));
	in.record = count_record;
	in.interests = VZ_WANT(VZ_REC_FILE) | VZ_WANT(VZ_REC_REGISTRY);
	in.want_key = no_hklm;
	in.want_content = wants_80;
	memset(got_kinds, 0, sizeof(got_kinds));
	assert_int_equal(vz_inventory_replay_mem(text, strlen(text), "t",
	                                         &same, &in, st, &info, NULL),
	                 VZ_OK);
	vz_inventory_info_clear(&info);
	/* Only the kinds asked for; the HKLM key not wanted. */
	assert_int_equal(got_kinds[VZ_REC_FILE], 2);
	assert_int_equal(got_kinds[VZ_REC_REGISTRY], 0);
	assert_int_equal(got_kinds[VZ_REC_PACKAGE], 0);
	assert_int_equal(vz_stats_problem_count(st), 0);
	/* Another catalogue: the directory (size 0) was not hashed for it,
	 * the hashed file was. */
	assert_int_equal(vz_inventory_replay_mem(text, strlen(text), "t",
	                                         &other, &in, st, &info, NULL),
	                 VZ_OK);
	vz_inventory_info_clear(&info);
	assert_int_equal(vz_stats_problem_count(st), 0);
	in.interests = 0;
	in.want_signer = NULL;
	vz_free(text);
	/* A regular file of a wanted size without its hash is a gap. */
	r[2].file_type = VZ_FT_REGULAR;
	assert_int_equal(write_all(r, n, st, &text), VZ_OK);
	assert_int_equal(vz_inventory_replay_mem(text, strlen(text), "t",
	                                         &other, &in, st, &info, NULL),
	                 VZ_OK);
	vz_inventory_info_clear(&info);
	assert_int_equal(vz_stats_problem_count(st), 1);
	assert_string_equal(vz_stats_problem(st, 0)->collector, "inventory");
	assert_true(vz_stats_problem(st, 0)->unreadable);
	vz_free(text);
	vz_stats_free(st);
}

/* ---- names that are not UTF-8, rows of osquery tables -------------------- */

/* What a sink was given: each record's name and version, and enabled. */
struct got {
	char text[8][64];
	int enabled[8];
	size_t n;
};

static vz_status capture(void *ctx, const vz_record *r)
{
	struct got *g = ctx;

	if (g->n < 8) {
		snprintf(g->text[g->n], sizeof(g->text[0]), "%s %s", r->name,
		         r->version ? r->version : "-");
		g->enabled[g->n] = r->enabled;
	}
	g->n++;
	return VZ_OK;
}

/* Bytes that look like UTF-8 but are not (an encoded surrogate, an
 * overlong form, a code point past U+10FFFF) are written as their hex
 * bytes, not as a JSON string, and read back as they were. */
static void test_not_utf8(void **state)
{
	static const char *const names[] = {
		"/opt/\xed\xa0\x80",     /* U+D800 */
		"/opt/\xe0\x80\xaf",     /* '/' in three bytes */
		"/opt/\xf4\x90\x80\x80", /* U+110000 */
	};
	static const char *const hex[] = {
		"\"name\":{\"hex\":\"2f6f70742feda080\"}",
		"\"name\":{\"hex\":\"2f6f70742fe080af\"}",
		"\"name\":{\"hex\":\"2f6f70742ff4908080\"}",
	};
	vz_stats *st = vz_stats_new();
	vz_inventory_info info;
	vz_sink in;
	struct got g;
	vz_record r;
	char *text;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		memset(&r, 0, sizeof(r));
		r.kind = VZ_REC_FILE;
		r.source = "files";
		r.name = names[i];
		r.file_type = VZ_FT_REGULAR;
		r.dirlen = 4;
		text = NULL;
		assert_int_equal(write_all(&r, 1, st, &text), VZ_OK);
		assert_non_null(strstr(text, hex[i]));
		memset(&g, 0, sizeof(g));
		memset(&in, 0, sizeof(in));
		in.ctx = &g;
		in.record = capture;
		assert_int_equal(vz_inventory_replay_mem(text, strlen(text),
		                                         "t", NULL, &in, st,
		                                         &info, NULL),
		                 VZ_OK);
		vz_inventory_info_clear(&info);
		assert_int_equal(g.n, 1);
		assert_memory_equal(g.text[0], names[i], strlen(names[i]));
		vz_free(text);
	}
	vz_stats_free(st);
}

/* A name in hex may not hold a NUL byte, which would cut it short: the
 * line is refused, naming the field. */
static void test_hex_nul_refused(void **state)
{
	vz_stats *st = vz_stats_new();
	vz_inventory_info info;
	vz_error err;
	vz_sink in;
	struct got g;
	vz_record r;
	char *text = NULL, *h;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_FILE;
	r.source = "files";
	r.name = "/opt/\xff";
	r.file_type = VZ_FT_REGULAR;
	r.dirlen = 4;
	assert_int_equal(write_all(&r, 1, st, &text), VZ_OK);
	h = strstr(text, "{\"hex\":\"2f6f70742fff\"}");
	assert_non_null(h);
	memcpy(h + strlen("{\"hex\":\"2f6f70742f"), "00", 2);
	memset(&g, 0, sizeof(g));
	memset(&in, 0, sizeof(in));
	in.ctx = &g;
	in.record = capture;
	vz_error_clear(&err);
	assert_int_equal(vz_inventory_replay_mem(text, strlen(text), "t", NULL,
	                                         &in, st, &info, &err),
	                 VZ_E_PARSE);
	/* The header was read before the bad line: its strings are ours. */
	vz_inventory_info_clear(&info);
	assert_non_null(strstr(err.msg, "\"name\""));
	assert_non_null(strstr(err.msg, "NUL"));
	assert_int_equal(g.n, 0);
	vz_free(text);
	vz_stats_free(st);
}

/* osquery rows: an rpm's epoch 0 is left out of its version (rpm -q
 * leaves it out; catalogue versions do too), another epoch is kept; a
 * Windows service whose start type is not given counts as enabled, a
 * DISABLED one does not. */
static void test_osquery_rows(void **state)
{
	static const char doc[] =
	    "{\"rpm_packages\":["
	    "{\"name\":\"a\",\"version\":\"1.2\",\"release\":\"3\","
	    "\"epoch\":\"0\"},"
	    "{\"name\":\"b\",\"version\":\"1.2\",\"release\":\"3\","
	    "\"epoch\":\"2\"},"
	    "{\"name\":\"c\",\"version\":\"1.2\",\"release\":\"3\"}],"
	    "\"services\":["
	    "{\"name\":\"s1\"},"
	    "{\"name\":\"s2\",\"start_type\":\"DISABLED\"},"
	    "{\"name\":\"s3\",\"start_type\":\"AUTO_START\"}]}";
	vz_stats *st = vz_stats_new();
	vz_host host;
	vz_sink in;
	struct got g;

	(void)state;
	memset(&g, 0, sizeof(g));
	memset(&in, 0, sizeof(in));
	in.ctx = &g;
	in.record = capture;
	memset(&host, 0, sizeof(host));
	assert_int_equal(vz_osquery_replay_mem(doc, strlen(doc), "t.json",
	                                       NULL, &in, st, &host, NULL),
	                 VZ_OK);
	assert_int_equal(g.n, 6);
	assert_string_equal(g.text[0], "a 1.2-3");
	assert_string_equal(g.text[1], "b 2:1.2-3");
	assert_string_equal(g.text[2], "c 1.2-3");
	assert_string_equal(g.text[3], "s1 -");
	assert_int_equal(g.enabled[3], 1);
	assert_int_equal(g.enabled[4], 0);
	assert_int_equal(g.enabled[5], 1);
	vz_host_clear(&host);
	vz_stats_free(st);
}

/* ---- allocation failures ------------------------------------------------ */

static vz_status ignore(void *ctx, const vz_record *r)
{
	size_t *n = ctx;

	(void)r;
	(*n)++;
	return VZ_OK;
}

typedef vz_status (*op_fn)(const char *data, size_t len, size_t *count);

static vz_status op_replay(const char *data, size_t len, size_t *count)
{
	vz_sink in = {.record = ignore};
	vz_inventory_info info;
	vz_stats *st = vz_stats_new();
	vz_status rc;

	*count = 0;
	if (st == NULL)
		return VZ_E_NOMEM;
	in.ctx = count;
	rc = vz_inventory_replay_mem(data, len, "t", NULL, &in, st, &info,
	                             NULL);
	vz_inventory_info_clear(&info);
	vz_stats_free(st);
	return rc;
}

static vz_status op_osquery(const char *data, size_t len, size_t *count)
{
	vz_sink in = {.record = ignore};
	vz_stats *st = vz_stats_new();
	vz_host host;
	vz_status rc;

	*count = 0;
	if (st == NULL)
		return VZ_E_NOMEM;
	in.ctx = count;
	memset(&host, 0, sizeof(host));
	rc = vz_osquery_replay_mem(data, len, "t", NULL, &in, st, &host,
	                           NULL);
	vz_host_clear(&host);
	vz_stats_free(st);
	return rc;
}

static vz_status op_write(const char *data, size_t len, size_t *count)
{
	vz_record r[10];
	vz_stats *st = vz_stats_new();
	char *text = NULL;
	vz_status rc;
	size_t n;

	(void)data;
	(void)len;
	if (st == NULL)
		return VZ_E_NOMEM;
	records(r, &n);
	rc = write_all(r, n, st, &text);
	*count = text ? strlen(text) : 0;
	vz_free(text);
	vz_stats_free(st);
	return rc;
}

static void torture(const char *file, op_fn op)
{
	size_t len = 0, want = 0, got;
	char *data = file ? vz_test_slurp(file, &len) : NULL;
	long n;

	assert_true(file == NULL || data != NULL);
	vz__alloc_hook_jansson();
	vz__alloc_fail_after(-1);
	assert_int_equal(op(data, len, &want), VZ_OK);
	assert_true(want > 0);
	for (n = 0;; n++) {
		unsigned long before = vz__alloc_failures();
		vz_status rc;

		vz__alloc_fail_after(n);
		rc = op(data, len, &got);
		vz__alloc_fail_after(-1);
		if (rc == VZ_OK && vz__alloc_failures() == before) {
			assert_int_equal(got, want);
			break;
		}
		/* A failed allocation is out of memory, never a success
		 * with less in it, never a parse error. */
		if (rc == VZ_OK)
			assert_int_equal(got, want);
		else
			assert_int_equal(rc, VZ_E_NOMEM);
	}
	assert_true(n > 5);
	free(data);
}

/* ---- machine ids -------------------------------------------------------- */

/* A machine-id and a Windows MachineGuid in every spelling Windows uses
 * give the same 32 digits; anything else is refused. */
static void test_machine_id(void **state)
{
	static const char *const bad[] = {
	    "", "0123456789abcdef0123456789abcde",
	    "0123456789abcdef0123456789abcdefa",
	    "0123456789abcdef0123456789abcdeg",
	    "3F2504E0-4F89-11D3-9A0C-0305E82C330",
	    "3F2504E04-F89-11D3-9A0C-0305E82C3301",
	    "{3F2504E0-4F89-11D3-9A0C-0305E82C3301",
	    "(3F2504E0-4F89-11D3-9A0C-0305E82C3301)",
	    "{3F2504E0-4F89-11D3-9A0C-0305E82C3301)",
	    "3F2504E0-4F89-11D3-9A0C-0305E82C3301; x",
	    "3f2504e0 4f89 11d3 9a0c 0305e82c3301",
	    "{3F2504E04F8911D39A0C0305E82C3301}"};
	char id[33];
	size_t i;

	(void)state;
	assert_int_equal(vz__machine_id_canon(
	                     "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}", id), 0);
	assert_string_equal(id, "3f2504e04f8911d39a0c0305e82c3301");
	memset(id, 0, sizeof(id));
	assert_int_equal(vz__machine_id_canon(
	                     "3f2504e0-4f89-11d3-9a0c-0305E82C3301", id), 0);
	assert_string_equal(id, "3f2504e04f8911d39a0c0305e82c3301");
	assert_int_equal(vz__machine_id_canon(meta.machine_id, id), 0);
	assert_string_equal(id, meta.machine_id);
	assert_int_equal(vz__machine_id_canon(
	                     "0123456789ABCDEF0123456789ABCDEF", id), 0);
	assert_string_equal(id, "0123456789abcdef0123456789abcdef");
	assert_int_equal(vz__machine_id_canon(NULL, id), -1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(vz__machine_id_canon(bad[i], id), -1);
}

/* An inventory's host.machine_id: a GUID becomes the canonical id; text
 * that is no id is refused at its line, not carried into a report. */
static void test_inventory_machine_id(void **state)
{
	static const char head[] =
	    "{\"format\":\"voorzorg-inventory\",\"inventory_schema\":1,"
	    "\"tool\":\"voorzorg-collect.exe\",\"tool_version\":\"0.1.0\","
	    "\"collected_at\":\"2026-12-06T03:00:00Z\",\"host\":{\"live\":"
	    "true,\"machine_id\":\"%s\",\"hostname\":\"ws\","
	    "\"root\":\"C:\\\\\"}}\n"
	    "{\"end\":true,\"records\":0,\"stats\":{},\"collectors\":[],"
	    "\"problems\":[]}\n";
	vz_inventory_info info;
	vz_stats *st = vz_stats_new();
	vz_sink in;
	vz_error err;
	char text[512];

	(void)state;
	memset(&in, 0, sizeof(in));
	in.record = count_record;
	snprintf(text, sizeof(text), head,
	         "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}");
	vz_error_clear(&err);
	assert_int_equal(vz_inventory_replay_mem(text, strlen(text), "w.jsonl",
	                                         NULL, &in, st, &info, &err),
	                 VZ_OK);
	assert_string_equal(info.machine_id,
	                    "3f2504e04f8911d39a0c0305e82c3301");
	vz_inventory_info_clear(&info);
	snprintf(text, sizeof(text), head, "$(reboot)");
	assert_int_equal(vz_inventory_replay_mem(text, strlen(text), "w.jsonl",
	                                         NULL, &in, st, &info, &err),
	                 VZ_E_PARSE);
	assert_string_equal(err.file, "w.jsonl");
	assert_int_equal(err.line, 1);
	/* The column is the field's (host.machine_id), not the line's. */
	assert_int_equal(err.column,
	                 strstr(text, "\"machine_id\"") - text + 1);
	assert_non_null(strstr(err.msg, "machine_id"));
	assert_null(info.machine_id);
	vz_inventory_info_clear(&info);
	vz_stats_free(st);
}

/* ---- in memory, and the header alone ----------------------------------- */

/*
 * vz_inventory_read's data/len read the inventory in place, as a file
 * (the fleet server's body); vz_inventory_header reads its first line
 * only, so what it says about itself is known before it is judged.
 */
static void test_header_and_memory(void **state)
{
	vz_record r[10];
	vz_inventory_read in;
	vz_inventory_info info;
	vz_stats *st = vz_stats_new(), *st2 = vz_stats_new();
	vz_sink sink;
	vz_host host;
	vz_error err;
	char *text = NULL, *root = NULL, *nl, path[] = "/tmp/vz-inv-XXXXXX";
	size_t n, count = 0;
	int fd;

	(void)state;
	records(r, &n);
	assert_int_equal(write_all(r, n, st, &text), VZ_OK);
	memset(&in, 0, sizeof(in));
	in.path = "body";
	in.data = text;
	in.len = strlen(text);
	vz_error_clear(&err);
	assert_int_equal(vz_inventory_header(&in, &info, &err), VZ_OK);
	assert_string_equal(info.collected_at, "2026-12-06T03:00:00Z");
	assert_string_equal(info.machine_id, meta.machine_id);
	assert_string_equal(info.catalog_id, "test-catalogue");
	assert_int_equal(info.schema, VZ_INVENTORY_SCHEMA);
	assert_int_equal(info.records, 0);
	vz_inventory_info_clear(&info);

	/* From memory, whole: every record, no file opened. */
	memset(&sink, 0, sizeof(sink));
	sink.record = ignore;
	sink.ctx = &count;
	assert_int_equal(vz_inventory_replay(&in, &sink, st2, &info, &err),
	                 VZ_OK);
	assert_int_equal(count, n);
	assert_int_equal(info.records, n);
	vz_inventory_info_clear(&info);

	/* The source reads it from memory too: the host is the header's. */
	memset(&host, 0, sizeof(host));
	assert_int_equal(vz_inventory_source(&in, &sink, st2, &host, &root,
	                                     &err),
	                 VZ_OK);
	assert_string_equal(host.machine_id, meta.machine_id);
	assert_string_equal(host.fqdn, "host-1.example.org");
	assert_string_equal(root, "/mnt/image");
	vz_host_clear(&host);
	vz_free(root);

	/* From a file, the same header. */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	in.path = path;
	in.data = NULL;
	assert_int_equal(vz_inventory_header(&in, &info, &err), VZ_OK);
	assert_string_equal(info.collected_at, "2026-12-06T03:00:00Z");
	vz_inventory_info_clear(&info);
	unlink(path);
	in.path = "body";

	/* The header line alone: a header, but no inventory (truncated),
	 * named by the path given, at its line. */
	nl = strchr(text, '\n');
	in.data = text;
	in.len = (size_t)(nl - text) + 1;
	assert_int_equal(vz_inventory_header(&in, &info, &err), VZ_OK);
	vz_inventory_info_clear(&info);
	assert_int_equal(vz_inventory_replay(&in, &sink, st2, &info, &err),
	                 VZ_E_PARSE);
	assert_string_equal(err.file, "body");
	assert_non_null(strstr(err.msg, "truncated"));
	vz_inventory_info_clear(&info);

	/* No data at all, a line of garbage, a header that is no inventory:
	 * refused at line 1, and nothing left to clear. */
	in.len = 0;
	assert_int_equal(vz_inventory_header(&in, &info, &err), VZ_E_PARSE);
	assert_int_equal(err.line, 1);
	assert_null(info.collected_at);
	in.data = "{\"format\":\"voorzorg-inventory\",\"inventory_schema\":2}\n";
	in.len = strlen(in.data);
	assert_int_equal(vz_inventory_header(&in, &info, &err),
	                 VZ_E_UNSUPPORTED);
	assert_string_equal(err.file, "body");
	in.data = "{\"format\":\"voorzorg-inventory\",\"inventory_schema\":1,"
	          "\"host\":{\"live\":true,\"machine_id\":\"x\"}}";
	in.len = strlen(in.data);
	assert_int_equal(vz_inventory_header(&in, &info, &err), VZ_E_PARSE);
	assert_non_null(strstr(err.msg, "machine_id"));
	assert_null(info.machine_id);
	in.data = "not json";
	in.len = strlen(in.data);
	assert_int_equal(vz_inventory_header(&in, &info, &err), VZ_E_PARSE);
	assert_int_equal(err.line, 1);
	/* With no path, a memory inventory is "inventory" in messages. */
	in.path = NULL;
	assert_int_equal(vz_inventory_header(&in, &info, &err), VZ_E_PARSE);
	assert_string_equal(err.file, "inventory");

	vz_free(text);
	vz_stats_free(st);
	vz_stats_free(st2);
}

static vz_status op_header(const char *data, size_t len, size_t *count)
{
	vz_inventory_read in;
	vz_inventory_info info;
	vz_status rc;

	memset(&in, 0, sizeof(in));
	in.data = data;
	in.len = len;
	rc = vz_inventory_header(&in, &info, NULL);
	*count = rc == VZ_OK && info.hostname ? strlen(info.hostname) : 0;
	vz_inventory_info_clear(&info);
	return rc;
}

static void test_oom_header(void **state)
{
	(void)state;
	torture("fuzz/corpus/inventory/windows-volume.jsonl", op_header);
}

/* Every field inside host is refused at its own column, not at the
 * line's start: a value of the wrong type, or a name that is no field. */
static void test_inventory_nested_column(void **state)
{
	static const char *const heads[] = {
	    "{\"format\":\"voorzorg-inventory\",\"inventory_schema\":1,"
	    "\"host\":{\"live\":true,\"hostname\":5}}\n",
	    "{\"format\":\"voorzorg-inventory\",\"inventory_schema\":1,"
	    "\"host\":{\"live\":false,\"root\":\"/\",\"os\":[]}}\n",
	    "{\"format\":\"voorzorg-inventory\",\"inventory_schema\":1,"
	    "\"host\":{\"live\":false,\"colour\":1}}\n",
	};
	static const char *const fields[] = {"\"hostname\"", "\"os\"",
	                                     "\"colour\""};
	vz_inventory_info info;
	vz_stats *st = vz_stats_new();
	vz_sink in;
	vz_error err;
	size_t i;

	(void)state;
	memset(&in, 0, sizeof(in));
	in.record = count_record;
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		const char *t = heads[i];

		vz_error_clear(&err);
		assert_int_equal(vz_inventory_replay_mem(t, strlen(t), "h.jsonl",
		                                         NULL, &in, st, &info,
		                                         &err),
		                 VZ_E_PARSE);
		assert_int_equal(err.line, 1);
		assert_int_equal(err.column, strstr(t, fields[i]) - t + 1);
		vz_inventory_info_clear(&info);
	}
	vz_stats_free(st);
}

static void test_oom_replay(void **state)
{
	(void)state;
	torture("fuzz/corpus/inventory/windows-volume.jsonl", op_replay);
}

static void test_oom_osquery(void **state)
{
	(void)state;
	torture("tests/osquery/windows-host.json", op_osquery);
}

static void test_oom_write(void **state)
{
	(void)state;
	torture(NULL, op_write);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_sink_questions),
		cmocka_unit_test(test_machine_id),
		cmocka_unit_test(test_inventory_machine_id),
		cmocka_unit_test(test_inventory_nested_column),
		cmocka_unit_test(test_not_utf8),
		cmocka_unit_test(test_hex_nul_refused),
		cmocka_unit_test(test_osquery_rows),
		cmocka_unit_test(test_header_and_memory),
		cmocka_unit_test(test_oom_header),
		cmocka_unit_test(test_oom_replay),
		cmocka_unit_test(test_oom_osquery),
		cmocka_unit_test(test_oom_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
