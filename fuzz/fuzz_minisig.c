/*
 * fuzz/fuzz_minisig.c - libFuzzer harness for the minisign parsers.
 *
 * The same bytes go to the signature, public-key and secret-key parsers
 * (all three read untrusted files) and to the strict base64 decoder. A
 * signature that parses is also verified over the input with a fixed key,
 * which walks the key-id, prehash and global-signature paths. Encrypted
 * secret keys get no password callback, so the fuzzer never runs scrypt.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "verify/verify_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A minisign public key (any valid one will do: forgeries must fail). */
static const char fixed_pub[] =
    "untrusted comment: minisign public key 857FBF8A5766B7C5\n"
    "RWTFt2ZXir9/hf7mQJW6J6Exg6F6LQOpaUoNvH9Crxss6XSAH3W1D7pT\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	unsigned char raw[256];
	vz_pubkey *pk = NULL, *fixed = NULL;
	vz_seckey *sk = NULL;
	vz_sig *sig = NULL;
	vz_error err;
	size_t n;

	if (vz_sig_parse(text, size, "fuzz.minisig", &sig, &err) == VZ_OK &&
	    vz_pubkey_parse(fixed_pub, strlen(fixed_pub), "fixed", &fixed,
	                    &err) == VZ_OK) {
		(void)vz_sig_trusted_comment(sig);
		/* Forging a signature by fuzzing must never succeed. */
		if (vz_sig_verify(sig, fixed, data, size, "fuzz", &err) ==
		    VZ_OK)
			__builtin_trap();
	}
	vz_sig_free(sig);
	vz_pubkey_free(fixed);
	if (vz_pubkey_parse(text, size, "fuzz.pub", &pk, &err) == VZ_OK) {
		char *out = NULL;

		if (vz_pubkey_format(pk, &out) == VZ_OK)
			vz_free(out);
	}
	vz_pubkey_free(pk);
	if (vz_seckey_parse(text, size, "fuzz.key", NULL, NULL, &sk, &err) ==
	    VZ_OK) {
		char *out = NULL;

		if (vz_seckey_format(sk, &out) == VZ_OK)
			vz_free(out);
	}
	vz_seckey_free(sk);
	(void)vz__b64_decode(text, size, raw, sizeof(raw), &n);
	return 0;
}
