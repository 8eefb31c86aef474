/*
 * lib/vz_int.h - internal umbrella of libvoorzorg.
 *
 * Declares the vz__ helpers shared between library modules: allocation with
 * fault injection, a growable buffer, a string map, diagnostics, dates and
 * the JSON position locator. Nothing here is API; src/ and server/ must
 * not include it. Tests and fuzzers may.
 */
#ifndef VZ_INT_H
#define VZ_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <voorzorg/voorzorg.h>

#if defined(__GNUC__)
#define VZ__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define VZ__PRINTF(a, b)
#endif

/* ---- allocation (alloc.c) ------------------------------------------ */

/*
 * Every allocation in the library goes through these, so tests can fail
 * the Nth one and check that nothing leaks and nothing half-built escapes.
 */
void *vz__malloc(size_t n);
void *vz__calloc(size_t count, size_t n);
void *vz__realloc(void *p, size_t n);
void vz__free(void *p);
char *vz__strdup(const char *s);
char *vz__strndup(const char *s, size_t n);

/*
 * Fault injection: after `n` more successful allocations, every further one
 * fails until reset with a negative n. Returns how many allocations have
 * been made since the last call. Not thread-safe; for tests only.
 */
long vz__alloc_fail_after(long n);
/* Free what jansson allocated (json_dumps), with its own allocator. */
void vz__json_free(void *p);
/* Free what another library allocated with malloc(3) (hivex, libplist). */
void vz__libc_free(void *p);
/*
 * How many injected allocation failures there have been. jansson reports
 * a failed allocation inside its lexer as a syntax error; comparing this
 * count before and after a parse tells the two apart under test.
 */
unsigned long vz__alloc_failures(void);
/* Route jansson's allocations through vz__malloc/vz__free (tests only). */
void vz__alloc_hook_jansson(void);

/* ---- growable string buffer (util/buf.c) --------------------------- */

struct vz_buf {
	char *data; /* owned; NUL-terminated when len > 0 */
	size_t len;
	size_t cap;
	int failed; /* sticky: an append ran out of memory */
};

void vz__buf_init(struct vz_buf *b);
void vz__buf_free(struct vz_buf *b);
void vz__buf_add(struct vz_buf *b, const char *s, size_t n);
void vz__buf_puts(struct vz_buf *b, const char *s);
void vz__buf_printf(struct vz_buf *b, const char *fmt, ...) VZ__PRINTF(2, 3);
void vz__buf_vprintf(struct vz_buf *b, const char *fmt, va_list ap)
    VZ__PRINTF(2, 0);
/*
 * Append `v` as indented JSON and a newline - every JSON output of the
 * tool has this form. Sets `failed` if out of memory or v is NULL.
 */
void vz__buf_json(struct vz_buf *b, const json_t *v);
/* Hand the contents to the caller (never NULL on success), reset b. */
char *vz__buf_take(struct vz_buf *b);

/* ---- string map (util/map.c) --------------------------------------- */

/*
 * Open-addressing hash map from borrowed NUL-terminated keys to borrowed
 * values. Keys must outlive the map.
 */
struct vz_map {
	struct vz_map_slot *slots; /* owned */
	size_t cap;                /* power of two, or 0 */
	size_t len;
};

void vz__map_init(struct vz_map *m);
void vz__map_free(struct vz_map *m);
/* Returns VZ_OK, VZ_E_NOMEM; *existed is set if the key was present. */
vz_status vz__map_put(struct vz_map *m, const char *key, void *value,
                      int *existed);
void *vz__map_get(const struct vz_map *m, const char *key);

/* ---- diagnostics (diag.c) ------------------------------------------ */

/*
 * Append a diagnostic. Never fails: when out of memory or over the limit
 * the diagnostic is counted as dropped. `path` and `file` may be NULL.
 */
void vz__diag_add(vz_diags *d, vz_severity sev, vz_status code,
                  const char *file, unsigned long line, unsigned long col,
                  const char *path, const char *fmt, ...) VZ__PRINTF(8, 9);
/*
 * Order the diagnostics from index `from` on by line and column, so an
 * author reads them top to bottom; ties keep the order they were found in.
 */
void vz__diags_sort(vz_diags *d, size_t from);
void vz__error_set(vz_error *err, vz_status code, const char *file,
                   const char *fmt, ...) VZ__PRINTF(4, 5);

/* ---- escaping for people and shells (util/escape.c) ----------------- */

/* Length of the valid UTF-8 sequence at s (RFC 3629), or 0. */
size_t vz__utf8_seq(const unsigned char *s);
/* Is the valid sequence of n bytes at p a control character (C0, DEL,
 * C1, a bidirectional override, a line or paragraph separator)? */
int vz__is_control(const unsigned char *p, size_t n);

#define VZ_ESC_CTL 1 /* escape control characters too (text output) */
/*
 * `s` made unambiguous (and, with VZ_ESC_CTL, safe for a terminal): s
 * itself when it is valid UTF-8 without "\x" (and without control
 * characters), else the escaped copy in b: each '\' doubled, each byte to
 * escape as "\xHH". See escape.c for why this decodes to one original.
 * Valid until b changes; NULL when out of memory; NULL for NULL.
 */
const char *vz__escape(struct vz_buf *b, const char *s, int flags);
/*
 * Append s as one POSIX shell word that names exactly these bytes: bare
 * when plainly safe, in '...' when typable, else in bash's $'...' with
 * octal escapes (never "\x", never a control character).
 */
void vz__shell_word(struct vz_buf *b, const char *s);

/* ---- regular files only (util/regular.c) --------------------------- */

/* errno for "not a regular file" (a FIFO, socket, device, directory);
 * no system errno means it, so vz__errstr names it. */
