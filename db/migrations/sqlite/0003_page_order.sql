-- Pages are ordered by (ts, location_id, parameter, source), the natural key, in both stores, so
-- that SQLite and PostgreSQL serve the same rows in the same order and a cursor means the same in
-- each. This index returns that order for a time window with no sort step, and still serves
-- retention deletes by ts; it replaces the (ts, id) index of the row-id order.
CREATE INDEX observations_ts_key ON observations (ts, location_id, parameter, source);
DROP INDEX observations_ts_id;
