#!/bin/sh
# PostgreSQL backups for the compose stack: compressed `pg_dump -Fc` files in a volume, the newest
# BACKUP_KEEP kept, optionally copied to S3, and a JSON status file that the backend shows in
# /api/health/ (OCEAN_BACKUP_STATUS_FILE), so a failing backup is never silent.
#
#   oceandash-backup daemon        one backup at start when the newest is older than a day, then
#                                  one every day at BACKUP_TIME (UTC); the service's command
#   oceandash-backup once          one backup now (exit status 1 when it failed)
#   oceandash-backup list          the kept dumps, newest first
#   oceandash-backup restore FILE  restore a dump (a name from `list` or a path) into the database:
#                                  pg_restore --clean --if-exists in one transaction
#
# Settings (environment): PGHOST (postgres), PGPORT (5432), POSTGRES_USER (ocean), POSTGRES_DB
# (oceandb), POSTGRES_PASSWORD_FILE or PGPASSWORD, BACKUP_DIR (/backups), BACKUP_STATUS_FILE
# (/backup-status/status.json), BACKUP_KEEP (7), BACKUP_TIME (02:30), BACKUP_S3_URI (unset: no
# upload; s3://bucket/prefix), BACKUP_S3_ENDPOINT_URL (unset: AWS; an S3-compatible store).
# The upload uses the AWS CLI's default credentials: on EC2 the instance role through IMDSv2.
set -eu

PGHOST=${PGHOST:-postgres}
PGPORT=${PGPORT:-5432}
PGUSER=${POSTGRES_USER:-ocean}
PGDATABASE=${POSTGRES_DB:-oceandb}
export PGHOST PGPORT PGUSER PGDATABASE
BACKUP_DIR=${BACKUP_DIR:-/backups}
BACKUP_STATUS_FILE=${BACKUP_STATUS_FILE:-/backup-status/status.json}
BACKUP_KEEP=${BACKUP_KEEP:-7}
BACKUP_TIME=${BACKUP_TIME:-02:30}
BACKUP_S3_URI=${BACKUP_S3_URI:-}
BACKUP_S3_ENDPOINT_URL=${BACKUP_S3_ENDPOINT_URL:-}
# Dumps are named by their UTC start time, so names sort oldest first.
PREFIX=oceandash-
INTERVAL_SECONDS=86400

log() { echo "oceandash-backup: $*" >&2; }
die() {
  log "$*"
  exit 2
}

validate() {
  case $BACKUP_KEEP in
    '' | *[!0-9]*) die "BACKUP_KEEP must be a whole number of dumps to keep, got '$BACKUP_KEEP'" ;;
  esac
  [ "$BACKUP_KEEP" -ge 1 ] || die "BACKUP_KEEP must be at least 1, got '$BACKUP_KEEP'"
  case $BACKUP_TIME in
    [01][0-9]:[0-5][0-9] | 2[0-3]:[0-5][0-9]) ;;
    *) die "BACKUP_TIME must be HH:MM (UTC, 00:00 to 23:59), got '$BACKUP_TIME'" ;;
  esac
  case $BACKUP_S3_URI in
    '' | s3://?*) ;;
    *) die "BACKUP_S3_URI must look like s3://bucket/prefix, got '$BACKUP_S3_URI'" ;;
  esac
  if [ -n "$BACKUP_S3_URI" ] && ! command -v aws >/dev/null; then
    die "BACKUP_S3_URI is set but the AWS CLI is not in this image"
  fi
  [ -d "$BACKUP_DIR" ] || die "BACKUP_DIR $BACKUP_DIR is not a directory"
  # libpq reads PGPASSWORD; the secret comes from a file so that it is never in the environment
  # of the compose file.
  if [ -z "${PGPASSWORD:-}" ] && [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
    [ -r "$POSTGRES_PASSWORD_FILE" ] || die "cannot read POSTGRES_PASSWORD_FILE $POSTGRES_PASSWORD_FILE"
    PGPASSWORD=$(cat "$POSTGRES_PASSWORD_FILE")
    export PGPASSWORD
  fi
}

now_iso() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# JSON string literal of arbitrary text: backslashes and quotes escaped, control characters
# (newlines included) turned into spaces, at most 500 bytes kept.
json_string() {
  printf '"%s"' "$(printf '%s' "$1" | tr '\000-\037' ' ' | cut -c1-500 |
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"
}

json_or_null() { if [ -n "$1" ]; then json_string "$1"; else printf null; fi; }

kept_dumps() { find "$BACKUP_DIR" -maxdepth 1 -name "${PREFIX}*.dump" -type f | sort -r; }

