#include "http/access_log.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <iterator>

#include "core/json_escape.hpp"

namespace ocean::http {
namespace {

// Always three decimals (unlike core::FormatTimestamp), so every line's time has one width.
std::string FormatRfc3339Millis(core::EpochMs time_ms) {
  const auto since_epoch = std::chrono::milliseconds(time_ms);
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  const auto millis = (since_epoch - seconds).count();
  const std::time_t tt = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  gmtime_r(&tt, &utc);
  char buffer[32];
  const int n = std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                              utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                              utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  return std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
}

}  // namespace

std::string FormatAccessLogLine(const AccessLogEntry& entry) {
  // Written by hand rather than through boost::json::object, whose doubles come out as
  // 2.84272E-1; core::AppendJsonString quotes every string, so a path or query holding
  // ill-formed UTF-8 still makes a valid JSON line.
  const auto quoted = [](std::string_view text) {
    std::string out;
    core::AppendJsonString(out, text);
    return out;
  };
  // A non-finite number would make the line invalid JSON; a steady-clock duration never is.
  const double duration_ms = std::isfinite(entry.duration_ms) ? entry.duration_ms : 0.0;
  std::string line;
  auto out = std::back_inserter(line);
  fmt::format_to(out, R"({{"time":{},"request_id":{},"method":{},"path":{})",
                 quoted(FormatRfc3339Millis(entry.time_ms)), quoted(entry.request_id),
                 quoted(entry.method), quoted(entry.path));
  if (!entry.query.empty()) fmt::format_to(out, R"(,"query":{})", quoted(entry.query));
  fmt::format_to(out, R"(,"status":{},"duration_ms":{:.3f},"bytes":{},"remote":{}}})", entry.status,
                 duration_ms, entry.bytes, quoted(entry.remote));
  line.push_back('\n');
  return line;
}

void AccessLog::Write(const AccessLogEntry& entry) {
  const std::string line = FormatAccessLogLine(entry);
  std::lock_guard lock(mutex_);
  // A short write to stdout has no better recovery than dropping the line.
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace ocean::http
