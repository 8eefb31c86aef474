/*
 * lib/verify/minisig.c - minisign's key and signature formats, and the
 * Ed25519 signing and verification behind them.
 *
 * The formats, as minisign documents them (all binary fields base64):
 *
 *   public key   "untrusted comment: ..."
 *                "Ed" || key id (8) || Ed25519 public key (32)
 *   secret key   "untrusted comment: ..."
 *                "Ed" || kdf ("Sc" or "\0\0") || "B2" || salt (32) ||
 *                opslimit (u64 LE) || memlimit (u64 LE) ||
 *                (key id (8) || secret key (64) || checksum (32))
 *                    XOR scrypt(password)   [only when kdf is "Sc"]
 *                checksum = BLAKE2b-256("Ed" || key id || secret key)
 *   signature    "untrusted comment: ..."
 *                alg ("ED": Ed25519 over BLAKE2b-512(file), the default;
 *                     "Ed": legacy, Ed25519 over the file) ||
 *                key id (8) || signature (64)
 *                "trusted comment: ..."
 *                global signature = Ed25519(signature || trusted comment)
 *
 * Ed25519, BLAKE2b-512 and scrypt come from OpenSSL. BLAKE2b-256 comes
 * from libsodium: OpenSSL 3.0 offers BLAKE2b only as the fixed 512-bit
 * digest or as a MAC that insists on a key, and BLAKE2b with a 32-byte
 * output is a different function from a truncated BLAKE2b-512, so neither
 * can compute minisign's key checksum.
 *
 * Everything here parses untrusted input (it is fuzzed by
 * fuzz/fuzz_minisig.c): every length is checked before use, and secret
 * material is wiped on every path.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sodium.h>

#include "verify_int.h"

#define UNTRUSTED_PREFIX "untrusted comment: "
#define TRUSTED_PREFIX "trusted comment: "

#define PK_BYTES (2 + VZ_MS_KEYID + VZ_MS_PK)   /* 42 */
#define SIG_BYTES (2 + VZ_MS_KEYID + VZ_MS_SIG) /* 74 */
#define KEYNUM_SK (VZ_MS_KEYID + VZ_MS_SK + VZ_MS_CHK) /* 104 */
#define SK_BYTES (2 + 2 + 2 + VZ_MS_SALT + 8 + 8 + KEYNUM_SK) /* 158 */

/*
 * minisign's own key generation uses libsodium's "sensitive" scrypt cost;
 * a key file asking for more is not one minisign made, and could make us
 * spend unbounded time and memory, so it is refused.
 */
#define KDF_OPSLIMIT_MAX 33554432ull
#define KDF_MEMLIMIT_MAX 1073741824ull

/* ---- base64 --------------------------------------------------------- */

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Strict: length a multiple of four, padding only at the end, and unused
 * bits zero, so that every key and signature has exactly one encoding.
 */
int vz__b64_decode(const char *s, size_t slen, unsigned char *out,
                   size_t outsize, size_t *outlen)
{
	size_t i, o = 0, pad = 0;

	*outlen = 0;
	if (slen == 0 || slen % 4 != 0)
		return -1;
	if (s[slen - 1] == '=')
		pad = s[slen - 2] == '=' ? 2 : 1;
	if ((slen / 4) * 3 - pad > outsize)
		return -1;
	for (i = 0; i < slen; i += 4) {
		int v[4], k, last = i + 4 == slen;
		unsigned long w;

		for (k = 0; k < 4; k++) {
			unsigned char c = (unsigned char)s[i + (size_t)k];

			if (c == '=' && last && k >= 4 - (int)pad)
				v[k] = 0;
			else if ((v[k] = b64val(c)) < 0)
				return -1;
		}
		w = ((unsigned long)v[0] << 18) | ((unsigned long)v[1] << 12) |
		    ((unsigned long)v[2] << 6) | (unsigned long)v[3];
		if (last && pad == 2 && (w & 0xffffu) != 0)
			return -1;
		if (last && pad == 1 && (w & 0xffu) != 0)
			return -1;
		out[o++] = (unsigned char)(w >> 16);
		if (!last || pad < 2)
			out[o++] = (unsigned char)(w >> 8);
		if (!last || pad < 1)
			out[o++] = (unsigned char)w;
	}
	*outlen = o;
	return 0;
}

