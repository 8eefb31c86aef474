#!/usr/bin/python3
# completion/gen.py - write the bash completion script from its template,
# with the sector ids and risk levels of the bundled catalogue, so that
# `--sector <TAB>` offers what the catalogue defines.
#
# usage: gen.py TEMPLATE CATALOG OUTPUT
import json
import re
import sys

template, catalog, output = sys.argv[1:4]
with open(catalog, encoding="utf-8") as f:
    cat = json.load(f)
ID = re.compile(r"^[a-z0-9][a-z0-9.-]*$")  # nothing a shell would expand
sectors = [s["id"] for s in cat.get("sectors", [])
           if ID.match(str(s.get("id", "")))]
levels = []
for rules in cat.get("rules", []):
    for lv in rules.get("levels", []):
        if ID.match(str(lv)) and lv not in levels:
            levels.append(lv)
with open(template, encoding="utf-8") as f:
    text = f.read()
text = text.replace("@SECTORS@", " ".join(sectors))
text = text.replace("@LEVELS@", " ".join(levels))
with open(output, "w", encoding="utf-8") as f:
    f.write(text)
