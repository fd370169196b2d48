#!/usr/bin/env bash
# infra/docker/entrypoint.sh, the EC2 user data, run in a throwaway Debian 12 container whose
# apt, dpkg, systemctl, docker, aws and curl are fakes that record their calls (no AWS, no package
# mirror, no Docker inside). Checks: its bundle matches the repository's files; a first run
# installs, writes the project, the secrets (root-only directory) and the unit, and starts it;
# a second run changes no file and installs nothing; a rotated secret rewrites that file only;
# bad settings and a malformed secret stop it with a clear message.
#
#   tests/docker/entrypoint.sh        (as root; Docker must run: scripts/docker.sh engine)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
fail() {
  echo "entrypoint test: FAIL: $*" >&2
  exit 1
}

infra/docker/bundle.sh --check || fail "the bundle in infra/docker/entrypoint.sh is out of date"
# EC2 user data is at most 16384 bytes; infra/terraform sends the script base64-encoded inside a
# gzipped cloud-init document, with about 2 KB of its own around it.
size=$(base64 -w0 infra/docker/entrypoint.sh | gzip -9 | wc -c)
[ "$size" -le 14000 ] || fail "entrypoint.sh takes $size bytes of user data once encoded (at most 14000)"
scripts/docker.sh test-images >/dev/null || fail "the test images could not be made (Docker?)"
eval "$(scripts/docker.sh env)"

WORK=$(mktemp -d /tmp/oceandash-entrypoint-test-XXXXXX)
NAME=oceandash-entrypoint-test-$$
cleanup() {
  "$DOCKER" rm -f "$NAME" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The fakes. State lives in /state: installed packages, enabled/active unit, the secrets.
mkdir -p "$WORK/fakes"
fake() { cat >"$WORK/fakes/$1" && chmod 755 "$WORK/fakes/$1"; }
fake dpkg-query <<'EOF'
#!/bin/sh
package=$(eval echo "\${$#}")
[ -e "/state/installed/$package" ] || exit 1
echo "install ok installed"
EOF
fake apt-cache <<'EOF'
#!/bin/sh
# As on Debian 12: no Compose plugin in the archive, docker-compose 1.29 is.
case $2 in docker-compose) echo "  Candidate: 1.29.2-3" ;; *) echo "  Candidate: (none)" ;; esac
EOF
fake apt-get <<'EOF'
#!/bin/sh
echo "apt-get $*" >>/state/calls
[ "$1" = install ] || exit 0
for arg; do case $arg in -*|install) ;; *) touch "/state/installed/$arg" ;; esac; done
EOF
fake systemctl <<'EOF'
#!/bin/sh
echo "systemctl $*" >>/state/calls
for arg; do unit=$arg; done
case $1 in
  is-enabled) [ -e "/state/enabled.$unit" ] ;;
  is-active) [ -e "/state/active.$unit" ] ;;
  enable) touch "/state/enabled.$unit" ;;
  start) touch "/state/active.$unit" ;;
esac
EOF
fake docker <<'EOF'
#!/bin/sh
echo "docker $*" >>/state/calls
[ "$1" != compose ]  # no plugin: `docker compose version` fails
EOF
fake docker-compose <<'EOF'
#!/bin/sh
echo "docker-compose $*" >>/state/calls
EOF
fake aws <<'EOF'
#!/bin/sh
# aws secretsmanager get-secret-value --region R --secret-id ID --query SecretString --output text
while [ $# -gt 0 ]; do [ "$1" = --secret-id ] && id=$2; shift; done
echo "aws secret $id" >>/state/calls
cat "/state/secrets/$(echo "$id" | tr '/:' '__')" || { echo "ResourceNotFoundException" >&2; exit 254; }
EOF
fake curl <<'EOF'
#!/bin/sh
echo "curl $*" >>/state/calls
case "$*" in *api/token*) printf token ;; *placement/region*) printf eu-west-3 ;; *) exit 22 ;; esac
EOF

"$DOCKER" run -d --name "$NAME" --network none --entrypoint sleep \
  -v "$WORK/fakes:/fakes:ro" -v "$ROOT/infra/docker/entrypoint.sh:/entrypoint.sh:ro" \
  --user root "$BACKUP_IMAGE" 3600 >/dev/null
in_box() { "$DOCKER" exec -i "$NAME" "$@"; }
in_box sh -c 'mkdir -p /state/installed /state/secrets && touch /state/calls'
in_box sh -c 'cat >/state/secrets/ocean-dashboard_db-password' <<'EOF'
{"username":"ocean","password":"db-pass-1","host":"postgres","port":5432,"dbname":"oceandb","url":"postgresql://ocean:db-pass-1@postgres:5432/oceandb"}
EOF
in_box sh -c 'cat >/state/secrets/ocean-dashboard_api-key' <<'EOF'
{"key":"api-key-0123456789abcdef"}
EOF

SETTINGS=(-e PATH=/fakes:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  -e DOMAIN_NAME=dashboard.example.org -e BACKEND_IMAGE=registry.example.org/oceandash:0.1.0
  -e FRONTEND_IMAGE=registry.example.org/oceandash-web:0.1.0
  -e DB_SECRET_ID=ocean-dashboard/db-password -e API_KEY_SECRET_ID=ocean-dashboard/api-key
  -e AWSLOGS_GROUP=/ocean-dashboard/host -e OCEAN_NO_SCHEDULER=1)
