/*
 * voorzorg/catalog.h - the catalogue of jurisdictions, vendors, products,
 * assessments, measures and decision rules.
 *
 * The catalogue is one JSON document (format in docs/catalog-format.md,
 * schema in catalog/schema.json). Loading checks every type, enum, date,
 * identifier and cross-reference, and reports all problems it finds, each
 * with file, line, column and JSON path.
 *
 * A loaded catalogue is immutable: any number of threads may read it.
 */
#ifndef VOORZORG_CATALOG_H
#define VOORZORG_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include <voorzorg/export.h>
#include <voorzorg/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vz_catalog vz_catalog;

/* The kinds of catalogue entry. Every entry's id is unique across kinds. */
typedef enum vz_kind {
	VZ_KIND_SOURCE = 0,
	VZ_KIND_SECTOR = 1,
	VZ_KIND_JURISDICTION = 2,
	VZ_KIND_VENDOR = 3,
	VZ_KIND_PRODUCT = 4,
	VZ_KIND_ASSESSMENT = 5,
	VZ_KIND_MEASURE = 6,
	VZ_KIND_RULES = 7,
	VZ_KIND__COUNT
} vz_kind;

/* "source", "sector", ... ; the singular used in messages. */
VZ_API const char *vz_kind_name(vz_kind kind);
/* "sources", "sectors", ... ; the top-level array holding that kind. */
VZ_API const char *vz_kind_array(vz_kind kind);

/* Output formats shared by every renderer. */
typedef enum vz_format {
	VZ_FORMAT_TEXT = 0,
	VZ_FORMAT_JSON = 1
} vz_format;

/*
 * Load and validate the catalogue in the file at `path`.
 *
 * On success returns VZ_OK and stores an owned catalogue in *out (free it
 * with vz_catalog_free). Warnings, if any, are appended to `diags`.
 * On failure *out is NULL and every error found is appended to `diags`
 * (which may be NULL if the caller only wants the code): VZ_E_IO if the
 * file cannot be read, VZ_E_PARSE if it is not JSON, VZ_E_INVALID if it is
 * JSON but not a valid catalogue, VZ_E_NOMEM.
 */
VZ_API vz_status vz_catalog_load(const char *path, vz_catalog **out,
                                 vz_diags *diags);

/*
 * As vz_catalog_load, from `len` bytes at `data`; `name` is the file name
 * used in diagnostics. The bytes are not retained.
 */
VZ_API vz_status vz_catalog_load_buffer(const char *data, size_t len,
                                        const char *name, vz_catalog **out,
                                        vz_diags *diags);

/* Release a catalogue. vz_catalog_free(NULL) does nothing. */
VZ_API void vz_catalog_free(vz_catalog *cat);

/*
 * Header fields. Strings are borrowed and valid until vz_catalog_free.
 */
VZ_API const char *vz_catalog_id(const vz_catalog *cat);
VZ_API const char *vz_catalog_format(const vz_catalog *cat);
VZ_API int64_t vz_catalog_version(const vz_catalog *cat);
VZ_API const char *vz_catalog_expires(const vz_catalog *cat);
VZ_API const char *vz_catalog_file(const vz_catalog *cat);
/*
 * SHA-256 of the catalogue's bytes as loaded, in lowercase hex, into
 * out[65]: which exact document a report rests on. VZ_E_NOMEM or
 * VZ_E_INTERNAL if it cannot be computed.
 */
VZ_API vz_status vz_catalog_sha256(const vz_catalog *cat, char out[65]);

/*
 * How the catalogue's signature was checked: "valid", "unsigned" (accepted
 * because the caller allowed it) or "invalid" when opened with
 * vz_catalog_open; "unverified" when loaded with vz_catalog_load, which
 * does not look at signatures. Static storage.
 */
VZ_API const char *vz_catalog_signature(const vz_catalog *cat);
/*
 * The version of the trusted catalogue with the same id, when this one was
 * opened as a named file (VZ_OPEN_INSPECT) and is older than it; -1
 * otherwise. Outputs that show a catalogue's status say so.
 */
