/*
 * lib/collect/procs.c - the procs collector: running processes of the
 * live host, from /proc (the executable's path and the kernel's short
 * name, comm). Only the live host has processes worth reporting: an
 * offline root's /proc is empty or stale.
 *
 * Processes come and go during the scan; one that exits between listing
 * and reading is counted ("exited during the scan"), not an error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect_int.h"

static int procs_probe(struct vz_cctx *c)
{
	int fd = openat(c->rootfd, "proc/self", O_RDONLY | O_DIRECTORY |
	                                            O_CLOEXEC);

	if (fd < 0) {
		snprintf(c->detail, sizeof(c->detail), "/proc not mounted");
		return 0;
	}
	close(fd);
	snprintf(c->detail, sizeof(c->detail), "/proc");
	return 1;
}

static int all_digits(const char *s)
{
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static vz_status procs_collect(struct vz_cctx *c)
{
	char path[300], comm[64], exe[4096], detail[4700];
	struct dirent *de;
	vz_status rc = VZ_OK;
	DIR *d;
	int fd;

	fd = openat(c->rootfd, "proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		vz__stats_problem(c->st, c->name, 1, strerror(errno), "/proc");
		return VZ_OK;
	}
	while (rc == VZ_OK && (de = readdir(d)) != NULL) {
		vz_record r;
		ssize_t n;
		int cfd;

		if (de->d_name[0] == '\0' || !all_digits(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/comm", de->d_name);
		cfd = openat(dirfd(d), path, O_RDONLY | O_CLOEXEC);
		n = cfd >= 0 ? read(cfd, comm, sizeof(comm) - 1) : -1;
		if (cfd >= 0)
			close(cfd);
		if (n <= 0) {
			vz__stats_problem(c->st, c->name, 0,
			                  "exited during the scan", NULL);
			continue;
		}
		comm[n] = '\0';
		comm[strcspn(comm, "\n")] = '\0';
		snprintf(path, sizeof(path), "%s/exe", de->d_name);
		n = readlinkat(dirfd(d), path, exe, sizeof(exe) - 1);
		if (n < 0) {
			/* Kernel threads have no executable. */
			if (errno != ENOENT)
				vz__stats_problem(c->st, c->name, 1,
				                  "executable path unreadable",
				                  NULL);
			n = 0;
		}
		exe[n] = '\0';
		snprintf(detail, sizeof(detail), "pid %s: %s%s%s",
		         de->d_name, comm, n ? " " : "", exe);
		memset(&r, 0, sizeof(r));
		r.kind = VZ_REC_PROCESS;
		r.origin = "/proc";
		r.name = comm;
		r.detail = detail;
		r.pid = strtol(de->d_name, NULL, 10);
		r.path = n ? exe : NULL;
		vz__stats_add(c->st, VZ_STAT_PROCESSES, 1);
		rc = vz__emit(c, &r);
	}
	closedir(d);
	return rc;
}

const struct vz_collector vz__collector_procs = {"procs", 1, procs_probe,
                                                 procs_collect, NULL};
