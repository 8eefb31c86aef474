#!/usr/bin/env bash
#
# tests/policy/tools.sh - the generated policies checked by the software
# that enforces them, for the Dutch measure and BOD 17-01 (bundled, signed
# catalogue) and the fictional example measure (tests/policy/catalog.json,
# which has a fingerprint of every kind):
# - apt: a throwaway apt root (-o Dir=...) with a local file repository
#   holding a test package named like a banned one (dpkg-deb,
#   apt-ftparchive): without the pin apt would install it; with it,
#   apt-cache policy shows "Candidate: (none)" and apt-get -s install
#   refuses;
# - dnf: Debian's dnf with a local repository (rpmbuild, createrepo_c)
#   and --installroot: without the excludes the package would be
#   installed; with them "All matches were filtered out by exclude
#   filtering";
# - fapolicyd: fagenrules and the daemon's own rule parser load the rules
#   (all of them, counted); where the kernel gives fanotify (root, mount
#   namespaces), the daemon runs for a bounded time in a private mount
#   namespace (so nothing outside this test is watched) and a file the
#   rules name is denied by path and by SHA-256, another one allowed;
# - AppLocker and WDAC: xmllint against schemas written from Microsoft's
#   documented rules (applocker.xsd, sipolicy.xsd), unique ids;
# - Santa: plistutil reads the profile and writes it back (binary and
#   XML) with the same content; the documented keys are there;
# - osquery and Fleet: SQLite parses and runs every query against tables
#   created with osquery's documented columns: a row when the tables are
#   empty (pass), none once a banned product is inserted (fail).
# What cannot run here is reported as a SKIP with the reason.

set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

have() { command -v "$1" >/dev/null 2>&1; }

gen() { # gen FORMAT OUT ARGS...
	local f=$1 o=$2
	shift 2
	"$vz" policy --format "$f" "$@" >"$o" 2>"$tmp/gen.err"
}

SETS=("nl:--measure $NL ${SIGNED[*]}"
	"bod:--measure $BOD --sector central-government ${SIGNED[*]}"
	"example:--measure example-measure ${TESTCAT[*]}")

# ---- apt ------------------------------------------------------------------

apt_check() { # apt_check NAME PKG ARGS...
	local name=$1 pkg=$2 d=$tmp/apt-$1 O
	shift 2
	mkdir -p "$d/pkg/DEBIAN" "$d/repo" "$d/root/etc/apt/preferences.d" \
		"$d/root/etc/apt/sources.list.d" \
		"$d/root/var/lib/apt/lists/partial" \
		"$d/root/var/cache/apt/archives/partial" "$d/root/var/lib/dpkg"
	: >"$d/root/var/lib/dpkg/status"
	printf 'Package: %s\nVersion: 1.0\nArchitecture: all\nMaintainer: %s\nDescription: %s\n' \
		"$pkg" 'voorzorg tests <tests@invalid>' \
		'test package named like a banned one; not the real software' \
		>"$d/pkg/DEBIAN/control"
	dpkg-deb -b "$d/pkg" "$d/repo/${pkg}_1.0_all.deb" >/dev/null &&
		(cd "$d/repo" && apt-ftparchive packages . >Packages) || {
		not_ok "apt $name: could not build the test repository"
		return
	}
	echo "deb [trusted=yes] file:$d/repo ./" >"$d/root/etc/apt/sources.list"
	O=(-o "Dir=$d/root" -o "Dir::State::status=$d/root/var/lib/dpkg/status"
		-o Debug::NoLocking=1 -o APT::Architecture=amd64)
	apt-get "${O[@]}" update >/dev/null 2>&1
	# Without the pin the package is a candidate: the test can fail.
	if ! apt-cache "${O[@]}" policy "$pkg" | grep -q 'Candidate: 1.0'; then
		not_ok "apt $name: test package not a candidate without the pin"
		return
	fi
	gen apt "$d/root/etc/apt/preferences.d/00-voorzorg.pref" "$@" || {
		not_ok "apt $name: voorzorg policy failed"
		show "$tmp/gen.err"
		return
	}
	apt-cache "${O[@]}" policy "$pkg" >"$d/policy.out" 2>&1
	if grep -q 'Candidate: (none)' "$d/policy.out" &&
		! grep -q '^[WE]:' "$d/policy.out"; then
		ok "apt $name: apt-cache policy $pkg shows Candidate: (none)"
	else
		not_ok "apt $name: apt-cache policy $pkg" "$(cat "$d/policy.out")"
	fi
	if apt-get "${O[@]}" -s install "$pkg" >"$d/install.out" 2>&1; then
		not_ok "apt $name: apt-get -s install $pkg succeeded"
	elif grep -q "has no installation candidate" "$d/install.out"; then
		ok "apt $name: apt-get -s install $pkg refuses"
	else
		not_ok "apt $name: apt-get -s install" "$(cat "$d/install.out")"
	fi
}

