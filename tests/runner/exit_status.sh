#!/usr/bin/env bash
#
# tests/runner/exit_status.sh BUILD-DIR [SCRIPT...] - do the shell tests
# check the tool's own exit status, every time they run it?
#
# Under the sanitizers a leak is reported at exit: the output is complete
# and correct, only the exit status (and stderr) says something is wrong.
# A test script that looks only at the output would pass. So this runs
# every shell test that drives the tool (the tests/*/*.sh that use
# $VOORZORG) with VOORZORG set to a stand-in that runs the real tool from
# BUILD-DIR with exit134.c preloaded: when the tool exits, its streams are
# flushed, the run is counted and its status becomes 134 (as with
# abort_on_error), silently (runs with --help excepted). The tool keeps
# its own process, so the server tests' signals reach `voorzorg serve`
# itself; a run ended by a signal is not counted. Each script must fail,
# with at least one failed check per counted run of the tool. check.sh
# runs this once, on its gcc build (BUILD-DIR must be built without
# sanitizers: their runtime must come first in the process, before any
# preloaded library).
#
# The server scripts (tests/server/*.sh STORE) run with the sqlite store
# only: they run the same checks on PostgreSQL, and what is audited here
# is the scripts' checks, not the store. tests/dashboard/run.sh gets a
# directory for its screenshots.
#
# Prints "ok - ..." / "not ok - ..." and ends with "N passed, M failed".
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${VZ_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
build=${1:-${VZ_BUILD_ROOT:-}}
if [ -z "$build" ] || [ ! -x "$build/src/voorzorg" ]; then
	echo "usage: exit_status.sh BUILD-DIR (with src/voorzorg built)" >&2
	exit 2
fi
build=$(cd "$build" && pwd)

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

# Open to every user: scan_roots.sh runs a copy of the tool as nobody.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vz-exit-status.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
chmod 1777 "$tmp"
mkdir -p "$tmp/state"
: >"$tmp/count"
chmod 666 "$tmp/count"
cc=${CC:-cc}
if ! "$cc" -shared -fPIC -O1 -o "$tmp/exit134.so" "$here/exit134.c" \
	>"$tmp/cc.log" 2>&1; then
	not_ok "exit134.c builds with $cc" "$(head -5 "$tmp/cc.log")"
	echo "$passed passed, $failed failed"
	exit 1
fi
chmod 755 "$tmp/exit134.so"
cat >"$tmp/voorzorg" <<EOF
#!/bin/bash
# A stand-in for voorzorg: the real run, in the same process, then the
# exit status of a sanitizer report at exit (exit134.c).
# (--help runs are passed through: scripts use them as a precondition.)
case " \$* " in *" --help "*) exec "$build/src/voorzorg" "\$@" ;; esac
echo run >>"$tmp/started"
VZ_EXIT134_COUNT=$tmp/count LD_PRELOAD=$tmp/exit134.so \\
	exec "$build/src/voorzorg" "\$@"
EOF
chmod 755 "$tmp/voorzorg"

# The stand-in itself: a run that exits 0 must end in 134, counted once,
# with its output whole.
: >"$tmp/started"
: >"$tmp/count"
chmod 666 "$tmp/started"
v=$("$tmp/voorzorg" --version 2>&1)
rc=$?
if [ "$rc" = 134 ] && [ "$(wc -l <"$tmp/count")" = 1 ] &&
	[ "$(wc -l <"$tmp/started")" = 1 ] &&
	[ "$v" = "$("$build/src/voorzorg" --version 2>&1)" ]; then
	ok "the stand-in: voorzorg --version exits 134, counted, same output"
else
	not_ok "the stand-in: voorzorg --version exited $rc" "$v"
fi

scripts=$(grep -l 'VOORZORG' "$src"/tests/*/*.sh | grep -v -e '/lib\.sh$' \
	-e '/runner/' | sort)
# Further arguments (tests/DIR/NAME.sh) narrow the audit to those scripts.
if [ $# -gt 1 ]; then
	shift
	scripts=$(printf "$src/%s\n" "$@")
fi
[ -n "$scripts" ] || not_ok "shell tests that run the tool are found"
for t in $scripts; do
	name=${t#"$src"/}
	args=()
	case $name in
	tests/server/*) args=(sqlite) ;;
	tests/dashboard/run.sh) args=("$tmp/shots") ;;
	esac
	: >"$tmp/count"
	: >"$tmp/started"
	VOORZORG=$tmp/voorzorg VZ_SOURCE_ROOT=$src VZ_BUILD_ROOT=$build \
		VZ_LOADGEN=$build/tests/server/vz-loadgen \
		VOORZORG_STATE_DIR=$tmp/state bash "$t" "${args[@]}" \
		>"$tmp/out" 2>&1
	rc=$?
	started=$(wc -l <"$tmp/started")
	runs=$(wc -l <"$tmp/count")
	fails=$(grep -cE '^(not ok|FAIL)\b' "$tmp/out")
	if [ "$started" = 0 ]; then
		ok "$name: runs the tool only for --help"
	elif [ "$runs" = 0 ]; then
		not_ok "$name: $started runs, none ended through exit" \
			"the audit saw no run it could give exit 134" \
			"$(tail -5 "$tmp/out")"
	elif [ "$rc" != 0 ] && [ "$fails" -ge "$runs" ]; then
		ok "$name: $fails failed checks for $runs runs ending in exit 134"
	else
		not_ok "$name: exit $rc, $fails failed checks for $runs runs" \
			"every run of the tool needs a check of its exit status" \
			"$(grep -E '^ok' "$tmp/out" | head -20)"
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
