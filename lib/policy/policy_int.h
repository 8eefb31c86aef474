/*
 * lib/policy/policy_int.h - internals of the policy generators, private
 * to lib/policy/.
 *
 * select.c picks the measures, the sector and the products, and collects
 * the products' fingerprints by kind into lists the writers read (one
 * writer per format: apt.c, dnf.c, fapolicyd.c, applocker.c, wdac.c,
 * santa.c, osquery.c). common.c holds what every writer shares: the
 * provenance header, the checks and escapes of catalogue values, and
 * deterministic GUIDs.
 */
#ifndef VZ_POLICY_INT_H
#define VZ_POLICY_INT_H

#include "vz_int.h"

/* Fingerprints collected by kind (and ecosystem or platform). */
enum pol_kind {
	PK_DEB,          /* package, ecosystem deb: name glob */
	PK_RPM,          /* package, ecosystem rpm */
	PK_MSI,          /* package, ecosystem msi (+ maintainer) */
	PK_MACPKG,       /* package, ecosystem macos-pkg */
	PK_PATH_LINUX,   /* path, platform linux */
	PK_PATH_WINDOWS, /* path, platform windows */
	PK_PATH_MACOS,   /* path, platform macos */
	PK_HASH,         /* file-hash: sha256 + size (+ name) */
	PK_SIGNER,       /* authenticode: subject (+ issuer) */
	PK_BUNDLE,       /* bundle-id: bundle_id (+ team_id) */
	PK_DRIVER,       /* kernel-module, platform windows: driver file */
	PK_WINPROC,      /* process, platform windows: executable name */
	PK_UNINSTALL,    /* registry Uninstall entry: DisplayName glob */
	PK__COUNT
};

struct pol_item {
	size_t prod;       /* index into pol->prods */
	size_t fpi;        /* index in the product's fingerprints */
	json_t *fp;        /* borrowed: the fingerprint */
	const char *value; /* borrowed: its main value (name, path, ...) */
};

struct pol_prod {
	const char *id;   /* borrowed */
	const char *name; /* borrowed */
};

struct pol_measure {
	const char *id;        /* borrowed */
	const char *reference; /* borrowed */
	const char *action;    /* for the sector; NULL without a sector */
};

struct vz_pol {
	const vz_catalog *cat;
	vz_policy_format format;
	int audit;              /* 1 audit mode, 0 enforce */
	const char *sector;     /* borrowed, or NULL */
	struct pol_measure *ms; /* owned */
	size_t nms;
	struct pol_prod *prods; /* owned */
	size_t nprods;
	struct pol_item *items[PK__COUNT]; /* owned */
	size_t nitems[PK__COUNT];
	struct vz_buf out;
	vz_error *err;
	vz_status rc; /* first error of a writer (sticky) */
};

/* ---- selection (select.c) -------------------------------------------- */

/* Pick measures, products and fingerprints; VZ_OK or an error in err. */
vz_status vz__pol_select(struct vz_pol *p, const vz_policy_opts *o);
void vz__pol_release(struct vz_pol *p);
/* The product's fingerprint array (borrowed). */
json_t *vz__pol_fps(const struct vz_pol *p, size_t prod);

/* ---- shared by the writers (common.c) -------------------------------- */

/*
 * The provenance header, one line per item, each line `lead` + text +
 * `tail` + "\n": format, mode, measures with reference and action,
 * sector, catalogue id, version and signature, products. Catalogue text
 * is checked with vz__pol_text (and, in XML comments, for "--").
 */
void vz__pol_header(struct vz_pol *p, const char *lead, const char *tail,
                    int xml_comment);
/*
 * Is `s` (from fingerprint `it`, member `what`) free of control
 * characters (and, with xml_comment, of "--")? If not, record
 * VZ_E_INVALID naming the product and fingerprint and return 0.
 */
int vz__pol_text(struct vz_pol *p, const struct pol_item *it, const char *what,
                 const char *s, int xml_comment);
/*
 * Refuse item `it`'s value for this format: VZ_E_INVALID with
 * "products[ID].fingerprints[N].MEMBER: 'VALUE' WHY" (value escaped).
 */
void vz__pol_refuse(struct vz_pol *p, const struct pol_item *it,
                    const char *what, const char *why);
/* Does every byte of s fall in [A-Za-z0-9] or `extra`? Non-empty? */
int vz__pol_chars(const char *s, const char *extra);
/* Has s a literal character, i.e. is it more than glob characters? */
int vz__pol_has_literal(const char *s);
/* Has s any of the fnmatch(3) special characters * ? [ \ ? */
int vz__pol_is_glob(const char *s);

/* Append s escaped for an XML attribute value or text node. */
void vz__pol_xml(struct vz_buf *b, const char *s);
/* Append s as an SQL string literal ('...' with '' for '). */
void vz__pol_sql_str(struct vz_buf *b, const char *s);
/* Append s as a YAML double-quoted scalar. */
void vz__pol_yaml_str(struct vz_buf *b, const char *s);

/*
 * A GUID derived from the format, the measures and `key` (SHA-256, the
 * first 16 bytes, RFC 9562 version 8 and variant bits): "xxxxxxxx-xxxx-
 * xxxx-xxxx-xxxxxxxxxxxx", lowercase, or uppercase with `upper`, into
 * buf[37].
 */
void vz__pol_guid(const struct vz_pol *p, const char *key, int upper,
                  char buf[37]);

/* Fail with VZ_E_USAGE: the products have no `what` fingerprints. */
void vz__pol_empty(struct vz_pol *p, const char *what);
/* Record an error (only the first is kept). */
void vz__pol_fail(struct vz_pol *p, vz_status rc, const char *fmt, ...)
    VZ__PRINTF(3, 4);

/* ---- the writers ------------------------------------------------------ */

void vz__pol_apt(struct vz_pol *p);
void vz__pol_dnf(struct vz_pol *p);
void vz__pol_fapolicyd(struct vz_pol *p);
void vz__pol_applocker(struct vz_pol *p);
void vz__pol_wdac(struct vz_pol *p);
void vz__pol_santa(struct vz_pol *p);
void vz__pol_santa_json(struct vz_pol *p);
void vz__pol_osquery(struct vz_pol *p);
void vz__pol_fleet(struct vz_pol *p);

#endif /* VZ_POLICY_INT_H */
