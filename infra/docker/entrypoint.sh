#!/bin/bash
# The EC2 host's setup (user data; infra/terraform runs it at every boot with the settings below
# in its environment): installs Docker and Compose, reads the secrets from AWS Secrets Manager with
# the instance role into root-only files, writes the compose project (files and .env) into
# OCEAN_HOME, and starts it through a systemd unit that also starts it at every boot.
# Running it again changes nothing unless a setting, a secret or the bundled files changed; then
# only what changed is rewritten and `up -d` recreates only the services it concerns.
#
# Settings (environment):
#   DOMAIN_NAME          the dashboard's public name (Caddy obtains its certificate)   required
#   BACKEND_IMAGE        backend image, a pinned tag or digest                          required
#   FRONTEND_IMAGE       dashboard image, a pinned tag or digest                        required
#   DB_SECRET_ID         secret: JSON {"username","password","dbname",...,"url"}       required
#   API_KEY_SECRET_ID    secret: JSON {"key"}                                           required
#   AWS_REGION           default: the instance's region (IMDSv2)
#   API_DOMAIN_NAME, ACME_EMAIL, AWSLOGS_GROUP (logs to CloudWatch when set), BACKUP_S3_URI,
#   BACKUP_KEEP, OCEAN_NO_SCHEDULER, EXTERNAL_DATABASE (1: PostgreSQL is RDS, no local database
#   or backup container), OCEAN_HOME (/opt/oceandash)
set -euo pipefail
umask 077

OCEAN_HOME=${OCEAN_HOME:-/opt/oceandash}
UNIT_FILE=${OCEAN_UNIT_FILE:-/etc/systemd/system/oceandash.service}
IMDS=http://169.254.169.254

log() { echo "oceandash-entrypoint: $*" >&2; }
die() {
  log "$*"
  exit 1
}

# Every setting ends up in .env or a unit file: one line of plain characters each.
check_settings() {
  local name
  for name in DOMAIN_NAME BACKEND_IMAGE FRONTEND_IMAGE DB_SECRET_ID API_KEY_SECRET_ID; do
    [ -n "${!name:-}" ] || die "$name is required (see the header of this script)"
  done
  for name in DOMAIN_NAME API_DOMAIN_NAME ACME_EMAIL BACKEND_IMAGE FRONTEND_IMAGE DB_SECRET_ID \
    API_KEY_SECRET_ID AWS_REGION AWSLOGS_GROUP BACKUP_S3_URI BACKUP_KEEP OCEAN_NO_SCHEDULER \
    EXTERNAL_DATABASE OCEAN_HOME; do
    if [[ ${!name:-} =~ [^A-Za-z0-9._:/@+=-] ]]; then
      die "$name holds a character other than letters, digits and ._:/@+=-: '${!name}'"
    fi
  done
  case ${EXTERNAL_DATABASE:-0} in 0 | 1) ;; *) die "EXTERNAL_DATABASE must be 0 or 1" ;; esac
}

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]; }
available() { apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -qv none; }

