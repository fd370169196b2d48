// A climatology whose every value is known, for the anomaly, latest and heatwave tests.
#pragma once

#include <string>

#include "storage/store.hpp"

namespace ocean::api::testing {

// Day d: seas = base + d / 100, the p-th level = seas + (p - 50) * step, thresh = level 90
// (seas + 40 * step). Levels rise linearly, so a value between two levels has an exactly known
// percentile.
inline storage::StoredClimatology KnownClimatology(std::string location, std::string parameter,
                                                   double base = 10.0, double step = 0.025,
                                                   bool log10 = false) {
  storage::StoredClimatology c;
  c.location_id = std::move(location);
  c.parameter = std::move(parameter);
  c.source = "test";
  c.baseline_first_year = 1991;
  c.baseline_last_year = 2020;
  c.log10 = log10;
  c.computed_ms = 1'700'000'000'000;
  for (std::size_t d = 0; d < storage::kClimatologyDays; ++d) {
    const double seas = base + static_cast<double>(d) / 100.0;
    c.seas.push_back(seas);
    for (int p = 1; p <= static_cast<int>(storage::kClimatologyLevels); ++p) {
      c.percentiles.push_back(seas + (p - 50) * step);
    }
    c.thresh.push_back(c.percentiles[d * storage::kClimatologyLevels + 89]);
  }
  return c;
}

}  // namespace ocean::api::testing
