/*
 * lib/policy/wdac.c - an App Control for Business (WDAC) policy: a
 * standalone deny policy in SiPolicy XML (ConvertFrom-CIPolicy turns it
 * into the binary that CiTool deploys).
 *
 * A standalone deny policy must allow everything else, in kernel mode
 * (signing scenario 131) and user mode (12), or Windows denies all that
 * it does not allow; the two "allow all" file rules do that, and must
 * be dropped when the denies are merged into an allowlist policy. Deny
 * rules: drivers (kernel-module fingerprints for Windows) by file name
 * in scenario 131; programs by file name (from process fingerprints and
 * the last component of path fingerprints) in scenario 12, with
 * MinimumFileVersion 65535.65535.65535.65535 as in Microsoft's own
 * block rules; and file hashes, in both.
 *
 * Not derivable from the catalogue, and so only listed in a comment:
 * signer rules, which need the TBS hash of the issuing CA next to the
 * publisher's common name. UNCONFIRMED, and said so: that a file-name
 * rule (which App Control matches against the file's OriginalFileName
 * resource) matches the on-disk name the catalogue records, and that a
 * flat SHA-256 matches (App Control's Hash is the Authenticode hash).
 */
#include <stdio.h>
#include <string.h>

#include "policy_int.h"

#define MAXVER "65535.65535.65535.65535"

