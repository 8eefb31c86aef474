/*
 * tests/unit/test_assess.c - the assessment engine through its public API
 * (include/voorzorg/assess.h), on the test catalogue
 * tests/assess/catalog.json and on copies of it changed in memory.
 *
 * Covers: the computed vector, risk level, rules and action per sector of
 * every product of the test catalogue, as each assessing state, each row
 * citing the method rule it proves (docs/assessment-method.md); how each
 * factor is derived and explained; vz_assess errors; determinism of the
 * renderers; the JSON render's stable fields; the consistency check that
 * `catalog lint` runs (vz_assess_check); what-if (vz_reassess); the
 * catalogue diff (vz_diff); and allocation-failure torture of all three.
 */
#include "../vz_test.h"

#define TEST_CAT "tests/assess/catalog.json"
#define CHANGED_CAT "tests/assess/catalog-changed.json"

#define CG "central-government"

/* ---- helpers ------------------------------------------------------------ */

static vz_catalog *load_text(const char *text, size_t len, const char *name)
{
	vz_catalog *cat = NULL;
	vz_diags *d = vz_diags_new();
	char line[1024];

	assert_non_null(d);
	if (vz_catalog_load_buffer(text, len, name, &cat, d) != VZ_OK ||
	    vz_diags_count(d) != 0) {
		vz_error_format(vz_diags_get(d, 0), line, sizeof(line));
		fail_msg("%s does not load cleanly: %s", name, line);
	}
	vz_diags_free(d);
	return cat;
}

static vz_catalog *load_file(const char *rel)
{
	size_t len = 0;
	char *data = vz_test_slurp(rel, &len);
	vz_catalog *cat;

	assert_non_null(data);
	cat = load_text(data, len, rel);
	free(data);
	return cat;
}

static json_t *load_tree(const char *rel)
{
	size_t len = 0;
	char *data = vz_test_slurp(rel, &len);
	json_error_t jerr;
	json_t *root;

	assert_non_null(data);
	root = json_loadb(data, len, 0, &jerr);
	free(data);
	assert_non_null(root);
	return root;
}

/* Dump a (changed) tree as a catalogue text; the caller frees (free). */
static char *dump_tree(json_t *root)
{
	char *s = json_dumps(root, JSON_INDENT(2));

	assert_non_null(s);
	return s;
}

static vz_catalog *load_tree_cat(json_t *root, const char *name)
{
	char *text = dump_tree(root);
	vz_catalog *cat = load_text(text, strlen(text), name);

	free(text);
	return cat;
}

/*
 * Get a member by a path such as "factors.access.derivation[1]"; NULL if
 * it is not there.
 */
static json_t *jget(json_t *v, const char *path)
{
	char key[128];
	const char *p = path;

	while (v != NULL && *p) {
		size_t n = 0;

		if (*p == '.')
			p++;
		if (*p == '[') {
			v = json_array_get(v, strtoul(p + 1, NULL, 10));
			p = strchr(p, ']');
			assert_non_null(p);
			p++;
			continue;
		}
		while (*p && *p != '.' && *p != '[' && n + 1 < sizeof(key))
			key[n++] = *p++;
		key[n] = '\0';
		v = json_object_get(v, key);
	}
	return v;
}

static const char *jstr(json_t *v, const char *path)
{
	json_t *s = jget(v, path);

	if (!json_is_string(s))
		fail_msg("no string at %s", path);
	return json_string_value(s);
}

/* An array of strings must be exactly `want`. */
static void assert_strings(json_t *arr, const char *const *want, size_t n)
{
	size_t i;

	if (!json_is_array(arr) || json_array_size(arr) != n) {
		char *s = json_dumps(arr, JSON_ENCODE_ANY);

		fail_msg("expected %zu strings, got %s", n, s ? s : "?");
	}
	for (i = 0; i < n; i++)
		assert_string_equal(
		    json_string_value(json_array_get(arr, i)), want[i]);
}

#define STRINGS(arr, ...)                                                   \
	do {                                                                \
		static const char *const want_[] = {__VA_ARGS__};           \
		assert_strings((arr), want_,                                \
		               sizeof(want_) / sizeof(want_[0]));           \
	} while (0)

static char *render(const vz_catalog *cat, const vz_assessment *a,
                    vz_format fmt, const char *sector, int explain)
{
	vz_render_opts o;
	char *out = NULL;
	vz_error err;

	o.format = fmt;
	o.sector = sector;
	o.explain = explain;
	assert_int_equal(vz_assessment_render(cat, a, &o, &out, &err), VZ_OK);
	assert_non_null(out);
	return out;
}

/* Assess and return the JSON explanation, parsed. */
static json_t *assess_json(const vz_catalog *cat, const char *product,
                           const char *as, const char *rules)
{
	vz_assessment *a = NULL;
	vz_error err;
	json_error_t jerr;
	json_t *doc;
	char *out;

	if (vz_assess(cat, product, as, rules, &a, &err) != VZ_OK)
		fail_msg("vz_assess %s: %s", product, err.msg);
	out = render(cat, a, VZ_FORMAT_JSON, NULL, 0);
	doc = json_loads(out, 0, &jerr);
	if (doc == NULL)
		fail_msg("JSON render does not parse: %s", jerr.text);
	vz_free(out);
	vz_assessment_free(a);
	return doc;
}

/* `s` starts with `prefix`. */
#define assert_prefix(s, prefix)                                            \
	do {                                                                \
		const char *s_ = (s), *p_ = (prefix);                       \
		if (strncmp(s_, p_, strlen(p_)) != 0)                       \
			fail_msg("does not start with \"%s\":\n%s", p_, s_); \
	} while (0)

/* ---- every product of the test catalogue -------------------------------- */

struct expect {
	const char *product;
	const char *as;    /* NULL: the catalogue's assessing state */
	const char *rules; /* NULL: the current rules */
	const char *vector;
	const char *level;
	const char *rules_id;
	const char *rule; /* the matrix row's rule id, or "default_level" */
	const char *cg, *vital, *other;
};

#define A "example-state-a"
#define B "example-state-b"

static const struct expect expected[] = {
	/* EVIDENCE-OF: R-ACC-1 (kernel) R-COM-2 (full) R-THR-1 (active)
	 * R-DEC-1 (row R-DEC-HIGH: the first of two rows that match)
	 * R-DEC-2 */
	{"example-c-antivirus", NULL, NULL, "VZ1/AV:K/UP:V/DT:Y/CO:F/TH:A",
	 "high", "example-rules-v2", "R-DEC-HIGH", "phase-out",
	 "advise-phase-out", "monitor"},
	/* EVIDENCE-OF: R-THR-1 (State C's programme aimed at State B is
	 * limited: the same vendor is assessed differently by B) */
	{"example-c-antivirus", B, NULL, "VZ1/AV:K/UP:V/DT:Y/CO:F/TH:L", "low",
	 "example-rules-v2", "R-DEC-LOW", "monitor", "none", "none"},
	/* EVIDENCE-OF: R-ACC-2 R-DEC-1 (a `when` on updates: the same
	 * factors as the antivirus, but customer-controlled updates skip
	 * R-DEC-HIGH and reach R-DEC-UPDATES) */
	{"example-c-agent", NULL, NULL, "VZ1/AV:S/UP:C/DT:N/CO:F/TH:A",
	 "medium", "example-rules-v2", "R-DEC-UPDATES", "advise-phase-out",
	 "monitor", "none"},
	/* EVIDENCE-OF: R-THR-1 R-DEC-1 */
	{"example-c-agent", B, NULL, "VZ1/AV:S/UP:C/DT:N/CO:F/TH:L", "low",
	 "example-rules-v2", "R-DEC-LOW", "monitor", "none", "none"},
	/* EVIDENCE-OF: R-ACC-1 (user) R-ACC-2 R-DEC-1 (a `when` on data:
	 * row R-DEC-DATA, the first of two rows that match) */
	{"example-c-messenger", NULL, NULL, "VZ1/AV:U/UP:V/DT:Y/CO:F/TH:A",
	 "medium", "example-rules-v2", "R-DEC-DATA", "advise-phase-out",
	 "monitor", "none"},
	/* EVIDENCE-OF: R-DEC-1 */
	{"example-c-messenger", B, NULL, "VZ1/AV:U/UP:V/DT:Y/CO:F/TH:L",
	 "medium", "example-rules-v2", "R-DEC-DATA", "advise-phase-out",
	 "monitor", "none"},
	/* EVIDENCE-OF: R-ACC-2 R-DEC-1 (no data to the vendor: R-DEC-DATA
	 * does not apply, R-DEC-LOW does) */
	{"example-c-offline", NULL, NULL, "VZ1/AV:U/UP:N/DT:N/CO:F/TH:A", "low",
	 "example-rules-v2", "R-DEC-LOW", "monitor", "none", "none"},
	/* EVIDENCE-OF: R-DEC-1 */
	{"example-c-offline", B, NULL, "VZ1/AV:U/UP:N/DT:N/CO:F/TH:L", "low",
	 "example-rules-v2", "R-DEC-LOW", "monitor", "none", "none"},
	/* EVIDENCE-OF: R-COM-1 R-COM-2 R-THR-1 (headquarters in State B,
	 * full law and no programme; ultimate parent in State D, partial
	 * law and a limited programme: the strongest of each counts) */
	{"example-split-antivirus", NULL, NULL, "VZ1/AV:K/UP:V/DT:Y/CO:F/TH:L",
	 "low", "example-rules-v2", "R-DEC-LOW", "monitor", "none", "none"},
	/* EVIDENCE-OF: R-COM-3 (State B assesses a vendor headquartered in
	 * State B: only the parent's partial law counts) R-DEC-1 (default) */
	{"example-split-antivirus", B, NULL, "VZ1/AV:K/UP:V/DT:Y/CO:P/TH:N",
	 "none", "example-rules-v2", "default_level", "none", "none", "none"},
	/* EVIDENCE-OF: R-COM-3 (a vendor in the assessing state itself)
	 * R-DEC-1 (no row matches: default_level) */
	{"example-a-suite", NULL, NULL, "VZ1/AV:K/UP:V/DT:Y/CO:N/TH:N", "none",
	 "example-rules-v2", "default_level", "none", "none", "none"},
	/* EVIDENCE-OF: R-COM-2 R-THR-1 (State A's law and its programme
	 * aimed at State B count when State B assesses) */
	{"example-a-suite", B, NULL, "VZ1/AV:K/UP:V/DT:Y/CO:F/TH:L", "low",
	 "example-rules-v2", "R-DEC-LOW", "monitor", "none", "none"},
	/* EVIDENCE-OF: R-COM-2 R-THR-1 (a state with no law and no
	 * programme gives none and none) R-DEC-1 (default) */
	{"example-e-browser", NULL, NULL, "VZ1/AV:U/UP:V/DT:Y/CO:N/TH:N", "none",
	 "example-rules-v2", "default_level", "none", "none", "none"},
	/* EVIDENCE-OF: R-COM-2 R-THR-1 */
	{"example-e-browser", B, NULL, "VZ1/AV:U/UP:V/DT:Y/CO:N/TH:N", "none",
	 "example-rules-v2", "default_level", "none", "none", "none"},
	/* EVIDENCE-OF: R-MIT-4 (verified code review and verified
	 * customer-controlled updates lower access system -> user, before
	 * the matrix: R-DEC-DATA instead of R-DEC-HIGH) */
	{"example-verified-agent", NULL, NULL, "VZ1/AV:U/UP:V/DT:Y/CO:F/TH:A",
	 "medium", "example-rules-v2", "R-DEC-DATA", "advise-phase-out",
	 "monitor", "none"},
	/* EVIDENCE-OF: R-MIT-4 */
	{"example-verified-agent", B, NULL, "VZ1/AV:U/UP:V/DT:Y/CO:F/TH:L",
	 "medium", "example-rules-v2", "R-DEC-DATA", "advise-phase-out",
	 "monitor", "none"},
	/* EVIDENCE-OF: R-MIT-4 (one of the two only claimed: no effect)
	 * R-MIT-1 */
	{"example-claimed-agent", NULL, NULL, "VZ1/AV:S/UP:V/DT:Y/CO:F/TH:A",
	 "high", "example-rules-v2", "R-DEC-HIGH", "phase-out",
	 "advise-phase-out", "monitor"},
	/* EVIDENCE-OF: R-MIT-4 R-THR-1 */
	{"example-claimed-agent", B, NULL, "VZ1/AV:S/UP:V/DT:Y/CO:F/TH:L",
	 "low", "example-rules-v2", "R-DEC-LOW", "monitor", "none", "none"},
	/* The assessing state named explicitly is the same as the default. */
	{"example-c-antivirus", A, NULL, "VZ1/AV:K/UP:V/DT:Y/CO:F/TH:A", "high",
	 "example-rules-v2", "R-DEC-HIGH", "phase-out", "advise-phase-out",
	 "monitor"},
	/* EVIDENCE-OF: R-DEC-1 (an older rules entry, asked for by id: its
	 * one row has no `when` on updates, so the agent is high) */
	{"example-c-agent", NULL, "example-rules-v1",
	 "VZ1/AV:S/UP:C/DT:N/CO:F/TH:A", "high", "example-rules-v1",
	 "R-DEC-HIGH", "phase-out", "advise-phase-out", "none"},
	/* EVIDENCE-OF: R-MIT-1 (rules without a mitigation table: the
	 * verified mitigations have no effect, access stays system) */
	{"example-verified-agent", NULL, "example-rules-v1",
	 "VZ1/AV:S/UP:V/DT:Y/CO:F/TH:A", "high", "example-rules-v1",
	 "R-DEC-HIGH", "phase-out", "advise-phase-out", "none"},
	/* EVIDENCE-OF: R-DEC-1 (default_level of the older rules) */
	{"example-c-messenger", B, "example-rules-v1",
	 "VZ1/AV:U/UP:V/DT:Y/CO:F/TH:L", "low", "example-rules-v1",
	 "default_level", "none", "none", "none"},
	{"example-e-browser", NULL, "example-rules-v2",
	 "VZ1/AV:U/UP:V/DT:Y/CO:N/TH:N", "none", "example-rules-v2",
	 "default_level", "none", "none", "none"},
};

