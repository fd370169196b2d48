#include "science/qartod_config.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <boost/json.hpp>
#include <string>

#include "core/time.hpp"

namespace ocean::science {
namespace {

namespace json = boost::json;
using core::EpochMs;

constexpr std::string_view kGrossRange = "gross_range_test";
constexpr std::string_view kSpike = "spike_test";
constexpr std::string_view kRateOfChange = "rate_of_change_test";
constexpr std::string_view kFlatLine = "flat_line_test";
constexpr std::string_view kClimatology = "climatology_test";

std::string Join(std::string_view path, std::string_view key) {
  return fmt::format("{}.{}", path, key);
}

[[noreturn]] void Fail(std::string_view field, std::string_view message) {
  throw QcError(fmt::format("{}: {}", field, message));
}

std::optional<double> AsNumber(const json::value& value) {
  if (value.is_int64()) return static_cast<double>(value.get_int64());
  if (value.is_uint64()) return static_cast<double>(value.get_uint64());
  if (value.is_double()) return value.get_double();
  return std::nullopt;
}

double Number(const json::value& value, std::string_view field) {
  const auto number = AsNumber(value);
  if (!number) Fail(field, "expected a number");
  return *number;
}

const json::value* Find(const json::object& object, std::string_view key) {
  const auto it = object.find(key);
  return it == object.end() || it->value().is_null() ? nullptr : &it->value();
}

double RequiredNumber(const json::object& object, std::string_view key, std::string_view path) {
  const json::value* value = Find(object, key);
  if (value == nullptr) Fail(Join(path, key), "required");
  return Number(*value, Join(path, key));
}

std::optional<double> OptionalNumber(const json::object& object, std::string_view key,
                                     std::string_view path) {
  const json::value* value = Find(object, key);
  if (value == nullptr) return std::nullopt;
  return Number(*value, Join(path, key));
}

const json::array& PairOf(const json::value& value, std::string_view field) {
  if (!value.is_array() || value.get_array().size() != 2) Fail(field, "expected [min, max]");
  return value.get_array();
}

Span NumberSpan(const json::value& value, std::string_view field) {
  const json::array& pair = PairOf(value, field);
  return SortedSpan(Number(pair[0], fmt::format("{}[0]", field)),
                    Number(pair[1], fmt::format("{}[1]", field)));
}

std::optional<Span> OptionalSpan(const json::object& object, std::string_view key,
                                 std::string_view path) {
  const json::value* value = Find(object, key);
  if (value == nullptr) return std::nullopt;
  return NumberSpan(*value, Join(path, key));
}

void RejectUnknown(const json::object& object, std::initializer_list<std::string_view> known,
                   std::string_view path) {
  for (const auto& entry : object) {
    bool found = false;
    for (std::string_view name : known) found = found || entry.key() == name;
    if (!found && known.size() == 0) Fail(Join(path, entry.key()), "takes no parameters");
    if (!found) {
      Fail(Join(path, entry.key()),
           fmt::format("unknown parameter (known: {})", fmt::join(known, ", ")));
    }
  }
}

// The pd.Timestamp readings a configuration is likely to hold: "2021", "2021-07", "2021-07-16",
// "2021-07-16T06:00:00[.fff]", all zone-less and so UTC, as ioos_qc compares its zone-less
// times. ioos_qc fails on a time with a zone (pandas will not compare aware with naive): so
// do we, with a message saying so, rather than run a configuration it cannot.
std::optional<EpochMs> ParseDate(std::string_view text, std::string_view field) {
  const auto digits = [&](std::size_t from, std::size_t count) {
    if (from + count > text.size()) return false;
    for (std::size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
    }
    return true;
  };
  if (text.size() == 4 && digits(0, 4)) {
    return core::DaysFromCivil(std::stoll(std::string(text)), 1, 1) * core::kMsPerDay;
  }
  if (text.size() == 7 && digits(0, 4) && text[4] == '-' && digits(5, 2)) {
    const auto month = static_cast<unsigned>(std::stoi(std::string(text.substr(5, 2))));
    if (month < 1 || month > 12) return std::nullopt;
    return core::DaysFromCivil(std::stoll(std::string(text.substr(0, 4))), month, 1) *
           core::kMsPerDay;
  }
  if (text.size() == 10) return core::ParseTimestamp(text);
  if (auto ms = core::ParseTimestamp(std::string(text) + "Z")) return ms;
  if (core::ParseTimestamp(text)) {
    Fail(field,
         "give the time without a zone (it is read as UTC); ioos_qc cannot compare a "
         "zoned tspan with its times");
  }
  return std::nullopt;
}

Span DateSpan(const json::value& value, std::string_view field) {
  const json::array& pair = PairOf(value, field);
  EpochMs ends[2] = {0, 0};
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string end_field = fmt::format("{}[{}]", field, i);
    if (!pair[i].is_string()) {
      Fail(end_field,
           "without a period, tspan holds dates (e.g. \"2021-07\" or "
           "\"2021-07-16T06:00:00\")");
    }
    const auto ms = ParseDate(pair[i].get_string(), end_field);
    if (!ms) Fail(end_field, "not a date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)");
    ends[i] = *ms;
  }
  return SortedSpan(static_cast<double>(ends[0]), static_cast<double>(ends[1]));
}

ClimatologyMember ParseMember(const json::value& value, std::string_view path) {
  if (!value.is_object()) Fail(path, "expected an object");
  const json::object& object = value.get_object();
  RejectUnknown(object, {"tspan", "vspan", "fspan", "zspan", "period"}, path);
  ClimatologyMember member;
  if (const json::value* period = Find(object, "period")) {
    if (!period->is_string()) Fail(Join(path, "period"), "expected a string");
    member.period = ParseClimatologyPeriod(period->get_string());
    if (!member.period) {
      Fail(Join(path, "period"),
           fmt::format("\"{}\" is not supported; use year, quarter, month, week, weekofyear, "
                       "dayofyear, day, dayofweek, hour, minute, second, microsecond or "
                       "days_in_month (a season is a span of months)",
                       std::string_view(period->get_string())));
    }
  }
  const json::value* tspan = Find(object, "tspan");
  if (tspan == nullptr) Fail(Join(path, "tspan"), "required");
  member.tspan = member.period ? NumberSpan(*tspan, Join(path, "tspan"))
                               : DateSpan(*tspan, Join(path, "tspan"));
  const json::value* vspan = Find(object, "vspan");
  if (vspan == nullptr) Fail(Join(path, "vspan"), "required");
  member.vspan = NumberSpan(*vspan, Join(path, "vspan"));
  member.fspan = OptionalSpan(object, "fspan", path);
  if (Find(object, "zspan") != nullptr) {
    Fail(Join(path, "zspan"), "depth ranges are not supported (a series here has no depth)");
  }
  return member;
}

QartodTest ParseTest(std::string_view name, const json::object& params, std::string_view path) {
  if (name == kGrossRange) {
    RejectUnknown(params, {"fail_span", "suspect_span"}, path);
    const json::value* fail = Find(params, "fail_span");
    if (fail == nullptr) Fail(Join(path, "fail_span"), "required");
    GrossRangeConfig config{NumberSpan(*fail, Join(path, "fail_span")),
                            OptionalSpan(params, "suspect_span", path)};
    const Span& f = config.fail_span;
    if (config.suspect_span &&
        (config.suspect_span->min < f.min || config.suspect_span->max > f.max)) {
      Fail(Join(path, "suspect_span"), "must fall within fail_span");
    }
    return config;
  }
  if (name == kSpike) {
    RejectUnknown(params, {"suspect_threshold", "fail_threshold", "method"}, path);
    SpikeConfig config{OptionalNumber(params, "suspect_threshold", path),
                       OptionalNumber(params, "fail_threshold", path), SpikeMethod::kAverage};
    if (const json::value* method = Find(params, "method")) {
      if (!method->is_string()) Fail(Join(path, "method"), "expected a string");
      if (method->get_string() == "differential") {
        config.method = SpikeMethod::kDifferential;
      } else if (method->get_string() != "average") {
        Fail(Join(path, "method"), "unknown method; \"average\" or \"differential\"");
      }
    }
    return config;
  }
  if (name == kRateOfChange) {
    RejectUnknown(params, {"threshold", "fail_threshold"}, path);
    return RateOfChangeConfig{RequiredNumber(params, "threshold", path),
                              OptionalNumber(params, "fail_threshold", path)};
  }
  if (name == kFlatLine) {
    RejectUnknown(params, {"suspect_threshold", "fail_threshold", "tolerance"}, path);
    return FlatLineConfig{RequiredNumber(params, "suspect_threshold", path),
                          RequiredNumber(params, "fail_threshold", path),
                          OptionalNumber(params, "tolerance", path).value_or(0.0)};
  }
  if (name == kClimatology) {
    RejectUnknown(params, {"config"}, path);
    const json::value* members = Find(params, "config");
    if (members == nullptr) Fail(Join(path, "config"), "required");
    if (!members->is_array()) Fail(Join(path, "config"), "expected a list of members");
    ClimatologyConfig config;
    for (std::size_t i = 0; i < members->get_array().size(); ++i) {
      config.members.push_back(
          ParseMember(members->get_array()[i], fmt::format("{}.config[{}]", path, i)));
    }
    return config;
  }
  Fail(path,
       "unknown or unsupported test (supported: gross_range_test, spike_test, "
       "rate_of_change_test, flat_line_test, climatology_test, aggregate)");
}

}  // namespace

