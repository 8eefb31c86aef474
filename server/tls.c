/*
 * server/tls.c - reading --tls-cert and --tls-key before anything else
 * starts, so that a wrong file is a one-line error naming it (exit 2)
 * rather than a daemon that fails to start. libmicrohttpd takes the PEM
 * text itself; OpenSSL is only used here to check it: a certificate, an
 * unencrypted private key, and the two belonging together.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "server.h"

#define PEM_MAX (1024 * 1024)

/* The whole file, NUL-terminated; NULL if unreadable or too large. */
static char *slurp(const char *path, const char **why)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	*why = "cannot be read";
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		if (n > PEM_MAX)
			*why = "is over 1 MiB: not a PEM file";
		else if ((buf = malloc((size_t)n + 1)) != NULL &&
		         fread(buf, 1, (size_t)n, f) == (size_t)n)
			buf[n] = '\0';
		else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

/* Never asks for a pass phrase: the server runs unattended. */
static int no_pass(char *buf, int size, int rw, void *u)
{
	(void)buf;
	(void)size;
	(void)rw;
	(void)u;
	return -1;
}

int vzs_tls_load(const char *cert_path, const char *key_path, char **cert,
                 char **key, char *msg, size_t size)
{
	const char *why;
	BIO *b = NULL;
	X509 *x = NULL;
	EVP_PKEY *k = NULL;
	int rc = -1;

	*cert = *key = NULL;
	if ((*cert = slurp(cert_path, &why)) == NULL) {
		snprintf(msg, size, "%s: %s", cert_path, why);
		goto out;
	}
	if ((*key = slurp(key_path, &why)) == NULL) {
		snprintf(msg, size, "%s: %s", key_path, why);
		goto out;
	}
	b = BIO_new_mem_buf(*cert, -1);
	if (b == NULL || (x = PEM_read_bio_X509(b, NULL, no_pass, NULL)) ==
	                     NULL) {
		snprintf(msg, size, "%s: not a PEM certificate", cert_path);
		goto out;
	}
	BIO_free(b);
	b = BIO_new_mem_buf(*key, -1);
	if (b == NULL ||
	    (k = PEM_read_bio_PrivateKey(b, NULL, no_pass, NULL)) == NULL) {
		snprintf(msg, size,
		         "%s: not a PEM private key (an encrypted key cannot "
		         "be used: the server asks for no pass phrase)",
		         key_path);
		goto out;
	}
	if (X509_check_private_key(x, k) != 1) {
		snprintf(msg, size, "%s: not the private key of the "
		         "certificate in %s", key_path, cert_path);
		goto out;
	}
	rc = 0;
out:
	ERR_clear_error();
	BIO_free(b);
	X509_free(x);
	EVP_PKEY_free(k);
	if (rc != 0) {
		free(*cert);
		free(*key);
		*cert = *key = NULL;
	}
	return rc;
}
