/*
 * win/signer.c - the Authenticode signer of each service, driver and
 * process image, as Windows itself verifies it (WinVerifyTrust with the
 * generic verify action, no UI, no revocation fetching), with the signer
 * certificate from WTHelperProvDataFromStateData or, when the trust
 * provider gives none, from the embedded PKCS #7 (CryptQueryObject).
 *
 * What WinVerifyTrust answers becomes the inventory's `auth`:
 *   ERROR_SUCCESS                         valid
 *   a chain that does not end in a root   valid, with the reason in
 *   this machine trusts (test roots,      `detail`: the digest and
 *   expired certificates)                 signature hold, as the
 *                                         offline scanner checks them
 *   TRUST_E_BAD_DIGEST                    tampered
 *   any other failure (revoked, explicitly bad: never evidence of
 *   distrusted, a broken signature)       the vendor
 *   TRUST_E_NOSIGNATURE and friends       no record (unsigned)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <windows.h>
#include <softpub.h>
#include <wincrypt.h>
#include <wintrust.h>

#include "collect.h"

#define MAX_IMAGES 4096

char *volume_path(const wchar_t *w)
{
	char *s = utf8(w), *p;
	size_t n;

	if (s == NULL)
		return NULL;
	p = s;
	if (((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) &&
	    p[1] == ':')
		p += 2;
	n = strlen(p);
	memmove(s, p, n + 1);
	for (p = s; *p; p++)
		if (*p == '\\')
			*p = '/';
	return s;
}

/*
 * The file an ImagePath names: quoted or up to its extension, with
 * \SystemRoot\, \??\ and a bare System32\ resolved and %VARS% expanded.
 */
static wchar_t *resolve(const wchar_t *img)
{
	static const wchar_t *const exts[] = {L".exe", L".sys", L".dll",
	                                      NULL};
	wchar_t raw[2048], tmp[2048], *out;
	const wchar_t *p = img, *end = NULL;
	size_t n, i;
	DWORD got;

	while (*p == L' ')
		p++;
	if (*p == L'"') {
		p++;
		end = wcschr(p, L'"');
	}
	if (end == NULL) {
		/* Unquoted: the first ".exe", ".sys" or ".dll" that ends a
		 * word; else the whole string. */
		for (const wchar_t *q = p; *q && end == NULL; q++)
			for (i = 0; exts[i]; i++)
				if (_wcsnicmp(q, exts[i], 4) == 0 &&
				    (q[4] == L'\0' || q[4] == L' ')) {
					end = q + 4;
					break;
				}
		if (end == NULL)
			end = p + wcslen(p);
	}
	n = (size_t)(end - p);
	if (n == 0 || n >= 1024)
		return NULL;
	wmemcpy(raw, p, n);
	raw[n] = L'\0';
	if (_wcsnicmp(raw, L"\\??\\", 4) == 0)
		memmove(raw, raw + 4, (wcslen(raw + 4) + 1) * sizeof(wchar_t));
	if (_wcsnicmp(raw, L"\\SystemRoot\\", 12) == 0) {
		swprintf(tmp, 2048, L"%%SystemRoot%%\\%ls", raw + 12);
		wcscpy(raw, tmp);
	} else if (_wcsnicmp(raw, L"System32\\", 9) == 0 ||
	           _wcsnicmp(raw, L"SysWOW64\\", 9) == 0) {
		swprintf(tmp, 2048, L"%%SystemRoot%%\\%ls", raw);
		wcscpy(raw, tmp);
	}
	got = ExpandEnvironmentStringsW(raw, tmp, 2048);
	if (got == 0 || got > 2048)
		return NULL;
	out = _wcsdup(tmp);
	return out;
}

