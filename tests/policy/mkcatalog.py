#!/usr/bin/env python3
"""tests/policy/mkcatalog.py - write the policy test catalogue.

Starts from the documentation example (docs/examples/complete.json) and
gives its fictional product, example-agent, a fingerprint of every kind a
policy format reads, under a fictional measure (example-measure). Every
value is made up and belongs to no real product; the file hash is the
documented 52-byte example file. With an argument NAME=VALUE pairs the
script instead writes a hostile variant: fingerprint NAME of example-agent
gets VALUE (JSON-decoded), for the refusal tests.

usage: mkcatalog.py OUT [INDEX.MEMBER=JSONVALUE ...]
"""
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
with open(os.path.join(root, "docs/examples/complete.json")) as f:
    cat = json.load(f)
cat["id"] = "voorzorg-policy-tests"
cat["title"] = "Policy test catalogue (fictional example product)"
cat["expires"] = "2099-01-01T00:00:00Z"
src = ["example-source"]
fps = [
    {"kind": "package", "ecosystem": "deb", "name": "example-agent"},
    {"kind": "package", "ecosystem": "rpm", "name": "example-agent"},
    {"kind": "package", "ecosystem": "rpm", "name": "example-agent-*"},
    {"kind": "package", "ecosystem": "msi", "name": "Example Agent*",
     "maintainer": "Example Vendor Ltd"},
    {"kind": "path", "platform": "linux",
     "path": "/opt/example-agent/bin/example-agent"},
    {"kind": "path", "platform": "linux", "path": "/opt/example-agent/lib/*"},
    {"kind": "path", "platform": "linux", "path": "/opt/example-agent/*.so"},
    {"kind": "file-hash",
     "sha256": "742f368cc1855a1314393894acab26b308c129cbe0e98a3457b2b41e59b3609c",
     "size": 52, "name": "example-file.bin"},
    {"kind": "authenticode",
     "subject": "CN=Example Vendor Ltd,O=Example Vendor Ltd,L=Example City,"
                "ST=Example State,C=XA"},
    {"kind": "authenticode", "subject": "Example Vendor Ltd"},
    {"kind": "path", "platform": "windows",
     "path": "C:\\Program Files\\Example Vendor\\Agent"},
    {"kind": "path", "platform": "windows",
     "path": "C:\\Program Files\\Example Vendor\\agent-?.exe"},
    {"kind": "process", "platform": "windows", "name": "example-agent.exe"},
    {"kind": "kernel-module", "platform": "windows", "name": "exampleflt.sys"},
    {"kind": "registry",
     "key": "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*",
     "value": "DisplayName", "data": "Example Agent & Co's *"},
    {"kind": "bundle-id", "bundle_id": "org.example.agent",
     "team_id": "EXAMPLE123"},
    {"kind": "bundle-id", "bundle_id": "org.example.agent.*",
     "team_id": "EXAMPLE123"},
    {"kind": "bundle-id", "bundle_id": "org.example.helper"},
]
for fp in fps:
    fp["sources"] = src
for p in cat["products"]:
    if p["id"] == "example-agent":
        p["fingerprints"] = fps
        p["platforms"] = ["linux", "windows", "macos"]
        prod = p
for arg in sys.argv[2:]:
    k, v = arg.split("=", 1)
    i, member = k.split(".", 1)
    prod["fingerprints"][int(i)][member] = json.loads(v)
cat["measures"].append({
    "id": "example-measure",
    "title": "Example measure (fictional)",
    "kind": "decision",
    "authority": "Example authority",
    "issuing_state": "nl",
    "date": "2025-01-15",
    "reference": "Example <reference> & \"quotes\"",
    "products": ["example-agent"],
    "sectors": [
        {"sector": "central-government", "action": "prohibit",
         "exemptions": {"policy": "none"}},
        {"sector": "other", "action": "monitor",
         "exemptions": {"policy": "none"}},
    ],
    "sources": src,
})
with open(sys.argv[1], "w") as f:
    json.dump(cat, f, indent=2, ensure_ascii=False)
    f.write("\n")
