#include "storage/pg/page_bound.hpp"

#include <compare>
#include <tuple>

namespace ocean::storage::pg {

SeriesStart StartOfSeries(core::EpochMs start_ms, const PagePosition* after,
                          std::string_view location_id, std::string_view parameter) {
  constexpr std::int64_t kMicrosPerMs = 1000;
  SeriesStart window{start_ms * kMicrosPerMs, ""};
  if (after == nullptr) return window;
  SeriesStart position{after->ts * kMicrosPerMs, ""};
  const auto order =
      std::tie(location_id, parameter) <=>
      std::tuple<std::string_view, std::string_view>(after->location_id, after->parameter);
  if (std::is_eq(order)) {
    position.source = after->source + '\x01';
  } else if (std::is_lt(order)) {
    position.ts_us += 1;
  }
  // The later of the two keys: (ts, source) in row order.
  const bool window_later =
      std::tie(window.ts_us, window.source) > std::tie(position.ts_us, position.source);
  return window_later ? window : position;
}

}  // namespace ocean::storage::pg
