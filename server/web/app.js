/*
 * server/web/app.js - the dashboard's views, drawn from the JSON API:
 * measures (counts and burn-down per measure for an organisation or a
 * sector), organisations (compliance per organisation and measure),
 * hosts, one host (ledger, findings with evidence, history, exemptions)
 * and exemptions (list, create, expire).
 *
 * Host names, evidence, reasons and every other value from the server
 * come from scanned, possibly hostile machines: they are set with
 * textContent (el(), raw()) and never parsed as HTML. Every label goes
 * through t() and carries its key in data-i18n, so that a language switch
 * redraws it and the browser tests can check that nothing is left out.
 */
"use strict";

const VZ_STATES = ["compliant", "pending", "overdue", "exempted", "stale"];
const vz = { today: null, catalog: null };

/* ---- DOM helpers: text only ------------------------------------------ */

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of kids) {
    if (c === null || c === undefined) continue;
    e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return e;
}

/* A translated text: the key stays on the element for redraws and tests. */
function tx(tag, key, args, attrs) {
  const e = el(tag, attrs);
  e.textContent = t(key, args);
  e.setAttribute("data-i18n", key);
  if (args) e.setAttribute("data-i18n-args", JSON.stringify(args));
  return e;
}

/* A value from the server, as text. */
function raw(tag, text, attrs) {
  const e = el(tag, attrs);
  e.setAttribute("data-raw", "");
  e.textContent = text === null || text === undefined ? "–" : String(text);
  return e;
}

/* A catalogue term (state, sector, action, verb) or the raw id. */
function term(kind, id, tag) {
  const key = kind + "." + id;
  if (t.has(key)) return tx(tag || "span", key);
  return raw(tag || "span", id);
}

function stateBadge(state) {
  const b = term("state", state);
  b.classList.add("badge", "s-" + (VZ_STATES.includes(state) ? state : "x"));
  return b;
}

function fmtTime(s) {
  return s ? s.replace("T", " ").replace(/:\d\dZ$/, " UTC") : null;
}

/* Said by screen readers (role=status); redrawn on a language switch. */
function announce(key, args) {
  const s = document.getElementById("status");
  s.textContent = t(key, args);
  s.setAttribute("data-i18n", key);
  s.setAttribute("data-i18n-args", JSON.stringify(args || null));
}

