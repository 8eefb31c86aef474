/*
 * voorzorg/export.h - symbol visibility for the public API.
 *
 * libvoorzorg is built with hidden visibility; only declarations marked
 * VZ_API are exported from the shared library.
 */
#ifndef VOORZORG_EXPORT_H
#define VOORZORG_EXPORT_H

#if defined(VZ_BUILDING) && defined(__GNUC__)
#define VZ_API __attribute__((visibility("default")))
#else
#define VZ_API
#endif

#endif /* VOORZORG_EXPORT_H */
