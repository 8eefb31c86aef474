/*
 * lib/report/text.c - the text report, for a person at a terminal: a
 * table of what was found and, per product, the measure, what it asks of
 * the sector, the evidence, the next steps, and finally everything that
 * was not examined. Text from the scanned data goes through vz__text:
 * control characters and bytes that are not UTF-8 as \xHH escapes.
 */
#include <string.h>

#include "report_int.h"


static const char *name_of(const vz_finding *f)
{
	return f->product ? f->product : f->product_id;
}

static void stat_line(struct vz_buf *b, const vz_scan *scan)
{
	const vz_stats *st = vz_scan_stats(scan);
	static const vz_counter shown[] = {
		VZ_STAT_FILES,     VZ_STAT_DIRS,    VZ_STAT_PACKAGES,
		VZ_STAT_UNITS,     VZ_STAT_PROCESSES, VZ_STAT_MODULES,
		VZ_STAT_HASHED_FILES};
	/* Shown only when something of the kind was read. */
	static const vz_counter extra[] = {
		VZ_STAT_REG_KEYS,   VZ_STAT_SERVICES, VZ_STAT_PE_FILES,
		VZ_STAT_SIGNATURES, VZ_STAT_BUNDLES,  VZ_STAT_COMPONENTS};
	size_t i;

	for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		vz__buf_printf(b, "%s%llu %s", i ? ", " : "",
		               (unsigned long long)vz_stats_get(st, shown[i]),
		               vz_counter_name(shown[i]));
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (vz_stats_get(st, extra[i]) > 0)
			vz__buf_printf(b, ", %llu %s",
			               (unsigned long long)vz_stats_get(
			                   st, extra[i]),
			               vz_counter_name(extra[i]));
}

static void tampered(struct vz_buf *b, const vz_scan *scan)
{
	size_t i, n = vz_scan_tampered_count(scan);
	struct vz_buf u;

	if (n == 0)
		return;
	vz__buf_init(&u);
	vz__buf_printf(b, "\n%zu file%s with a tampered or invalid "
	                  "signature (never evidence of the vendor; find "
	                  "out where %s came from):\n",
	               n, n == 1 ? "" : "s", n == 1 ? "it" : "they");
	for (i = 0; i < n; i++) {
		const vz_tampered *t = vz_scan_tampered(scan, i);

		vz__buf_printf(b, "  %s\n", vz__text(&u, t->path));
		vz__buf_printf(b, "    %s: claims signer %s, a signer of %s "
		                  "in the catalogue\n",
		               t->state, vz__text(&u, t->subject),
		               t->product_id);
		if (t->detail && *t->detail)
			vz__buf_printf(b, "    %s\n", vz__text(&u, t->detail));
	}
	vz__buf_free(&u);
}

static void indent_lines(struct vz_buf *b, const char *label,
                         const char *text, int numbered)
{
	const char *p = text, *nl;
	struct vz_buf line, u;
	int n = 1;

	vz__buf_init(&line);
	vz__buf_init(&u);
	while (p && *p) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		vz__buf_printf(b, "    %-11s ", n == 1 ? label : "");
		if (numbered)
			vz__buf_printf(b, "%d. ", n);
		/* Each line by itself: no character of it can end it. */
		line.len = 0;
		vz__buf_add(&line, p, (size_t)(nl - p));
		vz__buf_add(&line, "", 1);
		vz__buf_puts(b, line.failed ? "?" : vz__text(&u, line.data));
		vz__buf_puts(b, "\n");
		n++;
		p = *nl ? nl + 1 : nl;
	}
	vz__buf_free(&line);
	vz__buf_free(&u);
}

/* Each deadline with its verb, and how far off it was at scan time. */
static void deadline_lines(struct vz_buf *b, const vz_scan_info *in,
                           const vz_finding *f)
{
	size_t i;

	for (i = 0; i < f->ndeadlines; i++) {
		const vz_deadline *d = &f->deadlines[i];
		long days;

		vz__buf_printf(b, "    %-11s %s: %s", i ? "" : "deadlines",
		               d->verb, d->date ? d->date : "no date");
		if (vz__days_left(in->scanned_at, d->date, &days) == 0)
			vz__buf_printf(b, days > 0    ? " (in %ld days)"
			                  : days == 0 ? " (today)"
			                              : " (%ld days ago)",
			               days < 0 ? -days : days);
		vz__buf_puts(b, "\n");
	}
	if (f->exemption_policy)
		vz__buf_printf(b, "    %-11s %s%s%s\n", "exemptions",
		               f->exemption_policy,
		               f->exemption_note ? ": " : "",
		               f->exemption_note ? f->exemption_note : "");
}

