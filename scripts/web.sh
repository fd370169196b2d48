#!/usr/bin/env bash
# The dashboard (web/): a static Next.js export served by `oceandash serve --static web/out`.
#
#   scripts/web.sh build        npm ci (when node_modules is missing or the lock changed), lint,
#                               then next build -> web/out. NEXT_PUBLIC_API_URL (default /api)
#                               is baked in at build time for a separate frontend container.
#   scripts/web.sh test         lint (ESLint, no warnings allowed), the check that
#                               src/lib/api-types.ts matches src/api/openapi.json, unit tests
#                               (vitest), then end-to-end tests (node --test) in Debian's
#                               Chromium against oceandash on a temp SQLite; builds web/out
#                               first when it is older than the sources.
#   scripts/web.sh lint         ESLint (Next's rules with the React hooks rules as errors)
#   scripts/web.sh api-types    regenerates web/src/lib/api-types.ts from src/api/openapi.json
#   scripts/web.sh screenshots  the end-to-end run, writing docs/screenshots/*.png
#   scripts/web.sh bench        first-load benchmark (web/bench/first-load.mjs)
#
# Needs Node >= 18.18 with npm (Debian 12's nodejs 18.19 will do: Next.js 15 and the pinned
# test tools run on it). Installs chromium with apt-get when missing (never downloads a
# browser of its own). `test`, `screenshots` and `bench` need oceandash
# (scripts/build.sh --target oceandash): OCEANDASH_BIN, else $OCEAN_BUILD_DIR/oceandash, else
# build/oceandash.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WEB=$ROOT/web
export NEXT_TELEMETRY_DISABLED=1

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Next.js 15 needs 18.18; the pinned vitest 3, vite 6 and playwright-core 1.61 accept Node 18.
MIN_NODE=18.18

need_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "web.sh: node and npm are required (Node $MIN_NODE or newer): scripts/install-deps.sh" >&2
    exit 1
  fi
  if ! node -e '
    const [major, minor] = process.versions.node.split(".").map(Number);
    const [want_major, want_minor] = process.argv[1].split(".").map(Number);
    process.exit(major > want_major || (major === want_major && minor >= want_minor) ? 0 : 1);
  ' "$MIN_NODE"; then
    echo "web.sh: Node $(node --version) ($(command -v node)) is too old;" \
      "Node $MIN_NODE or newer is required" >&2
    exit 1
  fi
}

deps() {
  need_node
  local stamp=$WEB/node_modules/.oceandash-lock.sha256
  local want
  want=$(sha256sum "$WEB/package-lock.json" | cut -d' ' -f1)
  if [ ! -d "$WEB/node_modules" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    (cd "$WEB" && npm ci --no-audit --no-fund)
    echo "$want" >"$stamp"
  fi
}

lint() {
  (cd "$WEB" && npx --no-install eslint --max-warnings 0 .)
}

API_TYPES=src/lib/api-types.ts

generate_api_types() { # <output file, relative to web/>
  (cd "$WEB" && npx --no-install openapi-typescript ../src/api/openapi.json --output "$1")
}

# The committed types must be what the contract generates today.
check_api_types() {
  local fresh
  fresh=$(mktemp "${TMPDIR:-/tmp}/api-types-XXXXXX.ts")
  generate_api_types "$fresh"
  if ! diff -u "$WEB/$API_TYPES" "$fresh" >&2; then
    rm -f "$fresh"
    echo "web.sh: web/$API_TYPES is out of date with src/api/openapi.json:" \
      "run scripts/web.sh api-types and commit it" >&2
    exit 1
  fi
  rm -f "$fresh"
  echo "web.sh: web/$API_TYPES matches src/api/openapi.json"
}

build() {
  deps
  lint
  # Linted just above with --max-warnings 0; `next build` on its own (npm run build, the
  # frontend image) lints too.
  (cd "$WEB" && npx --no-install next build --no-lint)
  echo "web.sh: dashboard built in web/out"
}

# Rebuild only when a source is newer than the last export.
build_if_stale() {
  if [ ! -f "$WEB/out/index.html" ] ||
    [ -n "$(find "$WEB/src" "$WEB/public" "$WEB/next.config.mjs" "$WEB/package-lock.json" "$WEB/.eslintrc.json" -newer "$WEB/out/index.html" -print -quit)" ]; then
    build
  fi
}

need_chromium() {
  if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
}

need_server() {
  local build_dir=${OCEAN_BUILD_DIR:-build}
  case $build_dir in /*) ;; *) build_dir=$ROOT/$build_dir ;; esac
  export OCEANDASH_BIN=${OCEANDASH_BIN:-$build_dir/oceandash}
  if [ ! -x "$OCEANDASH_BIN" ]; then
    echo "web.sh: $OCEANDASH_BIN is missing: run scripts/build.sh --target oceandash first" >&2
    exit 1
  fi
}

e2e() {
  need_server
  need_chromium
  build_if_stale
  (cd "$WEB" && node --test --test-reporter=spec e2e/)
}

case "${1:-}" in
  build)
    build
    ;;
  lint)
    deps
    lint
    ;;
  api-types)
    deps
    generate_api_types "$API_TYPES"
    ;;
  test)
    deps
    lint
    check_api_types
    (cd "$WEB" && npx --no-install vitest run)
    e2e
    ;;
  screenshots)
    deps
    SCREENSHOT_DIR=$ROOT/docs/screenshots e2e
    ;;
  bench)
    deps
    need_server
    need_chromium
    build_if_stale
    (cd "$WEB" && node bench/first-load.mjs "${@:2}")
    ;;
  *)
    echo "usage: scripts/web.sh build|test|lint|api-types|screenshots|bench" >&2
    exit 2
    ;;
esac
