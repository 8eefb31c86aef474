/*
 * lib/report/common.c - what the writers share: escaping of names from
 * disk (util/escape.c), the next steps of a finding with exactly quoted
 * commands, the stats object, and turning
 * a jansson tree into the caller's string.
 */
#include <string.h>

#include "report_int.h"

const char *vz__utf8(struct vz_buf *b, const char *s)
{
	return vz__escape(b, s, 0);
}

const char *vz__text(struct vz_buf *b, const char *s)
{
	return vz__escape(b, s, VZ_ESC_CTL);
}

const char *vz__deadline(const vz_finding *f)
{
	size_t i = f->ndeadlines;

	while (i-- > 0)
		if (f->deadlines[i].date != NULL)
			return f->deadlines[i].date;
	return NULL;
}

int vz__days_left(const char *scanned_at, const char *date, long *out)
{
	int64_t now, when;

	if (scanned_at == NULL || date == NULL ||
	    vz__date_parse(scanned_at, &now) != 0 ||
	    vz__date_parse(date, &when) != 0)
		return -1;
	/* Whole days from the scan's calendar day (UTC) to the deadline. */
	now -= ((now % 86400) + 86400) % 86400;
	*out = (long)((when - now) / 86400);
	return 0;
}

json_t *vz__coverage_json(const vz_scan *scan)
{
	json_t *o, *runs = json_array(), *gaps = json_array();
	struct vz_buf b;
	size_t i;
	int bad = runs == NULL || gaps == NULL;

	vz__buf_init(&b);
	for (i = 0; !bad && i < vz_scan_coverage_count(scan); i++) {
		const vz_coverage *c = vz_scan_coverage(scan, i);
		const char *t = vz__utf8(&b, c->target);

		bad = (c->target && t == NULL) ||
		      json_array_append_new(
		          runs, json_pack("{s:s, s:s?, s:s, s:I, s:I}", "name",
		                          c->name, "target", t, "status",
		                          c->status, "examined",
		                          (json_int_t)c->examined, "unreadable",
		                          (json_int_t)c->unreadable)) != 0;
	}
	for (i = 0; !bad && i < vz_scan_gap_count(scan); i++) {
		const char *g = vz__utf8(&b, vz_scan_gap(scan, i));

		bad = g == NULL ||
		      json_array_append_new(gaps, json_string(g)) != 0;
	}
	vz__buf_free(&b);
	o = bad ? NULL
	        : json_pack("{s:s, s:b, s:O, s:O}", "verdict",
	                    vz_scan_complete(scan) ? "complete" : "incomplete",
	                    "strict", vz_scan_strict(scan), "reasons", gaps,
	                    "collectors", runs);
	json_decref(runs);
	json_decref(gaps);
	return o;
}

/* Append s for a POSIX shell, exactly (see util/escape.c). */
static void shell_word(struct vz_buf *b, const char *s)
{
	vz__shell_word(b, s);
}

/* Append the items of evidence of `kind` (from a source starting with
 * `src`, if given) as shell words; returns how many. */
static size_t items(struct vz_buf *b, const vz_finding *f, const char *kind,
                    const char *src, const char *detail_has,
                    const char *prefix)
{
	size_t i, n = 0;

	for (i = 0; i < f->nevidence; i++) {
		const vz_evidence *e = &f->evidence[i];

		if (strcmp(e->kind, kind) != 0 ||
		    (src && strncmp(e->source, src, strlen(src)) != 0) ||
		    (detail_has && strstr(e->detail, detail_has) == NULL))
			continue;
		vz__buf_add(b, " ", 1);
		if (prefix != NULL) {
			struct vz_buf t;

			vz__buf_init(&t);
			vz__buf_puts(&t, prefix);
			vz__buf_puts(&t, e->item);
			if (!t.failed)
				shell_word(b, t.data);
			vz__buf_free(&t);
		} else {
			shell_word(b, e->item);
		}
		n++;
	}
	return n;
}

static size_t count(const vz_finding *f, const char *kind, const char *src,
                    const char *detail_has)
{
	size_t i, n = 0;

	for (i = 0; i < f->nevidence; i++) {
		const vz_evidence *e = &f->evidence[i];

		n += (*kind == '\0' || strcmp(e->kind, kind) == 0) &&
		     (src == NULL ||
		      strncmp(e->source, src, strlen(src)) == 0) &&
		     (detail_has == NULL || strstr(e->detail, detail_has));
	}
	return n;
}

/*
 * Keep the product from coming back: the `voorzorg policy` commands for
 * the platform the evidence comes from (docs/prevention.md). A measure
 * that only monitors has nothing to prevent.
 */
