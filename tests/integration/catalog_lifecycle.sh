#!/bin/bash
# tests/integration/catalog_lifecycle.sh - the catalogue's life as a user
# lives it (docs/catalog-lifecycle.md): update to version 2, scan with the
# default catalogue, diff versions 1 and 2 twice, update to 3, and try to
# roll back to 2. Every command runs with VOORZORG_STATE_DIR in a
# temporary directory (tests/verify/lib.sh), so the real state file is
# never read or written; the script checks that too.
. "$VZ_SOURCE_ROOT/tests/verify/lib.sh"
need minisign

V=$VOORZORG
K="$TMP/k"
SRV="$TMP/srv"
OLD="$TMP/old"
ROOT="$TMP/root"
INSTALLED="$VOORZORG_STATE_DIR/voorzorg.json"
unset VOORZORG_CATALOG
mkdir -p "$K" "$SRV" "$OLD" "$ROOT/etc" "$ROOT/var/lib/dpkg"
: >"$ROOT/var/lib/dpkg/status"
printf 'ID=debian\nVERSION_ID=12\n' >"$ROOT/etc/os-release"
minisign -G -W -p "$K/a.pub" -s "$K/a.key" >/dev/null 2>&1

real_state=/var/lib/voorzorg/state.json
real_before=$(stat -c '%Y %s' "$real_state" 2>/dev/null || echo none)

# Versions 1, 2 and 3 of one catalogue, signed with the test key; the
# server offers them, and copies of 1 and 2 lie in $OLD as a user who
# kept them would have them.
for v in 1 2 3; do
	mkcat "$SRV/v$v.json" "$v" "$(day 200)"
	expect_exit "sign v$v.json" 0 \
		"$V" catalog sign --key "$K/a.key" "$SRV/v$v.json"
done
cp "$SRV/v1.json" "$SRV/v1.json.minisig" "$SRV/v2.json" \
	"$SRV/v2.json.minisig" "$OLD/"
start_server "$SRV"
P=(--pubkey "$K/a.pub")

# state_version : the trusted version recorded in the state file.
state_version() {
	"$PY" - "$VOORZORG_STATE_DIR/state.json" <<'PYEOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    print(d["catalogs"]["example-catalogue"]["version"])
except (OSError, KeyError, ValueError):
    print("none")
PYEOF
}

# expect_state NAME VERSION : the recorded trusted version.
expect_state() {
	local got
	got=$(state_version)
	[ "$got" = "$2" ] && ok "$1" || bad "$1 (recorded: $got, wanted $2)"
}

# 1. Update to version 2: installed under the state directory, which
# makes it the trusted catalogue.
expect_exit "update to version 2" 0 \
	"$V" catalog update "${P[@]}" "$URL/ok/v2.json"
expect_grep "it says what it installed" "version 2" "$TMP/out"
[ -L "$INSTALLED" ] && ok "installed as $INSTALLED" ||
	bad "installed as $INSTALLED"
expect_state "the trusted version is 2" 2

# 2. A scan without --catalog uses what the update installed.
expect_exit "scan with the default catalogue" 0 sh -c '
	"$1" -v scan --pubkey "$2" --root "$3" --format json --fail-on never
	rc=$?
	[ "$rc" = 4 ] && exit 0 # an incomplete scan is not the point here
	exit "$rc"' sh "$V" "$K/a.pub" "$ROOT"
expect_grep "verbose says where the catalogue came from" \
	"installed by 'catalog update'" "$TMP/err"
if "$PY" -c 'import json,sys
c = json.load(open(sys.argv[1]))["catalog"]
sys.exit(0 if (c["id"], c["version"], c["signature"]) ==
         ("example-catalogue", 2, "valid") else 1)' "$TMP/out"; then
	ok "the report names catalogue version 2, signature valid"
else
	bad "the report names catalogue version 2, signature valid"
	sed 's/^/     | /' "$TMP/out" | head -20
fi
expect_exit "assess with the default catalogue" 0 \
	"$V" assess example-antivirus "${P[@]}"
expect_state "the trusted version is still 2" 2

