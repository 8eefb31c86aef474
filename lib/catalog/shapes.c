/*
 * lib/catalog/shapes.c - the catalogue's structure, as data.
 *
 * One table per concept of DESIGN.md, checked by validate.c. Keep this in
 * step with catalog/schema.json and docs/catalog-format.md; the test
 * "schema_agrees" validates the same documents against both.
 */
#include <string.h>

#include "catalog_int.h"

/* ---- vocabularies ----------------------------------------------------- */

static const char *const source_kinds[] = {
	"government", "parliament", "vendor", "press", "third-party", NULL};
static const char *const access_levels[] = {
	"kernel", "system", "user", "sandboxed", NULL};
static const char *const compulsion_levels[] = {
	"full", "partial", "none", NULL};
static const char *const threat_levels[] = {
	"active", "limited", "none", NULL};
static const char *const update_modes[] = {
	"vendor-push", "customer-controlled", "none", NULL};
static const char *const product_classes[] = {
	"antivirus", "edr", "management-server", "management-agent",
	"remote-management", "vpn", "browser", "messaging", "mobile-app",
	"network-equipment", "password-manager", "security-gateway", "other",
	NULL};
static const char *const platforms[] = {
	"linux", "windows", "macos", "android", "ios", NULL};
static const char *const ecosystems[] = {
	"deb", "rpm", "apk", "msi", "macos-pkg", NULL};
static const char *const mitigation_kinds[] = {
	"data-relocation", "transparency-centre", "third-party-audit",
	"source-code-review", "customer-controlled-updates", "other", NULL};
static const char *const actions[] = {
	"prohibit", "phase-out", "advise-phase-out", "monitor", "none", NULL};
static const char *const measure_kinds[] = {
	"decision", "directive", "law", "regulation", "advice", "warning",
	NULL};
static const char *const exemption_policies[] = {
	"none", "case-by-case", "functional", "unspecified", NULL};
static const char *const review_kinds[] = {
	"reconsideration-request", "reconsideration-decision", "amendment",
	"revocation", "periodic-review", "parliamentary-request",
	"parliamentary-questions", "reply-to-vendor", "status-report",
	"disclosure", NULL};
static const char *const review_outcomes[] = {
	"upheld", "amended", "revoked", "pending", NULL};
static const char *const fingerprint_kinds[] = {
	"package", "path", "file-hash", "process", "kernel-module", "service",
	"registry", "authenticode", "bundle-id", "app-id", "cpe", "purl",
	NULL};
static const char *const app_platforms[] = {"android", "ios", NULL};
static const char *const law_levels[] = {"full", "partial", NULL};
static const char *const mitigation_status[] = {"claimed", "verified",
                                                NULL};
static const char *const factor_names[] = {"access", "compulsion", "threat",
                                           NULL};
static const char *const yes_no[] = {"yes", "no", NULL};
static const char *const bases[] = {"recorded", "derived", NULL};
/* The forms in which a measure's text states its scope. */
static const char *const cover_forms[] = {"vendor", "vendor-classes",
                                          "products", "brands", NULL};
/* The verbs a deadline takes from its source, in their usual order. */
static const char *const deadline_verbs[] = {
	"identify", "report", "plan", "begin-removal", "complete-removal",
	"stop-purchase", "stop-updates", NULL};
static const char *const succession_kinds[] = {"forced-migration",
                                               "rebrand", "replacement",
                                               NULL};

/* ---- string formats --------------------------------------------------- */

static const char *check_url(const char *s)
{
	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
		return "is not an http(s) URL";
	for (; *s; s++)
		if ((unsigned char)*s <= ' ')
			return "is not a URL (contains white space)";
	return NULL;
}

/* ISO 639-1: two lowercase letters. */
static const char *check_lang(const char *s)
{
	if (strlen(s) != 2 || s[0] < 'a' || s[0] > 'z' || s[1] < 'a' ||
	    s[1] > 'z')
		return "is not an ISO 639-1 language code (e.g. \"nl\")";
	return NULL;
}

static const char *check_iso3166(const char *s)
{
	if (strlen(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' ||
	    s[1] > 'Z')
		return "is not an ISO 3166-1 alpha-2 code (e.g. \"NL\")";
	return NULL;
}

/*
 * Globs use fnmatch(3) syntax. An unterminated bracket would make the
 * pattern match nothing, silently; refuse it.
 */
static const char *check_glob(const char *s)
{
	if (*s == '\0')
		return "is an empty pattern";
	for (; *s; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
		} else if (*s == '[') {
			const char *p = s + 1;

			if (*p == '!' || *p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p && *p != ']')
				p++;
			if (*p != ']')
				return "has an unterminated '[' in the pattern";
			s = p;
		}
	}
	return NULL;
}

