#!/usr/bin/env bash
#
# tests/policy/golden.sh - `voorzorg policy` from the outside: every format
# for the Dutch measure (no sector) and for BOD 17-01 (sector
# central-government) from the bundled, signed catalogue, and for the
# fictional example measure of tests/policy/catalog.json, against checked-in
# goldens (tests/policy/golden/, reviewed by eye); the same bytes twice and
# through --output; the modes; catalogue values a format cannot carry
# (refused with exit 2, one line naming the fingerprint, no output file);
# usage errors.
#
# GOLDEN_UPDATE=1 rewrites the goldens; review every change by eye.
# Prints "ok - ..." or "not ok - ..." per check and a summary; exits 1 if
# anything failed.

set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

golden_dir=tests/policy/golden
update=${GOLDEN_UPDATE:-0}
out=$tmp/out
err=$tmp/err

# golden NAME ARGS...: exit 0, the golden's bytes, nothing on stderr but
# the unsigned-catalogue warning.
golden() {
	local name=$1 g=$golden_dir/$1 rc
	shift
	"$vz" policy "$@" >"$out" 2>"$err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		not_ok "$name: exit 0" "exit code $rc; stderr:"
		show "$err"
		return
	fi
	if grep -v -q 'warning: catalogue is NOT SIGNED' "$err"; then
		not_ok "$name: nothing on stderr" "stderr:"
		show "$err"
		return
	fi
	if [ "$update" = 1 ]; then
		mkdir -p "$golden_dir"
		cp "$out" "$g"
		ok "$name (updated)"
		return
	fi
	if cmp -s "$out" "$g"; then
		ok "$name"
	else
		not_ok "$name: differs from $g (- golden, + now)"
		diff -u "$g" "$out" | sed -e 's/^/#   /' -e '120q'
	fi
}

for f in $FORMATS; do
	s=$(suffix "$f")
	golden "nl-$f.$s" --format "$f" --measure $NL "${SIGNED[@]}"
	golden "bod-17-01-$f.$s" --format "$f" --measure $BOD \
		--sector central-government "${SIGNED[@]}"
	golden "example-$f.$s" --format "$f" --measure example-measure \
		"${TESTCAT[@]}"
done
golden "nl-applocker-enforce.xml" --format applocker --measure $NL \
	--mode enforce "${SIGNED[@]}"
golden "nl-wdac-enforce.xml" --format wdac --measure $NL --mode enforce \
	"${SIGNED[@]}"

# ---- provenance, determinism, --output ----------------------------------
catver=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
	"$src/catalog/voorzorg.json")

for f in $FORMATS; do
	"$vz" policy --format "$f" --measure $NL "${SIGNED[@]}" >"$tmp/a" \
		2>/dev/null
	"$vz" policy --format "$f" --measure $NL "${SIGNED[@]}" \
		--output "$tmp/b.$f" 2>/dev/null
	if cmp -s "$tmp/a" "$tmp/b.$f"; then
		ok "$f: the same bytes twice, and through --output"
	else
		not_ok "$f: output differs between runs or with --output"
	fi
	if grep -q "$NL" "$tmp/a" &&
		grep -q "nl-voorzorg version $catver" "$tmp/a" &&
		grep -q 'signature valid' "$tmp/a"; then
		ok "$f: names the measure, catalogue id, version and signature"
	else
		not_ok "$f: provenance missing" "$(head -5 "$tmp/a")"
	fi
	if grep -q -E '20[0-9]{2}-[0-9]{2}-[0-9]{2}T' "$tmp/a"; then
		not_ok "$f: has a timestamp"
	else
		ok "$f: no timestamp"
	fi
done
# The default measure is the catalogue's own one(s).
"$vz" policy --format apt "${SIGNED[@]}" >"$tmp/def" 2>/dev/null
if grep -q "measure $NL" "$tmp/def" && ! grep -q "measure $BOD" "$tmp/def"
then
	ok "default: the catalogue's own measures, not foreign ones"
else
	not_ok "default measures" "$(head -8 "$tmp/def")"
fi

# ---- errors ------------------------------------------------------------

# expect_fail NAME EXIT PATTERN ARGS...: exit code, one line on stderr
# matching PATTERN (after the catalogue's own warnings), nothing on
# stdout, no --output file.
expect_fail() {
	local name=$1 want=$2 pat=$3 rc
	shift 3
	rm -f "$tmp/never"
	"$vz" policy "$@" --output "$tmp/never" >"$out" 2>"$err"
	rc=$?
	grep -v 'NOT SIGNED' "$err" >"$err.2"
	if [ "$rc" -ne "$want" ]; then
		not_ok "$name: exit $want" "exit $rc; stderr:"
		show "$err"
	elif [ -e "$tmp/never" ] || [ -s "$out" ]; then
		not_ok "$name: nothing written"
	elif [ "$(wc -l <"$err.2")" -ne 1 ] || ! grep -q -e "$pat" "$err.2"; then
		not_ok "$name: one line matching '$pat'" "stderr:"
		show "$err"
	else
		ok "$name"
	fi
}

expect_fail "no --format" 2 'format is required' --measure $NL "${SIGNED[@]}"
expect_fail "unknown format" 2 "unknown format 'rpm'" --format rpm \
	"${SIGNED[@]}"
expect_fail "unknown mode" 2 "unknown mode" --format wdac --mode strict \
	"${SIGNED[@]}"
