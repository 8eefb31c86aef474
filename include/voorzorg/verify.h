/*
 * voorzorg/verify.h - signed catalogues: minisign-compatible keys and
 * signatures, rollback and freeze protection, verified updates.
 *
 * A catalogue tells thousands of organisations what to remove, so whoever
 * can alter it can hide a product or have good software removed. The
 * catalogue FILE is signed with Ed25519 and the signature sits beside it
 * as FILE.minisig, in minisign's file format: `minisign -V` verifies what
 * voorzorg signs, and voorzorg verifies what minisign signs.
 *
 * Every use of a catalogue goes through vz_catalog_open(), which reads the
 * file once, verifies the signature over exactly those bytes, parses the
 * same bytes, and then applies the two checks TUF calls rollback and
 * freeze protection: the catalogue's version may never fall below the
 * highest one accepted before (kept in a state file), and an expired
 * catalogue is refused once a grace period has passed.
 *
 * Key handling is described in docs/signing.md. Objects are immutable once
 * made; any number of threads may use them. Functions that touch the state
 * file serialise through a lock on it.
 */
#ifndef VOORZORG_VERIFY_H
#define VOORZORG_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include <voorzorg/export.h>
#include <voorzorg/status.h>
#include <voorzorg/catalog.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- keys ----------------------------------------------------------- */

/* A minisign public key: algorithm "Ed", an 8-byte key id, 32 bytes. */
typedef struct vz_pubkey vz_pubkey;
/* A minisign secret key, decrypted. Wiped from memory when freed. */
typedef struct vz_seckey vz_seckey;

/* Key ids are printed as minisign prints them: 16 upper-case hex digits. */
#define VZ_KEYID_HEX_SIZE 17

/*
 * Parse a public key from `len` bytes of text: either a minisign public
 * key file ("untrusted comment: ..." then the base64 line) or the bare
 * base64 string that `minisign -P` takes. `name` names the input in
 * messages (a file name, or "--pubkey"). On success *out is owned by the
 * caller (vz_pubkey_free). VZ_E_PARSE with err filled if it is not a
 * minisign Ed25519 public key; VZ_E_NOMEM.
 */
VZ_API vz_status vz_pubkey_parse(const char *text, size_t len,
                                 const char *name, vz_pubkey **out,
                                 vz_error *err);
/* As vz_pubkey_parse, from the file at `path`; VZ_E_IO if unreadable. */
VZ_API vz_status vz_pubkey_load(const char *path, vz_pubkey **out,
                                vz_error *err);
/* vz_pubkey_free(NULL) does nothing. */
VZ_API void vz_pubkey_free(vz_pubkey *pk);
/* The key id as 16 hex digits plus NUL. */
VZ_API void vz_pubkey_keyid(const vz_pubkey *pk,
                            char hex[VZ_KEYID_HEX_SIZE]);
/*
 * The public key file text ("untrusted comment: minisign public key ID",
 * base64 line). *out is owned (vz_free). VZ_E_NOMEM.
 */
VZ_API vz_status vz_pubkey_format(const vz_pubkey *pk, char **out);

/*
 * Supplies the password of an encrypted secret key: write it (without a
 * newline, not NUL-terminated) to buf, at most `size` bytes, and return
 * its length, or -1 to give up. The library wipes buf after use.
 */
typedef int (*vz_password_fn)(void *ctx, char *buf, size_t size);

/*
 * Parse a minisign secret key file. Unencrypted keys (minisign -W) need no
 * password; for scrypt-encrypted keys `pw` is called once (if NULL, the
 * key is refused with VZ_E_USAGE). On success *out is owned (free with
 * vz_seckey_free, which wipes it). Errors: VZ_E_PARSE (not a minisign
 * secret key), VZ_E_UNSUPPORTED (unknown algorithm or excessive KDF
 * cost), VZ_E_INVALID (wrong password or corrupted key), VZ_E_NOMEM.
 */
VZ_API vz_status vz_seckey_parse(const char *text, size_t len,
                                 const char *name, vz_password_fn pw,
                                 void *ctx, vz_seckey **out, vz_error *err);
/* As vz_seckey_parse, from the file at `path`; VZ_E_IO if unreadable. */
VZ_API vz_status vz_seckey_load(const char *path, vz_password_fn pw,
                                void *ctx, vz_seckey **out, vz_error *err);
/* Wipe and release. vz_seckey_free(NULL) does nothing. */
VZ_API void vz_seckey_free(vz_seckey *sk);
/* A fresh random key pair (for tests and key ceremonies). */
VZ_API vz_status vz_seckey_generate(vz_seckey **out);
/* The matching public key; *out is owned (vz_pubkey_free). */
VZ_API vz_status vz_seckey_pubkey(const vz_seckey *sk, vz_pubkey **out);
/*
 * The secret key as an UNENCRYPTED minisign key file (as minisign -W
 * writes). *out is owned; wipe it before vz_free if it matters. Only for
 * development keys: docs/signing.md says how to keep a real one.
 */
VZ_API vz_status vz_seckey_format(const vz_seckey *sk, char **out);

/* ---- signatures ----------------------------------------------------- */

