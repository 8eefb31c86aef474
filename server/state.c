/*
 * server/state.c - the ledger's rules as pure functions, apart from the
 * loading and walking in ledger.c so that unit tests can check them
 * directly (tests/server/test_server.c): when a host is stale, when a
 * product is overdue, and which exemption covers which host.
 */
#include <stdio.h>
#include <string.h>

#include "server.h"

enum vzs_state vzs_state_of(int64_t t, int64_t last_scanned, int stale_days,
                            int has_product, int64_t deadline)
{
	int64_t stale_before = t - (int64_t)stale_days * 86400;

	/* No report (-1), or none within the last stale_days days. */
	if (last_scanned < 0 || last_scanned < stale_before)
		return VZS_STALE;
	if (!has_product)
		return VZS_COMPLIANT;
	/* The deadline is a day: the product may stay until its end. */
	if (deadline >= 0 && t > deadline * 86400 + 86399)
		return VZS_OVERDUE;
	return VZS_PENDING;
}

int vzs_exemption_covers(const struct vzs_exemption *e, int64_t host,
                         const char *org, const char *grp,
                         const char *measure, int64_t t)
{
	char hid[24];
	int64_t end = e->expires;

	/* Ended early by POST /exemptions/ID/expire, or at its expiry. */
	if (e->expired >= 0 && e->expired < end)
		end = e->expired;
	if (e->created > t || t >= end || strcmp(e->org, org) != 0)
		return 0;
	if (e->measure != NULL && strcmp(e->measure, measure) != 0)
		return 0;
	if (strcmp(e->kind, "organisation") == 0)
		return 1;
	if (strcmp(e->kind, "group") == 0)
		return grp != NULL && strcmp(e->value, grp) == 0;
	if (strcmp(e->kind, "host") == 0) {
		snprintf(hid, sizeof(hid), "%lld", (long long)host);
		return strcmp(e->value, hid) == 0;
	}
	return 0;
}
