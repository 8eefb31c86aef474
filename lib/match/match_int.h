/*
 * lib/match/match_int.h - internals of the matcher and the scan, private
 * to lib/match/ (and reachable by unit tests).
 */
#ifndef VZ_MATCH_INT_H
#define VZ_MATCH_INT_H

#include "vz_int.h"

/* What a piece of evidence says about the product's state. */
#define VZ_F_RUNNING 0x1u   /* live process or loaded module */
#define VZ_F_INSTALLED 0x2u /* package database: installed or partial */
#define VZ_F_PROGRAM 0x4u   /* program files, a file hash, a unit */
#define VZ_F_LEFTOVER 0x8u  /* config-files package; data, logs, config */

/* The state rule of docs/scanning.md, from the union of evidence flags. */
vz_state vz__state_of(unsigned flags);

/*
 * Is `path` (from the root) where leftovers live: configuration, data
 * and logs under /etc, /var, /home, /root, /srv or /tmp?
 */
int vz__path_leftover(const char *path);

/* Length of the literal prefix of a glob (up to its first * ? [ or \). */
size_t vz__glob_prefix(const char *glob);

/*
 * The assessment recorded in the catalogue for a product under a measure:
 * the measure's own assessment if it names one, else the latest
 * assessment listing the product. Sets the borrowed id, level and vector
 * (NULL if none). The one place to swap in the assessment engine.
 */
void vz__scan_assessment(const vz_catalog *cat, const char *product_id,
                         json_t *measure, const char **id,
                         const char **level, const char **vector);

#endif /* VZ_MATCH_INT_H */
