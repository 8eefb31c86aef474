#!/bin/bash
# tests/verify/cli_sign.sh - `voorzorg catalog sign|verify` end to end:
# every way a signed catalogue can be accepted has a way to be refused.
. "$(dirname "$0")/lib.sh"
need minisign

V=$VOORZORG
K="$TMP/k"
mkdir -p "$K"
minisign -G -W -p "$K/a.pub" -s "$K/a.key" >/dev/null 2>&1
minisign -G -W -p "$K/b.pub" -s "$K/b.key" >/dev/null 2>&1

C="$TMP/cat.json"
mkcat "$C" 5 "$(day 200)"

# Round trip.
expect_exit "sign a catalogue" 0 "$V" catalog sign --key "$K/a.key" "$C"
expect_grep "sign names the signature file" "cat.json.minisig" "$TMP/out"
expect_exit "verify what was signed" 0 \
	"$V" catalog verify --pubkey "$K/a.pub" "$C"
expect_grep "verify reports a valid signature" "signature valid" "$TMP/out"
expect_grep "trusted comment names the catalogue" \
	"catalog:example-catalogue	version:5" "$TMP/out"
expect_exit "verify as JSON" 0 \
	"$V" catalog verify --pubkey "$K/a.pub" --format json "$C"
expect_grep "JSON says signature valid" '"signature": "valid"' "$TMP/out"
expect_exit "bare base64 public key" 0 \
	"$V" catalog verify --pubkey "$(sed -n 2p "$K/a.pub")" "$C"

# One byte changed, anywhere.
cp "$C" "$TMP/c1.json"; cp "$C.minisig" "$TMP/c1.json.minisig"
flip "$TMP/c1.json" 40
expect_exit "one byte changed is refused" 2 \
	"$V" catalog verify --pubkey "$K/a.pub" "$TMP/c1.json"
expect_grep "message names the file" "c1.json: signature verification failed" \
	"$TMP/err"

# Wrong key.
expect_exit "wrong key is refused" 2 \
	"$V" catalog verify --pubkey "$K/b.pub" "$C"
expect_grep "message names both keys" "not with the trusted key" "$TMP/err"

# Truncated signature file.
cp "$C" "$TMP/c2.json"; head -n 2 "$C.minisig" >"$TMP/c2.json.minisig"
expect_exit "signature cut after two lines is refused" 2 \
	"$V" catalog verify --pubkey "$K/a.pub" "$TMP/c2.json"
expect_grep "says truncated" "truncated signature" "$TMP/err"
head -c 100 "$C.minisig" >"$TMP/c2.json.minisig"
expect_exit "signature cut mid-line is refused" 2 \
	"$V" catalog verify --pubkey "$K/a.pub" "$TMP/c2.json"
cp "$C" "$TMP/c3.json"; : >"$TMP/c3.json.minisig"
expect_exit "empty signature is refused" 2 \
	"$V" catalog verify --pubkey "$K/a.pub" --allow-unsigned "$TMP/c3.json"

# Trusted comment altered: the global signature catches it.
cp "$C" "$TMP/c4.json"
sed '3s/version:5/version:9/' "$C.minisig" >"$TMP/c4.json.minisig"
expect_exit "tampered trusted comment is refused" 2 \
	"$V" catalog verify --pubkey "$K/a.pub" "$TMP/c4.json"
expect_grep "says the comment was altered" "trusted comment" "$TMP/err"

# Unsigned: refused unless allowed, and then it says so.
cp "$C" "$TMP/u.json"
expect_exit "unsigned is refused" 2 \
	"$V" catalog verify --pubkey "$K/a.pub" "$TMP/u.json"
expect_grep "says not signed" "not signed" "$TMP/err"
expect_exit "unsigned accepted with --allow-unsigned" 0 \
	"$V" catalog verify --pubkey "$K/a.pub" --allow-unsigned "$TMP/u.json"
expect_grep "text output says NOT SIGNED" "NOT SIGNED" "$TMP/out"
expect_grep "warning on stderr" "warning: catalogue is NOT SIGNED" "$TMP/err"
expect_exit "unsigned JSON" 0 "$V" catalog verify --pubkey "$K/a.pub" \
	--allow-unsigned --format json "$TMP/u.json"
expect_grep "JSON says unsigned" '"signature": "unsigned"' "$TMP/out"
cp "$C" "$TMP/u2.json"; cp "$C.minisig" "$TMP/u2.json.minisig"
flip "$TMP/u2.json" 10
expect_exit "--allow-unsigned never accepts a bad signature" 2 \
	"$V" catalog verify --pubkey "$K/a.pub" --allow-unsigned "$TMP/u2.json"

# A signature file over its size limit (16 KiB) is refused unread.
cp "$C" "$TMP/big.json"
head -c 16385 /dev/zero | tr '\0' a >"$TMP/big.json.minisig"
expect_exit "an oversized signature file is refused" 2 \
	"$V" catalog verify --pubkey "$K/a.pub" "$TMP/big.json"
expect_grep "says too large" "file too large (16385 bytes; the limit is 16384)" \
	"$TMP/err"

# Verifying a file never raises the floor: only the trusted catalogue
# (the default one, or what `catalog update` installs) does.
if [ -e "$VOORZORG_STATE_DIR/state.json" ]; then
	bad "catalog verify recorded nothing"
	sed 's/^/     | /' "$VOORZORG_STATE_DIR/state.json"
