/*
 * voorzorg/voorzorg.h - the umbrella header of libvoorzorg.
 *
 * Include this one header to use the library. Every public symbol carries
 * the vz_ (or VZ_) prefix; what is not declared under include/voorzorg/ is
 * not API.
 */
#ifndef VOORZORG_H
#define VOORZORG_H

#include <voorzorg/export.h>
#include <voorzorg/status.h>
#include <voorzorg/catalog.h>
#include <voorzorg/assess.h>
#include <voorzorg/verify.h>
#include <voorzorg/inventory.h>
#include <voorzorg/inventory_file.h>
#include <voorzorg/osquery.h>
#include <voorzorg/collect.h>
#include <voorzorg/match.h>
#include <voorzorg/scan.h>
#include <voorzorg/report.h>
#include <voorzorg/policy.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version, e.g. "0.1.0". Static storage. */
VZ_API const char *vz_version(void);

/*
 * Release memory that the library handed to the caller as a plain buffer
 * (e.g. rendered output). vz_free(NULL) does nothing.
 */
VZ_API void vz_free(void *ptr);

#ifdef __cplusplus
}
#endif

#endif /* VOORZORG_H */
