#include "sources/ndbc.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <array>
#include <charconv>
#include <cmath>

#include "core/time.hpp"
#include "sources/failover.hpp"
#include "sources/http_client.hpp"

namespace ocean::sources {
namespace {

// realtime2 protocol strings (data-sources.md §3), spelled once.
constexpr std::string_view kRealtimePath = "/data/realtime2/";
constexpr std::string_view kRealtimeSuffix = ".txt";
constexpr std::string_view kMissing = "MM";
constexpr char kHeaderMark = '#';
constexpr std::array<std::string_view, 5> kTimeColumns = {"YY", "MM", "DD", "hh", "mm"};

std::vector<std::string_view> SplitWhitespace(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

template <typename T>
std::optional<T> ParseNumber(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);  // PTDY prints "+0.3"
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<core::EpochMs> RowTime(std::span<const std::string_view> fields) {
  const auto year = ParseNumber<int>(fields[0]);
  const auto month = ParseNumber<int>(fields[1]);
  const auto day = ParseNumber<int>(fields[2]);
  const auto hour = ParseNumber<int>(fields[3]);
  const auto minute = ParseNumber<int>(fields[4]);
  if (!year || !month || !day || !hour || !minute) return std::nullopt;
  if (*year < 1970 || *month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour < 0 ||
      *hour > 23 || *minute < 0 || *minute > 59) {
    return std::nullopt;
  }
  const long long days =
      core::DaysFromCivil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
  return (days * 86'400 + *hour * 3'600 + *minute * 60) * 1'000;
}

}  // namespace

Parsed<NdbcTable> ParseNdbcRealtime(std::string_view text, std::span<const std::string> columns) {
  using Result = Parsed<NdbcTable>;
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    lines.push_back(text.substr(0, newline));
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
  if (lines.size() < 2 || !lines[0].starts_with(kHeaderMark) ||
      !lines[1].starts_with(kHeaderMark)) {
    return Result::Fail("not a realtime2 file (expected two '#' header lines)");
  }
  const auto names = SplitWhitespace(lines[0].substr(1));
  const auto units = SplitWhitespace(lines[1].substr(1));
  if (names.size() < kTimeColumns.size() || units.size() != names.size()) {
    return Result::Fail("realtime2 header lines do not match");
  }
  for (std::size_t i = 0; i < kTimeColumns.size(); ++i) {
    if (names[i] != kTimeColumns[i]) {
      return Result::Fail(fmt::format("realtime2 header starts with {} instead of YY MM DD hh mm",
                                      fmt::join(names.begin(), names.begin() + 5, " ")));
    }
  }
  std::vector<std::size_t> indices;
  for (const auto& column : columns) {
    const auto it = std::find(names.begin() + kTimeColumns.size(), names.end(), column);
    if (it == names.end()) {
      return Result::Fail(fmt::format("realtime2 header has no {} column", column));
    }
    indices.push_back(static_cast<std::size_t>(it - names.begin()));
  }

  NdbcTable table;
  for (std::size_t l = 2; l < lines.size(); ++l) {
    const auto fields = SplitWhitespace(lines[l]);
    if (fields.empty()) continue;
    if (fields.size() != names.size()) {
      ++table.skipped_rows;
      continue;
    }
    const auto time = RowTime(fields);
    if (!time) {
      ++table.skipped_rows;
      continue;
    }
    NdbcRow row;
    row.time_ms = *time;
    bool ok = true;
    for (const auto index : indices) {
      if (fields[index] == kMissing) {
        row.values.emplace_back();
        continue;
      }
      const auto value = ParseNumber<double>(fields[index]);
      if (!value || !std::isfinite(*value)) {
        ok = false;
        break;
      }
      row.values.emplace_back(*value);
    }
    if (!ok) {
      ++table.skipped_rows;
      continue;
    }
    table.rows.push_back(std::move(row));
  }
  return Result::Ok(std::move(table));
}

std::string NdbcRealtimeUrl(std::string_view base_url, std::string_view station) {
  std::string id(station);
  for (auto& c : id) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return fmt::format("{}{}{}{}", base_url, kRealtimePath, id, kRealtimeSuffix);
}

FetchResult FetchNdbc(const SourceConfig& source, std::span<const core::Location> locations,
                      const FetchWindow& window, HttpClient& http) {
  std::vector<core::Location> stations;
  for (const auto& location : locations) {
    if (!location.ndbc_station.empty()) stations.push_back(location);
  }
  std::vector<std::string> columns;
  for (const auto& mapping : source.variables) columns.push_back(mapping.column);

  const auto prepare = [](const ServerConfig&) -> std::optional<std::string> {
    return std::nullopt;
  };
  const auto fetch = [&](const ServerConfig& server,
                         const core::Location& location) -> LocationOutcome {
    const auto response = http.Get(NdbcRealtimeUrl(server.url, location.ndbc_station));
    if (!response.ok()) {
      const std::string why =
          fmt::format("station {}: {}", location.ndbc_station, response.Describe());
      // 404: the station publishes no standard-met file (data-sources.md §3.1).
      const bool server_failure = response.status == 0 || response.status == 429 ||
                                  response.status >= 500 || response.status == 403;
      return server_failure ? LocationOutcome::ServerError(why)
                            : LocationOutcome::LocationError(why);
    }
    auto table = ParseNdbcRealtime(response.body, columns);
    if (!table.value) {
      return LocationOutcome::LocationError(
          fmt::format("station {}: unreadable file: {}", location.ndbc_station, table.error));
    }
    if (table.value->skipped_rows > 0 && table.value->rows.empty()) {
      return LocationOutcome::LocationError(
          fmt::format("station {}: {} malformed rows and no readable one", location.ndbc_station,
                      table.value->skipped_rows));
    }
    if (table.value->skipped_rows > 0) {
      spdlog::warn("{}: station {}: {} malformed rows skipped", source.id, location.ndbc_station,
                   table.value->skipped_rows);
    }
    std::vector<FetchedObservation> rows;
    for (const auto& row : table.value->rows) {
      if (row.time_ms < window.start_ms || row.time_ms > window.end_ms) continue;
      for (std::size_t c = 0; c < source.variables.size(); ++c) {
        if (!row.values[c]) continue;
        const auto& mapping = source.variables[c];
        const double value = *row.values[c] * mapping.scale + mapping.offset;
        FetchedObservation fetched;
        fetched.observation = {location.id,
                               mapping.parameter,
                               row.time_ms,
                               value,
                               FlagForValue(mapping.parameter, value),
                               source.id};
        rows.push_back(std::move(fetched));
      }
    }
    return LocationOutcome::Ok(std::move(rows));
  };
  return FetchWithFailover(source, stations, http.options().max_per_host, prepare, fetch);
}

}  // namespace ocean::sources
