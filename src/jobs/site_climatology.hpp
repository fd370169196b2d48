// A stored daily record becomes a stored climatology: the glue between the storage types and
// the science module's pure functions (which know nothing of storage).
#pragma once

#include <span>
#include <string>

#include "core/types.hpp"
#include "storage/store.hpp"

namespace ocean::jobs {

struct ClimatologyRequest {
  std::string location_id;
  std::string parameter;
  std::string source;  // stored with the climatology: "erddap:<dataset>", "demo"
  int first_year = 0;  // baseline, inclusive
  int last_year = 0;
  // Statistics of log10(value) (chlorophyll, whose values span decades); non-positive values
  // have no logarithm and count as missing. The result stays in log10 space, as stored.
  bool log10 = false;
};

// Seasonal mean, 90th-percentile threshold and the 99 percentile levels per leap-year day of
// year over the baseline years of `record` (ascending days, missing days absent). Throws
// science::ClimatologyError when the record has no value in the baseline.
storage::StoredClimatology ComputeStoredClimatology(std::span<const storage::DailyValue> record,
                                                    const ClimatologyRequest& request,
                                                    core::EpochMs now_ms);

}  // namespace ocean::jobs
