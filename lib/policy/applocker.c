/*
 * lib/policy/applocker.c - an AppLocker policy (the XML that
 * Set-AppLockerPolicy -XmlPolicy imports) that denies the products'
 * Windows programs in the Exe collection, by path, by publisher and by
 * file hash.
 *
 * Once a collection has any rule, AppLocker blocks everything that is
 * not allowed; a blocklist therefore starts with an "allow everything"
 * path rule, and deny rules win over it. The collection carries the
 * service extensions, without which AppLocker applies only to code run
 * by users, not to services such as an anti-virus engine.
 *
 * Two values are Windows's to derive and no source confirms how: the
 * publisher string of a signed binary (written here from a full
 * certificate subject as O=..., L=..., S=..., C=..., upper-cased,
 * without CN), and whether a flat SHA-256 of a PE file can match (its
 * rules normally carry the Authenticode hash). The output says so in
 * comments. A signer known only by its common name cannot give a
 * publisher string at all, so it is listed in a comment with the
 * command that reads the real one from a binary. Catalogue values go
 * into attributes, escaped; comments hold only ids and checked text.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policy_int.h"

static void rule_open(struct vz_pol *p, const char *type, const char *key,
                      const char *name, const char *desc, const char *action)
{
	struct vz_buf *b = &p->out;
	char id[37];

	vz__pol_guid(p, key, 0, id);
	vz__buf_printf(b, "    <%s Id=\"%s\" Name=\"", type, id);
	vz__pol_xml(b, name);
	vz__buf_puts(b, "\" Description=\"");
	vz__pol_xml(b, desc);
	vz__buf_printf(b,
	               "\" UserOrGroupSid=\"S-1-1-0\" Action=\"%s\">\n"
	               "      <Conditions>\n",
	               action);
}

static void rule_close(struct vz_pol *p, const char *type)
{
	vz__buf_printf(&p->out, "      </Conditions>\n    </%s>\n", type);
}

/* "products[P].fingerprints[N]" for keys and descriptions. */
static void where(const struct vz_pol *p, const struct pol_item *it, char *buf,
                  size_t n)
{
	snprintf(buf, n, "products[%s].fingerprints[%zu]",
	         p->prods[it->prod].id, it->fpi);
}

static void describe(const struct vz_pol *p, const struct pol_item *it,
                     char *buf, size_t n)
{
	char w[200];

	where(p, it, w, sizeof(w));
	snprintf(buf, n,
	         "voorzorg: measure %s%s; catalogue %s version "
	         "%lld; %s",
	         p->ms[0].id, p->nms > 1 ? " and others" : "",
	         vz_catalog_id(p->cat), (long long)vz_catalog_version(p->cat),
	         w);
}

/*
 * The AppLocker publisher string for a certificate subject in RFC 4514
 * form ("CN=X,O=Y,L=Z,ST=S,C=NL"): "O=Y, L=Z, S=S, C=NL" upper-cased.
 * Returns 0 and fills b, or -1 when the subject is only a common name,
 * has a glob or an escaped character, or has no O.
 */
static int publisher_of(const char *subj, struct vz_buf *b)
{
	const char *s = subj, *e;
	int n = 0, has_o = 0;

	if (strchr(subj, '=') == NULL || vz__pol_is_glob(subj) ||
	    strpbrk(subj, "\"+<>;#") != NULL)
		return -1;
	while (*s) {
		const char *eq;
		size_t k;

		while (*s == ' ')
			s++;
		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		eq = memchr(s, '=', (size_t)(e - s));
		if (eq == NULL || eq == s)
			return -1;
		if (!(eq - s == 2 && strncasecmp(s, "CN", 2) == 0)) {
			int st = eq - s == 2 && strncasecmp(s, "ST", 2) == 0;

			if (eq - s == 1 && (*s == 'O' || *s == 'o'))
				has_o = 1;
			if (n++)
				vz__buf_puts(b, ", ");
			if (st)
				vz__buf_puts(b, "S");
			for (k = 0; !st && s + k < eq; k++)
				vz__buf_printf(b, "%c",
				               s[k] >= 'a' && s[k] <= 'z'
				                   ? s[k] - 32
				                   : s[k]);
			vz__buf_puts(b, "=");
			for (k = 1; eq + k < e; k++)
				vz__buf_printf(b, "%c",
				               eq[k] >= 'a' && eq[k] <= 'z'
				                   ? eq[k] - 32
				                   : eq[k]);
		}
		s = *e ? e + 1 : e;
	}
	return has_o ? 0 : -1;
}

