// Counting a window from per-day counts: the arithmetic, apart from the SQL that uses it.
#pragma once

#include <array>
#include <cstdint>

#include "core/types.hpp"

namespace ocean::storage::pg {

// Rows in [from_us, to_us) (microseconds since 1970) counted one by one, added (sign 1) or
// subtracted (sign -1). Empty when from_us >= to_us.
struct EdgeCount {
  int sign = 1;
  std::int64_t from_us = 0;
  std::int64_t to_us = 0;
};

// A count window: the whole UTC days [first_day, end_day) (days since 1970-01-01, summed from
// the per-day counts) and two edges counted from the rows.
struct DaySplit {
  std::int64_t first_day = 0;
  std::int64_t end_day = 0;
  std::array<EdgeCount, 2> edges;
};

// Splits the inclusive window [start_ms, end_ms] (within kMinPgMs..kMaxPgMs) at UTC midnights.
// Day d holds the rows in [d * 86,400,000 ms, (d + 1) * 86,400,000 ms), whatever their
// precision. Each partial day at an end is counted from the shorter side of its midnight: the
// rows of the window's part of it, added to the whole days, or the rows of the other part,
// subtracted from the day counted whole. So an edge reads at most half a day of rows. A window
// holding no whole day has no days and is counted from its rows (the first edge).
DaySplit SplitAtDays(core::EpochMs start_ms, core::EpochMs end_ms);

}  // namespace ocean::storage::pg
