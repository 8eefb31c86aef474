/*
 * fuzz/fuzz_plist.c - libFuzzer harness for the macOS readers: property
 * lists (XML and binary, through libplist) and the Team ID in a Mach-O
 * code signature.
 *
 * Both come from the disk being scanned. Plists deep and shared beyond
 * the limits (corpus: deep-*, shared-*, cycle) must be refused before
 * libplist recurses or expands them. The plist reader must return
 * owned strings or nothing, never libplist's memory; the Mach-O reader
 * must stay inside the bytes it is given, whatever the offsets say.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct mem {
	const uint8_t *p;
	size_t n;
};

static int mem_read(void *ctx, unsigned char *out, size_t n, uint64_t off)
{
	struct mem *m = ctx;

	if (off > m->n || n > m->n - off)
		return -1;
	memcpy(out, m->p + off, n);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {"CFBundleIdentifier", "Label",
	                                   "ProgramArguments",
	                                   "PackageIdentifier"};
	struct mem m = {data, size};
	char *vals[4], *team;
	const char *why = NULL;
	size_t i;

	if (vz__plist_bounded((const char *)data, size, &why) != 0 &&
	    why == NULL)
		abort();
	why = NULL;
	if (vz__plist_strings((const char *)data, size, keys, vals, 4,
	                      &why) == 0) {
		for (i = 0; i < 4; i++) {
			if (vals[i] != NULL && strlen(vals[i]) > size)
				abort();
			vz__free(vals[i]);
		}
	} else if (why == NULL) {
		abort();
	}
	if (vz__macho_team_id(data, size, mem_read, &m, &team) != VZ_OK)
		return 0;
	if (team != NULL && (strlen(team) == 0 || strlen(team) >= size))
		abort();
	vz__free(team);
	return 0;
}
