// Marine heatwave (and cold spell) detection as Hobday et al. (2016) define it and Eric
// Oliver's marineHeatWaves `detect` implements it, with the categories of Hobday et al. (2018).
// Pure functions over a continuous daily record and its climatology.
#pragma once

#include <cmath>

#include <cstddef>
#include <string_view>
#include <vector>

#include "science/climatology.hpp"

namespace ocean::science {

// The multiple of (thresh - seas) reached at the event's most intense day: [1, 2) Moderate,
// [2, 3) Strong, [3, 4) Severe, 4 and more Extreme.
enum class MhwCategory { kModerate, kStrong, kSevere, kExtreme };
std::string_view CategoryName(MhwCategory category);  // "Moderate", "Strong", ...

struct DetectionOptions {
  int min_duration = 5;          // days above the threshold for a run to count as an event
  bool join_across_gaps = true;  // join events separated by a short gap
  int max_gap = 2;               // longest gap (days) that is joined
  // Detect cold spells: days below the threshold, which is then the low percentile (thresh
  // from a climatology computed on the negated record). Intensities come out negative.
  bool cold_spells = false;
};

// One event, with the metrics named as marineHeatWaves names them. Intensities are relative to
// the seasonal climatology, in the record's unit; rates in unit per day.
struct MhwEvent {
  std::size_t index_start = 0;  // positions in the record
  std::size_t index_peak = 0;
  std::size_t index_end = 0;
  long long date_start = 0;  // days since 1970-01-01
  long long date_peak = 0;
  long long date_end = 0;
  int duration = 0;  // days, end - start + 1
  double intensity_max = 0;
  double intensity_mean = 0;
  double intensity_var = 0;  // standard deviation of the intensity over the event
  double intensity_cumulative = 0;
  // NaN where the reference's own edge rule divides by zero: an event that runs to the last
  // day of the record with its peak on that day (unless it also starts on the first day).
  double rate_onset = 0;
  double rate_decline = 0;
  MhwCategory category = MhwCategory::kModerate;
};

// Whether a day exceeds its threshold as DetectEvents judges it: a missing day (NaN) takes the
// seasonal value, and the excess must be strictly positive.
inline bool ExceedsThreshold(double value, double seas, double thresh) {
  const double temp = std::isnan(value) ? seas : value;
  return temp - thresh > 0;
}

// The events in `record` given its climatology per day (same length; for cold spells the
// threshold below the mean). Missing days (NaN) take the seasonal value, so they never exceed
// the threshold but can sit inside a joined gap.
std::vector<MhwEvent> DetectEvents(const DailySeries& record, const DailyClimatology& climatology,
                                   const DetectionOptions& options);

struct MhwDetection {
  std::vector<MhwEvent> events;
  DailyClimatology climatology;  // per day of the record, in the record's sign
};

// marineHeatWaves.detect with its defaults: the climatology from the record itself over the
// baseline years, then the events. Throws ClimatologyError for options the record cannot meet
// (cold spells need the linear space).
MhwDetection DetectMarineHeatwaves(const DailySeries& record,
                                   const ClimatologyOptions& climatology_options,
                                   const DetectionOptions& options);

}  // namespace ocean::science
