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
# hunt's rate is given twice: by its own clock (the summary's "read … in",
# from opening the first file to writing the last finding: reading the
# file, decoding, rules, correlation and output, but not start-up), which
# is what the parse's own clock measures, and by the whole process, start-up
# (about 30 ms: loading the binary and the rules) included. The parse's
# records are in memory before its clock starts; a second parse that reads
# the file as hunt does, mapped and split into lines inside the clock, shows
# what reading the file costs.
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

# parse_mapped: the same parse reading the file as hunt does (mapped, lines
# found in the clock), to show what reading the file costs.
parse_mapped() {
	"$work/benchcorpus" -parse-mapped "$work/corpus.ndjson" | sed -n 's/.*: \([0-9]*\) records\/s.*/\1/p'
}

# hunt ARGS...: "RATE WHOLE" of one hunt run in records/s: by hunt's own
# clock, and by the whole process; its summary is left in summary.txt.
hunt() {
	local start end own
	start=$(date +%s.%N)
	"$work/snapwarden" hunt --workers 1 --output jsonl "$@" \
		--rules "$shared/sigma/rules/cloud/aws" "$work/corpus.ndjson" > "$work/findings.jsonl" 2> "$work/summary.txt"
	end=$(date +%s.%N)
	# "read 1 files (…) in 1.234s" or "in 812ms"
	own=$(sed -n 's/^read .* in \([0-9.]*\)\(m*\)s.*/\1 \2/p' "$work/summary.txt" |
		awk '{ print ($2 == "m") ? $1 / 1000 : $1 }')
	echo "$(echo "$n / $own" | bc -l) $(echo "$n / ($end - $start)" | bc -l)"
}

# The rules match on every event either way; the first hunt writes only
# findings of medium and above (SigmaHQ's AssumeRole rule makes a low finding
# of every assumed-role call), the second writes them all.
: > "$work/rounds.txt"
for r in $(seq "$rounds"); do
	p=$(parse)
	read -r m mw <<< "$(hunt --min-severity medium)"
	cp "$work/summary.txt" "$work/summary-medium.txt"
	read -r a aw <<< "$(hunt --min-severity info)"
	pm=$(parse_mapped)
	printf '%s %.0f %.0f %.0f %.0f %s\n' "$p" "$m" "$a" "$mw" "$aw" "$pm" >> "$work/rounds.txt"
	printf 'round %d: parse %d records/s; hunt %.0f (%.2f of the parse; whole process %.2f), every finding %.0f (%.2f; %.2f)\n' \
		"$r" "$p" "$m" "$(echo "$m / $p" | bc -l)" "$(echo "$mw / $p" | bc -l)" \
		"$a" "$(echo "$a / $p" | bc -l)" "$(echo "$aw / $p" | bc -l)"
done

# median COLUMN [BASE]: the median of a hunt column's ratios to its round's
# parse (column BASE, 1 by default).
median() {
	awk -v c="$1" -v b="${2:-1}" '{ printf "%.4f\n", $c / $b }' "$work/rounds.txt" | sort -n |
		awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# report COLUMN WHOLE LABEL SUMMARY: the best rate of a hunt column and the
# medians of its rounds' ratios, by hunt's clock and by the whole process.
report() {
	local col="$1" whole="$2" label="$3" summary="$4" best
	best=$(awk -v c="$col" '$c > b { b = $c } END { print b }' "$work/rounds.txt")
	printf '%s: %d records/s at best; %.2f of the plain parse (median of %d rounds; whole process %.2f)\n' \
		"$label" "$best" "$(median "$col")" "$rounds" "$(median "$whole")"
	grep -E '^(rules|findings)' "$summary" | sed 's/^/    /'
}

printf 'plain fastjson parse: %d records/s at best\n' "$(awk '$1 > b { b = $1 } END { print b }' "$work/rounds.txt")"
printf 'fastjson reading the file as hunt does (mapped, lines found in the clock): %d records/s at best; hunt (findings >= medium, its own clock) at %.2f of it (median)\n' \
	"$(awk '$6 > b { b = $6 } END { print b }' "$work/rounds.txt")" "$(median 2 6)"
report 2 4 "hunt, SigmaHQ AWS + built-in rules, findings >= medium written" "$work/summary-medium.txt"
report 3 5 "hunt, SigmaHQ AWS + built-in rules, every finding written" "$work/summary.txt"