static const char *check_sha256(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') ||
		      (s[n] >= 'a' && s[n] <= 'f')))
			return "is not a SHA-256 digest (64 lowercase hex "
			       "digits)";
	return n == 64 ? NULL
	               : "is not a SHA-256 digest (64 lowercase hex digits)";
}

static const char *check_cpe(const char *s)
{
	if (strncmp(s, "cpe:2.3:", 8) != 0 && strncmp(s, "cpe:/", 5) != 0)
		return "is not a CPE name (\"cpe:2.3:...\" or \"cpe:/...\")";
	return check_glob(s);
}

static const char *check_purl(const char *s)
{
	const char *slash;

	if (strncmp(s, "pkg:", 4) != 0)
		return "is not a package URL (\"pkg:TYPE/NAME\")";
	slash = strchr(s + 4, '/');
	if (slash == NULL || slash == s + 4 || slash[1] == '\0')
		return "is not a package URL (\"pkg:TYPE/NAME\")";
	return NULL;
}

static const char *check_team_id(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') ||
		      (s[n] >= 'A' && s[n] <= 'Z')))
			break;
	return n == 10 && s[n] == '\0'
	           ? NULL
	           : "is not an Apple Team ID (10 letters and digits)";
}

/*
 * Registry keys use '\\' as the separator, so in key patterns it is not an
 * escape character: only '*', '?' and brackets are special.
 */
static const char *check_reg_key(const char *s)
{
	static const char *const roots[] = {
		"HKLM\\", "HKCU\\", "HKU\\", "HKCR\\",
		"HKEY_LOCAL_MACHINE\\", "HKEY_CURRENT_USER\\", "HKEY_USERS\\",
		"HKEY_CLASSES_ROOT\\", NULL};
	size_t i;

	for (i = 0; roots[i]; i++) {
		if (strncmp(s, roots[i], strlen(roots[i])) != 0)
			continue;
		for (; *s; s++) {
			if (*s != '[')
				continue;
			while (*s && *s != ']')
				s++;
			if (*s != ']')
				return "has an unterminated '[' in the pattern";
		}
		return NULL;
	}
	return "is not a registry key (must start with HKLM\\, HKCU\\, "
	       "HKU\\, HKCR\\ or their long forms such as "
	       "HKEY_LOCAL_MACHINE\\)";
}

/* ---- cross-field checks ------------------------------------------------ */

static int64_t date_of(json_t *obj, const char *key, int *ok)
{
	json_t *v = json_object_get(obj, key);
	int64_t t = 0;

	*ok = json_is_string(v) &&
	      vz__date_parse(json_string_value(v), &t) == 0;
	return t;
}

static void post_catalog(struct vctx *c, json_t *obj)
{
	json_t *fmt = json_object_get(obj, "format");
	int ok1, ok2;
	int64_t issued = date_of(obj, "issued", &ok1);
	int64_t expires = date_of(obj, "expires", &ok2);

	if (json_is_string(fmt) &&
	    strcmp(json_string_value(fmt), VZ_CATALOG_FORMAT) != 0) {
		vz__vpush_key(c, "format");
		vz__verr(c, VZ_SEV_ERROR, 0,
		         "unsupported format \"%s\" (this voorzorg reads "
		         "\"%s\")",
		         json_string_value(fmt), VZ_CATALOG_FORMAT);
		vz__vpop(c);
	}
	if (ok1 && ok2 && expires <= issued) {
		vz__vpush_key(c, "expires");
		vz__verr(c, VZ_SEV_ERROR, 0,
		         "the catalogue must expire after it is issued");
		vz__vpop(c);
	}
}

/*
 * Deadlines: an array of steps, each with the source's verb. Dated steps
 * of the removal sequence must not run backwards, a verb appears once, and
 * a date needs a source (a reader must be able to check it).
 */
static int verb_rank(const char *v)
{
	static const char *const seq[] = {"identify", "report", "plan",
	                                  "begin-removal", "complete-removal",
	                                  NULL};
	int i;

	for (i = 0; v != NULL && seq[i]; i++)
		if (strcmp(v, seq[i]) == 0)
			return i + 1;
	return 0;
}

