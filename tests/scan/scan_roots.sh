#!/usr/bin/env bash
#
# tests/scan/scan_roots.sh - `voorzorg scan --root` on the fixture roots
# of mkroots.sh: exactly the expected findings with their evidence
# (golden JSON in tests/scan/golden/, volatile fields normalised), no
# finding on the decoys, robustness (unreadable directory, links out of
# the root, loops, a 300-level tree, a non-UTF-8 name, a sparse 200 GB
# file, a corrupt status file), exit codes and --fail-on, the text and
# SARIF writers, --output atomicity, and that nothing in a root changes.
#
# VZ_UPDATE_GOLDEN=1 rewrites the golden files (review them by eye).
# Prints "ok - ..." / "not ok - ..." and ends with "N passed, M failed".
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${VZ_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
vz=${VOORZORG:-${VZ_BUILD_ROOT:-$src/build}/src/voorzorg}
cat=$src/tests/scan/catalog.json
golden=$src/tests/scan/golden
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

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vz-scan-roots.XXXXXX") || exit 2
cleanup() {
	chmod -R u+rwx "$tmp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
roots=$tmp/roots

if ! bash "$here/mkroots.sh" "$roots" >"$tmp/mkroots.log" 2>>"$tmp/stderr.log"; then
	not_ok "fixture roots build" "$(tail -5 "$tmp/mkroots.log")"
	echo "$passed passed, $failed failed"
	exit 1
fi
ok "fixture roots build"

# Normalise a JSON report: time, duration, version and the temporary
# root path vary from run to run; nothing else may.
normalise() {
	"$py" - "$1" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
root = sys.argv[2]
def walk(v):
    if isinstance(v, dict):
        return {k: walk(x) for k, x in v.items()}
    if isinstance(v, list):
        return [walk(x) for x in v]
    if isinstance(v, str):
        return v.replace(root, "<root>")
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

# manifest ROOT: every entry with type, size, mode and mtime.
manifest() {
	find "$1" -printf '%y %s %m %T@ %p -> %l\n' 2>/dev/null | sort
}

# scan NAME EXPECTED_EXIT [extra args]: scan a root, compare with golden.
scan() {
	local name=$1 want=$2 r=$roots/$1 rc
	shift 2
	manifest "$r" >"$tmp/$name.before"
	"$vz" scan --root "$r" --catalog "$cat" --allow-unsigned \
		--sector central-government --format json "$@" \
		>"$tmp/$name.json" 2>"$tmp/$name.err"
	rc=$?
	check "$name: exit $want (got $rc)" test "$rc" = "$want"
	if ! normalise "$tmp/$name.json" "$r" >"$tmp/$name.norm"; then
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
	manifest "$r" >"$tmp/$name.after"
	check "$name: the root is unchanged by the scan" \
		cmp -s "$tmp/$name.before" "$tmp/$name.after"
}

jq_py() { # jq_py FILE EXPR: evaluate a Python expression on the doc `d`
	"$py" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

scan dpkg 1
scan residue 1
scan present 1
scan rpm 1
scan decoy 0

check "dpkg: kesl installed" test "$(jq_py "$tmp/dpkg.json" \
	'[(f["product_id"], f["state"]) for f in d["findings"]]')" = \
	"[('kaspersky-endpoint-security-linux', 'installed')]"
check "residue: state residue" test "$(jq_py "$tmp/residue.json" \
	'[f["state"] for f in d["findings"]]')" = "['residue']"
check "present: state present" test "$(jq_py "$tmp/present.json" \
	'[f["state"] for f in d["findings"]]')" = "['present']"
check "rpm: kav4fs and the agent installed from the sqlite rpmdb" \
	test "$(jq_py "$tmp/rpm.json" \
	'sorted((f["product_id"], f["state"]) for f in d["findings"])')" = \
	"[('kaspersky-anti-virus-linux-file-server', 'installed'), ('kaspersky-network-agent', 'installed')]"
check "rpm: the uncovered agent does not need action" test \
	"$(jq_py "$tmp/rpm.json" '[f["needs_action"] for f in d["findings"] if f["measure"] is None]')" = "[False]"
check "decoy: no finding" test "$(jq_py "$tmp/decoy.json" 'len(d["findings"])')" = 0
check "decoy: the same-size file was hashed (and did not match)" test \
	"$(jq_py "$tmp/decoy.json" 'd["stats"]["hashed_files"]')" = 1

# ---- robustness: scanned as a user to whom /locked is closed -------
runas=()
if [ "$(id -u)" = 0 ]; then
	# Its own state directory too: the build tree's may be closed to
	# nobody (a checkout under a private directory, as mktemp -d makes).
	mkdir -p "$tmp/bin" "$tmp/state"
	chown 65534:65534 "$tmp/state"
	runas=(setpriv --reuid=65534 --regid=65534 --clear-groups
		env VOORZORG_STATE_DIR="$tmp/state")
	cp "$vz" "$tmp/bin/voorzorg"
	cp "$cat" "$tmp/bin/catalog.json"
	chmod -R a+rX "$tmp/bin"
	chmod a+rx "$tmp"
	rvz=$tmp/bin/voorzorg
	rcat=$tmp/bin/catalog.json
else
	rvz=$vz
	rcat=$cat
fi
r=$roots/robust
manifest "$r" >"$tmp/robust.before"
start=$(date +%s)
"${runas[@]}" timeout 120 "$rvz" scan --root "$r" --catalog "$rcat" --allow-unsigned \
	--sector central-government --format json >"$tmp/robust.json" \
	2>"$tmp/robust.err"
rc=$?
secs=$(( $(date +%s) - start ))
check "robust: exit 1 (got $rc)" test "$rc" = 1
check "robust: finishes quickly (${secs}s)" test "$secs" -lt 60
if normalise "$tmp/robust.json" "$r" >"$tmp/robust.norm"; then
	[ -n "${VZ_UPDATE_GOLDEN:-}" ] && cp "$tmp/robust.norm" "$golden/robust.json"
	if diff -u "$golden/robust.json" "$tmp/robust.norm" >"$tmp/robust.diff"; then
		ok "robust: findings and stats as in golden/robust.json"
	else
		not_ok "robust: differs from golden/robust.json" "$(head -40 "$tmp/robust.diff")"
	fi
	check "robust: the unreadable directory is counted, by name" test \
		"$(jq_py "$tmp/robust.json" '[(p["reason"], p["example"]) for p in d["stats"]["problems"] if p["kind"] == "unreadable" and p["collector"] == "files"]')" = \
		"[('Permission denied', '/locked')]"
	check "robust: the corrupt status file is counted, the valid entry found" \
		test "$(jq_py "$tmp/robust.json" '[p["count"] for p in d["stats"]["problems"] if p["reason"] == "malformed dpkg status entry"] + [e["item"] for f in d["findings"] for e in f["evidence"] if e["kind"] == "package"]')" = \
		"[4, 'kesl']"
	check "robust: the file 300 levels deep is found" test \
		"$(jq_py "$tmp/robust.json" 'sum(1 for f in d["findings"] for e in f["evidence"] if e["item"].count("/") == 302)')" = 1
	check "robust: the non-UTF-8 name is reported, escaped" test \
		"$(jq_py "$tmp/robust.json" '[e["item"] for f in d["findings"] for e in f["evidence"] if "caf" in e["item"]]')" = \
		"['/caf\\\\xe9-\\\\xff.bin']"
	check "robust: the sparse 200 GB file is never read" test \
		"$(jq_py "$tmp/robust.json" 'd["stats"]["hashed_bytes"]')" = 160
	check "robust: no link was followed out of the root" test \
		"$(jq_py "$tmp/robust.json" 'd["stats"]["symlinks"]')" = 5
else
	not_ok "robust: JSON report parses" "$(head -3 "$tmp/robust.err")"
fi
manifest "$r" >"$tmp/robust.after"
check "robust: the root is unchanged by the scan" \
	cmp -s "$tmp/robust.before" "$tmp/robust.after"

# ---- coverage: never "clean" without a look ---------------------------
check "robust: incomplete, the malformed status entries named" test \
	"$(jq_py "$tmp/robust.json" '(d["coverage"]["verdict"], [r[:40] for r in d["coverage"]["reasons"]], [c["status"] for c in d["coverage"]["collectors"] if c["name"] in ("dpkg", "files")])')" = \
	"('incomplete', ['dpkg: not all of it could be read: /var/'], ['partial', 'partial'])"
"${runas[@]}" "$rvz" scan --root "$r" --catalog "$rcat" --allow-unsigned \
	--fail-on never >"$tmp/robust-never.txt" 2>/dev/null
rc=$?
check "robust with --fail-on never: exit 4, incomplete (got $rc)" test "$rc" = 4
check "robust text: the verdict says INCOMPLETE with its reason" \
	grep -q '^Coverage: INCOMPLETE.*' "$tmp/robust-never.txt"
check "robust text: the reason names the status file" \
	grep -q '^  - dpkg: not all of it could be read: /var/lib/dpkg/status' \
	"$tmp/robust-never.txt"
# An unreadable directory alone does not hide a package database, unless
# --strict says every unreadable item counts.
locked=$tmp/locked-root
mkdir -p "$locked/etc" "$locked/secret"
echo "fixture-locked" >"$locked/etc/hostname"
chmod 000 "$locked/secret"
chmod a+rx "$tmp"
"${runas[@]}" "$rvz" scan --root "$locked" --catalog "$rcat" --allow-unsigned \
	>"$tmp/locked.txt" 2>/dev/null
rc=$?
if [ "$(id -u)" = 0 ] || [ ! -r "$locked/secret" ]; then
	check "unreadable directory, default: exit 0 (got $rc)" test "$rc" = 0
	check "unreadable directory, default: complete, the item counted" \
		grep -q '^Coverage: complete.*--strict counts them' "$tmp/locked.txt"
	"${runas[@]}" "$rvz" scan --root "$locked" --catalog "$rcat" \
		--allow-unsigned --strict --format json >"$tmp/locked.json" 2>/dev/null
	rc=$?
	check "unreadable directory, --strict: exit 4 (got $rc)" test "$rc" = 4
	check "unreadable directory, --strict: the reason names it" test \
		"$(jq_py "$tmp/locked.json" 'd["coverage"]["reasons"]')" = \
		"['files: unreadable (--strict): /secret: Permission denied']"
fi
chmod 700 "$locked/secret"
check "decoy: complete, every collector ran or did not apply" test \
	"$(jq_py "$tmp/decoy.json" '(d["coverage"]["verdict"], sorted(set(c["status"] for c in d["coverage"]["collectors"])))')" = \
	"('complete', ['not-applicable', 'ran'])"
# An unreadable package database: the dpkg collector failed, not "ran".
cp -a "$roots/decoy" "$tmp/nodb"
chmod 000 "$tmp/nodb/var/lib/dpkg/status"
"${runas[@]}" "$rvz" scan --root "$tmp/nodb" --catalog "$rcat" --allow-unsigned \
	--format json >"$tmp/nodb.json" 2>/dev/null
rc=$?
check "unreadable dpkg status: exit 4 (got $rc)" test "$rc" = 4
check "unreadable dpkg status: dpkg failed, named" test \
	"$(jq_py "$tmp/nodb.json" '([c["status"] for c in d["coverage"]["collectors"] if c["name"] == "dpkg"], d["coverage"]["reasons"])')" = \
	"(['failed'], ['dpkg: could not be examined: /var/lib/dpkg/status: Permission denied'])"

# ---- exit codes and --fail-on ----------------------------------------
fail_on() { # fail_on ROOT LEVEL WANT [args]
	local root=$1 lvl=$2 want=$3 rc
	shift 3
	"$vz" scan --root "$roots/$root" --catalog "$cat" --allow-unsigned --fail-on "$lvl" \
		"$@" >/dev/null 2>"$tmp/failon.err"
	rc=$?
	check "--fail-on $lvl on $root $*: exit $want (got $rc)" test "$rc" = "$want"
}
fail_on dpkg never 0
fail_on dpkg any 1
fail_on dpkg high 1
fail_on dpkg medium 1
fail_on decoy any 0
fail_on dpkg nonsense 2
check "--fail-on with an unknown level names it" grep -q '"nonsense"' "$tmp/failon.err"
fail_on dpkg action 0 --sector other
fail_on dpkg action 1 --sector vital
"$vz" scan --root "$roots/dpkg" --catalog "$cat" --allow-unsigned --sector nowhere >/dev/null 2>"$tmp/sector.err"
check "unknown sector: exit 2" test $? = 2
check "unknown sector: named on stderr, with the valid ones" grep -q "unknown sector 'nowhere'; the catalogue's sectors are central-government, vital" "$tmp/sector.err"
"$vz" scan --root "$roots/nonexistent" --catalog "$cat" --allow-unsigned >/dev/null 2>&1
check "missing root: exit 2" test $? = 2
"$vz" scan --root "$roots/dpkg" --catalog "$cat" --allow-unsigned --format xml >/dev/null 2>&1
check "unknown format: exit 2" test $? = 2

# ---- writers -----------------------------------------------------------
"$vz" scan --root "$roots/dpkg" --catalog "$cat" --allow-unsigned --sector central-government \
	>"$tmp/dpkg.txt" 2>>"$tmp/stderr.log"
check "text: exit 1 (got $?)" test $? = 1
check "text: the table, the action and the next step" \
	grep -q 'dpkg --root .* --purge kesl kesl-gui' "$tmp/dpkg.txt"
"$vz" scan --root "$roots/rpm" --catalog "$cat" --allow-unsigned --sector central-government \
	--format sarif >"$tmp/rpm.sarif" 2>>"$tmp/stderr.log"
check "sarif: exit 1 (got $?)" test $? = 1
check "sarif: version 2.1.0, one result per finding, rules match" test \
	"$(jq_py "$tmp/rpm.sarif" '(d["version"], len(d["runs"][0]["results"]), [r["ruleId"] for r in d["runs"][0]["results"]] == [x["id"] for x in d["runs"][0]["tool"]["driver"]["rules"]], d["runs"][0]["results"][0]["level"])')" = \
	"('2.1.0', 2, True, 'error')"
"$vz" scan --root "$roots/robust" --catalog "$cat" --allow-unsigned --format sarif \
	>"$tmp/robust.sarif" 2>>"$tmp/stderr.log"
check "sarif on the robust root: exit 1 (got $?)" test $? = 1
check "sarif: a non-UTF-8 path is a percent-encoded URI" \
	grep -q 'caf%E9-%FF.bin' "$tmp/robust.sarif"

# The report contract (docs/report.md): live output, every format.
schema=$src/docs/schema/report.schema.json
val=$src/tests/integration/validate_report.py
for n in dpkg rpm decoy present residue; do
	check "$n: the JSON report holds to the schema" \
		"$py" "$val" "$schema" --json "$tmp/$n.json"
done
check "robust: the JSON report holds to the schema" \
	"$py" "$val" "$schema" --json "$tmp/robust.json"
"$vz" scan --root "$roots/rpm" --catalog "$cat" --allow-unsigned --sector central-government \
	--format jsonl >"$tmp/rpm.jsonl" 2>>"$tmp/stderr.log"
check "jsonl: exit 1 (got $?)" test $? = 1
check "jsonl: every line holds to the schema" \
	"$py" "$val" "$schema" --jsonl "$tmp/rpm.jsonl"
check "jsonl: one line per finding, then the summary, one report id" test \
	"$("$py" -c 'import json,sys; L=[json.loads(l) for l in open(sys.argv[1])]; print([l["type"] for l in L], len({l["report_id"] for l in L}), L[-1]["coverage"]["verdict"])' "$tmp/rpm.jsonl")" = \
	"['finding', 'finding', 'summary'] 1 complete"
"$vz" scan --root "$roots/rpm" --catalog "$cat" --allow-unsigned --sector central-government \
	--format csv >"$tmp/rpm.csv" 2>>"$tmp/stderr.log"
check "csv: exit 1 (got $?)" test $? = 1
check "csv: a header and one row per finding, RFC 4180" test \
	"$("$py" -c 'import csv,sys; R=list(csv.DictReader(open(sys.argv[1], newline=""))); print(len(R), sorted(r["product_id"] for r in R), R[0]["state"])' "$tmp/rpm.csv")" = \
	"2 ['kaspersky-anti-virus-linux-file-server', 'kaspersky-network-agent'] installed"
check "csv: CRLF line ends" test "$(head -1 "$tmp/rpm.csv" | od -c | grep -c '\\r')" = 1
"${runas[@]}" "$rvz" scan --root "$roots/robust" --catalog "$rcat" --allow-unsigned \
	--format csv >"$tmp/robust.csv" 2>/dev/null
check "csv of the robust root: exit 1 (got $?)" test $? = 1
check "csv: an incomplete scan ends with an 'incomplete' row" test \
	"$("$py" -c 'import csv,sys; R=list(csv.DictReader(open(sys.argv[1], newline=""))); print(R[-1]["state"], R[-1]["note"][:4])' "$tmp/robust.csv")" = \
	"incomplete dpkg"
# A host name that a spreadsheet would run as a formula is defused.
cp -a "$roots/dpkg" "$tmp/formula"
printf '=HYPERLINK("http://x")\n' >"$tmp/formula/etc/hostname"
"$vz" scan --root "$tmp/formula" --catalog "$cat" --allow-unsigned --format csv \
	>"$tmp/formula.csv" 2>/dev/null
check "csv with a formula host name: exit 1 (got $?)" test $? = 1
check "csv: a cell starting with = gets an apostrophe" \
	grep -q "\"'=HYPERLINK(\"\"http://x\"\")\"" "$tmp/formula.csv"
# --output - is standard output, never a file named "-".
(cd "$tmp" && "$vz" scan --root "$roots/decoy" --catalog "$cat" --allow-unsigned \
	--format json --output - >"$tmp/dash.json" 2>/dev/null)
check "--output -: exit 0 (got $?)" test $? = 0
check "--output -: the report on standard output" \
	"$py" "$val" "$schema" --json "$tmp/dash.json"
check "--output -: no file named '-'" test ! -e "$tmp/-"
# Host identity from inside the root: machine-id and /etc/hosts.
cp -a "$roots/decoy" "$tmp/ident"
echo 0123456789abcdef0123456789abcdef >"$tmp/ident/etc/machine-id"
echo fixture-decoy >"$tmp/ident/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1\tfixture-decoy.example.nl fixture-decoy\n' \
	>"$tmp/ident/etc/hosts"
"$vz" scan --root "$tmp/ident" --catalog "$cat" --allow-unsigned --format json \
	>"$tmp/ident.json" 2>/dev/null
check "host identity: exit 0 (got $?)" test $? = 0
check "host: machine-id and FQDN of the root, not of this machine" test \
	"$(jq_py "$tmp/ident.json" '(d["host"]["machine_id"], d["host"]["hostname"], d["host"]["fqdn"])')" = \
	"('0123456789abcdef0123456789abcdef', 'fixture-decoy', 'fixture-decoy.example.nl')"
echo '$(reboot)' >"$tmp/ident/etc/machine-id"
"$vz" scan --root "$tmp/ident" --catalog "$cat" --allow-unsigned --format json \
	>"$tmp/ident.json" 2>/dev/null
check "host identity: exit 0 (got $?)" test $? = 0
check "host: a malformed machine-id is not reported" test \
	"$(jq_py "$tmp/ident.json" 'd["host"]["machine_id"]')" = None
"$vz" scan --root "$roots/rpm" --catalog "$cat" --allow-unsigned --format sarif \
	>"$tmp/rpm2.sarif" 2>/dev/null
check "sarif, second run: exit 1 (got $?)" test $? = 1
a=$("$py" -c 'import json,sys; print([r["partialFingerprints"] for r in json.load(open(sys.argv[1]))["runs"][0]["results"]])' "$tmp/rpm2.sarif")
b=$("$py" -c 'import json,sys; print([r["partialFingerprints"] for r in json.load(open(sys.argv[1]))["runs"][0]["results"]])' "$tmp/rpm.sarif")
check "sarif: partialFingerprints, the same in two runs" test "$a" = "$b"
check "sarif: one fingerprint per result, distinct" test \
	"$("$py" -c 'import json,sys; R=json.load(open(sys.argv[1]))["runs"][0]["results"]; print(len({r["partialFingerprints"]["voorzorgHostProduct/v1"] for r in R}) == len(R) == 2)' "$tmp/rpm.sarif")" = True

# ---- what a user hands in: a root without --root, archives ---------------
"$vz" scan "$roots/dpkg" --catalog "$cat" --allow-unsigned --format json \
	>"$tmp/posroot.json" 2>"$tmp/posroot.err"
rc=$?
check "a root given as a PATH is scanned as --root: exit 1 (got $rc)" test "$rc" = 1
check "... installed, as with --root, and the note names --root" test \
	"$(jq_py "$tmp/posroot.json" '[(f["product_id"], f["state"]) for f in d["findings"]]'; grep -c 'scanning it as --root' "$tmp/posroot.err")" = \
	"[('kaspersky-endpoint-security-linux', 'installed')]
1"
"$vz" scan "$roots/dpkg" "$roots/archives/decoy-root.tar" --catalog "$cat" \
	--allow-unsigned >/dev/null 2>"$tmp/posroot2.err"
rc=$?
check "a root among other PATHs: exit 2 (got $rc)" test "$rc" = 2
check "a root among other PATHs: refused, exit 2 (got $rc), naming --root" \
	grep -q 'holds a root filesystem (var/lib/dpkg/status): scan it with --root' \
	"$tmp/posroot2.err"
arch() { # arch FILE WANT_EXIT WANT_FINDINGS
	local f=$roots/archives/$1 rc
	"$vz" scan "$f" --catalog "$cat" --allow-unsigned --sector central-government \
		--format json >"$tmp/arch.json" 2>"$tmp/arch.err"
	rc=$?
	check "archive $1: exit $2 (got $rc)" test "$rc" = "$2"
	check "archive $1: $3" test "$(jq_py "$tmp/arch.json" \
		'[(f["product_id"], f["state"], sorted({e["source"].split(" ", 1)[0] for e in f["evidence"]})) for f in d["findings"]]' 2>&1)" = "$3"
	check "archive $1: the evidence names the archive" test \
		"$("$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(all(e["source"].startswith("archive " + sys.argv[2]) for f in d["findings"] for e in f["evidence"]))' "$tmp/arch.json" "$f" 2>&1)" = True
}
kesl="[('kaspersky-endpoint-security-linux', 'present', ['archive'])]"
arch kesl_12.1.0-1297_all.deb 1 "$kesl"
arch dpkg-root.tar 1 "$kesl"
arch dpkg-root.tar.gz 1 "$kesl"
arch dpkg-root.tar.xz 1 "$kesl"
arch nested.tar 1 "$kesl"
arch present-root.cpio 1 "$kesl"
arch present-root.zip 1 "$kesl"
arch present-root.iso 1 "$kesl"
arch kav4fs-8.0.4-312.noarch.rpm 1 "[('kaspersky-anti-virus-linux-file-server', 'present', ['archive'])]"
arch decoy-root.tar 0 "[]"
"$vz" scan "$roots/archives/kesl_12.1.0-1297_all.deb" --catalog "$cat" \
	--allow-unsigned --format json >"$tmp/deb.json" 2>/dev/null
check "archive .deb, JSON: exit 1 (got $?)" test $? = 1
check "archive: the daemon inside the .deb was hashed and matched" test \
	"$(jq_py "$tmp/deb.json" '(d["stats"]["hashed_files"], [e["item"] for f in d["findings"] for e in f["evidence"] if e["kind"] == "file-hash"])')" = \
	"(1, ['/opt/kaspersky/kesl/libexec/kesl'])"
"$vz" scan "$roots/archives/truncated.tar" --catalog "$cat" --allow-unsigned \
	>"$tmp/trunc.out" 2>"$tmp/trunc.err"
rc=$?
check "a truncated archive: exit 2 (got $rc), never a clean result" test "$rc" = 2
check "a truncated archive: one line naming the file" test \
	"$(grep -v 'NOT SIGNED' "$tmp/trunc.err")" = \
	"voorzorg: $roots/archives/truncated.tar: cannot read the archive: Truncated tar archive"
check "a truncated archive: nothing on stdout" test ! -s "$tmp/trunc.out"
# A member that names itself with ".." is read at its normalised place,
# never above the archive's root.
"$py" - "$tmp/dotdot.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    data = b"kesl-control\n"
    ti = tarfile.TarInfo("../../opt/kaspersky/kesl/bin/kesl-control")
    ti.size = len(data)
    t.addfile(ti, io.BytesIO(data))
PY
"$vz" scan "$tmp/dotdot.tar" --catalog "$cat" --allow-unsigned --format json \
	>"$tmp/dotdot.json" 2>/dev/null
rc=$?
check "a member named ../../opt/...: exit 1 (got $rc)" test "$rc" = 1
check "a member named ../../opt/...: found at /opt/..." test \
	"$(jq_py "$tmp/dotdot.json" '[e["item"] for f in d["findings"] for e in f["evidence"]]')" = \
	"['/opt/kaspersky/kesl/bin/kesl-control']"
# A decompression bomb: a member that says it expands to 8 GB in an
# archive of a few kilobytes is not read, counted, and the scan says
# incomplete (exit 4), rather than spend minutes or lose the scan.
truncate -s 8G "$tmp/zeros.img"
tar -C "$tmp" -S -czf "$tmp/bomb.tar.gz" zeros.img
rm -f "$tmp/zeros.img"
"$vz" scan "$tmp/bomb.tar.gz" --catalog "$cat" --allow-unsigned --format json \
	>"$tmp/bomb.json" 2>/dev/null
rc=$?
check "a decompression bomb: exit 4 (got $rc)" test "$rc" = 4
check "a decompression bomb: named as the reason" test \
	"$(jq_py "$tmp/bomb.json" '[r.split(": ")[3] for r in d["coverage"]["reasons"]]')" = \
	"['expands beyond its budget (a decompression bomb?)']"

# A root whose name is shell syntax is quoted in every suggested command.
evil="$tmp/vol 1;\$(touch pwned)'x"
cp -a "$roots/dpkg" "$evil"
"$vz" scan --root "$evil" --catalog "$cat" --allow-unsigned --sector central-government \
	--format json >"$tmp/evil.json" 2>/dev/null
check "a root named as shell syntax: exit 1 (got $?)" test $? = 1
cmdline=$(jq_py "$tmp/evil.json" '[s for f in d["findings"] for s in f["next_steps"] if "dpkg --root" in s][0].split(": ", 1)[1]')
(cd "$tmp" && bash -c "set -- $(printf '%s' "$cmdline" | sed 's/^dpkg //')
	[ \"\$2\" = \"\$0\" ] || true; printf '%s\n' \"\$2\"" "$evil" >"$tmp/evil.arg" 2>&1)
check "a root named as shell syntax is one quoted word in the next step" \
	test "$(cat "$tmp/evil.arg")" = "$evil"
check "... and nothing in it ran" test ! -e "$tmp/pwned"

# ---- us measure (foreign), with deadlines ---------------------------
"$py" - "$cat" "$tmp/us.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["assessing_state"] = "us"
json.dump(c, open(sys.argv[2], "w"))
PY
"$vz" scan --root "$roots/dpkg" --catalog "$tmp/us.json" --allow-unsigned \
	--sector central-government --format json >"$tmp/us.out" 2>>"$tmp/stderr.log"
check "us catalogue: exit 1 (got $?)" test $? = 1
check "the catalogue's own state's measure governs, with its deadline" test \
	"$(jq_py "$tmp/us.out" '[(f["measure"]["id"], f["measure"]["deadline"]) for f in d["findings"]]')" = \
	"[('us-2017-bod-17-01', '2017-12-12')]"
check "every deadline of the measure, as the catalogue gives it" test \
	"$(jq_py "$tmp/us.out" '[[(x["verb"], x["date"]) for x in f["measure"]["deadlines"]] for f in d["findings"]]')" = \
	"[[('identify', '2017-10-13'), ('plan', '2017-11-12'), ('complete-removal', '2017-12-12')]]"
# The headline deadline is the last step the measure dates: remove, else
# plan, else identify.
for drop in remove plan; do
	"$py" - "$tmp/us.json" "$drop" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
drop = {"remove": ("complete-removal",),
        "plan": ("complete-removal", "plan")}[sys.argv[2]]
for m in c["measures"]:
    for s in m["sectors"]:
        s["deadlines"] = [d for d in s.get("deadlines", [])
                          if d["verb"] not in drop]
json.dump(c, open(sys.argv[1], "w"))
PY
	"$vz" scan --root "$roots/dpkg" --catalog "$tmp/us.json" --allow-unsigned \
		--sector central-government --format json >"$tmp/us.out" \
		2>>"$tmp/stderr.log"
	check "us catalogue without $drop: exit 1 (got $?)" test $? = 1
	want=$([ "$drop" = remove ] && echo 2017-11-12 || echo 2017-10-13)
	check "without the $drop deadline, the headline is $want" test \
		"$(jq_py "$tmp/us.out" '[f["measure"]["deadline"] for f in d["findings"]]')" = \
		"['$want']"
	"$vz" scan --root "$roots/dpkg" --catalog "$tmp/us.json" --allow-unsigned \
		--sector central-government >"$tmp/us.txt" 2>>"$tmp/stderr.log"
	check "us catalogue without $drop, text: exit 1 (got $?)" test $? = 1
	check "the text report says: deadline $want" grep -q "deadline $want" \
		"$tmp/us.txt"
done

# A product that no measure covers is reported with the latest assessment
# that lists it, by date, not by its place: the 2017 one comes first.
"$py" - "$cat" "$tmp/agent.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
for a in c["assessments"]:
    a["products"].append("kaspersky-network-agent")
c["assessments"].reverse()
json.dump(c, open(sys.argv[2], "w"))
PY
"$vz" scan --root "$roots/rpm" --catalog "$tmp/agent.json" --allow-unsigned \
	--format json >"$tmp/agent.out" 2>>"$tmp/stderr.log"
check "agent assessed twice: exit 1 (got $?)" test $? = 1
check "a product without a measure: the latest assessment listing it" test \
	"$(jq_py "$tmp/agent.out" '[(f["measure"], f["assessment"]["id"]) for f in d["findings"] if f["product_id"] == "kaspersky-network-agent"]')" = \
	"[(None, 'nl-2018-assessment-kaspersky-antivirus')]"

# ---- the evidence cap: 64 pieces kept, the rest counted ---------------------
mkdir -p "$tmp/cap/opt/kaspersky/kesl"
for i in $(seq 0 64); do mkdir "$tmp/cap/opt/kaspersky/kesl/lib$i"; done
"$vz" scan --root "$tmp/cap" --catalog "$cat" --allow-unsigned --format json \
	>"$tmp/cap.json" 2>>"$tmp/stderr.log"
check "65 matching directories: exit 1 (got $?)" test $? = 1
check "65 pieces of evidence: 64 listed, 1 omitted (evidence_omitted)" test \
	"$(jq_py "$tmp/cap.json" '[(len(f["evidence"]), f["evidence_omitted"]) for f in d["findings"]]')" = \
	"[(64, 1)]"
"$vz" scan --root "$tmp/cap" --catalog "$cat" --allow-unsigned \
	>"$tmp/cap.txt" 2>>"$tmp/stderr.log"
check "65 matching directories, text: exit 1 (got $?)" test $? = 1
check "the text report says one more is not listed" \
	grep -q '\.\.\. and 1 more not listed' "$tmp/cap.txt"

# ---- --output --------------------------------------------------------
mkdir -p "$tmp/out"
"$vz" scan --root "$roots/dpkg" --catalog "$cat" --allow-unsigned --format json \
	--output "$tmp/out/report.json" >"$tmp/out.stdout" 2>>"$tmp/stderr.log"
rc=$?
check "--output: exit 1, nothing on stdout" test "$rc" = 1 -a ! -s "$tmp/out.stdout"
check "--output: a complete JSON report" test \
	"$(jq_py "$tmp/out/report.json" 'len(d["findings"])')" = 1
check "--output: no temporary file left" test \
	"$(ls -A "$tmp/out")" = report.json
echo 'previous report' >"$tmp/out/keep.json"
chmod 555 "$tmp/out"
if [ "$(id -u)" = 0 ]; then
	"${runas[@]}" "$rvz" scan --root "$roots/dpkg" --catalog "$rcat" --allow-unsigned \
		--output "$tmp/out/keep.json" >/dev/null 2>"$tmp/out.err"
else
	"$vz" scan --root "$roots/dpkg" --catalog "$cat" --allow-unsigned \
		--output "$tmp/out/keep.json" >/dev/null 2>"$tmp/out.err"
fi
rc=$?
chmod 755 "$tmp/out"
check "--output into an unwritable directory: exit 3 (got $rc)" test "$rc" = 3
check "--output failure: the previous file is untouched" test \
	"$(cat "$tmp/out/keep.json")" = 'previous report'
check "--output failure: no temporary file left" test \
	"$(ls -A "$tmp/out" | tr '\n' ' ')" = 'keep.json report.json '
manifest "$roots/dpkg" >"$tmp/dpkg.before2"
"$vz" scan --root "$roots/dpkg" --catalog "$cat" --allow-unsigned \
	--output "$roots/dpkg/tmp-report.json" >/dev/null 2>&1
check "--output inside the scanned root is refused (exit 2)" test $? = 2
manifest "$roots/dpkg" >"$tmp/dpkg.after2"
check "--output refused: the root is unchanged" \
	cmp -s "$tmp/dpkg.before2" "$tmp/dpkg.after2"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
