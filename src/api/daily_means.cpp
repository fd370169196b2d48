#include "api/daily_means.hpp"

#include <limits>

#include "api/anomaly.hpp"

namespace ocean::api {

std::vector<storage::DailyValue> DailyMeans(const storage::SeriesRows& rows) {
  std::vector<storage::DailyValue> out;
  double sum = 0;
  int count = 0;
  const auto flush = [&] {
    if (count > 0) out.back().value = sum / count;
    sum = 0;
    count = 0;
  };
  // Rows come in time order, so each day's values are contiguous.
  for (std::size_t i = 0; i < rows.t.size(); ++i) {
    const auto flag = i < rows.q.size() ? rows.q[i] : core::QualityFlag::kNotEvaluated;
    if (flag == core::QualityFlag::kBad || flag == core::QualityFlag::kMissing) continue;
    const auto day = static_cast<std::int32_t>(UtcDay(rows.t[i]));
    if (out.empty() || out.back().day != day) {
      flush();
      out.push_back({day, 0.0});
    }
    sum += rows.v[i];
    ++count;
  }
  flush();
  return out;
}

science::DailySeries JoinDailyRecord(std::span<const storage::DailyValue> record,
                                     std::span<const storage::DailyValue> recent) {
  science::DailySeries series;
  std::size_t from_recent = 0;
  if (!record.empty()) {
    while (from_recent < recent.size() && recent[from_recent].day <= record.back().day) {
      ++from_recent;
    }
  }
  recent = recent.subspan(from_recent);
  if (record.empty() && recent.empty()) return series;
  const std::int32_t first = record.empty() ? recent.front().day : record.front().day;
  const std::int32_t last = recent.empty() ? record.back().day : recent.back().day;
  series.first_day = first;
  series.values.assign(static_cast<std::size_t>(last - first) + 1,
                       std::numeric_limits<double>::quiet_NaN());
  for (const auto* part : {&record, &recent}) {
    for (const auto& d : *part) series.values[static_cast<std::size_t>(d.day - first)] = d.value;
  }
  return series;
}

}  // namespace ocean::api
