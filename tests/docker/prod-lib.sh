# Sourced by tests/docker/prod.sh and tests/docker/backup.sh: the production combination
# (docker-compose.yml + docker-compose.prod.yml, never the dev override) as its own compose
# project, with Caddy's internal CA for a test domain, its ports published on 127.0.0.1 only,
# and everything it started removed on exit (containers, networks, volumes).
#
# Images: POSTGRES_IMAGE, REDIS_IMAGE, CADDY_IMAGE and BACKUP_IMAGE are the local test images
# (scripts/docker.sh test-images); BACKEND_IMAGE and FRONTEND_IMAGE are built from the
# repository's Dockerfiles unless they name images that exist already (to reuse a build).
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
TEST_NAME=${TEST_NAME:-prod}

fail() {
  echo "$TEST_NAME test: FAIL: $*" >&2
  exit 1
}
say() { echo "$TEST_NAME test: $*"; }

[ "$(id -u)" = 0 ] || fail "run as root (it starts dockerd and containers)"
if ! scripts/docker.sh test-images; then
  fail "Docker cannot run here: scripts/docker.sh could not start dockerd or make the test images (see above)"
fi
eval "$(scripts/docker.sh env)"
export POSTGRES_IMAGE REDIS_IMAGE CADDY_IMAGE BACKUP_IMAGE
COMPOSE=${COMPOSE:-docker-compose}
command -v "$COMPOSE" >/dev/null || fail "$COMPOSE is missing (scripts/docker.sh engine installs it)"

have_image() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }
export BACKEND_IMAGE=${BACKEND_IMAGE:-oceandash-test/backend:prod}
export FRONTEND_IMAGE=${FRONTEND_IMAGE:-oceandash-test/frontend:prod}
if [ "${REUSE_IMAGES:-0}" != 1 ] || ! have_image "$BACKEND_IMAGE"; then
  say "building $BACKEND_IMAGE (infra/docker/Dockerfile.backend)"
  DOCKER_BUILDKIT=1 "$DOCKER" build -q -t "$BACKEND_IMAGE" -f infra/docker/Dockerfile.backend . >/dev/null ||
    fail "the backend image did not build"
fi
if [ "${REUSE_IMAGES:-0}" != 1 ] || ! have_image "$FRONTEND_IMAGE"; then
  say "building $FRONTEND_IMAGE (infra/docker/Dockerfile.frontend)"
  DOCKER_BUILDKIT=1 "$DOCKER" build -q -t "$FRONTEND_IMAGE" -f infra/docker/Dockerfile.frontend . >/dev/null ||
    fail "the frontend image did not build"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

PROJECT=oceandash-${TEST_NAME}-test-$$
WORK=$(mktemp -d "/tmp/oceandash-$TEST_NAME-test-XXXXXX")
export COMPOSE_PROJECT_NAME=$PROJECT
export DOMAIN_NAME=dash.oceandash.test CADDY_TLS=internal PROXY_BIND=127.0.0.1
HTTP_PORT=$(free_port)
HTTPS_PORT=$(free_port)
export HTTP_PORT HTTPS_PORT
# The secrets, as the host keeps them: a root-only folder of files the containers can read.
install -d -m 0700 "$WORK/secrets"
API_KEY=prod-test-key-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s' "prod-test-db-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$WORK/secrets/postgres_password"
printf '%s' "$API_KEY" >"$WORK/secrets/api_key"
chmod 0644 "$WORK/secrets/postgres_password" "$WORK/secrets/api_key"
export SECRETS_DIR=$WORK/secrets
# No upstream fetching in a test: it would leave loopback.
export OCEAN_NO_SCHEDULER=1

compose() { "$COMPOSE" -f docker-compose.yml -f docker-compose.prod.yml "$@"; }
EXTRA_CONTAINERS=()

cleanup() {
  local status=$?
  if [ "$status" != 0 ] && [ -n "${KEEP_LOGS:-}" ]; then compose logs --no-color >&2 || true; fi
  # Containers a test started beside the project (on its network) go first.
  for extra in "${EXTRA_CONTAINERS[@]}"; do "$DOCKER" rm -f -v "$extra" >/dev/null 2>&1 || true; done
  compose down -v --remove-orphans --timeout 20 >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

BASE=https://$DOMAIN_NAME:$HTTPS_PORT
# curl to the test domain on loopback; the internal CA's root is trusted once it is fetched.
CA=$WORK/caddy-root.crt
https() { curl -sS --resolve "$DOMAIN_NAME:$HTTPS_PORT:127.0.0.1" --cacert "$CA" "$@"; }

prod_up() {
  say "starting the production combination as project $PROJECT (HTTPS on 127.0.0.1:$HTTPS_PORT)"
  compose up -d >"$WORK/up.log" 2>&1 || {
    cat "$WORK/up.log" >&2
    compose logs --no-color --tail 50 >&2 || true
    fail "docker-compose up failed"
  }
  local caddy
  for _ in $(seq 90); do
    caddy=$(compose ps -q caddy)
    if [ -n "$caddy" ] &&
      "$DOCKER" cp "$caddy:/data/caddy/pki/authorities/local/root.crt" "$CA" 2>/dev/null &&
      [ "$(https -o /dev/null -w '%{http_code}' "$BASE/api/health/" 2>/dev/null)" = 200 ]; then
      return 0
    fi
    sleep 2
  done
  compose ps >&2
  compose logs --no-color --tail 40 >&2 || true
  fail "the stack did not answer 200 on $BASE/api/health/ within 3 minutes"
}

# A field of the JSON on stdin, by a Python expression on `d` (e.g. d["backup"]["status"]).
json_field() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
