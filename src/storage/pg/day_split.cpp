#include "storage/pg/day_split.hpp"

#include "storage/pg/codec.hpp"

namespace ocean::storage::pg {
namespace {

constexpr core::EpochMs kDayMs = 86'400'000;
constexpr std::int64_t kUsPerMs = 1000;

constexpr std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  return a / b - static_cast<std::int64_t>(a % b != 0 && (a < 0) != (b < 0));
}

}  // namespace

DaySplit SplitAtDays(core::EpochMs start_ms, core::EpochMs end_ms) {
  const std::int64_t first_whole = -FloorDiv(-start_ms, kDayMs);
  const std::int64_t end_whole = FloorDiv(end_ms, kDayMs);
  DaySplit split;
  if (first_whole >= end_whole) {
    split.edges[0] = {1, start_ms * kUsPerMs, end_ms * kUsPerMs + 1};
    return split;
  }
  split.first_day = first_whole;
  split.end_day = end_whole;
  if (start_ms < first_whole * kDayMs) {
    // The window starts inside day first_whole - 1: count [day start, start) and subtract it
    // from that whole day, or count [start, midnight) and add it, whichever is shorter.
    const core::EpochMs day_start = (first_whole - 1) * kDayMs;
    if (start_ms - day_start < first_whole * kDayMs - start_ms && day_start >= kMinPgMs) {
      split.first_day = first_whole - 1;
      split.edges[0] = {-1, day_start * kUsPerMs, start_ms * kUsPerMs};
    } else {
      split.edges[0] = {1, start_ms * kUsPerMs, first_whole * kDayMs * kUsPerMs};
    }
  }
  // The window ends inside day end_whole (at its first instant at the earliest): count
  // (end, next midnight) and subtract it from that whole day, or [midnight, end] and add it.
  const core::EpochMs day_end = (end_whole + 1) * kDayMs;
  if (day_end - end_ms - 1 < end_ms - end_whole * kDayMs + 1 && day_end <= kMaxPgMs) {
    split.end_day = end_whole + 1;
    split.edges[1] = {-1, end_ms * kUsPerMs + 1, day_end * kUsPerMs};
  } else {
    split.edges[1] = {1, end_whole * kDayMs * kUsPerMs, end_ms * kUsPerMs + 1};
  }
  return split;
}

}  // namespace ocean::storage::pg
