#include "sources/source_config.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <set>
#include <stdexcept>

#include "core/catalogue.hpp"
#include "core/config_file.hpp"
#include "core/validation.hpp"
#include "sources/http_client.hpp"
#include "sources/units.hpp"

namespace ocean::sources {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxIdLength = 32;
constexpr int kMaxLookbackDays = 365;
constexpr std::string_view kAllSources = "all";

constexpr std::array<std::string_view, 17> kEntryFields = {
    "id",          "kind",    "name",     "servers",       "dataset", "variable", "parameter",
    "variables",   "product", "schedule", "lookback_days", "scale",   "offset",   "units",
    "attribution", "license", "doi"};
constexpr std::array<std::string_view, 6> kServerFields = {"url",   "dataset", "variable",
                                                           "scale", "offset",  "units"};
constexpr std::array<std::string_view, 4> kVariableFields = {"column", "parameter", "scale",
                                                             "offset"};

constexpr std::array<std::pair<SourceKind, std::string_view>, 3> kKindNames = {{
    {SourceKind::kErddapGriddap, "erddap_griddap"},
    {SourceKind::kCopernicusArco, "copernicus_arco"},
    {SourceKind::kNdbcRealtime, "ndbc_realtime"},
}};

// Names the file, the entry and the field, like core/locations.cpp.
class EntryErrors {
 public:
  EntryErrors(std::string_view file, std::size_t index) : file_(file), index_(index) {}
  void SetId(std::string id) { id_ = std::move(id); }

  [[noreturn]] void Fail(std::string_view field, std::string_view why) const {
    const std::string entry = id_.empty() ? fmt::format("entry {}", index_)
                                          : fmt::format("entry {} (\"{}\")", index_, id_);
    throw std::runtime_error(fmt::format("{}: {}: {}: {}", file_, entry, field, why));
  }

 private:
  std::string_view file_;
  std::size_t index_;
  std::string id_;
};

std::string_view KindList() { return "erddap_griddap, copernicus_arco or ndbc_realtime"; }

void CheckKnownFields(const json::object& object, const EntryErrors& errors,
                      std::string_view prefix, std::span<const std::string_view> known) {
  for (const auto& item : object) {
    const std::string_view key = item.key();
    if (std::find(known.begin(), known.end(), key) == known.end())
      errors.Fail(fmt::format("{}{}", prefix, key), "unknown field");
  }
}

std::optional<std::string> OptionalString(const json::object& object, std::string_view key,
                                          const EntryErrors& errors, std::string_view field) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) errors.Fail(field, "must be a string");
  return std::string(value->get_string());
}

std::string RequiredString(const json::object& object, std::string_view key,
                           const EntryErrors& errors, std::string_view field) {
  auto text = OptionalString(object, key, errors, field);
  if (!text) errors.Fail(field, "missing");
  if (text->empty()) errors.Fail(field, "must not be empty");
  return *text;
}

std::optional<double> OptionalNumber(const json::object& object, std::string_view key,
                                     const EntryErrors& errors, std::string_view field) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number()) errors.Fail(field, "must be a number");
  const double number = value->to_number<double>();
  if (!std::isfinite(number)) errors.Fail(field, "must be a finite number");
  return number;
}

double Scale(const json::object& object, const EntryErrors& errors, std::string_view field,
             double fallback) {
  const auto scale = OptionalNumber(object, "scale", errors, field);
  if (scale && *scale == 0.0) errors.Fail(field, "must not be 0");
  return scale.value_or(fallback);
}

std::string CheckedParameter(std::string parameter, const EntryErrors& errors,
                             std::string_view field) {
  if (core::FindParameter(parameter) == nullptr) {
    std::string known;
    for (const auto& p : core::Parameters()) {
      if (!known.empty()) known += ", ";
      known += p.id;
    }
    errors.Fail(field, fmt::format("\"{}\" is not a catalogue parameter ({})", parameter, known));
  }
  return parameter;
}

std::string CheckedBaseUrl(std::string url, const EntryErrors& errors, std::string_view field) {
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    errors.Fail(field, "must start with http:// or https://");
  }
  if (url.find_first_of("?# ") != std::string::npos) {
    errors.Fail(field, "must be a base URL without query, fragment or spaces");
  }
  while (url.ends_with('/')) url.pop_back();
  if (!UrlHost(url)) errors.Fail(field, "is not a valid URL");
  return url;
}

