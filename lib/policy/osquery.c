/*
 * lib/policy/osquery.c - osquery policies (format osquery: SQL) and
 * the same as Fleet policies (format fleet: YAML for fleetctl apply),
 * one per platform, that pass when none of the products is there.
 *
 * A Fleet policy passes when its query returns a row and fails when it
 * returns none, so each query is "SELECT 1 WHERE NOT EXISTS (...)" over
 * the tables osquery documents: deb_packages and rpm_packages (Linux),
 * programs (Windows: the Uninstall entries' DisplayName and Publisher)
 * and apps (macOS: bundle_identifier). Catalogue globs become SQLite
 * GLOB patterns (case-sensitive, like the package databases), or LIKE
 * with an escape character for Windows names, which Windows compares
 * ignoring case. Every value is an SQL string literal with its quotes
 * doubled; in YAML the query is a double-quoted scalar.
 */
#include <string.h>

#include "policy_int.h"

/* Append one condition "col = 'v'" / GLOB / LIKE for a catalogue glob. */
static void cond(struct vz_buf *b, const char *col, const char *v, int ci)
{
	struct vz_buf t;
	const char *s;

	vz__buf_init(&t);
	if (!vz__pol_is_glob(v)) {
		vz__buf_printf(b, "%s%s = ", col, ci ? " COLLATE NOCASE" : "");
		vz__pol_sql_str(b, v);
		return;
	}
	if (ci && strchr(v, '[') == NULL) {
		/* LIKE ignores ASCII case; \ escapes % and _ literally. */
		for (s = v; *s; s++) {
			char c = *s;

			if (c == '\\' && s[1]) {
				c = *++s;
			} else if (c == '*') {
				vz__buf_add(&t, "%", 1);
				continue;
			} else if (c == '?') {
				vz__buf_add(&t, "_", 1);
				continue;
			}
			if (c == '%' || c == '_' || c == '\\')
				vz__buf_add(&t, "\\", 1);
			vz__buf_add(&t, &c, 1);
		}
		vz__buf_add(&t, "", 1);
		vz__buf_printf(b, "%s LIKE ", col);
		vz__pol_sql_str(b, t.failed ? "" : t.data);
		vz__buf_puts(b, " ESCAPE '\\'");
	} else {
		/* GLOB: the same * ? [...] as fnmatch, but [^...] negates
		 * and there is no backslash escape: [c] quotes c. */
		for (s = v; *s; s++) {
			if (*s == '\\' && s[1]) {
				s++;
				if (strchr("*?[", *s)) {
					vz__buf_add(&t, "[", 1);
					vz__buf_add(&t, s, 1);
					vz__buf_add(&t, "]", 1);
				} else {
					vz__buf_add(&t, s, 1);
				}
			} else if (*s == '[' && s[1] == '!') {
				vz__buf_add(&t, "[^", 2);
				s++;
			} else {
				vz__buf_add(&t, s, 1);
			}
		}
		vz__buf_add(&t, "", 1);
		vz__buf_printf(b, "%s GLOB ", col);
		vz__pol_sql_str(b, t.failed ? "" : t.data);
	}
	b->failed |= t.failed;
	vz__buf_free(&t);
}

/* One "NOT EXISTS (SELECT 1 FROM table WHERE c OR c ...)"; returns
 * whether it wrote one. */
static int exists(struct vz_pol *p, struct vz_buf *b, const char *table,
                  enum pol_kind k, const char *col, int ci, int first)
{
	const struct pol_item *it = p->items[k];
	size_t i;

	if (p->nitems[k] == 0)
		return 0;
	vz__buf_printf(b, "%sNOT EXISTS (SELECT 1 FROM %s WHERE ",
	               first ? "" : " AND ", table);
	for (i = 0; i < p->nitems[k]; i++) {
		json_t *m = json_object_get(it[i].fp, "maintainer");

		if (i)
			vz__buf_puts(b, " OR ");
		if (json_is_string(m)) {
			vz__buf_puts(b, "(");
			cond(b, col, it[i].value, ci);
			vz__buf_puts(b, " AND ");
			cond(b, "publisher", json_string_value(m), ci);
			vz__buf_puts(b, ")");
		} else {
			cond(b, col, it[i].value, ci);
		}
	}
	vz__buf_puts(b, ")");
	return 1;
}

/* The query for a platform (0 linux, 1 windows, 2 darwin) into b;
 * returns 0 if the products have nothing for it. */
