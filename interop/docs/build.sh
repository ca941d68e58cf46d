#!/usr/bin/env bash
# Builds the reference page docs/index.html from openapi.yaml with the pinned Redocly CLI
# (interop/lint): one self-contained HTML file, Redoc's scripts inlined (no CDN).
#   build.sh           write docs/index.html
#   build.sh --check   fail if the committed docs/index.html differs from a fresh build
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$root/interop/lint/node_modules/.bin
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
[ -x "$bin/redocly" ] || npm ci --prefix "$root/interop/lint" --no-audit --no-fund --loglevel=error
cd "$root"

build() { "$bin/redocly" build-docs openapi.yaml --config redocly.yaml --inlineBundle -o "$1" 2>&1 | grep -v '[║╔╚]' | grep -v '^\s*$' || true; test -s "$1"; }

if [ "${1:-}" = "--check" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  build "$tmp/index.html" >/dev/null
  if ! cmp -s "$tmp/index.html" docs/index.html; then
    echo "docs/index.html is stale: it was not built from this openapi.yaml. Run 'make docs' and commit docs/index.html." >&2
    exit 1
  fi
  echo "docs/index.html is up to date with openapi.yaml"
else
  mkdir -p docs
  build docs/index.html
fi
