#!/usr/bin/env python3
"""A fake of every upstream oceandash fetches, for bench/fetch_bench.sh (stdlib only).

Serves the recorded wire-format payloads of tests/fixtures/ on 127.0.0.1:

  /erddap/info/<dataset>/index.json    erddap/<dataset>_info.json
  /erddap/griddap/<dataset>.json       erddap/<dataset>_monterey.json, whatever the query (the
                                       same recorded body for every site: fine for throughput)
  /erddap/info/ncdcOisst21Agg_LonPM180/index.json
                                       oisst/ncdcOisst21Agg_LonPM180_info.json with its time axis
                                       from 1981-09-01 to yesterday, as the real one
  /erddap/griddap/ncdcOisst21Agg_LonPM180.json
                                       a synthetic OISST answer for the query's days and box
                                       (`oceandash climatology` for any site: bench/run.sh)
  /data/realtime2/<station>.txt        ndbc/46042.txt for every station
  /mdl-metadata/...                    the Copernicus STAC chain, the real bucket host in its
                                       hrefs rewritten to this server
  /mdl-arco-geo-014/...                the geo-chunked Zarr stores; a chunk zarr never wrote
                                       answers 403 AccessDenied, as the bucket does

Binds port 0 (or --port), prints "PORT <n>" on stdout once listening, serves until SIGTERM or
SIGINT, then prints the request count per kind on stderr.
"""

import argparse
import collections
import datetime
import http.server
import json
import math
import os
import re
import signal
import sys
import threading
import urllib.parse

REAL_S3 = b"https://s3.waw3-1.cloudferro.com"
ACCESS_DENIED = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code>'
                 b"</Error>")
JSON_TYPE = "application/json;charset=UTF-8"
TEXT_TYPE = "text/plain"
BINARY_TYPE = "application/octet-stream"

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from erddap_wire import OISST, erddap_double, grid_rows, griddap_table  # noqa: E402

OISST_DATASET = "ncdcOisst21Agg_LonPM180"
OISST_FIRST = datetime.date(1981, 9, 1)
EPOCH = datetime.date(1970, 1, 1)
BRACKET = re.compile(r"\[\(([^)]*)\):1:\(([^)]*)\)\]")


PHY = "GLOBAL_ANALYSISFORECAST_PHY_001_024"
STAC = "/mdl-metadata/metadata/"
ARCO = "/mdl-arco-geo-014/arco/"
VERSION = "_202406"
# The fixtures record only PHY's thetao, so and zos stores. The other Copernicus sources of
# config/sources.json get a copy of a recorded store under their own product, dataset and
# variable names (product, dataset, variables, template dataset, template variable), so every
# source runs the whole STAC -> .zmetadata -> chunks chain. Values are the template's.
ALIASES = [
    (PHY, "cmems_mod_glo_phy-cur_anfc_0.083deg_P1D-m", ["uo", "vo"],
     "cmems_mod_glo_phy-thetao_anfc_0.083deg_P1D-m", "thetao"),
    ("GLOBAL_ANALYSISFORECAST_WAV_001_027", "cmems_mod_glo_wav_anfc_0.083deg_PT3H-i", ["VHM0"],
     "cmems_mod_glo_phy_anfc_0.083deg_P1D-m", "zos"),
    ("GLOBAL_ANALYSISFORECAST_BGC_001_028", "cmems_mod_glo_bgc-pft_anfc_0.25deg_P1D-m", ["chl"],
     "cmems_mod_glo_phy-thetao_anfc_0.083deg_P1D-m", "thetao"),
]


def item_link(dataset):
    return {"rel": "item", "href": dataset + VERSION + "/dataset.stac.json",
            "title": dataset + VERSION, "type": "application/json"}


