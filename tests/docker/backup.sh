#!/usr/bin/env bash
# Backups on the running production combination: the backup service's first dump at start shows
# in /api/health/; observations ingested through HTTPS are dumped, the database dropped and
# recreated, the dump restored (the documented command), and every table holds the same rows and
# the API the same observations; the newest BACKUP_KEEP dumps are kept; a failing backup (a wrong
# password) makes /api/health/ say so.
#
#   tests/docker/backup.sh      (as root; REUSE_IMAGES=1 keeps already built backend/frontend images)
set -euo pipefail
TEST_NAME=backup
# shellcheck source=tests/docker/prod-lib.sh
. "$(dirname "$0")/prod-lib.sh"

health() { https "$BASE/api/health/"; }
# The kept dumps' names, newest first. Read whole: a reader that stops early (head) would make
# docker-compose fail on the closed pipe.
dumps() {
  local listing
  listing=$(compose exec -T backup oceandash-backup list) || fail "oceandash-backup list failed"
  cut -d' ' -f1 <<<"$listing"
}
backup_field() { health | json_field "d['backup']['$1']"; }

prod_up

say "the backup service's first dump at start is reported in /api/health/"
for _ in $(seq 60); do
  [ "$(backup_field status 2>/dev/null)" = ok ] && break
  sleep 2
done
[ "$(backup_field status)" = ok ] || fail "backup status is not ok after start: $(health)"
[ "$(backup_field kept)" = 1 ] || fail "expected one dump after start: $(health)"

say "ingesting observations through HTTPS"
# Ten recent days (inside the retention window), every three hours, at two sites.
rows=$(python3 - <<'EOF'
import datetime, json
now = datetime.datetime.now(datetime.timezone.utc).replace(minute=0, second=0, microsecond=0)
rows = []
for step in range(80):
    when = (now - datetime.timedelta(hours=3 * (step + 1))).strftime("%Y-%m-%dT%H:%M:%SZ")
    for location, value in (("monterey-bay", 14.0), ("dogger-bank", 9.0)):
        rows.append({"location_id": location, "parameter": "sst", "timestamp": when,
                     "value": value + step / 100, "quality_flag": "good", "source": "backup-test"})
print(json.dumps(rows))
EOF
)
START=$(date -u -d '-11 days' +%Y-%m-%dT00:00:00Z)
status=$(https -o "$WORK/ingest.json" -w '%{http_code}' -X POST "$BASE/api/observations/ingest/" \
  -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' --data-binary "$rows")
[ "$status" = 200 ] || [ "$status" = 201 ] || fail "ingest answered $status: $(cat "$WORK/ingest.json")"

psql_db() { compose exec -T postgres psql -X -q -t -A -U "${POSTGRES_USER:-oceandash}" "$@"; }
# Rows per table of the public schema, one "table=count" line each: the database's content.
table_counts() {
  psql_db -d "${POSTGRES_DB:-oceandash}" -c "SELECT table_name || '=' || (xpath('/row/c/text()',
    query_to_xml(format('SELECT count(*) AS c FROM public.%I', table_name), false, true, '')))[1]::text
    FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
    ORDER BY table_name"
}
api_rows() {
  https "$BASE/api/observations/?location=monterey-bay,dogger-bank&parameter=sst&source=backup-test&start=$START&format=csv&limit=1000"
}
counts_before=$(table_counts)
api_before=$(api_rows)
[ "$(grep -c backup-test <<<"$api_before")" = 160 ] ||
  fail "expected the 160 ingested rows from the API, got: $(head -c 300 <<<"$api_before")"

say "dump (oceandash-backup once), drop the database, restore the dump"
compose exec -T backup oceandash-backup once >"$WORK/once.log" 2>&1 || {
  cat "$WORK/once.log" >&2
  fail "oceandash-backup once failed"
}
dump=$(dumps | sed -n 1p)
[ -n "$dump" ] || fail "no dump listed after a backup"
[ "$(backup_field last_file)" = "$dump" ] || fail "health does not name the newest dump $dump: $(health)"
compose stop backend >/dev/null 2>&1
psql_db -d postgres -c "DROP DATABASE \"${POSTGRES_DB:-oceandash}\" WITH (FORCE)" ||
  fail "could not drop the database"
psql_db -d postgres -c "CREATE DATABASE \"${POSTGRES_DB:-oceandash}\"" || fail "could not create the database"
[ -z "$(table_counts)" ] || fail "the recreated database is not empty"
compose exec -T backup oceandash-backup restore "$dump" >"$WORK/restore.log" 2>&1 || {
  cat "$WORK/restore.log" >&2
  fail "oceandash-backup restore $dump failed"
}
compose start backend >/dev/null 2>&1
for _ in $(seq 60); do
  [ "$(https -o /dev/null -w '%{http_code}' "$BASE/api/health/" 2>/dev/null)" = 200 ] && break
  sleep 2