static void test_every_product(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	size_t i, seen_products = 0;

	(void)state;
	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct expect *e = &expected[i];
		vz_assessment *a = NULL;
		char vec[VZ_VECTOR_MAX];
		vz_error err;
		json_t *doc;

		vz_error_clear(&err);
		if (vz_assess(cat, e->product, e->as, e->rules, &a, &err) !=
		    VZ_OK)
			fail_msg("%s: %s", e->product, err.msg);
		vz_vector_format(vz_assessment_vector(a), vec, sizeof(vec));
		if (strcmp(vec, e->vector) != 0 ||
		    strcmp(vz_assessment_level(a), e->level) != 0)
			fail_msg("%s as %s: got %s %s, want %s %s", e->product,
			         e->as ? e->as : A, vec, vz_assessment_level(a),
			         e->vector, e->level);
		assert_string_equal(vz_assessment_rules(a), e->rules_id);
		assert_string_equal(vz_assessment_action(a, CG), e->cg);
		assert_string_equal(vz_assessment_action(a, "vital"), e->vital);
		assert_string_equal(vz_assessment_action(a, "other"), e->other);
		/* A sector the rules give no action for. */
		assert_null(vz_assessment_action(a, "abdo"));
		assert_null(vz_assessment_action(a, "example-state-a"));
		vz_assessment_free(a);

		doc = assess_json(cat, e->product, e->as, e->rules);
		assert_string_equal(jstr(doc, "rule.rule"), e->rule);
		assert_string_equal(jstr(doc, "vector"), e->vector);
		assert_string_equal(jstr(doc, "level"), e->level);
		assert_string_equal(jstr(doc, "assessing_state.id"),
		                    e->as ? e->as : A);
		if (strcmp(e->rule, "default_level") == 0)
			assert_true(json_is_null(jget(doc, "rule.index")));
		else
			assert_true(json_is_integer(jget(doc, "rule.index")));
		json_decref(doc);
		if (e->as == NULL && e->rules == NULL)
			seen_products++;
	}
	/* Every product of the catalogue is in the table. */
	assert_int_equal(seen_products,
	                 vz_catalog_count(cat, VZ_KIND_PRODUCT));
	vz_catalog_free(cat);
	vz_assessment_free(NULL);
}

/* EVIDENCE-OF: R-DEC-1 (the first matching row wins; none: default) */
static void test_matrix_rows(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	json_t *doc;

	(void)state;
	/* c-antivirus matches rows 0 and 1: row 0 fires. */
	doc = assess_json(cat, "example-c-antivirus", NULL, NULL);
	assert_int_equal(json_integer_value(jget(doc, "rule.index")), 0);
	assert_string_equal(jstr(doc, "rule.reason"),
	                    "Example: deep access, a vendor channel for code, "
	                    "full compulsion and an active threat.");
	json_decref(doc);
	doc = assess_json(cat, "example-c-agent", NULL, NULL);
	assert_int_equal(json_integer_value(jget(doc, "rule.index")), 1);
	json_decref(doc);
	/* c-messenger matches rows 2 and 3: row 2 fires. */
	doc = assess_json(cat, "example-c-messenger", NULL, NULL);
	assert_int_equal(json_integer_value(jget(doc, "rule.index")), 2);
	json_decref(doc);
	doc = assess_json(cat, "example-c-offline", NULL, NULL);
	assert_int_equal(json_integer_value(jget(doc, "rule.index")), 3);
	json_decref(doc);
	doc = assess_json(cat, "example-a-suite", NULL, NULL);
	assert_true(json_is_null(jget(doc, "rule.index")));
	assert_string_equal(jstr(doc, "rule.rule"), "default_level");
	assert_string_equal(jstr(doc, "rule.reason"),
	                    "no rule of the matrix matches; the default "
	                    "level applies");
	json_decref(doc);
	vz_catalog_free(cat);
}

/* EVIDENCE-OF: R-ACC-1 R-ACC-2 */
static void test_derive_access(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	json_t *doc;

	(void)state;
	doc = assess_json(cat, "example-c-agent", NULL, NULL);
	STRINGS(jget(doc, "factors.access.derivation"),
	        "product example-c-agent needs system access (R-ACC-1)",
	        "updates: customer-controlled; data to the vendor: no "
	        "(R-ACC-2)");
	assert_string_equal(jstr(doc, "factors.access.level"), "system");
	assert_string_equal(jstr(doc, "factors.access.evidence[0].text"),
	                    "Example: a management agent that runs as a "
	                    "system service; the customer installs its "
	                    "updates.");
	STRINGS(jget(doc, "factors.access.evidence[0].sources"),
	        "example-source-products");
	assert_string_equal(jstr(doc, "updates"), "customer-controlled");
	assert_true(json_is_false(jget(doc, "data_to_vendor")));
	json_decref(doc);
	/* Without a description the evidence is the product's name. */
	doc = assess_json(cat, "example-e-browser", NULL, NULL);
	assert_string_equal(jstr(doc, "factors.access.evidence[0].text"),
	                    "Example E Browser");
	assert_string_equal(jstr(doc, "updates"), "vendor-push");
	assert_true(json_is_true(jget(doc, "data_to_vendor")));
	json_decref(doc);
	vz_catalog_free(cat);
}

/* EVIDENCE-OF: R-COM-1 R-COM-2 R-THR-1 */
static void test_derive_headquarters_and_parent(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	json_t *doc = assess_json(cat, "example-split-antivirus", NULL, NULL);

	(void)state;
	STRINGS(jget(doc, "factors.compulsion.derivation"),
	        "headquarters example-state-b (Example State B): \"Example "
	        "State B Services Assistance Act\" compels full (R-COM-1, "
	        "R-COM-2)",
	        "ultimate parent example-state-d (Example State D): \"Example "
	        "State D Cooperation Decree\" compels partial (R-COM-1, "
	        "R-COM-2)");
	assert_string_equal(jstr(doc, "factors.compulsion.level"), "full");
	assert_int_equal(
	    json_array_size(jget(doc, "factors.compulsion.evidence")), 2);
	STRINGS(jget(doc, "factors.compulsion.evidence[1].sources"),
	        "example-source-state-d");
	STRINGS(jget(doc, "factors.threat.derivation"),
	        "headquarters example-state-b (Example State B): no offensive "
	        "cyber programme aimed at example-state-a is recorded "
	        "(R-THR-1)",
	        "ultimate parent example-state-d (Example State D) runs an "
	        "offensive cyber programme aimed at example-state-a: limited "
	        "(R-THR-1)");
	assert_string_equal(jstr(doc, "factors.threat.level"), "limited");
	assert_string_equal(jstr(doc, "factors.threat.evidence[0].text"),
	                    "Example: a limited offensive programme aimed at "
	                    "State A.");
	assert_int_equal(json_array_size(jget(doc, "factors.threat.evidence")),
	                 1);
	json_decref(doc);
	/* A vendor whose headquarters and parent coincide: one line. */
	doc = assess_json(cat, "example-c-antivirus", NULL, NULL);
	STRINGS(jget(doc, "factors.threat.derivation"),
	        "headquarters example-state-c (Example State C) runs an "
	        "offensive cyber programme aimed at example-state-a: active "
	        "(R-THR-1)");
	json_decref(doc);
	/* Only the programme aimed at the assessing state counts. */
	doc = assess_json(cat, "example-c-antivirus", B, NULL);
	STRINGS(jget(doc, "factors.threat.derivation"),
	        "headquarters example-state-c (Example State C) runs an "
	        "offensive cyber programme aimed at example-state-b: limited "
	        "(R-THR-1)");
	assert_string_equal(jstr(doc, "factors.threat.evidence[0].text"),
	                    "Example: a limited offensive cyber programme "
	                    "aimed at State B.");
	json_decref(doc);
	vz_catalog_free(cat);
}

/* EVIDENCE-OF: R-COM-3 */
static void test_derive_assessing_state_itself(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	json_t *doc = assess_json(cat, "example-a-suite", NULL, NULL);

	(void)state;
	STRINGS(jget(doc, "factors.compulsion.derivation"),
	        "headquarters (example-state-a) is the assessing state itself: "
	        "its own law is not foreign compulsion (R-COM-3)");
	STRINGS(jget(doc, "factors.threat.derivation"),
	        "headquarters (example-state-a) is the assessing state itself "
	        "(R-COM-3)");
	assert_int_equal(
	    json_array_size(jget(doc, "factors.compulsion.evidence")), 0);
	assert_string_equal(jstr(doc, "factors.compulsion.level"), "none");
	assert_string_equal(jstr(doc, "factors.threat.level"), "none");
	json_decref(doc);
	/* Only the headquarters is the assessing state; the parent counts. */
	doc = assess_json(cat, "example-split-antivirus", B, NULL);
	STRINGS(jget(doc, "factors.compulsion.derivation"),
	        "headquarters (example-state-b) is the assessing state itself: "
	        "its own law is not foreign compulsion (R-COM-3)",
	        "ultimate parent example-state-d (Example State D): \"Example "
	        "State D Cooperation Decree\" compels partial (R-COM-1, "
	        "R-COM-2)");
	STRINGS(jget(doc, "factors.threat.derivation"),
	        "headquarters (example-state-b) is the assessing state itself "
	        "(R-COM-3)",
	        "ultimate parent example-state-d (Example State D): no "
	        "offensive cyber programme aimed at example-state-b is "
	        "recorded (R-THR-1)");
	json_decref(doc);
	vz_catalog_free(cat);
}

