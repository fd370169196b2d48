// Where a page of one series starts, as one (ts, source) key of its index: the arithmetic of
// the page order, apart from the SQL that uses it. Private to the PostgreSQL store.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/types.hpp"

namespace ocean::storage::pg {

// The page position: after this (ts, location, parameter, source) in page order.
struct PagePosition {
  core::EpochMs ts = 0;
  std::string location_id;
  std::string parameter;
  std::string source;
};

// The least (ts in microseconds, source) of a series' rows that a page may hold: rows with
// (ts, source) >= it, compared as a row (source in "C" order), are those at or after the
// window's start and after the position. Within one series every row has the same names, so
// they decide alone which rows at the position's instant follow it:
//  - the series sorts after the position's names: every row at that instant;
//  - the same names: the rows whose source follows the position's, i.e. from the source plus
//    "\x01", the next text in "C" order (PostgreSQL text holds no NUL);
//  - the series sorts before: none, i.e. from the next microsecond.
// As an index condition this reads exactly the page's rows, where a per-row test of the
// position would be evaluated on every row of the range.
struct SeriesStart {
  std::int64_t ts_us = 0;
  std::string source;
};

// `start_ms` the window's start and `after` the position, both within kMinPgMs..kMaxPgMs;
// `after` null on the first page.
SeriesStart StartOfSeries(core::EpochMs start_ms, const PagePosition* after,
                          std::string_view location_id, std::string_view parameter);

}  // namespace ocean::storage::pg
