#include "core/lttb.hpp"

#include <algorithm>
#include <cmath>

namespace ocean::core {

std::vector<std::size_t> LttbIndices(std::span<const EpochMs> t, std::span<const double> v,
                                     std::size_t threshold) {
  const std::size_t n = std::min(t.size(), v.size());
  threshold = std::max<std::size_t>(threshold, 3);
  std::vector<std::size_t> keep;
  if (n <= threshold) {
    keep.resize(n);
    for (std::size_t i = 0; i < n; ++i) keep[i] = i;
    return keep;
  }
  keep.reserve(threshold);
  keep.push_back(0);
  // Times relative to the first point keep the triangle areas well conditioned in doubles.
  const auto x = [&](std::size_t i) { return static_cast<double>(t[i] - t[0]); };
  const double bucket_size = static_cast<double>(n - 2) / static_cast<double>(threshold - 2);
  std::size_t a = 0;
  for (std::size_t bucket = 0; bucket < threshold - 2; ++bucket) {
    const auto start = static_cast<std::size_t>(std::floor(bucket * bucket_size)) + 1;
    const auto end =
        std::min(static_cast<std::size_t>(std::floor((bucket + 1) * bucket_size)) + 1, n - 1);
    // Average of the next bucket (or the last point for the final bucket).
    const auto next_start = end;
    const auto next_end =
        std::min(static_cast<std::size_t>(std::floor((bucket + 2) * bucket_size)) + 1, n);
    double avg_x = 0;
    double avg_y = 0;
    const std::size_t next_count = std::max<std::size_t>(next_end - next_start, 1);
    for (std::size_t i = next_start; i < next_start + next_count && i < n; ++i) {
      avg_x += x(i);
      avg_y += v[i];
    }
    avg_x /= static_cast<double>(next_count);
    avg_y /= static_cast<double>(next_count);

    double best_area = -1;
    std::size_t best = start;
    for (std::size_t i = start; i < end; ++i) {
      const double area = std::abs((x(a) - avg_x) * (v[i] - v[a]) - (x(a) - x(i)) * (avg_y - v[a]));
      if (area > best_area) {
        best_area = area;
        best = i;
      }
    }
    keep.push_back(best);
    a = best;
  }
  keep.push_back(n - 1);
  return keep;
}

}  // namespace ocean::core
