-- The grid cell (or buoy position) each source last used for a location and parameter, so the
-- dashboard can show how far the value it plots is from the site. One row per
-- (source, location, parameter), overwritten by every fetch that returns rows for it.

CREATE TABLE source_cells (
  source_id      TEXT NOT NULL,
  location_id    TEXT NOT NULL REFERENCES locations (id),
  parameter      TEXT NOT NULL,
  cell_latitude  REAL NOT NULL,
  cell_longitude REAL NOT NULL,
  updated_at     INTEGER NOT NULL,
  PRIMARY KEY (source_id, location_id, parameter)
) WITHOUT ROWID;

-- The location page reads every cell of one location.
CREATE INDEX source_cells_location ON source_cells (location_id);
