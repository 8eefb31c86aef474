/*
 * lib/verify/sign.c - signing a catalogue file.
 *
 * A signature vouches for content, so only a catalogue that loads without
 * errors is signed, and the bytes signed are the bytes validated (read
 * once). The new signature is checked before it is written, and written
 * atomically, so a failed run never leaves a torn or wrong FILE.minisig.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "verify_int.h"

vz_status vz_catalog_sign(const char *path, const vz_seckey *sk,
                          const char *sigpath, const char *untrusted,
                          const char *trusted, int64_t timestamp,
                          vz_diags *diags)
{
	char defsig[4096], *data = NULL, *text = NULL;
	const char *base;
	struct vz_buf tc;
	size_t len = 0;
	vz_catalog *cat = NULL;
	vz_pubkey *pk = NULL;
	vz_sig *sig = NULL;
	vz_error err;
	vz_status rc;
	int n;

	vz_error_clear(&err);
	vz__buf_init(&tc);
	rc = vz__file_read(path, VZ_CATFILE_MAX, &data, &len, &err);
	if (rc != VZ_OK) {
		if (rc == VZ_E_NOTFOUND)
			rc = VZ_E_IO;
		goto fail;
	}
	rc = vz_catalog_load_buffer(data, len, path, &cat, diags);
	if (rc != VZ_OK) {
		if (rc != VZ_E_NOMEM)
			vz__diag_add(diags, VZ_SEV_ERROR, rc, path, 0, 0, NULL,
			             "not a valid catalogue; refusing to sign "
			             "it");
		goto out;
	}
	if (trusted == NULL) {
		base = strrchr(path, '/');
		base = base ? base + 1 : path;
		if (timestamp == 0)
			timestamp = (int64_t)time(NULL);
		/* minisign's own style, plus what identifies a catalogue. */
		vz__buf_printf(&tc, "timestamp:%lld\tfile:%s\tcatalog:%s\t"
		               "version:%lld\thashed", (long long)timestamp,
		               base, vz_catalog_id(cat),
		               (long long)vz_catalog_version(cat));
		if (tc.failed) {
			rc = VZ_E_NOMEM;
			goto out;
		}
		trusted = tc.data;
	}
	rc = vz_sign_buffer(sk, data, len, untrusted, trusted, &text, &err);
	if (rc != VZ_OK)
		goto fail;
	/* Check what we are about to publish with the public half. */
	rc = vz_seckey_pubkey(sk, &pk);
	if (rc != VZ_OK)
		goto out;
	rc = vz_sig_parse(text, strlen(text), path, &sig, &err);
	if (rc == VZ_OK)
		rc = vz_sig_verify(sig, pk, data, len, path, &err);
	if (rc != VZ_OK) {
		rc = VZ_E_INTERNAL;
		goto fail;
	}
	if (sigpath == NULL) {
		n = snprintf(defsig, sizeof(defsig), "%s%s", path,
		             VZ_SIG_SUFFIX);
		if (n < 0 || (size_t)n >= sizeof(defsig)) {
			rc = VZ_E_IO;
			vz__error_set(&err, rc, path, "path too long");
			goto fail;
		}
		sigpath = defsig;
	}
	rc = vz__file_write_atomic(sigpath, text, strlen(text), 0644, &err);
	if (rc != VZ_OK)
		goto fail;
	goto out;
fail:
	vz__diag_add(diags, VZ_SEV_ERROR, rc, err.file[0] ? err.file : path,
	             0, 0, NULL, "%s", err.msg[0] ? err.msg
	                                           : vz_strerror(rc));
out:
	vz_sig_free(sig);
	vz_pubkey_free(pk);
	vz_free(text);
	vz__buf_free(&tc);
	vz_catalog_free(cat);
	vz__free(data);
	return rc;
}
