#!/usr/bin/env bash
# scripts/build-deb.sh [OUTDIR] - build the Debian package from the
# committed tree (git archive into a temporary directory, so nothing is
# written into the checkout or beside it) with dpkg-buildpackage -us -uc,
# then run lintian. The .deb lands in OUTDIR (default: ./build-deb).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mkdir -p "${1:-build-deb}" && cd "${1:-build-deb}" && pwd)
version=$(dpkg-parsechangelog -S Version)
work=$(mktemp -d "${TMPDIR:-/tmp}/vz-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
git archive --format=tar --prefix="voorzorg-$version/" HEAD |
	tar -x -C "$work"
(cd "$work/voorzorg-$version" && dpkg-buildpackage -us -uc -b) \
	>"$out/build.log" 2>&1 || { tail -40 "$out/build.log"; exit 1; }
cp "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out/"
lintian --fail-on error,warning "$out/voorzorg_${version}_"*.changes
echo "build-deb: $(ls "$out"/voorzorg_*.deb | head -n1): lintian clean"
