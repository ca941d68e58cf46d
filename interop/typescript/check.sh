#!/usr/bin/env bash
# Proves that openapi.yaml (or the spec given as $1) generates TypeScript that compiles under
# --strict: installs the pinned generators (npm ci), generates with openapi-typescript and
# @hey-api/openapi-ts into generated/, and type-checks src/*.ts against both outputs.
set -euo pipefail
cd "$(dirname "$0")"
spec=$(realpath "${1:-../../openapi.yaml}")

echo "--- npm ci (interop/typescript)"
npm ci --no-audit --no-fund --loglevel=error
echo "--- generate from ${spec}"
node generate.mjs "$spec"
echo "--- tsc --noEmit --strict ($(npx --no-install tsc --version))"
npx --no-install tsc -p tsconfig.json --noEmit --strict
echo "TypeScript: generated and compiled OK"