if have apt-get && have apt-ftparchive && have dpkg-deb; then
	apt_check nl kesl --measure $NL "${SIGNED[@]}"
	apt_check bod kav4fs --measure $BOD --sector central-government \
		"${SIGNED[@]}"
	apt_check example example-agent --measure example-measure "${TESTCAT[@]}"
else
	skip "apt: apt-get, apt-ftparchive or dpkg-deb missing"
fi

# ---- dnf ------------------------------------------------------------------

dnf_check() { # dnf_check NAME PKG ARGS...
	local name=$1 pkg=$2 d=$tmp/dnf-$1 conf
	shift 2
	mkdir -p "$d/rpmbuild/SPECS" "$d/repo" "$d/root" "$d/repos.d"
	printf '%s\n' "Name: $pkg" 'Version: 1.0' 'Release: 1' \
		'Summary: test package named like a banned one' 'License: none' \
		'BuildArch: noarch' '%description' \
		'voorzorg test package; not the real software.' '%files' \
		>"$d/rpmbuild/SPECS/t.spec"
	rpmbuild --define "_topdir $d/rpmbuild" -bb "$d/rpmbuild/SPECS/t.spec" \
		>/dev/null 2>&1 && cp "$d"/rpmbuild/RPMS/noarch/*.rpm "$d/repo/" &&
		createrepo_c -q "$d/repo" || {
		not_ok "dnf $name: could not build the test repository"
		return
	}
	printf '[vztest]\nname=vztest\nbaseurl=file://%s/repo\ngpgcheck=0\n' \
		"$d" >"$d/repos.d/vztest.repo"
	dnfrun() { # dnfrun CONF: dnf install --assumeno PKG, offline
		timeout 300 dnf -c "$1" --installroot="$d/root" --releasever=12 \
			--setopt=cachedir="$d/cache" --setopt=reposdir="$d/repos.d" \
			--setopt=gpgcheck=0 --disableplugin=versionlock \
			install --assumeno "$pkg" >"$d/out" 2>&1
	}
	# Without the excludes dnf would install it: the test can fail.
	printf '[main]\n' >"$d/plain.conf"
	dnfrun "$d/plain.conf"
	if ! grep -q "Installing:" "$d/out" || ! grep -q " $pkg " "$d/out"
	then
		not_ok "dnf $name: without excludes the package is not offered" \
			"$(tail -5 "$d/out")"
		return
	fi
	conf=$d/dnf.conf
	gen dnf "$conf" "$@" || {
		not_ok "dnf $name: voorzorg policy failed"
		return
	}
	if dnfrun "$conf"; then
		not_ok "dnf $name: dnf install --assumeno $pkg succeeded"
	elif grep -q "All matches were filtered out by exclude filtering for argument: $pkg" "$d/out"; then
		ok "dnf $name: dnf install $pkg refused by the exclude filter"
	else
		not_ok "dnf $name: dnf install" "$(tail -5 "$d/out")"
	fi
}

if have dnf && have createrepo_c && have rpmbuild; then
	dnf_check nl kesl --measure $NL "${SIGNED[@]}"
	dnf_check bod kesl-gui --measure $BOD --sector central-government \
		"${SIGNED[@]}"
	dnf_check example example-agent-tools --measure example-measure \
		"${TESTCAT[@]}"
else
	skip "dnf: dnf, createrepo_c or rpmbuild missing"
fi

# ---- fapolicyd ------------------------------------------------------------

# The daemon parses the rules in a private mount namespace: /etc/fapolicyd,
# /var/lib/fapolicyd, /run and /opt are replaced there by directories of
# this test, so nothing outside it is read, written or watched.
cat >"$tmp/fapo-ns.sh" <<'NS'
set -u
d=$1 run=$2
mount --make-rprivate / || exit 90
mount --bind "$d/etc" /etc/fapolicyd || exit 90
mount --bind "$d/lib" /var/lib/fapolicyd || exit 90
mount -t tmpfs tmpfs /run || exit 90
mkdir -p /run/fapolicyd
mount --bind "$d/opt" /opt || exit 90
fagenrules >"$d/fagenrules.out" 2>&1 || exit 91
[ "$run" = 1 ] || { timeout 10 fapolicyd --debug-deny >"$d/log" 2>&1 & }
if [ "$run" = 0 ]; then
	# Parse only: the daemon prints "Loaded N rules" before it marks
	# anything, then fails without fanotify or is stopped here.
	for i in $(seq 1 100); do
		grep -q "Loaded\|rules:\|Error" "$d/log" 2>/dev/null && break
		sleep 0.1
	done
	kill %1 2>/dev/null
	wait
	exit 0
fi
timeout 20 fapolicyd --debug-deny >"$d/log" 2>&1 &
for i in $(seq 1 150); do
	grep -q "Starting to listen\|Error\|rules:" "$d/log" 2>/dev/null && break
	sleep 0.1
done
grep -q "Starting to listen" "$d/log" || exit 92
for f in $FILES; do
	if cat "$f" >/dev/null 2>&1; then echo "open $f allowed"
	else echo "open $f denied"; fi
	if [ -x "$f" ]; then
		if "$f" 2>/dev/null; then echo "exec $f allowed"
		else echo "exec $f denied"; fi
	fi
done >"$d/results"
kill %1
wait
NS

fapo_setup() { # fapo_setup DIR ARGS...: rules + allow-the-rest, conf
	local d=$1
	shift
	mkdir -p "$d/etc/rules.d" "$d/etc/trust.d" "$d/lib" "$d/opt"
	sed -e 's/^uid = .*/uid = root/' -e 's/^gid = .*/gid = root/' \
		/etc/fapolicyd/fapolicyd.conf >"$d/etc/fapolicyd.conf"
	: >"$d/etc/fapolicyd.trust"
	gen fapolicyd "$d/etc/rules.d/15-voorzorg-deny.rules" "$@" || return 1
	echo 'allow perm=any all : all' >"$d/etc/rules.d/99-allow-rest.rules"
}

