/*
 * lib/collect/inventory_read.c - replay a saved inventory (JSON Lines,
 * docs/inventory.md) into a sink, as if its collectors were running.
 *
 * The file comes from elsewhere (another host, a Windows agent, a fleet
 * upload): any bytes at all. It is read one line at a time, each line at
 * most VZ_INVENTORY_LINE_MAX bytes, so memory stays bounded whatever the
 * file's size and the cost is linear in it. Every field is checked for
 * its type before use, unknown fields and kinds are refused (a typo must
 * not silently drop evidence), and the end line must be there with the
 * right record count: a truncated inventory is an error, never a clean
 * host. Errors name the file, line and column.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <voorzorg/inventory_file.h>

#include "collect_int.h"
#include "inventory_int.h"

#define MAX_CPES 64
#define MAX_TMP (24 + MAX_CPES)
#define CHUNK 65536

struct line_src {
	FILE *fp;           /* or: */
	const char *mem;
	size_t memlen, mempos;
	char *buf; /* owned, for fp */
	size_t cap, len, pos;
	int eof;
};

struct rd {
	const char *name;
	vz_error *err;
	const vz_sink *sink;
	vz_stats *st;
	vz_inventory_info *info;
	int check_hints; /* collected for another catalogue: count gaps */
	unsigned long lineno;
	const char *text; /* the current line */
	size_t len;
	/* The member of the line whose object the fields being read are
	 * in ("host"), for their columns; NULL for the line's own. */
	const char *within;
	char *tmp[MAX_TMP]; /* owned strings of the current record */
	size_t ntmp;
	/* The directory (files) and key (registry) of the last record. */
	struct vz_buf lastdir, lastkey;
	uint64_t dir_id, key_id, next_id;
	int key_wanted;
	uint64_t records;
	int ended;
	/* Gaps when collected for another catalogue. */
	uint64_t unhashed, unverified;
	char *unhashed_example, *unverified_example; /* owned */
};

/* ---- lines ------------------------------------------------------------ */

/*
 * The next line (without its newline) in *line and *n; 0 at the end, 1 with
 * a line, -1 on a read error (errno), -2 for a line over the limit, -3
 * out of memory. The line is valid until the next call.
 */
static int next_line(struct line_src *s, const char **line, size_t *n)
{
	char *nl, *nb;
	size_t got;

	if (s->fp == NULL) {
		const char *p = s->mem + s->mempos;
		size_t rest = s->memlen - s->mempos;

		if (rest == 0)
			return 0;
		nl = memchr(p, '\n', rest);
		*line = p;
		*n = nl ? (size_t)(nl - p) : rest;
		s->mempos += *n + (nl != NULL);
		return *n > VZ_INVENTORY_LINE_MAX ? -2 : 1;
	}
	for (;;) {
		nl = s->len > s->pos ? memchr(s->buf + s->pos, '\n',
		                              s->len - s->pos)
		                     : NULL;
		if (nl != NULL || (s->eof && s->len > s->pos)) {
			*line = s->buf + s->pos;
			*n = nl ? (size_t)(nl - *line) : s->len - s->pos;
			s->pos += *n + (nl != NULL);
			return *n > VZ_INVENTORY_LINE_MAX ? -2 : 1;
		}
		if (s->eof)
			return 0;
		if (s->len - s->pos > VZ_INVENTORY_LINE_MAX)
			return -2;
		/* Move the partial line to the front, then read more. */
		if (s->pos > 0) {
			memmove(s->buf, s->buf + s->pos, s->len - s->pos);
			s->len -= s->pos;
			s->pos = 0;
		}
		if (s->cap - s->len < CHUNK) {
			nb = vz__realloc(s->buf, s->cap + CHUNK);
			if (nb == NULL)
				return -3;
			s->buf = nb;
			s->cap += CHUNK;
		}
		got = fread(s->buf + s->len, 1, s->cap - s->len, s->fp);
		if (got == 0) {
			if (ferror(s->fp))
				return -1;
			s->eof = 1;
		}
		s->len += got;
	}
}

/* ---- errors ----------------------------------------------------------- */

static vz_status fail_at(struct rd *r, vz_status code, unsigned long col,
                         const char *fmt, ...) VZ__PRINTF(4, 5);

