#include "api/anomaly.hpp"

#include <cmath>
#include <limits>
#include <span>

#include "core/time.hpp"
#include "science/climatology.hpp"

namespace ocean::api {
namespace {

constexpr std::size_t kLevels = 99;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double At(const std::vector<double>& values, std::size_t index) {
  return index < values.size() ? values[index] : kNaN;
}

}  // namespace

std::int64_t UtcDay(core::EpochMs ms) {
  return ms >= 0 ? ms / core::kMsPerDay : -((-ms + core::kMsPerDay - 1) / core::kMsPerDay);
}

std::size_t ClimatologyDayIndex(std::int64_t day) {
  const core::CivilDate date = core::CivilDateFromDays(day);
  return static_cast<std::size_t>(science::LeapDayOfYear(date.month, date.day) - 1);
}

PointAnomaly AnomalyOfDay(bool log10, double seas, double thresh, std::span<const double> levels,
                          double value) {
  // The climatology of chlorophyll lives in log10 space; log10 of a non-positive value is no
  // number, and such a value gets no anomaly rather than an invented one.
  const double x = log10 ? (value > 0 ? std::log10(value) : kNaN) : value;
  PointAnomaly out;
  out.anomaly = x - seas;
  out.percentile = kNaN;
  if (levels.size() == kLevels && !std::isnan(x)) {
    out.percentile = science::ClimatologyPercentile(levels, x);
  }
  out.clim_mean = log10 ? std::pow(10.0, seas) : seas;
  out.clim_threshold = log10 ? std::pow(10.0, thresh) : thresh;
  return out;
}

PointAnomaly AnomalyAt(const storage::StoredClimatology& climatology, core::EpochMs t,
                       double value) {
  const std::size_t d = ClimatologyDayIndex(UtcDay(t));
  std::span<const double> levels;
  if (climatology.percentiles.size() >= (d + 1) * kLevels) {
    levels = std::span<const double>(climatology.percentiles).subspan(d * kLevels, kLevels);
  }
  return AnomalyOfDay(climatology.log10, At(climatology.seas, d), At(climatology.thresh, d), levels,
                      value);
}

void WriteClimatologyInfo(core::JsonWriter& w, const storage::StoredClimatology* climatology) {
  if (climatology == nullptr) {
    w.Null();
    return;
  }
  w.BeginObject()
      .PlainKey("source")
      .String(climatology->source)
      .PlainKey("baseline")
      .BeginArray()
      .Int(climatology->baseline_first_year)
      .Int(climatology->baseline_last_year)
      .EndArray()
      .PlainKey("log10")
      .Bool(climatology->log10)
      .EndObject();
}

}  // namespace ocean::api
