#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, checks formatting and clang-tidy, starts a
# real PostgreSQL 15 and Redis 7 in a temporary folder on loopback ports, runs the unit and
# integration tests with CTest and the OpenAPI contract tests (the real server against the
# document), stops the servers again, then the Terraform checks, the dashboard's unit and
# end-to-end tests (Debian's Chromium against the real server), and the container tests on the
# Docker engine (images, the compose stack, the production overlay with TLS, backups, the Lambda
# zip in a container without a C library, and the README's first command in a bare debian:12).
#
# OCEAN_SKIP_CONTAINERS=1 leaves out the container tests (for a quick local run only; CI runs
# everything).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
step() { echo "== $1 ($((SECONDS - started)) s)"; }

scripts/install-deps.sh --test
scripts/build.sh

step "clang-format, clang-tidy"
scripts/lint.sh

export OCEAN_SERVICES_DIR=${OCEAN_SERVICES_DIR:-$(mktemp -d /tmp/oceandash-test-XXXXXX)}
trap 'scripts/services.sh stop >/dev/null 2>&1 || true' EXIT
scripts/services.sh start >/dev/null
# shellcheck disable=SC1091
. "$OCEAN_SERVICES_DIR/services.env"

step "ctest"
# Serial: some tests stop and restart the shared PostgreSQL and Redis on purpose.
ctest --test-dir "${OCEAN_BUILD_DIR:-build}" --output-on-failure --timeout 300 "$@"

step "OpenAPI contract"
tests/openapi/run.sh
scripts/services.sh stop >/dev/null 2>&1 || true

step "Terraform"
tests/terraform/run.sh

step "dashboard"
scripts/web.sh test

if [ "${OCEAN_SKIP_CONTAINERS:-}" != 1 ]; then
  step "containers: static checks"
  tests/docker/static.sh
  step "containers: the stack"
  tests/docker/stack.sh
  # The production overlay and the backups run on the two images stack.sh has just built from
  # the repository's Dockerfiles, instead of compiling the server a second time.
  step "containers: the production overlay"
  REUSE_IMAGES=1 BACKEND_IMAGE=oceandash/backend:test FRONTEND_IMAGE=oceandash/frontend:test \
    tests/docker/prod.sh
  step "containers: backup and restore"
  REUSE_IMAGES=1 BACKEND_IMAGE=oceandash/backend:test FRONTEND_IMAGE=oceandash/frontend:test \
    tests/docker/backup.sh
  step "containers: the EC2 entrypoint"
  tests/docker/entrypoint.sh
  step "containers: the Lambda zip"
  tests/lambda/zip.sh
  step "containers: the README's first command in a bare debian:12"
  tests/fresh-debian/run.sh
fi
step "all tests passed"