/* EVIDENCE-OF: R-COM-2 R-THR-1 (no law, no programme: none, said so) */
static void test_derive_nothing_recorded(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	json_t *doc = assess_json(cat, "example-e-browser", NULL, NULL);

	(void)state;
	STRINGS(jget(doc, "factors.compulsion.derivation"),
	        "headquarters example-state-e (Example State E): no law "
	        "recorded that can compel companies to assist intelligence "
	        "services (R-COM-2)");
	STRINGS(jget(doc, "factors.threat.derivation"),
	        "headquarters example-state-e (Example State E): no offensive "
	        "cyber programme aimed at example-state-a is recorded "
	        "(R-THR-1)");
	assert_int_equal(json_array_size(jget(doc, "mitigations")), 0);
	json_decref(doc);
	vz_catalog_free(cat);
}

/* EVIDENCE-OF: R-MIT-1 R-MIT-2 R-MIT-3 R-MIT-4 */
static void test_mitigations(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	json_t *doc;

	(void)state;
	/* R-MIT-4: both kinds verified: access one step lower. */
	doc = assess_json(cat, "example-verified-agent", NULL, NULL);
	STRINGS(jget(doc, "factors.access.derivation"),
	        "product example-verified-agent needs system access (R-ACC-1)",
	        "updates: vendor-push; data to the vendor: yes (R-ACC-2)",
	        "mitigations lower it 1 step(s), system -> user (R-MIT-4: "
	        "Example: verified code and customer-controlled updates take "
	        "away the vendor's channel.)");
	assert_string_equal(jstr(doc, "factors.access.level"), "user");
	assert_string_equal(jstr(doc, "mitigations[0].kind"),
	                    "source-code-review");
	assert_string_equal(jstr(doc, "mitigations[0].status"), "verified");
	assert_string_equal(jstr(doc, "mitigations[0].effect"),
	                    "lowers access by 1 (R-MIT-4: Example: verified "
	                    "code and customer-controlled updates take away "
	                    "the vendor's channel.)");
	assert_string_equal(jstr(doc, "mitigations[1].effect"),
	                    jstr(doc, "mitigations[0].effect"));
	json_decref(doc);
	/* R-MIT-4: one of the two only claimed: no effect, and why. */
	doc = assess_json(cat, "example-claimed-agent", NULL, NULL);
	assert_int_equal(
	    json_array_size(jget(doc, "factors.access.derivation")), 2);
	assert_string_equal(jstr(doc, "factors.access.level"), "system");
	assert_string_equal(jstr(doc, "mitigations[1].status"), "claimed");
	assert_string_equal(jstr(doc, "mitigations[1].effect"),
	                    "no effect: R-MIT-4 lowers access only with "
	                    "source-code-review and "
	                    "customer-controlled-updates, all verified "
	                    "(Example: verified code and customer-controlled "
	                    "updates take away the vendor's channel.)");
	assert_string_equal(jstr(doc, "mitigations[0].effect"),
	                    jstr(doc, "mitigations[1].effect"));
	/* R-MIT-1: a row with lower 0 and without a rule id. */
	assert_string_equal(jstr(doc, "mitigations[2].effect"),
	                    "no effect on threat (R-MIT-1: Example: an audit "
	                    "of the vendor says nothing of the state's "
	                    "programme.)");
	json_decref(doc);
	/* R-MIT-2: explicit no effect; R-MIT-1: a kind no row names. */
	doc = assess_json(cat, "example-c-antivirus", NULL, NULL);
	assert_int_equal(json_array_size(jget(doc, "mitigations")), 2);
	assert_string_equal(jstr(doc, "mitigations[0].kind"),
	                    "data-relocation");
	/* No status in the catalogue: claimed. */
	assert_string_equal(jstr(doc, "mitigations[0].status"), "claimed");
	assert_string_equal(jstr(doc, "mitigations[0].summary"),
	                    "Example: moved the processing of customer data "
	                    "to State A.");
	STRINGS(jget(doc, "mitigations[0].sources"),
	        "example-source-mitigations");
	assert_string_equal(jstr(doc, "mitigations[0].effect"),
	                    "no effect on compulsion (R-MIT-2: Example: the "
	                    "law follows the company, not its data.)");
	assert_string_equal(jstr(doc, "mitigations[1].effect"),
	                    "no effect: no rule gives this kind of mitigation "
	                    "an effect (R-MIT-1)");
	assert_string_equal(jstr(doc, "factors.compulsion.level"), "full");
	json_decref(doc);
	/* R-MIT-1: rules without a table: every mitigation has no effect. */
	doc = assess_json(cat, "example-verified-agent", NULL,
	                  "example-rules-v1");
	assert_string_equal(jstr(doc, "mitigations[0].effect"),
	                    "no effect: no rule gives this kind of mitigation "
	                    "an effect (R-MIT-1)");
	json_decref(doc);
	vz_catalog_free(cat);
}

/*
 * EVIDENCE-OF: R-MIT-1 (a factor is lowered by `lower` steps, not below
 * its lowest level; `requires: claimed` counts claimed mitigations)
 */
static void test_mitigation_table_variants(void **state)
{
	json_t *root = load_tree(TEST_CAT);
	json_t *row = jget(root, "rules[1].mitigations[2]");
	vz_catalog *cat;
	vz_assessment *a = NULL;
	char vec[VZ_VECTOR_MAX];
	json_t *doc;

	(void)state;
	assert_string_equal(jstr(row, "rule"), "R-MIT-4");
	json_object_set_new(row, "lower", json_integer(5));
	cat = load_tree_cat(root, "lower-5.json");
	assert_int_equal(vz_assess(cat, "example-verified-agent", NULL, NULL,
	                           &a, NULL),
	                 VZ_OK);
	vz_vector_format(vz_assessment_vector(a), vec, sizeof(vec));
	assert_string_equal(vec, "VZ1/AV:B/UP:V/DT:Y/CO:F/TH:A");
	assert_string_equal(vz_assessment_level(a), "low");
	vz_assessment_free(a);
	doc = assess_json(cat, "example-verified-agent", NULL, NULL);
	assert_string_equal(jstr(doc, "factors.access.derivation[2]"),
	                    "mitigations lower it 5 step(s), system -> "
	                    "sandboxed (R-MIT-4: Example: verified code and "
	                    "customer-controlled updates take away the "
	                    "vendor's channel.)");
	json_decref(doc);
	vz_catalog_free(cat);

	json_object_set_new(row, "lower", json_integer(1));
	json_object_set_new(row, "requires", json_string("claimed"));
	cat = load_tree_cat(root, "requires-claimed.json");
	assert_int_equal(vz_assess(cat, "example-claimed-agent", NULL, NULL,
	                           &a, NULL),
	                 VZ_OK);
	vz_vector_format(vz_assessment_vector(a), vec, sizeof(vec));
	assert_string_equal(vec, "VZ1/AV:U/UP:V/DT:Y/CO:F/TH:A");
	assert_string_equal(vz_assessment_level(a), "medium");
	vz_assessment_free(a);
	vz_catalog_free(cat);
	json_decref(root);
}

/* Recorded assessments: agreeing, and differing today with an override. */
static void test_recorded_and_measures(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	json_t *doc;

	(void)state;
	doc = assess_json(cat, "example-c-antivirus", NULL, NULL);
	assert_int_equal(json_array_size(jget(doc, "recorded")), 1);
	assert_string_equal(jstr(doc, "recorded[0].id"),
	                    "example-assessment-c-antivirus");
	assert_string_equal(jstr(doc, "recorded[0].level"), "high");
	assert_string_equal(jstr(doc, "recorded[0].vector"),
	                    "VZ1/AV:K/UP:V/DT:Y/CO:F/TH:A");
	assert_true(json_is_true(jget(doc, "recorded[0].agrees")));
	assert_int_equal(json_array_size(jget(doc, "recorded[0].differences")),
	                 0);
	assert_null(jget(doc, "recorded[0].override"));
	assert_string_equal(jstr(doc, "measures[0].id"),
	                    "example-measure-c-antivirus");
	assert_string_equal(jstr(doc, "measures[0].reference"),
	                    "Example Papers 10 002, nr. 3");
	assert_string_equal(jstr(doc, "measures[0].sectors.other"), "monitor");
	json_decref(doc);
	/* The same product as State B: State A's record is not State B's. */
	doc = assess_json(cat, "example-c-antivirus", B, NULL);
	assert_int_equal(json_array_size(jget(doc, "recorded")), 0);
	json_decref(doc);
	/* EVIDENCE-OF: R-DEC-3 (the recorded decision is compared with
	 * today's, only for the sectors it addressed) */
	doc = assess_json(cat, "example-a-suite", B, NULL);
	assert_int_equal(json_array_size(jget(doc, "recorded")), 1);
	assert_true(json_is_false(jget(doc, "recorded[0].agrees")));
	STRINGS(jget(doc, "recorded[0].differences"),
	        "threat: recorded active, now limited",
	        "risk: recorded high, now low",
	        "central-government: recorded phase-out, now monitor");
	assert_string_equal(jstr(doc, "recorded[0].override"),
	                    "Example: State B decided on the threat picture of "
	                    "its own services, which rated State A's programme "
	                    "active; the catalogue rates it limited.");
	assert_int_equal(json_array_size(jget(doc, "measures")), 0);
	json_decref(doc);
	doc = assess_json(cat, "example-a-suite", NULL, NULL);
	assert_int_equal(json_array_size(jget(doc, "recorded")), 0);
	json_decref(doc);
	vz_catalog_free(cat);
}

/* ---- errors -------------------------------------------------------------- */

static void expect_notfound(const vz_catalog *cat, const char *product,
                            const char *as, const char *rules,
                            const char *msg)
{
	vz_assessment *a = (vz_assessment *)1;
	vz_error err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(vz_assess(cat, product, as, rules, &a, &err),
	                 VZ_E_NOTFOUND);
	assert_null(a);
	assert_int_equal(err.code, VZ_E_NOTFOUND);
	assert_string_equal(err.msg, msg);
	assert_string_equal(err.file, TEST_CAT);
	/* Without an error record the outcome is the same. */
	a = (vz_assessment *)1;
	assert_int_equal(vz_assess(cat, product, as, rules, &a, NULL),
	                 VZ_E_NOTFOUND);
	assert_null(a);
}

