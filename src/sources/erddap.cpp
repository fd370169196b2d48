#include "sources/erddap.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <numbers>

#include "core/catalogue.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "sources/failover.hpp"
#include "sources/http_client.hpp"

namespace ocean::sources {
namespace {

namespace json = boost::json;

// ERDDAP protocol strings (data-sources.md §1.2, §1.5, §1.6), spelled once.
constexpr std::string_view kInfoPath = "/info/";
constexpr std::string_view kInfoFile = "/index.json";
constexpr std::string_view kGriddapPath = "/griddap/";
constexpr std::string_view kJsonSuffix = ".json?";
constexpr std::string_view kNoMatchingResults = "Your query produced no matching results";
constexpr std::string_view kUnknownDataset = "Currently unknown datasetID";
constexpr std::string_view kTime = "time";
constexpr std::string_view kLatitude = "latitude";
constexpr std::string_view kLongitude = "longitude";
constexpr std::string_view kRowType = "Row Type";
constexpr std::string_view kVariableName = "Variable Name";
constexpr std::string_view kAttributeName = "Attribute Name";
constexpr std::string_view kValue = "Value";
constexpr std::string_view kDimensionRow = "dimension";
constexpr std::string_view kVariableRow = "variable";
constexpr std::string_view kAttributeRow = "attribute";
constexpr std::string_view kActualRange = "actual_range";
constexpr std::string_view kUnits = "units";
constexpr std::string_view kNValues = "nValues=";
constexpr std::string_view kAverageSpacing = "averageSpacing=";
constexpr std::string_view kOnlyValue = "onlyValue=";

std::optional<double> ParseDouble(std::string_view text) {
  text = core::Trim(text);
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// The text after `key` up to the next ", " in a dimension row's summary.
std::optional<std::string_view> SummaryField(std::string_view summary, std::string_view key) {
  const auto start = summary.find(key);
  if (start == std::string_view::npos) return std::nullopt;
  auto value = summary.substr(start + key.size());
  return value.substr(0, value.find(','));
}

std::vector<std::string> SplitComma(std::string_view text) {
  std::vector<std::string> parts;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto part = core::Trim(text.substr(0, comma));
    if (!part.empty()) parts.emplace_back(part);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return parts;
}

bool LooksLikeHtml(std::string_view body) {
  const auto text = core::Trim(body);
  return text.starts_with('<');
}

// The table of an ERDDAP .json answer: {"table":{"columnNames":[...],"rows":[[...],...]}}.
struct Table {
  std::vector<std::string> columns;
  json::array rows;
};

// The answer's column names and rows, or why not.
Parsed<Table> ParseTable(std::string_view body) {
  using Result = Parsed<Table>;
  if (LooksLikeHtml(body)) return Result::Fail("an HTML page instead of JSON");
  json::error_code ec;
  json::value root = json::parse(body, ec);
  if (ec) return Result::Fail(fmt::format("not valid JSON: {}", ec.message()));
  auto* table = root.is_object() ? root.get_object().if_contains("table") : nullptr;
  if (table == nullptr || !table->is_object()) return Result::Fail("no \"table\" object");
  const auto* names = table->get_object().if_contains("columnNames");
  if (names == nullptr || !names->is_array()) return Result::Fail("no \"columnNames\" array");
  Table result;
  for (const auto& name : names->get_array()) {
    if (!name.is_string()) return Result::Fail("a column name is not a string");
    result.columns.emplace_back(name.get_string());
  }
  auto* rows = table->get_object().if_contains("rows");
  if (rows == nullptr || !rows->is_array()) return Result::Fail("no \"rows\" array");
  result.rows = std::move(rows->get_array());
  return Result::Ok(std::move(result));
}

// Where each of `wanted` stands among the columns, in order; nullopt when one is missing.
template <std::size_t N>
std::optional<std::array<std::size_t, N>> ColumnIndices(
    const std::vector<std::string>& columns, const std::array<std::string_view, N>& wanted) {
  std::array<std::size_t, N> indices{};
  for (std::size_t i = 0; i < N; ++i) {
    const auto it = std::find(columns.begin(), columns.end(), wanted[i]);
    if (it == columns.end()) return std::nullopt;
    indices[i] = static_cast<std::size_t>(it - columns.begin());
  }
  return indices;
}

// Whole seconds, as ERDDAP time axes are: the start rounds up, the end down.
std::string FormatSeconds(core::EpochMs ms, bool round_up) {
  const core::EpochMs seconds = ms / 1000 + ((round_up && ms % 1000 > 0) ? 1 : 0);
  return core::FormatTimestamp(seconds * 1000);
}

double WrapDegrees(double delta) {
  delta = std::fmod(delta, 360.0);
  if (delta > 180.0) delta -= 360.0;
  if (delta < -180.0) delta += 360.0;
  return delta;
}

core::EpochMs SecondsToMs(double seconds) {
  return static_cast<core::EpochMs>(std::llround(seconds * 1000.0));
}

}  // namespace

const ErddapAxis* ErddapDatasetInfo::Axis(std::string_view name) const {
  for (const auto& axis : axes) {
    if (axis.name == name) return &axis;
  }
  return nullptr;
}

Parsed<ErddapDatasetInfo> ParseErddapInfo(std::string_view body, std::string_view variable) {
  using Result = Parsed<ErddapDatasetInfo>;
  const auto table = ParseTable(body);
  if (!table.value) return Result::Fail(table.error);
  const auto& columns = table.value->columns;
  const auto indices = ColumnIndices<4>(columns, {kRowType, kVariableName, kAttributeName, kValue});
  if (!indices) {
    return Result::Fail("not an info table (no Row Type, Variable Name, Attribute Name, Value)");
  }
  const auto [type_index, name_index, attribute_index, value_index] = *indices;

  struct AxisFacts {
    std::optional<std::size_t> size;
    std::optional<double> signed_spacing;
    std::optional<double> only_value;
    std::optional<std::pair<double, double>> range;
  };
  std::map<std::string, AxisFacts, std::less<>> facts;
  ErddapDatasetInfo info;
  bool variable_found = false;
  for (const auto& row_value : table.value->rows) {
    if (!row_value.is_array() || row_value.get_array().size() != columns.size()) {
      return Result::Fail("a row does not match columnNames");
    }
    const auto& row = row_value.get_array();
    const auto text = [&](std::size_t i) -> std::string_view {
      return row[i].is_string() ? std::string_view(row[i].get_string()) : std::string_view{};
    };
    const auto type = text(type_index);
    const auto name = text(name_index);
    const auto attribute = text(attribute_index);
    const auto value = text(value_index);
    if (type == kDimensionRow) {
      auto& axis = facts[std::string(name)];
      if (const auto n = SummaryField(value, kNValues)) {
        if (const auto parsed = ParseDouble(*n); parsed && *parsed >= 1) {
          axis.size = static_cast<std::size_t>(*parsed);
        }
      }
      // Numeric for latitude/longitude ("averageSpacing=-0.0375": negative = descending);
      // a duration for time, which needs no spacing.
      if (const auto spacing = SummaryField(value, kAverageSpacing)) {
        axis.signed_spacing = ParseDouble(*spacing);
      }
      if (const auto only = SummaryField(value, kOnlyValue)) axis.only_value = ParseDouble(*only);
    } else if (type == kAttributeRow && attribute == kActualRange) {
      const auto bounds = SplitComma(value);
      if (bounds.size() == 2) {
        const auto low = ParseDouble(bounds[0]);
        const auto high = ParseDouble(bounds[1]);
        if (low && high)
          facts[std::string(name)].range = std::pair{std::min(*low, *high), std::max(*low, *high)};
      }
    } else if (type == kAttributeRow && attribute == kUnits && name == variable) {
      info.units = std::string(value);
    } else if (type == kVariableRow && name == variable) {
      variable_found = true;
      info.dimensions = SplitComma(value);
    }
  }
  if (!variable_found) return Result::Fail(fmt::format("dataset has no variable \"{}\"", variable));
  for (const auto required : {kTime, kLatitude, kLongitude}) {
    if (std::find(info.dimensions.begin(), info.dimensions.end(), required) ==
        info.dimensions.end()) {
      return Result::Fail(fmt::format("variable \"{}\" has no {} dimension (dimensions: {})",
                                      variable, required, fmt::join(info.dimensions, ", ")));
    }
  }
  for (const auto& dimension : info.dimensions) {
    const auto it = facts.find(dimension);
    if (it == facts.end())
      return Result::Fail(fmt::format("no dimension row for \"{}\"", dimension));
    const auto& f = it->second;
    ErddapAxis axis;
    axis.name = dimension;
    axis.size = f.size.value_or(1);
    if (f.range) {
      axis.min = f.range->first;
      axis.max = f.range->second;
    } else if (f.only_value) {
      axis.min = axis.max = *f.only_value;
    } else {
      return Result::Fail(fmt::format("axis \"{}\" has no actual_range", dimension));
    }
    if (f.signed_spacing) {
      axis.spacing = std::abs(*f.signed_spacing);
      axis.descending = *f.signed_spacing < 0;
    } else if (axis.size > 1) {
      axis.spacing = (axis.max - axis.min) / static_cast<double>(axis.size - 1);
    }
    if (axis.name == kLongitude) {
      const auto convention = LongitudeConventionOf(axis);
      if (!convention) {
        return Result::Fail(fmt::format(
            "longitude axis {} to {} is neither -180 to 180 nor 0 to 360", axis.min, axis.max));
      }
      info.longitude_convention = *convention;
    }
    info.axes.push_back(std::move(axis));
  }
  return Result::Ok(std::move(info));
}

Parsed<UnitConversion> ErddapUnitConversion(const SourceConfig& source, const ServerConfig& server,
                                            std::string_view dataset_units) {
  using Result = Parsed<UnitConversion>;
  const std::string where =
      fmt::format("source {}, dataset {}: {}", source.id, server.dataset, server.variable);
  const auto* parameter = core::FindParameter(source.parameter);
  if (parameter == nullptr) {
    return Result::Fail(
        fmt::format("{}: \"{}\" is not a catalogue parameter", where, source.parameter));
  }
  if (!server.units.empty() && !dataset_units.empty() && !SameUnit(server.units, dataset_units)) {
    return Result::Fail(
        fmt::format("{} is in \"{}\", configured for \"{}\"", where, dataset_units, server.units));
  }
  const std::string_view units = dataset_units.empty() ? server.units : dataset_units;
  if (units.empty()) {
    return Result::Fail(fmt::format(
        "{} has no units attribute and the server no \"units\": cannot tell it is in {}", where,
        parameter->unit));
  }
  const auto conversion = ConversionBetween(units, parameter->unit);
  if (!conversion) {
    return Result::Fail(fmt::format("{} is in \"{}\", which cannot be converted to {}'s {}", where,
                                    units, parameter->id, parameter->unit));
  }
  if (!conversion->IsIdentity() && (server.scale != 1.0 || server.offset != 0.0)) {
    return Result::Fail(fmt::format(
        "{} is in \"{}\", converted to {} by the fetcher: remove the server's scale {} and "
        "offset {}, which would convert it twice",
        where, units, parameter->unit, server.scale, server.offset));
  }
  return Result::Ok(*conversion);
}

std::string EncodeGriddapQuery(std::string_view query) {
  std::string encoded;
  encoded.reserve(query.size() * 2);
  for (const char c : query) {
    const auto u = static_cast<unsigned char>(c);
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~' || c == '(' || c == ')' ||
                      c == ':' || c == ',';
    if (keep) {
      encoded += c;
    } else {
      encoded += fmt::format("%{:02X}", u);
    }
  }
  return encoded;
}

Parsed<std::string> BuildGriddapQuery(const ErddapDatasetInfo& info, std::string_view variable,
                                      const core::Location& location, const FetchWindow& window,
                                      int cells) {
  using Result = Parsed<std::string>;
  std::string query(variable);
  for (const auto& axis : info.axes) {
    if (axis.name == kTime) {
      const core::EpochMs start = std::max(window.start_ms, SecondsToMs(axis.min));
      const core::EpochMs end = std::min(window.end_ms, SecondsToMs(axis.max));
      // The newest upstream day is usually yesterday: a stop past the axis end would be a 404.
      if (start > end) return Result::Ok("");
      query += fmt::format("[({}):1:({})]", FormatSeconds(start, true), FormatSeconds(end, false));
    } else if (axis.name == kLatitude) {
      auto bracket = BoxBracket(axis, location.latitude, cells);
      if (!bracket) {
        return Result::Fail(fmt::format("latitude {} is outside the dataset ({} to {})",
                                        location.latitude, axis.min, axis.max));
      }
      query += *bracket;
    } else if (axis.name == kLongitude) {
      const auto longitude = LongitudeOnAxis(axis, info.longitude_convention, location.longitude);
      auto bracket = longitude ? BoxBracket(axis, *longitude, cells) : std::nullopt;
      if (!bracket) {
        return Result::Fail(fmt::format("longitude {} is outside the dataset ({} to {})",
                                        location.longitude, axis.min, axis.max));
      }
      query += *bracket;
    } else {
      query += "[0]";  // altitude/depth/zlev: the first level is the surface in these products
    }
  }
  return Result::Ok(EncodeGriddapQuery(query));
}

Parsed<std::vector<GridCell>> ParseGriddapJson(std::string_view body, std::string_view variable) {
  using Result = Parsed<std::vector<GridCell>>;
  const auto table = ParseTable(body);
  if (!table.value) return Result::Fail(table.error);
  const auto& columns = table.value->columns;
  const auto indices = ColumnIndices<4>(columns, {kTime, kLatitude, kLongitude, variable});
  if (!indices) {
    return Result::Fail(
        fmt::format("unexpected columns [{}]; expected time, latitude, longitude, {}",
                    fmt::join(columns, ", "), variable));
  }
  const auto [time_index, lat_index, lon_index, value_index] = *indices;
  std::vector<GridCell> cells;
  cells.reserve(table.value->rows.size());
  std::size_t index = 0;
  for (const auto& row_value : table.value->rows) {
    if (!row_value.is_array() || row_value.get_array().size() != columns.size()) {
      return Result::Fail(fmt::format("row {} does not have {} values", index, columns.size()));
    }
    const auto& row = row_value.get_array();
    GridCell cell;
    const auto& time = row[time_index];
    const auto parsed_time =
        time.is_string() ? core::ParseTimestamp(time.get_string()) : std::nullopt;
    if (!parsed_time)
      return Result::Fail(fmt::format("row {}: time is not an ISO 8601 string", index));
    cell.time_ms = *parsed_time;
    if (!row[lat_index].is_number() || !row[lon_index].is_number()) {
      return Result::Fail(fmt::format("row {}: latitude/longitude are not numbers", index));
    }
    cell.latitude = row[lat_index].to_number<double>();
    cell.longitude = row[lon_index].to_number<double>();
    const auto& value = row[value_index];
    if (value.is_number()) {
      const double number = value.to_number<double>();
      if (std::isfinite(number)) cell.value = number;
    } else if (!value.is_null()) {
      return Result::Fail(fmt::format("row {}: {} is neither a number nor null", index, variable));
    }
    cells.push_back(cell);
    ++index;
  }
  return Result::Ok(std::move(cells));
}

std::vector<GridCell> NearestCellPerTime(std::span<const GridCell> cells, double latitude,
                                         double longitude) {
  const double cos_lat = std::cos(latitude * std::numbers::pi / 180.0);
  std::map<core::EpochMs, std::pair<double, GridCell>> best;
  for (const auto& cell : cells) {
    if (!cell.value) continue;
    const double dlat = cell.latitude - latitude;
    const double dlon = WrapDegrees(cell.longitude - longitude) * cos_lat;
    const double distance = dlat * dlat + dlon * dlon;
    auto [it, inserted] = best.try_emplace(cell.time_ms, distance, cell);
    // Strictly nearer only: ties keep the first cell in storage order (deterministic).
    if (!inserted && distance < it->second.first) it->second = {distance, cell};
  }
  std::vector<GridCell> result;
  result.reserve(best.size());
  for (auto& [time, entry] : best) {
    GridCell cell = entry.second;
    cell.longitude = LongitudePlusMinus180(cell.longitude);
    result.push_back(cell);
  }
  return result;
}

ErddapFailure ClassifyErddapError(long status, std::string_view body) {
  if (body.find(kUnknownDataset) != std::string_view::npos) return ErddapFailure::kServerFailure;
  if (status == 0 || status == 429 || status >= 500 || status == 401 || status == 403) {
    return ErddapFailure::kServerFailure;
  }
  if (status == 404 && body.find(kNoMatchingResults) != std::string_view::npos) {
    return ErddapFailure::kNoData;
  }
  return ErddapFailure::kRequestFailure;
}

Parsed<ErddapDataset> ReadErddapDataset(const SourceConfig& source, const ServerConfig& server,
                                        HttpClient& http) {
  using Result = Parsed<ErddapDataset>;
  const auto response =
      http.Get(server.url + std::string(kInfoPath) + server.dataset + std::string(kInfoFile));
  if (!response.ok()) {
    return Result::Fail(
        fmt::format("dataset info {}: {}", server.dataset, DescribeFailure(response)));
  }
  auto info = ParseErddapInfo(response.body, server.variable);
  if (!info.value)
    return Result::Fail(fmt::format("dataset info {}: {}", server.dataset, info.error));
  // Each server's own units: a fallback may publish the same quantity in kelvin.
  const auto conversion = ErddapUnitConversion(source, server, info.value->units);
  if (!conversion.value) return Result::Fail(conversion.error);
  return Result::Ok({std::move(*info.value), *conversion.value});
}

std::string GriddapDataUrl(const ServerConfig& server, std::string_view query) {
  return server.url + std::string(kGriddapPath) + server.dataset + std::string(kJsonSuffix) +
         std::string(query);
}

FetchResult FetchErddap(const SourceConfig& source, std::span<const core::Location> locations,
                        const FetchWindow& window, HttpClient& http) {
  // Written by `prepare` before the server's locations run, then only read.
  std::optional<ErddapDataset> dataset;
  const auto prepare = [&](const ServerConfig& server) -> std::optional<std::string> {
    dataset.reset();
    auto read = ReadErddapDataset(source, server, http);
    if (!read.value) return read.error;
    dataset = std::move(read.value);
    return std::nullopt;
  };
  const auto fetch = [&](const ServerConfig& server,
                         const core::Location& location) -> LocationOutcome {
    auto query = BuildGriddapQuery(dataset->info, server.variable, location, window);
    if (!query.value) return LocationOutcome::LocationError(query.error);
    if (query.value->empty()) return LocationOutcome::Ok({});
    const auto response = http.Get(GriddapDataUrl(server, *query.value));
    if (!response.ok()) {
      const std::string why = DescribeFailure(response);
      switch (ClassifyErddapError(response.status, response.body)) {
        case ErddapFailure::kNoData:
          return LocationOutcome::Ok({});
        case ErddapFailure::kServerFailure:
          return LocationOutcome::ServerError(why);
        case ErddapFailure::kRequestFailure:
          return LocationOutcome::LocationError(why);
      }
    }
    auto cells = ParseGriddapJson(response.body, server.variable);
    if (!cells.value) {
      return LocationOutcome::LocationError(fmt::format("unreadable answer: {}", cells.error));
    }
    std::vector<FetchedObservation> rows;
    for (const auto& cell :
         NearestCellPerTime(*cells.value, location.latitude, location.longitude)) {
      if (cell.time_ms < window.start_ms || cell.time_ms > window.end_ms) continue;
      const double value = dataset->to_parameter.Apply(*cell.value) * server.scale + server.offset;
      if (!std::isfinite(value)) continue;
      FetchedObservation row;
      row.observation = {
          location.id, source.parameter, cell.time_ms, value, FlagForValue(source.parameter, value),
          source.id};
      row.cell_latitude = cell.latitude;
      row.cell_longitude = cell.longitude;
      rows.push_back(std::move(row));
    }
    return LocationOutcome::Ok(std::move(rows));
  };
  return FetchWithFailover(source, locations, http.options().max_per_host, prepare, fetch);
}

}  // namespace ocean::sources