static void post_sector_action(struct vctx *c, json_t *obj)
{
	json_t *dls = json_object_get(obj, "deadlines");
	int64_t prev = 0;
	int prev_rank = 0;
	const char *prev_verb = NULL;
	size_t i, j;

	if (!json_is_array(dls))
		return;
	vz__vpush_key(c, "deadlines");
	for (i = 0; i < json_array_size(dls); i++) {
		json_t *d = json_array_get(dls, i);
		json_t *vv = json_object_get(d, "verb");
		const char *v = json_string_value(vv);
		int ok, rank = verb_rank(v);
		int64_t t = date_of(d, "date", &ok);

		vz__vpush_index(c, i);
		for (j = 0; j < i && v != NULL; j++) {
			json_t *o = json_object_get(json_array_get(dls, j),
			                            "verb");

			if (!json_equal(vv, o))
				continue;
			vz__vpush_key(c, "verb");
			vz__verr(c, VZ_SEV_ERROR, 0,
			         "verb \"%s\" appears twice (also at "
			         "deadlines[%zu]); one step per verb", v, j);
			vz__vpop(c);
			break;
		}
		if (ok && json_object_get(d, "sources") == NULL) {
			vz__vpush_key(c, "date");
			vz__verr(c, VZ_SEV_ERROR, 0,
			         "a dated deadline must name its \"sources\"");
			vz__vpop(c);
		}
		if (ok && rank > 0) {
			if (prev_verb != NULL && rank > prev_rank &&
			    t < prev) {
				vz__vpush_key(c, "date");
				vz__verr(c, VZ_SEV_ERROR, 0,
				         "the %s deadline falls before the %s "
				         "deadline",
				         v, prev_verb);
				vz__vpop(c);
			}
			prev = t;
			prev_rank = rank;
			prev_verb = v;
		}
		vz__vpop(c);
	}
	vz__vpop(c);
}

/* A quote in another language than English carries a translation. */
static void post_quote(struct vctx *c, json_t *obj)
{
	json_t *lang = json_object_get(obj, "lang");

	if (json_is_string(lang) &&
	    strcmp(json_string_value(lang), "en") != 0 &&
	    json_object_get(obj, "translation") == NULL) {
		vz__vpush_key(c, "lang");
		vz__verr(c, VZ_SEV_ERROR, 0,
		         "a quote in \"%s\" needs an English \"translation\"",
		         json_string_value(lang));
		vz__vpop(c);
	}
}

static void post_jurisdiction(struct vctx *c, json_t *obj)
{
	json_t *progs = json_object_get(obj, "offensive_programmes");
	size_t i, j;

	for (i = 0; i < json_array_size(progs); i++) {
		json_t *a = json_object_get(json_array_get(progs, i), "target");

		for (j = 0; j < i && json_is_string(a); j++) {
			json_t *b = json_object_get(json_array_get(progs, j),
			                            "target");

			if (!json_equal(a, b))
				continue;
			vz__vpush_key(c, "offensive_programmes");
			vz__vpush_index(c, i);
			vz__vpush_key(c, "target");
			vz__verr(c, VZ_SEV_ERROR, 0,
			         "a second programme aimed at \"%s\" (also at "
			         "offensive_programmes[%zu]); give one, with "
			         "the level as assessed now",
			         json_string_value(a), j);
			vz__vpop(c);
			vz__vpop(c);
			vz__vpop(c);
			break;
		}
	}
}

/*
 * The form says how the text states the scope; the members must fit it,
 * so that the product list derived from them (vz_measure_covers) is what
 * the text says and nothing else.
 */
static void post_covers(struct vctx *c, json_t *obj)
{
	const char *form = json_string_value(json_object_get(obj, "form"));
	size_t nv = json_array_size(json_object_get(obj, "vendors"));
	size_t nc = json_array_size(json_object_get(obj, "classes"));
	size_t np = json_array_size(json_object_get(obj, "products"));
	const char *why = NULL;

	if (form == NULL)
		return;
	if (strcmp(form, "products") == 0) {
		if (np == 0 || nv != 0 || nc != 0)
			why = "form \"products\" takes \"products\" and no "
			      "\"vendors\" or \"classes\"";
	} else if (strcmp(form, "vendor-classes") == 0) {
		if (nv == 0 || nc == 0)
			why = "form \"vendor-classes\" takes \"vendors\" and "
			      "\"classes\"";
	} else if (nv == 0 || nc != 0) {
		why = "forms \"vendor\" and \"brands\" take \"vendors\" and "
		      "no \"classes\"";
	}
	if (why != NULL) {
		vz__vpush_key(c, "form");
		vz__verr(c, VZ_SEV_ERROR, 0, "%s", why);
		vz__vpop(c);
	}
}

