/*
 * voorzorg/report.h - writers: a scan rendered as text, JSON, JSON Lines,
 * CSV or SARIF (the contract: docs/report.md).
 *
 * Writers know nothing of collectors; they read only the scan's findings,
 * stats and info (scan.h). JSON carries the stable fields of DESIGN.md;
 * SARIF is version 2.1.0. The same scan always renders to the same bytes.
 */
#ifndef VOORZORG_REPORT_H
#define VOORZORG_REPORT_H

#include <voorzorg/export.h>
#include <voorzorg/status.h>
#include <voorzorg/scan.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vz_report_format {
	VZ_REPORT_TEXT = 0,
	VZ_REPORT_JSON = 1,
	VZ_REPORT_SARIF = 2,
	VZ_REPORT_JSONL = 3, /* one finding per line, then a summary line */
	VZ_REPORT_CSV = 4    /* RFC 4180, one row per finding */
} vz_report_format;

/*
 * Render. *out is an owned NUL-terminated string (vz_free). VZ_E_NOMEM;
 * VZ_E_USAGE for an unknown format.
 */
VZ_API vz_status vz_report_render(const vz_scan *scan, vz_report_format fmt,
                                  char **out);

#ifdef __cplusplus
}
#endif

#endif /* VOORZORG_REPORT_H */
