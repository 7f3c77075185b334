#!/usr/bin/env bash
# End-to-end throughput: `snapwarden gen` writes about 2 GB of CloudTrail
# (uncompressed, in CloudTrail's S3 layout), then `hunt` runs the built-in
# rules plus the SigmaHQ AWS rules over it on one core and on all cores.
# Prints events/s, MB/s and peak RSS (/usr/bin/time -v) for each, and the
# generator's own MB/s.
#
#   scripts/bench.sh [EVENTS]      (default 1750000, about 2 GB)
#
# Needs ../shared/sigma beside the repository (SNAPWARDEN_SHARED to point
# elsewhere) and GNU time (Debian package "time").
set -euo pipefail
cd "$(dirname "$0")/.."
events="${1:-1750000}"
shared="${SNAPWARDEN_SHARED:-../shared}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ ! -x /usr/bin/time ]; then
	echo "bench.sh needs GNU time: apt-get install time" >&2
	exit 2
fi
go build -o "$work/snapwarden" ./cmd/snapwarden

echo "== generate (one core)"
GOMAXPROCS=1 "$work/snapwarden" gen --clouds aws --no-gzip --days 2 --events "$events" --out "$work/logs" 2>&1 | tee "$work/gen.txt"
events=$(sed -n 's/^wrote \([0-9]*\) events.*/\1/p' "$work/gen.txt")
size=$(du -sb "$work/logs/aws" | cut -f1)
echo "CloudTrail written: $((size / 1000000)) MB"

# run LABEL GOMAXPROCS: one hunt, timed, with its peak RSS.
run() {
	local label="$1" procs="$2"
	GOMAXPROCS="$procs" /usr/bin/time -v -o "$work/time.txt" "$work/snapwarden" hunt --quiet --output jsonl \
		--min-severity medium --rules "$shared/sigma/rules/cloud/aws" --config "$work/logs/snapwarden.yaml" \
		"$work/logs/aws" > "$work/findings.jsonl" 2> "$work/stderr.txt" || true
	local wall rss secs n
	wall=$(grep 'Elapsed (wall clock)' "$work/time.txt" | awk '{print $NF}')
	rss=$(grep 'Maximum resident set size' "$work/time.txt" | awk '{print $NF}')
	# m:ss.cc or h:mm:ss
	secs=$(echo "$wall" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
	n=$(grep -c . "$work/findings.jsonl" || true)
	printf '%s: %.0f events/s, %.0f MB/s, %s wall, peak RSS %d MB, %d findings >= medium\n' "$label" \
		"$(echo "$events / $secs" | bc -l)" "$(echo "$size / 1000000 / $secs" | bc -l)" "$wall" "$((rss / 1024))" "$n"
}

echo "== hunt: built-in rules + SigmaHQ AWS rules"
run "1 core" 1
run "$(nproc) cores" "$(nproc)"
