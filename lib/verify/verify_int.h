/*
 * lib/verify/verify_int.h - internals of the signing and verification
 * module, shared by minisig.c, open.c and update.c.
 *
 * Private to lib/verify/. Fuzzers and tests may include it.
 */
#ifndef VZ_VERIFY_INT_H
#define VZ_VERIFY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "vz_int.h"

/* Where state lives unless $VOORZORG_STATE_DIR says otherwise. */
#ifndef VZ_STATEDIR
#define VZ_STATEDIR "/var/lib/voorzorg"
#endif
#define VZ_STATE_ENV "VOORZORG_STATE_DIR"
#define VZ_STATE_FILE "state.json"
#define VZ_SIG_SUFFIX ".minisig"

/*
 * Signature, key and catalogue files are read whole; these bound what we
 * are willing to read, so a hostile file cannot exhaust memory.
 */
#define VZ_SIGFILE_MAX (16u * 1024u)
#define VZ_KEYFILE_MAX (16u * 1024u)
#define VZ_CATFILE_MAX (256u * 1024u * 1024u)

/* minisign's sizes. */
#define VZ_MS_KEYID 8
#define VZ_MS_PK 32
#define VZ_MS_SK 64 /* seed || public key, as libsodium keeps it */
#define VZ_MS_SIG 64
#define VZ_MS_CHK 32
#define VZ_MS_SALT 32
#define VZ_MS_TRUSTED_MAX 8192
#define VZ_MS_COMMENT_MAX 1024

struct vz_pubkey {
	unsigned char keyid[VZ_MS_KEYID];
	unsigned char pk[VZ_MS_PK];
};

struct vz_seckey {
	unsigned char keyid[VZ_MS_KEYID];
	unsigned char sk[VZ_MS_SK];
};

struct vz_sig {
	unsigned char alg[2]; /* "ED" prehashed, "Ed" legacy */
	unsigned char keyid[VZ_MS_KEYID];
	unsigned char sig[VZ_MS_SIG];
	unsigned char global[VZ_MS_SIG];
	char *trusted; /* owned; without the "trusted comment: " prefix */
};

/*
 * Read a whole regular file of at most `max` bytes into an owned,
 * NUL-terminated buffer. VZ_E_IO (err names the file), VZ_E_NOMEM.
 * A missing file gives VZ_E_NOTFOUND so callers can tell "unsigned"
 * from "unreadable".
 */
vz_status vz__file_read(const char *path, size_t max, char **data,
                        size_t *len, vz_error *err);

/*
 * Replace `path` with `len` bytes atomically: a temporary file in the same
 * directory, fsync, rename over `path`, fsync of the directory. Either the
 * old or the new content survives a crash, never a mix. VZ_E_IO.
 */
vz_status vz__file_write_atomic(const char *path, const void *data,
                                size_t len, unsigned mode, vz_error *err);

/* fsync the directory that holds `path` (for renames). 0 or -1. */
int vz__fsync_parent(const char *path);

/* Decode standard base64 (with padding) strictly; -1 if malformed. */
int vz__b64_decode(const char *s, size_t slen, unsigned char *out,
                   size_t outsize, size_t *outlen);
/* Encode into out (NUL-terminated); out must hold 4*ceil(n/3)+1. */
void vz__b64_encode(const unsigned char *in, size_t n, char *out);

/* Format a minisign key id as 16 upper-case hex digits. */
void vz__keyid_hex(const unsigned char keyid[VZ_MS_KEYID],
                   char hex[VZ_KEYID_HEX_SIZE]);

/*
 * The state file: highest accepted version per catalogue id. `get` gives
 * -1 when nothing is recorded. `record` raises the recorded version to
 * `version` if it is higher (never lowers it), atomically and under an
 * exclusive lock. Both fail closed on a corrupt state file.
 */
vz_status vz__state_get(const char *state_file, const char *id,
                        int64_t *version, vz_error *err);
vz_status vz__state_record(const char *state_file, const char *id,
                           int64_t version, int64_t now, vz_error *err);
/* The state file path for these options, into buf. */
void vz__state_path(const vz_open_opts *opts, char *buf, size_t size);

/*
 * vz_catalog_open, reading `path` but naming `name` in messages, and
 * its signature as `signame` (NULL: the signature's path). Update
 * verifies temporary files and names the URLs they came from.
 */
vz_status vz__catalog_open_as(const char *path, const char *name,
                              const char *signame,
                              const vz_open_opts *opts, vz_catalog **out,
                              vz_open_info *info, vz_diags *diags);

#endif /* VZ_VERIFY_INT_H */
