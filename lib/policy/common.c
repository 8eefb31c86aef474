/*
 * lib/policy/common.c - what every policy writer shares: the format
 * table and dispatch, the provenance header, checks and escapes of
 * catalogue values, and deterministic GUIDs.
 *
 * A catalogue is signed, but it is still data: every value that goes
 * into a policy is either checked against what the format can carry
 * (and refused with VZ_E_INVALID if it cannot) or escaped for it. No
 * control character is ever written, so a value can never start a new
 * line, rule or record.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "policy_int.h"

static const struct {
	const char *name;
	int audit; /* has an audit mode */
	void (*write)(struct vz_pol *p);
} formats[VZ_POLICY__COUNT] = {
    [VZ_POLICY_APT] = {"apt", 0, vz__pol_apt},
    [VZ_POLICY_DNF] = {"dnf", 0, vz__pol_dnf},
    [VZ_POLICY_FAPOLICYD] = {"fapolicyd", 0, vz__pol_fapolicyd},
    [VZ_POLICY_APPLOCKER] = {"applocker", 1, vz__pol_applocker},
    [VZ_POLICY_WDAC] = {"wdac", 1, vz__pol_wdac},
    [VZ_POLICY_SANTA] = {"santa", 0, vz__pol_santa},
    [VZ_POLICY_SANTA_JSON] = {"santa-json", 0, vz__pol_santa_json},
    [VZ_POLICY_OSQUERY] = {"osquery", 0, vz__pol_osquery},
    [VZ_POLICY_FLEET] = {"fleet", 0, vz__pol_fleet},
};

void vz_policy_opts_init(vz_policy_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->format = VZ_POLICY_APT;
	o->mode = VZ_POLICY_MODE_DEFAULT;
}

const char *vz_policy_format_name(vz_policy_format f)
{
	return (unsigned)f < VZ_POLICY__COUNT ? formats[f].name : NULL;
}

int vz_policy_format_parse(const char *name, vz_policy_format *out)
{
	int i;

	for (i = 0; name != NULL && i < VZ_POLICY__COUNT; i++)
		if (strcmp(name, formats[i].name) == 0) {
			*out = (vz_policy_format)i;
			return 0;
		}
	return -1;
}

int vz_policy_has_audit(vz_policy_format f)
{
	return (unsigned)f < VZ_POLICY__COUNT && formats[f].audit;
}

void vz__pol_fail(struct vz_pol *p, vz_status rc, const char *fmt, ...)
{
	va_list ap;

	if (p->rc != VZ_OK)
		return;
	p->rc = rc;
	if (p->err == NULL)
		return;
	vz_error_clear(p->err);
	p->err->code = rc;
	if (rc == VZ_E_INVALID)
		snprintf(p->err->file, sizeof(p->err->file), "%s",
		         vz_catalog_file(p->cat) ? vz_catalog_file(p->cat)
		                                 : "");
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
}

/* The value for a message: printable ASCII kept, the rest as \xHH. */
static void shown(char *buf, size_t n, const char *s)
{
	size_t o = 0;

	for (; *s && o + 5 < n; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, n - o, "\\x%02x", c);
	}
	buf[o] = '\0';
}

void vz__pol_refuse(struct vz_pol *p, const struct pol_item *it,
                    const char *what, const char *why)
{
	char v[160];

	shown(v, sizeof(v), it->value ? it->value : "");
	if (strcmp(what, "value") != 0) {
		json_t *j = json_object_get(it->fp, what);
		const char *s = json_is_string(j) ? json_string_value(j) : NULL;

		shown(v, sizeof(v), s ? s : "");
	}
	vz__pol_fail(p, VZ_E_INVALID,
	             "products[%s].fingerprints[%zu].%s: '%s' %s in format %s",
	             p->prods[it->prod].id, it->fpi, what, v, why,
	             formats[p->format].name);
}

