/*
 * src/sources.h - where `voorzorg scan` takes its records from when it
 * does not collect them itself: a saved inventory (--inventory) or
 * osquery results (--osquery).
 */
#ifndef VZ_SOURCES_H
#define VZ_SOURCES_H

#include <voorzorg/voorzorg.h>

struct cli_source {
	vz_source src;
	vz_inventory_read inv;
	vz_osquery_read osq;
};

/*
 * Check that at most one of --inventory, --osquery and collecting
 * (`collecting`: --root, --hive, --sbom or paths) was asked for, and at
 * most 64 osquery files. Prints the usage error and returns -1.
 */
int cli_source_check(const char *inventory, const char *const *osq,
                     int nosq, int collecting);

/* The source for the scan, or NULL to collect. Borrows its arguments. */
const vz_source *cli_source_init(struct cli_source *s, const vz_catalog *cat,
                                 const char *inventory,
                                 const char *const *osq, int nosq);

#endif /* VZ_SOURCES_H */
