#!/usr/bin/env python3
# tests/inventory/validate.py - validate inventories (JSON Lines) against
# docs/schema/inventory.schema.json, line by line, and their shape: a
# header first, an end line last whose count is the number of records.
# usage: validate.py SCHEMA FILE...; prints one line per problem, exits 1.
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
v = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sys.argv[2:]:
    lines = open(path, encoding="utf-8").read().splitlines()
    for n, line in enumerate(lines, 1):
        doc = json.loads(line)
        for e in v.iter_errors(doc):
            print(f"{path}:{n}: {e.message}")
            bad = 1
    first, last = json.loads(lines[0]), json.loads(lines[-1])
    if "format" not in first or last.get("end") is not True:
        print(f"{path}: no header first or no end line last")
        bad = 1
    elif last["records"] != len(lines) - 2:
        print(f"{path}: the end line counts {last['records']} records")
        bad = 1
sys.exit(bad)
