#!/usr/bin/env bash
# The stack, running: builds both images from the repository's Dockerfiles, brings up the dev
# combination (docker-compose.yml + docker-compose.override.yml) under a throwaway project name
# with a temporary .env and secret files, and checks what a user relies on:
#   - health through 127.0.0.1:BACKEND; an ingest with the key read from a secret file;
#   - the dashboard's HTML and /api/ through 127.0.0.1:FRONTEND, and the frontend's headers
#     (cache, gzip, Vary, type, status) equal to `oceandash serve --static` for the same files;
#   - `docker-compose restart backend` and a SIGTERM to the backend during a stream of ingests:
#     the server drains (it logs "stopped" each time, well before the kill timeout) and every
#     acknowledged batch is in the database; `down` then `up`: the rows are still there;
#   - the runtime image holds only the libraries `ldd` names (plus ca-certificates), both run
#     as non-root users, every port is published on 127.0.0.1 only;
#   - and prints the image sizes, the stack's idle memory and the time from `up` to healthy.
# Run as root. Needs only the Debian mirror and the npm registry (no image registry): the base
# and the PostgreSQL/Redis images come from scripts/docker.sh. Leaves no container behind.
#
#   tests/docker/stack.sh   OCEAN_STACK_KEEP_IMAGES=0: also remove the built images at the end
#                           OCEAN_STACK_BUILD=0: use the images already tagged :test
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

fail() {
  echo "stack.sh: FAIL: $*" >&2
  exit 1
}
say() { echo "stack.sh: $*" >&2; }

[ "$(id -u)" = 0 ] || fail "run as root: it installs and starts the Docker engine"
scripts/docker.sh test-images ||
  fail "the Docker engine or the base/test images are not available (scripts/docker.sh said why above)"
eval "$(scripts/docker.sh env)" # DOCKER, POSTGRES_IMAGE, REDIS_IMAGE
command -v docker-compose >/dev/null || fail "docker-compose is missing (scripts/docker.sh engine)"
command -v jq >/dev/null || fail "jq is missing (apt-get install jq)"

BACKEND_IMAGE=oceandash/backend:test
FRONTEND_IMAGE=oceandash/frontend:test
PROJECT=oceandash-stacktest-$$
WORK=$(mktemp -d /tmp/oceandash-stack-XXXXXX)
STATIC_CONTAINER=""
STREAM_PID=""

compose() {
  docker-compose -p "$PROJECT" --env-file "$WORK/.env" \
    -f "$ROOT/docker-compose.yml" -f "$ROOT/docker-compose.override.yml" "$@"
}

cleanup() {
  local status=$?
  [ -n "$STREAM_PID" ] && kill "$STREAM_PID" 2>/dev/null
  if [ $status -ne 0 ] && [ -f "$WORK/.env" ]; then
    say "state at failure:"
    compose ps >&2 || true
    compose logs --no-color --tail 40 >&2 || true
  fi
  [ -n "$STATIC_CONTAINER" ] && "$DOCKER" rm -f "$STATIC_CONTAINER" >/dev/null 2>&1
  [ -f "$WORK/.env" ] && compose down -v --remove-orphans >/dev/null 2>&1
  if [ "${OCEAN_STACK_KEEP_IMAGES:-1}" = 0 ]; then
    "$DOCKER" rmi "$BACKEND_IMAGE" "$FRONTEND_IMAGE" >/dev/null 2>&1
  fi
  rm -rf "$WORK"
  local left
  left=$("$DOCKER" ps -aq --filter "label=com.docker.compose.project=$PROJECT")
  if [ -n "$left" ]; then
    echo "stack.sh: FAIL: containers left behind: $left" >&2
    status=1
  fi
  exit $status
}
trap cleanup EXIT

# shellcheck source=tests/docker/dev-stack-lib.sh
. "$ROOT/tests/docker/dev-stack-lib.sh"

