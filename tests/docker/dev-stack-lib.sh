# Sourced by tests/docker/stack.sh and bench/stack_load.sh: the settings of a throwaway project
# of the dev combination (docker-compose.yml + docker-compose.override.yml). The caller sets
# WORK (its temporary folder), BACKEND_IMAGE, FRONTEND_IMAGE, POSTGRES_IMAGE and REDIS_IMAGE.
# shellcheck shell=bash

# A port nothing on the host listens on, so a run never clashes with a running service.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    ss -Htln "sport = :$port" | grep -q . || {
      echo "$port"
      return
    }
  done
}

# Writes $WORK/secrets (a random PostgreSQL password and API key, files the containers' users
# can read) and $WORK/.env with free ports on 127.0.0.1 and no scheduler; each argument is one
# more NAME=value line. Sets API_KEY, BACKEND_PORT and FRONTEND_PORT.
write_stack_settings() {
  install -d -m 700 "$WORK/secrets"
  (
    umask 022
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/secrets/postgres_password"
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/secrets/api_key"
  )
  # shellcheck disable=SC2034  # for the caller
  API_KEY=$(cat "$WORK/secrets/api_key")
  BACKEND_PORT=$(free_port)
  FRONTEND_PORT=$(free_port)
  {
    cat <<EOF
SECRETS_DIR=$WORK/secrets
BACKEND_IMAGE=$BACKEND_IMAGE
FRONTEND_IMAGE=$FRONTEND_IMAGE
POSTGRES_IMAGE=$POSTGRES_IMAGE
REDIS_IMAGE=$REDIS_IMAGE
OCEAN_NO_SCHEDULER=true
BACKEND_HOST_PORT=$BACKEND_PORT
FRONTEND_HOST_PORT=$FRONTEND_PORT
POSTGRES_HOST_PORT=$(free_port)
REDIS_HOST_PORT=$(free_port)
EOF
    printf '%s\n' "$@"
  } >"$WORK/.env"
  # The shell's environment outranks --env-file in Compose: nothing a caller exported may reach
  # it.
  local name
  while IFS='=' read -r name _; do export -n "${name?}"; done <"$WORK/.env"
}