// Five cron fields of digits, '*', '/', ',' and '-' (the scheduler interprets them).
bool IsCronSchedule(std::string_view text) {
  int fields = 0;
  bool in_field = false;
  for (const char c : text) {
    if (c == ' ') {
      in_field = false;
      continue;
    }
    const bool ok = (c >= '0' && c <= '9') || c == '*' || c == '/' || c == ',' || c == '-';
    if (!ok) return false;
    if (!in_field) ++fields;
    in_field = true;
  }
  return fields == 5;
}

ServerConfig ParseServer(const json::value& value, std::size_t index, const SourceConfig& source,
                         const std::string& units, const EntryErrors& errors) {
  const std::string field = fmt::format("servers[{}]", index);
  ServerConfig server{"", source.dataset, source.variable, source.scale, source.offset, units};
  if (value.is_string()) {
    server.url = CheckedBaseUrl(std::string(value.get_string()), errors, field);
    return server;
  }
  if (!value.is_object()) {
    errors.Fail(field, "must be an object {url, dataset, variable} or a URL string");
  }
  const auto& object = value.get_object();
  CheckKnownFields(object, errors, field + ".", kServerFields);
  server.url =
      CheckedBaseUrl(RequiredString(object, "url", errors, field + ".url"), errors, field + ".url");
  if (auto dataset = OptionalString(object, "dataset", errors, field + ".dataset")) {
    server.dataset = std::move(*dataset);
  }
  if (auto variable = OptionalString(object, "variable", errors, field + ".variable")) {
    server.variable = std::move(*variable);
  }
  if (auto server_units = OptionalString(object, "units", errors, field + ".units")) {
    server.units = std::move(*server_units);
  }
  server.scale = Scale(object, errors, field + ".scale", server.scale);
  server.offset =
      OptionalNumber(object, "offset", errors, field + ".offset").value_or(server.offset);
  return server;
}

VariableMapping ParseVariable(const json::value& value, std::size_t index,
                              const EntryErrors& errors) {
  const std::string field = fmt::format("variables[{}]", index);
  if (!value.is_object()) errors.Fail(field, "must be an object {column, parameter}");
  const auto& object = value.get_object();
  CheckKnownFields(object, errors, field + ".", kVariableFields);
  VariableMapping mapping;
  mapping.column = RequiredString(object, "column", errors, field + ".column");
  mapping.parameter =
      CheckedParameter(RequiredString(object, "parameter", errors, field + ".parameter"), errors,
                       field + ".parameter");
  mapping.scale = Scale(object, errors, field + ".scale", 1.0);
  mapping.offset = OptionalNumber(object, "offset", errors, field + ".offset").value_or(0.0);
  return mapping;
}

// ERDDAP servers' configured units must be ones the fetcher can convert to the parameter's
// (it converts each dataset's own units by itself, so a conversion and a scale or offset on the
// same server would convert twice).
void CheckErddapUnits(const SourceConfig& source, std::string_view entry_units,
                      const EntryErrors& errors) {
  const auto* parameter = core::FindParameter(source.parameter);
  const auto check = [&](std::string_view units, std::string_view field, double scale,
                         double offset) {
    if (units.empty()) return;
    const auto conversion = ConversionBetween(units, parameter->unit);
    if (!conversion) {
      errors.Fail(field, fmt::format("\"{}\" is not a unit that converts to {}'s {}", units,
                                     source.parameter, parameter->unit));
    }
    if (!conversion->IsIdentity() && (scale != 1.0 || offset != 0.0)) {
      errors.Fail(field, fmt::format("\"{}\" is converted to {} by the fetcher; remove scale "
                                     "and offset, which would convert it twice",
                                     units, parameter->unit));
    }
  };
  check(entry_units, "units", 1.0, 0.0);
  for (std::size_t i = 0; i < source.servers.size(); ++i) {
    const auto& server = source.servers[i];
    check(server.units, fmt::format("servers[{}].units", i), server.scale, server.offset);
  }
}