static void test_assess_errors(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);

	(void)state;
	expect_notfound(cat, "no-such-product", NULL, NULL,
	                "no product with id \"no-such-product\"");
	/* A product id of another kind. */
	expect_notfound(cat, "example-vendor-c", NULL, NULL,
	                "no product with id \"example-vendor-c\"");
	expect_notfound(cat, "example-rules-v2", NULL, NULL,
	                "no product with id \"example-rules-v2\"");
	expect_notfound(cat, "", NULL, NULL, "no product with id \"\"");
	expect_notfound(cat, "example-c-antivirus", "example-state-z", NULL,
	                "no jurisdiction with id \"example-state-z\"");
	expect_notfound(cat, "example-c-antivirus", "example-c-agent", NULL,
	                "no jurisdiction with id \"example-c-agent\"");
	expect_notfound(cat, "example-c-antivirus", "vital", NULL,
	                "no jurisdiction with id \"vital\"");
	expect_notfound(cat, "example-c-antivirus", NULL, "no-such-rules",
	                "no rules with id \"no-such-rules\"");
	expect_notfound(cat, "example-c-antivirus", NULL, "example-state-a",
	                "no rules with id \"example-state-a\"");
	vz_catalog_free(cat);
}

/* ---- rendering ------------------------------------------------------------ */

static void test_render_deterministic(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT), *cat2 = load_file(TEST_CAT);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct expect *e = &expected[i];
		static const struct {
			vz_format fmt;
			const char *sector;
			int explain;
		} opts[] = {
			{VZ_FORMAT_TEXT, NULL, 0},  {VZ_FORMAT_TEXT, NULL, 1},
			{VZ_FORMAT_TEXT, CG, 1},    {VZ_FORMAT_JSON, NULL, 0},
			{VZ_FORMAT_JSON, "vital", 0},
		};
		vz_assessment *a = NULL, *b = NULL, *c = NULL;
		size_t k;

		assert_int_equal(
		    vz_assess(cat, e->product, e->as, e->rules, &a, NULL),
		    VZ_OK);
		assert_int_equal(
		    vz_assess(cat, e->product, e->as, e->rules, &b, NULL),
		    VZ_OK);
		assert_int_equal(
		    vz_assess(cat2, e->product, e->as, e->rules, &c, NULL),
		    VZ_OK);
		for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
			char *x = render(cat, a, opts[k].fmt, opts[k].sector,
			                 opts[k].explain);
			char *y = render(cat, a, opts[k].fmt, opts[k].sector,
			                 opts[k].explain);
			char *z = render(cat, b, opts[k].fmt, opts[k].sector,
			                 opts[k].explain);
			char *w = render(cat2, c, opts[k].fmt, opts[k].sector,
			                 opts[k].explain);

			assert_string_equal(x, y);
			assert_string_equal(x, z);
			assert_string_equal(x, w);
			vz_free(x);
			vz_free(y);
			vz_free(z);
			vz_free(w);
		}
		vz_assessment_free(a);
		vz_assessment_free(b);
		vz_assessment_free(c);
	}
	vz_catalog_free(cat);
	vz_catalog_free(cat2);
}

