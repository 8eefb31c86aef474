#!/usr/bin/env bash
#
# tests/integration/cli_options.sh - the command line as people expect it
# (issue 9, item 5): "did you mean" for mistyped commands, verbs and
# options; an invalid value lists the valid ones; a single-valued option
# given twice is an error while repeatable ones repeat; help CMD; -q and
# -v never change standard output; every line on standard error starts
# with "voorzorg: ".
#
# Prints "ok - ..." or "not ok - ..." per check, ends with "N passed, M
# failed", and exits 1 if anything failed.
set -u

root=${VZ_SOURCE_ROOT:?set VZ_SOURCE_ROOT}
vz=${VOORZORG:?set VOORZORG}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vz-cli-options.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
export VOORZORG_STATE_DIR=$tmp/state
unset VOORZORG_CATALOG
cat=$root/catalog/voorzorg.json
minimal=$root/tests/catalogs/good/minimal.json
out=$tmp/out
err=$tmp/err
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() {
	failed=$((failed + 1))
	echo "not ok - $1"
	sed -e 's/^/#   | /' -e '10q' "$out" "$err"
}

# run ARGS... : the tool, with stdout, stderr and the exit code kept; every
# stderr line must start with "voorzorg: ".
run() {
	"$vz" "$@" >"$out" 2>"$err"
	rc=$?
	if grep -q -v '^voorzorg: ' "$err"; then
		not_ok "every stderr line of '$*' starts with 'voorzorg: '"
	fi
}

# usage NAME PATTERN ARGS... : exit 2, nothing on stdout, one line on
# stderr matching PATTERN (grep -E).
usage() {
	local name=$1 pat=$2
	shift 2
	run "$@"
	if [ "$rc" = 2 ] && [ ! -s "$out" ] &&
		[ "$(wc -l <"$err")" -eq 1 ] && grep -q -E -- "$pat" "$err"; then
		ok "$name"
	else
		not_ok "$name (exit $rc; wanted 2 and /$pat/)"
	fi
}

# ---- did you mean ---------------------------------------------------------
usage "mistyped command" "unknown command 'scna'; did you mean 'scan'" scna
usage "mistyped command, transposed" "did you mean 'assess'" asesss
usage "no suggestion for nonsense" "unknown command 'xyzzy' \\(see" xyzzy
usage "mistyped global option" "did you mean '--version'" --versoin
usage "mistyped option" "unknown option '--formt'; did you mean '--format'" \
	scan --formt json
usage "mistyped option with a value" "did you mean '--sector'" \
	assess x --sectr=vital
usage "mistyped catalog verb" "unknown verb 'lnit'; did you mean 'lint'" \
	catalog lnit "$minimal"
usage "mistyped option of a catalog verb" "did you mean '--pubkey'" \
	catalog verify --pubky k "$minimal"
usage "mistyped -q/-v long forms" "did you mean '--verbose'" \
	diff --verbos a b
usage "help of an unknown command" "did you mean 'diff'" help dif

# ---- invalid values list the valid ones -----------------------------------
usage "unknown format lists the formats" "the formats are text and json" \
	catalog show "$cat" --format yaml
usage "diff's formats" "the formats are text, json and markdown" \
	diff a b --format html
usage "scan's formats" "use text, json, .*sarif" scan --format xml
usage "unknown sector lists the catalogue's sectors" \
	"unknown sector 'ministry'; the catalogue's sectors are central-government, vital, abdo, other" \
	assess kaspersky-endpoint-security-windows --sector ministry

# ---- single-valued options once, repeatable ones many times ---------------
usage "--format twice" "option '--format' given more than once" \
	assess x --format json --format text
usage "--catalog twice" "option '--catalog' given more than once" \
	scan --catalog "$cat" --catalog "$cat"
run assess kaspersky-endpoint-security-windows --explain --explain
[ "$rc" = 0 ] && ok "a flag twice is the flag once" ||
	not_ok "a flag twice is the flag once (exit $rc)"
