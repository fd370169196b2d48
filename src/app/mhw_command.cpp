// `oceandash mhw`: marineHeatWaves.detect on a JSON daily series, printed as JSON.
#include <fmt/format.h>
#include <algorithm>
#include <boost/json/value.hpp>
#include <cmath>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "app/json_input.hpp"
#include "app/science_commands.hpp"
#include "core/time.hpp"
#include "science/mhw.hpp"

namespace ocean::app {
namespace {

namespace json = boost::json;

bool IsDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "YYYY-MM-DD" only: the series is daily, and a time of day would have to be dropped silently.
std::optional<long long> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!IsDigits(text.substr(0, 4)) || !IsDigits(text.substr(5, 2)) ||
      !IsDigits(text.substr(8, 2))) {
    return std::nullopt;
  }
  const long long year = std::stoll(std::string(text.substr(0, 4)));
  const auto month = static_cast<unsigned>(std::stoul(std::string(text.substr(5, 2))));
  const auto day = static_cast<unsigned>(std::stoul(std::string(text.substr(8, 2))));
  if (month < 1 || month > 12 || day < 1) return std::nullopt;
  const long long days = core::DaysFromCivil(year, month, day);
  const core::CivilDate back = core::CivilDateFromDays(days);
  if (back.month != month || back.day != day) return std::nullopt;  // 2021-02-29
  return days;
}

std::string FormatDate(long long days) {
  const core::CivilDate date = core::CivilDateFromDays(days);
  char text[32];
  std::snprintf(text, sizeof text, "%04lld-%02u-%02u", date.year, date.month, date.day);
  return text;
}

const json::array& ArrayField(const json::object& root, const char* name) {
  const json::value* field = root.if_contains(name);
  if (field == nullptr) throw InputError(std::string(name) + ": missing");
  if (!field->is_array()) throw InputError(std::string(name) + ": must be an array");
  return field->get_array();
}

science::DailySeries ParseSeries(const json::value& root) {
  if (!root.is_object()) throw InputError("input: must be an object with time and value");
  const json::array& times = ArrayField(root.get_object(), "time");
  const json::array& values = ArrayField(root.get_object(), "value");
  if (times.empty()) throw InputError("time: no days");
  if (values.size() != times.size()) {
    throw InputError("value: " + std::to_string(values.size()) + " values for " +
                     std::to_string(times.size()) + " times");
  }
  science::DailySeries series;
  series.values.reserve(values.size());
  for (std::size_t i = 0; i < times.size(); ++i) {
    const std::string where = "[" + std::to_string(i) + "]";
    const json::string* text_time = times[i].if_string();
    const std::optional<long long> day =
        text_time == nullptr ? std::nullopt : ParseDate(std::string_view(*text_time));
    if (!day) throw InputError("time" + where + ": must be a date YYYY-MM-DD");
    if (i == 0) {
      series.first_day = *day;
    } else if (*day != series.first_day + static_cast<long long>(i)) {
      // marineHeatWaves counts days by position (the +-5-day window, durations, gaps).
      throw InputError("time" + where + ": " + FormatDate(*day) + " is not the day after " +
                       FormatDate(series.first_day + static_cast<long long>(i) - 1) +
                       " (the series must be continuous and daily; give a missing day as a "
                       "null value)");
    }
    const std::optional<double> value = NumberOrNan(values[i]);
    if (!value) throw InputError("value" + where + ": must be a number or null");
    series.values.push_back(*value);
  }
  return series;
}

science::ClimatologyOptions ClimatologyOptionsFrom(const config::Config& config) {
  science::ClimatologyOptions options;
  const auto& period = config.mhw_climatology_period;
  if (period.empty()) return options;
  if (period.size() != 2 || period[0] > period[1]) {
    throw InputError("--climatology-period: two years, the first not after the last");
  }
  options.first_year = period[0];
  options.last_year = period[1];
  return options;
}

// Shortest round-trip form (fmt's "{}"), null for the NaN of a missing climatology day or of
// the reference's 0/0 decline rate.
void AppendNumber(std::string& out, double value) {
  if (std::isfinite(value)) {
    fmt::format_to(std::back_inserter(out), "{}", value);
  } else {
    out += "null";
  }
}

void AppendArray(std::string& out, const std::vector<double>& values) {
  out += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    AppendNumber(out, values[i]);
  }
  out += ']';
}

// Field names and category names are the program's own: no escaping needed.
std::string Render(const science::MhwDetection& detection) {
  std::string out = "{\"events\":[";
  for (std::size_t i = 0; i < detection.events.size(); ++i) {
    const science::MhwEvent& e = detection.events[i];
    if (i > 0) out += ',';
    fmt::format_to(std::back_inserter(out),
                   R"({{"date_start":"{}","date_peak":"{}","date_end":"{}","duration":{},)"
                   R"("category":"{}")",
                   FormatDate(e.date_start), FormatDate(e.date_peak), FormatDate(e.date_end),
                   e.duration, science::CategoryName(e.category));
    const std::pair<const char*, double> metrics[] = {
        {"intensity_max", e.intensity_max},
        {"intensity_mean", e.intensity_mean},
        {"intensity_cumulative", e.intensity_cumulative},
        {"rate_onset", e.rate_onset},
        {"rate_decline", e.rate_decline},
    };
    for (const auto& [name, value] : metrics) {
      fmt::format_to(std::back_inserter(out), R"(,"{}":)", name);
      AppendNumber(out, value);
    }
    out += '}';
  }
  out += R"(],"climatology":{"seas":)";
  AppendArray(out, detection.climatology.seas);
  out += R"(,"thresh":)";
  AppendArray(out, detection.climatology.thresh);
  out += "}}";
  return out;
}

}  // namespace

int RunMhwCommand(const config::Config& config) {
  std::string output;
  try {
    const science::DailySeries series = ParseSeries(ReadJsonFile(config.mhw_input_file, "--input"));
    science::DetectionOptions detection;
    detection.cold_spells = config.mhw_cold_spells;
    output =
        Render(science::DetectMarineHeatwaves(series, ClimatologyOptionsFrom(config), detection));
  } catch (const InputError& e) {
    std::fprintf(stderr, "oceandash mhw: %s\n", e.what());
    return 2;
  } catch (const science::ClimatologyError& e) {
    std::fprintf(stderr, "oceandash mhw: %s\n", e.what());
    return 2;
  }
  output.push_back('\n');
  std::fwrite(output.data(), 1, output.size(), stdout);
  return 0;
}

}  // namespace ocean::app