# ---- images -------------------------------------------------------------------------------
started=$(date +%s)
if [ "${OCEAN_STACK_BUILD:-1}" = 0 ]; then
  say "OCEAN_STACK_BUILD=0: using the images already tagged $BACKEND_IMAGE and $FRONTEND_IMAGE"
  "$DOCKER" image inspect "$BACKEND_IMAGE" "$FRONTEND_IMAGE" >/dev/null ||
    fail "OCEAN_STACK_BUILD=0 but the images are not there"
else
  say "building $BACKEND_IMAGE with the classic builder (cached layers are reused)"
  DOCKER_BUILDKIT=0 "$DOCKER" build -q -f infra/docker/Dockerfile.backend -t "$BACKEND_IMAGE" . \
    >/dev/null || fail "the backend image does not build"
  # The host's CA bundle and npm registry reach npm inside the build as BuildKit secrets only.
  frontend_secrets=()
  if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
    frontend_secrets+=(--secret "id=npm_ca,src=/etc/ssl/certs/ca-certificates.crt")
  fi
  if command -v npm >/dev/null; then
    npm config get registry >"$WORK/npm_registry"
    frontend_secrets+=(--secret "id=npm_registry,src=$WORK/npm_registry")
  fi
  say "building $FRONTEND_IMAGE with BuildKit"
  DOCKER_BUILDKIT=1 "$DOCKER" build -q "${frontend_secrets[@]}" \
    -f infra/docker/Dockerfile.frontend -t "$FRONTEND_IMAGE" . >/dev/null ||
    fail "the frontend image does not build"
  say "images built in $(($(date +%s) - started)) s"
fi

# ---- settings and secrets -----------------------------------------------------------------
write_stack_settings POSTGRES_USER=oceantest POSTGRES_DB=oceantest OCEAN_LOG_LEVEL=info
STATIC_PORT=$(free_port)
BACKEND=http://127.0.0.1:$BACKEND_PORT
FRONTEND=http://127.0.0.1:$FRONTEND_PORT

container_of() { compose ps -q "$1"; }

# Waits until every service's health check passes; prints the seconds it took.
wait_healthy() {
  local since=$1 deadline=$(($(date +%s) + 240)) service id state all
  while :; do
    all=1
    for service in postgres redis backend frontend; do
      id=$(container_of "$service")
      state=$([ -n "$id" ] && "$DOCKER" inspect -f '{{.State.Health.Status}}' "$id" 2>/dev/null ||
        echo missing)
      [ "$state" = healthy ] || all=0
    done
    [ $all = 1 ] && break
    [ "$(date +%s)" -lt $deadline ] || fail "the stack was not healthy within 240 s"
    sleep 0.5
  done
  echo $(($(date +%s) - since))
}

status_of() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@"; }

# ---- up -----------------------------------------------------------------------------------
up_started=$(date +%s)
compose up -d >/dev/null 2>"$WORK/up.log" || {
  cat "$WORK/up.log" >&2
  fail "docker-compose up failed"
}
UP_SECONDS=$(wait_healthy "$up_started")
say "up to healthy (4 services, first start with an empty volume): ${UP_SECONDS} s"

health=$(curl -sf --max-time 10 "$BACKEND/api/health/") || fail "GET $BACKEND/api/health/ failed"
[ "$(jq -r '.status + " " + .database + " " + .cache' <<<"$health")" = "ok ok ok" ] ||
  fail "health through :8000 is not ok/ok/ok: $health"
say "health through 127.0.0.1:8000: $health"

# ---- ingest with the key from the secret file ---------------------------------------------
ingest() { # $1: JSON body; prints the HTTP status, the body to $WORK/ingest.out
  curl -s -o "$WORK/ingest.out" -w '%{http_code}' --max-time 10 -X POST \
    -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
    --data-binary "$1" "$BACKEND/api/observations/ingest/"
}
row='[{"location_id":"monterey-bay","parameter":"sst","timestamp":"TS","value":14.2,"quality_flag":"good","source":"stacktest"}]'
first_ts=$(date -u -d '-2 days' +%Y-%m-%dT%H:00:00Z)
[ "$(ingest "${row/TS/$first_ts}")" = 200 ] || fail "ingest with the secret file's key: $(cat "$WORK/ingest.out")"
[ "$(jq -r .inserted "$WORK/ingest.out")" = 1 ] || fail "ingest did not insert: $(cat "$WORK/ingest.out")"
[ "$(status_of -X POST -H 'Authorization: Bearer wrong-key-wrong-key' -H 'Content-Type: application/json' \
  --data-binary "${row/TS/$first_ts}" "$BACKEND/api/observations/ingest/")" = 401 ] ||
  fail "an ingest with a wrong key was not refused with 401"