std::string_view TestName(const QartodTest& test) {
  struct Names {
    std::string_view operator()(const GrossRangeConfig&) const { return kGrossRange; }
    std::string_view operator()(const SpikeConfig&) const { return kSpike; }
    std::string_view operator()(const RateOfChangeConfig&) const { return kRateOfChange; }
    std::string_view operator()(const FlatLineConfig&) const { return kFlatLine; }
    std::string_view operator()(const ClimatologyConfig&) const { return kClimatology; }
  };
  return std::visit(Names{}, test);
}

QartodConfig ParseQartodConfig(const json::value& root) {
  if (!root.is_object()) Fail("config", "expected an object {\"qartod\": {...}}");
  RejectUnknown(root.get_object(), {"qartod"}, "config");
  const json::value* qartod = Find(root.get_object(), "qartod");
  if (qartod == nullptr || !qartod->is_object()) Fail("qartod", "expected an object of tests");
  QartodConfig config;
  for (const auto& entry : qartod->get_object()) {
    const std::string path = Join("qartod", entry.key());
    if (!entry.value().is_null() && !entry.value().is_object()) {
      Fail(path, "expected an object of parameters");
    }
    static const json::object kNone;
    const json::object& params = entry.value().is_object() ? entry.value().get_object() : kNone;
    if (entry.key() == kAggregateName) {
      // ioos_qc lists the aggregate as a test without parameters; it is always computed here.
      RejectUnknown(params, {}, path);
      continue;
    }
    config.tests.push_back(ParseTest(entry.key(), params, path));
  }
  if (config.tests.empty()) Fail("qartod", "no test configured");
  return config;
}

