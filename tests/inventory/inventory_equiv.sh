#!/usr/bin/env bash
#
# tests/inventory/inventory_equiv.sh - `voorzorg collect` then `voorzorg
# scan --inventory` gives exactly what the direct scan gives: the same
# JSON report (apart from scanned_at and elapsed_ms), the same text
# report and the same exit code, on EVERY fixture of tests/scan/mkroots.sh
# and tests/win/mkfixtures.sh (roots, hives, PE files, plists, SBOMs).
# Then the reader's refusals: truncated, spliced, malformed, another
# schema, oversized lines; each one line with file:line:column, exit 2.
#
# Prints "ok - ..." / "not ok - ..." and ends with "N passed, M failed".
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${VZ_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
vz=${VOORZORG:-${VZ_BUILD_ROOT:-$src/build}/src/voorzorg}
py=/usr/bin/python3
. "$here/lib.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vz-inv.XXXXXX") || exit 2
cleanup() {
	chmod -R u+rwx "$tmp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

if ! bash "$src/tests/scan/mkroots.sh" "$tmp/roots" >"$tmp/mk1.log" 2>&1; then
	not_ok "scan fixture roots build" "$(tail -5 "$tmp/mk1.log")"
	finish
fi
have_win=1
for tool in hivexregedit osslsigncode plistutil openssl; do
	command -v "$tool" >/dev/null || have_win=0
done
if [ "$have_win" = 1 ]; then
	if ! bash "$src/tests/win/mkfixtures.sh" "$tmp/fx" >"$tmp/mk2.log" 2>&1; then
		not_ok "Windows/macOS fixtures build" "$(tail -5 "$tmp/mk2.log")"
		finish
	fi
else
	not_ok "hivexregedit, osslsigncode, plistutil and openssl are installed" \
		"scripts/install-deps.sh test"
fi

# Drop what varies from run to run: the time, the duration, the
# report's random id.
strip_time() {
	"$py" - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["scanned_at"] = "<time>"
d["stats"]["elapsed_ms"] = 0
d["report_id"] = "<report-id>"  # random for every report
json.dump(d, sys.stdout, indent=1, ensure_ascii=False)
PY
}

# equiv NAME DIR CATALOG ARGS...: from DIR, the direct scan with ARGS and
# the scan of the inventory collected with ARGS agree in every respect.
equiv() {
	local name=$1 dir=$2 cat=$3 d i c
	shift 3
	(cd "$dir" && "$vz" collect "$@" --catalog "$cat" --allow-unsigned \
		--output "$tmp/$name.inv") 2>"$tmp/$name.cerr"
	c=$?
	if [ "$c" != 0 ]; then
		not_ok "$name: collect exits 0 (got $c)" "$(tail -3 "$tmp/$name.cerr")"
		return
	fi
	for fmt in json text; do
		(cd "$dir" && "$vz" scan "$@" --catalog "$cat" --allow-unsigned \
			--sector central-government --format $fmt) \
			>"$tmp/$name.d.$fmt" 2>/dev/null
		d=$?
		(cd "$dir" && "$vz" scan --inventory "$tmp/$name.inv" \
			--catalog "$cat" --allow-unsigned \
			--sector central-government --format $fmt) \
			>"$tmp/$name.i.$fmt" 2>"$tmp/$name.ierr"
		i=$?
		check "$name ($fmt): same exit code (direct $d, inventory $i)" \
			test "$d" = "$i"
		# ... and one a scan gives (a crash or sanitizer abort twice
		# over is the same code too).
		check "$name ($fmt): a scan's exit code (0, 1 or 4; got $i)" \
			test "$i" = 0 -o "$i" = 1 -o "$i" = 4
	done
	if strip_time "$tmp/$name.d.json" >"$tmp/$name.d.norm" &&
		strip_time "$tmp/$name.i.json" >"$tmp/$name.i.norm" &&
		diff -u "$tmp/$name.d.norm" "$tmp/$name.i.norm" >"$tmp/$name.diff"; then
		ok "$name: the same JSON report"
	else
		not_ok "$name: the same JSON report" "$(head -30 "$tmp/$name.diff")" \
			"$(cat "$tmp/$name.ierr")"
	fi
	# The text report shows the scan's date; nothing else may differ.
	if diff <(grep -v '^Scanned\|[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T' "$tmp/$name.d.text") \
		<(grep -v '^Scanned\|[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T' "$tmp/$name.i.text") \
		>"$tmp/$name.tdiff"; then
		ok "$name: the same text report"
	else
		not_ok "$name: the same text report" "$(head -20 "$tmp/$name.tdiff")"
	fi
}

scat=$src/tests/scan/catalog.json
for r in dpkg residue present rpm decoy robust; do
	equiv "root-$r" "$tmp/roots" "$scat" --root "$r"
done
check "the inventory of a root with findings has every kind of record" \
	test "$("$py" -c '
import json, sys
kinds = set()
for l in open(sys.argv[1]):
    kinds.add(json.loads(l).get("kind"))
print(sorted(k for k in kinds if k))' "$tmp/root-dpkg.inv")" = \
	"['file', 'package', 'unit']"
check "a file name that is not UTF-8 is kept as hex bytes" \
	grep -q '"name":{"hex":"' "$tmp/root-robust.inv"

if [ "$have_win" = 1 ]; then
	wcat=$src/tests/win/catalog.json
	for r in win-installed win-removed win-clean win-embedded win-corrupt \
		mac-installed mac-removed mac-clean; do
		equiv "root-$r" "$tmp/fx" "$wcat" --root "$r"
	done
	equiv hives "$tmp/fx" "$wcat" --hive hives/SOFTWARE \
		--hive hives/SYSTEM --hive hives/NTUSER.DAT
	equiv pe "$tmp/fx" "$wcat" pe/signed.exe pe/update-helper.bin \
		pe/tampered.exe pe/badsig.exe pe/other-signer.exe pe/unsigned.exe
	equiv plist "$tmp/fx" "$wcat" plist/Info.plist plist/com.kaspersky.kav.plist
	equiv sbom "$src/tests/win" "$wcat" --sbom sbom/appliance.cdx-1.5.json \
		--sbom sbom/linux-host.cdx-1.4.json \
		--sbom sbom/workstation.cdx-1.6.json \
		--sbom sbom/server.spdx-2.3.json --sbom sbom/decoys.cdx-1.5.json
	# Judged with another catalogue: what it would have hashed or
	# verified is said to be missing, never silently clean.
	"$vz" scan --inventory "$tmp/root-win-installed.inv" --catalog "$scat" \
		--allow-unsigned --format json >"$tmp/other.json" 2>/dev/null
	rc=$?
	check "another catalogue: a scan's exit code (0, 1 or 4; got $rc)" \
		test "$rc" -le 1 -o "$rc" = 4
	check "another catalogue: the inventory says which catalogue it was collected for" \
		grep -q '"collected_for":{"catalog":"voorzorg-win-tests"' \
		"$tmp/root-win-installed.inv"
fi

check "every inventory written agrees with docs/schema/inventory.schema.json" \
	"$py" "$here/validate.py" "$src/docs/schema/inventory.schema.json" \
	"$tmp"/*.inv
for f in "$src"/fuzz/corpus/inventory/*.jsonl; do
	case $f in *-bad.jsonl) continue ;; esac
	"$vz" scan --inventory "$f" --catalog "$scat" --allow-unsigned \
		--format json >/dev/null 2>&1
	rc=$?
	check "corpus $(basename "$f"): a valid inventory (exit 0, 1 or 4, got $rc)" \
		test "$rc" -le 1 -o "$rc" = 4
done

# ---- the collector's own refusals ------------------------------------------
"$vz" collect --root "$tmp/roots/dpkg" --catalog "$scat" --allow-unsigned \
	>/dev/null 2>"$tmp/noout.err"
check "collect without --output: exit 2" test $? = 2
"$vz" collect --root "$tmp/roots/dpkg" --catalog "$scat" --allow-unsigned \
	--output "$tmp/roots/dpkg/inv.jsonl" >/dev/null 2>&1
check "collect refuses to write inside the root (exit 2, nothing written)" \
	test $? = 2 -a ! -e "$tmp/roots/dpkg/inv.jsonl"
"$vz" collect --root "$tmp/nothing" --catalog "$scat" --allow-unsigned \
	--output "$tmp/x.inv" >/dev/null 2>&1
check "collect of a missing root: exit 2, no file" test $? = 2 -a ! -e "$tmp/x.inv"
"$vz" scan --inventory "$tmp/root-dpkg.inv" --root "$tmp/roots/dpkg" \
	--catalog "$scat" --allow-unsigned >/dev/null 2>"$tmp/both.err"
check "--inventory with --root: usage error (exit 2)" test $? = 2

# ---- the reader's refusals: one line, file:line:column, exit 2 ---------------
good=$tmp/root-dpkg.inv
n=$(wc -l <"$good")
bad() { # bad NAME EXPECTED-MESSAGE (the file is $tmp/bad-NAME.inv)
	local f=$tmp/bad-$1.inv rc
	"$vz" scan --inventory "$f" --catalog "$scat" --allow-unsigned \
		--format json >"$tmp/bad.out" 2>"$tmp/bad.all"
	rc=$?
	grep -v 'warning: catalogue is NOT SIGNED' "$tmp/bad.all" >"$tmp/bad.err"
	if [ "$rc" = 2 ] && [ "$(wc -l <"$tmp/bad.err")" = 1 ] &&
		[ ! -s "$tmp/bad.out" ] && grep -qF -- "$2" "$tmp/bad.err"; then
		ok "bad inventory $1: exit 2, one line '$2'"
	else
		not_ok "bad inventory $1: exit 2 (got $rc), one line '$2'" \
			"$(cat "$tmp/bad.err")"
	fi
}
head -n $((n - 1)) "$good" >"$tmp/bad-truncated.inv"
bad truncated "bad-truncated.inv:$((n - 1)):1: no end line after line $((n - 1)): the inventory is truncated"
head -n $((n - 3)) "$good" >"$tmp/bad-spliced.inv"
tail -n 1 "$good" >>"$tmp/bad-spliced.inv"
bad spliced "bad-spliced.inv:$((n - 2)):"
{ head -n 2 "$good"; echo '{"kind":"package","name":"x",'; tail -n 1 "$good"; } \
	>"$tmp/bad-json.inv"
bad json "bad-json.inv:3:"
{ head -n 1 "$good"; echo '{"kind":"package","name":"x","colour":"red"}'; } \
	>"$tmp/bad-field.inv"
bad field 'bad-field.inv:2:30: "colour": not a field of an inventory record'
{ head -n 1 "$good"; echo '{"kind":"gadget","name":"x"}'; } >"$tmp/bad-kind.inv"
bad kind 'bad-kind.inv:2:2: "kind": not a record kind'
{ head -n 1 "$good"; echo '{"kind":"file","name":"/x","sha256":"zz"}'; } \
	>"$tmp/bad-sha.inv"
bad sha 'bad-sha.inv:2:'
{ head -n 1 "$good"; echo '{"kind":"file","name":{"hex":"2f00"}}'; } \
	>"$tmp/bad-nul.inv"
bad nul '"name": hex: not the hex digits of bytes other than NUL'
{ head -n 1 "$good"; echo '{"kind":"file","name":"/a\u0000b"}'; } \
	>"$tmp/bad-nul2.inv"
bad nul2 'bad-nul2.inv:2:33: not JSON: '
sed '1s/"inventory_schema":1/"inventory_schema":2/' "$good" >"$tmp/bad-schema.inv"
bad schema 'inventory schema 2 is not supported (this voorzorg reads schema 1)'
# A field inside host: the column is the field's, not the line's.
sed '1s/"host":{"live":false,/&"machine_id":"$(reboot)",/' "$good" \
	>"$tmp/bad-machine.inv"
col=$(head -n 1 "$tmp/bad-machine.inv" | "$py" -c 'import sys
print(sys.stdin.read().index("\"machine_id\":\"$(") + 1)')
bad machine "bad-machine.inv:1:$col: \"machine_id\": not a machine-id"
echo '{"format":"something-else"}' >"$tmp/bad-format.inv"
bad format 'bad-format.inv:1:1: not a voorzorg inventory'
: >"$tmp/bad-empty.inv"
bad empty 'bad-empty.inv:1:1: empty: not an inventory'
{ head -n 1 "$good"; printf '{"kind":"file","name":"/%*s"}\n' 1100000 x; } \
	>"$tmp/bad-long.inv"
bad long 'bad-long.inv:2:1: a line longer than 1048576 bytes'
{ cat "$good"; echo '{"kind":"file","name":"/late"}'; } >"$tmp/bad-after.inv"
bad after "bad-after.inv:$((n + 1)):1: content after the end line"
bad missing-file "bad-missing-file.inv: cannot open"

finish