function hashParams() {
  const h = location.hash.replace(/^#/, "");
  const i = h.indexOf("?");
  return {
    path: (i < 0 ? h : h.slice(0, i)) || "/measures",
    q: new URLSearchParams(i < 0 ? "" : h.slice(i + 1)),
  };
}

function go(path, q) {
  const s = q ? new URLSearchParams(q).toString() : "";
  location.hash = "#" + path + (s ? "?" + s : "");
}

/* ---- tables that sort and filter ------------------------------------- */

/*
 * cols: [{key: i18n key, get(row) -> sortable value, cell(row) -> node,
 * num: bool}]; filter(row) -> bool, applied on every redraw.
 */
function sortTable(caption, cols, rows, opts) {
  const o = opts || {};
  const table = el("table", { class: "data" });
  table.appendChild(tx("caption", caption, o.captionArgs));
  const thead = el("thead");
  const tr = el("tr");
  const tbody = el("tbody");
  let by = o.sortBy || 0, dir = 1;
  const draw = () => {
    const f = o.filter ? rows.filter(o.filter) : rows.slice();
    const g = cols[by].get;
    f.sort((a, b) => {
      const x = g(a), y = g(b);
      if (x === y) return 0;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * dir;
    });
    tbody.replaceChildren();
    for (const r of f) {
      const row = el("tr");
      cols.forEach((c) => {
        /* data-label: the column's name beside each value on a phone. */
        const td = el("td", { class: c.num ? "num" : null,
                              "data-label": t(c.key) }, c.cell(r));
        row.appendChild(td);
      });
      tbody.appendChild(row);
    }
    if (!f.length) {
      const td = tx("td", "table.empty", null, { colspan: cols.length });
      tbody.appendChild(el("tr", null, td));
    }
    cols.forEach((c, i) => {
      const th = tr.children[i];
      th.setAttribute("aria-sort", i === by
        ? (dir > 0 ? "ascending" : "descending") : "none");
    });
    table.setAttribute("data-rows", String(f.length));
  };
  cols.forEach((c, i) => {
    const btn = tx("button", c.key, null, { type: "button", class: "sort" });
    btn.addEventListener("click", () => {
      if (by === i) dir = -dir;
      else { by = i; dir = 1; }
      draw();
    });
    tr.appendChild(el("th", { scope: "col",
                              class: c.num ? "num" : null }, btn));
  });
  thead.appendChild(tr);
  table.append(thead, tbody);
  draw();
  return { node: el("div", { class: "scroll" }, table), redraw: draw };
}

function labelled(key, control) {
  const id = control.id || ("f-" + key.replace(/\W/g, "-"));
  control.id = id;
  return el("div", { class: "field" },
            tx("label", key, null, { for: id }), control);
}

function select(options, value, attrs) {
  const s = el("select", attrs);
  for (const o of options) {
    const opt = o.key ? tx("option", o.key, null, { value: o.value })
                      : raw("option", o.label, { value: o.value });
    if (String(o.value) === String(value)) opt.selected = true;
    s.appendChild(opt);
  }
  return s;
}

function heading(key, args) {
  const h = tx("h1", key, args);
  return h;
}

/* ---- sign in ---------------------------------------------------------- */

function viewSignin(main, failed) {
  const input = el("input", { type: "password", id: "token", required: true,
                              autocomplete: "off", spellcheck: "false" });
  const form = el("form", { class: "card signin" },
    heading("auth.title"),
    tx("p", "auth.explain"),
    labelled("auth.token", input),
    tx("button", "auth.signin", null, { type: "submit", class: "primary" }));
  if (failed) form.appendChild(tx("p", "auth.failed", null,
                                  { class: "error", role: "alert" }));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    vzApi.setToken(input.value.trim());
    route();
  });
  main.replaceChildren(form);
  input.focus();
}

/* ---- scope: an organisation or a sector ------------------------------ */

async function orgsAndSectors() {
  const orgs = (await vzApi.all("/organisations")).items;
  const sectors = [...new Set(orgs.map((o) => o.sector))].sort();
  return { orgs, sectors };
}

function scopePicker(orgs, sectors, value, onchange) {
  const s = el("select", { id: "scope" });
  const go1 = el("optgroup");
  go1.setAttribute("label", t("scope.organisations"));
  go1.setAttribute("data-i18n-label", "scope.organisations");
  for (const o of orgs)
    go1.appendChild(raw("option", o.name + " (" + o.id + ")",
                        { value: "org:" + o.id }));
  const go2 = el("optgroup");
  go2.setAttribute("label", t("scope.sectors"));
  go2.setAttribute("data-i18n-label", "scope.sectors");
  for (const sc of sectors) {
    const opt = term("sector", sc, "option");
    opt.value = "sector:" + sc;
    go2.appendChild(opt);
  }
  s.append(go1, go2);
  s.value = value;
  s.addEventListener("change", () => onchange(s.value));
  return labelled("scope.label", s);
}

/* ---- measures: counts and burn-down ---------------------------------- */

function addDays(day, n) {
  const d = new Date(Date.parse(day + "T00:00:00Z") + n * 86400000);
  return d.toISOString().slice(0, 10);
}

/* The measure's applicable sector entry (organisation: the answer has
 * it flat; sector: pick it from `sectors`). */
function measureFor(m, sector) {
  if (m.action !== undefined) return m;
  const s = (m.sectors || []).find((x) => x.sector === sector);
  return s ? Object.assign({}, m, s) : null;
}

