/*
 * server/api.h - what the API's handler files share: request helpers
 * (parameters, tokens, bodies, paging) and the handlers the router calls.
 */
#ifndef VZS_API_H
#define VZS_API_H

#include "server.h"

/* The value of query parameter k, or NULL. */
const char *vzs_param(const struct vzs_req *rq, const char *k);
/* 0 if every query parameter is in `allowed` (NULL-terminated), else a
 * 400 is set in rs and -1 returned. */
int vzs_params_only(const struct vzs_req *rq, struct vzs_resp *rs,
                    const char *const *allowed);
/* 0 if the request carries the admin token, else 401 set and -1. */
int vzs_admin(struct vzs_server *s, const struct vzs_req *rq,
              struct vzs_resp *rs);
/* The bearer token, or NULL. */
const char *vzs_bearer(const struct vzs_req *rq);
/* The request's node key (a bearer token vzn_...), or NULL with 401 set:
 * what a host's writes (reports, inventories) carry. */
const char *vzs_node_key(const struct vzs_req *rq, struct vzs_resp *rs);
/* The JSON object in the body, checked for members in `allowed`;
 * NULL with rs set on any problem. */
json_t *vzs_body(const struct vzs_req *rq, struct vzs_resp *rs,
                 const char *const *allowed);
/* as_of (default: now); -1 with 400 set if malformed. */
int vzs_as_of(const struct vzs_req *rq, struct vzs_resp *rs, int64_t *t);
/* limit and after; -1 with 400 set if malformed. */
int vzs_paging(const struct vzs_req *rq, struct vzs_resp *rs, size_t *limit,
               size_t *offset);
/* {"items": items, "next": ...} for a page of `total` starting at off. */
json_t *vzs_page(json_t *items, size_t off, size_t limit, size_t total);
json_t *vzs_time_json(int64_t t);   /* null for 0 */
json_t *vzs_date_json(int64_t day); /* null for -1 */
/* The catalogue in use, held for reading until vzs_cat_release. */
struct vzs_catview *vzs_cat_acquire(struct vzs_server *s);
void vzs_cat_release(struct vzs_server *s);
/* The sector of an organisation (copied into out); 0, 404 or 503. */
int vzs_org_sector(struct vzs_server *s, const char *org, char *out,
                   size_t size, struct vzs_resp *rs);
/* Whether a string member is a clean text of 1..max characters. */
int vzs_text_ok(const char *s, size_t max);

/* A ledger row as the API shows it (docs/api.md, "The ledger"). */
json_t *vzs_row_json(const struct vzs_ledger_row *r, int64_t t);
/* Row callback: the first column into a char[24]. */
int vzs_copy24(void *ctx, int nc, const char *const *c);

/* Handlers. `id` is the path segment after the collection, or NULL. */
void vzs_h_orgs(struct vzs_server *s, const struct vzs_req *rq,
                struct vzs_resp *rs, const char *id, const char *sub,
                const char *subid);
void vzs_h_enroll(struct vzs_server *s, const struct vzs_req *rq,
                  struct vzs_resp *rs);
void vzs_h_host(struct vzs_server *s, const struct vzs_req *rq,
                struct vzs_resp *rs, const char *id, const char *sub);
void vzs_h_report_post(struct vzs_server *s, const struct vzs_req *rq,
                       struct vzs_resp *rs);
/*
 * Check and store a scan report for the host of node key `tok` (group
 * commit; docs/api.md, "Reports"), answering in rs. `body` is `len`
 * bytes with a NUL after them; it is stored as is. `what` names the
 * body in error messages ("report").
 */
void vzs_report_ingest(struct vzs_server *s, const char *tok,
                       const char *body, size_t len, const char *what,
                       struct vzs_resp *rs);
void vzs_h_inventory_post(struct vzs_server *s, const struct vzs_req *rq,
                          struct vzs_resp *rs);
void vzs_h_reports(struct vzs_server *s, const struct vzs_req *rq,
                   struct vzs_resp *rs, const char *id);
void vzs_h_hosts(struct vzs_server *s, const struct vzs_req *rq,
                 struct vzs_resp *rs, int csv);
void vzs_h_findings(struct vzs_server *s, const struct vzs_req *rq,
                    struct vzs_resp *rs);
void vzs_h_measures(struct vzs_server *s, const struct vzs_req *rq,
                    struct vzs_resp *rs, const char *id);
void vzs_h_ledger(struct vzs_server *s, const struct vzs_req *rq,
                  struct vzs_resp *rs, int csv);
void vzs_h_compliance(struct vzs_server *s, const struct vzs_req *rq,
                      struct vzs_resp *rs, int csv);
void vzs_h_series(struct vzs_server *s, const struct vzs_req *rq,
                  struct vzs_resp *rs);
void vzs_h_exemptions(struct vzs_server *s, const struct vzs_req *rq,
                      struct vzs_resp *rs, const char *id, const char *sub);
void vzs_h_overlay(struct vzs_server *s, const struct vzs_req *rq,
                   struct vzs_resp *rs, const char *org, const char *measure);

/* CSV: a growing buffer, RFC 4180 quoting, formula-safe fields. */
struct vzs_csv {
	char *buf;
	size_t len, cap;
	int oom, first;
};
void vzs_csv_field(struct vzs_csv *c, const char *s);
void vzs_csv_int(struct vzs_csv *c, long long v);
void vzs_csv_end(struct vzs_csv *c);
void vzs_csv_done(struct vzs_csv *c, struct vzs_resp *rs);

#endif /* VZS_API_H */
