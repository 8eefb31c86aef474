#!/usr/bin/env bash
#
# tests/runner/runner.sh - the test runner's own tests: every way a run
# can go wrong must turn scripts/check.sh red.
#
# Feeds the verdict functions of scripts/check-lib.sh (the ones check.sh
# uses) deliberately broken runs - of a tiny meson project with passing,
# failing and skipping tests, through a stand-in `meson` that damages the
# test log or the exit status after a real run - and requires a red
# verdict (a non-zero summary with "N failed", N > 0) for each, and a
# green one for the intact runs. Also: the source lint without python3,
# the Windows tests without their tools, golden-update switches and
# missing dependencies in CI, fuzz harnesses not built or idle, and a
# real AddressSanitizer leak report at exit that the program's caller
# ignored. Needs meson, python3 and clang (scripts/install-deps.sh test).
#
# Prints "ok - ..." / "not ok - ..." and ends with "N passed, M failed".
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${VZ_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
lib=$src/scripts/check-lib.sh

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

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vz-runner.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

for tool in meson /usr/bin/python3 clang; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "not ok - $tool is not installed (scripts/install-deps.sh test)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
real_meson=$(command -v meson)

# verdict NAME WANT SCRIPT: run SCRIPT (bash, with check-lib.sh sourced
# and `summary` called at its end) in a clean environment; WANT is red or
# green. Red means a non-zero exit and a summary line with failures.
verdict() {
	local name=$1 want=$2 body=$3 rc line
	(
		unset CI VZ_UPDATE_GOLDEN GOLDEN_UPDATE
		passed=0 failed=0 skipped=0 failures=()
		# shellcheck source=scripts/check-lib.sh
		. "$lib"
		eval "$body"
		summary
	) >"$tmp/out" 2>&1
	rc=$?
	line=$(grep -E '^check: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' \
		"$tmp/out" | tail -1)
	case $want in
	red)
		if [ "$rc" != 0 ] && [[ $line =~ \ [1-9][0-9]*\ failed ]]; then
			ok "$name: red ($line)"
		else
			not_ok "$name: should be red (exit $rc, '$line')" \
				"$(tail -5 "$tmp/out")"
		fi ;;
	green)
		if [ "$rc" = 0 ] && [[ $line =~ \ 0\ failed ]]; then
			ok "$name: green ($line)"
		else
			not_ok "$name: should be green (exit $rc, '$line')" \
				"$(tail -8 "$tmp/out")"
		fi ;;
	esac
}

# ---- a tiny meson project ------------------------------------------------
mkproj() { # mkproj DIR TEST=EXIT...
	local d=$1 t
	shift
	mkdir -p "$d"
	echo "project('runner-test')" >"$d/meson.build"
	for t in "$@"; do
		printf '#!/bin/sh\nexit %s\n' "${t#*=}" >"$d/${t%%=*}.sh"
		chmod +x "$d/${t%%=*}.sh"
		echo "test('${t%%=*}', find_program('${t%%=*}.sh'))" \
			>>"$d/meson.build"
	done
	"$real_meson" setup "$d/build" "$d" >"$d/setup.log" 2>&1 ||
		not_ok "meson setup of $d" "$(tail -3 "$d/setup.log")"
}
mkproj "$tmp/ok" a=0 b=0 c=0
mkproj "$tmp/fail" a=0 b=1 c=0
mkproj "$tmp/skip" a=0 b=77 c=0

