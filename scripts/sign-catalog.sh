#!/usr/bin/env bash
# scripts/sign-catalog.sh - re-sign the bundled catalogue with the
# DEVELOPMENT key after editing it.
#
# usage: scripts/sign-catalog.sh [CATALOGUE] [SECRET-KEY]
#   defaults: catalog/voorzorg.json, catalog/dev-secret.key
#
# The development key is public (it is in the repository), so a signature
# made with it protects nothing; it keeps signatures switched on in
# development and tests. A real release is signed on an offline machine
# with the real key: see docs/signing.md. Builds voorzorg if needed, signs,
# then checks the result with voorzorg and (if installed) minisign.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cat=${1:-$root/catalog/voorzorg.json}
key=${2:-$root/catalog/dev-secret.key}
pub=$root/catalog/voorzorg.pub
build=${VZ_BUILD_DIR:-$root/build}

if [ ! -x "$build/src/voorzorg" ]; then
	[ -d "$build" ] || meson setup "$build" "$root" >/dev/null
	ninja -C "$build" >/dev/null
fi
vz=$build/src/voorzorg

"$vz" catalog lint "$cat"
"$vz" catalog sign --key "$key" "$cat"
# Check without touching the real state file, and regardless of expiry:
# this is about the signature.
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
VOORZORG_STATE_DIR=$state "$vz" catalog verify --pubkey "$pub" \
	--grace 36500 "$cat"
if command -v minisign >/dev/null 2>&1; then
	minisign -V -q -p "$pub" -m "$cat"
	echo "$cat: minisign agrees"
fi