say "ingest with the key from SECRETS_DIR/api_key: $(cat "$WORK/ingest.out"); a wrong key: 401"

# ---- the dashboard and the API through :3000 ----------------------------------------------
curl -sf --max-time 10 "$FRONTEND/" >"$WORK/index.html" || fail "GET $FRONTEND/ failed"
if ! grep -qi '<!DOCTYPE html>' "$WORK/index.html" || ! grep -q '/_next/static/' "$WORK/index.html"; then
  fail "$FRONTEND/ is not the dashboard's HTML"
fi
count=$(curl -sf --max-time 10 "$FRONTEND/api/observations/?location=monterey-bay&parameter=sst&source=stacktest" |
  jq -r .count) || fail "GET $FRONTEND/api/observations/ failed"
[ "$count" = 1 ] || fail "the API through :3000 counts $count stacktest rows, not 1"
say "through 127.0.0.1:3000: the dashboard's HTML and /api/ (the ingested row)"

# ---- the frontend answers static files as `oceandash serve --static` does -----------------
"$DOCKER" create --name "$PROJECT-export" "$FRONTEND_IMAGE" >/dev/null
"$DOCKER" cp "$PROJECT-export:/srv/dashboard" "$WORK/dashboard"
"$DOCKER" rm "$PROJECT-export" >/dev/null
chmod -R a+rX "$WORK/dashboard"
STATIC_CONTAINER=$("$DOCKER" run -d -p "127.0.0.1:$STATIC_PORT:8000" -v "$WORK/dashboard:/static:ro" \
  "$BACKEND_IMAGE" serve --static /static --database sqlite:/tmp/static.db --no-scheduler)
for _ in $(seq 60); do
  [ "$(status_of "http://127.0.0.1:$STATIC_PORT/api/health/")" = 200 ] && break
  sleep 0.5
done
chunk=$(cd "$WORK/dashboard" && find _next/static -name '*.js' | head -n 1)
css=$(cd "$WORK/dashboard" && find _next/static -name '*.css' | head -n 1)
headers_of() { # the headers both servers must agree on, one line
  curl -s -o /dev/null -D - --max-time 10 -H "Accept-Encoding: $1" "$2" | tr -d '\r' |
    grep -iE '^(HTTP/|cache-control:|content-encoding:|vary:|content-type:|location:)' |
    tr '[:upper:]' '[:lower:]' | sort | tr '\n' '|'
}
compared=0
for path in / /index.html /location/ /location /compare/ /sources/ /favicon.svg /index.txt \
  "/$chunk" "/$css" /404.html /no-such-page /no/such/dir/ /_next/static/missing.js; do
  for encoding in gzip identity; do
    a=$(headers_of "$encoding" "$FRONTEND$path")
    b=$(headers_of "$encoding" "http://127.0.0.1:$STATIC_PORT$path")
    [ "$a" = "$b" ] || fail "GET $path (Accept-Encoding: $encoding): frontend answers
  $a
but oceandash serve --static answers
  $b"
    compared=$((compared + 1))
  done
done
"$DOCKER" rm -f "$STATIC_CONTAINER" >/dev/null
STATIC_CONTAINER=""
say "frontend headers equal to oceandash serve --static for $compared requests"

# ---- restart and SIGTERM during a stream of ingests ---------------------------------------
# Each batch holds 5 rows with timestamps of its own; a batch answered 200 is acknowledged and
# its number recorded. Failures while the backend is down are expected and not recorded.
base_epoch=$(date -u -d '-10 days' +%s)
stream() {
  local batch=0 body ts j
  while [ ! -f "$WORK/stop" ]; do
    body="["
    for j in 0 1 2 3 4; do
      ts=$(date -u -d "@$((base_epoch + (batch * 5 + j) * 60))" +%Y-%m-%dT%H:%M:%SZ)
      body+="{\"location_id\":\"dogger-bank\",\"parameter\":\"sst\",\"timestamp\":\"$ts\","
      body+="\"value\":$((10 + j)).5,\"quality_flag\":\"good\",\"source\":\"stacktest-stream\"}"
      [ $j -lt 4 ] && body+=","
    done
    body+="]"
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST \
      -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
      --data-binary "$body" "$BACKEND/api/observations/ingest/")" = 200 ]; then
      echo "$batch" >>"$WORK/acked"
    fi
    batch=$((batch + 1))
  done
}
: >"$WORK/acked"
stream &
STREAM_PID=$!
acked_count() { wc -l <"$WORK/acked"; }
wait_acks() { # until $1 more batches are acknowledged
  local want=$(($(acked_count) + $1)) deadline=$(($(date +%s) + 60))
  while [ "$(acked_count)" -lt $want ]; do
    [ "$(date +%s)" -lt $deadline ] || fail "ingests did not resume (acknowledged: $(acked_count))"
    sleep 0.2
  done
}
stopped_lines() { "$DOCKER" logs "$(container_of backend)" 2>&1 | grep -c ' info stopped$' || true; }

