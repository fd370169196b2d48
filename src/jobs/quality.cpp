#include "jobs/quality.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <variant>

#include "core/catalogue.hpp"

namespace ocean::jobs {
namespace {

namespace json = boost::json;

// Rows read on each side before the series' own step is known: enough for every test but the
// flat line, whose window is sized from the step once the first read shows it.
constexpr int kMinNeighbours = 2;
// Bounds the rows one series' review reads, whatever a flat-line threshold over a fine step asks.
constexpr int kMaxNeighbours = 5000;

[[noreturn]] void Fail(std::string_view path, std::string_view why) {
  throw science::QcError(fmt::format("{}: {}", path, why));
}

const json::object& Object(const json::value& value, std::string_view path) {
  if (!value.is_object()) Fail(path, "expected an object");
  return value.get_object();
}

const json::object& QartodTests(const json::value& value, std::string_view path) {
  const json::object& object = Object(value, path);
  for (const auto& entry : object) {
    if (entry.key() != "qartod") Fail(fmt::format("{}.{}", path, entry.key()), "unknown key");
  }
  const json::value* tests = object.if_contains("qartod");
  if (tests == nullptr) Fail(path, "expected {\"qartod\": {...}}");
  return Object(*tests, fmt::format("{}.qartod", path));
}

// The location's tests over the parameter's: a test named in both keeps the parameter's keys
// the location does not name.
json::object Overlay(json::object base, const json::object& over) {
  for (const auto& [name, test] : over) {
    json::value* existing = base.if_contains(name);
    if (existing != nullptr && existing->is_object() && test.is_object()) {
      for (const auto& [key, value] : test.get_object()) existing->get_object()[key] = value;
    } else {
      base[name] = test;
    }
  }
  return base;
}

// The parameter's valid range is the gross range test's fail span unless one is configured.
science::QartodConfig Build(json::object tests, const core::Parameter& parameter,
                            std::string_view path) {
  json::value& gross = tests["gross_range_test"];
  if (gross.is_null()) gross = json::object();
  if (!gross.is_object()) Fail(fmt::format("{}.gross_range_test", path), "expected an object");
  if (!gross.get_object().contains("fail_span")) {
    gross.get_object()["fail_span"] = json::array{parameter.valid_min, parameter.valid_max};
  }
  try {
    return science::ParseQartodConfig(json::object{{"qartod", std::move(tests)}});
  } catch (const science::QcError& e) {
    Fail(path, e.what());
  }
}

const core::Parameter& CatalogueParameter(std::string_view id, std::string_view path) {
  const core::Parameter* parameter = core::FindParameter(id);
  if (parameter == nullptr) Fail(path, "not a parameter of the catalogue");
  return *parameter;
}

double MedianStepSeconds(std::span<const core::EpochMs> times) {
  std::vector<double> steps;
  for (std::size_t i = 1; i < times.size(); ++i) {
    steps.push_back(std::floor(static_cast<double>(times[i] - times[i - 1]) / 1000.0));
  }
  if (steps.empty()) return 0;
  const std::size_t mid = steps.size() / 2;
  std::nth_element(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(mid), steps.end());
  double median = steps[mid];
  if (steps.size() % 2 == 0) {
    median = (median +
              *std::max_element(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(mid))) /
             2;
  }
  return median;
}

}  // namespace

QcRules QcRules::Parse(const json::value& root) {
  const json::object& top = Object(root, "qc");
  for (const auto& entry : top) {
    if (entry.key() != "parameters" && entry.key() != "locations" && entry.key() != "description") {
      Fail(fmt::format("qc.{}", entry.key()), "unknown key");
    }
  }
  std::map<std::string, json::object, std::less<>> parameter_tests;
  if (const json::value* parameters = top.if_contains("parameters")) {
    for (const auto& [id, value] : Object(*parameters, "parameters")) {
      const std::string path = fmt::format("parameters.{}", std::string_view(id));
      CatalogueParameter(id, path);
      parameter_tests[std::string(id)] = QartodTests(value, path);
    }
  }
  QcRules rules;
  for (const core::Parameter& parameter : core::Parameters()) {
    const auto found = parameter_tests.find(parameter.id);
    rules.by_parameter_.emplace(
        std::string(parameter.id),
        Build(found == parameter_tests.end() ? json::object() : found->second, parameter,
              fmt::format("parameters.{}", parameter.id)));
  }
  if (const json::value* locations = top.if_contains("locations")) {
    for (const auto& [location, by_parameter] : Object(*locations, "locations")) {
      const std::string location_path = fmt::format("locations.{}", std::string_view(location));
      for (const auto& [id, value] : Object(by_parameter, location_path)) {
        const std::string path = fmt::format("{}.{}", location_path, std::string_view(id));
        const core::Parameter& parameter = CatalogueParameter(id, path);
        const auto base = parameter_tests.find(parameter.id);
        json::object tests = Overlay(base == parameter_tests.end() ? json::object() : base->second,
                                     QartodTests(value, path));
        rules.by_location_.emplace(std::pair{std::string(location), std::string(id)},
                                   Build(std::move(tests), parameter, path));
      }
    }
  }
  return rules;
}

QcRules QcRules::Load(const std::string& path) {
  if (path.empty()) return Parse(json::object());
  std::ifstream file(path);
  if (!file) throw std::runtime_error(fmt::format("{}: cannot be read", path));
  std::stringstream text;
  text << file.rdbuf();
  json::error_code ec;
  const json::value root = json::parse(text.str(), ec);
  if (ec) throw std::runtime_error(fmt::format("{}: not JSON: {}", path, ec.message()));
  try {
    return Parse(root);
  } catch (const science::QcError& e) {
    throw std::runtime_error(fmt::format("{}: {}", path, e.what()));
  }
}

const science::QartodConfig* QcRules::Find(std::string_view location,
                                           std::string_view parameter) const {
  const auto local = by_location_.find(std::pair{std::string(location), std::string(parameter)});
  if (local != by_location_.end()) return &local->second;
  const auto general = by_parameter_.find(parameter);
  return general == by_parameter_.end() ? nullptr : &general->second;
}

core::QualityFlag MergeUpstream(core::QualityFlag qc, core::QualityFlag upstream) {
  const science::Flags both[] = {{qc}, {upstream}};
  return science::AggregateFlags(both).front();
}

int NeighboursNeeded(const science::QartodConfig& config, std::span<const core::EpochMs> times) {
  double window_seconds = 0;
  for (const science::QartodTest& test : config.tests) {
    if (const auto* flat = std::get_if<science::FlatLineConfig>(&test)) {
      window_seconds = std::max(
          {window_seconds, std::trunc(flat->suspect_threshold), std::trunc(flat->fail_threshold)});
    }
  }
  if (window_seconds <= 0) return kMinNeighbours;
  const double step = MedianStepSeconds(times);
  // No step yet (fewer than two rows, or steps under a second): as many as allowed; the tests
  // then see what there is.
  if (step <= 0) return kMaxNeighbours;
  const double count = std::trunc(window_seconds / step);
  return static_cast<int>(std::min<double>(kMaxNeighbours, count + kMinNeighbours));
}

std::vector<Reflag> ReflagWindow(const science::QartodConfig& config,
                                 std::span<const storage::FlaggedRow> window,
                                 core::EpochMs first_ms, core::EpochMs last_ms) {
  std::vector<double> values;
  std::vector<core::EpochMs> times;
  values.reserve(window.size());
  times.reserve(window.size());
  for (const storage::FlaggedRow& row : window) {
    values.push_back(row.value);
    times.push_back(row.timestamp_ms);
  }
  const science::QartodResult result = science::RunQartod(config, values, times);
  const auto first = std::lower_bound(times.begin(), times.end(), first_ms);
  const auto last = std::upper_bound(times.begin(), times.end(), last_ms);
  if (first == last) return {};
  // The batch changes the spike flag of the row before it and of the row after it, and the
  // flat-line flag of the `count` rows after it (NeighboursNeeded less the context rows).
  const auto lo = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, first - times.begin() - 1));
  const int after = std::max(1, NeighboursNeeded(config, times) - kMinNeighbours);
  const auto hi =
      std::min<std::size_t>(window.size(), static_cast<std::size_t>(last - times.begin()) +
                                               static_cast<std::size_t>(after));
  std::vector<Reflag> changes;
  for (std::size_t i = lo; i < hi; ++i) {
    const core::QualityFlag merged = MergeUpstream(result.aggregate[i], window[i].upstream_flag);
    if (merged != window[i].quality_flag) changes.push_back({i, merged});
  }
  return changes;
}

