#!/usr/bin/env bash
# One full fetch cycle of every source in config/sources.json for 50 locations against a fake
# upstream on loopback (bench/fake_upstream.py serving tests/fixtures/), measured with
# /usr/bin/time -v: wall time and peak resident memory. Target (issue 3): < 5 s, < 50 MB.
#
#   bench/fetch_bench.sh                       # uses build/oceandash
#   OCEANDASH=build-fb/oceandash RUNS=5 bench/fetch_bench.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
oceandash="${OCEANDASH:-$repo/build/oceandash}"
runs="${RUNS:-3}"
[[ -x "$oceandash" ]] || { echo "no executable $oceandash (build it, or set OCEANDASH)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }

work="$(mktemp -d /tmp/oceandash-fetch-bench-XXXXXX)"
fake_pid=""
cleanup() {
  if [[ -n "$fake_pid" ]]; then kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# 50 ocean points on a 5 x 10 lattice inside the Bay of Biscay grid of the recorded Copernicus
# Zarr stores (46.5-47.1 N, 5.0-4.4 W), so every Copernicus location reads chunks; 10 of them
# carry an NDBC station id (the fake answers each with the recorded 46042 file). ERDDAP gets the
# same recorded body for every site, so where the points are does not matter to it.
python3 - "$work/locations.json" <<'PY'
import json, sys
stations = ["46042", "46026", "46012", "46059", "51001", "51002", "51003", "51004", "46006", "46005"]
locations = []
for r in range(5):
    for c in range(10):
        n = len(locations)
        location = {"id": "bench-%02d" % n, "name": "Bench point %d" % n,
                    "latitude": round(46.52 + 0.12 * r, 4), "longitude": round(-4.98 + 0.06 * c, 4),
                    "description": "fetch benchmark"}
        if n % 5 == 0:
            location["ndbc_station"] = stations[n // 5]
        locations.append(location)
assert len(locations) == 50 and sum("ndbc_station" in l for l in locations) == 10
with open(sys.argv[1], "w") as f:
    json.dump(locations, f, indent=1)
PY

python3 "$repo/bench/fake_upstream.py" --fixtures "$repo/tests/fixtures" >"$work/fake.out" 2>"$work/fake.err" &
fake_pid=$!
for _ in $(seq 100); do
  grep -q '^PORT ' "$work/fake.out" 2>/dev/null && break
  sleep 0.05
done
port="$(awk '/^PORT /{print $2}' "$work/fake.out")"
[[ -n "$port" ]] || { echo "fake upstream did not start:" >&2; cat "$work/fake.err" >&2; exit 1; }
base="http://127.0.0.1:$port"

# Every source at the fake: ERDDAP and NDBC by base URL, Copernicus by its STAC bucket root.
export OCEAN_SOURCE_NOAA_URL="$base/erddap"
export OCEAN_SOURCE_CHLOROPHYLL_URL="$base/erddap"
export OCEAN_SOURCE_NDBC_URL="$base"
for id in SST SALINITY CURRENT_U CURRENT_V SSH WAVES CHL; do
  export "OCEAN_SOURCE_COPERNICUS_${id}_URL=$base/mdl-metadata"
done

echo "oceandash: $oceandash ($("$oceandash" --version 2>/dev/null || echo unknown version))"
echo "fake upstream: $base; 50 locations; $runs runs, each into a fresh SQLite database"
for run in $(seq "$runs"); do
  db="$work/run$run.db"
  status=0
  /usr/bin/time -v "$oceandash" fetch all --database "sqlite:$db" \
    --locations "$work/locations.json" --sources "$repo/config/sources.json" \
    >"$work/out$run.txt" 2>"$work/time$run.txt" || status=$?
  wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time$run.txt")"
  rss_kb="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time$run.txt")"
  printf 'run %d: wall %s, max RSS %d kB (%.1f MB), exit %d\n' \
    "$run" "$wall" "$rss_kb" "$(echo "$rss_kb / 1024" | bc -l)" "$status"
  if [[ "$run" == 1 ]]; then
    cut -c1-160 "$work/out$run.txt" | sed 's/^/  /'  # error lists can be long
    python3 - "$db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT count(*) FROM observations").fetchone()[0]
cells = db.execute("SELECT count(*) FROM source_cells").fetchone()[0]
print("  stored: %d observations, %d source cells" % (rows, cells))
PY
    grep -v "Command being timed\|Elapsed\|Maximum resident" "$work/time$run.txt" \
      | grep -i "error\|fatal" | head -5 | sed 's/^/  stderr: /' || true
  fi
done

kill "$fake_pid"; wait "$fake_pid" 2>/dev/null || true; fake_pid=""
cat "$work/fake.err"
