/*
 * fuzz/fuzz_compliance_report.c - libFuzzer harness for the compliance
 * report's renderer (src/report_render.c), which writes what the fleet
 * server answers, values that scanned hosts sent, into Markdown and HTML.
 *
 * The input is one JSON object with the server's answers as members
 * (org, catalog, measures, now, then, overdue, exemptions, as_of, since);
 * anything else is ignored. Both formats in both languages must render,
 * and nothing from the input may become markup: in HTML every '<' starts
 * one of the renderer's own tags, in Markdown every '<' is escaped, and
 * neither holds a control character other than a newline. Anything else
 * aborts, so libFuzzer (and the replay in the test suite) reports it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report_render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const tags[] = {
    "!DOCTYPE html>", "html ", "/html>", "head>", "/head>", "meta ",
    "title>", "/title>", "style>", "/style>", "body>", "/body>",
    "h1>", "/h1>", "h2>", "/h2>", "p>", "/p>", "table ", "table>",
    "/table>", "thead>", "/thead>", "tbody>", "/tbody>", "tr>", "/tr>",
    "th>", "th ", "/th>", "td>", "td ", "/td>", NULL};

static void check(const char *s, size_t n, int html)
{
	if (s == NULL || strlen(s) != n)
		abort();
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int ok = 0;

		if ((c < 0x20 && c != '\n') || c == 0x7f)
			abort();
		if (c != '<')
			continue;
		if (!html) {
			if (i == 0 || s[i - 1] != '\\')
				abort();
			continue;
		}
		for (size_t t = 0; tags[t] != NULL && !ok; t++)
			ok = strncmp(s + i + 1, tags[t], strlen(tags[t])) == 0;
		if (!ok)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *o = json_loadb((const char *)data, size, 0, NULL);
	struct report_data d;

	if (!json_is_object(o)) {
		json_decref(o);
		return 0;
	}
	memset(&d, 0, sizeof(d));
	d.org = json_object_get(o, "org");
	d.cat = json_object_get(o, "catalog");
	d.measures = json_object_get(o, "measures");
	d.now = json_object_get(o, "now");
	d.then = json_object_get(o, "then");
	d.overdue = json_object_get(o, "overdue");
	d.exempt = json_object_get(o, "exemptions");
	d.as_of = json_string_value(json_object_get(o, "as_of"));
	d.since = json_string_value(json_object_get(o, "since"));
	d.version = "0.0.0";
	d.source = "http://fuzz.invalid";
	for (int html = 0; html < 2; html++)
		for (int nl = 0; nl < 2; nl++) {
			size_t n = 0;
			char *s = report_render(&d, html, nl, &n);

			check(s, n, html);
			free(s);
		}
	json_decref(o);
	return 0;
}