fapo_parse() { # fapo_parse NAME ARGS...
	local name=$1 d=$tmp/fapo-$1 n
	shift
	fapo_setup "$d" "$@" || {
		not_ok "fapolicyd $name: voorzorg policy failed"
		return
	}
	n=$(grep -c '^deny_audit ' "$d/etc/rules.d/15-voorzorg-deny.rules")
	FILES= unshare -m bash "$tmp/fapo-ns.sh" "$d" 0
	if grep -q "Loaded $((n + 1)) rules" "$d/log" &&
		! grep -q "rules:" "$d/log"; then
		ok "fapolicyd $name: the daemon's parser loads all $n deny rules"
	else
		not_ok "fapolicyd $name: rules not loaded" "$(grep -v '^deny\|^allow' "$d/log" | head -5)"
	fi
}

if have fapolicyd && have fagenrules && [ "$(id -u)" = 0 ] &&
	unshare -m true 2>/dev/null; then
	fapo_parse nl --measure $NL "${SIGNED[@]}"
	fapo_parse bod --measure $BOD --sector central-government \
		"${SIGNED[@]}"
	fapo_parse example --measure example-measure "${TESTCAT[@]}"
	# Enforcement: a file the rules name by path, one by hash, one not.
	d=$tmp/fapo-run
	if fapo_setup "$d" --measure example-measure "${TESTCAT[@]}"; then
		mkdir -p "$d/opt/example-agent/bin" "$d/opt/other"
		cp /bin/true "$d/opt/example-agent/bin/example-agent"
		cp /bin/true "$d/opt/other/true"
		# The documented 52-byte example file (its SHA-256 is in the
		# test catalogue).
		echo 'voorzorg example file: not part of any real product' \
			>"$d/opt/other/example-file.bin"
		FILES="/opt/example-agent/bin/example-agent /opt/other/true
