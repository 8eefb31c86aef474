#!/usr/bin/env bash
# scripts/check.sh - the whole test suite, as CI runs it.
#
#   1. install the Debian packages the tests need (as root);
#   2. build with gcc and with clang, warnings as errors, and run the tests;
#   3. build with AddressSanitizer + UndefinedBehaviorSanitizer (clang) and
#      run the tests again, leaks and undefined behaviour being failures;
#   4. build every libFuzzer harness and run each for FUZZ_SECONDS (60).
#
# Ends with one line "check: N passed, M failed" and exits non-zero if
# anything failed. Build trees go under build-check/ (removed first).
set -uo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
fuzz_seconds=${FUZZ_SECONDS:-60}
out=build-check
passed=0
failed=0
skipped=0
failures=()

scripts/install-deps.sh test || exit 3
rm -rf "$out"
mkdir -p "$out"

note() { printf '\n==> %s\n' "$*"; }

# Count the results meson recorded for one build tree.
tally() {
  local dir=$1 counts
  counts=$(/usr/bin/python3 - "$dir/meson-logs/testlog.json" <<'PY'
import json, sys
p = f = s = 0
names = []
try:
    for line in open(sys.argv[1]):
        r = json.loads(line)
        if r["result"] in ("OK", "EXPECTEDFAIL"):
            p += 1
        elif r["result"] == "SKIP":
            s += 1
        else:
            f += 1
            names.append(r["name"])
except OSError:
    f += 1
    names.append("(no test log)")
print(p, f, s, " ".join(names))
PY
)
  read -r p f s names <<<"$counts"
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + s))
  if ((f > 0)); then
    failures+=("$2: $names")
  fi
  echo "$2: $p passed, $f failed, $s skipped"
}

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
    failed=$((failed + 1)); failures+=("$label: meson setup"); return
  fi
  if ! ninja -C "$dir" >"$dir.build.log" 2>&1; then
    tail -50 "$dir.build.log"
    failed=$((failed + 1)); failures+=("$label: build"); return
  fi
  env "${envs[@]}" meson test -C "$dir" --print-errorlogs \
    --num-processes 2 >"$dir.test.log" 2>&1
  grep -E '^ *[0-9]+/[0-9]+ ' "$dir.test.log" | grep -vE ' OK | SKIP ' || true
  if grep -qE ' (FAIL|TIMEOUT|ERROR) ' "$dir.test.log"; then
    tail -300 "$dir.test.log"
  fi
  tally "$dir" "$label"
}

build_and_test "gcc" "$out/gcc" gcc -Dbuildtype=debugoptimized
build_and_test "clang" "$out/clang" clang -Dbuildtype=debugoptimized
build_and_test "clang + ASan + UBSan" "$out/sanitize" clang \
  -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false \
  -Dc_args=-fno-sanitize-recover=all -- \
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

note "fuzzing, ${fuzz_seconds}s per harness"
fdir=$out/fuzz
if CC=clang meson setup "$fdir" -Dfuzz=true -Dbuildtype=debugoptimized \
     -Db_sanitize=address,undefined -Db_lundef=false \
     "-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" \
     >"$fdir.setup.log" 2>&1 && ninja -C "$fdir" >"$fdir.build.log" 2>&1; then
  for h in "$fdir"/fuzz/fuzz_[a-z]*; do
    [[ -x $h && -f $h ]] || continue
    name=${h##*/fuzz_}
    h=$root/$h
    work=$(mktemp -d)
    cp -r "$root/fuzz/corpus/$name/." "$work/" 2>/dev/null || true
    dict=()
    [[ -f $root/fuzz/$name.dict ]] && dict=("-dict=$root/fuzz/$name.dict")
    if (cd "$work" && "$h" -max_total_time="$fuzz_seconds" -timeout=10 \
          -rss_limit_mb=2048 -print_final_stats=1 "${dict[@]}" "$work" \
          >"$root/$fdir/fuzz_$name.log" 2>&1); then
      runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' \
             "$fdir/fuzz_$name.log" | grep -oE '[0-9]+$' || echo '?')
      echo "fuzz $name: ok ($runs inputs)"
      passed=$((passed + 1))
    else
      echo "fuzz $name: FAILED"
      tail -60 "$fdir/fuzz_$name.log"
      failed=$((failed + 1)); failures+=("fuzz $name")
    fi
    rm -rf "$work"
  done
else
  cat "$fdir.setup.log"; tail -50 "$fdir.build.log" 2>/dev/null
  failed=$((failed + 1)); failures+=("fuzz: build")
fi

echo
if ((failed > 0)); then
  printf 'failed: %s\n' "${failures[@]}"
fi
echo "check: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
