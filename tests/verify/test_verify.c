/*
 * tests/verify/test_verify.c - the signing module: minisign keys and
 * signatures, and vz_catalog_open's signature, rollback and expiry checks.
 *
 * Every accept path has a reject test: a changed byte, a forged or
 * truncated signature, a wrong key, a tampered trusted comment, garbage
 * base64, an older version, an expired catalogue. Keys are generated per
 * run; minisign itself is exercised by the shell scripts beside this.
 */
#define _XOPEN_SOURCE 700

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "verify/verify_int.h"

#ifndef VZ_TEST_SOURCE_ROOT
#define VZ_TEST_SOURCE_ROOT "."
#endif

/* 2024-06-01T00:00:00Z: "now" for the catalogue tests. */
#define NOW 1717200000

static char tmpdir[256];

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vz-test-verify.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void path_in(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", tmpdir, name);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path, size_t *len)
{
	char *data = NULL;
	vz_error err;

	assert_int_equal(vz__file_read(path, 1u << 24, &data, len, &err),
	                 VZ_OK);
	return data;
}

/* A signature over `msg`, as .minisig text in *out; the caller frees
 * it. */
static void sign_text(const vz_seckey *sk, const char *msg,
                      const char *trusted, char **out)
{
	vz_error err;

	assert_int_equal(vz_sign_buffer(sk, msg, strlen(msg), NULL, trusted,
	                                out, &err), VZ_OK);
}

static vz_status verify_text(const vz_pubkey *pk, const char *msg,
                             const char *sigtext, vz_error *err)
{
	vz_sig *sig = NULL;
	vz_status rc;

	rc = vz_sig_parse(sigtext, strlen(sigtext), "t.minisig", &sig, err);
	if (rc == VZ_OK)
		rc = vz_sig_verify(sig, pk, msg, strlen(msg), "t", err);
	vz_sig_free(sig);
	return rc;
}

struct keys {
	vz_seckey *sk;
	vz_pubkey *pk;
	vz_seckey *sk2;
	vz_pubkey *pk2;
};

static void keys_make(struct keys *k)
{
	assert_int_equal(vz_seckey_generate(&k->sk), VZ_OK);
	assert_int_equal(vz_seckey_pubkey(k->sk, &k->pk), VZ_OK);
	assert_int_equal(vz_seckey_generate(&k->sk2), VZ_OK);
	assert_int_equal(vz_seckey_pubkey(k->sk2, &k->pk2), VZ_OK);
}

static void keys_free(struct keys *k)
{
	vz_seckey_free(k->sk);
	vz_pubkey_free(k->pk);
	vz_seckey_free(k->sk2);
	vz_pubkey_free(k->pk2);
}

/* ---- base64 --------------------------------------------------------- */

static void test_base64(void **state)
{
	unsigned char out[16], in[5] = {0xde, 0xad, 0xbe, 0xef, 0x01};
	char enc[16];
	size_t n, len;

	(void)state;
	for (len = 0; len <= 5; len++) {
		vz__b64_encode(in, len, enc);
		if (len == 0)
			continue;
		assert_int_equal(vz__b64_decode(enc, strlen(enc), out,
		                                sizeof(out), &n), 0);
		assert_int_equal(n, len);
		assert_memory_equal(out, in, len);
	}
	/* Not a multiple of four, bad characters, padding in the middle,
	 * non-zero unused bits: all refused. */
	assert_int_equal(vz__b64_decode("QUJD", 3, out, 16, &n), -1);
	assert_int_equal(vz__b64_decode("QU*D", 4, out, 16, &n), -1);
	assert_int_equal(vz__b64_decode("QQ==QUJD", 8, out, 16, &n), -1);
	assert_int_equal(vz__b64_decode("QR==", 4, out, 16, &n), -1);
	assert_int_equal(vz__b64_decode("Q===", 4, out, 16, &n), -1);
	assert_int_equal(vz__b64_decode("QUJDQUJD", 8, out, 5, &n), -1);
}

/* ---- keys ----------------------------------------------------------- */

static void test_pubkey_forms(void **state)
{
	struct keys k;
	vz_pubkey *p1 = NULL, *p2 = NULL, *bad = NULL;
	char *text = NULL, *b64, h1[VZ_KEYID_HEX_SIZE], h2[VZ_KEYID_HEX_SIZE];
	vz_error err;

	(void)state;
	keys_make(&k);
	assert_int_equal(vz_pubkey_format(k.pk, &text), VZ_OK);
	assert_int_equal(vz_pubkey_parse(text, strlen(text), "f", &p1, &err),
	                 VZ_OK);
	/* The bare base64 form, as minisign -P takes it. */
	b64 = strchr(text, '\n') + 1;
	assert_int_equal(vz_pubkey_parse(b64, strlen(b64), "-P", &p2, &err),
	                 VZ_OK);
	vz_pubkey_keyid(p1, h1);
	vz_pubkey_keyid(p2, h2);
	assert_string_equal(h1, h2);
	assert_non_null(strstr(text, h1)); /* the comment names the id */
	/* Wrong algorithm, wrong length, garbage, extra text. */
	b64[0] = 'Q';
	assert_int_equal(vz_pubkey_parse(text, strlen(text), "f", &bad, &err),
	                 VZ_E_PARSE);
	assert_null(bad);
	assert_int_equal(vz_pubkey_parse("RWQf6LRCGA9i53mlYecO4Iz", 23, "x",
	                                 &bad, &err), VZ_E_PARSE);
	assert_int_equal(vz_pubkey_parse("!!!!", 4, "x", &bad, &err),
	                 VZ_E_PARSE);
	assert_int_equal(vz_pubkey_parse("", 0, "x", &bad, &err), VZ_E_PARSE);
	assert_string_equal(err.file, "x");
	vz_free(text);
	vz_pubkey_free(p1);
	vz_pubkey_free(p2);
	keys_free(&k);
}

static void test_seckey_roundtrip(void **state)
{
	struct keys k;
	vz_seckey *back = NULL;
	char *text = NULL, *sig = NULL;
	unsigned char raw[200];
	size_t n;
	char *b64, *nl;
	vz_error err;

	(void)state;
	keys_make(&k);
	assert_int_equal(vz_seckey_format(k.sk, &text), VZ_OK);
	assert_int_equal(vz_seckey_parse(text, strlen(text), "k", NULL, NULL,
	                                 &back, &err), VZ_OK);
	/* The parsed key signs what the original key's public half takes. */
	sign_text(back, "hello", "t", &sig);
	assert_int_equal(verify_text(k.pk, "hello", sig, &err), VZ_OK);
	vz_free(sig);
	vz_seckey_free(back);
	back = NULL;

	/* A corrupted checksum is refused... */
	b64 = strchr(text, '\n') + 1;
	nl = strchr(b64, '\n');
	assert_int_equal(vz__b64_decode(b64, (size_t)(nl - b64), raw,
	                                sizeof(raw), &n), 0);
	assert_int_equal(n, 158);
	raw[157] ^= 1;
	vz__b64_encode(raw, n, b64);
	b64[strlen(b64)] = '\n';
	assert_int_equal(vz_seckey_parse(text, strlen(text), "k", NULL, NULL,
	                                 &back, &err), VZ_E_INVALID);
	assert_null(back);
	/* ...but an all-zero one is what minisign 0.11 writes with -W. */
	memset(raw + 126, 0, 32);
	vz__b64_encode(raw, n, b64);
	b64[strlen(b64)] = '\n';
	assert_int_equal(vz_seckey_parse(text, strlen(text), "k", NULL, NULL,
	                                 &back, &err), VZ_OK);
	vz_seckey_free(back);
	back = NULL;
	/* A secret half that does not match its public half is refused. */
	raw[70] ^= 1; /* in the seed */
	memset(raw + 126, 0, 32);
	vz__b64_encode(raw, n, b64);
	b64[strlen(b64)] = '\n';
	assert_int_equal(vz_seckey_parse(text, strlen(text), "k", NULL, NULL,
	                                 &back, &err), VZ_E_INVALID);
	/* An encrypted key without a password callback. */
	raw[70] ^= 1;
	memcpy(raw + 2, "Sc", 2);
	vz__b64_encode(raw, n, b64);
	b64[strlen(b64)] = '\n';
	assert_int_equal(vz_seckey_parse(text, strlen(text), "k", NULL, NULL,
	                                 &back, &err), VZ_E_USAGE);
	/* Not a key at all. */
	assert_int_equal(vz_seckey_parse("hello\n", 6, "k", NULL, NULL, &back,
	                                 &err), VZ_E_PARSE);
	vz_free(text);
	keys_free(&k);
}

/* ---- signatures ----------------------------------------------------- */

static void test_sign_verify_roundtrip(void **state)
{
	struct keys k;
	char *s = NULL;
	vz_sig *sig = NULL;
	vz_error err;
	char h1[VZ_KEYID_HEX_SIZE], h2[VZ_KEYID_HEX_SIZE];

	(void)state;
	keys_make(&k);
	sign_text(k.sk, "catalogue bytes", "timestamp:1\tfile:x", &s);
	assert_non_null(strstr(s, "untrusted comment: "));
	assert_non_null(strstr(s, "\ntrusted comment: timestamp:1\tfile:x\n"));
	assert_int_equal(verify_text(k.pk, "catalogue bytes", s, &err), VZ_OK);
	assert_int_equal(vz_sig_parse(s, strlen(s), "t", &sig, &err), VZ_OK);
	assert_string_equal(vz_sig_trusted_comment(sig), "timestamp:1\tfile:x");
	vz_sig_keyid(sig, h1);
	vz_pubkey_keyid(k.pk, h2);
	assert_string_equal(h1, h2);
	/* Signing is deterministic (Ed25519), so signatures are
	 * reproducible. */
	{
		char *again = NULL;

		sign_text(k.sk, "catalogue bytes", "timestamp:1\tfile:x",
		          &again);

		assert_string_equal(again, s);
		vz_free(again);
	}
	/* A comment with a line break would forge a line: refused. */
	{
		char *none = NULL;

		assert_int_equal(vz_sign_buffer(k.sk, "x", 1, NULL, "a\nb",
		                                &none, &err), VZ_E_USAGE);
		assert_null(none);
	}
	vz_sig_free(sig);
	vz_free(s);
	keys_free(&k);
}

static void test_one_byte_changed(void **state)
{
	struct keys k;
	char msg[] = "the catalogue lists these products";
	char *s;
	size_t i;
	vz_error err;

	(void)state;
	keys_make(&k);
	sign_text(k.sk, msg, "t", &s);
	for (i = 0; i < strlen(msg); i++) {
		msg[i] ^= 0x20;
		assert_int_equal(verify_text(k.pk, msg, s, &err),
		                 VZ_E_SIGNATURE);
		msg[i] ^= 0x20;
	}
	assert_non_null(strstr(err.msg, "signature verification failed"));
	assert_int_equal(verify_text(k.pk, msg, s, &err), VZ_OK);
	vz_free(s);
	keys_free(&k);
}

static void test_wrong_key(void **state)
{
	struct keys k;
	char *s;
	vz_error err;

	(void)state;
	keys_make(&k);
	sign_text(k.sk, "data", "t", &s);
	assert_int_equal(verify_text(k.pk2, "data", s, &err), VZ_E_SIGNATURE);
	assert_non_null(strstr(err.msg, "not with the trusted key"));
	vz_free(s);
	keys_free(&k);
}

/* Replace the base64 on line `line` (0-based) of sig text with raw. */
static void set_line(char *text, int line, const unsigned char *raw,
                     size_t n)
{
	char *p = text;
	int i;

	for (i = 0; i < line; i++)
		p = strchr(p, '\n') + 1;
	vz__b64_encode(raw, n, p); /* same length: overwrite in place */
	p[strlen(p)] = '\n';
}

static void get_line(const char *text, int line, unsigned char *raw,
                     size_t *n)
{
	const char *p = text, *nl;
	int i;

	for (i = 0; i < line; i++)
		p = strchr(p, '\n') + 1;
	nl = strchr(p, '\n');
	assert_int_equal(vz__b64_decode(p, (size_t)(nl - p), raw, 80, n), 0);
}

static void test_forged(void **state)
{
	struct keys k;
	char *good, *forged;
	unsigned char raw[80], raw2[80];
	size_t n, n2;
	vz_error err;

	(void)state;
	keys_make(&k);
	sign_text(k.sk, "data", "t", &good);
	/* Signed by another key but claiming the trusted key's id. */
	sign_text(k.sk2, "data", "t", &forged);
	get_line(good, 1, raw, &n);
	get_line(forged, 1, raw2, &n2);
	memcpy(raw2 + 2, raw + 2, 8);
	set_line(forged, 1, raw2, n2);
	assert_int_equal(verify_text(k.pk, "data", forged, &err),
	                 VZ_E_SIGNATURE);
	/* A flipped bit in the signature itself. */
	raw[20] ^= 0x04;
	set_line(good, 1, raw, n);
	assert_int_equal(verify_text(k.pk, "data", good, &err),
	                 VZ_E_SIGNATURE);
	/* An all-zero signature. */
	memset(raw + 10, 0, 64);
	set_line(good, 1, raw, n);
	assert_int_equal(verify_text(k.pk, "data", good, &err),
	                 VZ_E_SIGNATURE);
	/* A key id that matches nothing. */
	vz_free(good);
	sign_text(k.sk, "data", "t", &good);
	get_line(good, 1, raw, &n);
	raw[2] ^= 1;
	set_line(good, 1, raw, n);
	assert_int_equal(verify_text(k.pk, "data", good, &err),
	                 VZ_E_SIGNATURE);
	assert_non_null(strstr(err.msg, "signed with key"));
	/* One that differs from the trusted key's only in its last byte:
	 * the whole key id is compared. */
	vz_free(good);
	sign_text(k.sk, "data", "t", &good);
	get_line(good, 1, raw, &n);
	raw[9] ^= 0x80;
	set_line(good, 1, raw, n);
	assert_int_equal(verify_text(k.pk, "data", good, &err),
	                 VZ_E_SIGNATURE);
	assert_non_null(strstr(err.msg, "signed with key"));
	/* An unknown algorithm. */
	vz_free(good);
	sign_text(k.sk, "data", "t", &good);
	get_line(good, 1, raw, &n);
	raw[1] = 'X';
	set_line(good, 1, raw, n);
	assert_int_equal(verify_text(k.pk, "data", good, &err),
	                 VZ_E_SIGNATURE);
	vz_free(good);
	vz_free(forged);
	keys_free(&k);
}

static void test_trusted_comment_tampered(void **state)
{
	struct keys k;
	char *s, *p;
	vz_error err;

	(void)state;
	keys_make(&k);
	sign_text(k.sk, "data", "version:5", &s);
	p = strstr(s, "version:5");
	p[8] = '9';
	assert_int_equal(verify_text(k.pk, "data", s, &err), VZ_E_SIGNATURE);
	assert_non_null(strstr(err.msg, "trusted comment"));
	vz_free(s);
	keys_free(&k);
}

static void test_truncated(void **state)
{
	struct keys k;
	char *s, *cut;
	size_t i, len;
	vz_error err;

	(void)state;
	keys_make(&k);
	sign_text(k.sk, "data", "a trusted comment", &s);
	len = strlen(s);
	cut = malloc(len + 1);
	assert_non_null(cut);
	/* Every prefix short of the final newline is refused. */
	for (i = 0; i + 1 < len; i++) {
		memcpy(cut, s, i);
		cut[i] = '\0';
		assert_int_not_equal(verify_text(k.pk, "data", cut, &err),
		                     VZ_OK);
	}
	memcpy(cut, s, len - 1);
	cut[len - 1] = '\0';
	assert_int_equal(verify_text(k.pk, "data", cut, &err), VZ_OK);
	free(cut);
	vz_free(s);
	keys_free(&k);
}

static void test_garbage_base64(void **state)
{
	struct keys k;
	char *s, *p;
	vz_sig *sig = NULL;
	vz_error err;

	(void)state;
	keys_make(&k);
	sign_text(k.sk, "data", "t", &s);
	p = strchr(s, '\n') + 1;
	p[5] = '*';
	assert_int_equal(vz_sig_parse(s, strlen(s), "t", &sig, &err),
	                 VZ_E_SIGNATURE);
	assert_null(sig);
	assert_non_null(strstr(err.msg, "base64"));
	vz_free(s);
	sign_text(k.sk, "data", "t", &s);
	p = strrchr(s, '=');
	*p = 'A'; /* padding replaced: wrong length */
	assert_int_equal(vz_sig_parse(s, strlen(s), "t", &sig, &err),
	                 VZ_E_SIGNATURE);
	/* Embedded NUL, extra lines, CRLF (accepted, as minisign does). */
	assert_int_equal(vz_sig_parse("untrusted comment: \0x", 21, "t", &sig,
	                              &err), VZ_E_SIGNATURE);
	vz_free(s);
	sign_text(k.sk, "data", "t", &s);
	{
		size_t n = strlen(s);
		char *crlf = malloc(2 * n + 16), *q = crlf;

		assert_non_null(crlf);
		for (p = s; *p; p++) {
			if (*p == '\n')
				*q++ = '\r';
			*q++ = *p;
		}
		*q = '\0';
		assert_int_equal(verify_text(k.pk, "data", crlf, &err), VZ_OK);
		memcpy(q, "junk\n", 6);
		assert_int_equal(verify_text(k.pk, "data", crlf, &err),
		                 VZ_E_SIGNATURE);
		free(crlf);
	}
	vz_free(s);
	keys_free(&k);
}

/* A legacy "Ed" signature (Ed25519 over the data itself), made here
 * with OpenSSL, since voorzorg only writes the prehashed kind. */
static void test_legacy(void **state)
{
	struct keys k;
	unsigned char raw[74], glob[64], gmsg[64 + 1];
	char text[512], b1[120], b2[100];
	EVP_PKEY *pkey;
	EVP_MD_CTX *c;
	size_t sl;
	vz_error err;

	(void)state;
	keys_make(&k);
	pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL,
	                                    k.sk->sk, 32);
	assert_non_null(pkey);
	memcpy(raw, "Ed", 2);
	memcpy(raw + 2, k.sk->keyid, 8);
	c = EVP_MD_CTX_new();
	sl = 64;
	assert_int_equal(EVP_DigestSignInit(c, NULL, NULL, NULL, pkey), 1);
	assert_int_equal(EVP_DigestSign(c, raw + 10, &sl,
	                                (const unsigned char *)"data", 4), 1);
	EVP_MD_CTX_free(c);
	memcpy(gmsg, raw + 10, 64);
	gmsg[64] = 'T';
	c = EVP_MD_CTX_new();
	sl = 64;
	assert_int_equal(EVP_DigestSignInit(c, NULL, NULL, NULL, pkey), 1);
	assert_int_equal(EVP_DigestSign(c, glob, &sl, gmsg, 65), 1);
	EVP_MD_CTX_free(c);
	EVP_PKEY_free(pkey);
	vz__b64_encode(raw, 74, b1);
	vz__b64_encode(glob, 64, b2);
	snprintf(text, sizeof(text), "untrusted comment: x\n%s\n"
	         "trusted comment: T\n%s\n", b1, b2);
	assert_int_equal(verify_text(k.pk, "data", text, &err), VZ_OK);
	assert_int_equal(verify_text(k.pk, "datA", text, &err),
	                 VZ_E_SIGNATURE);
	keys_free(&k);
}

