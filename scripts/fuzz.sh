#!/usr/bin/env bash
# Runs every fuzz target for a bounded time and prints the executions of each.
#
#   scripts/fuzz.sh [seconds]    (default 20 per target)
#
# A crash fails the script; go test writes the crashing input to the package's
# testdata/fuzz/<Target>/, where it becomes a regression case of the normal test run.
set -euo pipefail
cd "$(dirname "$0")/.."

secs="${1:-20}"
case "$secs" in ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [seconds]" >&2; exit 2 ;; esac

targets=(
	"./har FuzzHARReader"
	"./contract FuzzCheck"
	"./contract FuzzFormParse"
	"./internal/phpform FuzzEncode"
	"./cerb FuzzCompose"
	"./redact FuzzRedact"
	"./contract FuzzFastJSON"
)

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
summary=()
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	echo "== $name ($pkg, ${secs}s)"
	if go test -run='^$' -fuzz="^${name}\$" -fuzztime="${secs}s" "$pkg" >"$log" 2>&1; then
		result=ok
	else
		result=FAIL
		status=1
		cat "$log"
	fi
	# Lines look like: fuzz: elapsed: 21s, execs: 412998 (19666/sec), new interesting: 6 (total: 42)
	execs="$(sed -n 's/^fuzz: elapsed: .*, execs: \([0-9]*\) .*/\1/p' "$log" | tail -n 1)"
	summary+=("$(printf '%-14s %-10s %12s execs  %s' "$name" "$pkg" "${execs:-0}" "$result")")
done
echo
printf '%s\n' "${summary[@]}"
exit "$status"
