// Validation of ingested observations: all or nothing, every bad row reported.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "core/types.hpp"

namespace ocean::core {

using LocationExists = std::function<bool(std::string_view)>;

// Parses the ingest body, a JSON array of observation objects. Throws ApiError:
// kBadRequest when the body is not JSON or not an array; kValidation with one detail
// {index, field, message} per problem (at most kMaxErrorDetails) when any row is invalid.
// Rows repeating a key (location, parameter, timestamp, source) keep the last one, as a
// repeated key in separate requests would.
struct IngestBatch {
  std::vector<Observation> rows;  // validated, one per unique key
  std::int64_t received = 0;      // elements in the array as sent
};
IngestBatch ParseIngestBody(std::string_view body, const LocationExists& location_exists);

bool IsValidSourceId(std::string_view source);

// Keeps the last row of each unique key, preserving first-seen order of keys.
void DeduplicateByKey(std::vector<Observation>& rows);

inline constexpr std::size_t kMaxErrorDetails = 100;

}  // namespace ocean::core
