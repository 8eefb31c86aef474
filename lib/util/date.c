/*
 * lib/util/date.c - strict ISO 8601 / RFC 3339 date parsing.
 *
 * Deadlines and expiry dates decide whether an organisation is compliant,
 * so "2019-02-30" must be refused, not normalised to March the 2nd the way
 * mktime() would. No locale or time zone of the host is consulted.
 */
#include <string.h>

#include "vz_int.h"

static int digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int vz__date_parse(const char *s, int64_t *t)
{
	int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 0;
	size_t len = strlen(s);
	const char *p;

	if (len < 10 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d))
		return -1;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	p = s + 10;
	if (*p != '\0') {
		if (*p != 'T' && *p != 't')
			return -1;
		p++;
		if (strlen(p) < 9 || digits(p, 2, &h) || p[2] != ':' ||
		    digits(p + 3, 2, &mi) || p[5] != ':' ||
		    digits(p + 6, 2, &se))
			return -1;
		/* 60 allows a leap second, as RFC 3339 does. */
		if (h > 23 || mi > 59 || se > 60)
			return -1;
		p += 8;
		if (*p == '.') {
			p++;
			if (*p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9')
				p++;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			if (strlen(p) < 6 || digits(p + 1, 2, &oh) ||
			    p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 ||
			    om > 59)
				return -1;
			p += 6;
		} else {
			return -1;
		}
		if (*p != '\0')
			return -1;
	}
	if (t != NULL)
		*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
		     se - sign * (oh * 3600 + om * 60);
	return 0;
}
