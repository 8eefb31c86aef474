/*
 * lib/policy/santa.c - Santa (northpolesec/santa) block rules for the
 * products' macOS code: a configuration profile with the StaticRules
 * key (format santa) or the JSON that `santactl rule --import` reads
 * (format santa-json).
 *
 * Rules: SIGNINGID "TEAMID:SIGNINGID" for each bundle-id fingerprint
 * with a Team ID (taking the signing identifier to be the bundle id,
 * as codesign does by default: UNCONFIRMED per product), BINARY for
 * each file SHA-256. A TEAMID rule would block everything the vendor
 * signs, more than a measure's products, so it is only offered in a
 * comment. BLOCKLIST blocks in Monitor mode too: Santa rules have no
 * audit mode. Catalogue values are escaped for XML or JSON.
 */
#include <stdio.h>
#include <string.h>

#include "policy_int.h"

struct srule {
	const struct pol_item *it;
	const char *type; /* "SIGNINGID" or "BINARY" */
	char ident[160];
};

static int hex64(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 64;
}

static const char *team_of(const struct pol_item *it)
{
	json_t *t = json_object_get(it->fp, "team_id");

	return json_is_string(t) ? json_string_value(t) : NULL;
}

/* Collect the rules; NULL with p->rc set on a refused value. */
static struct srule *rules(struct vz_pol *p, size_t *n)
{
	size_t cap = p->nitems[PK_BUNDLE] + p->nitems[PK_HASH] + 1, i;
	struct srule *r = vz__calloc(cap, sizeof(*r));