void images_add(struct images *im, const wchar_t *image)
{
	wchar_t *f = resolve(image), **np;
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < im->n; i++)
		if (_wcsicmp(im->path[i], f) == 0) {
			free(f);
			return;
		}
	if (im->n == MAX_IMAGES) {
		free(f);
		return;
	}
	if (im->n == im->cap) {
		size_t ncap = im->cap ? im->cap * 2 : 64;

		np = realloc(im->path, ncap * sizeof(*np));
		if (np == NULL) {
			free(f);
			return;
		}
		im->path = np;
		im->cap = ncap;
	}
	im->path[im->n++] = f;
}

void images_free(struct images *im)
{
	size_t i;

	for (i = 0; i < im->n; i++)
		free(im->path[i]);
	free(im->path);
	memset(im, 0, sizeof(*im));
}

/* RFC 4514 escaping of one attribute value, appended to out. */
static void dn_value(struct out *o, const char *v)
{
	size_t n = strlen(v), i;

	for (i = 0; i < n; i++) {
		char ch = v[i];

		if (strchr(",+\"\\<>;", ch) != NULL ||
		    (i == 0 && (ch == '#' || ch == ' ')) ||
		    (i == n - 1 && ch == ' '))
			out_raw(o, "\\", 1);
		out_raw(o, &ch, 1);
	}
}

static const char *attr_name(const char *oid)
{
	static const struct {
		const char *oid, *name;
	} t[] = {{"2.5.4.3", "CN"},   {"2.5.4.10", "O"},
	         {"2.5.4.11", "OU"},  {"2.5.4.6", "C"},
	         {"2.5.4.7", "L"},    {"2.5.4.8", "ST"},
	         {"2.5.4.9", "street"}, {"2.5.4.5", "serialNumber"},
	         {"1.2.840.113549.1.9.1", "emailAddress"}};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].oid, oid) == 0)
			return t[i].name;
	return oid;
}

/* A certificate name in RFC 4514 form, most specific first; malloc'd. */
static char *dn_string(const CERT_NAME_BLOB *blob)
{
	CERT_NAME_INFO *ni = NULL;
	struct out o;
	DWORD size = 0, i, j, n;
	wchar_t val[1024];
	char *v;

	memset(&o, 0, sizeof(o));
	if (!CryptDecodeObjectEx(X509_ASN_ENCODING, X509_NAME, blob->pbData,
	                         blob->cbData, CRYPT_DECODE_ALLOC_FLAG, NULL,
	                         &ni, &size))
		return NULL;
	for (i = ni->cRDN; i-- > 0;) {
		for (j = 0; j < ni->rgRDN[i].cRDNAttr; j++) {
			CERT_RDN_ATTR *a = &ni->rgRDN[i].rgRDNAttr[j];

			if (o.len > 0)
				out_raw(&o, j ? "+" : ",", 1);
			out_puts(&o, attr_name(a->pszObjId));
			out_raw(&o, "=", 1);
			n = CertRDNValueToStrW(a->dwValueType, &a->Value, val,
			                       1024);
			v = n > 0 ? utf8(val) : NULL;
			if (v != NULL)
				dn_value(&o, v);
			free(v);
		}
	}
	LocalFree(ni);
	if (o.failed) {
		free(o.buf);
		return NULL;
	}
	return o.buf;
}

static char *common_name(PCCERT_CONTEXT cert)
{
	wchar_t buf[512];

	if (CertGetNameStringW(cert, CERT_NAME_ATTR_TYPE, 0,
	                       (void *)szOID_COMMON_NAME, buf, 512) <= 1)
		return NULL;
	return utf8(buf);
}

