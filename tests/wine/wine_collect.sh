#!/usr/bin/env bash
#
# tests/wine/wine_collect.sh - voorzorg-collect.exe under Wine: a fresh
# Wine prefix seeded with the registry of a Kaspersky installation
# (seed.reg, from the bundled catalogue's sourced fingerprints) and
# decoys; test programs signed with osslsigncode (the vendor's name on a
# test certificate) placed where the Uninstall entries and services say,
# one started as a process, one changed after signing; then the
# collector's inventory judged by `voorzorg scan --inventory` must give
# exactly the findings, states and tampered files of golden/wine.json.
# Sending it to the fleet server (--post) is tests/wine/wine_fleet.sh.
#
# It FAILS (never skips) without wine, mingw-w64 or osslsigncode: CI
# must run it (scripts/install-deps.sh test installs them).
# VZ_UPDATE_GOLDEN=1 rewrites the golden file (review it by eye).
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${VZ_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
build=${VZ_BUILD_ROOT:-$src/build}
vz=${VOORZORG:-$build/src/voorzorg}
exe=${VZ_COLLECT_EXE:-$build/win/voorzorg-collect.exe}
py=/usr/bin/python3
. "$src/tests/inventory/lib.sh"

. "$here/prefix.sh"

if ! wine_check_tools wine wineserver x86_64-w64-mingw32-gcc \
	x86_64-w64-mingw32-windres osslsigncode openssl; then
	not_ok "wine, mingw-w64 and osslsigncode are installed (missing:$wine_missing)" \
		"scripts/install-deps.sh test installs them"
	finish
fi
if [ ! -f "$exe" ]; then
	not_ok "voorzorg-collect.exe was built ($exe)"
	finish
fi
ok "voorzorg-collect.exe was built"

# Everything lives in the build tree and goes when the test ends.
tmp=$(mktemp -d "$build/wine-test.XXXXXX") || exit 2
wine_env "$tmp"
cleanup() {
	wine_stop
	[ -n "${VZ_KEEP:-}" ] && cp -r "$work" /dev/shm/wine-work; rm -rf "$tmp"
}
trap cleanup EXIT
work=$tmp/work
mkdir -p "$work"

# ---- a prefix, seeded ----------------------------------------------------
if ! wine_boot "$work/boot.log"; then
	not_ok "a Wine prefix starts" "$(tail -3 "$work/boot.log")"
	finish
fi
check "the registry is seeded (the KES Uninstall entry is there)" \
	wine_seed "$work"

# ---- signed programs ---------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
	-subj "/CN=voorzorg test code signing CA" \
	-keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
printf 'keyUsage=digitalSignature\nextendedKeyUsage=codeSigning\n' \
	>"$work/ext.cnf"
mkcert() { # mkcert NAME SUBJECT
	openssl req -newkey rsa:2048 -nodes -subj "$2" \
		-keyout "$work/$1.key" -out "$work/$1.csr" 2>/dev/null
	openssl x509 -req -in "$work/$1.csr" -CA "$work/ca.pem" \
		-CAkey "$work/ca.key" -CAcreateserial -days 3650 \
		-extfile "$work/ext.cnf" -out "$work/$1.pem" 2>/dev/null
}
mkcert kaspersky "/C=RU/L=Moscow/O=AO Kaspersky Lab/CN=AO Kaspersky Lab"
mkcert example "/C=NL/O=Example Updates B.V./CN=Example Updates B.V."
# prog OUT SIGNER COMPANY PRODUCT: the sleeper with a version resource.
prog() {
	local out=$1 signer=$2
	x86_64-w64-mingw32-windres -DCOMPANY="\\\"$3\\\"" \
		-DPRODUCT="\\\"$4\\\"" "$here/sleeper.rc" -O coff \
		-o "$work/v.res" &&
	x86_64-w64-mingw32-gcc -O2 -o "$work/unsigned.exe" \
		"$here/sleeper.c" "$work/v.res" &&
	mkdir -p "$(dirname "$out")" &&
	osslsigncode sign -certs "$work/$signer.pem" -ac "$work/ca.pem" \
		-key "$work/$signer.key" -h sha256 -n "voorzorg wine test" \
		-in "$work/unsigned.exe" -out "$out" >/dev/null
}
c=$WINEPREFIX/drive_c
kes="$c/Program Files (x86)/Kaspersky Lab/KES.12.4.0"
nag="$c/Program Files (x86)/Kaspersky Lab/NetworkAgent"
if prog "$kes/avp.exe" kaspersky "AO Kaspersky Lab" \
		"Kaspersky Endpoint Security for Windows" &&
	prog "$nag/klnagent.exe" kaspersky "AO Kaspersky Lab" \
		"Kaspersky Security Center Network Agent" &&
	prog "$work/klif.sys" kaspersky "AO Kaspersky Lab" \
		"Kaspersky Endpoint Security for Windows" &&
	prog "$c/Program Files/Example/updater.exe" example \
		"Example Updates B.V." "Example Updater"; then
	ok "test programs built and signed"
else
	not_ok "test programs built and signed"
	finish
fi
# The driver file is changed after signing: a forged copy of the vendor's.
"$py" - "$work/klif.sys" "$c/windows/system32/drivers/klif.sys" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[0x200] ^= 0xff
open(sys.argv[2], "wb").write(d)
PY

# ---- running processes ----------------------------------------------------------
wine "C:\\Program Files (x86)\\Kaspersky Lab\\KES.12.4.0\\avp.exe" \
	>/dev/null 2>&1 &
wine "C:\\Program Files\\Example\\updater.exe" >/dev/null 2>&1 &
# Wait (bounded) until both are in Wine's process list.
for i in $(seq 1 100); do
	n=$(wine tasklist 2>/dev/null | grep -ciE 'avp.exe|updater.exe')
	[ "${n:-0}" -ge 2 ] && break
	sleep 0.2
done

# ---- collect ----------------------------------------------------------------------
cp "$exe" "$work/voorzorg-collect.exe"
"$vz" collect --windows-keys "$work/keys.txt" >/dev/null 2>"$work/keys.err"
check "voorzorg collect --windows-keys: exit 0 (got $?)" test $? = 0
check "voorzorg collect --windows-keys writes the catalogue's keys" \
	grep -qx 'HKLM\\software\\kasperskylab\\protected' "$work/keys.txt"
wine "$(winpath "$work/voorzorg-collect.exe")" \
	--keys "$(winpath "$work/keys.txt")" \
	--output "$(winpath "$work/inventory.jsonl")" \
	>"$work/collect.out" 2>"$work/collect.err"
rc=$?
check "voorzorg-collect.exe exits 0 (got $rc)" test "$rc" = 0
if [ ! -s "$work/inventory.jsonl" ]; then
	not_ok "voorzorg-collect.exe wrote an inventory" "$(cat "$work/collect.err")"
	finish
fi

check "the collector's inventory agrees with docs/schema/inventory.schema.json" \
	"$py" "$src/tests/inventory/validate.py" \
	"$src/docs/schema/inventory.schema.json" "$work/inventory.jsonl"

q() { # q FILE EXPR: a Python expression over the records `r` and end `e`
	"$py" -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
h, r, e = lines[0], lines[1:-1], lines[-1]
print('"$2"')' "$1"
}
inv=$work/inventory.jsonl
eq "the running signed program is a process with its path" \
	"$(q "$inv" '[x["path"] for x in r if x["kind"] == "process" and x["name"] == "avp.exe"]')" \
	"['/Program Files (x86)/Kaspersky Lab/KES.12.4.0/avp.exe']"
eq "the 32-bit Uninstall entries, and the user's own program" \
	"$(q "$inv" 'sorted(x["name"] for x in r if x["kind"] == "package")')" \
	"['7-Zip 23.01', 'Kasper Accounting Suite', 'Kaspersky Endpoint Security for Windows', 'Kaspersky Security Center Network Agent', 'Mozilla Firefox (x64 en-US)', 'Zoom Workplace']"
eq "the user's program is named under HKCU, its hive in origin" \
	"$(q "$inv" '[(x["name"].split(chr(92))[0], x["origin"][:13]) for x in r if x["kind"] == "registry" and "ZoomUMX" in x["name"] and "value" not in x]')" \
	"[('HKCU', 'HKEY_USERS\\\\S-')]"
eq "the driver and services with their image paths" \
	"$(q "$inv" 'sorted((x["name"], x.get("path"), x.get("flags")) for x in r if x["kind"] == "service" and x["name"] in ("klif", "klnagent", "ExampleUpdater"))')" \
	"[('ExampleUpdater', '\"C:\\\\Program Files\\\\Example\\\\updater.exe\" --service', None), ('klif', '\\\\SystemRoot\\\\System32\\\\drivers\\\\klif.sys', ['driver']), ('klnagent', '\"C:\\\\Program Files (x86)\\\\Kaspersky Lab\\\\NetworkAgent\\\\klnagent.exe\"', None)]"
eq "signers as Windows reads them: subject, issuer, common name" \
	"$(q "$inv" 'sorted((x["name"], x.get("common_name"), x.get("subject"), x.get("issuer")) for x in r if x["kind"] == "signature")')" \
	"[('/Program Files (x86)/Kaspersky Lab/KES.12.4.0/avp.exe', 'AO Kaspersky Lab', 'CN=AO Kaspersky Lab,O=AO Kaspersky Lab,L=Moscow,C=RU', 'CN=voorzorg test code signing CA'), ('/Program Files (x86)/Kaspersky Lab/NetworkAgent/klnagent.exe', 'AO Kaspersky Lab', 'CN=AO Kaspersky Lab,O=AO Kaspersky Lab,L=Moscow,C=RU', 'CN=voorzorg test code signing CA'), ('/Program Files/Example/updater.exe', 'Example Updates B.V.', 'CN=Example Updates B.V.,O=Example Updates B.V.,C=NL', 'CN=voorzorg test code signing CA'), ('/windows/System32/drivers/klif.sys', 'AO Kaspersky Lab', 'CN=AO Kaspersky Lab,O=AO Kaspersky Lab,L=Moscow,C=RU', 'CN=voorzorg test code signing CA')]"
eq "WinVerifyTrust: the changed driver is tampered, the others hold" \
	"$(q "$inv" 'sorted((x["name"].rsplit("/", 1)[1], x["auth"]) for x in r if x["kind"] == "signature")')" \
	"[('avp.exe', 'valid'), ('klif.sys', 'tampered'), ('klnagent.exe', 'valid'), ('updater.exe', 'valid')]"
eq "the vendor keys named in --keys, in the registry's own case" \
	"$(q "$inv" 'sorted(x["name"] for x in r if x["kind"] == "registry" and "KasperskyLab" in x["name"] and "value" not in x)')" \
	"['HKLM\\\\Software\\\\Wow6432Node\\\\KasperskyLab\\\\Components\\\\34\\\\1103', 'HKLM\\\\Software\\\\Wow6432Node\\\\KasperskyLab\\\\protected', 'HKLM\\\\Software\\\\Wow6432Node\\\\KasperskyLab\\\\protected\\\\KES12', 'HKLM\\\\Software\\\\Wow6432Node\\\\KasperskyLab\\\\protected\\\\KES12\\\\environment']"
eq "the host: machine id, name, Windows version, live" \
	"$(q "$inv" '(len(h["host"].get("machine_id", "")), bool(h["host"].get("hostname")), h["host"]["os"].startswith("Microsoft Windows"), h["host"]["live"], h["tool"])')" \
	"(36, True, True, True, 'voorzorg-collect.exe')"

# ---- judged ------------------------------------------------------------------------
"$vz" scan --inventory "$inv" --sector central-government --format json \
	>"$work/scan.json" 2>"$work/scan.err"
rc=$?
check "scan --inventory: exit 1, findings that need action (got $rc)" test "$rc" = 1
# The judged report holds the prefix's MachineGuid as the contract's
# machine id (32 lowercase hex digits), and is a valid report.
guid=$(q "$inv" 'h["host"].get("machine_id", "")')
eq "the report's machine id is the MachineGuid, canonical" \
	"$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["host"]["machine_id"])' "$work/scan.json" 2>&1)" \
	"$(printf '%s' "$guid" | tr -d '{}-' | tr 'A-F' 'a-f')"
if out=$("$py" "$src/tests/integration/validate_report.py" \
	"$src/docs/schema/report.schema.json" --json "$work/scan.json" 2>&1); then
	ok "scan --inventory of the collector's inventory: a valid report"
else
	not_ok "scan --inventory of the collector's inventory: a valid report" "$out"
fi
"$py" - "$work/scan.json" >"$work/wine.norm" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
# Only what the seeded registry, files and processes decide; the prefix's
# own services, processes and identity vary with Wine's version.
for f in d["findings"]:
    for e in f["evidence"]:
        if e["kind"] == "process":
            e["detail"] = re.sub(r"^pid [0-9]+", "pid <pid>", e["detail"])
    for x in ((f.get("measure") or {}).get("deadlines") or []):
        if x.get("days_left") is not None:
            x["days_left"] = "<days>"
out = {"findings": d["findings"], "tampered": d["tampered"],
       "host": {"root": d["host"]["root"], "live": d["host"]["live"]}}
json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
sys.stdout.write("\n")
PY
if [ -n "${VZ_UPDATE_GOLDEN:-}" ]; then
	cp "$work/wine.norm" "$here/golden/wine.json"
fi
if diff -u "$here/golden/wine.json" "$work/wine.norm" >"$work/wine.diff"; then
	ok "findings, states and tampered files as in golden/wine.json"
else
	not_ok "differs from golden/wine.json" "$(head -40 "$work/wine.diff")" \
		"$(cat "$work/scan.err")"
fi
"$py" -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sorted((f["product_id"], f["state"]) for f in d["findings"]))' \
	"$work/scan.json" >"$work/states"
# avp.exe runs, and it is the signed file that matched KES: KES is
# running (the catalogue names no Windows process; the join does).
check "exactly: KES running, Network Agent installed" test \
	"$(cat "$work/states")" = \
	"[('kaspersky-endpoint-security-windows', 'running'), ('kaspersky-network-agent-windows', 'installed')]"

wine "$(winpath "$work/voorzorg-collect.exe")" --bogus >/dev/null 2>&1
check "an unknown option: exit 2" test $? = 2
wine "$(winpath "$work/voorzorg-collect.exe")" --help 2>&1 | tr -d '\r' \
	>"$work/help.txt"
"$py" - "$src/docs/windows.md" >"$work/help.md" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
i = next(n for n, l in enumerate(lines) if "--help` (tests/wine" in l) + 3
out = []
while i < len(lines) and (lines[i] == "" or lines[i].startswith("    ")):
    out.append(lines[i][4:])
    i += 1
print("\n".join(out).rstrip("\n"))
PY
if diff -u "$work/help.md" "$work/help.txt" >"$work/help.diff"; then
	ok "--help is the block in docs/windows.md"
else
	not_ok "--help is the block in docs/windows.md" "$(head -20 "$work/help.diff")"
fi

finish