static vz_status fail_at(struct rd *r, vz_status code, unsigned long col,
                         const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vz__error_set(r->err, code, r->name, "%s", msg);
	if (r->err != NULL) {
		r->err->line = r->lineno;
		r->err->column = col;
	}
	return code;
}

/* Column of member `key` in the current line, or in its member
 * r->within (1 if it cannot be found). */
static unsigned long col_of(struct rd *r, const char *key)
{
	struct vz_jseg seg[2] = {{r->within, 0}, {key, 0}};
	size_t n = r->within != NULL ? 2 : 1;
	unsigned long l = 1, c = 1;

	if (vz__json_locate(r->text, r->len, seg + 2 - n, n, 1, &l, &c) !=
	        0 ||
	    l != 1)
		return 1;
	return c;
}

static vz_status bad_field(struct rd *r, const char *key, const char *what)
{
	return fail_at(r, VZ_E_PARSE, col_of(r, key), "\"%s\": %s", key,
	               what);
}

/* ---- fields ----------------------------------------------------------- */

static char *keep(struct rd *r, char *s)
{
	if (s == NULL)
		return NULL;
	if (r->ntmp == MAX_TMP) {
		vz__free(s);
		return NULL;
	}
	r->tmp[r->ntmp++] = s;
	return s;
}

/*
 * A string field: a JSON string without NUL, or {"hex": "..."} giving
 * the bytes of a string that is not UTF-8. *out borrowed until the next
 * record; NULL when absent. VZ_E_PARSE for anything else.
 */
static vz_status str_value(struct rd *r, const char *key, json_t *v,
                           const char **out)
{
	const char *h;
	size_t n, i;
	char *s;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return VZ_OK;
	if (json_is_string(v)) {
		if (strlen(json_string_value(v)) != json_string_length(v))
			return bad_field(r, key, "holds a NUL character");
		*out = json_string_value(v);
		return VZ_OK;
	}
	if (!json_is_object(v) || json_object_size(v) != 1 ||
	    !json_is_string(json_object_get(v, "hex")))
		return bad_field(r, key, "not a string");
	h = json_string_value(json_object_get(v, "hex"));
	n = strlen(h);
	if (n % 2 != 0 || n == 0)
		return bad_field(r, key, "hex: not pairs of hex digits");
	s = vz__malloc(n / 2 + 1);
	if (s == NULL || keep(r, s) == NULL)
		return VZ_E_NOMEM;
	for (i = 0; i < n / 2; i++) {
		int a = vz__hexval(h[2 * i]), b = vz__hexval(h[2 * i + 1]);

		if (a < 0 || b < 0 || (a == 0 && b == 0))
			return bad_field(r, key, "hex: not the hex digits of "
			                         "bytes other than NUL");
		s[i] = (char)(a << 4 | b);
	}
	s[n / 2] = '\0';
	*out = s;
	return VZ_OK;
}

static vz_status uint_value(struct rd *r, const char *key, json_t *v,
                            uint64_t *out)
{
	*out = 0;
	if (v == NULL)
		return VZ_OK;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return bad_field(r, key, "not a non-negative integer");
	*out = (uint64_t)json_integer_value(v);
	return VZ_OK;
}

