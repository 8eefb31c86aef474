/*
 * lib/catalog/catalog_int.h - internals of the catalogue module.
 *
 * Private to lib/catalog/. Other modules use the vz__catalog_* accessors
 * declared in lib/vz_int.h.
 */
#ifndef VZ_CATALOG_INT_H
#define VZ_CATALOG_INT_H

#include <jansson.h>

#include "vz_int.h"

/* The format string this build reads. */
#define VZ_CATALOG_FORMAT "voorzorg-catalog/1"

struct vz_entry {
	vz_kind kind;
	size_t index;    /* position in its top-level array */
	const char *id;  /* borrowed from obj */
	json_t *obj;     /* borrowed from the catalogue root */
};

struct vz_catalog {
	json_t *root;    /* owned */
	char *file;      /* owned: name used in diagnostics */
	char *text;      /* owned: the source bytes, for later positions */
	size_t text_len;
	struct vz_jpos *jp; /* owned, made on the first diagnostic */
	struct vz_map ids; /* id -> struct vz_entry *, into entries */
	struct vz_entry *entries; /* owned; grouped by kind, document order */
	size_t nentries;
	size_t first[VZ_KIND__COUNT];
	size_t count[VZ_KIND__COUNT];
	const char *id;      /* borrowed from root */
	const char *format;  /* borrowed from root */
	const char *expires; /* borrowed from root */
	int64_t version;
	const char *signature; /* static: how vz_catalog_open verified it */
	int64_t trusted_version; /* >0: older than this trusted version */
};

/* ---- validation (validate.c, shapes.c) ----------------------------- */

#define VZ_VMAX_DEPTH 32

enum vtype {
	VT_TEXT,    /* non-empty string */
	VT_STRING,  /* any string */
	VT_ID,      /* the entry's own id */
	VT_REF,     /* id of an entry of kind `ref` */
	VT_REFS,    /* array of VT_REF, no duplicates */
	VT_DATE,    /* ISO 8601 date or RFC 3339 date-time */
	VT_ENUM,    /* one of `enums` */
	VT_ENUMS,   /* array of VT_ENUM, no duplicates */
	VT_INT,     /* integer >= min */
	VT_BOOL,
	VT_OBJECT,  /* object of `shape` */
	VT_ARRAY,   /* array of objects of `shape` */
	VT_STRINGS, /* array of strings each passing `check` */
	VT_MAP      /* object: keys are refs of kind `ref`, values `enums` */
};

#define VF_REQ 0x1u      /* must be present */
#define VF_NONEMPTY 0x2u /* arrays: at least one element */

struct vctx;

/* A format check on a string; returns NULL if fine, else what is wrong. */
typedef const char *(*vcheck_fn)(const char *s);

struct vfield {
	const char *name;
	enum vtype type;
	unsigned flags;
	int ref;                   /* vz_kind for VT_REF(S)/VT_MAP */
	const char *const *enums;  /* NULL-terminated, for VT_ENUM(S)/VT_MAP */
	const struct vshape *shape;
	vcheck_fn check;
	long long min;             /* VT_INT */
};

struct vshape {
	const char *name;
	const struct vfield *fields; /* terminated by a NULL name */
	/* For tagged unions: pick the concrete shape from the object. */
	const struct vshape *(*select)(const json_t *obj);
	/* Cross-field checks after the fields are checked. */
	void (*post)(struct vctx *c, json_t *obj);
};

struct vctx {
	const char *text; /* borrowed: the original bytes, for positions */
	size_t len;
	const char *file;
	vz_diags *diags;
	struct vz_catalog *cat;
	struct vz_jseg path[VZ_VMAX_DEPTH];
	size_t depth;
	size_t overflow; /* pushes beyond VZ_VMAX_DEPTH */
	int nomem;
	struct vz_map cited; /* source ids cited anywhere */
	struct vz_jpos jp;   /* positions of the diagnostics */
};

void vz__vpush_key(struct vctx *c, const char *key);
void vz__vpush_index(struct vctx *c, size_t i);
void vz__vpop(struct vctx *c);
/* Report at the current path (at its key when `at_key`). */
void vz__verr(struct vctx *c, vz_severity sev, int at_key, const char *fmt,
              ...) VZ__PRINTF(4, 5);
/* Check obj against shape, at the current path. */
void vz__vshape(struct vctx *c, const struct vshape *shape, json_t *obj);
/* NULL if s is a well-formed id, else what is wrong with it. */
const char *vz__check_id(const char *s);
/* Entry of kind `kind` with this id, or NULL. */
const struct vz_entry *vz__vlookup(struct vctx *c, const char *id);

extern const struct vshape vz__shape_catalog;
extern const char *const vz__kind_names[VZ_KIND__COUNT];
extern const char *const vz__kind_arrays[VZ_KIND__COUNT];

/* Validate the whole document (root already parsed); fills c->cat. */
void vz__catalog_validate(struct vctx *c, json_t *root);

#endif /* VZ_CATALOG_INT_H */