/opt/other/example-file.bin" unshare -m bash "$tmp/fapo-ns.sh" "$d" 1
		rc=$?
		if [ "$rc" -ne 0 ]; then
			skip "fapolicyd enforcement: the daemon could not watch here (exit $rc: $(grep -i 'error\|cannot' "$d/log" | head -1))"
		else
			grep -q "exec /opt/example-agent/bin/example-agent denied" "$d/results" &&
				ok "fapolicyd: executing a file named by path is denied" ||
				not_ok "fapolicyd: path deny" "$(cat "$d/results")"
			grep -q "open /opt/other/example-file.bin denied" "$d/results" &&
				ok "fapolicyd: opening a file with a listed SHA-256 is denied" ||
				not_ok "fapolicyd: hash deny" "$(cat "$d/results")"
			grep -q "exec /opt/other/true allowed" "$d/results" &&
				ok "fapolicyd: another file is still allowed" ||
				not_ok "fapolicyd: control" "$(cat "$d/results")"
		fi
	fi
else
	skip "fapolicyd: needs fapolicyd, root and mount namespaces (unshare -m)"
fi

# ---- AppLocker and WDAC: schemas ----------------------------------------

for set in "${SETS[@]}"; do
	name=${set%%:*}
	read -r -a args <<<"${set#*:}"
	for mode in audit enforce; do
		gen applocker "$tmp/al.xml" "${args[@]}" --mode $mode
		if xmllint --noout --schema tests/policy/applocker.xsd \
			"$tmp/al.xml" 2>"$tmp/xl"; then
			ok "applocker $name $mode: valid against applocker.xsd"
		else
			not_ok "applocker $name $mode" "$(head -3 "$tmp/xl")"
		fi
		gen wdac "$tmp/w.xml" "${args[@]}" --mode $mode
		if xmllint --noout --schema tests/policy/sipolicy.xsd \
			"$tmp/w.xml" 2>"$tmp/xl"; then
			ok "wdac $name $mode: valid against sipolicy.xsd"
		else
			not_ok "wdac $name $mode" "$(head -3 "$tmp/xl")"
		fi
		want=AuditOnly
		[ $mode = enforce ] && want=Enabled
		grep -q "<RuleCollection Type=\"Exe\" EnforcementMode=\"$want\">" \
			"$tmp/al.xml" && ok "applocker $name $mode: EnforcementMode $want" ||
			not_ok "applocker $name $mode: EnforcementMode"
		if [ $mode = audit ]; then
			grep -q 'Enabled:Audit Mode' "$tmp/w.xml"
		else
			! grep -q 'Enabled:Audit Mode' "$tmp/w.xml"
		fi && ok "wdac $name $mode: audit option as asked" ||
			not_ok "wdac $name $mode: audit option"
	done
done
# The schemas can fail: a duplicate rule Id and a bad option are refused.
sed '0,/Id="[^"]*"/s//Id="84c9a34e-63fb-830a-ad15-383206cf083d"/' \
	tests/policy/golden/nl-applocker.xml |
	sed 's/\(<FilePathRule Id="\)[^"]*\(" Name="voorzorg: deny\)/\184c9a34e-63fb-830a-ad15-383206cf083d\2/' \
	>"$tmp/dup.xml"
xmllint --noout --schema tests/policy/applocker.xsd "$tmp/dup.xml" \
	2>/dev/null && not_ok "applocker.xsd accepts a duplicate rule Id" ||
	ok "applocker.xsd refuses a duplicate rule Id"
sed 's/Enabled:UMCI/Enabled:UMC1/' tests/policy/golden/nl-wdac.xml \
	>"$tmp/bad.xml"
xmllint --noout --schema tests/policy/sipolicy.xsd "$tmp/bad.xml" \
	2>/dev/null && not_ok "sipolicy.xsd accepts an unknown option" ||
	ok "sipolicy.xsd refuses an unknown option"
sed 's/RuleID="ID_ALLOW_A_2"/RuleID="ID_NOWHERE"/' \
	tests/policy/golden/nl-wdac.xml >"$tmp/bad.xml"
xmllint --noout --schema tests/policy/sipolicy.xsd "$tmp/bad.xml" \
	2>/dev/null && not_ok "sipolicy.xsd accepts a dangling FileRuleRef" ||
	ok "sipolicy.xsd refuses a dangling FileRuleRef"

id=$(grep -o 'Deny ID="[^"]*"' tests/policy/golden/nl-wdac.xml | head -1 |
	cut -d'"' -f2)