static void detail(struct vz_buf *b, const vz_scan_info *in,
                   const vz_finding *f, size_t k)
{
	struct vz_buf t, u;
	size_t i;

	vz__buf_init(&t);
	vz__buf_init(&u);
	vz__buf_printf(b, "\n[%zu] %s (%s)\n", k + 1, name_of(f),
	               f->product_id);
	vz__buf_printf(b, "    %-11s %s\n", "vendor",
	               f->vendor ? f->vendor : "(unknown)");
	vz__buf_printf(b, "    %-11s %s\n", "state", vz_state_name(f->state));
	if (f->measure_id) {
		vz__buf_printf(b, "    %-11s %s", "measure", f->measure_id);
		if (f->reference)
			vz__buf_printf(b, " (%s)", f->reference);
		if (f->nmeasures > 1)
			vz__buf_printf(b, "; %zu measures cover it",
			               f->nmeasures);
		vz__buf_puts(b, "\n");
		/* Another state's measure has no force here: say whose. */
		if (f->foreign)
			vz__buf_printf(b,
			               "    %-11s a measure of %s; no measure "
			               "of %s covers this product\n",
			               "", f->issuing_state,
			               in->assessing_state);
		if (f->action) {
			const char *dl = vz__deadline(f);

			vz__buf_printf(b, "    %-11s %s for %s", "action",
			               f->action, in->sector);
			if (dl)
				vz__buf_printf(b, ", deadline %s", dl);
			if (f->deadline_note)
				vz__buf_printf(b, " (%s)", f->deadline_note);
			vz__buf_puts(b, "\n");
			deadline_lines(b, in, f);
		}
	} else {
		vz__buf_printf(b, "    %-11s none in the catalogue\n",
		               "measure");
	}
	if (f->level) {
		vz__buf_printf(b, "    %-11s %s%s%s (rules %s", "assessment",
		               f->level, f->vector ? ", vector " : "",
		               f->vector ? f->vector : "",
		               f->rules ? f->rules : "?");
		if (f->assessment_id)
			vz__buf_printf(b, "; recorded: %s", f->assessment_id);
		vz__buf_puts(b, ")\n");
	}
	for (i = 0; i < f->nevidence; i++) {
		const vz_evidence *e = &f->evidence[i];

		t.len = 0;
		vz__buf_printf(&t, "%s %s: %s [%s]", e->kind, e->item,
		               e->detail, e->source);
		vz__buf_add(&t, "", 1);
		vz__buf_printf(b, "    %-11s %s\n", i ? "" : "evidence",
		               t.failed ? "?" : vz__text(&u, t.data));
	}
	if (f->omitted)
		vz__buf_printf(b, "    %-11s ... and %zu more not listed\n", "",
		               f->omitted);
	t.len = 0;
	vz__next_steps(in, f, &t);
	vz__buf_add(&t, "", 1);
	if (!t.failed)
		indent_lines(b, "next steps", t.data, 1);
	vz__buf_free(&t);
	vz__buf_free(&u);
}

static void problems(struct vz_buf *b, const vz_scan *scan)
{
	const vz_stats *st = vz_scan_stats(scan);
	struct vz_buf u;
	size_t i;

	if (vz_stats_problem_count(st) == 0)
		return;
	vz__buf_printf(b, "\nNot examined: %llu unreadable, %llu skipped\n",
	               (unsigned long long)vz_stats_problem_total(st, 1),
	               (unsigned long long)vz_stats_problem_total(st, 0));
	vz__buf_init(&u);
	for (i = 0; i < vz_stats_problem_count(st); i++) {
		const vz_problem *p = vz_stats_problem(st, i);

		vz__buf_printf(b, "  %s: %s: ", p->collector,
		               p->unreadable ? "unreadable" : "skipped");
		vz__buf_printf(b, "%s: %llu", vz__text(&u, p->reason),
		               (unsigned long long)p->count);
		if (p->example)
			vz__buf_printf(b, " (first: %s)",
			               vz__text(&u, p->example));
		vz__buf_puts(b, "\n");
	}
	vz__buf_free(&u);
}

