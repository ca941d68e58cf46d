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
	"./har FuzzFastScan"
	"./har FuzzFastDecode"
	"./har FuzzOpen"
	"./overlay FuzzParseApply"
)

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
summary=()
# inputs counts the saved inputs of a target (a crash writes one there).
inputs() { { find "$1/testdata/fuzz/$2" -type f 2>/dev/null || true; } | wc -l; }
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	echo "== $name ($pkg, ${secs}s)"
	crashers="$(inputs "$pkg" "$name")"
	# -fuzzminimizetime: minimizing a new interesting input may otherwise take up to a minute,
	# during which no new input is tried (the fuzzer shows 0 execs/sec).
	if go test -run='^$' -fuzz="^${name}\$" -fuzztime="${secs}s" -fuzzminimizetime=3s "$pkg" >"$log" 2>&1; then
		result=ok
	elif [ "$(tail -n 5 "$log" | grep -c '^    context deadline exceeded$')" = 1 ] &&
		[ "$(inputs "$pkg" "$name")" = "$crashers" ] &&
		go test -count=1 -run="^${name}\$" "$pkg" >/dev/null 2>&1; then
		# Go 1.26's fuzz coordinator can fail a target with a bare "context deadline
		# exceeded" at the -fuzztime boundary when a worker is still mid-call (go.dev/issue/75804,
		# fixed in Go 1.27): no input was written and nothing crashed. Accept it once the
		# target's corpus replays clean; a real finding writes an input and fails above.
		result="ok (Go 1.26 fuzz deadline race, go.dev/issue/75804; corpus replayed clean)"
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