/* The stable fields of the JSON render, with their types. */
static void test_render_json_fields(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	vz_assessment *a = NULL;
	json_error_t jerr;
	json_t *doc, *src;
	char *out;
	static const char *const top[] = {
		"catalog", "product", "assessing_state", "rules", "factors",
		"mitigations", "updates", "data_to_vendor", "vector", "rule",
		"level", "actions", "recorded", "measures", "sources"};
	static const char *const factors[] = {"access", "compulsion",
	                                      "threat"};
	size_t i;

	(void)state;
	assert_int_equal(vz_assess(cat, "example-c-antivirus", NULL, NULL, &a,
	                           NULL),
	                 VZ_OK);
	out = render(cat, a, VZ_FORMAT_JSON, NULL, 0);
	/* One object, ending in a newline. */
	assert_int_equal(out[0], '{');
	assert_int_equal(out[strlen(out) - 1], '\n');
	doc = json_loads(out, 0, &jerr);
	assert_non_null(doc);
	for (i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		if (jget(doc, top[i]) == NULL)
			fail_msg("no \"%s\" in the JSON render", top[i]);
	assert_null(jget(doc, "sector"));
	assert_string_equal(jstr(doc, "catalog.id"), "example-assess-tests");
	assert_int_equal(json_integer_value(jget(doc, "catalog.version")), 1);
	/* Loaded without vz_catalog_open: not verified. */
	assert_string_equal(jstr(doc, "catalog.signature"), "unverified");
	assert_string_equal(jstr(doc, "product.id"), "example-c-antivirus");
	assert_string_equal(jstr(doc, "product.name"), "Example C Antivirus");
	assert_string_equal(jstr(doc, "product.class"), "antivirus");
	assert_string_equal(jstr(doc, "product.vendor"), "example-vendor-c");
	assert_string_equal(jstr(doc, "product.vendor_name"),
	                    "Example Vendor C");
	assert_string_equal(jstr(doc, "assessing_state.id"), A);
	assert_string_equal(jstr(doc, "assessing_state.name"),
	                    "Example State A");
	assert_string_equal(jstr(doc, "rules.id"), "example-rules-v2");
	assert_int_equal(json_integer_value(jget(doc, "rules.version")), 2);
	assert_string_equal(jstr(doc, "rules.title"),
	                    "Example rules, second version");
	for (i = 0; i < 3; i++) {
		json_t *f = json_object_get(jget(doc, "factors"), factors[i]);

		assert_true(json_is_string(json_object_get(f, "level")));
		assert_true(json_is_array(json_object_get(f, "derivation")));
		assert_true(json_is_array(json_object_get(f, "evidence")));
	}
	assert_true(json_is_boolean(jget(doc, "data_to_vendor")));
	assert_true(json_is_object(jget(doc, "actions")));
	assert_int_equal(json_object_size(jget(doc, "actions")), 3);
	assert_true(json_is_array(jget(doc, "recorded")));
	assert_true(json_is_array(jget(doc, "measures")));
	/* Every cited source, resolved. */
	src = jget(doc, "sources");
	assert_int_equal(json_object_size(src), 3);
	assert_string_equal(jstr(src, "example-source-state-c.title"),
	                    "Example threat assessment of State C "
	                    "(fictional)");
	assert_string_equal(jstr(src, "example-source-state-c.reference"),
	                    "Example Papers 10 001, nr. 1");
	assert_non_null(jget(src, "example-source-products"));
	assert_non_null(jget(src, "example-source-mitigations"));
	json_decref(doc);
	vz_free(out);

	/* With a sector: its action only, and the sector named. */
	out = render(cat, a, VZ_FORMAT_JSON, "vital", 0);
	doc = json_loads(out, 0, &jerr);
	assert_non_null(doc);
	assert_string_equal(jstr(doc, "sector"), "vital");
	assert_int_equal(json_object_size(jget(doc, "actions")), 1);
	assert_string_equal(jstr(doc, "actions.vital"), "advise-phase-out");
	json_decref(doc);
	vz_free(out);
	/* A sector the rules do not name: no action. */
	out = render(cat, a, VZ_FORMAT_JSON, "abdo", 0);
	doc = json_loads(out, 0, &jerr);
	assert_non_null(doc);
	assert_int_equal(json_object_size(jget(doc, "actions")), 0);
	json_decref(doc);
	vz_free(out);
	vz_assessment_free(a);
	vz_catalog_free(cat);
}

static void test_render_text(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	vz_assessment *a = NULL;
	char *out;

	(void)state;
	assert_int_equal(vz_assess(cat, "example-c-antivirus", NULL, NULL, &a,
	                           NULL),
	                 VZ_OK);
	out = render(cat, a, VZ_FORMAT_TEXT, NULL, 0);
	assert_prefix(out, "assessment of example-c-antivirus (Example C "
	                   "Antivirus)\n  catalogue example-assess-tests "
	                   "version 1, signature unverified\n");
	assert_non_null(strstr(out, "\n  vector  VZ1/AV:K/UP:V/DT:Y/CO:F/"
	                            "TH:A\n  rule    matrix[0] R-DEC-HIGH: "));
	assert_non_null(strstr(out, "\n  risk    high\n  action  "
	                            "central-government   phase-out\n"
	                            "          vital                "
	                            "advise-phase-out\n          other         "
	                            "       monitor\n"));
	assert_non_null(strstr(out, "example-assessment-c-antivirus "
	                            "(2024-01-08, "));
	assert_non_null(strstr(out, ", derived by voorzorg): risk high\n"
	                            "      [derived] agrees with the rules "
	                            "today\n"));
	/* Without --explain: no evidence, no sources. */
	assert_null(strstr(out, "evidence:"));
	assert_null(strstr(out, "\nsources:\n"));
	vz_free(out);
	/* With --explain: evidence with source ids, and the sources. */
	out = render(cat, a, VZ_FORMAT_TEXT, NULL, 1);
	assert_non_null(strstr(out, "evidence: Obliges every company to "
	                            "support the state's intelligence work. "
	                            "[example-source-state-c]\n"));
	assert_non_null(strstr(out, "\nsources:\n  [example-source-products] "
	                            "Example product documentation survey "
	                            "(fictional), Example Ministry of the "
	                            "Interior (fictional), 2024-01-10 "
	                            "<https://example.org/voorzorg-tests/"
	                            "example-source-products> (government)\n"));
	vz_free(out);
	/* With a sector: one action line. */
	out = render(cat, a, VZ_FORMAT_TEXT, "vital", 0);
	assert_non_null(strstr(out, "\n  action  vital: advise-phase-out\n"));
	assert_null(strstr(out, "central-government   phase-out\n          "));
	vz_free(out);
	out = render(cat, a, VZ_FORMAT_TEXT, "abdo", 0);
	assert_non_null(
	    strstr(out, "\n  action  abdo: (none given by the rules)\n"));
	vz_free(out);
	/* Default options (NULL): text without explanations. */
	{
		char *d = NULL, *t = render(cat, a, VZ_FORMAT_TEXT, NULL, 0);
		vz_error err;

		assert_int_equal(vz_assessment_render(cat, a, NULL, &d, &err),
		                 VZ_OK);
		assert_string_equal(d, t);
		vz_free(d);
		vz_free(t);
	}
	vz_assessment_free(a);
	vz_catalog_free(cat);
}

/* ---- vz_assess_check ------------------------------------------------------ */

struct want_diag {
	vz_severity sev;
	const char *path;
	const char *msg;
	const char *at; /* the text at the reported line and column */
};

typedef void (*edit_fn)(json_t *root);

/* The text at 1-based line and column (ASCII) of `text`. */
static const char *text_at(const char *text, unsigned long line,
                           unsigned long col)
{
	const char *p = text;

	while (--line > 0) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	return p + col - 1;
}

/*
 * Change the test catalogue in memory, load the change (which must load
 * without diagnostics: these are things only the consistency check sees)
 * and check it.
 */
static void check_edit(edit_fn edit, vz_status want_rc,
                       const struct want_diag *want, size_t nwant)
{
	json_t *root = load_tree(TEST_CAT);
	vz_diags *d = vz_diags_new();
	vz_catalog *cat;
	char *text, line[1024];
	size_t i;

	edit(root);
	text = dump_tree(root);
	cat = load_text(text, strlen(text), "changed.json");
	if (vz_assess_check(cat, d) != want_rc ||
	    vz_diags_count(d) != nwant) {
		for (i = 0; i < vz_diags_count(d); i++) {
			vz_error_format(vz_diags_get(d, i), line, sizeof(line));
			print_error("  %s\n", line);
		}
		fail_msg("expected status %d and %zu diagnostics", (int)want_rc,
		         nwant);
	}
	for (i = 0; i < nwant; i++) {
		const vz_error *e = vz_diags_get(d, i);

		assert_int_equal(e->severity, want[i].sev);
		assert_int_equal(e->code, VZ_E_INVALID);
		assert_string_equal(e->path, want[i].path);
		assert_string_equal(e->msg, want[i].msg);
		assert_string_equal(e->file, "changed.json");
		assert_true(e->line > 0 && e->column > 0);
		if (strncmp(text_at(text, e->line, e->column), want[i].at,
		            strlen(want[i].at)) != 0)
			fail_msg("%s: %lu:%lu is not at %s", e->path, e->line,
			         e->column, want[i].at);
	}
	assert_int_equal(vz_diags_errors(d),
	                 want_rc == VZ_OK ? 0 : vz_diags_errors(d));
	if (want_rc != VZ_OK)
		assert_true(vz_diags_errors(d) > 0);
	free(text);
	vz_catalog_free(cat);
	vz_diags_free(d);
	json_decref(root);
}

/* EVIDENCE-OF: R-DEC-3 (the test catalogue is consistent) */
static void test_check_clean(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	vz_diags *d = vz_diags_new();

	(void)state;
	assert_int_equal(vz_assess_check(cat, d), VZ_OK);
	assert_int_equal(vz_diags_count(d), 0);
	vz_catalog_free(cat);
	cat = load_file(CHANGED_CAT);
	assert_int_equal(vz_assess_check(cat, d), VZ_OK);
	assert_int_equal(vz_diags_count(d), 0);
	vz_catalog_free(cat);
	vz_diags_free(d);
}

static void set_str(json_t *root, const char *path, const char *key,
                    const char *value)
{
	json_t *o = jget(root, path);

	assert_true(json_is_object(o));
	assert_int_equal(json_object_set_new(o, key, json_string(value)), 0);
}

static void add_override(json_t *a)
{
	json_t *ov = json_pack("{s:s, s:[s]}", "reason",
	                       "Example: decided on grounds outside the rules.",
	                       "sources", "example-source-decision");

	assert_non_null(ov);
	json_object_set_new(a, "override", ov);
}

static void edit_level(json_t *root)
{
	set_str(root, "assessments[0]", "level", "medium");
}

static void edit_level_second(json_t *root)
{
	json_object_del(jget(root, "assessments[1]"), "override");
	set_str(root, "assessments[1]", "level", "low");
}

/* EVIDENCE-OF: R-DEC-3 (a recorded level the rules do not give) */
static void test_check_level(void **state)
{
	static const struct want_diag w[] = {
		{VZ_SEV_ERROR, "assessments[0].level",
		 "recorded risk \"medium\" is not what rules "
		 "\"example-rules-v2\" give for these factors: \"high\" "
		 "(matrix rule); record an override with its reason, or "
		 "correct it",
		 "\"medium\""},
	};
	static const struct want_diag w2[] = {
		{VZ_SEV_ERROR, "assessments[1].level",
		 "recorded risk \"low\" is not what rules \"example-rules-v2\" "
		 "give for these factors: \"high\" (matrix rule); record an "
		 "override with its reason, or correct it",
		 "\"low\""},
	};

	(void)state;
	check_edit(edit_level, VZ_E_INVALID, w, 1);
	check_edit(edit_level_second, VZ_E_INVALID, w2, 1);
}

static void edit_decision(json_t *root)
{
	set_str(root, "assessments[0].decision", "vital", "phase-out");
}

/* EVIDENCE-OF: R-DEC-3 (a recorded decision the rules do not give) */
static void test_check_decision(void **state)
{
	static const struct want_diag w[] = {
		{VZ_SEV_ERROR, "assessments[0].decision",
		 "decision for sector \"vital\" is \"phase-out\", but the "
		 "rules give \"advise-phase-out\"; record an override with "
		 "its reason, or correct it",
		 "{"},
		/* The measure resting on it now differs from it. */
		{VZ_SEV_WARNING, "measures[0].sectors[1].action",
		 "action \"advise-phase-out\" for sector \"vital\" differs from "
		 "the decision of assessment \"example-assessment-c-antivirus\" "
		 "(\"phase-out\")",
		 "\"advise-phase-out\""},
	};

	(void)state;
	check_edit(edit_decision, VZ_E_INVALID, w, 2);
}

static void edit_override(json_t *root)
{
	set_str(root, "assessments[0]", "level", "medium");
	set_str(root, "assessments[0].decision", "vital", "phase-out");
	add_override(jget(root, "assessments[0]"));
}

/* EVIDENCE-OF: R-DEC-3 (an override turns the errors into warnings) */
static void test_check_override(void **state)
{
	static const struct want_diag w[] = {
		{VZ_SEV_WARNING, "assessments[0].level",
		 "recorded risk \"medium\" deviates from rules "
		 "\"example-rules-v2\", which give \"high\" (matrix rule); "
		 "override: Example: decided on grounds outside the rules.",
		 "\"medium\""},
		{VZ_SEV_WARNING, "assessments[0].decision",
		 "decision for sector \"vital\" is \"phase-out\", rules give "
		 "\"advise-phase-out\"; override: Example: decided on grounds "
		 "outside the rules.",
		 "{"},
		{VZ_SEV_WARNING, "measures[0].sectors[1].action",
		 "action \"advise-phase-out\" for sector \"vital\" differs from "
		 "the decision of assessment \"example-assessment-c-antivirus\" "
		 "(\"phase-out\")",
		 "\"advise-phase-out\""},
	};

	(void)state;
	check_edit(edit_override, VZ_OK, w, 3);
}

static void edit_vector(json_t *root)
{
	set_str(root, "assessments[0]", "vector",
	        "VZ1/AV:S/UP:V/DT:Y/CO:P/TH:L");
}

static void edit_vector_updates(json_t *root)
{
	/* The vector's update channel is the recorded one (R-ACC-2). */
	set_str(root, "assessments[0]", "vector",
	        "VZ1/AV:K/UP:C/DT:Y/CO:F/TH:A");
}

static void edit_no_vector(json_t *root)
{
	/* Without a vector the channel comes from the products. */
	json_object_del(jget(root, "assessments[0]"), "vector");
	json_object_del(jget(root, "assessments[1]"), "vector");
}

static void edit_bad_vector(json_t *root)
{
	set_str(root, "assessments[0]", "vector", "VZ1/AV:K/UP:V/DT:Y/CO:F");
}

/* EVIDENCE-OF: R-VEC-1 R-DEC-3 */
static void test_check_vector(void **state)
{
	static const struct want_diag w[] = {
		{VZ_SEV_ERROR, "assessments[0].vector",
		 "the vector says access system, but factors.access.level is "
		 "kernel",
		 "\"VZ1/"},
		{VZ_SEV_ERROR, "assessments[0].vector",
		 "the vector says compulsion partial, but "
		 "factors.compulsion.level is full",
		 "\"VZ1/"},
		{VZ_SEV_ERROR, "assessments[0].vector",
		 "the vector says threat limited, but factors.threat.level is "
		 "active",
		 "\"VZ1/"},
	};
	static const struct want_diag wu[] = {
		{VZ_SEV_ERROR, "assessments[0].level",
		 "recorded risk \"high\" is not what rules \"example-rules-v2\" "
		 "give for these factors: \"medium\" (matrix rule); record an "
		 "override with its reason, or correct it",
		 "\"high\""},
		{VZ_SEV_ERROR, "assessments[0].decision",
		 "decision for sector \"central-government\" is \"phase-out\", "
		 "but the rules give \"advise-phase-out\"; record an override "
		 "with its reason, or correct it",
		 "{"},
		{VZ_SEV_ERROR, "assessments[0].decision",
		 "decision for sector \"vital\" is \"advise-phase-out\", but "
		 "the rules give \"monitor\"; record an override with its "
		 "reason, or correct it",
		 "{"},
		{VZ_SEV_ERROR, "assessments[0].decision",
		 "decision for sector \"other\" is \"monitor\", but the rules "
		 "give \"none\"; record an override with its reason, or "
		 "correct it",
		 "{"},
	};
	static const struct want_diag wb[] = {
		{VZ_SEV_ERROR, "assessments[0].vector",
		 "vector \"VZ1/AV:K/UP:V/DT:Y/CO:F\": metric TH is missing at "
		 "character 24",
		 "\"VZ1/AV:K/UP:V/DT:Y/CO:F\""},
	};

	(void)state;
	check_edit(edit_vector, VZ_E_INVALID, w, 3);
	check_edit(edit_vector_updates, VZ_E_INVALID, wu, 4);
	check_edit(edit_no_vector, VZ_OK, NULL, 0);
	check_edit(edit_bad_vector, VZ_E_INVALID, wb, 1);
}

static void edit_no_action_row(json_t *root)
{
	/* rules[1].actions[2] is the row for "low". */
	assert_string_equal(jstr(root, "rules[1].actions[2].level"), "low");
	json_array_remove(jget(root, "rules[1].actions"), 2);
}

static void edit_no_sector(json_t *root)
{
	json_object_del(jget(root, "rules[1].actions[0].sectors"), "other");
}

static void edit_same_version(json_t *root)
{
	json_object_set_new(jget(root, "rules[0]"), "version",
	                    json_integer(2));
}

static void edit_measure(json_t *root)
{
	set_str(root, "measures[0].sectors[2]", "action", "none");
}

/* EVIDENCE-OF: R-DEC-3 (rules must be complete; one current version) */
static void test_check_rules(void **state)
{
	static const struct want_diag w_row[] = {
		{VZ_SEV_ERROR, "rules[1].levels[2]",
		 "risk level \"low\" has no row in actions, so its decision is "
		 "undefined",
		 "\"low\""},
	};
	static const struct want_diag w_sec[] = {
		/* The recorded decision names a sector the row lacks. */
		{VZ_SEV_ERROR, "assessments[0].decision",
		 "decision for sector \"other\" has no counterpart in the "
		 "rules' actions for risk \"high\"",
		 "{"},
		{VZ_SEV_ERROR, "rules[1].actions[0].sectors",
		 "no action for sector \"other\" at risk level \"high\"", "{"},
	};
	static const struct want_diag w_ver[] = {
		{VZ_SEV_ERROR, "rules[1].version",
		 "rules \"example-rules-v1\" and \"example-rules-v2\" have the "
		 "same version, so neither is the current one",
		 "2"},
	};

	(void)state;
	check_edit(edit_no_action_row, VZ_E_INVALID, w_row, 1);
	check_edit(edit_no_sector, VZ_E_INVALID, w_sec, 2);
	check_edit(edit_same_version, VZ_E_INVALID, w_ver, 1);
}

/* A measure should do what its assessment decided (a warning). */
static void test_check_measure(void **state)
{
	static const struct want_diag w[] = {
		{VZ_SEV_WARNING, "measures[0].sectors[2].action",
		 "action \"none\" for sector \"other\" differs from the decision "
		 "of assessment \"example-assessment-c-antivirus\" "
		 "(\"monitor\")",
		 "\"none\""},
	};

	(void)state;
	check_edit(edit_measure, VZ_OK, w, 1);
}

/* The check appends: earlier diagnostics stay, and count. */
static void test_check_appends(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	vz_diags *d = vz_diags_new();

	(void)state;
	vz__diag_add(d, VZ_SEV_ERROR, VZ_E_INVALID, "x.json", 1, 1, NULL,
	             "an earlier error");
	assert_int_equal(vz_assess_check(cat, d), VZ_OK);
	assert_int_equal(vz_diags_count(d), 1);
	assert_string_equal(vz_diags_get(d, 0)->msg, "an earlier error");
	vz_diags_free(d);
	vz_catalog_free(cat);
}

/* ---- vz_reassess ---------------------------------------------------------- */

#define SET_THREAT                                                          \
	"example-state-c.offensive_programmes[target=example-state-a]"      \
	".level=limited"
#define MIT(kind, status)                                                   \
	"{\"kind\":\"" kind "\",\"status\":\"" status "\",\"summary\":"     \
	"\"Example: a new mitigation.\",\"sources\":"                       \
	"[\"example-source-mitigations\"]}"

static json_t *reassess_json(const vz_catalog *cat, const char *const *sets,
                             size_t n, const char *as)
{
	vz_diags *d = vz_diags_new();
	char *out = NULL, line[1024];
	json_error_t jerr;
	json_t *res;

	if (vz_reassess(cat, sets, n, as, VZ_FORMAT_JSON, &out, d) != VZ_OK) {
		vz_error_format(vz_diags_get(d, 0), line, sizeof(line));
		fail_msg("vz_reassess: %s", line);
	}
	assert_int_equal(vz_diags_count(d), 0);
	res = json_loads(out, 0, &jerr);
	assert_non_null(res);
	vz_free(out);
	vz_diags_free(d);
	return res;
}

/* The entry of `arr` whose "product" is `pid`. */
static json_t *by_product(json_t *arr, const char *pid)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++)
		if (strcmp(jstr(json_array_get(arr, i), "product"), pid) == 0)
			return json_array_get(arr, i);
	fail_msg("no entry for %s", pid);
	return NULL;
}

