#!/usr/bin/env bash
# scripts/mutate.sh - mutation testing: does the suite catch a one-line bug?
#
# Applies each mutation of a checked-in list (scripts/mutations.txt; the
# format is described at its top) to a scratch copy of this tree, never to
# the working tree, rebuilds incrementally, runs the suites the mutation
# names, and prints per mutation "caught" or "NOT CAUGHT". A mutation whose
# original text is not found exactly once in its file, or that does not
# compile, is a failure too, so the list cannot rot silently. Ends with
# "mutate: N passed, M failed" (passed = caught) and exits 1 if any failed.
#
#   scripts/mutate.sh            every mutation
#   scripts/mutate.sh 3 17       mutations 3 and 17 (numbers as printed)
#   MUTATE_SHARD=2/7 scripts/mutate.sh
#                                every 7th mutation, starting with the
#                                third (0-based 2): what .ci/run does, with
#                                the shard chosen by the day of the year
#   MUTATE_LIST=FILE             another list
#   MUTATE_KEEP=1                keep the scratch copy (its path is printed)
#   MUTATE_EXCLUDE="scan_live"   leave these tests out (names, space-
#                                separated): for a machine whose own state
#                                a test depends on (scan_live needs a host
#                                without any product of the catalogue)
#
# First the selected suites run on the unmutated copy: if they fail there,
# nothing can be learnt and the script exits 3.
set -uo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
list=${MUTATE_LIST:-$root/scripts/mutations.txt}
shard=${MUTATE_SHARD:-}
py=/usr/bin/python3

die() { echo "mutate: $*" >&2; exit 3; }
[[ -x $py ]] || die "python3 is needed (scripts/install-deps.sh test)"
[[ -f $list ]] || die "no mutation list $list"
command -v meson >/dev/null || die "meson is needed"
command -v git >/dev/null || die "git is needed"

# The list as records: NUM<TAB>FILE<TAB>SUITES<TAB>WHY, after checking
# its syntax. Find and replace texts stay in the file; apply reads them.
records=$("$py" "$root/scripts/mutations.py" parse "$list") ||
	die "the list $list is malformed"
total=$(grep -c . <<<"$records")
((total > 0)) || die "the list $list is empty"

