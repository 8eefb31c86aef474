#!/usr/bin/env bash
#
# tests/win/scan_win.sh - Windows, macOS and SBOM scanning on the
# fixtures of mkfixtures.sh, with the bundled (signed) catalogue:
# - each Windows and macOS root yields exactly the findings of its golden
#   JSON (tests/win/golden/, volatile fields normalised), with evidence;
# - the decoys (win-clean, mac-clean, decoy SBOM components) yield none;
# - a tampered binary and one with a broken signature are reported as
#   such, never as the vendor's; a renamed one is still found;
# - hives, PE files, plists and SBOMs given one by one; every corrupt or
#   truncated one gives one line "voorzorg: FILE...: what" and exit 2,
#   and met during a --root walk it is counted and the scan goes on;
# - the text and SARIF writers show tampered files; nothing in a root
#   changes.
#
# VZ_UPDATE_GOLDEN=1 rewrites the golden files (review them by eye).
# Prints "ok - ..." / "not ok - ..." and ends with "N passed, M failed".
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${VZ_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
vz=${VOORZORG:-${VZ_BUILD_ROOT:-$src/build}/src/voorzorg}
cat=$src/catalog/voorzorg.json
golden=$here/golden
py=/usr/bin/python3

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() {
	failed=$((failed + 1))
	echo "not ok - $1"
	shift
	local l
	for l in "$@"; do echo "#   $l"; done
}
check() { # check DESCRIPTION COMMAND...
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

for tool in hivexregedit osslsigncode plistutil openssl; do
	if ! command -v "$tool" >/dev/null; then
		# A missing tool is a failure, not a skip: a skipped test
		# would let a machine without it report the scanner green.
		echo "not ok - $tool is not installed (scripts/install-deps.sh test)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
"$vz" scan --help >"${TMPDIR:-/tmp}/vz-scan-win-help.$$" 2>&1
rc=$?
if [ "$rc" != 0 ] ||
	! grep -q -- '--hive' "${TMPDIR:-/tmp}/vz-scan-win-help.$$"; then
	rm -f "${TMPDIR:-/tmp}/vz-scan-win-help.$$"
	echo "not ok - voorzorg scan --help: exit 0 (got $rc), mentions --hive"
	echo "0 passed, 1 failed"
	exit 1
fi
rm -f "${TMPDIR:-/tmp}/vz-scan-win-help.$$"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vz-scan-win.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fx=$tmp/fx
if ! bash "$here/mkfixtures.sh" "$fx" >"$tmp/mkfixtures.log" 2>&1; then
	not_ok "fixtures build" "$(tail -5 "$tmp/mkfixtures.log")"
	echo "$passed passed, $failed failed"
	exit 1
fi
ok "fixtures build"
mkdir -p "$golden"

# Normalise a JSON report: time, duration, version and the fixture
# directory vary from run to run; nothing else may.
normalise() {
	"$py" - "$1" "$fx" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
fx = sys.argv[2]
def walk(v):
    if isinstance(v, dict):
        return {k: walk(x) for k, x in v.items()}
    if isinstance(v, list):
        return [walk(x) for x in v]
    if isinstance(v, str):
        return v.replace(fx, "<fx>")
    return v
doc = walk(doc)
doc["version"] = "<version>"
doc["scanned_at"] = "<time>"
doc["stats"]["elapsed_ms"] = 0
# A random id per report; days left count from today.
doc["report_id"] = "<report-id>"
for f in doc.get("findings", []):
    for d in ((f.get("measure") or {}).get("deadlines") or []):
        if d.get("days_left") is not None:
            d["days_left"] = "<days>"
json.dump(doc, sys.stdout, indent=2, sort_keys=False, ensure_ascii=False)
sys.stdout.write("\n")
PY
}

manifest() { find "$1" -printf '%y %s %m %T@ %p -> %l\n' 2>/dev/null | sort; }

jq_py() { # jq_py FILE EXPR: evaluate a Python expression on the doc `d`
	"$py" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

# compare NAME: the normalised report against golden/NAME.json
compare() {
	local name=$1
	if ! normalise "$tmp/$name.json" >"$tmp/$name.norm" 2>/dev/null; then
		not_ok "$name: JSON report parses" "$(head -3 "$tmp/$name.err")"
		return
	fi
	if [ -n "${VZ_UPDATE_GOLDEN:-}" ]; then
		cp "$tmp/$name.norm" "$golden/$name.json"
	fi
	if diff -u "$golden/$name.json" "$tmp/$name.norm" >"$tmp/$name.diff"; then
		ok "$name: findings and stats as in golden/$name.json"
	else
		not_ok "$name: differs from golden/$name.json" \
			"$(head -40 "$tmp/$name.diff")"
	fi
}

# root NAME EXPECTED_EXIT: scan a fixture root, compare with its golden.
root() {
	local name=$1 want=$2 r=$fx/$1 rc
	manifest "$r" >"$tmp/$name.before"
	(cd "$fx" && "$vz" scan --root "$name" --catalog "$cat" \
		--sector central-government --format json) \
		>"$tmp/$name.json" 2>"$tmp/$name.err"
	rc=$?
	check "$name: exit $want (got $rc)" test "$rc" = "$want"
	compare "$name"
	manifest "$r" >"$tmp/$name.after"
	check "$name: the root is unchanged by the scan" \
		cmp -s "$tmp/$name.before" "$tmp/$name.after"
}

# artefacts NAME EXPECTED_EXIT ARGS...: scan artefacts (paths relative
# to $adir, the fixtures unless set), compare.
artefacts() {
	local name=$1 want=$2 rc
	shift 2
	(cd "${adir:-$fx}" && "$vz" scan "$@" --catalog "$cat" \
		--sector central-government --format json) \
		>"$tmp/$name.json" 2>"$tmp/$name.err"
	rc=$?
	check "$name: exit $want (got $rc)" test "$rc" = "$want"
	compare "$name"
}

# states NAME EXPECTED: the (product, state) pairs of a report.
states() {
	check "$1: $2" test "$(jq_py "$tmp/$1.json" \
		'sorted((f["product_id"], f["state"]) for f in d["findings"])')" = "$2"
}

# ---- Windows volumes ---------------------------------------------------
root win-installed 1
root win-removed 1
root win-clean 0
root win-embedded 1
root win-corrupt 1

states win-installed "[('kaspersky-endpoint-security-windows', 'installed'), ('kaspersky-network-agent-windows', 'installed')]"
check "win-installed: the host is named from its registry" test \
	"$(jq_py "$tmp/win-installed.json" '(d["host"]["hostname"], d["host"]["os"])')" = \
	"('WS-0142', 'Windows 10 Pro (22H2, build 19045)')"
check "win-installed: the 32-bit Uninstall entry (Wow6432Node), as a Windows Installer package" \
	test "$(jq_py "$tmp/win-installed.json" \
	'[e["item"] for f in d["findings"] for e in f["evidence"] if e["kind"] == "package"]')" = \
	"['Kaspersky Endpoint Security for Windows']"
check "win-installed: the driver from the current control set only" test \
	"$(jq_py "$tmp/win-installed.json" \
	'sorted(e["item"] for f in d["findings"] for e in f["evidence"] if e["kind"] in ("kernel-module", "service"))')" = \
	"['klif', 'klnagent']"
check "win-installed: the vendor's signed binaries, digest valid" test \
	"$(jq_py "$tmp/win-installed.json" \
	'sum(1 for f in d["findings"] for e in f["evidence"] if e["kind"] == "authenticode" and "digest and signature valid" in e["detail"])')" = 5
check "win-installed: the other vendor's binary is not evidence" test \
	"$(jq_py "$tmp/win-installed.json" \
	'[e["item"] for f in d["findings"] for e in f["evidence"] if "firefox" in e["item"].lower()]')" = "[]"
check "win-installed: per-user hive read (Zoom, HKCU)" test \
	"$(jq_py "$tmp/win-installed.json" 'd["stats"]["packages"]')" = 5
# The installer cache is the vendor's validly signed, runnable code: the
# product is present (it can run or reinstall); the agent left only keys.
states win-removed "[('kaspersky-endpoint-security-windows', 'present'), ('kaspersky-network-agent-windows', 'residue')]"
states win-clean "[]"
check "win-clean: no tampered file" test \
	"$(jq_py "$tmp/win-clean.json" 'd["tampered"]')" = "[]"
check "win-clean: the near-miss signers were not even verified" test \
	"$(jq_py "$tmp/win-clean.json" '(d["stats"]["signatures"], d["stats"]["verified_signatures"])')" = "(2, 0)"
check "win-clean: a text file named .dll is counted, not an error" test \
	"$(jq_py "$tmp/win-clean.json" '[(p["collector"], p["kind"], p["example"]) for p in d["stats"]["problems"]]')" = \
	"[('pe', 'skipped', '/Program Files/Tools/readme.dll')]"
states win-embedded "[('kaspersky-endpoint-security-windows', 'present')]"
check "win-embedded: the renamed engine inside another product is found" test \
	"$(jq_py "$tmp/win-embedded.json" '[e["item"] for f in d["findings"] for e in f["evidence"]]')" = \
	"['/Program Files/Acme Gateway/engine/acmescan.dll']"
check "win-corrupt: the truncated hive and the broken PE are counted" test \
	"$(jq_py "$tmp/win-corrupt.json" '[(p["collector"], p["reason"][:40]) for p in d["stats"]["problems"] if p["kind"] == "unreadable"]')" = \
	"[('hive', 'truncated registry hive: the header says'), ('pe', 'PE section table out of bounds')]"
states win-corrupt "[('kaspersky-endpoint-security-windows', 'present'), ('kaspersky-network-agent-windows', 'present')]"
check "win-corrupt: incomplete, the truncated hive named" test \
	"$(jq_py "$tmp/win-corrupt.json" '(d["coverage"]["verdict"], [c["status"] for c in d["coverage"]["collectors"] if c["name"] == "hive"], d["coverage"]["reasons"][0][:60])')" = \
	"('incomplete', ['partial'], 'hive: not all of it could be read: /Windows/System32/config/')"
# A Windows volume whose only hive is corrupt: never "nothing found".
only=$tmp/only-corrupt
mkdir -p "$only/Windows/System32/config"
cp "$fx/win-corrupt/Windows/System32/config/SOFTWARE" "$only/Windows/System32/config/"
"$vz" scan --root "$only" --catalog "$cat" --sector central-government \
	>"$tmp/only-corrupt.txt" 2>"$tmp/only-corrupt.err"
rc=$?
check "only hive corrupt: exit 4 (got $rc)" test "$rc" = 4
check "only hive corrupt: 'nothing found' only beside INCOMPLETE" \
	grep -q '^No product of the catalogue was found, but the scan is INCOMPLETE' \
	"$tmp/only-corrupt.txt"
"$vz" scan --root "$only" --catalog "$cat" --format json \
	>"$tmp/only-corrupt.json" 2>/dev/null
check "only hive corrupt, JSON: exit 4 (got $?)" test $? = 4
check "only hive corrupt: the hive collector failed" test \
	"$(jq_py "$tmp/only-corrupt.json" '[c["status"] for c in d["coverage"]["collectors"] if c["name"] == "hive"]')" = \
	"['failed']"

# ---- macOS volumes -------------------------------------------------------
root mac-installed 1
root mac-removed 1
root mac-clean 0
states mac-installed "[('kaspersky-anti-virus-mac', 'installed')]"
check "mac-installed: every kind of macOS evidence" test \
	"$(jq_py "$tmp/mac-installed.json" 'sorted(set(e["kind"] for f in d["findings"] for e in f["evidence"]))')" = \
	"['bundle-id', 'kernel-module', 'package', 'path', 'service']"
check "mac-installed: the system extension's Team ID, from a binary plist and a universal binary" \
	test "$(jq_py "$tmp/mac-installed.json" \
	'[e["detail"].endswith("Team ID 2Y8XE5CQ94; Team ID as in the catalogue (from the code signature, not verified)") for f in d["findings"] for e in f["evidence"] if e["kind"] == "bundle-id"]')" = "[True]"
check "mac-installed: the OS from SystemVersion.plist" test \
	"$(jq_py "$tmp/mac-installed.json" 'd["host"]["os"]')" = "macOS 14.5 (23F79)"
states mac-removed "[('kaspersky-anti-virus-mac', 'residue')]"
states mac-clean "[]"
check "mac-clean: the listed bundle id signed by another team is not the vendor's" test \
	"$(jq_py "$tmp/mac-clean.json" 'd["stats"]["bundles"]')" = 2

# ---- hives given one by one ------------------------------------------------
artefacts hives 1 --hive hives/SOFTWARE --hive hives/SYSTEM \
	--hive hives/NTUSER.DAT
states hives "[('kaspersky-endpoint-security-windows', 'installed'), ('kaspersky-network-agent-windows', 'installed')]"
check "hives: no root is scanned with artefacts alone" test \
	"$(jq_py "$tmp/hives.json" '(d["host"]["root"], d["stats"]["files"], [c["name"] for c in d["stats"]["collectors"]])')" = \
	"(None, 0, ['hive', 'hive', 'hive'])"

# ---- PE files given one by one ---------------------------------------------
artefacts pe 1 pe/signed.exe pe/update-helper.bin pe/tampered.exe \
	pe/badsig.exe pe/other-signer.exe pe/unsigned.exe
states pe "[('kaspersky-endpoint-security-windows', 'present')]"
check "pe: the renamed copy is found by its content" test \
	"$(jq_py "$tmp/pe.json" 'sorted(e["item"] for f in d["findings"] for e in f["evidence"])')" = \
	"['pe/signed.exe', 'pe/update-helper.bin']"
check "pe: the changed copy is tampered, the broken signature bad, neither evidence" test \
	"$(jq_py "$tmp/pe.json" '[(t["path"], t["state"], t["claims_signer_of"]) for t in d["tampered"]]')" = \
	"[('pe/tampered.exe', 'tampered', 'kaspersky-endpoint-security-windows'), ('pe/badsig.exe', 'bad-signature', 'kaspersky-endpoint-security-windows')]"
# The state never depends on how the path is spelled or where the analyst
# copied the file: relative, absolute, and in a directory named like a
# leftover location (/tmp, /var, ProgramData) all give "present".
mkdir -p "$tmp/var/tmp/ProgramData"
cp "$fx/pe/signed.exe" "$tmp/var/tmp/ProgramData/kes.exe"
for spelling in "$tmp/var/tmp/ProgramData/kes.exe" "var/tmp/ProgramData/kes.exe" \
	"./var/tmp/../tmp/ProgramData/kes.exe"; do
	(cd "$tmp" && "$vz" scan "$spelling" --catalog "$cat" \
		--sector central-government --format json) \
		>"$tmp/spelling.json" 2>/dev/null
	check "artefact named $spelling: exit 1 (got $?)" test $? = 1
	st=$(jq_py "$tmp/spelling.json" '[(f["state"], any("rm " in s for s in f["next_steps"])) for f in d["findings"]]')
	check "artefact named $spelling: present, and no rm of the evidence" \
		test "$st" = "[('present', False)]"
done
# Another state's measure is never shown as the assessing state's: the
# Network Agent is covered by no Dutch measure of the real catalogue,
# and the text report says whose measure it is.
(cd "$fx" && "$vz" scan --root win-installed --catalog "$cat" \
	--sector central-government) >"$tmp/foreign.txt" 2>&1
check "foreign measure: exit 1 (got $?)" test $? = 1
check "foreign measure: the text report names its state" \
	grep -qF 'a measure of au; no measure of nl covers this product' \
	"$tmp/foreign.txt"
check "foreign measure: only for the Network Agent" \
	test "$(grep -c 'a measure of ' "$tmp/foreign.txt")" = 1
check "foreign measure: the JSON says so" test "$(jq_py \
	"$tmp/win-installed.json" 'sorted((f["product_id"], f["measure"]["issuing_state"], f["measure"]["foreign"]) for f in d["findings"])')" = \
	"[('kaspersky-endpoint-security-windows', 'nl', False), ('kaspersky-network-agent-windows', 'au', True)]"
(cd "$fx" && "$vz" scan pe/tampered.exe --catalog "$cat" --fail-on any) \
	>"$tmp/tampered.txt" 2>&1
check "tampered alone: exit 1 (it needs looking at)" test $? = 1
check "tampered alone: the text report says so" \
	grep -q 'tampered: claims signer CN=AO Kaspersky Lab' "$tmp/tampered.txt"
check "tampered alone: no product found" \
	grep -q 'No product of the catalogue was found' "$tmp/tampered.txt"
(cd "$fx" && "$vz" scan pe/tampered.exe --catalog "$cat" --fail-on never) \
	>/dev/null 2>&1
check "tampered alone, --fail-on never: exit 0" test $? = 0
(cd "$fx" && "$vz" scan pe/tampered.exe pe/signed.exe --catalog "$cat" \
	--sector central-government --format sarif) >"$tmp/pe.sarif" 2>/dev/null
check "sarif: exit 1 (got $?)" test $? = 1
check "sarif: the tampered file is an error result of its own rule" test \
	"$(jq_py "$tmp/pe.sarif" '[(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in d["runs"][0]["results"]]')" = \
	"[('kaspersky-endpoint-security-windows', 'error', 'pe/signed.exe'), ('voorzorg.tampered-signature', 'error', 'pe/tampered.exe')]"

# ---- SBOMs ---------------------------------------------------------------------
sb=$here/sbom
adir=$here artefacts sbom 1 --sbom sbom/appliance.cdx-1.5.json \
	--sbom sbom/linux-host.cdx-1.4.json \
	--sbom sbom/workstation.cdx-1.6.json \
	--sbom sbom/server.spdx-2.3.json --sbom sbom/decoys.cdx-1.5.json
states sbom "[('kaspersky-anti-virus', 'present'), ('kaspersky-endpoint-security-linux', 'present'), ('kaspersky-internet-security', 'present'), ('kaspersky-network-agent-linux', 'present'), ('kaspersky-total-security', 'present')]"
check "sbom: matched by CPE 2.2, CPE 2.3, purl, and name with supplier" test \
	"$(jq_py "$tmp/sbom.json" 'sorted((e["kind"], e["item"]) for f in d["findings"] for e in f["evidence"])')" = \
	"[('cpe', 'cpe:/a:kaspersky:kaspersky_anti-virus:8.9'), ('cpe', 'cpe:/a:kaspersky_lab:kaspersky_internet_security_2017'), ('cpe', 'cpe:2.3:a:kaspersky:total_security:21.3:*:*:*:*:*:*:*'), ('package', 'kesl'), ('package', 'kesl-gui'), ('package', 'klnagent64')]"
check "sbom: every component counted, nested ones too" test \
	"$(jq_py "$tmp/sbom.json" 'd["stats"]["components"]')" = 22
"$vz" scan --sbom "$sb/decoys.cdx-1.5.json" --catalog "$cat" --format json \
	>"$tmp/decoys.json" 2>/dev/null
check "sbom decoys: exit 0, no finding" test $? = 0 -a \
	"$(jq_py "$tmp/decoys.json" 'len(d["findings"])')" = 0

# An SBOM given as a PATH is recognised by its content, after any white
# space: here a CRLF and two spaces before the '{'.
printf '\r\n  ' >"$tmp/lead.cdx.json"
cat "$sb/linux-host.cdx-1.4.json" >>"$tmp/lead.cdx.json"
(cd "$tmp" && "$vz" scan lead.cdx.json --catalog "$cat" --format json) \
	>"$tmp/lead.json" 2>"$tmp/lead.err"
check "an SBOM as a PATH, after white space: exit 1 (got $?)" test $? = 1
check "an SBOM as a PATH, after white space: read as an SBOM" test \
	"$(jq_py "$tmp/lead.json" 'sorted(set(f["product_id"] for f in d["findings"]))')" = \
	"['kaspersky-endpoint-security-linux']"

# At most 64 hives and 64 SBOMs: the 65th is a usage error, not dropped.
for opt in sbom hive; do
	many=()
	for i in $(seq 1 65); do
		many+=("--$opt" "$sb/decoys.cdx-1.5.json")
	done
	"$vz" scan "${many[@]}" --catalog "$cat" >"$tmp/many.out" 2>"$tmp/many.err"
	rc=$?
	check "65 --$opt files: exit 2 (got $rc), 'too many --$opt files'" \
		grep -q "too many --$opt files (at most 64)" "$tmp/many.err"
	check "65 --$opt files: exit 2 (got $rc)" test "$rc" = 2
done

# ---- plists given one by one --------------------------------------------------
(cd "$fx" && "$vz" scan plist/Info.plist plist/com.kaspersky.kav.plist \
	--catalog "$cat" --format json) >"$tmp/plist.json" 2>"$tmp/plist.err"
check "plists: exit 1 (got $?)" test $? = 1
check "plists: a binary Info.plist and an XML launchd job, read by content" test \
	"$(jq_py "$tmp/plist.json" 'sorted((e["kind"], e["item"]) for f in d["findings"] for e in f["evidence"])')" = \
	"[('bundle-id', 'plist/Info.plist'), ('service', 'com.kaspersky.kav')]"

# ---- corrupt inputs: one line naming the file, exit 2 --------------------------
bad() { # bad DESCRIPTION EXPECTED-MESSAGE-PREFIX ARGS...
	local d=$1 want=$2 rc lines
	shift 2
	(cd "$fx" && "$vz" scan "$@" --catalog "$cat") >"$tmp/bad.out" \
		2>"$tmp/bad.err"
	rc=$?
	lines=$(wc -l <"$tmp/bad.err")
	if [ "$rc" = 2 ] && [ "$lines" = 1 ] && [ ! -s "$tmp/bad.out" ] &&
		grep -qF -- "voorzorg: $want" "$tmp/bad.err"; then
		ok "$d: exit 2, one line"
	else
		not_ok "$d: exit 2 (got $rc), one line 'voorzorg: $want...'" \
			"$(cat "$tmp/bad.err")"
	fi
}
bad "truncated hive" "hives/truncated-SOFTWARE: truncated registry hive" \
	--hive hives/truncated-SOFTWARE
bad "hive cut inside its header" "hives/header-only-SOFTWARE: truncated registry hive" \
	--hive hives/header-only-SOFTWARE
bad "hive with garbled cells" "hives/corrupt-SOFTWARE: corrupt registry hive" \
	--hive hives/corrupt-SOFTWARE
bad "hive with one unreadable value list" "hives/damaged-SOFTWARE: corrupt registry hive" \
	--hive hives/damaged-SOFTWARE
bad "not a hive" "hives/not-a-hive.reg: not a registry hive" \
	--hive hives/not-a-hive.reg
bad "missing hive" "hives/nothing: cannot open" --hive hives/nothing
bad "truncated hive as a PATH" "hives/truncated-SOFTWARE: truncated registry hive" \
	hives/truncated-SOFTWARE
bad "corrupt PE file" "pe/corrupt.exe: PE section table out of bounds" \
	pe/corrupt.exe
bad "truncated PE file" "pe/truncated.exe: PE certificate table out of bounds" \
	pe/truncated.exe
bad "corrupt binary plist" "plist/corrupt.plist: malformed property list" \
	plist/corrupt.plist
bad "truncated XML plist" "plist/truncated.plist: malformed property list" \
	plist/truncated.plist
bad "truncated SBOM" "$sb/truncated.cdx.json:1:" --sbom "$sb/truncated.cdx.json"
bad "SBOM component without a name" "$sb/no-name.cdx.json:6:5: components[1]: CycloneDX 1.6: a component needs" \
	--sbom "$sb/no-name.cdx.json"
bad "unsupported CycloneDX version" "$sb/bad-spec.cdx.json:1:43: specVersion: CycloneDX: specVersion \"2.0\" is not supported" \
	--sbom "$sb/bad-spec.cdx.json"
bad "SPDX externalRefs that is not an array" "$sb/refs-not-array.spdx.json:4:5: packages[0]: SPDX-2.3: \"externalRefs\" must be an array" \
	--sbom "$sb/refs-not-array.spdx.json"
bad "JSON that is not an SBOM" "$sb/not-an-sbom.json:1:1: not an SBOM" \
	--sbom "$sb/not-an-sbom.json"
bad "SPDX reference without a locator" "$sb/bad-spdx.spdx.json:4:59: packages[0].externalRefs[0]: SPDX-2.3: an external reference needs" \
	--sbom "$sb/bad-spdx.spdx.json"
bad "a good hive, then a corrupt one" "hives/corrupt-SOFTWARE: corrupt registry hive" \
	--hive hives/SOFTWARE --hive hives/corrupt-SOFTWARE

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