/* EVIDENCE-OF: R-REC-1 (a threat lowered changes decisions, and why) */
static void test_reassess_threat(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	const char *sets[] = {SET_THREAT};
	json_t *res = reassess_json(cat, sets, 1, NULL), *c;
	size_t i;

	(void)state;
	assert_string_equal(jstr(res, "catalog"), "example-assess-tests");
	assert_int_equal(json_integer_value(jget(res, "version")), 1);
	assert_string_equal(jstr(res, "signature"), "unverified");
	assert_string_equal(jstr(res, "assessing_state"), A);
	assert_int_equal(json_integer_value(jget(res, "products")), 9);
	assert_int_equal(json_array_size(jget(res, "changes")), 1);
	assert_string_equal(jstr(res, "changes[0].path"),
	                    "example-state-c.offensive_programmes[target="
	                    "example-state-a].level");
	assert_string_equal(jstr(res, "changes[0].op"), "=");
	assert_string_equal(jstr(res, "changes[0].was"), "\"active\"");
	assert_string_equal(jstr(res, "changes[0].now"), "\"limited\"");
	assert_int_equal(json_array_size(jget(res, "changed")), 3);
	c = by_product(jget(res, "changed"), "example-c-antivirus");
	assert_string_equal(jstr(c, "name"), "Example C Antivirus");
	assert_string_equal(jstr(c, "risk_was"), "high");
	assert_string_equal(jstr(c, "risk_now"), "low");
	assert_string_equal(jstr(c, "vector_was"),
	                    "VZ1/AV:K/UP:V/DT:Y/CO:F/TH:A");
	assert_string_equal(jstr(c, "vector_now"),
	                    "VZ1/AV:K/UP:V/DT:Y/CO:F/TH:L");
	STRINGS(jget(c, "because"), "threat: active -> limited");
	assert_string_equal(jstr(c, "actions.central-government.was"),
	                    "phase-out");
	assert_string_equal(jstr(c, "actions.central-government.now"),
	                    "monitor");
	assert_string_equal(jstr(c, "actions.vital.now"), "none");
	assert_string_equal(jstr(c, "actions.other.was"), "monitor");
	c = by_product(jget(res, "changed"), "example-c-agent");
	assert_string_equal(jstr(c, "risk_was"), "medium");
	/* Unchanged sectors are not listed. */
	assert_int_equal(json_object_size(jget(c, "actions")), 2);
	assert_null(jget(c, "actions.other"));
	by_product(jget(res, "changed"), "example-claimed-agent");
	/*
	 * Three products keep their risk although their threat fell from
	 * active to limited: they are listed as standing, with the factor
	 * that moved.
	 */
	assert_int_equal(json_array_size(jget(res, "stayed")), 3);
	for (i = 0; i < 3; i++) {
		json_t *s = json_array_get(jget(res, "stayed"), i);
		char *why = json_dumps(jget(s, "because"), 0);

		if (strstr(why, "\"threat: active -> limited\"") == NULL)
			fail_msg("%s stands, but the reason does not say its "
			         "threat fell from active to limited: %s",
			         jstr(s, "product"), why);
		free(why);
	}
	c = by_product(jget(res, "stayed"), "example-c-messenger");
	assert_string_equal(jstr(c, "risk"), "medium");
	json_decref(res);
	vz_catalog_free(cat);
}

/* EVIDENCE-OF: R-REC-1 R-MIT-3 R-MIT-4 (mitigations that change nothing) */
static void test_reassess_mitigation_stays(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	const char *verified[] = {
	    "example-vendor-c.mitigations+=" MIT("transparency-centre",
	                                         "verified")};
	const char *claimed[] = {
	    "example-vendor-c.mitigations+=" MIT("customer-controlled-updates",
	                                         "claimed")};
	json_t *res, *s;
	size_t i;

	(void)state;
	res = reassess_json(cat, verified, 1, NULL);
	assert_int_equal(json_array_size(jget(res, "changed")), 0);
	assert_string_equal(jstr(res, "changes[0].op"), "+=");
	assert_true(json_is_null(jget(res, "changes[0].was")));
	assert_int_equal(json_array_size(jget(res, "stayed")), 4);
	for (i = 0; i < 4; i++) {
		s = json_array_get(jget(res, "stayed"), i);
		assert_string_equal(jstr(s, "because[0]"),
		                    "mitigation transparency-centre (verified): "
		                    "no effect on access (R-MIT-3: Example: "
		                    "reviewed code need not be the code that "
		                    "runs.)");
		assert_int_equal(
		    strncmp(jstr(s, "because[1]"), "rule: Example: ", 15), 0);
	}
	s = by_product(jget(res, "stayed"), "example-c-antivirus");
	assert_string_equal(jstr(s, "risk"), "high");
	STRINGS(jget(s, "because"),
	        "mitigation transparency-centre (verified): no effect on "
	        "access (R-MIT-3: Example: reviewed code need not be the code "
	        "that runs.)",
	        "rule: Example: deep access, a vendor channel for code, full "
	        "compulsion and an active threat.");
	json_decref(res);

	res = reassess_json(cat, claimed, 1, NULL);
	assert_int_equal(json_array_size(jget(res, "changed")), 0);
	assert_int_equal(json_array_size(jget(res, "stayed")), 4);
	s = by_product(jget(res, "stayed"), "example-c-offline");
	assert_string_equal(jstr(s, "because[0]"),
	                    "mitigation customer-controlled-updates (claimed): "
	                    "no effect: R-MIT-4 lowers access only with "
	                    "source-code-review and "
	                    "customer-controlled-updates, all verified "
	                    "(Example: verified code and customer-controlled "
	                    "updates take away the vendor's channel.)");
	json_decref(res);
	vz_catalog_free(cat);
}

/* EVIDENCE-OF: R-REC-1 R-MIT-4 (the missing verified half changes it) */
static void test_reassess_mitigation_changes(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	const char *sets[] = {
	    "example-vendor-claimed.mitigations[1].status=verified"};
	const char *two[] = {
	    "example-vendor-split.mitigations+=" MIT("source-code-review",
	                                             "verified"),
	    "example-vendor-split.mitigations+=" MIT(
	        "customer-controlled-updates", "verified")};
	json_t *res, *c;

	(void)state;
	res = reassess_json(cat, sets, 1, NULL);
	assert_int_equal(json_array_size(jget(res, "changed")), 1);
	c = by_product(jget(res, "changed"), "example-claimed-agent");
	assert_string_equal(jstr(c, "risk_was"), "high");
	assert_string_equal(jstr(c, "risk_now"), "medium");
	STRINGS(jget(c, "because"), "access: system -> user");
	assert_int_equal(json_array_size(jget(res, "stayed")), 0);
	json_decref(res);
	/* += on a vendor without mitigations creates the list. */
	res = reassess_json(cat, two, 2, NULL);
	assert_int_equal(json_array_size(jget(res, "changes")), 2);
	/* Kernel -> system, but low stays low: the decision stands. */
	assert_int_equal(json_array_size(jget(res, "changed")), 0);
	c = by_product(jget(res, "stayed"), "example-split-antivirus");
	assert_string_equal(jstr(c, "risk"), "low");
	assert_string_equal(jstr(c, "because[0]"),
	                    "mitigation source-code-review (verified): lowers "
	                    "access by 1 (R-MIT-4: Example: verified code and "
	                    "customer-controlled updates take away the "
	                    "vendor's channel.)");
	assert_string_equal(jstr(c, "because[1]"),
	                    "mitigation customer-controlled-updates "
	                    "(verified): lowers access by 1 (R-MIT-4: Example: "
	                    "verified code and customer-controlled updates "
	                    "take away the vendor's channel.)");
	json_decref(res);
	vz_catalog_free(cat);
}

/* As another assessing state. */
static void test_reassess_as(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	const char *sets[] = {"example-state-a.offensive_programmes[target="
	                      "example-state-b].level=active"};
	json_t *res, *c;

	(void)state;
	res = reassess_json(cat, sets, 1, B);
	assert_string_equal(jstr(res, "assessing_state"), B);
	assert_int_equal(json_array_size(jget(res, "changed")), 1);
	c = by_product(jget(res, "changed"), "example-a-suite");
	assert_string_equal(jstr(c, "risk_was"), "low");
	assert_string_equal(jstr(c, "risk_now"), "high");
	json_decref(res);
	/* The same change as State A changes nothing (R-COM-3). */
	res = reassess_json(cat, sets, 1, NULL);
	assert_int_equal(json_array_size(jget(res, "changed")), 0);
	assert_int_equal(json_array_size(jget(res, "stayed")), 0);
	json_decref(res);
	vz_catalog_free(cat);
}

/* Text output: the changes, the decisions that change and those that stand. */
static void test_reassess_text(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	const char *sets[] = {SET_THREAT, "example-e-browser.description="
	                                  "Example: a new description."};
	vz_diags *d = vz_diags_new();
	char *out = NULL, *again = NULL;

	(void)state;
	assert_int_equal(vz_reassess(cat, sets, 2, NULL, VZ_FORMAT_TEXT, &out,
	                             d),
	                 VZ_OK);
	assert_prefix(out, "what-if on catalogue example-assess-tests "
	                   "version 1 (signature unverified), as assessed by "
	                   "example-state-a\n\nchanges:\n");
	/* A string value, and a member that was absent. */
	assert_non_null(strstr(out, "  example-e-browser.description = "
	                            "\"Example: a new description.\" (was "
	                            "absent)\n"));
	assert_non_null(strstr(out, "\ndecisions that change: 3 of 9 "
	                            "products\n"));
	assert_non_null(strstr(out, "  example-c-antivirus (Example C "
	                            "Antivirus)\n    risk     high -> low\n"));
	assert_non_null(strstr(out, "    central-government   phase-out -> "
	                            "monitor\n"));
	assert_non_null(strstr(out, "\ndecisions that stand although their "
	                            "inputs changed: 4\n"));
	/* The browser's evidence changed, its level did not. */
	assert_non_null(strstr(out, "  example-e-browser (risk none)\n    "
	                            "because  access: its evidence changed, "
	                            "its level stays user\n"));
	assert_int_equal(vz_reassess(cat, sets, 2, NULL, VZ_FORMAT_TEXT,
	                             &again, d),
	                 VZ_OK);
	assert_string_equal(out, again);
	assert_int_equal(vz_diags_count(d), 0);
	vz_free(out);
	vz_free(again);
	vz_diags_free(d);
	vz_catalog_free(cat);
}

