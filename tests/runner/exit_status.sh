#!/usr/bin/env bash
#
# tests/runner/exit_status.sh BUILD-DIR - do the shell tests check the
# tool's own exit status, every time they run it?
#
# Under the sanitizers a leak is reported at exit: the output is complete
# and correct, only the exit status (and stderr) says something is wrong.
# A test script that looks only at the output would pass. So this runs
# every shell test that drives the tool (the tests/*/*.sh that use
# $VOORZORG) with VOORZORG set to a stand-in that runs the real tool from
# BUILD-DIR, counts the run, and then exits 134 (as abort_on_error does),
# silently (runs with --help excepted). Each script must fail, with at least one failed check per run
# of the tool. check.sh runs this once, on its gcc build.
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
cat >"$tmp/voorzorg" <<EOF
#!/bin/bash
# A stand-in for voorzorg: the real run, then the exit status of a
# sanitizer report at exit.
# (--help runs are passed through: scripts use them as a precondition.)
case " \$* " in *" --help "*) exec "$build/src/voorzorg" "\$@" ;; esac
echo run >>"$tmp/count"
"$build/src/voorzorg" "\$@"
exit 134
EOF
chmod 755 "$tmp/voorzorg"

scripts=$(grep -l 'VOORZORG' "$src"/tests/*/*.sh | grep -v -e '/lib\.sh$' \
	-e '/runner/' | sort)
[ -n "$scripts" ] || not_ok "shell tests that run the tool are found"
for t in $scripts; do
	name=${t#"$src"/}
	: >"$tmp/count"
	VOORZORG=$tmp/voorzorg VZ_SOURCE_ROOT=$src VZ_BUILD_ROOT=$build \
		VOORZORG_STATE_DIR=$tmp/state bash "$t" >"$tmp/out" 2>&1
	rc=$?
	runs=$(wc -l <"$tmp/count")
	fails=$(grep -cE '^(not ok|FAIL)\b' "$tmp/out")
	if [ "$runs" = 0 ]; then
		ok "$name: runs the tool only for --help"
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
