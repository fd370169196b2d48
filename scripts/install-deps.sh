#!/usr/bin/env bash
# Installs the Debian 12 packages this project needs that are missing. Run as root (or with
# sudo). Safe to run again: it installs nothing when everything is present.
#
#   scripts/install-deps.sh          build and run the service
#   scripts/install-deps.sh --test   also PostgreSQL 15, Redis 7, wrk, linters for the tests
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libpq-dev libsqlite3-dev libhiredis-dev libcurl4-openssl-dev zlib1g-dev libblosc-dev
  libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  ca-certificates sqlite3 curl
)
# The dashboard needs Node.js >= 18.18 with npm; Debian 12's nodejs (18.19) will do when the
# machine has none of its own.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
if [ "${1:-}" = "--test" ]; then
  packages+=(postgresql-15 postgresql-client-15 redis-server redis-tools clang-format-14 clang-tidy-14 wrk chromium)
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# The server packages try to start system services; the tests start their own instances.
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
