/*
 * tests/server/loadgen.c - a load generator for the fleet server, used by
 * the kill -9 test and bench/server.sh: enrols H synthetic hosts, then
 * posts N reports from them over T threads (HTTP/1.1 keep-alive on
 * 127.0.0.1), bounded in count and in time. Each report is a template
 * (a real scan report) with its report_id, machine_id, hostname and
 * scanned_at filled in per host. Report i is of round i / H, and each
 * round is a day later, up to today, as a fleet scanning daily sends
 * them: each host's latest report moves to a new day (at most 29 days
 * back; older rounds share the 29th).
 *
 * usage: loadgen PORT SECRET_FILE TEMPLATE HOSTS REPORTS THREADS SECONDS
 *                ACKED_FILE
 * Writes every report_id the server acknowledged (200 or 201), one per
 * line and flushed at once, to ACKED_FILE; prints
 * "reports=N acked=N errors=N seconds=S rate=R p50_ms=X p99_ms=Y cpu_ms=C".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static int port;
static char *tmpl;
static char **keys;
static char (*mids)[33];
static int nhosts;
static long total, next_idx;
static double deadline;
static FILE *acked;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static double *lat;
static long nlat, nacked, nerrors;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dial(void)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One request on fd; the status, or -1 (connection gone). */
static int request(int fd, const char *path, const char *auth, const char *body,
                   char *resp, size_t rsize)
{
	char head[512];
	size_t blen = strlen(body), got = 0, want = 0;
	int n = snprintf(head, sizeof(head),
	                 "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	                 "Content-Type: application/json\r\n"
	                 "%s%s%sContent-Length: %zu\r\n\r\n",
	                 path, auth ? "Authorization: Bearer " : "",
	                 auth ? auth : "", auth ? "\r\n" : "", blen);
	char *end;
	int status;

	{
		/* Head and body in one system call: the load generator
		 * shares the machine it measures. */
		struct iovec iov[2] = {{head, (size_t)n},
		                       {(void *)(uintptr_t)body, blen}};
		size_t left = (size_t)n + blen;

		while (left > 0) {
			ssize_t w = writev(fd, iov, 2);

			if (w <= 0)
				return -1;
			left -= (size_t)w;
			for (int k = 0; k < 2; k++) {
				size_t d = (size_t)w < iov[k].iov_len
				               ? (size_t)w
				               : iov[k].iov_len;

				iov[k].iov_base = (char *)iov[k].iov_base + d;
				iov[k].iov_len -= d;
				w -= (ssize_t)d;
			}
		}
	}
	for (;;) {
		ssize_t r = read(fd, resp + got, rsize - 1 - got);

		if (r <= 0)
			return -1;
		got += (size_t)r;
		resp[got] = '\0';
		end = strstr(resp, "\r\n\r\n");
		if (end != NULL) {
			char *cl = strcasestr(resp, "Content-Length:");

			want = (size_t)(end + 4 - resp) +
			       (cl ? strtoul(cl + 15, NULL, 10) : 0);
			if (got >= want)
				break;
		}
		if (got + 1 >= rsize)
			return -1;
	}
	if (sscanf(resp, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	return status;
}

/* The template cut at its placeholders, once: pieces[i] is followed by
 * the value of placeholder which[i] (-1: the end). */
#define MAXPIECES 64
static const char *piece[MAXPIECES];
static size_t piecelen[MAXPIECES];
static int which[MAXPIECES], npieces;

static void cut(const char *t)
{
	static const char *const keysx[4] = {
	    "@@REPORT_ID@@", "@@MACHINE_ID@@", "@@HOSTNAME@@",
	    "@@SCANNED_AT@@"};

	while (npieces < MAXPIECES - 1) {
		const char *best = NULL;
		int bk = -1;

		for (int k = 0; k < 4; k++) {
			const char *p = strstr(t, keysx[k]);

			if (p != NULL && (best == NULL || p < best)) {
				best = p;
				bk = k;
			}
		}
		piece[npieces] = t;
		if (best == NULL) {
			piecelen[npieces] = strlen(t);
			which[npieces++] = -1;
			return;
		}
		piecelen[npieces] = (size_t)(best - t);
		which[npieces++] = bk;
		t = best + strlen(keysx[bk]);
	}
	piece[npieces] = t;
	piecelen[npieces] = strlen(t);
	which[npieces++] = -1;
}

static char *fill(const char *rid, const char *mid, const char *host,
                  const char *when)
{
	const char *vals[4] = {rid, mid, host, when};
	size_t cap = strlen(tmpl) + 1024, n = 0;
	char *out = malloc(cap);

	for (int i = 0; out && i < npieces; i++) {
		size_t vl = which[i] >= 0 ? strlen(vals[which[i]]) : 0;

		if (n + piecelen[i] + vl + 1 > cap) {
			free(out);
			return NULL;
		}
		memcpy(out + n, piece[i], piecelen[i]);
		n += piecelen[i];
		if (which[i] >= 0)
			memcpy(out + n, vals[which[i]], vl);
		n += vl;
	}
	if (out)
		out[n] = '\0';
	return out;
}

static void hex(char *out, int nbytes)
{
	static const char h[] = "0123456789abcdef";
	unsigned char b[32];

	if (getrandom(b, (size_t)nbytes, 0) != nbytes)
		exit(3);
	for (int i = 0; i < nbytes; i++) {
		out[2 * i] = h[b[i] >> 4];
		out[2 * i + 1] = h[b[i] & 15];
	}
	out[2 * nbytes] = '\0';
}

static void *worker(void *arg)
{
	char *resp = malloc(65536), rid[33], host[64], when[32];
	int fd = -1;
	time_t t = time(NULL);

	(void)arg;
	for (;;) {
		long i;
		char *body;
		double t0;
		int st;

		pthread_mutex_lock(&mu);
		i = next_idx < total && now() < deadline ? next_idx++ : -1;
		pthread_mutex_unlock(&mu);
		if (i < 0)
			break;
		if (fd < 0 && (fd = dial()) < 0) {
			pthread_mutex_lock(&mu);
			nerrors++;
			pthread_mutex_unlock(&mu);
			usleep(10000);
			continue;
		}
		hex(rid, 16);
		snprintf(host, sizeof(host), "synthetic-%06d",
		         (int)(i % nhosts));
		{
			long rounds = (total + nhosts - 1) / nhosts;
			long back = rounds - 1 - i / nhosts;
			time_t ti = t - (time_t)(back > 29 ? 29 : back) * 86400;

			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ",
			         gmtime(&ti));
		}
		body = fill(rid, mids[i % nhosts], host, when);
		t0 = now();
		st = body ? request(fd, "/api/v1/reports", keys[i % nhosts],
		                    body, resp, 65536)
		          : -1;
		free(body);
		pthread_mutex_lock(&mu);
		if (st == 200 || st == 201) {
			fprintf(acked, "%s\n", rid);
			fflush(acked);
			lat[nlat++] = now() - t0;
			nacked++;
		} else {
			nerrors++;
		}
		pthread_mutex_unlock(&mu);
		if (st < 0) {
			close(fd);
			fd = -1;
		}
	}
	if (fd >= 0)
		close(fd);
	free(resp);
	return NULL;
}

static double cpu(const struct rusage *r)
{
	return (double)r->ru_utime.tv_sec + (double)r->ru_utime.tv_usec / 1e6 +
	       (double)r->ru_stime.tv_sec + (double)r->ru_stime.tv_usec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static char *slurp(const char *p)
{
	FILE *f = fopen(p, "rb");
	char *b;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || !(b = malloc((size_t)n + 1)) ||
	    fread(b, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "loadgen: %s: cannot be read\n", p);
		exit(2);
	}
	fclose(f);
	b[n] = '\0';
	return b;
}

int main(int argc, char **argv)
{
	char *secret, resp[8192], body[512];
	int nthreads, fd;
	pthread_t th[64];
	struct rusage ru0, ru1;
	double t0, el;

	if (argc != 9) {
		fprintf(stderr,
		        "usage: loadgen PORT SECRET_FILE TEMPLATE HOSTS "
		        "REPORTS THREADS SECONDS ACKED_FILE\n");
		return 2;
	}
	port = atoi(argv[1]);
	secret = slurp(argv[2]);
	secret[strcspn(secret, "\r\n")] = '\0';
	tmpl = slurp(argv[3]);
	nhosts = atoi(argv[4]);
	total = atol(argv[5]);
	nthreads = atoi(argv[6]);
	if (nhosts < 1 || total < 1 || nthreads < 1 || nthreads > 64)
		return 2;
	acked = fopen(argv[8], "w");
	keys = calloc((size_t)nhosts, sizeof(*keys));
	mids = calloc((size_t)nhosts, sizeof(*mids));
	lat = calloc((size_t)total, sizeof(*lat));
	if (!acked || !keys || !mids || !lat)
		return 3;
	fd = dial();
	for (int h = 0; h < nhosts; h++) {
		char *k;
		int st;

		hex(mids[h], 16);
		snprintf(
		    body, sizeof(body),
		    "{\"enroll_secret\":\"%s\",\"host\":{\"machine_id\":"
		    "\"%s\",\"hostname\":\"synthetic-%06d\",\"fqdn\":null}}",
		    secret, mids[h], h);
		st = fd < 0 ? -1
		            : request(fd, "/api/v1/enroll", NULL, body, resp,
		                      sizeof(resp));
		k = strstr(resp, "\"node_key\":\"");
		if (st != 201 || k == NULL) {
			fprintf(stderr, "loadgen: enrolment failed (%d)\n", st);
			return 3;
		}
		keys[h] = strndup(k + 12, 68);
	}
	if (fd >= 0)
		close(fd);
	cut(tmpl);
	getrusage(RUSAGE_SELF, &ru0);
	t0 = now();
	deadline = t0 + atof(argv[7]);
	for (int i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (int i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	el = now() - t0;
	getrusage(RUSAGE_SELF, &ru1);
	qsort(lat, (size_t)nlat, sizeof(*lat), cmp);
	/* cpu_ms: this program's CPU time per acknowledged report while
	 * posting (enrolment not included). */
	printf("reports=%ld acked=%ld errors=%ld seconds=%.2f rate=%.0f "
	       "p50_ms=%.2f p99_ms=%.2f cpu_ms=%.3f\n",
	       next_idx, nacked, nerrors, el, (double)nacked / el,
	       nlat ? lat[nlat / 2] * 1000 : 0.0,
	       nlat ? lat[(size_t)((double)nlat * 0.99)] * 1000 : 0.0,
	       nacked ? (cpu(&ru1) - cpu(&ru0)) * 1000 / (double)nacked
	              : 0.0);
	fclose(acked);
	return 0;
}
