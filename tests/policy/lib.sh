# tests/policy/lib.sh - helpers shared by the policy test scripts
# (sourced, not run): the tool, a temporary directory, ok/not_ok
# counting and the closing summary.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${VZ_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
vz=${VOORZORG:-}
if [ -z "$vz" ] && [ -n "${VZ_BUILD_ROOT:-}" ]; then
	vz=$VZ_BUILD_ROOT/src/voorzorg
fi
if [ -z "$vz" ] || [ ! -x "$vz" ]; then
	echo "$(basename "$0"): set VOORZORG to the built voorzorg tool" >&2
	exit 2
fi
case $vz in /*) ;; *) vz=$PWD/$vz ;; esac
cd "$root" || exit 2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vz-policy.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
# Never touch the real state file.
export VOORZORG_STATE_DIR=$tmp/state

passed=0
failed=0
skipped=0

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

skip() {
	skipped=$((skipped + 1))
	echo "ok - # SKIP $1"
}

show() {
	sed -e 's/^/#   | /' -e '40q' "$1"
}

finish() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit
}

# The bundled, signed catalogue and the fictional test catalogue.
SIGNED=(--catalog catalog/voorzorg.json --pubkey catalog/voorzorg.pub)
TESTCAT=(--catalog tests/policy/catalog.json --allow-unsigned)
NL=nl-2018-kaspersky-antivirus
BOD=us-2017-bod-17-01
FORMATS="apt dnf fapolicyd applocker wdac santa santa-json osquery fleet"

# The file suffix of a format's golden.
suffix() {
	case $1 in
	apt) echo pref ;;
	dnf) echo conf ;;
	fapolicyd) echo rules ;;
	applocker | wdac) echo xml ;;
	santa) echo mobileconfig ;;
	santa-json) echo json ;;
	osquery) echo sql ;;
	fleet) echo yml ;;
	esac
}
