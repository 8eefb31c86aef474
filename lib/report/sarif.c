/*
 * lib/report/sarif.c - the SARIF 2.1.0 report, for code-scanning
 * dashboards and the many tools that read SARIF.
 *
 * One rule per product found, one result per finding. Files are located
 * relative to the scanned root (uriBaseId "ROOT") with percent-encoded
 * URIs, so names that are not UTF-8 survive; packages, processes and
 * units are logical locations. The level follows the measure: "error"
 * for prohibit and phase-out, "warning" for other actions asked of the
 * sector (or any covering measure without a sector), "note" otherwise.
 * Everything not examined is listed as a tool execution notification.
 */
#include <string.h>

#include <openssl/evp.h>

#include "report_int.h"

static const char *level_of(const vz_finding *f)
{
	if (!f->needs_action)
		return "note";
	if (f->action && (strcmp(f->action, "prohibit") == 0 ||
	                  strcmp(f->action, "phase-out") == 0))
		return "error";
	return "warning";
}

/* Percent-encode a path from the root as a relative URI reference. */
static const char *uri_of(struct vz_buf *b, const char *path)
{
	const unsigned char *p = (const unsigned char *)path;

	b->len = 0;
	while (*p == '/')
		p++;
	for (; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			vz__buf_add(b, (const char *)p, 1);
		else
			vz__buf_printf(b, "%%%02X", *p);
	}
	vz__buf_add(b, "", 1);
	return b->failed ? NULL : b->data;
}

static int file_kind(const char *kind)
{
	return strcmp(kind, "path") == 0 || strcmp(kind, "file-hash") == 0 ||
	       strcmp(kind, "authenticode") == 0 ||
	       strcmp(kind, "bundle-id") == 0;
}

/* A file's location: from the root, or (no root) as given. */
static json_t *file_location(struct vz_buf *b, const vz_scan_info *in,
                             const char *path)
{
	const char *u = uri_of(b, path);
	json_t *loc;

	if (u == NULL)
		return NULL;
	if (in->root != NULL)
		return json_pack("{s:{s:{s:s, s:s}}}", "physicalLocation",
		                 "artifactLocation", "uri", u, "uriBaseId",
		                 "ROOT");
	if (path[0] != '/')
		return json_pack("{s:{s:{s:s}}}", "physicalLocation",
		                 "artifactLocation", "uri", u);
	{
		struct vz_buf abs;

		vz__buf_init(&abs);
		vz__buf_printf(&abs, "file:///%s", u);
		loc = abs.failed ? NULL
		                 : json_pack("{s:{s:{s:s}}}",
		                             "physicalLocation",
		                             "artifactLocation", "uri",
		                             abs.data);
		vz__buf_free(&abs);
	}
	return loc;
}

/*
 * partialFingerprints: the same product on the same host (or the same
 * tampered file there) gets the same fingerprint in every run, so a
 * SARIF consumer folds repeated scans into one result. The host is its
 * machine id, else its name, else the root scanned.
 */
static json_t *fingerprint(const vz_scan_info *in, const char *what,
                           const char *id)
{
	const char *host = in->machine_id   ? in->machine_id
	                   : in->hostname ? in->hostname
	                   : in->root     ? in->root
	                                  : "";
	unsigned char md[EVP_MAX_MD_SIZE];
	char out[65];
	unsigned int n = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = c != NULL && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
	         EVP_DigestUpdate(c, host, strlen(host) + 1) == 1 &&
	         EVP_DigestUpdate(c, what, strlen(what) + 1) == 1 &&
	         EVP_DigestUpdate(c, id, strlen(id)) == 1 &&
	         EVP_DigestFinal_ex(c, md, &n) == 1 && n == 32;

	EVP_MD_CTX_free(c);
	if (!ok)
		return NULL;
	vz__hex_encode(md, n, out);
	return json_pack("{s:s}", "voorzorgHostProduct/v1", out);
}