struct rule {
	const struct pol_item *it;
	const char *file; /* file name, or NULL for a hash rule */
	size_t flen;
	int kernel; /* scenario 131 (else 12); hashes: both */
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

static void rule_id(const struct vz_pol *p, const struct rule *r, char *buf,
                    size_t n)
{
	char g[37], key[256];

	snprintf(key, sizeof(key), "%s products[%s].fingerprints[%zu]",
	         r->file ? "file" : "hash", p->prods[r->it->prod].id,
	         r->it->fpi);
	vz__pol_guid(p, key, 1, g);
	/* IDs are XML ids: a letter first, no hyphens needed. */
	snprintf(buf, n, "ID_DENY_VZ_%.8s%.4s", g, g + 9);
}

static void refs(struct vz_pol *p, const struct rule *r, size_t n, int kernel)
{
	struct vz_buf *b = &p->out;
	char id[64];
	size_t i;

	vz__buf_printf(b,
	               "        <FileRulesRef>\n"
	               "          <FileRuleRef RuleID=\"%s\" />\n",
	               kernel ? "ID_ALLOW_A_1" : "ID_ALLOW_A_2");
	for (i = 0; i < n; i++) {
		if (r[i].file != NULL && r[i].kernel != kernel)
			continue;
		rule_id(p, &r[i], id, sizeof(id));
		vz__buf_printf(b, "          <FileRuleRef RuleID=\"%s\" />\n",
		               id);
	}
	vz__buf_puts(b, "        </FileRulesRef>\n");
}

/* The last component of a Windows path. */
static const char *base(const char *v, size_t *len)
{
	const char *s = strrchr(v, '\\');

	s = s ? s + 1 : v;
	*len = strlen(s);
	return s;
}

void vz__pol_wdac(struct vz_pol *p)
{
	struct vz_buf *b = &p->out;
	struct rule *r = NULL;
	size_t n = 0, i, k;
	char id[64], pid[37], w[200];
	static const enum pol_kind kinds[] = {PK_DRIVER, PK_WINPROC,
	                                      PK_PATH_WINDOWS, PK_HASH};

	r = vz__calloc(p->nitems[PK_DRIVER] + p->nitems[PK_WINPROC] +
	                   p->nitems[PK_PATH_WINDOWS] + p->nitems[PK_HASH] + 1,
	               sizeof(*r));
	if (r == NULL) {
		vz__pol_fail(p, VZ_E_NOMEM, "out of memory");
		return;
	}
	for (k = 0; k < 4; k++) {
		for (i = 0; i < p->nitems[kinds[k]]; i++) {
			const struct pol_item *it = &p->items[kinds[k]][i];
			const char *f;
			size_t len;

			if (kinds[k] == PK_HASH) {
				if (!hex64(it->value)) {
					vz__pol_refuse(p, it, "sha256",
					               "is not 64 lowercase "
					               "hexadecimal digits");
					goto out;
				}
				r[n].it = it;
				n++;
				continue;
			}
			if (!vz__pol_text(p, it, "value", it->value, 1))
				goto out;
			f = base(it->value, &len);
			/* Only a plain file name with an extension. */
			if (vz__pol_is_glob(f) || strchr(f, '.') == NULL ||
			    strchr(f, '/') != NULL)
				continue;
			r[n].it = it;
			r[n].file = f;
			r[n].flen = len;
			r[n].kernel = kinds[k] == PK_DRIVER;
			n++;
		}
	}
	if (n == 0) {
		vz__pol_empty(p, "Windows driver, program file name or "
		                 "file-hash");
		goto out;
	}
	vz__buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!--\n");
	vz__pol_header(p, "  ", "", 1);
	if (p->rc != VZ_OK)
		goto out;
	vz__buf_puts(
	    b, "  Build and deploy: ConvertFrom-CIPolicy -XmlFilePath FILE "
	       "-BinaryFilePath\n"
	       "  {PolicyID}.cip, then deploy it with CiTool's update-policy "
	       "option (Windows\n"
	       "  11 22H2 and later; see docs/prevention.md), or copy it to "
	       "%windir%\\System32\\"
	       "CodeIntegrity\\CIPolicies\\Active\\\n"
	       "  and refresh. Audit mode logs event 3076 instead of "
	       "blocking. A running\n"
	       "  driver is blocked only after a reboot. To merge the denies "
	       "into an\n"
	       "  allowlist policy, drop the two allow-all rules "
	       "(Merge-CIPolicy).\n"
	       "  UNCONFIRMED: that FileName (matched against the file's "
	       "OriginalFileName)\n"
	       "  equals the on-disk name the catalogue records; that a flat "
	       "SHA-256\n"
	       "  matches (App Control hashes PE files the Authenticode "
	       "way).\n");
	for (i = 0; i < p->nitems[PK_SIGNER]; i++) {
		const struct pol_item *it = &p->items[PK_SIGNER][i];

		if (!vz__pol_text(p, it, "subject", it->value, 1))
			goto out;
		vz__buf_printf(b,
		               "  Not written: signer \"%s\" (products[%s]"
		               ".fingerprints[%zu]): a signer rule needs "
		               "the TBS hash\n  of its CA "
		               "(Add-SignerRule -CertificatePath FILE.cer "
		               "-User -Kernel -Deny).\n",
		               it->value, p->prods[it->prod].id, it->fpi);
	}
	vz__buf_puts(b, "-->\n");
	/* The policy id names the .cip file: derived, stable. */
	vz__pol_guid(p, "policy-id", 1, pid);
	vz__buf_printf(
	    b,
	    "<SiPolicy xmlns=\"urn:schemas-microsoft-com:sipolicy\" "
	    "PolicyType=\"Base Policy\">\n"
	    "  <VersionEx>10.0.0.%lld</VersionEx>\n"
	    "  <PlatformID>{2E07F7E4-194C-4D20-B7C9-6F44A6C5A234}"
	    "</PlatformID>\n"
	    "  <Rules>\n"
	    "    <Rule>\n      <Option>Enabled:Unsigned System Integrity "
	    "Policy</Option>\n    </Rule>\n"
	    "%s"
	    "    <Rule>\n      <Option>Enabled:UMCI</Option>\n    </Rule>\n"
	    "  </Rules>\n  <EKUs />\n  <FileRules>\n"
	    "    <Allow ID=\"ID_ALLOW_A_1\" FriendlyName=\"voorzorg: allow "
	    "all kernel-mode files\" FileName=\"*\" />\n"
	    "    <Allow ID=\"ID_ALLOW_A_2\" FriendlyName=\"voorzorg: allow "
	    "all user-mode files\" FileName=\"*\" />\n",
	    (long long)(vz_catalog_version(p->cat) & 0xffff),
	    p->audit ? "    <Rule>\n      <Option>Enabled:Audit Mode"
	               "</Option>\n    </Rule>\n"
	             : "");
	for (i = 0; i < n; i++) {
		rule_id(p, &r[i], id, sizeof(id));
		snprintf(w, sizeof(w), "products[%s].fingerprints[%zu]",
		         p->prods[r[i].it->prod].id, r[i].it->fpi);
		vz__buf_printf(b, "    <Deny ID=\"%s\" FriendlyName=\"", id);
		vz__pol_xml(b, p->prods[r[i].it->prod].name);
		vz__buf_printf(b, " (%s)\"", w);
		if (r[i].file != NULL) {
			struct vz_buf t;

			vz__buf_init(&t);
			vz__buf_add(&t, r[i].file, r[i].flen);
			vz__buf_puts(b, " FileName=\"");
			if (t.data != NULL)
				vz__pol_xml(b, t.data);
			b->failed |= t.failed;
			vz__buf_free(&t);
			vz__buf_puts(b, "\" MinimumFileVersion=\"" MAXVER
			                "\" />\n");
		} else {
			char up[65];

			for (k = 0; k < 64; k++)
				up[k] = r[i].it->value[k] >= 'a'
				            ? (char)(r[i].it->value[k] - 32)
				            : r[i].it->value[k];
			up[64] = '\0';
			vz__buf_printf(b, " Hash=\"%s\" />\n", up);
		}
	}
	vz__buf_puts(b, "  </FileRules>\n  <Signers />\n"
	                "  <SigningScenarios>\n"
	                "    <SigningScenario Value=\"131\" "
	                "ID=\"ID_SIGNINGSCENARIO_DRIVERS_1\" "
	                "FriendlyName=\"voorzorg: kernel mode\">\n"
	                "      <ProductSigners>\n");
	refs(p, r, n, 1);
	vz__buf_puts(b, "      </ProductSigners>\n    </SigningScenario>\n"
	                "    <SigningScenario Value=\"12\" "
	                "ID=\"ID_SIGNINGSCENARIO_WINDOWS\" "
	                "FriendlyName=\"voorzorg: user mode\">\n"
	                "      <ProductSigners>\n");
	refs(p, r, n, 0);
	vz__buf_printf(
	    b,
	    "      </ProductSigners>\n    </SigningScenario>\n"
	    "  </SigningScenarios>\n  <UpdatePolicySigners />\n"
	    "  <CiSigners />\n  <HvciOptions>0</HvciOptions>\n"
	    "  <BasePolicyID>{%s}</BasePolicyID>\n"
	    "  <PolicyID>{%s}</PolicyID>\n"
	    "  <Settings>\n"
	    "    <Setting Provider=\"PolicyInfo\" Key=\"Information\" "
	    "ValueName=\"Name\">\n"
	    "      <Value>\n        <String>voorzorg %s</String>\n"
	    "      </Value>\n    </Setting>\n"
	    "    <Setting Provider=\"PolicyInfo\" Key=\"Information\" "
	    "ValueName=\"Id\">\n"
	    "      <Value>\n        <String>%s-%lld</String>\n"
	    "      </Value>\n    </Setting>\n"
	    "  </Settings>\n</SiPolicy>\n",
	    pid, pid, p->ms[0].id, vz_catalog_id(p->cat),
	    (long long)vz_catalog_version(p->cat));
out:
	vz__free(r);
}
