#!/usr/bin/env bash
# The Lambda runtime's two speed targets, measured on the packaged zip run on this host (not a
# timed test): from process start (the bootstrap spawned) to its first `next` request, and a warm
# `cleanup` invocation (event handed out -> response posted) against a local backend (oceandash
# serve on SQLite). The fake Runtime API and Secrets Manager are lambda_fake_runtime's.
#
#   bench/lambda_bench.sh [rounds, default 10]      (each round: one process, 5 invocations)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-10}
BUILD_DIR=${OCEAN_BUILD_DIR:-build}
KEY=bench-lambda-key-0123456789
scripts/build.sh --target oceandash lambda_fake_runtime >/dev/null
scripts/package-lambda.sh

work=$(mktemp -d /tmp/oceandash-lambda-bench-XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
unzip -q dist/oceandash-lambda.zip -d "$work/task"
# shellcheck source=tests/lambda/backend.sh
. tests/lambda/backend.sh
start_backend "$work" "$KEY"
[ -n "$port" ] || { echo "lambda_bench.sh: the backend did not start" >&2; exit 1; }

for _ in $(seq "$ROUNDS"); do
  API_URL="http://127.0.0.1:$port/api" _HANDLER=cleanup LAMBDA_TASK_ROOT="$work/task" \
    "$BUILD_DIR/src/lambda/lambda_fake_runtime" --events 5 --api-key "$KEY" -- \
    "$work/task/bootstrap" 2>/dev/null | grep '^{"posts"' >>"$work/reports.jsonl"
done
python3 - "$work/reports.jsonl" <<'PY'
import json, statistics, sys
reports = [json.loads(line) for line in open(sys.argv[1])]
start = [r["start_to_first_next_ms"] for r in reports]
cold = [r["invocation_ms"][0] for r in reports]
warm = [ms for r in reports for ms in r["invocation_ms"][1:]]
def row(name, values, target):
    values = sorted(values)
    p90 = values[max(0, int(len(values) * 0.9) - 1)]
    print(f"{name:<34} median {statistics.median(values):7.1f} ms  p90 {p90:7.1f} ms  "
          f"max {values[-1]:7.1f} ms  (n={len(values)}; target {target})")
row("process start -> first next", start, "< 50 ms")
row("first cleanup (reads the secret)", cold, "none")
row("warm cleanup", warm, "< 20 ms")
PY
