#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, checks formatting and clang-tidy, starts a
# real PostgreSQL 15 and Redis 7 in a temporary folder on loopback ports, runs the unit and
# integration tests with CTest, stops the servers again, then runs the dashboard's unit tests
# (Vitest) and end-to-end tests (Debian's Chromium against the real server).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh

echo "== clang-format, clang-tidy"
scripts/lint.sh

export OCEAN_SERVICES_DIR=${OCEAN_SERVICES_DIR:-$(mktemp -d /tmp/oceandash-test-XXXXXX)}
trap 'scripts/services.sh stop >/dev/null 2>&1 || true' EXIT
scripts/services.sh start >/dev/null
# shellcheck disable=SC1091
. "$OCEAN_SERVICES_DIR/services.env"

echo "== ctest"
# Serial: some tests stop and restart the shared PostgreSQL and Redis on purpose.
ctest --test-dir "${OCEAN_BUILD_DIR:-build}" --output-on-failure --timeout 300 "$@"
scripts/services.sh stop >/dev/null 2>&1 || true

echo "== dashboard"
scripts/web.sh test
