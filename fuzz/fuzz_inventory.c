/*
 * fuzz/fuzz_inventory.c - libFuzzer harness for the inventory reader
 * (saved inventories: JSON Lines, docs/inventory.md).
 *
 * An inventory comes from another host, a Windows agent or an upload:
 * any bytes. The reader either replays well-formed records (every one
 * with a kind and a name, files with a directory part inside the name)
 * and ends with VZ_OK, or refuses the file with an error that names it
 * and says where; it never crashes, leaks or reads out of bounds.
 * The bytes are read in place (vz_inventory_read.data, as the fleet
 * server reads a posted body), and the header alone
 * (vz_inventory_header, which the server reads first) must agree with
 * the whole: refused with the same error at line 1, or, when the whole
 * is accepted, accepted with the same facts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <voorzorg/inventory_file.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vz_status on_record(void *ctx, const vz_record *r)
{
	size_t *n = ctx, i;

	if ((unsigned)r->kind > VZ_REC_COMPONENT || r->name == NULL ||
	    r->source == NULL || r->dirlen > strlen(r->name) ||
	    (r->ncpes > 0 && r->cpes == NULL))
		abort();
	for (i = 0; i < r->ncpes; i++)
		if (r->cpes[i] == NULL)
			abort();
	(*n)++;
	return VZ_OK;
}

/* Ask for hashes of some sizes and every key, as a matcher would. */
static int want_content(void *ctx, uint64_t size)
{
	(void)ctx;
	return size % 3 == 0;
}

static int want_key(void *ctx, const char *key)
{
	(void)ctx;
	return key[0] != 'x';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vz_sink sink = {.ctx = NULL, .record = on_record,
	                .want_content = want_content, .want_key = want_key};
	vz_inventory_read in = {"fuzz.jsonl", "fuzz-catalogue", 1,
	                        (const char *)data, size};
	vz_inventory_info info, head;
	vz_stats *st = vz_stats_new();
	vz_error err, herr;
	size_t n = 0;
	vz_status rc, hrc;

	if (st == NULL)
		return 0;
	sink.ctx = &n;
	vz_error_clear(&err);
	vz_error_clear(&herr);
	rc = vz_inventory_replay(&in, &sink, st, &info, &err);
	if (rc != VZ_OK && rc != VZ_E_NOMEM &&
	    (err.code != rc || strcmp(err.file, "fuzz.jsonl") != 0 ||
	     err.msg[0] == '\0' || err.line == 0))
		abort();
	if (rc == VZ_OK && info.records < n)
		abort();
	hrc = vz_inventory_header(&in, &head, &herr);
	if (rc != VZ_E_NOMEM && hrc != VZ_E_NOMEM) {
		if (hrc != VZ_OK &&
		    (rc != hrc || err.line != 1 || herr.line != 1 ||
		     strcmp(err.msg, herr.msg) != 0 || head.hostname != NULL))
			abort();
		if (rc == VZ_OK &&
		    (hrc != VZ_OK || head.records != 0 ||
		     (head.collected_at == NULL) !=
		         (info.collected_at == NULL) ||
		     (head.machine_id == NULL) != (info.machine_id == NULL) ||
		     (head.machine_id &&
		      strcmp(head.machine_id, info.machine_id) != 0)))
			abort();
	}
	vz_inventory_info_clear(&head);
	vz_inventory_info_clear(&info);
	vz_stats_free(st);
	return 0;
}
