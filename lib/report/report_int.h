/*
 * lib/report/report_int.h - helpers shared by the writers (text, JSON,
 * SARIF), private to lib/report/.
 */
#ifndef VZ_REPORT_INT_H
#define VZ_REPORT_INT_H

#include "vz_int.h"

/*
 * `s` for JSON and SARIF: valid UTF-8 and unambiguous (vz__escape: s
 * itself, or with '\' doubled and bad bytes as \xHH). NULL when out of
 * memory.
 */
const char *vz__utf8(struct vz_buf *b, const char *s);
/* The same for text a person reads at a terminal: control characters
 * escaped too, so no line of the report can be faked or the terminal
 * driven. */
const char *vz__text(struct vz_buf *b, const char *s);

/*
 * The next steps for a finding, one per line (each ending in '\n'):
 * what to stop, remove or delete and how, for the live host or the
 * offline root, and by when. Appended to out.
 */
void vz__next_steps(const vz_scan_info *info, const vz_finding *f,
                    struct vz_buf *out);

/* The "stats" object of the JSON and SARIF reports; NULL if no memory. */
json_t *vz__stats_json(const vz_scan *scan);

/* The latest deadline set for the sector: remove, else plan, else
 * identify; NULL if none. */
const char *vz__deadline(const vz_finding *f);

/*
 * Whole days from the scan's day to `date` (negative: past it), into
 * *out; -1 if either date does not parse.
 */
int vz__days_left(const char *scanned_at, const char *date, long *out);

/* The "coverage" object of docs/report.md; NULL if no memory. */
json_t *vz__coverage_json(const vz_scan *scan);

/* One finding, and the report's "host" and "catalog" objects, as JSON
 * (json.c); NULL if no memory. */
json_t *vz__finding_json(const vz_scan_info *in, const vz_finding *f);
json_t *vz__host_json(const vz_scan_info *in);
/* A finding's deadlines: [{verb, date, days_left}]. */
json_t *vz__deadlines_json(const vz_scan_info *in, const vz_finding *f);
json_t *vz__catalog_json(const vz_scan_info *in);

/* The version of the report contract (docs/report.md). */
#define VZ_REPORT_SCHEMA 2

/* Finish a jansson document into an owned string ending in "\n". */
vz_status vz__json_finish(json_t *root, char **out);

/* The writers (text.c, json.c, sarif.c). */
vz_status vz__report_text(const vz_scan *scan, char **out);
vz_status vz__report_json(const vz_scan *scan, char **out);
vz_status vz__report_sarif(const vz_scan *scan, char **out);
vz_status vz__report_jsonl(const vz_scan *scan, char **out);
vz_status vz__report_csv(const vz_scan *scan, char **out);

#endif /* VZ_REPORT_INT_H */
