/*
 * voorzorg/status.h - status codes and the caller-owned error record.
 *
 * Every fallible function returns a vz_status. Codes are numbered once and
 * never renumbered; a retired code keeps its number. The X-macro below is
 * the single source for both the enum and vz_strerror().
 */
#ifndef VOORZORG_STATUS_H
#define VOORZORG_STATUS_H

#include <stddef.h>

#include <voorzorg/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, number, description) */
#define VZ_STATUS_MAP(X)                                                  \
	X(VZ_OK, 0, "no error")                                           \
	X(VZ_E_NOMEM, 1, "out of memory")                                 \
	X(VZ_E_IO, 2, "input/output error")                               \
	X(VZ_E_PARSE, 3, "malformed input")                               \
	X(VZ_E_INVALID, 4, "invalid content")                             \
	X(VZ_E_NOTFOUND, 5, "not found")                                  \
	X(VZ_E_USAGE, 6, "invalid argument")                              \
	X(VZ_E_SIGNATURE, 7, "signature does not verify")                 \
	X(VZ_E_UNSIGNED, 8, "no signature")                               \
	X(VZ_E_ROLLBACK, 9, "older than an accepted version")             \
	X(VZ_E_EXPIRED, 10, "expired")                                    \
	X(VZ_E_UNSUPPORTED, 11, "not supported")                          \
	X(VZ_E_INTERNAL, 12, "internal error")                            \
	X(VZ_E_ENV, 13, "environment error")

typedef enum vz_status {
#define VZ__STATUS_ENUM(name, num, desc) name = num,
	VZ_STATUS_MAP(VZ__STATUS_ENUM)
#undef VZ__STATUS_ENUM
} vz_status;

/*
 * A short English description of a status code. Never NULL; unknown codes
 * give "unknown status". Thread-safe.
 */
VZ_API const char *vz_strerror(vz_status code);

typedef enum vz_severity {
	VZ_SEV_ERROR = 0,
	VZ_SEV_WARNING = 1
} vz_severity;

/*
 * One error or warning about outside data, filled by the parser that found
 * it. The caller owns the record (usually on its stack). `line` and
 * `column` are 1-based; 0 means unknown. `path` is a JSON path such as
 * "products[3].vendor", or empty when it does not apply.
 */
typedef struct vz_error {
	vz_status code;
	vz_severity severity;
	unsigned long line;
	unsigned long column;
	char file[256];
	char path[256];
	char msg[512];
} vz_error;

/* Reset an error record to "no error". */
VZ_API void vz_error_clear(vz_error *err);

/*
 * Render an error as one line, "FILE:LINE:COL: PATH: MESSAGE" (parts that
 * are unknown are left out; warnings carry "warning: " before the path).
 * Writes at most `size` bytes including the terminating NUL and returns
 * the length the full line would have, like snprintf.
 */
VZ_API size_t vz_error_format(const vz_error *err, char *buf, size_t size);

/*
 * A list of errors and warnings, for operations that report every problem
 * they find rather than stopping at the first (e.g. catalogue loading).
 * Created with vz_diags_new(), released with vz_diags_free(). Not
 * thread-safe; use one list per thread.
 */
typedef struct vz_diags vz_diags;

VZ_API vz_diags *vz_diags_new(void);
VZ_API void vz_diags_free(vz_diags *diags);
VZ_API size_t vz_diags_count(const vz_diags *diags);
VZ_API size_t vz_diags_errors(const vz_diags *diags);
VZ_API size_t vz_diags_warnings(const vz_diags *diags);
/* Borrowed; valid until the list is freed or cleared. NULL if out of range. */
VZ_API const vz_error *vz_diags_get(const vz_diags *diags, size_t i);
/*
 * How many further diagnostics were dropped because the list reached its
 * limit (VZ_DIAGS_MAX). Reported by the tool, never silently lost.
 */
VZ_API size_t vz_diags_dropped(const vz_diags *diags);
VZ_API void vz_diags_clear(vz_diags *diags);

#define VZ_DIAGS_MAX 1000

/*
 * Render a diagnostic list as JSON: {"file", "valid", "errors",
 * "warnings", "dropped", "diagnostics": [{"severity", "file", "line",
 * "column", "path", "message"}]}. `file` names the input checked. *out is
 * owned by the caller (vz_free). VZ_E_USAGE for a format other than JSON.
 */
VZ_API vz_status vz_diags_render(const vz_diags *diags, const char *file,
                                 int format, char **out);

#ifdef __cplusplus
}
#endif

#endif /* VOORZORG_STATUS_H */
