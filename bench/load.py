#!/usr/bin/env python3
"""Loads the benchmark dataset through the real ingest endpoint and reports rows/s.

Dataset: N locations x 4 parameters x 30 days hourly (20 x 4 x 720 = 57,600 rows), sent as
batches of 5,000 rows. The request bodies are built before the clock starts, so the number is
the server's ingest rate (parse, validate, store, invalidate), not Python's.
Also writes the locations file the server must be started with (--write-locations).
"""
import argparse
import http.client
import json
import math
import sys
import time

PARAMETERS = [("sst", 15.0, 5.0), ("chlorophyll_a", 0.8, 0.5), ("salinity", 35.0, 0.5),
              ("wave_height", 1.5, 1.0)]


def locations(n):
    # Coordinates wrap, so any --locations count stays on the globe (the first 20 never wrap).
    return [{"id": f"bench-{i:02d}", "name": f"Bench site {i}", "latitude": -60 + i * 6.0 % 120,
             "longitude": -170 + i * 17.0 % 340, "description": "benchmark"} for i in range(n)]


def rows(n_locations, days, end_ms):
    start = end_ms - days * 86_400_000
    out = []
    for loc in locations(n_locations):
        for parameter, base, amplitude in PARAMETERS:
            for h in range(days * 24):
                ts = start + h * 3_600_000
                value = base + amplitude * math.sin(h / 24.0 * 2 * math.pi) * 0.5
                out.append({"location_id": loc["id"], "parameter": parameter,
                            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts / 1000)),
                            "value": round(value, 3), "quality_flag": "good", "source": "bench"})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--key", required=False)
    ap.add_argument("--locations", type=int, default=20)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--write-locations")
    # Rows this many days later than the default window (which ends at the current hour): on a
    # database already loaded, new rows of existing series, as fetches add them.
    ap.add_argument("--shift-days", type=int, default=0)
    args = ap.parse_args()
    if args.write_locations:
        with open(args.write_locations, "w") as f:
            json.dump(locations(args.locations), f)
        return
    end_ms = int(time.time() // 3600 * 3600 * 1000) + args.shift_days * 86_400_000
    data = rows(args.locations, args.days, end_ms)
    bodies = [json.dumps(data[i:i + args.batch]).encode() for i in range(0, len(data), args.batch)]
    conn = http.client.HTTPConnection("127.0.0.1", args.port)
    headers = {"Authorization": f"Bearer {args.key}", "Content-Type": "application/json"}
    started = time.perf_counter()
    for body in bodies:
        conn.request("POST", "/api/observations/ingest/", body, headers)
        response = conn.getresponse()
        payload = response.read()
        if response.status != 200:
            sys.exit(f"ingest failed: {response.status} {payload[:300]!r}")
    elapsed = time.perf_counter() - started
    print(f"ingest_rows={len(data)} batches={len(bodies)} seconds={elapsed:.3f} "
          f"rows_per_second={len(data) / elapsed:.0f}")


if __name__ == "__main__":
    main()
