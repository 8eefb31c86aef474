/*
 * fuzz/fuzz_archive.c - libFuzzer harness for the archive reader: any
 * bytes handed to `voorzorg scan FILE` that look like a tar, .deb, .rpm,
 * zip, cpio or ISO image, read member by member through libarchive.
 *
 * Every member the reader emits must be a file record whose name starts
 * with "/" and holds no ".." component (members can never claim to be
 * somewhere their normalised name does not say), and a hash only when the
 * sink asked for one of exactly that size.
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

static vz_status record(void *ctx, const vz_record *r)
{
	(void)ctx;
	if (r->kind != VZ_REC_FILE || r->name == NULL || r->name[0] != '/' ||
	    strstr(r->name, "/../") != NULL ||
	    (strlen(r->name) >= 3 &&
	     strcmp(r->name + strlen(r->name) - 3, "/..") == 0))
		abort();
	if (r->sha256 != NULL && r->size != 11)
		abort();
	return VZ_OK;
}

/* Ask for the content of 11-byte members, to drive the hashing path. */
static int want(void *ctx, uint64_t size)
{
	(void)ctx;
	return size == 11;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vz_sink sink;
	struct vz_cctx c;
	vz_stats *st = vz_stats_new();
	vz_error err;
	int fd = memfd_create("archive", MFD_CLOEXEC);

	if (st == NULL || fd < 0 || write(fd, data, size) != (ssize_t)size ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	memset(&sink, 0, sizeof(sink));
	sink.record = record;
	sink.want_content = want;
	memset(&c, 0, sizeof(c));
	c.rootfd = -1;
	c.sink = &sink;
	c.st = st;
	c.name = "archive";
	c.artefact = 1;
	vz_error_clear(&err);
	if (vz__archive_read(&c, fd, "fuzz", size, &err) == VZ_E_PARSE &&
	    err.msg[0] == '\0')
		abort();
	close(fd);
	vz_stats_free(st);
	return 0;
}