static void policy_steps(const vz_scan_info *info, const vz_finding *f,
                         struct vz_buf *b)
{
	static const struct {
		const char *src; /* evidence source prefix */
		const char *formats;
	} by[] = {
	    {"dpkg", "apt"},
	    {"rpm", "dnf fapolicyd"},
	    {"hive", "applocker wdac"},
	    {"pe", "applocker wdac"},
	    {"receipts", "santa"},
	    {"bundle", "santa"},
	    {"launchd", "santa"},
	};
	const char *done[8];
	size_t i, k, nd = 0;

	/* The vendor's code only inside other software (see below): a
	 * policy against it would stop that software too. */
	if (info->root != NULL && f->omitted == 0 &&
	    f->nevidence == count(f, "authenticode", NULL, NULL) &&
	    f->state != VZ_STATE_INSTALLED && f->state != VZ_STATE_RUNNING)
		return;
	if (f->action != NULL && strcmp(f->action, "prohibit") != 0 &&
	    strcmp(f->action, "phase-out") != 0 &&
	    strcmp(f->action, "advise-phase-out") != 0)
		return;
	for (i = 0; i < sizeof(by) / sizeof(by[0]); i++) {
		const char *fm = by[i].formats, *sp;

		if (count(f, "", by[i].src, NULL) == 0)
			continue;
		for (k = 0; k < nd && strcmp(done[k], fm) != 0; k++)
			;
		if (k < nd)
			continue;
		done[nd++] = fm;
		vz__buf_puts(b, "Keep it from coming back:");
		for (; *fm; fm = *sp ? sp + 1 : sp) {
			sp = strchr(fm, ' ');
			if (sp == NULL)
				sp = fm + strlen(fm);
			vz__buf_printf(b, "%s voorzorg policy --format %.*s "
			                  "--measure %s",
			               fm == by[i].formats ? "" : ";",
			               (int)(sp - fm), fm, f->measure_id);
			if (info->sector != NULL)
				vz__buf_printf(b, " --sector %s", info->sector);
		}
		vz__buf_puts(b, "\n");
	}
}

/* Is the scanned host Windows (or macOS)? Its own registry or version
 * says so, or the evidence was read from Windows hives. */
static int windows_host(const vz_scan_info *info, const vz_finding *f)
{
	return (info->os != NULL && strstr(info->os, "Windows") != NULL) ||
	       count(f, "", "hive", NULL) > 0;
}

static int macos_host(const vz_scan_info *info, const vz_finding *f)
{
	return (info->os != NULL && strstr(info->os, "macOS") != NULL) ||
	       count(f, "service", "launchd", NULL) > 0;
}

/* A running product: stop it the way its platform does. systemctl and a
 * Linux module list mean nothing on Windows or a Mac. */
static void stop_steps(const vz_scan_info *info, const vz_finding *f,
                       struct vz_buf *b)
{
	int svc = count(f, "service", NULL, NULL) > 0;

	if (windows_host(info, f)) {
		if (svc) {
			vz__buf_puts(b, "Stop and disable the services (on "
			                "the host: sc stop NAME, then sc "
			                "config NAME start= disabled):");
			items(b, f, "service", NULL, NULL, NULL);
		} else {
			vz__buf_puts(b, "Stop the processes (on the host: "
			                "Task Manager, or the vendor's removal "
			                "tool, since the product may protect "
			                "itself):");
			items(b, f, "process", NULL, NULL, NULL);
		}
	} else if (macos_host(info, f)) {
		if (svc) {
			vz__buf_puts(b, "Stop the launchd jobs (on the Mac: "
			                "launchctl bootout system/LABEL):");
			items(b, f, "service", NULL, NULL, NULL);
		} else {
			vz__buf_puts(b, "Stop the processes (on the Mac: "
			                "Activity Monitor, or kill PID):");
			items(b, f, "process", NULL, NULL, NULL);
		}
	} else if (svc) {
		vz__buf_puts(b, "Stop and disable the services:"
		                " systemctl disable --now");
		items(b, f, "service", NULL, NULL, NULL);
	} else {
		vz__buf_puts(b, "Stop the processes:");
		items(b, f, "process", NULL, NULL, NULL);
		items(b, f, "kernel-module", NULL, NULL, NULL);
	}
	vz__buf_puts(b, "\n");
}

void vz__next_steps(const vz_scan_info *info, const vz_finding *f,
                    struct vz_buf *b)
{
	const char *root = info->live ? NULL : info->root;
	const char *dl = vz__deadline(f);
	size_t files;