static void expect_reassess_error(const vz_catalog *cat, const char *set,
                                  const char *as, vz_status want,
                                  const char *msg)
{
	vz_diags *d = vz_diags_new();
	const char *sets[1];
	char *out = (char *)1;

	sets[0] = set;
	assert_int_equal(
	    vz_reassess(cat, sets, 1, as, VZ_FORMAT_TEXT, &out, d), want);
	assert_null(out);
	if (vz_diags_count(d) < 1 || vz_diags_errors(d) < 1)
		fail_msg("no diagnostic for --set %s", set);
	assert_string_equal(vz_diags_get(d, 0)->msg, msg);
	assert_int_equal(vz_diags_get(d, 0)->severity, VZ_SEV_ERROR);
	vz_diags_free(d);
}

static void test_reassess_errors(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	vz_diags *d = vz_diags_new();
	const char *two[] = {"no-equals-sign", "example-x.name=y"};
	char *out = (char *)1;

	(void)state;
	expect_reassess_error(cat, "example-vendor-c.name", NULL, VZ_E_USAGE,
	                      "--set example-vendor-c.name: expected "
	                      "PATH=VALUE or PATH+=VALUE");
	expect_reassess_error(cat, "=x", NULL, VZ_E_USAGE,
	                      "--set =x: expected PATH=VALUE or PATH+=VALUE");
	expect_reassess_error(cat, "no-such-entry.name=x", NULL, VZ_E_USAGE,
	                      "--set no-such-entry.name=x: no catalogue entry "
	                      "with id \"no-such-entry\"");
	expect_reassess_error(cat, "example-vendor-c=x", NULL, VZ_E_USAGE,
	                      "--set example-vendor-c=x: name a member of "
	                      "\"example-vendor-c\" to change");
	expect_reassess_error(cat, "example-vendor-c.mitigations[9].status=x",
	                      NULL, VZ_E_USAGE,
	                      "--set example-vendor-c.mitigations[9].status=x: "
	                      "nothing at \"[...]\" in the path");
	expect_reassess_error(cat,
	                      "example-state-c.offensive_programmes[target="
	                      "example-state-z].level=none",
	                      NULL, VZ_E_USAGE,
	                      "--set example-state-c.offensive_programmes["
	                      "target=example-state-z].level=none: no element "
	                      "with target=example-state-z");
	expect_reassess_error(cat, "example-vendor-c.mitigations[x].kind=other",
	                      NULL, VZ_E_USAGE,
	                      "--set example-vendor-c.mitigations[x].kind="
	                      "other: bad index [x]");
	expect_reassess_error(cat, "example-vendor-c..name=x", NULL, VZ_E_USAGE,
	                      "--set example-vendor-c..name=x: empty member "
	                      "name");
	expect_reassess_error(cat, "example-vendor-c.name+=x", NULL, VZ_E_USAGE,
	                      "--set example-vendor-c.name+=x: += needs an "
	                      "array");
	/* A change that makes the catalogue invalid. */
	expect_reassess_error(cat, "example-c-antivirus.access=root", NULL,
	                      VZ_E_INVALID,
	                      "after the changes, products[0].access: \"root\" "
	                      "is not one of: kernel, system, user, sandboxed");
	expect_reassess_error(cat, "example-c-antivirus.vendor=example-x",
	                      NULL, VZ_E_INVALID,
	                      "after the changes, products[0].vendor: unknown "
	                      "vendor \"example-x\"");
	expect_reassess_error(cat, SET_THREAT, "example-state-z",
	                      VZ_E_NOTFOUND,
	                      "no jurisdiction with id \"example-state-z\"");
	/* Every bad change is reported, and nothing is output. */
	assert_int_equal(
	    vz_reassess(cat, two, 2, NULL, VZ_FORMAT_JSON, &out, d),
	    VZ_E_USAGE);
	assert_null(out);
	assert_int_equal(vz_diags_errors(d), 2);
	vz_diags_free(d);
	vz_catalog_free(cat);
}

/* --as must name a jurisdiction, not any entry. */
static void test_reassess_as_not_jurisdiction(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);

	(void)state;
	expect_reassess_error(cat, SET_THREAT, "example-c-antivirus",
	                      VZ_E_NOTFOUND,
	                      "no jurisdiction with id \"example-c-antivirus\"");
	vz_catalog_free(cat);
}

/* ---- vz_diff ---------------------------------------------------------------- */

static json_t *diff_json(const vz_catalog *x, const vz_catalog *y,
                         const char *as)
{
	char *out = NULL;
	vz_error err;
	json_error_t jerr;
	json_t *res;

	if (vz_diff(x, y, as, VZ_DIFF_JSON, &out, &err) != VZ_OK)
		fail_msg("vz_diff: %s", err.msg);
	res = json_loads(out, 0, &jerr);
	assert_non_null(res);
	vz_free(out);
	return res;
}

static void assert_empty(json_t *res, const char *key)
{
	json_t *v = jget(res, key);

	if (!json_is_array(v) || json_array_size(v) != 0)
		fail_msg("\"%s\" is not an empty array", key);
}

/* EVIDENCE-OF: R-REC-2 */
static void test_diff_identical(void **state)
{
	vz_catalog *x = load_file(TEST_CAT), *y = load_file(TEST_CAT);
	json_t *res = diff_json(x, y, NULL);
	char *out = NULL;
	vz_error err;

	(void)state;
	assert_empty(res, "changed_decisions");
	assert_empty(res, "stayed");
	assert_empty(res, "new_products");
	assert_empty(res, "affected_sectors");
	assert_empty(res, "added");
	assert_empty(res, "removed");
	assert_empty(res, "changed_facts");
	assert_string_equal(jstr(res, "assessing_state"), A);
	assert_string_equal(jstr(res, "assessing_state_name"),
	                    "Example State A");
	assert_int_equal(json_integer_value(jget(res, "old_version")), 1);
	assert_int_equal(json_integer_value(jget(res, "new_version")), 1);
	assert_string_equal(jstr(res, "old_issued"), "2024-01-15");
	json_decref(res);
	assert_int_equal(vz_diff(x, x, NULL, VZ_DIFF_TEXT, &out, &err), VZ_OK);
	assert_non_null(
	    strstr(out, "\nchanged decisions: 0 (derived by the rules)\n"));
	assert_non_null(strstr(out, "\naffected sectors: none\n"));
	assert_non_null(strstr(out, "\nchanged facts: 0\n"));
	vz_free(out);
	vz_catalog_free(x);
	vz_catalog_free(y);
}

static void test_diff_threat(void **state)
{
	vz_catalog *x = load_file(TEST_CAT), *y;
	json_t *root = load_tree(TEST_CAT), *res, *c;

	(void)state;
	set_str(root, "jurisdictions[2].offensive_programmes[0]", "level",
	        "limited");
	y = load_tree_cat(root, "new.json");
	res = diff_json(x, y, NULL);
	assert_int_equal(json_array_size(jget(res, "changed_decisions")), 3);
	c = by_product(jget(res, "changed_decisions"), "example-c-antivirus");
	assert_string_equal(jstr(c, "risk_was"), "high");
	assert_string_equal(jstr(c, "risk_now"), "low");
	STRINGS(jget(c, "because"), "threat: active -> limited");
	STRINGS(jget(res, "affected_sectors"), CG, "vital", "other");
	assert_int_equal(json_array_size(jget(res, "changed_facts")), 1);
	assert_string_equal(jstr(res, "changed_facts[0].path"),
	                    "example-state-c.offensive_programmes[0].level");
	assert_string_equal(jstr(res, "changed_facts[0].was"), "\"active\"");
	assert_string_equal(jstr(res, "changed_facts[0].now"), "\"limited\"");
	assert_empty(res, "new_products");
	assert_empty(res, "removed");
	json_decref(res);
	/* As State B, State C's programme against State A is irrelevant. */
	res = diff_json(x, y, B);
	assert_empty(res, "changed_decisions");
	assert_empty(res, "affected_sectors");
	assert_int_equal(json_array_size(jget(res, "changed_facts")), 1);
	json_decref(res);
	vz_catalog_free(x);
	vz_catalog_free(y);
	json_decref(root);
}

static void test_diff_added_removed(void **state)
{
	vz_catalog *x = load_file(TEST_CAT), *y = load_file(CHANGED_CAT);
	json_t *res = diff_json(x, y, NULL), *p;

	(void)state;
	assert_int_equal(json_array_size(jget(res, "new_products")), 1);
	p = jget(res, "new_products[0]");
	assert_string_equal(jstr(p, "product"), "example-d-router");
	assert_string_equal(jstr(p, "name"), "Example D Router");
	assert_string_equal(jstr(p, "risk"), "low");
	assert_string_equal(jstr(p, "vector"), "VZ1/AV:S/UP:V/DT:Y/CO:P/TH:L");
	assert_string_equal(jstr(p, "actions.central-government"), "monitor");
	assert_int_equal(json_array_size(jget(res, "removed")), 1);
	assert_string_equal(jstr(res, "removed[0].kind"), "product");
	assert_string_equal(jstr(res, "removed[0].id"), "example-e-browser");
	assert_int_equal(json_array_size(jget(res, "added")), 2);
	assert_string_equal(jstr(res, "added[0].kind"), "vendor");
	assert_string_equal(jstr(res, "added[0].id"), "example-vendor-d");
	assert_string_equal(jstr(res, "added[0].title"), "Example Vendor D");
	STRINGS(jget(res, "added[0].sources"), "example-source-vendors");
	assert_string_equal(jstr(res, "added[1].kind"), "product");
	assert_string_equal(jstr(res, "added[1].id"), "example-d-router");
	assert_int_equal(json_array_size(jget(res, "changed_decisions")), 3);
	assert_string_equal(jstr(res, "changed_facts[0].path"),
	                    "catalogue.issued");
	assert_int_equal(json_integer_value(jget(res, "new_version")), 2);
	json_decref(res);
	/* The other way round: the router is removed, the browser new. */
	res = diff_json(y, x, NULL);
	assert_string_equal(jstr(res, "new_products[0].product"),
	                    "example-e-browser");
	assert_string_equal(jstr(res, "removed[0].id"), "example-vendor-d");
	assert_string_equal(jstr(res, "removed[1].id"), "example-d-router");
	json_decref(res);
	vz_catalog_free(x);
	vz_catalog_free(y);
}

static void test_diff_markdown(void **state)
{
	vz_catalog *x = load_file(TEST_CAT), *y = load_file(CHANGED_CAT);
	char *md = NULL, *again = NULL;
	vz_error err;

	(void)state;
	assert_int_equal(vz_diff(x, y, NULL, VZ_DIFF_MARKDOWN, &md, &err),
	                 VZ_OK);
	assert_prefix(md, "# Notice of changes to the catalogue of "
	                  "precautionary measures\n");
	assert_non_null(strstr(md, "\n| Product | Risk | central-government | "
	                           "vital | other |\n|---|---|---|---|---|\n"));
	assert_non_null(strstr(md, "\n| Example C Antivirus | high → low | "
	                           "phase-out → monitor | advise-phase-out → "
	                           "none | monitor → none |\n"));
	/* Products that changed for the same reason are named once. */
	assert_non_null(strstr(md, "\n### Reasons\n\n- Example C Antivirus, "
	                           "Example C Management Agent, Example "
	                           "Claimed Agent: threat: active -> "
	                           "limited.\n"));
	assert_non_null(strstr(md, "\n## New products\n\n- Example D Router: "
	                           "risk low (`VZ1/AV:S/UP:V/DT:Y/CO:P/TH:L`)."
	                           "\n"));
	assert_non_null(strstr(md, "- removed product `example-e-browser`\n"));
	assert_non_null(strstr(md, "> **Draft.**"));
	/* A reason that ends in a full stop gets no second one. */
	if (strstr(md, "..\n") != NULL)
		fail_msg("a doubled full stop in the notice:\n%s",
		         strstr(md, "## Decisions that stand"));
	assert_int_equal(vz_diff(x, y, NULL, VZ_DIFF_MARKDOWN, &again, &err),
	                 VZ_OK);
	assert_string_equal(md, again);
	vz_free(md);
	vz_free(again);
	vz_catalog_free(x);
	vz_catalog_free(y);
}