def add_aliases(copernicus):
    """Adds the ALIASES to the catalogue, their products and their Zarr stores."""
    def stac(path):
        return json.loads(copernicus[STAC + path][1])

    def put(path, document):
        copernicus[path] = (JSON_TYPE, json.dumps(document, indent=1).encode())

    catalog = stac("catalog.stac.json")
    products = {PHY: stac(PHY + "/product.stac.json")}
    for product, dataset, variables, template, template_variable in ALIASES:
        if product not in products:
            collection = json.loads(json.dumps(products[PHY]))
            collection["id"] = collection["title"] = product
            collection["links"] = [l for l in collection["links"] if l["rel"] != "item"]
            products[product] = collection
            if not any(l["rel"] == "child" and l["href"].startswith(product + "/")
                       for l in catalog["links"]):
                catalog["links"].append({"rel": "child", "href": product + "/product.stac.json",
                                         "title": product, "type": "application/json"})
        products[product]["links"].append(item_link(dataset))
        item = copernicus[STAC + PHY + "/" + template + VERSION + "/dataset.stac.json"][1]
        item = item.replace(template.encode(), dataset.encode()).replace(PHY.encode(),
                                                                         product.encode())
        copernicus[STAC + product + "/" + dataset + VERSION + "/dataset.stac.json"] = (JSON_TYPE,
                                                                                     item)
        source_store = ARCO + PHY + "/" + template + VERSION + "/geoChunked.zarr/"
        target_store = ARCO + product + "/" + dataset + VERSION + "/geoChunked.zarr/"
        for path, answer in list(copernicus.items()):
            if not path.startswith(source_store):
                continue
            key = path[len(source_store):]
            if key.startswith(template_variable + "/"):
                for variable in variables:
                    copernicus[target_store + variable + key[len(template_variable):]] = answer
            elif key == ".zmetadata":
                zmetadata = json.loads(answer[1])
                metadata = zmetadata["metadata"]
                for name in (".zarray", ".zattrs"):
                    entry = metadata.pop(template_variable + "/" + name)
                    for variable in variables:
                        metadata[variable + "/" + name] = entry
                copernicus[target_store + key] = (answer[0], json.dumps(zmetadata).encode())
            else:
                copernicus[target_store + key] = answer
    put(STAC + "catalog.stac.json", catalog)
    for product, collection in products.items():
        put(STAC + product + "/product.stac.json", collection)


def load_fixtures(root, base_url):
    """Every fixture under copernicus/ at its URL path, plus the ERDDAP and NDBC bodies."""
    copernicus = {}
    top = os.path.join(root, "copernicus")
    for directory, _, files in os.walk(top):
        for name in files:
            if name.endswith(".py"):
                continue
            path = os.path.join(directory, name)
            url_path = "/" + os.path.relpath(path, top).replace(os.sep, "/")
            with open(path, "rb") as f:
                body = f.read()
            if name.endswith(".stac.json"):
                copernicus[url_path] = (JSON_TYPE, body.replace(REAL_S3, base_url.encode()))
            else:
                copernicus[url_path] = (BINARY_TYPE, body)
    add_aliases(copernicus)
    erddap = {}
    for name in os.listdir(os.path.join(root, "erddap")):
        with open(os.path.join(root, "erddap", name), "rb") as f:
            erddap[name] = f.read()
    with open(os.path.join(root, "ndbc", "46042.txt"), "rb") as f:
        ndbc = f.read()
    return copernicus, erddap, ndbc


def oisst_info(root):
    """The recorded info table with the time axis of the real dataset: daily at 12:00Z from
    1981-09-01 through yesterday."""
    with open(os.path.join(root, "oisst", OISST_DATASET + "_info.json")) as f:
        info = json.load(f)
    last = datetime.date.today() - datetime.timedelta(days=1)
    noon = lambda day: (day - EPOCH).days * 86400 + 12 * 3600  # noqa: E731
    for row in info["table"]["rows"]:
        if row[:3] == ["dimension", "time", ""]:
            row[4] = "nValues=%d, evenlySpaced=true, averageSpacing=1 day 0h 0m 0s" % (
                (last - OISST_FIRST).days + 1)
        elif row[:3] == ["attribute", "time", "actual_range"]:
            row[4] = "%s, %s" % (erddap_double(noon(OISST_FIRST)), erddap_double(noon(last)))
    return json.dumps(info).encode()


