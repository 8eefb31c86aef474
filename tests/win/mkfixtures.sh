#!/usr/bin/env bash
#
# tests/win/mkfixtures.sh - build the fixtures for Windows, macOS and
# SBOM scanning in DIR: volumes as they would be mounted, and artefacts
# as an examiner would collect them.
#
# usage: mkfixtures.sh DIR
#
# Everything is made here, the way the real thing comes about as far as
# this machine allows:
# - registry hives: an empty hive from the regf layout (mkhive.py), then
#   the keys of reg/*.reg merged in with hivexregedit (libwin-hivex-perl);
# - PE files: written by mkpe.py with a version resource, signed by
#   osslsigncode with test certificates made here (a test CA; a signer
#   whose subject is a catalogue signer's, "CN=AO Kaspersky Lab"; another
#   vendor; a near miss), and one copy changed by one byte after signing;
# - macOS bundles: Info.plist in XML and, converted by plistutil, in
#   binary form; executables with a code signature naming a Team ID
#   (mkmacho.py); launchd jobs and installer receipts.
# Roots:
#   win-installed  KES for Windows and the Network Agent installed
#   win-removed    the same after removal, with leftovers
#   win-clean      no product, full of decoys (must give no finding)
#   win-embedded   a Kaspersky-signed DLL renamed inside another product
#   win-corrupt    a truncated SOFTWARE hive, a corrupt PE file
#   mac-installed  Kaspersky Anti-Virus for Mac installed
#   mac-removed    its leftovers
#   mac-clean      decoys (must give no finding)
# Artefacts: pe/ (files to give one by one), hives/ (corrupt hives).
# Nothing is written outside DIR. Needs python3, hivexregedit,
# osslsigncode, openssl and plistutil.
set -euo pipefail

dir=${1:?usage: mkfixtures.sh DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
py=/usr/bin/python3
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
work=$dir/.build
mkdir -p "$work"

# ---- certificates ----------------------------------------------------
# A test CA and code-signing certificates it issues.
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
	-subj "/CN=voorzorg test code signing CA" \
	-keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
printf 'keyUsage=digitalSignature\nextendedKeyUsage=codeSigning\n' \
	>"$work/ext.cnf"
mkcert() { # mkcert NAME SUBJECT
	openssl req -newkey rsa:2048 -nodes -subj "$2" \
		-keyout "$work/$1.key" -out "$work/$1.csr" 2>/dev/null
	openssl x509 -req -in "$work/$1.csr" -CA "$work/ca.pem" \
		-CAkey "$work/ca.key" -CAcreateserial -days 3650 \
		-extfile "$work/ext.cnf" -out "$work/$1.pem" 2>/dev/null
}
mkcert kaspersky "/C=RU/L=Moscow/O=AO Kaspersky Lab/CN=AO Kaspersky Lab"
mkcert mozilla "/C=US/ST=California/O=Mozilla Corporation/CN=Mozilla Corporation"
mkcert reseller "/C=DE/O=AO Kaspersky Lab Reseller GmbH/CN=AO Kaspersky Lab Reseller GmbH"

# pe OUT SIGNER|- [mkpe.py options]: a PE file, signed unless SIGNER is -.
pe() {
	local out=$1 signer=$2
	shift 2
	mkdir -p "$(dirname "$out")"
	"$py" "$here/mkpe.py" "$work/unsigned.pe" "$@"
	if [[ $signer == - ]]; then
		cp "$work/unsigned.pe" "$out"
	else
		osslsigncode sign -certs "$work/$signer.pem" -ac "$work/ca.pem" \
			-key "$work/$signer.key" -h sha256 -n "voorzorg fixture" \
			-in "$work/unsigned.pe" -out "$out" >/dev/null
	fi
}

kes=(--company "AO Kaspersky Lab" --product "Kaspersky Endpoint Security for Windows" --version 12.4.0.467)
nag=(--company "AO Kaspersky Lab" --product "Kaspersky Security Center Network Agent" --version 14.0.0.10902)

# ---- hives -------------------------------------------------------------
# hive OUT MOUNT REGFILE...: an empty hive with the .reg files merged in.
hive() {
	local out=$1 mount=$2 name
	shift 2
	case $mount in
	*SOFTWARE) name='\SystemRoot\System32\Config\SOFTWARE' ;;
	*SYSTEM) name='\SystemRoot\System32\Config\SYSTEM' ;;
	*) name='\??\C:\Users\alice\ntuser.dat' ;;
	esac
	mkdir -p "$(dirname "$out")"
	"$py" "$here/mkhive.py" "$out" "$name"
	local reg
	for reg in "$@"; do
		hivexregedit --merge --prefix "$mount" "$out" "$here/reg/$reg"
	done
}

