/*
 * lib/assess/vector.c - the compact assessment vector, parsed and printed.
 *
 * In the spirit of CVSS vectors: "VZ1/AV:K/UP:V/DT:Y/CO:F/TH:A" says in one
 * token what an assessment rests on, so that two readers can compare
 * assessments at a glance and a tool can check them. Parsing is strict:
 * every metric exactly once, known values only, no stray characters; the
 * error says where.
 */
#include <stdio.h>
#include <string.h>

#include "vz_int.h"
#include <voorzorg/assess.h>

#define PREFIX "VZ1/"

struct metric {
	const char *name;
	const char *letters; /* one letter per level, by enum value */
	const char *meaning; /* for messages */
};

/* Canonical order. Letters index the enum values of each level. */
static const struct metric metrics[] = {
    {"AV", "BUSK", "B (sandboxed), U (user), S (system) or K (kernel)"},
    {"UP", "NCV", "N (none), C (customer-controlled) or V (vendor push)"},
    {"DT", "NY", "N (no data to the vendor) or Y (data to the vendor)"},
    {"CO", "NPF", "N (none), P (partial) or F (full)"},
    {"TH", "NLA", "N (none), L (limited) or A (active)"},
};
#define NMETRICS (sizeof(metrics) / sizeof(metrics[0]))

static vz_status fail(vz_error *err, size_t pos, const char *s,
                      const char *what)
{
	if (err != NULL) {
		vz__error_set(err, VZ_E_PARSE, NULL,
		              "vector \"%.*s\": %s at character %zu",
		              (int)(strlen(s) > 64 ? 64 : strlen(s)), s, what,
		              pos + 1);
		err->column = pos + 1;
	}
	return VZ_E_PARSE;
}

vz_status vz_vector_parse(const char *s, vz_vector *out, vz_error *err)
{
	int value[NMETRICS];
	size_t pos, i;
	char what[160];

	for (i = 0; i < NMETRICS; i++)
		value[i] = -1;
	if (strncmp(s, PREFIX, strlen(PREFIX)) != 0)
		return fail(err, 0, s, "must start with \"" PREFIX "\"");
	pos = strlen(PREFIX);
	for (;;) {
		const char *m = s + pos;
		const char *colon = strchr(m, ':');
		const char *p;
		size_t nlen;

		if (colon == NULL || (nlen = (size_t)(colon - m)) == 0 ||
		    memchr(m, '/', nlen) != NULL)
			return fail(err, pos, s, "expected METRIC:VALUE");
		for (i = 0; i < NMETRICS; i++)
			if (strlen(metrics[i].name) == nlen &&
			    strncmp(metrics[i].name, m, nlen) == 0)
				break;
		if (i == NMETRICS) {
			snprintf(what, sizeof(what),
			         "unknown metric \"%.*s\" (expected AV, UP, "
			         "DT, CO or TH)",
			         (int)(nlen > 16 ? 16 : nlen), m);
			return fail(err, pos, s, what);
		}
		if (value[i] >= 0) {
			snprintf(what, sizeof(what), "metric %s given twice",
			         metrics[i].name);
			return fail(err, pos, s, what);
		}
		pos += nlen + 1;
		p = strchr(metrics[i].letters, s[pos]);
		if (s[pos] == '\0' || p == NULL ||
		    (s[pos + 1] != '/' && s[pos + 1] != '\0')) {
			snprintf(what, sizeof(what), "%s must be %s",
			         metrics[i].name, metrics[i].meaning);
			return fail(err, pos, s, what);
		}
		value[i] = (int)(p - metrics[i].letters);
		pos++;
		if (s[pos] == '\0')
			break;
		pos++; /* the '/' */
		if (s[pos] == '\0')
			return fail(err, pos - 1, s, "trailing \"/\"");
	}
	for (i = 0; i < NMETRICS; i++) {
		if (value[i] < 0) {
			snprintf(what, sizeof(what), "metric %s is missing",
			         metrics[i].name);
			return fail(err, pos, s, what);
		}
	}
	out->access = (vz_access)value[0];
	out->updates = (vz_updates)value[1];
	out->data = value[2];
	out->compulsion = (vz_compulsion)value[3];
	out->threat = (vz_threat)value[4];
	return VZ_OK;
}

void vz_vector_format(const vz_vector *v, char *buf, size_t size)
{
	int val[NMETRICS];

	val[0] = (int)v->access;
	val[1] = (int)v->updates;
	val[2] = v->data ? 1 : 0;
	val[3] = (int)v->compulsion;
	val[4] = (int)v->threat;
	snprintf(buf, size, PREFIX "AV:%c/UP:%c/DT:%c/CO:%c/TH:%c",
	         metrics[0].letters[val[0] & 3], metrics[1].letters[val[1] % 3],
	         metrics[2].letters[val[2]], metrics[3].letters[val[3] % 3],
	         metrics[4].letters[val[4] % 3]);
}

static const char *const access_names[] = {"sandboxed", "user", "system",
                                           "kernel"};
static const char *const updates_names[] = {"none", "customer-controlled",
                                            "vendor-push"};
static const char *const compulsion_names[] = {"none", "partial", "full"};
static const char *const threat_names[] = {"none", "limited", "active"};

const char *vz_access_name(vz_access a)
{
	return (unsigned)a < 4 ? access_names[a] : "?";
}

const char *vz_updates_name(vz_updates u)
{
	return (unsigned)u < 3 ? updates_names[u] : "?";
}

const char *vz_compulsion_name(vz_compulsion c)
{
	return (unsigned)c < 3 ? compulsion_names[c] : "?";
}

const char *vz_threat_name(vz_threat t)
{
	return (unsigned)t < 3 ? threat_names[t] : "?";
}

/* Inverse look-ups for catalogue strings; -1 if unknown. */
static int lookup(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

int vz__access_from(const char *s)
{
	return lookup(access_names, 4, s);
}

int vz__updates_from(const char *s)
{
	return lookup(updates_names, 3, s);
}

int vz__compulsion_from(const char *s)
{
	return lookup(compulsion_names, 3, s);
}

int vz__threat_from(const char *s)
{
	return lookup(threat_names, 3, s);
}
