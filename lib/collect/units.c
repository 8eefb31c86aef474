/*
 * lib/collect/units.c - the units collector: systemd units and SysV init
 * scripts present in the root, and which of them are enabled.
 *
 * Read from the unit directories of systemd.unit(5) and /etc/init.d. An
 * enabled unit is a link in a *.wants/ or *.requires/ directory; links
 * are read as text (readlinkat) and never followed, so a masked unit (a
 * link to /dev/null) is told apart without touching /dev. On merged-/usr
 * systems /lib/systemd/system and /usr/lib/systemd/system are the same
 * directory: it is read once.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect_int.h"

static const char *const unit_dirs[] = {
	"/etc/systemd/system",     "/run/systemd/system",
	"/usr/local/lib/systemd/system", "/usr/lib/systemd/system",
	"/lib/systemd/system",     "/etc/init.d",
};
#define NDIRS (sizeof(unit_dirs) / sizeof(unit_dirs[0]))

static const char *const suffixes[] = {
	".service", ".socket", ".timer",  ".path",  ".target", ".mount",
	".automount", ".swap", ".slice", ".scope", NULL};

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n > m && strcmp(s + n - m, suf) == 0;
}

static int is_unit(const char *name)
{
	size_t i;

	for (i = 0; suffixes[i]; i++)
		if (has_suffix(name, suffixes[i]))
			return 1;
	return 0;
}

static int units_probe(struct vz_cctx *c)
{
	size_t i;

	for (i = 0; i < NDIRS; i++) {
		int fd = vz__root_open(c->rootfd, unit_dirs[i],
		                       O_RDONLY | O_DIRECTORY);

		if (fd >= 0) {
			close(fd);
			return 1;
		}
	}
	snprintf(c->detail, sizeof(c->detail),
	         "no systemd unit or init.d directory");
	return 0;
}

static vz_status emit_unit(struct vz_cctx *c, int dfd, const char *dir,
                           const char *name, int enabled)
{
	char detail[1024], target[512];
	struct stat st;
	vz_record r;
	ssize_t n;
	int masked = 0;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode)) {
		n = readlinkat(dfd, name, target, sizeof(target) - 1);
		if (n >= 0) {
			target[n] = '\0';
			masked = strcmp(target, "/dev/null") == 0;
		}
	}
	snprintf(detail, sizeof(detail), "%s%s/%s%s",
	         enabled ? "enabled: " : "", dir, name,
	         masked ? " (masked)" : "");
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_UNIT;
	r.origin = dir;
	r.name = name;
	r.detail = detail;
	r.enabled = enabled && !masked;
	vz__stats_add(c->st, VZ_STAT_UNITS, 1);
	return vz__emit(c, &r);
}

static vz_status read_dir(struct vz_cctx *c, int fd, const char *dir,
                          int initd, int depth)
{
	struct dirent *de;
	DIR *d = fdopendir(fd);
	vz_status rc = VZ_OK;
	char sub[600];

	if (d == NULL) {
		close(fd);
		vz__stats_problem(c->st, c->name, 1, strerror(errno), dir);
		return VZ_OK;
	}
	while (rc == VZ_OK && (errno = 0, de = readdir(d)) != NULL) {
		const char *n = de->d_name;

		if (n[0] == '.')
			continue;
		if (initd) {
			if (strcmp(n, "README") != 0 &&
			    strcmp(n, "skeleton") != 0 &&
			    strcmp(n, "rc") != 0 && strcmp(n, "rcS") != 0)
				rc = emit_unit(c, dirfd(d), dir, n, 0);
			continue;
		}
		if (depth == 0 && (has_suffix(n, ".wants") ||
		                   has_suffix(n, ".requires"))) {
			int sfd = openat(dirfd(d), n,
			                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			                     O_CLOEXEC);

			snprintf(sub, sizeof(sub), "%s/%s", dir, n);
			if (sfd < 0) {
				vz__stats_problem(c->st, c->name, 1,
				                  strerror(errno), sub);
				continue;
			}
			rc = read_dir(c, sfd, sub, 0, 1);
			continue;
		}
		if (is_unit(n))
			rc = emit_unit(c, dirfd(d), dir, n, depth > 0);
	}
	if (de == NULL && errno != 0)
		vz__stats_problem(c->st, c->name, 1, strerror(errno), dir);
	closedir(d);
	return rc;
}

static vz_status units_collect(struct vz_cctx *c)
{
	struct stat seen[NDIRS];
	size_t i, j, nseen = 0, len = 0;
	vz_status rc = VZ_OK;

	for (i = 0; i < NDIRS && rc == VZ_OK; i++) {
		struct stat st;
		int fd = vz__root_open(c->rootfd, unit_dirs[i],
		                       O_RDONLY | O_DIRECTORY);

		if (fd < 0) {
			if (errno != ENOENT && errno != ENOTDIR)
				vz__stats_problem(c->st, c->name, 1,
				                  strerror(errno),
				                  unit_dirs[i]);
			continue;
		}
		if (fstat(fd, &st) != 0) {
			close(fd);
			continue;
		}
		for (j = 0; j < nseen; j++)
			if (seen[j].st_dev == st.st_dev &&
			    seen[j].st_ino == st.st_ino)
				break;
		if (j < nseen) {
			close(fd);
			continue;
		}
		seen[nseen++] = st;
		len += (size_t)snprintf(c->detail + len,
		                        sizeof(c->detail) - len, "%s%s",
		                        len ? ", " : "", unit_dirs[i]);
		if (len >= sizeof(c->detail))
			len = sizeof(c->detail) - 1;
		rc = read_dir(c, fd, unit_dirs[i], i == NDIRS - 1, 0);
	}
	return rc;
}

const struct vz_collector vz__collector_units = {"units", 0, units_probe,
                                                 units_collect, NULL};