# A stand-in meson: real runs, then damage as FAKE_MODE says.
mkdir -p "$tmp/bin"
cat >"$tmp/bin/meson" <<EOF
#!/bin/bash
case " \$* " in *" --list "*) exec "$real_meson" "\$@" ;; esac
"$real_meson" "\$@"
rc=\$?
dir=\$3
log=\$dir/meson-logs/testlog.json
case \${FAKE_MODE:-} in
exit) exit 137 ;;                          # killed, log complete
garbage) echo '{"name": "x", "res' >>"\$log" ;;
empty) : >"\$log" ;;
short) head -1 "\$log" >"\$log.1"; mv "\$log.1" "\$log"; exit 1 ;;
shortok) head -1 "\$log" >"\$log.1"; mv "\$log.1" "\$log" ;;
nolog) rm -f "\$log" ;;
esac
exit \$rc
EOF
chmod +x "$tmp/bin/meson"
fake() { # fake MODE: the body of a verdict running the stand-in
	echo "PATH=$tmp/bin:\$PATH FAKE_MODE=$1 run_tests t $tmp/ok/build"
}

verdict "all tests pass" green "run_tests t $tmp/ok/build"
grep -q '^t: 3 passed, 0 failed, 0 skipped' "$tmp/out" &&
	ok "all tests pass: 3 counted" || not_ok "all tests pass: 3 counted" \
	"$(cat "$tmp/out")"
verdict "a failing test" red "run_tests t $tmp/fail/build"
verdict "meson test killed, complete log" red "$(fake exit)"
verdict "unparseable test log" red "$(fake garbage)"
verdict "empty test log" red "$(fake empty)"
verdict "no test log" red "$(fake nolog)"
verdict "short test log (1 of 3), exit 1" red "$(fake short)"
verdict "short test log (1 of 3), exit 0" red "$(fake shortok)"
verdict "a skipped test outside CI" green "run_tests t $tmp/skip/build"
verdict "a skipped test in CI" red "CI=true run_tests t $tmp/skip/build"

# ---- golden-update switches --------------------------------------------
verdict "VZ_UPDATE_GOLDEN outside CI (a warning)" green \
	"VZ_UPDATE_GOLDEN=1 check_env $src"
verdict "VZ_UPDATE_GOLDEN in CI" red "CI=true VZ_UPDATE_GOLDEN=1 check_env $src"
verdict "GOLDEN_UPDATE in CI" red "CI=true GOLDEN_UPDATE=1 check_env $src"
verdict "no switch in CI" green "CI=true check_env $src"
mkdir -p "$tmp/tree/tests"
printf 'x=${VZ_REGEN_FIXTURES:-}\n' >"$tmp/tree/tests/t.sh"
verdict "a new switch found in tests/ (VZ_REGEN_FIXTURES), in CI" red \
	"export CI=true VZ_REGEN_FIXTURES=1; check_env $tmp/tree"
sw=$(
	. "$lib"
	golden_switches "$src" | tr '\n' ' '
)
case $sw in
*GOLDEN_UPDATE*VZ_UPDATE_GOLDEN*) ok "the tree's switches are found ($sw)" ;;
*) not_ok "the tree's switches are found" "got: $sw" ;;
esac

# ---- dependencies and tools --------------------------------------------
printf 'Run-time dependency jansson found: YES 2.14\n' >"$tmp/deps-ok.log"
printf 'Run-time dependency hivex found: NO (tried pkgconfig)\n' \
	>"$tmp/deps-no.log"
verdict "a dependency not found, in CI" red "CI=true check_deps t $tmp/deps-no.log"
verdict "a dependency not found, outside CI" green "check_deps t $tmp/deps-no.log"
verdict "every dependency found, in CI" green "CI=true check_deps t $tmp/deps-ok.log"
verdict "a tool check.sh needs is missing" red "check_tools no-such-tool-vz"

VZ_PYTHON=$tmp/no-python3 bash "$src/scripts/checksrc.sh" >"$tmp/cs.out" 2>&1
rc=$?
if [ "$rc" != 0 ] && grep -q 'is missing' "$tmp/cs.out"; then
	ok "checksrc without python3 fails (exit $rc)"
else
	not_ok "checksrc without python3 fails (exit $rc)" "$(cat "$tmp/cs.out")"
