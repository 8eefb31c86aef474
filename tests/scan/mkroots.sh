#!/usr/bin/env bash
#
# tests/scan/mkroots.sh - build the scanner's fixture roots in DIR.
#
# usage: mkroots.sh DIR
#
# Each root is built the way the real thing comes about, as far as this
# machine allows: packages are real .deb and .rpm files installed with
# `dpkg --root` and `rpm --root --dbpath`, unit links are made as
# `systemctl enable` makes them. The product files are stand-ins (a
# shell script where KESL's daemon would be), named by the paths the
# catalogue's sources give. Roots:
#   dpkg     KESL installed from .debs, unit enabled, data directory
#   residue  KESL installed, then removed (config-files) with data left
#   present  KESL's files and unit, but no package record
#   rpm      kav4fs and the Network Agent installed into an rpmdb
#   decoy    a clean root full of near misses (must give no finding)
#   robust   unreadable directory, symlink loop, links out of the root,
#            a 300-level tree, a non-UTF-8 name, a sparse 200 GB file,
#            a FIFO and a corrupt dpkg status file
# Nothing is written outside DIR. Needs dpkg-deb, dpkg, rpm, rpmbuild.
set -euo pipefail

dir=${1:?usage: mkroots.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
work=$dir/.build
mkdir -p "$work"

# The stand-in for KESL's daemon: its SHA-256 and size are the file-hash
# fingerprint of tests/scan/catalog.json (80 bytes).
daemon() {
	printf '#!/bin/sh\n# voorzorg test fixture: stands in for the KESL daemon binary.\nexit 0\n'
}

# mkdeb NAME VERSION [FILE=CONTENT...]: build NAME.deb in $work.
mkdeb() {
	local name=$1 version=$2 p=$work/deb-$1
	shift 2
	rm -rf "$p"
	mkdir -p "$p/DEBIAN"
	cat >"$p/DEBIAN/control" <<CTRL
Package: $name
Version: $version
Architecture: all
Maintainer: voorzorg test suite <tests@voorzorg.invalid>
Description: voorzorg scanner test fixture
 Stands in for a package of the same name; holds no real software.
CTRL
	local spec f
	for spec in "$@"; do
		f=${spec%%=*}
		mkdir -p "$p$(dirname "$f")"
		if [[ ${spec#*=} == @daemon ]]; then
			daemon >"$p$f"
			chmod 755 "$p$f"
		else
			printf '%s\n' "${spec#*=}" >"$p$f"
		fi
		case $f in /etc/*) echo "$f" >>"$p/DEBIAN/conffiles" ;; esac
	done
	dpkg-deb --build --root-owner-group "$p" "$work/$name.deb" >/dev/null
}

# A root with an empty dpkg database, as debootstrap leaves one.
dpkg_root() {
	mkdir -p "$1/var/lib/dpkg/info" "$1/var/lib/dpkg/updates" \
		"$1/var/lib/dpkg/triggers" "$1/etc" "$1/usr/bin" "$1/proc" \
		"$1/sys" "$1/dev"
	: >"$1/var/lib/dpkg/status"
	echo "PRETTY_NAME=\"voorzorg fixture ($2)\"" >"$1/etc/os-release"
	echo "fixture-$2" >"$1/etc/hostname"
}

dpkg_install() {
	local root=$1
	shift
	dpkg --root="$root" --force-script-chrootless --force-not-root \
		--log=/dev/null -i "$@" >/dev/null
}

# ---- dpkg: KESL installed and enabled -------------------------------
mkdeb kesl 12.1.0-1297 \
	/opt/kaspersky/kesl/bin/kesl-control='#!/bin/sh' \
	/opt/kaspersky/kesl/libexec/kesl=@daemon \
	/opt/kaspersky/kesl/lib64/libkesl-fixture.so='fixture' \
	/lib/systemd/system/kesl.service='[Service]' \
	/etc/opt/kaspersky/kesl.conf='# fixture'
mkdeb kesl-gui 12.1.0-1297 /opt/kaspersky/kesl/bin/kesl-gui='#!/bin/sh'
mkdeb base-files-fixture 1.0 /usr/share/doc/base-files-fixture/README='fixture'

r=$dir/dpkg
rm -rf "$r"
dpkg_root "$r" dpkg
dpkg_install "$r" "$work/base-files-fixture.deb" "$work/kesl.deb" \
	"$work/kesl-gui.deb"
ln -s /opt/kaspersky/kesl/bin/kesl-control "$r/usr/bin/kesl-control"
mkdir -p "$r/etc/systemd/system/multi-user.target.wants" \
	"$r/var/opt/kaspersky/kesl/common"
ln -s /lib/systemd/system/kesl.service \
	"$r/etc/systemd/system/multi-user.target.wants/kesl.service"
echo '[General]' >"$r/var/opt/kaspersky/kesl/common/kesl.ini"

# ---- residue: KESL removed, its configuration and data left ---------
r=$dir/residue
rm -rf "$r"
dpkg_root "$r" residue
dpkg_install "$r" "$work/base-files-fixture.deb" "$work/kesl.deb"
mkdir -p "$r/var/opt/kaspersky/kesl/common"
echo '[General]' >"$r/var/opt/kaspersky/kesl/common/kesl.ini"
dpkg --root="$r" --force-script-chrootless --force-not-root \
	--log=/dev/null -r kesl >/dev/null

# ---- present: the files without a package --------------------------
r=$dir/present
rm -rf "$r"
dpkg_root "$r" present
dpkg_install "$r" "$work/base-files-fixture.deb"
mkdir -p "$r/opt/kaspersky/kesl/bin" "$r/opt/kaspersky/kesl/libexec" \
	"$r/etc/systemd/system"
echo '#!/bin/sh' >"$r/opt/kaspersky/kesl/bin/kesl-control"
daemon >"$r/opt/kaspersky/kesl/libexec/kesl"
echo '[Service]' >"$r/etc/systemd/system/kesl.service"

# ---- rpm: kav4fs and the Network Agent in an sqlite rpmdb ----------
mkrpm() {
	local name=$1 version=$2 release=$3 file=$4 top=$work/rpmbuild
	mkdir -p "$top/SPECS"
	cat >"$top/SPECS/$name.spec" <<SPEC
Name: $name
Version: $version
Release: $release
Summary: voorzorg scanner test fixture standing in for $name
License: Apache-2.0
Vendor: voorzorg test suite
BuildArch: noarch
%description
Stands in for a package of the same name; holds no real software.
%install
mkdir -p %{buildroot}$(dirname "$file")
printf '#!/bin/sh\nexit 0\n' > %{buildroot}$file
%files
$file
SPEC
	rpmbuild --quiet --define "_topdir $top" \
		--define '_build_id_links none' \
		-bb "$top/SPECS/$name.spec" >/dev/null 2>&1
	cp "$top/RPMS/noarch/$name-$version-$release.noarch.rpm" "$work/"
}
mkrpm kav4fs 8.0.4 312 /opt/kaspersky/kav4fs/bin/kav4fs-control
mkrpm klnagent64 15.0.0 4490 /opt/kaspersky/klnagent64/sbin/klnagent
mkrpm bash-fixture 5.2 1 /usr/share/doc/bash-fixture/README
r=$dir/rpm
rm -rf "$r"
mkdir -p "$r/etc" "$r/var/lib/rpm"
echo 'PRETTY_NAME="voorzorg fixture (rpm)"' >"$r/etc/os-release"
echo fixture-rpm >"$r/etc/hostname"
rpm --root "$r" --dbpath /var/lib/rpm --initdb 2>/dev/null
rpm --root "$r" --dbpath /var/lib/rpm -i --nodeps --noscripts \
	"$work/bash-fixture-5.2-1.noarch.rpm" \
	"$work/kav4fs-8.0.4-312.noarch.rpm" \
	"$work/klnagent64-15.0.0-4490.noarch.rpm" 2>/dev/null
rm -f "$r/var/lib/rpm/.rpm.lock"

# ---- decoy: near misses only ----------------------------------------
mkdeb mykaspersky-helper 1.0 /usr/share/doc/mykaspersky-helper/README='not a Kaspersky product'
mkdeb kesl-tools-decoy 1.0 /usr/share/kesl-tools-decoy/README='name starts with kesl'
r=$dir/decoy
rm -rf "$r"
dpkg_root "$r" decoy
dpkg_install "$r" "$work/base-files-fixture.deb" \
	"$work/mykaspersky-helper.deb" "$work/kesl-tools-decoy.deb"
# A package dpkg knows but that is not installed (purged).
cat >>"$r/var/lib/dpkg/status" <<'ST'

Package: kesl
Status: purge ok not-installed
Priority: optional
Section: misc
Architecture: amd64

ST
mkdir -p "$r/usr/share/doc/notes" "$r/home/kaspersky/opt/kaspersky/kesl/bin" \
	"$r/etc/systemd/system" "$r/srv/mirror"
cat >"$r/usr/share/doc/notes/kaspersky-removal.txt" <<'DOC'
Notes on the Kaspersky phase-out: KESL lives in /opt/kaspersky/kesl,
its unit is kesl.service, the daemon process is called kesl, and the
package is kesl (see /opt/kaspersky/kesl/bin/kesl-control).
DOC
echo 'kaspersky:x:1001:1001:Kaspersky:/home/kaspersky:/bin/sh' >"$r/etc/passwd"
echo '#!/bin/sh' >"$r/home/kaspersky/opt/kaspersky/kesl/bin/kesl-control"
echo '[Service]' >"$r/etc/systemd/system/kesl-monitor.service"
# The daemon's size, other content: hashed, and must not match.
daemon | tr 'a-z' 'b-za' >"$r/srv/mirror/same-size.bin"
# KESL's tree outside the root, reached by links that must not be followed.
mkdir -p "$dir/outside/opt/kaspersky/kesl/bin" "$dir/outside/lib/systemd/system"
echo '#!/bin/sh' >"$dir/outside/opt/kaspersky/kesl/bin/kesl-control"
daemon >"$dir/outside/opt/kaspersky/kesl/daemon"
echo '[Service]' >"$dir/outside/lib/systemd/system/kesl.service"
ln -s "$dir/outside/opt" "$r/opt"
mkdir -p "$r/lib/systemd"
ln -s "$dir/outside/lib/systemd/system" "$r/lib/systemd/system"

# ---- robust: what must not stop or fool a scan -----------------------
r=$dir/robust
rm -rf "$r"
dpkg_root "$r" robust
# A corrupt status file: garbage, a stanza without Package, a bad Status,
# binary bytes, and after all that a valid KESL stanza that must be found.
{
	printf 'Package: base-files\nStatus: install ok installed\nVersion: 12.4\n\n'
	printf 'this line has no field name\n'
	printf 'Version: 1.0\nStatus: install ok installed\n\n'
	printf 'Package: broken\nStatus: install maybe installed\n\n'
	printf '\x00\xff\xfe garbage \x01\x02\n\n'
	printf 'Package: kesl\nStatus: install ok installed\nVersion: 11.4.0-4500\nArchitecture: amd64\n'
} >"$r/var/lib/dpkg/status"
mkdir -p "$r/locked/inside" "$r/loops" "$r/escape"
echo secret >"$r/locked/inside/file"
chmod 000 "$r/locked"
ln -s b "$r/loops/a"
ln -s a "$r/loops/b"
ln -s . "$r/loops/self"
ln -s / "$r/escape/to-slash"
ln -s ../../../../../../../../../../etc "$r/escape/up"
d=$r/deep
for i in $(seq 1 300); do d=$d/d$i; done
mkdir -p "$d"
daemon >"$d/kesl"
daemon >"$r/"$'caf\xe9-\xff.bin'
truncate -s 200G "$r/sparse-200G.img"
mkfifo "$r/fifo"
# Everything but the locked directory must be readable by any user, so
# the test can scan as one to whom /locked is closed.
chmod -R a+rX "$dir/robust/var" "$dir/robust/deep" "$dir/robust/etc"
chmod a+rx "$dir/robust" "$dir"

# ---- archives a user hands in: the packages themselves, and the roots
# packed as tar (plain and compressed), zip and cpio ------------------------
a=$dir/archives
mkdir -p "$a"
cp "$work/kesl.deb" "$a/kesl_12.1.0-1297_all.deb"
cp "$work/kav4fs-8.0.4-312.noarch.rpm" "$a/"
tar -C "$dir/dpkg" -cf "$a/dpkg-root.tar" .
tar -C "$dir/dpkg" -czf "$a/dpkg-root.tar.gz" .
tar -C "$dir/dpkg" -cJf "$a/dpkg-root.tar.xz" .
tar -C "$dir/decoy" -cf "$a/decoy-root.tar" .
(cd "$dir/present" && find . -print | cpio -o -H newc --quiet >"$a/present-root.cpio")
(cd "$dir/present" && python3 -c '
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for top, dirs, files in os.walk("."):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(top, f)
            if os.path.isfile(p) and not os.path.islink(p):
                z.write(p)
' "$a/present-root.zip")
# A tarball of a tarball: the outer one names only the inner.
tar -C "$a" -cf "$a/nested.tar" dpkg-root.tar.gz
head -c 3000 "$a/dpkg-root.tar" >"$a/truncated.tar"
genisoimage -quiet -R -o "$a/present-root.iso" "$dir/present"
rm -rf "$work"