function countsList(c, id) {
  const dl = el("dl", { class: "counts", id });
  for (const k of ["hosts", "with_product"].concat(VZ_STATES)) {
    const box = el("div", { class: "count c-" + k });
    box.append(tx("dt", "count." + k),
               raw("dd", c[k], { "data-count": k }));
    dl.appendChild(box);
  }
  return dl;
}

function sentence(m, c) {
  const rm = (m.deadlines || []).find((d) => VZ_REMOVAL.includes(d.verb));
  const args = { with: c.with_product, hosts: c.hosts,
                 overdue: c.overdue, exempted: c.exempted };
  const out = [tx("p", "measure.sentence", args)];
  if (!rm) out.push(tx("p", "measure.nodeadline"));
  else {
    const left = Math.round((Date.parse(rm.date) -
                             Date.parse(vz.today)) / 86400000);
    if (left >= 0)
      out.push(tx("p", "measure.daysleft", { days: left, date: rm.date }));
    else
      out.push(tx("p", "measure.dayspast", { days: -left, date: rm.date }));
  }
  return out;
}

async function viewMeasures(main, q) {
  const { orgs, sectors } = await orgsAndSectors();
  main.replaceChildren(heading("measures.title"));
  if (!orgs.length) {
    main.appendChild(tx("p", "orgs.none"));
    return;
  }
  const scope = q.get("scope") || "org:" + orgs[0].id;
  const [kind, id] = [scope.slice(0, scope.indexOf(":")),
                      scope.slice(scope.indexOf(":") + 1)];
  main.appendChild(scopePicker(orgs, sectors, scope,
                               (v) => go("/measures", { scope: v })));
  const sel = kind === "org" ? { organisation: id } : { sector: id };
  const sector = kind === "org"
    ? (orgs.find((o) => o.id === id) || {}).sector : id;
  const [ms, comp] = await Promise.all([
    vzApi.get("/measures", kind === "org" ? { organisation: id } : {}),
    vzApi.get("/compliance", sel),
  ]);
  const per = {};
  for (const it of comp.items) {
    const p = per[it.measure] || (per[it.measure] = { hosts: 0,
      with_product: 0, compliant: 0, pending: 0, overdue: 0, exempted: 0,
      stale: 0 });
    for (const k of Object.keys(p)) p[k] += it[k] || 0;
  }
  let n = 0;
  for (const m0 of ms.items) {
    const m = measureFor(m0, sector);
    if (!m || m.action === "none") continue;
    const c = per[m.id] || { hosts: 0, with_product: 0, compliant: 0,
      pending: 0, overdue: 0, exempted: 0, stale: 0 };
    const sec = el("section", { class: "card measure",
                                "data-measure": m.id,
                                "aria-labelledby": "m-" + n });
    sec.appendChild(raw("h2", m.title || m.id, { id: "m-" + n }));
    const meta = el("p", { class: "meta" });
    meta.append(raw("span", m.reference), " · ",
                term("action", m.action), " · ", term("sector", sector));
    sec.appendChild(meta);
    const dls = el("ul", { class: "deadlines" });
    for (const d of m.deadlines || []) {
      const li = el("li");
      li.append(term("verb", d.verb), " ", raw("span", d.date));
      if (d.source === "overlay") li.append(" ", tx("span", "deadline.overlay"));
      dls.appendChild(li);
    }
    sec.appendChild(dls);
    sec.appendChild(countsList(c, "counts-" + n));
    for (const p of sentence(m, c)) sec.appendChild(p);
    const rm = (m.deadlines || []).find((d) => VZ_REMOVAL.includes(d.verb));
    let to = vz.today;
    if (rm && rm.date > vz.today && rm.date <= addDays(vz.today, 365))
      to = addDays(rm.date, 7);
    const from = addDays(vz.today, -60);
    const fig = el("figure", { class: "chart-wrap" });
    sec.appendChild(fig);
    const legend = el("ul", { class: "legend" },
      el("li", { class: "l-with" }, tx("span", "chart.with")),
      el("li", { class: "l-overdue" }, tx("span", "chart.overdue")),
      el("li", { class: "l-ideal" }, tx("span", "chart.ideal")));
    const idn = n;
    vzApi.get("/compliance/series", Object.assign({ measure: m.id, from, to },
                                                  sel))
      .then((s) => {
        fig.append(vzBurndown(s, vz.today, t, "chart-" + idn),
                   el("figcaption", null, legend));
      })
      .catch((e) => fig.appendChild(raw("p", e.message, { class: "error" })));
    const links = el("p");
    links.appendChild(el("a", { href: "#/hosts?" + new URLSearchParams(
      Object.assign({ measure: m.id }, sel)).toString() },
      tx("span", "measure.hostslink")));
    sec.appendChild(links);
    main.appendChild(sec);
    n++;
  }
  if (!n) main.appendChild(tx("p", "measures.none"));
}