int vz__pol_text(struct vz_pol *p, const struct pol_item *it, const char *what,
                 const char *s, int xml_comment)
{
	const unsigned char *c;

	for (c = (const unsigned char *)s; s && *c; c++)
		if (*c < 0x20 || *c == 0x7f ||
		    (xml_comment && c[0] == '-' && c[1] == '-'))
			break;
	if (s == NULL || *c == '\0')
		return 1;
	if (it != NULL) {
		vz__pol_refuse(p, it, what,
		               *c == '-' ? "has '--', which an XML comment "
		                           "cannot hold,"
		                         : "has a control character, which "
		                           "cannot be written");
	} else {
		char v[160];

		shown(v, sizeof(v), s);
		vz__pol_fail(p, VZ_E_INVALID,
		             "%s: '%s' cannot be written %s in format %s", what,
		             v,
		             *c == '-' ? "in an XML comment (it has '--')"
		                       : "(it has a control character)",
		             formats[p->format].name);
	}
	return 0;
}

int vz__pol_chars(const char *s, const char *extra)
{
	const char *c;

	if (s == NULL || *s == '\0')
		return 0;
	for (c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr(extra, *c)))
			return 0;
	return 1;
}

int vz__pol_has_literal(const char *s)
{
	for (; s && *s; s++)
		if (!strchr("*?[]!^\\", *s))
			return 1;
	return 0;
}

int vz__pol_is_glob(const char *s)
{
	return s != NULL && strpbrk(s, "*?[\\") != NULL;
}

void vz__pol_xml(struct vz_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': vz__buf_puts(b, "&amp;"); break;
		case '<': vz__buf_puts(b, "&lt;"); break;
		case '>': vz__buf_puts(b, "&gt;"); break;
		case '"': vz__buf_puts(b, "&quot;"); break;
		case '\'': vz__buf_puts(b, "&apos;"); break;
		default: vz__buf_add(b, s, 1); break;
		}
	}
}

void vz__pol_sql_str(struct vz_buf *b, const char *s)
{
	vz__buf_add(b, "'", 1);
	for (; *s; s++) {
		if (*s == '\'')
			vz__buf_add(b, "'", 1);
		vz__buf_add(b, s, 1);
	}
	vz__buf_add(b, "'", 1);
}

void vz__pol_yaml_str(struct vz_buf *b, const char *s)
{
	vz__buf_add(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			vz__buf_add(b, "\\", 1);
			vz__buf_add(b, s, 1);
		} else if (c < 0x20 || c == 0x7f) {
			vz__buf_printf(b, "\\x%02x", c);
		} else {
			vz__buf_add(b, s, 1);
		}
	}
	vz__buf_add(b, "\"", 1);
}

void vz__pol_guid(const struct vz_pol *p, const char *key, int upper,
                  char buf[37])
{
	static const char lo[] = "0123456789abcdef", hi[] = "0123456789ABCDEF";
	const char *dig = upper ? hi : lo;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t i, o = 0;
	int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;

	/* The format, every measure and the rule's key, NUL-separated. */
	ok = ok && EVP_DigestUpdate(ctx, "voorzorg-policy", 16) == 1;
	ok = ok && EVP_DigestUpdate(ctx, formats[p->format].name,
	                            strlen(formats[p->format].name) + 1) == 1;
	for (i = 0; ok && i < p->nms; i++)
		ok = EVP_DigestUpdate(ctx, p->ms[i].id,
		                      strlen(p->ms[i].id) + 1) == 1;
	ok = ok && EVP_DigestUpdate(ctx, key, strlen(key)) == 1 &&
	     EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen >= 16;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		memset(md, 0, 16);
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x80); /* version 8 */
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80); /* variant */
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf[o++] = '-';
		buf[o++] = dig[md[i] >> 4];
		buf[o++] = dig[md[i] & 15];
	}
	buf[o] = '\0';
}