winroot() { # winroot DIR: the folders every Windows volume has
	mkdir -p "$1/Windows/System32/config" "$1/Windows/System32/drivers" \
		"$1/Program Files" "$1/Program Files (x86)" "$1/ProgramData" \
		"$1/Users/Public"
}

# ---- win-installed -----------------------------------------------------
r=$dir/win-installed
winroot "$r"
hive "$r/Windows/System32/config/SOFTWARE" 'HKEY_LOCAL_MACHINE\SOFTWARE' \
	installed-software.reg
hive "$r/Windows/System32/config/SYSTEM" 'HKEY_LOCAL_MACHINE\SYSTEM' \
	installed-system.reg
hive "$r/Users/alice/NTUSER.DAT" 'HKEY_CURRENT_USER' user-alice.reg
kesdir="$r/Program Files (x86)/Kaspersky Lab/KES.12.4.0"
pe "$kesdir/avp.exe" kaspersky "${kes[@]}" --description "Kaspersky Endpoint Security"
pe "$kesdir/avpui.exe" kaspersky "${kes[@]}" --description "Kaspersky Endpoint Security user interface"
pe "$r/Windows/System32/drivers/klif.sys" kaspersky --driver "${kes[@]}" --description "Kaspersky Lab KLIF filter"
nagdir="$r/Program Files (x86)/Kaspersky Lab/NetworkAgent"
pe "$nagdir/klnagent.exe" kaspersky "${nag[@]}"
pe "$nagdir/klnagchk.exe" kaspersky "${nag[@]}"
pe "$r/Program Files/Mozilla Firefox/firefox.exe" mozilla \
	--company "Mozilla Corporation" --product Firefox --version 128.0
mkdir -p "$r/ProgramData/Kaspersky Lab/KES/Bases" "$r/Users/alice/Documents"
echo "signature bases (fixture)" >"$r/ProgramData/Kaspersky Lab/KES/Bases/base.dat"
echo "minutes of the meeting" >"$r/Users/alice/Documents/notes.txt"

# ---- win-removed -------------------------------------------------------
r=$dir/win-removed
winroot "$r"
hive "$r/Windows/System32/config/SOFTWARE" 'HKEY_LOCAL_MACHINE\SOFTWARE' \
	removed-software.reg
hive "$r/Windows/System32/config/SYSTEM" 'HKEY_LOCAL_MACHINE\SYSTEM' \
	removed-system.reg
hive "$r/Users/alice/NTUSER.DAT" 'HKEY_CURRENT_USER' user-alice.reg
mkdir -p "$r/ProgramData/Kaspersky Lab/KES/Bases"
echo "signature bases (fixture)" >"$r/ProgramData/Kaspersky Lab/KES/Bases/base.dat"
# The installer's cache, left behind: still the vendor's signed code.
pe "$r/ProgramData/Kaspersky Lab/KES/Cache/setup_kes.exe" kaspersky "${kes[@]}" --description "Kaspersky Endpoint Security setup"
pe "$r/Program Files/Mozilla Firefox/firefox.exe" mozilla \
	--company "Mozilla Corporation" --product Firefox --version 128.0