fi
mkdir -p "$tmp/lint/lib" "$tmp/lint/src" "$tmp/lint/include"
printf '/* t.c - a test. */\nint f(char *b);\nint f(char *b) { return 0; }\n' \
	>"$tmp/lint/lib/t.c"
VZ_SOURCE_ROOT=$tmp/lint bash "$src/scripts/checksrc.sh" >"$tmp/cs.out" 2>&1 &&
	ok "checksrc passes a clean tree" ||
	not_ok "checksrc passes a clean tree" "$(cat "$tmp/cs.out")"
printf '/* t.c - a test. */\nint f(char *b);\nint f(char *b) { return sprintf(b, "x"); }\n' \
	>"$tmp/lint/lib/t.c"
if VZ_SOURCE_ROOT=$tmp/lint bash "$src/scripts/checksrc.sh" >"$tmp/cs.out" 2>&1; then
	not_ok "checksrc still finds a banned call" "$(cat "$tmp/cs.out")"
else
	ok "checksrc still finds a banned call"
fi

mkdir -p "$tmp/nobin"
ln -s "$(command -v dirname)" "$tmp/nobin/dirname"
PATH=$tmp/nobin VOORZORG=/bin/true /bin/bash "$src/tests/win/scan_win.sh" \
	>"$tmp/win.out" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q 'not installed' "$tmp/win.out"; then
	ok "Windows tests without their tools fail (exit 1, not a skip)"
else
	not_ok "Windows tests without their tools fail (exit $rc)" \
		"$(cat "$tmp/win.out")"
fi

# ---- fuzz harnesses -------------------------------------------------------
mapfile -t names < <(. "$lib"; fuzz_expected "$src")
nfiles=$(grep -oE "files\('fuzz_[a-z0-9_]+\.c'\)" "$src/fuzz/meson.build" |
	sort -u | wc -l)
if [ "${#names[@]}" -gt 0 ] && [ "${#names[@]}" = "$nfiles" ]; then
	ok "fuzz/meson.build defines ${#names[@]} harnesses, all found"
else
	not_ok "fuzz/meson.build harnesses found" \
		"names: ${names[*]}; files: $nfiles"
fi
fz=$tmp/fz
mkdir -p "$fz/src/fuzz" "$fz/build/fuzz"
cp "$src/fuzz/meson.build" "$fz/src/fuzz/"
mkharness() { # mkharness NAME UNITS EXIT
	printf '#!/bin/sh\necho "stat::number_of_executed_units: %s"\nexit %s\n' \
		"$2" "$3" >"$fz/build/fuzz/fuzz_$1"
	chmod +x "$fz/build/fuzz/fuzz_$1"
}
verdict "no harness built (an empty glob)" red "run_fuzz $fz/src $fz/build 1"
for n in "${names[@]}"; do mkharness "$n" 5 0; done
verdict "every harness ran" green "run_fuzz $fz/src $fz/build 1"
verdict "every harness ran, paths relative to the tree" green \
	"cd $fz && run_fuzz src build 1"
rm -f "$fz/build/fuzz/fuzz_${names[0]}"
verdict "one harness not built" red "run_fuzz $fz/src $fz/build 1"
mkharness "${names[0]}" 0 0
verdict "one harness ran no input" red "run_fuzz $fz/src $fz/build 1"
mkharness "${names[0]}" 5 1
verdict "one harness crashed" red "run_fuzz $fz/src $fz/build 1"
: >"$fz/src/fuzz/meson.build"
verdict "a fuzz/meson.build that defines none" red "run_fuzz $fz/src $fz/build 1"