wait_acks 10
before=$(stopped_lines)
t0=$(date +%s)
compose restart backend >/dev/null 2>&1 || fail "docker-compose restart backend failed"
restart_seconds=$(($(date +%s) - t0))
# stop_grace_period is 15 s: a server that ignored SIGTERM would be killed only then.
[ $restart_seconds -lt 12 ] || fail "restart took ${restart_seconds} s: SIGTERM did not stop the server"
[ "$(stopped_lines)" -gt "$before" ] || fail "the backend did not log 'stopped' on restart"
wait_healthy "$(date +%s)" >/dev/null
wait_acks 10
say "docker-compose restart backend: stopped on SIGTERM and back in ${restart_seconds} s"

backend_id=$(container_of backend)
before=$(stopped_lines)
"$DOCKER" kill -s TERM "$backend_id" >/dev/null
for _ in $(seq 60); do
  [ "$("$DOCKER" inspect -f '{{.State.Running}}' "$backend_id")" = false ] ||
    [ "$(stopped_lines)" -gt "$before" ] && break
  sleep 0.25
done
[ "$(stopped_lines)" -gt "$before" ] || fail "the backend did not log 'stopped' after SIGTERM"
compose up -d backend >/dev/null 2>&1 # the restart policy may already have started it
wait_healthy "$(date +%s)" >/dev/null
wait_acks 10
touch "$WORK/stop"
wait "$STREAM_PID" || true
STREAM_PID=""
say "SIGTERM to the backend (PID 1 in its container): it drained and logged 'stopped'"

stream_rows() {
  curl -sf --max-time 30 "$BACKEND/api/observations/?location=dogger-bank&parameter=sst&source=stacktest-stream&start=$(date -u -d "@$((base_epoch - 60))" +%Y-%m-%dT%H:%M:%SZ)&limit=10000" |
    jq -r '.results[].timestamp'
}
stream_rows >"$WORK/stored" || fail "cannot read back the streamed rows"
missing=0
while read -r batch; do
  for j in 0 1 2 3 4; do
    ts=$(date -u -d "@$((base_epoch + (batch * 5 + j) * 60))" +%Y-%m-%dT%H:%M:%SZ)
    grep -qxF "$ts" "$WORK/stored" || missing=$((missing + 1))
  done
done <"$WORK/acked"
[ $missing = 0 ] || fail "$missing rows of acknowledged batches are not in the database"
ACKED=$(acked_count)
STORED=$(wc -l <"$WORK/stored")
say "every acknowledged batch is stored: $ACKED batches acknowledged, $STORED rows stored"

