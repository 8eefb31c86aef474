/*
 * lib/policy/fapolicyd.c - a fapolicyd rules fragment that denies the
 * products' Linux files by path and by SHA-256.
 *
 * fapolicyd applies the first rule that matches, and its default rules
 * allow files that the package database trusts (20-dracut.rules,
 * 42-trusted-elf.rules): a product installed from a package is trusted.
 * So the fragment is meant to sort before them, as
 * /etc/fapolicyd/rules.d/15-voorzorg-deny.rules. A catalogue path names
 * a file or a directory without saying which, so both are denied:
 * path=P (the file) and dir=P/ (everything below). A glob "D/ *" becomes
 * dir=D/; other globs need fapolicyd 2.0's glob: and are listed in a
 * comment, not written as rules. The hash keyword is sha256hash, which
 * every version reads (from 1.4.2 as a deprecated spelling of filehash).
 * Values are space-delimited in the rule syntax, so paths are refused
 * unless made of plain path characters.
 */
#include <string.h>

#include "policy_int.h"

#define PATH_CHARS "/._-+@:~"

static int pathch(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c != '\0' && strchr(PATH_CHARS, c));
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

void vz__pol_fapolicyd(struct vz_pol *p)
{
	struct vz_buf *b = &p->out;
	const struct pol_item *it = p->items[PK_PATH_LINUX];
	const struct pol_item *h = p->items[PK_HASH];
	size_t n = p->nitems[PK_PATH_LINUX], nh = p->nitems[PK_HASH], i, k;
	size_t rules = 0;

	if (n + nh == 0) {
		vz__pol_empty(p, "Linux path or file-hash");
		return;
	}
	for (i = 0; i < n; i++) {
		const char *v = it[i].value;
		size_t len = strlen(v);
		int dirglob = len > 2 && strcmp(v + len - 2, "/*") == 0;

		if (!vz__pol_text(p, &it[i], "path", v, 0))
			return;
		if (v[0] != '/' || strchr(v + 1, '/') == NULL || v[1] == '/' ||
		    v[1] == '*') {
			vz__pol_refuse(p, &it[i], "path",
			               "is not an absolute path below a "
			               "top-level directory (it would deny too "
			               "much)");
			return;
		}
		if (vz__pol_is_glob(v) &&
		    !(dirglob && strpbrk(v, "*?[\\") == v + len - 1))
			continue; /* listed in a comment below */
		for (k = 0; k < len - (dirglob ? 1 : 0); k++)
			if (!pathch(v[k]))
				break;
		if (k < len - (dirglob ? 1 : 0)) {
			vz__pol_refuse(p, &it[i], "path",
			               "has a character a fapolicyd rule "
			               "cannot carry (only letters, digits "
			               "and /._-+@:~)");
			return;
		}
		rules++;
	}
	for (i = 0; i < nh; i++) {
		if (!hex64(h[i].value)) {
			vz__pol_refuse(
			    p, &h[i], "sha256",
			    "is not 64 lowercase hexadecimal digits");
			return;
		}
		rules++;
	}
	if (rules == 0) {
		vz__pol_empty(p, "Linux path (without globs) or file-hash");
		return;
	}
	vz__pol_header(p, "# ", "", 0);
	if (p->rc != VZ_OK)
		return;
	vz__buf_puts(
	    b, "# Install as /etc/fapolicyd/rules.d/15-voorzorg-deny.rules "
	       "(it must sort before\n"
	       "# 20-dracut.rules and 42-trusted-elf.rules, which allow "
	       "trusted files), then run\n"
	       "# fagenrules --load. fapolicyd rules have no audit mode: try "
	       "them first with\n"
	       "# permissive = 1 in /etc/fapolicyd/fapolicyd.conf (or "
	       "fapolicyd --permissive\n"
	       "# --debug-deny). Deploy after removing the products: their "
	       "own uninstall\n"
	       "# scripts are denied too. Only file systems in watch_fs are "
	       "watched.\n");
	for (i = 0; i < n; i++) {
		const char *v = it[i].value;
		size_t len = strlen(v);

		if (i == 0 || it[i].prod != it[i - 1].prod)
			vz__buf_printf(b, "# product %s\n",
			               p->prods[it[i].prod].id);
		if (len > 2 && strcmp(v + len - 2, "/*") == 0 &&
		    strpbrk(v, "*?[\\") == v + len - 1) {
			vz__buf_printf(b,
			               "deny_audit perm=any all : dir=%.*s\n",
			               (int)(len - 1), v);
		} else if (vz__pol_is_glob(v)) {
			vz__buf_printf(
			    b,
			    "# not written: %s (a glob; fapolicyd "
			    "2.0 has glob:, earlier versions none)\n",
			    v);
		} else {
			vz__buf_printf(b, "deny_audit perm=any all : path=%s\n",
			               v);
			vz__buf_printf(b,
			               "deny_audit perm=any all : dir=%s%s\n",
			               v, v[len - 1] == '/' ? "" : "/");
		}
	}
	for (i = 0; i < nh; i++) {
		if (i == 0 || h[i].prod != h[i - 1].prod)
			vz__buf_printf(b, "# product %s, by SHA-256\n",
			               p->prods[h[i].prod].id);
		vz__buf_printf(b, "deny_audit perm=any all : sha256hash=%s\n",
		               h[i].value);
	}
}
