/*
 * voorzorg/osquery.h - osquery results as inventory records: what a
 * fleet that already runs osquery (or Fleet) knows about its hosts,
 * judged like voorzorg's own inventory (docs/osquery.md).
 *
 * Input: the JSON that `osqueryi --json` prints for a query (an array of
 * row objects whose values are strings), one file per table named
 * TABLE.json (or TABLE.*.json); or one JSON object keyed by table name,
 * each holding such an array (what docs/osquery/voorzorg-pack.conf's
 * queries give, gathered per host, and Fleet's live-query results per
 * host). Tables read: programs, services, drivers, processes,
 * authenticode, apps, deb_packages, rpm_packages, kernel_modules,
 * systemd_units, launchd, registry, file and hash, chrome_extensions is
 * not. Unknown tables are counted as skipped, never silently dropped.
 */
#ifndef VOORZORG_OSQUERY_H
#define VOORZORG_OSQUERY_H

#include <stddef.h>

#include <voorzorg/export.h>
#include <voorzorg/status.h>
#include <voorzorg/inventory.h>
#include <voorzorg/collect.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The largest osquery result file read (bytes). */
#define VZ_OSQUERY_MAX (256u * 1024 * 1024)

typedef struct vz_osquery_read {
	const char *const *paths; /* result files of one host */
	size_t npaths;
} vz_osquery_read;

/*
 * Read the result files and send one record per row to `sink`,
 * counting rows in `st` and what could not be used as problems.
 * host->hostname/os are set from system_info/os_version rows if given.
 * VZ_E_IO; VZ_E_PARSE with err naming file, line, column and the table
 * and row; VZ_E_NOMEM; or what the sink returned.
 */
VZ_API vz_status vz_osquery_replay(const vz_osquery_read *in,
                                   const vz_sink *sink, vz_stats *st,
                                   vz_host *host, vz_error *err);

/* The same for one document in memory (`name` for messages; `table`
 * when it is an array of one table's rows, NULL for an object). */
VZ_API vz_status vz_osquery_replay_mem(const char *data, size_t len,
                                       const char *name, const char *table,
                                       const vz_sink *sink, vz_stats *st,
                                       vz_host *host, vz_error *err);

/* A vz_source (collect.h): ctx is a const vz_osquery_read *. */
VZ_API vz_status vz_osquery_source(void *ctx, const vz_sink *sink,
                                   vz_stats *st, vz_host *host, char **root,
                                   vz_error *err);

#ifdef __cplusplus
}
#endif

#endif /* VOORZORG_OSQUERY_H */
