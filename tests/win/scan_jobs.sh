#!/usr/bin/env bash
#
# tests/win/scan_jobs.sh - the worker pool changes nothing a scan says:
# `scan --jobs 1` (no thread) and `--jobs 4` (and 2, and VOORZORG_JOBS)
# give the same report, byte for byte once its id, times and duration
# are masked, and `collect` the same inventory, record for record in the
# same order:
#   - on every fixture root of tests/scan/mkroots.sh (the scan catalogue)
#     and tests/win/mkfixtures.sh (the bundled catalogue);
#   - on a root built here to make order visible: hundreds of files of a
#     fingerprint's size (hashed), signed PE files, tampered ones (the
#     report lists them in the order the walk met them), broken ones and
#     files named like PE files that are not (problems, whose example is
#     the first path the walk met), spread over many directories, with
#     JSON, text, SARIF and the JSON Lines inventory compared.
# It also checks that the pooled run did the work (files hashed,
# signatures verified, problems counted), so that it compares something.
# Prints "ok - ..." / "not ok - ..." and ends with "N passed, M failed".
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${VZ_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
vz=${VOORZORG:-${VZ_BUILD_ROOT:-$src/build}/src/voorzorg}
py=/usr/bin/python3
bundled=$src/catalog/voorzorg.json
scancat=$src/tests/scan/catalog.json

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

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vz-scan-jobs.XXXXXX") || exit 2
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

if ! bash "$src/tests/scan/mkroots.sh" "$tmp/roots" >"$tmp/mk.log" 2>&1 ||
	! bash "$here/mkfixtures.sh" "$tmp/fx" >>"$tmp/mk.log" 2>&1; then
	not_ok "fixtures build" "$(tail -5 "$tmp/mk.log")"
	echo "$passed passed, $failed failed"
	exit 1
fi
ok "fixtures build"

# The report's id, its times and its duration vary from run to run.
mask() {
	sed -E -e 's/\b[0-9a-f]{32}\b/REPORT-ID/g' \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/TIME/g' \
		-e 's/"elapsed_ms": ?[0-9]+/"elapsed_ms":N/g' \
		-e 's/ in [0-9]+ ms/ in N ms/g' "$1"
}

# run NAME J CMD...: run CMD with --jobs J (its output on stdout, or in
# the file after --output), keep the masked output in $tmp/NAME.J, and
# check the exit status is one a report comes with (0, 1 or 4).
run() {
	local name=$1 j=$2 rc
	shift 2
	"$@" --jobs "$j" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	mask "$tmp/out" >"$tmp/$name.$j"
	case $rc in
	0 | 1 | 4) ok "$name --jobs $j: exit $rc" ;;
	*) not_ok "$name --jobs $j: exit 0, 1 or 4 (got $rc)" \
		"$(head -3 "$tmp/err")" ;;
	esac
}

# same NAME CMD...: --jobs 1 and --jobs 4 give the same masked output.
same() {
	local name=$1
	shift
	mkdir -p "$tmp/$(dirname "$name")"
	run "$name" 1 "$@"
	run "$name" 4 "$@"
	if [ ! -s "$tmp/$name.1" ]; then
		not_ok "$name: no output to compare"
	elif cmp -s "$tmp/$name.1" "$tmp/$name.4"; then
		ok "$name: --jobs 1 and --jobs 4 give the same output"
	else
		not_ok "$name: --jobs 1 and --jobs 4 differ" \
			"$(diff "$tmp/$name.1" "$tmp/$name.4" | head -10)"
	fi
}

for r in dpkg residue present rpm decoy robust archives; do
	same "roots/$r" "$vz" scan --root "$tmp/roots/$r" --catalog "$scancat" \
		--allow-unsigned --sector central-government --format json
done
for r in win-installed win-removed win-clean win-embedded win-corrupt \
	mac-installed mac-removed mac-clean; do
	same "fx/$r" "$vz" scan --root "$tmp/fx/$r" --catalog "$bundled" \
		--sector central-government --format json
done
same "fx/pe-artefacts" "$vz" scan "$tmp/fx/pe" --catalog "$bundled" \
	--format json

# ---- a root where order shows ----------------------------------------
many=$tmp/many
"$py" - "$tmp/fx" "$many" "$bundled" "$scancat" "$tmp/many.json" <<'PY'
import json, os, shutil, sys
fx, root, bundled, scancat, out = sys.argv[1:6]
pe = os.path.join(fx, "pe")
kinds = ["signed.exe", "tampered.exe", "badsig.exe", "corrupt.exe",
         "truncated.exe", "other-signer.exe", "unsigned.exe"]
daemon = (b"#!/bin/sh\n# voorzorg test fixture: stands in for the KESL "
          b"daemon binary.\nexit 0\n")
