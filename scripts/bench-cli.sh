#!/usr/bin/env bash
# Times the built `cerbcontract check --format json` on a generated corpus of N pairs
# (default 10000; bench.WriteCorpus: varied long/unicode/multipart bodies, drafts, error
# envelopes, 401s) at one core (GOMAXPROCS=1) and at all cores, alternately, three times
# each, with wall time and peak RSS from /usr/bin/time -v.
#   scripts/bench-cli.sh [PAIRS] [CORPUS]
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-10000}
corpus=${2:-/tmp/corpus-$pairs.har}
bin=$(mktemp -d)/cerbcontract
trap 'rm -rf "$(dirname "$bin")"' EXIT

[ -s "$corpus" ] || go run ./bench/cmd/gencorpus -pairs "$pairs" -out "$corpus"
go build -o "$bin" ./cmd/cerbcontract
ls -l "$corpus"
echo "nproc: $(nproc); $(lscpu | grep 'Model name' | tr -s ' ')"

# Exit status 1 means some pair does not conform (the corpus has deliberate violations).
run() {
	if [ -x /usr/bin/time ]; then
		env "$@" /usr/bin/time -v "$bin" check --format json "$corpus" > /dev/null 2> "$bin.time" || [ $? -eq 1 ]
		grep -E 'Elapsed \(wall clock\)|User time|System time|Maximum resident set size' "$bin.time" | tr -s ' \t' ' ' | paste -sd';'
	else
		TIMEFORMAT='wall %R s, user %U s, sys %S s (no /usr/bin/time: peak RSS unknown)'
		time { env "$@" "$bin" check --format json "$corpus" > /dev/null || [ $? -eq 1 ]; }
	fi
}
for i in 1 2 3; do
	echo "run $i, load $(cut -d' ' -f1-3 /proc/loadavg):"
	echo "  1 core:    $(run GOMAXPROCS=1)"
	echo "  $(nproc) cores:   $(run)"
done
