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
 *
 * What it costs: with OpenSSL 3.0, decoding a certificate sets up a
 * key decoder from the providers (most of the ~0.25 ms a signature took,
 * and a lock all threads share). The certificates of a volume's files
 * are few, so a thread decodes each distinct one once (vz_certcache):
 * the certificates are cut out of the SignedData before d2i_PKCS7 and
 * handed to PKCS7_verify beside it. Anything that does not split
 * cleanly goes the plain way, with the same outcome.
 */
#include <stdint.h>
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

/* ---- certificates decoded once per thread ----------------------------- */

#define CC_SLOTS 64
#define CC_MAX_DER (16 * 1024) /* larger ones are decoded every time */

struct cc_entry {
	unsigned char *der; /* owned copy */
	size_t len;
	uint32_t h;
	X509 *x; /* owned */
};

struct vz_certcache {
	struct cc_entry e[CC_SLOTS];
	size_t n, next; /* used; the next to replace when full */
};

void vz__certcache_free(struct vz_certcache *cc)
{
	size_t i;

	if (cc == NULL)
		return;
	for (i = 0; i < cc->n; i++) {
		vz__free(cc->e[i].der);
		X509_free(cc->e[i].x);
	}
	vz__free(cc);
}

static uint32_t fnv1a(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/*
 * The certificate whose DER is der[0..len): from the cache, else
 * decoded (and kept in the cache, or in `own` to be freed by the
 * caller). NULL if it does not decode, or when out of memory (*nomem).
 */
static X509 *cert_get(struct vz_certcache *cc, const unsigned char *der,
                      size_t len, STACK_OF(X509) *own, int *nomem)
{
	const unsigned char *p = der;
	uint32_t h = fnv1a(der, len);
	struct cc_entry *e;
	size_t i;
	X509 *x;

	for (i = 0; cc != NULL && i < cc->n; i++)
		if (cc->e[i].h == h && cc->e[i].len == len &&
		    memcmp(cc->e[i].der, der, len) == 0)
			return cc->e[i].x;
	x = d2i_X509(NULL, &p, (long)len);
	if (x == NULL || p != der + len) {
		X509_free(x);
		return NULL;
	}
	if (cc != NULL && len <= CC_MAX_DER) {
		e = &cc->e[cc->n < CC_SLOTS ? cc->n : cc->next];
		if (cc->n == CC_SLOTS) {
			/* Full: replace in turn (a volume rarely has more).
			 * The one replaced may be in use by this very
			 * signature: it is freed with the caller's own. */
			if (sk_X509_push(own, e->x) <= 0) {
				X509_free(x);
				*nomem = 1;
				return NULL;
			}
			vz__free(e->der);
			memset(e, 0, sizeof(*e));
			cc->next = (cc->next + 1) % CC_SLOTS;
		}
		e->der = vz__malloc(len);
		if (e->der != NULL) {
			memcpy(e->der, der, len);
			e->len = len;
			e->h = h;
			e->x = x;
			if (cc->n < CC_SLOTS)
				cc->n++;
			return x;
		}
		if (cc->n == CC_SLOTS) {
			/* The emptied slot must not stay in the used range
			 * with nothing in it: move the last one there. */
			*e = cc->e[--cc->n];
			memset(&cc->e[cc->n], 0, sizeof(*e));
			cc->next = 0;
		}
	}
	if (sk_X509_push(own, x) <= 0) {
		X509_free(x);
		*nomem = 1;
		return NULL;
	}
	return x;
}

/* A DER header at p (n bytes): one-byte tag, definite length that fits.
 * 0; -1 otherwise (then the plain way is taken). */
static int der_hdr(const unsigned char *p, size_t n, unsigned char *tag,
                   size_t *hl, size_t *cl)
{
	size_t k, i, l = 0;

	if (n < 2 || (p[0] & 0x1f) == 0x1f)
		return -1;
	*tag = p[0];
	if (p[1] < 0x80) {
		*hl = 2;
		l = p[1];
	} else {
		k = p[1] & 0x7fu;
		if (k == 0 || k > 4 || n < 2 + k)
			return -1;
		for (i = 0; i < k; i++)
			l = l << 8 | p[2 + i];
		*hl = 2 + k;
	}
	if (l > n - *hl)
		return -1;
	*cl = l;
	return 0;
}

static size_t der_hdr_len(size_t cl)
{
	return cl < 0x80 ? 2 : cl <= 0xff ? 3 : cl <= 0xffff ? 4
	                                 : cl <= 0xffffff ? 5 : 6;
}

static unsigned char *der_put_hdr(unsigned char *o, unsigned char tag,
                                  size_t cl)
{
	size_t k = der_hdr_len(cl) - 2, i;

	*o++ = tag;
	if (k == 0) {
		*o++ = (unsigned char)cl;
		return o;
	}
	*o++ = (unsigned char)(0x80 | k);
	for (i = k; i > 0; i--)
		*o++ = (unsigned char)(cl >> (8 * (i - 1)));
	return o;
}

/*
 * ContentInfo { contentType, [0] EXPLICIT SignedData { version,
 * digestAlgorithms, contentInfo, [0] IMPLICIT certificates OPTIONAL,
 * [1] crls OPTIONAL, signerInfos } }: the same without its certificates
 * (*out, owned), which go into `certs` (from the cache). 0; -1 if it
 * does not have that shape (take the plain way); -2 out of memory.
 */
static int split_certs(const unsigned char *der, size_t len,
                       struct vz_certcache *cc, unsigned char **out,
                       size_t *outlen, STACK_OF(X509) *certs,
                       STACK_OF(X509) *own)
{
	const unsigned char *q, *ex, *sd, *c, *end, *cs = NULL, *ce;
	size_t oh, ocl, h, cl, eh, ecl, sh, scl, ctot = 0, oidtot;
	size_t nscl, necl, nocl;
	unsigned char tag, *o;
	int nomem = 0;
	X509 *x;

	if (der_hdr(der, len, &tag, &oh, &ocl) != 0 || tag != 0x30)
		return -1;
	q = der + oh;
	end = q + ocl;
	if (der_hdr(q, ocl, &tag, &h, &cl) != 0 || tag != 0x06)
		return -1;
	oidtot = h + cl;
	ex = q + oidtot;
	if (der_hdr(ex, (size_t)(end - ex), &tag, &eh, &ecl) != 0 ||
	    tag != 0xa0 || ex + eh + ecl != end)
		return -1;
	sd = ex + eh;
	if (der_hdr(sd, ecl, &tag, &sh, &scl) != 0 || tag != 0x30 ||
	    sd + sh + scl != end)
		return -1;
	for (c = sd + sh; c < end; c += h + cl) {
		if (der_hdr(c, (size_t)(end - c), &tag, &h, &cl) != 0)
			return -1;
		if (tag == 0xa0 && cs == NULL) {
			cs = c;
			ctot = h + cl;
		}
	}
	if (cs == NULL)
		return -1; /* no certificates: nothing to gain */
	ce = cs + ctot;
	if (der_hdr(cs, ctot, &tag, &h, &cl) != 0)
		return -1;
	for (c = cs + h; c < ce; c += h + cl) {
		if (der_hdr(c, (size_t)(ce - c), &tag, &h, &cl) != 0 ||
		    tag != 0x30)
			return -1;
		x = cert_get(cc, c, h + cl, own, &nomem);
		if (x == NULL)
			return nomem ? -2 : -1;
		if (sk_X509_push(certs, x) <= 0)
			return -2;
	}
	nscl = scl - ctot;
	necl = der_hdr_len(nscl) + nscl;
	nocl = oidtot + der_hdr_len(necl) + necl;
	*outlen = der_hdr_len(nocl) + nocl;
	o = *out = vz__malloc(*outlen);
	if (o == NULL)
		return -2;
	o = der_put_hdr(o, 0x30, nocl);
	memcpy(o, q, oidtot);
	o += oidtot;
	o = der_put_hdr(o, 0xa0, necl);
	o = der_put_hdr(o, 0x30, nscl);
	memcpy(o, sd + sh, (size_t)(cs - (sd + sh)));
	o += cs - (sd + sh);
	memcpy(o, ce, (size_t)(end - ce));
	return 0;
}

vz_status vz__authenticode_parse(const unsigned char *der, size_t len,
                                 struct vz_authenticode *a,
                                 const char **why)
{
	return vz__authenticode_parse_cached(der, len, NULL, a, why);
}

vz_status vz__authenticode_parse_cached(const unsigned char *der,
                                        size_t len,
                                        struct vz_certcache **cc,
                                        struct vz_authenticode *a,
                                        const char **why)
{
	const unsigned char *p = der, *body;
	STACK_OF(X509) *signers = NULL, *certs = NULL, *own = NULL;
	unsigned char *cut = NULL;
	size_t cutlen = 0;
	ASN1_TYPE *content;
	PKCS7 *p7 = NULL, *inner;
	BIO *in = NULL, *mem;
	char oid[64];
	long blen, slen;
	X509 *x;
	vz_status rc = VZ_E_PARSE;
	int r;

	memset(a, 0, sizeof(*a));
	*why = "malformed Authenticode signature (PKCS#7)";
	if (len == 0 || len > 0x7fffffff)
		goto out;
	certs = sk_X509_new_null();
	own = sk_X509_new_null();
	if (cc != NULL && *cc == NULL)
		*cc = vz__calloc(1, sizeof(**cc));
	if (certs == NULL || own == NULL || (cc != NULL && *cc == NULL))
		goto nomem;
	r = split_certs(der, len, cc ? *cc : NULL, &cut, &cutlen, certs, own);
	if (r == -2)
		goto nomem;
	if (r == 0) {
		p = cut;
		p7 = d2i_PKCS7(NULL, &p, (long)cutlen);
	}
	if (p7 == NULL) {
		/* The plain way: OpenSSL decodes the certificates itself. */
		sk_X509_zero(certs);
		p = der;
		p7 = d2i_PKCS7(NULL, &p, (long)len);
	}
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
	signers = PKCS7_get0_signers(p7, certs, 0);
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
	a->sig_ok = PKCS7_verify(p7, certs, NULL, in, NULL,
	                         PKCS7_NOVERIFY | PKCS7_BINARY) == 1;
	rc = VZ_OK;
	goto out;
nomem:
	*why = "out of memory";
	rc = VZ_E_NOMEM;
out:
	ERR_clear_error();
	BIO_free_all(in);
	sk_X509_free(signers);
	PKCS7_free(p7);
	sk_X509_free(certs);
	sk_X509_pop_free(own, X509_free);
	vz__free(cut);
	if (rc != VZ_OK)
		vz__authenticode_clear(a);
	return rc;
}