/* ---- vz_catalog_open ------------------------------------------------ */

/* A signed test catalogue at tmpdir/NAME with version and expiry. */
static void make_catalog(const char *name, const vz_seckey *sk,
                         long long version, const char *expires)
{
	char path[512];
	json_error_t jerr;
	json_t *root;
	vz_diags *d = vz_diags_new();
	const char *base = getenv("VZ_VERIFY_BASE_CATALOG");

	/* Derived from the suite's minimal catalogue, so these tests follow
	 * the format as it evolves. */
	if (base == NULL || base[0] == '\0')
		base = VZ_TEST_SOURCE_ROOT "/tests/catalogs/good/minimal.json";
	root = json_load_file(base, 0, &jerr);
	assert_non_null(root);
	json_object_set_new(root, "version", json_integer(version));
	json_object_set_new(root, "expires", json_string(expires));
	path_in(path, sizeof(path), name);
	assert_int_equal(json_dump_file(root, path, JSON_INDENT(2)), 0);
	json_decref(root);
	if (sk != NULL)
		assert_int_equal(vz_catalog_sign(path, sk, NULL, NULL, NULL,
		                                 NOW, d), VZ_OK);
	vz_diags_free(d);
}

struct env {
	struct keys k;
	char pub[512], state[512];
	vz_open_opts o;
};

