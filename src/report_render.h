/*
 * src/report_render.h - the compliance report's renderer (report_render.c)
 * and the growing string the report command shares with it.
 */
#ifndef VZ_REPORT_RENDER_H
#define VZ_REPORT_RENDER_H

#include <stddef.h>

#include <jansson.h>

/* A growing string; on an allocation failure oom is set and it stops. */
struct sb {
	char *s; /* owned; NULL until something is added */
	size_t len, cap;
	int oom;
};
void report_sb_add(struct sb *b, const char *s, size_t n);
void report_sb_str(struct sb *b, const char *s);

/* What the report is made of: the server's answers (borrowed). */
struct report_data {
	json_t *org;      /* GET /organisations/ID */
	json_t *cat;      /* GET /catalog */
	json_t *measures; /* GET /measures?organisation=ID */
	json_t *now;      /* GET /compliance?organisation=ID&as_of=T */
	json_t *then;     /* the same as of the previous report */
	json_t *overdue;  /* the ledger's overdue rows (an array) */
	json_t *exempt;   /* GET /exemptions?...&active_at=T */
	const char *as_of;   /* the instant the server used */
	const char *since;   /* the previous report's date */
	const char *version; /* voorzorg's */
	const char *source;  /* the server's URL */
};

/*
 * The report in Markdown (html 0) or as a whole HTML page (html 1), in
 * Dutch (nl 1) or English. Returns an owned string (free) and its length,
 * or NULL when memory ran out. Not thread-safe (the language is static).
 */
char *report_render(const struct report_data *d, int html, int nl,
                    size_t *len);

#endif /* VZ_REPORT_RENDER_H */