#define VZ__ENOTREG 0x10001
/*
 * Open `path` (relative to dirfd, or AT_FDCWD) for reading, without
 * blocking on a FIFO or device, and refuse what is not a regular file.
 * `flags` may add O_NOFOLLOW, O_NOATIME. The fd is blocking again.
 * Returns an fd, or -1 with errno set (VZ__ENOTREG for not regular).
 */
int vz__open_regular_at(int dirfd, const char *path, int flags);
/* For an fd opened O_NONBLOCK: 0 if it is a regular file (O_NONBLOCK
 * then cleared), else -1 with errno (VZ__ENOTREG). */
int vz__fd_regular(int fd);
/* strerror(e), with a name for VZ__ENOTREG (and ENXIO, what opening a
 * socket gives). */
const char *vz__errstr(int e);

/* ---- hex digits (util/hex.c) ---------------------------------------- */

/* The value of a hexadecimal digit (either case), or -1. */
int vz__hexval(int c);
/* The n bytes at p as 2n lowercase hex digits and a NUL into out, which
 * holds 2n + 1 chars. */
void vz__hex_encode(const unsigned char *p, size_t n, char *out);

/* ---- dates (util/date.c) ------------------------------------------- */

/*
 * Parse an ISO 8601 calendar date "YYYY-MM-DD" or an RFC 3339 date-time
 * "YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|-hh:mm)". Checks the calendar
 * (leap years, days per month). On success returns 0 and stores the UTC
 * seconds since the epoch in *t (if non-NULL); returns -1 otherwise.
 */
int vz__date_parse(const char *s, int64_t *t);

/* ---- JSON text positions (util/jsonpos.c) -------------------------- */

/* One step of a JSON path: an object key, or (key == NULL) an index. */
struct vz_jseg {
	const char *key;
	size_t index;
};

/*
 * Find where the value at `path` (nseg steps) starts in the JSON `text`
 * of `len` bytes. With `want_key` and a last step that is a key, find the
 * key instead (to point at an unknown member). Returns 0 and 1-based line
 * and column (in characters) on success, -1 if the path is not there; then
 * line/col hold the deepest position reached. Never reads past `len`.
 */
int vz__json_locate(const char *text, size_t len, const struct vz_jseg *path,
                    size_t nseg, int want_key, unsigned long *line,
                    unsigned long *col);

/*
 * The same for many diagnostics over one text, in linear time overall:
 * line and column from checkpoints built in one pass, and the walk of
 * the last path reused (an index later in the same array resumes from
 * the last element). Free with vz__jpos_free; the text is borrowed.
 */
#define VZ_JPOS_CACHE 64
struct vz_jstep {
	int is_index;
	size_t index;
	size_t key_off;   /* where the key is (for a key step) */
	size_t value_off; /* where the value starts */
};
struct vz_jpos {
	const char *t; /* borrowed */
	size_t len;
	unsigned long *cp_line, *cp_col; /* owned; NULL until needed */
	size_t ncp;
	struct vz_jstep cache[VZ_JPOS_CACHE];
	size_t ncache;
};
void vz__jpos_init(struct vz_jpos *jp, const char *text, size_t len);
void vz__jpos_free(struct vz_jpos *jp);
int vz__jpos_locate(struct vz_jpos *jp, const struct vz_jseg *path,
                    size_t nseg, int want_key, unsigned long *line,
                    unsigned long *col);


/* Render a path as "products[3].vendor" into buf (truncating safely). */
void vz__json_path_format(const struct vz_jseg *path, size_t nseg, char *buf,
                          size_t size);

/* ---- catalogue access for other modules (catalog/catalog.c) -------- */

/*
 * Borrowed views into a loaded catalogue's JSON tree, valid until
 * vz_catalog_free. The tree has been validated, so fields the shapes mark
 * required are present with the right types.
 */
json_t *vz__catalog_root(const vz_catalog *cat);
json_t *vz__catalog_get(const vz_catalog *cat, const char *id, vz_kind *kind);
json_t *vz__catalog_nth(const vz_catalog *cat, vz_kind kind, size_t i);

/*
 * The measure `m` (a measure entry) covers product `product_id`: the one
 * derivation behind vz_measure_covers, for modules that already hold the
 * entry (catalog/measure.c).
 */
int vz__measure_covers_json(const vz_catalog *cat, json_t *m,
                            const char *product_id);
/* As vz_measure_deadlines, for a measure entry. */
size_t vz__measure_deadlines_json(json_t *m, const char *sector,
                                  vz_deadline *out, size_t max);

/* Record how the catalogue was verified; `state` must be static. */
void vz__catalog_set_signature(vz_catalog *cat, const char *state);
/* The trusted version a named, older catalogue was compared with. */
void vz__catalog_set_trusted_version(vz_catalog *cat, int64_t version);
/* Position of an entry in its top-level array, or -1. */
int vz__catalog_index_of(const vz_catalog *cat, const char *id);
/*
 * Report a diagnostic about the loaded catalogue at a JSON path, with its
 * line and column in the original text.
 */
void vz__catalog_diag(const vz_catalog *cat, vz_diags *diags,
                      vz_severity sev, const struct vz_jseg *path,
                      size_t nseg, int at_key, const char *fmt, ...)
    VZ__PRINTF(7, 8);

/* ---- assessment levels from catalogue strings (assess/vector.c) ----- */

/* The enum value for a catalogue spelling, or -1. */
int vz__access_from(const char *s);
int vz__updates_from(const char *s);
int vz__compulsion_from(const char *s);
int vz__threat_from(const char *s);

#endif /* VZ_INT_H */
