/*
 * lib/policy/apt.c - APT preferences (apt_preferences(5)): one record
 * per product with a negative pin on its deb package names, which
 * "prevents the version from being installed".
 *
 * Names get ":any" so that packages of a foreign architecture are
 * pinned too (without it only native ones match). Package names and
 * globs are refused unless made of the characters Debian package names
 * and fnmatch globs use: anything else (a space, a slash that would
 * make a regex, a newline that would start a new field) could change
 * what the record means. A bare "*" would pin every package and is
 * refused too. Comments are Explanation: fields, which apt ignores.
 */
#include <string.h>

#include "policy_int.h"

/* Characters of Debian package names, and of fnmatch globs. */
#define APT_CHARS "+-.*?[]!"

void vz__pol_apt(struct vz_pol *p)
{
	struct vz_buf *b = &p->out;
	const struct pol_item *it = p->items[PK_DEB];
	size_t n = p->nitems[PK_DEB], i, j;

	if (n == 0) {
		vz__pol_empty(p, "deb package");
		return;
	}
	for (i = 0; i < n; i++) {
		if (!vz__pol_chars(it[i].value, APT_CHARS) ||
		    it[i].value[0] == '-' || it[i].value[0] == '!') {
			vz__pol_refuse(p, &it[i], "name",
			               "is not a package name or glob APT "
			               "reads safely");
			return;
		}
		if (!vz__pol_has_literal(it[i].value)) {
			vz__pol_refuse(p, &it[i], "name",
			               "would pin every package");
			return;
		}
	}
	vz__pol_header(p, "Explanation: ", "", 0);
	vz__buf_puts(
	    b, "Explanation: install as /etc/apt/preferences.d/"
	       "00-voorzorg.pref; check with\n"
	       "Explanation: apt-cache policy PACKAGE (Candidate: (none)) and "
	       "apt-get -s install PACKAGE\n"
	       "Explanation: not covered: a local .deb (apt install ./x.deb, "
	       "dpkg -i) bypasses a pin;\n"
	       "Explanation: an earlier specific pin (/etc/apt/preferences is "
	       "read first) wins over this one\n");
	for (i = 0; i < n && p->rc == VZ_OK; i = j) {
		/* Items come grouped by product: one record each. */
		vz__buf_printf(b, "%sExplanation: product %s\nPackage:",
		               i == 0 ? "" : "\n", p->prods[it[i].prod].id);
		for (j = i; j < n && it[j].prod == it[i].prod; j++)
			vz__buf_printf(b, " %s:any", it[j].value);
		vz__buf_puts(b, "\nPin: version *\nPin-Priority: -1\n");
	}
}
