#!/usr/bin/env bash
#
# tests/scan/scan_live.sh - `voorzorg scan` of this machine with the
# bundled (signed) catalogue and its real Linux fingerprints.
#
#   - this machine has no product of the catalogue: the scan reports no
#     finding and exits 0;
#   - the bundled catalogue finds KESL on the dpkg fixture root, and
#     nothing on the decoy root;
#   - a process named like KESL's daemon makes the product "running";
#   - no progress on stderr when it is not a terminal.
# Ends with "N passed, M failed".
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${VZ_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
vz=${VOORZORG:-${VZ_BUILD_ROOT:-$src/build}/src/voorzorg}
py=/usr/bin/python3
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() {
	failed=$((failed + 1))
	echo "not ok - $1"
	shift
	local l
	for l in "$@"; do echo "#   $l"; done
}
check() {
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
jq_py() {
	"$py" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vz-scan-live.XXXXXX") || exit 2
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

bundled=$src/catalog/voorzorg.json

# live USER ARGS...: `voorzorg scan ARGS` of this machine, on stdout and
# stderr, as USER (root or nobody).
#
# The live scan walks the whole machine, and the scratch areas of a
# developer's or CI's machine hold other tests' fixture roots: files that
# look like Kaspersky's on purpose. As root the scan therefore runs in a
# private mount namespace in which /tmp, /var/tmp, the source tree and the
# build tree are empty; everything else (/usr, /etc, /var, /opt, /home,
# processes, kernel modules) is the live host as it is. Without root (no
# namespace) it scans the machine as it is, scratch areas included.
bin=$tmp/bin-live
mkdir -p "$bin"
cp "$vz" "$bundled" "$bundled.minisig" "$src/catalog/voorzorg.pub" "$bin/"
chmod -R a+rX "$bin"
chmod a+rx "$tmp"
build=${VZ_BUILD_ROOT:-$(dirname "$(dirname "$vz")")}
live() {
	local who=$1
	shift
	if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
		"$vz" scan --catalog "$bundled" "$@"
		return
	fi
	unshare -m --propagation private /bin/bash -c '
		bin=$1 who=$2 src=$3 build=$4
		shift 4
		mount -t tmpfs vz-live /mnt || exit 90
		cp "$bin"/* /mnt/ || exit 90
		mkdir -p /mnt/state && chmod 777 /mnt/state
		for d in /tmp /var/tmp "$src" "$build"; do
			[ -d "$d" ] && { mount -t tmpfs vz-hide "$d" || exit 90; }
		done
		export VOORZORG_STATE_DIR=/mnt/state
		if [ "$who" = nobody ]; then
			exec setpriv --reuid=65534 --regid=65534 --clear-groups \
				/mnt/voorzorg scan --catalog /mnt/voorzorg.json \
				--pubkey /mnt/voorzorg.pub "$@"
		fi
		exec /mnt/voorzorg scan --catalog /mnt/voorzorg.json \
			--pubkey /mnt/voorzorg.pub "$@"
	' live "$bin" "$who" "$src" "$build" "$@"
}

live root --format json >"$tmp/live.json" 2>"$tmp/live.err"
rc=$?
check "live scan, bundled catalogue: exit 0 (got $rc)" test "$rc" = 0
found=$(jq_py "$tmp/live.json" '[(f["product_id"], f["state"], [e["item"] for e in f["evidence"]][:3]) for f in d["findings"]]')
if [ "$found" = "[]" ]; then
	ok "live scan: no finding"
else
	# Name what was found: on a shared machine it is usually another
	# test's fixture process or file, which the namespace cannot hide.
	not_ok "live scan: no finding" "$found"
fi
check "live scan: the host is the live one" test \
	"$(jq_py "$tmp/live.json" '(d["host"]["live"], d["host"]["root"])')" = "(True, '/')"
check "live scan: processes were read" test \
	"$(jq_py "$tmp/live.json" 'd["stats"]["processes"] > 0')" = True
check "live scan: no progress when stderr is not a terminal" test ! -s "$tmp/live.err"

check "live scan: the catalogue's signature is valid" test \
	"$(jq_py "$tmp/live.json" 'd["catalog"]["signature"]')" = valid

bash "$here/mkroots.sh" "$tmp/roots" >"$tmp/mkroots.log" 2>>"$tmp/stderr.log" ||
	not_ok "fixture roots build" "$(tail -3 "$tmp/mkroots.log")"
"$vz" scan --root "$tmp/roots/dpkg" --catalog "$bundled" \
	--sector central-government --format json >"$tmp/kesl.json" 2>>"$tmp/stderr.log"
check "bundled catalogue on the dpkg fixture: exit 1 (got $?)" test $? = 1
check "bundled catalogue finds KESL installed on the dpkg fixture" test \
	"$(jq_py "$tmp/kesl.json" '[(f["product_id"], f["state"], f["measure"]["id"]) for f in d["findings"]]')" = \
	"[('kaspersky-endpoint-security-linux', 'installed', 'nl-2018-kaspersky-antivirus')]"
"$vz" scan --root "$tmp/roots/decoy" --catalog "$bundled" \
	--format json >"$tmp/decoy.json" 2>>"$tmp/stderr.log"
check "bundled catalogue on the decoy root: exit 0 (got $?)" test $? = 0
check "bundled catalogue: no finding on the decoy root" test \
	"$(jq_py "$tmp/decoy.json" 'len(d["findings"])')" = 0

# A live process whose executable is called kesl: running.
"$py" - "$src/tests/scan/catalog.json" "$tmp/proc.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
for p in c["products"]:
    p["fingerprints"] = [f for f in p.get("fingerprints", [])
                         if f["kind"] == "process"]
json.dump(c, open(sys.argv[2], "w"))
PY
mkdir -p "$tmp/bin"
cp "$(command -v sleep)" "$tmp/bin/kesl"
"$tmp/bin/kesl" 300 &
pid=$!
"$vz" scan --catalog "$tmp/proc.json" --allow-unsigned \
	--sector central-government \
	--format json >"$tmp/run.json" 2>>"$tmp/stderr.log"
rc=$?
check "a running kesl process: exit 1 (got $rc)" test "$rc" = 1
check "a running kesl process: state running, with its pid" test \
	"$(jq_py "$tmp/run.json" '[(f["state"], any("pid %s:" % '"$pid"' in e["detail"] for e in f["evidence"])) for f in d["findings"]]')" = \
	"[('running', True)]"
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=

# As a user who may not read other users' processes, most of the live
# host cannot be examined: that is an incomplete scan (exit 4), never a
# clean one.
if [ "$(id -u)" = 0 ]; then
	live nobody --format json >"$tmp/nobody.json" 2>"$tmp/nobody.err"
	rc=$?
	check "live scan as nobody: exit 4, incomplete (got $rc)" test "$rc" = 4
	check "live scan as nobody: the reason is the unreadable processes" test \
		"$(jq_py "$tmp/nobody.json" '[r.split(":")[:2] for r in d["coverage"]["reasons"]]')" = \
		"[['procs', ' most processes could not be examined']]"
else
	not_ok "live scan as another user: needs root to switch user (run as root)"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
