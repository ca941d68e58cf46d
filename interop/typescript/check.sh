#!/usr/bin/env bash
# Proves that openapi.yaml (or the spec given as $1) generates TypeScript that compiles under
# --strict: installs the pinned generators (npm ci), generates with openapi-typescript and
# @hey-api/openapi-ts into generated/, type-checks src/*.ts and cerb-form/*.ts against both
# outputs, and runs cerb-form's unit tests (compiled to CommonJS, node --test).
set -euo pipefail
cd "$(dirname "$0")"
spec=$(realpath "${1:-../../openapi.yaml}")

echo "--- npm ci (interop/typescript)"
npm ci --no-audit --no-fund --loglevel=error
echo "--- generate from ${spec}"
node generate.mjs "$spec"
echo "--- tsc --noEmit --strict ($(npx --no-install tsc --version))"
npx --no-install tsc -p tsconfig.json --noEmit --strict
echo "--- cerb-form: unit tests of cerbForm.ts (node --test)"
rm -rf generated/cerb-form-test
npx --no-install tsc -p tsconfig.cerb-form.json
echo '{"type": "commonjs"}' > generated/cerb-form-test/package.json
node --test --test-reporter=spec generated/cerb-form-test/cerbForm.test.js
echo "TypeScript: generated and compiled OK"
