/*
 * lib/report/csv.c - the CSV report for managers' spreadsheets: RFC 4180,
 * a header row, one row per finding; a scan that could not look
 * everywhere ends with a row whose state is "incomplete", so a sheet of
 * a partial scan never reads as clean (docs/report.md).
 *
 * Cells are text from scanned hosts (host names, products' fields), and
 * a spreadsheet runs a cell that starts with = + - @ as a formula: such
 * text cells get a leading apostrophe (OWASP's advice for CSV
 * injection). Numbers are written as numbers.
 */
#include <stdio.h>
#include <string.h>

#include "report_int.h"

static const char *const header[] = {"report_id",
                                     "scanned_at",
                                     "hostname",
                                     "machine_id",
                                     "product_id",
                                     "product",
                                     "vendor",
                                     "state",
                                     "measure",
                                     "action",
                                     "deadline",
                                     "deadline_verb",
                                     "days_left",
                                     "exemption_policy",
                                     "level",
                                     "evidence",
                                     "needs_action",
                                     "note",
                                     NULL};

/* One text cell: quoted when it must be, defused when it would run. */
static void cell(struct vz_buf *b, struct vz_buf *u, const char *s, int first)
{
	const char *p;

	if (!first)
		vz__buf_puts(b, ",");
	if (s == NULL)
		return;
	s = vz__utf8(u, s);
	if (s == NULL) {
		b->failed = 1;
		return;
	}
	vz__buf_puts(b, "\"");
	if (strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0')
		vz__buf_puts(b, "'");
	for (p = s; *p; p++) {
		if (*p == '"')
			vz__buf_puts(b, "\"\"");
		else
			vz__buf_add(b, p, 1);
	}
	vz__buf_puts(b, "\"");
}

static void num(struct vz_buf *b, long long v, int have)
{
	if (have)
		vz__buf_printf(b, ",%lld", v);
	else
		vz__buf_puts(b, ",");
}

/* The deadline that matters next: the first not yet past, else the last
 * one set. */
static const vz_deadline *next_deadline(const vz_scan_info *in,
                                        const vz_finding *f, long *days,
                                        int *have)
{
	const vz_deadline *last = NULL;
	size_t i;

	*have = 0;
	for (i = 0; i < f->ndeadlines; i++) {
		long d;

		if (f->deadlines[i].date == NULL ||
		    vz__days_left(in->scanned_at, f->deadlines[i].date, &d) !=
		        0)
			continue;
		last = &f->deadlines[i];
		*days = d;
		*have = 1;
		if (d >= 0)
			return last;
	}
	return last;
}

vz_status vz__report_csv(const vz_scan *scan, char **out)
{
	const vz_scan_info *in = vz_scan_get_info(scan);
	struct vz_buf b, u;
	size_t i;

	vz__buf_init(&b);
	vz__buf_init(&u);
	for (i = 0; header[i]; i++)
		vz__buf_printf(&b, "%s%s", i ? "," : "", header[i]);
	vz__buf_puts(&b, "\r\n");
	for (i = 0; i < vz_scan_count(scan); i++) {
		const vz_finding *f = vz_scan_finding(scan, i);
		const vz_deadline *d;
		long days = 0;
		int have;

		d = next_deadline(in, f, &days, &have);
		cell(&b, &u, in->report_id, 1);
		cell(&b, &u, in->scanned_at, 0);
		cell(&b, &u, in->hostname, 0);
		cell(&b, &u, in->machine_id, 0);
		cell(&b, &u, f->product_id, 0);
		cell(&b, &u, f->product, 0);
		cell(&b, &u, f->vendor, 0);
		cell(&b, &u, vz_state_name(f->state), 0);
		cell(&b, &u, f->measure_id, 0);
		cell(&b, &u, f->action, 0);
		cell(&b, &u, d ? d->date : NULL, 0);
		cell(&b, &u, d ? d->verb : NULL, 0);
		num(&b, days, have);
		cell(&b, &u, f->exemption_policy, 0);
		cell(&b, &u, f->level, 0);
		num(&b, (long long)(f->nevidence + f->omitted), 1);
		cell(&b, &u, f->needs_action ? "yes" : "no", 0);
		cell(&b, &u, f->deadline_note, 0);
		vz__buf_puts(&b, "\r\n");
	}
	for (i = 0; i < vz_scan_gap_count(scan); i++) {
		size_t k;

		cell(&b, &u, in->report_id, 1);
		cell(&b, &u, in->scanned_at, 0);
		cell(&b, &u, in->hostname, 0);
		cell(&b, &u, in->machine_id, 0);
		for (k = 0; k < 3; k++)
			vz__buf_puts(&b, ",");
		cell(&b, &u, "incomplete", 0);
		for (k = 0; k < 9; k++)
			vz__buf_puts(&b, ",");
		cell(&b, &u, vz_scan_gap(scan, i), 0);
		vz__buf_puts(&b, "\r\n");
	}
	vz__buf_free(&u);
	*out = vz__buf_take(&b);
	return *out ? VZ_OK : VZ_E_NOMEM;
}
