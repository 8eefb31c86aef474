#!/usr/bin/env python3
"""tests/server/acked.py URL TOKEN ACKED - how many report ids in ACKED
(one per line, each acknowledged by the server) the server has stored.
Prints "stored N of M" and the first missing ids."""
import sys
import urllib.error
import urllib.request

url, token, path = sys.argv[1:]
ids = [l.strip() for l in open(path) if len(l.strip()) == 32]
missing = []
for i in ids:
    req = urllib.request.Request(url + "/api/v1/reports/" + i,
                                 headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(req) as r:
            ok = r.status == 200
    except urllib.error.HTTPError:
        ok = False
    if not ok:
        missing.append(i)
print("stored %d of %d" % (len(ids) - len(missing), len(ids)))
for i in missing[:5]:
    print("missing", i)
