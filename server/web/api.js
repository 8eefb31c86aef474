/*
 * server/web/api.js - the dashboard's access to the JSON API
 * (docs/api.md): the admin token from sessionStorage (never
 * localStorage, never a cookie: it ends with the tab), JSON in and out,
 * every page of a list, errors as exceptions carrying the server's text.
 */
"use strict";

const VZ_TOKEN_KEY = "voorzorg-admin-token";

const vzApi = {
  token() {
    return sessionStorage.getItem(VZ_TOKEN_KEY);
  },
  setToken(t) {
    if (t) sessionStorage.setItem(VZ_TOKEN_KEY, t);
    else sessionStorage.removeItem(VZ_TOKEN_KEY);
  },
  /* path relative to /api/v1; params an object (undefined/"" left out). */
  url(path, params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {}))
      if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
    const s = q.toString();
    return "/api/v1" + path + (s ? "?" + s : "");
  },
  async call(method, path, params, body) {
    const headers = { "Accept": "application/json" };
    const tok = this.token();
    if (tok) headers["Authorization"] = "Bearer " + tok;
    const init = { method, headers, credentials: "omit", cache: "no-store" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const r = await fetch(this.url(path, params), init);
    let data = null;
    try {
      data = await r.json();
    } catch (e) {
      data = null;
    }
    if (!r.ok) {
      const err = new Error(data && typeof data.error === "string"
        ? data.error : "HTTP " + r.status);
      err.status = r.status;
      throw err;
    }
    return data;
  },
  get(path, params) {
    return this.call("GET", path, params);
  },
  post(path, body) {
    return this.call("POST", path, undefined, body);
  },
  /* Every item of a list; paged lists (hosts, findings, ledger, reports)
   * are followed page by page, 1000 at a time. */
  async all(path, params, paged) {
    if (!paged) {
      const d = await this.get(path, params);
      return { items: d.items || [], as_of: d.as_of };
    }
    const items = [];
    let after;
    let extra = null;
    for (let i = 0; i < 1000; i++) {
      const p = Object.assign({}, params, { limit: 1000, after });
      const d = await this.get(path, p);
      if (extra === null) extra = d;
      for (const it of d.items || []) items.push(it);
      if (!d.next) break;
      after = d.next;
    }
    return { items, as_of: extra ? extra.as_of : undefined };
  },
};
