/*
 * win/jsonl.c - the inventory as JSON Lines (docs/inventory.md): records,
 * the end line with statistics, and UTF-16 to UTF-8 conversion.
 *
 * Windows hands out UTF-16 (possibly with unpaired surrogates, which
 * WideCharToMultiByte turns into U+FFFD); every string written is UTF-8
 * with the JSON escapes, so `voorzorg scan --inventory` reads it as is.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "collect.h"
#include "../lib/util/jsonstr.h"

void out_raw(struct out *o, const char *s, size_t n)
{
	char *nb;
	size_t ncap;

	if (o->failed)
		return;
	if (o->len + n + 1 > o->cap) {
		ncap = o->cap ? o->cap : 65536;
		while (ncap < o->len + n + 1)
			ncap *= 2;
		nb = realloc(o->buf, ncap);
		if (nb == NULL) {
			o->failed = 1;
			return;
		}
		o->buf = nb;
		o->cap = ncap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

void out_puts(struct out *o, const char *s)
{
	out_raw(o, s, strlen(s));
}

void out_printf(struct out *o, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		out_raw(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n
		                                        : sizeof(tmp) - 1);
}

static void out_sink(void *ctx, const char *p, size_t n)
{
	out_raw(ctx, p, n);
}

/* The library's own JSON string writer, so both inventories agree. */
void out_str(struct out *o, const char *s)
{
	vz__json_quote(s, out_sink, o);
}

static void field(struct out *o, const char *key, const char *v)
{
	if (v == NULL)
		return;
	out_printf(o, ",\"%s\":", key);
	out_str(o, v);
}

void out_record(struct out *o, const struct rec *r)
{
	static const char *const flags[] = {"uninstall", "service", "driver"};
	const char *sep = "";
	size_t i;

	out_puts(o, "{\"kind\":");
	out_str(o, r->kind);
	field(o, "source", r->source);
	field(o, "origin", r->origin);
	field(o, "name", r->name);
	field(o, "version", r->version);
	field(o, "vendor", r->vendor);
	field(o, "detail", r->detail);
	field(o, "path", r->path);
	field(o, "pkg_state", r->pkg_state);
	if (r->pid != 0)
		out_printf(o, ",\"pid\":%ld", r->pid);
	if (r->enabled)
		out_puts(o, ",\"enabled\":true");
	field(o, "ecosystem", r->ecosystem);
	field(o, "platform", r->platform);
	if (r->flags != 0) {
		out_puts(o, ",\"flags\":[");
		for (i = 0; i < 3; i++) {
			if (!(r->flags & (1u << i)))
				continue;
			out_printf(o, "%s\"%s\"", sep, flags[i]);
			sep = ",";
		}
		out_puts(o, "]");
	}
	field(o, "value", r->value);
	field(o, "data", r->data);
	field(o, "subject", r->subject);
	field(o, "issuer", r->issuer);
	field(o, "common_name", r->common_name);
	field(o, "auth", r->auth);
	out_puts(o, "}\n");
	o->records++;
}

char *utf8(const wchar_t *w)
{
	int n;
	char *s;

	if (w == NULL)
		return NULL;
	n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
	if (n <= 0)
		return NULL;
	s = malloc((size_t)n);
	if (s == NULL)
		return NULL;
	if (WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL) != n) {
		free(s);
		return NULL;
	}
	return s;
}

void problem(struct stats *st, const char *collector, int unreadable,
             const char *reason, const wchar_t *example)
{
	size_t i;

	for (i = 0; i < st->np; i++)
		if (strcmp(st->p[i].collector, collector) == 0 &&
		    strcmp(st->p[i].reason, reason) == 0) {
			st->p[i].count++;
			return;
		}
	if (st->np == MAX_PROBLEMS)
		return;
	st->p[st->np].collector = collector;
	st->p[st->np].reason = reason;
	st->p[st->np].unreadable = unreadable;
	st->p[st->np].count = 1;
	st->p[st->np].example = utf8(example);
	st->np++;
}

void ran(struct stats *st, const char *name, const char *status,
         const char *detail, unsigned long long examined)
{
	if (st->nr == MAX_RUNS)
		return;
	st->r[st->nr].name = name;
	st->r[st->nr].status = status;
	st->r[st->nr].detail = detail ? _strdup(detail) : NULL;
	st->r[st->nr].examined = examined;
	st->nr++;
}

void out_end(struct out *o, const struct stats *st)
{
	static const char *const names[C__COUNT] = {
		"packages", "processes", "registry_keys", "registry_values",
		"services", "pe_files", "signatures", "verified_signatures"};
	size_t i;

	out_printf(o, "{\"end\":true,\"records\":%llu,\"stats\":{",
	           o->records);
	for (i = 0; i < C__COUNT; i++)
		out_printf(o, "%s\"%s\":%llu", i ? "," : "", names[i],
		           st->c[i]);
	out_puts(o, "},\"collectors\":[");
	for (i = 0; i < st->nr; i++) {
		out_puts(o, i ? ",{\"name\":" : "{\"name\":");
		out_str(o, st->r[i].name);
		out_puts(o, ",\"status\":");
		out_str(o, st->r[i].status);
		field(o, "detail", st->r[i].detail);
		out_printf(o, ",\"examined\":%llu", st->r[i].examined);
		out_puts(o, "}");
	}
	out_puts(o, "],\"problems\":[");
	for (i = 0; i < st->np; i++) {
		out_puts(o, i ? ",{\"collector\":" : "{\"collector\":");
		out_str(o, st->p[i].collector);
		out_printf(o, ",\"unreadable\":%s,\"reason\":",
		           st->p[i].unreadable ? "true" : "false");
		out_str(o, st->p[i].reason);
		out_printf(o, ",\"count\":%llu", st->p[i].count);
		field(o, "example", st->p[i].example);
		out_puts(o, "}");
	}
	out_puts(o, "]}\n");
}
