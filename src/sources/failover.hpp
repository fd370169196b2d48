// The fetch loop every source shares: servers in order, locations in parallel within the HTTP
// client's per-host limit, and a location moved on to the next server only when the server
// (not the location) failed.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/types.hpp"
#include "sources/source.hpp"

namespace ocean::sources {

struct HttpResponse;

// What one location's request on one server came to.
struct LocationOutcome {
  enum class Kind {
    kOk,             // rows (possibly none: "no matching results" is an answer)
    kLocationError,  // this location failed (garbage body, query error): recorded, not retried
    kServerError,    // the server failed (5xx, timeout, unknown dataset): try the next server
  };
  Kind kind = Kind::kOk;
  std::vector<FetchedObservation> rows;
  std::string error;

  static LocationOutcome Ok(std::vector<FetchedObservation> rows) {
    return {Kind::kOk, std::move(rows), ""};
  }
  static LocationOutcome LocationError(std::string error) {
    return {Kind::kLocationError, {}, std::move(error)};
  }
  static LocationOutcome ServerError(std::string error) {
    return {Kind::kServerError, {}, std::move(error)};
  }
};

// Called once per server before its locations; an error string marks the server failed.
using PrepareServer = std::function<std::optional<std::string>(const ServerConfig& server)>;
// Called for each location on a prepared server; must be thread-safe.
using FetchLocation =
    std::function<LocationOutcome(const ServerConfig& server, const core::Location& location)>;

FetchResult FetchWithFailover(const SourceConfig& source, std::span<const core::Location> locations,
                              int parallelism, const PrepareServer& prepare,
                              const FetchLocation& fetch);

// The `message="..."` of an ERDDAP error body, or the first line of any other text, shortened
// for an error line.
std::string ShortErrorText(std::string_view body);

// "HTTP 503: <ShortErrorText of the body>", or Describe() alone when there is no body.
std::string DescribeFailure(const HttpResponse& response);

}  // namespace ocean::sources
