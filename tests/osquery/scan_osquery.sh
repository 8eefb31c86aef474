#!/usr/bin/env bash
#
# tests/osquery/scan_osquery.sh - `voorzorg scan --osquery` on result
# files of a Windows, a macOS and a Linux host, written from osquery's
# table schemas (osquery is not packaged for Debian): one JSON object
# keyed by table (windows-host.json), a file per table (macos-host/),
# and Fleet's query-report rows with "columns" (linux-host.json). The
# findings, states and tampered files must be those of golden/*.json;
# bad input is one line naming file, line, column, table and row (exit 2).
#
# VZ_UPDATE_GOLDEN=1 rewrites the golden files (review them by eye).
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${VZ_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
vz=${VOORZORG:-${VZ_BUILD_ROOT:-$src/build}/src/voorzorg}
py=/usr/bin/python3
. "$src/tests/inventory/lib.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vz-osquery.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

normalise() {
	"$py" - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["version"] = "<version>"
d["scanned_at"] = "<time>"
d["stats"]["elapsed_ms"] = 0
# A random id per report; days left count from today.
d["report_id"] = "<report-id>"
# The bundled catalogue is re-signed as it grows; its findings are what
# is checked here.
d["catalog"]["version"] = "<version>"
d["catalog"]["sha256"] = "<sha256>"
for f in d.get("findings", []):
    for x in ((f.get("measure") or {}).get("deadlines") or []):
        if x.get("days_left") is not None:
            x["days_left"] = "<days>"
json.dump(d, sys.stdout, indent=2, ensure_ascii=False)
sys.stdout.write("\n")
PY
}

# host NAME EXPECTED-EXIT ARGS...: scan, compare with golden/NAME.json
host() {
	local name=$1 want=$2 rc
	shift 2
	(cd "$here" && "$vz" scan "$@" --sector central-government \
		--format json) >"$tmp/$name.json" 2>"$tmp/$name.err"
	rc=$?
	eq "$name: exit code" "$rc" "$want"
	if ! normalise "$tmp/$name.json" >"$tmp/$name.norm" 2>/dev/null; then
		not_ok "$name: JSON report" "$(cat "$tmp/$name.err")"
		return
	fi
	[ -n "${VZ_UPDATE_GOLDEN:-}" ] && cp "$tmp/$name.norm" "$here/golden/$name.json"
	if diff -u "$here/golden/$name.json" "$tmp/$name.norm" >"$tmp/$name.diff"; then
		ok "$name: findings, evidence and stats as in golden/$name.json"
	else
		not_ok "$name: differs from golden/$name.json" "$(head -30 "$tmp/$name.diff")"
	fi
}
states() { # states NAME: the (product, state) pairs
	"$py" -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sorted((f["product_id"], f["state"]) for f in d["findings"]))' "$tmp/$1.json"
}
jq_py() { "$py" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

host windows 1 --osquery windows-host.json
# Both run an executable that matched them (a signed file, a file in
# the install location): running, though no process name is in the
# catalogue.
eq "windows: KES and the Network Agent running" "$(states windows)" \
	"[('kaspersky-endpoint-security-windows', 'running'), ('kaspersky-network-agent-windows', 'running')]"
eq "windows: the driver klif from the registry's service keys" \
	"$(jq_py "$tmp/windows.json" '[e["item"] for f in d["findings"] for e in f["evidence"] if e["kind"] == "kernel-module"]')" \
	"['klif']"
eq "windows: the Network Agent's binary is credited by its install location" \
	"$(jq_py "$tmp/windows.json" '[(f["product_id"], e["item"]) for f in d["findings"] for e in f["evidence"] if e["kind"] == "authenticode"]')" \
	"[('kaspersky-endpoint-security-windows', '/Program Files (x86)/Kaspersky Lab/KES.12.4.0/avp.exe'), ('kaspersky-network-agent-windows', '/Program Files (x86)/Kaspersky Lab/NetworkAgent/klnagent.exe')]"
eq "windows: an untrusted copy claiming the vendor's signer is reported, not credited" \
	"$(jq_py "$tmp/windows.json" '[(t["path"], t["state"]) for t in d["tampered"]]')" \
	"[('/Users/Public/Downloads/avp.exe', 'bad-signature')]"
eq "windows: the host from system_info and os_version" \
	"$(jq_py "$tmp/windows.json" '(d["host"]["hostname"], d["host"]["os"])')" \
	"('WS-0207', 'Microsoft Windows 10 Pro 10.0.19045 (build 19045)')"
eq "windows: no decoy is a finding (Kasper Accounting Suite, KasperLabs, Kasper Backup)" \
	"$(jq_py "$tmp/windows.json" '[e["item"] for f in d["findings"] for e in f["evidence"] if "Kasper " in e["item"] or "KasperLabs" in e["item"] or "Kasper\\\\" in e["item"]]')" \
	"[]"

mac=()
for f in "$here"/macos-host/*.json; do mac+=(--osquery "macos-host/$(basename "$f")"); done
host macos 1 "${mac[@]}"
eq "macos: Kaspersky Anti-Virus for Mac installed" "$(states macos)" \
	"[('kaspersky-anti-virus-mac', 'installed')]"
eq "macos: receipt, kext, launchd job, path, bundle ids with the Team ID" \
	"$(jq_py "$tmp/macos.json" 'sorted(set(e["kind"] for f in d["findings"] for e in f["evidence"]))')" \
	"['bundle-id', 'kernel-module', 'package', 'path', 'service']"
eq "macos: a table voorzorg does not read is counted as skipped" \
	"$(jq_py "$tmp/macos.json" '[(p["collector"], p["kind"], p["example"], p["count"]) for p in d["stats"]["problems"]]')" \
	"[('osquery', 'skipped', 'usb_devices', 1)]"
# The order of the files given does not matter.
rev=()
for ((i = ${#mac[@]} - 1; i > 0; i -= 2)); do rev+=(--osquery "${mac[$i]}"); done
(cd "$here" && "$vz" scan "${rev[@]}" --sector central-government \
	--format json) >"$tmp/macos-rev.json" 2>/dev/null
check "the files in reverse order: exit 1 (got $?)" test $? = 1
normalise "$tmp/macos-rev.json" >"$tmp/macos-rev.norm"
same_findings() {
	"$py" -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
print(all(a[k] == b[k] for k in ("findings", "tampered", "host")))' "$1" "$2"
}
eq "macos: the same findings whatever the order of the files" \
	"$(same_findings "$tmp/macos.norm" "$tmp/macos-rev.norm")" True

host linux 1 --osquery linux-host.json
eq "linux: KESL running, the Network Agent's leftovers residue" "$(states linux)" \
	"[('kaspersky-endpoint-security-linux', 'running'), ('kaspersky-network-agent-linux', 'residue')]"
eq "linux: Fleet's rows with columns, the decoy package keslint not matched" \
	"$(jq_py "$tmp/linux.json" '[e["item"] for f in d["findings"] for e in f["evidence"] if e["kind"] == "package"]')" \
	"['kesl', 'klnagent64']"

# ---- the query pack ------------------------------------------------------
eq "the pack is JSON, one snapshot query per table the reader reads" \
	"$("$py" -c '
import json, re, sys
p = json.load(open(sys.argv[1]))
read = set(re.findall(r"\{\"(\w+)\", t_", open(sys.argv[2]).read()))
names = set(p["queries"])
print(names == read, all(q["snapshot"] for q in p["queries"].values()))' \
	"$src/docs/osquery/voorzorg-pack.conf" "$src/lib/collect/osquery.c")" \
	"True True"

# ---- bad input: one line, file:line:column, table and row, exit 2 -------
bad() { # bad NAME EXPECTED-MESSAGE CONTENT (written to $tmp/NAME)
	local f=$tmp/$1 rc
	printf '%s' "$3" >"$f"
	"$vz" scan --osquery "$f" --format json >"$tmp/bad.out" 2>"$tmp/bad.err"
	rc=$?
	if [ "$rc" = 2 ] && [ "$(wc -l <"$tmp/bad.err")" = 1 ] &&
		[ ! -s "$tmp/bad.out" ] && grep -qF -- "$2" "$tmp/bad.err"; then
		ok "bad osquery $1: exit 2, '$2'"
	else
		not_ok "bad osquery $1: exit 2 (got $rc), '$2'" "$(cat "$tmp/bad.err")"
	fi
}
bad notjson.json 'notjson.json:1:15: not JSON' '{"programs": [}'
bad number.json 'number.json:1:1: not osquery results' '42'
bad rows.json 'rows.json:2:14: programs: not an array of rows' \
	$'{\n "programs": {"name": "x"}}'
bad row.json 'row.json:1:30: programs row 2: not an object of columns' \
	'{"programs": [{"name": "a"}, 7]}'
bad value.json 'value.json:1:24: programs row 1: "name" is not a string or a number' \
	'{"programs": [{"name": {"x": 1}}]}'
bad status.json 'status.json:1:46: deb_packages row 1: "status" is not a dpkg status' \
	'{"deb_packages": [{"name": "kesl", "status": "frobnicated"}]}'
bad sha.json '"sha256" is not 64 hex digits' \
	'{"file": [{"path": "/x", "sha256": "abc"}]}'
bad dup.json 'dup.json:1:' '{"programs": [], "programs": []}'
bad nul.json 'nul.json:1:' '{"programs": [{"name": "a\u0000b"}]}'
"$vz" scan --osquery "$tmp/none.json" >/dev/null 2>"$tmp/none.err"
eq "a missing file: exit 2" "$?" 2
"$vz" scan --osquery "$here/windows-host.json" --root / >/dev/null 2>&1
eq "--osquery with --root: usage error" "$?" 2
"$vz" scan --osquery "$here/windows-host.json" \
	--inventory "$here/windows-host.json" >/dev/null 2>&1
eq "--osquery with --inventory: usage error" "$?" 2

finish
