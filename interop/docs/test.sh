#!/usr/bin/env bash
# Opens docs/index.html in headless Chromium (Debian's /usr/bin/chromium, no network) and
# checks that every operation and request field renders; saves docs/screenshot.png.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v "${CHROMIUM:-/usr/bin/chromium}" >/dev/null || { echo "docs-test: no Chromium; apt-get install -y chromium (interop/ci.sh does)" >&2; exit 1; }
[ -d "$here/node_modules/playwright-core" ] && [ -d "$here/node_modules/yaml" ] || npm ci --prefix "$here" --no-audit --no-fund --loglevel=error
node "$here/test.mjs" "$@"
