// The series catalogue: both directions of series id <-> (location, parameter), read from
// observation_series and kept in memory. Ids are never reused or renamed while servers run
// (migration 0003) and only committed rows are read in, so an id never goes stale: an id or
// pair not found only means a re-read. Private to the PostgreSQL store.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/types.hpp"

namespace ocean::storage::pg {

class PgConnection;

struct SeriesNames {
  std::string location_id;
  std::string parameter;
};

// A series named by the store: id and names, for the pages that name their series.
struct NamedSeries {
  std::int64_t id = -1;
  SeriesNames names;
};

class SeriesCatalogue {
 public:
  // Reads every committed series in (sql::kListSeries).
  void Reload(PgConnection& connection);

  std::optional<std::int64_t> Find(std::string_view location, std::string_view parameter) const;

  // Sets location_id and parameter of every row from its series id (StoredObservation::id);
  // false when an id is not known yet.
  bool FillNames(std::vector<core::StoredObservation>& rows) const;

  // The known series at one of `locations` (any when empty) with `parameter` (any when unset),
  // ordered by (location, parameter).
  std::vector<NamedSeries> Matching(const std::vector<std::string>& locations,
                                    const std::optional<std::string>& parameter) const;

  // The series id of each row; the pairs not known yet (each once) when any is missing.
  struct Resolved {
    std::vector<std::int64_t> ids;
    std::vector<std::string> missing_locations;
    std::vector<std::string> missing_parameters;
  };
  Resolved Resolve(std::span<const core::Observation> rows) const;

 private:
  // PostgreSQL text never holds NUL, so it separates the two parts unambiguously.
  static std::string Key(std::string_view location, std::string_view parameter);

  mutable std::shared_mutex mutex_;
  std::unordered_map<std::int64_t, SeriesNames> names_;
  std::unordered_map<std::string, std::int64_t> ids_;
};

}  // namespace ocean::storage::pg
