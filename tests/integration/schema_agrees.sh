#!/usr/bin/env bash
#
# tests/integration/schema_agrees.sh - catalog/schema.json and
# `voorzorg catalog lint` must agree.
#
# lib/catalog/shapes.c defines the catalogue's structure; catalog/schema.json
# restates it for editors and other tools. This test checks that:
#   1. schema.json is a valid JSON Schema (draft 2020-12);
#   2. its vocabularies and members match the tables in shapes.c;
#   3. docs/examples/complete.json and catalog/voorzorg.json (if not empty)
#      pass both the schema and the linter;
#   4. broken variants of complete.json are refused by both, and
#      extension members are accepted by both.
#
# Run by meson with VZ_SOURCE_ROOT (the source tree) and VOORZORG (the built
# tool). Needs Debian's python3-jsonschema; /usr/bin/python3 is called
# explicitly because another python3 (e.g. pyenv) may come first on PATH.
# Without the module the test fails: CI installs it.

set -u

root=${VZ_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
voorzorg=${VOORZORG:-$root/build/src/voorzorg}
python=${VZ_PYTHON:-/usr/bin/python3}
schema=$root/catalog/schema.json
example=$root/docs/examples/complete.json
bundled=$root/catalog/voorzorg.json
shapes=$root/lib/catalog/shapes.c

passed=0
failed=0

pass() {
	passed=$((passed + 1))
	printf 'ok   %s\n' "$1"
}

fail() {
	failed=$((failed + 1))
	printf 'FAIL %s\n' "$1"
	if [ $# -gt 1 ] && [ -n "$2" ]; then
		printf '%s\n' "$2" | sed 's/^/     /'
	fi
}

finish() {
	printf '%d passed, %d failed\n' "$passed" "$failed"
	[ "$failed" -eq 0 ]
	exit $?
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vz-schema-agrees.XXXXXX") || {
	echo "schema_agrees: cannot create a temporary directory" >&2
	exit 1
}
trap 'rm -rf "$tmp"' EXIT

# ---- preconditions ----------------------------------------------------------

if [ ! -x "$python" ]; then
	fail "python" "$python not found; install Debian's python3 and python3-jsonschema"
	finish
fi
if ! "$python" -c 'import jsonschema' 2>/dev/null; then
	fail "python3-jsonschema" \
	     "the Python module jsonschema is missing for $python; install it with: apt-get install -y python3-jsonschema"
	finish
fi
if [ ! -x "$voorzorg" ]; then
	fail "voorzorg" "the tool is not at $voorzorg (set VOORZORG)"
	finish
fi
for f in "$schema" "$example" "$shapes"; do
	if [ ! -s "$f" ]; then
		fail "input" "$f is missing or empty"
		finish
	fi
done

# ---- helpers (Python) ------------------------------------------------------

# validate.py SCHEMA FILE: exit 0 if FILE is valid, 1 (listing errors) if not.
cat >"$tmp/validate.py" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
with open(sys.argv[2], encoding="utf-8-sig") as f:  # lint skips a BOM too
    doc = json.load(f)
v = jsonschema.Draft202012Validator(schema)
errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errors[:20]:
    print("%s: %s" % (e.json_path, e.message[:300]))
sys.exit(1 if errors else 0)
PY

# checkschema.py SCHEMA: exit 0 if SCHEMA is a valid draft 2020-12 schema.
cat >"$tmp/checkschema.py" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
want = "https://json-schema.org/draft/2020-12/schema"
if schema.get("$schema") != want:
    print("$schema is %r, expected %r" % (schema.get("$schema"), want))
    sys.exit(1)
try:
    jsonschema.Draft202012Validator.check_schema(schema)
except jsonschema.exceptions.SchemaError as e:
    print("%s: %s" % (e.json_path, e.message[:500]))
    sys.exit(1)
PY

# shapes.py SHAPES_C SCHEMA: the tables in shapes.c against the schema.
cat >"$tmp/shapes.py" <<'PY'
import json, re, sys
src = open(sys.argv[1], encoding="utf-8").read()
schema = json.load(open(sys.argv[2], encoding="utf-8"))
defs = schema["$defs"]
problems = []

VOCABS = {
    "source_kinds": "source-kind", "access_levels": "access-level",
    "compulsion_levels": "compulsion-level", "threat_levels": "threat-level",
    "update_modes": "update-mode", "product_classes": "product-class",
    "platforms": "platform", "ecosystems": "ecosystem",
    "mitigation_kinds": "mitigation-kind", "actions": "action",
    "measure_kinds": "measure-kind", "exemption_policies": "exemption-policy",
    "review_kinds": "review-kind", "review_outcomes": "review-outcome",
    "fingerprint_kinds": "fingerprint-kind", "app_platforms": "app-platform",
    "law_levels": "law-level", "mitigation_status": "mitigation-status",
    "factor_names": "factor-name", "yes_no": "yes-no",
    "bases": "basis", "cover_forms": "cover-form",
    "deadline_verbs": "deadline-verb",
    "succession_kinds": "succession-kind",
}
TABLES = {
    "source_fields": ["source"], "sector_fields": ["sector"],
    "law_fields": ["law"], "programme_fields": ["offensive-programme"],
    "jurisdiction_fields": ["jurisdiction"], "mitigation_fields": ["mitigation"],
    "vendor_fields": ["vendor"], "fp_package": ["fingerprint-package"],
    "fp_path": ["fingerprint-path"], "fp_hash": ["fingerprint-file-hash"],
    "fp_named": ["fingerprint-process", "fingerprint-kernel-module",
                 "fingerprint-service"],
    "fp_registry": ["fingerprint-registry"],
    "fp_authenticode": ["fingerprint-authenticode"],
    "fp_bundle": ["fingerprint-bundle-id"], "fp_app": ["fingerprint-app-id"],
    "fp_cpe": ["fingerprint-cpe"], "fp_purl": ["fingerprint-purl"],
    "fp_generic": [], "identifier_fields": ["identifiers"],
    "product_fields": ["product"], "factor_access_fields": ["factor-access"],
    "factor_compulsion_fields": ["factor-compulsion"],
    "factor_threat_fields": ["factor-threat"], "factors_fields": ["factors"],
    "override_fields": ["override"], "assessment_fields": ["assessment"],
    "deadline_fields": ["deadline"], "quote_fields": ["quote"],
    "covers_fields": ["covers"], "succession_fields": ["succession"], "exemption_fields": ["exemptions"],
    "measure_sector_fields": ["sector-action"], "review_fields": ["review"],
    "measure_fields": ["measure"], "when_fields": ["condition"],
    "matrix_fields": ["matrix-row"], "action_row_fields": ["action-row"],
    "mitigation_rule_fields": ["mitigation-rule"],
    "rules_fields": ["rules"], "catalog_fields": ["#root"],
}

def resolve(s):
    while isinstance(s, dict) and "$ref" in s:
        s = defs[s["$ref"].rsplit("/", 1)[1]]
    return s

def min_items(s):
    s = resolve(s)
    return s.get("minItems", 0) if isinstance(s, dict) else 0

# Vocabularies are the file-level string tables; the registry roots are a
# table inside check_reg_key().
for name, body in re.findall(
        r"^static const char \*const (\w+)\[\] = \{(.*?)\};", src, re.S | re.M):
    values = re.findall(r'"([^"]*)"', body)
    if name not in VOCABS:
        problems.append("shapes.c vocabulary %s is unknown to this test "
                        "(add it to catalog/schema.json and here)" % name)
        continue
    got = defs.get(VOCABS[name], {}).get("enum")
    if got is None or set(got) != set(values):
        problems.append("vocabulary %s: shapes.c has %s, schema $defs/%s has %s"
                        % (name, values, VOCABS[name], got))

m = re.search(r"check_reg_key\(.*?roots\[\] = \{(.*?)\};", src, re.S)
roots = [r.replace("\\\\", "") for r in re.findall(r'"([^"]*)"', m.group(1))] if m else []
m = re.match(r"\^\(\?:([A-Z_|]+)\)", defs["registry-key"]["pattern"])
if not roots or not m or set(m.group(1).split("|")) != set(roots):
    problems.append("registry-key: roots in shapes.c %s, in the schema pattern %s"
                    % (roots, m.group(1).split("|") if m else None))

FIELD = re.compile(
    r'\b(?:TEXT|CHECKED|DATE|ENUMS?|REFS?|OBJ|ARR|STRS)\(\s*"([^"]+)"\s*,\s*(\w+)'
    r'|\{\s*"([^"]+)"\s*,\s*VT_\w+\s*,\s*(\w+)'
    r'|\b(ID|SOURCES|FP_COMMON)\b')
for table, body in re.findall(
        r"static const struct vfield (\w+)\[\] = \{(.*?)\};", src, re.S):
    fields = {}
    for m in FIELD.finditer(body):
        if m.group(5) == "ID":
            fields["id"] = "REQ"
        elif m.group(5) == "SOURCES":
            fields["sources"] = "NONEMPTY"
        elif m.group(5) == "FP_COMMON":
            fields.update(kind="REQ", note="0", sources="NONEMPTY")
        else:
            fields[m.group(1) or m.group(3)] = m.group(2) or m.group(4)
    if table not in TABLES:
        problems.append("shapes.c table %s is unknown to this test "
                        "(add it to catalog/schema.json and here)" % table)
        continue
    for d in TABLES[table]:
        s = schema if d == "#root" else defs.get(d)
        if s is None:
            problems.append("schema has no $defs/%s for shapes.c %s" % (d, table))
            continue
        props = set(s.get("properties", {})) - {"$comment", "$schema"}
        if props != set(fields):
            problems.append("%s: members differ from shapes.c %s: only in "
                            "schema %s, only in shapes.c %s"
                            % (d, table, sorted(props - set(fields)),
                               sorted(set(fields) - props)))
        req = {f for f, fl in fields.items() if fl in ("REQ", "NONEMPTY", "VF_REQ")}
        if set(s.get("required", [])) != req:
            problems.append("%s: required %s, shapes.c %s requires %s"
                            % (d, sorted(s.get("required", [])), table, sorted(req)))
        for f, fl in fields.items():
            p = s.get("properties", {}).get(f)
            if p is None:
                continue
            want = 1 if fl in ("NONEMPTY", "VF_NONEMPTY") else 0
            if min_items(p) != want:
                problems.append("%s.%s: minItems %s, shapes.c says %s"
                                % (d, f, min_items(p), fl))
        if s.get("additionalProperties") is not False:
            problems.append("%s: additionalProperties must be false" % d)

kinds = [c["if"]["properties"]["kind"]["const"]
         for c in defs["fingerprint"].get("allOf", [])]
if set(kinds) != set(defs["fingerprint-kind"]["enum"]):
    problems.append("fingerprint: if/then branches %s do not cover the kinds %s"
                    % (kinds, defs["fingerprint-kind"]["enum"]))

for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY

# variants.py EXAMPLE DIR: write broken and extended copies of EXAMPLE.
# bad-*.json must be refused by both; good-*.json accepted by both.
cat >"$tmp/variants.py" <<'PY'
import copy, json, sys
base = json.load(open(sys.argv[1], encoding="utf-8"))
out = sys.argv[2]

def variant(name, change):
    doc = copy.deepcopy(base)
    change(doc)
    with open("%s/%s.json" % (out, name), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)

def product(doc, i=0):
    return doc["products"][i]

def first_fp(doc, kind):
    for p in doc["products"]:
        for fp in p.get("fingerprints", []):
            if fp["kind"] == kind:
                return fp
    raise SystemExit("complete.json has no %s fingerprint" % kind)

def setv(obj, key, value):
    obj[key] = value

variant("bad-enum", lambda d: setv(product(d), "class", "anti-virus"))
variant("bad-missing-required", lambda d: product(d).pop("telemetry"))
variant("bad-unknown-member", lambda d: setv(product(d), "vendor_name", "Kaspersky"))
variant("bad-id-pattern", lambda d: setv(d["sectors"][0], "id", "Central_Government"))
variant("bad-id-too-long", lambda d: setv(d["sectors"][0], "id", "a" * 65))
variant("bad-date", lambda d: setv(d["measures"][0], "date", "2018-02-30"))
variant("bad-glob", lambda d: setv(first_fp(d, "path"), "path", "/opt/kaspersky/[kesl"))
variant("bad-empty-sources", lambda d: setv(product(d), "sources", []))
variant("bad-duplicate-alias", lambda d: setv(d["vendors"][0], "aliases", ["Kaspersky", "Kaspersky"]))
variant("bad-fingerprint-member", lambda d: setv(first_fp(d, "package"), "path", "/opt/x"))
variant("bad-fingerprint-kind", lambda d: setv(first_fp(d, "package"), "kind", "deb"))
variant("bad-team-id", lambda d: setv(first_fp(d, "bundle-id"), "team_id", "2y8xe5cq94"))
variant("bad-registry-root", lambda d: setv(first_fp(d, "registry"), "key", "SOFTWARE\\KasperskyLab"))
variant("bad-format", lambda d: setv(d, "format", "voorzorg-catalog/2"))
variant("bad-version-zero", lambda d: setv(d, "version", 0))
variant("bad-blank-text", lambda d: setv(product(d), "name", " \t"))
variant("bad-decision-action", lambda d: setv(d["assessments"][0]["decision"], "vital", "ban"))
variant("bad-schema-member-nested", lambda d: setv(product(d), "$schema", "x"))

def extend(d):
    d["x-generator"] = "schema_agrees"
    product(d)["x-note"] = {"any": ["value"]}
    product(d)["$comment"] = "comments are allowed everywhere"
    first_fp(d, "file-hash")["x-seen"] = True
    d["measures"][0]["sectors"][0]["deadlines"][0]["$comment"] = "no deadline"
variant("good-extensions", extend)
PY

# ---- 1. the schema itself ---------------------------------------------------

if out=$("$python" "$tmp/checkschema.py" "$schema" 2>&1); then
	pass "catalog/schema.json is a valid draft 2020-12 schema"
else
	fail "catalog/schema.json is a valid draft 2020-12 schema" "$out"
	finish
fi

# ---- 2. schema against shapes.c ---------------------------------------------

if out=$("$python" "$tmp/shapes.py" "$shapes" "$schema" 2>&1); then
	pass "schema members, required fields and vocabularies match shapes.c"
else
	fail "schema members, required fields and vocabularies match shapes.c" "$out"
fi

# ---- 3. the good documents --------------------------------------------------

check_good() { # FILE LABEL
	local out
	if out=$("$python" "$tmp/validate.py" "$schema" "$1" 2>&1); then
		pass "$2: valid against the schema"
	else
		fail "$2: valid against the schema" "$out"
	fi
	out=$("$voorzorg" catalog lint "$1" 2>&1)
	local rc=$?
	if [ $rc -eq 0 ]; then
		pass "$2: voorzorg catalog lint exits 0"
	else
		fail "$2: voorzorg catalog lint exits 0 (got $rc)" "$out"
	fi
}

check_good "$example" "docs/examples/complete.json"
if out=$("$voorzorg" catalog lint "$example" 2>&1) &&
   printf '%s\n' "$out" | grep -q ': ok: .*, 0 warnings$'; then
	pass "docs/examples/complete.json: lint reports ok with 0 warnings"
else
	fail "docs/examples/complete.json: lint reports ok with 0 warnings" "$out"
fi
if [ -s "$bundled" ]; then
	check_good "$bundled" "catalog/voorzorg.json"
else
	printf 'note catalog/voorzorg.json is empty; not checked\n'
fi

# ---- 4. variants ------------------------------------------------------------

if ! out=$("$python" "$tmp/variants.py" "$example" "$tmp" 2>&1); then
	fail "generate variants of complete.json" "$out"
	finish
fi

for f in "$tmp"/bad-*.json; do
	name=$(basename "$f" .json)
	if out=$("$python" "$tmp/validate.py" "$schema" "$f" 2>&1); then
		fail "$name: refused by the schema" "the schema accepts it"
	else
		pass "$name: refused by the schema"
	fi
	out=$("$voorzorg" catalog lint "$f" 2>&1)
	rc=$?
	if [ $rc -eq 2 ]; then
		pass "$name: refused by voorzorg catalog lint (exit 2)"
	else
		fail "$name: refused by voorzorg catalog lint (exit 2, got $rc)" "$out"
	fi
done

for f in "$tmp"/good-*.json; do
	check_good "$f" "$(basename "$f" .json)"
done

finish
