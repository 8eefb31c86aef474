#!/bin/bash
# tests/verify/update.sh - `voorzorg catalog update URL` against a local
# server that behaves, drops the connection halfway, or tampers. Whatever
# goes wrong, the installed catalogue must stay exactly as it was.
. "$(dirname "$0")/lib.sh"
need minisign

V=$VOORZORG
K="$TMP/k"
SRV="$TMP/srv"
DEST="$TMP/installed/voorzorg.json"
mkdir -p "$K" "$SRV" "$TMP/installed"
minisign -G -W -p "$K/a.pub" -s "$K/a.key" >/dev/null 2>&1
minisign -G -W -p "$K/b.pub" -s "$K/b.key" >/dev/null 2>&1

# What the server offers: versions 2 and 3, signed; 1 for rollback; a
# catalogue signed with another key; one that is too big.
for v in 1 2 3; do
	mkcat "$SRV/v$v.json" "$v" "$(day 200)"
	expect_exit "sign v$v.json" 0 \
		"$V" catalog sign --key "$K/a.key" "$SRV/v$v.json"
done
mkcat "$SRV/other.json" 4 "$(day 200)"
expect_exit "sign other.json with another key" 0 \
	"$V" catalog sign --key "$K/b.key" "$SRV/other.json"
mkcat "$SRV/unsigned.json" 5 "$(day 200)"

start_server "$SRV"

up() { "$V" catalog update --pubkey "$K/a.pub" --catalog "$DEST" "$@"; }

# snapshot: what is installed, catalogue and signature, through the links.
snapshot() { cat "$DEST" "$DEST.minisig" 2>/dev/null | sha256sum; }

expect_exit "update installs version 2" 0 up "$URL/ok/v2.json"
expect_grep "reports what it installed" "version 2" "$TMP/out"
expect_exit "installed catalogue verifies" 0 \
	"$V" catalog verify --pubkey "$K/a.pub" "$DEST"
expect_exit "minisign verifies the installed pair" 0 \
	minisign -V -q -p "$K/a.pub" -m "$DEST"
expect_grep "state records version 2" '"version": 2' \
	"$VOORZORG_STATE_DIR/state.json"
before=$(snapshot)

# Connection dropped halfway, with a Content-Length: a transfer error.
expect_exit "dropped connection fails" 3 up "$URL/drop/v3.json"
expect_grep "says the download failed" "download failed" "$TMP/err"
[ "$(snapshot)" = "$before" ] && ok "dropped: installed unchanged" ||
	bad "dropped: installed unchanged"

# Dropped without a length: looks complete; the signature catches it.
expect_exit "truncated body without length fails" 2 \
	up "$URL/droplen0/v3.json" --signature-url "$URL/ok/v3.json.minisig"
[ "$(snapshot)" = "$before" ] && ok "truncated: installed unchanged" ||
	bad "truncated: installed unchanged"

# Tampered catalogue.
expect_exit "tampered download is refused" 2 \
	up "$URL/tamper/v3.json" --signature-url "$URL/ok/v3.json.minisig"
expect_grep "says signature failed" "signature verification failed" \
	"$TMP/err"
[ "$(snapshot)" = "$before" ] && ok "tampered: installed unchanged" ||
	bad "tampered: installed unchanged"

# Wrong key, no signature, rollback, too big.
expect_exit "catalogue signed by another key is refused" 2 \
	up "$URL/ok/other.json"
# A malformed signature: the message names the signature's URL, not a
# temporary copy already removed.
cp "$SRV/v3.json" "$SRV/badsig.json"
printf 'untrusted comment: x\nnot base64 at all\n' >"$SRV/badsig.json.minisig"
expect_exit "malformed signature is refused" 2 up "$URL/ok/badsig.json"
expect_grep "malformed signature: names the signature's URL" \
	"$URL/ok/badsig.json.minisig" "$TMP/err"
if grep -q "$TMP/installed/\." "$TMP/err"; then
	bad "malformed signature: names no temporary file"
	sed 's/^/     | /' "$TMP/err"
else
	ok "malformed signature: names no temporary file"
fi
expect_exit "catalogue without signature fails" 3 \
	up "$URL/ok/unsigned.json"
expect_exit "older version is refused" 2 up "$URL/ok/v1.json"
expect_grep "says rollback" "older than version 2" "$TMP/err"
expect_exit "oversized download is refused" 3 \
	up "$URL/ok/v3.json" --max-size 100
expect_grep "says too large" "larger than the limit" "$TMP/err"
expect_exit "oversized download without a length, in pieces, is refused" 3 \
	up "$URL/trickle/v3.json" --max-size 1000
expect_grep "says too large (trickle)" "larger than the limit" "$TMP/err"
expect_exit "a non-http URL is a usage error" 2 up "file:///etc/passwd"
[ "$(snapshot)" = "$before" ] && ok "refusals: installed unchanged" ||
	bad "refusals: installed unchanged"
leftovers=$(find "$TMP/installed" -name '*.lnk' -o -name '*.tmp.*' | wc -l)
[ "$leftovers" -eq 0 ] && ok "no temporary files left behind" ||
	bad "no temporary files left behind ($leftovers)"

# A good update replaces it; the previous version directory is kept,
# older ones are pruned.
expect_exit "update to version 3" 0 up "$URL/ok/v3.json" --format json
expect_grep "JSON says valid" '"signature": "valid"' "$TMP/out"
expect_exit "version 3 verifies in place" 0 \
	"$V" catalog verify --pubkey "$K/a.pub" "$DEST"
expect_grep "and is version 3" "version 3" "$TMP/out"
expect_exit "re-installing version 3 works" 0 up "$URL/ok/v3.json"
n=$(find "$TMP/installed" -mindepth 1 -maxdepth 1 -type d | wc -l)
[ "$n" -eq 2 ] && ok "two version directories kept" ||
	bad "two version directories kept (found $n)"

finish
