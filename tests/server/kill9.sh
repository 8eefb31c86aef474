#!/usr/bin/env bash
# tests/server/kill9.sh STORE - kill -9 of the server in the middle of
# ingestion loses no acknowledged report: a load generator posts reports
# from 20 hosts over 4 connections and writes down every report the
# server acknowledged; the server is killed with SIGKILL mid-load and
# started again on the same database; every acknowledged report must be
# there, and the database must pass its integrity check.
. "$(dirname "$0")/lib.sh"
store=${1:?usage: kill9.sh sqlite|postgresql}
: "${VZ_LOADGEN:?set VZ_LOADGEN to the vz-loadgen binary}"

db_for "$store" || finish
bash "$VZ_SOURCE_ROOT/tests/scan/mkroots.sh" "$TMP/roots" >/dev/null 2>&1 ||
	{ bad "mkroots.sh failed"; finish; }
CAT=(--catalog "$VZ_SOURCE_ROOT/tests/scan/catalog.json" --allow-unsigned)
"$VOORZORG" scan --root "$TMP/roots/dpkg" "${CAT[@]}" --format json \
	--output "$TMP/report.json" 2>/dev/null
check "scan of the dpkg root (findings)" 1 $?
"$PY" "$HERE/mktemplate.py" "$TMP/report.json" "$TMP/template.json"

start_server "$DB" "${CAT[@]}" || { bad "server start"; finish; }
check "organisation" 201 \
	"$(api POST /organisations '{"id":"load","name":"Load","sector":"vital"}')"
jx 'd["enroll_secret"]' <"$TMP/body" >"$TMP/secret"

"$VZ_LOADGEN" "$PORT" "$TMP/secret" "$TMP/template.json" 20 1000000 4 60 \
	"$TMP/acked" >"$TMP/loadgen.out" 2>&1 &
LOAD_PID=$!
for i in $(seq 1 300); do
	[ "$(wc -l <"$TMP/acked" 2>/dev/null || echo 0)" -ge 300 ] && break
	sleep 0.1
done
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=""
kill "$LOAD_PID" 2>/dev/null
wait "$LOAD_PID" 2>/dev/null
ACKED=$(wc -l <"$TMP/acked")
if [ "$ACKED" -ge 300 ]; then
	ok "killed mid-load after $ACKED acknowledged reports"
else
	bad "the load did not get going ($ACKED acknowledged)"
	sed 's/^/     | /' "$TMP/loadgen.out" "$TMP/server.log"
fi

start_server "$DB" "${CAT[@]}" || { bad "restart after kill -9"; finish; }
"$PY" "$HERE/acked.py" "$URL" "$ADMIN_TOKEN" "$TMP/acked" >"$TMP/count"
check "every acknowledged report survived kill -9" \
	"stored $ACKED of $ACKED" "$(head -n1 "$TMP/count")"
check "health after restart" 200 "$(api GET /health)"
api GET "/compliance?organisation=load" >/dev/null
check "the ledger answers for the 20 hosts" 20 \
	"$(jx 'd["totals"]["hosts"]' <"$TMP/body")"
stop_server
case $store in
sqlite)
	check "SQLite integrity check" ok "$("$PY" -c 'import sqlite3,sys
print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' \
		"$TMP/ledger.db")" ;;
postgresql)
	check "PostgreSQL: reports table readable" 0 \
		"$(psql_n 'SELECT count(*) FROM reports WHERE body IS NULL')" ;;
esac
finish
