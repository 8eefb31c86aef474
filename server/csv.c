/*
 * server/csv.c - CSV export (RFC 4180). A field that a spreadsheet would
 * run as a formula (=, +, -, @ first) is prefixed with ' so that a host
 * name can never become a formula in an officer's spreadsheet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

static void put(struct vzs_csv *c, const char *s, size_t n)
{
	if (c->oom)
		return;
	if (c->len + n + 1 > c->cap) {
		size_t nc = c->cap ? c->cap : 4096;
		char *p;

		while (nc < c->len + n + 1)
			nc *= 2;
		p = realloc(c->buf, nc);
		if (p == NULL) {
			c->oom = 1;
			return;
		}
		c->buf = p;
		c->cap = nc;
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
	c->buf[c->len] = '\0';
}

void vzs_csv_field(struct vzs_csv *c, const char *s)
{
	int quote = 0;

	if (!c->first)
		put(c, ",", 1);
	c->first = 0;
	for (const char *p = s; *p; p++)
		if (*p == ',' || *p == '"' || *p == '\n' || *p == '\r')
			quote = 1;
	if (quote)
		put(c, "\"", 1);
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		put(c, "'", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			put(c, "\"", 1);
		put(c, p, 1);
	}
	if (quote)
		put(c, "\"", 1);
}

void vzs_csv_int(struct vzs_csv *c, long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", v);
	if (!c->first)
		put(c, ",", 1);
	c->first = 0;
	put(c, buf, strlen(buf));
}

void vzs_csv_end(struct vzs_csv *c)
{
	put(c, "\r\n", 2);
	c->first = 1;
}

void vzs_csv_done(struct vzs_csv *c, struct vzs_resp *rs)
{
	if (c->oom || c->buf == NULL) {
		free(c->buf);
		vzs_error(rs, 500, "out of memory");
		return;
	}
	free(rs->body);
	rs->body = c->buf;
	rs->len = c->len;
	rs->status = 200;
	rs->ctype = "text/csv; charset=utf-8";
	rs->attachment = 1;
}
