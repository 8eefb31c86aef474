/*
 * lib/policy/select.c - which measures, which products, which
 * fingerprints: the selection every policy format starts from.
 *
 * "Which products does measure M cover in sector S" is answered by one
 * function, measure_products(), so that a measure whose scope is stated
 * by vendor or product class (with the product list derived) changes
 * this one place. A measure applies to a sector when its action there
 * bans or phases out (prohibit, phase-out, advise-phase-out); monitor
 * and none ask for no prevention.
 */
#include <string.h>
#include <strings.h>

#include "policy_int.h"

static const char *str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Does this action ask that the products go (and stay) away? */
static int bans(const char *action)
{
	return action != NULL && (strcmp(action, "prohibit") == 0 ||
	                          strcmp(action, "phase-out") == 0 ||
	                          strcmp(action, "advise-phase-out") == 0);
}

/*
 * The measure's action for `sector` (NULL if the measure names no such
 * sector); without a sector, the first banning action of any sector.
 */
static const char *measure_action(json_t *m, const char *sector)
{
	json_t *secs = json_object_get(m, "sectors"), *s;
	size_t i;

	json_array_foreach(secs, i, s)
	{
		const char *id = str(s, "sector"), *a = str(s, "action");

		if (sector != NULL ? id && strcmp(id, sector) == 0 : bans(a))
			return a;
	}
	return NULL;
}

/*
 * THE scope function: how many products measure `m` covers and, with
 * `ids`, the first `max` of their ids in catalogue order (borrowed). The
 * list is derived from the measure's scope as its text states it, by the
 * same function scan and assess ask (vz_measure_products), so a policy
 * never bans less or more than a scan reports. A measure's scope is the
 * same for every sector; the sector decides only the action.
 */
static size_t measure_products(const vz_catalog *cat, json_t *m,
                               const char *sector, const char **ids,
                               size_t max)
{
	(void)sector;
	return vz_measure_products(cat, json_string_value(json_object_get(
	                                    m, "id")),
	                           ids, max);
}

json_t *vz__pol_fps(const struct vz_pol *p, size_t prod)
{
	json_t *o = vz__catalog_get(p->cat, p->prods[prod].id, NULL);

	return json_object_get(o, "fingerprints");
}

static vz_status add_measure(struct vz_pol *p, json_t *m, const char *act)
{
	struct pol_measure *n = vz__realloc(p->ms, (p->nms + 1) * sizeof(*n));

	if (n == NULL)
		return VZ_E_NOMEM;
	p->ms = n;
	n[p->nms].id = str(m, "id");
	n[p->nms].reference = str(m, "reference");
	n[p->nms].action = p->sector ? act : NULL;
	p->nms++;
	return VZ_OK;
}

static vz_status add_product(struct vz_pol *p, const char *id)
{
	json_t *o = vz__catalog_get(p->cat, id, NULL);
	struct pol_prod *n;
	size_t i;

	for (i = 0; i < p->nprods; i++)
		if (strcmp(p->prods[i].id, id) == 0)
			return VZ_OK;
	n = vz__realloc(p->prods, (p->nprods + 1) * sizeof(*n));
	if (n == NULL)
		return VZ_E_NOMEM;
	p->prods = n;
	n[p->nprods].id = str(o, "id");
	n[p->nprods].name = str(o, "name");
	p->nprods++;
	return VZ_OK;
}

static vz_status add_item(struct vz_pol *p, enum pol_kind k, size_t prod,
                          size_t fpi, json_t *fp, const char *value)
{
	struct pol_item *n;

	if (value == NULL)
		return VZ_OK;
	n = vz__realloc(p->items[k], (p->nitems[k] + 1) * sizeof(*n));
	if (n == NULL)
		return VZ_E_NOMEM;
	p->items[k] = n;
	n[p->nitems[k]].prod = prod;
	n[p->nitems[k]].fpi = fpi;
	n[p->nitems[k]].fp = fp;
	n[p->nitems[k]].value = value;
	p->nitems[k]++;
	return VZ_OK;
}

/* An Uninstall entry's DisplayName: what osquery's programs.name reads. */
static int uninstall_name(json_t *fp)
{
	const char *key = str(fp, "key"), *val = str(fp, "value");
	static const char un[] =
	    "\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*";
	size_t n, u = sizeof(un) - 1;

	if (key == NULL || val == NULL || str(fp, "data") == NULL ||
	    strcasecmp(val, "DisplayName") != 0)
		return 0;
	n = strlen(key);
	return n > u && strcasecmp(key + n - u, un) == 0 &&
	       (strncmp(key, "HKLM\\", 5) == 0 ||
	        strncmp(key, "HKEY_LOCAL_MACHINE\\", 19) == 0);
}

