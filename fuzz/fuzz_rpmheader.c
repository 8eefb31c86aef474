/*
 * fuzz/fuzz_rpmheader.c - libFuzzer harness for the rpm header parser.
 *
 * rpmdb blobs come from the disk being scanned. Every string the parser
 * returns must lie inside the input and end there; reading each one
 * whole lets AddressSanitizer catch any that does not.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const char *s, const uint8_t *data, size_t size)
{
	if (s == NULL)
		return;
	if ((const uint8_t *)s < data || (const uint8_t *)s >= data + size ||
	    (const uint8_t *)s + strlen(s) >= data + size)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vz_rpmhdr h;
	const char *why = NULL;

	if (vz__rpmhdr_parse(data, size, &h, &why) == VZ_OK) {
		if (h.name == NULL)
			abort();
		inside(h.name, data, size);
		inside(h.version, data, size);
		inside(h.release, data, size);
		inside(h.arch, data, size);
		inside(h.vendor, data, size);
		inside(h.packager, data, size);
	} else if (why == NULL) {
		abort();
	}
	return 0;
}
