/*
 * server/http.c - the HTTP front on libmicrohttpd: read a request body
 * up to its limit (8 MiB for reports, 64 KiB for the rest; a larger one
 * is answered 413 without reading it when its length is declared), hand
 * the request to the API and send the answer. TLS when asked.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "server.h"
#include "static.h"

struct conn {
	char *buf;
	size_t len, cap, limit;
	int too_big;
};

struct pctx {
	struct vzs_req *rq;
	int too_many;
};

static enum MHD_Result param_it(void *cls, enum MHD_ValueKind kind,
                                const char *key, const char *value)
{
	struct pctx *p = cls;

	(void)kind;
	if (p->rq->nparams == VZS_MAX_PARAMS) {
		p->too_many = 1;
		return MHD_NO;
	}
	p->rq->pkey[p->rq->nparams] = key;
	p->rq->pval[p->rq->nparams] = value;
	p->rq->nparams++;
	return MHD_YES;
}

static enum MHD_Result send_resp(struct MHD_Connection *c, struct vzs_resp *rs)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (rs->body == NULL) {
		rs->body = strdup("{\"error\":\"out of memory\"}");
		rs->len = rs->body ? strlen(rs->body) : 0;
		rs->status = 500;
		rs->ctype = "application/json";
	}
	if (rs->status == 204) {
		free(rs->body);
		rs->body = NULL;
		rs->len = 0;
	}
	r = MHD_create_response_from_buffer(rs->len, rs->body ? rs->body : "",
	                                    rs->body ? MHD_RESPMEM_MUST_FREE
	                                             : MHD_RESPMEM_PERSISTENT);
	if (r == NULL) {
		free(rs->body);
		return MHD_NO;
	}
	rs->body = NULL;
	if (rs->ctype != NULL)
		MHD_add_response_header(r, "Content-Type", rs->ctype);
	if (rs->attachment)
		MHD_add_response_header(
		    r, "Content-Disposition",
		    "attachment; filename=\"voorzorg.csv\"");
	if (rs->status == 503)
		MHD_add_response_header(r, "Retry-After", "60");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Content-Security-Policy", VZS_CSP);
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	ret = MHD_queue_response(c, (unsigned)rs->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result fixed(struct MHD_Connection *c, int status,
                             const char *msg)
{
	struct vzs_resp rs = {0, NULL, 0, NULL, 0};

	vzs_error(&rs, status, "%s", msg);
	return send_resp(c, &rs);
}

/* The dashboard (static.c): GET or HEAD of an embedded file, else 404. */
static enum MHD_Result send_static(struct MHD_Connection *c,
                                   const char *url, const char *method)
{
	const struct vzs_static_file *f = vzs_static_find(url);
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (f == NULL)
		return fixed(c, 404, "no such path (the API is under /api/v1/)");
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return fixed(c, 405, "use GET");
	r = MHD_create_response_from_buffer(f->len, (void *)(uintptr_t)f->data,
	                                    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", f->ctype);
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Content-Security-Policy", VZS_CSP);
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

size_t vzs_body_limit(const char *method, const char *url)
{
	/* A report may carry many findings with evidence, an inventory
	 * every record of a host; the rest of the API takes small
	 * objects. */
	if (strcmp(method, "POST") == 0 &&
	    (strcmp(url, "/api/v1/reports") == 0 ||
	     strcmp(url, "/api/v1/inventories") == 0))
		return VZS_REPORT_MAX;
	return VZS_BODY_MAX;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **state)
{
	struct vzs_server *s = cls;
	struct conn *cs = *state;
	struct vzs_req rq;
	struct vzs_resp rs = {500, NULL, 0, NULL, 0};
	struct pctx pc;
	const char *cl;

	(void)version;
	if (cs == NULL) {
		cs = calloc(1, sizeof(*cs));
		if (cs == NULL)
			return MHD_NO;
		*state = cs;
		cs->limit = vzs_body_limit(method, url);
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		                                 "Content-Length");
		if (cl != NULL && strtoull(cl, NULL, 10) > cs->limit) {
			cs->too_big = 1;
			/* Answer before reading: the body is never read. */
			return fixed(c, 413,
			             cs->limit == VZS_REPORT_MAX
			                 ? "body over the limit of 8 MiB"
			                 : "body over the limit of 64 KiB");
		}
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (!cs->too_big && cs->len + *upload_size <= cs->limit) {
			if (cs->len + *upload_size + 1 > cs->cap) {
				size_t nc = cs->cap ? cs->cap : 16384;
				char *p;

				while (nc < cs->len + *upload_size + 1)
					nc *= 2;
				p = realloc(cs->buf, nc);
				if (p == NULL)
					return MHD_NO;
				cs->buf = p;
				cs->cap = nc;
			}
			memcpy(cs->buf + cs->len, upload, *upload_size);
			cs->len += *upload_size;
			/* Kept NUL-terminated (struct vzs_req.body). */
			cs->buf[cs->len] = '\0';
		} else {
			/* Chunked and too large: read on, keep nothing. */
			cs->too_big = 1;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (cs->too_big)
		return fixed(c, 413, "body over the limit");
	if (strncmp(url, "/api/", 5) != 0)
		return send_static(c, url, method);
	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.path = url;
	rq.auth =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	rq.ctype =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	rq.body = cs->buf;
	rq.len = cs->len;
	pc.rq = &rq;
	pc.too_many = 0;
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, param_it, &pc);
	if (pc.too_many)
		return fixed(c, 400, "too many query parameters");
	vzs_api_handle(s, &rq, &rs);
	if (rs.status >= 500)
		fprintf(stderr, "voorzorg serve: %s %s: %d%s%s\n", method, url,
		        rs.status, s->db->err[0] ? ": " : "", s->db->err);
	else if (s->verbosity > 0)
		fprintf(stderr, "voorzorg serve: %s %s: %d\n", method, url,
		        rs.status);
	return send_resp(c, &rs);
}

static void on_done(void *cls, struct MHD_Connection *c, void **state,
                    enum MHD_RequestTerminationCode code)
{
	struct conn *cs = *state;

	(void)cls;
	(void)c;
	(void)code;
	if (cs != NULL) {
		free(cs->buf);
		free(cs);
		*state = NULL;
	}
}

static int parse_listen(const char *spec, struct sockaddr_storage *ss, int *v6)
{
	char host[128];
	const char *colon = strrchr(spec, ':');
	char *end;
	unsigned long port;
	size_t hl;

	if (colon == NULL)
		return -1;
	port = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || colon[1] == '\0' || port > 65535)
		return -1;
	hl = (size_t)(colon - spec);
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		host[hl - 1] = '\0';
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		*v6 = 1;
		return inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1 ? 0
		                                                         : -1;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		*v6 = 0;
		return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? 0 : -1;
	}
}

