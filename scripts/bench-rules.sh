#!/usr/bin/env bash
# Rule-engine throughput on one core: CloudTrail NDJSON of ~1.5 KB records
# (the shipped real samples with fresh ids among routine reads) through
# `hunt` with the 57 SigmaHQ AWS rules plus the built-in pack, beside a
# plain fastjson parse of the same records, measured in the same run.
#
#   scripts/bench-rules.sh [RECORDS] [ROUNDS]      (defaults 200000 and 5)
#
# The machine's speed drifts over minutes (other tenants), so the parse and
# hunt runs alternate: each round times a parse, then hunt, and its ratio
# compares the two under the same conditions. The figures are the best
# rates and the median of the rounds' ratios.
#
# Needs ../shared (samples and SigmaHQ rules) beside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-200000}"
rounds="${2:-5}"
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
echo "corpus: $n records, $((size / n)) bytes a record on average; $rounds rounds"

export GOMAXPROCS=1

# parse: records/s of a plain fastjson parse (the best of its own three
# passes over the records in memory).
parse() {
	"$work/benchcorpus" -parse "$work/corpus.ndjson" | sed -n 's/.*: \([0-9]*\) records\/s.*/\1/p'
}

# hunt ARGS...: records/s of one hunt run, process start and file read
# included; its summary is left in summary.txt.
hunt() {
	local start end
	start=$(date +%s.%N)
	"$work/snapwarden" hunt --workers 1 --output jsonl "$@" \
		--rules "$shared/sigma/rules/cloud/aws" "$work/corpus.ndjson" > "$work/findings.jsonl" 2> "$work/summary.txt"
	end=$(date +%s.%N)
	echo "$n / ($end - $start)" | bc -l
}

# The rules match on every event either way; the first hunt writes only
# findings of medium and above (SigmaHQ's AssumeRole rule makes a low finding
# of every assumed-role call), the second writes them all.
: > "$work/rounds.txt"
for r in $(seq "$rounds"); do
	p=$(parse)
	m=$(hunt --min-severity medium)
	cp "$work/summary.txt" "$work/summary-medium.txt"
	a=$(hunt --min-severity info)
	printf '%s %.0f %.0f\n' "$p" "$m" "$a" >> "$work/rounds.txt"
	printf 'round %d: parse %d records/s; hunt %.0f (%.2f of the parse), every finding %.0f (%.2f)\n' \
		"$r" "$p" "$m" "$(echo "$m / $p" | bc -l)" "$a" "$(echo "$a / $p" | bc -l)"
done

# report COLUMN LABEL SUMMARY: the best rate of a hunt column and the median
# of its rounds' ratios to their parse.
report() {
	local col="$1" label="$2" summary="$3" best median
	best=$(awk -v c="$col" '$c > b { b = $c } END { print b }' "$work/rounds.txt")
	median=$(awk -v c="$col" '{ printf "%.4f\n", $c / $1 }' "$work/rounds.txt" | sort -n |
		awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
	printf '%s: %d records/s at best; %.2f of the plain parse (median of %d rounds)\n' "$label" "$best" "$median" "$rounds"
	grep -E '^(rules|findings)' "$summary" | sed 's/^/    /'
}

printf 'plain fastjson parse: %d records/s at best\n' "$(awk '$1 > b { b = $1 } END { print b }' "$work/rounds.txt")"
report 2 "hunt, SigmaHQ AWS + built-in rules, findings >= medium written" "$work/summary-medium.txt"
report 3 "hunt, SigmaHQ AWS + built-in rules, every finding written" "$work/summary.txt"
