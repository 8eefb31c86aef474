#!/usr/bin/env bash
# scripts/run.sh - the main job: build voorzorg if needed (installing the
# Debian packages it needs), then scan this machine with the bundled,
# signed catalogue.
#
# usage: scripts/run.sh [scan options, e.g. --sector central-government
#                        --format json --output report.json]
#
# Exit status is the scan's: 0 nothing needs action, 1 findings that need
# action, 2 usage or input error, 3 internal or environment error.
set -euo pipefail

cd "$(dirname "$0")/.."
scripts/install-deps.sh run

if [[ ! -f build-run/build.ninja ]]; then
  meson setup build-run --buildtype=release -Dtests=false >/dev/null
fi
ninja -C build-run >/dev/null

exec build-run/src/voorzorg scan --catalog catalog/voorzorg.json "$@"