static void env_make(struct env *e)
{
	char *text = NULL;

	keys_make(&e->k);
	path_in(e->pub, sizeof(e->pub), "trusted.pub");
	assert_int_equal(vz_pubkey_format(e->k.pk, &text), VZ_OK);
	write_file(e->pub, text, strlen(text));
	vz_free(text);
	path_in(e->state, sizeof(e->state), "state/state.json");
	unlink(e->state);
	vz_open_opts_init(&e->o);
	e->o.pubkey = e->pub;
	e->o.state_file = e->state;
	e->o.now = NOW;
}

static vz_status open_cat(struct env *e, const char *name,
                          vz_open_info *info, vz_diags *d)
{
	char path[512];
	vz_catalog *cat = NULL;
	vz_status rc;

	path_in(path, sizeof(path), name);
	vz_diags_clear(d);
	rc = vz_catalog_open(path, &e->o, &cat, info, d);
	if (rc == VZ_OK)
		assert_non_null(cat);
	else
		assert_null(cat);
	vz_catalog_free(cat);
	return rc;
}

static void test_open_valid(void **state)
{
	struct env e;
	vz_open_info info;
	vz_diags *d = vz_diags_new();
	char *st;
	size_t len;

	(void)state;
	env_make(&e);
	make_catalog("valid.json", e.k.sk, 3, "2024-12-31");
	assert_int_equal(open_cat(&e, "valid.json", &info, d), VZ_OK);
	assert_int_equal(info.signature, VZ_SIG_VALID);
	assert_string_equal(vz_sigstate_name(info.signature), "valid");
	assert_string_equal(info.id, "example-catalogue");
	assert_int_equal(info.version, 3);
	assert_int_equal(info.previous, -1);
	assert_int_equal(info.recorded, 1);
	assert_int_equal(info.expired, 0);
	assert_non_null(strstr(info.trusted_comment,
	                       "catalog:example-catalogue\tversion:3"));
	assert_int_equal(vz_diags_count(d), 0);
	st = read_file(e.state, &len);
	assert_non_null(strstr(st, "\"example-catalogue\""));
	assert_non_null(strstr(st, "\"version\": 3"));
	vz__free(st);
	/* Opening again: recorded already, nothing new to write. */
	assert_int_equal(open_cat(&e, "valid.json", &info, d), VZ_OK);
	assert_int_equal(info.previous, 3);
	assert_int_equal(info.recorded, 0);
	vz_diags_free(d);
	keys_free(&e.k);
}

