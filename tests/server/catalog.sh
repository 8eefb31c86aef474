#!/usr/bin/env bash
# tests/server/catalog.sh STORE - catalogue reloads on a running server,
# with catalogues signed by `voorzorg catalog sign` (minisign format) and
# a key made by minisign, as tests/integration/catalog_lifecycle.sh does:
#   a reload (POST /api/v1/catalog/reload or SIGHUP) of a tampered,
#   unsigned or older catalogue is refused (422, 422, 409) and the one in
#   use keeps serving, also when the record of accepted versions is gone;
#   a newer catalogue that adds a product to a measure, then one that
#   adds a removal deadline, recomputes the ledger from the stored report
#   at once, without the host reporting again.
. "$(dirname "$0")/lib.sh"
store=${1:?usage: catalog.sh sqlite|postgresql}

command -v minisign >/dev/null || { bad "minisign is not installed"; finish; }
db_for "$store" || finish
bash "$VZ_SOURCE_ROOT/tests/scan/mkroots.sh" "$TMP/roots" >/dev/null 2>&1 ||
	{ bad "mkroots.sh failed"; finish; }
BASE="$VZ_SOURCE_ROOT/tests/scan/catalog.json"
M=nl-2018-kaspersky-antivirus

# The host scans with the full test catalogue; what it found decides
# which product the server's first catalogue leaves out of the measure.
mkdir -p "$TMP/k" "$TMP/srv"
export VOORZORG_STATE_DIR="$TMP/host"
"$VOORZORG" scan --root "$TMP/roots/dpkg" --catalog "$BASE" \
	--allow-unsigned --format json --output "$TMP/report.json" \
	>/dev/null 2>&1
