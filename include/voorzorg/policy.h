/*
 * voorzorg/policy.h - prevention policies generated from the catalogue.
 *
 * A measure says which products are banned; these functions turn the
 * catalogue's fingerprints of those products into the formats that keep
 * them from coming back between two scans: APT preferences, dnf
 * excludes, fapolicyd rules, AppLocker and App Control (WDAC) XML, Santa
 * rules (a configuration profile or santactl import JSON), and osquery /
 * Fleet policies that pass when the products are absent. docs/prevention.md
 * says how each is deployed and what it cannot do.
 *
 * Every output names the measure(s), the catalogue's id, version and
 * signature state, and is deterministic: the same catalogue and options
 * give the same bytes (identifiers such as GUIDs are derived from a hash
 * of the measure and the rule, never random, and nothing depends on the
 * time). A catalogue value that a format cannot carry safely (a newline
 * in a package name, a quote in a fapolicyd path) is refused with
 * VZ_E_INVALID rather than written.
 */
#ifndef VOORZORG_POLICY_H
#define VOORZORG_POLICY_H

#include <voorzorg/catalog.h>
#include <voorzorg/export.h>
#include <voorzorg/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The formats. Numbers are stable. */
typedef enum vz_policy_format {
	VZ_POLICY_APT = 0,        /* apt_preferences(5) negative pins */
	VZ_POLICY_DNF = 1,        /* dnf.conf [main] excludepkgs */
	VZ_POLICY_FAPOLICYD = 2,  /* fapolicyd rules.d fragment */
	VZ_POLICY_APPLOCKER = 3,  /* AppLocker policy XML */
	VZ_POLICY_WDAC = 4,       /* App Control for Business SiPolicy XML */
	VZ_POLICY_SANTA = 5,      /* Santa StaticRules mobileconfig */
	VZ_POLICY_SANTA_JSON = 6, /* santactl rule --import JSON */
	VZ_POLICY_OSQUERY = 7,    /* osquery SQL, one query per platform */
	VZ_POLICY_FLEET = 8,      /* fleetctl apply YAML of those queries */
	VZ_POLICY__COUNT
} vz_policy_format;

typedef enum vz_policy_mode {
	VZ_POLICY_MODE_DEFAULT = 0, /* audit where the format has it */
	VZ_POLICY_MODE_AUDIT = 1,
	VZ_POLICY_MODE_ENFORCE = 2
} vz_policy_mode;

typedef struct vz_policy_opts {
	vz_policy_format format;
	/*
	 * The measure (an id of the catalogue). NULL: every measure the
	 * catalogue's own state issued that asks something of the sector
	 * (or, without a sector, of any sector).
	 */
	const char *measure;
	/* A sector id of the catalogue, or NULL for every sector. */
	const char *sector;
	vz_policy_mode mode;
} vz_policy_opts;

VZ_API void vz_policy_opts_init(vz_policy_opts *opts);

/* "apt", "dnf", ... ; NULL for an unknown format. Static storage. */
VZ_API const char *vz_policy_format_name(vz_policy_format format);
/* The format with that name: 0 and *out set, or -1. */
VZ_API int vz_policy_format_parse(const char *name, vz_policy_format *out);
/* Does the format have an audit (log, do not block) mode? */
VZ_API int vz_policy_has_audit(vz_policy_format format);

/*
 * Generate a policy. On success *out is an owned NUL-terminated string
 * (vz_free). Errors, with err filled: VZ_E_NOTFOUND (no such measure or
 * sector), VZ_E_USAGE (--mode audit for a format without an audit mode;
 * the measure asks nothing of the sector; the products have nothing this
 * format can express), VZ_E_INVALID (a catalogue value the format cannot
 * carry safely; err names the product and fingerprint), VZ_E_NOMEM.
 * Thread-safe for distinct outputs; the catalogue is only read.
 */
VZ_API vz_status vz_policy_render(const vz_catalog *cat,
                                  const vz_policy_opts *opts, char **out,
                                  vz_error *err);

#ifdef __cplusplus
}
#endif

#endif /* VOORZORG_POLICY_H */
