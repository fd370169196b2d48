#!/usr/bin/env bash
# HTTP benchmark of the issue's targets, with wrk on loopback. Results go to stdout; copy the
# summary into bench/README.md. Builds the server (scripts/build.sh, into $OCEAN_BUILD_DIR,
# default build/) and starts its own PostgreSQL and Redis (scripts/services.sh) in a temporary
# folder (OCEAN_PG_PORT / OCEAN_REDIS_PORT pick other ports than the test services' defaults).
#
#   bench/run.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
BUILD_DIR=${OCEAN_BUILD_DIR:-build}
scripts/install-deps.sh --test
scripts/build.sh --target oceandash

WORK=$(mktemp -d /tmp/oceandash-bench-XXXXXX)
chmod 755 "$WORK"  # the PostgreSQL cluster below belongs to the postgres user
export OCEAN_SERVICES_DIR=$WORK/services
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  scripts/services.sh stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
scripts/services.sh start >/dev/null
. "$OCEAN_SERVICES_DIR/services.env"
KEY=bench-key-0123456789abcdef
python3 bench/load.py --write-locations "$WORK/locations.json"

start_server() {  # $1 database url, rest: extra flags
  local db=$1; shift
  OCEAN_API_KEY=$KEY "$BUILD_DIR/oceandash" serve --host 127.0.0.1 --port 0 --no-scheduler \
    --database "$db" --locations "$WORK/locations.json" --log-level warn "$@" \
    > "$WORK/server.out" 2> "$WORK/server.err" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    PORT=$(grep -o '"port":[0-9]*' "$WORK/server.out" 2>/dev/null | head -1 | cut -d: -f2 || true)
    [ -n "$PORT" ] && return 0
    sleep 0.1
  done
  echo "server did not start" >&2; cat "$WORK/server.err" >&2; exit 1
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$SERVER_PID/status"; }
run_wrk() {  # $1 label, $2 path
  local out
  out=$(wrk -t2 -c16 -d"${DURATION}s" --latency "http://127.0.0.1:$PORT$2")
  printf '%-34s %10s req/s   p50 %8s   p99 %8s\n' "$1" \
    "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1=="50%" {print $2}')" \
    "$(echo "$out" | awk '$1=="99%" {print $2}')"
  echo "$out" | grep -E "Non-2xx|Socket errors" || true
}

SERIES="/api/observations/series/?location=bench-07&parameter=sst"
LATEST="/api/observations/latest/"
PAGE="/api/observations/?location=bench-03&parameter=sst&limit=1000"
# A page that really holds 1,000 rows: one location's four parameters (2,880 in the window).
PAGE4="/api/observations/?location=bench-03&limit=1000"
# The default page (every series) and one parameter at every location (20 series).
PAGE_ALL="/api/observations/?limit=1000"
PAGE_PARAM="/api/observations/?parameter=sst&limit=1000"

# Autovacuum would do this in production within a minute of a bulk load; without it the reads
# cannot be index-only scans (the visibility map is empty) and the planner has no statistics.
# The test cluster commits asynchronously, and VACUUM cannot mark a page all-visible before the
# commits of its rows are flushed (the WAL writer does so within 200 ms), so repeat until every
# page of observations is, as it is in the steady state.
vacuum_analyze() {
  for _ in 1 2 3 4 5; do
    psql -q "$OCEAN_TEST_PG_URL" -c "VACUUM ANALYZE"
    [ "$(psql -tAq "$OCEAN_TEST_PG_URL" -c "SELECT relallvisible >= relpages FROM pg_class
      WHERE relname = 'observations' AND relnamespace = 'public'::regnamespace")" = t ] && return 0
    sleep 1
  done
  echo "warning: observations is not all-visible after VACUUM" >&2
}

echo "== PostgreSQL, cache on (in-process)"
start_server "$OCEAN_TEST_PG_URL"
python3 bench/load.py --port "$PORT" --key "$KEY"
echo "resident memory after ingest: $(rss_mb) MB"
vacuum_analyze
run_wrk "series (cached)" "$SERIES"
run_wrk "latest (cached)" "$LATEST"
echo "resident memory: $(rss_mb) MB"
stop_server

echo "== PostgreSQL, cache off"
start_server "$OCEAN_TEST_PG_URL" --cache-max-mb 0
run_wrk "series (uncached, PostgreSQL)" "$SERIES"
run_wrk "latest (uncached, PostgreSQL)" "$LATEST"
run_wrk "page of 1000 (uncached, PostgreSQL)" "$PAGE"
run_wrk "page, 4 series (uncached, PostgreSQL)" "$PAGE4"
run_wrk "page, every series (uncached, PostgreSQL)" "$PAGE_ALL"
run_wrk "page, 20 series (uncached, PostgreSQL)" "$PAGE_PARAM"
echo "resident memory: $(rss_mb) MB"
stop_server

# Climatologies for the bench sites, then the uncached latest again: it places each value
# against its climatology and runs the heatwave detection for SST, as a deployment that ran
# `oceandash climatology` does: the real command, its OISST download answered by
# bench/fake_upstream.py with a synthetic record (1991-2020 for every site).
echo "== SST climatologies for the bench sites (oceandash climatology, fake OISST)"
python3 bench/fake_upstream.py > "$WORK/upstream.out" 2> "$WORK/upstream.err" &
UPSTREAM_PID=$!
for _ in $(seq 1 100); do
  UPSTREAM_PORT=$(awk '/^PORT/ {print $2}' "$WORK/upstream.out" 2>/dev/null || true)
  [ -n "$UPSTREAM_PORT" ] && break
  sleep 0.1
done
OCEAN_SOURCE_OISST_URL="http://127.0.0.1:$UPSTREAM_PORT/erddap" "$BUILD_DIR/oceandash" climatology \
  --database "$OCEAN_TEST_PG_URL" --locations "$WORK/locations.json" --parameter sst \
  --log-level warn > "$WORK/climatology.out" 2> "$WORK/climatology.err" ||
  { kill "$UPSTREAM_PID"; tail -5 "$WORK/climatology.err" >&2; exit 1; }
echo "climatologies stored: $(grep -c 'climatology .* stored' "$WORK/climatology.out")"
kill "$UPSTREAM_PID"; wait "$UPSTREAM_PID" 2>/dev/null || true

start_server "$OCEAN_TEST_PG_URL" --cache-max-mb 0
run_wrk "latest (uncached, PG, climatologies)" "$LATEST"
stop_server

# One load is half a second, so a slow phase of the machine (see bench/README.md) decides it:
# four more, each into a fresh database, then the next 30 days into the same series (rows
# added to existing series, the steady state of fetches; the fresh load also creates them).
echo "== PostgreSQL ingest, four more fresh databases"
for k in 1 2 3 4; do
  psql -q "$OCEAN_TEST_PG_URL" -c "CREATE DATABASE bench_ingest_$k"
  start_server "${OCEAN_TEST_PG_URL%/*}/bench_ingest_$k"
  printf 'fresh:           %s\n' "$(python3 bench/load.py --port "$PORT" --key "$KEY")"
  printf 'existing series: %s\n' "$(python3 bench/load.py --port "$PORT" --key "$KEY" --shift-days 30)"
  stop_server
  psql -q "$OCEAN_TEST_PG_URL" -c "DROP DATABASE bench_ingest_$k"
done

echo "== PostgreSQL + Redis"
start_server "$OCEAN_TEST_PG_URL" --redis "$OCEAN_TEST_REDIS_URL"
run_wrk "series (Redis cache)" "$SERIES"
echo "resident memory: $(rss_mb) MB"
stop_server

echo "== SQLite"
start_server "sqlite:$WORK/bench.db"
python3 bench/load.py --port "$PORT" --key "$KEY"
run_wrk "series (cached, SQLite)" "$SERIES"
stop_server
start_server "sqlite:$WORK/bench.db" --cache-max-mb 0
run_wrk "series (uncached, SQLite)" "$SERIES"
run_wrk "latest (uncached, SQLite)" "$LATEST"
run_wrk "page of 1000 (uncached, SQLite)" "$PAGE"
run_wrk "page, 4 series (uncached, SQLite)" "$PAGE4"
run_wrk "page, every series (uncached, SQLite)" "$PAGE_ALL"
echo "resident memory after the whole run: $(rss_mb) MB"
stop_server