void vz__b64_encode(const unsigned char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned long w = ((unsigned long)in[i] << 16) |
		                  ((unsigned long)in[i + 1] << 8) | in[i + 2];

		out[o++] = b64chars[(w >> 18) & 63];
		out[o++] = b64chars[(w >> 12) & 63];
		out[o++] = b64chars[(w >> 6) & 63];
		out[o++] = b64chars[w & 63];
	}
	if (i < n) {
		unsigned long w = (unsigned long)in[i] << 16;

		if (i + 1 < n)
			w |= (unsigned long)in[i + 1] << 8;
		out[o++] = b64chars[(w >> 18) & 63];
		out[o++] = b64chars[(w >> 12) & 63];
		out[o++] = i + 1 < n ? b64chars[(w >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
}

void vz__keyid_hex(const unsigned char keyid[VZ_MS_KEYID],
                   char hex[VZ_KEYID_HEX_SIZE])
{
	static const char digits[] = "0123456789ABCDEF";
	int i;

	/* minisign prints the id as a little-endian 64-bit number. */
	for (i = 0; i < VZ_MS_KEYID; i++) {
		unsigned char b = keyid[VZ_MS_KEYID - 1 - i];

		hex[2 * i] = digits[b >> 4];
		hex[2 * i + 1] = digits[b & 15];
	}
	hex[16] = '\0';
}

/* ---- lines ---------------------------------------------------------- */

struct lines {
	const char *p, *end;
};

/*
 * The next line without its terminator (LF or CRLF). Returns 0 at the end
 * of the text. A NUL byte makes the line invalid (-1): the formats are
 * text, and a NUL would hide what follows from C string handling.
 */
static int next_line(struct lines *ls, const char **line, size_t *len)
{
	const char *nl;
	size_t n;

	if (ls->p >= ls->end)
		return 0;
	nl = memchr(ls->p, '\n', (size_t)(ls->end - ls->p));
	n = nl ? (size_t)(nl - ls->p) : (size_t)(ls->end - ls->p);
	*line = ls->p;
	ls->p += n + (nl != NULL);
	if (n > 0 && (*line)[n - 1] == '\r')
		n--;
	*len = n;
	return memchr(*line, '\0', n) ? -1 : 1;
}

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && ((*s)[0] == ' ' || (*s)[0] == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static int has_prefix(const char *s, size_t n, const char *prefix)
{
	size_t pl = strlen(prefix);

	return n >= pl && memcmp(s, prefix, pl) == 0;
}

/* Only blank lines may follow the last field. */
static int rest_blank(struct lines *ls)
{
	const char *l;
	size_t n;
	int r;

	while ((r = next_line(ls, &l, &n)) != 0) {
		if (r < 0)
			return 0;
		trim(&l, &n);
		if (n > 0)
			return 0;
	}
	return 1;
}

/* ---- crypto primitives ---------------------------------------------- */

static int ed25519_sign(const unsigned char sk[VZ_MS_SK],
                        const unsigned char *msg, size_t len,
                        unsigned char sig[VZ_MS_SIG])
{
	EVP_PKEY *k = NULL;
	EVP_MD_CTX *c = NULL;
	size_t sl = VZ_MS_SIG;
	int ok = 0;

	/* The first 32 bytes of a libsodium secret key are the seed. */
	k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, sk, 32);
	c = EVP_MD_CTX_new();
	if (k == NULL || c == NULL)
		goto out;
	if (EVP_DigestSignInit(c, NULL, NULL, NULL, k) != 1 ||
	    EVP_DigestSign(c, sig, &sl, msg, len) != 1 || sl != VZ_MS_SIG)
		goto out;
	ok = 1;
out:
	EVP_MD_CTX_free(c);
	EVP_PKEY_free(k); /* OpenSSL cleanses the private key it copied */
	return ok;
}

static int ed25519_verify(const unsigned char pk[VZ_MS_PK],
                          const unsigned char *msg, size_t len,
                          const unsigned char sig[VZ_MS_SIG])
{
	EVP_PKEY *k = NULL;
	EVP_MD_CTX *c = NULL;
	int ok = 0;

	k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pk, VZ_MS_PK);
	c = EVP_MD_CTX_new();
	if (k == NULL || c == NULL)
		goto out;
	if (EVP_DigestVerifyInit(c, NULL, NULL, NULL, k) != 1)
		goto out;
	ok = EVP_DigestVerify(c, sig, VZ_MS_SIG, msg, len) == 1;
out:
	EVP_MD_CTX_free(c);
	EVP_PKEY_free(k);
	return ok;
}

/* The public key that belongs to a seed; 1 on success. */
static int ed25519_public(const unsigned char seed[32],
                          unsigned char pk[VZ_MS_PK])
{
	EVP_PKEY *k;
	size_t n = VZ_MS_PK;
	int ok;

	k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	if (k == NULL)
		return 0;
	ok = EVP_PKEY_get_raw_public_key(k, pk, &n) == 1 && n == VZ_MS_PK;
	EVP_PKEY_free(k);
	return ok;
}

static int blake2b512(const void *data, size_t len, unsigned char out[64])
{
	unsigned int n = 0;

	return EVP_Digest(data, len, out, &n, EVP_blake2b512(), NULL) == 1 &&
	       n == 64;
}

static int seckey_checksum(const struct vz_seckey *k,
                           unsigned char chk[VZ_MS_CHK])
{
	crypto_generichash_state st;
	int ok;

	if (sodium_init() < 0)
		return 0;
	ok = crypto_generichash_init(&st, NULL, 0, VZ_MS_CHK) == 0 &&
	     crypto_generichash_update(&st, (const unsigned char *)"Ed", 2) ==
	         0 &&
	     crypto_generichash_update(&st, k->keyid, VZ_MS_KEYID) == 0 &&
	     crypto_generichash_update(&st, k->sk, VZ_MS_SK) == 0 &&
	     crypto_generichash_final(&st, chk, VZ_MS_CHK) == 0;
	OPENSSL_cleanse(&st, sizeof(st));
	return ok;
}

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/*
 * minisign derives the key stream with libsodium's
 * crypto_pwhash_scryptsalsa208sha256(), which takes an opslimit and a
 * memlimit rather than scrypt's N, r and p. This is libsodium's
 * documented-by-code conversion, so that OpenSSL's scrypt derives the same
 * bytes: r is 8; if memory is the looser bound, p is 1 and N follows from
 * the operations; otherwise N follows from memory and p from what the
 * operations allow beyond it.
 */
static void scrypt_params(uint64_t ops, uint64_t mem, uint64_t *n,
                          uint64_t *r, uint64_t *p)
{
	uint64_t maxn, maxrp;
	unsigned lg;

	if (ops < 32768)
		ops = 32768;
	*r = 8;
	if (ops < mem / 32) {
		*p = 1;
		maxn = ops / (*r * 4);
	} else {
		maxn = mem / (*r * 128);
	}
	for (lg = 1; lg < 63; lg++)
		if ((uint64_t)1 << lg > maxn / 2)
			break;
	*n = (uint64_t)1 << lg;
	if (!(ops < mem / 32)) {
		maxrp = (ops / 4) / *n;
		if (maxrp > 0x3fffffff)
			maxrp = 0x3fffffff;
		*p = (uint64_t)((uint32_t)maxrp / *r);
	}
}

/* ---- public keys ---------------------------------------------------- */

vz_status vz_pubkey_parse(const char *text, size_t len, const char *name,
                          vz_pubkey **out, vz_error *err)
{
	struct lines ls = {text, text + len};
	unsigned char raw[PK_BYTES + 3];
	const char *l = NULL;
	size_t n = 0, rl;
	vz_pubkey *pk = NULL;
	vz_status rc = VZ_E_PARSE;
	int r;

	*out = NULL;
	/* Skip blank lines; the key is the first line that is not a
	 * comment, so both the file and the bare -P form are accepted. */
	while ((r = next_line(&ls, &l, &n)) > 0) {
		trim(&l, &n);
		if (n > 0 && !has_prefix(l, n, UNTRUSTED_PREFIX))
			break;
	}
	if (r <= 0) {
		vz__error_set(err, rc, name, "no minisign public key found");
		goto out;
	}
	if (vz__b64_decode(l, n, raw, sizeof(raw), &rl) != 0 ||
	    rl != PK_BYTES) {
		vz__error_set(err, rc, name, "not a minisign public key "
		              "(bad base64 or wrong length)");
		goto out;
	}
	if (memcmp(raw, "Ed", 2) != 0) {
		vz__error_set(err, rc, name, "unsupported public key "
		              "algorithm (minisign keys are \"Ed\")");
		goto out;
	}
	if (!rest_blank(&ls)) {
		vz__error_set(err, rc, name, "unexpected text after the "
		              "public key");
		goto out;
	}
	pk = vz__calloc(1, sizeof(*pk));
	if (pk == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	memcpy(pk->keyid, raw + 2, VZ_MS_KEYID);
	memcpy(pk->pk, raw + 2 + VZ_MS_KEYID, VZ_MS_PK);
	*out = pk;
	rc = VZ_OK;
out:
	return rc;
}

vz_status vz_pubkey_load(const char *path, vz_pubkey **out, vz_error *err)
{
	char *data = NULL;
	size_t len = 0;
	vz_status rc;

	*out = NULL;
	rc = vz__file_read(path, VZ_KEYFILE_MAX, &data, &len, err);
	if (rc == VZ_E_NOTFOUND)
		rc = VZ_E_IO;
	if (rc == VZ_OK)
		rc = vz_pubkey_parse(data, len, path, out, err);
	vz__free(data);
	return rc;
}

void vz_pubkey_free(vz_pubkey *pk)
{
	vz__free(pk);
}

void vz_pubkey_keyid(const vz_pubkey *pk, char hex[VZ_KEYID_HEX_SIZE])
{
	vz__keyid_hex(pk->keyid, hex);
}

vz_status vz_pubkey_format(const vz_pubkey *pk, char **out)
{
	unsigned char raw[PK_BYTES];
	char b64[4 * ((PK_BYTES + 2) / 3) + 1], hex[VZ_KEYID_HEX_SIZE];
	struct vz_buf b;

	memcpy(raw, "Ed", 2);
	memcpy(raw + 2, pk->keyid, VZ_MS_KEYID);
	memcpy(raw + 2 + VZ_MS_KEYID, pk->pk, VZ_MS_PK);
	vz__b64_encode(raw, sizeof(raw), b64);
	vz__keyid_hex(pk->keyid, hex);
	vz__buf_init(&b);
	vz__buf_printf(&b, "%sminisign public key %s\n%s\n", UNTRUSTED_PREFIX,
	               hex, b64);
	*out = vz__buf_take(&b);
	return *out ? VZ_OK : VZ_E_NOMEM;
}

/* ---- secret keys ---------------------------------------------------- */

vz_status vz_seckey_parse(const char *text, size_t len, const char *name,
                          vz_password_fn pw, void *ctx, vz_seckey **out,
                          vz_error *err)
{
	struct lines ls = {text, text + len};
	unsigned char raw[SK_BYTES + 3], stream[KEYNUM_SK];
	unsigned char chk[VZ_MS_CHK], pk[VZ_MS_PK];
	static const unsigned char zero[VZ_MS_CHK];
	char pass[1024];
	const char *l = NULL;
	size_t n = 0, rl = 0;
	vz_seckey *sk = NULL;
	unsigned char *ks;
	vz_status rc = VZ_E_PARSE;
	int r, encrypted, plen = 0, i;

	*out = NULL;
	memset(raw, 0, sizeof(raw));
	memset(stream, 0, sizeof(stream));
	r = next_line(&ls, &l, &n);
	if (r <= 0 || !has_prefix(l, n, UNTRUSTED_PREFIX)) {
		vz__error_set(err, rc, name, "not a minisign secret key (the "
		              "first line must be \"untrusted comment: ...\")");
		goto out;
	}
	r = next_line(&ls, &l, &n);
	if (r > 0)
		trim(&l, &n);
	if (r <= 0 || vz__b64_decode(l, n, raw, sizeof(raw), &rl) != 0 ||
	    rl != SK_BYTES || !rest_blank(&ls)) {
		vz__error_set(err, rc, name, "not a minisign secret key "
		              "(bad base64 or wrong length)");
		goto out;
	}
	if (memcmp(raw, "Ed", 2) != 0 || memcmp(raw + 4, "B2", 2) != 0) {
		rc = VZ_E_UNSUPPORTED;
		vz__error_set(err, rc, name, "unsupported secret key "
		              "algorithm (expected Ed25519 with a BLAKE2b "
		              "checksum)");
		goto out;
	}
	if (memcmp(raw + 2, "Sc", 2) == 0) {
		encrypted = 1;
	} else if (raw[2] == 0 && raw[3] == 0) {
		encrypted = 0;
	} else {
		rc = VZ_E_UNSUPPORTED;
		vz__error_set(err, rc, name, "unsupported key derivation "
		              "function");
		goto out;
	}
	ks = raw + SK_BYTES - KEYNUM_SK;
	if (encrypted) {
		const unsigned char *salt = raw + 6;
		uint64_t ops = le64(raw + 6 + VZ_MS_SALT);
		uint64_t mem = le64(raw + 6 + VZ_MS_SALT + 8);
		uint64_t sn, sr, sp, maxmem;

		if (ops > KDF_OPSLIMIT_MAX || mem > KDF_MEMLIMIT_MAX) {
			rc = VZ_E_UNSUPPORTED;
			vz__error_set(err, rc, name, "key derivation cost "
			              "beyond what minisign uses; refused");
			goto out;
		}
		if (pw == NULL) {
			rc = VZ_E_USAGE;
			vz__error_set(err, rc, name, "the secret key is "
			              "encrypted and no password was given");
			goto out;
		}
		plen = pw(ctx, pass, sizeof(pass));
		if (plen < 0 || (size_t)plen > sizeof(pass)) {
			rc = VZ_E_USAGE;
			vz__error_set(err, rc, name, "no password for the "
			              "encrypted secret key");
			goto out;
		}
		scrypt_params(ops, mem, &sn, &sr, &sp);
		/* OpenSSL's own accounting of scrypt's memory, plus slack. */
		maxmem = sp * 128 * sr + 32 * sr * (sn + 2) * 4 + 65536;
		if (EVP_PBE_scrypt(pass, (size_t)plen, salt, VZ_MS_SALT, sn,
		                   sr, sp, maxmem, stream, KEYNUM_SK) != 1) {
			rc = VZ_E_INTERNAL;
			vz__error_set(err, rc, name, "scrypt key derivation "
			              "failed (out of memory?)");
			goto out;
		}
		for (i = 0; i < KEYNUM_SK; i++)
			ks[i] ^= stream[i];
	}
	sk = vz__calloc(1, sizeof(*sk));
	if (sk == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	memcpy(sk->keyid, ks, VZ_MS_KEYID);
	memcpy(sk->sk, ks + VZ_MS_KEYID, VZ_MS_SK);
	if (!seckey_checksum(sk, chk)) {
		rc = VZ_E_INTERNAL;
		vz__error_set(err, rc, name, "cannot compute the checksum");
		goto out;
	}
	/*
	 * minisign 0.11 writes an all-zero checksum for unencrypted keys,
	 * so for those a zero checksum is accepted; the public-key check
	 * below still catches a corrupted key.
	 */
	if (CRYPTO_memcmp(chk, ks + VZ_MS_KEYID + VZ_MS_SK, VZ_MS_CHK) != 0 &&
	    (encrypted || memcmp(ks + VZ_MS_KEYID + VZ_MS_SK, zero,
	                         VZ_MS_CHK) != 0)) {
		rc = VZ_E_INVALID;
		vz__error_set(err, rc, name, encrypted
		              ? "wrong password for this secret key"
		              : "secret key checksum mismatch (corrupted key)");
		goto out;
	}
	if (!ed25519_public(sk->sk, pk) ||
	    CRYPTO_memcmp(pk, sk->sk + 32, VZ_MS_PK) != 0) {
		rc = VZ_E_INVALID;
		vz__error_set(err, rc, name, "corrupted secret key (its "
		              "public half does not match)");
		goto out;
	}
	*out = sk;
	sk = NULL;
	rc = VZ_OK;
out:
	vz_seckey_free(sk);
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(stream, sizeof(stream));
	OPENSSL_cleanse(pass, sizeof(pass));
	OPENSSL_cleanse(chk, sizeof(chk));
	return rc;
}

vz_status vz_seckey_load(const char *path, vz_password_fn pw, void *ctx,
                         vz_seckey **out, vz_error *err)
{
	char *data = NULL;
	size_t len = 0;
	vz_status rc;

	*out = NULL;
	rc = vz__file_read(path, VZ_KEYFILE_MAX, &data, &len, err);
	if (rc == VZ_E_NOTFOUND)
		rc = VZ_E_IO;
	if (rc == VZ_OK)
		rc = vz_seckey_parse(data, len, path, pw, ctx, out, err);
	if (data != NULL)
		OPENSSL_cleanse(data, len);
	vz__free(data);
	return rc;
}

void vz_seckey_free(vz_seckey *sk)
{
	if (sk == NULL)
		return;
	OPENSSL_cleanse(sk, sizeof(*sk));
	vz__free(sk);
}

vz_status vz_seckey_generate(vz_seckey **out)
{
	EVP_PKEY *k = NULL;
	vz_seckey *sk = NULL;
	size_t n;
	vz_status rc = VZ_E_INTERNAL;

	*out = NULL;
	sk = vz__calloc(1, sizeof(*sk));
	if (sk == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (k == NULL || RAND_bytes(sk->keyid, VZ_MS_KEYID) != 1)
		goto out;
	n = 32;
	if (EVP_PKEY_get_raw_private_key(k, sk->sk, &n) != 1 || n != 32)
		goto out;
	n = VZ_MS_PK;
	if (EVP_PKEY_get_raw_public_key(k, sk->sk + 32, &n) != 1 ||
	    n != VZ_MS_PK)
		goto out;
	*out = sk;
	sk = NULL;
	rc = VZ_OK;
out:
	EVP_PKEY_free(k);
	vz_seckey_free(sk);
	return rc;
}

vz_status vz_seckey_pubkey(const vz_seckey *sk, vz_pubkey **out)
{
	vz_pubkey *pk = vz__calloc(1, sizeof(*pk));

	*out = pk;
	if (pk == NULL)
		return VZ_E_NOMEM;
	memcpy(pk->keyid, sk->keyid, VZ_MS_KEYID);
	memcpy(pk->pk, sk->sk + 32, VZ_MS_PK);
	return VZ_OK;
}

vz_status vz_seckey_format(const vz_seckey *sk, char **out)
{
	unsigned char raw[SK_BYTES];
	char b64[4 * ((SK_BYTES + 2) / 3) + 1];
	struct vz_buf b;
	vz_status rc = VZ_OK;

	*out = NULL;
	memset(raw, 0, sizeof(raw));
	/* kdf "\0\0": unencrypted; salt and limits stay zero, as -W. */
	memcpy(raw, "Ed", 2);
	memcpy(raw + 4, "B2", 2);
	memcpy(raw + SK_BYTES - KEYNUM_SK, sk->keyid, VZ_MS_KEYID);
	memcpy(raw + SK_BYTES - KEYNUM_SK + VZ_MS_KEYID, sk->sk, VZ_MS_SK);
	if (!seckey_checksum(sk, raw + SK_BYTES - VZ_MS_CHK)) {
		rc = VZ_E_INTERNAL;
		goto out;
	}
	vz__b64_encode(raw, sizeof(raw), b64);
	vz__buf_init(&b);
	vz__buf_printf(&b, "%sminisign secret key, UNENCRYPTED\n%s\n",
	               UNTRUSTED_PREFIX, b64);
	if (b.failed) {
		if (b.data != NULL)
			OPENSSL_cleanse(b.data, b.len);
		vz__buf_free(&b);
		rc = VZ_E_NOMEM;
		goto out;
	}
	*out = vz__buf_take(&b);
	if (*out == NULL)
		rc = VZ_E_NOMEM;
out:
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(b64, sizeof(b64));
	return rc;
}

/* ---- signatures ----------------------------------------------------- */

static int comment_ok(const char *s, size_t max)
{
	return strlen(s) <= max && strpbrk(s, "\r\n") == NULL;
}

vz_status vz_sign_buffer(const vz_seckey *sk, const void *data, size_t len,
                         const char *untrusted, const char *trusted,
                         char **out, vz_error *err)
{
	unsigned char hash[64], raw[SIG_BYTES], global[VZ_MS_SIG];
	unsigned char *gmsg = NULL;
	char b64s[4 * ((SIG_BYTES + 2) / 3) + 1];
	char b64g[4 * ((VZ_MS_SIG + 2) / 3) + 1];
	struct vz_buf b;
	size_t tl;
	vz_status rc = VZ_OK;

	*out = NULL;
	vz__buf_init(&b);
	if (untrusted == NULL)
		untrusted = "signature from voorzorg secret key";
	if (trusted == NULL)
		trusted = "";
	if (!comment_ok(untrusted, VZ_MS_COMMENT_MAX) ||
	    !comment_ok(trusted, VZ_MS_TRUSTED_MAX - sizeof(TRUSTED_PREFIX))) {
		rc = VZ_E_USAGE;
		vz__error_set(err, rc, NULL, "a signature comment must be one "
		              "line of at most %u bytes",
		              VZ_MS_COMMENT_MAX);
		goto out;
	}
	memcpy(raw, "ED", 2);
	memcpy(raw + 2, sk->keyid, VZ_MS_KEYID);
	if (!blake2b512(data, len, hash) ||
	    !ed25519_sign(sk->sk, hash, sizeof(hash), raw + 2 + VZ_MS_KEYID)) {
		rc = VZ_E_INTERNAL;
		vz__error_set(err, rc, NULL, "signing failed in the crypto "
		              "library");
		goto out;
	}
	tl = strlen(trusted);
	gmsg = vz__malloc(VZ_MS_SIG + tl);
	if (gmsg == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	memcpy(gmsg, raw + 2 + VZ_MS_KEYID, VZ_MS_SIG);
	memcpy(gmsg + VZ_MS_SIG, trusted, tl);
	if (!ed25519_sign(sk->sk, gmsg, VZ_MS_SIG + tl, global)) {
		rc = VZ_E_INTERNAL;
		vz__error_set(err, rc, NULL, "signing failed in the crypto "
		              "library");
		goto out;
	}
	vz__b64_encode(raw, sizeof(raw), b64s);
	vz__b64_encode(global, sizeof(global), b64g);
	vz__buf_printf(&b, "%s%s\n%s\n%s%s\n%s\n", UNTRUSTED_PREFIX,
	               untrusted, b64s, TRUSTED_PREFIX, trusted, b64g);
	*out = vz__buf_take(&b);
	if (*out == NULL)
		rc = VZ_E_NOMEM;
out:
	vz__buf_free(&b);
	vz__free(gmsg);
	return rc;
}

vz_status vz_sig_parse(const char *text, size_t len, const char *name,
                       vz_sig **out, vz_error *err)
{
	struct lines ls = {text, text + len};
	unsigned char raw[SIG_BYTES + 3], global[VZ_MS_SIG + 3];
	const char *l = NULL, *what = NULL;
	size_t n = 0, rl = 0;
	vz_sig *sig = NULL;
	vz_status rc = VZ_E_SIGNATURE;
	int r;

	*out = NULL;
	r = next_line(&ls, &l, &n);
	if (r <= 0 || !has_prefix(l, n, UNTRUSTED_PREFIX)) {
		what = r == 0 ? "empty signature file"
		              : "the first line must be \"untrusted comment: "
		                "...\"";
		goto bad;
	}
	r = next_line(&ls, &l, &n);
	if (r > 0)
		trim(&l, &n);
	if (r <= 0) {
		what = "truncated signature (no signature line)";
		goto bad;
	}
	if (vz__b64_decode(l, n, raw, sizeof(raw), &rl) != 0 ||
	    rl != SIG_BYTES) {
		what = "malformed signature line (bad base64 or wrong "
		       "length)";
		goto bad;
	}
	if (memcmp(raw, "ED", 2) != 0 && memcmp(raw, "Ed", 2) != 0) {
		what = "unsupported signature algorithm";
		goto bad;
	}
	r = next_line(&ls, &l, &n);
	if (r <= 0 || !has_prefix(l, n, TRUSTED_PREFIX)) {
		what = r == 0 ? "truncated signature (no trusted comment)"
		              : "the third line must be \"trusted comment: "
		                "...\"";
		goto bad;
	}
	if (n > VZ_MS_TRUSTED_MAX) {
		what = "trusted comment too long";
		goto bad;
	}
	sig = vz__calloc(1, sizeof(*sig));
	if (sig == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	sig->trusted = vz__strndup(l + strlen(TRUSTED_PREFIX),
	                           n - strlen(TRUSTED_PREFIX));
	if (sig->trusted == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	r = next_line(&ls, &l, &n);
	if (r > 0)
		trim(&l, &n);
	if (r <= 0) {
		what = "truncated signature (no global signature)";
		goto bad;
	}
	if (vz__b64_decode(l, n, global, sizeof(global), &rl) != 0 ||
	    rl != VZ_MS_SIG) {
		what = "malformed global signature (bad base64 or wrong "
		       "length)";
		goto bad;
	}
	if (!rest_blank(&ls)) {
		what = "unexpected text after the global signature";
		goto bad;
	}
	memcpy(sig->alg, raw, 2);
	memcpy(sig->keyid, raw + 2, VZ_MS_KEYID);
	memcpy(sig->sig, raw + 2 + VZ_MS_KEYID, VZ_MS_SIG);
	memcpy(sig->global, global, VZ_MS_SIG);
	*out = sig;
	sig = NULL;
	rc = VZ_OK;
	goto out;
bad:
	vz__error_set(err, rc, name, "%s", what);
out:
	vz_sig_free(sig);
	return rc;
}

void vz_sig_free(vz_sig *sig)
{
	if (sig == NULL)
		return;
	vz__free(sig->trusted);
	vz__free(sig);
}

const char *vz_sig_trusted_comment(const vz_sig *sig)
{
	return sig->trusted;
}

void vz_sig_keyid(const vz_sig *sig, char hex[VZ_KEYID_HEX_SIZE])
{
	vz__keyid_hex(sig->keyid, hex);
}

vz_status vz_sig_verify(const vz_sig *sig, const vz_pubkey *pk,
                        const void *data, size_t len, const char *name,
                        vz_error *err)
{
	unsigned char hash[64], *gmsg = NULL;
	char want[VZ_KEYID_HEX_SIZE], got[VZ_KEYID_HEX_SIZE];
	size_t tl;
	vz_status rc = VZ_E_SIGNATURE;

	if (memcmp(sig->keyid, pk->keyid, VZ_MS_KEYID) != 0) {
		vz__keyid_hex(sig->keyid, got);
		vz__keyid_hex(pk->keyid, want);
		vz__error_set(err, rc, name, "signed with key %s, not with "
		              "the trusted key %s", got, want);
		goto out;
	}
	if (memcmp(sig->alg, "ED", 2) == 0) {
		if (!blake2b512(data, len, hash)) {
			rc = VZ_E_INTERNAL;
			vz__error_set(err, rc, name, "hashing failed");
			goto out;
		}
		data = hash;
		len = sizeof(hash);
	}
	if (!ed25519_verify(pk->pk, data, len, sig->sig)) {
		vz__error_set(err, rc, name, "signature verification failed: "
		              "the file was altered or not signed by the "
		              "trusted key");
		goto out;
	}
	tl = strlen(sig->trusted);
	gmsg = vz__malloc(VZ_MS_SIG + tl);
	if (gmsg == NULL) {
		rc = VZ_E_NOMEM;
		goto out;
	}
	memcpy(gmsg, sig->sig, VZ_MS_SIG);
	memcpy(gmsg + VZ_MS_SIG, sig->trusted, tl);
	if (!ed25519_verify(pk->pk, gmsg, VZ_MS_SIG + tl, sig->global)) {
		vz__error_set(err, rc, name, "trusted comment signature "
		              "verification failed: the trusted comment was "
		              "altered");
		goto out;
	}
	rc = VZ_OK;
out:
	vz__free(gmsg);
	return rc;
}
