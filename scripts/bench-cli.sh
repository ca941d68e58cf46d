#!/usr/bin/env bash
# Times `cerbcontract check --format json` on a generated corpus of N compose/reply pairs
# (default 10000) and reports wall time and peak RSS (from /usr/bin/time -v when present).
#   scripts/bench-cli.sh [PAIRS] [CORPUS]
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-10000}
corpus=${2:-/tmp/corpus.har}
bin=$(mktemp -d)/cerbcontract
trap 'rm -rf "$(dirname "$bin")"' EXIT

go run ./bench/cmd/gencorpus -pairs "$pairs" -out "$corpus"
go build -o "$bin" ./cmd/cerbcontract
ls -l "$corpus"
echo "nproc: $(nproc); $(lscpu | grep 'Model name' | tr -s ' ')"

# Exit status 1 means some pair does not conform (the corpus has deliberate violations).
run() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -v "$bin" check --format json "$corpus" > /dev/null 2> "$bin.time" || [ $? -eq 1 ]
		grep -E 'Elapsed \(wall clock\)|User time|System time|Maximum resident set size' "$bin.time"
	else
		TIMEFORMAT='wall %R s, user %U s, sys %S s (no /usr/bin/time: peak RSS unknown)'
		time { "$bin" check --format json "$corpus" > /dev/null || [ $? -eq 1 ]; }
	fi
}
for i in 1 2 3; do
	echo "run $i:"
	run
done
