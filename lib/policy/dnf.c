/*
 * lib/policy/dnf.c - dnf excludes: an `excludepkgs` line for the [main]
 * section of /etc/dnf/dnf.conf, which excludes the packages "from all
 * operations", with the rpm package names and globs of the products.
 *
 * The list is comma-separated; a name with a comma, space or any other
 * character outside rpm names and globs would change the list and is
 * refused, as is a glob of nothing but wildcards (it would exclude
 * everything). Duplicate names (one package in two products) are
 * written once.
 */
#include <string.h>

#include "policy_int.h"

#define DNF_CHARS "+-._*?[]!"

void vz__pol_dnf(struct vz_pol *p)
{
	struct vz_buf *b = &p->out;
	const struct pol_item *it = p->items[PK_RPM];
	size_t n = p->nitems[PK_RPM], i, j, w = 0;

	if (n == 0) {
		vz__pol_empty(p, "rpm package");
		return;
	}
	for (i = 0; i < n; i++) {
		if (!vz__pol_chars(it[i].value, DNF_CHARS) ||
		    it[i].value[0] == '-' || it[i].value[0] == '!') {
			vz__pol_refuse(p, &it[i], "name",
			               "is not a package name or glob dnf "
			               "reads safely");
			return;
		}
		if (!vz__pol_has_literal(it[i].value)) {
			vz__pol_refuse(p, &it[i], "name",
			               "would exclude every package");
			return;
		}
	}
	vz__pol_header(p, "# ", "", 0);
	vz__buf_puts(
	    b, "# Put the excludepkgs line in the [main] section of "
	       "/etc/dnf/dnf.conf (if it has\n"
	       "# one already, add these names to it). Check with: "
	       "dnf install --assumeno PACKAGE\n"
	       "# (\"All matches were filtered out by exclude filtering\").\n"
	       "# Not covered: --disableexcludes=all|main turns it off for one "
	       "command; rpm -i\n"
	       "# does not read dnf.conf; PackageKit once ignored these "
	       "excludes.\n");
	for (i = 0; i < p->nprods; i++) {
		int any = 0;

		for (j = 0; j < n; j++)
			any |= it[j].prod == i;
		if (any)
			vz__buf_printf(b, "# product %s\n", p->prods[i].id);
	}
	vz__buf_puts(b, "[main]\nexcludepkgs=");
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(it[j].value, it[i].value) == 0)
				break;
		if (j < i)
			continue;
		vz__buf_printf(b, "%s%s", w++ ? "," : "", it[i].value);
	}
	vz__buf_puts(b, "\n");
}
