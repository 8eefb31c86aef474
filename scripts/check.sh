#!/usr/bin/env bash
# scripts/check.sh - the whole test suite, as CI runs it.
#
#   1. install the Debian packages the tests need (as root);
#   2. check the runner itself: tests/runner/runner.sh feeds the verdict
#      functions (scripts/check-lib.sh) deliberately broken runs;
#   3. build with gcc and with clang, warnings as errors; run the tests on
#      the gcc build and check that every shell test checks the tool's
#      exit status each time it runs it (tests/runner/exit_status.sh);
#   4. build with AddressSanitizer + UndefinedBehaviorSanitizer (clang) and
#      run the tests again; every sanitizer report (written to files, so
#      no test script can swallow it) is a failure;
#   5. build every libFuzzer harness fuzz/meson.build defines and run each
#      for FUZZ_SECONDS (30), FUZZ_JOBS (one per core) at a time.
#
# A run is green only when it proves it ran everything: a non-zero exit
# of meson test, a missing, empty or unparseable test log, a test the
# tree defines that did not run, a harness that was not built or ran no
# input, a missing tool: each is a failure. With CI=true a skipped test,
# a dependency meson did not find and a golden-update switch in the
# environment (VZ_UPDATE_GOLDEN, GOLDEN_UPDATE, ...) are failures too.
#
# With MUTATE=all (or MUTATE=K/N, one shard of the list) it then runs
# the mutation tests (scripts/mutate.sh): a mutation the suite does not
# catch is a failure. .ci/run sets MUTATE to a shard that rotates daily.
#
# Ends with one line "check: N passed, M failed, K skipped" and exits
# non-zero if anything failed. Build trees go under build-check/ (removed
# first).
set -uo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
fuzz_seconds=${FUZZ_SECONDS:-30}
out=build-check

scripts/install-deps.sh test || exit 3
# shellcheck source=scripts/check-lib.sh
. scripts/check-lib.sh

rm -rf "$out"
mkdir -p "$out"

note() { printf '\n==> %s\n' "$*"; }

note "environment and tools"
check_tools "$CHECK_PY" meson ninja gcc clang
check_env "$root"

note "the runner's own tests (tests/runner/runner.sh)"
if bash tests/runner/runner.sh >"$out/runner.log" 2>&1; then
  tail -1 "$out/runner.log"
  passed=$((passed + 1))
else
  cat "$out/runner.log"
  fail "runner" "tests/runner/runner.sh"
fi

# build_and_test LABEL DIR CC [meson options...] -- [env for the tests]
build_and_test() {
  local label=$1 dir=$2 cc=$3
  shift 3
  local opts=() envs=()
  while (($#)) && [[ $1 != -- ]]; do opts+=("$1"); shift; done
  (($#)) && shift
  envs=("$@")
  note "$label"
  if ! CC=$cc meson setup "$dir" --werror "${opts[@]}" >"$dir.setup.log" 2>&1; then
    cat "$dir.setup.log"
    fail "$label" "meson setup"; return
  fi
  check_deps "$label" "$dir.setup.log"
  if ! ninja -C "$dir" >"$dir.build.log" 2>&1; then
    tail -50 "$dir.build.log"
    fail "$label" "build"; return
  fi
  run_tests "$label" "$dir" "${envs[@]}"
}

build_and_test "gcc" "$out/gcc" gcc -Dbuildtype=debugoptimized

note "exit-status audit of the shell tests (tests/runner/exit_status.sh)"
if [[ -x $out/gcc/src/voorzorg ]] &&
   bash tests/runner/exit_status.sh "$out/gcc" >"$out/exit_status.log" 2>&1; then
  tail -1 "$out/exit_status.log"
  passed=$((passed + 1))
else
  grep -v '^ok' "$out/exit_status.log" 2>/dev/null
  fail "exit-status audit" "tests/runner/exit_status.sh"
fi

# clang at -O2 with warnings as errors: its diagnostics differ from gcc's.
# Its tests are not run a second time here: the sanitizer tree below is
# clang too and runs every test with ASan and UBSan watching.
note "clang (build only, warnings as errors)"
if ! CC=clang meson setup "$out/clang" --werror -Dbuildtype=debugoptimized \
     >"$out/clang.setup.log" 2>&1; then
  cat "$out/clang.setup.log"
  fail "clang" "meson setup"
elif ! ninja -C "$out/clang" >"$out/clang.build.log" 2>&1; then
  tail -50 "$out/clang.build.log"
  fail "clang" "build"
elif check_deps "clang" "$out/clang.setup.log"; then
  echo "clang: built with no warning"
  passed=$((passed + 1))
fi
# Sanitizer reports go to files under $san (open to every user: some
# tests run the tool as nobody); a report at exit is then seen even when
# a test script ignored the exit status.
san=$(mktemp -d "${TMPDIR:-/tmp}/vz-sanitizer.XXXXXX") && chmod 1777 "$san" ||
  fail "sanitizer" "no directory for the sanitizer logs"
build_and_test "clang + ASan + UBSan" "$out/sanitize" clang \
  -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false \
  -Dc_args=-fno-sanitize-recover=all -- \
  "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:log_path=$san/asan" \
  "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$san/ubsan"
check_sanitizer_logs "clang + ASan + UBSan" "$san"
rm -rf "$san"

note "fuzzing, ${fuzz_seconds}s per harness"
fdir=$out/fuzz
if CC=clang meson setup "$fdir" -Dfuzz=true -Dbuildtype=debugoptimized \
     -Db_sanitize=address,undefined -Db_lundef=false \
     "-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" \
     >"$fdir.setup.log" 2>&1 && ninja -C "$fdir" >"$fdir.build.log" 2>&1; then
  check_deps "fuzz" "$fdir.setup.log"
  run_fuzz "$root" "$fdir" "$fuzz_seconds"
else
  cat "$fdir.setup.log"; tail -50 "$fdir.build.log" 2>/dev/null
  fail "fuzz" "build"
fi

# Mutation testing, when asked (MUTATE=all, or K/N for a shard of the
# list): each mutation caught counts as a pass, each survivor (or stale
# mutation) as a failure. .ci/run asks for a shard that rotates daily.
if [[ -n ${MUTATE:-} && ${MUTATE} != 0 ]]; then
  note "mutation testing (scripts/mutate.sh, MUTATE=$MUTATE)"
  if [[ $MUTATE == all ]]; then
    scripts/mutate.sh >"$out/mutate.log" 2>&1
  else
    MUTATE_SHARD=$MUTATE scripts/mutate.sh >"$out/mutate.log" 2>&1
  fi
  grep -vE '^caught ' "$out/mutate.log"
  line=$(grep -E '^mutate: [0-9]+ passed, [0-9]+ failed$' "$out/mutate.log")
  if [[ $line =~ ^mutate:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
    while IFS= read -r l; do
      failures+=("mutation: ${l#* }")
    done < <(grep -E '^(NOT CAUGHT|FAILED) ' "$out/mutate.log")
    ((BASH_REMATCH[1] + BASH_REMATCH[2] > 0)) ||
      fail "mutate" "no mutation ran"
  else
    fail "mutate" "scripts/mutate.sh did not finish (log: $out/mutate.log)"
  fi
fi

summary
