/*
 * win/answer.h - reading the fleet server's JSON answers and the node
 * key's form (win/answer.c). C library only: the collector (mingw-w64),
 * its fuzz harness and native tests share it.
 */
#ifndef VZW_ANSWER_H
#define VZW_ANSWER_H

#include <stddef.h>

/* "vzn_" and 64 lowercase hex digits (docs/api.md, "Authentication"). */
#define VZW_NODE_KEY_LEN 68

/*
 * The string member `name` of the JSON object s[0..n): 0 with *val
 * pointing into s at its raw text (escapes not decoded) and *vlen its
 * length; 1 when the object has no such member; -1 when s is not one
 * JSON object (as far as this scanner looks), or the member is not a
 * string, or it appears twice.
 */
int vzw_json_member(const char *s, size_t n, const char *name,
                    const char **val, size_t *vlen);

/* 1 when s[0..n) is a node key: "vzn_" and 64 lowercase hex digits. */
int vzw_node_key_ok(const char *s, size_t n);

#endif /* VZW_ANSWER_H */
