#!/usr/bin/env bash
# The custom-field overlays read by a second implementation and the project's linters:
#  1. Redocly CLI (interop/lint's, Overlay 1.0 support built in) lints the kit's overlay and
#     testdata/*.overlay.yaml as Overlay documents: no errors, no warnings;
#  2. openapi-overlays-js applies customfields/testdata/kit.overlay.yaml to openapi.yaml, and
#     the result must equal `cerbcontract fields --from … --apply`'s as JSON (differences.json
#     lists the explained exceptions), and package overlay's on the same bytes exactly
#     (go test -run TestInteropKit);
#  3. testdata/X.overlay.yaml (edge cases) applied to X.base.yaml by openapi-overlays-js must
#     give X.expected.json, and by package overlay too (go test -run TestInteropPairs);
#  4. the kit's merged document passes interop/lint/lint.sh (Spectral + Redocly, no warnings).
# --update rewrites testdata/*.expected.json from openapi-overlays-js first (then step 3's Go
# test says whether Go agrees). Installs the pinned tools (npm ci) when node_modules is missing.
# Runs every step and exits 1 at the end if one failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
update=()
case "${1:-}" in
  "") ;;
  --update) update=(--update) ;;
  *) echo "usage: $0 [--update]" >&2; exit 2 ;;
esac
# Redocly CLI must not phone home or look for updates: CI has no network.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
for dir in "$here" "$root/interop/lint"; do
  [ -d "$dir/node_modules" ] || npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
done
redocly=$root/interop/lint/node_modules/.bin/redocly
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
kit=customfields/testdata/kit.overlay.yaml
failed=()
step() { # step NAME COMMAND…: run it, note a failure, go on
  local name=$1
  shift
  "$@" || failed+=("$name")
}

overlay_lint() {
  # One file a run (the JSON report holds one document), every problem printed, and the
  # totals counted: Redocly has no fail-on-warnings switch.
  local f status=0
  for f in "$kit" interop/overlays/testdata/*.overlay.yaml; do
    "$redocly" lint --config redocly.yaml --format=json "$f" 2>/dev/null >"$tmp/redocly.json" || true
    node -e '
      const fs = require("fs");
      const [file, report] = process.argv.slice(1);
      const r = JSON.parse(fs.readFileSync(report, "utf8"));
      for (const p of r.problems) {
        const l = p.location?.[0];
        console.error(`  ${file}:${l?.start?.line ?? "?"} ${p.severity} ${p.ruleId} ${l?.pointer ?? ""}: ${p.message}`);
      }
      const t = r.totals;
      console.log(`${file}: ${t.errors} error(s), ${t.warnings} warning(s)`);
      process.exit(t.errors + t.warnings > 0 ? 1 : 0);' "$f" "$tmp/redocly.json" || status=1
  done
  return $status
}

kit_cli() {
  go run ./cmd/cerbcontract fields --from "$kit" --apply >"$tmp/openapi+kit.yaml" || return 1
  node interop/overlays/compare.mjs kit --spec openapi.yaml --overlay "$kit" \
    --go "$tmp/openapi+kit.yaml" --js-out "$tmp/kit.js.json"
}

echo "--- Overlay 1.0: redocly $("$redocly" --version 2>/dev/null) lint --config redocly.yaml $kit interop/overlays/testdata/*.overlay.yaml"
step "redocly lint of the overlays" overlay_lint

echo "--- kit: openapi-overlays-js vs cerbcontract fields --from $kit --apply"
step "kit: openapi-overlays-js vs cerbcontract fields --apply" kit_cli

echo "--- kit: openapi-overlays-js vs package overlay on the same bytes (go test -run TestInteropKit)"
if [ -s "$tmp/kit.js.json" ]; then
  step "kit: openapi-overlays-js vs package overlay" \
    env OVERLAY_INTEROP_KIT_JSON="$tmp/kit.js.json" go test -count=1 -v -run '^TestInteropKit$' ./overlay/
else
  failed+=("kit: openapi-overlays-js vs package overlay (no JavaScript result)")
fi

echo "--- edge cases: openapi-overlays-js vs interop/overlays/testdata/*.expected.json${update:+ (--update: rewritten first)}"
step "edge cases: openapi-overlays-js" node interop/overlays/compare.mjs pairs "${update[@]}"

echo "--- edge cases: package overlay vs the same files (go test -run TestInteropPairs)"
step "edge cases: package overlay" go test -count=1 -v -run '^TestInteropPairs$' ./overlay/

echo "--- the kit's merged document (Go) passes the project's lint"
if [ -s "$tmp/openapi+kit.yaml" ]; then
  step "lint of openapi.yaml + kit overlay" interop/lint/lint.sh "$tmp/openapi+kit.yaml"
else
  failed+=("lint of openapi.yaml + kit overlay (no merged document)")
fi

if [ ${#failed[@]} -gt 0 ]; then
  printf 'overlays: FAILED: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "overlays: all checks passed"
