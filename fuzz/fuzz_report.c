/*
 * fuzz/fuzz_report.c - libFuzzer harness for the fleet server's report
 * parser (server/report.c), which reads what any enrolled host posts.
 *
 * Arbitrary bytes go to vzs_report_parse. A refusal must be a 400 or 422
 * with a message; an acceptance must give a report id of 32 hex digits,
 * a complete or incomplete verdict, and one summary entry per finding.
 * Anything else aborts, so libFuzzer (and the replay in the test suite)
 * reports it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vzs_report r;
	char msg[600];
	int st;
	size_t semis = 0;

	msg[0] = '\0';
	st = vzs_report_parse((const char *)data, size, &r, msg, sizeof(msg));
	if (st != 0) {
		if ((st != 400 && st != 422 && st != 500) || msg[0] == '\0')
			abort();
		return 0;
	}
	if (strlen(r.report_id) != 32 || r.hostname == NULL ||
	    (strcmp(r.coverage, "complete") != 0 &&
	     strcmp(r.coverage, "incomplete") != 0) ||
	    r.products == NULL)
		abort();
	for (const char *p = r.products; *p; p++)
		semis += *p == ';';
	if (semis != r.nfound)
		abort();
	vzs_report_clear(&r);
	return 0;
}