std::vector<storage::FlagChange> QualityReview::Review(std::span<const core::Observation> rows,
                                                       storage::SeriesWindowReader& reader) const {
  std::map<storage::SeriesKey, std::vector<core::EpochMs>> series;
  for (const core::Observation& row : rows) {
    series[{row.location_id, row.parameter, row.source}].push_back(row.timestamp_ms);
  }
  // Every series' window in one read; a series whose stored step asks for more neighbours than
  // the batch's step did is read again.
  std::vector<const science::QartodConfig*> configs;
  std::vector<storage::WindowRequest> requests;
  for (auto& [key, times] : series) {
    const science::QartodConfig* config = rules_.Find(key.location_id, key.parameter);
    if (config == nullptr) continue;
    std::sort(times.begin(), times.end());
    const int neighbours = times.size() < 2 ? kMinNeighbours : NeighboursNeeded(*config, times);
    configs.push_back(config);
    requests.push_back({key, times.front(), times.back(), neighbours, neighbours});
  }
  std::vector<std::vector<storage::FlaggedRow>> windows = reader.ReadWindows(requests);
  std::vector<storage::FlagChange> changes;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const storage::WindowRequest& request = requests[i];
    const science::QartodConfig& config = *configs[i];
    std::vector<storage::FlaggedRow>& window = windows[i];
    try {
      std::vector<core::EpochMs> window_times;
      window_times.reserve(window.size());
      for (const auto& row : window) window_times.push_back(row.timestamp_ms);
      const int needed = NeighboursNeeded(config, window_times);
      if (needed > request.before) {
        window =
            reader.ReadWindow(request.series, request.start_ms, request.end_ms, needed, needed);
      }
      for (const Reflag& reflag : ReflagWindow(config, window, request.start_ms, request.end_ms)) {
        changes.push_back({request.series, window[reflag.index].timestamp_ms, reflag.quality_flag});
      }
    } catch (const science::QcError& e) {
      spdlog::warn("quality control skipped for {} {} from {}: {}", request.series.location_id,
                   request.series.parameter, request.series.source, e.what());
    }
  }
  return changes;
}

}  // namespace ocean::jobs