# ---- win-clean ---------------------------------------------------------
r=$dir/win-clean
winroot "$r"
hive "$r/Windows/System32/config/SOFTWARE" 'HKEY_LOCAL_MACHINE\SOFTWARE' \
	clean-software.reg
hive "$r/Windows/System32/config/SYSTEM" 'HKEY_LOCAL_MACHINE\SYSTEM' \
	clean-system.reg
hive "$r/Users/bob/NTUSER.DAT" 'HKEY_CURRENT_USER' user-alice.reg
pe "$r/Program Files/Mozilla Firefox/firefox.exe" mozilla \
	--company "Mozilla Corporation" --product Firefox --version 128.0
# Signed by a company whose name merely contains the signer's.
pe "$r/Program Files/Reseller Tools/licence.exe" reseller \
	--company "AO Kaspersky Lab Reseller GmbH" --product "Licence tool"
# Claims the vendor in its version resource, but is not signed at all.
pe "$r/Program Files/Tools/avp.exe" - "${kes[@]}"
# Named like a PE file, but a text file; a document about the product.
mkdir -p "$r/Users/bob/Documents" "$r/Program Files/Tools"
echo "not a library" >"$r/Program Files/Tools/readme.dll"
echo "Migration from Kaspersky Endpoint Security: plan" \
	>"$r/Users/bob/Documents/Kaspersky Endpoint Security - migration plan.docx"

# ---- win-embedded ------------------------------------------------------
# No trace of Kaspersky in the registry: only its signed engine, renamed,
# inside another vendor's product.
r=$dir/win-embedded
winroot "$r"
hive "$r/Windows/System32/config/SOFTWARE" 'HKEY_LOCAL_MACHINE\SOFTWARE' \
	clean-software.reg
pe "$r/Program Files/Acme Gateway/engine/acmescan.dll" kaspersky --dll \
	--company "AO Kaspersky Lab" --product "Kaspersky Anti-Virus SDK" \
	--version 8.9.0.1

# ---- win-corrupt -------------------------------------------------------
r=$dir/win-corrupt
winroot "$r"
hive "$work/SOFTWARE.full" 'HKEY_LOCAL_MACHINE\SOFTWARE' installed-software.reg
head -c 6000 "$work/SOFTWARE.full" >"$r/Windows/System32/config/SOFTWARE"
hive "$r/Windows/System32/config/SYSTEM" 'HKEY_LOCAL_MACHINE\SYSTEM' \
	installed-system.reg
pe "$work/good.exe" kaspersky "${kes[@]}"
# A PE header whose section table runs past the file.
"$py" - "$work/good.exe" "$r/Program Files/Broken/broken.exe" <<'PY'
import struct, sys, os
d = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<H", d, 0x46, 0x4000)   # NumberOfSections
os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True)
open(sys.argv[2], "wb").write(d[:0x400])
PY

# ---- pe: files given one by one ----------------------------------------
p=$dir/pe
mkdir -p "$p"
pe "$p/signed.exe" kaspersky "${kes[@]}"
cp "$p/signed.exe" "$p/update-helper.bin" # renamed: found by content
cp "$p/signed.exe" "$p/tampered.exe"
# One byte of code changed after signing.
printf '\x90' | dd of="$p/tampered.exe" bs=1 seek=512 conv=notrunc 2>/dev/null
# The signature's own bytes changed: it no longer verifies.
"$py" - "$p/signed.exe" "$p/badsig.exe" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = len(d) - 1
while d[i] == 0:
    i -= 1
d[i - 5] ^= 0xFF
open(sys.argv[2], "wb").write(d)
PY
pe "$p/other-signer.exe" mozilla --company "Mozilla Corporation" \
	--product Firefox
pe "$p/unsigned.exe" - "${kes[@]}"
cp "$r/Program Files/Broken/broken.exe" "$p/corrupt.exe"
head -c 1500 "$p/signed.exe" >"$p/truncated.exe"

