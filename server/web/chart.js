/*
 * server/web/chart.js - the burn-down chart of one measure, drawn as
 * inline SVG from /api/v1/compliance/series: the hosts that still have a
 * product of the measure per day, those past the deadline, the straight
 * line to zero at the removal deadline, and the deadlines and milestones
 * as vertical marks. Text is set with textContent only.
 */
"use strict";

const VZ_SVG = "http://www.w3.org/2000/svg";

function vzSvg(tag, attrs, text) {
  const e = document.createElementNS(VZ_SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/* Days since the epoch of a YYYY-MM-DD string. */
function vzDay(s) {
  return Math.round(Date.parse(s + "T00:00:00Z") / 86400000);
}

/*
 * series: the API's answer; today: YYYY-MM-DD (the server's clock);
 * t: the translation function; id: a unique prefix for ids.
 */
function vzBurndown(series, today, t, id) {
  const W = 640, H = 260, L = 44, R = 16, T = 16, B = 44;
  const days = series.days || [];
  const d0 = vzDay(series.from), d1 = vzDay(series.to);
  const span = Math.max(1, d1 - d0);
  let ymax = 1;
  for (const d of days) ymax = Math.max(ymax, d.with_product, d.overdue);
  ymax = Math.ceil(ymax * 1.1);
  const x = (day) => L + ((day - d0) / span) * (W - L - R);
  const y = (n) => T + (1 - n / ymax) * (H - T - B);

  const svg = vzSvg("svg", {
    viewBox: `0 0 ${W} ${H}`, role: "img", class: "chart",
    "aria-labelledby": id + "-t " + id + "-d",
  });
  const title = vzSvg("title", { id: id + "-t" });
  title.textContent = t("chart.title");
  title.setAttribute("data-i18n", "chart.title");
  svg.appendChild(title);
  const last = days.length ? days[days.length - 1] : null;
  const desc = vzSvg("desc", { id: id + "-d" });
  desc.textContent = last
    ? t("chart.desc", { from: series.from, to: series.to,
                        n: last.with_product, overdue: last.overdue })
    : t("chart.empty");
  svg.appendChild(desc);

  /* Axes and horizontal grid lines with their counts. */
  const ticks = 4;
  for (let i = 0; i <= ticks; i++) {
    const v = Math.round((ymax * i) / ticks);
    svg.appendChild(vzSvg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v),
                                    class: "grid" }));
    svg.appendChild(vzSvg("text", { x: L - 6, y: y(v) + 4,
                                    class: "tick", "text-anchor": "end" },
                          String(v)));
  }
  svg.appendChild(vzSvg("text", { x: L, y: H - B + 18, class: "tick" },
                        series.from));
  svg.appendChild(vzSvg("text", { x: W - R, y: H - B + 18, class: "tick",
                                  "text-anchor": "end" }, series.to));

  /* Deadlines (solid) and milestones (dotted) inside the range. */
  const marks = [];
  for (const dl of series.deadlines || [])
    marks.push({ date: dl.date, cls: "deadline", key: "verb." + dl.verb,
                 label: t("verb." + dl.verb, null, dl.verb) });
  for (const m of series.milestones || [])
    marks.push({ date: m.date, cls: "milestone", label: m.name });
  const td = vzDay(today);
  if (td >= d0 && td <= d1)
    marks.push({ date: today, cls: "today", key: "chart.today",
                 label: t("chart.today") });
  let row = 0;
  for (const m of marks) {
    const d = vzDay(m.date);
    if (!(d >= d0 && d <= d1)) continue;
    svg.appendChild(vzSvg("line", { x1: x(d), x2: x(d), y1: T,
                                    y2: H - B, class: "mark " + m.cls }));
    const lbl = vzSvg("text", { x: x(d) + 3, y: T + 10 + 12 * (row % 3),
                                class: "mark-label " + m.cls }, m.label);
    if (m.key && t.has(m.key)) lbl.setAttribute("data-i18n", m.key);
    else lbl.setAttribute("data-raw", "");
    svg.appendChild(lbl);
    row++;
  }

  /* The ideal line: from the first day's count to zero at removal. */
  const rm = (series.deadlines || []).find((dl) => VZ_REMOVAL.includes(dl.verb));
  /* It starts on the first day any host had reported. */
  const first = days.find((d) => d.hosts > 0);
  if (rm && first) {
    const dr = vzDay(rm.date), ds = vzDay(first.date);
    if (dr > ds) {
      const xe = Math.min(dr, d1);
      const ye = first.with_product * (1 - (xe - ds) / (dr - ds));
      svg.appendChild(vzSvg("line", { x1: x(ds), y1: y(first.with_product),
                                      x2: x(xe), y2: y(ye),
                                      class: "ideal" }));
    }
  }

  const path = (key) =>
    days.map((d, i) => (i ? "L" : "M") + x(vzDay(d.date)).toFixed(1) +
                       "," + y(d[key]).toFixed(1)).join(" ");
  if (days.length) {
    svg.appendChild(vzSvg("path", { d: path("with_product"),
                                    class: "line with" }));
    svg.appendChild(vzSvg("path", { d: path("overdue"),
                                    class: "line overdue" }));
  }
  return svg;
}
