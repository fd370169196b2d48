#include "storage/climatology_codec.hpp"

#include <cmath>
#include <optional>
#include <stdexcept>
#include <unordered_set>

#include "core/api_error.hpp"
#include "core/big_endian.hpp"

namespace ocean::storage {
namespace {

[[noreturn]] void Reject(std::string_view what, const std::string& why) {
  throw core::ApiError(
      core::ErrorCode::kValidation,
      "storage: " + std::string(what) + " rejected: " + why + "; nothing was written");
}

void CheckSize(const std::vector<double>& values, std::size_t expected, std::string_view name) {
  if (values.size() != expected) {
    Reject("climatology", std::string(name) + " holds " + std::to_string(values.size()) +
                              " values, not " + std::to_string(expected));
  }
}

}  // namespace

void CheckDailyRecord(std::span<const DailyValue> days) {
  std::unordered_set<std::int32_t> seen;
  seen.reserve(days.size());
  for (const DailyValue& day : days) {
    // SQLite would store NaN as NULL; a missing day is an absent row, never a value.
    if (!std::isfinite(day.value)) {
      Reject("daily record", "day " + std::to_string(day.day) + " has a non-finite value");
    }
    if (!seen.insert(day.day).second) {
      Reject("daily record", "day " + std::to_string(day.day) + " appears twice");
    }
  }
}

void CheckClimatology(const StoredClimatology& climatology) {
  CheckSize(climatology.seas, kClimatologyDays, "seas");
  CheckSize(climatology.thresh, kClimatologyDays, "thresh");
  CheckSize(climatology.percentiles, kClimatologyDays * kClimatologyLevels, "percentiles");
  if (climatology.baseline_first_year > climatology.baseline_last_year) {
    Reject("climatology", "the baseline's first year is after its last");
  }
}

void CheckBackfillProgress(const BackfillProgress& progress) {
  if (progress.state != "running" && progress.state != "done" && progress.state != "failed") {
    Reject("backfill progress", "state \"" + progress.state + "\" is not running, done or failed");
  }
}

void ThrowUnknownLocation(std::string_view what, std::string_view location) {
  throw core::ApiError(core::ErrorCode::kValidation,
                       "storage: " + std::string(what) + " rejected: unknown location_id \"" +
                           std::string(location) + "\"; nothing was written",
                       {{std::nullopt, "location_id", "unknown location"}});
}

std::string EncodeDoubles(std::span<const double> values) {
  std::string bytes;
  bytes.reserve(values.size() * sizeof(double));
  for (const double value : values) core::AppendBigEndian(bytes, value);
  return bytes;
}

std::vector<double> DecodeDoubles(std::string_view bytes, std::size_t expected) {
  if (bytes.size() != expected * sizeof(double)) {
    throw std::runtime_error("storage: a stored climatology array holds " +
                             std::to_string(bytes.size()) + " bytes, not " +
                             std::to_string(expected * sizeof(double)));
  }
  std::vector<double> values(expected);
  for (std::size_t i = 0; i < expected; ++i) {
    values[i] = core::LoadBigEndian<double>(bytes.data() + i * sizeof(double));
  }
  return values;
}

}  // namespace ocean::storage
