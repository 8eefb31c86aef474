#!/usr/bin/env bash
# scripts/run.sh - the main job: build voorzorg if needed, then run it on
# this machine with the bundled catalogue.
#
# usage: scripts/run.sh [extra arguments for the command]
#
# Until the scanner lands, the main job shows the bundled catalogue: the
# measures, what they require of each sector, and the products they cover.
set -euo pipefail

cd "$(dirname "$0")/.."
scripts/install-deps.sh run

if [[ ! -f build/build.ninja ]]; then
  meson setup build --buildtype=release -Dtests=false >/dev/null
fi
ninja -C build >/dev/null

catalog=catalog/voorzorg.json
build/src/voorzorg catalog lint "$catalog" >&2
exec build/src/voorzorg catalog show "$catalog" "$@"
