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

# Writes stdin to $1 with mode $2 only when the content or the mode differ, and records the
# change. The comparison happens outside the target's folder, so that an unchanged file leaves
# even the folder's modification time alone.
put() {
  local path=$1 mode=$2 new tmp
  new=$(mktemp)
  cat >"$new"
  if [ -f "$path" ] && cmp -s "$new" "$path" && [ "$(stat -c %a "$path")" = "$mode" ]; then
    rm -f "$new"
    return 0
  fi
  (umask 022 && mkdir -p "$(dirname "$path")")
  tmp=$(mktemp "$path.XXXXXX")
  cat "$new" >"$tmp"
  rm -f "$new"
  chmod "$mode" "$tmp"
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
  put "$OCEAN_HOME/secrets/postgres_password" 644 < <(printf '%s' "$value")
  value=$(secret_field "$API_KEY_SECRET_ID" key) || die "cannot read the API key secret"
  put "$OCEAN_HOME/secrets/api_key" 644 < <(printf '%s' "$value")
  value=''
  # Not secret, but kept with the password so that the two always match.
  DB_USER=$(secret_field "$DB_SECRET_ID" username) || die "cannot read the database secret"
  DB_NAME=$(secret_field "$DB_SECRET_ID" dbname) || die "cannot read the database secret"
  DATABASE_URL=''
  if [ "${EXTERNAL_DATABASE:-0}" = 1 ]; then
    DATABASE_URL=$(secret_field "$DB_SECRET_ID" url) || die "EXTERNAL_DATABASE=1 needs the secret's url"
    # Without its password, which the backend reads from the password file instead.
    DATABASE_URL=$(printf '%s' "$DATABASE_URL" | sed -E 's#^(postgres(ql)?://[^:@/]+):[^@/]*@#\1@#')
  fi
  for value in "$DB_USER" "$DB_NAME" "$DATABASE_URL"; do
    if [[ $value =~ [^A-Za-z0-9._:/@?=\&-] ]]; then
      die "the database secret's username, dbname or url holds an unexpected character"
    fi
  done
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
  if [ -n "$DATABASE_URL" ]; then
    # RDS: the backend's database is the secret's, not the postgres service.
    files=$files:docker-compose.rds.yml
    put "$OCEAN_HOME/docker-compose.rds.yml" 600 <<EOF
# Written by infra/docker/entrypoint.sh: PostgreSQL is RDS (EXTERNAL_DATABASE=1).
version: "2.4"
services:
  backend:
    environment:
      DATABASE_URL: "$DATABASE_URL"
EOF
  fi
  put "$OCEAN_HOME/.env" 600 <<EOF
# Written by infra/docker/entrypoint.sh; rerun it (or reboot) after changing its settings.
COMPOSE_PROJECT_NAME=oceandash
COMPOSE_FILE=$files
SECRETS_DIR=./secrets
DOMAIN_NAME=$DOMAIN_NAME
API_DOMAIN_NAME=${API_DOMAIN_NAME:-}
CADDY_TLS=$tls
ACME_EMAIL=${ACME_EMAIL:-}
BACKEND_IMAGE=$BACKEND_IMAGE
FRONTEND_IMAGE=$FRONTEND_IMAGE
POSTGRES_USER=$DB_USER
POSTGRES_DB=$DB_NAME
AWS_REGION=$REGION
AWSLOGS_GROUP=${AWSLOGS_GROUP:-}
AWSLOGS_REGION=$REGION
BACKUP_S3_URI=${BACKUP_S3_URI:-}
BACKUP_KEEP=${BACKUP_KEEP:-7}
OCEAN_NO_SCHEDULER=${OCEAN_NO_SCHEDULER:-false}
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
H4sIAAAAAAACA+07/VfbxrL5Nf4rNooJmGaxjflIxXV7HewQTgFzbGial/ToCGlt6yJLqiRDKPh/fzP7oS/LlPbm5rzb500PlmZn
Z2dnZ2ZnZlXbt65ZSC1/GvgR27qbus++emtA29vZ4b/Qir+7jda+ehbwZrO1s/+MNJ59gzaLYjMk5Nn/03bDwsjxPZ1o21s7WqUS
sfDGsVikVwi5MkE3PBsfCXGm5pjppHr/tnP4U++saxyfdo56OvUtZnq2GU3qCr2x1dxqzPmgq5njyvGEWL4Xsy+xTrYkwOa6N3Jc
oOt4o9CsC0i9m3RsSaJ8RMhwr4DAzHNZFNEo9oOAiT6bBYAWGbAUSR30OR6HYiUJA7YT89XKZRoTZrrx5E6ihMx2no7PvBsn9L0p
82I1ptu56LztDHvG5eBETzj4zdXr9er9eX94cTToDY3LYW+QEdz8nwmruzut7Sxm920WrzjJeWc4/NAfdI13xyc9ndTDmVePmBWy
OKorkkZgRtGtH9py8KDXPR4K9sRq63Xxu9fa/77ekFj9w17nzOicHxs/9T6WkTcDx7hmdzn0s74xPHzf616ewPJAUUqgdGS6EZvn
hp30j4yT3s+9k3RMCqKgF34ef9C76J1dHPfPjG7n4zAdVIDTViM/DiT1U2+QGaAANEE87A+GRufkpP+h1zX6g+Oj4zOOXwqnYtSN
786mqZZRQB/2DoEZ2L1jWPGWktl8cU/0x7dMD/0nUJVboZftj6Ig1NaaMOtaMRqDMenkk3Z42tVeE60+i8K661umW79yvHqidNiX
Ga39Koc7YMvhjenqZDdSFJ0p82dAdC9K7CkOHZANaUkAt18jYKHj24DXEIhox8Y4NMG+VFdTUp2yqeE6UweotrYb0woARyH6kQW3
9G7QP7so9UvJgK/qmBTVv+CZcn71rzka5YQvz4cXg17nVE+IvoETtCi6vR0uubxHTCSXeBspuQStuUdNN3A8abCPLbKExby7I4/4
v+IA8Hrkj5xg0vvnneCCxQZj24xNvX5jggk4V/XUb9ex4z9o2Y/bJR2+752coAUGY8OJQmbad4T+RuiENLf3txrwr0noJfmsVas5
4X7WCLXz4O7bz9qTjHd3wXh3HzXejJrtNre5nmWO0UTJxLkjNUwg7D9ZuyA6nZqpwVAxA0VbYWECpDQI/ZhZMbPp1LdZ0qF5vpbB
mppfgGk/vEtg3+9Nr8oQwBRcx0rxTNcFpxpRN5xl0CPzJjNXdiYzQNP3PfdukZenbr1YquU6BGQ1Jg8EFClALTjvnx39Wzua2bnm
9hvYuYxhSJOoPFu1v3ez8/kfWJD91ZPAP8j/dhr724X8b7vVbKzyv2/RKsUE8At1/fEYXI1OXskn8Ad26ACiTv4V+R7F+AdgfoAh
i3T04DNp5PwOvr4JYZqCiBBK2y0klpZp23eFA+Kw0+1+VAeEQNjeerO18+RD4t+Ps4qx5ZIhnAU5aeCHcSaS0CBsGfR/+Wi8PT7r
QmLBz+jGXK/ev7+4ODfO+4MLnb4BwJuG9sRBQzlqZ6c11+HPXx1Xn9mBtjRv7Z92jiFX65z2cC+yrz9GLM72k9gn8YQRDMaufDO0
1yMSzK7gnCQTCHOIZ06TBA8TyALpIogmuRff/4uTYaoM+EJNK0Pv8LRn9GAwzxUzb8tysa16Lnw/RLXiOllnsVXnWpYBZtIt3mWI
sDAXA4oO0IqRM9br4rd4mkI4wUGJIW0qQ5JFlVmgP5aF5JkWAySSGY4zBYpC5P4nYvlcNefyvLyYA2xmUqb/cPXlvymDEPkXiO2n
Xu88I0X+SvfneaSLY6H62Vfa2NbTAoXsGbaMy8FxBlUC6CIe5H7n/eOzC1HJyQ7I9SQjOx9ACr13ncuTC2PQOzrun3ELAqh8o2xG
b2GHaeubljWEmkW61Leo0IG+Np4l3VS8lkavjxpc4tJLtEwUg5QALzoXl8OsJhRNoi542MKTsFxSBdbLiCgRlDKcP4RKUfLWVYqS
ScJK+jNMZ1xd8ib9W+KuovRRrWuVGvwd43/zNgIdib5uCvAH8X9jbyH+bzW2d1fx/7doX6jccgj35VMm3E8huWBfguk49MGXiYPk
pH80NI4G/ctzETLmQCpoPHT9mf3BjK0JOiXCx89zJEM25iFCSnPJAaUGwCFjxkyxovELBhHnxia4PO3+fusMQ9L58hwk9Y/perNh
2rL+Eh+dIizz4inGMieeYpT6cNX9dfa/PD7+pve/zd2dZjH/b+y1Vvb/Ldp95blpTx2P+KNR5Xl07QSG44FIXNeIQ5BNZV6pbMRu
ZGAeViP3uXeDTU3HRehzAJH7apqSzRNEXpr0zBRNATgGRImz0InvMBewWRhxLPGMT8+HcehYMb0ITS/CZJsO5QCiYYEBsph2q7nb
2gO9OQDKljuz2XB21fWBMy/SgMIv9JBbIhC5CxjtC0eGhdjIc0YjRBmwEQtDOAbPeb2XaJGY1Q8dMDp6O2Ee+Bkfkh4BwTHACK8+
P+crva9mkto5SiKf585xMc4UV0BQKPfVNMUVGa7qLQqk8px5lm8z8nsU22T8uxNUQEAQTbqM4DVffZPLSYpMLVVJKVmRzUbmzI1p
FFpk3fM9tn4ALgocIzU98IixH0YSjosLGZaFmBGE/pe7/NUSrDeZPzPxj0+bOWLuCGaOrNAJCqD4zmU5iDMdZ94Jj1APMI30mJUf
61/9KwHJtV2ZEaPASIIz8sMpNS3c/BT2RAEkvryVSACPL1y+P4uDGexabMMTvOM0ZszrZEI1/o/bf0mpIXPL+W38f2O/VYz/dpsr
//9NWmdwVCgjtRdrRpV3g/7pQnVpXsEyDAl9P64MLs+IM1IXdYTeEDO4Jj/UbXZT92aue4Dhn0c+qzIWdEKsQSj1fGqZFoSGENbg
LdeBxGEQxmXQYzqGmHIWgBNIwa9ekW7v7TFk7+ryvw0GzI8XNPQblgyURxqhd2JK+Q7RJnKMpSucHy/ZLJNaLIydkWPBVFF2rnBK
aDgiyTUxEIffKI7qm4rrkVM57J9/lNHjVjQhy76roLKsh4KbXttOSGhAVBWE5OsdOLk18W+9NGRUD8uGiK1RWJWf+yeXpz3ySVPo
/JOP3Ajt10rv7GLwkRePALPIKfQfnnahwzbZ1PfgdZU8/w1amf9PtPcrxv/7u7tL/D8k+2mf8v+t1ur+75u0ly+4X4omFUzaIcmu
VM6P3oOfb4O75w/pJcIcuvBSiXeJ2yX8YBHB6G7a5QV67FafLLZLi/JX8wr7woNfMSMR1IkgS9LhFVml7R7jZOmLTpVfm1cWC7kp
ara6S/PuL1vWTYhgPb+9WN3PFPLb5WX9XP2+XVLPL6/Xtx8r5J8Peu+Of2mnfrkCnb3Bz50TY9g77J91h+03ezsQn1YgNt2APIow
ODTIgiPXSXVTIz+82j4g84rtMESt8AID0aAHHtkXJybbmNbcmK6DR67EsSCoJtWMOOBg5efe+jp5IJufXjTo979u1ghQJVoWbQpW
Rq7gPCa3Ex8SB282vYKkwR8RezaFwyv2yTVjwWsy9mOynp1hXSMHB8hTZFrw8wl4zPRqBI530iS/koeHR2aNictMeG6WTlBcGO6k
WtinRvPXT7gqHf7uikdY6jY8tLKwmuCSkMLqOS3Fx/v3+ukp2bi8OHxNGg290cB1b7f03e9rBcZwWGHlORaFIuWkH7X0ev3HzWWM
yBGcFdf3r4nrXDMx6GoGzj+uByEbOV8KjIhhBVYg0PtEqJduhcDSYBsgUnmRiwJvo4UoUNwYLvLmRAR90BWkU1gr7HwYksMTDvZ8
DOEACs/85hL3DGIt1Adqp3yAK9AWdQGgJIOhCJqABPEfJH53WrKo3/mt+pG6EgS7k6uSC75fcmvI8TLLA/QQ0MuxszxapofM4Ld9
S24kyTIqfKKU13Z1A0LW5ZPWRFytHK3qFJIEW/f8W8OJfO45eJhNZ+S7tY90bUrX7Iu19/raqb42/B/0GhX0kgYWSbyxdA0BPMcj
sq6tRdo6MLGhAGsRvjY1UNE4JOuf4YCnnxut/XWC/x6IBdtNrSbdBXN4EJ8DM1AdBkl6/fNn+A/+jNclQIN3DV5rWkVx4YcGqhZn
O1XMZrIdJMMr7zgQuYXkT6jlyOHLumZBbHCPxMmNHK+oXPhtoA1YE3A6FD91EF9hoGeeb27hUMCJ7wJGRmiTKGoactq3oRMzeXnG
qb8EvxSzKcyIX+oRFoY+fssoMAzQTdhQ+CsnWTzB+IZGM8tiUcRJtMEPqHdM3rPv+GkOvCd6HgHJdKa6C97RkLh5ReaKCbqcnSg3
S24K8o9HyD6gBsyYMt14GrTL1rUFHajb9+IDG6lG9xonJkWm6WvRay1HPoVwSfL39SR9A4Us6kFNS6BSh1AmmWWWY2wDOMeZmBRF
keUKhGFc3UEGKYCoWeJJfalpRAy/iJD9UQt/55+9RZYXmeNzcebus8LXKeLNOdOpJoMa3lqEuoCfUi5GDmULzft2vug5+UGryu2x
JlPfJns7OyQBTW8IHcnXcpVFq50Frm/a0gQCM56gGmPsSYXdaoVwaa0+r1c3sJ4nTaEpmCk7hbIxU16P8SCiFDL9wIcdoLPQfWRg
1CJWAOj45S6NIPOmXKcixeA2j5LAiySknzRC+Fl5je57lgqr5AdlYO/SB6Nl42LBPoRvAU+QeuS1KffHa6fgjWvC56ADBhqO6baz
/qq+VUUyW7KPc83ZKmAJoKaiQCSJVlJNI2/ie/jK84GqDM8heMlS4VPJjXlBgjFXPxCJqIi2LYg8/Cm841UzJBNRe0/UYtRnIYiK
XkurKnbJNqib5C2zlRzS1tQMIxNG2RDVbsTwhBrRIskwaatYukHNTCgnCOpyTUEEIOushafEDdLySCGLZ6FHmsqhKfXPTFImHu6K
qxtolBb6ywUccVJCXAMHJGpCzpbVGr8Dg93IBrvfkWathmNvJ+iVld/2XfuA2H66zJBN/Ru+u9BFNnKZTualIDjARYDte+wJAaAw
8bL1P76lfD85Il804XUz9+51EhNKwhnNk7Hjn1GCr7/zi5RF6qWGyzVVces19KF/cLDnD87Kcq74iS5sFnZGl/Ns8IkIP35EpCTP
GiP2DY99iaXfAW/TznqWCLUNTBU0K5fWrq3pm3OySfCWDfQs1/fy5aaOfXuNGvdaQB3HA2lCcQKyRnhWCuPMmKNgCodomLthuApI
MiBOBsMv4PNxfAiXpurgZAGMISvDLwIMSAjUijigXTj/JtwWYL9quThfIOePCblvC+djZtvVpium8hLEL+USAM8B1DTYK9gWFVTJ
chyaAVnne8i/qATTxBAVU/DGOgE2Tglwk2wzaPed+igLE9tc0gqZJd6u5vzya55Zc4PPmHexJPHda8jaAoeV2NY8OWxBb1OJ10Tu
XRZLqMg7c9Kp4O9AyE74KD3xTJELPCL9gqLCJK+EWZogj+qLTAxJysgrFwVCDvmdHpNxhvxk/ROpvoRU4rdcyWAW8W9hi3USIikQ
noRtmPxExqvAKVlfwMV7gHXih5BVYkhTE8c9nGbVZpK782gZ0tjNOs/SMUOXB17WTfLgDruTigd3LQKcMu35RHhLThXkxpZxVUvO
dbEgrgqSF9zsRw95HlmMDSUKOL1dmAN+nREFHY3iSBzi/q3HQvx/oYC6y2iM1/XyspUiYgyRkQiJCoe+iEkpta9UwJOwo6ll5/lH
dyrAsMuy1NCu3jexRpbsb0OIKpo4o7gixK+qErxoIkwQfIPQHi4p+JEz1IgqfIm6h6qlLNMUQe0BaT0gpYes6vDaCd/MpXzUFD98
NiRTy2k3ByPhWj4YyB/1IzQn5cGyAfNIq5FMwDHKRxjaAbcZMUkiALUCrfrPdAGr65JVW7VVW7VVW7VVW7VVW7VVW7X/2va/1h+/
YQBQAAA=
OCEANDASH_BUNDLE
}

main "$@"