static json_t *locations(const vz_scan_info *in, const vz_finding *f)
{
	json_t *arr = json_array();
	struct vz_buf b;
	size_t i;
	int bad = arr == NULL;

	vz__buf_init(&b);
	for (i = 0; !bad && i < f->nevidence; i++) {
		const vz_evidence *e = &f->evidence[i];
		json_t *loc;

		if (file_kind(e->kind) && strcmp(e->source, "sbom") != 0) {
			loc = file_location(&b, in, e->item);
		} else {
			const char *k = strcmp(e->kind, "package") == 0
			                    ? "package"
			                : strcmp(e->kind, "service") == 0
			                    ? "unit"
			                    : e->kind;
			const char *n = vz__utf8(&b, e->item);

			loc = n ? json_pack("{s:[{s:s, s:s}]}",
			                    "logicalLocations", "name", n,
			                    "kind", k)
			        : NULL;
		}
		bad = loc == NULL || json_array_append_new(arr, loc) != 0;
	}
	vz__buf_free(&b);
	if (bad) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

static json_t *result(const vz_scan_info *in, const vz_finding *f,
                      size_t idx)
{
	struct vz_buf msg, u;
	const char *dl = vz__deadline(f), *m;
	json_t *r, *ev = json_array();
	size_t i;
	int bad = ev == NULL;

	vz__buf_init(&msg);
	vz__buf_init(&u);
	vz__buf_printf(&msg, "%s (%s) is %s on %s.",
	               f->product ? f->product : f->product_id,
	               f->vendor ? f->vendor : "unknown vendor",
	               vz_state_name(f->state),
	               in->hostname ? in->hostname
	               : in->root   ? in->root
	                            : "the artefacts examined");
	if (f->measure_id)
		vz__buf_printf(&msg, " Measure %s (%s)%s%s%s%s.",
		               f->measure_id,
		               f->reference ? f->reference : "no reference",
		               f->action ? ": " : "",
		               f->action ? f->action : "",
		               dl ? " by " : "", dl ? dl : "");
	else
		vz__buf_puts(&msg, " No measure covers it.");
	vz__buf_puts(&msg, " Next: ");
	vz__next_steps(in, f, &msg);
	for (i = 0; i < msg.len; i++)
		if (msg.data[i] == '\n')
			msg.data[i] = ' ';
	for (i = 0; !bad && i < f->nevidence; i++) {
		const vz_evidence *e = &f->evidence[i];
		struct vz_buf a, b;

		vz__buf_init(&a);
		vz__buf_init(&b);
		bad = json_array_append_new(
		          ev, json_pack("{s:s, s:s, s:s, s:s}", "kind",
		                        e->kind, "source", e->source, "item",
		                        vz__utf8(&a, e->item), "detail",
		                        vz__utf8(&b, e->detail))) != 0;
		vz__buf_free(&a);
		vz__buf_free(&b);
	}
	m = msg.failed ? NULL : vz__utf8(&u, msg.data);
	r = NULL;
	if (!bad && m != NULL) {
		r = json_pack("{s:s, s:I, s:s, s:s, s:{s:s}, s:o, s:o, "
		              "s:{s:s, s:o, "
		              "s:s?, s:s?, s:s?, s:o, s:s?, s:s?, s:s?, s:b}}",
		              "ruleId", f->product_id, "ruleIndex",
		              (json_int_t)idx, "kind", "fail", "level",
		              level_of(f), "message", "text", m, "locations",
		              locations(in, f), "partialFingerprints",
		              fingerprint(in, "product", f->product_id),
		              "properties", "state",
		              vz_state_name(f->state), "evidence", ev,
		              "measure", f->measure_id, "action", f->action,
		              "deadline", dl, "deadlines",
		              vz__deadlines_json(in, f), "exemption_policy",
		              f->exemption_policy,
		              "level", f->level, "vector", f->vector,
		              "needs_action", f->needs_action);
		ev = NULL; /* stolen by json_pack, even on failure */
	}
	json_decref(ev);
	vz__buf_free(&msg);
	vz__buf_free(&u);
	return r;
}

static json_t *rule(const vz_finding *f)
{
	struct vz_buf b;
	json_t *r;

	vz__buf_init(&b);
	vz__buf_printf(&b, "%s by %s", f->product ? f->product : f->product_id,
	               f->vendor ? f->vendor : "an unknown vendor");
	if (f->measure_id)
		vz__buf_printf(&b, ", covered by measure %s%s%s%s",
		               f->measure_id, f->reference ? " (" : "",
		               f->reference ? f->reference : "",
		               f->reference ? ")" : "");
	r = b.failed ? NULL
	             : json_pack("{s:s, s:s?, s:{s:s}, s:{s:s}, s:{s:s, "
	                         "s:s?, s:s?}}",
	                         "id", f->product_id, "name", f->product,
	                         "shortDescription", "text", b.data,
	                         "defaultConfiguration", "level",
	                         level_of(f), "properties", "vendor_id",
	                         f->vendor_id ? f->vendor_id : "",
	                         "measure", f->measure_id, "assessment",
	                         f->assessment_id);
	vz__buf_free(&b);
	return r;
}

static const char tampered_rule[] = "voorzorg.tampered-signature";

static json_t *tampered_rule_json(void)
{
	return json_pack("{s:s, s:s, s:{s:s}, s:{s:s}}", "id", tampered_rule,
	                 "name", "Tampered signature", "shortDescription",
	                 "text",
	                 "A file whose Authenticode signature names a signer "
	                 "of the catalogue but does not hold",
	                 "defaultConfiguration", "level", "error");
}

static json_t *tampered_result(const vz_scan_info *in, const vz_tampered *t,
                               size_t idx)
{
	struct vz_buf msg, u, b;
	json_t *r = NULL, *loc;

	vz__buf_init(&msg);
	vz__buf_init(&u);
	vz__buf_init(&b);
	vz__buf_printf(&msg, "%s: Authenticode signature claims signer %s "
	                     "(a signer of %s in the catalogue) but is %s; "
	                     "this is not evidence of the vendor. Find out "
	                     "where the file came from.",
	               t->path, t->subject, t->product_id,
	               strcmp(t->state, "tampered") == 0
	                   ? "tampered: the file changed after signing"
	                   : "invalid: the signature does not verify");
	loc = file_location(&b, in, t->path);
	if (!msg.failed && loc != NULL && vz__utf8(&u, msg.data) != NULL)
		r = json_pack("{s:s, s:I, s:s, s:s, s:{s:s}, s:[o], s:o, "
		              "s:{s:s, s:s, s:s, s:s}}",
		              "ruleId", tampered_rule, "ruleIndex",
		              (json_int_t)idx, "kind", "fail", "level", "error",
		              "message", "text", vz__utf8(&u, msg.data),
		              "locations", loc, "partialFingerprints",
		              fingerprint(in, "tampered", t->path),
		              "properties", "state",
		              t->state, "subject", t->subject, "issuer",
		              t->issuer, "claims_signer_of", t->product_id);
	else
		json_decref(loc);
	vz__buf_free(&msg);
	vz__buf_free(&u);
	vz__buf_free(&b);
	return r;
}

static json_t *notifications(const vz_scan *scan)
{
	const vz_stats *st = vz_scan_stats(scan);
	json_t *arr = json_array();
	struct vz_buf b;
	size_t i;
	int bad = arr == NULL;

	vz__buf_init(&b);
	for (i = 0; !bad && i < vz_stats_problem_count(st); i++) {
		const vz_problem *p = vz_stats_problem(st, i);

		b.len = 0;
		vz__buf_printf(&b, "%s: %s %llu: %s%s%s", p->collector,
		               p->unreadable ? "unreadable" : "not examined",
		               (unsigned long long)p->count, p->reason,
		               p->example ? " (first: " : "",
		               p->example ? p->example : "");
		if (p->example)
			vz__buf_puts(&b, ")");
		bad = b.failed;
		if (!bad) {
			struct vz_buf u;

			vz__buf_init(&u);
			bad = json_array_append_new(
			          arr, json_pack("{s:s, s:{s:s}}", "level",
			                         p->unreadable ? "warning"
			                                       : "note",
			                         "message", "text",
			                         vz__utf8(&u, b.data))) != 0;
			vz__buf_free(&u);
		}
	}
	/* What makes the scan incomplete: errors, not notes. */
	for (i = 0; !bad && i < vz_scan_gap_count(scan); i++) {
		struct vz_buf u;

		vz__buf_init(&u);
		b.len = 0;
		vz__buf_printf(&b, "incomplete: %s", vz_scan_gap(scan, i));
		bad = b.failed ||
		      json_array_append_new(
		          arr, json_pack("{s:s, s:{s:s}}", "level", "error",
		                         "message", "text",
		                         vz__utf8(&u, b.data))) != 0;
		vz__buf_free(&u);
	}
	vz__buf_free(&b);
	if (bad) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

vz_status vz__report_sarif(const vz_scan *scan, char **out)
{
	const vz_scan_info *in = vz_scan_get_info(scan);
	json_t *rules = json_array(), *results = json_array(), *root = NULL;
	json_t *notes = notifications(scan), *stats = vz__stats_json(scan);
	struct vz_buf base, u;
	size_t i;
	int bad = rules == NULL || results == NULL || notes == NULL ||
	          stats == NULL;

	vz__buf_init(&base);
	vz__buf_init(&u);
	for (i = 0; !bad && i < vz_scan_count(scan); i++) {
		const vz_finding *f = vz_scan_finding(scan, i);

		bad = json_array_append_new(rules, rule(f)) != 0 ||
		      json_array_append_new(results, result(in, f, i)) != 0;
	}
	if (!bad && vz_scan_tampered_count(scan) > 0)
		bad = json_array_append_new(rules, tampered_rule_json()) != 0;
	for (i = 0; !bad && i < vz_scan_tampered_count(scan); i++)
		bad = json_array_append_new(
		          results,
		          tampered_result(in, vz_scan_tampered(scan, i),
		                          vz_scan_count(scan))) != 0;
	/* file:///ROOT/ with the root percent-encoded. */
	vz__buf_puts(&base, "file:///");
	if (in->root != NULL) {
		const char *r = uri_of(&u, in->root);

		vz__buf_puts(&base, r ? r : "");
		if (r && *r && r[strlen(r) - 1] != '/')
			vz__buf_puts(&base, "/");
	}
	if (!bad && !base.failed)
		root = json_pack(
		    "{s:s, s:s, s:[{s:{s:{s:s, s:s, s:O}}, "
		    "s:[{s:b, s:O, s:{s:s?, s:s?, s:s?, s:s, s:I, s:s, "
		    "s:s, s:i}}], "
		    "s:{s:{s:s}}, s:O, s:{s:O}}]}",
		    "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
		    "version", "2.1.0", "runs", "tool", "driver", "name",
		    "voorzorg", "version", vz_version(), "rules", rules,
		    "invocations", "executionSuccessful",
		    vz_scan_complete(scan),
		    "toolExecutionNotifications", notes, "properties", "root",
		    in->root, "sector", in->sector, "scanned_at",
		    in->scanned_at,
		    "catalog", in->catalog_id, "catalog_version",
		    (json_int_t)in->catalog_version, "coverage",
		    vz_scan_complete(scan) ? "complete" : "incomplete",
		    "report_id", in->report_id, "report_schema",
		    VZ_REPORT_SCHEMA, "originalUriBaseIds",
		    "ROOT", "uri", base.data, "results", results, "properties",
		    "stats", stats);
	vz__buf_free(&base);
	vz__buf_free(&u);
	json_decref(rules);
	json_decref(results);
	json_decref(notes);
	json_decref(stats);
	return vz__json_finish(root, out);
}