/* The index of s in names[0..n) (which a NULL may end early), or -1. */
static int name_index(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < n && names[i] != NULL; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

static vz_status enum_value(struct rd *r, const char *key, json_t *v,
                            const char *const *names, size_t n, int *out)
{
	*out = -1;
	if (v == NULL)
		return VZ_OK;
	*out = json_is_string(v) ? name_index(names, n, json_string_value(v))
	                         : -1;
	if (*out < 0)
		return bad_field(r, key, "not one of the values of "
		                         "docs/inventory.md");
	return VZ_OK;
}

/* The fields a record may have, and where each goes. */
enum ftype { F_STR, F_U64, F_ENUM, F_BOOL, F_FLAGS, F_SHA, F_CPES, F_KIND };

static const struct fdesc {
	const char *key;
	enum ftype type;
} fields[] = {
	{"kind", F_KIND},       {"source", F_STR},     {"origin", F_STR},
	{"name", F_STR},        {"version", F_STR},    {"arch", F_STR},
	{"vendor", F_STR},      {"detail", F_STR},     {"path", F_STR},
	{"pkg_state", F_ENUM},  {"type", F_ENUM},      {"size", F_U64},
	{"sha256", F_SHA},      {"pid", F_U64},        {"enabled", F_BOOL},
	{"ecosystem", F_STR},   {"platform", F_STR},   {"flags", F_FLAGS},
	{"value", F_STR},       {"data", F_STR},       {"subject", F_STR},
	{"issuer", F_STR},      {"common_name", F_STR}, {"auth", F_ENUM},
	{"ident", F_STR},       {"team_id", F_STR},    {"cpes", F_CPES},
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static const char **str_slot(vz_record *rec, const char *key)
{
	static const struct {
		const char *key;
		size_t off;
	} slots[] = {
		{"source", offsetof(vz_record, source)},
		{"origin", offsetof(vz_record, origin)},
		{"name", offsetof(vz_record, name)},
		{"version", offsetof(vz_record, version)},
		{"arch", offsetof(vz_record, arch)},
		{"vendor", offsetof(vz_record, vendor)},
		{"detail", offsetof(vz_record, detail)},
		{"path", offsetof(vz_record, path)},
		{"ecosystem", offsetof(vz_record, ecosystem)},
		{"platform", offsetof(vz_record, platform)},
		{"value", offsetof(vz_record, value)},
		{"data", offsetof(vz_record, data)},
		{"subject", offsetof(vz_record, subject)},
		{"issuer", offsetof(vz_record, issuer)},
		{"common_name", offsetof(vz_record, common_name)},
		{"ident", offsetof(vz_record, ident)},
		{"team_id", offsetof(vz_record, team_id)},
	};
	size_t i;

	for (i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		if (strcmp(slots[i].key, key) == 0)
			return (const char **)(void *)((char *)rec +
			                               slots[i].off);
	return NULL;
}

static vz_status one_field(struct rd *r, const struct fdesc *d, json_t *v,
                           vz_record *rec, unsigned char *sha,
                           const char **cpes)
{
	uint64_t u;
	vz_status rc = VZ_OK;
	size_t i;
	int e;

	switch (d->type) {
	case F_KIND:
		return VZ_OK; /* read first, by the caller */
	case F_STR:
		return str_value(r, d->key, v, str_slot(rec, d->key));
	case F_U64:
		rc = uint_value(r, d->key, v, &u);
		if (strcmp(d->key, "size") == 0)
			rec->size = u;
		else if (u > (uint64_t)0x7fffffff)
			rc = bad_field(r, d->key, "out of range");
		else
			rec->pid = (long)u;
		return rc;
	case F_BOOL:
		if (!json_is_boolean(v))
			return bad_field(r, d->key, "not true or false");
		rec->enabled = json_is_true(v);
		return VZ_OK;
	case F_ENUM:
		if (strcmp(d->key, "pkg_state") == 0) {
			rc = enum_value(r, d->key, v, vz__pkg_state_names, 4,
			                &e);
			rec->pkg_state = (vz_pkg_state)e;
		} else if (strcmp(d->key, "type") == 0) {
			rc = enum_value(r, d->key, v, vz__file_type_names, 4,
			                &e);
			rec->file_type = (vz_file_type)e;
		} else {
			rc = enum_value(r, d->key, v, vz__auth_names, 4, &e);
			rec->auth = (vz_auth_state)e;
		}
		return rc;
	case F_FLAGS:
		if (!json_is_array(v))
			return bad_field(r, d->key, "not an array");
		for (i = 0; i < json_array_size(v); i++) {
			json_t *f = json_array_get(v, i);

			e = json_is_string(f)
			        ? name_index(vz__rec_flag_names, 4,
			                     json_string_value(f))
			        : -1;
			if (e < 0)
				return bad_field(r, d->key,
				                 "an unknown flag (use "
				                 "uninstall, service, driver, "
				                 "receipt)");
			rec->flags |= 1u << e;
		}
		return VZ_OK;
	case F_SHA: {
		const char *h = json_string_value(v);

		if (h == NULL || strlen(h) != 64)
			return bad_field(r, d->key, "not 64 hex digits");
		for (i = 0; i < 32; i++) {
			int a = vz__hexval(h[2 * i]);
			int b = vz__hexval(h[2 * i + 1]);

			if (a < 0 || b < 0)
				return bad_field(r, d->key,
				                 "not 64 hex digits");
			sha[i] = (unsigned char)(a << 4 | b);
		}
		rec->sha256 = sha;
		return VZ_OK;
	}
	case F_CPES:
		if (!json_is_array(v) || json_array_size(v) > MAX_CPES)
			return bad_field(r, d->key, "not an array of at most "
			                            "64 strings");
		for (i = 0; i < json_array_size(v) && rc == VZ_OK; i++) {
			rc = str_value(r, d->key, json_array_get(v, i),
			               &cpes[i]);
			if (rc == VZ_OK && cpes[i] == NULL)
				rc = bad_field(r, d->key, "null in the array");
		}
		rec->cpes = cpes;
		rec->ncpes = json_array_size(v);
		return rc;
	}
	return VZ_OK;
}

/* ---- records ------------------------------------------------------------ */

static int wants_kind(const vz_sink *s, vz_record_kind k)
{
	return s->interests == 0 || (s->interests & VZ_WANT(k)) != 0;
}

/* Mark directory (files) or key (registry) changes as collectors do. */
static vz_status track(struct rd *r, struct vz_buf *last, uint64_t *id,
                       const char *s, size_t n, int *changed)
{
	*changed = 0;
	if (*id != 0 && last->len == n && memcmp(last->data, s, n) == 0)
		return VZ_OK;
	last->len = 0;
	vz__buf_add(last, s, n);
	if (last->failed)
		return VZ_E_NOMEM;
	*id = ++r->next_id;
	*changed = 1;
	return VZ_OK;
}

static void gap(uint64_t *count, char **example, const char *what)
{
	(*count)++;
	if (*example == NULL && what != NULL)
		*example = vz__strdup(what);
}

static vz_status record(struct rd *r, json_t *o)
{
	unsigned char sha[32];
	const char *cpes[MAX_CPES];
	vz_record rec;
	const char *k;
	json_t *v;
	vz_status rc = VZ_OK;
	size_t i;
	int kind, changed;

	memset(&rec, 0, sizeof(rec));
	kind = json_is_string(json_object_get(o, "kind"))
	           ? name_index(vz__rec_kind_names, VZ__REC_KINDS,
	                        json_string_value(json_object_get(o, "kind")))
	           : -1;
	if (kind < 0)
		return bad_field(r, "kind", "not a record kind of "
		                            "docs/inventory.md");
	rec.kind = (vz_record_kind)kind;
	rec.auth = VZ_AUTH_UNCHECKED;
	json_object_foreach(o, k, v) {
		for (i = 0; i < NFIELDS; i++)
			if (strcmp(fields[i].key, k) == 0)
				break;
		if (i == NFIELDS)
			return fail_at(r, VZ_E_PARSE, col_of(r, k),
			               "\"%s\": not a field of an inventory "
			               "record",
			               k);
		rc = one_field(r, &fields[i], v, &rec, sha, cpes);
		if (rc != VZ_OK)
			return rc;
	}
	if (rec.name == NULL)
		return fail_at(r, VZ_E_PARSE, 1, "a record without a name");
	if (rec.source == NULL)
		rec.source = "inventory";
	r->records++;
	if (!wants_kind(r->sink, rec.kind))
		return VZ_OK;
	if (rec.kind == VZ_REC_FILE) {
		const char *slash = strrchr(rec.name, '/');

		rec.dirlen = slash ? (size_t)(slash - rec.name) : 0;
		rc = track(r, &r->lastdir, &r->dir_id, rec.name, rec.dirlen,
		           &changed);
		rec.dir_id = r->dir_id;
		if (r->check_hints && rc == VZ_OK && rec.sha256 == NULL &&
		    rec.file_type == VZ_FT_REGULAR &&
		    r->sink->want_content != NULL &&
		    r->sink->want_content(r->sink->ctx, rec.size))
			gap(&r->unhashed, &r->unhashed_example, rec.name);
	} else if (rec.kind == VZ_REC_REGISTRY) {
		rc = track(r, &r->lastkey, &r->key_id, rec.name,
		           strlen(rec.name), &changed);
		rec.dir_id = r->key_id;
		rec.dirlen = strlen(rec.name);
		if (rc == VZ_OK && changed)
			r->key_wanted = r->sink->want_key == NULL ||
			                r->sink->want_key(r->sink->ctx,
			                                  rec.name);
		if (!r->key_wanted)
			return rc;
	} else if (rec.kind == VZ_REC_SIGNATURE && r->check_hints &&
	           rec.auth == VZ_AUTH_UNCHECKED &&
	           r->sink->want_signer != NULL &&
	           r->sink->want_signer(r->sink->ctx, rec.subject, rec.issuer,
	                                rec.common_name)) {
		gap(&r->unverified, &r->unverified_example, rec.name);
	}
	if (rc != VZ_OK)
		return rc;
	return r->sink->record(r->sink->ctx, &rec);
}

/* ---- header and end lines ------------------------------------------------ */

static vz_status dup_str(struct rd *r, json_t *o, const char *key,
                         char **out)
{
	const char *s;
	vz_status rc = str_value(r, key, json_object_get(o, key), &s);

	if (rc != VZ_OK || s == NULL)
		return rc;
	*out = vz__strdup(s);
	return *out ? VZ_OK : VZ_E_NOMEM;
}

/*
 * host.machine_id: a machine-id(5) or a Windows MachineGuid (what
 * voorzorg-collect.exe writes), kept as 32 lowercase hex digits; any
 * other text is refused, since it becomes the report's and the fleet
 * server's identity of the host.
 */
static vz_status machine_id(struct rd *r, json_t *h, char **out)
{
	const char *s;
	char id[33];
	vz_status rc = str_value(r, "machine_id",
	                         json_object_get(h, "machine_id"), &s);

	if (rc != VZ_OK || s == NULL)
		return rc;
	if (vz__machine_id_canon(s, id) != 0)
		return bad_field(r, "machine_id",
		                 "not a machine-id or a GUID (32 hex digits)");
	*out = vz__strdup(id);
	return *out != NULL ? VZ_OK : VZ_E_NOMEM;
}

static vz_status only_keys(struct rd *r, json_t *o, const char *const *keys)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		if (name_index(keys, 64, k) < 0)
			return fail_at(r, VZ_E_PARSE, col_of(r, k),
			               "\"%s\": not a field of this line", k);
	}
	return VZ_OK;
}

static vz_status header(struct rd *r, json_t *o)
{
	static const char *const keys[] = {
		"format", "inventory_schema", "tool", "tool_version",
		"collected_at", "host", "collected_for", NULL};
	static const char *const hkeys[] = {"live", "machine_id", "hostname",
	                                    "fqdn", "os", "root", NULL};
	vz_inventory_info *in = r->info;
	json_t *h = json_object_get(o, "host");
	json_t *cf = json_object_get(o, "collected_for");
	json_t *sv = json_object_get(o, "inventory_schema");
	const char *fmt = json_string_value(json_object_get(o, "format"));
	vz_status rc;

	if (fmt == NULL || strcmp(fmt, "voorzorg-inventory") != 0)
		return fail_at(r, VZ_E_PARSE, 1,
		               "not a voorzorg inventory (the first line must "
		               "have \"format\": \"voorzorg-inventory\")");
	if (!json_is_integer(sv))
		return bad_field(r, "inventory_schema", "not an integer");
	if (json_integer_value(sv) != VZ_INVENTORY_SCHEMA)
		return fail_at(r, VZ_E_UNSUPPORTED,
		               col_of(r, "inventory_schema"),
		               "inventory schema %lld is not supported (this "
		               "voorzorg reads schema %d)",
		               (long long)json_integer_value(sv),
		               VZ_INVENTORY_SCHEMA);
	rc = only_keys(r, o, keys);
	if (rc != VZ_OK)
		return rc;
	in->schema = VZ_INVENTORY_SCHEMA;
	if (!json_is_object(h) || !json_is_boolean(json_object_get(h, "live")))
		return bad_field(r, "host", "not an object with \"live\"");
	r->within = "host";
	rc = only_keys(r, h, hkeys);
	r->within = NULL;
	in->live = json_is_true(json_object_get(h, "live"));
	if (rc == VZ_OK)
		rc = dup_str(r, o, "tool", &in->tool);
	if (rc == VZ_OK)
		rc = dup_str(r, o, "tool_version", &in->tool_version);
	if (rc == VZ_OK)
		rc = dup_str(r, o, "collected_at", &in->collected_at);
	r->within = "host";
	if (rc == VZ_OK)
		rc = machine_id(r, h, &in->machine_id);
	if (rc == VZ_OK)
		rc = dup_str(r, h, "hostname", &in->hostname);
	if (rc == VZ_OK)
		rc = dup_str(r, h, "fqdn", &in->fqdn);
	if (rc == VZ_OK)
		rc = dup_str(r, h, "os", &in->os);
	if (rc == VZ_OK)
		rc = dup_str(r, h, "root", &in->root);
	r->within = NULL;
	if (rc != VZ_OK || cf == NULL)
		return rc;
	if (!json_is_object(cf) ||
	    !json_is_string(json_object_get(cf, "catalog")) ||
	    !json_is_integer(json_object_get(cf, "version")))
		return bad_field(r, "collected_for",
		                 "not {\"catalog\": ID, \"version\": N}");
	in->catalog_version = json_integer_value(json_object_get(cf,
	                                                         "version"));
	r->within = "collected_for";
	rc = dup_str(r, cf, "catalog", &in->catalog_id);
	r->within = NULL;
	return rc;
}

static vz_status end_line(struct rd *r, json_t *o)
{
	static const char *const keys[] = {"end", "records", "stats",
	                                   "collectors", "problems", NULL};
	json_t *stats = json_object_get(o, "stats");
	json_t *cols = json_object_get(o, "collectors");
	json_t *probs = json_object_get(o, "problems");
	json_t *n = json_object_get(o, "records");
	const char *k, *s1, *s2, *s3;
	json_t *v;
	vz_status rc;
	size_t i;
	int c;

	rc = only_keys(r, o, keys);
	if (rc != VZ_OK)
		return rc;
	if (!json_is_true(json_object_get(o, "end")))
		return bad_field(r, "end", "not true");
	if (!json_is_integer(n) ||
	    (uint64_t)json_integer_value(n) != r->records)
		return fail_at(r, VZ_E_PARSE, col_of(r, "records"),
		               "the end line counts %lld records, the file "
		               "has %llu: records were lost or added",
		               json_is_integer(n)
		                   ? (long long)json_integer_value(n)
		                   : -1LL,
		               (unsigned long long)r->records);
	if (!json_is_object(stats) || !json_is_array(cols) ||
	    !json_is_array(probs))
		return fail_at(r, VZ_E_PARSE, 1,
		               "the end line needs \"stats\" (an object), "
		               "\"collectors\" and \"problems\" (arrays)");
	json_object_foreach(stats, k, v) {
		for (c = 0; c < VZ_STAT__COUNT; c++)
			if (strcmp(vz_counter_name((vz_counter)c), k) == 0)
				break;
		if (c == VZ_STAT__COUNT || !json_is_integer(v) ||
		    json_integer_value(v) < 0)
			return bad_field(r, "stats",
			                 "an unknown counter or a count that "
			                 "is not a non-negative integer");
		vz__stats_add(r->st, (vz_counter)c,
		              (uint64_t)json_integer_value(v));
	}
	for (i = 0; i < json_array_size(cols); i++) {
		json_t *x = json_array_get(cols, i);

		json_t *ex = json_object_get(x, "examined");

		s1 = json_string_value(json_object_get(x, "name"));
		s2 = json_string_value(json_object_get(x, "status"));
		v = json_object_get(x, "detail");
		s3 = json_string_value(v);
		if (s1 == NULL || s2 == NULL || (v && !json_is_string(v)) ||
		    (ex && (!json_is_integer(ex) ||
		            json_integer_value(ex) < 0)))
			return bad_field(r, "collectors",
			                 "an entry without a name and status "
			                 "strings, or a count that is not a "
			                 "non-negative integer");
		vz__stats_run_n(r->st, s1, s2, s3,
		                ex ? (uint64_t)json_integer_value(ex) : 0);
	}
	for (i = 0; i < json_array_size(probs); i++) {
		json_t *x = json_array_get(probs, i);
		json_t *cnt = json_object_get(x, "count");

		s1 = json_string_value(json_object_get(x, "collector"));
		s2 = json_string_value(json_object_get(x, "reason"));
		v = json_object_get(x, "example");
		rc = str_value(r, "problems", v, &s3);
		if (rc != VZ_OK)
			return rc;
		if (s1 == NULL || s2 == NULL ||
		    !json_is_boolean(json_object_get(x, "unreadable")) ||
		    !json_is_integer(cnt) || json_integer_value(cnt) < 1)
			return bad_field(r, "problems",
			                 "an entry without collector, "
			                 "unreadable, reason and count");
		vz__stats_problem_n(r->st, s1,
		                    json_is_true(json_object_get(x,
		                                                 "unreadable")),
		                    s2, s3, (uint64_t)json_integer_value(cnt));
	}
	r->ended = 1;
	return VZ_OK;
}

/* ---- the whole file ------------------------------------------------------ */

static void tmp_clear(struct rd *r)
{
	while (r->ntmp > 0)
		vz__free(r->tmp[--r->ntmp]);
}

static vz_status one_line(struct rd *r)
{
	unsigned long fails;
	json_error_t jerr;
	json_t *o;
	vz_status rc;

	if (r->ended)
		return fail_at(r, VZ_E_PARSE, 1,
		               "content after the end line");
	fails = vz__alloc_failures();
	o = json_loadb(r->text, r->len,
	               JSON_REJECT_DUPLICATES, &jerr);
	/* jansson reports a failed allocation as a syntax error: tell
	 * them apart as the catalogue loader does. */
	if (o == NULL && (json_error_code(&jerr) == json_error_out_of_memory ||
	                  vz__alloc_failures() != fails)) {
		vz__error_set(r->err, VZ_E_NOMEM, r->name, "out of memory");
		return VZ_E_NOMEM;
	}
	if (o == NULL)
		return fail_at(r, VZ_E_PARSE,
		               jerr.column > 0 ? (unsigned long)jerr.column : 1,
		               "not JSON: %s", jerr.text);
	if (!json_is_object(o)) {
		json_decref(o);
		return fail_at(r, VZ_E_PARSE, 1, "not a JSON object");
	}
	if (r->lineno == 1)
		rc = header(r, o);
	else if (json_object_get(o, "end") != NULL)
		rc = end_line(r, o);
	else
		rc = record(r, o);
	tmp_clear(r);
	json_decref(o);
	return rc;
}

/* head_only: stop after the header line (vz_inventory_header). */
static vz_status replay(struct line_src *src, const char *name,
                        const vz_inventory_read *in, const vz_sink *sink,
                        vz_stats *st, vz_inventory_info *info,
                        vz_error *err, int head_only)
{
	struct rd r;
	vz_status rc = VZ_OK;
	int got;

	memset(info, 0, sizeof(*info));
	memset(&r, 0, sizeof(r));
	r.name = name;
	r.err = err;
	r.sink = sink;
	r.st = st;
	r.info = info;
	r.key_wanted = 1;
	vz__buf_init(&r.lastdir);
	vz__buf_init(&r.lastkey);
	while (rc == VZ_OK) {
		got = next_line(src, &r.text, &r.len);
		if (got <= 0)
			break;
		r.lineno++;
		if (r.lineno == 2) {
			/* The header is read: is it for this catalogue? */
			r.check_hints =
			    info->catalog_id == NULL || in == NULL ||
			    in->catalog_id == NULL ||
			    strcmp(info->catalog_id, in->catalog_id) != 0 ||
			    info->catalog_version != in->catalog_version;
		}
		rc = one_line(&r);
		if (head_only)
			break;
	}
	if (rc != VZ_OK || (head_only && r.lineno == 1))
		goto out;
	if (got == -1) {
		rc = VZ_E_IO;
		vz__error_set(err, rc, name, "cannot read: %s",
		              strerror(errno));
	} else if (got == -2) {
		r.lineno++;
		rc = fail_at(&r, VZ_E_PARSE, 1,
		             "a line longer than %d bytes",
		             VZ_INVENTORY_LINE_MAX);
	} else if (got == -3) {
		rc = VZ_E_NOMEM;
		vz__error_set(err, rc, name, "out of memory");
	} else if (r.lineno == 0) {
		r.lineno = 1;
		rc = fail_at(&r, VZ_E_PARSE, 1, "empty: not an inventory");
	} else if (!r.ended) {
		rc = fail_at(&r, VZ_E_PARSE, 1,
		             "no end line after line %lu: the inventory is "
		             "truncated",
		             r.lineno);
	}
	if (rc == VZ_OK && r.unhashed > 0)
		vz__stats_problem_n(st, "inventory", 1,
		                    "not hashed when collected (collected "
		                    "for another catalogue)",
		                    r.unhashed_example, r.unhashed);
	if (rc == VZ_OK && r.unverified > 0)
		vz__stats_problem_n(st, "inventory", 1,
		                    "signature not verified when collected "
		                    "(collected for another catalogue)",
		                    r.unverified_example, r.unverified);
	info->records = r.records;
out:
	tmp_clear(&r);
	vz__buf_free(&r.lastdir);
	vz__buf_free(&r.lastkey);
	vz__free(r.unhashed_example);
	vz__free(r.unverified_example);
	return rc;
}

vz_status vz_inventory_replay_mem(const char *data, size_t len,
                                  const char *name,
                                  const vz_inventory_read *in,
                                  const vz_sink *sink, vz_stats *st,
                                  vz_inventory_info *info, vz_error *err)
{
	struct line_src src;

	memset(&src, 0, sizeof(src));
	src.mem = data;
	src.memlen = len;
	return replay(&src, name, in, sink, st, info, err, 0);
}

/* The file or the bytes of `in`, whole or its header line alone. */
static vz_status read_in(const vz_inventory_read *in, const vz_sink *sink,
                         vz_stats *st, vz_inventory_info *info,
                         vz_error *err, int head_only)
{
	struct line_src src;
	vz_status rc;

	memset(&src, 0, sizeof(src));
	memset(info, 0, sizeof(*info));
	if (in->data != NULL) {
		src.mem = in->data;
		src.memlen = in->len;
		return replay(&src, in->path ? in->path : "inventory", in,
		              sink, st, info, err, head_only);
	}
	src.fp = fopen(in->path, "rbe");
	if (src.fp == NULL) {
		vz__error_set(err, VZ_E_IO, in->path, "cannot open: %s",
		              strerror(errno));
		return VZ_E_IO;
	}
	rc = replay(&src, in->path, in, sink, st, info, err, head_only);
	fclose(src.fp);
	vz__free(src.buf);
	return rc;
}

vz_status vz_inventory_replay(const vz_inventory_read *in,
                              const vz_sink *sink, vz_stats *st,
                              vz_inventory_info *info, vz_error *err)
{
	return read_in(in, sink, st, info, err, 0);
}

vz_status vz_inventory_header(const vz_inventory_read *in,
                              vz_inventory_info *info, vz_error *err)
{
	vz_status rc = read_in(in, NULL, NULL, info, err, 1);

	/* A failed read leaves nothing for the caller to clear. */
	if (rc != VZ_OK)
		vz_inventory_info_clear(info);
	return rc;
}

void vz_inventory_info_clear(vz_inventory_info *in)
{
	if (in == NULL)
		return;
	vz__free(in->machine_id);
	vz__free(in->hostname);
	vz__free(in->fqdn);
	vz__free(in->os);
	vz__free(in->root);
	vz__free(in->collected_at);
	vz__free(in->tool);
	vz__free(in->tool_version);
	vz__free(in->catalog_id);
	memset(in, 0, sizeof(*in));
}

vz_status vz_inventory_source(void *ctx, const vz_sink *sink, vz_stats *st,
                              vz_host *host, char **root, vz_error *err)
{
	const vz_inventory_read *in = ctx;
	vz_inventory_info info;
	vz_status rc;

	rc = vz_inventory_replay(in, sink, st, &info, err);
	if (rc == VZ_OK) {
		/* The scan owns these now. */
		host->hostname = info.hostname;
		host->os = info.os;
		host->live = info.live;
		host->machine_id = info.machine_id;
		host->fqdn = info.fqdn;
		*root = info.root;
		info.hostname = info.os = info.root = NULL;
		info.machine_id = info.fqdn = NULL;
	}
	vz_inventory_info_clear(&info);
	return rc;
}
