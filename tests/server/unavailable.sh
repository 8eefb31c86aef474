#!/usr/bin/env bash
# tests/server/unavailable.sh STORE - when the database cannot be written
# the server answers 503 (with Retry-After and a JSON error), stores
# nothing half, keeps answering reads, and works again once the database
# does; nothing acknowledged is lost and the database stays sound.
#   sqlite: a full disk, made with a file size limit (ulimit -f) on the
#           server; then the limit lifted.
#   postgresql: the database turned read-only (default_transaction_
#           read_only, reloaded), then the cluster stopped under the
#           server (connection lost), then started again.
. "$(dirname "$0")/lib.sh"
store=${1:?usage: unavailable.sh sqlite|postgresql}

db_for "$store" || finish
bash "$VZ_SOURCE_ROOT/tests/scan/mkroots.sh" "$TMP/roots" >/dev/null 2>&1 ||
	{ bad "mkroots.sh failed"; finish; }
CAT=(--catalog "$VZ_SOURCE_ROOT/tests/scan/catalog.json" --allow-unsigned)

new_report() { # a fresh report from the dpkg root (findings: exit 1)
	local rc
	"$VOORZORG" scan --root "$TMP/roots/dpkg" "${CAT[@]}" --format json \
		--output "$TMP/r.json" 2>/dev/null
	rc=$?
	[ "$rc" = 1 ] || bad "scan of the dpkg root: exit $rc, wanted 1"
}
post_new() { # post the report of new_report; the status
	curl -s -D "$TMP/headers" -o "$TMP/body" -w '%{http_code}' -X POST \
		-H "Authorization: Bearer $KEY" \
		-H 'Content-Type: application/json' --data-binary "@$TMP/r.json" \
		"$URL/api/v1/reports"
}
count_reports() {
	api GET "/reports?limit=1000" >/dev/null
	jx 'len(d["items"])' <"$TMP/body"
}

start_server "$DB" "${CAT[@]}" || { bad "server start"; finish; }
api POST /organisations '{"id":"o","name":"O","sector":"vital"}' >/dev/null
jx 'd["enroll_secret"]' <"$TMP/body" >"$TMP/secret"
VOORZORG_STATE_DIR="$TMP/host" "$VOORZORG" enroll "$URL" \
	--secret-file "$TMP/secret" --root "$TMP/roots/dpkg" >/dev/null
check "enroll" 0 $?
KEY=$(cat "$TMP/host/node.key")
new_report
check "a report stored" 201 "$(post_new)"

case $store in
sqlite)
	# Fill the 'disk': a file size limit just above what is there.
	stop_server
	size_kb=$(( ($(stat -c %s "$TMP/ledger.db") + \
		$(stat -c %s "$TMP/ledger.db-wal" 2>/dev/null || echo 0)) / 1024 + 8 ))
	(ulimit -f "$size_kb"; start_server "$DB" "${CAT[@]}"; \
		echo "$SERVER_PID $PORT" >"$TMP/pid"; wait "$SERVER_PID") &
	SUB=$!
	for i in $(seq 1 100); do [ -s "$TMP/pid" ] && break; sleep 0.1; done
	read -r SERVER_PID PORT <"$TMP/pid"
	URL="http://127.0.0.1:$PORT"
	got=""
	before=$(count_reports)
	for i in $(seq 1 60); do
		new_report
		st=$(post_new)
		if [ "$st" = 503 ]; then got=503; break; fi
		[ "$st" = 201 ] || { got=$st; break; }
	done
	check "full disk: 503" 503 "$got"
	check "503 has Retry-After" 1 "$(grep -ci '^Retry-After: 60' "$TMP/headers")"
	check "503 has a JSON error" true "$(jx '"error" in d' <"$TMP/body")"
	check "reads still answered" 200 "$(api GET /compliance)"
	stored=$(count_reports)
	# The subshell's status is the server's.
	kill "$SERVER_PID"; wait "$SUB" 2>/dev/null
	check "the server on a full disk stopped cleanly" 0 $?
	SERVER_PID=""
	start_server "$DB" "${CAT[@]}" || { bad "restart"; finish; }
	new_report
	check "after the disk is freed: stored" 201 "$(post_new)"
	check "nothing half-stored, nothing lost" $((stored + 1)) \
		"$(count_reports)"
	stop_server
	check "SQLite integrity check" ok "$("$PY" -c 'import sqlite3,sys
print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' \
		"$TMP/ledger.db")"
	;;
postgresql)
	before=$(count_reports)
	psql_n "ALTER SYSTEM SET default_transaction_read_only = on" >/dev/null
	psql_n "SELECT pg_reload_conf()" >/dev/null
	sleep 1
	new_report
	check "read-only database: 503" 503 "$(post_new)"
	check "503 has a JSON error" true "$(jx '"error" in d' <"$TMP/body")"
	check "health degraded" 503 "$(api GET /health)"
	check "reads still answered" 200 "$(api GET /compliance)"
	check "nothing stored" "$before" "$(count_reports)"
	PGOPTIONS="-c default_transaction_read_only=off" \
		psql_n "ALTER SYSTEM RESET default_transaction_read_only" >/dev/null
	psql_n "SELECT pg_reload_conf()" >/dev/null
	sleep 1
	new_report
	check "writable again: stored" 201 "$(post_new)"
	"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null
	new_report
	check "database gone: 503" 503 "$(post_new)"
	"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/log" \
		-o "-k $PG_DIR -p $PG_PORT -c listen_addresses=''" start >/dev/null
	new_report
	check "database back: stored (reconnected)" 201 "$(post_new)"
	check "every acknowledged report there" $((before + 2)) \
		"$(count_reports)"
	;;
esac
stop_server
finish
