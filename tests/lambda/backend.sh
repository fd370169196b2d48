# shellcheck shell=bash
# Sourced by tests/lambda/zip.sh and bench/lambda_bench.sh: starts `oceandash serve` on a
# temporary SQLite database in $1 with the API key $2 on a free loopback port, and sets
# server_pid and port (empty when it did not start; its stderr is in $1/server.err).
start_backend() {
  local dir=$1 key=$2
  OCEAN_API_KEY=$key "${BUILD_DIR:-build}/oceandash" serve --port 0 --host 127.0.0.1 \
    --no-scheduler --database "sqlite:$dir/backend.db" >"$dir/server.out" 2>"$dir/server.err" &
  # shellcheck disable=SC2034  # read by the caller
  server_pid=$!
  port=""
  for _ in $(seq 100); do
    port=$(grep -o '"port":[0-9]*' "$dir/server.out" 2>/dev/null | head -n 1 | cut -d: -f2 || true)
    [ -n "$port" ] && return 0
    sleep 0.1
  done
}
