#!/usr/bin/env bash
# The README's first command on a fresh Debian 12: clones the committed HEAD, runs
# `scripts/run.sh` as root in a bare debian:12 container (debootstrap minbase, nothing
# installed), and checks through a port published on 127.0.0.1 that the API answers
# /api/health/ and /api/locations/ (the twelve shipped sites) and that / is the dashboard.
# Removes the container and the clone however it ends. Prints how long each part took.
#
#   tests/fresh-debian/run.sh            OCEAN_FRESH_TIMEOUT (seconds, default 7200) bounds
#                                        the wait for the server
#
# The container shares the host's ccache folder (compiler_check=content in scripts/build.sh),
# npm cache and a folder of downloaded .deb files, so a second run compiles from the cache.
# The clone sits at the same absolute path inside the container as on the host, and at the
# same path on every run: ccache keys debug builds on the working directory. The container
# never writes into this working tree. Run as root, like CI: the container's root writes into
# the shared caches.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DOCKER=${DOCKER:-/usr/bin/docker}
IMAGE=debian:12
NAME=oceandash-fresh-debian
WORK=/tmp/oceandash-fresh-debian
SRC=$WORK/src
# Generous: a cold run installs every package and compiles everything, on a shared CI machine.
TIMEOUT=${OCEAN_FRESH_TIMEOUT:-7200}
# The README promises this port; inside the container nothing else listens.
PORT=8000
# Marker from web/src/app/layout.tsx's <title>, present in web/out/index.html.
DASHBOARD_MARKER='<title>Ocean Data Dashboard</title>'
SITES=12

say() { echo "fresh-debian: $*" >&2; }
fail() {
  say "FAILED: $*"
  exit 1
}

exec 9>/tmp/oceandash-fresh-debian.lock
flock -n 9 || fail "another tests/fresh-debian/run.sh holds /tmp/oceandash-fresh-debian.lock"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# The clone holds files the container's root wrote.
cleanup() {
  "$DOCKER" rm -f "$NAME" >/dev/null 2>&1 || true
  as_root rm -rf "$WORK"
}
trap cleanup EXIT
begin=$SECONDS

if ! scripts/docker.sh base-images; then
  fail "Docker could not be started or $IMAGE could not be made" \
    "(scripts/docker.sh base-images, see above)"
fi
# A previous run killed before its trap may have left these behind.
cleanup
say "engine and $IMAGE ready in $((SECONDS - begin)) s"

mark=$SECONDS
mkdir -p "$WORK"
git clone --quiet --depth 1 "file://$ROOT" "$SRC" || fail "git clone of $ROOT failed"
say "cloned $(git -C "$SRC" rev-parse --short HEAD) into $SRC in $((SECONDS - mark)) s"

# The host's caches, at their own paths so the container's tools find them as the host's do.
ccache_dir=$(ccache -k cache_dir 2>/dev/null || true)
[ -n "$ccache_dir" ] || ccache_dir=$HOME/.cache/ccache
mkdir -p "$ccache_dir"
# The container's compiles are counted in their own stats log: other builds on this machine
# share the cache and its counters.
stats_log=$WORK/ccache-stats.log
cache_args=(-v "$ccache_dir:$ccache_dir" -e "CCACHE_DIR=$ccache_dir"
  -e "CCACHE_STATSLOG=$stats_log")
if command -v npm >/dev/null; then
  npm_cache=$(npm config get cache)
  mkdir -p "$npm_cache"
  cache_args+=(-v "$npm_cache:/root/.npm")
fi
# Downloaded .deb files are kept for the next run (apt still installs each one afresh).
apt_cache=/var/cache/oceandash-fresh-debian/apt-archives
mkdir -p "$apt_cache"
cache_args+=(-v "$apt_cache:/var/cache/apt/archives")
# This machine reaches the npm registry only through its own CA bundle and registry setting;
# a user's machine needs neither. Mounted beside, not over, the container's bundle, which
# the ca-certificates package writes when run.sh installs it.
net_args=()
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  net_args+=(-v /etc/ssl/certs/ca-certificates.crt:/etc/oceandash-host-ca.crt:ro
    -e NODE_EXTRA_CA_CERTS=/etc/oceandash-host-ca.crt)
fi
if command -v npm >/dev/null; then
  net_args+=(-e "NPM_CONFIG_REGISTRY=$(npm config get registry)")
fi

mark=$SECONDS
# --no-scheduler: the first start would otherwise fetch every source from the upstream data
# servers; this test talks only to the container (apt and npm reach their own mirrors).
"$DOCKER" run -d --name "$NAME" -p "127.0.0.1::$PORT" -v "$WORK:$WORK" -w "$SRC" \
  "${cache_args[@]}" "${net_args[@]}" "$IMAGE" \
  scripts/run.sh --port "$PORT" --no-scheduler >/dev/null || fail "docker run failed"
published=$("$DOCKER" port "$NAME" "$PORT/tcp" | grep '^127\.0\.0\.1:' | head -n 1)
[ -n "$published" ] || fail "no port published on 127.0.0.1"
base=http://$published
say "container $NAME started: scripts/run.sh, served on $base"

logs() {
  say "the container's output ends:"
  "$DOCKER" logs --tail 60 "$NAME" 2>&1 | sed 's/^/  | /' >&2
}

until curl -fsS -o /dev/null --max-time 5 "$base/api/health/" 2>/dev/null; do
  if [ "$("$DOCKER" inspect -f '{{.State.Running}}' "$NAME" 2>/dev/null)" != true ]; then
    logs
    status=$("$DOCKER" inspect -f '{{.State.ExitCode}}' "$NAME")
    fail "scripts/run.sh exited with status $status before the server answered"
  fi
  if [ $((SECONDS - mark)) -ge "$TIMEOUT" ]; then
    logs
    fail "no answer from $base/api/health/ within $TIMEOUT s"
  fi
  sleep 5
done
say "server answered after $((SECONDS - mark)) s; scripts/run.sh's steps:"
"$DOCKER" logs "$NAME" 2>&1 | grep '^run.sh: ' | sed 's/^/  /' >&2

check() {
  local what=$1 path=$2 body
  body=$(curl -fsS --max-time 10 "$base$path") || {
    logs
    fail "$what: GET $path did not answer 200"
  }
  printf '%s' "$body"
}

health=$(check health /api/health/)
grep -q '"status":"ok"' <<<"$health" || fail "GET /api/health/ answered $health"
index=$(check dashboard /)
grep -qF "$DASHBOARD_MARKER" <<<"$index" ||
  fail "GET / is not the dashboard (no '$DASHBOARD_MARKER')"
locations=$(check locations /api/locations/)
count=$(grep -o '"id":"[a-z0-9_-]*"' <<<"$locations" | sort -u | wc -l)
[ "$count" -eq $SITES ] || fail "GET /api/locations/ lists $count sites, not $SITES"
say "GET /api/health/ ok, GET / is the dashboard, GET /api/locations/ lists $count sites"

if [ -f "$stats_log" ]; then
  say "ccache in the container (hits: compiles it did not repeat):"
  CCACHE_DIR=$ccache_dir CCACHE_STATSLOG=$stats_log ccache --show-log-stats |
    grep -iE 'hits|misses|cacheable' | sed 's/^/  /' >&2
fi
say "PASSED in $((SECONDS - begin)) s"
