/*
 * lib/collect/host.c - what host a root belongs to: its name and its
 * operating system, read from inside the root (never from the scanning
 * machine, unless the root is the live host): os-release(5) and
 * /etc/hostname and machine-id(5); on a Windows volume the registry
 * (with its MachineGuid), on a macOS volume SystemVersion.plist.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/*
 * A host's identity in one spelling: 32 lowercase hex digits. machine-id(5)
 * is that already (any case is accepted); a Windows MachineGuid is a GUID,
 * 8-4-4-4-12 hex digits, perhaps in braces, and names the same 128 bits.
 * Anything else (a hostile image's or inventory's text) is -1: an
 * identity must never carry text into a report or a server's key.
 */
int vz__machine_id_canon(const char *s, char out[33])
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = 0, len;
	int braces;

	if (s == NULL)
		return -1;
	len = strlen(s);
	braces = len == 38 && s[0] == '{' && s[37] == '}';
	if (len != 32 && len != 36 && !braces)
		return -1;
	for (i = braces; i < len - braces; i++) {
		size_t at = i - braces;
		const char *d;

		if (len != 32 &&
		    (at == 8 || at == 13 || at == 18 || at == 23)) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		d = strchr(hex, s[i] >= 'A' && s[i] <= 'F' ? s[i] + 32 : s[i]);
		if (s[i] == '\0' || d == NULL || n == 32)
			return -1;
		out[n++] = *d;
	}
	if (n != 32)
		return -1;
	out[32] = '\0';
	return 0;
}

/* /etc/machine-id (or D-Bus's copy), only if it is what machine-id(5)
 * says it is: a hostile image's file must not inject anything. */
static char *machine_id(int rootfd)
{
	static const char *const files[] = {"/etc/machine-id",
	                                    "/var/lib/dbus/machine-id"};
	char id[33];
	size_t i;

	for (i = 0; i < 2; i++) {
		char *s = first_line(rootfd, files[i]);
		int ok = s != NULL && strlen(s) == 32 &&
		         vz__machine_id_canon(s, id) == 0;

		vz__free(s);
		if (ok)
			return vz__strdup(id);
	}
	return NULL;
}

/* Is c allowed in a DNS name (RFC 1123 letters, digits, '-', '.')? */
static int dns_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/*
 * The fully qualified name: the host name itself when it has a dot, else
 * the first dotted name on an /etc/hosts line that also names the host
 * (Debian's "127.0.1.1 host.example.org host"). No DNS: a scan must not
 * wait on the network or depend on it.
 */
static char *fqdn(int rootfd, const char *host)
{
	char *data = NULL, *p, *res = NULL;
	size_t len = 0, hl;
	int fd;

	if (host == NULL || *host == '\0')
		return NULL;
	if (strchr(host, '.') != NULL)
		return vz__strdup(host);
	fd = vz__root_open(rootfd, "/etc/hosts", O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	if (vz__read_fd(fd, 1 << 20, &data, &len) != VZ_OK) {
		close(fd);
		return NULL;
	}
	close(fd);
	hl = strlen(host);
	for (p = data; p && *p && res == NULL; p = strchr(p, '\n')) {
		const char *w, *dotted = NULL;
		size_t n, dn = 0;
		int names = 0, first = 1;

		p += *p == '\n';
		n = strcspn(p, "\n#");
		for (w = p; w < p + n;) {
			size_t wl;

			while (w < p + n && (*w == ' ' || *w == '\t'))
				w++;
			wl = strcspn(w, " \t\n#");
			if (wl > (size_t)(p + n - w))
				wl = (size_t)(p + n - w);
			if (wl == 0)
				break;
			if (!first) { /* the first word is the address */
				size_t k;

				for (k = 0; k < wl && dns_char(w[k]); k++)
					;
				if (k == wl && wl == hl &&
				    strncmp(w, host, hl) == 0)
					names = 1;
				else if (k == wl && dotted == NULL &&
				         memchr(w, '.', wl) != NULL &&
				         wl > hl && strncmp(w, host, hl) == 0 &&
				         w[hl] == '.') {
					dotted = w;
					dn = wl;
				}
			}
			first = 0;
			w += wl;
		}
		if (names && dotted != NULL)
			res = vz__strndup(dotted, dn);
	}
	vz__free(data);
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
	out->machine_id = machine_id(fd);
#if VZ_HAVE_HIVEX
	/* A Windows volume: its registry knows its name, version and
	 * MachineGuid. */
	if (!out->live && out->os == NULL)
		vz__hive_host(fd, &out->hostname, &out->os, &out->machine_id);
#endif
#if VZ_HAVE_PLIST
	if (!out->live && out->os == NULL)
		vz__macos_host(fd, &out->os);
#endif
	out->fqdn = fqdn(fd, out->hostname);
	close(fd);
	return VZ_OK;
}

void vz_host_clear(vz_host *h)
{
	if (h == NULL)
		return;
	vz__free(h->hostname);
	vz__free(h->os);
	vz__free(h->machine_id);
	vz__free(h->fqdn);
	memset(h, 0, sizeof(*h));
}