static void post_measure(struct vctx *c, json_t *obj)
{
	json_t *secs = json_object_get(obj, "sectors");
	int hp = json_object_get(obj, "products") != NULL;
	int hc = json_object_get(obj, "covers") != NULL;
	size_t i, j;

	if (hp == hc) {
		vz__vpush_key(c, hp ? "covers" : "id");
		vz__verr(c, VZ_SEV_ERROR, hp,
		         hp ? "give either \"products\" or \"covers\", not "
		              "both"
		            : "a measure states its scope with \"covers\" (or "
		              "names its \"products\")");
		vz__vpop(c);
	}

	for (i = 0; i < json_array_size(secs); i++) {
		json_t *a = json_object_get(json_array_get(secs, i), "sector");

		for (j = 0; j < i && json_is_string(a); j++) {
			json_t *b = json_object_get(json_array_get(secs, j),
			                            "sector");

			if (!json_equal(a, b))
				continue;
			vz__vpush_key(c, "sectors");
			vz__vpush_index(c, i);
			vz__vpush_key(c, "sector");
			vz__verr(c, VZ_SEV_ERROR, 0,
			         "sector \"%s\" appears twice in this measure "
			         "(also at sectors[%zu])",
			         json_string_value(a), j);
			vz__vpop(c);
			vz__vpop(c);
			vz__vpop(c);
			break;
		}
	}
}

static int level_declared(json_t *levels, const char *s)
{
	size_t i;

	for (i = 0; i < json_array_size(levels); i++) {
		json_t *l = json_array_get(levels, i);

		if (json_is_string(l) && strcmp(json_string_value(l), s) == 0)
			return 1;
	}
	return 0;
}

/* Report `obj[key]` unless it names one of the rules' risk levels. */
static void check_level(struct vctx *c, json_t *levels, json_t *obj,
                        const char *key, const char *rules_id)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v) || level_declared(levels, json_string_value(v)))
		return;
	vz__vpush_key(c, key);
	vz__verr(c, VZ_SEV_ERROR, 0,
	         "risk level \"%s\" is not declared in the levels of rules "
	         "\"%s\"",
	         json_string_value(v), rules_id);
	vz__vpop(c);
}

static void post_rules(struct vctx *c, json_t *obj)
{
	json_t *levels = json_object_get(obj, "levels");
	json_t *matrix = json_object_get(obj, "matrix");
	json_t *acts = json_object_get(obj, "actions");
	json_t *idv = json_object_get(obj, "id");
	const char *id = json_is_string(idv) ? json_string_value(idv) : "?";
	size_t i, j;

	/* Duplicate levels are caught by the generic array check. */
	if (!json_is_array(levels))
		return;
	check_level(c, levels, obj, "default_level", id);
	for (i = 0; i < json_array_size(matrix); i++) {
		vz__vpush_key(c, "matrix");
		vz__vpush_index(c, i);
		check_level(c, levels, json_array_get(matrix, i), "level", id);
		vz__vpop(c);
		vz__vpop(c);
	}
	for (i = 0; i < json_array_size(acts); i++) {
		json_t *a = json_object_get(json_array_get(acts, i), "level");

		vz__vpush_key(c, "actions");
		vz__vpush_index(c, i);
		check_level(c, levels, json_array_get(acts, i), "level", id);
		for (j = 0; j < i && json_is_string(a); j++) {
			json_t *row = json_array_get(acts, j);

			if (!json_equal(a, json_object_get(row, "level")))
				continue;
			vz__vpush_key(c, "level");
			vz__verr(c, VZ_SEV_ERROR, 0,
			         "actions for risk level \"%s\" are given "
			         "twice (also at actions[%zu])",
			         json_string_value(a), j);
			vz__vpop(c);
			break;
		}
		vz__vpop(c);
		vz__vpop(c);
	}
}

static void post_assessment(struct vctx *c, json_t *obj)
{
	json_t *rid = json_object_get(obj, "rules");
	json_t *basis = json_object_get(obj, "basis");
	const struct vz_entry *e;

	/*
	 * Reasoning credited to an authority must be its own words, quoted
	 * with a pinpoint; voorzorg's own text (evidence, summary) is never
	 * presented as the authority's.
	 */
	if (json_is_string(basis) &&
	    strcmp(json_string_value(basis), "recorded") == 0 &&
	    json_array_size(json_object_get(obj, "recorded")) == 0) {
		vz__vpush_key(c, "basis");
		vz__verr(c, VZ_SEV_ERROR, 0,
		         "an assessment recorded from an authority needs "
		         "\"recorded\": the authority's words, quoted with "
		         "source and pinpoint");
		vz__vpop(c);
	}

	if (!json_is_string(rid))
		return;
	e = vz__vlookup(c, json_string_value(rid));
	if (e == NULL || e->kind != VZ_KIND_RULES)
		return; /* reported as an unknown reference */
	check_level(c, json_object_get(e->obj, "levels"), obj, "level", e->id);
}

