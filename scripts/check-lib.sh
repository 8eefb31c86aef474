# scripts/check-lib.sh - the verdicts of scripts/check.sh, as functions.
#
# Sourced by scripts/check.sh and by its own tests (tests/runner/), which
# feed these functions deliberately broken runs and require a failure.
# Every function adds to the tallies below; a failure is recorded with
# `fail LABEL WHAT`, so the summary names it. The rule throughout: a run
# is green only when it proves it ran everything it should; anything
# missing, unreadable or cut short is red.
#
# CI mode (CI=true, as CI services set it) is stricter: a skipped test, a
# dependency the build could not find, or a golden-update switch in the
# environment fails the run, since each means CI tested less than it
# claims.

passed=${passed:-0}
failed=${failed:-0}
skipped=${skipped:-0}
failures=("${failures[@]+"${failures[@]}"}")
CHECK_PY=${CHECK_PY:-/usr/bin/python3}

ci_mode() {
	case ${CI:-} in true | TRUE | True | 1 | yes) return 0 ;; esac
	return 1
}

fail() { # fail LABEL WHAT
	failed=$((failed + 1))
	failures+=("$1: $2")
	echo "$1: FAILED: $2"
}

# The tools check.sh itself needs; a missing one is a failure, never a
# silent pass.
check_tools() { # check_tools TOOL...
	local t ok=0
	for t in "$@"; do
		if [[ $t == /* ]]; then
			[[ -x $t ]] && continue
		elif command -v "$t" >/dev/null 2>&1; then
			continue
		fi
		fail "tools" "$t is missing (scripts/install-deps.sh test)"
		ok=1
	done
	return $ok
}

# Names of the environment switches that make a test rewrite its goldens:
# every NAME matching *UPDATE*, *REGEN* or *GOLDEN* that a test reads
# with ${NAME...} or getenv("NAME"), found in the tree SRC, plus the ones
# known today (so a rename cannot hide one).
golden_switches() { # golden_switches SRC
	{
		printf '%s\n' VZ_UPDATE_GOLDEN GOLDEN_UPDATE
		grep -rhoE '\$\{?[A-Z][A-Z0-9_]*(UPDATE|REGEN|GOLDEN)[A-Z0-9_]*|getenv\("[A-Z][A-Z0-9_]*(UPDATE|REGEN|GOLDEN)[A-Z0-9_]*"' \
			"$1/tests" 2>/dev/null |
			sed -E 's/^\$\{?//; s/^getenv\("//; s/"$//'
	} | sort -u
}

# In CI, a golden-update switch makes the goldens compare the output with
# itself: fail. Elsewhere, say loudly that the run proves nothing about
# the goldens.
check_env() { # check_env SRC
	local n any=0
	for n in $(golden_switches "$1"); do
		[[ -n ${!n:-} ]] || continue
		any=1
		if ci_mode; then
			fail "environment" "$n is set: the goldens would be rewritten, not checked"
		else
			echo "environment: WARNING: $n is set: goldens are rewritten, not checked"
		fi
	done
	return $any
}

# In CI, every dependency meson looks for must be found: an optional one
# missing makes its tests vanish from the tree without a trace.
check_deps() { # check_deps LABEL SETUP-LOG
	local line bad=0
	ci_mode || return 0
	while IFS= read -r line; do
		fail "$1" "meson setup: $line (CI must build everything)"
		bad=1
	done < <(grep -E '^(Run-time dependency|Dependency|Library|Program) .* found: NO' "$2")
	return $bad
}

# Run the tests of a configured build tree and judge the run: the exit
# status of meson test, a test log that parses and holds one result for
# every test the tree defines (meson test --list), no failure, and in CI
# no skip. Extra arguments are NAME=VALUE pairs for the tests'
# environment.
run_tests() { # run_tests LABEL DIR [NAME=VALUE...]
	local label=$1 dir=$2 rc counts p f s nrec names log
	shift 2
	log=$dir/meson-logs/testlog.json
	# An old log must never be counted for this run.
	rm -f "$log"
	if ! meson test -C "$dir" --no-rebuild --list >"$dir.list" 2>"$dir.list.err"; then
		cat "$dir.list.err"
		fail "$label" "meson test --list failed"
		return 1
	fi
	grep -v -e '^ninja: ' -e '^$' "$dir.list" | sort -u >"$dir.expected"
	env "$@" meson test -C "$dir" --no-rebuild --print-errorlogs \
		--num-processes 2 >"$dir.test.log" 2>&1
	rc=$?
	grep -E '^ *[0-9]+/[0-9]+ ' "$dir.test.log" | grep -vE ' OK | SKIP ' || true
	if grep -qE ' (FAIL|TIMEOUT|ERROR) ' "$dir.test.log"; then
		tail -300 "$dir.test.log"
	fi
	counts=$("$CHECK_PY" - "$log" "$dir.expected" <<'PY'
import json, sys
p = f = s = 0
bad, seen = [], set()
try:
    lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
except OSError:
    print("0 0 0 0 NOLOG")
    sys.exit(0)
for no, line in enumerate(lines, 1):
    try:
        r = json.loads(line)
        name, res = r["name"], r["result"]
    except (ValueError, KeyError, TypeError):
        print(f"0 0 0 0 UNPARSEABLE:{no}")
        sys.exit(0)
    seen.add(name)
    if res in ("OK", "EXPECTEDFAIL"):
        p += 1
    elif res == "SKIP":
        s += 1
    else:
        f += 1
        bad.append(name.replace(" ", ""))
want = set(l.strip() for l in open(sys.argv[2]) if l.strip())
missing = sorted(want - seen)
print(p, f, s, len(lines), "MISSING:" + ",".join(x.replace(" ", "")
      for x in missing) if missing else "-", *bad)
PY
) || counts="0 0 0 0 NOLOG"
	read -r p f s nrec names <<<"$counts"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	echo "$label: $p passed, $f failed, $s skipped" \
		"(of $(wc -l <"$dir.expected") tests defined)"
	((f > 0)) && failures+=("$label: ${names#* }")
	case $names in
	NOLOG) fail "$label" "no test log ($log)"; return 1 ;;
	UNPARSEABLE:*) fail "$label" "test log line ${names#*:} does not parse"; return 1 ;;
	esac
	if ((nrec == 0)); then
		fail "$label" "the test log is empty"
	fi
	if [[ $names == MISSING:* ]]; then
		local m=${names%% *}
		fail "$label" "tests defined but not run: ${m#MISSING:}"
	fi
	if (($(wc -l <"$dir.expected") == 0)); then
		fail "$label" "the tree defines no test"
	fi
	if ((rc != 0 && f == 0)); then
		fail "$label" "meson test exited $rc"
	elif ((rc == 0 && f > 0)); then
		fail "$label" "meson test exited 0 with failed tests"
	fi
	if ((s > 0)) && ci_mode; then
		fail "$label" "$s test(s) skipped (CI=true: a skip is a failure)"
	fi
}

# Sanitizer reports written to files (log_path): each one is a failure,
# whatever the test that ran the program made of its exit status.
check_sanitizer_logs() { # check_sanitizer_logs LABEL DIR
	local f any=0
	for f in "$2"/*; do
		[[ -f $f ]] || continue
		any=1
		echo "--- $f"
		head -60 "$f"
		fail "$1" "sanitizer report ${f##*/}"
	done
	return $any
}

# The fuzz harnesses fuzz/meson.build defines, one name per line.
# Every harness is fuzz/fuzz_NAME.c, built as fuzz_NAME, whether it is in
# the table or defined on its own (as the server's report parser is).
fuzz_expected() { # fuzz_expected SRC
	grep -oE "fuzz_[a-z0-9_]+\.c" "$1/fuzz/meson.build" |
		sed -E 's/^fuzz_//; s/\.c$//' | sort -u
}

# Run every harness fuzz/meson.build defines, from the build tree FDIR,
# for SECONDS each. A harness that was not built, fails, or executed no
# input is a failure; so is a definition list that names none.
# fuzz_one FDIR SRC NAME SECONDS: run one harness in a scratch directory
# and write its verdict to FDIR/fuzz_NAME.verdict ("ok RUNS", "idle" or
# "crash"); run in the background by run_fuzz, so it touches no counter.
fuzz_one() {
	local fdir=$1 src=$2 name=$3 secs=$4 work runs dict=() v
	local h=$fdir/fuzz/fuzz_$name
	work=$(mktemp -d)
	cp -r "$src/fuzz/corpus/$name/." "$work/" 2>/dev/null || true
	[[ -f $src/fuzz/$name.dict ]] && dict=("-dict=$src/fuzz/$name.dict")
	if (cd "$work" && "$h" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 "${dict[@]}" "$work" \
		>"$fdir/fuzz_$name.log" 2>&1); then
		runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' \
			"$fdir/fuzz_$name.log" | grep -oE '[0-9]+$')
		if [[ -z $runs || $runs == 0 ]]; then v=idle; else v="ok $runs"; fi
	else
		v=crash
	fi
	rm -rf "$work"
	echo "$v" >"$fdir/fuzz_$name.verdict"
}

# run_fuzz SRC FDIR SECONDS: every harness fuzz/meson.build defines, for
# SECONDS each. libFuzzer runs on one core, so FUZZ_JOBS harnesses (one
# per core by default) run at once: the same seconds per harness in half
# the wall time on two cores. Verdicts are read back in the list's order.
run_fuzz() {
	local src=$1 fdir=$2 secs=$3 name h v n=0 running=0
	local jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
	local -a want
	# The harnesses run in a scratch directory: absolute paths only.
	[[ $fdir == /* ]] || fdir=$PWD/$fdir
	[[ $src == /* ]] || src=$PWD/$src
	mapfile -t want < <(fuzz_expected "$src")
	if ((${#want[@]} == 0)); then
		fail "fuzz" "fuzz/meson.build defines no harness (or cannot be read)"
		return 1
	fi
	((jobs >= 1)) || jobs=1
	for name in "${want[@]}"; do
		rm -f "$fdir/fuzz_$name.verdict"
		h=$fdir/fuzz/fuzz_$name
		[[ -x $h && -f $h ]] || continue
		if ((running >= jobs)); then
			wait -n
			running=$((running - 1))
		fi
		fuzz_one "$fdir" "$src" "$name" "$secs" &
		running=$((running + 1))
	done
	wait
	for name in "${want[@]}"; do
		h=$fdir/fuzz/fuzz_$name
		if [[ ! -x $h || ! -f $h ]]; then
			fail "fuzz $name" "harness not built ($h)"
			continue
		fi
		v=$(cat "$fdir/fuzz_$name.verdict" 2>/dev/null)
		case $v in
		ok\ [1-9]*)
			echo "fuzz $name: ok (${v#ok } inputs)"
			passed=$((passed + 1))
			n=$((n + 1))
			;;
		idle)
			fail "fuzz $name" "executed no input"
			;;
		*)
			echo "fuzz $name: FAILED"
			tail -60 "$fdir/fuzz_$name.log" 2>/dev/null
			fail "fuzz $name" \
				"crash, leak or timeout (log: $fdir/fuzz_$name.log)"
			;;
		esac
	done
	echo "fuzz: $n of ${#want[@]} harnesses ran clean"
	((n == ${#want[@]}))
}

# The summary line CI reads; exit status 0 only if nothing failed.
summary() {
	echo
	if ((failed > 0)); then
		printf 'failed: %s\n' "${failures[@]}"
	fi
	echo "check: $passed passed, $failed failed, $skipped skipped"
	((failed == 0))
}
