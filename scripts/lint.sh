#!/usr/bin/env bash
# Fails when a C++ file is not formatted by the checked-in .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG_FORMAT=$(command -v clang-format-14 || command -v clang-format)
git ls-files '*.cpp' '*.hpp' | xargs "$CLANG_FORMAT" --dry-run -Werror
