#!/usr/bin/env bash
# The live suite (go test -tags live ./livetest/ ./verify/) against a real Cerb: the client and
# checker suite, and cerbcontract verify (drift of the server from the spec, planted drifts);
# with the kit, then the TypeScript clients through the recorder (interop/typescript/live.sh).
#
#   scripts/live.sh                 start the kit (../shared/cerb-server), run the suite, stop it
#   CERB_BASE_URL=https://staging.example/rest CERB_TOKEN=... [CERB_GROUP_ID=N] scripts/live.sh
#                                   run the suite against that server; nothing is started
#
# With the kit: the kit's Debian packages are installed first when missing (up.sh itself
# stops at its dpkg-query step on a machine without them), the kit is started in
# CERB_KIT_DIR (default /tmp/cerb-server) on CERB_KIT_PORT (default 8081), and
# down.sh --purge runs whatever happens (trap), keeping the suite's exit status.
# Every skipped test is a failure then: the kit has everything the suite needs.
# Phase timings are printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
KIT=${CERB_KIT:-../shared/cerb-server}
RUNDIR=${CERB_KIT_DIR:-/tmp/cerb-server}
PORT=${CERB_KIT_PORT:-8081}
LOG=${CERB_LIVE_LOG:-$(mktemp -t cerb-live.XXXXXX)}
TIMES=()
phase() { TIMES+=("$(printf '  %-22s %4ss' "$1" "$2")"); }
report() { echo "== live suite timings"; printf '%s\n' "${TIMES[@]}"; }

run_suite() { # $1: "strict" = no test may skip
  local t0=$SECONDS rc=0
  # -p 1: one package at a time; livetest reads consecutive ticket ids, which verify's tickets would interleave.
  $GO test -tags live -count=1 -p 1 -v -timeout 15m ./livetest/ ./verify/ > "$LOG" 2>&1 || rc=$?
  phase "tests" $((SECONDS - t0))
  if [ "$rc" != 0 ]; then grep -vE '^(=== (RUN|PAUSE|CONT|NAME)|\s*--- PASS)' "$LOG" | tail -n 300 || true; fi
  local pass skip fail
  pass=$(grep -cE '^\s*--- PASS' "$LOG" || true)
  skip=$(grep -cE '^\s*--- SKIP' "$LOG" || true)
  fail=$(grep -cE '^\s*--- FAIL' "$LOG" || true)
  echo "== live suite: $pass passed, $fail failed, $skip skipped (tests and subtests; full log $LOG)"
  if [ "$1" = strict ] && [ "$rc" = 0 ] && [ "$pass" -lt 30 ]; then
    echo "live suite: only $pass tests and subtests passed against the kit, want at least 30"
    rc=1
  fi
  if [ "$1" = strict ] && [ "$skip" != 0 ]; then
    echo "live suite: $skip skipped against the kit, which has everything the suite needs:"
    grep -E -A2 '^\s*--- SKIP' "$LOG" | head -40
    [ "$rc" != 0 ] || rc=1
  fi
  return "$rc"
}

if [ -n "${CERB_BASE_URL:-}" ] && [ -n "${CERB_TOKEN:-}" ]; then
  echo "== live suite against $CERB_BASE_URL (not starting the kit)"
  rc=0; run_suite lenient || rc=$?
  report
  exit "$rc"
fi

[ -d "$KIT" ] || { echo "live.sh: no kit at $KIT and no CERB_BASE_URL/CERB_TOKEN" >&2; exit 2; }

# --- the kit's Debian packages (the list in $KIT/README.md and up.sh)
t0=$SECONDS
PKGS="php8.2-fpm php8.2-cli php8.2-mysql php8.2-curl php8.2-mbstring php8.2-xml php8.2-gd php8.2-zip php-yaml
php-mailparse php8.2-imap php8.2-bcmath php8.2-intl php8.2-opcache mariadb-server nginx python3-aiosmtpd xz-utils"
MISSING=
for p in $PKGS; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || MISSING="$MISSING $p"
done
if [ -n "$MISSING" ]; then
  echo "== installing the kit's packages:$MISSING"
  POLICY_MADE=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    # keep the packages' own services (nginx on :80, the system MariaDB, the FPM pool) from starting
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    POLICY_MADE=1
  fi
  prc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q &&
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold $MISSING
  } > "$LOG.apt" 2>&1 || prc=$?
  [ "$POLICY_MADE" = 1 ] && rm -f /usr/sbin/policy-rc.d
  if [ "$prc" != 0 ]; then tail -n 30 "$LOG.apt"; echo "live.sh: apt-get failed" >&2; exit 1; fi
fi
phase "packages" $((SECONDS - t0))

# --- the kit: up, suite, and down --purge whatever happens
down() {
  local rc=$? t=$SECONDS
  trap - EXIT INT TERM
  bash "$KIT/down.sh" "$RUNDIR" --purge > /dev/null 2>&1 || echo "live.sh: down.sh --purge failed" >&2
  phase "down --purge" $((SECONDS - t))
  report
  exit "$rc"
}
trap down EXIT
trap 'exit 130' INT TERM
t0=$SECONDS
bash "$KIT/up.sh" --dir "$RUNDIR" --port "$PORT"
phase "up" $((SECONDS - t0))
# shellcheck disable=SC1091
. "$RUNDIR/env"
# The kit's fixture group, where verify may create its (unmailed) tickets.
export CERB_GROUP_ID=${CERB_GROUP_ID:-1}
run_suite strict
# The TypeScript clients (openapi-fetch, @hey-api) through cerbcontract record against the
# same kit, effects read back (interop/typescript/live.sh; npm ci first when needed).
t0=$SECONDS
interop/typescript/live.sh
phase "typescript clients" $((SECONDS - t0))
