#!/usr/bin/env bash
# The Lambda zip, for real: dist/oceandash-lambda.zip is unpacked into a container that has no C
# library at all (only a static busybox) and its bootstrap runs there, as Lambda would start it,
# against the fake Runtime API and fake Secrets Manager (lambda_fake_runtime, on the host's
# loopback: the container shares the host's network) and a real backend (oceandash serve on a
# temporary SQLite). Three `cleanup` invocations must be answered by one process that read the
# secret once and deleted the expired row through POST /api/admin/cleanup/; an unknown handler
# must be reported to /runtime/init/error.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD_DIR=${OCEAN_BUILD_DIR:-build}
DOCKER=${DOCKER:-/usr/bin/docker}
IMAGE=oceandash-test/busybox:1
KEY=lambda-zip-test-key-0123456789

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
fail() {
  echo "tests/lambda/zip.sh: FAILED: $*" >&2
  exit 1
}

scripts/docker.sh engine || fail "the Docker engine is not available (see above)"
for package in busybox-static unzip; do
  if [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)" != "install ok installed" ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "$package" >/dev/null
  fi
done
scripts/build.sh --target oceandash lambda_fake_runtime >/dev/null
scripts/package-lambda.sh

work=$(mktemp -d /tmp/oceandash-lambda-zip-XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

if ! "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1; then
  mkdir -p "$work/rootfs/bin" "$work/rootfs/tmp"
  cp /bin/busybox "$work/rootfs/bin/busybox"
  ln -s busybox "$work/rootfs/bin/sh"
  tar -C "$work/rootfs" -c . | "$DOCKER" import - "$IMAGE" >/dev/null
fi
# No C library in the image: nothing but the static busybox.
if "$DOCKER" run --rm "$IMAGE" /bin/busybox find / -xdev -name 'libc.so*' 2>/dev/null | grep -q .; then
  fail "$IMAGE has a C library"
fi

mkdir -p "$work/task"
unzip -q "$ROOT/dist/oceandash-lambda.zip" -d "$work/task"

# The backend: a real server with one expired and one recent observation.
# shellcheck source=tests/lambda/backend.sh
. tests/lambda/backend.sh
start_backend "$work" "$KEY"
[ -n "$port" ] || fail "the backend did not start: $(cat "$work/server.err")"
old=$(date -u -d '40 days ago' +%Y-%m-%dT%H:00:00Z)
new=$(date -u -d '1 day ago' +%Y-%m-%dT%H:00:00Z)
curl -fsS -X POST "http://127.0.0.1:$port/api/observations/ingest/" -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/json' \
  -d "[{\"location_id\":\"monterey-bay\",\"parameter\":\"sst\",\"timestamp\":\"$old\",\"value\":14.1,\"quality_flag\":\"good\",\"source\":\"manual\"},
       {\"location_id\":\"monterey-bay\",\"parameter\":\"sst\",\"timestamp\":\"$new\",\"value\":14.2,\"quality_flag\":\"good\",\"source\":\"manual\"}]" \
  >/dev/null

report=$(API_URL="http://127.0.0.1:$port/api" _HANDLER=cleanup \
  "$BUILD_DIR/src/lambda/lambda_fake_runtime" --events 3 --api-key "$KEY" -- \
  "$DOCKER" run --rm --network host --read-only -v "$work/task:/var/task:ro" -w /var/task \
  -e LAMBDA_TASK_ROOT=/var/task -e AWS_LAMBDA_RUNTIME_API -e _HANDLER -e API_URL \
  -e AWS_ENDPOINT_URL_SECRETS_MANAGER -e AWS_REGION -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY \
  -e AWS_SESSION_TOKEN -e BACKEND_SECRET "$IMAGE" /var/task/bootstrap) ||
  fail "not every invocation was answered: $report"
echo "$report"
echo "$report" | grep -q '"secret_reads":1' || fail "the secret was not read exactly once"
echo "$report" | grep -q '\\"deleted\\":1' || fail "the first cleanup did not delete the expired row"
count=$(curl -fsS "http://127.0.0.1:$port/api/observations/?location=monterey-bay&start=2000-01-01T00:00:00Z" |
  grep -o '"count":[0-9]*' | cut -d: -f2)
[ "$count" = 1 ] || fail "the backend holds $count observations, expected 1"
# A start-up failure (an unknown handler) is reported to /runtime/init/error and the process
# exits instead of serving.
report=$(API_URL="http://127.0.0.1:$port/api" _HANDLER=fetch_everything \
  "$BUILD_DIR/src/lambda/lambda_fake_runtime" --events 1 --api-key "$KEY" -- \
  "$DOCKER" run --rm --network host --read-only -v "$work/task:/var/task:ro" -w /var/task \
  -e LAMBDA_TASK_ROOT=/var/task -e AWS_LAMBDA_RUNTIME_API -e _HANDLER -e API_URL \
  -e AWS_ENDPOINT_URL_SECRETS_MANAGER -e AWS_REGION -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY \
  -e AWS_SESSION_TOKEN -e BACKEND_SECRET "$IMAGE" /var/task/bootstrap) && fail "an unknown handler was served"
echo "$report"
echo "$report" | grep -q '"kind":"init_error","request_id":"","error_type":"Runtime.UnknownHandler"' ||
  fail "the unknown handler was not reported to /runtime/init/error"
echo "$report" | grep -q '"exit_status":1' || fail "the runtime did not exit after its init error"

echo "tests/lambda/zip.sh: ok: $(stat -c %s "$ROOT/dist/oceandash-lambda.zip") bytes, three invocations answered in a container without a C library"
