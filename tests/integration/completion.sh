#!/usr/bin/env bash
#
# tests/integration/completion.sh - the bash completion the build installs
# (build/completion/voorzorg): loaded into a fresh bash, it registers for
# voorzorg, and _voorzorg driven through COMP_WORDS/COMP_CWORD completes
# commands, verbs, every option of every command's --help, the formats a
# command takes, and the sectors of the bundled catalogue.
#
# Prints "ok - ..." or "not ok - ..." per check, ends with "N passed, M
# failed", and exits 1 if anything failed.
set -u

root=${VZ_SOURCE_ROOT:?set VZ_SOURCE_ROOT}
vz=${VOORZORG:?set VOORZORG}
comp=${VZ_BUILD_ROOT:?set VZ_BUILD_ROOT}/completion/voorzorg
py=/usr/bin/python3
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() {
	failed=$((failed + 1))
	echo "not ok - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'
}

if [ ! -r "$comp" ]; then
	not_ok "the build made $comp"
	echo "$passed passed, $failed failed"
	exit 1
fi
bindir=$(cd "$(dirname "$vz")" && pwd)

# complete WORDS... : the completions for the command line WORDS, the last
# one being completed (give '' to complete a new word), one per line.
complete_words() {
	env -i PATH="$bindir:/usr/bin:/bin" HOME=/nonexistent \
		bash --norc --noprofile -c '
	. "$1"; shift
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	_voorzorg
	printf "%s\n" "${COMPREPLY[@]}"' bash "$comp" "$@" | sort
}

# expect NAME WANT WORDS... : the completions include every word of WANT.
expect() {
	local name=$1 want=$2 got w missing=""
	shift 2
	got=$(complete_words "$@")
	for w in $want; do
		grep -qx -- "$w" <<<"$got" || missing="$missing $w"
	done
	if [ -z "$missing" ]; then
		ok "$name"
	else
		not_ok "$name" "missing:$missing; got: $(tr '\n' ' ' <<<"$got")"
	fi
}

# expect_not NAME WORD WORDS... : WORD is not offered.
expect_not() {
	local name=$1 word=$2 got
	shift 2
	got=$(complete_words "$@")
	if grep -qx -- "$word" <<<"$got"; then
		not_ok "$name" "got: $(tr '\n' ' ' <<<"$got")"
	else
		ok "$name"
	fi
}

reg=$(env -i PATH=/usr/bin:/bin bash --norc --noprofile -c \
	'. "$1"; complete -p voorzorg' bash "$comp")
[[ $reg == *"-F _voorzorg"*voorzorg ]] &&
	ok "registers _voorzorg for voorzorg" ||
	not_ok "registers _voorzorg for voorzorg" "$reg"

expect "commands" "scan assess reassess diff catalog help" voorzorg ''
expect "a prefix of scan" "scan" voorzorg sc
expect_not "only what matches the prefix" "assess" voorzorg sc
expect "global options" "--help --version --quiet --verbose" voorzorg --
expect "catalog verbs" "lint show sign verify update help" \
	voorzorg catalog ''
expect "help COMMAND" "scan catalog" voorzorg help ''
expect "help catalog VERB" "sign verify update" voorzorg help catalog ''
expect "scan --format values" "text json sarif" voorzorg scan --format ''
expect_not "scan offers no markdown" "markdown" voorzorg scan --format ''
expect "diff --format values" "text json markdown" \
	voorzorg diff --format ''
expect "catalog verify options" "--signature --grace --pubkey" \
	voorzorg catalog verify --
expect_not "catalog verify does not offer sign's --key" "--key" \
	voorzorg catalog verify --
expect "options after other words" "--explain --sector" \
	voorzorg assess kaspersky --
sectors=$("$py" -c 'import json,sys
print(" ".join(s["id"] for s in json.load(open(sys.argv[1]))["sectors"]))' \
	"$root/catalog/voorzorg.json")
expect "scan --sector: the bundled catalogue's sectors" "$sectors" \
	voorzorg scan --sector ''
expect "assess --sector too" "$sectors" voorzorg assess x --sector ''
expect "--fail-on levels" "action any never" voorzorg scan --fail-on ''

# Every option of every command's --help is offered after '-'; the
# commands are those `voorzorg --help` lists, so new ones are covered.
while read -r cmd; do
	# shellcheck disable=SC2086
	opts=$("$vz" $cmd --help | awk '/^  -|^   -|^    -/ {
		n = split($0, t, /[ ,]+/)
		for (i = 2; i <= n; i++) { if (t[i] !~ /^-/) break; print t[i] } }')
	if [ -z "$opts" ]; then
		not_ok "'$cmd --help' defines options"
		continue
	fi
	# shellcheck disable=SC2086
	expect "every option of '$cmd --help'" "$opts" voorzorg $cmd -
done < <("$vz" --help | awk '/^commands:/ { on = 1; next }
	on && /^$/ { exit }
	on && /^  [a-z]/ { c = ""
		for (i = 1; i <= NF && $i ~ /^[a-z][a-z-]*$/; i++)
			c = c (c == "" ? "" : " ") $i
		if (c != "help") print c }')

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
