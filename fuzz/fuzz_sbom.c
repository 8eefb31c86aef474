/*
 * fuzz/fuzz_sbom.c - libFuzzer harness for the SBOM readers (CycloneDX
 * and SPDX JSON).
 *
 * An SBOM comes from another tool or another organisation: any bytes.
 * The reader either emits well-formed component records (a name, always)
 * or refuses the document with an error that names the file, never both
 * half-way without saying so.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vz_status on_record(void *ctx, const vz_record *r)
{
	size_t *n = ctx, i;

	if (r->kind != VZ_REC_COMPONENT || r->name == NULL ||
	    (r->ncpes > 0 && r->cpes == NULL))
		abort();
	for (i = 0; i < r->ncpes; i++)
		if (r->cpes[i] == NULL)
			abort();
	(*n)++;
	return VZ_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vz_sink sink = {.ctx = NULL, .record = on_record};
	struct vz_cctx c;
	vz_stats *st = vz_stats_new();
	vz_error err;
	size_t n = 0;
	vz_status rc;

	if (st == NULL)
		return 0;
	sink.ctx = &n;
	memset(&c, 0, sizeof(c));
	c.rootfd = -1;
	c.sink = &sink;
	c.st = st;
	c.name = "sbom";
	vz_error_clear(&err);
	rc = vz__sbom_read(&c, (const char *)data, size, "fuzz.json", &err);
	if (rc != VZ_OK && rc != VZ_E_NOMEM &&
	    (err.code != rc || strcmp(err.file, "fuzz.json") != 0 ||
	     err.msg[0] == '\0'))
		abort();
	vz_stats_free(st);
	return 0;
}
