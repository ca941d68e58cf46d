#!/usr/bin/env bash
# The spec read by other validators: runs openapi-backend (Ajv) and Prism, configured as the
# README's "Validating with the spec from other languages" says, over the bundled recordings
# (contract_test/testdata) and testdata/ (real Cerb5-Auth pairs), and requires the manifests'
# verdicts except the explained differences in differences.json. Installs the pinned tools
# (npm ci) first. Extra arguments go to check.mjs (--verbose, --spec FILE, --only NAME).
set -euo pipefail
cd "$(dirname "$0")"

echo "--- npm ci (interop/validators)"
npm ci --no-audit --no-fund --loglevel=error
echo "--- the checker's verdicts on testdata/ are current"
(cd ../.. && go run ./cmd/cerbcontract check --expect interop/validators/testdata/manifest.json | tail -n 1)
echo "--- openapi-backend and Prism against the manifests"
node check.mjs "$@"