SourceConfig ParseEntry(const json::value& value, std::size_t index, std::string_view file) {
  EntryErrors errors(file, index);
  if (!value.is_object()) errors.Fail("entry", "must be an object");
  const auto& object = value.get_object();
  SourceConfig source;

  source.id = RequiredString(object, "id", errors, "id");
  const bool id_ok =
      source.id.size() <= kMaxIdLength &&
      std::all_of(source.id.begin(), source.id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      });
  if (!id_ok || !core::IsValidSourceId(source.id)) {
    errors.Fail("id", "must be 1-32 characters of a-z, 0-9, '_' or '-'");
  }
  errors.SetId(source.id);
  CheckKnownFields(object, errors, "", kEntryFields);

  const auto kind = ParseSourceKind(RequiredString(object, "kind", errors, "kind"));
  if (!kind) errors.Fail("kind", fmt::format("must be {}", KindList()));
  source.kind = *kind;
  source.name = RequiredString(object, "name", errors, "name");
  if (source.name.size() > 200) errors.Fail("name", "must be at most 200 bytes");

  source.dataset = OptionalString(object, "dataset", errors, "dataset").value_or("");
  source.variable = OptionalString(object, "variable", errors, "variable").value_or("");
  source.product = OptionalString(object, "product", errors, "product").value_or("");
  source.scale = Scale(object, errors, "scale", 1.0);
  source.offset = OptionalNumber(object, "offset", errors, "offset").value_or(0.0);
  if (auto schedule = OptionalString(object, "schedule", errors, "schedule")) {
    if (!IsCronSchedule(*schedule)) {
      errors.Fail("schedule", "must be five cron fields, e.g. \"0 */6 * * *\"");
    }
    source.schedule = std::move(*schedule);
  }
  if (const auto* lookback = object.if_contains("lookback_days")) {
    if (!lookback->is_int64() || lookback->get_int64() < 1 ||
        lookback->get_int64() > kMaxLookbackDays) {
      errors.Fail("lookback_days", fmt::format("must be an integer in [1, {}]", kMaxLookbackDays));
    }
    source.lookback_days = static_cast<int>(lookback->get_int64());
  }
  source.attribution = OptionalString(object, "attribution", errors, "attribution").value_or("");
  source.license = OptionalString(object, "license", errors, "license").value_or("");
  source.doi = OptionalString(object, "doi", errors, "doi").value_or("");

  const std::string units = OptionalString(object, "units", errors, "units").value_or("");
  if (const auto* servers = object.if_contains("servers")) {
    if (!servers->is_array()) errors.Fail("servers", "must be an array");
    const auto& array = servers->get_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
      source.servers.push_back(ParseServer(array[i], i, source, units, errors));
    }
  }
  const bool needs_servers = source.kind != SourceKind::kCopernicusArco;
  if (needs_servers && source.servers.empty()) {
    errors.Fail("servers", "must list at least one server");
  }

  const auto* variables = object.if_contains("variables");
  if (source.kind == SourceKind::kNdbcRealtime) {
    if (object.contains("parameter") || object.contains("variable")) {
      errors.Fail("parameter", "NDBC sources list [{column, parameter}] in \"variables\"");
    }
    if (variables == nullptr) errors.Fail("variables", "missing");
    if (!variables->is_array() || variables->get_array().empty()) {
      errors.Fail("variables", "must be a non-empty array of {column, parameter}");
    }
    std::set<std::string, std::less<>> parameters;
    for (std::size_t i = 0; i < variables->get_array().size(); ++i) {
      auto mapping = ParseVariable(variables->get_array()[i], i, errors);
      if (!parameters.insert(mapping.parameter).second) {
        errors.Fail(fmt::format("variables[{}].parameter", i),
                    fmt::format("\"{}\" is fed twice", mapping.parameter));
      }
      source.variables.push_back(std::move(mapping));
    }
  } else {
    if (variables != nullptr) {
      errors.Fail("variables", "only NDBC sources have \"variables\"; use variable and parameter");
    }
    source.parameter = CheckedParameter(RequiredString(object, "parameter", errors, "parameter"),
                                        errors, "parameter");
    for (std::size_t i = 0; i < source.servers.size(); ++i) {
      if (source.servers[i].dataset.empty()) {
        errors.Fail(fmt::format("servers[{}].dataset", i), "missing (here or on the entry)");
      }
      if (source.servers[i].variable.empty()) {
        errors.Fail(fmt::format("servers[{}].variable", i), "missing (here or on the entry)");
      }
    }
    if (source.servers.empty()) {
      if (source.dataset.empty()) errors.Fail("dataset", "missing");
      if (source.variable.empty()) errors.Fail("variable", "missing");
    } else {
      // The entry-level fields describe the primary, for code that reads only those.
      source.dataset = source.servers.front().dataset;
      source.variable = source.servers.front().variable;
      source.scale = source.servers.front().scale;
      source.offset = source.servers.front().offset;
    }
    if (source.kind == SourceKind::kErddapGriddap) CheckErddapUnits(source, units, errors);
    source.variables.push_back({source.variable, source.parameter, source.scale, source.offset});
  }
  return source;
}

}  // namespace

