# tests/server/lib.sh - shared helpers for the fleet server's tests.
#
# Sourced, not run. Starts real servers (voorzorg serve on 127.0.0.1 with
# a SQLite file, or a PostgreSQL cluster this script creates with initdb
# in a temporary directory as an unprivileged user), talks real HTTP with
# curl, and checks answers with python3. Every check prints ok or FAIL;
# finish prints "N passed, M failed" and fails the test if any failed.
# A missing PostgreSQL is a failure, never a skip.
set -u

: "${VOORZORG:?set VOORZORG to the voorzorg binary}"
: "${VZ_SOURCE_ROOT:?set VZ_SOURCE_ROOT to the source tree}"
PY=/usr/bin/python3
HERE="$VZ_SOURCE_ROOT/tests/server"
passed=0
failed=0

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vz-server.XXXXXX")
chmod 755 "$TMP"
export VOORZORG_STATE_DIR="$TMP/state"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
unset VOORZORG_NOW
SERVER_PID=""
PG_DIR=""
PG_BIN=""
cleanup() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	stop_pg
	rm -rf "$TMP"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
	exit $?
}

# check NAME WANT GOT
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1 (got '$3', wanted '$2')"; fi
}

# jx EXPR < JSON : evaluate a Python expression over the JSON as d.
jx() { "$PY" -c 'import json,sys
d=json.load(sys.stdin)
v=eval(sys.argv[1])
print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' "$1"; }

# Dates relative to today (UTC).
day() { date -u -d "@$(( $(date -u +%s) + $1 * 86400 ))" +%Y-%m-%d; }

ADMIN_TOKEN=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "$ADMIN_TOKEN" >"$TMP/admin.token"

# start_server DBSPEC [ARGS...] : voorzorg serve on a free port; sets URL.
# VOORZORG_NOW from the caller's environment is passed on.
start_server() {
	local db=$1 i
	shift
	: >"$TMP/server.log"
	"$VOORZORG" serve --db "$db" --listen 127.0.0.1:0 \
		--admin-token-file "$TMP/admin.token" "$@" \
		>/dev/null 2>"$TMP/server.log" &
	SERVER_PID=$!
	for i in $(seq 1 100); do
		if grep -q 'listening on' "$TMP/server.log"; then
			PORT=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' \
				"$TMP/server.log")
			URL="http://127.0.0.1:$PORT"
			return 0
		fi
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
		sleep 0.1
	done
	echo "server did not start:"
	sed 's/^/     | /' "$TMP/server.log"
	SERVER_PID=""
	return 1
}

# stop_server : SIGTERM; the server must stop cleanly (exit 0), with no
# sanitizer report in its log (the suite also runs under ASan and UBSan).
stop_server() {
	local rc
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		rc=$?
		SERVER_PID=""
		if [ "$rc" != 0 ] || grep -q 'Sanitizer' "$TMP/server.log"; then
			bad "server stopped with status $rc"
			sed 's/^/     | /' "$TMP/server.log" | head -40
		fi
	fi
}

# api METHOD PATH [BODY] : admin request; body to $TMP/body, status echoed.
api() {
	local m=$1 p=$2
	shift 2
	if [ $# -gt 0 ]; then
		curl -s -o "$TMP/body" -w '%{http_code}' -X "$m" \
			-H "Authorization: Bearer $ADMIN_TOKEN" \
			-H 'Content-Type: application/json' --data-binary "$1" \
			"$URL/api/v1$p"
	else
		curl -s -o "$TMP/body" -w '%{http_code}' -X "$m" \
			-H "Authorization: Bearer $ADMIN_TOKEN" "$URL/api/v1$p"
	fi
}

# The PostgreSQL server binaries of the newest installed major version.
pg_bin() {
	ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

# start_pg : a fresh cluster in $TMP/pg, as an unprivileged user when run
# as root, listening only on a unix socket there; sets PG_URI.
start_pg() {
	local as=() port
	PG_BIN=$(pg_bin)
	if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
		bad "PostgreSQL is not installed (apt-get install postgresql)"
		return 1
	fi
	PG_DIR="$TMP/pg"
	mkdir -p "$PG_DIR"
	if [ "$(id -u)" = 0 ]; then
		chown nobody:nogroup "$PG_DIR"
		as=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
	fi
	port=$(( 20000 + RANDOM % 20000 ))
	if ! "${as[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U vz \
		--auth=trust -E UTF8 --no-sync >"$TMP/initdb.log" 2>&1; then
		bad "initdb failed"
		sed 's/^/     | /' "$TMP/initdb.log"
		return 1
	fi
	if ! "${as[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 60 \
		-l "$PG_DIR/log" -o "-k $PG_DIR -p $port -c listen_addresses=''" \
		start >"$TMP/pgctl.log" 2>&1; then
		bad "pg_ctl start failed"
		sed 's/^/     | /' "$TMP/pgctl.log" "$PG_DIR/log"
		return 1
	fi
	PG_PORT=$port
	PG_AS=("${as[@]}")
	"${as[@]}" "$PG_BIN/createdb" -h "$PG_DIR" -p "$port" -U vz voorzorg
	PG_URI="postgresql:///voorzorg?host=$PG_DIR&port=$port&user=vz"
	return 0
}

stop_pg() {
	if [ -n "$PG_DIR" ] && [ -d "$PG_DIR/data" ]; then
		"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate \
			stop >/dev/null 2>&1
		PG_DIR=""
	fi
}

# psql_n SQL : a number from the test cluster.
psql_n() {
	"${PG_AS[@]}" env PGOPTIONS="${PGOPTIONS:-}" "$PG_BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U vz \
		-d voorzorg -Atc "$1"
}

# vital_catalog OUT REMOVE : the scan tests' catalogue, with the Dutch
# measure's removal deadline for the 'vital' sector on day REMOVE
# (YYYY-MM-DD), so that a root with the product is pending before it
# and overdue after.
vital_catalog() {
	"$PY" - "$VZ_SOURCE_ROOT/tests/scan/catalog.json" "$1" "$2" <<'PY'
import json, sys
src, out, remove = sys.argv[1:]
c = json.load(open(src))
for m in c["measures"]:
    for s in m["sectors"]:
        if s["sector"] == "vital" and m["id"] == "nl-2018-kaspersky-antivirus":
            s["deadlines"] = [{"verb": "complete-removal", "date": remove,
                               "sources": ["ro-2018"]}]
json.dump(c, open(out, "w"), indent=1)
PY
}

# db_for STORE : the --db value for sqlite or postgresql (starting it).
db_for() {
	case $1 in
	sqlite) DB="sqlite:$TMP/ledger.db" ;;
	postgresql) start_pg || return 1; DB=$PG_URI ;;
	*) echo "unknown store $1"; return 1 ;;
	esac
}