/* ---- organisations ---------------------------------------------------- */

async function viewOrgs(main, q) {
  const [{ orgs, sectors }, comp] = await Promise.all([
    orgsAndSectors(), vzApi.get("/compliance")]);
  const names = Object.fromEntries(orgs.map((o) => [o.id, o.name]));
  main.replaceChildren(heading("orgs.title"));
  const text = el("input", { type: "search", id: "org-filter",
                             value: q.get("q") || "" });
  const sectorSel = select([{ key: "filter.allsectors", value: "" }]
    .concat(sectors.map((s) => ({ key: t.has("sector." + s)
      ? "sector." + s : null, label: s, value: s }))),
    q.get("sector") || "", { id: "org-sector" });
  const only = el("input", { type: "checkbox", id: "org-overdue" });
  const bar = el("div", { class: "filters" },
    labelled("filter.text", text), labelled("filter.sector", sectorSel),
    el("div", { class: "field check" }, only,
       tx("label", "filter.onlyoverdue", null, { for: "org-overdue" })));
  main.appendChild(bar);
  const filter = (r) => {
    const s = text.value.trim().toLowerCase();
    if (sectorSel.value && r.sector !== sectorSel.value) return false;
    if (only.checked && !r.overdue) return false;
    return !s || (r.organisation + " " + (names[r.organisation] || "") +
                  " " + r.measure).toLowerCase().includes(s);
  };
  const num = (k) => ({ key: "count." + k, num: true, get: (r) => r[k],
                        cell: (r) => raw("span", r[k], { "data-count": k }) });
  const tbl = sortTable("orgs.caption", [
    { key: "col.organisation", get: (r) => names[r.organisation] || "",
      cell: (r) => el("a", { href: "#/hosts?organisation=" +
                             encodeURIComponent(r.organisation) },
                      raw("span", names[r.organisation] || r.organisation)) },
    { key: "col.sector", get: (r) => r.sector,
      cell: (r) => term("sector", r.sector) },
    { key: "col.measure", get: (r) => r.measure,
      cell: (r) => raw("span", r.measure) },
    num("hosts"), num("compliant"), num("pending"), num("overdue"),
    num("exempted"), num("stale"),
    { key: "col.deadline", get: (r) => r.deadline,
      cell: (r) => raw("span", r.deadline) },
  ], comp.items, { filter });
  for (const c of [text, sectorSel, only])
    c.addEventListener("input", tbl.redraw);
  main.appendChild(tbl.node);
}

/* ---- hosts ------------------------------------------------------------ */