int vzs_http_run(struct vzs_server *s, const struct vzs_http_opts *o)
{
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
	const char *cert = o->cert_pem, *key = o->key_pem;
	char msg[600];
	const union MHD_DaemonInfo *info;
	sigset_t set;
	int v6 = 0, sig, rc = 0;

	if (parse_listen(o->listen, &ss, &v6) != 0) {
		fprintf(stderr,
		        "voorzorg serve: --listen: '%s' is not ADDR:PORT "
		        "(e.g. 127.0.0.1:8443 or [::1]:8443)\n",
		        o->listen);
		return 2;
	}
	if (v6)
		flags |= MHD_USE_IPv6;
	if (cert != NULL)
		flags |= MHD_USE_TLS;
	/* Signals are taken by this thread alone: block them before the
	 * daemon's threads start, so that they inherit the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (cert != NULL)
		d = MHD_start_daemon(
		    flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
		    (struct sockaddr *)&ss, MHD_OPTION_NOTIFY_COMPLETED,
		    on_done, NULL, MHD_OPTION_THREAD_POOL_SIZE, o->threads,
		    MHD_OPTION_CONNECTION_TIMEOUT, 60u,
		    MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY,
		    key, MHD_OPTION_END);
	else
		d = MHD_start_daemon(
		    flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
		    (struct sockaddr *)&ss, MHD_OPTION_NOTIFY_COMPLETED,
		    on_done, NULL, MHD_OPTION_THREAD_POOL_SIZE, o->threads,
		    MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "voorzorg serve: cannot listen on %s%s: %s\n",
		        o->listen,
		        cert ? " (or libmicrohttpd refused the certificate)"
		             : "",
		        strerror(errno));
		return 3;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (s->verbosity >= 0)
		fprintf(stderr,
		        "voorzorg serve: listening on %.*s:%u (%s, %s)\n",
		        (int)(strrchr(o->listen, ':') - o->listen), o->listen,
		        info ? (unsigned)info->port : 0u, s->db->ops->name,
		        cert ? "https" : "http");
	fflush(stderr);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			if (vzs_catalog_reload(s, msg, sizeof(msg)) != 0)
				fprintf(
				    stderr,
				    "voorzorg serve: catalogue refused, the "
				    "one in use stays: %s\n",
				    msg);
			else if (s->verbosity >= 0)
				fprintf(stderr,
				        "voorzorg serve: catalogue reloaded\n");
			continue;
		}
		break;
	}
	if (s->verbosity >= 0)
		fprintf(stderr, "voorzorg serve: stopping\n");
	MHD_stop_daemon(d);
	return rc;
}
