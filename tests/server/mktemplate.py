#!/usr/bin/env python3
"""tests/server/mktemplate.py REPORT OUT - a load generator template from a
real scan report: report_id, machine_id, hostname and scanned_at become
placeholders that tests/server/loadgen.c fills in per host."""
import json
import sys

r = json.load(open(sys.argv[1]))
r["report_id"] = "@@REPORT_ID@@"
r["host"]["machine_id"] = "@@MACHINE_ID@@"
r["host"]["hostname"] = "@@HOSTNAME@@"
r["scanned_at"] = "@@SCANNED_AT@@"
json.dump(r, open(sys.argv[2], "w"), indent=1)