async function viewHosts(main, q) {
  const { orgs } = await orgsAndSectors();
  const org = q.get("organisation") || "";
  const sector = q.get("sector") || "";
  const measure = q.get("measure") || "";
  const hosts = (await vzApi.all("/hosts", { organisation: org || undefined,
    sector: sector || undefined }, true)).items;
  main.replaceChildren(heading("hosts.title"));
  const orgSel = select([{ key: "filter.allorgs", value: "" }].concat(
    orgs.map((o) => ({ label: o.name, value: o.id }))), org,
    { id: "host-org" });
  orgSel.addEventListener("change", () => go("/hosts",
    orgSel.value ? { organisation: orgSel.value } : null));
  const text = el("input", { type: "search", id: "host-filter" });
  const stateSel = select([{ key: "filter.allstates", value: "" }].concat(
    VZ_STATES.map((s) => ({ key: "state." + s, value: s }))),
    q.get("state") || "", { id: "host-state" });
  main.appendChild(el("div", { class: "filters" },
    labelled("filter.organisation", orgSel), labelled("filter.text", text),
    labelled("filter.state", stateSel)));
  if (measure)
    main.appendChild(tx("p", "hosts.formeasure", { measure }));
  const states = (h) => Object.entries(h.states || {})
    .filter(([m]) => !measure || m === measure);
  const filter = (h) => {
    const s = text.value.trim().toLowerCase();
    if (stateSel.value && !states(h).some(([, v]) => v === stateSel.value))
      return false;
    return !s || ((h.hostname || "") + " " + (h.fqdn || "") + " " +
                  (h.group || "")).toLowerCase().includes(s);
  };
  const tbl = sortTable("hosts.caption", [
    { key: "col.host", get: (h) => h.hostname,
      cell: (h) => el("a", { href: "#/host/" + h.host_id },
                      raw("span", h.hostname)) },
    { key: "col.organisation", get: (h) => h.organisation,
      cell: (h) => raw("span", h.organisation) },
    { key: "col.group", get: (h) => h.group,
      cell: (h) => raw("span", h.group) },
    { key: "col.lastreport",
      get: (h) => h.last_report ? h.last_report.scanned_at : null,
      cell: (h) => raw("span", fmtTime(h.last_report &&
                                       h.last_report.scanned_at)) },
    { key: "col.states", get: (h) => states(h).map(([, v]) => v).join(),
      cell: (h) => {
        const ul = el("ul", { class: "states" });
        for (const [m, v] of states(h))
          ul.appendChild(el("li", null, raw("span", m), " ", stateBadge(v)));
        return ul;
      } },
  ], hosts, { filter });
  text.addEventListener("input", tbl.redraw);
  stateSel.addEventListener("input", tbl.redraw);
  main.appendChild(tbl.node);
}

/* ---- one host ---------------------------------------------------------- */

function covers(ex, h) {
  const s = ex.scope || {};
  if (ex.organisation !== h.organisation) return false;
  return s.kind === "organisation" ||
         (s.kind === "host" && String(s.value) === String(h.host_id)) ||
         (s.kind === "group" && h.group !== null && s.value === h.group);
}

