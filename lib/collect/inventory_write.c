/*
 * lib/collect/inventory_write.c - write inventory records as JSON Lines
 * (docs/inventory.md), as they stream from the collectors.
 *
 * A big host yields millions of file records, so each record is written
 * the moment it arrives and nothing is kept but one line's buffer. The
 * JSON is produced by hand rather than through jansson objects: a file
 * record is a handful of fields, and building and freeing a tree for
 * each of a million would cost more than the walk. Strings that are not
 * UTF-8 (file names may hold any bytes) are written as {"hex": ...}, so
 * the reader gives back exactly the bytes the collector saw.
 */
#include <stdio.h>
#include <string.h>

#include <voorzorg/inventory_file.h>

#include "collect_int.h"
#include "inventory_int.h"
#include "util/jsonstr.h"

struct vz_inventory_writer {
	vz_write_fn write;
	void *ctx;
	vz_sink hints; /* copied; ctx borrowed */
	int have_hints;
	struct vz_buf line;
	uint64_t records;
	vz_status rc; /* the first failure; sticky */
};

/* Length of the UTF-8 sequence at s, or 0 if it is not one. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

int vz__utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = utf8_seq(p);

		if (n == 0)
			return 0;
		p += n;
	}
	return 1;
}

static void buf_sink(void *ctx, const char *p, size_t n)
{
	vz__buf_add(ctx, p, n);
}

/* A string that is not UTF-8 is written as {"hex":"..."} of its bytes. */
static void put_str(struct vz_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char two[3];

	if (vz__utf8_valid(s)) {
		vz__json_quote(s, buf_sink, b);
		return;
	}
	vz__buf_puts(b, "{\"hex\":\"");
	for (; *p; p++) {
		vz__hex_encode(p, 1, two);
		vz__buf_add(b, two, 2);
	}
	vz__buf_puts(b, "\"}");
}

/* ,"key":"value" when value is set. */
static void field(struct vz_buf *b, const char *key, const char *v)
{
	if (v == NULL)
		return;
	vz__buf_printf(b, ",\"%s\":", key);
	put_str(b, v);
}

static void field_u(struct vz_buf *b, const char *key, uint64_t v)
{
	vz__buf_printf(b, ",\"%s\":%llu", key, (unsigned long long)v);
}

static vz_status flush_line(vz_inventory_writer *w)
{
	vz_status rc;

	vz__buf_add(&w->line, "\n", 1);
	if (w->line.failed)
		return w->rc = VZ_E_NOMEM;
	rc = w->write(w->ctx, w->line.data, w->line.len);
	w->line.len = 0;
	if (rc != VZ_OK)
		w->rc = rc;
	return rc;
}

vz_status vz_inventory_writer_new(const vz_inventory_meta *meta,
                                  vz_write_fn write, void *ctx,
                                  vz_inventory_writer **out)
{
	vz_inventory_writer *w;
	struct vz_buf *b;
	vz_status rc;

	*out = NULL;
	w = vz__calloc(1, sizeof(*w));
	if (w == NULL)
		return VZ_E_NOMEM;
	w->write = write;
	w->ctx = ctx;
	vz__buf_init(&w->line);
	b = &w->line;
	vz__buf_printf(b,
	               "{\"format\":\"voorzorg-inventory\","
	               "\"inventory_schema\":%d",
	               VZ_INVENTORY_SCHEMA);
	field(b, "tool", meta->tool ? meta->tool : "voorzorg");
	field(b, "tool_version", meta->tool_version);
	field(b, "collected_at", meta->collected_at);
	vz__buf_puts(b, ",\"host\":{\"live\":");
	vz__buf_puts(b, meta->live ? "true" : "false");
	field(b, "machine_id", meta->machine_id);
	field(b, "hostname", meta->hostname);
	field(b, "fqdn", meta->fqdn);
	field(b, "os", meta->os);
	field(b, "root", meta->root);
	vz__buf_puts(b, "}");
	if (meta->catalog_id != NULL) {
		vz__buf_puts(b, ",\"collected_for\":{\"catalog\":");
		put_str(b, meta->catalog_id);
		vz__buf_printf(b, ",\"version\":%lld}",
		               (long long)meta->catalog_version);
	}
	vz__buf_puts(b, "}");
	rc = flush_line(w);
	if (rc != VZ_OK) {
		vz_inventory_writer_free(w);
		return rc;
	}
	*out = w;
	return VZ_OK;
}

void vz_inventory_writer_free(vz_inventory_writer *w)
{
	if (w == NULL)
		return;
	vz__buf_free(&w->line);
	vz__free(w);
}

