// `oceandash qc --config FILE --input FILE`: the science module's QARTOD tests on a JSON series,
// configured as ioos_qc is, printing {"qartod":{"<test>":[flags...],...,"aggregate":[...]}}.
#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "app/json_input.hpp"
#include "app/science_commands.hpp"
#include "core/time.hpp"
#include "science/qartod_config.hpp"

namespace ocean::app {
namespace {

namespace json = boost::json;

struct Series {
  std::vector<core::EpochMs> times;
  std::vector<double> values;  // NaN where the input has null
};

const json::array& ArrayField(const json::object& object, std::string_view key) {
  const auto it = object.find(key);
  if (it == object.end()) throw InputError(fmt::format("input.{}: required", key));
  if (!it->value().is_array()) throw InputError(fmt::format("input.{}: expected a list", key));
  return it->value().get_array();
}

Series ParseSeries(const json::value& root) {
  if (!root.is_object()) throw InputError("input: expected {\"time\":[...],\"value\":[...]}");
  const json::object& object = root.get_object();
  for (const auto& entry : object) {
    if (entry.key() != "time" && entry.key() != "value") {
      throw InputError(fmt::format("input.{}: unknown field (expected time and value)",
                                   std::string_view(entry.key())));
    }
  }
  const json::array& times = ArrayField(object, "time");
  const json::array& values = ArrayField(object, "value");
  if (times.size() != values.size()) {
    throw InputError(fmt::format("input: {} times but {} values", times.size(), values.size()));
  }
  // ioos_qc's spike test cannot index an empty series; nothing useful comes of one here either.
  if (times.empty()) throw InputError("input: the series is empty");
  Series series;
  for (std::size_t i = 0; i < times.size(); ++i) {
    const auto* text = times[i].if_string();
    const auto ms = text != nullptr ? core::ParseTimestamp(*text) : std::nullopt;
    if (!ms) throw InputError(fmt::format("input.time[{}]: expected an RFC 3339 time", i));
    series.times.push_back(*ms);
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::optional<double> value = NumberOrNan(values[i]);
    if (!value) throw InputError(fmt::format("input.value[{}]: expected a number or null", i));
    series.values.push_back(*value);
  }
  return series;
}

json::array FlagArray(const science::Flags& flags) {
  json::array out;
  out.reserve(flags.size());
  for (core::QualityFlag flag : flags) out.emplace_back(static_cast<int>(flag));
  return out;
}

}  // namespace

int RunQcCommand(const config::Config& config) {
  try {
    const science::QartodConfig qc =
        science::ParseQartodConfig(ReadJsonFile(config.qc_config_file, "--config"));
    const Series series = ParseSeries(ReadJsonFile(config.qc_input_file, "--input"));
    const science::QartodResult result = science::RunQartod(qc, series.values, series.times);
    json::object tests;
    for (const science::TestFlags& test : result.tests) tests[test.name] = FlagArray(test.flags);
    tests[science::kAggregateName] = FlagArray(result.aggregate);
    json::object root;
    root["qartod"] = std::move(tests);
    std::cout << json::serialize(root) << '\n' << std::flush;
    return std::cout ? 0 : 1;
  } catch (const InputError& e) {
    std::fprintf(stderr, "oceandash qc: %s\n", e.what());
  } catch (const science::QcError& e) {
    std::fprintf(stderr, "oceandash qc: %s\n", e.what());
  }
  return 2;
}

}  // namespace ocean::app
