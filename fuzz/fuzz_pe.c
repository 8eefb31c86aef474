/*
 * fuzz/fuzz_pe.c - libFuzzer harness for the PE reader: the headers, the
 * certificate table, the Authenticode PKCS#7 (through OpenSSL) and the
 * version resource.
 *
 * A PE file comes from the disk being scanned: any bytes at all. Every
 * offset and size in it must be checked before use; whatever the parser
 * accepts must lie inside the buffer, and a signature that parses must
 * name a signer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vz_authenticode a;
	char company[256], product[256];
	const unsigned char *der;
	size_t hlen = size < 65536 ? size : 65536, derlen;
	const char *why = NULL;
	struct vz_pe pe;

	if (vz__pe_headers(data, hlen, size, &pe, &why) != VZ_OK) {
		if (why == NULL)
			abort();
		return 0;
	}
	if (pe.headers_end > hlen)
		abort();
	vz__pe_version_buf(data, size, &pe, company, sizeof(company),
	                   product, sizeof(product));
	if (strlen(company) >= sizeof(company) ||
	    strlen(product) >= sizeof(product))
		abort();
	if (pe.cert_size == 0)
		return 0;
	if ((uint64_t)pe.cert_off + pe.cert_size > size)
		abort();
	if (vz__pe_signature(data + pe.cert_off, pe.cert_size, &der, &derlen,
	                     &why) != VZ_OK)
		return 0;
	if (der < data + pe.cert_off ||
	    der + derlen > data + pe.cert_off + pe.cert_size)
		abort();
	if (vz__authenticode_parse(der, derlen, &a, &why) == VZ_OK &&
	    (a.subject == NULL || a.issuer == NULL || a.cn == NULL ||
	     a.md == NULL || a.dlen == 0))
		abort();
	vz__authenticode_clear(&a);
	return 0;
}
