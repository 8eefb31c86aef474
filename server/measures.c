/*
 * server/measures.c - the server's view of its catalogue: opened the way
 * the tool opens one (vz_catalog_open: signature, expiry, rollback), then
 * the measures indexed for the ledger: products covered, and per sector
 * the action, exemption policy and deadlines.
 *
 * The library's public API gives each entry as JSON
 * (vz_catalog_render), so the server reads the measures from that rather
 * than from the library's internals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static char *dupstr(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

static void measure_clear(struct vzs_measure *m)
{
	free(m->id);
	free(m->title);
	free(m->reference);
	for (size_t i = 0; i < m->nproducts; i++)
		free(m->products[i]);
	free(m->products);
	for (size_t i = 0; i < m->nsectors; i++) {
		free(m->sectors[i].sector);
		free(m->sectors[i].action);
		free(m->sectors[i].exemption_policy);
		free(m->sectors[i].deadlines);
	}
	free(m->sectors);
}

void vzs_catview_free(struct vzs_catview *cv)
{
	if (cv == NULL)
		return;
	for (size_t i = 0; i < cv->nmeasures; i++)
		measure_clear(&cv->measures[i]);
	free(cv->measures);
	vz_catalog_free(cv->cat);
	free(cv);
}

static int read_sector(json_t *s, struct vzs_sector_action *sa)
{
	json_t *dl = json_object_get(s, "deadlines"), *d;
	size_t n = 0, i;

	sa->sector = dupstr(json_string_value(json_object_get(s, "sector")));
	sa->action = dupstr(json_string_value(json_object_get(s, "action")));
	sa->exemption_policy = dupstr(json_string_value(
	    json_object_get(json_object_get(s, "exemptions"), "policy")));
	if (sa->sector == NULL || sa->action == NULL)
		return -1;
	if (!json_is_array(dl))
		return 0;
	sa->deadlines = calloc(json_array_size(dl) + 1, sizeof(*sa->deadlines));
	if (sa->deadlines == NULL)
		return -1;
	/* Each step with a date is a deadline, named by its verb
	 * (identify, report, plan, begin-removal, complete-removal, ...);
	 * a step without a date sets none. */
	json_array_foreach(dl, i, d)
	{
		const char *verb =
		    json_string_value(json_object_get(d, "verb"));
		const char *date =
		    json_string_value(json_object_get(d, "date"));
		int64_t day;

		if (verb == NULL || date == NULL ||
		    vzs_parse_date(date, &day) != 0 ||
		    strlen(verb) >= sizeof(sa->deadlines[0].verb))
			continue;
		snprintf(sa->deadlines[n].verb, sizeof(sa->deadlines[n].verb),
		         "%s", verb);
		sa->deadlines[n].day = day;
		n++;
	}
	sa->ndeadlines = n;
	return 0;
}

static int read_measure(const vz_catalog *cat, const char *id,
                        struct vzs_measure *m)
{
	char *text = NULL;
	vz_error err;
	json_t *o = NULL, *a;
	const char **ids = NULL;
	size_t n;
	int rc = -1;

	vz_error_clear(&err);
	if (vz_catalog_render(cat, id, VZ_FORMAT_JSON, &text, &err) != VZ_OK)
		return -1;
	o = json_loads(text, 0, NULL);
	vz_free(text);
	if (o == NULL)
		return -1;
	m->id = dupstr(id);
	m->title = dupstr(json_string_value(json_object_get(o, "title")));
	m->reference =
	    dupstr(json_string_value(json_object_get(o, "reference")));
	/* The products come from the library's one derivation of the
	 * measure's scope ("covers": a vendor, its classes, brands, named
	 * products, exceptions; or a plain "products" list), as scan,
	 * assess and policy have them: reading the "products" member here
	 * missed every measure whose text names a vendor, not products. */
	n = vz_measure_products(cat, id, NULL, 0);
	ids = calloc(n + 1, sizeof(*ids));
	m->products = calloc(n + 1, sizeof(char *));
	if (m->id == NULL || m->products == NULL || ids == NULL)
		goto out;
	n = vz_measure_products(cat, id, ids, n);
	for (size_t i = 0; i < n; i++) {
		if ((m->products[m->nproducts] = dupstr(ids[i])) == NULL)
			goto out;
		m->nproducts++;
	}
	a = json_object_get(o, "sectors");
	m->sectors = calloc(json_array_size(a) + 1, sizeof(*m->sectors));
	if (m->sectors == NULL)
		goto out;
	for (size_t i = 0; i < json_array_size(a); i++) {
		if (read_sector(json_array_get(a, i),
		                &m->sectors[m->nsectors]) != 0) {
			m->nsectors++;
			goto out;
		}
		m->nsectors++;
	}
	rc = 0;
out:
	free(ids);
	json_decref(o);
	return rc;
}