/* ---- shapes -------------------------------------------------------------- */

#define REQ VF_REQ
#define NONEMPTY (VF_REQ | VF_NONEMPTY)
#define END {NULL, VT_TEXT, 0, 0, NULL, NULL, NULL, 0}
#define TEXT(n, fl) {n, VT_TEXT, fl, 0, NULL, NULL, NULL, 0}
#define CHECKED(n, fl, fn) {n, VT_TEXT, fl, 0, NULL, NULL, fn, 0}
#define DATE(n, fl) {n, VT_DATE, fl, 0, NULL, NULL, NULL, 0}
#define ENUM(n, fl, e) {n, VT_ENUM, fl, 0, e, NULL, NULL, 0}
#define ENUMS(n, fl, e) {n, VT_ENUMS, fl, 0, e, NULL, NULL, 0}
#define REF(n, fl, k) {n, VT_REF, fl, k, NULL, NULL, NULL, 0}
#define REFS(n, fl, k) {n, VT_REFS, fl, k, NULL, NULL, NULL, 0}
#define OBJ(n, fl, s) {n, VT_OBJECT, fl, 0, NULL, &s, NULL, 0}
#define ARR(n, fl, s) {n, VT_ARRAY, fl, 0, NULL, &s, NULL, 0}
#define STRS(n, fl, fn) {n, VT_STRINGS, fl, 0, NULL, NULL, fn, 0}
#define ID {"id", VT_ID, REQ, 0, NULL, NULL, NULL, 0}
#define SOURCES REFS("sources", NONEMPTY, VZ_KIND_SOURCE)

static const struct vfield source_fields[] = {
	ID,
	TEXT("title", REQ),
	ENUM("kind", REQ, source_kinds),
	TEXT("publisher", 0),
	DATE("date", 0),
	CHECKED("url", 0, check_url),
	TEXT("reference", 0),
	TEXT("note", 0),
	END};
static const struct vshape source_shape = {"source", source_fields, NULL,
                                           NULL};

static const struct vfield sector_fields[] = {
	ID,
	TEXT("name", REQ),
	TEXT("description", 0),
	END};
static const struct vshape sector_shape = {"sector", sector_fields, NULL,
                                           NULL};

static const struct vfield quote_fields[] = {
	TEXT("quote", REQ),
	CHECKED("lang", REQ, check_lang),
	TEXT("translation", 0),
	REF("source", REQ, VZ_KIND_SOURCE),
	TEXT("pinpoint", REQ),
	TEXT("by", 0),
	TEXT("note", 0),
	END};
static const struct vshape quote_shape = {"quote", quote_fields, NULL,
                                          post_quote};

static const struct vfield law_fields[] = {
	TEXT("title", REQ),
	ENUM("level", REQ, law_levels),
	TEXT("summary", REQ),
	ARR("recorded", 0, quote_shape),
	SOURCES,
	END};
static const struct vshape law_shape = {"law", law_fields, NULL, NULL};

static const struct vfield programme_fields[] = {
	REF("target", REQ, VZ_KIND_JURISDICTION),
	ENUM("level", REQ, threat_levels),
	TEXT("summary", REQ),
	DATE("assessed", 0),
	ARR("recorded", 0, quote_shape),
	SOURCES,
	END};
static const struct vshape programme_shape = {"offensive programme",
                                              programme_fields, NULL, NULL};

static const struct vfield jurisdiction_fields[] = {
	ID,
	TEXT("name", REQ),
	CHECKED("iso3166", REQ, check_iso3166),
	ARR("compulsion_laws", 0, law_shape),
	ARR("offensive_programmes", 0, programme_shape),
	SOURCES,
	END};
static const struct vshape jurisdiction_shape = {
	"jurisdiction", jurisdiction_fields, NULL, post_jurisdiction};

static const struct vfield mitigation_fields[] = {
	ENUM("kind", REQ, mitigation_kinds),
	ENUM("status", 0, mitigation_status),
	TEXT("summary", REQ),
	DATE("date", 0),
	SOURCES,
	END};
static const struct vshape mitigation_shape = {"mitigation",
                                               mitigation_fields, NULL, NULL};

static const struct vfield vendor_fields[] = {
	ID,
	TEXT("name", REQ),
	TEXT("legal_entity", REQ),
	STRS("aliases", 0, NULL),
	REF("headquarters", REQ, VZ_KIND_JURISDICTION),
	REF("parent_jurisdiction", REQ, VZ_KIND_JURISDICTION),
	ARR("mitigations", 0, mitigation_shape),
	SOURCES,
	END};
