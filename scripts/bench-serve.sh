#!/usr/bin/env bash
# `snapwarden serve` under sustained HTTP ingest, end to end against the real
# binary: `snapwarden gen` writes CloudTrail (routine traffic with attacks
# injected), scripts/servebench POSTs it in batches of 1000 records (every
# other one gzip) from concurrent clients while scraping /metrics each
# second and timing probe records (a snapshot made public, fresh event id)
# from the POST's 202 to their finding in GET /v1/findings, polled every
# 10 ms. Each store gets two runs on a fresh database: as fast as serve
# accepts (its ceiling), then paced at RATE records/s (the target; latency
# figures mean something only below the ceiling).
#
#   scripts/bench-serve.sh [EVENTS]      (default 2000000, about 2.4 GB)
#
# Environment: DURATION (60s), RATE (20000), CLIENTS (4 for the paced runs,
# MAX_CLIENTS 16 for the others), PROBES (3), SNAPWARDEN_POSTGRES_DSN
# (PostgreSQL runs too, each in a schema of its own, dropped after),
# PROFILE=DIR (serve writes a CPU profile per run there, LABEL.pprof, beside
# the binary; its top is printed), BENCH_WORK (where the corpus and SQLite
# files go; default a temporary directory), RUNS (which runs, default
# "sqlite-max sqlite-paced postgres-max postgres-paced").
#
# serve and the load generator share the machine: servebench prints its own
# CPU so the two can be told apart.
set -euo pipefail
cd "$(dirname "$0")/.."
events="${1:-2000000}"
duration="${DURATION:-60s}"
rate="${RATE:-20000}"
clients="${CLIENTS:-4}"
max_clients="${MAX_CLIENTS:-16}"
runs="${RUNS:-sqlite-max sqlite-paced postgres-max postgres-paced}"
probes="${PROBES:-3}"
work="$(mktemp -d "${BENCH_WORK:-${TMPDIR:-/tmp}}/bench-serve.XXXXXX")"
serve_pid=""
cleanup() {
	if [ -n "$serve_pid" ]; then kill -TERM "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/snapwarden" ./cmd/snapwarden
if [ -n "${PROFILE:-}" ]; then
	mkdir -p "$PROFILE"
	cp "$work/snapwarden" "$PROFILE/snapwarden"
fi
go build -o "$work/servebench" ./scripts/servebench

echo "== generate"
"$work/snapwarden" gen --clouds aws --no-gzip --days 2 --events "$events" --out "$work/logs"
# The generated configuration (critical resources, trusted accounts) plus
# serve's defaults.
cp "$work/logs/snapwarden.yaml" "$work/snapwarden.yaml"
printf 'serve:\n  instance: bench\n' >> "$work/snapwarden.yaml"
token="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"

# run LABEL DB RATE: a fresh serve on DB, one servebench run, then a
# graceful stop; prints servebench's report, serve's peak RSS and the
# findings in the store.
run() {
	local label="$1" db="$2" offered="$3" profile=() n="$clients"
	if [ -n "${PROFILE:-}" ]; then profile=(--cpuprofile "$PROFILE/$label.pprof"); fi
	if [ "$offered" = 0 ]; then n="$max_clients"; fi
	SNAPWARDEN_TOKENS="bench=$token" "$work/snapwarden" "${profile[@]}" serve --config "$work/snapwarden.yaml" \
		--listen 127.0.0.1:0 --db "$db" 2> "$work/$label.log" &
	serve_pid=$!
	local addr=""
	for _ in $(seq 100); do
		addr=$(sed -n 's/.*"msg":"serving","addr":"\([^"]*\)".*/\1/p' "$work/$label.log" | head -1)
		if [ -n "$addr" ] && curl -fs "$addr/readyz" > /dev/null; then break; fi
		sleep 0.1
	done
	if [ -z "$addr" ]; then
		cat "$work/$label.log" >&2
		exit 1
	fi
	"$work/servebench" -logs "$work/logs" -url "$addr" -token "$token" -label "$label" -rate "$offered" \
		-duration "$duration" -clients "$n" -probes "$probes"
	local hwm
	hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$serve_pid/status")
	kill -TERM "$serve_pid"
	wait "$serve_pid"
	serve_pid=""
	echo "serve      peak RSS $((hwm / 1024)) MB (VmHWM); stopped cleanly"
	if [ -n "${PROFILE:-}" ]; then
		go tool pprof -top -nodecount 30 "$PROFILE/snapwarden" "$PROFILE/$label.pprof" 2> /dev/null | sed 's/^/    /'
	fi
}

sqlite_run() {
	local label="$1" offered="$2"
	run "$label" "$work/$label.db" "$offered"
	echo "findings   $(sqlite3 "$work/$label.db" 'SELECT count(*) FROM findings' 2> /dev/null || echo '?') rows in the store"
	rm -f "$work/$label.db"*
}

postgres_run() {
	local label="$1" offered="$2" schema="servebench_$$_$RANDOM"
	psql -q "$SNAPWARDEN_POSTGRES_DSN" -c "CREATE SCHEMA $schema"
	local sep='?'
	case "$SNAPWARDEN_POSTGRES_DSN" in *\?*) sep='&' ;; esac
	run "$label" "$SNAPWARDEN_POSTGRES_DSN${sep}search_path=$schema" "$offered"
	echo "findings   $(psql -tA "$SNAPWARDEN_POSTGRES_DSN" -c "SELECT count(*) FROM $schema.findings") rows in the store"
	PGOPTIONS="-c client_min_messages=warning" psql -q "$SNAPWARDEN_POSTGRES_DSN" -c "DROP SCHEMA $schema CASCADE"
}

for r in $runs; do
	echo
	case "$r" in
	sqlite-max) sqlite_run "$r" 0 ;;
	sqlite-paced) sqlite_run "$r" "$rate" ;;
	postgres-*)
		if [ -z "${SNAPWARDEN_POSTGRES_DSN:-}" ]; then
			echo "$r: skipped (SNAPWARDEN_POSTGRES_DSN is not set)"
			continue
		fi
		if [ "$r" = postgres-max ]; then postgres_run "$r" 0; else postgres_run "$r" "$rate"; fi
		;;
	*) echo "unknown run $r" >&2; exit 2 ;;
	esac
done