# 3. diff v1 v2, twice: reading a catalogue named on the command line
# never raises the floor, and an older one is said, not refused.
for run in first second; do
	expect_exit "diff v1 v2, $run time" 0 \
		"$V" diff "${P[@]}" "$OLD/v1.json" "$OLD/v2.json"
	n=$(grep -c 'older than the trusted version 2' "$TMP/err")
	[ "$n" = 1 ] && ok "one line says v1 is older ($run time)" ||
		bad "one line says v1 is older ($run time; $n lines)"
done
expect_grep "diff's output says which catalogue is older" \
	"old catalogue: OLDER than the trusted version 2" "$TMP/out"
if grep -q "new catalogue: OLDER" "$TMP/out"; then
	bad "diff's output says nothing of the current one"
else
	ok "diff's output says nothing of the current one"
fi
expect_state "diff raised nothing" 2
expect_exit "assess --catalog v1, as JSON" 0 \
	"$V" assess example-antivirus "${P[@]}" --catalog "$OLD/v1.json" \
	--format json
expect_grep "its catalog object names the trusted version" \
	'"trusted_version": 2' "$TMP/out"
expect_exit "catalog show of v1" 0 \
	"$V" catalog show "${P[@]}" "$OLD/v1.json"
expect_grep "show's output says it is older" \
	"OLDER than the trusted version 2" "$TMP/out"
expect_exit "scan with --catalog v1" 0 sh -c '
	"$1" scan --pubkey "$2" --root "$3" --catalog "$4" --format json \
		--fail-on never
	rc=$?
	[ "$rc" = 4 ] && exit 0
	exit "$rc"' sh "$V" "$K/a.pub" "$ROOT" "$OLD/v1.json"
expect_grep "scan says v1 is older" "older than the trusted version 2" \
	"$TMP/err"
expect_grep "the scan report records the trusted version beside v1" \
	'"trusted_version": 2' "$TMP/out"

# 4. Update to version 3.
expect_exit "update to version 3" 0 \
	"$V" catalog update -v "${P[@]}" "$URL/ok/v3.json"
expect_grep "-v says what it fetched" "downloading $URL/ok/v3.json" \
	"$TMP/err"
expect_grep "-v says the trusted version rose" \
	"trusted version of example-catalogue: 3 (was 2)" "$TMP/err"
expect_state "the trusted version is 3" 3
expect_exit "assess uses version 3" 0 \
	"$V" -v assess example-antivirus "${P[@]}"
expect_grep "verbose names version 3" "example-catalogue version 3" \
	"$TMP/err"

# 5. Rollback to version 2: refused, and nothing changes.
before=$(cat "$INSTALLED" "$INSTALLED.minisig" | sha256sum)
expect_exit "update back to version 2 is refused" 2 \
	"$V" catalog update "${P[@]}" "$URL/ok/v2.json"
expect_grep "as a rollback" "older than version 3" "$TMP/err"
[ "$(cat "$INSTALLED" "$INSTALLED.minisig" | sha256sum)" = "$before" ] &&
	ok "the installed catalogue is unchanged" ||
	bad "the installed catalogue is unchanged"
expect_state "the trusted version stays 3" 3
# $VOORZORG_CATALOG names the trusted catalogue, so it is held to it.
expect_exit "VOORZORG_CATALOG=v2 is refused as a rollback" 2 \
	env VOORZORG_CATALOG="$OLD/v2.json" \
	"$V" assess example-antivirus "${P[@]}"
expect_grep "says rollback" "older than version 3" "$TMP/err"
expect_exit "diff v1 v2 still works" 0 \
	"$V" diff "${P[@]}" "$OLD/v1.json" "$OLD/v2.json"
expect_exit "catalog verify of v2 is refused (older than trusted)" 2 \
	"$V" catalog verify "${P[@]}" "$OLD/v2.json"

# The real state file was never touched.
real_after=$(stat -c '%Y %s' "$real_state" 2>/dev/null || echo none)
[ "$real_before" = "$real_after" ] &&
	ok "the real state file was not touched" ||
	bad "the real state file was not touched"
finish
