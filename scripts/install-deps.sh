#!/usr/bin/env bash
# scripts/install-deps.sh - install the Debian 12 packages voorzorg needs.
#
# usage: scripts/install-deps.sh [run|test]
#   run   what building and running the tool needs (default)
#   test  that, plus what the whole test suite needs
#
# Installs only what is missing, so a second run is quick and offline. As
# root it runs apt-get itself; otherwise it prints the command to run.
set -euo pipefail

mode=${1:-run}

run_pkgs=(
  meson ninja-build pkg-config gcc libc6-dev
  libjansson-dev libssl-dev libcurl4-openssl-dev libsodium-dev
  libsqlite3-dev libhivex-dev libplist-dev libarchive-dev
  libmicrohttpd-dev libpq-dev
)
test_pkgs=(
  libcmocka-dev clang libclang-rt-14-dev llvm-14
  python3 python3-jsonschema minisign
  rpm libwin-hivex-perl osslsigncode libplist-utils openssl
  cpio genisoimage git
  apt-utils dnf createrepo-c fapolicyd libxml2-utils sqlite3 python3-yaml
  postgresql curl util-linux
  debhelper dpkg-dev lintian fakeroot
  gcc-mingw-w64-x86-64 wine wine64
)

case "$mode" in
  run) want=("${run_pkgs[@]}") ;;
  test) want=("${run_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "install-deps.sh: unknown mode '$mode' (use run or test)" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "voorzorg needs these Debian packages: ${missing[*]}" >&2
  echo "install them as root: apt-get install -y ${missing[*]}" >&2
  exit 3
fi

# The tests run fapolicyd themselves, in a private mount namespace. The
# Debian package would enable and start the daemon with its default rules,
# which deny executing whatever its trust database does not list (on
# Debian: nearly everything), so mask the service before installing it.
for p in "${missing[@]}"; do
  if [[ "$p" == fapolicyd ]]; then
    mkdir -p /etc/systemd/system
    ln -sfn /dev/null /etc/systemd/system/fapolicyd.service
  fi
done

echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
