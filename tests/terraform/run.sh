#!/bin/bash
# Terraform configuration tests: parse infra/terraform/*.tf with @cdktf/hcl2json (pinned in
# package-lock.json) and assert the deployment's invariants. Needs Node 18.19 or newer with npm;
# no Terraform binary and no AWS account. `npm ci` runs when node_modules is missing or the lock
# file changed since the last install. Arguments go to `node --test` (e.g. --test-name-pattern).
set -euo pipefail
cd "$(dirname "$0")"

node_version=$(node -p 'process.versions.node')
IFS=. read -r major minor _ <<<"$node_version"
if ((major < 18 || (major == 18 && minor < 19))); then
  echo "tests/terraform: Node 18.19 or newer is needed, found $node_version" >&2
  exit 2
fi

lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.package-lock.sha256
if [[ ! -d node_modules || ! -f $stamp || $(cat "$stamp") != "$lock_sum" ]]; then
  npm ci --no-audit --no-fund
  echo "$lock_sum" >"$stamp"
fi

exec node --test "$@" ./*.test.mjs
