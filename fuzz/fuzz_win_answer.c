/*
 * fuzz/fuzz_win_answer.c - libFuzzer harness for the Windows collector's
 * reader of the fleet server's answers (win/answer.c): the "node_key" and
 * "error" members of any bytes, and the node key's form of what is found.
 * The reader is plain C, so it is fuzzed natively; the collector itself
 * is cross-built with mingw-w64.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../win/answer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *v;
	size_t n;
	volatile unsigned sum = 0;

	if (vzw_json_member(s, size, "node_key", &v, &n) == 0) {
		/* The value lies inside the input. */
		if (v < s || v + n > s + size)
			__builtin_trap();
		sum += (unsigned)vzw_node_key_ok(v, n);
	}
	if (vzw_json_member(s, size, "error", &v, &n) == 0 && n > 0)
		sum += (unsigned char)v[n - 1];
	sum += (unsigned)vzw_node_key_ok(s, size);
	(void)sum;
	return 0;
}
