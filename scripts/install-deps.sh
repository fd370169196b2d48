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
# The dashboard needs Node.js >= 18.18 with npm (scripts/web.sh checks the same). Debian 12's
# nodejs (18.19) is installed when the machine has no node; a newer node of the user's own
# (NodeSource, nvm) is kept. An older node from Debian's package is upgraded; an older one from
# elsewhere would still come first in PATH, so it stops the script with what to do.
MIN_NODE_MAJOR=18
MIN_NODE_MINOR=18
upgrade=()
if ! command -v node >/dev/null; then
  packages+=(nodejs npm)
else
  node_version=$(node --version 2>/dev/null || echo v0.0.0)
  IFS=. read -r node_major node_minor _ <<<"${node_version#v}"
  if [ "$node_major" -lt $MIN_NODE_MAJOR ] ||
    { [ "$node_major" -eq $MIN_NODE_MAJOR ] && [ "$node_minor" -lt $MIN_NODE_MINOR ]; }; then
    node_path=$(readlink -f "$(command -v node)")
    if dpkg-query -S "$node_path" 2>/dev/null | grep -q '^nodejs:'; then
      upgrade+=(nodejs npm)
    else
      echo "install-deps.sh: $node_path is Node $node_version; the dashboard needs" \
        "$MIN_NODE_MAJOR.$MIN_NODE_MINOR or newer. Upgrade it, or remove it so that Debian's" \
        "nodejs is installed." >&2
      exit 1
    fi
  fi
  # A node without npm: Debian's npm runs on whichever node comes first in PATH.
  command -v npm >/dev/null || packages+=(npm)
fi
if [ "${1:-}" = "--test" ]; then
  packages+=(postgresql-15 postgresql-client-15 redis-server redis-tools clang-format-14 clang-tidy-14 wrk chromium)
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
missing+=("${upgrade[@]}")
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# The server packages try to start system services; the tests start their own instances.
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
