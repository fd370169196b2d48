#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running service: installs what is missing,
# builds the server and the dashboard, then serves http://localhost:8000/ on the embedded defaults (SQLite in
# ./oceandash.db, in-process cache, the shipped locations). Extra arguments go to
# `oceandash serve` (see `build/oceandash serve --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh --target oceandash
scripts/web.sh build
exec build/oceandash serve --static web/out "$@"