expect_fail "unknown measure" 2 "unknown measure 'nope'" --format apt \
	--measure nope "${SIGNED[@]}"
expect_fail "unknown sector" 2 "unknown sector 'ministries'" --format apt \
	--sector ministries "${SIGNED[@]}"
expect_fail "an id that is not a measure" 2 "unknown measure 'kaspersky-lab'" \
	--format apt --measure kaspersky-lab "${SIGNED[@]}"
expect_fail "audit mode where the format has none" 2 \
	'format apt has no audit mode' --format apt --mode audit "${SIGNED[@]}"
expect_fail "fapolicyd audit points at permissive" 2 'permissive = 1' \
	--format fapolicyd --mode audit "${SIGNED[@]}"
expect_fail "a sector the measure asks nothing of" 2 \
	"measure $NL: the action for sector other is none: nothing to prevent" \
	--format apt --measure $NL --sector other "${SIGNED[@]}"
expect_fail "monitor is not a ban" 2 'sector other is monitor' \
	--format apt --measure example-measure --sector other "${TESTCAT[@]}"
expect_fail "a format the products have nothing for" 2 \
	'have no deb package fingerprints' --format apt \
	--measure nl-2023-apps-offensive-states "${SIGNED[@]}"
expect_fail "unsigned catalogue refused without --allow-unsigned" 2 \
	'NOT SIGNED\|no signature\|minisig' --format apt \
	--catalog tests/policy/catalog.json
expect_fail "positional argument" 2 "unexpected argument" --format apt x \
	"${SIGNED[@]}"

# hostile NAME FORMAT PATTERN FP.MEMBER=JSON...: a catalogue whose
# example-agent fingerprint holds a value FORMAT cannot carry is refused.
hostile() {
	local name=$1 fmt=$2 pat=$3
	shift 3
	python3 tests/policy/mkcatalog.py "$tmp/hostile.json" "$@" || {
		not_ok "$name: could not make the catalogue"
		return
	}
	expect_fail "$name" 2 "$pat" --format "$fmt" --measure example-measure \
		--catalog "$tmp/hostile.json" --allow-unsigned
}

hostile "apt: newline in a package name" apt \
	"fingerprints\[0\].name: 'example-agent\\\\x0aPin-Priority: 1000'" \
	'0.name="example-agent\nPin-Priority: 1000"'
hostile "apt: space in a package name" apt 'not a package name' \
	'0.name="a b"'
hostile "apt: a regex" apt 'not a package name' '0.name="/^ex/"'
hostile "apt: a bare *" apt 'would pin every package' '0.name="*"'
hostile "dnf: a comma in a package name" dnf 'not a package name' \
	'1.name="example-agent,kernel"'
hostile "dnf: a glob of wildcards only" dnf 'would exclude every package' \
	'2.name="*?"'
hostile "fapolicyd: a space in a path" fapolicyd 'cannot carry' \
	'4.path="/opt/example agent/x"'
hostile "fapolicyd: newline in a path" fapolicyd 'control character' \
	'4.path="/opt/x\ndeny perm=any all : all"'
hostile "fapolicyd: a top-level directory" fapolicyd 'would deny too much' \
	'4.path="/opt"'
hostile "applocker: -- in a path (XML comment)" applocker "has '--'" \
	'10.path="C:\\--\\x.exe"'
hostile "wdac: control character in a driver name" wdac 'control character' \
	'13.name="a\u0007.sys"'
hostile "santa: control character in a bundle id" santa \
	'control character' '15.bundle_id="org.example\tagent"'
hostile "osquery: newline in a package name" osquery 'control character' \
	'0.name="x\n; DROP TABLE deb_packages; --"'
hostile "fleet: control character in an Uninstall name" fleet \
	'control character' '14.data="Example\rAgent*"'

# Escaping: quotes and markup in catalogue values come out escaped.
python3 tests/policy/mkcatalog.py "$tmp/q.json" \
	'14.data="O'"'"'Hare \"x\" <y> & z*"' \
	'13.name="a&b<c>\".sys"'
"$vz" policy --format osquery --measure example-measure \
	--catalog "$tmp/q.json" --allow-unsigned >"$out" 2>/dev/null
if grep -q "name LIKE 'O''Hare \"x\" <y> & z%' ESCAPE" "$out"; then
	ok "osquery: a quote in a value is doubled in the SQL literal"
else
	not_ok "osquery: quote escaping" "$(grep -i hare "$out")"
fi
"$vz" policy --format fleet --measure example-measure \
	--catalog "$tmp/q.json" --allow-unsigned >"$out" 2>/dev/null
if grep -q "O''Hare \\\\\"x\\\\\" <y> & z%" "$out"; then
	ok "fleet: quotes escaped in the YAML scalar"
else
	not_ok "fleet: YAML escaping" "$(grep -i hare "$out")"
fi
"$vz" policy --format wdac --measure example-measure --mode enforce \
	--catalog "$tmp/q.json" --allow-unsigned >"$out" 2>/dev/null
if grep -q 'FileName="a&amp;b&lt;c&gt;&quot;.sys"' "$out" &&
	xmllint --noout "$out" 2>/dev/null; then
	ok "wdac: markup in a value is escaped, the XML well-formed"
else
	not_ok "wdac: XML escaping" "$(grep -i 'a&' "$out")"
fi

finish
