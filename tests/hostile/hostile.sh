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
T="timeout 60"

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

finish