sed "s/\"$id\"/\"ID_ALLOW_A_1\"/" tests/policy/golden/nl-wdac.xml >"$tmp/bad.xml"
xmllint --noout --schema tests/policy/sipolicy.xsd "$tmp/bad.xml" \
	2>/dev/null && not_ok "sipolicy.xsd accepts a duplicate rule ID" ||
	ok "sipolicy.xsd refuses a duplicate rule ID"

# ---- Santa ------------------------------------------------------------------

cat >"$tmp/plist.py" <<'PY'
import json, plistlib, sys
a = plistlib.load(open(sys.argv[1], "rb"))
b = plistlib.load(open(sys.argv[2], "rb"))
assert a == b, "round trip changed the profile"
assert a["PayloadType"] == "Configuration"
for k in ("PayloadUUID", "PayloadIdentifier", "PayloadVersion"):
    assert k in a, k
(p,) = a["PayloadContent"]
assert p["PayloadType"] == "com.northpolesec.santa"
rules = p["StaticRules"]
assert rules, "no rules"
for r in rules:
    assert set(r) <= {"identifier", "policy", "rule_type", "custom_msg",
                      "custom_url", "comment", "cel_expr"}, r
    assert r["policy"] == "BLOCKLIST"
    assert r["rule_type"] in ("SIGNINGID", "BINARY", "TEAMID"), r
    if r["rule_type"] == "SIGNINGID":
        team, sid = r["identifier"].split(":", 1)
        assert len(team) == 10 and team.isalnum() and sid, r
    if r["rule_type"] == "BINARY":
        assert len(r["identifier"]) == 64, r
j = json.load(open(sys.argv[3]))
assert [dict(x) for x in j["rules"]] == rules, "santa-json differs"
print(len(rules))
PY
for set in "${SETS[@]}"; do
	name=${set%%:*}
	read -r -a args <<<"${set#*:}"
	gen santa "$tmp/s.mobileconfig" "${args[@]}"
	gen santa-json "$tmp/s.json" "${args[@]}"
	if plistutil -i "$tmp/s.mobileconfig" -o "$tmp/s.bin" -f bin \
		2>"$tmp/pe" && plistutil -i "$tmp/s.bin" -o "$tmp/s2.xml" -f xml \
		2>>"$tmp/pe" &&
		n=$(python3 "$tmp/plist.py" "$tmp/s.mobileconfig" "$tmp/s2.xml" \
			"$tmp/s.json" 2>"$tmp/pe"); then
		ok "santa $name: plistutil round trip, documented keys, $n rules, the same as santa-json"
	else
		not_ok "santa $name" "$(head -5 "$tmp/pe")"
	fi
done

# ---- osquery and Fleet: SQLite ----------------------------------------------

cat >"$tmp/schema.sql" <<'SQL'
-- Columns as osquery documents them (specs/linux/deb_packages.table,
-- rpm_packages.table, windows/programs.table, darwin/apps.table).
CREATE TABLE deb_packages (name TEXT, version TEXT, source TEXT,
  size BIGINT, arch TEXT, revision TEXT, status TEXT, maintainer TEXT,
  section TEXT, priority TEXT, admindir TEXT);
CREATE TABLE rpm_packages (name TEXT, version TEXT, release TEXT,
  source TEXT, size BIGINT, sha1 TEXT, arch TEXT, epoch INTEGER,
  install_time INTEGER, vendor TEXT, package_group TEXT);
CREATE TABLE programs (name TEXT, version TEXT, install_location TEXT,
  install_source TEXT, language TEXT, publisher TEXT,
  uninstall_string TEXT, install_date TEXT, identifying_number TEXT);
CREATE TABLE apps (name TEXT, path TEXT, bundle_executable TEXT,
  bundle_identifier TEXT, bundle_name TEXT, bundle_short_version TEXT,
  bundle_version TEXT, bundle_package_type TEXT, environment TEXT,
  element TEXT, compiler TEXT, development_region TEXT,
  display_name TEXT, info_string TEXT, minimum_system_version TEXT,
  category TEXT, applescript_enabled TEXT, copyright TEXT,
  last_opened_time DOUBLE);
SQL

