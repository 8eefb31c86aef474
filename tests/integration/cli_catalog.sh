#!/usr/bin/env bash
#
# tests/integration/cli_catalog.sh - `voorzorg catalog lint|show` from the
# outside: exit codes, where output goes, and the one-line diagnostics.
#
# Runs the built tool ($VOORZORG) on every catalogue in tests/catalogs/
# (under $VZ_SOURCE_ROOT): bad cases must exit 2 with their diagnostics,
# exactly as in NAME.expected, on stderr and nothing on stdout; good
# cases must exit 0 and say "ok". Then the JSON report, usage errors,
# `catalog show`, --version and --help. Prints "ok - ..." or
# "not ok - ..." per check, ends with "N passed, M failed", and exits 1 if
# anything failed. Meson sets VOORZORG and VZ_SOURCE_ROOT.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${VZ_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
vz=${VOORZORG:-}
if [ -z "$vz" ] && [ -n "${VZ_BUILD_ROOT:-}" ]; then
	vz=$VZ_BUILD_ROOT/src/voorzorg
fi
if [ -z "$vz" ] || [ ! -x "$vz" ]; then
	echo "cli_catalog.sh: set VOORZORG to the built voorzorg tool" >&2
	exit 2
fi
py=/usr/bin/python3
if [ ! -x "$py" ]; then
	py=$(command -v python3 || true)
fi

bad_dir=$root/tests/catalogs/bad
good_dir=$root/tests/catalogs/good
minimal=$good_dir/minimal.json

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vz-cli-catalog.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
out=$tmp/stdout
err=$tmp/stderr

passed=0
failed=0

ok() {
	passed=$((passed + 1))
	echo "ok - $1"
}

not_ok() {
	failed=$((failed + 1))
	echo "not ok - $1"
	shift
	local line
	for line in "$@"; do
		echo "#   $line"
	done
}

# Show a captured file after a failure, indented as TAP diagnostics.
show() {
	sed -e 's/^/#   | /' -e '20q' "$1"
}

# run ARGS...: run the tool, capturing stdout, stderr and the exit code.
# Every line on stderr starts with "voorzorg: " (checked on every run);
# $err holds stderr without it, $err.raw as written.
run() {
	"$vz" "$@" >"$out" 2>"$err.raw"
	rc=$?
	if grep -q -v '^voorzorg: ' "$err.raw"; then
		not_ok "stderr of '$*': every line starts with 'voorzorg: '" \
			"stderr was:"
		show "$err.raw"
	fi
	sed 's/^voorzorg: //' "$err.raw" >"$err"
}

nlines() {
	wc -l <"$1" | tr -d ' '
}

# The first line of a file (empty if none).
first_line() {
	local line=
	IFS= read -r line <"$1"
	printf '%s' "$line"
}

# Check that the JSON on stdout parses; with an argument, that the Python
# expression holds for the parsed document `d`.
json_ok() {
	if [ -n "${1:-}" ]; then
		"$py" -c 'import json,sys
d = json.load(sys.stdin)
sys.exit(0 if ('"$1"') else 1)' <"$out" 2>/dev/null
	else
		"$py" -c 'import json,sys; json.load(sys.stdin)' <"$out" \
			2>/dev/null
	fi
}

# ---- lint every bad case --------------------------------------------------

