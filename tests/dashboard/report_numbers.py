#!/usr/bin/env python3
"""tests/dashboard/report_numbers.py FILE markdown|html|pdf - the numbers
of a `voorzorg report`'s status table, as JSON: {measure: [deadline,
hosts, with_product, compliant, pending, overdue, exempted, stale]}, and
its progress lines: {"progress": {measure: [then, now]}}. The PDF is read
through pdftotext -layout (poppler-utils), so what is compared is what the
PDF shows, not the HTML it came from."""
import html
import json
import re
import subprocess
import sys

path, fmt = sys.argv[1:3]
if fmt == "pdf":
    text = subprocess.run(["pdftotext", "-layout", path, "-"], check=True,
                          capture_output=True, text=True).stdout
elif fmt == "html":
    raw = open(path, encoding="utf-8").read()
    text = html.unescape(re.sub(r"<[^>]+>", " ", raw))
else:
    text = open(path, encoding="utf-8").read().replace("\\", "")
text = text.replace("|", " ")
rows = {}
for m in re.finditer(r"^\s*([a-z0-9][a-z0-9-]+-\d{4}-[a-z0-9-]+)\s+"
                     r"(\d{4}-\d\d-\d\d|none|geen)((?:\s+\d+){7})\s*$",
                     text, re.M):
    rows[m.group(1)] = [m.group(2)] + [int(x) for x in m.group(3).split()]
prog = {}
flat = re.sub(r"\s+", " ", text)
for m in re.finditer(r"([a-z0-9-]+-\d{4}-[a-z0-9-]+): (?:hosts with the "
                     r"product went|het aantal systemen met het product "
                     r"ging) (?:from|van) (\d+) (?:to|naar) (\d+)", flat):
    prog[m.group(1)] = [int(m.group(2)), int(m.group(3))]
print(json.dumps({"status": rows, "progress": prog}, sort_keys=True))
