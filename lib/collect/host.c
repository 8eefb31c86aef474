/*
 * lib/collect/host.c - what host a root belongs to: its name and its
 * operating system, read from inside the root (never from the scanning
 * machine, unless the root is the live host): os-release(5) and
 * /etc/hostname; on a Windows volume the registry, on a macOS volume
 * SystemVersion.plist.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <voorzorg/inventory_file.h>

#include "collect_int.h"

/* First line of a small file in the root, or NULL. */
static char *first_line(int rootfd, const char *path)
{
	char *data = NULL, *line = NULL;
	size_t len = 0;
	int fd = vz__root_open(rootfd, path, O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		return NULL;
	if (vz__read_fd(fd, 65536, &data, &len) == VZ_OK) {
		data[strcspn(data, "\r\n")] = '\0';
		if (data[0] != '\0')
			line = vz__strdup(data);
	}
	close(fd);
	vz__free(data);
	return line;
}

/* PRETTY_NAME from os-release(5), unquoted. */
static char *os_release(int rootfd)
{
	static const char *const files[] = {"/etc/os-release",
	                                    "/usr/lib/os-release"};
	char *data = NULL, *p, *res = NULL;
	size_t len = 0, i;

	for (i = 0; i < 2 && res == NULL; i++) {
		int fd = vz__root_open(rootfd, files[i], O_RDONLY | O_NONBLOCK);

		if (fd < 0)
			continue;
		if (vz__read_fd(fd, 65536, &data, &len) != VZ_OK) {
			close(fd);
			continue;
		}
		close(fd);
		for (p = data; p && *p; p = strchr(p, '\n')) {
			size_t n;

			if (*p == '\n')
				p++;

			if (strncmp(p, "PRETTY_NAME=", 12) != 0)
				continue;
			p += 12;
			n = strcspn(p, "\n");
			if (n >= 2 && (p[0] == '"' || p[0] == '\'') &&
			    p[n - 1] == p[0]) {
				p++;
				n -= 2;
			}
			res = vz__strndup(p, n);
			break;
		}
		vz__free(data);
		data = NULL;
	}
	return res;
}

vz_status vz_host_probe(const char *root, vz_host *out)
{
	char name[256];
	struct stat a, b;
	int fd;

	memset(out, 0, sizeof(*out));
	fd = open(root ? root : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return VZ_E_IO;
	out->live = fstat(fd, &a) == 0 && stat("/", &b) == 0 &&
	            a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	if (out->live && gethostname(name, sizeof(name)) == 0) {
		name[sizeof(name) - 1] = '\0';
		out->hostname = vz__strdup(name);
	} else {
		out->hostname = first_line(fd, "/etc/hostname");
	}
	out->os = os_release(fd);
#if VZ_HAVE_HIVEX
	/* A Windows volume: its registry knows its name and version. */
	if (!out->live && out->os == NULL)
		vz__hive_host(fd, &out->hostname, &out->os);
#endif
#if VZ_HAVE_PLIST
	if (!out->live && out->os == NULL)
		vz__macos_host(fd, &out->os);
#endif
	close(fd);
	return VZ_OK;
}

void vz_host_clear(vz_host *h)
{
	if (h == NULL)
		return;
	vz__free(h->hostname);
	vz__free(h->os);
	memset(h, 0, sizeof(*h));
}

/* The first line of a file in the root that looks like a machine id. */
static char *machine_id(int rootfd)
{
	static const char *const files[] = {"/etc/machine-id",
	                                    "/var/lib/dbus/machine-id"};
	size_t i, n;
	char *s;

	for (i = 0; i < 2; i++) {
		s = first_line(rootfd, files[i]);
		if (s == NULL)
			continue;
		/* 32 hex digits (machine-id(5)); "uninitialized" is not one. */
		for (n = 0; s[n] && vz__hexval(s[n]) >= 0; n++)
			;
		if (n == 32 && s[n] == '\0')
			return s;
		vz__free(s);
	}
	return NULL;
}

vz_status vz_inventory_ident_probe(const char *root, const char *hostname,
                                   vz_inventory_ident *out)
{
	int fd;

	memset(out, 0, sizeof(*out));
	fd = open(root ? root : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return VZ_E_IO;
	out->machine_id = machine_id(fd);
	close(fd);
	/* Only a name that already has its domain: no resolver is asked,
	 * which on an air-gapped host could hang or lie. */
	if (hostname != NULL && strchr(hostname, '.') != NULL) {
		out->fqdn = vz__strdup(hostname);
		if (out->fqdn == NULL) {
			vz_inventory_ident_clear(out);
			return VZ_E_NOMEM;
		}
	}
	return VZ_OK;
}

void vz_inventory_ident_clear(vz_inventory_ident *id)
{
	if (id == NULL)
		return;
	vz__free(id->machine_id);
	vz__free(id->fqdn);
	memset(id, 0, sizeof(*id));
}
