/*
 * lib/collect/plist.c - property lists (XML and binary), read with
 * libplist: the few string values voorzorg needs from an Info.plist, a
 * launchd job or an installer receipt.
 *
 * A property list comes from the disk being examined. libplist parses
 * it, once plist_bound.c has checked its depth and expanded size; this
 * file only looks up top-level keys of a dictionary and copies
 * string values out, so nothing of libplist's tree outlives the call.
 * fuzz/fuzz_plist.c feeds it any bytes.
 */
#include <stdint.h>
#include <string.h>

#include <plist/plist.h>

#include "collect_int.h"

/*
 * The string at `node`, or the first string of an array, as an owned
 * copy in *out (NULL if there is none). A string with a NUL inside it
 * is no string here. It is read with plist_get_string_ptr: libplist
 * 2.2's plist_get_string_val asserts on such a string and would abort
 * the scan (fuzz/corpus/plist/string-with-nul.bplist). -2 when out of
 * memory, else 0.
 */
static int string_of(plist_t node, char **out)
{
	const char *s;
	uint64_t n = 0;

	*out = NULL;
	if (node != NULL && plist_get_node_type(node) == PLIST_ARRAY &&
	    plist_array_get_size(node) > 0)
		node = plist_array_get_item(node, 0);
	if (node == NULL || plist_get_node_type(node) != PLIST_STRING)
		return 0;
	s = plist_get_string_ptr(node, &n);
	if (s == NULL || n > SIZE_MAX - 1 || memchr(s, '\0', (size_t)n))
		return 0;
	*out = vz__strndup(s, (size_t)n);
	return *out ? 0 : -2;
}

int vz__plist_strings(const char *data, size_t len, const char *const *keys,
                      char **values, size_t nkeys, const char **why)
{
	plist_t root = NULL;
	size_t i;
	int rc = 0;

	for (i = 0; i < nkeys; i++)
		values[i] = NULL;
	if (len < 8 || len > 0x7fffffffu) {
		*why = "not a property list";
		return -1;
	}
	/* Bounded before libplist recurses into it (plist_bound.c). */
	if (vz__plist_bounded(data, len, why) != 0)
		return -1;
	plist_from_memory(data, (uint32_t)len, &root);
	if (root == NULL) {
		*why = "malformed property list";
		return -1;
	}
	if (plist_get_node_type(root) != PLIST_DICT) {
		*why = "property list is not a dictionary";
		rc = -1;
		goto out;
	}
	for (i = 0; i < nkeys && rc == 0; i++) {
		rc = string_of(plist_dict_get_item(root, keys[i]), &values[i]);
		if (rc != 0)
			*why = "out of memory";
	}
out:
	if (rc != 0)
		for (i = 0; i < nkeys; i++) {
			vz__free(values[i]);
			values[i] = NULL;
		}
	plist_free(root);
	return rc;
}
