/*
 * server/static.c - serve the dashboard (server/web/) from the table the
 * build embeds into the binary: an exact-name lookup, never a path on
 * disk, so nothing outside the table can be reached ('..', encodings and
 * symlinks have nothing to act on).
 */
#include <string.h>

#include "static.h"

const struct vzs_static_file *vzs_static_find(const char *path)
{
	if (path == NULL)
		return NULL;
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	for (size_t i = 0; vzs_static_files[i].path != NULL; i++)
		if (strcmp(vzs_static_files[i].path, path) == 0)
			return &vzs_static_files[i];
	return NULL;
}