QartodResult RunQartod(const QartodConfig& config, std::span<const double> values,
                       std::span<const EpochMs> times) {
  if (values.size() != times.size()) {
    throw QcError(fmt::format("{} values but {} times", values.size(), times.size()));
  }
  struct Runner {
    std::span<const double> values;
    std::span<const EpochMs> times;
    Flags operator()(const GrossRangeConfig& c) const {
      return GrossRangeTest(values, c.fail_span, c.suspect_span);
    }
    Flags operator()(const SpikeConfig& c) const {
      return SpikeTest(values, c.suspect_threshold, c.fail_threshold, c.method);
    }
    Flags operator()(const RateOfChangeConfig& c) const {
      return RateOfChangeTest(values, times, c.threshold, c.fail_threshold);
    }
    Flags operator()(const FlatLineConfig& c) const {
      return FlatLineTest(values, times, c.suspect_threshold, c.fail_threshold, c.tolerance);
    }
    Flags operator()(const ClimatologyConfig& c) const {
      return ClimatologyTest(c.members, values, times);
    }
  };
  QartodResult result;
  std::vector<Flags> all;
  for (const QartodTest& test : config.tests) {
    Flags flags = std::visit(Runner{values, times}, test);
    all.push_back(flags);
    result.tests.push_back({TestName(test), std::move(flags)});
  }
  result.aggregate = AggregateFlags(all);
  return result;
}

}  // namespace ocean::science
