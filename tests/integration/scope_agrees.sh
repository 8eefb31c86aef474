#!/usr/bin/env bash
#
# tests/integration/scope_agrees.sh - scan and assess agree on what a
# measure covers, on the bundled catalogue.
#
# The 2018 Dutch measure covers "antivirussoftware van Kaspersky Lab" and
# names no products, so Kaspersky Industrial CyberSecurity for Linux Nodes
# (package kics) is covered. A root with that package really installed
# (dpkg-deb, dpkg --root) is scanned for the vital sector, and
# `voorzorg assess kaspersky-industrial-cybersecurity-linux --sector vital`
# is asked the same question: both must name the Dutch measure with
# "advise-phase-out", and both must count the same covering measures.
# Then the same for a product the measure does not cover (the Network
# Agent): no Dutch measure in either. Meson sets VOORZORG, VZ_SOURCE_ROOT.
set -u

root=${VZ_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
vz=${VOORZORG:-$root/build/src/voorzorg}
py=/usr/bin/python3
cat=$root/catalog/voorzorg.json
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vz-scope.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

check() {
	local what=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
		echo "ok - $what"
	else
		failed=$((failed + 1))
		echo "not ok - $what"
	fi
}

# mkroot NAME PACKAGE FILE: a root with PACKAGE installed by dpkg, the
# package holding FILE (a stand-in, named by the path the sources give).
mkroot() {
	local r=$tmp/$1 p=$tmp/pkg-$2
	mkdir -p "$p/DEBIAN" "$p$(dirname "$3")" "$r/var/lib/dpkg/info" \
		"$r/var/lib/dpkg/updates" "$r/etc" "$r/proc" "$r/sys" "$r/dev"
	: >"$r/var/lib/dpkg/status"
	echo 'PRETTY_NAME="voorzorg fixture (scope)"' >"$r/etc/os-release"
	printf 'Package: %s\nVersion: 1.0-1\nArchitecture: all\n' "$2" \
		>"$p/DEBIAN/control"
	printf 'Maintainer: voorzorg test suite <tests@voorzorg.invalid>\n' \
		>>"$p/DEBIAN/control"
	printf 'Description: voorzorg test fixture\n holds no software.\n' \
		>>"$p/DEBIAN/control"
	printf '#!/bin/sh\nexit 0\n' >"$p$3"
	chmod 755 "$p$3"
	dpkg-deb --build --root-owner-group "$p" "$tmp/$2.deb" >/dev/null &&
		dpkg --root="$r" --force-script-chrootless --force-not-root \
			--log=/dev/null -i "$tmp/$2.deb" >/dev/null
}

# agree PRODUCT ROOT SECTOR WANT_MEASURE WANT_ACTION
agree() {
	local prod=$1 r=$tmp/$2 sector=$3 want_m=$4 want_a=$5
	"$vz" scan --root "$r" --sector "$sector" --catalog "$cat" \
		--format json >"$tmp/scan.json" 2>"$tmp/scan.err"
	check "$prod on $2 for $sector: scan exits 0 or 1 (got $?)" \
		test $? -le 1
	"$vz" assess "$prod" --catalog "$cat" --format json \
		>"$tmp/assess.json" 2>"$tmp/assess.err"
	check "$prod: assess exits 0 (got $?)" test $? = 0
	"$py" - "$tmp/scan.json" "$tmp/assess.json" "$prod" "$sector" \
		"$want_m" "$want_a" <<'PY'
import json, sys
scan = json.load(open(sys.argv[1]))
ass = json.load(open(sys.argv[2]))
prod, sector, want_m, want_a = sys.argv[3:7]
fs = [f for f in scan["findings"] if f["product_id"] == prod]
assert len(fs) == 1, "scan finds %s once: %r" % (prod, fs)
m = fs[0]["measure"]
covering = ass["measures"]
# The measure the scan reports is one assess lists as covering, with
# the same action for the sector, and both count the same measures.
assert m is not None, "scan reports a measure"
assert m["count"] == len(covering), (m["count"], len(covering))
assert m["id"] in [c["id"] for c in covering], m["id"]
byid = {c["id"]: c for c in covering}
assert byid[m["id"]]["sectors"].get(sector) == m["action"], (m, byid[m["id"]])
if want_m == "-":
    assert all(c["issuing_state"] != "nl" for c in covering), covering
    assert m["id"] != "nl-2018-kaspersky-antivirus"
else:
    assert m["id"] == want_m, m["id"]
    assert m["action"] == want_a, m["action"]
    assert byid[want_m]["sectors"][sector] == want_a
PY
}

mkroot kics kics /opt/kaspersky/kics/bin/kics-control
check "fixture: kics installed by dpkg" \
	grep -q '^Package: kics$' "$tmp/kics/var/lib/dpkg/status"
check "KICS on a vital host: scan and assess both give the 2018 Dutch measure, advise-phase-out" \
	agree kaspersky-industrial-cybersecurity-linux kics vital \
	nl-2018-kaspersky-antivirus advise-phase-out
check "KICS in central government: both give phase-out" \
	agree kaspersky-industrial-cybersecurity-linux kics central-government \
	nl-2018-kaspersky-antivirus phase-out
mkroot agent klnagent64 /opt/kaspersky/klnagent64/sbin/klnagent
check "Network Agent: not covered by the Dutch measure in scan nor assess" \
	agree kaspersky-network-agent-linux agent vital - -

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
