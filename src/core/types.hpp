// Domain types shared by every module. Plain data, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocean::core {

// QARTOD flag values (Ocean Observatories QARTOD manual): 1 good, 2 not evaluated,
// 3 suspect, 4 bad, 9 missing. The integer is what storage keeps and the series "q" array shows.
enum class QualityFlag : int {
  kGood = 1,
  kNotEvaluated = 2,
  kSuspect = 3,
  kBad = 4,
  kMissing = 9,
};

std::string_view ToString(QualityFlag flag);
std::optional<QualityFlag> ParseQualityFlag(std::string_view text);
// Inline: stores convert every row they read.
constexpr std::optional<QualityFlag> QualityFlagFromInt(int value) {
  switch (value) {
    case 1:
      return QualityFlag::kGood;
    case 2:
      return QualityFlag::kNotEvaluated;
    case 3:
      return QualityFlag::kSuspect;
    case 4:
      return QualityFlag::kBad;
    case 9:
      return QualityFlag::kMissing;
    default:
      return std::nullopt;
  }
}

// Milliseconds since the Unix epoch, UTC. The API accepts RFC 3339 with any offset and
// always answers in UTC; milliseconds are the finest resolution any source delivers.
using EpochMs = std::int64_t;

struct Observation {
  std::string location_id;
  std::string parameter;
  EpochMs timestamp_ms = 0;
  double value = 0.0;
  QualityFlag quality_flag = QualityFlag::kNotEvaluated;
  std::string source;
};

// An observation as read back from storage. `id` is internal to the store and never shown to
// clients.
struct StoredObservation {
  std::int64_t id = 0;  // the store's own row or series id; pages are not ordered by it
  Observation observation;
};

struct Location {
  std::string id;
  std::string name;
  double latitude = 0.0;
  double longitude = 0.0;
  std::string description;
  // NDBC station id of a buoy near the site ("46042"); empty when none is near.
  std::string ndbc_station;
};

struct Parameter {
  std::string_view id;
  std::string_view name;
  std::string_view unit;
  std::string_view standard_name;  // CF standard name
  double valid_min;
  double valid_max;
};

struct IngestResult {
  std::int64_t received = 0;
  std::int64_t inserted = 0;
  std::int64_t updated = 0;
};

// Keyset position: the last row of the previous page. Both stores order pages by
// (timestamp_ms, location_id, parameter, source), texts compared byte-wise: the natural key, so
// the order is total and the same in both.
struct CursorPosition {
  EpochMs timestamp_ms = 0;
  std::string source;
  std::string location_id;
  std::string parameter;
};

struct ObservationQuery {
  std::vector<std::string> locations;  // empty: all locations
  std::optional<std::string> parameter;
  std::optional<std::string> source;
  EpochMs start_ms = 0;  // inclusive
  EpochMs end_ms = 0;    // inclusive
  std::int64_t limit = 1000;
  std::optional<CursorPosition> after;
};

}  // namespace ocean::core
