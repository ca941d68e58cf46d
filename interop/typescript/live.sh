#!/usr/bin/env bash
# The TypeScript clients at runtime, through `cerbcontract record`: openapi-fetch and the
# @hey-api SDK generated from openapi.yaml compose a ticket and reply to it, each as a user
# would write it (src/live-test.ts has the four cases), the effects are read back from the
# server, the recorded bytes are held to what each case must send, and the checker must pass
# cases 2-4 strictly (check --fail-on any: exit 0) and warn on openapi-fetch's defaults (case 1:
# comma-joined lists and "undefined" as text; the joined file_id[] also fails the schema).
#
#   CERB_BASE_URL=http://127.0.0.1:8081/rest CERB_TOKEN=... interop/typescript/live.sh
#                 against that Cerb: needs the test kit's records (group 1; custom fields 4
#                 and 7 with the options High, billing, bug); uploads two attachments
#   interop/typescript/live.sh --serve
#                 against `cerbcontract serve`, started here on a free port (attachments 1, 2)
#
# CERB_TS_TABLE=FILE also writes the markdown table there; CERB_TS_OUT=DIR keeps the HARs,
# the checker's JSON and the table. Runs npm ci when node_modules does not match
# package.json, and generates the clients from the spec ($CERB_TS_SPEC, default
# ../../openapi.yaml) every time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
spec=$(realpath "${CERB_TS_SPEC:-$root/openapi.yaml}")
out=${CERB_TS_OUT:+$(realpath -m "$CERB_TS_OUT")}
table=${CERB_TS_TABLE:+$(realpath -m "$CERB_TS_TABLE")}
cd "$here"
mode=cerb
case "${1:-}" in
  --serve) mode=serve ;;
  "") ;;
  *) echo "usage: live.sh [--serve]   (without --serve: CERB_BASE_URL and CERB_TOKEN)" >&2; exit 2 ;;
esac
if [ "$mode" = cerb ] && { [ -z "${CERB_BASE_URL:-}" ] || [ -z "${CERB_TOKEN:-}" ]; }; then
  echo "live.sh: set CERB_BASE_URL (the REST root) and CERB_TOKEN, or use --serve" >&2
  exit 2
fi

work=$(mktemp -d)
serve_pid=
record_pid=
cleanup() {
  [ -n "$record_pid" ] && kill "$record_pid" 2>/dev/null
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null
  if [ -n "$out" ]; then
    mkdir -p "$out"
    cp "$work"/*.har "$work"/*.json "$work"/*.md "$out"/ 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=lib.sh
. "$here/lib.sh"

if ! npm ls --depth=0 > /dev/null 2>&1; then
  echo "--- npm ci (interop/typescript)"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "--- generate from $spec"
node generate.mjs "$spec" > "$work/generate.log" 2>&1 || { cat "$work/generate.log" >&2; exit 1; }
echo "--- build cerbcontract"
(cd "$root" && ${GO:-go} build -o "$work/cerbcontract" ./cmd/cerbcontract)

if [ "$mode" = serve ]; then
  "$work/cerbcontract" serve --listen 127.0.0.1:0 > "$work/serve.out" 2> "$work/serve.err" &
  serve_pid=$!
  wait_line "$work/serve.out" '^listening on ' "$serve_pid"
  upstream=$(sed -n 's/^listening on //p' "$work/serve.out")
  token=any-token-will-do # serve takes any bearer token as worker 1
  export CERB_TS_FILE_IDS=1,2 CERB_TS_TARGET="\`cerbcontract serve\`"
else
  upstream=${CERB_BASE_URL%/}
  token=$CERB_TOKEN
  export CERB_TS_TARGET="Cerb at $upstream"
fi
echo "--- upstream: $upstream"

"$work/cerbcontract" record --upstream "$upstream" --out "$work/ts.har" --listen 127.0.0.1:0 2> "$work/record.err" &
record_pid=$!
wait_line "$work/record.err" 'proxying http://' "$record_pid"
proxy=$(sed -n 's/^cerbcontract record: proxying \(http:\/\/[^ ]*\) .*/\1/p' "$work/record.err")
[ -n "$proxy" ] || { cat "$work/record.err" >&2; exit 1; }
echo "--- cerbcontract record at $proxy → $upstream"

compile_cjs tsconfig.live.json generated/live-test

export CERB_TS_RESULTS=$work/results.json CERB_TS_HAR=$work/ts.har CERB_TS_CHECK=$work/check.json \
  CERB_TS_GOOD_HAR=$work/ts-cases-2-4.har CERB_TS_NAIVE_HAR=$work/ts-case-1.har
echo "--- the clients compose and reply through the recorder; read back from the server"
rc=0
CERB_TS_PHASE=run CERB_TS_PROXY=$proxy CERB_TS_UPSTREAM=$upstream CERB_TOKEN=$token \
  node generated/live-test/src/live-test.js || rc=$?

# Stop the recorder (it finishes the pairs in flight and closes the HAR) before reading it.
kill -TERM "$record_pid"
rrc=0
wait "$record_pid" || rrc=$?
record_pid=
if [ "$rc" != 0 ] || [ "$rrc" != 0 ]; then
  echo "--- cerbcontract record (exit $rrc):" >&2
  cat "$work/record.err" >&2
  exit 1
fi
grep -F 'pairs recorded' "$work/record.err"

crc=0
"$work/cerbcontract" check --format json "$work/ts.har" > "$CERB_TS_CHECK" || crc=$?
[ "$crc" = 0 ] || [ "$crc" = 1 ] || { echo "live.sh: cerbcontract check: exit $crc" >&2; exit 1; }

echo "--- the recorded bytes and the checker's verdicts, case by case"
CERB_TS_PHASE=report CERB_TS_TABLE=$work/table.md node generated/live-test/src/live-test.js
[ -z "$table" ] || cp "$work/table.md" "$table"

echo "--- cerbcontract check --fail-on any: cases 2-4 (cerbForm, hey-api as generated) must pass"
"$work/cerbcontract" check --fail-on any "$work/ts-cases-2-4.har"
echo "--- cerbcontract check: case 1 (openapi-fetch's defaults) must be reported: warnings on /file_id[]/0, /custom_7[]/0, /subject"
nrc=0
"$work/cerbcontract" check "$work/ts-case-1.har" > "$work/case-1.txt" || nrc=$?
cat "$work/case-1.txt"
[ "$nrc" = 1 ] || { echo "live.sh: check of case 1 exited $nrc, want 1" >&2; exit 1; }
for ptr in '/file_id[]/0' '/custom_7[]/0' '/subject'; do
  grep -qF "body $ptr: warning: " "$work/case-1.txt" || { echo "live.sh: no warning on $ptr for case 1" >&2; exit 1; }
done
echo "TypeScript clients through cerbcontract record against $CERB_TS_TARGET: OK"
