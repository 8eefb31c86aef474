/*
 * fuzz/fuzz_report.c - libFuzzer harness for the fleet server's report
 * parser (server/report.c) and its JSON reader (server/jscan.c), which
 * read what any enrolled host posts.
 *
 * Arbitrary bytes go to both, and to jansson as the reference:
 *   - the JSON reader accepts exactly what json_loadb accepts with
 *     JSON_REJECT_DUPLICATES (jscan.h promises it; but for a NUL byte,
 *     see below), and on acceptance each value it hands out is
 *     jansson's, string for string and integer for integer;
 *   - a refused report is a 400, 422 or 500 with a message; an accepted
 *     one has a report id of 32 hex digits, a complete or incomplete
 *     verdict, one summary entry per finding, and the same report id,
 *     host name and findings as jansson reads.
 * Anything else aborts, so libFuzzer (and the replay in the test suite)
 * reports it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"
#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Walk jansson's value and the token at *i together; abort on any
 * difference in type, member, element or string. */
static void same(const struct vzs_jdoc *d, size_t *i, json_t *v)
{
	const struct vzs_jtok *t = &d->t[*i];
	size_t at = *i;

	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *m;

		if (t->type != VZS_JOBJECT)
			abort();
		(*i)++;
		json_object_foreach(v, k, m)
		{
			size_t got = vzs_jget(d, at, k);

			if (got == 0)
				abort();
			same(d, &got, m);
		}
		/* As many members: every key then value. */
		{
			size_t n = 0;

			for (size_t j = at + 1; j < t->next;
			     j = d->t[j + 1].next)
				n++;
			if (n != json_object_size(v))
				abort();
		}
		*i = t->next;
		return;
	}
	case JSON_ARRAY: {
		size_t j = vzs_jfirst(d, at);

		if (t->type != VZS_JARRAY ||
		    vzs_jarray_size(d, at) != json_array_size(v))
			abort();
		for (size_t k = 0; k < json_array_size(v); k++) {
			size_t here = j;

			j = d->t[j].next;
			same(d, &here, json_array_get(v, k));
		}
		*i = t->next;
		return;
	}
	case JSON_STRING: {
		size_t n = json_string_length(v);
		char *s = vzs_jstrdup(d, at);

		if (t->type != VZS_JSTRING || s == NULL || strlen(s) != n ||
		    memcmp(s, json_string_value(v), n) != 0)
			abort();
		free(s);
		break;
	}
	case JSON_INTEGER: {
		long long x;

		if (vzs_jint(d, at, &x) != 0 || x != json_integer_value(v))
			abort();
		break;
	}
	case JSON_REAL:
		if (t->type != VZS_JREAL)
			abort();
		break;
	case JSON_TRUE:
		if (t->type != VZS_JTRUE)
			abort();
		break;
	case JSON_FALSE:
		if (t->type != VZS_JFALSE)
			abort();
		break;
	case JSON_NULL:
		if (t->type != VZS_JNULL)
			abort();
		break;
	}
	(*i)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vzs_report r;
	struct vzs_jdoc d;
	json_error_t jerr;
	json_t *ref;
	char msg[600];
	int st, jrc;
	size_t semis = 0, top = 0;

	msg[0] = '\0';
	ref = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
	                 &jerr);
	jrc = vzs_jdoc_parse(&d, (const char *)data, size, msg, sizeof(msg));
	if (jrc == -2) {
		json_decref(ref);
		return 0; /* out of memory: no verdict to compare */
	}
	/* jansson drops a NUL byte that follows a number or a literal
	 * ("[1\0]" loads); the reader refuses every NUL, as a stored body
	 * must have none. Otherwise the verdicts agree. */
	if ((jrc == 0 && ref == NULL) || (jrc != 0 && msg[0] == '\0') ||
	    (jrc != 0 && ref != NULL && memchr(data, 0, size) == NULL))
		abort();
	if (jrc == 0) {
		same(&d, &top, ref);
		if (top != d.n)
			abort();
		vzs_jdoc_free(&d);
	}

	msg[0] = '\0';
	st = vzs_report_parse((const char *)data, size, &r, msg, sizeof(msg));
	if (st != 0) {
		json_decref(ref);
		if ((st != 400 && st != 422 && st != 500) || msg[0] == '\0')
			abort();
		return 0;
	}
	if (ref == NULL || strlen(r.report_id) != 32 || r.hostname == NULL ||
	    (strcmp(r.coverage, "complete") != 0 &&
	     strcmp(r.coverage, "incomplete") != 0) ||
	    r.products == NULL)
		abort();
	for (const char *p = r.products; *p; p++)
		semis += *p == ';';
	if (semis != r.nfound)
		abort();
	/* What the parser took is what jansson reads there. */
	{
		json_t *f = json_object_get(ref, "findings");

		if (strcmp(r.report_id,
		           json_string_value(json_object_get(ref, "report_id")))
		        != 0 ||
		    strcmp(r.hostname,
		           json_string_value(json_object_get(
		               json_object_get(ref, "host"), "hostname"))) !=
		        0 ||
		    json_array_size(f) != r.nfound)
			abort();
		for (size_t k = 0; k < r.nfound; k++)
			if (strcmp(r.found[k].product,
			           json_string_value(json_object_get(
			               json_array_get(f, k), "product_id"))) !=
			    0)
				abort();
	}
	json_decref(ref);
	vzs_report_clear(&r);
	return 0;
}
