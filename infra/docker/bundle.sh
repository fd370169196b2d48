#!/usr/bin/env bash
# Puts the compose project's files into infra/docker/entrypoint.sh (the EC2 user data carries
# them: the host has no checkout), as a reproducible gzipped tar in base64. Comment lines are
# left out: EC2 user data is limited to 16 KB, and the comments are in the repository.
#
#   infra/docker/bundle.sh               rewrite the bundle in entrypoint.sh
#   infra/docker/bundle.sh --check       exit 1 when the bundle differs from the files (a test)
#   infra/docker/bundle.sh --print FILE  FILE as the bundle carries it
set -euo pipefail
cd "$(dirname "$0")/../.."
ENTRYPOINT=infra/docker/entrypoint.sh
FILES=(docker-compose.yml docker-compose.prod.yml docker-compose.awslogs.yml infra/docker/Caddyfile
  infra/docker/backup/Dockerfile infra/docker/backup/backup.sh)

# Full-line comments go, a shebang stays.
strip() { awk 'NR == 1 && /^#!/ { print; next } /^[ \t]*#/ { next } { print }' "$1"; }
if [ "${1:-}" = --print ]; then
  strip "$2"
  exit 0
fi

for file in "${FILES[@]}"; do
  [ -f "$file" ] || { echo "bundle.sh: $file is missing" >&2; exit 1; }
done
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
for file in "${FILES[@]}"; do
  mkdir -p "$stage/$(dirname "$file")"
  strip "$file" >"$stage/$file"
  chmod "$(stat -c %a "$file")" "$stage/$file"
done
# Same bytes for the same files: names sorted, no times, owners or gzip timestamp.
encoded=$(cd "$stage" && tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
  --format=gnu -c "${FILES[@]}" | gzip -9 -n | base64 -w 100)
current=$(sed -n "/^  cat <<'OCEANDASH_BUNDLE'$/,/^OCEANDASH_BUNDLE$/p" "$ENTRYPOINT" | sed '1d;$d')
if [ "${1:-}" = --check ]; then
  if [ "$encoded" != "$current" ]; then
    echo "bundle.sh: the bundle in $ENTRYPOINT is out of date; run infra/docker/bundle.sh" >&2
    exit 1
  fi
  exit 0
fi
[ "$encoded" = "$current" ] && exit 0
tmp=$(mktemp)
awk -v bundle="$encoded" '
  /^  cat <<.OCEANDASH_BUNDLE.$/ { print; print bundle; skip = 1; next }
  /^OCEANDASH_BUNDLE$/ { skip = 0 }
  !skip { print }
' "$ENTRYPOINT" >"$tmp"
chmod 755 "$tmp"
mv -f "$tmp" "$ENTRYPOINT"
echo "bundle.sh: updated the bundle in $ENTRYPOINT ($(wc -c <"$ENTRYPOINT") bytes)"
