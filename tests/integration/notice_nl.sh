#!/usr/bin/env bash
#
# tests/integration/notice_nl.sh - the notice to parliament for a change
# to the Dutch measure, in Dutch by default for the Dutch catalogue.
#
# Makes a new version of the bundled catalogue in which the 2018 Dutch
# measure changes as a minister might change it (its scope widened to all
# Kaspersky brands, a removal date for central government, vital-sector
# operators now to phase out), then renders `voorzorg diff --format
# markdown` with the default language and with --lang en. The Dutch notice
# must equal golden/notice-nl.md (version normalised; review it by eye),
# count the changes, keep recorded and derived apart and hold none of the
# English notice's headings. VZ_UPDATE_GOLDEN=1 rewrites the golden file.
set -u

root=${VZ_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
vz=${VOORZORG:-$root/build/src/voorzorg}
py=/usr/bin/python3
golden=$root/tests/integration/golden/notice-nl.md
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vz-notice.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
export VOORZORG_STATE_DIR=$tmp/state
passed=0
failed=0

check() {
	local what=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
		echo "ok - $what"
	else
		failed=$((failed + 1))
		echo "not ok - $what"
	fi
}

"$py" - "$root/catalog/voorzorg.json" "$tmp/new.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["version"] += 1
m = [m for m in c["measures"] if m["id"] == "nl-2018-kaspersky-antivirus"][0]
m["covers"] = {"form": "brands", "vendors": ["kaspersky"]}
for s in m["sectors"]:
    if s["sector"] == "central-government":
        s["deadlines"] = [{"verb": "complete-removal", "date": "2027-07-01",
                           "sources": ["off-2019"]}]
    if s["sector"] == "vital":
        s["action"] = "phase-out"
json.dump(c, open(sys.argv[2], "w"), indent=2, ensure_ascii=False)
PY
"$vz" diff "$root/catalog/voorzorg.json" "$tmp/new.json" --format markdown \
	--allow-unsigned >"$tmp/nl.md" 2>"$tmp/nl.err"
rc=$?
check "diff --format markdown exits 0 (got $rc)" test "$rc" = 0
sed -e 's/voorzorg [0-9][0-9.]* uit/voorzorg VERSION uit/' "$tmp/nl.md" \
	>"$tmp/nl.norm"
if [ -n "${VZ_UPDATE_GOLDEN:-}" ]; then
	mkdir -p "$(dirname "$golden")"
	cp "$tmp/nl.norm" "$golden"
fi
if diff -u "$golden" "$tmp/nl.norm" >"$tmp/nl.diff"; then
	check "Dutch notice as in golden/notice-nl.md" true
else
	check "Dutch notice as in golden/notice-nl.md" false
	sed 's/^/#   /' "$tmp/nl.diff" | head -40
fi
check "Dutch by default: a letter to the Chairman of the House" \
	grep -q '^Aan de Voorzitter van de Tweede Kamer der Staten-Generaal$' \
	"$tmp/nl.md"
check "counts the measure's changes" \
	grep -q 'gewijzigde termijnen: 1; gewijzigde acties per sector: 1' \
	"$tmp/nl.md"
check "the new scope and the products it now covers" \
	grep -q 'zij luidt nu: alle producten onder de merken van `kaspersky`' \
	"$tmp/nl.md"
check "the removal date and the vital sector's new action" \
	grep -q 'verwijdering voltooid voor de Rijksoverheid: 2027-07-01' \
	"$tmp/nl.md"
check "what the measures require apart from what the rules give" \
	grep -q '^## Wat de maatregelen vragen$' "$tmp/nl.md"
check "no English headings in the Dutch notice" \
	sh -c '! grep -Eq "^## (Summary|Decisions|What the|Changed facts|New products)" "$1"' _ "$tmp/nl.md"
VOORZORG_STATE_DIR=$tmp/state2 "$vz" diff "$root/catalog/voorzorg.json" \
	"$tmp/new.json" --format markdown --lang en --allow-unsigned \
	>"$tmp/en.md" 2>/dev/null
check "--lang en: exit 0 (got $?)" test $? = 0
check "--lang en: the English notice" \
	grep -q '^## What the measures require$' "$tmp/en.md"
VOORZORG_STATE_DIR=$tmp/state3 "$vz" diff "$root/catalog/voorzorg.json" \
	"$tmp/new.json" --format markdown --lang fr --allow-unsigned \
	>/dev/null 2>"$tmp/fr.err"
rc=$?
check "--lang fr is a usage error (exit $rc)" test "$rc" = 2
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