static void test_open_rejects(void **state)
{
	struct env e;
	vz_open_info info;
	vz_diags *d = vz_diags_new();
	char path[512], sp[512], *data;
	size_t len;

	(void)state;
	env_make(&e);
	/* One byte changed in the catalogue. */
	make_catalog("byte.json", e.k.sk, 3, "2024-12-31");
	path_in(path, sizeof(path), "byte.json");
	data = read_file(path, &len);
	data[len / 2] ^= 1;
	write_file(path, data, len);
	vz__free(data);
	assert_int_equal(open_cat(&e, "byte.json", &info, d), VZ_E_SIGNATURE);
	assert_int_equal(info.signature, VZ_SIG_INVALID);
	assert_string_equal(vz_diags_get(d, 0)->file, path);
	/* Signed with another key. */
	make_catalog("other.json", e.k.sk2, 3, "2024-12-31");
	assert_int_equal(open_cat(&e, "other.json", &info, d), VZ_E_SIGNATURE);
	/* Truncated signature. */
	make_catalog("trunc.json", e.k.sk, 3, "2024-12-31");
	path_in(sp, sizeof(sp), "trunc.json.minisig");
	data = read_file(sp, &len);
	write_file(sp, data, len / 2);
	vz__free(data);
	assert_int_equal(open_cat(&e, "trunc.json", &info, d), VZ_E_SIGNATURE);
	/* Unsigned: refused; allowed, with a warning, never recorded. */
	make_catalog("unsigned.json", NULL, 50, "2024-12-31");
	assert_int_equal(open_cat(&e, "unsigned.json", &info, d),
	                 VZ_E_UNSIGNED);
	assert_int_equal(info.signature, VZ_SIG_UNSIGNED);
	e.o.flags = VZ_OPEN_ALLOW_UNSIGNED;
	assert_int_equal(open_cat(&e, "unsigned.json", &info, d), VZ_OK);
	assert_int_equal(info.signature, VZ_SIG_UNSIGNED);
	assert_string_equal(vz_sigstate_name(info.signature), "unsigned");
	assert_int_equal(vz_diags_warnings(d), 1);
	assert_int_equal(info.recorded, 0);
	/* ...but a bad signature is never "unsigned". */
	assert_int_equal(open_cat(&e, "byte.json", &info, d), VZ_E_SIGNATURE);
	e.o.flags = 0;
	/* No such catalogue; no such key. */
	assert_int_equal(open_cat(&e, "nothere.json", &info, d), VZ_E_IO);
	e.o.pubkey = "/nonexistent/key.pub";
	assert_int_equal(open_cat(&e, "trunc.json", &info, d), VZ_E_IO);
	vz_diags_free(d);
	keys_free(&e.k);
}

