/*
 * lib/util/jsonstr.h - one JSON string writer for the two inventory
 * writers: the library's (collect/inventory_write.c) and the native
 * Windows collector's (win/jsonl.c), which is cross-built with mingw-w64
 * and links none of the library. So this header and jsonstr.c depend on
 * the C standard library alone.
 */
#ifndef VZ_UTIL_JSONSTR_H
#define VZ_UTIL_JSONSTR_H

#include <stddef.h>

/* Where the written text goes: called with each run of bytes in order. */
typedef void vz__json_sink(void *ctx, const char *p, size_t n);

/*
 * The NUL-terminated string s as a JSON string, quotes included: '"' and
 * '\' get a backslash, control characters and DEL are written as \u00xx
 * (lowercase), and every other byte as it is. The caller has made sure
 * that s is UTF-8 (docs/inventory.md says how a writer shows one that is
 * not), so the output is valid JSON that `voorzorg scan --inventory`
 * reads back byte for byte.
 */
void vz__json_quote(const char *s, vz__json_sink *put, void *ctx);

#endif