# ---- hives: given one by one ---------------------------------------------
h=$dir/hives
mkdir -p "$h"
cp "$dir/win-installed/Windows/System32/config/SOFTWARE" "$h/SOFTWARE"
cp "$dir/win-installed/Windows/System32/config/SYSTEM" "$h/SYSTEM"
cp "$dir/win-installed/Users/alice/NTUSER.DAT" "$h/NTUSER.DAT"
head -c 6000 "$work/SOFTWARE.full" >"$h/truncated-SOFTWARE"
head -c 300 "$work/SOFTWARE.full" >"$h/header-only-SOFTWARE"
"$py" - "$work/SOFTWARE.full" "$h/corrupt-SOFTWARE" \
	"$h/damaged-SOFTWARE" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
def garble(start, n, out):
    e = bytearray(d)
    for i in range(start, start + n):
        e[i] = (i * 37 + 11) & 0xFF
    open(out, "wb").write(e)
# The second bin's cells: hivex refuses to open the hive.
garble(0x2020, 0x800, sys.argv[2])
# One value list deep inside: the hive opens, a key cannot be read.
garble(0x21E0, 0x40, sys.argv[3])
PY
echo "Windows Registry Editor Version 5.00" >"$h/not-a-hive.reg"

# ---- macOS -------------------------------------------------------------
# plist OUT FORMAT: an XML plist from stdin, converted to FORMAT (bin|xml).
plist() {
	mkdir -p "$(dirname "$1")"
	cat >"$work/p.xml"
	if [[ $2 == bin ]]; then
		plistutil -i "$work/p.xml" -o "$1" -f bin
	else
		cp "$work/p.xml" "$1"
	fi
}
info() { # info ID NAME VERSION EXE: an Info.plist
	cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>CFBundleIdentifier</key>
	<string>$1</string>
	<key>CFBundleName</key>
	<string>$2</string>
	<key>CFBundleShortVersionString</key>
	<string>$3</string>
	<key>CFBundleExecutable</key>
	<string>$4</string>
</dict>
</plist>
XML
}
job() { # job LABEL PROGRAM: a launchd job
	cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>$1</string>
	<key>ProgramArguments</key>
	<array>
		<string>$2</string>
		<string>--daemon</string>
	</array>
	<key>RunAtLoad</key>
	<true/>
</dict>
</plist>
XML
}
receipt() { # receipt ID VERSION
	cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>PackageIdentifier</key>
	<string>$1</string>
	<key>PackageVersion</key>
	<string>$2</string>
	<key>InstallPrefixPath</key>
	<string>/</string>
</dict>
</plist>
XML
}
macroot() { # macroot DIR VERSION
	mkdir -p "$1/Applications" "$1/Library/LaunchDaemons" \
		"$1/Library/LaunchAgents" "$1/private/var/db/receipts" \
		"$1/Users/alice/Library/Preferences"
	ln -s private/var "$1/var"
	cat <<XML | plist "$1/System/Library/CoreServices/SystemVersion.plist" xml
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>ProductName</key>
	<string>macOS</string>
	<key>ProductVersion</key>
	<string>$2</string>
	<key>ProductBuildVersion</key>
	<string>23F79</string>
</dict>
</plist>
XML
}

