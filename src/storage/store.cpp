#include "storage/store.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/cursor.hpp"
#include "core/json_escape.hpp"
#include "storage/pg_store.hpp"
#include "storage/sqlite_store.hpp"
#include "storage/store_internal.hpp"

namespace ocean::storage {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite:";
constexpr std::string_view kPostgresqlScheme = "postgresql://";
constexpr std::string_view kPostgresScheme = "postgres://";

constexpr char kCursorField[] = "cursor";

core::CursorPosition DecodePageCursor(std::string_view cursor) {
  std::optional<core::CursorPosition> position = core::DecodeCursor(cursor);
  if (!position) {
    const std::string message = "is not a cursor this server issued; request the first page again";
    throw core::ApiError(core::ErrorCode::kValidation,
                         std::string("invalid query parameter ") + kCursorField + ": " + message,
                         {{std::nullopt, kCursorField, message}});
  }
  return *std::move(position);
}

}  // namespace

Page Store::ReadPage(const core::ObservationQuery& query, std::string_view cursor,
                     bool with_count) {
  if (query.limit < 1) {
    throw std::invalid_argument("page size must be at least 1, got " + std::to_string(query.limit));
  }
  core::ObservationQuery count_query = query;
  count_query.after.reset();
  core::ObservationQuery page_query = count_query;
  if (!cursor.empty()) page_query.after = DecodePageCursor(cursor);
  // One row more than the page tells whether a next page exists without a second query.
  page_query.limit = query.limit + 1;
  Page page;
  if (with_count) {
    ObservationPage both = QueryObservationsWithCount(page_query, count_query);
    page.rows = std::move(both.rows);
    page.count = both.count;
  } else {
    page.rows = QueryObservations(page_query);
  }
  if (static_cast<std::int64_t>(page.rows.size()) > query.limit) {
    page.rows.resize(static_cast<std::size_t>(query.limit));
    page.next_cursor = core::EncodeCursor(core::CursorAfter(page.rows.back()));
  }
  return page;
}

std::unique_ptr<Store> OpenStore(const std::string& url, int pool_size) {
  if (pool_size < 1) {
    throw std::invalid_argument("storage pool size must be at least 1, got " +
                                std::to_string(pool_size));
  }
  std::string_view view = url;
  if (view.starts_with(kSqliteScheme)) {
    std::string path(view.substr(kSqliteScheme.size()));
    if (path.empty()) {
      throw std::invalid_argument(
          "database URL \"sqlite:\" needs a file path, e.g. sqlite:ocean.db");
    }
    return OpenSqliteStore(path, pool_size);
  }
  if (view.starts_with(kPostgresqlScheme) || view.starts_with(kPostgresScheme)) {
    return OpenPgStore(url, pool_size);
  }
  // The URL may hold a password, so only its scheme goes into the message.
  std::string_view scheme = view.substr(0, view.find(':'));
  throw std::invalid_argument("unsupported database URL scheme \"" + std::string(scheme) +
                              "\": expected sqlite:PATH, postgresql://... or postgres://...");
}

core::EpochMs NowMs() { return core::SystemClock().Now(); }

std::vector<SourceStatus> MergeSourceStatus(
    std::vector<SourceRun> latest_runs, std::vector<SourceRun> latest_successes,
    std::vector<SourceRun> latest_failures,
    const std::vector<std::pair<std::string, std::int64_t>>& rows_per_source) {
  std::map<std::string, SourceStatus> by_source;
  auto entry = [&by_source](const std::string& source_id) -> SourceStatus& {
    SourceStatus& status = by_source[source_id];
    status.source_id = source_id;
    return status;
  };
  for (SourceRun& run : latest_runs) {
    entry(run.source_id).last_run = std::move(run);
  }
  for (SourceRun& run : latest_successes) {
    entry(run.source_id).last_success_ms = run.finished_ms;
  }
  for (SourceRun& run : latest_failures) {
    entry(run.source_id).last_failure = std::move(run);
  }
  for (auto& [source, rows] : rows_per_source) {
    entry(source).rows = rows;
  }
  std::vector<SourceStatus> result;
  result.reserve(by_source.size());
  for (auto& [source, status] : by_source) {
    result.push_back(std::move(status));
  }
  return result;
}

void AppendSeriesSource(SeriesRows& rows, std::string_view source) {
  if (!rows.s.empty() && rows.sources[rows.s.back()] == source) {
    rows.s.push_back(rows.s.back());
    return;
  }
  const auto index =
      std::find(rows.sources.begin(), rows.sources.end(), source) - rows.sources.begin();
  if (index == static_cast<std::ptrdiff_t>(rows.sources.size())) rows.sources.emplace_back(source);
  rows.s.push_back(static_cast<std::uint32_t>(index));
}

std::string JsonStringArray(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const std::string& value : values) {
    if (out.size() > 1) out += ',';
    core::AppendJsonString(out, value);
  }
  out += ']';
  return out;
}

std::string PgTextArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (const std::string& value : values) {
    if (out.size() > 1) out += ',';
    // Quoted elements need only '"' and '\' escaped; quoting also protects NULL and spaces.
    out += '"';
    for (char c : value) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace ocean::storage
