/*
 * server/util.c - the server's small helpers: its clock (which tests may
 * set with VOORZORG_NOW), dates, random tokens, hashes, ids.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "server.h"

static int64_t fixed_now = -1;

int vzs_clock_init(void)
{
	const char *env = getenv("VOORZORG_NOW");
	int64_t t;

	if (env == NULL || *env == '\0')
		return 0;
	if (vzs_parse_time(env, 0, &t) != 0)
		return -1;
	fixed_now = t;
	return 1;
}

int vzs_clock_fixed(void)
{
	return fixed_now >= 0;
}

int64_t vzs_now(void)
{
	return fixed_now >= 0 ? fixed_now : (int64_t)time(NULL);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Hinnant's method). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int month_days(int y, int m)
{
	static const int md[] = {31, 28, 31, 30, 31, 30,
	                         31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : md[m - 1];
}

int vzs_parse_date(const char *s, int64_t *days)
{
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) ||
	    digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
		return -1;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

int vzs_parse_time(const char *s, int end_of_day, int64_t *out)
{
	int64_t days;
	int hh, mm, ss, off = 0;
	size_t n = strlen(s), i = 19;
	char date[11];

	if (n == 10) {
		if (vzs_parse_date(s, &days) != 0)
			return -1;
		*out = days * 86400 + (end_of_day ? 86399 : 0);
		return 0;
	}
	if (n < 20 || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
	    s[16] != ':')
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (vzs_parse_date(date, &days) || digits(s + 11, 2, &hh) ||
	    digits(s + 14, 2, &mm) || digits(s + 17, 2, &ss) || hh > 23 ||
	    mm > 59 || ss > 60)
		return -1;
	if (s[i] == '.') {
		i++;
		if (s[i] < '0' || s[i] > '9')
			return -1;
		while (s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if ((s[i] == 'Z' || s[i] == 'z') && s[i + 1] == '\0') {
		off = 0;
	} else if ((s[i] == '+' || s[i] == '-') && strlen(s + i) == 6 &&
	           s[i + 3] == ':') {
		int oh, om;

		if (digits(s + i + 1, 2, &oh) || digits(s + i + 4, 2, &om) ||
		    oh > 23 || om > 59)
			return -1;
		off = (oh * 60 + om) * 60 * (s[i] == '-' ? -1 : 1);
	} else {
		return -1;
	}
	*out = days * 86400 + hh * 3600 + mm * 60 + (ss > 59 ? 59 : ss) - off;
	return 0;
}

void vzs_fmt_date(int64_t days, char out[16])
{
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m, d);
}

void vzs_fmt_time(int64_t t, char out[32])
{
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	int64_t sec = t - days * 86400;
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", y % 10000, m, d,
	         (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
}

int vzs_random_hex(char *out, size_t nbytes)
{
	unsigned char buf[64];
	static const char hex[] = "0123456789abcdef";

	if (nbytes > sizeof(buf) || RAND_bytes(buf, (int)nbytes) != 1)
		return -1;
	for (size_t i = 0; i < nbytes; i++) {
		out[2 * i] = hex[buf[i] >> 4];
		out[2 * i + 1] = hex[buf[i] & 15];
	}
	out[2 * nbytes] = '\0';
	return 0;
}

void vzs_sha256_hex(const char *s, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	static const char hex[] = "0123456789abcdef";

	if (EVP_Digest(s, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32) {
		/* Never equal to a stored hash: a failed digest denies. */
		memset(out, 'x', 64);
		out[64] = '\0';
		return;
	}
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

int vzs_is_hex(const char *s, size_t len)
{
	if (strlen(s) != len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int vzs_token_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = (unsigned char)(la != lb);

	/* Compare over the stored token's length, whatever the guess. */
	for (size_t i = 0; i < lb; i++)
		d |= (unsigned char)(b[i] ^ (i < la ? a[i] : 0));
	return d == 0;
}

int vzs_valid_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}