static const struct vshape vendor_shape = {"vendor", vendor_fields, NULL,
                                           NULL};

/* Fingerprints: a tagged union on "kind". */
#define FP_COMMON ENUM("kind", REQ, fingerprint_kinds), TEXT("note", 0), SOURCES

static const struct vfield fp_package[] = {
	FP_COMMON,
	ENUM("ecosystem", REQ, ecosystems),
	CHECKED("name", REQ, check_glob),
	CHECKED("maintainer", 0, check_glob),
	END};
static const struct vfield fp_path[] = {
	FP_COMMON,
	ENUM("platform", REQ, platforms),
	CHECKED("path", REQ, check_glob),
	END};
static const struct vfield fp_hash[] = {
	FP_COMMON,
	CHECKED("sha256", REQ, check_sha256),
	{"size", VT_INT, REQ, 0, NULL, NULL, NULL, 0},
	TEXT("name", 0),
	END};
static const struct vfield fp_named[] = {
	FP_COMMON,
	ENUM("platform", REQ, platforms),
	CHECKED("name", REQ, check_glob),
	END};
static const struct vfield fp_registry[] = {
	FP_COMMON,
	CHECKED("key", REQ, check_reg_key),
	TEXT("value", 0),
	CHECKED("data", 0, check_glob),
	END};
static const struct vfield fp_authenticode[] = {
	FP_COMMON,
	CHECKED("subject", REQ, check_glob),
	CHECKED("issuer", 0, check_glob),
	END};
static const struct vfield fp_bundle[] = {
	FP_COMMON,
	CHECKED("bundle_id", REQ, check_glob),
	CHECKED("team_id", 0, check_team_id),
	END};
static const struct vfield fp_app[] = {
	FP_COMMON,
	ENUM("platform", REQ, app_platforms),
	TEXT("app_id", REQ),
	END};
static const struct vfield fp_cpe[] = {
	FP_COMMON,
	CHECKED("cpe", REQ, check_cpe),
	END};
static const struct vfield fp_purl[] = {
	FP_COMMON,
	CHECKED("purl", REQ, check_purl),
	END};
static const struct vfield fp_generic[] = {FP_COMMON, END};

static const struct vshape fp_shapes[] = {
	{"package fingerprint", fp_package, NULL, NULL},
	{"path fingerprint", fp_path, NULL, NULL},
	{"file-hash fingerprint", fp_hash, NULL, NULL},
	{"process fingerprint", fp_named, NULL, NULL},
	{"kernel-module fingerprint", fp_named, NULL, NULL},
	{"service fingerprint", fp_named, NULL, NULL},
	{"registry fingerprint", fp_registry, NULL, NULL},
	{"authenticode fingerprint", fp_authenticode, NULL, NULL},
	{"bundle-id fingerprint", fp_bundle, NULL, NULL},
	{"app-id fingerprint", fp_app, NULL, NULL},
	{"cpe fingerprint", fp_cpe, NULL, NULL},
	{"purl fingerprint", fp_purl, NULL, NULL},
};

static const struct vshape *select_fingerprint(const json_t *obj)
{
	json_t *k = json_object_get(obj, "kind");
	size_t i;

	if (!json_is_string(k))
		return NULL;
	for (i = 0; fingerprint_kinds[i]; i++)
		if (strcmp(fingerprint_kinds[i], json_string_value(k)) == 0)
			return &fp_shapes[i];
	return NULL;
}

static const struct vshape fingerprint_shape = {
	"fingerprint", fp_generic, select_fingerprint, NULL};

static const struct vfield identifier_fields[] = {
	STRS("cpe", 0, check_cpe),
	STRS("purl", 0, check_purl),
	END};
static const struct vshape identifiers_shape = {"identifiers",
                                                identifier_fields, NULL, NULL};

static const struct vfield succession_fields[] = {
	REF("product", REQ, VZ_KIND_PRODUCT),
	ENUM("kind", REQ, succession_kinds),
	DATE("date", 0),
	TEXT("note", 0),
	TEXT("unconfirmed", 0),
	SOURCES,
	END};
static const struct vshape succession_shape = {"succession",
                                               succession_fields, NULL, NULL};

static const struct vfield product_fields[] = {
	ID,
	REF("vendor", REQ, VZ_KIND_VENDOR),
	TEXT("name", REQ),
	ENUM("class", REQ, product_classes),
	ENUM("access", REQ, access_levels),
	ENUM("updates", REQ, update_modes),
	{"telemetry", VT_BOOL, REQ, 0, NULL, NULL, NULL, 0},
	ENUMS("platforms", 0, platforms),
	TEXT("description", 0),
	OBJ("identifiers", 0, identifiers_shape),
	ARR("fingerprints", 0, fingerprint_shape),
	OBJ("succeeds", 0, succession_shape),
	TEXT("unconfirmed", 0),
	SOURCES,
	END};
