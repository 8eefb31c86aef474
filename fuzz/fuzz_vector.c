/*
 * fuzz/fuzz_vector.c - libFuzzer harness for the assessment vector parser.
 *
 * Feeds arbitrary bytes, as a NUL-terminated string, to vz_vector_parse.
 * A refused vector must say where: a column inside the input or just past
 * its end. An accepted one must survive the round trip: formatted, it is
 * canonical and parses back to the same vector; anything else aborts, so
 * libFuzzer (and the replay in the test suite) reports it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <voorzorg/voorzorg.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char buf[VZ_VECTOR_MAX], again[VZ_VECTOR_MAX];
	vz_vector v, w;
	vz_error err;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (vz_vector_parse(s, &v, &err) != VZ_OK) {
		if (err.code != VZ_E_PARSE || err.column < 1 ||
		    err.column > strlen(s) + 1 ||
		    memchr(err.msg, '\0', sizeof(err.msg)) == NULL)
			abort();
		free(s);
		return 0;
	}
	vz_vector_format(&v, buf, sizeof(buf));
	if (vz_vector_parse(buf, &w, NULL) != VZ_OK ||
	    memcmp(&v, &w, sizeof(v)) != 0)
		abort();
	vz_vector_format(&w, again, sizeof(again));
	if (strcmp(buf, again) != 0 || strlen(buf) != 28)
		abort();
	free(s);
	return 0;
}
