#!/usr/bin/env python3
"""tests/dashboard/seed.py STATE URL TOKEN DAY TEMPLATES - one phase of the
dashboard's fixture fleet, posted to a real `voorzorg serve` whose clock
(VOORZORG_NOW) the caller set to day DAY (days relative to T0, the fixed
'today' of the fixture). Reports are real scan reports of the fixture
roots (TEMPLATES/with.json: KESL installed; TEMPLATES/clean.json: a clean
root) with the host identity, report id and scan time of each host.

Three organisations, one per sector with a deadline story:
  min-jenv    central-government, removal deadline T0-5 (overdue hosts)
  ws-oost     vital, removal deadline T0+25 (pending hosts)
  def-lev     abdo, no removal deadline (advice)
Each host removes the product on its day (None: never); a host that stops
reporting goes stale. One host name and one piece of evidence are hostile
HTML, which the dashboard must show as text."""
import hashlib
import json
import os
import sys
import urllib.request

T0 = "2026-12-01"
HOSTILE_NAME = "ws-<img src=x onerror=alert(1)>"
HOSTILE_DETAIL = "<script>alert('evidence')</script> installed"

ORGS = [
    ("min-jenv", "Ministerie van Justitie en Veiligheid",
     "central-government",
     # hostname, group, removal day (None: never), last day it reports
     [("ws-0101", "den-haag", -40, 0), ("ws-0102", "den-haag", -40, 0),
      ("ws-0103", "den-haag", -30, 0), ("ws-0104", "zwolle", -25, 0),
      ("ws-0105", "zwolle", -18, 0), ("ws-0106", "zwolle", -12, 0),
      ("ws-0107", "zwolle", -6, 0), (HOSTILE_NAME, "den-haag", None, 0),
      ("lab-0109", "lab", None, 0), ("ws-0110", "den-haag", None, -50)]),
    ("ws-oost", "Waterschap Oost", "vital",
     [("scada-01", "gemaal", -45, 0), ("scada-02", "gemaal", -20, 0),
      ("kantoor-01", "kantoor", -8, 0), ("kantoor-02", "kantoor", None, 0),
      ("kantoor-03", "kantoor", None, 0), ("kantoor-04", "kantoor", None,
                                           -35)]),
    ("def-lev", "Defensieleverancier B.V.", "abdo",
     [("eng-01", "engineering", -30, 0), ("eng-02", "engineering", None, 0),
      ("eng-03", "engineering", None, 0)]),
]
PHASES = [-50, -35, -20, -8, -1]


def call(url, token, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + "/api/v1" + path, data=data,
                                 method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        sys.exit("seed: %s %s: %d %s" % (method, path, e.code,
                                         e.read().decode()))


def hexid(*parts):
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:32]


def day(n):
    import datetime
    d = datetime.date.fromisoformat(T0) + datetime.timedelta(days=n)
    return d.isoformat()


def main():
    state_path, url, token, dday, tdir = sys.argv[1:]
    dday = int(dday)
    st = json.load(open(state_path)) if os.path.exists(state_path) else {}
    with_t = json.load(open(os.path.join(tdir, "with.json")))
    clean_t = json.load(open(os.path.join(tdir, "clean.json")))
    if dday == PHASES[0]:
        for oid, name, sector, hosts in ORGS:
            _, o = call(url, token, "POST", "/organisations",
                        {"id": oid, "name": name, "sector": sector})
            for h, grp, _, _ in hosts:
                mid = hexid("machine", oid, h)
                _, e = call(url, None, "POST", "/enroll",
                            {"enroll_secret": o["enroll_secret"],
                             "host": {"machine_id": mid, "hostname": h,
                                      "fqdn": None},
                             "group": grp})
                st[oid + "/" + h] = {"key": e["node_key"], "mid": mid,
                                     "id": e["host_id"]}
    for oid, _, _, hosts in ORGS:
        for h, grp, removed, last in hosts:
            if dday > last:
                continue
            k = st[oid + "/" + h]
            has = removed is None or dday < removed
            r = json.loads(json.dumps(with_t if has else clean_t))
            r["report_id"] = hexid("report", oid, h, dday)
            r["host"]["machine_id"] = k["mid"]
            r["host"]["hostname"] = h
            r["host"]["fqdn"] = None
            r["scanned_at"] = day(dday) + "T09:00:00Z"
            if has and h == HOSTILE_NAME:
                r["findings"][0]["evidence"][0]["detail"] = HOSTILE_DETAIL
            call(url, k["key"], "POST", "/reports", r)
    if dday == -20:
        # An exemption that has ended by T0 (expired at T0-10).
        call(url, token, "POST", "/exemptions",
             {"organisation": "ws-oost", "measure": None,
              "scope": {"kind": "group", "value": "kantoor"},
              "reason": "Vervanging besteld; levering in week 47.",
              "approver": "CISO Waterschap Oost", "expires": day(-10)})
    if dday == -8:
        # The lab host is exempted until T0+60.
        call(url, token, "POST", "/exemptions",
             {"organisation": "min-jenv",
              "measure": "nl-2018-kaspersky-antivirus",
              "scope": {"kind": "host",
                        "value": str(st["min-jenv/lab-0109"]["id"])},
              "reason": "Air-gapped lab system | replacement ordered "
                        "(PO 4711).",
              "approver": "CISO J. de Vries", "expires": day(60)})
    json.dump(st, open(state_path, "w"))


main()