check "scan of the dpkg root: findings (exit 1)" 1 $?
FOUND=$("$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))
c = json.load(open(sys.argv[2]))
ps = [p for m in c["measures"] if m["id"] == sys.argv[3] for p in m["products"]]
print(sorted({f["product_id"] for f in r["findings"]} & set(ps))[0])' \
	"$TMP/report.json" "$BASE" "$M") ||
	{ bad "the dpkg root shows no product of $M"; finish; }
export VOORZORG_STATE_DIR="$TMP/state"

# mkcat OUT VERSION WITH-PRODUCT(0/1) REMOVE-DATE(or -)
mkcat() {
	"$PY" - "$BASE" "$@" "$FOUND" "$M" <<'PY'
import json, sys
src, out, version, with_product, remove, found, mid = sys.argv[1:]
c = json.load(open(src))
c["version"] = int(version)
for m in c["measures"]:
    if m["id"] != mid:
        continue
    if with_product == "0":
        m["products"] = [p for p in m["products"] if p != found]
    for s in m["sectors"]:
        if s["sector"] == "vital" and remove != "-":
            s["deadlines"] = [{"verb": "complete-removal", "date": remove,
                               "sources": ["ro-2018"]}]
json.dump(c, open(out, "w"), indent=1)
PY
}
minisign -G -W -p "$TMP/k/a.pub" -s "$TMP/k/a.key" >/dev/null 2>&1 ||
	{ bad "minisign -G"; finish; }
PAST=$(day -3)
for v in 9:1:$PAST 10:0:- 11:1:- 12:1:$PAST; do
	IFS=: read -r n p r <<<"$v"
	mkcat "$TMP/srv/v$n.json" "$n" "$p" "$r"
	"$VOORZORG" catalog sign --key "$TMP/k/a.key" "$TMP/srv/v$n.json" \
		>/dev/null 2>&1
	check "catalog sign v$n" 0 $?
	# Without a signature the rest cannot run; with one it goes on.
	[ -s "$TMP/srv/v$n.json.minisig" ] || { bad "no v$n.minisig"; finish; }
done
CATF="$TMP/cat/voorzorg.json"
mkdir -p "$TMP/cat"
install_cat() { # install_cat VERSION : the file the server opens
	cp "$TMP/srv/v$1.json" "$CATF"
	cp "$TMP/srv/v$1.json.minisig" "$CATF.minisig"
}
install_cat 10
start_server "$DB" --catalog "$CATF" --pubkey "$TMP/k/a.pub" ||
	{ bad "server start"; finish; }
api GET /catalog >/dev/null
check "starts with version 10, signed" "10 valid" \
	"$(jx 'str(d["version"]) + " " + d["signature"]' <"$TMP/body")"

api POST /organisations '{"id":"o","name":"O","sector":"vital"}' >/dev/null
jx 'd["enroll_secret"]' <"$TMP/body" >"$TMP/secret"
export VOORZORG_STATE_DIR="$TMP/host"
"$VOORZORG" enroll "$URL" --secret-file "$TMP/secret" \
	--root "$TMP/roots/dpkg" >/dev/null 2>&1 || bad "enroll"
"$VOORZORG" scan --root "$TMP/roots/dpkg" --catalog "$BASE" \
	--allow-unsigned --submit "$URL" >/dev/null 2>"$TMP/err"
check "scan --submit: findings (exit 1)" 1 $?
grep -q 'stored$' "$TMP/err" && ok "report stored" || bad "report not stored"
export VOORZORG_STATE_DIR="$TMP/state"

row() { # row EXPR : of the dpkg host's ledger row for the measure
	api GET "/ledger?organisation=o&measure=$M" >/dev/null
	jx "[$1 for r in d['items']][0]" <"$TMP/body"
}
version() { api GET /catalog >/dev/null; jx 'd["version"]' <"$TMP/body"; }
check "v10 leaves $FOUND out: compliant" compliant "$(row "r['state']")"

# Refused reloads: each leaves version 10 and the same ledger.
refused() { # refused NAME STATUS
	local got
	got=$(api POST /catalog/reload)
	cp "$TMP/body" "$TMP/refusal"
	if [ "$got" = "$2" ] && [ "$(version)" = 10 ] &&
		[ "$(row "r['state']")" = compliant ]; then
		ok "$1: $2, version 10 stays"
	else
		bad "$1 (got $got, version $(version))"
		sed 's/^/     | /' "$TMP/refusal"; echo
	fi
}
install_cat 11
sed -i 's/"title": "/"title": "X/' "$CATF"
refused "tampered after signing" 422
grep -q -i 'signature' "$TMP/refusal" && ok "says it is the signature" ||
	bad "no word of the signature"
install_cat 11
rm "$CATF.minisig"
refused "unsigned" 422
install_cat 9
refused "older version 9 (rollback)" 409

# A newer catalogue adds the product to the measure: the stored report
# is read again, the host is pending, with no new report.
install_cat 11
check "v11 accepted" 200 "$(api POST /catalog/reload)"
check "version 11 in use" 11 "$(version)"
check "v11 adds $FOUND: pending without a new report" pending \
	"$(row "r['state']")"
check "the product is named" "$FOUND" "$(row "r['products'][0]")"
api GET "/reports?organisation=o" >/dev/null
check "still one report" 1 "$(jx 'len(d["items"])' <"$TMP/body")"

# SIGHUP: a newer one with a removal deadline that has passed: overdue.
hup() { # hup WORD : SIGHUP, then wait for WORD in the log
	local n i
	n=$(grep -c "$1" "$TMP/server.log")
	kill -HUP "$SERVER_PID"
	for i in $(seq 1 100); do
		[ "$(grep -c "$1" "$TMP/server.log")" -gt "$n" ] && return 0
		sleep 0.1
	done
	return 1
}
install_cat 12
hup 'catalogue reloaded' && ok "SIGHUP: v12 reloaded" ||
	{ bad "SIGHUP: no reload line"; sed 's/^/     | /' "$TMP/server.log"; }
check "version 12 in use" 12 "$(version)"
check "v12 adds a deadline 3 days ago: overdue" overdue "$(row "r['state']")"
check "the deadline is v12's" "$PAST" "$(row "r['deadline']")"

# SIGHUP with an older catalogue: refused, said in the log, v12 stays.
install_cat 11
hup 'catalogue refused' && ok "SIGHUP: v11 refused" ||
	{ bad "SIGHUP: no refusal line"; sed 's/^/     | /' "$TMP/server.log"; }
check "version 12 stays" 12 "$(version)"
check "still overdue" overdue "$(row "r['state']")"

# Without the record of accepted versions (state file lost, or not
# writable), the catalogue in use is still the floor.
rm -f "$VOORZORG_STATE_DIR/state.json"
check "no record: v11 still refused" 409 "$(api POST /catalog/reload)"
grep -q 'older than version 12 in use' "$TMP/body" &&
	ok "says which version is in use" || bad "no version in the message"
check "version 12 stays" 12 "$(version)"
install_cat 12
check "the same version again is accepted" 200 "$(api POST /catalog/reload)"
stop_server
finish
