#!/usr/bin/env bash
# Memory of the whole compose stack (backend, frontend, PostgreSQL, Redis) at idle and under the
# load of bench/run.sh: the same bench data ingested through the backend, then the same wrk runs
# (cached and uncached series, latest, pages) against the backend's published port and one
# through the frontend. `docker stats` is sampled every second meanwhile; the peak per container
# and of the sum is printed. Copy the summary into bench/README.md.
#
#   bench/stack_load.sh [seconds per run, default 10]
#
# Uses the images tests/docker/stack.sh builds (oceandash/backend:test, oceandash/frontend:test;
# BACKEND_IMAGE / FRONTEND_IMAGE name others) and the PostgreSQL/Redis images of
# scripts/docker.sh. Run as root; publishes on 127.0.0.1 only; leaves no container behind.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${1:-10}
BACKEND_IMAGE=${BACKEND_IMAGE:-oceandash/backend:test}
FRONTEND_IMAGE=${FRONTEND_IMAGE:-oceandash/frontend:test}

fail() {
  echo "stack_load.sh: $*" >&2
  exit 1
}
[ "$(id -u)" = 0 ] || fail "run as root (Docker engine)"
scripts/docker.sh test-images >/dev/null || fail "the Docker engine or the test images are missing"
eval "$(scripts/docker.sh env)" # DOCKER, POSTGRES_IMAGE, REDIS_IMAGE
for image in "$BACKEND_IMAGE" "$FRONTEND_IMAGE"; do
  "$DOCKER" image inspect "$image" >/dev/null 2>&1 ||
    fail "$image is missing: build it with tests/docker/stack.sh (it keeps its images)"
done
command -v wrk >/dev/null || fail "wrk is missing (scripts/install-deps.sh --test)"

PROJECT=oceandash-stackbench-$$
WORK=$(mktemp -d /tmp/oceandash-stackbench-XXXXXX)
chmod 755 "$WORK"
SAMPLER_PID=""
compose() {
  docker-compose -p "$PROJECT" --env-file "$WORK/.env" -f "$ROOT/docker-compose.yml" \
    -f "$ROOT/docker-compose.override.yml" -f "$WORK/bench.yml" "$@"
}
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null
  [ -f "$WORK/.env" ] && compose down -v --remove-orphans >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=tests/docker/dev-stack-lib.sh
. "$ROOT/tests/docker/dev-stack-lib.sh"
write_stack_settings OCEAN_LOG_LEVEL=warn
# The bench's 20 locations, mounted over the image's own list for this run only.
python3 bench/load.py --write-locations "$WORK/locations.json"
chmod 644 "$WORK/locations.json"
cat >"$WORK/bench.yml" <<EOF
version: "2.4"
services:
  backend:
    environment:
      OCEAN_LOCATIONS_FILE: /bench/locations.json
    volumes:
      - $WORK/locations.json:/bench/locations.json:ro
EOF

started=$SECONDS
compose up -d >/dev/null 2>&1 || fail "the stack did not start: $(compose logs --no-color --tail 20)"
until curl -fsS "http://127.0.0.1:$FRONTEND_PORT/api/health/" >/dev/null 2>&1; do
  [ $((SECONDS - started)) -lt 180 ] || fail "the stack was not healthy within 180 s"
  sleep 1
done
echo "up to healthy (through the frontend): $((SECONDS - started)) s"

# Container names -> the service names of the summary.
sample() {
  local ids
  mapfile -t ids < <(compose ps -q)
  "$DOCKER" stats --no-stream --format '{{.Name}} {{.MemUsage}}' "${ids[@]}" 2>/dev/null | awk -v project="$PROJECT" '
    function mib(s) {
      if (s ~ /GiB$/) return s * 1024; if (s ~ /MiB$/) return s + 0; if (s ~ /kB$/) return s / 1024;
      if (s ~ /KiB$/) return s / 1024; if (s ~ /B$/) return s / 1048576; return s + 0 }
    { name = $1; sub("^" project "_", "", name); sub("_[0-9]+$", "", name)
      printf "%s %.1f\n", name, mib($2) }'
}
summarise() { # $1 label, $2 samples file
  awk -v label="$1" '
    { peak[$1] = ($2 > peak[$1]) ? $2 : peak[$1] }
    /^--$/ { if (total > peak_total) peak_total = total; total = 0; next }
    { total += $2 }
    END { if (total > peak_total) peak_total = total
      printf "%-22s", label
      n = split("backend frontend postgres redis", order, " ")
      for (i = 1; i <= n; i++) printf "  %s %.1f", order[i], peak[order[i]]
      printf "  | sum %.1f MiB\n", peak_total }' "$2"
}

sleep 5
: >"$WORK/idle"
for _ in 1 2 3; do
  sample >>"$WORK/idle"
  echo -- >>"$WORK/idle"
done
summarise "idle (peak of 3)" "$WORK/idle"

: >"$WORK/load"
(while :; do
  sample >>"$WORK/load"
  echo -- >>"$WORK/load"
  sleep 1
done) &
SAMPLER_PID=$!

echo "ingest: $(python3 bench/load.py --port "$BACKEND_PORT" --key "$API_KEY")"
run_wrk() { # $1 label, $2 base, $3 path
  local out
  out=$(wrk -t2 -c16 -d"${DURATION}s" --latency "$2$3")
  printf '%-30s %10s req/s   p99 %8s\n' "$1" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1=="99%" {print $2}')"
}
B=http://127.0.0.1:$BACKEND_PORT
F=http://127.0.0.1:$FRONTEND_PORT
run_wrk "series (Redis cache)" "$B" "/api/observations/series/?location=bench-07&parameter=sst"
run_wrk "latest (Redis cache)" "$B" "/api/observations/latest/"
run_wrk "page of 1000, every series" "$B" "/api/observations/?limit=1000"
run_wrk "page of 1000, 4 series" "$B" "/api/observations/?location=bench-03&limit=1000"
run_wrk "series via the frontend" "$F" "/api/observations/series/?location=bench-07&parameter=sst"
run_wrk "dashboard HTML via frontend" "$F" "/"
kill "$SAMPLER_PID" 2>/dev/null
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""
summarise "under load (peak)" "$WORK/load"
sample >"$WORK/after"
echo -- >>"$WORK/after"
summarise "after the load" "$WORK/after"