async function viewHost(main, id) {
  const h = await vzApi.get("/hosts/" + encodeURIComponent(id));
  const [fnd, reps, exs] = await Promise.all([
    vzApi.all("/findings", { host: h.host_id }, true),
    vzApi.all("/reports", { host: h.host_id }, true),
    vzApi.all("/exemptions", { organisation: h.organisation }),
  ]);
  main.replaceChildren(el("p", { class: "crumbs" },
    el("a", { href: "#/hosts?organisation=" +
              encodeURIComponent(h.organisation) },
       tx("span", "host.back"))));
  const h1 = tx("h1", "host.title", { host: h.hostname });
  main.appendChild(h1);
  const info = el("dl", { class: "info" });
  const row = (k, v) => info.append(tx("dt", k), raw("dd", v));
  row("col.hostname", h.hostname);
  row("col.fqdn", h.fqdn);
  row("col.organisation", h.organisation);
  row("col.group", h.group);
  row("col.os", h.os);
  row("col.machineid", h.machine_id);
  row("col.enrolled", fmtTime(h.enrolled_at));
  row("col.lastreport", fmtTime(h.last_report && h.last_report.scanned_at));
  info.append(tx("dt", "col.stale"),
              el("dd", null, tx("span", h.stale ? "yes" : "no")));
  main.appendChild(el("section", { class: "card" }, info));

  const led = el("section", { class: "card" }, tx("h2", "host.ledger"));
  led.appendChild(sortTable("host.ledgercaption", [
    { key: "col.measure", get: (r) => r.measure,
      cell: (r) => raw("span", r.measure) },
    { key: "col.state", get: (r) => r.state,
      cell: (r) => stateBadge(r.state) },
    { key: "col.products", get: (r) => (r.products || []).join(),
      cell: (r) => raw("span", (r.products || []).join(", ")) },
    { key: "col.deadline", get: (r) => r.deadline,
      cell: (r) => raw("span", r.deadline) },
    { key: "col.daysleft", num: true, get: (r) => r.days_left,
      cell: (r) => raw("span", r.days_left) },
    { key: "col.coverage", get: (r) => r.coverage,
      cell: (r) => term("coverage", r.coverage) },
  ], h.ledger || []).node);
  main.appendChild(led);

  const fs = el("section", { class: "card" }, tx("h2", "host.findings"));
  if (!fnd.items.length) fs.appendChild(tx("p", "host.nofindings"));
  for (const f of fnd.items) {
    const art = el("article", { class: "finding" });
    art.append(raw("h3", f.product || f.product_id),
               el("p", null, tx("span", "col.state"), ": ",
                  term("pstate", f.state), " · ",
                  raw("span", (f.measures || []).join(", "))));
    const ev = sortTable("host.evidence", [
      { key: "col.kind", get: (e) => e.kind,
        cell: (e) => raw("span", e.kind) },
      { key: "col.source", get: (e) => e.source,
        cell: (e) => raw("code", e.source) },
      { key: "col.item", get: (e) => e.item,
        cell: (e) => raw("code", e.item) },
      { key: "col.detail", get: (e) => e.detail,
        cell: (e) => raw("span", e.detail) },
    ], f.evidence || []);
    art.appendChild(ev.node);
    if (f.evidence_omitted)
      art.appendChild(tx("p", "host.omitted", { n: f.evidence_omitted }));
    fs.appendChild(art);
  }
  main.appendChild(fs);

  const hs = el("section", { class: "card" }, tx("h2", "host.history"));
  hs.appendChild(sortTable("host.historycaption", [
    { key: "col.scanned", get: (r) => r.scanned_at,
      cell: (r) => raw("span", fmtTime(r.scanned_at)) },
    { key: "col.received", get: (r) => r.received_at,
      cell: (r) => raw("span", fmtTime(r.received_at)) },
    { key: "col.coverage", get: (r) => r.coverage,
      cell: (r) => term("coverage", r.coverage) },
    { key: "col.findings", num: true, get: (r) => r.findings,
      cell: (r) => raw("span", r.findings) },
    { key: "col.catalog", get: (r) => r.catalog && r.catalog.version,
      cell: (r) => raw("span", r.catalog ? r.catalog.id + " v" +
                                           r.catalog.version : null) },
  ], reps.items, { sortBy: 0 }).node);
  main.appendChild(hs);

  const es = el("section", { class: "card" }, tx("h2", "host.exemptions"));
  es.appendChild(exemptionTable(exs.items.filter((e) => covers(e, h)),
                                false));
  es.appendChild(el("p", null, el("a", { href: "#/exemptions?" +
    new URLSearchParams({ organisation: h.organisation,
                          host: h.host_id }).toString() },
    tx("span", "host.exempt"))));
  main.appendChild(es);
}

/* ---- exemptions --------------------------------------------------------- */