# sqlq PLATFORM SQLFILE INSERT: run the platform's query on empty tables
# and after INSERT; prints "empty-rows after-rows".
sqlq() {
	local q
	q=$(grep -A1 "^-- policy: .*($1)\$" "$2" | tail -1)
	[ -n "$q" ] || return 1
	a=$(sqlite3 -bail "$tmp/db.$$" <"$tmp/schema.sql" 2>&1 &&
		printf '%s\n' "$q" | sqlite3 -bail "$tmp/db.$$" | wc -l)
	b=$(printf '%s\n%s\n' "$3" "$q" | sqlite3 -bail "$tmp/db.$$" | wc -l)
	rm -f "$tmp/db.$$"
	echo "$a $b"
}

sql_check() { # sql_check NAME PLATFORM INSERT ARGS...
	local name=$1 plat=$2 ins=$3 r
	shift 3
	gen osquery "$tmp/q.sql" "$@"
	r=$(sqlq "$plat" "$tmp/q.sql" "$ins")
	if [ "$r" = "1 0" ]; then
		ok "osquery $name $plat ($(echo "$ins" | cut -d' ' -f3)): SQLite runs it; passes on an empty host, fails with the product"
	else
		not_ok "osquery $name $plat: rows empty/with product: '$r'" \
			"$(grep -A1 "($plat)" "$tmp/q.sql" | tail -1 | cut -c1-200)"
	fi
}

for pair in "nl:--measure $NL ${SIGNED[*]}" \
	"bod:--measure $BOD --sector central-government ${SIGNED[*]}"; do
	name=${pair%%:*}
	read -r -a args <<<"${pair#*:}"
	sql_check "$name" linux \
		"INSERT INTO deb_packages(name, status) VALUES ('kesl', 'install ok installed');" \
		"${args[@]}"
	sql_check "$name" linux \
		"INSERT INTO rpm_packages(name) VALUES ('kesl-gui');" "${args[@]}"
	sql_check "$name" windows \
		"INSERT INTO programs(name, publisher) VALUES ('kaspersky total security 21.3', 'AO Kaspersky Lab');" \
		"${args[@]}"
	sql_check "$name" darwin \
		"INSERT INTO apps(bundle_identifier) VALUES ('com.kaspersky.kav.sysext');" \
		"${args[@]}"
done
sql_check example windows \
	"INSERT INTO programs(name, publisher) VALUES ('Example Agent & Co''s 2', 'x');" \
	--measure example-measure "${TESTCAT[@]}"
sql_check example darwin \
	"INSERT INTO apps(bundle_identifier) VALUES ('org.example.agent.helper');" \
	--measure example-measure "${TESTCAT[@]}"
sql_check example linux \
	"INSERT INTO rpm_packages(name) VALUES ('example-agent-tools');" \
	--measure example-measure "${TESTCAT[@]}"
# A product of another vendor does not fail the policy.
sql_check_other() {
	gen osquery "$tmp/q.sql" --measure $NL "${SIGNED[@]}"
	r=$(sqlq windows "$tmp/q.sql" "INSERT INTO programs(name, publisher) VALUES ('ESET Endpoint Antivirus', 'ESET');")
	[ "$r" = "1 1" ] && ok "osquery: another vendor's program passes" ||
		not_ok "osquery: another vendor's program: '$r'"
}
sql_check_other

# Fleet: the YAML's queries are the SQL's, as YAML reads them.
for set in "${SETS[@]}"; do
	name=${set%%:*}
	read -r -a args <<<"${set#*:}"
	gen osquery "$tmp/q.sql" "${args[@]}"
	gen fleet "$tmp/f.yml" "${args[@]}"
	if python3 - "$tmp/f.yml" "$tmp/q.sql" >"$tmp/py" 2>&1 <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
sql = [l for l in open(sys.argv[2]).read().splitlines()
       if l.startswith("SELECT")]
assert [d["spec"]["query"] for d in docs] == sql, "queries differ"
for d in docs:
    assert d["apiVersion"] == "v1" and d["kind"] == "policy"
    s = d["spec"]
    assert set(s) == {"name", "query", "description", "resolution",
                      "platform"}, s
    assert s["platform"] in ("linux", "windows", "darwin")
PY
	then
		ok "fleet $name: YAML with the documented keys, the same queries"
	else
		not_ok "fleet $name" "$(tail -3 "$tmp/py")"
	fi
done

finish
