/*
 * server/jscan.h - a strict JSON reader for the report a host posts, that
 * checks the whole text but builds no tree: one flat array of tokens,
 * from which the report parser (report.c) takes the few members it needs.
 *
 * Why not jansson, as everywhere else: at ingestion, building a jansson
 * tree of a 6 KB report (a node, a hash table and several allocations per
 * value) was about two thirds of the server's CPU per report, and the
 * server reads a dozen members of it. This reader makes two allocations
 * per document and no copy of the text.
 *
 * It accepts exactly what jansson's json_loadb accepts with
 * JSON_REJECT_DUPLICATES and no other flag (an object or array at the
 * top, UTF-8 checked, no \u0000, no duplicate key in any object, at most
 * 2048 levels, integers within long long, reals that do not overflow):
 * the report fuzz harness (fuzz/fuzz_report.c) checks the two agree on
 * every input, so a report accepted here would be accepted by any tool
 * of the project that reads it back with jansson. With one exception:
 * jansson 2.14 skips a NUL byte right after a number or a literal
 * ("[1\0]" loads), and this reader refuses every NUL byte. A stored
 * body goes to the database as text, where a NUL would cut it short.
 */
#ifndef VZS_JSCAN_H
#define VZS_JSCAN_H

#include <stddef.h>
#include <stdint.h>

enum vzs_jtype {
	VZS_JOBJECT = 1,
	VZS_JARRAY,
	VZS_JSTRING,
	VZS_JINTEGER, /* a number without fraction or exponent */
	VZS_JREAL,
	VZS_JTRUE,
	VZS_JFALSE,
	VZS_JNULL
};

/*
 * One value, or one member's key (a string token right before its
 * value). A container's members follow it; `next` is the index after
 * its last one (after itself for a scalar), so a whole subtree is
 * skipped in one step.
 */
struct vzs_jtok {
	uint32_t pos;  /* strings: first byte inside the quotes */
	uint32_t len;  /* strings: raw bytes inside the quotes */
	uint32_t next; /* the token after this value's subtree */
	uint8_t type;  /* enum vzs_jtype */
	uint8_t esc;   /* a string with a backslash escape */
};

struct vzs_jdoc {
	const char *text; /* borrowed: must outlive the document */
	size_t len;
	struct vzs_jtok *t; /* owned; t[0] is the top value */
	size_t n, cap;
};

/*
 * Read text[0..len) (no terminating NUL needed). 0 on success (release
 * with vzs_jdoc_free); -1 if it is not such JSON, with msg "line L
 * column C: what"; -2 out of memory, with msg saying so. On failure
 * nothing is left to free.
 */
int vzs_jdoc_parse(struct vzs_jdoc *d, const char *text, size_t len,
                   char *msg, size_t size);
void vzs_jdoc_free(struct vzs_jdoc *d);

/* The value of member `key` of object token `obj`, or 0 when obj is not
 * an object or has no such member (token 0 is never a member's value). */
size_t vzs_jget(const struct vzs_jdoc *d, size_t obj, const char *key);
/* The number of elements of array token `arr` (0 if not an array). */
size_t vzs_jarray_size(const struct vzs_jdoc *d, size_t arr);
/* The first element of array `arr` (0: none); the next is t[i].next
 * while it is below t[arr].next. */
size_t vzs_jfirst(const struct vzs_jdoc *d, size_t arr);

/*
 * Token i's string, decoded, into out[size] with a NUL: its length, or
 * -1 if i is 0, not a string, or the string does not fit.
 */
long vzs_jstr(const struct vzs_jdoc *d, size_t i, char *out, size_t size);
/* The same, allocated (free); NULL if not a string or out of memory. */
char *vzs_jstrdup(const struct vzs_jdoc *d, size_t i);
/* Token i's integer; 0, or -1 if it is not an integer token. */
int vzs_jint(const struct vzs_jdoc *d, size_t i, long long *out);

#endif /* VZS_JSCAN_H */
