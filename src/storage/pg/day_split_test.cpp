#include "storage/pg/day_split.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <vector>

namespace ocean::storage::pg {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

std::int64_t FloorDay(std::int64_t us) {
  const std::int64_t day_us = kDayMs * 1000;
  return us / day_us - static_cast<std::int64_t>(us % day_us != 0 && us < 0);
}

// Counts rows (microsecond times) in [start_ms, end_ms] the way the store does: whole days
// from per-day counts, edges from the rows.
std::int64_t CountBySplit(const std::vector<std::int64_t>& rows_us, std::int64_t start_ms,
                          std::int64_t end_ms, std::int64_t* edge_rows) {
  std::map<std::int64_t, std::int64_t> per_day;
  for (const std::int64_t us : rows_us) ++per_day[FloorDay(us)];
  const DaySplit split = SplitAtDays(start_ms, end_ms);
  std::int64_t count = 0;
  for (auto it = per_day.lower_bound(split.first_day);
       it != per_day.end() && it->first < split.end_day; ++it) {
    count += it->second;
  }
  *edge_rows = 0;
  for (const EdgeCount& edge : split.edges) {
    for (const std::int64_t us : rows_us) {
      if (us >= edge.from_us && us < edge.to_us) {
        count += edge.sign;
        ++*edge_rows;
      }
    }
  }
  return count;
}

TEST(DaySplitTest, CountsEveryWindowExactly) {
  // Rows every 10 minutes over five days around 1970-01-01, plus rows a microsecond either
  // side of each midnight.
  std::vector<std::int64_t> rows_us;
  for (std::int64_t ms = -2 * kDayMs; ms < 3 * kDayMs; ms += 600'000) rows_us.push_back(ms * 1000);
  for (std::int64_t day = -2; day <= 3; ++day) {
    rows_us.push_back(day * kDayMs * 1000 - 1);
    rows_us.push_back(day * kDayMs * 1000 + 1);
  }
  const std::vector<std::int64_t> offsets = {0, 1, 3'600'000, kDayMs / 2, kDayMs - 1};
  for (std::int64_t start_day = -2; start_day <= 1; ++start_day) {
    for (std::int64_t end_day = start_day; end_day <= 2; ++end_day) {
      for (const std::int64_t a : offsets) {
        for (const std::int64_t b : offsets) {
          const std::int64_t start = start_day * kDayMs + a;
          const std::int64_t end = end_day * kDayMs + b;
          std::int64_t expected = 0;
          for (const std::int64_t us : rows_us) {
            expected += static_cast<std::int64_t>(us >= start * 1000 && us <= end * 1000);
          }
          std::int64_t edge_rows = 0;
          EXPECT_EQ(CountBySplit(rows_us, start, end, &edge_rows), expected)
              << "window " << start << " .. " << end;
        }
      }
    }
  }
}

TEST(DaySplitTest, EdgesReadTheShorterSideOfMidnight) {
  // The default window shape: 30 days ending at 01:00. The start's day is summed whole and its
  // first hour subtracted; the end's first hour is added to the whole days before it.
  const DaySplit split = SplitAtDays(10 * kDayMs + 3'600'000, 40 * kDayMs + 3'600'000);
  EXPECT_EQ(split.first_day, 10);
  EXPECT_EQ(split.end_day, 40);
  EXPECT_EQ(split.edges[0].sign, -1);
  EXPECT_EQ(split.edges[0].from_us, 10 * kDayMs * 1000);
  EXPECT_EQ(split.edges[0].to_us, (10 * kDayMs + 3'600'000) * 1000);
  EXPECT_EQ(split.edges[1].sign, 1);
  EXPECT_EQ(split.edges[1].from_us, 40 * kDayMs * 1000);
  EXPECT_EQ(split.edges[1].to_us, (40 * kDayMs + 3'600'000) * 1000 + 1);
  // Ending at 23:00 instead: the rest of the end's day is subtracted from it counted whole.
  const DaySplit late = SplitAtDays(10 * kDayMs, 40 * kDayMs + 23 * 3'600'000);
  EXPECT_EQ(late.end_day, 41);
  EXPECT_EQ(late.edges[1].sign, -1);
  EXPECT_EQ(late.edges[1].from_us, (40 * kDayMs + 23 * 3'600'000) * 1000 + 1);
  EXPECT_EQ(late.edges[1].to_us, 41 * kDayMs * 1000);
}

TEST(DaySplitTest, WindowWithoutWholeDayIsCountedFromItsRows) {
  const DaySplit split = SplitAtDays(5 * kDayMs + 10, 5 * kDayMs + 20);
  EXPECT_EQ(split.first_day, split.end_day);
  EXPECT_EQ(split.edges[0].sign, 1);
  EXPECT_EQ(split.edges[0].from_us, (5 * kDayMs + 10) * 1000);
  EXPECT_EQ(split.edges[0].to_us, (5 * kDayMs + 20) * 1000 + 1);
  EXPECT_GE(split.edges[1].from_us, split.edges[1].to_us);  // empty
}

}  // namespace
}  // namespace ocean::storage::pg