/* The signer certificate of the PKCS #7 embedded in the file. */
static PCCERT_CONTEXT embedded_signer(const wchar_t *path, HCERTSTORE *st)
{
	HCRYPTMSG msg = NULL;
	CMSG_SIGNER_INFO *si = NULL;
	CERT_INFO ci;
	PCCERT_CONTEXT cert = NULL;
	DWORD enc, ctype, ftype, size = 0;

	*st = NULL;
	if (!CryptQueryObject(CERT_QUERY_OBJECT_FILE, path,
	                      CERT_QUERY_CONTENT_FLAG_PKCS7_SIGNED_EMBED,
	                      CERT_QUERY_FORMAT_FLAG_BINARY, 0, &enc, &ctype,
	                      &ftype, st, &msg, NULL))
		return NULL;
	if (!CryptMsgGetParam(msg, CMSG_SIGNER_INFO_PARAM, 0, NULL, &size) ||
	    size == 0 || size > 1024 * 1024)
		goto out;
	si = malloc(size);
	if (si == NULL ||
	    !CryptMsgGetParam(msg, CMSG_SIGNER_INFO_PARAM, 0, si, &size))
		goto out;
	memset(&ci, 0, sizeof(ci));
	ci.Issuer = si->Issuer;
	ci.SerialNumber = si->SerialNumber;
	cert = CertFindCertificateInStore(*st, X509_ASN_ENCODING, 0,
	                                  CERT_FIND_SUBJECT_CERT, &ci, NULL);
out:
	free(si);
	if (msg != NULL)
		CryptMsgClose(msg);
	return cert;
}

/* "CompanyName ..., ProductName ..." as the offline scanner puts it. */
static void version_detail(const wchar_t *path, char *out, size_t size)
{
	DWORD h = 0, n = GetFileVersionInfoSizeW(path, &h);
	struct {
		WORD lang, cp;
	} *tr;
	wchar_t q[128], *val;
	char *company = NULL, *product = NULL;
	UINT len;
	void *buf;

	out[0] = '\0';
	if (n == 0 || n > 4 * 1024 * 1024)
		return;
	buf = malloc(n);
	if (buf == NULL || !GetFileVersionInfoW(path, 0, n, buf) ||
	    !VerQueryValueW(buf, L"\\VarFileInfo\\Translation",
	                    (void **)&tr, &len) ||
	    len < sizeof(*tr)) {
		free(buf);
		return;
	}
	swprintf(q, 128, L"\\StringFileInfo\\%04x%04x\\CompanyName",
	         tr->lang, tr->cp);
	if (VerQueryValueW(buf, q, (void **)&val, &len) && len > 0)
		company = utf8(val);
	swprintf(q, 128, L"\\StringFileInfo\\%04x%04x\\ProductName",
	         tr->lang, tr->cp);
	if (VerQueryValueW(buf, q, (void **)&val, &len) && len > 0)
		product = utf8(val);
	if (company || product)
		snprintf(out, size,
		         "version resource: CompanyName \"%s\", ProductName "
		         "\"%s\"",
		         company ? company : "", product ? product : "");
	free(company);
	free(product);
	free(buf);
}

