#!/usr/bin/env bash
# Starts and stops the real PostgreSQL 15 and Redis 7 that the tests use, in a temporary
# folder, on loopback ports. PostgreSQL refuses to run as root, so its cluster belongs to the
# `postgres` user.
#
#   scripts/services.sh start        start both; writes $DIR/services.env
#   scripts/services.sh stop         stop both and remove the folder
#   scripts/services.sh restart-pg   stop PostgreSQL (fast) and start it again on the same port
#   scripts/services.sh stop-pg | start-pg | stop-redis | start-redis
#   scripts/services.sh env          print the env file
#
# Environment: OCEAN_SERVICES_DIR (default /tmp/oceandash-services), OCEAN_PG_PORT (55432),
# OCEAN_REDIS_PORT (56379).
set -euo pipefail

DIR=${OCEAN_SERVICES_DIR:-/tmp/oceandash-services}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PGDATA="$DIR/pg"
ENV_FILE="$DIR/services.env"

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {
  local port=$1
  while ! port_free "$port"; do port=$((port + 1)); done
  echo "$port"
}

start_pg() {
  local port=$1
  as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$DIR/pg.log" -w -t 60 \
    -o "-p $port -k $DIR/pgsock -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" start >/dev/null
}

stop_pg() {
  as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null || true
}

start_redis() {
  local port=$1
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" --dir "$DIR"
  for _ in $(seq 1 50); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "redis did not start; see $DIR/redis.log" >&2
  return 1
}

stop_redis() {
  local port=$1
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  for _ in $(seq 1 50); do
    port_free "$port" && return 0
    sleep 0.1
  done
}

load_env() {
  [ -f "$ENV_FILE" ] || { echo "services not started (no $ENV_FILE)" >&2; exit 1; }
  # shellcheck disable=SC1090
  . "$ENV_FILE"
}

case "${1:-}" in
  start)
    [ -n "$PG_BIN" ] || { echo "PostgreSQL server not installed (run scripts/install-deps.sh)" >&2; exit 1; }
    if [ -f "$ENV_FILE" ]; then "$0" stop; fi
    mkdir -p "$DIR/pgsock"
    chown -R postgres:postgres "$DIR" 2>/dev/null || true
    chmod 755 "$DIR"
    as_postgres "$PG_BIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    pg_port=$(pick_port "${OCEAN_PG_PORT:-55432}")
    start_pg "$pg_port"
    as_postgres "$PG_BIN/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE oceandash_test" >/dev/null
    redis_port=$(pick_port "${OCEAN_REDIS_PORT:-56379}")
    start_redis "$redis_port"
    cat > "$ENV_FILE" <<ENV
export OCEAN_TEST_PG_URL=postgresql://postgres@127.0.0.1:$pg_port/oceandash_test
export OCEAN_TEST_PG_PORT=$pg_port
export OCEAN_TEST_REDIS_URL=redis://127.0.0.1:$redis_port/0
export OCEAN_TEST_REDIS_PORT=$redis_port
export OCEAN_TEST_SERVICES=$(cd "$(dirname "$0")" && pwd)/services.sh
export OCEAN_SERVICES_DIR=$DIR
ENV
    chmod 644 "$ENV_FILE"
    cat "$ENV_FILE"
    ;;
  stop)
    if [ -f "$ENV_FILE" ]; then
      load_env
      stop_redis "$OCEAN_TEST_REDIS_PORT"
    fi
    [ -d "$PGDATA" ] && stop_pg
    rm -rf "$DIR"
    ;;
  restart-pg) load_env; stop_pg; start_pg "$OCEAN_TEST_PG_PORT" ;;
  stop-pg) load_env; stop_pg ;;
  start-pg) load_env; start_pg "$OCEAN_TEST_PG_PORT" ;;
  stop-redis) load_env; stop_redis "$OCEAN_TEST_REDIS_PORT" ;;
  start-redis) load_env; start_redis "$OCEAN_TEST_REDIS_PORT" ;;
  env) cat "$ENV_FILE" ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