void vz__pol_empty(struct vz_pol *p, const char *what)
{
	vz__pol_fail(p, VZ_E_USAGE,
	             "the products of %s%s have no %s fingerprints: "
	             "nothing to write in format %s",
	             p->nms == 1 ? "measure " : "the measures",
	             p->nms == 1 ? p->ms[0].id : "", what,
	             formats[p->format].name);
}

static const char *mode_text(const struct vz_pol *p)
{
	if (p->format == VZ_POLICY_OSQUERY || p->format == VZ_POLICY_FLEET)
		return "report only (a policy reports, it does not block)";
	if (!formats[p->format].audit)
		return "enforce (this format has no audit mode)";
	return p->audit ? "audit (log, do not block; the enforce mode "
	                  "blocks)"
	                : "enforce";
}

void vz__pol_header(struct vz_pol *p, const char *lead, const char *tail,
                    int xc)
{
	struct vz_buf *b = &p->out;
	size_t i;

	vz__buf_printf(b, "%svoorzorg prevention policy, format %s%s\n", lead,
	               formats[p->format].name, tail);
	vz__buf_printf(b, "%smode: %s%s\n", lead, mode_text(p), tail);
	for (i = 0; i < p->nms; i++) {
		const char *ref = p->ms[i].reference;

		if (!vz__pol_text(p, NULL, "measure reference", ref, xc))
			return;
		vz__buf_printf(b, "%smeasure %s (%s)%s\n", lead, p->ms[i].id,
		               ref ? ref : "no reference", tail);
		if (p->ms[i].action)
			vz__buf_printf(b, "%s  action for sector %s: %s%s\n",
			               lead, p->sector, p->ms[i].action, tail);
	}
	if (p->sector == NULL)
		vz__buf_printf(b, "%ssector: any (none was given)%s\n", lead,
		               tail);
	vz__buf_printf(b, "%scatalogue %s version %lld, signature %s%s\n", lead,
	               vz_catalog_id(p->cat),
	               (long long)vz_catalog_version(p->cat),
	               vz_catalog_signature(p->cat), tail);
	for (i = 0; i < p->nprods; i++) {
		if (!vz__pol_text(p, NULL, "product name", p->prods[i].name,
		                  xc))
			return;
		vz__buf_printf(b, "%sproduct %s: %s%s\n", lead, p->prods[i].id,
		               p->prods[i].name, tail);
	}
}

vz_status vz_policy_render(const vz_catalog *cat, const vz_policy_opts *o,
                           char **out, vz_error *err)
{
	struct vz_pol p;
	vz_status rc;

	*out = NULL;
	if (err != NULL)
		vz_error_clear(err);
	memset(&p, 0, sizeof(p));
	p.cat = cat;
	p.err = err;
	vz__buf_init(&p.out);
	if ((unsigned)o->format >= VZ_POLICY__COUNT) {
		vz__pol_fail(&p, VZ_E_USAGE, "unknown policy format");
		return VZ_E_USAGE;
	}
	p.format = o->format;
	if (o->mode == VZ_POLICY_MODE_AUDIT && !formats[o->format].audit) {
		vz__pol_fail(&p, VZ_E_USAGE, "format %s has no audit mode%s",
		             formats[o->format].name,
		             o->format == VZ_POLICY_FAPOLICYD
		                 ? ": audit with the daemon's permissive "
		                   "= 1 instead"
		                 : "");
		return VZ_E_USAGE;
	}
	p.audit = formats[o->format].audit && o->mode != VZ_POLICY_MODE_ENFORCE;
	rc = vz__pol_select(&p, o);
	if (rc == VZ_OK) {
		formats[o->format].write(&p);
		if (p.out.failed && p.rc == VZ_OK)
			vz__pol_fail(&p, VZ_E_NOMEM, "out of memory");
		rc = p.rc;
	}
	if (rc == VZ_OK)
		*out = vz__buf_take(&p.out);
	vz__pol_release(&p);
	return rc;
}