else
	ok "catalog verify recorded nothing"
fi
# Version 5 as the trusted catalogue ($VOORZORG_CATALOG) raises it.
expect_exit "the trusted catalogue is used" 0 env VOORZORG_CATALOG="$C" \
	"$V" assess example-antivirus --pubkey "$K/a.pub"
expect_grep "state file recorded version 5" '"version": 5' \
	"$VOORZORG_STATE_DIR/state.json"

# Rollback: 4 is refused, 5 and 6 are not.
mkcat "$TMP/old.json" 4 "$(day 200)"
expect_exit "sign old.json" 0 \
	"$V" catalog sign --key "$K/a.key" "$TMP/old.json"
expect_exit "older version is refused" 2 \
	"$V" catalog verify --pubkey "$K/a.pub" "$TMP/old.json"
expect_grep "says rollback" "older than version 5" "$TMP/err"
expect_exit "...and as the trusted catalogue" 2 \
	env VOORZORG_CATALOG="$TMP/old.json" \
	"$V" assess example-antivirus --pubkey "$K/a.pub"
expect_grep "says rollback" "older than version 5" "$TMP/err"
expect_exit "named with --catalog it is used, and said to be older" 0 \
	"$V" assess example-antivirus --pubkey "$K/a.pub" \
	--catalog "$TMP/old.json"
expect_grep "one line says older than the trusted version" \
	"version 4 is older than the trusted version 5" "$TMP/err"
expect_exit "same version is accepted again" 0 \
	"$V" catalog verify --pubkey "$K/a.pub" "$C"
mkcat "$TMP/new.json" 6 "$(day 200)"
expect_exit "sign new.json" 0 \
	"$V" catalog sign --key "$K/a.key" "$TMP/new.json"
expect_exit "newer version is accepted" 0 \
	"$V" catalog verify --pubkey "$K/a.pub" "$TMP/new.json"
expect_exit "and version 5 still is (verify raised nothing)" 0 \
	"$V" catalog verify --pubkey "$K/a.pub" "$C"
expect_exit "version 6 as the trusted catalogue" 0 \
	env VOORZORG_CATALOG="$TMP/new.json" \
	"$V" assess example-antivirus --pubkey "$K/a.pub"
expect_exit "and then version 5 is refused" 2 \
	"$V" catalog verify --pubkey "$K/a.pub" "$C"
mkcat "$TMP/unsigned-new.json" 99 "$(day 200)"
expect_exit "an unsigned version 99, trusted with --allow-unsigned, is used" 0 \
	env VOORZORG_CATALOG="$TMP/unsigned-new.json" "$V" assess \
	example-antivirus --pubkey "$K/a.pub" --allow-unsigned
expect_exit "an unsigned catalogue never raises the floor" 0 \
	"$V" catalog verify --pubkey "$K/a.pub" "$TMP/new.json"

# Expiry: a warning within the grace period, refused after it.
mkcat "$TMP/e1.json" 7 "$(day -5)"
expect_exit "sign e1.json" 0 \
	"$V" catalog sign --key "$K/a.key" "$TMP/e1.json"
expect_exit "expired within grace is accepted" 0 \
	"$V" catalog verify --pubkey "$K/a.pub" "$TMP/e1.json"
expect_grep "with a warning" "warning: catalogue expired on" "$TMP/err"
expect_exit "a shorter grace refuses it" 2 \
	"$V" catalog verify --pubkey "$K/a.pub" --grace 2 "$TMP/e1.json"
expect_exit "--grace with a trailing letter is a usage error" 2 \
	"$V" catalog verify --pubkey "$K/a.pub" --grace 5x "$TMP/e1.json"
expect_grep "says what --grace takes" "grace takes a number of days" "$TMP/err"
mkcat "$TMP/e2.json" 8 "$(day -60)"
expect_exit "sign e2.json" 0 \
	"$V" catalog sign --key "$K/a.key" "$TMP/e2.json"
expect_exit "expired beyond grace is refused" 2 \
	"$V" catalog verify --pubkey "$K/a.pub" "$TMP/e2.json"
expect_grep "says expired" "refused after a grace period of 30 days" \
	"$TMP/err"

# sign refuses what is not a valid catalogue, and leaves no signature.
printf '{"format": "voorzorg-catalog/1"}\n' >"$TMP/invalid.json"
expect_exit "sign refuses an invalid catalogue" 2 \
	"$V" catalog sign --key "$K/a.key" "$TMP/invalid.json"
if [ -e "$TMP/invalid.json.minisig" ]; then
	bad "no signature left for an invalid catalogue"
else
	ok "no signature left for an invalid catalogue"
fi
expect_exit "sign without --key is a usage error" 2 \
	"$V" catalog sign "$C"
expect_exit "garbage secret key is refused" 2 \
	"$V" catalog sign --key "$K/a.pub" "$C"

# The bundled catalogue is signed with the key that ships.
expect_exit "bundled catalogue verifies with the shipped key" 0 \
	"$V" catalog verify --pubkey "$VZ_SOURCE_ROOT/catalog/voorzorg.pub" \
	--grace 36500 "$VZ_SOURCE_ROOT/catalog/voorzorg.json"
expect_exit "bundled catalogue verifies with minisign" 0 \
	minisign -V -q -p "$VZ_SOURCE_ROOT/catalog/voorzorg.pub" \
	-m "$VZ_SOURCE_ROOT/catalog/voorzorg.json"

finish
