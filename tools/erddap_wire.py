"""ERDDAP 2.31 wire format for generated samples: the .json table layout of info/{dataset}/
index.json and of griddap answers, and the columns of the datasets the project reads. Shared by
tests/fixtures/erddap/make_fixtures.py, tests/fixtures/oisst/make_fixtures.py,
tests/fixtures/viirs_chla/make_fixtures.py (test fixtures) and demo/make_demo.py (the offline
demo's samples).
"""
import json
import os

# The units ERDDAP writes in a griddap answer's columnUnits for each axis.
AXIS_UNITS = {"time": "UTC", "altitude": "m", "zlev": "m", "latitude": "degrees_north",
              "longitude": "degrees_east"}

# A griddap answer's columns after time, per dataset: the axes as (name, type) in the dataset's
# order, then the variable as (name, type, units).
MUR_SST = ([("latitude", "float"), ("longitude", "float")], ("analysed_sst", "double", "degree_C"))
VIIRS_CHLA = ([("altitude", "double"), ("latitude", "double"), ("longitude", "double")],
              ("chlor_a", "float", "mg m^-3"))
OISST = ([("zlev", "float"), ("latitude", "float"), ("longitude", "float")],
         ("sst", "float", "degree_C"))


def write_text(path, text):
    """Writes `text` as UTF-8 to `path`, making its folder if needed."""
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def erddap_double(number):
    """A double as ERDDAP writes it in an info table: 1.5726096E9."""
    mantissa, exponent = f"{number:.15E}".split("E")
    return mantissa.rstrip("0").rstrip(".") + ("" if "." in mantissa.rstrip("0") else ".0") \
        + "E" + str(int(exponent))


def info_table(rows):
    lines = ['{', '  "table": {',
             '    "columnNames": ["Row Type", "Variable Name", "Attribute Name", "Data Type", "Value"],',
             '    "columnTypes": ["String", "String", "String", "String", "String"],',
             '    "rows": [']
    lines.append(",\n".join("      " + json.dumps(r, ensure_ascii=False) for r in rows))
    lines += ['    ]', '  }', '}', '']
    return "\n".join(lines)


def data_table(names, types, units, rows):
    def cell(v):
        return "null" if v is None else json.dumps(v)
    # A unit given as "__null__" is written as JSON null (ERDDAP's "no units").
    lines = ['{', '  "table": {',
             '    "columnNames": ' + json.dumps(names) + ',',
             '    "columnTypes": ' + json.dumps(types) + ',',
             '    "columnUnits": ' + json.dumps(units).replace('"__null__"', 'null') + ',',
             '    "rows": [']
    lines.append(",\n".join("      [" + ", ".join(cell(v) for v in r) + "]" for r in rows))
    lines += ['    ]', '  }', '}', '']
    return "\n".join(lines)


def dim(name, dtype, summary):
    return ["dimension", name, "", dtype, summary]


def attr(var, name, dtype, value):
    return ["attribute", var, name, dtype, value]


def axis(name, dtype, summary, axis_type, actual_range, units, cf_axis=None):
    """The rows of one axis as ERDDAP lists them: the dimension, then its _CoordinateAxisType,
    actual_range, axis (when `cf_axis` is given, e.g. "T") and units attributes."""
    rows = [dim(name, dtype, summary), attr(name, "_CoordinateAxisType", "String", axis_type),
            attr(name, "actual_range", dtype, actual_range)]
    if cf_axis is not None:
        rows.append(attr(name, "axis", "String", cf_axis))
    return rows + [attr(name, "units", "String", units)]


def variable(name, dtype, dims, *attributes):
    """A data variable's row, then one attribute row per (name, type, value) in `attributes`."""
    return [["variable", name, "", dtype, dims], *(attr(name, *a) for a in attributes)]


def mur_info_rows(*sst_attributes):
    """jplMURSST41's latitude and longitude axes and its analysed_sst variable as the real info
    table lists them (after the time axis, which differs per use); `sst_attributes` go between
    long_name and units."""
    return [
        *axis("latitude", "float", "nValues=17999, evenlySpaced=true, averageSpacing=0.01", "Lat",
              "-89.99, 89.99", "degrees_north"),
        *axis("longitude", "float", "nValues=36000, evenlySpaced=true, averageSpacing=0.01", "Lon",
              "-179.99, 180.0", "degrees_east"),
        *variable("analysed_sst", "double", "time, latitude, longitude",
                  ("_FillValue", "double", "-7.768000000000001"),
                  ("long_name", "String", "Analysed Sea Surface Temperature"), *sst_attributes,
                  ("units", "String", "degree_C")),
    ]


def viirs_chla_info_rows(time_summary, time_range):
    """noaacwNPPVIIRSchlaDaily's axes and chlor_a variable as the real info table lists them
    (captured Oct 2026): time, altitude, latitude (89.98125 .. -89.98125, descending: 4800 cell
    centres 0.0375 apart), longitude described by its edges (-180.01875 .. 180.01874999999998,
    9602 values: the 9600 centres plus one past each end). The time axis's summary and
    actual_range ("min, max" in epoch seconds) differ per use."""
    return [
        *axis("time", "double", time_summary, "Time", time_range,
              "seconds since 1970-01-01T00:00:00Z"),
        *axis("altitude", "double", "nValues=1, onlyValue=0.0", "Height", "0.0, 0.0", "m"),
        *axis("latitude", "double", "nValues=4800, evenlySpaced=true, averageSpacing=-0.0375",
              "Lat", "-89.98125, 89.98125", "degrees_north"),
        *axis("longitude", "double", "nValues=9602, evenlySpaced=true, averageSpacing=0.0375",
              "Lon", "-180.01875, 180.01874999999998", "degrees_east"),
        *variable("chlor_a", "float", "time, altitude, latitude, longitude",
                  ("_FillValue", "float", "-999.0"),
                  ("standard_name", "String", "mass_concentration_of_chlorophyll_a_in_sea_water"),
                  ("units", "String", "mg m^-3")),
    ]


def viirs_box(lat_index, lon_index, cells=2):
    """The latitudes and longitudes of a box of ±`cells` cells on the VIIRS grid around the cell
    at (lat_index, lon_index) of its axes, in storage order (latitude north to south)."""
    lats = [round(89.98125 - 0.0375 * (lat_index + i), 5) for i in range(-cells, cells + 1)]
    lons = [round(-180.01875 + 0.0375 * (lon_index + j), 5) for j in range(-cells, cells + 1)]
    return lats, lons


def grid_rows(times, levels, lats, lons, value):
    """An answer's rows in ERDDAP's order: time outermost, longitude fastest. `levels` are the
    values of the axes between time and latitude (altitude, zlev); value(t, i, j) is the cell at
    times[t], lats[i], lons[j]: a number, or None for missing."""
    return [[time, *levels, lat, lon, value(t, i, j)]
            for t, time in enumerate(times) for i, lat in enumerate(lats)
            for j, lon in enumerate(lons)]


def griddap_table(axes, var, rows):
    """A griddap .json answer with columns time, `axes` ((name, type) each), then `var` (name,
    type, units), as MUR_SST, VIIRS_CHLA and OISST give them."""
    return data_table(["time"] + [a for a, _ in axes] + [var[0]],
                      ["String"] + [t for _, t in axes] + [var[1]],
                      ["UTC"] + [AXIS_UNITS[a] for a, _ in axes] + [var[2]], rows)