int vzs_catview_open(const struct vzs_catalog_opts *o, struct vzs_catview **out,
                     int *status, char *msg, size_t size)
{
	struct vzs_catview *cv = calloc(1, sizeof(*cv));
	vz_open_opts oo;
	vz_open_info info;
	vz_pubkey *pk = NULL;
	vz_diags *diags = vz_diags_new();
	vz_error kerr;
	vz_status rc;
	size_t n;

	*out = NULL;
	*status = 500;
	if (cv == NULL || diags == NULL) {
		snprintf(msg, size, "out of memory");
		goto fail;
	}
	vz_open_opts_init(&oo);
	if (o->allow_unsigned)
		oo.flags |= VZ_OPEN_ALLOW_UNSIGNED;
	if (o->pubkey != NULL) {
		/* A key file, or else the key itself in base64. */
		vz_error_clear(&kerr);
		if (vz_pubkey_load(o->pubkey, &pk, &kerr) != VZ_OK &&
		    vz_pubkey_parse(o->pubkey, strlen(o->pubkey), "--pubkey",
		                    &pk, &kerr) != VZ_OK) {
			vz_error_format(&kerr, msg, size);
			*status = 422;
			goto fail;
		}
		oo.key = pk;
	}
	memset(&info, 0, sizeof(info));
	rc = vz_catalog_open(o->path, &oo, &cv->cat, &info, diags);
	if (rc != VZ_OK) {
		const vz_error *e = NULL;

		/* The first error, not a warning printed before it. */
		for (size_t i = 0; i < vz_diags_count(diags); i++) {
			e = vz_diags_get(diags, i);
			if (e->severity == VZ_SEV_ERROR)
				break;
			e = NULL;
		}

		if (e != NULL)
			vz_error_format(e, msg, size);
		else
			snprintf(msg, size, "%s: %s", o->path, vz_strerror(rc));
		*status = rc == VZ_E_ROLLBACK ? 409
		          : rc == VZ_E_NOMEM  ? 500
		                              : 422;
		goto fail;
	}
	memcpy(cv->key_id, info.key_id, sizeof(cv->key_id));
	snprintf(cv->path, sizeof(cv->path), "%s", o->path);
	cv->loaded_at = vzs_now();
	n = vz_catalog_count(cv->cat, VZ_KIND_MEASURE);
	cv->measures = calloc(n + 1, sizeof(*cv->measures));
	if (cv->measures == NULL) {
		snprintf(msg, size, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		const char *id =
		    vz_catalog_entry_id(cv->cat, VZ_KIND_MEASURE, i);

		cv->nmeasures++;
		if (read_measure(cv->cat, id, &cv->measures[i]) != 0) {
			snprintf(msg, size, "%s: measure %s: cannot be read",
			         o->path, id);
			goto fail;
		}
	}
	vz_pubkey_free(pk);
	vz_diags_free(diags);
	*out = cv;
	return 0;
fail:
	vz_pubkey_free(pk);
	vz_diags_free(diags);
	vzs_catview_free(cv);
	return -1;
}

const struct vzs_measure *vzs_measure_find(const struct vzs_catview *cv,
                                           const char *id)
{
	for (size_t i = 0; i < cv->nmeasures; i++)
		if (strcmp(cv->measures[i].id, id) == 0)
			return &cv->measures[i];
	return NULL;
}

const struct vzs_sector_action *vzs_measure_sector(const struct vzs_measure *m,
                                                   const char *sector)
{
	for (size_t i = 0; i < m->nsectors; i++)
		if (strcmp(m->sectors[i].sector, sector) == 0)
			return &m->sectors[i];
	return NULL;
}

int vzs_measure_covers(const struct vzs_measure *m, const char *product)
{
	for (size_t i = 0; i < m->nproducts; i++)
		if (strcmp(m->products[i], product) == 0)
			return 1;
	return 0;
}

int vzs_catview_has_sector(const struct vzs_catview *cv, const char *s)
{
	vz_kind k;

	return vz_catalog_find(cv->cat, s, &k) && k == VZ_KIND_SECTOR;
}