nbad=0
for f in "$bad_dir"/*.json; do
	[ -e "$f" ] || continue
	nbad=$((nbad + 1))
	base=$(basename "$f")
	name=${base%.json}
	what="lint bad/$base"
	run catalog lint "$f"
	if [ "$rc" -ne 2 ]; then
		not_ok "$what: exit 2" "exit code $rc"
		show "$err"
		continue
	fi
	if [ -s "$out" ]; then
		not_ok "$what: nothing on stdout" "stdout was:"
		show "$out"
		continue
	fi
	line1=$(first_line "$err")
	# FILE:LINE:COL: as given on the command line. A JSON syntax error
	# at the end of the file has no column; then NAME.expected has none.
	exp1=$(first_line "$bad_dir/$name.expected")
	case $exp1 in
	"$base":[0-9]*:[0-9]*:\ *) pat='^[0-9]+:[0-9]+: ' ;;
	*) pat='^[0-9]+: ' ;;
	esac
	rest=${line1#"$f:"}
	if [ "$rest" = "$line1" ] || ! [[ $rest =~ $pat ]]; then
		not_ok "$what: stderr starts FILE:LINE:COL:" "got: $line1"
		continue
	fi
	# Every diagnostic as in NAME.expected (with the path given), then
	# one summary line.
	while IFS= read -r l; do
		printf '%s\n' "$f${l#"$base"}"
	done <"$bad_dir/$name.expected" >"$tmp/want"
	n=$(nlines "$tmp/want")
	head -n "$n" "$err" >"$tmp/got"
	summary=$(sed -n "$((n + 1))p" "$err")
	if ! cmp -s "$tmp/want" "$tmp/got"; then
		not_ok "$what: diagnostics as in $name.expected" \
			"diff expected actual:"
		diff "$tmp/want" "$tmp/got" | sed -e 's/^/#   /' -e '20q'
		continue
	fi
	if [ "$(nlines "$err")" -ne $((n + 1)) ] ||
		[[ $summary != "$f: invalid: "* ]]; then
		not_ok "$what: one summary line after the diagnostics" \
			"stderr was:"
		show "$err"
		continue
	fi
	ok "$what"
done
if [ "$nbad" -ge 20 ]; then
	ok "at least 20 bad cases ($nbad)"
else
	not_ok "at least 20 bad cases" "found $nbad in $bad_dir"
fi

# ---- lint every good case -------------------------------------------------

ngood=0
for f in "$good_dir"/*.json; do
	[ -e "$f" ] || continue
	ngood=$((ngood + 1))
	what="lint good/$(basename "$f")"
	run catalog lint "$f"
	if [ "$rc" -eq 0 ] && grep -q "^$f: ok: " "$out" && [ ! -s "$err" ]
	then
		ok "$what"
	else
		not_ok "$what: exit 0, \"ok\" on stdout, nothing on stderr" \
			"exit code $rc; stdout:"
		show "$out"
		echo "#   stderr:"
		show "$err"
	fi
done
if [ "$ngood" -ge 1 ] && [ -f "$minimal" ]; then
	ok "good cases include minimal.json ($ngood)"
else
	not_ok "good cases include minimal.json" "found $ngood in $good_dir"
fi

# ---- the JSON report ------------------------------------------------------

what="lint --format json on a bad case"
run catalog lint "$bad_dir/multiple-errors.json" --format json
if [ "$rc" -eq 2 ] && json_ok &&
	json_ok 'd["valid"] is False and d["errors"] == 6 and
	len(d["diagnostics"]) == 6 and d["diagnostics"][1]["line"] == 5 and
	d["diagnostics"][1]["column"] == 14 and
	d["diagnostics"][1]["path"] == "version" and
	d["file"].endswith("multiple-errors.json")' && [ ! -s "$err" ]; then
	ok "$what"
else
	not_ok "$what: exit 2, valid=false, 6 errors, nothing on stderr" \
		"exit code $rc; stdout:"
	show "$out"
	show "$err"
fi

what="lint --format json on a syntax error"
run catalog lint --format=json "$bad_dir/not-json-trailing-comma.json"
if [ "$rc" -eq 2 ] && json_ok &&
	json_ok 'd["valid"] is False and d["errors"] == 1'; then
	ok "$what"
else
	not_ok "$what: exit 2, valid=false" "exit code $rc; stdout:"
	show "$out"
fi

what="lint --format json on minimal.json"
run catalog lint "$minimal" --format json
if [ "$rc" -eq 0 ] && json_ok &&
	json_ok 'd["valid"] is True and d["errors"] == 0 and
	d["warnings"] == 0 and d["diagnostics"] == []'; then
	ok "$what"
else
	not_ok "$what: exit 0, valid=true, no diagnostics" \
		"exit code $rc; stdout:"
	show "$out"
fi

# ---- usage and input errors -----------------------------------------------

# usage_error DESCRIPTION ARGS...: exit 2, nothing on stdout, one line on
# stderr that names the command.
usage_error() {
	local what=$1
	shift
	run "$@"
	if [ "$rc" -eq 2 ] && [ ! -s "$out" ] &&
		[ "$(nlines "$err")" -eq 1 ] &&
		grep -q '^voorzorg: ' "$err.raw"; then
		ok "usage error: $what"
	else
		not_ok "usage error: $what: exit 2 and a one-line message" \
			"exit code $rc; stderr:"
		show "$err"
	fi
}

usage_error "catalog lint without FILE" catalog lint
usage_error "catalog lint with two FILEs" catalog lint "$minimal" "$minimal"
usage_error "unknown option" catalog lint --no-such-option "$minimal"
usage_error "unknown short option" catalog lint -x "$minimal"
usage_error "option missing its value" catalog lint "$minimal" --format
usage_error "unknown verb" catalog frobnicate "$minimal"
usage_error "unknown command" frobnicate
usage_error "--format xml" catalog lint "$minimal" --format xml
usage_error "catalog show without FILE" catalog show
usage_error "catalog show with too many arguments" \
	catalog show "$minimal" a b

# More arguments than a command keeps room for: refused by the parser, for
# every command, before anything is stored (these once overflowed).
for n in 12 70; do
	for cmd in "catalog lint" "catalog show" "catalog sign --key k" \
		"catalog verify" "catalog update" "assess" \
		"reassess --set a=b" "diff" "scan"; do
		# shellcheck disable=SC2086
		usage_error "$cmd with $n arguments" $cmd $(seq 1 "$n")
		# 12 fit some commands (they then refuse them otherwise).
		if [ "$n" = 70 ] && ! grep -q 'too many arguments' "$err"; then
			not_ok "$cmd with $n arguments: says 'too many arguments'"
			show "$err"
		fi
	done
done

# Exactly one more than the room (8 or 64 slots): the parser's bound is
# the array's size, not one past it.
for spec in "8:catalog sign --key k" "8:catalog verify" "8:catalog update" \
	"8:assess" "8:diff" "64:catalog lint" "64:catalog show" "64:scan" \
	"64:reassess --set a=b"; do
	n=$((${spec%%:*} + 1))
	cmd=${spec#*:}
	# shellcheck disable=SC2086
	usage_error "$cmd with $n arguments" $cmd $(seq 1 "$n")
	if ! grep -q 'too many arguments' "$err"; then
		not_ok "$cmd with $n arguments: says 'too many arguments'"
		show "$err"
	fi
done

# Without any arguments the tools say, in one line, what is missing.
for args in "" "catalog"; do
	what="usage error: 'voorzorg${args:+ $args}' without arguments"
	# shellcheck disable=SC2086
	run $args
	if [ "$rc" -eq 2 ] && [ ! -s "$out" ] && [ "$(wc -l <"$err")" -eq 1 ] &&
		grep -q "missing .*--help" "$err"
	then
		ok "$what"
	else
		not_ok "$what: exit 2, one line on stderr" "exit code $rc"
		show "$err"
	fi
done

# input_error DESCRIPTION FILE PATTERN: exit 2, nothing on stdout, and the
# first line of stderr is "FILE: " and a message matching PATTERN.
input_error() {
	local what=$1 file=$2 pattern=$3 line1
	run catalog lint "$file"
	line1=$(first_line "$err")
	if [ "$rc" -eq 2 ] && [ ! -s "$out" ] &&
		[[ $line1 == "$file: "* ]] && [[ ${line1#"$file: "} =~ $pattern ]]
	then
		ok "input error: $what"
	else
		not_ok "input error: $what: exit 2, \"$file: ...\" on stderr" \
			"exit code $rc; stderr:"
		show "$err"
	fi
}

input_error "missing file" "$tmp/no-such-catalogue.json" \
	'^cannot open: No such file or directory$'
mkdir "$tmp/a-directory.json"
input_error "a directory as FILE" "$tmp/a-directory.json" \
	'^not a regular file$'

# A catalogue that loads but whose recorded risk is not what its rules
# give: lint fails on the rule check alone.
"$py" - "$minimal" "$tmp/arbitrary.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["assessments"][0]["level"] = "low"
json.dump(c, open(sys.argv[2], "w"), indent=2)
PY
what="lint: a recorded risk the rules do not give is an error, exit 2"
run catalog lint "$tmp/arbitrary.json"
if [ "$rc" -eq 2 ] && grep -q 'recorded risk "low" is not what rules' "$err" &&
	grep -q 'invalid: 1 error' "$err"; then
	ok "$what"
else
	not_ok "$what" "exit code $rc; stderr:"
	show "$err"
fi

# ---- catalog show ---------------------------------------------------------

# The test catalogues are unsigned drafts: show refuses them unless told.
what="catalog show refuses an unsigned catalogue"
run catalog show "$minimal"
if [ "$rc" -eq 2 ] && [ ! -s "$out" ] && [ "$(nlines "$err")" -eq 1 ] &&
	grep -q 'not signed' "$err"; then
	ok "$what"
else
	not_ok "$what: exit 2, one line saying it is not signed" \
		"exit code $rc; stderr:"
	show "$err"
fi

what="catalog show minimal.json --allow-unsigned"
run catalog show --allow-unsigned "$minimal"
if [ "$rc" -eq 0 ] && [ -s "$out" ] && grep -q 'NOT SIGNED' "$err" &&
	grep -q 'example-catalogue' "$out" &&
	grep -q 'example-antivirus' "$out" &&
	grep -q 'signature: unsigned' "$out" &&
	! json_ok; then
	ok "$what"
else
	not_ok "$what: exit 0, a text summary naming the entries" \
		"exit code $rc; stdout:"
	show "$out"
	show "$err"
fi

for id in example-antivirus example-measure example-rules; do
	what="catalog show minimal.json $id --format json"
	run catalog show --allow-unsigned "$minimal" "$id" --format json
	if [ "$rc" -eq 0 ] && json_ok && json_ok "d[\"id\"] == \"$id\"" &&
		[ "$(nlines "$err")" -eq 1 ]; then
		ok "$what"
	else
		not_ok "$what: exit 0, the entry as JSON" "exit code $rc"
		show "$out"
		show "$err"
	fi
done

what="catalog show minimal.json example-vendor (text)"
run catalog show --allow-unsigned "$minimal" example-vendor
# The vendor cites one source: listed with its title, at the end.
if [ "$rc" -eq 0 ] && grep -q 'Example Vendor' "$out" && ! json_ok &&
	grep -q '^cited sources:$' "$out" &&
	[ "$(grep -c '^  \[example-letter\] ' "$out")" = 1 ]; then
	ok "$what"
else
	not_ok "$what: exit 0, the entry as text" "exit code $rc"
	show "$out"
fi

# A catalogue that does not load: the loader's message and a pointer to
# catalog lint, for malformed JSON as for an invalid catalogue.
for bad in truncated bad-url; do
	what="catalog show $bad.json: exit 2, with a pointer to catalog lint"
	run catalog show --allow-unsigned "$bad_dir/$bad.json"
	if [ "$rc" -eq 2 ] && [ ! -s "$out" ] && grep -q \
		"$bad.json: invalid catalogue; run '.*catalog lint .*$bad.json' for details" \
		"$err"; then
		ok "$what"
	else
		not_ok "$what" "exit code $rc; stderr:"
		show "$err"
	fi
done

what="catalog show minimal.json no-such-id"
run catalog show --allow-unsigned "$minimal" no-such-id
if [ "$rc" -eq 2 ] && [ ! -s "$out" ] && [ "$(nlines "$err")" -eq 2 ] &&
	grep -q 'NOT SIGNED' "$err" && grep -q '"no-such-id"' "$err"; then
	ok "$what"
else
	not_ok "$what: exit 2, the unsigned warning and a line naming the id" \
		"exit code $rc; stderr:"
	show "$err"
fi

what="catalog show on a bad catalogue"
run catalog show --allow-unsigned "$bad_dir/unknown-vendor-ref.json"
if [ "$rc" -eq 2 ] && [ ! -s "$out" ] &&
	grep -q 'unknown vendor "kaspersky-lab"' "$err"; then
	ok "$what"
else
	not_ok "$what: exit 2 with the diagnostics" "exit code $rc"
	show "$err"
fi

# ---- --version and --help -------------------------------------------------

what="--version"
run --version
if [ "$rc" -eq 0 ] && [ "$(nlines "$out")" -eq 1 ] &&
	grep -Eq '^voorzorg [0-9]+\.[0-9]+\.[0-9]+' "$out"; then
	ok "$what"
else
	not_ok "$what: exit 0, \"voorzorg X.Y.Z\"" "exit code $rc"
	show "$out"
fi

for args in "--help" "-h" "catalog --help" "catalog lint --help" \
	"catalog show -h"; do
	what="$args"
	# shellcheck disable=SC2086
	run $args
	if [ "$rc" -eq 0 ] && grep -q '^usage: ' "$out" && [ ! -s "$err" ]
	then
		ok "$what"
	else
		not_ok "$what: exit 0, usage on stdout" "exit code $rc"
		show "$out"
		show "$err"
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
