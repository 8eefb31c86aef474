/*
 * win/answer.c - what voorzorg-collect.exe reads from the fleet server and
 * from its key file: one string member of a JSON answer (the node key of
 * an enrolment, the "error" of a refusal) and the node key's form.
 *
 * The collector links no JSON library, and it needs one string from a
 * small answer, so this is a bounded, non-recursive scanner: the answer
 * must be one JSON object (strings with escapes, nested values skipped by
 * counting brackets), the member must be a string that appears once, and
 * the caller checks the value's form. It uses the C library alone, so the
 * fuzz harness and the native tests build it as it is.
 */
#include <string.h>

#include "answer.h"

static size_t ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
	                 s[i] == '\n'))
		i++;
	return i;
}

/* The string starting at s[i] == '"': the index after its closing quote,
 * or 0 when it is not closed or holds a control character. */
static size_t str_end(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if ((unsigned char)s[i] < 0x20)
			return 0;
		if (s[i] == '\\') {
			i++;
			if (i >= n || (unsigned char)s[i] < 0x20)
				return 0;
			continue;
		}
		if (s[i] == '"')
			return i + 1;
	}
	return 0;
}

/* A value that is not a string: the index where it ends (a ',' or '}'
 * at the object's level), or 0 when the text ends first. Brackets are
 * counted, not matched by kind: the value is skipped, not validated. */
static size_t skip_value(const char *s, size_t n, size_t i)
{
	size_t depth = 0, e;

	while (i < n) {
		char c = s[i];

		if (c == '"') {
			e = str_end(s, n, i);
			if (e == 0)
				return 0;
			i = e;
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']') {
			if (depth == 0)
				return c == '}' ? i : 0;
			depth--;
		} else if (c == ',' && depth == 0)
			return i;
		else if ((unsigned char)c < 0x20 && c != ' ' && c != '\t' &&
		         c != '\r' && c != '\n')
			return 0;
		i++;
	}
	return 0;
}

int vzw_json_member(const char *s, size_t n, const char *name,
                    const char **val, size_t *vlen)
{
	size_t i, k, kl, e, nl = strlen(name);
	int found = 0, is;

	*val = NULL;
	*vlen = 0;
	i = ws(s, n, 0);
	if (i >= n || s[i] != '{')
		return -1;
	i = ws(s, n, i + 1);
	if (i < n && s[i] == '}')
		goto end;
	for (;;) {
		if (i >= n || s[i] != '"' || (e = str_end(s, n, i)) == 0)
			return -1;
		k = i + 1; /* the member's name, raw: s[k .. k + kl) */
		kl = e - 1 - k;
		is = kl == nl && memcmp(s + k, name, nl) == 0;
		i = ws(s, n, e);
		if (i >= n || s[i] != ':')
			return -1;
		i = ws(s, n, i + 1);
		if (i >= n)
			return -1;
		if (s[i] == '"') {
			if ((e = str_end(s, n, i)) == 0)
				return -1;
			if (is) {
				if (found)
					return -1; /* twice: which one? */
				found = 1;
				*val = s + i + 1;
				*vlen = e - i - 2;
			}
			i = e;
		} else {
			if (is)
				return -1; /* there, but not a string */
			e = skip_value(s, n, i);
			if (e == 0 || e == i) /* broken, or no value */
				return -1;
			i = e;
		}
		i = ws(s, n, i);
		if (i < n && s[i] == ',') {
			i = ws(s, n, i + 1);
			continue;
		}
		if (i < n && s[i] == '}')
			break;
		return -1;
	}
end:
	i = ws(s, n, i + 1);
	if (i != n)
		return -1;
	return found ? 0 : 1;
}

int vzw_node_key_ok(const char *s, size_t n)
{
	size_t i;

	if (n != VZW_NODE_KEY_LEN || memcmp(s, "vzn_", 4) != 0)
		return 0;
	for (i = 4; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}
