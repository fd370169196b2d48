#include "core/validation.hpp"

#include "core/json_escape.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <cmath>
#include <string>
#include <unordered_map>

#include "core/api_error.hpp"
#include "core/catalogue.hpp"
#include "core/time.hpp"

namespace ocean::core {
namespace {

namespace json = boost::json;

class Collector {
 public:
  void Add(std::size_t index, std::string_view field, std::string message) {
    ++count_;
    if (details_.size() < kMaxErrorDetails) {
      details_.push_back({static_cast<long long>(index), std::string(field), std::move(message)});
    }
  }
  bool Empty() const { return count_ == 0; }
  std::size_t Count() const { return count_; }
  std::vector<ErrorDetail> Take() { return std::move(details_); }

 private:
  std::vector<ErrorDetail> details_;
  std::size_t count_ = 0;
};

const json::string* RequiredString(const json::object& row, std::string_view field,
                                   std::size_t index, Collector& errors) {
  const auto* value = row.if_contains(field);
  if (value == nullptr || value->is_null()) {
    errors.Add(index, field, "is required");
    return nullptr;
  }
  if (!value->is_string()) {
    errors.Add(index, field, "must be a string");
    return nullptr;
  }
  return &value->get_string();
}

// A value outside the valid range is accepted only when the sender already flagged it bad:
// fetchers store implausible upstream values flagged, never silently dropped or stored as good.
bool FlaggedBad(const json::object& row) {
  const auto* flag = row.if_contains("quality_flag");
  return flag != nullptr && flag->is_string() && flag->get_string() == "bad";
}

std::optional<Observation> ParseRow(const json::value& element, std::size_t index,
                                    const LocationExists& location_exists, Collector& errors) {
  if (!element.is_object()) {
    errors.Add(index, "", "must be an object");
    return std::nullopt;
  }
  const auto& row = element.get_object();
  const std::size_t errors_before = errors.Count();
  Observation observation;

  if (const auto* location = RequiredString(row, "location_id", index, errors)) {
    if (!location_exists(*location)) {
      errors.Add(index, "location_id",
                 fmt::format("unknown location \"{}\"", core::TruncateUtf8(*location, 64)));
    } else {
      observation.location_id = std::string(*location);
    }
  }

  const Parameter* parameter = nullptr;
  if (const auto* name = RequiredString(row, "parameter", index, errors)) {
    parameter = FindParameter(*name);
    if (parameter == nullptr) {
      errors.Add(index, "parameter", "unknown parameter; see /api/parameters/");
    } else {
      observation.parameter = std::string(parameter->id);
    }
  }

  if (const auto* timestamp = RequiredString(row, "timestamp", index, errors)) {
    const auto ms = ParseTimestamp(*timestamp);
    if (!ms) {
      errors.Add(index, "timestamp",
                 "must be an RFC 3339 timestamp with offset, "
                 "e.g. 2026-11-26T06:00:00Z");
    } else {
      observation.timestamp_ms = *ms;
    }
  }

  const auto* value = row.if_contains("value");
  if (value == nullptr || value->is_null()) {
    errors.Add(index, "value", "is required");
  } else if (!value->is_number()) {
    errors.Add(index, "value", "must be a number");
  } else {
    const double number = value->to_number<double>();
    if (!std::isfinite(number)) {
      errors.Add(index, "value", "must be a finite number");
    } else if (parameter != nullptr && !FlaggedBad(row) &&
               (number < parameter->valid_min || number > parameter->valid_max)) {
      errors.Add(
          index, "value",
          fmt::format("{} is outside the valid range of {} [{}, {}] {}", number, parameter->id,
                      parameter->valid_min, parameter->valid_max, parameter->unit));
    } else {
      observation.value = number;
    }
  }

  if (const auto* flag = row.if_contains("quality_flag"); flag != nullptr && !flag->is_null()) {
    std::optional<QualityFlag> parsed;
    if (flag->is_string()) parsed = ParseQualityFlag(flag->get_string());
    if (!parsed) {
      errors.Add(index, "quality_flag",
                 "must be one of good, not_evaluated, suspect, bad, missing");
    } else {
      observation.quality_flag = *parsed;
    }
  }

  if (const auto* source = RequiredString(row, "source", index, errors)) {
    if (!IsValidSourceId(*source)) {
      errors.Add(index, "source", "must be 1-32 characters of A-Z, a-z, 0-9, '_' or '-'");
    } else {
      observation.source = std::string(*source);
    }
  }

  if (errors.Count() != errors_before) return std::nullopt;
  return observation;
}

}  // namespace

bool IsValidSourceId(std::string_view source) {
  if (source.empty() || source.size() > 32) return false;
  for (const char c : source) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

IngestBatch ParseIngestBody(std::string_view body, const LocationExists& location_exists) {
  json::error_code ec;
  // One arena for the whole document, freed at once: a batch of 5,000 rows is some 40,000
  // small objects and strings, and allocating them one by one was a fifth of ingest's CPU.
  json::monotonic_resource arena;
  const json::value root = json::parse(body, ec, &arena);
  if (ec) {
    throw ApiError(ErrorCode::kBadRequest,
                   fmt::format("request body is not valid JSON: {}", ec.message()));
  }
  if (!root.is_array()) {
    throw ApiError(ErrorCode::kBadRequest, "request body must be a JSON array of observations");
  }
  const auto& array = root.get_array();
  std::vector<Observation> rows;
  rows.reserve(array.size());
  Collector errors;
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (auto row = ParseRow(array[i], i, location_exists, errors)) rows.push_back(std::move(*row));
  }
  if (!errors.Empty()) {
    const std::size_t count = errors.Count();
    throw ApiError(ErrorCode::kValidation,
                   fmt::format("{} invalid field{} in the observations; nothing was stored", count,
                               count == 1 ? "" : "s"),
                   errors.Take());
  }
  DeduplicateByKey(rows);
  return {std::move(rows), static_cast<std::int64_t>(array.size())};
}

void DeduplicateByKey(std::vector<Observation>& rows) {
  // Keys are views of the rows' own strings, so no key is formatted or allocated per row (a
  // formatted string key per row was about a tenth of the server's ingest CPU).
  struct Key {
    std::string_view location_id;
    std::string_view parameter;
    EpochMs timestamp_ms;
    std::string_view source;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& key) const {
      std::size_t h = std::hash<std::string_view>{}(key.location_id);
      const auto mix = [&h](std::size_t v) {
        h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
      };
      mix(std::hash<std::string_view>{}(key.parameter));
      mix(std::hash<EpochMs>{}(key.timestamp_ms));
      mix(std::hash<std::string_view>{}(key.source));
      return h;
    }
  };
  // First position of each key; a later row with the same key replaces the row there.
  std::unordered_map<Key, std::size_t, KeyHash> first;
  first.reserve(rows.size());
  // last[i]: for the first row of a key, the index of its key's last row; else kRepeat.
  constexpr std::size_t kRepeat = static_cast<std::size_t>(-1);
  std::vector<std::size_t> last(rows.size());
  bool repeated = false;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Observation& row = rows[i];
    const auto [it, inserted] =
        first.try_emplace(Key{row.location_id, row.parameter, row.timestamp_ms, row.source}, i);
    last[i] = inserted ? i : kRepeat;
    if (!inserted) {
      last[it->second] = i;
      repeated = true;
    }
  }
  if (!repeated) return;
  // The map's keys point into rows: done with it before any row moves.
  first = {};
  std::vector<Observation> unique;
  unique.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (last[i] != kRepeat) unique.push_back(std::move(rows[last[i]]));
  }
  rows = std::move(unique);
}

}  // namespace ocean::core