std::string_view ToString(SourceKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<SourceKind> ParseSourceKind(std::string_view text) {
  for (const auto& [kind, name] : kKindNames) {
    if (name == text) return kind;
  }
  return std::nullopt;
}

std::vector<SourceConfig> ParseSources(std::string_view text, std::string_view file_name) {
  const json::array array = core::ParseConfigArray(text, file_name, "sources");
  std::vector<SourceConfig> sources;
  std::set<std::string, std::less<>> seen;
  for (std::size_t i = 0; i < array.size(); ++i) {
    auto source = ParseEntry(array[i], i, file_name);
    if (!seen.insert(source.id).second) {
      EntryErrors errors(file_name, i);
      errors.SetId(source.id);
      errors.Fail("id", "duplicate id");
    }
    sources.push_back(std::move(source));
  }
  if (sources.empty()) throw std::runtime_error(fmt::format("{}: has no sources", file_name));
  return sources;
}

std::string UrlOverrideVariable(std::string_view source_id) {
  std::string name = "OCEAN_SOURCE_";
  for (const char c : source_id) {
    if (c == '-') {
      name += '_';
    } else if (c >= 'a' && c <= 'z') {
      name += static_cast<char>(c - 'a' + 'A');
    } else {
      name += c;
    }
  }
  name += "_URL";
  return name;
}

std::vector<SourceConfig> WithUrlOverrides(std::vector<SourceConfig> sources,
                                           const EnvLookup& env) {
  for (auto& source : sources) {
    const std::string variable = UrlOverrideVariable(source.id);
    const char* url = env(variable.c_str());
    if (url == nullptr || *url == '\0') continue;
    EntryErrors errors(variable, 0);
    ServerConfig server;
    if (!source.servers.empty()) {
      server = source.servers.front();
    } else {
      server = {"", source.dataset, source.variable, source.scale, source.offset, ""};
    }
    try {
      server.url = CheckedBaseUrl(url, errors, "url");
    } catch (const std::runtime_error&) {
      throw std::runtime_error(
          fmt::format("{}: must be an http:// or https:// base URL", variable));
    }
    source.servers = {std::move(server)};
  }
  return sources;
}

std::vector<SourceConfig> LoadSourcesFile(const std::string& path) {
  return WithUrlOverrides(ParseSources(core::ReadConfigFile(path, "sources"), path),
                          [](const char* name) { return std::getenv(name); });
}

std::vector<SourceConfig> SelectSources(std::span<const SourceConfig> sources,
                                        std::span<const std::string> ids) {
  const bool all = std::find(ids.begin(), ids.end(), kAllSources) != ids.end();
  std::vector<SourceConfig> selected;
  for (const auto& id : ids) {
    if (id == kAllSources) continue;
    const bool known = std::any_of(sources.begin(), sources.end(),
                                   [&](const SourceConfig& s) { return s.id == id; });
    if (!known) {
      std::string names;
      for (const auto& s : sources) names += (names.empty() ? "" : ", ") + s.id;
      throw std::runtime_error(fmt::format("unknown source \"{}\" (known: {}, or all)", id, names));
    }
  }
  for (const auto& source : sources) {
    if (all || std::find(ids.begin(), ids.end(), source.id) != ids.end()) {
      selected.push_back(source);
    }
  }
  return selected;
}

}  // namespace ocean::sources