function exemptionTable(items, actions, onexpire) {
  return sortTable("ex.caption", [
    { key: "col.id", num: true, get: (e) => e.id,
      cell: (e) => raw("span", e.id) },
    { key: "col.organisation", get: (e) => e.organisation,
      cell: (e) => raw("span", e.organisation) },
    { key: "col.measure", get: (e) => e.measure,
      cell: (e) => e.measure ? raw("span", e.measure)
                             : tx("span", "ex.allmeasures") },
    { key: "col.scope", get: (e) => e.scope.kind + e.scope.value,
      cell: (e) => el("span", null, term("scope", e.scope.kind), ": ",
                      raw("span", e.scope.value)) },
    { key: "col.reason", get: (e) => e.reason,
      cell: (e) => raw("span", e.reason) },
    { key: "col.approver", get: (e) => e.approver,
      cell: (e) => raw("span", e.approver) },
    { key: "col.expires", get: (e) => e.expires,
      cell: (e) => raw("span", fmtTime(e.expires)) },
    { key: "col.status", get: (e) => e.active,
      cell: (e) => {
        const box = el("div", { class: "exstatus" },
          tx("span", e.active ? "ex.active"
                              : (e.expired_at ? "ex.expired" : "ex.ended")));
        if (actions && e.active) {
          const why = el("input", { type: "text", class: "why",
                                    id: "why-" + e.id });
          const lbl = tx("label", "ex.expirereason", null,
                         { for: "why-" + e.id, class: "vh" });
          why.setAttribute("placeholder", t("ex.expirereason"));
          why.setAttribute("data-i18n-placeholder", "ex.expirereason");
          const b = tx("button", "ex.expire", null,
                       { type: "button", "data-expire": e.id });
          b.addEventListener("click", () => onexpire(e, why.value.trim()));
          box.append(lbl, why, b);
        }
        return box;
      } },
  ], items, { sortBy: 0 }).node;
}

async function viewExemptions(main, q) {
  const [{ orgs }, exs, ms] = await Promise.all([
    orgsAndSectors(), vzApi.all("/exemptions"), vzApi.get("/measures")]);
  main.replaceChildren(heading("ex.title"));
  const msg = el("p", { role: "alert", class: "msg", id: "ex-msg" });
  const reload = () => viewExemptions(main, q).catch(showError);
  const onexpire = async (e, why) => {
    try {
      await vzApi.post("/exemptions/" + e.id + "/expire",
                       why ? { reason: why } : {});
      await reload();
      announce("ex.expiredmsg", { id: e.id });
    } catch (err) {
      msg.replaceChildren(raw("span", err.message));
    }
  };
  /* The form: organisation, measure (or all), scope, reason, approver,
   * expiry. */
  const orgSel = select(orgs.map((o) => ({ label: o.name + " (" + o.id + ")",
                                           value: o.id })),
                        q.get("organisation") || "", { id: "ex-org",
                                                       required: true });
  const mSel = select([{ key: "ex.allmeasures", value: "" }].concat(
    ms.items.map((m) => ({ label: m.id, value: m.id }))), "",
    { id: "ex-measure" });
  const kind = select(["host", "group", "organisation"].map((k) =>
    ({ key: "scope." + k, value: k })), "host", { id: "ex-kind" });
  const value = el("input", { type: "text", id: "ex-value", required: true,
                              value: q.get("host") || "" });
  const reason = el("textarea", { id: "ex-reason", required: true,
                                  maxlength: 1000, rows: 3 });
  const approver = el("input", { type: "text", id: "ex-approver",
                                 required: true, maxlength: 1000 });
  const expires = el("input", { type: "date", id: "ex-expires",
                                required: true, min: addDays(vz.today, 1) });
  const form = el("form", { class: "card exform", id: "ex-form" },
    tx("h2", "ex.new"),
    labelled("col.organisation", orgSel), labelled("col.measure", mSel),
    labelled("ex.scopekind", kind), labelled("ex.scopevalue", value),
    tx("p", "ex.scopehelp", null, { class: "help", id: "ex-scopehelp" }),
    labelled("col.reason", reason), labelled("col.approver", approver),
    labelled("col.expires", expires),
    tx("button", "ex.create", null, { type: "submit", class: "primary" }),
    msg);
  value.setAttribute("aria-describedby", "ex-scopehelp");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = {
      organisation: orgSel.value,
      measure: mSel.value || null,
      scope: { kind: kind.value,
               value: kind.value === "organisation" ? orgSel.value
                                                     : value.value.trim() },
      reason: reason.value.trim(), approver: approver.value.trim(),
      expires: expires.value,
    };
    try {
      const r = await vzApi.post("/exemptions", body);
      await reload();
      announce("ex.createdmsg", { id: r.id });
      const m = document.getElementById("ex-msg");
      if (m) m.replaceChildren(tx("span", "ex.createdmsg", { id: r.id }));
    } catch (err) {
      msg.replaceChildren(raw("span", err.message));
    }
  });
  kind.addEventListener("change", () => {
    value.disabled = kind.value === "organisation";
    value.required = !value.disabled;
  });
  main.appendChild(form);
  main.appendChild(el("section", { class: "card" }, tx("h2", "ex.list"),
                      exemptionTable(exs.items, true, onexpire)));
}