static int query(struct vz_pol *p, int plat, struct vz_buf *b)
{
	int n = 0;

	vz__buf_puts(b, "SELECT 1 WHERE ");
	if (plat == 0) {
		n += exists(p, b, "deb_packages", PK_DEB, "name", 0, n == 0);
		n += exists(p, b, "rpm_packages", PK_RPM, "name", 0, n == 0);
	} else if (plat == 1) {
		n += exists(p, b, "programs", PK_MSI, "name", 1, n == 0);
		n += exists(p, b, "programs", PK_UNINSTALL, "name", 1, n == 0);
	} else {
		n += exists(p, b, "apps", PK_BUNDLE, "bundle_identifier", 0,
		            n == 0);
	}
	vz__buf_puts(b, ";");
	return n > 0;
}

static const char *const plats[] = {"linux", "windows", "darwin"};

/* Check every value that goes into a query. */
static int check(struct vz_pol *p)
{
	static const enum pol_kind ks[] = {PK_DEB, PK_RPM, PK_MSI, PK_UNINSTALL,
	                                   PK_BUNDLE};
	size_t k, i;

	for (k = 0; k < sizeof(ks) / sizeof(ks[0]); k++)
		for (i = 0; i < p->nitems[ks[k]]; i++) {
			const struct pol_item *it = &p->items[ks[k]][i];
			json_t *m = json_object_get(it->fp, "maintainer");

			if (!vz__pol_text(p, it, "value", it->value, 0) ||
			    (json_is_string(m) &&
			     !vz__pol_text(p, it, "maintainer",
			                   json_string_value(m), 0)))
				return 0;
		}
	return 1;
}

void vz__pol_osquery(struct vz_pol *p)
{
	struct vz_buf *b = &p->out, q;
	int plat, any = 0;

	if (!check(p))
		return;
	vz__buf_init(&q);
	vz__pol_header(p, "-- ", "", 0);
	vz__buf_puts(b, "-- Each query returns a row when none of the "
	                "products is there: as osquery\n"
	                "-- and Fleet policies, they pass on a row and fail "
	                "on none.\n");
	for (plat = 0; plat < 3 && p->rc == VZ_OK; plat++) {
		q.len = 0;
		if (!query(p, plat, &q))
			continue;
		any = 1;
		vz__buf_printf(b, "\n-- policy: voorzorg %s (%s)\n",
		               p->ms[0].id, plats[plat]);
		if (q.failed)
			b->failed = 1;
		else
			vz__buf_add(b, q.data, q.len);
		vz__buf_puts(b, "\n");
	}
	vz__buf_free(&q);
	if (!any)
		vz__pol_empty(p, "package, Uninstall entry or bundle-id");
}

void vz__pol_fleet(struct vz_pol *p)
{
	struct vz_buf *b = &p->out, q, t;
	int plat, any = 0;

	if (!check(p))
		return;
	vz__buf_init(&q);
	vz__buf_init(&t);
	vz__pol_header(p, "# ", "", 0);
	vz__buf_puts(b, "# Apply with: fleetctl apply -f FILE. Each policy "
	                "passes when none of the\n"
	                "# products is on the host.\n");
	for (plat = 0; plat < 3 && p->rc == VZ_OK; plat++) {
		q.len = 0;
		if (!query(p, plat, &q))
			continue;
		any = 1;
		vz__buf_puts(b, "---\napiVersion: v1\nkind: policy\nspec:\n"
		                "  name: ");
		t.len = 0;
		vz__buf_printf(&t, "voorzorg: %s (%s)", p->ms[0].id,
		               plats[plat]);
		vz__pol_yaml_str(b, t.failed ? "" : t.data);
		vz__buf_puts(b, "\n  query: ");
		vz__pol_yaml_str(b, q.failed ? "" : q.data);
		t.len = 0;
		vz__buf_printf(&t,
		               "None of the products of measure %s%s "
		               "is installed (catalogue %s version %lld, "
		               "signature %s).",
		               p->ms[0].id, p->nms > 1 ? " and others" : "",
		               vz_catalog_id(p->cat),
		               (long long)vz_catalog_version(p->cat),
		               vz_catalog_signature(p->cat));
		vz__buf_puts(b, "\n  description: ");
		vz__pol_yaml_str(b, t.failed ? "" : t.data);
		vz__buf_puts(b, "\n  resolution: ");
		vz__pol_yaml_str(b, "Remove the products: run voorzorg scan "
		                    "on the host for the steps.");
		vz__buf_printf(b, "\n  platform: %s\n", plats[plat]);
		b->failed |= q.failed | t.failed;
	}
	vz__buf_free(&q);
	vz__buf_free(&t);
	if (!any)
		vz__pol_empty(p, "package, Uninstall entry or bundle-id");
}