VZ_API int64_t vz_catalog_trusted_version(const vz_catalog *cat);

/* Number of entries of a kind, and the id of the i-th (borrowed). */
VZ_API size_t vz_catalog_count(const vz_catalog *cat, vz_kind kind);
VZ_API const char *vz_catalog_entry_id(const vz_catalog *cat, vz_kind kind,
                                       size_t i);

/*
 * Look an entry up by id, in constant time. Returns 1 and sets *kind (if
 * non-NULL) when found, 0 otherwise.
 */
VZ_API int vz_catalog_find(const vz_catalog *cat, const char *id,
                           vz_kind *kind);

/*
 * Render the catalogue (id NULL: a summary of every entry) or one entry
 * as text or JSON. On success *out is an owned NUL-terminated string, to
 * be released with vz_free. VZ_E_NOTFOUND (with err filled) if `id` names
 * no entry. The same catalogue always renders to the same bytes.
 */
VZ_API vz_status vz_catalog_render(const vz_catalog *cat, const char *id,
                                   vz_format format, char **out,
                                   vz_error *err);

/* ---- measures: scope and deadlines --------------------------------- */

/*
 * Whether measure `measure_id` covers product `product_id`: 1 yes, 0 no
 * (also when either id names no such entry). The product list is derived
 * from the scope as the measure's text states it ("covers": a vendor, a
 * vendor's product classes, named products, all of a vendor's brands,
 * minus named exceptions; or the legacy "products" list). This is the one
 * answer to "does this measure cover that product": scan, assess and
 * policy all ask it here, so they cannot disagree. Constant time per
 * call apart from the short lists involved; thread-safe.
 */
VZ_API int vz_measure_covers(const vz_catalog *cat, const char *measure_id,
                             const char *product_id);

/*
 * Number of products the measure covers, and with `ids` (may be NULL)
 * the first `max` of their ids in catalogue order (borrowed).
 */
VZ_API size_t vz_measure_products(const vz_catalog *cat,
                                  const char *measure_id, const char **ids,
                                  size_t max);

/* At most this many deadlines per sector (one per verb). */
#define VZ_DEADLINES_MAX 8

/*
 * One step a measure sets for a sector, with the verb its source uses:
 * "identify", "report", "plan", "begin-removal", "complete-removal",
 * "stop-purchase" or "stop-updates". Strings are borrowed from the
 * catalogue; `date` (ISO 8601), `source` (the first source id),
 * `pinpoint`, `note` and `unconfirmed` (why the step is not confirmed)
 * are NULL when absent.
 */
typedef struct vz_deadline {
	const char *verb;
	const char *date;
	const char *source;
	const char *pinpoint;
	const char *note;
	const char *unconfirmed;
} vz_deadline;

/*
 * The deadlines measure `measure_id` sets for `sector`, in the order the
 * catalogue gives them: fills up to `max` entries of `out` (may be NULL
 * with max 0) and returns how many there are. 0 when the measure or the
 * sector is unknown or sets no deadline.
 */
VZ_API size_t vz_measure_deadlines(const vz_catalog *cat,
                                   const char *measure_id,
                                   const char *sector, vz_deadline *out,
                                   size_t max);

/*
 * Check the quotes a catalogue records against the texts of its sources:
 * for every quote whose source has a text file `DIR/SOURCE-ID.txt`, the
 * quote (white space collapsed; "..." or "\u2026" separating fragments
 * that must appear in order) must occur in it. Errors go to `diags`.
 * Returns VZ_OK when every checkable quote is found, VZ_E_INVALID when
 * one is not, VZ_E_NOMEM, VZ_E_IO if a text file exists but cannot be
 * read. A missing `dir` checks nothing.
 */
VZ_API vz_status vz_catalog_check_quotes(const vz_catalog *cat,
                                         const char *dir, vz_diags *diags);

#ifdef __cplusplus
}
#endif

#endif /* VOORZORG_CATALOG_H */
