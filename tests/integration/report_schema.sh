#!/usr/bin/env bash
#
# tests/integration/report_schema.sh - every golden scan report holds to
# the report contract (docs/schema/report.schema.json), and the validator
# rejects what breaks it (so this test can fail).
# Prints "ok - ..." / "not ok - ..." and ends with "N passed, M failed".
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${VZ_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
schema=$src/docs/schema/report.schema.json
val=$here/validate_report.py
py=/usr/bin/python3
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; [ -n "${2:-}" ] && echo "$2" | sed 's/^/#   /'; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vz-report-schema.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

n=0
for g in "$src"/tests/scan/golden/*.json "$src"/tests/win/golden/*.json; do
	n=$((n + 1))
	if out=$("$py" "$val" "$schema" --golden "$g" 2>&1); then
		ok "${g#"$src"/}: valid report"
	else
		not_ok "${g#"$src"/}: valid report" "$out"
	fi
done
if [ "$n" -ge 17 ]; then ok "all $n goldens checked"; else not_ok "only $n goldens found"; fi

# The validator must reject each kind of breakage.
g=$src/tests/scan/golden/dpkg.json
mutant() { # mutant DESCRIPTION PYTHON-STATEMENT-ON-d
	"$py" - "$g" "$tmp/m.json" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PY
	if "$py" "$val" "$schema" --golden "$tmp/m.json" >/dev/null 2>&1; then
		not_ok "rejects: $1"
	else
		ok "rejects: $1"
	fi
}
mutant "no report_schema" 'del d["report_schema"]'
mutant "an old report_schema" 'd["report_schema"] = 1'
mutant "a report id that is not hex" 'd["report_id"] = "x" * 32'
mutant "complete with a reason" 'd["coverage"]["reasons"] = ["dpkg: x"]'
mutant "incomplete without a reason" 'd["coverage"]["verdict"] = "incomplete"'
mutant "an unknown state" 'd["findings"][0]["state"] = "gone"'
mutant "an unknown deadline verb" 'd["findings"][0]["measure"]["deadlines"] = [{"verb": "soon", "date": None, "days_left": None}]'
mutant "a malformed machine id" 'd["host"]["machine_id"] = "../../etc"'
mutant "a finding without evidence" 'd["findings"][0]["evidence"] = []'
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
