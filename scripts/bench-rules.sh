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
# The corpus was just written: wait for its write-back, which would
# otherwise run during the first timed runs and slow them by a fifth.
sync "$work/corpus.ndjson"
size=$(stat -c %s "$work/corpus.ndjson")
echo "corpus: $n records, $((size / n)) bytes a record on average"

export GOMAXPROCS=1
# records/s of the plain parse, best of three as the hunt runs are, for
# each run's ratio to it
parse_rate=0
for _ in 1 2 3; do
	"$work/benchcorpus" -parse "$work/corpus.ndjson" > "$work/parse.txt"
	r=$(sed -n 's/.*: \([0-9]*\) records\/s.*/\1/p' "$work/parse.txt")
	if [ "$r" -gt "$parse_rate" ]; then parse_rate=$r; cp "$work/parse.txt" "$work/best.txt"; fi
done
sed 's/$/ (best of 3)/' "$work/best.txt"

# run LABEL ARGS...: best of three, then the rules' summary lines.
run() {
	local label="$1"
	shift
	local best=""
	for _ in 1 2 3; do
		local start end t
		start=$(date +%s.%N)
		"$work/snapwarden" hunt --workers 1 --output jsonl "$@" \
			--rules "$shared/sigma/rules/cloud/aws" "$work/corpus.ndjson" > "$work/findings.jsonl" 2> "$work/summary.txt"
		end=$(date +%s.%N)
		t=$(echo "$end - $start" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
	done
	local rate
	rate=$(echo "$n / $best" | bc -l)
	printf '%s: %.0f records/s, %.2f of the plain parse (%d records in %.3fs, best of 3; process start and file read included)\n' \
		"$label" "$rate" "$(echo "$rate / $parse_rate" | bc -l)" "$n" "$best"
	grep -E '^(rules|findings)' "$work/summary.txt" | sed 's/^/    /'
}

# The rules match on every event either way; the first run writes only
# findings of medium and above (SigmaHQ's AssumeRole rule makes a low finding
# of every assumed-role call), the second writes them all.
run "hunt, SigmaHQ AWS + built-in rules, findings >= medium written" --min-severity medium
run "hunt, SigmaHQ AWS + built-in rules, every finding written" --min-severity info
