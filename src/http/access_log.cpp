#include "http/access_log.hpp"

#include <boost/json.hpp>

#include <ctime>

namespace ocean::http {
namespace {

std::string FormatRfc3339Millis(std::chrono::system_clock::time_point time) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
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
  boost::json::object line{
      {"time", FormatRfc3339Millis(entry.time)},
      {"request_id", entry.request_id},
      {"method", entry.method},
      {"path", entry.path},
  };
  if (!entry.query.empty()) line["query"] = entry.query;
  line["status"] = entry.status;
  line["duration_ms"] = entry.duration_ms;
  line["bytes"] = entry.bytes;
  line["remote"] = entry.remote;
  std::string text = boost::json::serialize(line);
  text.push_back('\n');
  return text;
}

void AccessLog::Write(const AccessLogEntry& entry) {
  const std::string line = FormatAccessLogLine(entry);
  std::lock_guard lock(mutex_);
  // A short write to stdout has no better recovery than dropping the line.
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace ocean::http
