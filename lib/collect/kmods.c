/*
 * lib/collect/kmods.c - the kmods collector: kernel modules loaded in the
 * live host, from /proc/modules. Loaded modules say what is running now;
 * an offline root has none, and its module files are seen by the file
 * walk instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "collect_int.h"

static int kmods_probe(struct vz_cctx *c)
{
	int fd = openat(c->rootfd, "proc/modules", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(c->detail, sizeof(c->detail),
		         "no /proc/modules (a kernel without modules)");
		return 0;
	}
	close(fd);
	snprintf(c->detail, sizeof(c->detail), "/proc/modules");
	return 1;
}

static vz_status kmods_collect(struct vz_cctx *c)
{
	char *data = NULL, *p, *eol, detail[256];
	size_t len = 0;
	vz_status rc;
	int fd = openat(c->rootfd, "proc/modules", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		vz__stats_problem(c->st, c->name, 1, vz__errstr(errno),
		                  "/proc/modules");
		return VZ_OK;
	}
	/* procfs files report size 0: vz__read_fd reads to the end. */
	rc = vz__read_fd(fd, 64u << 20, &data, &len);
	close(fd);
	if (rc == VZ_E_IO) {
		vz__stats_problem(c->st, c->name, 1, vz__errstr(errno),
		                  "/proc/modules");
		return VZ_OK;
	}
	for (p = data; rc == VZ_OK && p != NULL && p < data + len; p = eol) {
		vz_record r;
		char *sp;

		eol = memchr(p, '\n', (size_t)(data + len - p));
		if (eol != NULL)
			*eol++ = '\0';
		sp = strchr(p, ' ');
		if (sp != NULL)
			*sp = '\0';
		if (*p == '\0')
			continue;
		snprintf(detail, sizeof(detail), "%s: loaded", p);
		memset(&r, 0, sizeof(r));
		r.kind = VZ_REC_MODULE;
		r.origin = "/proc/modules";
		r.name = p;
		r.detail = detail;
		vz__stats_add(c->st, VZ_STAT_MODULES, 1);
		rc = vz__emit(c, &r);
	}
	vz__free(data);
	return rc;
}

const struct vz_collector vz__collector_kmods = {"kmods", 1, kmods_probe,
                                                 kmods_collect, NULL};
