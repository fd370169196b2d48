// Largest-Triangle-Three-Buckets downsampling (Steinarsson 2013): keeps the visual shape of a
// series with far fewer points. Always keeps the first and the last point.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "core/types.hpp"

namespace ocean::core {

// Indices (ascending) of the points to keep. Returns every index when the series has at most
// `threshold` points; `threshold` below 3 is treated as 3.
std::vector<std::size_t> LttbIndices(std::span<const EpochMs> t, std::span<const double> v,
                                     std::size_t threshold);

}  // namespace ocean::core
