/*
 * lib/status.c - status descriptions and the library's version.
 *
 * The descriptions come from the same X-macro table as the enum, so the two
 * cannot drift apart.
 */
#include "vz_int.h"
#include "vz_config.h"

const char *vz_strerror(vz_status code)
{
	switch (code) {
#define VZ__STATUS_CASE(name, num, desc) \
	case name: return desc;
		VZ_STATUS_MAP(VZ__STATUS_CASE)
#undef VZ__STATUS_CASE
	}
	return "unknown status";
}

const char *vz_version(void)
{
	return VZ_VERSION;
}