	*n = 0;
	if (r == NULL) {
		vz__pol_fail(p, VZ_E_NOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i < p->nitems[PK_BUNDLE]; i++) {
		const struct pol_item *it = &p->items[PK_BUNDLE][i];
		const char *team = team_of(it);

		if (!vz__pol_text(p, it, "bundle_id", it->value, 1) ||
		    (team && !vz__pol_chars(team, ""))) {
			if (p->rc == VZ_OK)
				vz__pol_refuse(p, it, "team_id",
				               "is not a Team ID");
			vz__free(r);
			return NULL;
		}
		if (team == NULL || vz__pol_is_glob(it->value) ||
		    strlen(it->value) + strlen(team) + 2 > sizeof(r->ident))
			continue;
		r[*n].it = it;
		r[*n].type = "SIGNINGID";
		snprintf(r[*n].ident, sizeof(r->ident), "%s:%s", team,
		         it->value);
		(*n)++;
	}
	for (i = 0; i < p->nitems[PK_HASH]; i++) {
		const struct pol_item *it = &p->items[PK_HASH][i];

		if (!hex64(it->value)) {
			vz__pol_refuse(
			    p, it, "sha256",
			    "is not 64 lowercase hexadecimal digits");
			vz__free(r);
			return NULL;
		}
		r[*n].it = it;
		r[*n].type = "BINARY";
		snprintf(r[*n].ident, sizeof(r->ident), "%s", it->value);
		(*n)++;
	}
	if (*n == 0) {
		vz__pol_empty(p, "macOS bundle-id (with Team ID) or "
		                 "file-hash");
		vz__free(r);
		return NULL;
	}
	return r;
}

static void message(const struct vz_pol *p, char *buf, size_t n)
{
	snprintf(buf, n, "Blocked: measure %s%s (voorzorg)", p->ms[0].id,
	         p->nms > 1 ? " and others" : "");
}

static void comment(const struct vz_pol *p, const struct srule *r, char *buf,
                    size_t n)
{
	snprintf(buf, n,
	         "voorzorg: measure %s%s; catalogue %s version "
	         "%lld, signature %s; products[%s].fingerprints[%zu]",
	         p->ms[0].id, p->nms > 1 ? " and others" : "",
	         vz_catalog_id(p->cat), (long long)vz_catalog_version(p->cat),
	         vz_catalog_signature(p->cat), p->prods[r->it->prod].id,
	         r->it->fpi);
}

static void kv(struct vz_buf *b, const char *ind, const char *k, const char *v)
{
	vz__buf_printf(b, "%s<key>%s</key>\n%s<string>", ind, k, ind);
	vz__pol_xml(b, v);
	vz__buf_puts(b, "</string>\n");
}

void vz__pol_santa(struct vz_pol *p)
{
	struct vz_buf *b = &p->out;
	size_t n, i, j;
	struct srule *r = rules(p, &n);
	char g[37], msg[256], cm[512];
	const char *in = "\t\t\t\t\t";

	if (r == NULL)
		return;
	vz__buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN"
	                "\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd"
	                "\">\n<!--\n");
	vz__pol_header(p, "  ", "", 1);
	if (p->rc != VZ_OK)
		goto out;
	vz__buf_puts(
	    b, "  Install with an MDM (or System Settings, Profiles). Static "
	       "rules take\n"
	       "  precedence over sync rules and disable santactl rule. "
	       "UNCONFIRMED per\n"
	       "  product: that its signing identifier is its bundle id.\n");
	for (i = 0; i < p->nitems[PK_BUNDLE]; i++) {
		const struct pol_item *it = &p->items[PK_BUNDLE][i];
		const char *team = team_of(it);

		for (j = 0; j < i && team; j++) {
			const char *t2 = team_of(&p->items[PK_BUNDLE][j]);

			if (t2 && strcmp(t2, team) == 0)
				break;
		}
		if (team && j == i)
			vz__buf_printf(b,
			               "  Not written: TEAMID %s would block "
			               "all the vendor signs, beyond the "
			               "measure.\n",
			               team);
		if (team == NULL || vz__pol_is_glob(it->value))
			vz__buf_printf(b,
			               "  Not written: bundle id %s "
			               "(products[%s].fingerprints[%zu]): "
			               "%s.\n",
			               it->value, p->prods[it->prod].id,
			               it->fpi,
			               team ? "a pattern" : "no Team ID");
	}
	vz__buf_puts(b, "-->\n<plist version=\"1.0\">\n<dict>\n"
	                "\t<key>PayloadContent</key>\n\t<array>\n"
	                "\t\t<dict>\n");
	kv(b, "\t\t\t", "PayloadDisplayName", "Santa rules (voorzorg)");
	vz__pol_guid(p, "santa-payload", 1, g);
	kv(b, "\t\t\t", "PayloadIdentifier", "com.northpolesec.santa.voorzorg");
	kv(b, "\t\t\t", "PayloadType", "com.northpolesec.santa");
	kv(b, "\t\t\t", "PayloadUUID", g);
	vz__buf_puts(b, "\t\t\t<key>PayloadVersion</key>\n"
	                "\t\t\t<integer>1</integer>\n"
	                "\t\t\t<key>StaticRules</key>\n\t\t\t<array>\n");
	message(p, msg, sizeof(msg));
	for (i = 0; i < n; i++) {
		comment(p, &r[i], cm, sizeof(cm));
		vz__buf_puts(b, "\t\t\t\t<dict>\n");
		kv(b, in, "comment", cm);
		kv(b, in, "custom_msg", msg);
		kv(b, in, "identifier", r[i].ident);
		kv(b, in, "policy", "BLOCKLIST");
		kv(b, in, "rule_type", r[i].type);
		vz__buf_puts(b, "\t\t\t\t</dict>\n");
	}
	vz__buf_puts(b, "\t\t\t</array>\n\t\t</dict>\n\t</array>\n");
	snprintf(cm, sizeof(cm),
	         "Blocks the products of measure %s%s "
	         "(catalogue %s version %lld, signature %s).",
	         p->ms[0].id, p->nms > 1 ? " and others" : "",
	         vz_catalog_id(p->cat), (long long)vz_catalog_version(p->cat),
	         vz_catalog_signature(p->cat));
	kv(b, "\t", "PayloadDescription", cm);
	kv(b, "\t", "PayloadDisplayName", "voorzorg: Santa block rules");
	vz__pol_guid(p, "profile", 1, g);
	kv(b, "\t", "PayloadIdentifier", "voorzorg.santa.blocklist");
	kv(b, "\t", "PayloadType", "Configuration");
	kv(b, "\t", "PayloadUUID", g);
	vz__buf_puts(b, "\t<key>PayloadVersion</key>\n\t<integer>1</integer>\n"
	                "</dict>\n</plist>\n");
out:
	vz__free(r);
}

void vz__pol_santa_json(struct vz_pol *p)
{
	size_t n, i;
	struct srule *r = rules(p, &n);
	json_t *root = NULL, *arr = NULL;
	char msg[256], cm[512];

	if (r == NULL)
		return;
	root = json_object();
	arr = json_array();
	if (root == NULL || arr == NULL) {
		json_decref(arr);
		goto nomem;
	}
	/* json_object_set_new releases arr itself when it fails. */
	if (json_object_set_new(root, "rules", arr) != 0)
		goto nomem;
	message(p, msg, sizeof(msg));
	for (i = 0; i < n; i++) {
		json_t *o;

		comment(p, &r[i], cm, sizeof(cm));
		o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "comment", cm,
		              "custom_msg", msg, "identifier", r[i].ident,
		              "policy", "BLOCKLIST", "rule_type", r[i].type);
		if (o == NULL || json_array_append_new(arr, o) != 0)
			goto nomem;
	}
	/* vz__buf_json: indented, keys in insertion order, newline. */
	vz__buf_json(&p->out, root);
	json_decref(root);
	vz__free(r);
	return;
nomem:
	json_decref(root);
	vz__free(r);
	vz__pol_fail(p, VZ_E_NOMEM, "out of memory");
}