static vz_status collect(struct vz_pol *p, size_t prod)
{
	json_t *fps = vz__pol_fps(p, prod), *fp;
	vz_status rc = VZ_OK;
	size_t i;

	json_array_foreach(fps, i, fp)
	{
		const char *kind = str(fp, "kind"), *eco = str(fp, "ecosystem");
		const char *plat = str(fp, "platform");
		int win = plat && strcmp(plat, "windows") == 0;

		if (kind == NULL)
			continue;
		if (strcmp(kind, "package") == 0 && eco != NULL) {
			enum pol_kind k = strcmp(eco, "deb") == 0   ? PK_DEB
			                  : strcmp(eco, "rpm") == 0 ? PK_RPM
			                  : strcmp(eco, "msi") == 0 ? PK_MSI
			                  : strcmp(eco, "macos-pkg") == 0
			                      ? PK_MACPKG
			                      : PK__COUNT;

			if (k != PK__COUNT)
				rc = add_item(p, k, prod, i, fp,
				              str(fp, "name"));
		} else if (strcmp(kind, "path") == 0 && plat != NULL) {
			enum pol_kind k =
			    strcmp(plat, "linux") == 0   ? PK_PATH_LINUX
			    : win                        ? PK_PATH_WINDOWS
			    : strcmp(plat, "macos") == 0 ? PK_PATH_MACOS
			                                 : PK__COUNT;

			if (k != PK__COUNT)
				rc = add_item(p, k, prod, i, fp,
				              str(fp, "path"));
		} else if (strcmp(kind, "file-hash") == 0) {
			rc = add_item(p, PK_HASH, prod, i, fp,
			              str(fp, "sha256"));
		} else if (strcmp(kind, "authenticode") == 0) {
			rc = add_item(p, PK_SIGNER, prod, i, fp,
			              str(fp, "subject"));
		} else if (strcmp(kind, "bundle-id") == 0) {
			rc = add_item(p, PK_BUNDLE, prod, i, fp,
			              str(fp, "bundle_id"));
		} else if (strcmp(kind, "kernel-module") == 0 && win) {
			rc = add_item(p, PK_DRIVER, prod, i, fp,
			              str(fp, "name"));
		} else if (strcmp(kind, "process") == 0 && win) {
			rc = add_item(p, PK_WINPROC, prod, i, fp,
			              str(fp, "name"));
		} else if (strcmp(kind, "registry") == 0 &&
		           uninstall_name(fp)) {
			rc = add_item(p, PK_UNINSTALL, prod, i, fp,
			              str(fp, "data"));
		}
		if (rc != VZ_OK)
			return rc;
	}
	return VZ_OK;
}

/* Add measure m (if it applies) and its products. */
static vz_status take(struct vz_pol *p, json_t *m, int named)
{
	const char *act = measure_action(m, p->sector);
	const char **ids;
	vz_status rc;
	size_t i, n;

	if (!bans(act)) {
		if (named && p->sector != NULL)
			vz__pol_fail(p, VZ_E_USAGE,
			             "measure %s: the action for sector %s is "
			             "%s: nothing to prevent",
			             str(m, "id"), p->sector,
			             act ? act : "not stated");
		else if (named)
			vz__pol_fail(p, VZ_E_USAGE,
			             "measure %s bans or phases out nothing in "
			             "any sector: nothing to prevent",
			             str(m, "id"));
		return named ? VZ_E_USAGE : VZ_OK;
	}
	rc = add_measure(p, m, act);
	n = measure_products(p->cat, m, p->sector, NULL, 0);
	ids = rc == VZ_OK ? vz__calloc(n + 1, sizeof(*ids)) : NULL;
	if (ids == NULL)
		return VZ_E_NOMEM;
	n = measure_products(p->cat, m, p->sector, ids, n);
	for (i = 0; rc == VZ_OK && i < n; i++)
		rc = add_product(p, ids[i]);
	vz__free(ids);
	return rc;
}

vz_status vz__pol_select(struct vz_pol *p, const vz_policy_opts *o)
{
	const char *own = str(vz__catalog_root(p->cat), "assessing_state");
	vz_kind kind;
	json_t *m;
	vz_status rc = VZ_OK;
	size_t i;

	if (o->sector != NULL && (!vz_catalog_find(p->cat, o->sector, &kind) ||
	                          kind != VZ_KIND_SECTOR)) {
		vz__pol_fail(p, VZ_E_NOTFOUND,
		             "unknown sector '%s' (see 'voorzorg catalog "
		             "show')",
		             o->sector);
		return VZ_E_NOTFOUND;
	}
	p->sector = o->sector;
	if (o->measure != NULL) {
		m = vz__catalog_get(p->cat, o->measure, &kind);
		if (m == NULL || kind != VZ_KIND_MEASURE) {
			vz__pol_fail(p, VZ_E_NOTFOUND,
			             "unknown measure '%s' (see 'voorzorg "
			             "catalog show')",
			             o->measure);
			return VZ_E_NOTFOUND;
		}
		rc = take(p, m, 1);
	} else {
		for (i = 0; rc == VZ_OK &&
		            i < vz_catalog_count(p->cat, VZ_KIND_MEASURE);
		     i++) {
			const char *st;

			m = vz__catalog_nth(p->cat, VZ_KIND_MEASURE, i);
			st = str(m, "issuing_state");
			if (own && st && strcmp(own, st) == 0)
				rc = take(p, m, 0);
		}
		if (rc == VZ_OK && p->nms == 0) {
			vz__pol_fail(p, VZ_E_USAGE,
			             "no measure of %s asks %s%s to ban or "
			             "phase out products; name one with "
			             "--measure",
			             own ? own : "the catalogue",
			             p->sector ? "sector " : "any sector",
			             p->sector ? p->sector : "");
			return VZ_E_USAGE;
		}
	}
	for (i = 0; rc == VZ_OK && i < p->nprods; i++)
		rc = collect(p, i);
	if (rc == VZ_E_NOMEM)
		vz__pol_fail(p, rc, "out of memory");
	return rc;
}

void vz__pol_release(struct vz_pol *p)
{
	size_t k;

	vz__free(p->ms);
	vz__free(p->prods);
	for (k = 0; k < PK__COUNT; k++)
		vz__free(p->items[k]);
	vz__buf_free(&p->out);
}
