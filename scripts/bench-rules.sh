#!/usr/bin/env bash
# Rule-engine throughput on one core: CloudTrail NDJSON of ~1.5 KB records
# (the shipped real samples with fresh ids among routine reads) through
# `hunt` with the 57 SigmaHQ AWS rules plus the built-in pack, beside a plain
# fastjson parse of the same records, measured in the same run.
#
#   scripts/bench-rules.sh [RECORDS]      (default 200000)
#
# Needs ../shared (samples and SigmaHQ rules) beside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-200000}"
shared="${SNAPWARDEN_SHARED:-../shared}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

go build -o "$work/snapwarden" ./cmd/snapwarden
go build -o "$work/benchcorpus" ./scripts/benchcorpus
"$work/benchcorpus" -samples "$shared/samples" -out "$work/corpus.ndjson" -n "$n"
size=$(stat -c %s "$work/corpus.ndjson")
echo "corpus: $n records, $((size / n)) bytes a record on average"

export GOMAXPROCS=1
"$work/benchcorpus" -parse "$work/corpus.ndjson"

best=""
for i in 1 2 3; do
	start=$(date +%s.%N)
	"$work/snapwarden" hunt --workers 1 --output jsonl --min-severity info \
		--rules "$shared/sigma/rules/cloud/aws" "$work/corpus.ndjson" > "$work/findings.jsonl" 2> "$work/summary.txt"
	end=$(date +%s.%N)
	t=$(echo "$end - $start" | bc -l)
	if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
done
grep -E '^(read|rules|findings)' "$work/summary.txt"
printf 'hunt with rules: %d records in %.3fs: %.0f records/s (best of 3, process start and file read included)\n' \
	"$n" "$best" "$(echo "$n / $best" | bc -l)"
echo "findings written: $(wc -l < "$work/findings.jsonl")"
