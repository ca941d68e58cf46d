#!/usr/bin/env bash
# The generated TypeScript client against `cerbcontract serve`: builds the command, starts
# it on a free port, compiles src/serve-test.ts (CommonJS, next to the generated client)
# and runs it with Node; fails on any assertion. Needs check.sh's npm ci and generate first.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
# shellcheck source=lib.sh
. ./lib.sh
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

(cd "$root" && go build -o "$work/cerbcontract" ./cmd/cerbcontract)
"$work/cerbcontract" serve --listen 127.0.0.1:0 > "$work/serve.out" 2> "$work/serve.err" &
pid=$!
wait_line "$work/serve.out" '^listening on ' "$pid" || { cat "$work/serve.err" >&2; exit 1; }
url=$(sed -n 's/^listening on //p' "$work/serve.out")
[ -n "$url" ] || { echo "serve.sh: cerbcontract serve did not start" >&2; exit 1; }
echo "--- cerbcontract serve at $url"

compile_cjs tsconfig.serve.json generated/serve-test
CERB_SERVE_URL=$url node generated/serve-test/src/serve-test.js
echo "TypeScript client against cerbcontract serve: OK"
