/*
 * lib/collect/authenticode.c - an Authenticode signature (the PKCS#7
 * SignedData in a PE file's certificate table) read with OpenSSL: who
 * signed it, which digest of the file it signs, and whether the
 * signature over that digest verifies with the signer's key.
 *
 * What is checked, and what is not:
 * - The SignedData must carry an SpcIndirectDataContent (OID
 *   1.3.6.1.4.1.311.2.1.4), whose DigestInfo is the file's Authenticode
 *   digest; pe.c compares it with the file.
 * - PKCS7_verify checks that the signed attributes' messageDigest is the
 *   digest of the SpcIndirectDataContent (its content octets, without
 *   the outer tag and length, as Authenticode defines it) and that the
 *   signature over the signed attributes verifies with the certificate
 *   named by the signer info.
 * - The chain from that certificate to a trusted root is NOT checked
 *   (PKCS7_NOVERIFY): offline there is no trust store to check it
 *   against, no revocation data and no time. The subject is evidence of
 *   who signed, not proof of identity; a self-signed certificate with a
 *   vendor's name passes this check (docs/scanning.md says so).
 */
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "collect_int.h"

static const char spc_indirect_data[] = "1.3.6.1.4.1.311.2.1.4";

void vz__authenticode_clear(struct vz_authenticode *a)
{
	vz__free(a->subject);
	vz__free(a->issuer);
	vz__free(a->cn);
	memset(a, 0, sizeof(*a));
}

/* An X509_NAME in RFC 4514 form (UTF-8 kept), owned; NULL on failure. */
static char *name_string(const X509_NAME *n)
{
	unsigned long fl = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
	BIO *b = BIO_new(BIO_s_mem());
	char *data = NULL, *out = NULL;
	long len;

	if (b == NULL)
		return NULL;
	if (X509_NAME_print_ex(b, n, 0, fl) >= 0) {
		len = BIO_get_mem_data(b, &data);
		if (len >= 0 && data != NULL)
			out = vz__strndup(data, (size_t)len);
	}
	BIO_free(b);
	return out;
}

static char *common_name(const X509_NAME *n)
{
	int i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
	unsigned char *utf8 = NULL;
	char *out = NULL;
	int len;

	if (i < 0)
		return vz__strdup("");
	len = ASN1_STRING_to_UTF8(
	    &utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i)));
	if (len >= 0)
		out = vz__strndup((const char *)utf8, (size_t)len);
	OPENSSL_free(utf8);
	return out;
}

/*
 * Read one DER TLV at *p (of `len` bytes left), which must have tag
 * `tag` (universal, constructed or not as given). Sets the content and
 * its length; advances *p past it. -1 if it does not fit.
 */
static int tlv(const unsigned char **p, long *len, int tag,
               const unsigned char **content, long *clen)
{
	const unsigned char *q = *p;
	int t, cls, r;
	long n;

	if (*len <= 0)
		return -1;
	r = ASN1_get_object(&q, &n, &t, &cls, *len);
	if ((r & 0x80) || r == 0x21 || t != tag || cls != V_ASN1_UNIVERSAL ||
	    n > *len - (q - *p))
		return -1;
	*content = q;
	*clen = n;
	*len -= (long)(q - *p) + n;
	*p = q + n;
	return 0;
}

/*
 * SpcIndirectDataContent ::= SEQUENCE {
 *   data          SEQUENCE { type OBJECT IDENTIFIER, value ANY OPTIONAL },
 *   messageDigest SEQUENCE { digestAlgorithm AlgorithmIdentifier,
 *                            digest OCTET STRING } }
 * `body` is the content of the outer SEQUENCE.
 */
static int indirect_data(const unsigned char *body, long len,
                         struct vz_authenticode *a)
{
	const unsigned char *p = body, *c, *d, *alg, *oid, *start;
	long clen, dlen, alen, olen;
	ASN1_OBJECT *obj = NULL;
	int nid;

