/*
 * lib/collect/inventory_int.h - what the inventory writer and readers
 * (saved inventories, osquery results) share: the names of record kinds,
 * states and flags as the file formats spell them.
 */
#ifndef VZ_INVENTORY_INT_H
#define VZ_INVENTORY_INT_H

#include <voorzorg/inventory.h>

#define VZ__REC_KINDS 10

/* Indexed by vz_record_kind, vz_pkg_state, vz_file_type, vz_auth_state;
 * flags by bit number, NULL-terminated. */
extern const char *const vz__rec_kind_names[VZ__REC_KINDS];
extern const char *const vz__pkg_state_names[4];
extern const char *const vz__file_type_names[4];
extern const char *const vz__auth_names[4];
extern const char *const vz__rec_flag_names[5];

/* Is s (NUL-terminated) valid UTF-8? */
int vz__utf8_valid(const char *s);

#endif /* VZ_INVENTORY_INT_H */