run_entrypoint() { "$DOCKER" exec "${SETTINGS[@]}" "$@" "$NAME" bash /entrypoint.sh; }
snapshot() {
  in_box sh -c 'find /opt/oceandash /etc/systemd/system/oceandash.service -printf "%p %m %s %T@\n" |
    sort; find /opt/oceandash /etc/systemd/system/oceandash.service -type f -exec sha256sum {} + | sort'
}
calls_since() { in_box sh -c "tail -n +$(($1 + 1)) /state/calls"; }
call_count() { in_box sh -c 'wc -l </state/calls'; }

echo "entrypoint test: first run"
run_entrypoint >"$WORK/run1.log" 2>&1 || { cat "$WORK/run1.log"; fail "the first run failed"; }
first_calls=$(calls_since 0)
grep -q '^apt-get install .*docker.io.*docker-compose' <<<"$first_calls" ||
  fail "the first run did not install docker.io and docker-compose: $first_calls"
grep -q 'placement/region' <<<"$first_calls" || fail "the region was not read from IMDSv2"
for call in 'systemctl daemon-reload' 'systemctl enable oceandash.service' \
  'systemctl start oceandash.service'; do
  grep -qx "$call" <<<"$first_calls" || fail "the first run did not call '$call'"
done
[ "$(in_box stat -c %a /opt/oceandash/secrets)" = 700 ] || fail "the secrets directory is not 0700"
[ "$(in_box stat -c %U /opt/oceandash/secrets)" = root ] || fail "the secrets directory is not root's"
[ "$(in_box stat -c %a /opt/oceandash/.env)" = 600 ] || fail ".env is not 0600"
[ "$(in_box cat /opt/oceandash/secrets/postgres_password)" = db-pass-1 ] ||
  fail "the database password file is wrong"
[ "$(in_box cat /opt/oceandash/secrets/api_key)" = api-key-0123456789abcdef ] ||
  fail "the API key file is wrong"
if grep -rq 'db-pass-1\|api-key-0123456789abcdef' "$WORK/run1.log"; then
  fail "a secret appears in the entrypoint's output"
fi
env_file=$(in_box cat /opt/oceandash/.env)
for line in COMPOSE_FILE=docker-compose.yml:docker-compose.prod.yml:docker-compose.awslogs.yml \
  DOMAIN_NAME=dashboard.example.org AWS_REGION=eu-west-3 CADDY_TLS=acme OCEAN_NO_SCHEDULER=1; do
  grep -qx "$line" <<<"$env_file" || fail ".env lacks $line"
done
if grep -q 'db-pass-1\|api-key-0123' <<<"$env_file"; then fail "a secret is in .env"; fi
for file in docker-compose.yml docker-compose.prod.yml docker-compose.awslogs.yml \
  infra/docker/Caddyfile infra/docker/backup/Dockerfile infra/docker/backup/backup.sh; do
  in_box cat "/opt/oceandash/$file" | cmp -s - <(infra/docker/bundle.sh --print "$file") ||
    fail "/opt/oceandash/$file differs from $file"
done
in_box grep -qx 'ExecStart=/fakes/docker-compose up -d --remove-orphans' \
  /etc/systemd/system/oceandash.service || fail "the unit does not run docker-compose up -d"

echo "entrypoint test: second run changes nothing"
before=$(snapshot)
count=$(call_count)
run_entrypoint >"$WORK/run2.log" 2>&1 || { cat "$WORK/run2.log"; fail "the second run failed"; }
[ "$(snapshot)" = "$before" ] || fail "the second run changed files: $(diff <(echo "$before") <(snapshot))"
second_calls=$(calls_since "$count")
if grep -q '^apt-get\|daemon-reload\|systemctl enable\|docker-compose build' <<<"$second_calls"; then
  fail "the second run installed, reloaded units or rebuilt: $second_calls"
fi
grep -qx 'systemctl reload oceandash.service' <<<"$second_calls" ||
  fail "the second run did not ask the running stack to converge (systemctl reload)"
grep -q '(0 files changed)' "$WORK/run2.log" || fail "the second run reported changes: $(cat "$WORK/run2.log")"

echo "entrypoint test: a rotated API key rewrites that file only"
in_box sh -c 'echo "{\"key\":\"api-key-rotated-0123456789\"}" >/state/secrets/ocean-dashboard_api-key'
run_entrypoint >"$WORK/run3.log" 2>&1 || { cat "$WORK/run3.log"; fail "the third run failed"; }
grep -q '(1 files changed)' "$WORK/run3.log" || fail "expected one changed file: $(cat "$WORK/run3.log")"
grep -q 'wrote /opt/oceandash/secrets/api_key' "$WORK/run3.log" || fail "the key file was not rewritten"

echo "entrypoint test: bad settings and secrets are refused with a reason"
expect_refusal() { # message docker-exec-options...
  local message=$1 output
  shift
  if output=$(run_entrypoint "$@" 2>&1); then fail "accepted: $*"; fi
  grep -qF "$message" <<<"$output" || fail "for $*: expected '$message', got: $output"
}
expect_refusal 'DOMAIN_NAME is required' -e DOMAIN_NAME=
expect_refusal 'DOMAIN_NAME holds a character' -e 'DOMAIN_NAME=x.org;reboot'
expect_refusal 'EXTERNAL_DATABASE must be 0 or 1' -e EXTERNAL_DATABASE=yes
in_box sh -c 'echo "{\"token\":\"x\"}" >/state/secrets/ocean-dashboard_api-key'
expect_refusal 'is not a JSON object with a "key" field'
expect_refusal 'cannot read the database secret' -e DB_SECRET_ID=no-such-secret

echo "entrypoint test: ok"