# ---- down, then up: the volume keeps the rows ---------------------------------------------
compose down >/dev/null 2>&1 || fail "docker-compose down failed"
compose up -d >/dev/null 2>&1 || fail "docker-compose up (second time) failed"
UP2_SECONDS=$(wait_healthy "$(date +%s)")
[ "$(stream_rows | wc -l)" = "$STORED" ] || fail "after down and up the rows are not all there"
say "down, then up (healthy in ${UP2_SECONDS} s): the $STORED rows are still there"

# ---- the runtime image: only the libraries the binary links --------------------------------
base_manual=$("$DOCKER" run --rm --entrypoint apt-mark debian:12-slim showmanual | sort)
image_manual=$("$DOCKER" run --rm --entrypoint apt-mark "$BACKEND_IMAGE" showmanual | sort)
added=$(comm -13 <(echo "$base_manual") <(echo "$image_manual"))
mapfile -t added_packages <<<"$added"
# Inside the image: every library resolves, and each added package (the arguments) owns one.
# shellcheck disable=SC2016  # the script runs in the container, with its own expansions
lib_check=$("$DOCKER" run --rm --entrypoint bash "$BACKEND_IMAGE" -c '
  set -eu
  out=$(ldd /usr/local/bin/oceandash)
  if grep -q "not found" <<<"$out"; then echo "MISSING: $(grep "not found" <<<"$out")"; exit 0; fi
  libs=$(awk "/=>/ {print \$3}" <<<"$out" | xargs -n1 basename | sort -u)
  for package in "$@"; do
    [ "$package" = ca-certificates ] && continue
    owned=$(dpkg -L "$package" | xargs -n1 basename | sort -u)
    [ -n "$(comm -12 <(echo "$libs") <(echo "$owned"))" ] || echo "UNUSED: $package"
  done' _ "${added_packages[@]}")
[ -z "$lib_check" ] || fail "runtime image vs ldd of the binary: $lib_check"
say "runtime packages added to debian:12-slim, each providing a library ldd names:" \
  "$(echo "$added" | tr '\n' ' ')"

# ---- users, ports, sizes, memory ----------------------------------------------------------
for service in backend frontend; do
  id=$(container_of "$service")
  user=$("$DOCKER" inspect -f '{{.Config.User}}' "$id")
  uid=$(compose exec -T "$service" id -u)
  case "$user" in "" | root | 0 | 0:*) fail "$service runs as root (User: '$user')" ;; esac
  [ "$uid" != 0 ] || fail "$service runs as uid 0"
  say "$service runs as User $user (uid $uid)"
done
for service in postgres redis backend frontend; do
  bindings=$("$DOCKER" port "$(container_of "$service")")
  if grep -v '^[0-9]*/tcp -> 127\.0\.0\.1:' <<<"$bindings" | grep -q .; then
    fail "$service publishes a port beyond 127.0.0.1: $bindings"
  fi
done
say "every published port is on 127.0.0.1"

size_mb() { echo $(($("$DOCKER" image inspect -f '{{.Size}}' "$1") / 1000000)); }
BACKEND_MB=$(size_mb "$BACKEND_IMAGE")
FRONTEND_MB=$(size_mb "$FRONTEND_IMAGE")
[ "$BACKEND_MB" -lt 120 ] || fail "the backend image is $BACKEND_MB MB, not under 120 MB"
sleep 10 # idle: no request for a while
# shellcheck disable=SC2046  # one argument per container id
"$DOCKER" stats --no-stream --format '{{.Name}} {{.MemUsage}}' $(compose ps -q) >"$WORK/stats"
echo "stack.sh: results"
echo "  image sizes: $BACKEND_IMAGE $BACKEND_MB MB, $FRONTEND_IMAGE $FRONTEND_MB MB" \
  "(base debian:12-slim $(size_mb debian:12-slim) MB)"
echo "  up to healthy: ${UP_SECONDS} s (empty volume), ${UP2_SECONDS} s (existing volume)"
echo "  memory at idle (docker stats --no-stream):"
sed 's/^/    /' "$WORK/stats"
echo "stack.sh: PASS"