/* The verdict, last, where a reader's eye lands. */
static void coverage(struct vz_buf *b, const vz_scan *scan)
{
	struct vz_buf u;
	size_t i;

	if (vz_scan_complete(scan)) {
		vz__buf_printf(b, "\nCoverage: complete. Everything that "
		                  "applies was examined%s.\n",
		               vz_stats_problem_total(vz_scan_stats(scan), 1)
		                   ? " (the unreadable items above do not "
		                     "hold a package database; --strict counts "
		                     "them)"
		                   : "");
		return;
	}
	vz__buf_puts(b, "\nCoverage: INCOMPLETE. This result is not "
	                "evidence that the products are absent:\n");
	vz__buf_init(&u);
	for (i = 0; i < vz_scan_gap_count(scan); i++)
		vz__buf_printf(b, "  - %s\n",
		               vz__text(&u, vz_scan_gap(scan, i)));
	vz__buf_free(&u);
}

vz_status vz__report_text(const vz_scan *scan, char **out)
{
	const vz_scan_info *in = vz_scan_get_info(scan);
	size_t i, n = vz_scan_count(scan), w = 7, need = 0;
	struct vz_buf b, u;

	*out = NULL;
	vz__buf_init(&b);
	vz__buf_init(&u);
	if (in->root != NULL)
		vz__buf_printf(&b, "voorzorg %s: scan of %s", vz_version(),
		               vz__text(&u, in->root));
	else
		vz__buf_printf(&b, "voorzorg %s: scan of the artefacts given",
		               vz_version());
	if (in->hostname || in->os) {
		const char *h = in->fqdn ? in->fqdn : in->hostname;

		vz__buf_printf(&b, " (%s", h ? vz__text(&u, h) : "");
		vz__buf_printf(&b, "%s%s)", in->hostname && in->os ? ", " : "",
		               in->os ? vz__text(&u, in->os) : "");
	}
	if (in->machine_id)
		vz__buf_printf(&b, ", machine-id %s",
		               vz__text(&u, in->machine_id));
	vz__buf_printf(&b, "\ncatalogue %s version %lld, signature %s; "
	                   "sector %s\n",
	               in->catalog_id, (long long)in->catalog_version,
	               in->signature, in->sector ? in->sector : "(none given)");
	if (in->catalog_trusted_version >= 0)
		vz__buf_printf(&b, "NOTE: this catalogue is older than the "
		                   "trusted one (version %lld)\n",
		               (long long)in->catalog_trusted_version);
	vz__buf_printf(&b, "%s in %llu ms: ", in->scanned_at,
	               (unsigned long long)in->elapsed_ms);
	stat_line(&b, scan);
	vz__buf_puts(&b, "\n");
	for (i = 0; i < n; i++) {
		size_t l = strlen(name_of(vz_scan_finding(scan, i)));

		w = l > w ? l : w;
		need += vz_scan_finding(scan, i)->needs_action != 0;
	}
	if (n == 0 && !vz_scan_complete(scan)) {
		vz__buf_puts(&b, "\nNo product of the catalogue was found, but "
		                 "the scan is INCOMPLETE: not everything that "
		                 "applies could be examined (see below).\n");
	} else if (n == 0) {
		vz__buf_puts(&b, "\nNo product of the catalogue was found.\n");
	} else {
		vz__buf_printf(&b, "\n%zu product%s found, %zu need%s action:"
		                   "\n\n",
		               n, n == 1 ? "" : "s", need,
		               need == 1 ? "s" : "");
		vz__buf_printf(&b, "%-*s  %-9s  %-16s  %s\n", (int)w,
		               "PRODUCT", "STATE", "ACTION", "DEADLINE");
		for (i = 0; i < n; i++) {
			const vz_finding *f = vz_scan_finding(scan, i);
			const char *dl = vz__deadline(f);

			vz__buf_printf(&b, "%-*s  %-9s  %-16s  %s\n", (int)w,
			               name_of(f),
			               vz_state_name(f->state),
			               f->action ? f->action
			               : f->measure_id ? "(no sector)"
			                               : "(no measure)",
			               dl ? dl : "-");
		}
		for (i = 0; i < n; i++)
			detail(&b, in, vz_scan_finding(scan, i), i);
	}
	tampered(&b, scan);
	problems(&b, scan);
	coverage(&b, scan);
	vz__buf_free(&u);
	*out = vz__buf_take(&b);
	return *out ? VZ_OK : VZ_E_NOMEM;
}
