#!/usr/bin/python3
"""tests/integration/validate_report.py - check reports against the report
contract's JSON Schema (docs/schema/report.schema.json).

usage: validate_report.py SCHEMA --json FILE... | --jsonl FILE... |
       --golden FILE...

--golden takes the normalised goldens of the scan tests, whose volatile
fields hold placeholders ("<report-id>", "<time>", "<days>"): they are
put back to valid values first, so the goldens are held to the contract
as well as the live output. Prints one line per problem; exit 1 if any.
"""
import json
import sys

import jsonschema

PLACEHOLDERS = {"<report-id>": "0" * 32, "<time>": "2026-01-01T00:00:00Z",
                "<days>": 0}


def restore(v):
    if isinstance(v, dict):
        return {k: restore(x) for k, x in v.items()}
    if isinstance(v, list):
        return [restore(x) for x in v]
    if isinstance(v, str) and v in PLACEHOLDERS:
        return PLACEHOLDERS[v]
    return v


def validator(schema, ref=None):
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    if ref is None:
        return cls(schema)
    sub = dict(schema["$defs"][ref])
    sub["$defs"] = schema["$defs"]
    return cls(sub)


def main():
    schema = json.load(open(sys.argv[1]))
    mode, files = sys.argv[2], sys.argv[3:]
    bad = 0
    checked = 0
    whole = validator(schema)
    lines = {"finding": validator(schema, "jsonl_finding"),
             "summary": validator(schema, "jsonl_summary")}
    for f in files:
        docs = []
        if mode == "--jsonl":
            for n, line in enumerate(open(f, encoding="utf-8"), 1):
                docs.append((f"{f}:{n}", json.loads(line)))
        else:
            d = json.load(open(f, encoding="utf-8"))
            docs.append((f, restore(d) if mode == "--golden" else d))
        for name, d in docs:
            v = whole
            if mode == "--jsonl":
                v = lines.get(d.get("type"))
                if v is None:
                    print(f"{name}: unknown line type {d.get('type')!r}")
                    bad += 1
                    continue
            for e in sorted(v.iter_errors(d), key=str):
                path = "/".join(str(p) for p in e.absolute_path)
                print(f"{name}: {path}: {e.message}")
                bad += 1
            checked += 1
    if checked == 0:
        print("validate_report: nothing was checked")
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
