-- Quality control on ingest (issue 16): quality_flag becomes the flag the QARTOD tests give a
-- row merged with the flag it arrived with, which is kept here so that re-evaluating the row
-- when a neighbour arrives can merge again. NULL for rows stored before: their quality_flag is
-- the one they arrived with. A nullable column without a default changes only the catalogue.
ALTER TABLE observations ADD COLUMN upstream_flag int2;
