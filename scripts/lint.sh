#!/usr/bin/env bash
# Style and static checks, as CI runs them:
#   clang-format: every C++ file matches .clang-format
#   clang-tidy:   the curated checks of .clang-tidy on every library source (needs build/)
# `scripts/lint.sh format` runs only the first.
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG_FORMAT=$(command -v clang-format-14 || command -v clang-format)
git ls-files '*.cpp' '*.hpp' | xargs "$CLANG_FORMAT" --dry-run -Werror
[ "${1:-}" = "format" ] && exit 0

CLANG_TIDY=$(command -v clang-tidy-14 || command -v clang-tidy)
BUILD_DIR=${OCEAN_BUILD_DIR:-build}
git ls-files 'src/*.cpp' | grep -v '_test\.cpp$' |
  xargs -P "$(nproc)" -n 4 "$CLANG_TIDY" -p "$BUILD_DIR" --quiet 2>/dev/null
