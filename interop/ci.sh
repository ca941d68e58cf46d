#!/usr/bin/env bash
# CI for everything interop/ owns, called by .ci/run (from any directory): lint (Spectral +
# Redocly), TypeScript generation + strict compile (and cerbForm's unit tests), the generated
# client against cerbcontract serve, openapi-fetch and @hey-api through cerbcontract record
# against serve (typescript/live.sh --serve), other validators (openapi-backend, Prism)
# on the recordings, the custom-field overlays applied by a second implementation
# (openapi-overlays-js), the breaking-change gate, and the reference page (freshness +
# headless-Chromium render test). Installs what a fresh Debian machine lacks
# (Chromium via apt-get; npm ci of the pinned tools). Idempotent; about 1-3 minutes when warm.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
start=$SECONDS
section() { printf '\n==== interop: %s ====\n' "$*"; }

section "setup (Chromium, pinned npm tools)"
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Chromium is missing and this is not root: run apt-get install -y chromium" >&2
    exit 1
  fi
  echo "installing Debian's chromium"
  apt-get update -qq
  # The base image has no fonts and chromium only recommends them: without fonts the
  # screenshot would show empty boxes instead of text.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation fonts-dejavu-core >/dev/null
fi
echo "$(chromium --version 2>/dev/null | head -n1), node $(node --version), npm $(npm --version), $(go version)"
for dir in interop/lint interop/docs; do # typescript/check.sh and validators/check.sh run their own npm ci
  echo "npm ci --prefix $dir"
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
done

section "lint: Spectral (spectral:oas) + Redocly (recommended), no errors or warnings"
interop/lint/lint.sh

section "TypeScript: openapi-typescript + @hey-api/openapi-ts, tsc --strict"
interop/typescript/check.sh

section "TypeScript: the generated client against cerbcontract serve (compose, then reply)"
interop/typescript/serve.sh

section "TypeScript: openapi-fetch and @hey-api through cerbcontract record against cerbcontract serve, read back, checked"
interop/typescript/live.sh --serve

section "other validators: openapi-backend (Ajv) and Prism on the recordings, verdicts as the manifests'"
interop/validators/check.sh

section "custom-field overlays: openapi-overlays-js and Go agree, Overlay 1.0 lint, merged kit document linted"
interop/overlays/check.sh

section "breaking changes (oasdiff) against the latest v* tag, else main's merge base, else HEAD~1"
go run ./cmd/breaking

section "reference page: docs/index.html is built from this openapi.yaml"
interop/docs/build.sh --check

section "reference page: renders in headless Chromium"
interop/docs/test.sh

printf '\n==== interop: all checks passed in %ds ====\n' $((SECONDS - start))