usage "--key twice" "option '--key' given more than once" \
	catalog sign --key a --key b "$minimal"
run reassess --allow-unsigned --catalog "$minimal" \
	--set 'example-antivirus.name="A"' --set 'example-antivirus.name="B"'
if [ "$rc" = 0 ] && [ -s "$out" ]; then
	ok "--set repeats"
else
	not_ok "--set repeats (exit $rc)"
fi

# ---- help -------------------------------------------------------------------
# help_text VAR ARGS...: VAR = the tool's stdout; its exit status is a
# check of its own (under the sanitizers a leak shows only there).
help_text() {
	local var=$1 r
	shift
	"$vz" "$@" >"$tmp/help.out" 2>/dev/null
	r=$?
	printf -v "$var" '%s' "$(cat "$tmp/help.out")"
	if [ "$r" = 0 ]; then ok "$*: exit 0"; else not_ok "$*: exit 0 (exit $r)"; fi
}
for c in scan assess reassess diff catalog "catalog sign" "catalog verify" \
	"catalog update"; do
	# shellcheck disable=SC2086
	help_text a help $c
	# shellcheck disable=SC2086
	help_text b $c --help
	# shellcheck disable=SC2086
	help_text x $c -h
	if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" = "$x" ]; then
		ok "help $c = $c --help = $c -h"
	else
		not_ok "help $c = $c --help = $c -h"
	fi
done
for v in sign verify update lint; do
	help_text a catalog help "$v"
	help_text b catalog "$v" --help
	[ -n "$a" ] && [ "$a" = "$b" ] && ok "catalog help $v" ||
		not_ok "catalog help $v"
done
run help
[ "$rc" = 0 ] && grep -q '^commands:' "$out" && ok "help alone: the summary" ||
	not_ok "help alone: the summary"

# ---- -q and -v ----------------------------------------------------------------
run assess kaspersky-endpoint-security-windows --format json
plain=$(cat "$out")
[ "$rc" = 0 ] && [ ! -s "$err" ] && ok "assess with the default catalogue" ||
	not_ok "assess with the default catalogue"
run -q assess kaspersky-endpoint-security-windows --format json
[ "$rc" = 0 ] && [ "$(cat "$out")" = "$plain" ] && [ ! -s "$err" ] &&
	ok "-q: the same stdout, nothing on stderr" ||
	not_ok "-q: the same stdout, nothing on stderr"
run assess kaspersky-endpoint-security-windows --format json --verbose
if [ "$rc" = 0 ] && [ "$(cat "$out")" = "$plain" ] &&
	grep -q "catalogue: .*voorzorg.json (" "$err" &&
	grep -q "signature valid by key" "$err"; then
	ok "-v: the same stdout; says which catalogue and how it was verified"
else
	not_ok "-v: the same stdout; says which catalogue and how it was verified"
fi
run -v catalog show "$cat" --format json
[ "$rc" = 0 ] && grep -q "(given on the command line)" "$err" &&
	ok "-v before the command, and a named catalogue" ||
	not_ok "-v before the command, and a named catalogue"

# ---- every message is prefixed (run checked each line above) -----------------
run catalog lint "$root/tests/catalogs/bad/bad-cpe.json"
[ "$rc" = 2 ] && grep -q '^voorzorg: .*bad-cpe.json:[0-9]*:[0-9]*: ' "$err" &&
	ok "lint diagnostics carry the prefix and FILE:LINE:COL" ||
	not_ok "lint diagnostics carry the prefix and FILE:LINE:COL"
run catalog verify "$minimal"
[ "$rc" = 2 ] && ok "an unsigned catalogue: prefixed messages" ||
	not_ok "an unsigned catalogue: prefixed messages"
run
[ "$rc" = 2 ] && ok "no command: prefixed" || not_ok "no command: prefixed"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