selected=()
if (($#)); then
	for n in "$@"; do
		[[ $n =~ ^[0-9]+$ ]] && ((n >= 1 && n <= total)) ||
			die "no mutation $n (1..$total)"
		selected+=("$n")
	done
elif [[ -n $shard ]]; then
	[[ $shard =~ ^([0-9]+)/([0-9]+)$ ]] || die "MUTATE_SHARD is K/N"
	k=${BASH_REMATCH[1]} nsh=${BASH_REMATCH[2]}
	((nsh > 0 && k < nsh)) || die "MUTATE_SHARD $shard: need K < N"
	for ((n = 1; n <= total; n++)); do
		(((n - 1) % nsh == k)) && selected+=("$n")
	done
else
	for ((n = 1; n <= total; n++)); do selected+=("$n"); done
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/vz-mutate.XXXXXX") || exit 3
# Some tests run the tool as nobody, reading the build tree's state dir.
chmod 755 "$scratch"
if [[ -n ${MUTATE_KEEP:-} ]]; then
	echo "mutate: scratch copy in $scratch"
else
	trap 'rm -rf "$scratch"' EXIT
fi
tree=$scratch/src
build=$scratch/build
mkdir -p "$tree"
# Tracked and new (not ignored) files, as they are now in the work tree:
# uncommitted tests count.
"$py" "$root/scripts/mutations.py" copy "$root" "$tree" ||
	die "cannot copy the tree"

echo "mutate: building a scratch copy (gcc, debug)"
if ! (cd "$tree" && CC=${CC:-gcc} meson setup "$build" -Dbuildtype=debug \
	>"$scratch/setup.log" 2>&1 && ninja -C "$build" >"$scratch/build.log" 2>&1); then
	tail -30 "$scratch/setup.log" "$scratch/build.log" 2>/dev/null
	die "the unmutated copy does not build"
fi

suites_of() { # suites_of NUM: meson --suite arguments of a mutation
	local s
	s=$(awk -F'\t' -v n="$1" '$1 == n { print $3 }' <<<"$records")
	[[ $s == all || -z $s ]] && return
	for x in $s; do printf -- '--suite\n%s\n' "$x"; done
}

# without_excluded ARGS...: the meson test arguments, or, with
# MUTATE_EXCLUDE set, the names of the tests they select minus those.
without_excluded() {
	if [[ -z ${MUTATE_EXCLUDE:-} ]]; then
		printf '%s\n' "$@"
		return
	fi
	meson test -C "$build" --no-rebuild --list "$@" 2>/dev/null |
		sed -n 's#^.* / ##p' | while read -r t; do
			[[ " $MUTATE_EXCLUDE " == *" $t "* ]] || echo "$t"
		done
}

run_suites() { # run_suites LOG NUM...: the union of their suites, once
	local log=$1 n args=() all=0 s
	shift
	for n in "$@"; do
		s=$(awk -F'\t' -v n="$n" '$1 == n { print $3 }' <<<"$records")
		[[ $s == all || -z $s ]] && all=1
		for x in $s; do
			[[ " ${args[*]} " == *" $x "* ]] || args+=(--suite "$x")
		done
	done
	((all)) && args=()
	mapfile -t args < <(without_excluded "${args[@]}")
	# Timeouts are half the suite's: a mutation that makes a test
	# hang is caught by its timeout, sooner.
	meson test -C "$build" --no-rebuild --num-processes 2 -t 0.5 \
		"${args[@]}" >"$log" 2>&1
}

echo "mutate: the selected suites on the unmutated copy"
if ! run_suites "$scratch/baseline.log" "${selected[@]}" ||
	! grep -qE '^Ok: +[1-9]' "$scratch/baseline.log"; then
	grep -E ' (FAIL|TIMEOUT|ERROR) ' "$scratch/baseline.log" | head -20
	die "the suites fail (or run nothing) without any mutation"
fi

passed=0
failed=0
for n in "${selected[@]}"; do
	IFS=$'\t' read -r _ file _ why < <(awk -F'\t' -v n="$n" '$1 == n' <<<"$records")
	label=$(printf '#%-3s %s: %s' "$n" "$file" "$why")
	cp -p "$tree/$file" "$scratch/orig" 2>/dev/null
	if ! msg=$("$py" "$root/scripts/mutations.py" apply "$list" "$n" \
		"$tree" 2>&1); then
		echo "FAILED     $label ($msg)"
		failed=$((failed + 1))
		continue
	fi
	if ! ninja -C "$build" >"$scratch/m.build.log" 2>&1; then
		verdict="FAILED    "
		detail=" (the mutation does not compile: make it a real bug)"
		failed=$((failed + 1))
	else
		mapfile -t sargs < <(suites_of "$n")
		mapfile -t sargs < <(without_excluded "${sargs[@]}")
		if meson test -C "$build" --no-rebuild --maxfail 1 \
			--num-processes 2 -t 0.5 "${sargs[@]}" \
			>"$scratch/m.test.log" 2>&1; then
			verdict="NOT CAUGHT"
			detail=""
			failed=$((failed + 1))
		else
			verdict="caught    "
			detail=" ($(grep -m1 -oE '[a-z-]+ / [a-z_]+ +(FAIL|TIMEOUT|ERROR)' \
				"$scratch/m.test.log" | tr -s ' ' || echo '?'))"
			passed=$((passed + 1))
		fi
	fi
	echo "$verdict $label$detail"
	# Put the original back (with a new mtime, so ninja rebuilds it).
	cat "$scratch/orig" >"$tree/$file"
done

echo "mutate: $passed passed, $failed failed"
((failed == 0))