static void test_open_rollback(void **state)
{
	struct env e;
	vz_open_info info;
	vz_diags *d = vz_diags_new();
	char *st;
	size_t len;

	(void)state;
	env_make(&e);
	make_catalog("v5.json", e.k.sk, 5, "2024-12-31");
	make_catalog("v4.json", e.k.sk, 4, "2024-12-31");
	make_catalog("v6.json", e.k.sk, 6, "2024-12-31");
	assert_int_equal(open_cat(&e, "v4.json", &info, d), VZ_OK);
	assert_int_equal(open_cat(&e, "v5.json", &info, d), VZ_OK);
	assert_int_equal(open_cat(&e, "v4.json", &info, d), VZ_E_ROLLBACK);
	assert_int_equal(info.previous, 5);
	assert_non_null(strstr(vz_diags_get(d, 0)->msg, "older than "
	                       "version 5"));
	/* Checked without recording: still refused; v6 not recorded. */
	e.o.flags = VZ_OPEN_NO_RECORD;
	assert_int_equal(open_cat(&e, "v4.json", &info, d), VZ_E_ROLLBACK);
	assert_int_equal(open_cat(&e, "v6.json", &info, d), VZ_OK);
	assert_int_equal(info.recorded, 0);
	/* A named file: older is said (a warning), not refused; nothing
	 * it reads raises the floor. */
	e.o.flags = VZ_OPEN_INSPECT;
	assert_int_equal(open_cat(&e, "v4.json", &info, d), VZ_OK);
	assert_int_equal(info.older, 1);
	assert_int_equal(info.previous, 5);
	assert_int_equal(vz_diags_warnings(d), 1);
	assert_non_null(strstr(vz_diags_get(d, 0)->msg, "older than the "
	                       "trusted version 5"));
	assert_int_equal(open_cat(&e, "v6.json", &info, d), VZ_OK);
	assert_int_equal(info.older, 0);
	assert_int_equal(info.recorded, 0);
	e.o.flags = 0;
	assert_int_equal(open_cat(&e, "v4.json", &info, d), VZ_E_ROLLBACK);
	assert_int_equal(info.previous, 5);
	e.o.flags = VZ_OPEN_NO_STATE;
	assert_int_equal(open_cat(&e, "v4.json", &info, d), VZ_OK);
	e.o.flags = 0;
	assert_int_equal(open_cat(&e, "v5.json", &info, d), VZ_OK);
	/* The state file is whole JSON, never torn, and no temporary file
	 * is left beside it. */
	st = read_file(e.state, &len);
	assert_true(len > 0 && st[len - 1] == '\n');
	vz__free(st);
	/* A corrupt state file fails closed. */
	write_file(e.state, "{not json", 9);
	assert_int_equal(open_cat(&e, "v6.json", &info, d), VZ_E_PARSE);
	assert_non_null(strstr(vz_diags_get(d, 0)->msg, "corrupt state"));
	vz_diags_free(d);
	keys_free(&e.k);
}