static void one(struct out *o, struct stats *st, const wchar_t *path)
{
	GUID action = WINTRUST_ACTION_GENERIC_VERIFY_V2;
	WINTRUST_FILE_INFO fi;
	WINTRUST_DATA wd;
	CRYPT_PROVIDER_DATA *pd;
	CRYPT_PROVIDER_SGNR *sg;
	CRYPT_PROVIDER_CERT *pc;
	PCCERT_CONTEXT cert = NULL, own = NULL;
	HCERTSTORE store = NULL;
	char *subject = NULL, *issuer = NULL, *cn = NULL, *name = NULL;
	char detail[1400], ver[1100];
	const char *auth, *why = NULL;
	struct rec r;
	LONG trust;
	DWORD attr = GetFileAttributesW(path);

	if (attr == INVALID_FILE_ATTRIBUTES ||
	    (attr & FILE_ATTRIBUTE_DIRECTORY)) {
		problem(st, "authenticode", 1,
		        "the image file cannot be found or read", path);
		return;
	}
	st->c[C_PE_FILES]++;
	memset(&fi, 0, sizeof(fi));
	fi.cbStruct = sizeof(fi);
	fi.pcwszFilePath = path;
	memset(&wd, 0, sizeof(wd));
	wd.cbStruct = sizeof(wd);
	wd.dwUIChoice = WTD_UI_NONE;
	wd.fdwRevocationChecks = WTD_REVOKE_NONE;
	wd.dwUnionChoice = WTD_CHOICE_FILE;
	wd.pFile = &fi;
	wd.dwStateAction = WTD_STATEACTION_VERIFY;
	/* Never fetch anything from the network while verifying. */
	wd.dwProvFlags = WTD_CACHE_ONLY_URL_RETRIEVAL;
	trust = WinVerifyTrust(INVALID_HANDLE_VALUE, &action, &wd);
	if (trust == (LONG)TRUST_E_NOSIGNATURE ||
	    trust == (LONG)TRUST_E_SUBJECT_FORM_UNKNOWN ||
	    trust == (LONG)TRUST_E_PROVIDER_UNKNOWN)
		goto close; /* unsigned */
	pd = WTHelperProvDataFromStateData(wd.hWVTStateData);
	sg = pd ? WTHelperGetProvSignerFromChain(pd, 0, FALSE, 0) : NULL;
	pc = sg ? WTHelperGetProvCertFromChain(sg, 0) : NULL;
	cert = pc ? pc->pCert : NULL;
	if (cert == NULL)
		cert = own = embedded_signer(path, &store);
	switch ((unsigned long)trust) {
	case ERROR_SUCCESS:
		auth = "valid";
		break;
	case (unsigned long)CERT_E_UNTRUSTEDROOT:
	case (unsigned long)CERT_E_CHAINING:
	case (unsigned long)CERT_E_UNTRUSTEDTESTROOT:
	case (unsigned long)CERT_E_EXPIRED:
		auth = "valid";
		why = "the certificate chain does not end in a root this "
		      "machine trusts, or has expired";
		break;
	case (unsigned long)TRUST_E_BAD_DIGEST:
		auth = "tampered";
		why = "the file is not the one signed";
		break;
	default:
		auth = "bad";
		why = "the signature does not hold";
		break;
	}
	st->c[C_SIGNATURES]++;
	st->c[C_VERIFIED]++;
	if (cert != NULL) {
		subject = dn_string(&cert->pCertInfo->Subject);
		issuer = dn_string(&cert->pCertInfo->Issuer);
		cn = common_name(cert);
	}
	version_detail(path, ver, sizeof(ver));
	if (why != NULL)
		snprintf(detail, sizeof(detail),
		         "%s%sWinVerifyTrust 0x%08lx: %s", ver,
		         ver[0] ? "; " : "", (unsigned long)trust, why);
	else
		snprintf(detail, sizeof(detail), "%s", ver);
	name = volume_path(path);
	memset(&r, 0, sizeof(r));
	r.kind = "signature";
	r.source = "authenticode";
	r.origin = "WinVerifyTrust";
	r.name = name;
	r.subject = subject;
	r.issuer = issuer;
	r.common_name = cn;
	r.auth = auth;
	r.platform = "windows";
	r.detail = detail[0] ? detail : NULL;
	if (name != NULL)
		out_record(o, &r);
	free(subject);
	free(issuer);
	free(cn);
	free(name);
	if (own != NULL)
		CertFreeCertificateContext(own);
	if (store != NULL)
		CertCloseStore(store, 0);
close:
	wd.dwStateAction = WTD_STATEACTION_CLOSE;
	WinVerifyTrust(INVALID_HANDLE_VALUE, &action, &wd);
}

void signers_collect(struct out *o, struct stats *st, struct images *im)
{
	char detail[96];
	size_t i;

	for (i = 0; i < im->n; i++)
		one(o, st, im->path[i]);
	snprintf(detail, sizeof(detail),
	         "%lu images of services, drivers and processes",
	         (unsigned long)im->n);
	ran(st, "authenticode", "ran", detail, st->c[C_SIGNATURES]);
}
