// One JSON line per request on stdout, for log shippers (CloudWatch, Loki) to parse.
#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "core/types.hpp"

namespace ocean::http {

struct AccessLogEntry {
  core::EpochMs time_ms = 0;  // when the response was sent (the server's core::Clock)
  std::string_view request_id;
  std::string_view method;
  std::string_view path;   // decoded path
  std::string_view query;  // raw query string; credentials travel in headers, never logged
  int status = 0;
  double duration_ms = 0.0;  // written with 3 decimals (microseconds): "duration_ms":0.284
  std::uint64_t bytes = 0;   // response body bytes
  std::string_view remote;
};

// {"time":"2024-05-01T12:00:00.123Z","request_id":…,"method":…,"path":…,"status":…,
//  "duration_ms":…,"bytes":…,"remote":…} followed by '\n'.
std::string FormatAccessLogLine(const AccessLogEntry& entry);

// Writes whole lines under a mutex so concurrent requests never interleave within a line.
class AccessLog {
 public:
  explicit AccessLog(std::FILE* out) : out_(out) {}
  void Write(const AccessLogEntry& entry);

 private:
  std::mutex mutex_;
  std::FILE* out_;
};

}  // namespace ocean::http