static void test_open_expiry(void **state)
{
	struct env e;
	vz_open_info info;
	vz_diags *d = vz_diags_new();

	(void)state;
	env_make(&e);
	/* Valid through 2024-05-31, so at NOW (2024-06-01) just expired. */
	make_catalog("exp.json", e.k.sk, 1, "2024-05-31");
	e.o.now = NOW - 1;
	assert_int_equal(open_cat(&e, "exp.json", &info, d), VZ_OK);
	assert_int_equal(info.expired, 0);
	e.o.now = NOW;
	assert_int_equal(open_cat(&e, "exp.json", &info, d), VZ_OK);
	assert_int_equal(info.expired, 1);
	assert_int_equal(vz_diags_warnings(d), 1);
	assert_int_equal(vz_diags_get(d, 0)->severity, VZ_SEV_WARNING);
	e.o.now = NOW + 29 * 86400;
	assert_int_equal(open_cat(&e, "exp.json", &info, d), VZ_OK);
	e.o.now = NOW + 30 * 86400;
	assert_int_equal(open_cat(&e, "exp.json", &info, d), VZ_E_EXPIRED);
	assert_non_null(strstr(vz_diags_get(d, 0)->msg, "expired on "
	                       "2024-05-31"));
	/* The grace period is configurable. */
	e.o.grace = 60 * 86400;
	assert_int_equal(open_cat(&e, "exp.json", &info, d), VZ_OK);
	e.o.grace = 0;
	e.o.now = NOW;
	assert_int_equal(open_cat(&e, "exp.json", &info, d), VZ_E_EXPIRED);
	/* An expired catalogue is not recorded either. */
	vz_diags_free(d);
	keys_free(&e.k);
}

