/*
 * server/static.h - the dashboard's static files (server/web/), embedded
 * into the binary at build time by server/web/embed.py and served by
 * server/static.c outside /api/.
 */
#ifndef VZS_STATIC_H
#define VZS_STATIC_H

#include <stddef.h>

struct vzs_static_file {
	const char *path;  /* "/index.html" */
	const char *ctype; /* with charset for text */
	const unsigned char *data;
	size_t len;
};

/* The table, ended by a NULL path (generated: web_files.c). */
extern const struct vzs_static_file vzs_static_files[];

/*
 * The file for a request path ("/" is "/index.html"); NULL when there is
 * none. Only exact names of the table match, so no path can reach the
 * file system.
 */
const struct vzs_static_file *vzs_static_find(const char *path);

/* The headers every answer carries (the dashboard's CSP among them). */
#define VZS_CSP                                                        \
	"default-src 'none'; script-src 'self'; style-src 'self'; "    \
	"img-src 'self' data:; connect-src 'self'; base-uri 'none'; "  \
	"form-action 'none'; frame-ancestors 'none'"

#endif
