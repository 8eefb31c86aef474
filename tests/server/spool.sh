#!/usr/bin/env bash
# tests/server/spool.sh STORE - the agent's spool: a report waits when the
# server is down, survives the scan being killed (kill -9) between writing
# it and hearing back from the server, and goes with the next run; a
# resend is counted once; a report the server refuses as invalid is moved
# aside with the reason and does not block the others.
. "$(dirname "$0")/lib.sh"
store=${1:?usage: spool.sh sqlite|postgresql}

db_for "$store" || finish
bash "$VZ_SOURCE_ROOT/tests/scan/mkroots.sh" "$TMP/roots" >/dev/null 2>&1 ||
	{ bad "mkroots.sh failed"; finish; }
CAT=(--catalog "$VZ_SOURCE_ROOT/tests/scan/catalog.json" --allow-unsigned)
export VOORZORG_STATE_DIR="$TMP/host"
SPOOL="$TMP/host/spool"
scan() { "$VOORZORG" scan --root "$TMP/roots/dpkg" "${CAT[@]}" \
	--submit "$1" >/dev/null 2>"$TMP/scan.err"; }
spooled() { find "$SPOOL" -maxdepth 1 -name '*.json' | wc -l | tr -d ' '; }

start_server "$DB" "${CAT[@]}" || { bad "server start"; finish; }
api POST /organisations '{"id":"o","name":"O","sector":"vital"}' >/dev/null
jx 'd["enroll_secret"]' <"$TMP/body" >"$TMP/secret"
"$VOORZORG" enroll "$URL" --secret-file "$TMP/secret" \
	--root "$TMP/roots/dpkg" >/dev/null || bad "enroll"
LIVE=$URL
stop_server

# 1. The server is down: the report waits; the scan's exit status is the
# scan's (1: findings), not the submission's.
scan "$LIVE"
check "server down: scan exit status unchanged" 1 $?
check "server down: report spooled" 1 "$(spooled)"
grep -q 'kept in' "$TMP/scan.err" && ok "server down: says it is kept" ||
	bad "server down: no message"

# 2. A scan killed while the server has not answered: the spooled report
# is whole (valid JSON, its own id in its name), no temporary file stays.
"$PY" "$HERE/blackhole.py" "$TMP/bh.port" >"$TMP/bh.out" &
BH=$!
for i in $(seq 1 50); do [ -s "$TMP/bh.port" ] && break; sleep 0.1; done
"$VOORZORG" scan --root "$TMP/roots/dpkg" "${CAT[@]}" \
	--submit "http://127.0.0.1:$(cat "$TMP/bh.port")" >/dev/null 2>&1 &
SCAN=$!
for i in $(seq 1 100); do grep -q accepted "$TMP/bh.out" && break; sleep 0.1; done
kill -9 "$SCAN"; wait "$SCAN" 2>/dev/null
kill "$BH"; wait "$BH" 2>/dev/null
check "killed mid-send: both reports spooled" 2 "$(spooled)"
bad_json=0
for f in "$SPOOL"/*.json; do
	id=$(jx 'd["report_id"]' <"$f" 2>/dev/null) || { bad_json=1; continue; }
	case $f in *"-$id.json") ;; *) bad_json=1 ;; esac
done
check "killed mid-send: spooled reports whole" 0 "$bad_json"
check "no temporary file left" 0 "$(find "$SPOOL" -name '.tmp-*' | wc -l | tr -d ' ')"

# 3. The server is back: the next run sends all three, oldest first, and
# the spool is empty; sending them again counts nothing twice.
cp "$SPOOL"/*.json "$TMP/"
start_server "$DB" "${CAT[@]}" || { bad "restart"; finish; }
scan "$URL"
check "next run: scan exit status" 1 $?
check "next run: spool empty" 0 "$(spooled)"
check "next run: three stored" 3 "$(grep -c ': stored$' "$TMP/scan.err")"
cp "$TMP"/0*.json "$SPOOL/"
scan "$URL"
check "resent: scan exit status" 1 $?
check "resent: counted before" 2 "$(grep -c 'stored before' "$TMP/scan.err")"
api GET "/reports?organisation=o" >/dev/null
check "four reports, each once" 4 "$(jx 'len(d["items"])' <"$TMP/body")"

# 4. A report the server refuses is moved aside with the reason, and the
# others still go.
printf '{"report_schema": 3}' >"$SPOOL/00000000000000000001-$(printf 'e%.0s' $(seq 32)).json"
scan "$URL"
check "refused report: scan exit status" 1 $?
check "refused report moved aside" 1 \
	"$(find "$SPOOL/rejected" -name '*.json' | wc -l | tr -d ' ')"
grep -q 'report_schema' "$SPOOL"/rejected/*.why && ok "the reason is kept" ||
	bad "no reason beside the refused report"
check "the others still sent" 0 "$(spooled)"
stop_server
finish
