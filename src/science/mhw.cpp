#include "science/mhw.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace ocean::science {
namespace {

constexpr std::array<std::string_view, 4> kCategoryNames = {"Moderate", "Strong", "Severe",
                                                            "Extreme"};

// numpy's argmax: the first maximum, or the first NaN if there is one (NaN counts as the
// largest value there).
std::size_t ArgMax(const std::vector<double>& values) {
  std::size_t best = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(values[i])) return i;
    if (values[i] > values[best]) best = i;
  }
  return best;
}

double Mean(const std::vector<double>& values) {
  return PairwiseSum(values) / static_cast<double>(values.size());
}

// np.sqrt(x.var()): the population standard deviation, summed as numpy sums.
double StandardDeviation(const std::vector<double>& values) {
  const double mean = Mean(values);
  std::vector<double> squares(values.size());
  std::transform(values.begin(), values.end(), squares.begin(), [mean](double v) {
    const double d = v - mean;
    return d * d;
  });
  return std::sqrt(Mean(squares));
}

// floor(1 + ratio) capped at 4, indexed as numpy would index the category names.
MhwCategory CategoryFromRatio(double ratio) {
  const double level = std::min(std::floor(1.0 + ratio), 4.0);
  // The ratio is positive on any day above a threshold that lies above the seasonal mean.
  // numpy would wrap a negative index (-1 is Extreme) and fail on NaN (thresh equal to seas
  // on a day equal to both); those degenerate climatologies report Moderate here.
  if (std::isnan(level) || level < -3.0) return MhwCategory::kModerate;
  const int index = static_cast<int>(level) - 1;
  return static_cast<MhwCategory>(index < 0 ? index + 4 : index);
}

// Contiguous runs of exceedance at least min_duration long, as [first, last] positions.
std::vector<std::pair<std::size_t, std::size_t>> FindRuns(const std::vector<bool>& exceed,
                                                          int min_duration) {
  std::vector<std::pair<std::size_t, std::size_t>> runs;
  std::size_t i = 0;
  while (i < exceed.size()) {
    if (!exceed[i]) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j + 1 < exceed.size() && exceed[j + 1]) ++j;
    const std::size_t length = j - i + 1;
    if (std::cmp_greater_equal(length, min_duration)) runs.emplace_back(i, j);
    i = j + 1;
  }
  return runs;
}

// Short runs are dropped before joining, as in the reference: a 4-day run one day after an
// event does not extend it. Joining never changes the gaps between the other events, so one
// pass from the left gives what the reference's repeated "join the first short gap" gives.
std::vector<std::pair<std::size_t, std::size_t>> JoinAcrossGaps(
    const std::vector<std::pair<std::size_t, std::size_t>>& runs, int max_gap) {
  std::vector<std::pair<std::size_t, std::size_t>> joined;
  for (const auto& run : runs) {
    if (!joined.empty() && std::cmp_less_equal(run.first - joined.back().second - 1, max_gap)) {
      joined.back().second = run.second;
    } else {
      joined.push_back(run);
    }
  }
  return joined;
}

}  // namespace

std::string_view CategoryName(MhwCategory category) {
  return kCategoryNames.at(static_cast<std::size_t>(category));
}

