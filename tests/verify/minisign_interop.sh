#!/bin/bash
# tests/verify/minisign_interop.sh - voorzorg and Debian's minisign read
# each other's keys and signatures, both ways, and both refuse forgeries.
. "$(dirname "$0")/lib.sh"
need minisign

V=$VOORZORG
K="$TMP/k"
mkdir -p "$K"
minisign -G -W -p "$K/m.pub" -s "$K/m.key" >/dev/null 2>&1
C="$TMP/cat.json"
mkcat "$C" 3 "$(day 200)"

# voorzorg signs, minisign verifies.
expect_exit "voorzorg signs with a minisign -W key" 0 \
	"$V" catalog sign --key "$K/m.key" "$C"
expect_exit "minisign -V verifies voorzorg's signature" 0 \
	minisign -V -p "$K/m.pub" -m "$C"
expect_grep "minisign sees the trusted comment" \
	"Trusted comment: timestamp:.*catalog:example-catalogue" "$TMP/out"
cp "$C" "$TMP/t.json"; cp "$C.minisig" "$TMP/t.json.minisig"
flip "$TMP/t.json" 30
expect_exit "minisign refuses voorzorg's signature on altered data" 1 \
	minisign -V -q -p "$K/m.pub" -m "$TMP/t.json"

# minisign signs (prehashed, the default), voorzorg verifies.
rm -f "$C.minisig"
minisign -S -s "$K/m.key" -m "$C" -t "signed by minisign" >/dev/null 2>&1
expect_exit "voorzorg verifies minisign's prehashed signature" 0 \
	"$V" catalog verify --pubkey "$K/m.pub" "$C"
expect_grep "with minisign's trusted comment" "signed by minisign" \
	"$TMP/out"
expect_grep "key id as minisign prints it" \
	"$(sed -n 1p "$K/m.pub" | awk '{print $NF}')" "$TMP/out"

# Legacy (non-prehashed) signatures.
rm -f "$C.minisig"
minisign -S -l -s "$K/m.key" -m "$C" >/dev/null 2>&1
expect_grep "minisign wrote a legacy signature" "^RW" "$C.minisig"
expect_exit "voorzorg verifies minisign's legacy signature" 0 \
	"$V" catalog verify --pubkey "$K/m.pub" "$C"
cp "$C" "$TMP/l.json"; cp "$C.minisig" "$TMP/l.json.minisig"
flip "$TMP/l.json" 50
expect_exit "voorzorg refuses a legacy signature on altered data" 2 \
	"$V" catalog verify --pubkey "$K/m.pub" "$TMP/l.json"

# An encrypted (scrypt) minisign key; costs a few seconds and 1 GiB.
printf 'correct horse\ncorrect horse\n' |
	minisign -G -p "$K/e.pub" -s "$K/e.key" >/dev/null 2>&1
expect_exit "voorzorg signs with an encrypted minisign key" 0 \
	env VOORZORG_KEY_PASSWORD='correct horse' \
	"$V" catalog sign --key "$K/e.key" "$C"
expect_exit "minisign verifies it" 0 minisign -V -q -p "$K/e.pub" -m "$C"
expect_exit "a wrong password is refused" 2 \
	env VOORZORG_KEY_PASSWORD='wrong horse' \
	"$V" catalog sign --key "$K/e.key" "$C"
expect_grep "says wrong password" "wrong password" "$TMP/err"

# The shipped development key pair is a minisign pair.
cp "$C" "$TMP/d.json"
expect_exit "the development key signs" 0 "$V" catalog sign \
	--key "$VZ_SOURCE_ROOT/catalog/dev-secret.key" "$TMP/d.json"
expect_exit "minisign verifies with the shipped public key" 0 \
	minisign -V -q -p "$VZ_SOURCE_ROOT/catalog/voorzorg.pub" \
	-m "$TMP/d.json"

finish
