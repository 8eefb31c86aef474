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

#include "jscan.h"
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

/*
 * A string member that may be null or absent: 0 with the decoded string
 * in out (empty) or *is_null set; -1 if present with another type or
 * longer than size - 1 bytes.
 */
static int opt_string(const struct vzs_jdoc *d, size_t o, const char *k,
                      char *out, size_t size, int *is_null)
{
	size_t v = vzs_jget(d, o, k);

	*is_null = 0;
	out[0] = '\0';
	if (v == 0 || d->t[v].type == VZS_JNULL) {
		*is_null = 1;
		return 0;
	}
	return vzs_jstr(d, v, out, size) < 0 ? -1 : 0;
}

/* No control characters: these end up in CSV and terminals. */
static int text_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static int read_findings(const struct vzs_jdoc *d, size_t a,
                         struct vzs_report *r, char *msg, size_t size)
{
	size_t cap = 1, nalloc = 0, i = 0;

	for (size_t f = vzs_jfirst(d, a); f != 0 && f < d->t[a].next;
	     f = d->t[f].next, i++) {
		struct vzs_found *x;

		if (d->t[f].type != VZS_JOBJECT) {
			snprintf(msg, size, "findings[%zu]: not an object", i);
			return 400;
		}
		if (r->nfound == nalloc) {
			size_t nn = nalloc ? nalloc * 2 : 8;

			x = realloc(r->found, nn * sizeof(*x));
			if (x == NULL)
				return fail(msg, size, 500, "out of memory");
			r->found = x;
			nalloc = nn;
		}
		x = &r->found[r->nfound];
		if (vzs_jstr(d, vzs_jget(d, f, "product_id"), x->product,
		             sizeof(x->product)) < 0 ||
		    !product_id_ok(x->product)) {
			snprintf(msg, size,
			         "findings[%zu].product_id: missing or not a "
			         "catalogue id",
			         i);
			return 400;
		}
		if (vzs_jstr(d, vzs_jget(d, f, "state"), x->state,
		             sizeof(x->state)) < 0 ||
		    !state_ok(x->state)) {
			snprintf(msg, size,
			         "findings[%zu].state: must be running, "
			         "installed, present or residue",
			         i);
			return 400;
		}
		r->nfound++;
		cap += strlen(x->product) + strlen(x->state) + 2;
	}
	r->products = malloc(cap);
	if (r->products == NULL)
		return fail(msg, size, 500, "out of memory");
	r->products[0] = '\0';
	for (size_t k = 0, off = 0; k < r->nfound; k++)
		off += (size_t)snprintf(r->products + off, cap - off, "%s %s;",
		                        r->found[k].product, r->found[k].state);
	return 0;
}

int vzs_report_parse(const char *data, size_t len, struct vzs_report *r,
                     char *msg, size_t size)
{
	struct vzs_jdoc d;
	size_t h, v, cat;
	long long n;
	char s[128], host[256], fqdn[256], os[256];
	int rc, no_mid, no_host, no_fqdn, no_os;

	memset(r, 0, sizeof(*r));
	rc = vzs_jdoc_parse(&d, data, len, msg, size);
	if (rc != 0)
		return rc == -2 ? 500 : 400;
	rc = 400;
	if (d.t[0].type != VZS_JOBJECT) {
		fail(msg, size, 400, "a report is a JSON object");
		goto out;
	}
	if (vzs_jint(&d, vzs_jget(&d, 0, "report_schema"), &n) != 0) {
		fail(msg, size, 400,
		     "report_schema: missing or not an integer");
		goto out;
	}
	if (n != 2) {
		snprintf(msg, size,
		         "report_schema: %lld is not supported (this server "
		         "reads 2)",
		         n);
		rc = 422;
		goto out;
	}
	if (vzs_jstr(&d, vzs_jget(&d, 0, "report_id"), r->report_id,
	             sizeof(r->report_id)) < 0 ||
	    !vzs_is_hex(r->report_id, 32)) {
		fail(msg, size, 400,
		     "report_id: must be 32 lowercase hex digits");
		goto out;
	}
	if (vzs_jstr(&d, vzs_jget(&d, 0, "scanned_at"), s, sizeof(s)) < 0 ||
	    vzs_parse_time(s, 0, &r->scanned_at) != 0) {
		fail(msg, size, 400, "scanned_at: missing or not RFC 3339");
		goto out;
	}
	h = vzs_jget(&d, 0, "host");
	if (h == 0 || d.t[h].type != VZS_JOBJECT) {
		fail(msg, size, 400, "host: missing or not an object");
		goto out;
	}
	if (opt_string(&d, h, "machine_id", r->machine_id,
	               sizeof(r->machine_id), &no_mid) != 0 ||
	    (!no_mid && !vzs_is_hex(r->machine_id, 32))) {
		r->machine_id[0] = '\0';
		fail(msg, size, 400,
		     "host.machine_id: must be null or 32 lowercase hex "
		     "digits");
		goto out;
	}
	if (opt_string(&d, h, "hostname", host, sizeof(host), &no_host) !=
	        0 ||
	    no_host || host[0] == '\0' || !text_ok(host)) {
		fail(msg, size, 400,
		     "host.hostname: missing, empty, too long or with "
		     "control characters");
		goto out;
	}
	if (opt_string(&d, h, "fqdn", fqdn, sizeof(fqdn), &no_fqdn) != 0 ||
	    !text_ok(fqdn)) {
		fail(msg, size, 400, "host.fqdn: must be null or a name");
		goto out;
	}
	if (opt_string(&d, h, "os", os, sizeof(os), &no_os) != 0 ||
	    !text_ok(os)) {
		fail(msg, size, 400, "host.os: must be null or a name");
		goto out;
	}
	if (vzs_jstr(&d, vzs_jget(&d, vzs_jget(&d, 0, "coverage"), "verdict"),
	             s, sizeof(s)) < 0 ||
	    (strcmp(s, "complete") != 0 && strcmp(s, "incomplete") != 0)) {
		fail(msg, size, 400,
		     "coverage.verdict: must be complete or incomplete");
		goto out;
	}
	/* complete or incomplete: it fits. */
	memcpy(r->coverage, s, strlen(s) + 1);
	cat = vzs_jget(&d, 0, "catalog");
	if (cat != 0 && d.t[cat].type == VZS_JOBJECT) {
		/* Informative: an id that is not plain text is left out. */
		if (vzs_jstr(&d, vzs_jget(&d, cat, "id"), r->catalog_id,
		             sizeof(r->catalog_id)) < 0 ||
		    !text_ok(r->catalog_id))
			r->catalog_id[0] = '\0';
		if (vzs_jint(&d, vzs_jget(&d, cat, "version"), &n) == 0)
			r->catalog_version = n;
	}
	v = vzs_jget(&d, 0, "findings");
	if (v == 0 || d.t[v].type != VZS_JARRAY) {
		fail(msg, size, 400, "findings: missing or not an array");
		goto out;
	}
	rc = read_findings(&d, v, r, msg, size);
	if (rc != 0)
		goto out;
	r->hostname = strdup(host);
	r->fqdn = no_fqdn ? NULL : strdup(fqdn);
	r->os = no_os ? NULL : strdup(os);
	if (r->hostname == NULL || (!no_fqdn && !r->fqdn) ||
	    (!no_os && !r->os)) {
		rc = fail(msg, size, 500, "out of memory");
		goto out;
	}
	rc = 0;
out:
	vzs_jdoc_free(&d);
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