/* A parsed .minisig file. */
typedef struct vz_sig vz_sig;

/*
 * Sign `len` bytes with minisign's default algorithm "ED" (Ed25519 over
 * the BLAKE2b-512 of the data) and produce the .minisig text in *out
 * (owned, vz_free). `untrusted` (NULL: a default) and `trusted` are one
 * line each; the trusted comment is signed too (the "global signature").
 * VZ_E_USAGE if a comment holds a line break or is too long, VZ_E_NOMEM,
 * VZ_E_INTERNAL if the crypto library fails.
 */
VZ_API vz_status vz_sign_buffer(const vz_seckey *sk, const void *data,
                                size_t len, const char *untrusted,
                                const char *trusted, char **out,
                                vz_error *err);

/*
 * Parse .minisig text. Accepts both "ED" (prehashed) and legacy "Ed"
 * signatures. On success *out is owned (vz_sig_free). VZ_E_SIGNATURE with
 * err filled when the text is not a well-formed signature (truncated,
 * bad base64, unknown algorithm); VZ_E_NOMEM.
 */
VZ_API vz_status vz_sig_parse(const char *text, size_t len, const char *name,
                              vz_sig **out, vz_error *err);
VZ_API void vz_sig_free(vz_sig *sig);
/* The trusted comment (borrowed, valid until vz_sig_free). Only
 * meaningful once vz_sig_verify has succeeded. */
VZ_API const char *vz_sig_trusted_comment(const vz_sig *sig);
/* The id of the key that made the signature. */
VZ_API void vz_sig_keyid(const vz_sig *sig, char hex[VZ_KEYID_HEX_SIZE]);

/*
 * Verify a signature over `len` bytes: the key ids must match, the
 * signature must verify over the data, and the global signature over
 * signature || trusted comment. VZ_OK or VZ_E_SIGNATURE with err naming
 * `name` and what failed.
 */
VZ_API vz_status vz_sig_verify(const vz_sig *sig, const vz_pubkey *pk,
                               const void *data, size_t len,
                               const char *name, vz_error *err);

/*
 * Sign the catalogue at `path`: read it once, refuse it unless it loads
 * as a valid catalogue (errors appended to `diags`, VZ_E_PARSE or
 * VZ_E_INVALID), sign those bytes, check the new signature, and write it
 * atomically to `sigpath` (NULL: path.minisig). `trusted` NULL gives
 * minisign's style of trusted comment with the catalogue's id and
 * version, "timestamp:T<TAB>file:NAME<TAB>catalog:ID<TAB>version:N
 * <TAB>hashed", with T = `timestamp` (0: the clock). VZ_E_IO if a file
 * cannot be read or written.
 */
VZ_API vz_status vz_catalog_sign(const char *path, const vz_seckey *sk,
                                 const char *sigpath, const char *untrusted,
                                 const char *trusted, int64_t timestamp,
                                 vz_diags *diags);

/* ---- default locations ---------------------------------------------- */

/*
 * The directory holding the state file and catalogues installed by
 * `catalog update`: $VOORZORG_STATE_DIR if set and non-empty, else
 * /var/lib/voorzorg. Borrowed (static or environment storage).
 */
VZ_API const char *vz_state_dir(void);

/*
 * Write the default path of the trusted public key to buf: the installed
 * one (DATADIR/voorzorg.pub) if it exists, else the source tree's
 * catalog/voorzorg.pub. The single place that decides this. Returns the
 * length, as snprintf.
 */
VZ_API size_t vz_pubkey_default_path(char *buf, size_t size);

/*
 * The default catalogue, the trusted one, is found in this order (the one
 * place that decides it; docs/catalog-lifecycle.md explains it):
 *   1. $VOORZORG_CATALOG, if set and non-empty;
 *   2. STATE_DIR/voorzorg.json, put there by `catalog update`, if it
 *      exists;
 *   3. DATADIR/voorzorg.json, installed with the tool, if it exists;
 *   4. the source tree's catalog/voorzorg.json (the bundled one).
 */
typedef enum vz_catalog_origin {
	VZ_CATALOG_FROM_ENV = 0,
	VZ_CATALOG_FROM_UPDATE = 1,
	VZ_CATALOG_FROM_INSTALL = 2,
	VZ_CATALOG_FROM_SOURCE = 3
} vz_catalog_origin;

/* Write the default catalogue path to buf; returns the step that found
 * it. A path that does not fit is cut (and then fails to open). */
VZ_API vz_catalog_origin vz_catalog_default(char *buf, size_t size);

/* vz_catalog_default's path only; returns the length, as snprintf. */
VZ_API size_t vz_catalog_default_path(char *buf, size_t size);

/* ---- opening a catalogue -------------------------------------------- */

typedef enum vz_sigstate {
	VZ_SIG_VALID = 0,    /* signed by the trusted key */
	VZ_SIG_UNSIGNED = 1, /* no signature; accepted only if allowed */
	VZ_SIG_INVALID = 2   /* signature present but does not verify */
} vz_sigstate;

/* "valid", "unsigned", "invalid": the words used in JSON output. */
VZ_API const char *vz_sigstate_name(vz_sigstate s);