static void test_diff_errors(void **state)
{
	vz_catalog *x = load_file(TEST_CAT), *y = load_file(CHANGED_CAT);
	char *out = (char *)1;
	vz_error err;

	(void)state;
	assert_int_equal(vz_diff(x, y, "example-state-z", VZ_DIFF_TEXT, &out,
	                         &err),
	                 VZ_E_NOTFOUND);
	assert_null(out);
	assert_string_equal(err.msg,
	                    "no jurisdiction with id \"example-state-z\"");
	assert_string_equal(err.file, CHANGED_CAT);
	vz_catalog_free(x);
	vz_catalog_free(y);
}

/* --as must name a jurisdiction, not any entry. */
static void test_diff_as_not_jurisdiction(void **state)
{
	vz_catalog *x = load_file(TEST_CAT), *y = load_file(CHANGED_CAT);
	char *out = (char *)1;
	vz_error err;

	(void)state;
	assert_int_equal(vz_diff(x, y, "example-vendor-c", VZ_DIFF_TEXT, &out,
	                         &err),
	                 VZ_E_NOTFOUND);
	assert_null(out);
	assert_string_equal(err.msg,
	                    "no jurisdiction with id \"example-vendor-c\"");
	vz_catalog_free(x);
	vz_catalog_free(y);
}

/* ---- allocation failures ---------------------------------------------------- */

/*
 * Run `op` with the Nth allocation failing, for N = 0, 1, ... until a run
 * sees no injected failure. Every run must return VZ_E_NOMEM with no
 * output, or VZ_OK with exactly the output of a run without failures (an
 * allocation failure must never be swallowed into a partial result).
 * Leaks show under ASan (meson -Db_sanitize=address).
 */
typedef vz_status (*op_fn)(const void *ctx, char **out);

/* The first line where `got` differs from `want`, for the failure message. */
static const char *first_difference(const char *want, const char *got)
{
	static char msg[600];
	size_t i = 0, ln = 1, start = 0;

	while (want[i] && want[i] == got[i]) {
		if (want[i] == '\n') {
			ln++;
			start = i + 1;
		}
		i++;
	}
	snprintf(msg, sizeof(msg), "line %zu:\n  want %.*s\n  got  %.*s", ln,
	         (int)strcspn(want + start, "\n"), want + start,
	         (int)strcspn(got + start, "\n"), got + start);
	return msg;
}

static long torture(op_fn op, const void *ctx, const char *what)
{
	char *ref = NULL;
	long n, problems = 0, partial = 0, status[VZ_E_INTERNAL + 1] = {0};
	int k;

	vz__alloc_hook_jansson();
	vz__alloc_fail_after(-1);
	assert_int_equal(op(ctx, &ref), VZ_OK);
	assert_non_null(ref);
	for (n = 0;; n++) {
		unsigned long before = vz__alloc_failures();
		char *out = NULL;
		vz_status rc;

		vz__alloc_fail_after(n);
		rc = op(ctx, &out);
		vz__alloc_fail_after(-1);
		if (rc == VZ_OK) {
			int done = vz__alloc_failures() == before;

			if (strcmp(out, ref) != 0)
				partial++;
			if (strcmp(out, ref) != 0 && problems++ < 3)
				print_error("%s: allocation %ld failed, yet "
				            "VZ_OK with different output (%zu "
				            "bytes, not %zu) at %s\n",
				            what, n, strlen(out), strlen(ref),
				            first_difference(ref, out));
			vz_free(out);
			if (done)
				break;
			continue;
		}
		if (rc != VZ_E_NOMEM && (int)rc >= 0 && rc <= VZ_E_INTERNAL)
			status[rc]++;
		if (rc != VZ_E_NOMEM && problems++ < 3)
			print_error("%s: allocation %ld failed: status %d "
			            "(%s), not VZ_E_NOMEM\n",
			            what, n, (int)rc, vz_strerror(rc));
		if (out != NULL && problems++ < 3)
			print_error("%s: allocation %ld failed: status %d with "
			            "output\n",
			            what, n, (int)rc);
	}
	print_message("%s: %ld allocations, each failed in turn\n", what, n);
	assert_true(n > 10);
	vz_free(ref);
	if (problems > 0) {
		print_error("%s: %ld runs with an allocation failure went "
		            "wrong: %ld VZ_OK with other output",
		            what, problems, partial);
		for (k = 0; k <= VZ_E_INTERNAL; k++)
			if (status[k] > 0)
				print_error(", %ld %s", status[k],
				            vz_strerror((vz_status)k));
		print_error("\n");
	}
	return problems;
}

struct assess_ctx {
	const vz_catalog *cat;
	const char *product, *as;
	vz_render_opts opts;
};

static vz_status op_assess(const void *p, char **out)
{
	const struct assess_ctx *c = p;
	vz_assessment *a = NULL;
	vz_error err;
	vz_status rc;

	*out = NULL;
	rc = vz_assess(c->cat, c->product, c->as, NULL, &a, &err);
	if (rc == VZ_OK) {
		rc = vz_assessment_render(c->cat, a, &c->opts, out, &err);
		vz_assessment_free(a);
	} else if (a != NULL) {
		fail_msg("vz_assess failed but returned an assessment");
	}
	if (rc != VZ_OK && err.code != rc)
		fail_msg("status %d but the error record says %d", (int)rc,
		         (int)err.code);
	return rc;
}

static void test_alloc_assess(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	static const struct {
		const char *product, *as;
		vz_render_opts opts;
	} cases[] = {
		{"example-c-antivirus", NULL, {VZ_FORMAT_TEXT, NULL, 1}},
		{"example-c-antivirus", NULL, {VZ_FORMAT_JSON, NULL, 0}},
		{"example-split-antivirus", NULL, {VZ_FORMAT_TEXT, NULL, 1}},
		{"example-claimed-agent", NULL, {VZ_FORMAT_JSON, "vital", 0}},
		{"example-verified-agent", NULL, {VZ_FORMAT_TEXT, CG, 0}},
		{"example-a-suite", B, {VZ_FORMAT_TEXT, NULL, 1}},
		{"example-a-suite", B, {VZ_FORMAT_JSON, NULL, 0}},
	};
	size_t i;
	long problems = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct assess_ctx c;

		c.cat = cat;
		c.product = cases[i].product;
		c.as = cases[i].as;
		c.opts = cases[i].opts;
		problems += torture(op_assess, &c, cases[i].product);
	}
	vz_catalog_free(cat);
	assert_int_equal(problems, 0);
}

struct reassess_ctx {
	const vz_catalog *cat;
	const char *const *sets;
	size_t n;
	vz_format fmt;
};

static vz_status op_reassess(const void *p, char **out)
{
	const struct reassess_ctx *c = p;
	vz_diags *d = vz_diags_new();
	vz_status rc;

	*out = NULL;
	if (d == NULL)
		return VZ_E_NOMEM;
	rc = vz_reassess(c->cat, c->sets, c->n, NULL, c->fmt, out, d);
	if (rc != VZ_OK && vz_diags_errors(d) + vz_diags_dropped(d) == 0)
		fail_msg("vz_reassess failed without a diagnostic");

	vz_diags_free(d);
	return rc;
}

static void test_alloc_reassess(void **state)
{
	vz_catalog *cat = load_file(TEST_CAT);
	const char *threat[] = {SET_THREAT};
	const char *mit[] = {"example-vendor-c.mitigations+=" MIT(
	    "transparency-centre", "verified")};
	struct reassess_ctx c = {cat, threat, 1, VZ_FORMAT_TEXT};
	long problems;

	(void)state;
	problems = torture(op_reassess, &c, "reassess threat, text");
	c.sets = mit;
	c.fmt = VZ_FORMAT_JSON;
	problems += torture(op_reassess, &c, "reassess mitigation, json");
	vz_catalog_free(cat);
	assert_int_equal(problems, 0);
}

struct diff_ctx {
	const vz_catalog *x, *y;
	vz_diff_format fmt;
};

static vz_status op_diff(const void *p, char **out)
{
	const struct diff_ctx *c = p;
	vz_error err;

	*out = NULL;
	return vz_diff(c->x, c->y, NULL, c->fmt, out, &err);
}

static void test_alloc_diff(void **state)
{
	vz_catalog *x = load_file(TEST_CAT), *y = load_file(CHANGED_CAT);
	struct diff_ctx c = {x, y, VZ_DIFF_TEXT};
	long problems;

	(void)state;
	problems = torture(op_diff, &c, "diff text");
	c.fmt = VZ_DIFF_JSON;
	problems += torture(op_diff, &c, "diff json");
	c.fmt = VZ_DIFF_MARKDOWN;
	problems += torture(op_diff, &c, "diff markdown");
	vz_catalog_free(x);
	vz_catalog_free(y);
	assert_int_equal(problems, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_product),
		cmocka_unit_test(test_matrix_rows),
		cmocka_unit_test(test_derive_access),
		cmocka_unit_test(test_derive_headquarters_and_parent),
		cmocka_unit_test(test_derive_assessing_state_itself),
		cmocka_unit_test(test_derive_nothing_recorded),
		cmocka_unit_test(test_mitigations),
		cmocka_unit_test(test_mitigation_table_variants),
		cmocka_unit_test(test_recorded_and_measures),
		cmocka_unit_test(test_assess_errors),
		cmocka_unit_test(test_render_deterministic),
		cmocka_unit_test(test_render_json_fields),
		cmocka_unit_test(test_render_text),
		cmocka_unit_test(test_check_clean),
		cmocka_unit_test(test_check_level),
		cmocka_unit_test(test_check_decision),
		cmocka_unit_test(test_check_override),
		cmocka_unit_test(test_check_vector),
		cmocka_unit_test(test_check_rules),
		cmocka_unit_test(test_check_measure),
		cmocka_unit_test(test_check_appends),
		cmocka_unit_test(test_reassess_threat),
		cmocka_unit_test(test_reassess_mitigation_stays),
		cmocka_unit_test(test_reassess_mitigation_changes),
		cmocka_unit_test(test_reassess_as),
		cmocka_unit_test(test_reassess_text),
		cmocka_unit_test(test_reassess_errors),
		cmocka_unit_test(test_reassess_as_not_jurisdiction),
		cmocka_unit_test(test_diff_identical),
		cmocka_unit_test(test_diff_threat),
		cmocka_unit_test(test_diff_added_removed),
		cmocka_unit_test(test_diff_markdown),
		cmocka_unit_test(test_diff_errors),
		cmocka_unit_test(test_diff_as_not_jurisdiction),
		cmocka_unit_test(test_alloc_assess),
		cmocka_unit_test(test_alloc_reassess),
		cmocka_unit_test(test_alloc_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
