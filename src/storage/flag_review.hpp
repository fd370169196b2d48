// Quality control inside a write: what the stores offer a reviewer (quality control on ingest,
// jobs/quality.hpp) between writing a batch and committing it. Kept out of store.hpp because
// only the write with review needs it.
#pragma once

#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "core/types.hpp"

namespace ocean::storage {

// One series as quality control sees it: one source's rows of one (location, parameter).
// Sources are kept apart because their sampling differs: a buoy's hourly values between a
// satellite's daily ones would look like spikes.
struct SeriesKey {
  std::string location_id;
  std::string parameter;
  std::string source;
  // The order of a std::map; spelled out because clang-tidy 14 misreads a defaulted <=>.
  friend bool operator<(const SeriesKey& a, const SeriesKey& b) {
    return std::tie(a.location_id, a.parameter, a.source) <
           std::tie(b.location_id, b.parameter, b.source);
  }
};

// A stored row of a series, as the reviewer needs it. upstream_flag is the flag the row arrived
// with; rows stored before quality control ran on ingest report their stored flag.
struct FlaggedRow {
  core::EpochMs timestamp_ms = 0;
  double value = 0.0;
  core::QualityFlag quality_flag = core::QualityFlag::kNotEvaluated;
  core::QualityFlag upstream_flag = core::QualityFlag::kNotEvaluated;
};

// A new quality flag for one stored row, identified by its key.
struct FlagChange {
  SeriesKey series;
  core::EpochMs timestamp_ms = 0;
  core::QualityFlag quality_flag = core::QualityFlag::kNotEvaluated;
};

// One window of SeriesWindowReader::ReadWindow.
struct WindowRequest {
  SeriesKey series;
  core::EpochMs start_ms = 0;
  core::EpochMs end_ms = 0;
  int before = 0;
  int after = 0;
};

// Reads inside the write transaction, so the batch's own rows are visible.
class SeriesWindowReader {
 public:
  virtual ~SeriesWindowReader() = default;
  // The rows of `series` with start_ms <= time <= end_ms, with up to `before` rows just before
  // start_ms and up to `after` rows just after end_ms, in time order.
  virtual std::vector<FlaggedRow> ReadWindow(const SeriesKey& series, core::EpochMs start_ms,
                                             core::EpochMs end_ms, int before, int after) = 0;
  // ReadWindow for each request, in order: a store overrides it to read them in one round trip.
  virtual std::vector<std::vector<FlaggedRow>> ReadWindows(
      std::span<const WindowRequest> requests) {
    std::vector<std::vector<FlaggedRow>> windows;
    windows.reserve(requests.size());
    for (const WindowRequest& r : requests) {
      windows.push_back(ReadWindow(r.series, r.start_ms, r.end_ms, r.before, r.after));
    }
    return windows;
  }
};

// Run by Store::UpsertObservationsWithReview after the rows are written and before the commit.
// The changes it returns are applied in the same transaction; an exception rolls everything
// back. Must be safe to call from several threads at once.
class FlagReview {
 public:
  virtual ~FlagReview() = default;
  virtual std::vector<FlagChange> Review(std::span<const core::Observation> rows,
                                         SeriesWindowReader& reader) const = 0;
};

}  // namespace ocean::storage
