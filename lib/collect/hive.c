/*
 * lib/collect/hive.c - the hive collector: the registry of a Windows
 * volume, or hive files given one by one, read with libhivex.
 *
 * On a root that holds a Windows volume it reads the machine's SOFTWARE
 * and SYSTEM hives (Windows/System32/config) and every user's
 * NTUSER.DAT (Users/NAME), finding each path whatever its case, as NTFS
 * would. From them it emits:
 * - installed programs: every Uninstall entry (64- and 32-bit, and per
 *   user) with a DisplayName, as a package record (ecosystem "msi" for a
 *   Windows Installer entry, else "windows");
 * - services and drivers of the current control set (Select\Current),
 *   as service records;
 * - registry keys and their values, for registry fingerprints; the sink's
 *   want_key prunes whole subtrees, so a SOFTWARE hive's Classes (half
 *   of it) is never walked unless a fingerprint could match there.
 *
 * Why it is built this way:
 * - hivex opens hives by name and maps the whole file. Mapping the file
 *   in the image would let anyone who truncates it during the scan kill
 *   us with SIGBUS, and a sparse file with a valid header makes hivex
 *   allocate by its size (tens of GB for 1 TB). So the hive, opened
 *   inside the root (links resolved inside it) and at most HIVE_MAX
 *   bytes, is copied into an anonymous memfd that only we hold, and
 *   hivex is given /proc/self/fd/N of that copy: nothing outside the
 *   root is read, and nothing can change under hivex. A hive larger
 *   than HIVE_MAX, or one that changes while it is copied, is an
 *   unreadable item with its reason; the scan goes on.
 * - A hive comes from the disk being examined: any bytes at all. hivex
 *   checks cells against the file; on top of that the walk keeps a
 *   bitmap of the keys it entered (a corrupt hive can list a key twice,
 *   or an ancestor as a child) and stops at 512 levels, the registry's
 *   own limit. What cannot be read is counted with its reason; given
 *   with --hive, any corruption is an error, so a report never looks
 *   complete when it is not.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hivex.h>

#include "collect_int.h"

#define MAX_DEPTH 512
/*
 * The largest hive read (docs/scanning.md). Real SOFTWARE hives are tens
 * to a few hundred MB; the copy costs that much memory while it is read.
 */
#define HIVE_MAX ((uint64_t)1 << 30)

/* Keys whose children the collector reads for itself (lowercase). */
static const char *const uninstall_roots[] = {
	"hklm\\software\\microsoft\\windows\\currentversion\\uninstall",
	"hklm\\software\\wow6432node\\microsoft\\windows\\currentversion\\"
	"uninstall",
	"hkcu\\software\\microsoft\\windows\\currentversion\\uninstall",
	NULL};
static const char services_root[] = "hklm\\system\\currentcontrolset\\"
                                    "services";

struct hwalk {
	struct vz_cctx *c;
	hive_h *h;
	const char *origin; /* the hive file, for records and problems */
	struct vz_buf key;  /* the current key, short form */
	struct vz_buf low;  /* the same, lowercase */
	struct vz_buf text; /* scratch: value data, details */
	struct vz_buf detail;
	unsigned char *seen; /* bitmap of entered keys, by offset / 8 */
	size_t seen_bytes;
	char *ccs;          /* SYSTEM: name of the current control set */
	char *location;     /* the Uninstall entry's InstallLocation */
	uint64_t key_id;
	unsigned long corrupt; /* keys or values that could not be read */
	char first[256];       /* what went wrong first, and where */
	vz_status rc;
};

/* Counted, and reported once per hive by the caller (first one named). */
static void corrupt(struct hwalk *w, const char *what)
{
	if (w->corrupt++ == 0)
		snprintf(w->first, sizeof(w->first), "%s (at %s)", what,
		         w->key.len ? w->key.data : "the root key");
}

/* How `low` (a lowercase key) relates to a key the collector reads. */
static int is_prefix_key(const char *a, size_t an, const char *b)
{
	size_t bn = strlen(b);

	return an <= bn && memcmp(a, b, an) == 0 &&
	       (an == bn || b[an] == '\\');
}

/* Is the key an ancestor of (or one of) the roots read for records? */
static int semantic_ancestor(const struct hwalk *w)
{
	size_t i;

	for (i = 0; uninstall_roots[i]; i++)
		if (is_prefix_key(w->low.data, w->low.len, uninstall_roots[i]))
			return 1;
	return is_prefix_key(w->low.data, w->low.len, services_root);
}

