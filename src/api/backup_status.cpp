#include "api/backup_status.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "core/time.hpp"

namespace ocean::api {
namespace {

namespace json = boost::json;

// The job writes a few hundred bytes; anything far larger is not its file.
constexpr std::size_t kMaxStatusBytes = 64 * 1024;
// A daily job whose last attempt is older than two intervals has missed one; the hour covers a
// slow dump and clock drift.
constexpr core::EpochMs kStaleSlackMs = 3'600'000;
constexpr std::int64_t kDefaultIntervalSeconds = 86'400;

std::string_view StateName(BackupState state) {
  switch (state) {
    case BackupState::kOk:
      return "ok";
    case BackupState::kNone:
      return "none";
    case BackupState::kFailed:
      return "failed";
    case BackupState::kStale:
      return "stale";
    case BackupState::kInvalid:
      return "invalid";
  }
  return "invalid";
}

BackupReport Invalid(std::string why) {
  BackupReport report;
  report.state = BackupState::kInvalid;
  report.message = "backup status file: " + std::move(why);
  return report;
}

// A field that is absent or null is nullopt; any other type than `want` makes the file invalid.
std::optional<std::string> OptionalString(const json::object& o, std::string_view key,
                                          std::string& problem) {
  const auto* value = o.if_contains(key);
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (!value->is_string()) {
    problem = fmt::format("\"{}\" must be a string or null", key);
    return std::nullopt;
  }
  return std::string(value->get_string());
}

std::optional<std::int64_t> OptionalCount(const json::object& o, std::string_view key,
                                          std::string& problem) {
  const auto* value = o.if_contains(key);
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (value->is_int64() && value->get_int64() >= 0) return value->get_int64();
  if (value->is_uint64() && value->get_uint64() <= INT64_MAX) {
    return static_cast<std::int64_t>(value->get_uint64());
  }
  problem = fmt::format("\"{}\" must be a non-negative whole number or null", key);
  return std::nullopt;
}

// A read-only descriptor: nothing to report when closing it fails.
void CloseDescriptor(const int* fd) { ::close(*fd); }

}  // namespace

BackupReport AssessBackupStatus(std::optional<std::string_view> text, core::EpochMs now) {
  if (!text) {
    BackupReport report;
    report.state = BackupState::kNone;
    report.message = "no backup has run yet";
    return report;
  }
  json::error_code ec;
  const json::value root = json::parse(*text, ec);
  if (ec) return Invalid("not JSON: " + ec.message());
  if (!root.is_object()) return Invalid("not a JSON object");
  const auto& o = root.get_object();

  BackupReport report;
  std::string problem;
  report.last_attempt = OptionalString(o, "last_attempt", problem);
  report.last_success = OptionalString(o, "last_success", problem);
  report.last_error = OptionalString(o, "last_error", problem);
  report.last_file = OptionalString(o, "last_file", problem);
  report.last_size_bytes = OptionalCount(o, "last_size_bytes", problem);
  report.kept = OptionalCount(o, "kept", problem);
  const auto interval = OptionalCount(o, "interval_seconds", problem);
  if (!problem.empty()) return Invalid(problem);
  if (!report.last_attempt) return Invalid("\"last_attempt\" is missing");
  const auto attempted = core::ParseTimestamp(*report.last_attempt);
  if (!attempted) return Invalid("\"last_attempt\" is not an RFC 3339 time");

  const std::int64_t interval_s = interval && *interval > 0 ? *interval : kDefaultIntervalSeconds;
  if (report.last_error) {
    report.state = BackupState::kFailed;
    report.message = "the last backup failed: " + *report.last_error;
  } else if (now - *attempted > 2 * interval_s * 1000 + kStaleSlackMs) {
    report.state = BackupState::kStale;
    report.message = "no backup attempted since " + *report.last_attempt;
  } else {
    report.state = BackupState::kOk;
  }
  return report;
}

BackupReport ReadBackupStatus(const std::string& path, core::EpochMs now) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return AssessBackupStatus(std::nullopt, now);
    return Invalid(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  }
  const std::unique_ptr<const int, decltype(&CloseDescriptor)> closer(&fd, &CloseDescriptor);
  std::string text(kMaxStatusBytes + 1, '\0');
  std::size_t size = 0;
  while (size < text.size()) {
    const ssize_t n = ::read(fd, text.data() + size, text.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Invalid(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  if (size > kMaxStatusBytes) {
    return Invalid(fmt::format("{} is larger than {} bytes", path, kMaxStatusBytes));
  }
  text.resize(size);
  return AssessBackupStatus(text, now);
}

bool BackupDegrades(const BackupReport& report) {
  return report.state == BackupState::kFailed || report.state == BackupState::kStale ||
         report.state == BackupState::kInvalid;
}

void WriteBackupReport(core::JsonWriter& w, const BackupReport& report) {
  const auto optional_string = [&w](std::string_view key, const std::optional<std::string>& v) {
    w.Key(key);
    if (v) {
      w.String(*v);
    } else {
      w.Null();
    }
  };
  const auto optional_int = [&w](std::string_view key, const std::optional<std::int64_t>& v) {
    w.Key(key);
    if (v) {
      w.Int(*v);
    } else {
      w.Null();
    }
  };
  w.BeginObject().Key("status").String(StateName(report.state));
  if (!report.message.empty()) w.Key("message").String(report.message);
  optional_string("last_attempt", report.last_attempt);
  optional_string("last_success", report.last_success);
  optional_string("last_error", report.last_error);
  optional_string("last_file", report.last_file);
  optional_int("last_size_bytes", report.last_size_bytes);
  optional_int("kept", report.kept);
  w.EndObject();
}

}  // namespace ocean::api