	if (f->measure_id == NULL) {
		vz__buf_puts(b, "No measure in the catalogue covers this "
		                "product: nothing is required.\n");
		return;
	}
	if (!f->needs_action) {
		vz__buf_printf(b, "Measure %s asks no action of sector %s.\n",
		               f->measure_id, info->sector);
		return;
	}
	if (f->state == VZ_STATE_RUNNING)
		stop_steps(info, f, b);
	if (count(f, "package", "dpkg", NULL) > 0) {
		if (root) {
			vz__buf_puts(b, "Purge the packages (configuration "
			                "too): dpkg --root ");
			shell_word(b, root);
			vz__buf_puts(b, " --purge");
		} else {
			vz__buf_puts(b, "Purge the packages (configuration "
			                "too): apt-get purge");
		}
		items(b, f, "package", "dpkg", NULL, NULL);
		vz__buf_puts(b, "\n");
	}
	if (count(f, "package", "rpm", NULL) > 0) {
		if (root) {
			vz__buf_puts(b, "Remove the packages: rpm --root ");
			shell_word(b, root);
			vz__buf_puts(b, " -e");
		} else {
			vz__buf_puts(b, "Remove the packages: dnf remove");
		}
		items(b, f, "package", "rpm", NULL, NULL);
		vz__buf_puts(b, "\n");
	}
	if (count(f, "package", "hive", NULL) > 0) {
		vz__buf_puts(b, "Uninstall on the Windows host (Settings > "
		                "Apps, or the vendor's removal tool):");
		items(b, f, "package", "hive", NULL, NULL);
		vz__buf_puts(b, "\n");
	}
	if (count(f, "package", "receipts", NULL) > 0) {
		vz__buf_puts(b, "Remove with the vendor's uninstaller on the "
		                "Mac, then forget the receipts: pkgutil "
		                "--forget");
		items(b, f, "package", "receipts", NULL, NULL);
		vz__buf_puts(b, "\n");
	}
	if (f->state != VZ_STATE_RUNNING && f->state != VZ_STATE_INSTALLED &&
	    count(f, "service", "units", "enabled") > 0) {
		vz__buf_puts(b, "Disable the units: systemctl");
		if (root) {
			vz__buf_puts(b, " --root=");
			shell_word(b, root);
		}
		vz__buf_puts(b, " disable");
		items(b, f, "service", "units", "enabled", NULL);
		vz__buf_puts(b, "\n");
	}
	if (f->state != VZ_STATE_INSTALLED &&
	    count(f, "service", "hive", NULL) +
	            count(f, "kernel-module", "hive", NULL) >
	        0) {
		vz__buf_puts(b, "Delete the services and drivers still "
		                "registered (on the host: sc delete NAME):");
		items(b, f, "service", "hive", NULL, NULL);
		items(b, f, "kernel-module", "hive", NULL, NULL);
		vz__buf_puts(b, "\n");
	}
	if (f->state != VZ_STATE_INSTALLED &&
	    count(f, "service", "launchd", NULL) > 0) {
		vz__buf_puts(b, "Unload the launchd jobs (on the Mac: "
		                "launchctl bootout system/LABEL):");
		items(b, f, "service", "launchd", NULL, NULL);
		vz__buf_puts(b, "\n");
	}
	if (f->state != VZ_STATE_INSTALLED && f->state != VZ_STATE_RUNNING &&
	    count(f, "registry", NULL, NULL) > 0) {
		vz__buf_puts(b, "Delete the leftover registry keys and values "
		                "(after checking them):");
		items(b, f, "registry", NULL, NULL, NULL);
		vz__buf_puts(b, "\n");
	}
	files = count(f, "path", NULL, NULL) +
	        count(f, "file-hash", NULL, NULL) +
	        count(f, "authenticode", NULL, NULL) +
	        count(f, "bundle-id", NULL, NULL) +
	        count(f, "kernel-module", "bundle", NULL);
	if (files > 0 && info->root == NULL) {
		/* What the user handed in is evidence, not the host. */
		vz__buf_puts(b, "These files were given to the scan: keep them "
		                "as evidence, and scan the host or volume they "
		                "came from (voorzorg scan, or voorzorg scan "
		                "--root on its mounted volume).\n");
	} else if (f->omitted == 0 &&
	           f->nevidence == count(f, "authenticode", NULL, NULL) &&
	           f->state != VZ_STATE_INSTALLED &&
	           f->state != VZ_STATE_RUNNING) {
		/* Only the vendor's signature, in files that no other trace of
		 * the product (package, key, path) accompanies: its code inside
		 * another product. Deleting
		 * files there breaks that product; its vendor must act. */
		vz__buf_puts(b, "The vendor's signed code lies inside other "
		                "software, which may embed its engine: do not "
		                "delete it there; ask the supplier of that "
		                "software to replace it:");
		items(b, f, "authenticode", NULL, NULL, root);
		vz__buf_puts(b, "\n");
	} else if (f->state != VZ_STATE_INSTALLED &&
	           f->state != VZ_STATE_RUNNING && files > 0) {
		vz__buf_puts(b, "Delete what is left (after checking it):"
		                " rm -r --");
		items(b, f, "path", NULL, NULL, root);
		items(b, f, "file-hash", NULL, NULL, root);
		items(b, f, "authenticode", NULL, NULL, root);
		items(b, f, "bundle-id", NULL, NULL, root);
		items(b, f, "kernel-module", "bundle", NULL, root);
		vz__buf_puts(b, "\n");
	}
	if (count(f, "purl", "sbom", NULL) + count(f, "cpe", "sbom", NULL) +
	        count(f, "package", "sbom", NULL) >
	    0)
		vz__buf_puts(b, "An SBOM lists it: remove the component from "
		                "the software the SBOM describes, or replace "
		                "that software.\n");
	policy_steps(info, f, b);
	if (f->action != NULL)
		vz__buf_printf(b, "Measure %s: %s%s%s.\n", f->measure_id,
		               f->action, dl ? " by " : " (no deadline set)",
		               dl ? dl : "");
	else
		vz__buf_printf(b, "Measure %s covers this product; give "
		                  "--sector to see its action and deadline.\n",
		               f->measure_id);
}

