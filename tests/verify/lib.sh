# tests/verify/lib.sh - shared helpers for the signing test scripts.
#
# Sourced, not run. Every check prints "ok" or "FAIL" with its name, and
# finish() prints "N passed, M failed" and sets the exit status, so each
# script can fail and says why. Nothing is installed: the scripts need
# minisign and python3 from the Debian packages the CI installs.
set -u

: "${VOORZORG:?set VOORZORG to the voorzorg binary}"
: "${VZ_SOURCE_ROOT:?set VZ_SOURCE_ROOT to the source tree}"
PY=/usr/bin/python3
HERE="$VZ_SOURCE_ROOT/tests/verify"
passed=0
failed=0

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vz-verify.XXXXXX")
export VOORZORG_STATE_DIR="$TMP/state"
# The update tests talk to 127.0.0.1; a proxy from the environment must
# not get in between.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
cleanup_hooks=""
cleanup() {
	for h in $cleanup_hooks; do "$h"; done
	rm -rf "$TMP"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }

# expect_exit NAME CODE CMD... : run CMD, compare its exit status.
expect_exit() {
	local name=$1 want=$2 got
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" = "$want" ]; then
		ok "$name"
	else
		bad "$name (exit $got, wanted $want)"
		sed 's/^/     | /' "$TMP/out" "$TMP/err"
	fi
}

# expect_grep NAME PATTERN FILE : FILE (out or err of the last run) matches.
expect_grep() {
	if grep -q -- "$2" "$3"; then
		ok "$1"
	else
		bad "$1 (no '$2' in $(basename "$3"))"
		sed 's/^/     | /' "$3"
	fi
}

need() {
	if ! command -v "$1" >/dev/null 2>&1; then
		echo "FAIL $1 is not installed (the CI installs it)"
		echo "0 passed, 1 failed"
		exit 1
	fi
}

# mkcat OUT VERSION EXPIRES : a valid catalogue with that version and
# expiry, from the test suite's minimal catalogue (or the valid catalogue
# $VZ_VERIFY_BASE_CATALOG names).
BASE_CATALOG=${VZ_VERIFY_BASE_CATALOG:-}
[ -n "$BASE_CATALOG" ] ||
	BASE_CATALOG=$VZ_SOURCE_ROOT/tests/catalogs/good/minimal.json
mkcat() {
	"$PY" - "$BASE_CATALOG" "$@" <<'PYEOF'
import json, sys
src, out, version, expires = sys.argv[1:5]
with open(src) as f:
    cat = json.load(f)
cat["version"] = int(version)
cat["expires"] = expires
with open(out, "w") as f:
    json.dump(cat, f, indent=2)
    f.write("\n")
PYEOF
}

# day OFFSET : the UTC date OFFSET days from today, YYYY-MM-DD.
day() {
	"$PY" - "$1" <<'PYEOF'
import datetime, sys
now = datetime.datetime.now(datetime.timezone.utc).date()
print((now + datetime.timedelta(days=int(sys.argv[1]))).isoformat())
PYEOF
}

# flip FILE OFFSET : change one byte of FILE in place.
flip() {
	"$PY" - "$1" "$2" <<'PYEOF'
import sys
path, off = sys.argv[1], int(sys.argv[2])
b = bytearray(open(path, "rb").read())
b[off] ^= 0x01
open(path, "wb").write(bytes(b))
PYEOF
}

# start_server DIR : serve DIR with server.py (see there) on a free port
# of 127.0.0.1; sets URL, and stops the server when the script ends.
start_server() {
	"$PY" "$HERE/server.py" "$1" "$TMP/port" &
	server_pid=$!
	cleanup_hooks="$cleanup_hooks stop_server"
	for _ in $(seq 1 100); do
		[ -s "$TMP/port" ] && break
		sleep 0.05
	done
	if [ ! -s "$TMP/port" ]; then
		echo "FAIL the test server did not start"
		echo "0 passed, 1 failed"
		exit 1
	fi
	URL="http://127.0.0.1:$(cat "$TMP/port")"
}
stop_server() {
	kill "$server_pid" 2>/dev/null
	wait "$server_pid" 2>/dev/null
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}