static int hex64(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 64;
}

void vz__pol_applocker(struct vz_pol *p)
{
	struct vz_buf *b = &p->out, pub;
	const struct pol_item *it;
	char desc[512], name[512], key[256], w[200];
	size_t i, rules = 0;

	vz__buf_init(&pub);
	/* Check every value first: nothing is written if one is bad. */
	for (i = 0; i < p->nitems[PK_PATH_WINDOWS]; i++) {
		it = &p->items[PK_PATH_WINDOWS][i];
		if (!vz__pol_text(p, it, "path", it->value, 1))
			goto out;
		rules += strpbrk(it->value, "?[") == NULL;
	}
	for (i = 0; i < p->nitems[PK_SIGNER]; i++) {
		it = &p->items[PK_SIGNER][i];
		if (!vz__pol_text(p, it, "subject", it->value, 1))
			goto out;
		pub.len = 0;
		rules += publisher_of(it->value, &pub) == 0;
	}
	for (i = 0; i < p->nitems[PK_HASH]; i++) {
		it = &p->items[PK_HASH][i];
		if (!hex64(it->value)) {
			vz__pol_refuse(
			    p, it, "sha256",
			    "is not 64 lowercase hexadecimal digits");
			goto out;
		}
		rules++;
	}
	if (rules == 0) {
		vz__pol_empty(p, "Windows path, full signer subject or "
		                 "file-hash");
		goto out;
	}
	vz__buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!--\n");
	vz__pol_header(p, "  ", "", 1);
	if (p->rc != VZ_OK)
		goto out;
	vz__buf_puts(
	    b, "  Import: Set-AppLockerPolicy -XmlPolicy FILE -Merge (without "
	       "-Merge it\n"
	       "  replaces the local policy); test: Test-AppLockerPolicy "
	       "-XmlPolicy FILE\n"
	       "  -Path PROGRAM -User Everyone. The Application Identity "
	       "service must run\n"
	       "  (sc.exe config appidsvc start=auto). Rules apply to Exe "
	       "(.exe, .com),\n"
	       "  services included (RuleCollectionExtensions).\n"
	       "  UNCONFIRMED: a '*' inside a path (Microsoft documents '*' "
	       "alone and a\n"
	       "  trailing '\\*'); publisher strings derived from a "
	       "certificate subject;\n"
	       "  whether SHA256Flat file hashes match PE files (AppLocker "
	       "computes the\n"
	       "  Authenticode hash for them).\n-->\n");
	vz__buf_printf(b,
	               "<AppLockerPolicy Version=\"1\">\n"
	               "  <RuleCollection Type=\"Exe\" "
	               "EnforcementMode=\"%s\">\n",
	               p->audit ? "AuditOnly" : "Enabled");
	rule_open(p, "FilePathRule", "allow-all",
	          "voorzorg: allow all other programs",
	          "A blocklist needs this rule: once a collection has "
	          "rules, every program that no rule allows is blocked.",
	          "Allow");
	vz__buf_puts(b, "        <FilePathCondition Path=\"*\" />\n");
	rule_close(p, "FilePathRule");
	for (i = 0; i < p->nitems[PK_PATH_WINDOWS]; i++) {
		const char *v;
		size_t len;

		it = &p->items[PK_PATH_WINDOWS][i];
		v = it->value;
		len = strlen(v);
		where(p, it, w, sizeof(w));
		if (strpbrk(v, "?[") != NULL) {
			vz__buf_printf(b,
			               "    <!-- not written: %s (? and [ "
			               "are not AppLocker wildcards) -->\n",
			               w);
			continue;
		}
		snprintf(key, sizeof(key), "path %s", w);
		snprintf(name, sizeof(name), "voorzorg: deny %s (path)",
		         p->prods[it->prod].name);
		describe(p, it, desc, sizeof(desc));
		rule_open(p, "FilePathRule", key, name, desc, "Deny");
		vz__buf_puts(b, "        <FilePathCondition Path=\"");
		vz__pol_xml(b, v);
		/* A last component without a dot is taken as a folder. */
		if (strchr(strrchr(v, '\\') ? strrchr(v, '\\') : v, '.') ==
		        NULL &&
		    v[len - 1] != '*')
			vz__buf_puts(b, v[len - 1] == '\\' ? "*" : "\\*");
		vz__buf_puts(b, "\" />\n");
		rule_close(p, "FilePathRule");
	}
	for (i = 0; i < p->nitems[PK_SIGNER]; i++) {
		it = &p->items[PK_SIGNER][i];
		where(p, it, w, sizeof(w));
		pub.len = 0;
		if (publisher_of(it->value, &pub) != 0 || pub.failed) {
			vz__buf_printf(
			    b,
			    "    <!-- not written: %s, signer "
			    "\"%s\": a common name or pattern "
			    "only; AppLocker needs the publisher "
			    "string Windows derives from the "
			    "certificate; read it from a signed "
			    "binary with Get-AppLockerFileInformation"
			    " -Path FILE -->\n",
			    w, it->value);
			continue;
		}
		snprintf(key, sizeof(key), "publisher %s", w);
		snprintf(name, sizeof(name), "voorzorg: deny %s (publisher)",
		         p->prods[it->prod].name);
		describe(p, it, desc, sizeof(desc));
		vz__buf_puts(b, "    <!-- UNCONFIRMED: PublisherName derived "
		                "from the certificate subject -->\n");
		rule_open(p, "FilePublisherRule", key, name, desc, "Deny");
		vz__buf_puts(b, "        <FilePublisherCondition "
		                "PublisherName=\"");
		vz__pol_xml(b, pub.data);
		vz__buf_puts(b, "\" ProductName=\"*\" BinaryName=\"*\">\n"
		                "          <BinaryVersionRange LowSection="
		                "\"*\" HighSection=\"*\" />\n"
		                "        </FilePublisherCondition>\n");
		rule_close(p, "FilePublisherRule");
	}
	for (i = 0; i < p->nitems[PK_HASH]; i++) {
		json_t *sz, *fn;

		it = &p->items[PK_HASH][i];
		where(p, it, w, sizeof(w));
		sz = json_object_get(it->fp, "size");
		fn = json_object_get(it->fp, "name");
		snprintf(key, sizeof(key), "hash %s", w);
		snprintf(name, sizeof(name), "voorzorg: deny %s (file hash)",
		         p->prods[it->prod].name);
		describe(p, it, desc, sizeof(desc));
		rule_open(p, "FileHashRule", key, name, desc, "Deny");
		vz__buf_printf(b,
		               "        <FileHashCondition>\n"
		               "          <FileHash Type=\"SHA256Flat\" "
		               "Data=\"0x%s\"",
		               it->value);
		if (json_is_string(fn)) {
			vz__buf_puts(b, " SourceFileName=\"");
			vz__pol_xml(b, json_string_value(fn));
			vz__buf_puts(b, "\"");
		}
		if (json_is_integer(sz))
			vz__buf_printf(b, " SourceFileLength=\"%lld\"",
			               (long long)json_integer_value(sz));
		vz__buf_puts(b, " />\n        </FileHashCondition>\n");
		rule_close(p, "FileHashRule");
	}
	vz__buf_puts(b, "    <RuleCollectionExtensions>\n"
	                "      <ThresholdExtensions>\n"
	                "        <Services EnforcementMode=\"Enabled\" />\n"
	                "      </ThresholdExtensions>\n"
	                "      <RedstoneExtensions>\n"
	                "        <SystemApps Allow=\"Enabled\" />\n"
	                "      </RedstoneExtensions>\n"
	                "    </RuleCollectionExtensions>\n"
	                "  </RuleCollection>\n</AppLockerPolicy>\n");
out:
	vz__buf_free(&pub);
}
