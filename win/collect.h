/*
 * win/collect.h - voorzorg-collect.exe: what its parts share.
 *
 * A native Windows console program built with mingw-w64 from Debian. It
 * uses Windows' own APIs only (advapi32, kernel32, wintrust, crypt32,
 * version, winhttp) and writes the inventory format of docs/inventory.md
 * (JSON Lines, schema 1) that `voorzorg scan --inventory` judges. It
 * knows nothing of the catalogue: it reads what Windows says is installed,
 * configured and running, and the vendor registry keys it is told to.
 */
#ifndef VZW_COLLECT_H
#define VZW_COLLECT_H

#include <stddef.h>
#include <wchar.h>

#include "answer.h"

/* ---- the inventory being written (jsonl.c) ------------------------- */

struct out {
	char *buf; /* the whole inventory: a host has thousands of records,
	            * not millions (no file walk here) */
	size_t len, cap;
	int failed; /* out of memory */
	unsigned long long records;
};

/* One record; NULL strings and zero numbers are left out. */
struct rec {
	const char *kind, *source, *origin, *name, *version, *vendor;
	const char *detail, *path, *pkg_state, *ecosystem, *platform;
	const char *value, *data, *subject, *issuer, *common_name, *auth;
	unsigned flags; /* REC_* */
	long pid;
	int enabled;
};

#define REC_UNINSTALL 0x1u
#define REC_SERVICE 0x2u
#define REC_DRIVER 0x4u

void out_raw(struct out *o, const char *s, size_t n);
void out_puts(struct out *o, const char *s);
void out_printf(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A JSON string (s is UTF-8). */
void out_str(struct out *o, const char *s);
void out_record(struct out *o, const struct rec *r);

/* UTF-16 to UTF-8, malloc'd (NULL for NULL or when out of memory). */
char *utf8(const wchar_t *w);

/* ---- statistics --------------------------------------------------- */

enum counter {
	C_PACKAGES,
	C_PROCESSES,
	C_REG_KEYS,
	C_REG_VALUES,
	C_SERVICES,
	C_PE_FILES,
	C_SIGNATURES,
	C_VERIFIED,
	C__COUNT
};

struct problem {
	const char *collector, *reason; /* static */
	int unreadable;
	unsigned long long count;
	char *example; /* owned, UTF-8 */
};

struct run {
	const char *name, *status; /* static */
	char *detail;              /* owned */
	unsigned long long examined; /* records the run produced */
};

#define MAX_PROBLEMS 64
#define MAX_RUNS 16

struct stats {
	unsigned long long c[C__COUNT];
	struct problem p[MAX_PROBLEMS];
	size_t np;
	struct run r[MAX_RUNS];
	size_t nr;
};

void problem(struct stats *st, const char *collector, int unreadable,
             const char *reason, const wchar_t *example);
void ran(struct stats *st, const char *name, const char *status,
         const char *detail, unsigned long long examined);
/* The end line: counters, collectors, problems, record count. */
void out_end(struct out *o, const struct stats *st);

/* ---- image files whose signer is checked (signer.c) ----------------- */

struct images {
	wchar_t **path; /* owned, resolved file paths, unique (case-blind) */
	size_t n, cap;
};

/* Remember the file an ImagePath or process path names. */
void images_add(struct images *im, const wchar_t *image);
/* WinVerifyTrust each, one signature record per signed file. */
void signers_collect(struct out *o, struct stats *st, struct images *im);
void images_free(struct images *im);

/* "C:\Program Files\X" as the volume path "/Program Files/X" (UTF-8),
 * the form the offline scanner gives; malloc'd. */
char *volume_path(const wchar_t *w);

/* ---- collectors (registry.c, procs.c) ------------------------------- */

struct keylist {
	wchar_t **key; /* "HKLM\SOFTWARE\Vendor", from --keys */
	size_t n;
};

void uninstall_collect(struct out *o, struct stats *st);
void services_collect(struct out *o, struct stats *st, struct images *im);
void vendor_keys_collect(struct out *o, struct stats *st,
                         const struct keylist *keys);
void procs_collect(struct out *o, struct stats *st, struct images *im);

/* ---- the host (registry.c) ------------------------------------------- */

struct host {
	char *machine_id, *hostname, *fqdn, *os, *root; /* owned */
};

void host_probe(struct host *h);
void host_free(struct host *h);

/* ---- sending (post.c) ------------------------------------------------- */

/*
 * POST body to url as Content-Type `type`, with `Authorization: Bearer
 * key` when key is not NULL (a checked node key). The HTTP status, with
 * at most cap - 1 bytes of the answer in ans (NUL-terminated); or -1
 * when nothing was answered, with a message printed.
 */
long http_post(const wchar_t *url, const wchar_t *type, const char *key,
               const char *body, size_t len, char *ans, size_t cap);
/* The server's {"error": ...} (or the answer's start) as printable
 * ASCII in out, for a one-line message. */
void server_error(const char *ans, char *out, size_t size);

/* ---- enrolment and the node key (enroll.c) ----------------------------- */

/* The key file's node key: 0; 1 when the file does not exist; -1 when it
 * cannot be read or holds no node key (message printed). */
int key_read(const wchar_t *file, char key[VZW_NODE_KEY_LEN + 1]);
/* The enrolment secret's first line into out: 0, or -1 (message
 * printed). The caller wipes out after use. */
int secret_read(const wchar_t *file, char *out, size_t cap);
/*
 * Enrol with the server of the --post URL and write the node key to
 * key_file (and key): 0; 2 when the server refused the secret (400,
 * 401) or the URL is wrong; 3 otherwise. Messages are printed.
 */
int enroll(const wchar_t *post, const wchar_t *secret_file,
           const char *secret, const struct host *h, const char *group,
           const wchar_t *key_file, char key[VZW_NODE_KEY_LEN + 1]);

#endif /* VZW_COLLECT_H */
