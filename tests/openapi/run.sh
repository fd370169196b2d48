#!/usr/bin/env bash
# The OpenAPI contract tests: src/api/openapi.json validated by swagger-parser, and live answers
# of the real oceandash (OCEANDASH_BIN, else $OCEAN_BUILD_DIR/oceandash, else build/oceandash)
# checked against it with Ajv.
#
#   tests/openapi/run.sh              npm ci when node_modules is missing or the lock changed,
#                                     then node --test
#
# The live test also needs PostgreSQL (a server whose database disappears answers 503): it uses
# OCEAN_TEST_PG_URL when set (scripts/services.sh env), and otherwise starts
# scripts/services.sh in a temporary folder for the run. Needs Node 18.19 or newer with npm,
# and the sqlite3 and psql command-line tools.
set -euo pipefail
bin=${OCEANDASH_BIN:-}
if [ -n "$bin" ] && [ "${bin#/}" = "$bin" ]; then bin=$PWD/$bin; fi
cd "$(dirname "$0")"
HERE=$PWD
ROOT=$(cd ../.. && pwd)

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "tests/openapi/run.sh: node and npm are required (Node 18.19 or newer)" >&2
  exit 1
fi
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number);
              process.exit(a > 18 || (a === 18 && b >= 19) ? 0 : 1)'; then
  echo "tests/openapi/run.sh: Node $(node --version) is too old; 18.19 or newer is required" >&2
  exit 1
fi

stamp=$HERE/node_modules/.oceandash-lock.sha256
want=$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)
if [ ! -d "$HERE/node_modules" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
fi

build_dir=${OCEAN_BUILD_DIR:-build}
if [ "${build_dir#/}" = "$build_dir" ]; then build_dir=$ROOT/$build_dir; fi
bin=${bin:-$build_dir/oceandash}
if [ ! -x "$bin" ]; then
  echo "tests/openapi/run.sh: $bin is missing: run scripts/build.sh --target oceandash first" >&2
  exit 1
fi
export OCEANDASH_BIN=$bin

if [ -z "${OCEAN_TEST_PG_URL:-}" ]; then
  OCEAN_SERVICES_DIR=$(mktemp -d /tmp/oceandash-openapi-svc-XXXXXX)
  export OCEAN_SERVICES_DIR
  trap '"$ROOT/scripts/services.sh" stop >/dev/null 2>&1 || true' EXIT
  "$ROOT/scripts/services.sh" start >/dev/null
  # shellcheck disable=SC1091
  . "$OCEAN_SERVICES_DIR/services.env"
fi

node --test document.test.mjs live.test.mjs