# ---- sanitizer reports that a test ignored ----------------------------------
mkdir -p "$tmp/san/logs"
cat >"$tmp/san/leak.c" <<'EOF'
/* leak.c - a program that leaks, for the runner's test. */
#include <stdlib.h>
#include <string.h>
int main(void)
{
	char *p = malloc(64);

	strcpy(p, "leaked");
	p = NULL;
	return 0;
}
EOF
if clang -g -fsanitize=address "$tmp/san/leak.c" -o "$tmp/san/leak" \
	>"$tmp/san/cc.log" 2>&1; then
	# A "test" that ignores the exit status of what it runs.
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path=$tmp/san/logs/asan \
		"$tmp/san/leak" >/dev/null 2>&1 || true
	verdict "a leak reported at exit, exit status ignored" red \
		"check_sanitizer_logs t $tmp/san/logs"
	rm -f "$tmp/san/logs"/*
	verdict "no sanitizer report" green "check_sanitizer_logs t $tmp/san/logs"
else
	not_ok "clang -fsanitize=address builds a test program" \
		"$(tail -3 "$tmp/san/cc.log")"
fi

# ---- the mutation list cannot rot silently ---------------------------------
mp=$src/scripts/mutations.py
if n=$(/usr/bin/python3 "$mp" parse "$src/scripts/mutations.txt" | wc -l) &&
	[ "$n" -ge 40 ]; then
	ok "scripts/mutations.txt parses: $n mutations"
else
	not_ok "scripts/mutations.txt parses, with at least 40 mutations"
fi
# Every mutation applies to a copy of the tree as it is now.
mkdir -p "$tmp/mt"
/usr/bin/python3 "$mp" copy "$src" "$tmp/mt" 2>"$tmp/mt.err" ||
	not_ok "mutations.py copies the tree" "$(cat "$tmp/mt.err")"
bad=""
for ((i = 1; i <= n; i++)); do
	f=$(/usr/bin/python3 "$mp" parse "$src/scripts/mutations.txt" |
		awk -F'\t' -v n="$i" '$1 == n { print $2 }')
	cp "$tmp/mt/$f" "$tmp/mt.orig"
	/usr/bin/python3 "$mp" apply "$src/scripts/mutations.txt" "$i" "$tmp/mt" \
		>/dev/null 2>>"$tmp/mt.err" || bad="$bad $i"
	cmp -s "$tmp/mt/$f" "$tmp/mt.orig" && bad="$bad $i(unchanged)"
	cp "$tmp/mt.orig" "$tmp/mt/$f"
done
if [ -z "$bad" ]; then
	ok "every mutation's original text is found exactly once"
else
	not_ok "mutations whose original text is not found once:$bad" \
		"$(cat "$tmp/mt.err")"
fi
mklist() { printf 'file: lib/t.c\nfind: %s\nreplace: y\nwhy: test\n' "$1" \
	>"$tmp/l.txt"; }
mkdir -p "$tmp/mt2/lib"
printf 'int a = x;\nint b = x;\nint c = z;\n' >"$tmp/mt2/lib/t.c"
mklist 'q'
/usr/bin/python3 "$mp" apply "$tmp/l.txt" 1 "$tmp/mt2" >/dev/null 2>&1 &&
	not_ok "a mutation whose text is gone fails" ||
	ok "a mutation whose text is gone fails"
mklist 'x'
/usr/bin/python3 "$mp" apply "$tmp/l.txt" 1 "$tmp/mt2" >/dev/null 2>&1 &&
	not_ok "a mutation whose text is found twice fails" ||
	ok "a mutation whose text is found twice fails"
mklist 'z'
/usr/bin/python3 "$mp" apply "$tmp/l.txt" 1 "$tmp/mt2" &&
	grep -q 'int c = y;' "$tmp/mt2/lib/t.c" &&
	ok "a mutation applies" || not_ok "a mutation applies"
printf 'file: lib/t.c\nfind: z\nwhy: no replacement\n' >"$tmp/l.txt"
/usr/bin/python3 "$mp" parse "$tmp/l.txt" >/dev/null 2>&1 &&
	not_ok "a mutation without replace: is refused" ||
	ok "a mutation without replace: is refused"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
