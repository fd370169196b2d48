"""ERDDAP 2.31 wire format for generated samples: the .json table layout of info/{dataset}/
index.json and of griddap answers. Shared by tests/fixtures/erddap/make_fixtures.py (test
fixtures) and demo/make_demo.py (the offline demo's samples).
"""
import json


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


def axis(name, dtype, summary, axis_type, actual_range, units):
    """The rows of one axis as ERDDAP lists them: the dimension, then its _CoordinateAxisType,
    actual_range and units attributes."""
    return [dim(name, dtype, summary), attr(name, "_CoordinateAxisType", "String", axis_type),
            attr(name, "actual_range", dtype, actual_range), attr(name, "units", "String", units)]