static const struct vshape product_shape = {"product", product_fields, NULL,
                                            NULL};

static const struct vfield factor_access_fields[] = {
	ENUM("level", REQ, access_levels),
	TEXT("evidence", REQ),
	ARR("recorded", 0, quote_shape),
	SOURCES,
	END};
static const struct vfield factor_compulsion_fields[] = {
	ENUM("level", REQ, compulsion_levels),
	TEXT("evidence", REQ),
	ARR("recorded", 0, quote_shape),
	SOURCES,
	END};
static const struct vfield factor_threat_fields[] = {
	ENUM("level", REQ, threat_levels),
	TEXT("evidence", REQ),
	ARR("recorded", 0, quote_shape),
	SOURCES,
	END};
static const struct vshape factor_access = {"access factor",
                                            factor_access_fields, NULL, NULL};
static const struct vshape factor_compulsion = {
	"compulsion factor", factor_compulsion_fields, NULL, NULL};
static const struct vshape factor_threat = {"threat factor",
                                            factor_threat_fields, NULL, NULL};

static const struct vfield factors_fields[] = {
	OBJ("access", REQ, factor_access),
	OBJ("compulsion", REQ, factor_compulsion),
	OBJ("threat", REQ, factor_threat),
	END};
static const struct vshape factors_shape = {"factors", factors_fields, NULL,
                                            NULL};

static const struct vfield override_fields[] = {
	TEXT("reason", REQ),
	ARR("recorded", 0, quote_shape),
	SOURCES,
	END};
static const struct vshape override_shape = {"override", override_fields,
                                             NULL, NULL};

static const struct vfield assessment_fields[] = {
	ID,
	REFS("products", NONEMPTY, VZ_KIND_PRODUCT),
	TEXT("assessor", REQ),
	ENUM("basis", 0, bases),
	REF("assessing_state", REQ, VZ_KIND_JURISDICTION),
	DATE("date", REQ),
	OBJ("factors", REQ, factors_shape),
	TEXT("vector", 0),
	TEXT("level", REQ),
	{"decision", VT_MAP, REQ, VZ_KIND_SECTOR, actions, NULL, NULL, 0},
	REF("rules", REQ, VZ_KIND_RULES),
	REF("supersedes", 0, VZ_KIND_ASSESSMENT),
	OBJ("override", 0, override_shape),
	TEXT("summary", 0),
	ARR("recorded", 0, quote_shape),
	TEXT("unconfirmed", 0),
	SOURCES,
	END};
static const struct vshape assessment_shape = {
	"assessment", assessment_fields, NULL, post_assessment};

static const struct vfield deadline_fields[] = {
	ENUM("verb", REQ, deadline_verbs),
	DATE("date", 0),
	TEXT("pinpoint", 0),
	TEXT("note", 0),
	TEXT("unconfirmed", 0),
	REFS("sources", VF_NONEMPTY, VZ_KIND_SOURCE),
	END};
static const struct vshape deadline_shape = {"deadline", deadline_fields,
                                             NULL, NULL};

static const struct vfield exemption_fields[] = {
	ENUM("policy", REQ, exemption_policies),
	TEXT("description", 0),
	END};
static const struct vshape exemptions_shape = {"exemptions",
                                               exemption_fields, NULL, NULL};

static const struct vfield measure_sector_fields[] = {
	REF("sector", REQ, VZ_KIND_SECTOR),
	ENUM("action", REQ, actions),
	ARR("deadlines", 0, deadline_shape),
	OBJ("exemptions", REQ, exemptions_shape),
	TEXT("note", 0),
	TEXT("unconfirmed", 0),
	END};
static const struct vshape measure_sector_shape = {
	"sector action", measure_sector_fields, NULL, post_sector_action};

static const struct vfield review_fields[] = {
	DATE("date", REQ),
	ENUM("kind", REQ, review_kinds),
	TEXT("requested_by", 0),
	ENUM("outcome", REQ, review_outcomes),
	TEXT("reference", 0),
	TEXT("summary", REQ),
	TEXT("document", 0),
	ARR("recorded", 0, quote_shape),
	TEXT("unconfirmed", 0),
	SOURCES,
	END};
static const struct vshape review_shape = {"review", review_fields, NULL,
                                           NULL};

