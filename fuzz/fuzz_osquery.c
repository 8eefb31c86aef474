/*
 * fuzz/fuzz_osquery.c - libFuzzer harness for the osquery results reader
 * (docs/osquery.md).
 *
 * Results come from a fleet's hosts or a Fleet export: any bytes. The
 * reader either turns rows into well-formed records or refuses the file
 * with an error that names it; it never crashes, leaks or hangs. The
 * first byte chooses the form: one object keyed by table, or an array of
 * one table's rows.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <voorzorg/osquery.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vz_status on_record(void *ctx, const vz_record *r)
{
	size_t *n = ctx;

	if ((unsigned)r->kind > VZ_REC_COMPONENT || r->name == NULL ||
	    r->source == NULL || r->origin == NULL ||
	    (r->kind == VZ_REC_FILE && r->dirlen >= strlen(r->name)) ||
	    (r->kind == VZ_REC_SIGNATURE && r->subject == NULL))
		abort();
	(*n)++;
	return VZ_OK;
}

static int want_key(void *ctx, const char *key)
{
	(void)ctx;
	return key[0] == 'H';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const tables[] = {"programs", "registry",
	                                     "authenticode", "file", NULL};
	vz_sink sink = {.ctx = NULL, .record = on_record,
	                .want_key = want_key};
	vz_host host;
	vz_stats *st = vz_stats_new();
	vz_error err;
	size_t n = 0;
	const char *table = NULL;
	vz_status rc;

	if (st == NULL)
		return 0;
	if (size > 0 && data[0] < 8 && tables[data[0] / 2] != NULL) {
		table = tables[data[0] / 2];
		data++;
		size--;
	}
	sink.ctx = &n;
	memset(&host, 0, sizeof(host));
	vz_error_clear(&err);
	rc = vz_osquery_replay_mem((const char *)data, size, "fuzz.json",
	                           table, &sink, st, &host, &err);
	if (rc != VZ_OK && rc != VZ_E_NOMEM &&
	    (err.code != rc || strcmp(err.file, "fuzz.json") != 0 ||
	     err.msg[0] == '\0'))
		abort();
	vz_host_clear(&host);
	vz_stats_free(st);
	return 0;
}