def oisst_value(day, lat):
    """A made-up SST: a seasonal cycle of 3 degrees around 15 (opposite in the two hemispheres),
    plus slow made-up anomalies of about a degree, so climatologies and heatwaves have a shape."""
    n = day.toordinal()
    season = 3.0 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 45) / 365.25)
    anomaly = (0.6 * math.sin(2 * math.pi * n / 47.0) + 0.4 * math.sin(2 * math.pi * n / 13.3)
               + 0.3 * math.sin(2 * math.pi * n / 211.0 + lat))
    return round(15.0 + (season if lat < 0 else -season) + anomaly, 2)


def oisst_answer(query):
    """The griddap answer to sst[(start):1:(stop)][0][(lat0):1:(lat1)][(lon0):1:(lon1)]: every
    0.25-degree cell of the box, every day at 12:00Z in the span."""
    (start, stop), (lat0, lat1), (lon0, lon1) = BRACKET.findall(urllib.parse.unquote(query))
    first = datetime.date.fromisoformat(start[:10])
    if start[10:] > "T12:00:00Z":
        first += datetime.timedelta(days=1)
    last = datetime.date.fromisoformat(stop[:10])
    if stop[10:] < "T12:00:00Z":
        last -= datetime.timedelta(days=1)
    days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]

    def axis(a, b):
        lo, hi = sorted((float(a), float(b)))
        return [lo + 0.25 * k for k in range(int(round((hi - lo) / 0.25)) + 1)]
    lats, lons = axis(lat0, lat1), axis(lon0, lon1)
    values = [oisst_value(day, lats[0]) for day in days]
    return griddap_table(*OISST, grid_rows([day.isoformat() + "T12:00:00Z" for day in days], [0.0],
                                           lats, lons, lambda t, i, j: values[t])).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real servers
    server_version = "fake-upstream"

    def log_message(self, *args):  # one line per request would dominate the run
        pass

    def answer(self, kind, status, content_type, body):
        self.server.count(kind)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path, _, query = self.path.partition("?")
        erddap = self.server.erddap
        if path == "/erddap/info/%s/index.json" % OISST_DATASET:
            return self.answer("oisst info", 200, JSON_TYPE, self.server.oisst_info)
        if path == "/erddap/griddap/%s.json" % OISST_DATASET:
            return self.answer("oisst griddap", 200, JSON_TYPE, oisst_answer(query))
        if path.startswith("/erddap/info/") and path.endswith("/index.json"):
            dataset = path[len("/erddap/info/"):-len("/index.json")]
            body = erddap.get(dataset + "_info.json")
            if body is not None:
                return self.answer("erddap info", 200, JSON_TYPE, body)
        elif path.startswith("/erddap/griddap/") and path.endswith(".json"):
            dataset = path[len("/erddap/griddap/"):-len(".json")]
            body = erddap.get(dataset + "_monterey.json")
            if body is not None:
                return self.answer("erddap griddap", 200, JSON_TYPE, body)
        elif path.startswith("/data/realtime2/") and path.endswith(".txt"):
            return self.answer("ndbc realtime2", 200, TEXT_TYPE, self.server.ndbc)
        elif path in self.server.copernicus:
            content_type, body = self.server.copernicus[path]
            kind = "copernicus stac" if path.startswith("/mdl-metadata/") else "copernicus zarr"
            return self.answer(kind, 200, content_type, body)
        elif path.startswith("/mdl-"):
            return self.answer("copernicus 403", 403, "application/xml", ACCESS_DENIED)
        return self.answer("404", 404, TEXT_TYPE, b"Not Found\n")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address, fixtures):
        super().__init__(address, Handler)
        base_url = "http://127.0.0.1:%d" % self.server_address[1]
        self.copernicus, self.erddap, self.ndbc = load_fixtures(fixtures, base_url)
        self.oisst_info = oisst_info(fixtures)
        self.counts = collections.Counter()
        self.counts_lock = threading.Lock()

    def count(self, kind):
        with self.counts_lock:
            self.counts[kind] += 1


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fixtures", default=os.path.join(here, "..", "tests", "fixtures"))
    args = parser.parse_args()
    server = Server(("127.0.0.1", args.port), args.fixtures)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()
    for kind, n in sorted(server.counts.items()):
        print("fake upstream: %6d %s" % (n, kind), file=sys.stderr)


if __name__ == "__main__":
    main()