/* ---- the router --------------------------------------------------------- */

function showError(e) {
  const main = document.getElementById("main");
  if (e && e.status === 401) {
    vzApi.setToken(null);
    viewSignin(main, true);
    return;
  }
  main.replaceChildren(tx("h1", "error.title"),
                       raw("p", e && e.message, { class: "error" }));
}

async function route() {
  const main = document.getElementById("main");
  const { path, q } = hashParams();
  document.getElementById("signout").hidden = !vzApi.token();
  for (const a of document.querySelectorAll("#nav a"))
    if (a.getAttribute("href") === "#" + path.replace(/^(\/host)\/.*/,
                                                       "/hosts"))
      a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  if (!vzApi.token()) {
    viewSignin(main, false);
    return;
  }
  try {
    if (!vz.today) {
      const [h, c] = await Promise.all([vzApi.get("/health"),
                                        vzApi.get("/catalog")]);
      vz.today = h.now.slice(0, 10);
      vz.catalog = c;
      const f = document.getElementById("catalog");
      f.textContent = c.id + " v" + c.version + " (" + c.signature + ")";
    }
    main.setAttribute("aria-busy", "true");
    if (path === "/measures") await viewMeasures(main, q);
    else if (path === "/organisations") await viewOrgs(main, q);
    else if (path === "/hosts") await viewHosts(main, q);
    else if (path.startsWith("/host/")) await viewHost(main, path.slice(6));
    else if (path === "/exemptions") await viewExemptions(main, q);
    else main.replaceChildren(tx("h1", "error.notfound"));
    document.title = t("app.title");
  } catch (e) {
    vz.today = null;
    showError(e);
  } finally {
    main.removeAttribute("aria-busy");
    main.setAttribute("data-ready", location.hash);
  }
}

function start() {
  const sel = document.getElementById("lang");
  sel.value = vzLang();
  sel.addEventListener("change", () => {
    vzSetLang(sel.value);
    vzApplyStatic();
    route();
  });
  document.getElementById("signout").addEventListener("click", () => {
    vzApi.setToken(null);
    vz.today = null;
    route();
  });
  /* The skip link moves the focus; a hash of its own would be a route. */
  document.querySelector(".skip").addEventListener("click", (ev) => {
    ev.preventDefault();
    document.getElementById("main").focus();
  });
  vzApplyStatic();
  window.addEventListener("hashchange", () => {
    route().then(() => document.getElementById("main").focus());
  });
  route();
}

document.addEventListener("DOMContentLoaded", start);