std::vector<MhwEvent> DetectEvents(const DailySeries& record, const DailyClimatology& climatology,
                                   const DetectionOptions& options) {
  const std::size_t count = record.values.size();
  if (climatology.seas.size() != count || climatology.thresh.size() != count) {
    throw ClimatologyError("climatology: one seas and one thresh per day of the record");
  }
  // The reference works on the negated series for cold spells; negation is exact, so the
  // results match it bit for bit.
  const double sign = options.cold_spells ? -1.0 : 1.0;
  std::vector<double> temp(count);
  std::vector<double> seas(count);
  std::vector<double> thresh(count);
  std::vector<bool> exceed(count);
  for (std::size_t i = 0; i < count; ++i) {
    seas[i] = sign * climatology.seas[i];
    thresh[i] = sign * climatology.thresh[i];
    temp[i] = std::isnan(record.values[i]) ? seas[i] : sign * record.values[i];
    exceed[i] = ExceedsThreshold(sign * record.values[i], seas[i], thresh[i]);
  }

  auto runs = FindRuns(exceed, options.min_duration);
  if (options.join_across_gaps) runs = JoinAcrossGaps(runs, options.max_gap);

  std::vector<MhwEvent> events;
  events.reserve(runs.size());
  for (const auto& [start, end] : runs) {
    const std::size_t length = end - start + 1;
    std::vector<double> rel_seas(length);
    std::vector<double> rel_thresh_norm(length);
    for (std::size_t k = 0; k < length; ++k) {
      const std::size_t i = start + k;
      rel_seas[k] = temp[i] - seas[i];
      rel_thresh_norm[k] = (temp[i] - thresh[i]) / (thresh[i] - seas[i]);
    }
    const std::size_t peak = ArgMax(rel_seas);

    MhwEvent event;
    event.index_start = start;
    event.index_peak = start + peak;
    event.index_end = end;
    event.date_start = record.first_day + static_cast<long long>(start);
    event.date_peak = record.first_day + static_cast<long long>(start + peak);
    event.date_end = record.first_day + static_cast<long long>(end);
    event.duration = static_cast<int>(length);
    event.intensity_max = rel_seas[peak];
    event.intensity_mean = Mean(rel_seas);
    event.intensity_var = StandardDeviation(rel_seas);
    event.intensity_cumulative = PairwiseSum(rel_seas);
    event.category = CategoryFromRatio(rel_thresh_norm[ArgMax(rel_thresh_norm)]);

    // The event is taken to begin half a day before its first day and end half a day after
    // its last, where the anomaly is the mean of the two days either side of that edge.
    const auto peak_offset = static_cast<double>(peak);
    if (start > 0) {
      const double edge = 0.5 * (rel_seas[0] + temp[start - 1] - seas[start - 1]);
      event.rate_onset = (rel_seas[peak] - edge) / (peak_offset + 0.5);
    } else {
      // The record starts inside the event: measured from the first day, over at least a day.
      event.rate_onset = (rel_seas[peak] - rel_seas[0]) / (peak == 0 ? 1.0 : peak_offset);
    }
    const auto days_after_peak = static_cast<double>(end - start - peak);
    if (end + 1 < count) {
      const double edge = 0.5 * (rel_seas[length - 1] + temp[end + 1] - seas[end + 1]);
      event.rate_decline = (rel_seas[peak] - edge) / (days_after_peak + 0.5);
    } else if (peak == count - 1) {
      // The reference compares the peak's offset within the event with the record's last
      // position, so this branch is taken only when the event spans the whole record.
      event.rate_decline = rel_seas[peak] - rel_seas[length - 1];
    } else {
      // 0 / 0 = NaN when the peak is the record's last day, as in the reference.
      event.rate_decline = (rel_seas[peak] - rel_seas[length - 1]) / days_after_peak;
    }

    event.intensity_max *= sign;
    event.intensity_mean *= sign;
    event.intensity_cumulative *= sign;
    events.push_back(event);
  }
  return events;
}

MhwDetection DetectMarineHeatwaves(const DailySeries& record,
                                   const ClimatologyOptions& climatology_options,
                                   const DetectionOptions& options) {
  MhwDetection out;
  if (options.cold_spells) {
    if (climatology_options.space != ClimatologySpace::kLinear) {
      throw ClimatologyError("cold spells: only in the linear space");
    }
    // The climatology of the negated record, negated back: its thresh is the low percentile.
    DailySeries negated{record.first_day, record.values};
    for (double& v : negated.values) v = -v;
    out.climatology = ExpandClimatology(ComputeClimatology(negated, climatology_options),
                                        record.first_day, record.values.size());
    for (double& v : out.climatology.seas) v = -v;
    for (double& v : out.climatology.thresh) v = -v;
  } else {
    out.climatology = ExpandClimatology(ComputeClimatology(record, climatology_options),
                                        record.first_day, record.values.size());
  }
  out.events = DetectEvents(record, out.climatology, options);
  return out;
}

}  // namespace ocean::science