static int set_u(json_t *o, const char *k, uint64_t v)
{
	return json_object_set_new(o, k, json_integer((json_int_t)v));
}

json_t *vz__stats_json(const vz_scan *scan)
{
	const vz_stats *st = vz_scan_stats(scan);
	const vz_scan_info *in = vz_scan_get_info(scan);
	json_t *o = json_object(), *probs = json_array(), *runs = json_array();
	struct vz_buf b;
	int bad = o == NULL || probs == NULL || runs == NULL;
	size_t i;

	vz__buf_init(&b);
	for (i = 0; !bad && i < VZ_STAT__COUNT; i++)
		bad = set_u(o, vz_counter_name((vz_counter)i),
		            vz_stats_get(st, (vz_counter)i));
	bad = bad || set_u(o, "elapsed_ms", in->elapsed_ms);
	bad = bad || set_u(o, "fingerprints", in->fingerprints);
	bad = bad || set_u(o, "unreadable", vz_stats_problem_total(st, 1));
	bad = bad || set_u(o, "skipped", vz_stats_problem_total(st, 0));
	for (i = 0; !bad && i < vz_stats_problem_count(st); i++) {
		const vz_problem *p = vz_stats_problem(st, i);
		const char *ex = p->example ? vz__utf8(&b, p->example) : NULL;
		json_t *x = json_pack("{s:s, s:s, s:s, s:I, s:s?}", "collector",
		                      p->collector, "kind",
		                      p->unreadable ? "unreadable" : "skipped",
		                      "reason", p->reason, "count",
		                      (json_int_t)p->count, "example", ex);

		bad = x == NULL || json_array_append_new(probs, x) != 0 ||
		      (p->example && ex == NULL);
	}
	for (i = 0; !bad && i < vz_stats_run_count(st); i++) {
		const vz_collector_run *r = vz_stats_run(st, i);
		json_t *x = json_pack("{s:s, s:s, s:s?}", "name", r->name,
		                      "status", r->status, "detail",
		                      vz__utf8(&b, r->detail));

		bad = x == NULL || json_array_append_new(runs, x) != 0;
	}
	bad = bad || json_object_set(o, "problems", probs) != 0;
	bad = bad || json_object_set(o, "collectors", runs) != 0;
	vz__buf_free(&b);
	json_decref(probs);
	json_decref(runs);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

vz_status vz__json_finish(json_t *root, char **out)
{
	char *s;
	size_t n;

	*out = NULL;
	if (root == NULL)
		return VZ_E_NOMEM;
	s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (s == NULL)
		return VZ_E_NOMEM;
	n = strlen(s);
	*out = vz__malloc(n + 2);
	if (*out != NULL) {
		memcpy(*out, s, n);
		memcpy(*out + n, "\n", 2);
	}
	vz__json_free(s);
	return *out ? VZ_OK : VZ_E_NOMEM;
}