/* Is the key a direct child of `root`? */
static int child_of(const struct hwalk *w, const char *root)
{
	size_t n = strlen(root);

	return w->low.len > n + 1 && memcmp(w->low.data, root, n) == 0 &&
	       w->low.data[n] == '\\' &&
	       memchr(w->low.data + n + 1, '\\', w->low.len - n - 1) == NULL;
}

static int uninstall_entry(const struct hwalk *w)
{
	size_t i;

	for (i = 0; uninstall_roots[i]; i++)
		if (child_of(w, uninstall_roots[i]))
			return 1;
	return 0;
}

static int service_entry(const struct hwalk *w)
{
	return child_of(w, services_root);
}

static int under(const struct hwalk *w, const char *root)
{
	size_t n = strlen(root);

	return w->low.len > n && memcmp(w->low.data, root, n) == 0 &&
	       w->low.data[n] == '\\';
}

/* Append a key component to the current key; returns the old length. */
static size_t push(struct hwalk *w, const char *name)
{
	size_t old = w->key.len, i, n = strlen(name);

	if (old > 0)
		vz__buf_add(&w->key, "\\", 1);
	vz__buf_add(&w->key, name, n);
	if (old > 0)
		vz__buf_add(&w->low, "\\", 1);
	for (i = 0; i < n; i++) {
		char ch = name[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		vz__buf_add(&w->low, &ch, 1);
	}
	if (w->key.failed || w->low.failed)
		w->rc = VZ_E_NOMEM;
	return old;
}

static void pop(struct hwalk *w, size_t old)
{
	w->key.len = old;
	w->low.len = old;
	if (w->key.data)
		w->key.data[old] = '\0';
	if (w->low.data)
		w->low.data[old] = '\0';
}

/*
 * A string value's data, as owned UTF-8 (vz__libc_free), or NULL when
 * the value is absent or not a string.
 */
static char *get_string(hive_h *h, hive_node_h node, const char *name)
{
	hive_value_h v = hivex_node_get_value(h, node, name);
	hive_type t;
	size_t len;

	if (v == 0 || hivex_value_type(h, v, &t, &len) != 0 ||
	    (t != hive_t_REG_SZ && t != hive_t_REG_EXPAND_SZ))
		return NULL;
	return hivex_value_string(h, v);
}

/* A DWORD value; 0 and *found = 0 when absent or of another type. */
static uint32_t get_dword(hive_h *h, hive_node_h node, const char *name,
                          int *found)
{
	hive_value_h v = hivex_node_get_value(h, node, name);
	hive_type t;
	size_t len;

	*found = 0;
	if (v == 0 || hivex_value_type(h, v, &t, &len) != 0 ||
	    t != hive_t_REG_DWORD || len != 4)
		return 0;
	*found = 1;
	return (uint32_t)hivex_value_dword(h, v);
}

/* An Uninstall entry: a package record, and a detail for its values. */
static void uninstall(struct hwalk *w, hive_node_h node, const char *keyname)
{
	char *dn = get_string(w->h, node, "DisplayName");
	char *ver = get_string(w->h, node, "DisplayVersion");
	char *pub = get_string(w->h, node, "Publisher");
	char *loc = get_string(w->h, node, "InstallLocation");
	int msi_found;
	uint32_t msi = get_dword(w->h, node, "WindowsInstaller", &msi_found);
	vz_record r;

	w->detail.len = 0;
	vz__buf_printf(&w->detail, "Uninstall entry %s", keyname);
	if (dn)
		vz__buf_printf(&w->detail, ": \"%s\"", dn);
	if (ver)
		vz__buf_printf(&w->detail, ", version %s", ver);
	if (pub)
		vz__buf_printf(&w->detail, ", publisher %s", pub);
	if (loc && *loc)
		vz__buf_printf(&w->detail, ", in %s", loc);
	if (msi_found && msi == 1)
		vz__buf_puts(&w->detail, ", Windows Installer");
	if (w->detail.failed) {
		w->rc = VZ_E_NOMEM;
		goto out;
	}
	if (dn == NULL || *dn == '\0' || !vz__wants(w->c, VZ_REC_PACKAGE))
		goto out;
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_PACKAGE;
	r.origin = w->origin;
	r.name = dn;
	r.version = ver;
	r.vendor = pub;
	r.detail = w->detail.data;
	r.path = loc && *loc ? loc : NULL;
	r.pkg_state = VZ_PKG_INSTALLED;
	r.ecosystem = msi_found && msi == 1 ? "msi" : "windows";
	r.platform = "windows";
	r.flags = VZ_RECF_UNINSTALL;
	vz__stats_add(w->c->st, VZ_STAT_PACKAGES, 1);
	w->rc = vz__emit(w->c, &r);
out:
	vz__free(w->location);
	w->location = loc && *loc ? vz__strdup(loc) : NULL;
	if (loc && *loc && w->location == NULL)
		w->rc = VZ_E_NOMEM;
	vz__libc_free(dn);
	vz__libc_free(ver);
	vz__libc_free(pub);
	vz__libc_free(loc);
}

static const char *service_type(uint32_t t)
{
	if (t & 0x1)
		return "kernel driver";
	if (t & 0x2)
		return "file-system driver";
	if (t & 0x10)
		return "service (own process)";
	if (t & 0x20)
		return "service (shared process)";
	return "service";
}

static const char *start_type(uint32_t s)
{
	static const char *const n[] = {"boot", "system", "automatic",
	                                "manual", "disabled"};

	return s < 5 ? n[s] : "unknown";
}

/* A service or driver key of the current control set. */
static void service(struct hwalk *w, hive_node_h node, const char *keyname)
{
	char *img = get_string(w->h, node, "ImagePath");
	char *dn = get_string(w->h, node, "DisplayName");
	int has_type, has_start;
	uint32_t type = get_dword(w->h, node, "Type", &has_type);
	uint32_t start = get_dword(w->h, node, "Start", &has_start);
	vz_record r;

	w->detail.len = 0;
	vz__buf_printf(&w->detail, "%s", has_type ? service_type(type)
	                                          : "service key");
	if (has_start)
		vz__buf_printf(&w->detail, ", start %s", start_type(start));
	if (dn && *dn)
		vz__buf_printf(&w->detail, ", \"%s\"", dn);
	if (img && *img)
		vz__buf_printf(&w->detail, ", %s", img);
	if (w->detail.failed) {
		w->rc = VZ_E_NOMEM;
		goto out;
	}
	/* Keys without a type or image are settings, not services. */
	if ((!has_type && img == NULL) || !vz__wants(w->c, VZ_REC_SERVICE))
		goto out;
	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_SERVICE;
	r.origin = w->origin;
	r.name = keyname;
	r.path = img;
	r.detail = w->detail.data;
	r.platform = "windows";
	r.flags = has_type && (type & 0x3) ? VZ_RECF_DRIVER : 0;
	r.enabled = has_start && start != 4;
	vz__stats_add(w->c->st, VZ_STAT_SERVICES, 1);
	w->rc = vz__emit(w->c, &r);
out:
	vz__libc_free(img);
	vz__libc_free(dn);
}

static void emit_value(struct hwalk *w, const char *vname, const char *data,
                       unsigned flags, const char *detail)
{
	vz_record r;

	memset(&r, 0, sizeof(r));
	r.kind = VZ_REC_REGISTRY;
	r.origin = w->origin;
	r.name = w->key.data;
	r.value = vname;
	r.data = data;
	r.detail = detail;
	r.flags = flags;
	r.platform = "windows";
	r.path = flags & VZ_RECF_UNINSTALL ? w->location : NULL;
	r.dir_id = w->key_id;
	r.dirlen = w->key.len;
	w->rc = vz__emit(w->c, &r);
}

/* The key record and one record per value (per string of a multi-string). */
static void emit_key(struct hwalk *w, hive_node_h node, unsigned flags,
                     const char *detail)
{
	hive_value_h *vals;
	size_t i;

	emit_value(w, NULL, NULL, flags, detail);
	vals = hivex_node_values(w->h, node);
	if (vals == NULL) {
		corrupt(w, "its values cannot be read");
		return;
	}
	for (i = 0; vals[i] != 0 && w->rc == VZ_OK; i++) {
		char *vname = hivex_value_key(w->h, vals[i]), *s = NULL;
		char **multi = NULL, num[32];
		const char *data = NULL;
		hive_type t;
		size_t len, k;

		vz__stats_add(w->c->st, VZ_STAT_REG_VALUES, 1);
		if (vname == NULL ||
		    hivex_value_type(w->h, vals[i], &t, &len) != 0) {
			corrupt(w, "a value cannot be read");
			vz__libc_free(vname);
			continue;
		}
		switch (t) {
		case hive_t_REG_SZ:
		case hive_t_REG_EXPAND_SZ:
			data = s = hivex_value_string(w->h, vals[i]);
			break;
		case hive_t_REG_DWORD:
		case hive_t_REG_DWORD_BIG_ENDIAN:
			if (len == 4) {
				snprintf(num, sizeof(num), "%lu",
				         (unsigned long)(uint32_t)
				             hivex_value_dword(w->h, vals[i]));
				data = num;
			}
			break;
		case hive_t_REG_QWORD:
			if (len == 8) {
				snprintf(num, sizeof(num), "%llu",
				         (unsigned long long)hivex_value_qword(
				             w->h, vals[i]));
				data = num;
			}
			break;
		case hive_t_REG_MULTI_SZ:
			multi = hivex_value_multiple_strings(w->h, vals[i]);
			break;
		default:
			break;
		}
		if (multi != NULL) {
			for (k = 0; multi[k] && w->rc == VZ_OK; k++)
				emit_value(w, vname, multi[k], flags, detail);
			for (k = 0; multi[k]; k++)
				vz__libc_free(multi[k]);
			vz__libc_free(multi);
		} else {
			emit_value(w, vname, data, flags, detail);
		}
		vz__libc_free(s);
		vz__libc_free(vname);
	}
	vz__libc_free(vals);
}

static int seen_before(struct hwalk *w, hive_node_h node)
{
	size_t bit = node / 8;

	if (bit / 8 >= w->seen_bytes)
		return 0; /* hivex never gives such a handle */
	if (w->seen[bit / 8] & (1u << (bit % 8)))
		return 1;
	w->seen[bit / 8] |= (unsigned char)(1u << (bit % 8));
	return 0;
}

static void visit(struct hwalk *w, hive_node_h node, const char *name,
                  unsigned depth)
{
	const vz_sink *sink = w->c->sink;
	hive_node_h *kids = NULL;
	unsigned flags = 0;
	size_t old, i;
	int wanted, sem, entry;

	if (seen_before(w, node)) {
		corrupt(w, "a key is listed twice (a loop)");
		return;
	}
	if (depth > MAX_DEPTH) {
		corrupt(w, "keys nested deeper than 512 levels");
		return;
	}
	old = name ? push(w, name) : w->key.len;
	if (w->rc != VZ_OK)
		return;
	vz__stats_add(w->c->st, VZ_STAT_REG_KEYS, 1);
	wanted = vz__wants(w->c, VZ_REC_REGISTRY) &&
	         (sink->want_key == NULL ||
	          sink->want_key(sink->ctx, w->key.data));
	sem = semantic_ancestor(w);
	entry = name != NULL && (uninstall_entry(w) || service_entry(w));
	if (!wanted && !sem && !entry) {
		pop(w, old);
		return;
	}
	w->key_id++;
	w->detail.len = 0;
	vz__free(w->location);
	w->location = NULL;
	if (name != NULL && uninstall_entry(w)) {
		flags |= VZ_RECF_UNINSTALL;
		uninstall(w, node, name);
	} else if (name != NULL && service_entry(w)) {
		flags |= VZ_RECF_SERVICE;
		service(w, node, name);
	} else if (under(w, services_root)) {
		flags |= VZ_RECF_SERVICE;
	}
	if (w->rc == VZ_OK && wanted)
		emit_key(w, node, flags, w->detail.len ? w->detail.data : NULL);
	/* Below an Uninstall entry or a service there is nothing to read
	 * for records, only for fingerprints. */
	if (w->rc != VZ_OK || (!wanted && !sem))
		goto out;
	kids = hivex_node_children(w->h, node);
	if (kids == NULL) {
		corrupt(w, "its subkeys cannot be read");
		goto out;
	}
	for (i = 0; kids[i] != 0 && w->rc == VZ_OK; i++) {
		char *kn = hivex_node_name(w->h, kids[i]);
		const char *use = kn;

		if (kn == NULL) {
			corrupt(w, "a subkey's name cannot be read");
			continue;
		}
		/* SYSTEM: only the current control set, by its usual name. */
		if (w->ccs != NULL && depth == 0 &&
		    strncasecmp(kn, "ControlSet", 10) == 0) {
			if (strcasecmp(kn, w->ccs) != 0) {
				vz__libc_free(kn);
				continue;
			}
			use = "CurrentControlSet";
		}
		visit(w, kids[i], use, depth + 1);
		vz__libc_free(kn);
		if ((i & 255) == 255)
			vz__progress(w->c);
	}
out:
	vz__libc_free(kids);
	pop(w, old);
}

/* Which control set is current: Select\Current, as ControlSet00N. */
static char *current_control_set(hive_h *h)
{
	hive_node_h sel = hivex_node_get_child(h, hivex_root(h), "Select");
	uint32_t n;
	int found;
	char buf[32];

	if (sel == 0)
		return NULL;
	n = get_dword(h, sel, "Current", &found);
	if (!found || n == 0 || n > 999)
		return NULL;
	snprintf(buf, sizeof(buf), "ControlSet%03lu", (unsigned long)n);
	return vz__strdup(buf);
}

/* ---- which hive a file holds --------------------------------------- */

static const char *mount_by_name(const char *name)
{
	const char *base = strrchr(name, '/');
	size_t n;

	base = base ? base + 1 : name;
	n = strcspn(base, ".");
	if (strncasecmp(base, "ntuser", 6) == 0)
		return "HKCU";
	if (n == 8 && strncasecmp(base, "software", 8) == 0)
		return "HKLM\\SOFTWARE";
	if (n == 6 && strncasecmp(base, "system", 6) == 0)
		return "HKLM\\SYSTEM";
	return NULL;
}

/* The file name recorded in the hive's header (UTF-16LE, at 0x30). */
static const char *mount_by_header(const unsigned char *hdr, size_t n)
{
	char name[33];
	size_t i, k = 0;

	if (n < 0x70)
		return NULL;
	for (i = 0; i < 32; i++) {
		unsigned ch = hdr[0x30 + 2 * i] | hdr[0x31 + 2 * i] << 8;

		if (ch == 0)
			break;
		name[k++] = ch == '\\' ? '/' : ch < 0x80 ? (char)ch : '?';
	}
	name[k] = '\0';
	return k ? mount_by_name(name) : NULL;
}

static const char *mount_by_content(hive_h *h)
{
	hive_node_h root = hivex_root(h);

	if (root == 0)
		return NULL;
	if (hivex_node_get_child(h, root, "Select") != 0)
		return "HKLM\\SYSTEM";
	if (hivex_node_get_child(h, root, "Environment") != 0 ||
	    hivex_node_get_child(h, root, "Control Panel") != 0)
		return "HKCU";
	if (hivex_node_get_child(h, root, "Microsoft") != 0)
		return "HKLM\\SOFTWARE";
	return NULL;
}

/* ---- reading one hive ---------------------------------------------- */

static int readn(int fd, unsigned char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = pread(fd, buf + got, n - got, (off_t)got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	return (int)got;
}

/*
 * Copy `size` bytes of the file at fd into a sealed memfd and open that
 * with hivex. NULL with *why (static) or errno (hivex's) on failure;
 * *why is NULL then if hivex refused the copy.
 */
static hive_h *open_copy(int fd, uint64_t size, const char **why)
{
	char proc[64], buf[65536];
	uint64_t off = 0;
	hive_h *h = NULL;
	int mfd, e;

	*why = NULL;
	if (size > HIVE_MAX) {
		*why = "registry hive too large (the limit is 1 GiB)";
		return NULL;
	}
	mfd = memfd_create("voorzorg-hive", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0) {
		*why = "cannot make a private copy of the hive";
		return NULL;
	}
	while (off < size) {
		size_t want = size - off < sizeof(buf) ? (size_t)(size - off)
		                                       : sizeof(buf);
		ssize_t k = pread(fd, buf, want, (off_t)off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			*why = "read error while copying the hive";
			goto out;
		}
		if (k == 0) {
			*why = "registry hive changed while being read "
			       "(truncated)";
			goto out;
		}
		if (write(mfd, buf, (size_t)k) != k) {
			*why = "cannot make a private copy of the hive";
			goto out;
		}
		off += (uint64_t)k;
	}
	/* Our copy, fixed in size: hivex's mapping cannot fault. */
	if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
	                                F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
		*why = "cannot make a private copy of the hive";
		goto out;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", mfd);
	errno = 0;
	h = hivex_open(proc, 0);
out:
	e = errno;
	close(mfd);
	errno = e;
	return h;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

vz_status vz__hive_read(struct vz_cctx *c, int fd, const char *origin,
                        const char *mount, vz_error *err)
{
	unsigned char hdr[512];
	const char *why;
	struct hwalk w;
	struct stat st;
	int got;
	vz_status rc = VZ_OK;

	memset(&w, 0, sizeof(w));
	w.c = c;
	w.origin = origin;
	vz__buf_init(&w.key);
	vz__buf_init(&w.low);
	vz__buf_init(&w.text);
	vz__buf_init(&w.detail);
	if (vz__fd_regular(fd) != 0 || fstat(fd, &st) != 0) {
		vz__error_set(err, VZ_E_IO, origin, "%s", vz__errstr(errno));
		rc = VZ_E_IO;
		goto out;
	}
	got = readn(fd, hdr, sizeof(hdr));
	if (got < 4 || memcmp(hdr, "regf", 4) != 0) {
		vz__error_set(err, VZ_E_PARSE, origin,
		              "not a registry hive (no \"regf\" signature)");
		rc = VZ_E_PARSE;
		goto out;
	}
	if (st.st_size < 4096 + 32 || got < (int)sizeof(hdr)) {
		vz__error_set(err, VZ_E_PARSE, origin,
		              "truncated registry hive (%lld bytes)",
		              (long long)st.st_size);
		rc = VZ_E_PARSE;
		goto out;
	}
	{
		uint32_t x = 0, bins = le32(hdr + 0x28);
		size_t i;

		for (i = 0; i < 0x1fc; i += 4)
			x ^= le32(hdr + i);
		if (x != le32(hdr + 0x1fc)) {
			vz__error_set(err, VZ_E_PARSE, origin,
			              "corrupt registry hive: the header's "
			              "checksum does not match");
			rc = VZ_E_PARSE;
			goto out;
		}
		if ((uint64_t)bins + 4096 > (uint64_t)st.st_size) {
			vz__error_set(err, VZ_E_PARSE, origin,
			              "truncated registry hive: the header "
			              "says %lu bytes of data, the file has "
			              "%lld",
			              (unsigned long)bins + 4096,
			              (long long)st.st_size);
			rc = VZ_E_PARSE;
			goto out;
		}
	}
	if (le32(hdr + 4) != le32(hdr + 8))
		vz__stats_problem(c->st, c->name, 0,
		                  "hive not closed cleanly: its transaction "
		                  "logs (.LOG1, .LOG2) are not replayed",
		                  origin);
	if ((uint64_t)st.st_size > HIVE_MAX) {
		vz__error_set(err, VZ_E_PARSE, origin,
		              "registry hive too large (%lld bytes; the limit "
		              "is 1 GiB)", (long long)st.st_size);
		rc = VZ_E_PARSE;
		goto out;
	}
	w.h = open_copy(fd, (uint64_t)st.st_size, &why);
	if (w.h == NULL && why != NULL) {
		vz__error_set(err, VZ_E_IO, origin, "%s", why);
		rc = VZ_E_IO;
		goto out;
	}
	if (w.h == NULL) {
		int e = errno;

		vz__error_set(err, e == ENOMEM ? VZ_E_NOMEM : VZ_E_PARSE,
		              origin, "corrupt registry hive: %s",
		              e == ENOTSUP || e == 0
		                  ? "its cells are not laid out as the "
		                    "format requires"
		                  : vz__errstr(e));
		rc = e == ENOMEM ? VZ_E_NOMEM : VZ_E_PARSE;
		goto out;
	}
	if (mount == NULL)
		mount = mount_by_name(origin);
	if (mount == NULL)
		mount = mount_by_header(hdr, sizeof(hdr));
	if (mount == NULL)
		mount = mount_by_content(w.h);
	if (mount == NULL) {
		vz__error_set(err, VZ_E_PARSE, origin,
		              "cannot tell which hive this is (SOFTWARE, "
		              "SYSTEM or a user's NTUSER.DAT): name the file "
		              "after it");
		rc = VZ_E_PARSE;
		goto out;
	}
	if (strcmp(mount, "HKLM\\SYSTEM") == 0) {
		w.ccs = current_control_set(w.h);
		if (w.ccs == NULL)
			w.ccs = vz__strdup("ControlSet001");
		if (w.ccs == NULL) {
			rc = VZ_E_NOMEM;
			goto out;
		}
	}
	w.seen_bytes = (size_t)st.st_size / 64 + 1;
	w.seen = vz__calloc(w.seen_bytes, 1);
	if (w.seen == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	push(&w, mount);
	if (hivex_root(w.h) == 0) {
		corrupt(&w, "no root key");
	} else {
		visit(&w, hivex_root(w.h), NULL, 0);
	}
	rc = w.rc;
	if (rc == VZ_OK && w.corrupt > 0)
		vz__error_set(err, VZ_E_PARSE, origin,
		              "corrupt registry hive: %lu keys or values "
		              "cannot be read; the first: %s",
		              w.corrupt, w.first);
	else if (rc == VZ_E_NOMEM)
		vz__error_set(err, rc, origin, "out of memory");
	if (rc == VZ_OK && w.corrupt > 0)
		rc = VZ_E_PARSE;
out:
	if (w.h != NULL)
		hivex_close(w.h);
	vz__free(w.seen);
	vz__free(w.ccs);
	vz__free(w.location);
	vz__buf_free(&w.key);
	vz__buf_free(&w.low);
	vz__buf_free(&w.text);
	vz__buf_free(&w.detail);
	return rc;
}

/* ---- the collector over a root --------------------------------------- */

struct hive_file {
	char *path;        /* owned, from the root */
	const char *mount; /* static */
};

struct hive_state {
	struct hive_file *f; /* owned */
	size_t n, cap;
};

static int add_file(struct hive_state *s, const char *path,
                    const char *mount)
{
	struct hive_file *nf;

	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 8;

		nf = vz__realloc(s->f, ncap * sizeof(*nf));
		if (nf == NULL)
			return -1;
		s->f = nf;
		s->cap = ncap;
	}
	s->f[s->n].path = vz__strdup(path);
	if (s->f[s->n].path == NULL)
		return -1;
	s->f[s->n++].mount = mount;
	return 0;
}

static int exists(struct vz_cctx *c, const char *path)
{
	/* O_PATH: whatever is there (a FIFO, a socket) counts, and opening
	 * it cannot block; reading it is refused later, with the reason. */
	int fd = vz__root_open_ci(c->rootfd, path, O_PATH);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* Users/NAME/NTUSER.DAT, for every profile folder. */
static int find_user_hives(struct vz_cctx *c, struct hive_state *s)
{
	int fd = vz__root_open_ci(c->rootfd, "/Users", O_RDONLY | O_DIRECTORY);
	struct dirent *d;
	char path[512];
	DIR *dir;
	int rc = 0;

	if (fd < 0)
		return 0;
	dir = fdopendir(fd);
	if (dir == NULL) {
		close(fd);
		return 0;
	}
	while (rc == 0 && (d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/Users/%s/NTUSER.DAT",
		         d->d_name);
		if (exists(c, path))
			rc = add_file(s, path, "HKCU");
	}
	closedir(dir);
	return rc;
}

static void hive_free(struct vz_cctx *c)
{
	struct hive_state *s = c->state;
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		vz__free(s->f[i].path);
	vz__free(s->f);
	vz__free(s);
	c->state = NULL;
}

static const char *const machine[][2] = {
	{"/Windows/System32/config/SOFTWARE", "HKLM\\SOFTWARE"},
	{"/Windows/System32/config/SYSTEM", "HKLM\\SYSTEM"}};

/* Allocates nothing: a failed probe must never hide out-of-memory. */
static int hive_probe(struct vz_cctx *c)
{
	struct dirent *d;
	DIR *dir;
	size_t i;
	int fd;

	if (!vz__wants(c, VZ_REC_REGISTRY) && !vz__wants(c, VZ_REC_PACKAGE) &&
	    !vz__wants(c, VZ_REC_SERVICE)) {
		snprintf(c->detail, sizeof(c->detail),
		         "no fingerprint reads the registry");
		return 0;
	}
	for (i = 0; i < 2; i++)
		if (exists(c, machine[i][0]))
			return 1;
	fd = vz__root_open_ci(c->rootfd, "/Users", O_RDONLY | O_DIRECTORY);
	dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (fd >= 0 && dir == NULL)
		close(fd);
	while (dir != NULL && (d = readdir(dir)) != NULL) {
		char path[512];

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/Users/%s/NTUSER.DAT",
		         d->d_name);
		if (exists(c, path)) {
			closedir(dir);
			return 1;
		}
	}
	if (dir != NULL)
		closedir(dir);
	snprintf(c->detail, sizeof(c->detail),
	         "no Windows registry (Windows/System32/config)");
	return 0;
}

static vz_status hive_collect(struct vz_cctx *c)
{
	struct hive_state *s;
	vz_status rc = VZ_OK;
	size_t i, users;
	vz_error err;

	s = vz__calloc(1, sizeof(*s));
	if (s == NULL)
		return VZ_E_NOMEM;
	c->state = s;
	for (i = 0; i < 2; i++)
		if (exists(c, machine[i][0]) &&
		    add_file(s, machine[i][0], machine[i][1]) != 0)
			return VZ_E_NOMEM;
	users = s->n;
	if (find_user_hives(c, s) != 0)
		return VZ_E_NOMEM;
	users = s->n - users;
	snprintf(c->detail, sizeof(c->detail),
	         "%zu machine and %zu user hives", s->n - users, users);
	for (i = 0; i < s->n && rc == VZ_OK; i++) {
		int fd = vz__root_open_ci(c->rootfd, s->f[i].path,
		                          O_RDONLY | O_NONBLOCK | O_NOCTTY);

		if (fd < 0) {
			vz__stats_problem(c->st, c->name, 1, vz__errstr(errno),
			                  s->f[i].path);
			continue;
		}
		vz_error_clear(&err);
		rc = vz__hive_read(c, fd, s->f[i].path, s->f[i].mount, &err);
		close(fd);
		if (rc == VZ_E_PARSE || rc == VZ_E_IO) {
			/* Counted; the scan goes on with the other hives. */
			vz__stats_problem(c->st, c->name, 1, err.msg,
			                  s->f[i].path);
			rc = VZ_OK;
		}
	}
	return rc;
}

const struct vz_collector vz__collector_hive = {"hive", 0, hive_probe,
                                                hive_collect, hive_free};

/* ---- the host a Windows volume belongs to ------------------------------ */

static hive_h *open_hive_in(int rootfd, const char *path, int *fd)
{
	const char *why;
	struct stat st;
	hive_h *h = NULL;

	*fd = vz__root_open_ci(rootfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (*fd < 0)
		return NULL;
	if (vz__fd_regular(*fd) == 0 && fstat(*fd, &st) == 0)
		h = open_copy(*fd, (uint64_t)st.st_size, &why);
	if (h == NULL) {
		close(*fd);
		*fd = -1;
	}
	return h;
}

/* Follow `path` (components separated by '\') from the root key. */
static hive_node_h node_at(hive_h *h, const char *path)
{
	hive_node_h n = hivex_root(h);
	char comp[128];

	while (n != 0 && *path) {
		size_t k = strcspn(path, "\\");

		if (k >= sizeof(comp))
			return 0;
		memcpy(comp, path, k);
		comp[k] = '\0';
		n = hivex_node_get_child(h, n, comp);
		path += k + (path[k] == '\\');
	}
	return n;
}

void vz__hive_host(int rootfd, char **hostname, char **os,
                   char **machine_id)
{
	char *ccs, *prod = NULL, *disp = NULL, *build = NULL, *name = NULL;
	char *guid = NULL, id[33];
	char path[128];
	struct vz_buf b;
	hive_node_h n;
	hive_h *h;
	int fd;

	h = open_hive_in(rootfd, "/Windows/System32/config/SYSTEM", &fd);
	if (h != NULL) {
		ccs = current_control_set(h);
		if (ccs != NULL) {
			snprintf(path, sizeof(path),
			         "%s\\Control\\ComputerName\\ComputerName",
			         ccs);
			n = node_at(h, path);
			name = n ? get_string(h, n, "ComputerName") : NULL;
			if (name != NULL && *name && *hostname == NULL)
				*hostname = vz__strdup(name);
		}
		vz__free(ccs);
		vz__libc_free(name);
		hivex_close(h);
		close(fd);
	}
	h = open_hive_in(rootfd, "/Windows/System32/config/SOFTWARE", &fd);
	if (h == NULL)
		return;
	n = node_at(h, "Microsoft\\Windows NT\\CurrentVersion");
	if (n != 0) {
		prod = get_string(h, n, "ProductName");
		disp = get_string(h, n, "DisplayVersion");
		build = get_string(h, n, "CurrentBuild");
	}
	if (prod != NULL && *os == NULL) {
		vz__buf_init(&b);
		vz__buf_puts(&b, prod);
		if (disp || build)
			vz__buf_printf(&b, " (%s%s%s%s)", disp ? disp : "",
			               disp && build ? ", " : "",
			               build ? "build " : "",
			               build ? build : "");
		if (!b.failed)
			*os = vz__buf_take(&b);
		vz__buf_free(&b);
	}
	n = node_at(h, "Microsoft\\Cryptography");
	guid = n ? get_string(h, n, "MachineGuid") : NULL;
	if (guid != NULL && *machine_id == NULL &&
	    vz__machine_id_canon(guid, id) == 0)
		*machine_id = vz__strdup(id);
	vz__libc_free(guid);
	vz__libc_free(prod);
	vz__libc_free(disp);
	vz__libc_free(build);
	hivex_close(h);
	close(fd);
}