static vz_status on_record(void *ctx, const vz_record *r)
{
	vz_inventory_writer *w = ctx;
	struct vz_buf *b = &w->line;
	char hex[65];
	size_t i;

	if (w->rc != VZ_OK)
		return w->rc;
	if ((unsigned)r->kind >= VZ__REC_KINDS)
		return VZ_OK;
	w->line.len = 0;
	vz__buf_printf(b, "{\"kind\":\"%s\"", vz__rec_kind_names[r->kind]);
	field(b, "source", r->source);
	field(b, "origin", r->origin);
	field(b, "name", r->name);
	field(b, "version", r->version);
	field(b, "arch", r->arch);
	field(b, "vendor", r->vendor);
	field(b, "detail", r->detail);
	field(b, "path", r->path);
	if (r->kind == VZ_REC_PACKAGE && (unsigned)r->pkg_state < 4)
		field(b, "pkg_state", vz__pkg_state_names[r->pkg_state]);
	if (r->kind == VZ_REC_FILE && (unsigned)r->file_type < 4)
		field(b, "type", vz__file_type_names[r->file_type]);
	if (r->size != 0 || r->kind == VZ_REC_FILE)
		field_u(b, "size", r->size);
	if (r->sha256 != NULL) {
		vz__hex_encode(r->sha256, 32, hex);
		vz__buf_printf(b, ",\"sha256\":\"%s\"", hex);
	}
	if (r->pid != 0)
		vz__buf_printf(b, ",\"pid\":%ld", r->pid);
	if (r->enabled)
		vz__buf_puts(b, ",\"enabled\":true");
	field(b, "ecosystem", r->ecosystem);
	field(b, "platform", r->platform);
	if (r->flags != 0) {
		const char *sep = "";

		vz__buf_puts(b, ",\"flags\":[");
		for (i = 0; vz__rec_flag_names[i] != NULL; i++) {
			if (!(r->flags & (1u << i)))
				continue;
			vz__buf_printf(b, "%s\"%s\"", sep,
			               vz__rec_flag_names[i]);
			sep = ",";
		}
		vz__buf_puts(b, "]");
	}
	field(b, "value", r->value);
	field(b, "data", r->data);
	field(b, "subject", r->subject);
	field(b, "issuer", r->issuer);
	field(b, "common_name", r->common_name);
	if (r->kind == VZ_REC_SIGNATURE && (unsigned)r->auth < 4)
		field(b, "auth", vz__auth_names[r->auth]);
	field(b, "ident", r->ident);
	field(b, "team_id", r->team_id);
	if (r->ncpes > 0) {
		vz__buf_puts(b, ",\"cpes\":[");
		for (i = 0; i < r->ncpes; i++) {
			if (i > 0)
				vz__buf_add(b, ",", 1);
			put_str(b, r->cpes[i] ? r->cpes[i] : "");
		}
		vz__buf_puts(b, "]");
	}
	vz__buf_add(b, "}", 1);
	w->records++;
	return flush_line(w);
}

static int hint_content(void *ctx, uint64_t size)
{
	vz_inventory_writer *w = ctx;

	return w->hints.want_content != NULL &&
	       w->hints.want_content(w->hints.ctx, size);
}

static int hint_key(void *ctx, const char *key)
{
	vz_inventory_writer *w = ctx;

	return w->hints.want_key == NULL || w->hints.want_key(w->hints.ctx,
	                                                      key);
}

static int hint_signer(void *ctx, const char *subject, const char *issuer,
                       const char *cn)
{
	vz_inventory_writer *w = ctx;

	return w->hints.want_signer != NULL &&
	       w->hints.want_signer(w->hints.ctx, subject, issuer, cn);
}

void vz_inventory_writer_sink(vz_inventory_writer *w, const vz_sink *hints,
                              vz_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->ctx = w;
	sink->record = on_record;
	if (hints == NULL)
		return;
	w->hints = *hints;
	w->have_hints = 1;
	sink->interests = hints->interests;
	if (hints->want_content != NULL)
		sink->want_content = hint_content;
	if (hints->want_key != NULL)
		sink->want_key = hint_key;
	if (hints->want_signer != NULL)
		sink->want_signer = hint_signer;
}

vz_status vz_inventory_writer_finish(vz_inventory_writer *w,
                                     const vz_stats *st)
{
	struct vz_buf *b = &w->line;
	size_t i, n;

	if (w->rc != VZ_OK)
		return w->rc;
	w->line.len = 0;
	vz__buf_printf(b, "{\"end\":true,\"records\":%llu,\"stats\":{",
	               (unsigned long long)w->records);
	for (i = 0; i < VZ_STAT__COUNT; i++)
		vz__buf_printf(b, "%s\"%s\":%llu", i ? "," : "",
		               vz_counter_name((vz_counter)i),
		               (unsigned long long)vz_stats_get(
		                   st, (vz_counter)i));
	vz__buf_puts(b, "},\"collectors\":[");
	n = vz_stats_run_count(st);
	for (i = 0; i < n; i++) {
		const vz_collector_run *r = vz_stats_run(st, i);

		vz__buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
		put_str(b, r->name);
		vz__buf_puts(b, ",\"status\":");
		put_str(b, r->status);
		field(b, "detail", r->detail);
		field_u(b, "examined", r->examined);
		vz__buf_puts(b, "}");
	}
	vz__buf_puts(b, "],\"problems\":[");
	n = vz_stats_problem_count(st);
	for (i = 0; i < n; i++) {
		const vz_problem *p = vz_stats_problem(st, i);

		vz__buf_puts(b, i ? ",{\"collector\":" : "{\"collector\":");
		put_str(b, p->collector);
		vz__buf_printf(b, ",\"unreadable\":%s,\"reason\":",
		               p->unreadable ? "true" : "false");
		put_str(b, p->reason);
		field_u(b, "count", p->count);
		field(b, "example", p->example);
		vz__buf_puts(b, "}");
	}
	vz__buf_puts(b, "]}");
	return flush_line(w);
}

const char *const vz__rec_kind_names[VZ__REC_KINDS] = {
	"package",  "file",      "process",   "module", "unit",
	"registry", "service",   "signature", "bundle", "component"};
const char *const vz__pkg_state_names[4] = {"installed", "partial",
                                            "config-files",
                                            "not-installed"};
const char *const vz__file_type_names[4] = {"regular", "directory",
                                            "symlink", "other"};
const char *const vz__auth_names[4] = {"valid", "tampered", "bad",
                                       "unchecked"};
const char *const vz__rec_flag_names[5] = {"uninstall", "service", "driver",
                                           "receipt", NULL};
