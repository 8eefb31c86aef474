/*
 * src/sources.c - the records of `voorzorg scan --inventory` and
 * `--osquery`: which source, checked once, for cmd_scan.c.
 */
#include <string.h>

#include "cli.h"
#include "sources.h"

int cli_source_check(const char *inventory, const char *const *osq,
                     int nosq, int collecting)
{
	(void)osq;
	if (nosq > 64) {
		cli_usage_error("scan",
		                "too many --osquery files (at most 64)");
		return -1;
	}
	if ((inventory != NULL) + (nosq > 0) + (collecting != 0) > 1) {
		cli_usage_error("scan",
		                "--inventory, --osquery and --root, --hive, "
		                "--sbom or PATH exclude one another: judge one "
		                "host's records at a time");
		return -1;
	}
	return 0;
}

const vz_source *cli_source_init(struct cli_source *s, const vz_catalog *cat,
                                 const char *inventory,
                                 const char *const *osq, int nosq)
{
	memset(s, 0, sizeof(*s));
	if (inventory != NULL) {
		s->inv.path = inventory;
		s->inv.catalog_id = vz_catalog_id(cat);
		s->inv.catalog_version = vz_catalog_version(cat);
		s->src.run = vz_inventory_source;
		s->src.ctx = &s->inv;
		return &s->src;
	}
	if (nosq > 0) {
		s->osq.paths = osq;
		s->osq.npaths = (size_t)nosq;
		s->src.run = vz_osquery_source;
		s->src.ctx = &s->osq;
		return &s->src;
	}
	return NULL;
}