assert len(daemon) == 80
# Files of 40,000 bytes: large enough to be hashed by the workers (the
# walk hashes small ones itself); one of them matches a fingerprint.
big = lambda d, i: (b"%07d-%07d|" % (d, i)) * 2500
import hashlib
for d in range(40):
    dd = os.path.join(root, "d%02d" % d, "sub")
    os.makedirs(dd)
    for i in range(12):
        # A fingerprint's size, mostly other content: hashed, no match.
        body = daemon if (d * 12 + i) % 97 == 0 else (b"%079d\n" % (d * i))
        open(os.path.join(dd, "f%02d.bin" % i), "wb").write(body)
    for i in range(2):
        open(os.path.join(dd, "big%d.dat" % i), "wb").write(big(d, i))
    k = kinds[d % len(kinds)]
    shutil.copy(os.path.join(pe, k), os.path.join(dd, "p%02d-%s" % (d, k)))
    open(os.path.join(dd, "notpe%02d.dll" % d), "w").write("text\n")
    open(os.path.join(root, "d%02d" % d, "z.txt"), "w").write("z\n")
cat = json.load(open(bundled))
src = json.load(open(scancat))
fp = [f for p in src["products"] for f in p.get("fingerprints", [])
      if f["kind"] == "file-hash"][0]
fp = dict(fp, sources=[cat["sources"][0]["id"]])
prod = [p for p in cat["products"]
        if p["id"] == "kaspersky-endpoint-security-linux"][0]
prod["fingerprints"].append(fp)
assert len(big(23, 1)) == 40000
prod["fingerprints"].append(dict(
    fp, sha256=hashlib.sha256(big(23, 1)).hexdigest(), size=40000))
json.dump(cat, open(out, "w"), indent=1)
PY
mcat=$tmp/many.json
for f in json text sarif; do
	same "many-$f" "$vz" scan --root "$many" --catalog "$mcat" \
		--allow-unsigned --sector central-government --format "$f"
done
# collect ARGS...: the inventory on stdout, collect's exit status.
collect() {
	rm -f "$tmp/inv.jsonl"
	"$vz" collect "$@" --output "$tmp/inv.jsonl" || return
	cat "$tmp/inv.jsonl"
}
same "many-inventory" collect --root "$many" --catalog "$mcat" \
	--allow-unsigned

run many.2 2 "$vz" scan --root "$many" --catalog "$mcat" --allow-unsigned \
	--sector central-government --format json
cp "$tmp/out" "$tmp/out.2"
VOORZORG_JOBS=4 "$vz" scan --root "$many" --catalog "$mcat" \
	--allow-unsigned --sector central-government --format json \
	>"$tmp/out.e" 2>"$tmp/err"
rc=$?
case $rc in
0 | 1 | 4) ok "many, VOORZORG_JOBS=4: exit $rc" ;;
*) not_ok "many, VOORZORG_JOBS=4: exit 0, 1 or 4 (got $rc)" \
	"$(head -3 "$tmp/err")" ;;
esac
mask "$tmp/out.e" >"$tmp/many.e"
if cmp -s "$tmp/many-json.1" "$tmp/many.2.2" &&
	cmp -s "$tmp/many-json.1" "$tmp/many.e"; then
	ok "many: --jobs 2 and VOORZORG_JOBS=4 give the same report as 1"
else
	not_ok "many: --jobs 2 or VOORZORG_JOBS=4 differ from --jobs 1" \
		"$(diff "$tmp/many-json.1" "$tmp/many.2.2" | head -5)" \
		"$(diff "$tmp/many-json.1" "$tmp/many.e" | head -5)"
fi

# The pooled run did the work the comparison is about.
got=$("$py" - "$tmp/out.e" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["stats"]
reasons = sorted({p["reason"] for p in s["problems"]})
print(s["hashed_files"], s["verified_signatures"],
      len(d.get("tampered", [])), len(reasons), len(d["findings"]) >= 1)
PY
)
# 40 directories of 12 small and 2 large files of the fingerprints'
# sizes; a copy of one
# of 7 PE files each (signed, tampered and badsig verified: 18; the two
# changed ones tampered: 12); 3 reasons (corrupt, truncated, not a PE).
if [ "$got" = "560 18 12 3 True" ]; then
	ok "many: 560 files hashed, 18 signatures verified, 12 tampered, 3 reasons of problems"
else
	not_ok "many: the work was not done as expected" "got: $got"
fi

"$vz" scan --root "$many" --catalog "$mcat" --allow-unsigned --jobs 0 \
	>/dev/null 2>"$tmp/j0.err"
rc=$?
if [ "$rc" = 2 ] && grep -q -- "--jobs '0'" "$tmp/j0.err"; then
	ok "--jobs 0 is a usage error (exit 2)"
else
	not_ok "--jobs 0 is a usage error (got $rc)" "$(cat "$tmp/j0.err")"
fi
VOORZORG_JOBS=many "$vz" scan --root "$many" --catalog "$mcat" \
	--allow-unsigned >/dev/null 2>"$tmp/je.err"
rc=$?
if [ "$rc" = 2 ] && grep -q "VOORZORG_JOBS 'many'" "$tmp/je.err"; then
	ok "VOORZORG_JOBS=many is a usage error (exit 2)"
else
	not_ok "VOORZORG_JOBS=many is a usage error (got $rc)" \
		"$(cat "$tmp/je.err")"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
