#!/usr/bin/env bash
# Configures and builds into build/ (Ninja, ccache). Extra arguments go to cmake --build.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${OCEAN_BUILD_DIR:-build}
# ccache keys on the compiler's contents, not its mtime: a compiler installed afresh (a new
# container sharing the host's cache, tests/fresh-debian/run.sh) is then the same compiler.
export CCACHE_COMPILERCHECK=${CCACHE_COMPILERCHECK:-content}
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
fi
cmake --build "$BUILD_DIR" -j "$(nproc)" "$@"
