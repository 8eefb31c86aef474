/*
 * lib/report/report.c - the writers' entry point: pick a format.
 */
#include "report_int.h"

vz_status vz_report_render(const vz_scan *scan, vz_report_format fmt,
                           char **out)
{
	*out = NULL;
	switch (fmt) {
	case VZ_REPORT_TEXT: return vz__report_text(scan, out);
	case VZ_REPORT_JSON: return vz__report_json(scan, out);
	case VZ_REPORT_SARIF: return vz__report_sarif(scan, out);
	case VZ_REPORT_JSONL: return vz__report_jsonl(scan, out);
	case VZ_REPORT_CSV: return vz__report_csv(scan, out);
	}
	return VZ_E_USAGE;
}
