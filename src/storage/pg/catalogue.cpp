#include "storage/pg/catalogue.hpp"

#include <algorithm>
#include <mutex>
#include <tuple>

#include "storage/pg/codec.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pg/statements.hpp"

namespace ocean::storage::pg {

void SeriesCatalogue::Reload(PgConnection& connection) {
  PgResultPtr result = connection.Exec("list series", sql::kListSeries);
  const PGresult* rows = result.get();
  std::unique_lock lock(mutex_);
  for (int row = 0; row < PQntuples(rows); ++row) {
    const std::int64_t id = ParseInt(rows, row, 0);
    SeriesNames names{Text(rows, row, 1), Text(rows, row, 2)};
    ids_.insert_or_assign(Key(names.location_id, names.parameter), id);
    names_.insert_or_assign(id, std::move(names));
  }
}

std::optional<std::int64_t> SeriesCatalogue::Find(std::string_view location,
                                                  std::string_view parameter) const {
  const std::string key = Key(location, parameter);
  std::shared_lock lock(mutex_);
  const auto found = ids_.find(key);
  if (found == ids_.end()) return std::nullopt;
  return found->second;
}

bool SeriesCatalogue::FillNames(std::vector<core::StoredObservation>& rows) const {
  std::shared_lock lock(mutex_);
  const SeriesNames* names = nullptr;
  std::int64_t id = -1;
  for (core::StoredObservation& row : rows) {
    if (names == nullptr || row.id != id) {  // consecutive rows often share a series
      const auto found = names_.find(row.id);
      if (found == names_.end()) return false;
      names = &found->second;
      id = row.id;
    }
    row.observation.location_id = names->location_id;
    row.observation.parameter = names->parameter;
  }
  return true;
}

std::vector<NamedSeries> SeriesCatalogue::Matching(
    const std::vector<std::string>& locations, const std::optional<std::string>& parameter) const {
  std::vector<NamedSeries> matching;
  {
    std::shared_lock lock(mutex_);
    for (const auto& [id, names] : names_) {
      if (parameter && names.parameter != *parameter) continue;
      if (!locations.empty() &&
          std::find(locations.begin(), locations.end(), names.location_id) == locations.end()) {
        continue;
      }
      matching.push_back({id, names});
    }
  }
  std::sort(matching.begin(), matching.end(), [](const NamedSeries& a, const NamedSeries& b) {
    return std::tie(a.names.location_id, a.names.parameter) <
           std::tie(b.names.location_id, b.names.parameter);
  });
  return matching;
}

SeriesCatalogue::Resolved SeriesCatalogue::Resolve(std::span<const core::Observation> rows) const {
  Resolved resolved;
  resolved.ids.reserve(rows.size());
  const core::Observation* previous = nullptr;
  std::int64_t id = -1;
  std::shared_lock lock(mutex_);
  for (const core::Observation& row : rows) {
    if (previous == nullptr || row.location_id != previous->location_id ||
        row.parameter != previous->parameter) {
      const auto found = ids_.find(Key(row.location_id, row.parameter));
      id = found == ids_.end() ? -1 : found->second;
      previous = &row;
      if (id < 0) {
        resolved.missing_locations.push_back(row.location_id);
        resolved.missing_parameters.push_back(row.parameter);
      }
    }
    resolved.ids.push_back(id);
  }
  return resolved;
}

std::string SeriesCatalogue::Key(std::string_view location, std::string_view parameter) {
  std::string key;
  key.reserve(location.size() + 1 + parameter.size());
  key.append(location).push_back('\0');
  key.append(parameter);
  return key;
}

}  // namespace ocean::storage::pg