done
counts_after=$(table_counts)
[ "$counts_after" = "$counts_before" ] ||
  fail "the restored tables differ: $(diff <(echo "$counts_before") <(echo "$counts_after"))"
[ "$(api_rows)" = "$api_before" ] || fail "the API answers other observations after the restore"

say "retention: BACKUP_KEEP=2 keeps the newest two dumps"
for _ in 1 2 3; do
  sleep 1  # dumps are named by the second they start
  compose exec -T -e BACKUP_KEEP=2 backup oceandash-backup once >/dev/null 2>&1 ||
    fail "a backup with BACKUP_KEEP=2 failed"
done
mapfile -t kept < <(dumps)
[ "${#kept[@]}" = 2 ] || fail "BACKUP_KEEP=2 kept ${#kept[@]} dumps: ${kept[*]}"
[ "$(backup_field kept)" = 2 ] || fail "health does not report 2 dumps kept: $(health)"
[[ ${kept[0]} > ${kept[1]} ]] || fail "the dumps are not listed newest first: ${kept[*]}"
[[ ${kept[1]} > $dump ]] || fail "an older dump was kept instead of a newer one: ${kept[*]}"

say "BACKUP_S3_URI: each dump is copied to S3 (a fake S3 on the project's network)"
# The fake answers PutObject as S3 does and keeps the bodies; the backup image has python3.
s3=$PROJECT-s3
EXTRA_CONTAINERS+=("$s3")
"$DOCKER" run -d --name "$s3" --network "${PROJECT}_default" --network-alias s3 --user root \
  --entrypoint python3 "$BACKUP_IMAGE" -c '
import hashlib, http.server, os
class S3(http.server.BaseHTTPRequestHandler):
    def do_PUT(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        path = "/s3" + self.path.split("?")[0]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "wb").write(body)
        self.send_response(200)
        self.send_header("ETag", "\"%s\"" % hashlib.md5(body).hexdigest())
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("", 9000), S3).serve_forever()
' >/dev/null || fail "the fake S3 did not start"
s3_env=(-e BACKUP_S3_URI=s3://oceandash-backups/host1 -e BACKUP_S3_ENDPOINT_URL=http://s3:9000
  -e AWS_ACCESS_KEY_ID=test -e AWS_SECRET_ACCESS_KEY=test -e BACKUP_KEEP=2)
compose exec -T "${s3_env[@]}" backup oceandash-backup once >"$WORK/s3.log" 2>&1 || {
  cat "$WORK/s3.log" >&2
  "$DOCKER" logs "$s3" >&2 || true
  fail "a backup with BACKUP_S3_URI failed"
}
newest=$(dumps | sed -n 1p)
local_sum=$(compose exec -T backup sha256sum "/backups/$newest" | cut -d' ' -f1)
s3_sum=$("$DOCKER" exec "$s3" sha256sum "/s3/oceandash-backups/host1/$newest" 2>/dev/null | cut -d' ' -f1)
if [ -z "$s3_sum" ] || [ "$s3_sum" != "$local_sum" ]; then
  fail "the S3 copy of $newest is missing or differs from the dump"
fi
[ "$(backup_field status)" = ok ] || fail "health is not ok after an uploaded backup: $(health)"
"$DOCKER" stop "$s3" >/dev/null
if compose exec -T "${s3_env[@]}" backup oceandash-backup once >"$WORK/s3-down.log" 2>&1; then
  fail "a backup succeeded although S3 did not answer"
fi
[ "$(backup_field status)" = failed ] || fail "health does not report the failed upload: $(health)"
backup_field last_error | grep -q 'kept locally, but the upload to s3://oceandash-backups/host1 failed' ||
  fail "health's last_error does not name the failed upload: $(health)"
# The dump whose upload failed stays on disk, but the last success is still the one before.
last_good=$newest

say "a failing backup (wrong password) is visible in /api/health/"
if compose exec -T -e PGPASSWORD=wrong-password backup oceandash-backup once >"$WORK/fail.log" 2>&1; then
  fail "a backup with a wrong password succeeded"
fi
health >"$WORK/health.json"
[ "$(json_field 'd["backup"]["status"]' <"$WORK/health.json")" = failed ] ||
  fail "health does not report the failed backup: $(cat "$WORK/health.json")"
[ "$(json_field 'd["status"]' <"$WORK/health.json")" = degraded ] ||
  fail "health's status is not degraded after a failed backup: $(cat "$WORK/health.json")"
json_field 'd["backup"]["last_error"]' <"$WORK/health.json" | grep -q 'password authentication failed' ||
  fail "health's last_error does not say why: $(cat "$WORK/health.json")"
[ "$(json_field 'd["backup"]["last_file"]' <"$WORK/health.json")" = "$last_good" ] ||
  fail "the failure lost the last successful dump: $(cat "$WORK/health.json")"
grep -q 'oceandash-backup: pg_dump failed: .*password authentication failed' "$WORK/fail.log" ||
  fail "the failed backup did not log why: $(cat "$WORK/fail.log")"

say "ok"
