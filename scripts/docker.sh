#!/usr/bin/env bash
# The Docker engine and the base images the container tests need, on a machine that may reach
# no image registry (only the Debian mirror in its apt sources).
#
#   scripts/docker.sh engine       install docker.io, docker-compose and debootstrap when
#                                  missing; start dockerd when it is not answering
#   scripts/docker.sh base-images  engine, then debian:12 and debian:12-slim: pulled when a
#                                  registry answers, otherwise made with debootstrap from the
#                                  machine's Debian mirror and loaded with `docker import`
#   scripts/docker.sh test-images  base-images, then PostgreSQL 15, Redis 7 and Caddy 2.6 images
#                                  built from debian:12-slim with Debian's packages (for
#                                  POSTGRES_IMAGE, REDIS_IMAGE and CADDY_IMAGE when the official
#                                  images cannot be pulled), and the backup image on that
#                                  PostgreSQL (BACKUP_IMAGE)
#   scripts/docker.sh env          print DOCKER=... and the image variables to eval
#
# Images are kept between runs; a fresh machine makes them once (about two minutes).
# Debian's client (/usr/bin/docker, 20.10) is used on purpose: it has BuildKit built in, where a
# newer client without buildx in /usr/local/bin does not.
set -euo pipefail
cd "$(dirname "$0")/.."

DOCKER=${DOCKER:-/usr/bin/docker}
TEST_POSTGRES_IMAGE=oceandash-test/postgres:15
TEST_REDIS_IMAGE=oceandash-test/redis:7
TEST_CADDY_IMAGE=oceandash-test/caddy:2.6
TEST_BACKUP_IMAGE=oceandash-test/backup:15

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

engine() {
  local missing=()
  for package in docker.io docker-compose debootstrap; do
    [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)" = "install ok installed" ] ||
      missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "docker.sh: installing ${missing[*]}" >&2
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
  "$DOCKER" info >/dev/null 2>&1 && return 0
  echo "docker.sh: starting dockerd" >&2
  as_root sh -c 'nohup dockerd >/var/log/oceandash-dockerd.log 2>&1 &'
  for _ in $(seq 60); do
    "$DOCKER" info >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "docker.sh: dockerd did not start; its log (/var/log/oceandash-dockerd.log) ends:" >&2
  tail -n 20 /var/log/oceandash-dockerd.log >&2 || true
  exit 1
}

have_image() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

# The first deb URI of the machine's apt sources (deb822 or one-line form) for bookworm.
debian_mirror() {
  local uri
  uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '{print $2}' | grep -v security | head -n 1 || true)
  if [ -z "$uri" ]; then
    uri=$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' |
      grep -v security | head -n 1 || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

import_rootfs() {
  as_root tar -C "$1" -c . | "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' - "$2" >/dev/null
}

# One debootstrap of a minbase bookworm makes both: debian:12 as it is, debian:12-slim without
# documentation and locales, as the official slim image drops them.
make_base_images() {
  local root
  root=$(mktemp -d /tmp/oceandash-rootfs-XXXXXX)
  echo "docker.sh: making debian:12 and debian:12-slim with debootstrap from $(debian_mirror)" >&2
  as_root debootstrap --variant=minbase bookworm "$root" "$(debian_mirror)" >/dev/null
  as_root rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  have_image debian:12 || import_rootfs "$root" debian:12
  as_root rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
    "$root"/usr/share/locale/*
  have_image debian:12-slim || import_rootfs "$root" debian:12-slim
  as_root rm -rf "$root"
}

base_images() {
  engine
  have_image debian:12 && have_image debian:12-slim && return 0
  # A registry that answers is used; one that does not is given a short time only.
  timeout 20 "$DOCKER" pull -q debian:12 >/dev/null 2>&1 &&
    timeout 60 "$DOCKER" pull -q debian:12-slim >/dev/null 2>&1 && return 0
  make_base_images
}

test_images() {
  base_images
  if ! have_image "$TEST_POSTGRES_IMAGE"; then
    echo "docker.sh: building $TEST_POSTGRES_IMAGE" >&2
    "$DOCKER" build -q -t "$TEST_POSTGRES_IMAGE" -f infra/docker/test/Dockerfile.postgres \
      infra/docker/test >/dev/null
  fi
  if ! have_image "$TEST_REDIS_IMAGE"; then
    echo "docker.sh: building $TEST_REDIS_IMAGE" >&2
    "$DOCKER" build -q -t "$TEST_REDIS_IMAGE" -f infra/docker/test/Dockerfile.redis \
      infra/docker/test >/dev/null
  fi
  if ! have_image "$TEST_CADDY_IMAGE"; then
    echo "docker.sh: building $TEST_CADDY_IMAGE" >&2
    "$DOCKER" build -q -t "$TEST_CADDY_IMAGE" -f infra/docker/test/Dockerfile.caddy \
      infra/docker/test >/dev/null
  fi
  # Rebuilt on every call (from cache when nothing changed): it carries the backup script.
  "$DOCKER" build -q -t "$TEST_BACKUP_IMAGE" --build-arg POSTGRES_IMAGE="$TEST_POSTGRES_IMAGE" \
    infra/docker/backup >/dev/null
}

case "${1:-}" in
  engine) engine ;;
  base-images) base_images ;;
  test-images) test_images ;;
  env)
    echo "DOCKER=$DOCKER"
    echo "POSTGRES_IMAGE=$TEST_POSTGRES_IMAGE"
    echo "REDIS_IMAGE=$TEST_REDIS_IMAGE"
    echo "CADDY_IMAGE=$TEST_CADDY_IMAGE"
    echo "BACKUP_IMAGE=$TEST_BACKUP_IMAGE"
    ;;
  *)
    echo "usage: scripts/docker.sh engine|base-images|test-images|env" >&2
    exit 2
    ;;
esac
