/*
 * fuzz/fuzz_hive.c - libFuzzer harness for the registry hive reader,
 * given whole files whose size may lie.
 *
 * A hive comes from the disk being scanned, and its file may be larger
 * or smaller than its header says, or change while it is read. The
 * first 4 bytes of the input choose the size of the file the reader
 * sees (the rest is the file's content): cut short, extended with a
 * hole, or far beyond the size limit (a sparse file, never written).
 * Whatever it is, the reader returns a status with a reason, never
 * crashes or allocates by the claimed size.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "collect/collect_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vz_status on_record(void *ctx, const vz_record *r)
{
	(void)ctx;
	if (r->source == NULL)
		abort();
	return VZ_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vz_sink sink = {.record = on_record,
	                .interests = VZ_WANT(VZ_REC_REGISTRY) |
	                             VZ_WANT(VZ_REC_PACKAGE) |
	                             VZ_WANT(VZ_REC_SERVICE)};
	struct vz_cctx c;
	vz_stats *st;
	vz_error err;
	uint32_t lie;
	off_t fsize;
	vz_status rc;
	int fd;

	if (size < 4)
		return 0;
	lie = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
	      (uint32_t)data[2] << 8 | data[3];
	data += 4;
	size -= 4;
	/* The top bit: a sparse file of 2^40 bytes; else the size lies by
	 * up to +-32 KiB. */
	if (lie & 0x80000000u)
		fsize = (off_t)1 << 40;
	else
		fsize = (off_t)size + (off_t)(int16_t)(lie & 0xffff) * 2;
	if (fsize < 0)
		fsize = 0;
	fd = memfd_create("fuzz-hive", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (write(fd, data, size) != (ssize_t)size || ftruncate(fd, fsize))
		abort();
	lseek(fd, 0, SEEK_SET);
	st = vz_stats_new();
	if (st == NULL)
		abort();
	memset(&c, 0, sizeof(c));
	c.rootfd = -1;
	c.sink = &sink;
	c.st = st;
	c.name = "hive";
	vz_error_clear(&err);
	rc = vz__hive_read(&c, fd, "fuzz.hive", (lie & 0x10000) ? NULL
	                                                       : "HKLM\\SOFTWARE",
	                   &err);
	if (rc != VZ_OK && rc != VZ_E_NOMEM && err.msg[0] == '\0')
		abort();
	vz_stats_free(st);
	close(fd);
	return 0;
}