/* Accept a catalogue that has no signature (with a warning). */
#define VZ_OPEN_ALLOW_UNSIGNED 0x1u
/* Check the recorded version but do not record a newer one. */
#define VZ_OPEN_NO_RECORD 0x2u
/* Neither check nor record versions (inspection of a foreign file). */
#define VZ_OPEN_NO_STATE 0x4u
/*
 * A file named for one command (diff, show, assess, a scan's --catalog),
 * not the trusted catalogue: signature and expiry are checked as always;
 * a version older than the recorded one is not refused but reported (a
 * warning, info->older, vz_catalog_trusted_version), and nothing is
 * recorded. Only the trusted catalogue raises the floor.
 */
#define VZ_OPEN_INSPECT 0x8u

#define VZ_GRACE_DEFAULT (30 * 86400)

typedef struct vz_open_opts {
	const vz_pubkey *key;  /* borrowed; if set, used instead of... */
	const char *pubkey;    /* ...this key file; NULL: the default key */
	const char *signature; /* NULL: FILE.minisig beside the real file */
	const char *state_file; /* NULL: vz_state_dir()/state.json */
	unsigned flags;        /* VZ_OPEN_* */
	int64_t now;           /* seconds since the epoch; 0: the clock */
	int64_t grace;         /* seconds an expired catalogue still works */
} vz_open_opts;

/* Defaults: no flags, the clock, VZ_GRACE_DEFAULT. */
VZ_API void vz_open_opts_init(vz_open_opts *opts);

/* What vz_catalog_open found; filled as far as it got, even on error. */
typedef struct vz_open_info {
	vz_sigstate signature;
	char key_id[VZ_KEYID_HEX_SIZE]; /* signer; empty when unsigned */
	char id[128];      /* the catalogue's id, once loaded; truncated */
	int64_t version;   /* its version, once loaded; 0 before */
	char trusted_comment[1024];     /* verified; truncated if longer */
	int64_t expires;   /* seconds since the epoch; 0 if unknown */
	int expired;       /* past expiry but within the grace period */
	int64_t previous;  /* highest version accepted before; -1: none */
	int recorded;      /* this call recorded a new highest version */
	int older;         /* VZ_OPEN_INSPECT: older than `previous` */
} vz_open_info;

/*
 * Open the catalogue at `path` the only safe way: read it once into
 * memory, verify the signature (opts->signature, or FILE.minisig beside
 * the file `path` resolves to) with the trusted key over exactly those
 * bytes, load the catalogue from the same bytes, then check expiry and the
 * recorded version, and record a newer version for a validly signed one.
 *
 * `opts` may be NULL for the defaults; `info` may be NULL. Errors and
 * warnings (an accepted unsigned catalogue, expiry within the grace
 * period, a state file that cannot be written) are appended to `diags`,
 * each naming the file. On success *out is owned (vz_catalog_free).
 *
 * Errors: VZ_E_IO (catalogue, key or signature unreadable), VZ_E_UNSIGNED
 * (no signature and not allowed), VZ_E_SIGNATURE (bad, truncated or
 * forged signature, wrong key), VZ_E_PARSE/VZ_E_INVALID (not a valid
 * catalogue), VZ_E_EXPIRED (expired beyond the grace period),
 * VZ_E_ROLLBACK (older than a version accepted before), VZ_E_NOMEM.
 */
VZ_API vz_status vz_catalog_open(const char *path, const vz_open_opts *opts,
                                 vz_catalog **out, vz_open_info *info,
                                 vz_diags *diags);

/* ---- updating the installed catalogue -------------------------------- */

typedef struct vz_update_opts {
	vz_open_opts open;     /* key, state, clock, grace; unsigned never */
	const char *sig_url;   /* NULL: URL + ".minisig" */
	size_t max_bytes;      /* per file; 0: VZ_UPDATE_MAX_DEFAULT */
	long timeout;          /* seconds for each transfer; 0: 300 */
} vz_update_opts;

#define VZ_UPDATE_MAX_DEFAULT (64u * 1024u * 1024u)

VZ_API void vz_update_opts_init(vz_update_opts *opts);

/*
 * Fetch the catalogue at `url` (http or https) and its signature, verify
 * them as vz_catalog_open does (signature, validity, expiry, rollback),
 * and only then install them as `dest` (NULL: vz_state_dir()/
 * voorzorg.json) and dest.minisig. A failed, partial, oversized or
 * tampered download leaves the installed catalogue as it was; a crash at
 * any point leaves either the old pair or the new pair (docs/signing.md
 * says how). Records the new version on success.
 *
 * Errors: as vz_catalog_open, plus VZ_E_IO for a failed transfer, an HTTP
 * error, a file over the size limit, or a destination that cannot be
 * written; VZ_E_USAGE for a URL that is not http or https.
 */
VZ_API vz_status vz_catalog_update(const char *url, const char *dest,
                                   const vz_update_opts *opts,
                                   vz_open_info *info, vz_diags *diags);

#ifdef __cplusplus
}
#endif

#endif /* VOORZORG_VERIFY_H */