static const struct vfield covers_fields[] = {
	ENUM("form", REQ, cover_forms),
	REFS("vendors", VF_NONEMPTY, VZ_KIND_VENDOR),
	ENUMS("classes", VF_NONEMPTY, product_classes),
	REFS("products", VF_NONEMPTY, VZ_KIND_PRODUCT),
	REFS("except", VF_NONEMPTY, VZ_KIND_PRODUCT),
	ARR("recorded", 0, quote_shape),
	END};
static const struct vshape covers_shape = {"covers", covers_fields, NULL,
                                           post_covers};

static const struct vfield measure_fields[] = {
	ID,
	TEXT("title", REQ),
	ENUM("kind", REQ, measure_kinds),
	TEXT("authority", REQ),
	REF("issuing_state", REQ, VZ_KIND_JURISDICTION),
	DATE("date", REQ),
	TEXT("reference", REQ),
	REFS("products", VF_NONEMPTY, VZ_KIND_PRODUCT),
	OBJ("covers", 0, covers_shape),
	REF("assessment", 0, VZ_KIND_ASSESSMENT),
	TEXT("scope", 0),
	ARR("sectors", NONEMPTY, measure_sector_shape),
	ARR("reviews", 0, review_shape),
	ARR("recorded", 0, quote_shape),
	TEXT("unconfirmed", 0),
	SOURCES,
	END};
static const struct vshape measure_shape = {"measure", measure_fields, NULL,
                                            post_measure};

static const struct vfield when_fields[] = {
	ENUMS("access", 0, access_levels),
	ENUMS("compulsion", 0, compulsion_levels),
	ENUMS("threat", 0, threat_levels),
	ENUMS("updates", 0, update_modes),
	ENUMS("data", 0, yes_no),
	END};
static const struct vshape when_shape = {"condition", when_fields, NULL,
                                         NULL};

static const struct vfield matrix_fields[] = {
	OBJ("when", REQ, when_shape),
	TEXT("level", REQ),
	TEXT("rule", 0),
	TEXT("reason", 0),
	END};
static const struct vshape matrix_shape = {"rule", matrix_fields, NULL,
                                           NULL};

static const struct vfield action_row_fields[] = {
	TEXT("level", REQ),
	{"sectors", VT_MAP, REQ, VZ_KIND_SECTOR, actions, NULL, NULL, 0},
	END};
static const struct vshape action_row_shape = {"action row",
                                               action_row_fields, NULL, NULL};

static const struct vfield mitigation_rule_fields[] = {
	ENUMS("kinds", NONEMPTY, mitigation_kinds),
	ENUM("requires", 0, mitigation_status),
	ENUM("factor", REQ, factor_names),
	{"lower", VT_INT, REQ, 0, NULL, NULL, NULL, 0},
	TEXT("rule", 0),
	TEXT("reason", REQ),
	END};
static const struct vshape mitigation_rule_shape = {
	"mitigation rule", mitigation_rule_fields, NULL, NULL};

static const struct vfield rules_fields[] = {
	ID,
	{"version", VT_INT, REQ, 0, NULL, NULL, NULL, 1},
	TEXT("title", REQ),
	DATE("date", REQ),
	TEXT("description", 0),
	STRS("levels", NONEMPTY, NULL),
	ARR("matrix", NONEMPTY, matrix_shape),
	TEXT("default_level", REQ),
	ARR("actions", NONEMPTY, action_row_shape),
	ARR("mitigations", 0, mitigation_rule_shape),
	REF("supersedes", 0, VZ_KIND_RULES),
	SOURCES,
	END};
static const struct vshape rules_shape = {"rules", rules_fields, NULL,
                                          post_rules};

static const struct vfield catalog_fields[] = {
	TEXT("format", REQ),
	CHECKED("id", REQ, vz__check_id),
	{"version", VT_INT, REQ, 0, NULL, NULL, NULL, 1},
	TEXT("title", REQ),
	TEXT("publisher", REQ),
	DATE("issued", REQ),
	DATE("expires", REQ),
	REF("assessing_state", REQ, VZ_KIND_JURISDICTION),
	ARR("sources", REQ, source_shape),
	ARR("sectors", NONEMPTY, sector_shape),
	ARR("jurisdictions", REQ, jurisdiction_shape),
	ARR("vendors", REQ, vendor_shape),
	ARR("products", REQ, product_shape),
	ARR("assessments", REQ, assessment_shape),
	ARR("measures", REQ, measure_shape),
	ARR("rules", REQ, rules_shape),
	END};

const struct vshape vz__shape_catalog = {"catalogue", catalog_fields, NULL,
                                         post_catalog};
