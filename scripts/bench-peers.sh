#!/usr/bin/env bash
# Whole-file comparison, side by side: the CLI path (bench.CheckCLI) against raw kin-openapi,
# libopenapi-validator and a plain encoding/json parse of the same generated corpus
# (bench.WriteCorpus, $CERB_BENCH_PAIRS pairs, default 10000), at one core and at all cores.
# The test binary is run ROUNDS times (default 5); each round runs every peer once at each
# core count, so slow phases of a shared machine hit all peers alike. Prints the raw lines
# and the medians.
#   scripts/bench-peers.sh [ROUNDS] [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
out=${2:-/tmp/bench-peers.txt}
bin=$(mktemp -d)/libopenapi.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
(cd bench/libopenapi && go test -c -o "$bin" .)
echo "nproc: $(nproc); $(lscpu | grep 'Model name' | tr -s ' '); $(go version)" | tee "$out"
for i in $(seq "$rounds"); do
	echo "round $i, load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out"
	(cd bench/libopenapi && "$bin" -test.run '^$' -test.bench CLI -test.benchtime 1x -test.count 1 -test.cpu "1,$(nproc)") |
		grep '^BenchmarkCLI' | tee -a "$out"
done
echo "medians (s):"
grep '^BenchmarkCLI' "$out" | awk '{t[$1]=t[$1]" "$3/1e9} END {for (k in t) print k, t[k]}' | sort |
	while read -r name vals; do
		echo "$name $(echo "$vals" | tr ' ' '\n' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')"
	done
