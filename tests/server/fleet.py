#!/usr/bin/env python3
"""tests/server/fleet.py - a randomised fleet for the compliance view's
fast path (tests/server/fastpath.sh), over real HTTP.

  fleet.py enrol URL TOKEN_FILE SEED HOSTS_FILE
      organisations of several sectors, hosts in groups (some in none),
      written to HOSTS_FILE.
  fleet.py build URL TOKEN_FILE TEMPLATE SEED NOW HOSTS_FILE
      reports with random products and states dated from 60 days before
      NOW (an epoch second) to a day after it, many near the stale limit,
      hosts that never report, group moves, exemptions of every scope
      (some ended early) and an overlay.
  fleet.py compare URL TOKEN_FILE NOW
      for several filters, the compliance counts as of now (the fast
      path) against the same counts as_of NOW (the full computation from
      every stored report); prints "ok NAME" or "FAIL NAME: ..." per
      comparison.
"""
import json
import random
import sys
import time
import urllib.error
import urllib.request

STALE_DAYS = 30
PRODUCTS = ["kaspersky-endpoint-security-linux",
            "kaspersky-anti-virus-linux-file-server",
            "kaspersky-network-agent"]
STATES = ["installed", "running", "present", "residue"]
ORGS = [("fp-cg", "central-government"), ("fp-vital", "vital"),
        ("fp-vital2", "vital"), ("fp-other", "other")]
GROUPS = [None, "g-north", "g-south", "g-lab"]


def call(url, token, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    rq = urllib.request.Request(url + "/api/v1" + path, data=data,
                                method=method)
    if token:
        rq.add_header("Authorization", "Bearer " + token)
    if data is not None:
        rq.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(rq, timeout=120) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def must(st, want, what, body):
    if st not in want:
        sys.exit("fleet.py: %s: HTTP %d %s" % (what, st, body))


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def enrol(url, token, seed, out):
    rnd = random.Random(seed)
    hosts = []  # (org, host_id, node_key, machine_id)
    for org, sector in ORGS:
        st, b = call(url, token, "POST", "/organisations",
                     {"id": org, "name": org, "sector": sector})
        must(st, (201,), "organisation", b)
        secret = b["enroll_secret"]
        for i in range(rnd.randint(25, 40)):
            mid = "%032x" % rnd.getrandbits(128)
            g = rnd.choice(GROUPS)
            body = {"enroll_secret": secret,
                    "host": {"machine_id": mid,
                             "hostname": "%s-%d" % (org, i), "fqdn": None}}
            if g:
                body["group"] = g
            st, b = call(url, None, "POST", "/enroll", body)
            must(st, (201,), "enroll", b)
            hosts.append((org, b["host_id"], b["node_key"], mid))
    json.dump(hosts, open(out, "w"))


def build(url, token, template, seed, now, hostsfile):
    rnd = random.Random(seed + 1)
    tmpl = json.load(open(template))
    finding = tmpl["findings"][0]
    hosts = json.load(open(hostsfile))
    for org, hid, key, mid in hosts:
        if rnd.random() < 0.1:
            continue  # never reports
        for _ in range(rnd.randint(1, 4)):
            r = rnd.random()
            if r < 0.3:  # near the stale limit, on either side
                t = now - STALE_DAYS * 86400 + rnd.randint(-86400, 86400)
            elif r < 0.4:  # up to a day after now
                t = now + rnd.randint(1, 86000)
            else:
                t = now - rnd.randint(0, 60 * 86400)
            rep = dict(tmpl)
            rep["report_id"] = "%032x" % rnd.getrandbits(128)
            rep["host"] = dict(tmpl["host"], machine_id=mid,
                               hostname="h%d" % hid)
            rep["scanned_at"] = iso(t)
            found = []
            for p in rnd.sample(PRODUCTS, rnd.randint(0, 2)):
                found.append(dict(finding, product_id=p,
                                  state=rnd.choice(STATES)))
            rep["findings"] = found
            rq = urllib.request.Request(
                url + "/api/v1/reports", data=json.dumps(rep).encode(),
                method="POST")
            rq.add_header("Authorization", "Bearer " + key)
            rq.add_header("Content-Type", "application/json")
            with urllib.request.urlopen(rq, timeout=120) as resp:
                must(resp.status, (200, 201), "report", "")
    # Group moves after the reports (the counts follow the host).
    for org, hid, key, mid in rnd.sample(hosts, len(hosts) // 5):
        st, b = call(url, token, "PATCH", "/hosts/%d" % hid,
                     {"group": rnd.choice(GROUPS)})
        must(st, (200,), "group move", b)
    measures = [None, "nl-2018-kaspersky-antivirus", "us-2017-bod-17-01"]
    for org, hid, key, mid in rnd.sample(hosts, 12):
        kind = rnd.choice(["host", "host", "group", "organisation"])
        value = {"host": str(hid), "organisation": org,
                 "group": rnd.choice(GROUPS[1:])}[kind]
        st, b = call(url, token, "POST", "/exemptions", {
            "organisation": org, "measure": rnd.choice(measures),
            "scope": {"kind": kind, "value": value},
            "reason": "fleet.py", "approver": "fleet.py",
            "expires": iso(now + rnd.randint(3600, 40 * 86400))})
        must(st, (201,), "exemption", b)
        if rnd.random() < 0.25:
            st, b = call(url, token, "POST",
                         "/exemptions/%d/expire" % b["id"],
                         {"reason": "ended early"})
            must(st, (200,), "expire", b)
    st, b = call(url, token, "PUT",
                 "/organisations/fp-vital/overlays/"
                 "nl-2018-kaspersky-antivirus",
                 {"deadlines": [{"verb": "complete-removal",
                                 "date": time.strftime(
                                     "%Y-%m-%d",
                                     time.gmtime(now + 5 * 86400))}]})
    must(st, (200,), "overlay", b)
    print("fleet: %d hosts" % len(hosts))


def compare(url, token, now):
    filters = ["", "organisation=fp-vital", "organisation=fp-cg",
               "sector=vital", "group=g-north", "group=g-lab",
               "measure=us-2017-bod-17-01",
               "organisation=fp-vital2&group=g-south"]
    for f in filters:
        sep = "&" if f else ""
        st1, fast = call(url, token, "GET", "/compliance?" + f)
        st2, full = call(url, token, "GET",
                         "/compliance?" + f + sep + "as_of=" + iso(now))
        name = "counts as of now = from history (%s)" % (f or "all")
        if st1 != 200 or st2 != 200:
            print("FAIL %s: HTTP %d, %d" % (name, st1, st2))
        elif fast["items"] != full["items"] or \
                fast["totals"] != full["totals"]:
            print("FAIL %s: %s vs %s" % (name, json.dumps(fast["totals"]),
                                         json.dumps(full["totals"])))
        elif full["totals"]["hosts"] == 0:
            print("FAIL %s: no hosts counted" % name)
        else:
            print("ok   %s: %s" % (name, " ".join(
                "%s=%d" % kv for kv in sorted(full["totals"].items()))))


def main():
    cmd, url, tokfile = sys.argv[1:4]
    token = open(tokfile).read().strip()
    if cmd == "enrol":
        enrol(url, token, int(sys.argv[4]), sys.argv[5])
    elif cmd == "build":
        build(url, token, sys.argv[4], int(sys.argv[5]), int(sys.argv[6]),
              sys.argv[7])
    elif cmd == "compare":
        compare(url, token, int(sys.argv[4]))
    else:
        sys.exit("usage: fleet.py build|compare ...")


if __name__ == "__main__":
    main()
