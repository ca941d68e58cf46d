#!/usr/bin/env bash
# Lints openapi.yaml (or the spec given as $1) with the pinned Spectral (.spectral.yaml,
# spectral:oas) and Redocly CLI (redocly.yaml, recommended). Fails on any error AND on any
# warning: a warning is kept only by turning its rule off narrowly in the ruleset, with the
# reason written there and in docs/lint-warnings.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
spec=$(realpath "${1:-$root/openapi.yaml}")
bin=$here/node_modules/.bin
# Redocly CLI must not phone home or look for updates: CI has no network.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
[ -x "$bin/spectral" ] && [ -x "$bin/redocly" ] || npm ci --prefix "$here" --no-audit --no-fund --loglevel=error
cd "$root"

echo "--- spectral $("$bin/spectral" --version) lint --ruleset .spectral.yaml"
"$bin/spectral" lint --ruleset .spectral.yaml --fail-severity=warn "$spec"

echo "--- redocly $("$bin/redocly" --version 2>/dev/null) lint --config redocly.yaml"
"$bin/redocly" lint --config redocly.yaml --format=stylish "$spec" # exits non-zero on errors
# Redocly has no fail-on-warnings switch: count the warnings in its JSON report.
"$bin/redocly" lint --config redocly.yaml --format=json "$spec" 2>/dev/null | node -e '
  let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
    const t = JSON.parse(s).totals;
    if (t.errors + t.warnings > 0) {
      console.error(`redocly: ${t.errors} error(s), ${t.warnings} warning(s) (see above)`);
      process.exit(1);
    }
    console.log("redocly: 0 errors, 0 warnings");
  });'
