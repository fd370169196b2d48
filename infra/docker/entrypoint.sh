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
H4sIAAAAAAACA+07+1fbxtL5Nf4rNooJmGbxi0cqPrfXwQ7hFDDHhqa5SY+OkNZGF1lSJRlCwf/7N7MPvSxT2pubcx/e9GBpdnZ2
dnfeq9q+dc1CavnTwI/Y1t3UffbVWwPa7vY2/4VW/N1ptPfUs4A3m+3tvWek8ewbtFkUmyEhz/5H2w0LI8f3dKK1tra1SiVi4Y1j
sUivEHJpgmx4Nj4S4kzNCdNJ9f5t9+Cn/mnPODrpHvZ16lvM9Gwzuqor9MZWc6sx54MuZ44rxxNi+V7MvsQ62ZIAm8ve2HGBruON
Q7MuIPVe0rElifIRIcOzAgIzz2VRRKPYDwIm+mwWAFpkwFIkdZDneBKKlSQM2E7MVyuXaVwx042v7iRKyGzn6fjMu3FC35syL1Zj
et3z7tvuqG9cDI/1hIPfXL1er96fDUbnh8P+yLgY9YeZjZv/LWF1Z7vdymL23mbxipOcdUejD4Nhz3h3dNzXST2cefWIWSGLo7oi
aQRmFN36oS0HD/u9o5FgT6y2Xhe/u+297+sNiTU46HdPje7ZkfFT/2MZeTNwjGt2l0M/HRijg/f93sUxLA8EpQRKx6YbsXlu2PHg
0Dju/9w/TsekIApy4efxh/3z/un50eDU6HU/jtJBBThtN/LjYKd+6g8zAxSAJogHg+HI6B4fDz70e8ZgeHR4dMrxS+FUjLrx3dk0
lTIK6KP+ATADp3cEK95SezZfPBP98SPTQ/8JVOVR6GXnoygIsbWumHWtGI1BmXTySTs46WmviVafRWHd9S3TrV86Xj0ROuzLjNZ+
lcMd0OXwxnR1shMpis6U+TMguhsl+hSHDuwNaUsA118jYKHj24DXEIiox8YkNEG/VFdTUp2yqeE6UweotluNaQWA4xDtyIJZejcc
nJ6X2qVkwFc1TIrqX7BMObv61wyNMsIXZ6PzYb97oidE34AHLW7d7jbfubxFTHYusTZy5xK05i413cDxpMI+tsgSFvPmjjxi/4oD
wOqRPzKCSe+fN4ILGhtMbDM29fqNCSrgXNZTu13Hjn+hZj+ul3T0vn98jBoYTAwnCplp3xH6G6FXpNna22rAvyahF+SzVq3mNvez
RqidB/feftaepLw7C8q786jyZsRsp9nicpZxo4mQCb8jJUwg7D1ZuiA6nZqpwlAxA0VdYWECpDQI/ZhZMbPp1LdZ0qF5vpbBmppf
gGk/vEtg3+9OL8sQQBVcx0rxTNcFoxpRN5xl0CPzJjNXdiYzQNX3PfdukZenHr1YquU6BPZqQh4ICFKAUnA2OD38p040c3LN1hs4
uYxiSJWoPFu1/+5m5/M/0CD7qyeBf5D/bTf32oX8r9Vutlb537dolWIC+IW6/mQCpkYnr+QT2AM7dABRJ/+IfI9i/AMwP8CQRRp6
sJk0cn4HW9+EME1BRAil7RQSS8u07buCgzjo9noflYMQCK2tN1vbT3YS/3ycVYwtlwzhLMhJAz+MM5GEBmHLcPDLR+Pt0WkPEgvu
oxtzvXr//vz8zDgbDM91+gYAbxraEweN5Kjt7fZchz9/dVx9Zgfa0rx1cNI9glyte9LHs8i+/hixONtPYp/EV4xgMHbpm6G9HpFg
dgl+klxBmEM8c5okeJhAFkgXQTTJvfj5nx+PUmHAF2paGXoHJ32jD4N5rph5W5aLbdVz4fsBihWXyTqLrTqXsgwwk27xLkOEhbkY
UHSAVIydiV4Xv0VvCuEEByWKtKkUSRZVZoH+WBaSZ1oMkEhmOMkUKAqR+5+I5XPVnIuz8mIOsJlJmf7F1Zf/pAxC5F+wbT/1+2eZ
XeSvdG+eRzo/EqKffaWNlp4WKGTPqG1cDI8yqBJAF/Eg9zsbHJ2ei0pOdkCuJxnZ/QC70H/XvTg+N4b9w6PBKdcggMo3ymb0Fk6Y
tr9pWUOIWaRLeYsKHWhr41nSTcVrafT6qMIlJr3cSSh9fILBLxFTUU1SJ3DePb8YZUWpqFN1sYgtdKXlW11YexkRtYelK857sVKU
vHqWomSyuJL+DNMZW5m8SQOZ2LsofVTrWuUW/4bxv3kbwRFHXzcF+IP4v7G71yrE/+1Ga2cV/3+L9oXKI4dwXz5lwv0Ukgv2JZhO
Qh9MkXAkx4PDkXE4HFyciZAxB1JB44Hrz+wPZmxdoU0hfPw8RzJkE257U5pLHJQaAE7GjJliReMXDCLOjU2wWNr9/dYphqTz5TlI
at7S9WbdwrL+EhObIiwzwinGMhucYpSaYNX9dc6/PD7+pve/zZ3tZjH/b+y2V/r/Ldp95blpTx2P+ONx5Xl07QSG48GWuK4Rh7A3
lXmlshG7kYF5WI3c594NNjUdF6HPAUTuq2lKNk8QeWnSM1M0BeAYECXOQie+w1zAZmHEscQzPj0fxaFjxfQ8NL0Ik206kgOIhgUG
yGI67eZOexfkZh8oW+7MZqPZZc8HzrxIAwq/0AOuiUDkLmB0IAwZFmIjzxmPEWXIxiwMwQ2e8Xov0SIxqx86oHT09op5YGd8SHoE
BMcAI7z6/Jyv9L6aSWrnuBP5PHeOi3GmuAKCm3JfTVNckeGq3uKGVJ4zz/JtRn6PYptMfneCCmwQBIMuI3jNV9/k+yS3TC1V7VKy
IpuNzZkb0yi0yLrne2x9H0wUGEZqemARYz+MJBwXFzIsCzEjCP0vd/mrJVhvMn9m4h+fNnPE3DHMHFmhExRA8Z3LchBnOsm8Ex5g
7mN87jErP9a//EcCkmu7NCNGgZEEZ+yHU2paePgp7IkbkNjydrID6L5w+f4sDmZwarENT/CO05gxr5MJ0fg31/+SUkPmlvPb2P/G
Qv23vdNc2f9v0rrDw0IZqbNYM6q8Gw5OFqpL8wqWYUjo+3FleHFKnLG6qCP0hpjBNfmhbrObujdz3X0M/zzyWZWxoBNiDUKp51PL
tCA0hLAGb7n2JQ6DMC6DHtMJxJSzAIxACn71ivT6b48g+VaX/x1QYO5eUNFvWDJQujRC78SU8h2iTeQYKwI4P16yWSa1WBg7Y8eC
qaLsXOGU0HBMkmtiIA6/URzVNxXXY6dyMDj7KKPHreiKLPuugsqyHm7c9Np2QkIDoqogJF/vwMmtK//WS0NG9bBsiDgahVX5eXB8
cdInnzSFzj/5yI3Qfq30T8+HH3nxCDCLnEL/wUkPOmyTTX0PXlfJ839BK7P/ifR+xfh/b2dnif2HZD/tU/a/3W6s7P+3aC9fcLsU
XVUwaYcku1I5O3wPdr4D5p4/pJcIc+jCSyXeJW6X8INFBKO56ZQX6LFbfbLYKS3KX84r7AsPfsWMRFAngixJh1dkkbV3hJOlLzpV
dm1eWazDpqjZ4izNm79sVTYhgvX8zmJ1P1PI75SX9XP1+05JPb+8Xt95rJB/Nuy/O/qlk9rlCnT2hz93j41R/2Bw2ht13uxuQ3xa
gdh0A/IowsBpkAVDrpPqpkZ+eNXaJ/OK7TBErfACA9GgBx7ZFycmLUxrbkzXQZcrcSwIqkk1sx3gWLnfW18nD2Tz04sG/f7XzRoB
qkTLok1By8gl+GNye+VD4uDNppeQNPhjYs+m4Lxin1wzFrwmEz8m69kZ1jWyv488RaYFP5+Ax0yvRsC9kyb5lTw8PDJrTFxmwnOz
dILiwvAk1cI+NZq/fsJV6fB3RzzCUlvw0M7CaoJLQgqr57QUH+/f6ycnZOPi/OA1aTT0RgPX3WrrO9/XCozhsMLKcywKQcrtftTW
6/UfN5cxIkdwVlzfvyauc83EoMsZGP+4HoRs7HwpMCKGFViBQO8ToV56FAJLg2OASOVFLgq8jRaiQHERs8ibExG0QZeQTmGtsPth
RA6OOdjzMYQDKDzzm0s8M4i1UB6onfIBpkBblAWAkgyGImgCEsR/kPjdacmifue36ofqShD0Tq5KLvh+ya0hx8ssD9BDQC/HzvJo
mR4yg9/2LbmRJMuo8IlSXjvVDQhZl09aE3G1MrSqU+wk6Lrn3xpO5HPLwcNsOiPfrX2ka1O6Zp+vvdfXTvS10d/RalTQShpYJPEm
0jQE8ByPybq2FmnrwMSGAqxF+NrUQETjkKx/BgdPPzfae+sE/z0QC46bWk26A+rwID4HZiA6DJL0+ufP8B/8maxLgAbvGrzWtIri
wg8NFC3OdiqYzeQ4SIZX3rEvcgvJnxDLscOXdc2C2OAWiZMbO15RuPDbQBuwrsDoUPzUQXyFgZZ5vrmFQwEnvgsYGaNO4lbTkNO+
DZ2YybsvTv0l2KWYTWFG/FKPsDD08VtGgWGAbMKBwl85yaIH4wcazSyLRREn0QE7oN4xec++46c58J7IeQQk05nqLlhHQ+LmBZkL
JshydqLcLLkpyP89QvYBJWDGlOrG06BTtq4t6EDZvhcf2Egxutc4Mbllmr4WvdZy5FMI30n+vp6kbyCQRTmoaQlUyhDuSWaZ5Rgt
AOc4E5PiVmS5gs0wLu8ggxRAlCzxpL7UNCKGV82yP2rj7/yzt8jyInN8Ls7cfXbzdYp4c850KskghrcWoS7gp5SLkUPZQvO2nS96
Tn7QqvJ4rKupb5Pd7W2SgKY3hI7la7nIotbOAtc3bakCgRlfoRhj7EmF3mqFcGmtPq9XN7CeJ1WhKZgp80LZmCkvx+iIKIVMP/Dh
BOgsdB8ZGLWJFQA6frlLI8i8KZepSDHY4lESWJGE9JNGCDsrb8F9z1Jhlfy+APRd2mDUbFws6IewLWAJUou8NuX2eO0ErHFN2Bw0
wEDDMd1O1l7Vt6pIZkv2ca45WwUsAdRUFIgkUUuqaeRNfA9feT5QleE5BC9ZKnwqeTAvSDDh4gdbIiqiHQsiD38K73jVDMlE1NkV
tRj1WQiiotXSqopd0gJxk7xljpJDOpqaYWzCKBui2o0YnlAi2iQZJnUVSzcomQnlBEFdrimIAGSNtbCUeEBaHilk8Sz0SFMZNCX+
mUnKtoeb4uoGKqWF9nIBR3hKiGvAQaIk5HRZrfE7UNiNbLD7HWnWajj29gqtsrLbvmvvE9tPlxmyqX/DTxe6yEYu08m8FDYOcBFg
+x57QgAoVLxs/Y8fKT9PjsgXTXjdzL17ncSEknBG8mTs+GeE4Ouf/CJlkXqp4XJNVTx6DW3oHzj2vOOsLOeKe3Shs3Ayupxng09E
uPsRkZL0NUbsGx77Eku7A9amk7UsEUobqCpIVi6tXVvTN+dkk+AtG8hZru/ly00d+3YbNW61gDqOB9KE4gRkjfCsFMaZMUfBFA7R
MHfDcBWQZECcDIZfwOfj+BC+m6qDkwUwhqwMvwgwICFQK+KATsH/XXFdgPOq5eJ8gZx3E/LcFvxj5tjVoSum8juIX8olAJ4DqGmw
V7AtKqiS5Tg0A7LOz5B/UQmqiSEqpuCNdQJsnBDgJjlmkO479U0VJra5pBUyS7xdzdnl1zyz5gqfUe9iSeK715C1BQ4r0a154mxB
btMdr4ncuyyWUJF3xtOp4G9f7J2wUXpimSIXeET6BUGFSV4JtTRhP6ovMjEkKSOvTBRscsjv9JiMM+Qn659I9SWkEr/lSgaziH8L
W6yTEEmB8CRsw+QeGa8Cp2R9ARfvAdaJH0JWiSFNTbh78GbVZpK782gZ0tjNOs/SMUOXDi9rJnlwh91JxYObFgFOmfZ8Iqwlpwr7
xpZxVUv8ulgQFwXJCx72o06eRxYTQ20FeG8X5oBfZ0xBRqM4Ek7cv/VYiP8vFFB3GY3xul5etlJEjCEyEiFRwemLmJRS+1IFPAk7
mlp2nn80pwIMpyxLDZ3qfRNrZMn5NsRWRVfOOK6I7VdVCV40ESoItkFID98p+JEz1IgqfIm6h6qlLJMUQe0BaT0gpYes6PDaCT/M
pXzUFD98NiRTy0k3ByPhWj4YyLv6MaqTsmDZgHms1Ugm4BjnIwxtn+uMmCTZALUCrfq3dAGr65JVW7VVW7VVW7VVW7VVW7VVW7X/
2Pb/w8cxGABQAAA=
OCEANDASH_BUNDLE
}

main "$@"