/* ---- allocation failures -------------------------------------------- */

static void test_oom(void **state)
{
	struct env e;
	vz_open_info info;
	vz_diags *d;
	char path[512], *s = NULL;
	vz_sig *sig = NULL;
	vz_error err;
	long n;
	vz_status rc;

	(void)state;
	env_make(&e);
	make_catalog("oom.json", e.k.sk, 1, "2024-12-31");
	path_in(path, sizeof(path), "oom.json");
	vz__alloc_hook_jansson();
	for (n = 0; n < 2000; n++) {
		vz_catalog *cat = NULL;

		d = vz_diags_new();
		assert_non_null(d);
		unlink(e.state);
		vz__alloc_fail_after(n);
		rc = vz_catalog_open(path, &e.o, &cat, &info, d);
		vz__alloc_fail_after(-1);
		vz_diags_free(d);
		if (rc == VZ_OK) {
			assert_non_null(cat);
			vz_catalog_free(cat);
			break;
		}
		assert_null(cat);
		/* Failing to record the state is only a warning. */
		assert_int_equal(rc, VZ_E_NOMEM);
	}
	assert_true(n < 2000);
	for (n = 0; n < 100; n++) {
		vz__alloc_fail_after(n);
		rc = vz_sign_buffer(e.k.sk, "x", 1, NULL, "t", &s, &err);
		if (rc == VZ_OK)
			rc = vz_sig_parse(s, strlen(s), "t", &sig, &err);
		vz__alloc_fail_after(-1);
		vz_sig_free(sig);
		sig = NULL;
		vz_free(s);
		s = NULL;
		if (rc == VZ_OK)
			break;
		assert_int_equal(rc, VZ_E_NOMEM);
	}
	assert_true(n < 100);
	keys_free(&e.k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_base64),
	    cmocka_unit_test(test_pubkey_forms),
	    cmocka_unit_test(test_seckey_roundtrip),
	    cmocka_unit_test(test_sign_verify_roundtrip),
	    cmocka_unit_test(test_one_byte_changed),
	    cmocka_unit_test(test_wrong_key),
	    cmocka_unit_test(test_forged),
	    cmocka_unit_test(test_trusted_comment_tampered),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_garbage_base64),
	    cmocka_unit_test(test_legacy),
	    cmocka_unit_test(test_open_valid),
	    cmocka_unit_test(test_open_rejects),
	    cmocka_unit_test(test_open_rollback),
	    cmocka_unit_test(test_open_expiry),
	    cmocka_unit_test(test_oom),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
