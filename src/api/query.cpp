#include "api/query.hpp"

#include <fmt/format.h>
#include <charconv>
#include <set>

#include "core/api_error.hpp"
#include "core/catalogue.hpp"
#include "core/json_escape.hpp"
#include "core/time.hpp"

namespace ocean::api {
namespace {

using core::ApiError;
using core::ErrorCode;
using core::ErrorDetail;

// The most bytes of a client's text (an id, a parameter name) quoted in an error.
constexpr std::size_t kQuotedMax = 64;

class Errors {
 public:
  void Add(std::string_view field, std::string message) {
    details_.push_back({std::nullopt, std::string(field), std::move(message)});
  }
  void ThrowIfAny() {
    if (details_.empty()) return;
    throw ApiError(ErrorCode::kValidation,
                   details_.size() == 1 ? fmt::format("invalid query parameter {}: {}",
                                                      details_[0].field, details_[0].message)
                                        : "invalid query parameters",
                   std::move(details_));
  }

 private:
  std::vector<ErrorDetail> details_;
};

void CheckKnown(const QueryPairs& query, std::initializer_list<std::string_view> known,
                Errors& errors) {
  std::set<std::string_view> reported;
  for (const auto& [name, value] : query) {
    if (std::find(known.begin(), known.end(), name) == known.end() &&
        reported.insert(name).second) {
      std::string allowed;
      for (const auto k : known)
        allowed += allowed.empty() ? std::string(k) : ", " + std::string(k);
      errors.Add(core::TruncateUtf8(name, kQuotedMax),
                 fmt::format("unknown query parameter; allowed: {}", allowed));
    }
  }
}

// The single value of a parameter; repeated single-valued parameters are an error.
std::optional<std::string> Single(const QueryPairs& query, std::string_view name, Errors& errors) {
  std::optional<std::string> found;
  for (const auto& [key, value] : query) {
    if (key != name) continue;
    if (found) {
      errors.Add(name, "given more than once");
      return std::nullopt;
    }
    found = value;
  }
  return found;
}

std::vector<std::string> Locations(const QueryPairs& query,
                                   const core::LocationExists& location_exists, Errors& errors) {
  std::vector<std::string> ids;
  for (const auto& [key, value] : query) {
    if (key != "location") continue;
    std::size_t start = 0;
    while (start <= value.size()) {
      const auto comma = value.find(',', start);
      const auto end = comma == std::string::npos ? value.size() : comma;
      std::string id = value.substr(start, end - start);
      if (id.empty()) {
        errors.Add("location", "empty location id");
      } else if (!location_exists(id)) {
        errors.Add("location",
                   fmt::format("unknown location \"{}\"", core::TruncateUtf8(id, kQuotedMax)));
      } else if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
        ids.push_back(std::move(id));
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return ids;
}

std::optional<std::int64_t> Integer(const std::optional<std::string>& text, std::string_view name,
                                    std::int64_t min, std::int64_t max, Errors& errors) {
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || ptr != text->data() + text->size() || value < min || value > max) {
    errors.Add(name, fmt::format("must be an integer from {} to {}", min, max));
    return std::nullopt;
  }
  return value;
}

// An unencoded '+' in a query string arrives as a space ("...T00:00:00 09:00"): read a space
// after the time part as the '+' the user typed rather than rejecting a common URL.
std::optional<core::EpochMs> QueryTimestamp(std::string text) {
  const auto space = text.rfind(' ');
  if (space != std::string::npos && space > 10) text[space] = '+';
  return core::ParseTimestamp(text);
}

// Resolves start/end with the default 30-day window ending now.
std::pair<core::EpochMs, core::EpochMs> Window(const QueryPairs& query, core::EpochMs now_ms,
                                               Errors& errors) {
  const auto start_text = Single(query, "start", errors);
  const auto end_text = Single(query, "end", errors);
  std::optional<core::EpochMs> start;
  std::optional<core::EpochMs> end;
  if (start_text) {
    start = QueryTimestamp(*start_text);
    if (!start) errors.Add("start", "must be an RFC 3339 timestamp, e.g. 2026-11-01T00:00:00Z");
  }
  if (end_text) {
    end = QueryTimestamp(*end_text);
    if (!end) errors.Add("end", "must be an RFC 3339 timestamp, e.g. 2026-11-26T00:00:00Z");
  }
  const core::EpochMs end_ms = end.value_or(now_ms);
  const core::EpochMs start_ms = start.value_or(end_ms - kDefaultWindowMs);
  if (start && end && *start > *end) errors.Add("start", "must not be after end");
  return {start_ms, end_ms};
}

std::optional<std::string> Parameter(const QueryPairs& query, Errors& errors, bool required) {
  auto parameter = Single(query, "parameter", errors);
  if (!parameter) {
    if (required) errors.Add("parameter", "is required");
    return std::nullopt;
  }
  if (core::FindParameter(*parameter) == nullptr) {
    errors.Add("parameter", "unknown parameter; see /api/parameters/");
    return std::nullopt;
  }
  return parameter;
}

std::optional<std::string> Source(const QueryPairs& query, Errors& errors) {
  auto source = Single(query, "source", errors);
  if (source && !core::IsValidSourceId(*source)) {
    errors.Add("source", "must be 1-32 characters of A-Z, a-z, 0-9, '_' or '-'");
    return std::nullopt;
  }
  return source;
}

}  // namespace

ObservationsParams ParseObservationsQuery(const QueryPairs& query, core::EpochMs now_ms,
                                          const core::LocationExists& location_exists) {
  Errors errors;
  CheckKnown(query,
             {"location", "parameter", "source", "start", "end", "limit", "cursor", "format"},
             errors);
  ObservationsParams params;
  params.query.locations = Locations(query, location_exists, errors);
  params.query.parameter = Parameter(query, errors, false);
  params.query.source = Source(query, errors);
  std::tie(params.query.start_ms, params.query.end_ms) = Window(query, now_ms, errors);
  params.query.limit = Integer(Single(query, "limit", errors), "limit", 1, kMaxLimit, errors)
                           .value_or(kDefaultLimit);
  // Opaque here: the store that issued it decodes it (Store::ReadPage), and says 400 when not.
  if (auto cursor = Single(query, "cursor", errors)) params.cursor = std::move(*cursor);
  if (const auto format = Single(query, "format", errors)) {
    if (*format == "csv") {
      params.csv = true;
    } else if (*format != "json") {
      errors.Add("format", "must be json or csv");
    }
  }
  errors.ThrowIfAny();
  return params;
}

SeriesParams ParseSeriesQuery(const QueryPairs& query, core::EpochMs now_ms,
                              const core::LocationExists& location_exists) {
  Errors errors;
  CheckKnown(query, {"location", "parameter", "source", "start", "end", "max_points", "anomaly"},
             errors);
  SeriesParams params;
  const auto locations = Locations(query, location_exists, errors);
  if (locations.size() > 1) {
    errors.Add("location", "exactly one location");
  } else if (locations.empty()) {
    if (std::none_of(query.begin(), query.end(),
                     [](const auto& pair) { return pair.first == "location"; })) {
      errors.Add("location", "is required");
    }
  } else {
    params.location = locations.front();
  }
  if (auto parameter = Parameter(query, errors, true)) params.parameter = std::move(*parameter);
  params.source = Source(query, errors);
  std::tie(params.start_ms, params.end_ms) = Window(query, now_ms, errors);
  params.max_points = static_cast<std::size_t>(
      Integer(Single(query, "max_points", errors), "max_points", 3, kMaxMaxPoints, errors)
          .value_or(kDefaultMaxPoints));
  if (const auto anomaly = Single(query, "anomaly", errors)) {
    if (*anomaly == "true") {
      params.anomaly = true;
    } else if (*anomaly != "false") {
      errors.Add("anomaly", "must be true or false");
    }
  }
  errors.ThrowIfAny();
  return params;
}

HeatwavesParams ParseHeatwavesQuery(const QueryPairs& query,
                                    const core::LocationExists& location_exists) {
  Errors errors;
  CheckKnown(query, {"location", "parameter"}, errors);
  HeatwavesParams params;
  const auto location = Single(query, "location", errors);
  if (!location) {
    errors.Add("location", "is required");
  } else if (location->empty()) {
    errors.Add("location", "empty location id");
  }
  if (auto parameter = Parameter(query, errors, false)) {
    if (*parameter != "sst") {
      errors.Add("parameter", "marine heatwaves are detected on sst only");
    } else {
      params.parameter = std::move(*parameter);
    }
  }
  errors.ThrowIfAny();
  // Asked after the query is known to be well formed: a location is a resource here, so an
  // unknown one is 404 rather than a bad parameter.
  if (!location_exists(*location)) {
    throw ApiError(ErrorCode::kNotFound,
                   fmt::format("no location \"{}\"", core::TruncateUtf8(*location, kQuotedMax)));
  }
  params.location = *location;
  return params;
}

std::vector<std::string> ParseLatestQuery(const QueryPairs& query,
                                          const core::LocationExists& location_exists) {
  Errors errors;
  CheckKnown(query, {"location"}, errors);
  auto locations = Locations(query, location_exists, errors);
  errors.ThrowIfAny();
  return locations;
}

std::string EncodeQueryComponent(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

std::string NextPageQuery(const ObservationsParams& params, const std::string& cursor) {
  std::string out;
  const auto add = [&out](std::string_view key, std::string_view value) {
    out += out.empty() ? "" : "&";
    out += key;
    out += '=';
    out += EncodeQueryComponent(value);
  };
  if (!params.query.locations.empty()) {
    std::string joined;
    for (const auto& id : params.query.locations) joined += (joined.empty() ? "" : ",") + id;
    add("location", joined);
  }
  if (params.query.parameter) add("parameter", *params.query.parameter);
  if (params.query.source) add("source", *params.query.source);
  add("start", core::FormatTimestamp(params.query.start_ms));
  add("end", core::FormatTimestamp(params.query.end_ms));
  add("limit", std::to_string(params.query.limit));
  if (params.csv) add("format", "csv");
  add("cursor", cursor);
  return out;
}

}  // namespace ocean::api