	if (tlv(&p, &len, V_ASN1_SEQUENCE, &c, &clen) != 0 ||
	    tlv(&p, &len, V_ASN1_SEQUENCE, &d, &dlen) != 0)
		return -1;
	if (tlv(&d, &dlen, V_ASN1_SEQUENCE, &alg, &alen) != 0)
		return -1;
	start = alg;
	if (tlv(&alg, &alen, V_ASN1_OBJECT, &oid, &olen) != 0)
		return -1;
	/* d2i_ASN1_OBJECT reads the whole TLV, tag and length too. */
	c = start;
	obj = d2i_ASN1_OBJECT(NULL, &c, (long)(oid + olen - start));
	if (obj == NULL)
		return -1;
	nid = OBJ_obj2nid(obj);
	ASN1_OBJECT_free(obj);
	a->md = EVP_get_digestbynid(nid);
	if (a->md == NULL)
		return -1;
	if (tlv(&d, &dlen, V_ASN1_OCTET_STRING, &c, &clen) != 0 ||
	    clen <= 0 || clen > (long)sizeof(a->digest) ||
	    clen != EVP_MD_get_size(a->md))
		return -1;
	memcpy(a->digest, c, (size_t)clen);
	a->dlen = (unsigned int)clen;
	return 0;
}

vz_status vz__authenticode_parse(const unsigned char *der, size_t len,
                                 struct vz_authenticode *a,
                                 const char **why)
{
	const unsigned char *p = der, *body;
	STACK_OF(X509) *signers = NULL;
	ASN1_TYPE *content;
	PKCS7 *p7 = NULL, *inner;
	BIO *in = NULL, *mem;
	char oid[64];
	long blen, slen;
	X509 *x;
	vz_status rc = VZ_E_PARSE;

	memset(a, 0, sizeof(*a));
	*why = "malformed Authenticode signature (PKCS#7)";
	if (len == 0 || len > 0x7fffffff)
		goto out;
	p7 = d2i_PKCS7(NULL, &p, (long)len);
	if (p7 == NULL || !PKCS7_type_is_signed(p7) ||
	    p7->d.sign == NULL || p7->d.sign->contents == NULL)
		goto out;
	inner = p7->d.sign->contents;
	if (inner->type == NULL ||
	    OBJ_obj2txt(oid, sizeof(oid), inner->type, 1) <= 0 ||
	    strcmp(oid, spc_indirect_data) != 0) {
		*why = "PKCS#7 signature without Authenticode content";
		goto out;
	}
	content = inner->d.other;
	if (content == NULL || content->type != V_ASN1_SEQUENCE ||
	    content->value.sequence == NULL) {
		*why = "malformed Authenticode content";
		goto out;
	}
	/* value.sequence holds the whole encoding; take its content. */
	p = content->value.sequence->data;
	slen = content->value.sequence->length;
	if (tlv(&p, &slen, V_ASN1_SEQUENCE, &body, &blen) != 0 ||
	    indirect_data(body, blen, a) != 0) {
		*why = "malformed Authenticode content (SpcIndirectData)";
		goto out;
	}
	signers = PKCS7_get0_signers(p7, NULL, 0);
	if (signers == NULL || sk_X509_num(signers) < 1) {
		*why = "Authenticode signature without its signer's "
		       "certificate";
		goto out;
	}
	x = sk_X509_value(signers, 0);
	a->subject = name_string(X509_get_subject_name(x));
	a->issuer = name_string(X509_get_issuer_name(x));
	a->cn = common_name(X509_get_subject_name(x));
	if (a->subject == NULL || a->issuer == NULL || a->cn == NULL) {
		*why = "out of memory";
		rc = VZ_E_NOMEM;
		goto out;
	}
	/*
	 * The signature over the signed attributes, whose messageDigest is
	 * that of the content octets. No chain: see the top of the file.
	 * The content goes in through a buffering BIO, not a bare memory
	 * one: OpenSSL 3.0's PKCS7_verify copies a memory BIO and leaks the
	 * copy when the signed data is malformed.
	 */
	mem = BIO_new_mem_buf(body, (int)blen);
	in = mem != NULL ? BIO_new(BIO_f_buffer()) : NULL;
	if (in == NULL) {
		BIO_free(mem);
		rc = VZ_E_NOMEM;
		*why = "out of memory";
		goto out;
	}
	BIO_push(in, mem);
	a->sig_ok = PKCS7_verify(p7, NULL, NULL, in, NULL,
	                         PKCS7_NOVERIFY | PKCS7_BINARY) == 1;
	rc = VZ_OK;
out:
	ERR_clear_error();
	BIO_free_all(in);
	sk_X509_free(signers);
	PKCS7_free(p7);
	if (rc != VZ_OK)
		vz__authenticode_clear(a);
	return rc;
}