# The status file, written whole and renamed so the backend never reads half of it. The last
# success is kept beside it (one line: time, file, size) because a failure must not erase it.
write_status() { # attempt_time error
  status_dir=$(dirname "$BACKUP_STATUS_FILE")
  success_time='' success_file='' success_size=''
  if [ -s "$status_dir/last_success" ]; then
    read -r success_time success_file success_size <"$status_dir/last_success" || true
  fi
  tmp="$BACKUP_STATUS_FILE.tmp"
  {
    printf '{"last_attempt":%s,"last_success":%s,"last_error":%s,' \
      "$(json_string "$1")" "$(json_or_null "$success_time")" "$(json_or_null "$2")"
    printf '"last_file":%s,"last_size_bytes":%s,"kept":%s,"interval_seconds":%s,"s3":%s}\n' \
      "$(json_or_null "$success_file")" "${success_size:-null}" "$(kept_dumps | wc -l)" \
      "$INTERVAL_SECONDS" "$(json_or_null "$BACKUP_S3_URI")"
  } >"$tmp"
  chmod 644 "$tmp"
  mv -f "$tmp" "$BACKUP_STATUS_FILE"
}

upload() { # path
  set -- "$1" "${BACKUP_S3_URI%/}/$(basename "$1")"
  if [ -n "$BACKUP_S3_ENDPOINT_URL" ]; then
    aws --endpoint-url "$BACKUP_S3_ENDPOINT_URL" s3 cp --only-show-errors "$1" "$2"
  else
    aws s3 cp --only-show-errors "$1" "$2"
  fi
}

backup_once() {
  started=$(now_iso)
  name="$PREFIX$(date -u +%Y%m%dT%H%M%SZ).dump"
  partial="$BACKUP_DIR/.$name.partial"
  errors="$BACKUP_DIR/.errors"
  log "dumping $PGDATABASE on $PGHOST:$PGPORT to $BACKUP_DIR/$name"
  # A dump is kept only once pg_dump finished: the partial file never counts towards BACKUP_KEEP.
  if ! pg_dump --format=custom --compress=6 --no-password --file="$partial" 2>"$errors"; then
    error="pg_dump failed: $(tail -n 3 "$errors")"
    rm -f "$partial" "$errors"
    log "$error"
    write_status "$started" "$error"
    return 1
  fi
  mv -f "$partial" "$BACKUP_DIR/$name"
  size=$(wc -c <"$BACKUP_DIR/$name" | tr -d ' ')
  kept_dumps | tail -n +"$((BACKUP_KEEP + 1))" | while read -r old; do
    log "removing $old (BACKUP_KEEP=$BACKUP_KEEP)"
    rm -f "$old"
  done
  if [ -n "$BACKUP_S3_URI" ] && ! upload "$BACKUP_DIR/$name" 2>"$errors"; then
    error="dump $name kept locally, but the upload to $BACKUP_S3_URI failed: $(tail -n 3 "$errors")"
    rm -f "$errors"
    log "$error"
    write_status "$started" "$error"
    return 1
  fi
  rm -f "$errors"
  echo "$started $name $size" >"$(dirname "$BACKUP_STATUS_FILE")/last_success"
  write_status "$started" ''
  log "done: $name ($size bytes)"
}

# Seconds from now to the next BACKUP_TIME, from epoch arithmetic (busybox date has no -d "tomorrow").
seconds_to_next() {
  now=$(date -u +%s)
  at=$((${BACKUP_TIME%%:*} * 3600 + ${BACKUP_TIME##*:} * 60))
  next=$((now - now % 86400 + at))
  [ "$next" -gt "$now" ] || next=$((next + 86400))
  echo $((next - now))
}

newest_age() {
  newest=$(kept_dumps | head -n 1)
  if [ -z "$newest" ]; then
    echo "$INTERVAL_SECONDS"
    return
  fi
  echo $(($(date -u +%s) - $(date -u -r "$newest" +%s)))
}

daemon() {
  # PID 1 in the container: SIGTERM must end the sleep at once, not at the next backup.
  trap 'log "stopping"; exit 0' TERM INT
  log "daily backups at $BACKUP_TIME UTC into $BACKUP_DIR, keeping $BACKUP_KEEP${BACKUP_S3_URI:+, copied to $BACKUP_S3_URI}"
  if [ "$(newest_age)" -ge "$INTERVAL_SECONDS" ]; then backup_once || true; fi
  while :; do
    sleep "$(seconds_to_next)" &
    wait $! || true
    backup_once || true
  done
}

restore() { # file
  [ $# -eq 1 ] || die "usage: oceandash-backup restore FILE (a name from 'oceandash-backup list' or a path)"
  file=$1
  case $file in */*) ;; *) file="$BACKUP_DIR/$file" ;; esac
  [ -f "$file" ] || die "no dump $file (see 'oceandash-backup list')"
  log "restoring $file into $PGDATABASE on $PGHOST:$PGPORT"
  pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --no-password \
    --dbname="$PGDATABASE" "$file"
  log "restored $file"
}

command=${1:-}
[ $# -eq 0 ] || shift
case $command in
  daemon | once | list | restore) validate ;;
  *) die "usage: oceandash-backup daemon|once|list|restore FILE" ;;
esac
case $command in
  daemon) daemon ;;
  once) backup_once ;;
  list) kept_dumps | while read -r f; do echo "$(basename "$f") $(wc -c <"$f" | tr -d ' ')"; done ;;
  restore) restore "$@" ;;
esac
