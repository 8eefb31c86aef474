/*
 * server/report.c - reading a scan report posted by a host
 * (docs/report.md, report_schema 2) into what the ledger needs: who,
 * when, how complete, and which products in which state.
 *
 * Everything here is outside data: every field is checked for type and
 * shape before use, and the first problem is named with its JSON path.
 * The report itself is stored verbatim; this only extracts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static int fail(char *msg, size_t size, int status, const char *what)
{
	snprintf(msg, size, "%s", what);
	return status;
}

static int product_id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= sizeof(((struct vzs_found *)0)->product))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '.' || s[i] == '_'))
			return 0;
	return 1;
}

static int state_ok(const char *s)
{
	return strcmp(s, "running") == 0 || strcmp(s, "installed") == 0 ||
	       strcmp(s, "present") == 0 || strcmp(s, "residue") == 0;
}

/* A string member that may be null; -1 if present with another type. */
static int opt_string(json_t *o, const char *k, const char **out)
{
	json_t *v = json_object_get(o, k);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

static int text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max)
		return 0;
	/* No control characters: these end up in CSV and terminals. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static int read_findings(json_t *a, struct vzs_report *r, char *msg,
                         size_t size)
{
	size_t n = json_array_size(a), cap = 1;

	r->found = calloc(n + 1, sizeof(*r->found));
	if (r->found == NULL)
		return fail(msg, size, 500, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *f = json_array_get(a, i);
		const char *p, *st;

		if (!json_is_object(f)) {
			snprintf(msg, size, "findings[%zu]: not an object", i);
			return 400;
		}
		p = json_string_value(json_object_get(f, "product_id"));
		st = json_string_value(json_object_get(f, "state"));
		if (p == NULL || !product_id_ok(p)) {
			snprintf(msg, size,
			         "findings[%zu].product_id: missing or not a "
			         "catalogue id",
			         i);
			return 400;
		}
		if (st == NULL || !state_ok(st)) {
			snprintf(msg, size,
			         "findings[%zu].state: must be running, "
			         "installed, present or residue",
			         i);
			return 400;
		}
		snprintf(r->found[i].product, sizeof(r->found[i].product), "%s",
		         p);
		snprintf(r->found[i].state, sizeof(r->found[i].state), "%s",
		         st);
		r->nfound++;
		cap += strlen(p) + strlen(st) + 2;
	}
	r->products = malloc(cap);
	if (r->products == NULL)
		return fail(msg, size, 500, "out of memory");
	r->products[0] = '\0';
	for (size_t i = 0, off = 0; i < r->nfound; i++)
		off += (size_t)snprintf(r->products + off, cap - off, "%s %s;",
		                        r->found[i].product, r->found[i].state);
	return 0;
}

int vzs_report_parse(const char *data, size_t len, struct vzs_report *r,
                     char *msg, size_t size)
{
	json_t *o, *h, *v, *cov, *cat;
	json_error_t jerr;
	const char *s, *mid, *host, *fqdn, *os;
	int rc;

	memset(r, 0, sizeof(*r));
	o = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL) {
		snprintf(msg, size, "line %d column %d: %s", jerr.line,
		         jerr.column, jerr.text);
		return 400;
	}
	rc = 400;
	if (!json_is_object(o)) {
		fail(msg, size, 400, "a report is a JSON object");
		goto out;
	}
	v = json_object_get(o, "report_schema");
	if (!json_is_integer(v)) {
		fail(msg, size, 400,
		     "report_schema: missing or not an integer");
		goto out;
	}
	if (json_integer_value(v) != 2) {
		snprintf(msg, size,
		         "report_schema: %lld is not supported (this server "
		         "reads 2)",
		         (long long)json_integer_value(v));
		rc = 422;
		goto out;
	}
	s = json_string_value(json_object_get(o, "report_id"));
	if (s == NULL || !vzs_is_hex(s, 32)) {
		fail(msg, size, 400,
		     "report_id: must be 32 lowercase hex digits");
		goto out;
	}
	memcpy(r->report_id, s, 33);
	s = json_string_value(json_object_get(o, "scanned_at"));
	if (s == NULL || vzs_parse_time(s, 0, &r->scanned_at) != 0) {
		fail(msg, size, 400, "scanned_at: missing or not RFC 3339");
		goto out;
	}
	h = json_object_get(o, "host");
	if (!json_is_object(h)) {
		fail(msg, size, 400, "host: missing or not an object");
		goto out;
	}
	if (opt_string(h, "machine_id", &mid) != 0 ||
	    (mid != NULL && !vzs_is_hex(mid, 32))) {
		fail(msg, size, 400,
		     "host.machine_id: must be null or 32 lowercase hex "
		     "digits");
		goto out;
	}
	if (mid != NULL)
		memcpy(r->machine_id, mid, 33);
	if (opt_string(h, "hostname", &host) != 0 || host == NULL ||
	    *host == '\0' || !text_ok(host, 255)) {
		fail(msg, size, 400,
		     "host.hostname: missing, empty, too long or with "
		     "control characters");
		goto out;
	}
	if (opt_string(h, "fqdn", &fqdn) != 0 ||
	    (fqdn != NULL && !text_ok(fqdn, 255))) {
		fail(msg, size, 400, "host.fqdn: must be null or a name");
		goto out;
	}
	if (opt_string(h, "os", &os) != 0 ||
	    (os != NULL && !text_ok(os, 255))) {
		fail(msg, size, 400, "host.os: must be null or a name");
		goto out;
	}
	cov = json_object_get(o, "coverage");
	s = json_string_value(json_object_get(cov, "verdict"));
	if (s == NULL ||
	    (strcmp(s, "complete") != 0 && strcmp(s, "incomplete") != 0)) {
		fail(msg, size, 400,
		     "coverage.verdict: must be complete or incomplete");
		goto out;
	}
	snprintf(r->coverage, sizeof(r->coverage), "%s", s);
	cat = json_object_get(o, "catalog");
	if (json_is_object(cat)) {
		s = json_string_value(json_object_get(cat, "id"));
		if (s != NULL && text_ok(s, sizeof(r->catalog_id) - 1))
			snprintf(r->catalog_id, sizeof(r->catalog_id), "%s", s);
		v = json_object_get(cat, "version");
		if (json_is_integer(v))
			r->catalog_version = json_integer_value(v);
	}
	v = json_object_get(o, "findings");
	if (!json_is_array(v)) {
		fail(msg, size, 400, "findings: missing or not an array");
		goto out;
	}
	rc = read_findings(v, r, msg, size);
	if (rc != 0)
		goto out;
	r->hostname = strdup(host);
	r->fqdn = fqdn ? strdup(fqdn) : NULL;
	r->os = os ? strdup(os) : NULL;
	if (r->hostname == NULL || (fqdn && !r->fqdn) || (os && !r->os)) {
		rc = fail(msg, size, 500, "out of memory");
		goto out;
	}
	rc = 0;
out:
	json_decref(o);
	if (rc != 0)
		vzs_report_clear(r);
	return rc;
}

void vzs_report_clear(struct vzs_report *r)
{
	free(r->hostname);
	free(r->fqdn);
	free(r->os);
	free(r->found);
	free(r->products);
	memset(r, 0, sizeof(*r));
}