# Debian's docker.io; the Compose plugin when the apt sources have one (Docker's repository, or
# Ubuntu's docker-compose-v2), otherwise Debian 12's docker-compose 1.29, which runs these files
# too. Nothing is installed, and apt is not even updated, when everything is there.
install_packages() {
  local missing=() package
  for package in docker.io awscli curl python3 ca-certificates; do
    installed "$package" || missing+=("$package")
  done
  local need_compose=1
  for package in docker-compose-plugin docker-compose-v2 docker-compose; do
    if installed "$package"; then need_compose=0; fi
  done
  [ ${#missing[@]} -gt 0 ] || [ "$need_compose" = 1 ] || return 0
  apt-get update -qq
  if [ "$need_compose" = 1 ]; then
    if available docker-compose-plugin; then
      missing+=(docker-compose-plugin)
    elif available docker-compose-v2; then
      missing+=(docker-compose-v2)
    else
      missing+=(docker-compose)
    fi
  fi
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  systemctl enable --now docker.service
}

compose_command() {
  if docker compose version >/dev/null 2>&1; then
    echo "docker compose"
  elif command -v docker-compose >/dev/null; then
    command -v docker-compose
  else
    die "neither 'docker compose' nor docker-compose works after the installation"
  fi
}

region() {
  if [ -n "${AWS_REGION:-}" ]; then
    echo "$AWS_REGION"
    return
  fi
  local token
  token=$(curl -fsS -X PUT "$IMDS/latest/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 60') ||
    die "no AWS_REGION and the instance metadata service (IMDSv2) did not answer"
  curl -fsS -H "X-aws-ec2-metadata-token: $token" "$IMDS/latest/meta-data/placement/region" ||
    die "the instance metadata service did not give the region"
}

CHANGED=()

# Writes stdin to $1 with mode $2 only when the content or the mode differ; records the change.
put() {
  local path=$1 mode=$2 tmp
  mkdir -p "$(dirname "$path")"
  tmp=$(mktemp "$path.XXXXXX")
  cat >"$tmp"
  chmod "$mode" "$tmp"
  if [ -f "$path" ] && cmp -s "$tmp" "$path" && [ "$(stat -c %a "$path")" = "$mode" ]; then
    rm -f "$tmp"
    return 0
  fi
  mv -f "$tmp" "$path"
  CHANGED+=("$path")
  log "wrote $path"
}

changed_under() {
  local path
  for path in "${CHANGED[@]}"; do [[ $path == "$1"* ]] && return 0; done
  return 1
}

# One field of a secret whose value is a JSON object. The value never reaches the command line
# or the log: the AWS CLI's output goes straight into python's standard input.
secret_field() { # secret_id field
  aws secretsmanager get-secret-value --region "$REGION" --secret-id "$1" \
    --query SecretString --output text |
    python3 -c '
import json, sys
field, secret = sys.argv[1], sys.argv[2]
try:
    value = json.load(sys.stdin)[field]
except (ValueError, KeyError, TypeError):
    sys.exit(f"secret {secret} is not a JSON object with a \"{field}\" field")
if not isinstance(value, str) or not value or "\n" in value:
    sys.exit(f"secret {secret}: \"{field}\" must be a one-line string")
sys.stdout.write(value)
' "$2" "$1"
}

# The secrets directory is root's alone (0700), so no other host user reaches the files; the
# files themselves are readable (0644) because the containers' unprivileged users (postgres, the
# backend's user) read them through their bind mounts, which bypass the directory.
write_secrets() {
  install -d -m 0700 "$OCEAN_HOME/secrets"
  local value
  value=$(secret_field "$DB_SECRET_ID" password) || die "cannot read the database secret"
  printf '%s' "$value" | put "$OCEAN_HOME/secrets/postgres_password" 644
  value=$(secret_field "$API_KEY_SECRET_ID" key) || die "cannot read the API key secret"
  printf '%s' "$value" | put "$OCEAN_HOME/secrets/api_key" 644
  if [ "${EXTERNAL_DATABASE:-0}" = 1 ]; then
    value=$(secret_field "$DB_SECRET_ID" url) || die "EXTERNAL_DATABASE=1 needs the secret's url"
    # The URL without its password, which the backend reads from the password file instead.
    value=$(printf '%s' "$value" | sed -E 's#^(postgres(ql)?://[^:@/]+):[^@/]*@#\1@#')
    printf '%s' "$value" | put "$OCEAN_HOME/secrets/database_url" 644
  fi
  value=''
}

# The compose project's files, carried in this script (see the bundle at its end).
write_bundle() {
  local dir file
  dir=$(mktemp -d)
  bundle | base64 -d | tar -xz -C "$dir"
  while IFS= read -r file; do
    local mode
    mode=$(stat -c %a "$dir/$file")
    put "$OCEAN_HOME/${file#./}" "$mode" <"$dir/$file"
  done < <(cd "$dir" && find . -type f | sort)
  rm -rf "$dir"
}

write_env() {
  local files=docker-compose.yml:docker-compose.prod.yml tls=acme
  [ -z "${AWSLOGS_GROUP:-}" ] || files=$files:docker-compose.awslogs.yml
  [ -z "${ACME_EMAIL:-}" ] || tls=acme_email
  put "$OCEAN_HOME/.env" 600 <<EOF
# Written by infra/docker/entrypoint.sh; rerun it (or reboot) after changing its settings.
COMPOSE_PROJECT_NAME=oceandash
COMPOSE_FILE=$files
DOMAIN_NAME=$DOMAIN_NAME
API_DOMAIN_NAME=${API_DOMAIN_NAME:-}
CADDY_TLS=$tls
ACME_EMAIL=${ACME_EMAIL:-}
BACKEND_IMAGE=$BACKEND_IMAGE
FRONTEND_IMAGE=$FRONTEND_IMAGE
AWS_REGION=$REGION
AWSLOGS_GROUP=${AWSLOGS_GROUP:-}
AWSLOGS_REGION=$REGION
BACKUP_S3_URI=${BACKUP_S3_URI:-}
BACKUP_KEEP=${BACKUP_KEEP:-7}
OCEAN_NO_SCHEDULER=${OCEAN_NO_SCHEDULER:-}
POSTGRES_PASSWORD_FILE_HOST=./secrets/postgres_password
OCEAN_API_KEY_FILE_HOST=./secrets/api_key
EOF
}

write_unit() {
  local compose=$1 services=''
  # With RDS there is no local database to start or to back up.
  [ "${EXTERNAL_DATABASE:-0}" = 0 ] || services=' --no-deps caddy backend frontend redis'
  put "$UNIT_FILE" 644 <<EOF
# Written by infra/docker/entrypoint.sh: the compose project in $OCEAN_HOME, started at boot.
[Unit]
Description=Ocean Data Dashboard (docker compose project in $OCEAN_HOME)
Requires=docker.service
After=docker.service network-online.target
Wants=network-online.target

[Service]
Type=oneshot
RemainAfterExit=yes
WorkingDirectory=$OCEAN_HOME
ExecStart=$compose up -d --remove-orphans$services
ExecReload=$compose up -d --remove-orphans$services
ExecStop=$compose stop
TimeoutStartSec=900

[Install]
WantedBy=multi-user.target
EOF
}

main() {
  check_settings
  install_packages
  REGION=$(region)
  local compose
  compose=$(compose_command)
  install -d -m 0755 "$OCEAN_HOME"
  write_secrets
  write_bundle
  write_env
  write_unit "$compose"
  if changed_under "$UNIT_FILE"; then systemctl daemon-reload; fi
  systemctl is-enabled --quiet oceandash.service || systemctl enable oceandash.service
  # A changed backup image recipe is rebuilt; `up -d` builds it only when it is missing.
  if changed_under "$OCEAN_HOME/infra/docker/backup/" && [ "${EXTERNAL_DATABASE:-0}" = 0 ]; then
    (cd "$OCEAN_HOME" && $compose build backup)
  fi
  if systemctl is-active --quiet oceandash.service; then
    systemctl reload oceandash.service
  else
    systemctl start oceandash.service
  fi
  log "done (${#CHANGED[@]} files changed); the stack: cd $OCEAN_HOME && $compose ps"
}

# The files of the compose project, as a gzipped tar in base64, made by infra/docker/bundle.sh
# from the repository (tests/docker/entrypoint.sh checks that it is up to date).
bundle() {
  cat <<'OCEANDASH_BUNDLE'
OCEANDASH_BUNDLE
}

main "$@"
