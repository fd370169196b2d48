#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running service: installs what is missing,
# builds the server and the dashboard, then serves http://localhost:8000/ on the embedded
# defaults (SQLite in ./oceandash.db, in-process cache, the shipped locations). Extra arguments
# go to `oceandash serve` (see `build/oceandash serve --help`).
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step says how long it took: on a fresh machine the first run installs packages and
# compiles everything, and a user should see where the time went.
step() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  echo "run.sh: $name done in $((SECONDS - start)) s" >&2
}

step "packages" scripts/install-deps.sh
step "server build" scripts/build.sh --target oceandash
step "dashboard build" scripts/web.sh build
exec build/oceandash serve --static web/out "$@"
