/*
 * fuzz/fuzz_dpkg.c - libFuzzer harness for the dpkg status parser.
 *
 * A status file comes from the disk being scanned: any bytes at all. The
 * parser must never read past the buffer (the input is not NUL-
 * terminated here), and every stanza it accepts must carry a Package and
 * a Status that the status-word parser accepts too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "collect/collect_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_pkg(void *ctx, const struct vz_dpkg_pkg *p)
{
	vz_pkg_state st;
	size_t *n = ctx;

	if (p->package.p == NULL || p->package.n == 0 ||
	    vz__dpkg_status(p->status.p, p->status.n, &st) != 0)
		abort();
	(*n)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vz_dpkg_errs e = {0, 0, NULL};
	size_t n = 0;

	vz__dpkg_parse((const char *)data, size, on_pkg, &n, &e);
	if (e.malformed > 0 && (e.first_line == 0 || e.first_what == NULL))
		abort();
	return 0;
}