r=$dir/mac-installed
macroot "$r" 14.5
app="$r/Applications/Kaspersky Anti-Virus For Mac.app"
info com.kaspersky.kav "Kaspersky Anti-Virus" 21.0.27 kav_app | plist "$app/Contents/Info.plist" xml
"$py" "$here/mkmacho.py" "$work/kav_app" com.kaspersky.kav 2Y8XE5CQ94
mkdir -p "$app/Contents/MacOS"
cp "$work/kav_app" "$app/Contents/MacOS/kav_app"
sx="$r/Library/SystemExtensions/5A1E0C8B-2F4D-4E6A-9B7C-1D2E3F4A5B6C/com.kaspersky.kav.sysext.systemextension"
info com.kaspersky.kav.sysext "Kaspersky Security Extension" 21.0.27 com.kaspersky.kav.sysext | plist "$sx/Contents/Info.plist" bin
mkdir -p "$sx/Contents/MacOS"
"$py" "$here/mkmacho.py" "$sx/Contents/MacOS/com.kaspersky.kav.sysext" com.kaspersky.kav.sysext 2Y8XE5CQ94 --fat
info com.kaspersky.kext.klif klif 21.0.27 klif | plist "$r/Library/Extensions/klif.kext/Contents/Info.plist" bin
job com.kaspersky.kav "/Library/Application Support/Kaspersky Lab/KAV/Binaries/kav" | plist "$r/Library/LaunchDaemons/com.kaspersky.kav.plist" xml
job com.kaspersky.kav.gui "/Library/Application Support/Kaspersky Lab/KAV/Binaries/kav_agent" | plist "$r/Library/LaunchAgents/com.kaspersky.kav.gui.plist" bin
receipt com.kaspersky.kav.core 21.0.27 | plist "$r/private/var/db/receipts/com.kaspersky.kav.core.plist" bin
receipt com.apple.pkg.Safari 17.5 | plist "$r/private/var/db/receipts/com.apple.pkg.Safari.plist" bin
mkdir -p "$r/Library/Application Support/Kaspersky Lab/KAV/Binaries"
echo "#!/bin/sh" >"$r/Library/Application Support/Kaspersky Lab/KAV/Binaries/kav"
info org.mozilla.firefox Firefox 128.0 firefox | plist "$r/Applications/Firefox.app/Contents/Info.plist" bin

r=$dir/mac-removed
macroot "$r" 14.5
mkdir -p "$r/Library/Caches/com.kaspersky.kav"
echo cache >"$r/Library/Caches/com.kaspersky.kav/state.db"
cat <<XML | plist "$r/Library/Preferences/com.kaspersky.kav.plist" bin
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>LicenseAccepted</key>
	<true/>
</dict>
</plist>
XML

r=$dir/mac-clean
macroot "$r" 15.0
# Uses a listed bundle identifier, but signed by another team.
app="$r/Applications/Downloader.app"
info com.kaspersky.kav.downloader Downloader 1.0 Downloader | plist "$app/Contents/Info.plist" bin
mkdir -p "$app/Contents/MacOS"
"$py" "$here/mkmacho.py" "$app/Contents/MacOS/Downloader" com.kaspersky.kav.downloader ABCDE12345
# Names that only begin like the vendor's.
info com.kasperskyfan.notes "Kaspersky Fan Notes" 2.0 notes | plist "$r/Applications/Kaspersky Fan Notes.app/Contents/Info.plist" xml
job com.kaspersky.kavfan "/usr/local/bin/kavfan" | plist "$r/Library/LaunchDaemons/com.kaspersky.kavfan.plist" xml
receipt com.kaspersky.kav.core.docs 1.0 | plist "$r/private/var/db/receipts/com.kaspersky.kav.core.docs.plist" bin
# A bundle without an Info.plist, and a corrupt one.
mkdir -p "$r/Applications/Empty.app/Contents"
mkdir -p "$r/Applications/Broken.app/Contents"
echo "<plist><dict><key>CFBundle" >"$r/Applications/Broken.app/Contents/Info.plist"

# Property lists to give one by one.
m=$dir/plist
mkdir -p "$m"
info com.kaspersky.kav.sysext "Kaspersky Security Extension" 21.0.27 x | plist "$m/Info.plist" bin
job com.kaspersky.kav /x | plist "$m/com.kaspersky.kav.plist" xml
printf 'bplist00\x01\x02garbage' >"$m/corrupt.plist"
echo '<?xml version="1.0"?><plist version="1.0"><dict><key>Label</key>' >"$m/truncated.plist"

rm -rf "$work"
