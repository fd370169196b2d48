#include "storage/pg/pages.hpp"

#include <fmt/format.h>

#include <compare>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "core/api_error.hpp"
#include "storage/pg/catalogue.hpp"
#include "storage/pg/codec.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pg/day_split.hpp"
#include "storage/pg/pool.hpp"
#include "storage/pg/statements.hpp"
#include "storage/store_internal.hpp"

namespace ocean::storage::pg {
namespace {

// A page over at most this many series merges one key range per series; beyond, the general
// statement (planned for its values) reads as well.
constexpr std::size_t kMaxMergedSeries = 64;

bool FiltersSeries(const core::ObservationQuery& query) {
  return !query.locations.empty() || query.parameter.has_value();
}

void AddOptional(PgParams& params, const std::optional<std::string>& value) {
  if (value) {
    params.Add(*value);
  } else {
    params.AddNull();
  }
}

void AddLocations(PgParams& params, const std::vector<std::string>& locations) {
  if (locations.empty()) {
    params.AddNull();
  } else {
    params.Add(PgTextArray(locations));
  }
}

// The keyset position in page order: after this (ts, location, parameter, source). The first
// page's is the window's start and empty names, which sort before every row at that instant.
struct Position {
  core::EpochMs ts;
  std::string location_id;
  std::string parameter;
  std::string source;
};

Position PositionOf(const core::ObservationQuery& query) {
  if (!query.after) return {ClampToPg(query.start_ms), "", "", ""};
  const core::CursorPosition& after = *query.after;
  return {ClampToPg(after.timestamp_ms), after.location_id, after.parameter, after.source};
}

// The general page: sql::kPage. Planned for its values when it filters, since the best plan
// then depends on how many rows the values select, which a generic plan does not know.
Statement GeneralPage(const core::ObservationQuery& query, const Position& at) {
  const bool per_call = FiltersSeries(query) || query.source.has_value();
  if (!query.after) {
    Statement statement{sql::kFirstPage, {}, per_call};
    PgParams& params = statement.params;
    params.Add(ClampToPg(query.start_ms)).Add(ClampToPg(query.end_ms));
    AddLocations(params, query.locations);
    AddOptional(params, query.parameter);
    AddOptional(params, query.source);
    params.Add(query.limit);
    return statement;
  }
  Statement statement{sql::kPage, {}, per_call};
  PgParams& params = statement.params;
  params.Add(ClampToPg(query.start_ms)).Add(ClampToPg(query.end_ms)).Add(at.ts);
  params.Add(at.location_id).Add(at.parameter).Add(at.source);
  AddLocations(params, query.locations);
  AddOptional(params, query.parameter);
  AddOptional(params, query.source);
  params.Add(query.limit);
  return statement;
}

// A page of one series: sql::kSeriesPage. Its rows share the series' names, so the position
// decides alone which of the rows at its instant follow it.
Statement SeriesPage(const core::ObservationQuery& query, const Position& at,
                     const NamedSeries& series) {
  Statement statement{sql::kSeriesPage, {}, false};
  PgParams& params = statement.params;
  const auto order = std::tie(series.names.location_id, series.names.parameter) <=>
                     std::tie(at.location_id, at.parameter);
  const int tie = std::is_gt(order) ? 1 : (std::is_eq(order) ? 0 : -1);
  params.Add(series.id).Add(ClampToPg(query.start_ms)).Add(ClampToPg(query.end_ms)).Add(at.ts);
  params.Add(tie).Add(at.source);
  AddOptional(params, query.source);
  params.Add(query.limit);
  return statement;
}

// A page over `series`, one key range each, merged: see sql::kPageBranch.
Statement MergedPage(const core::ObservationQuery& query, const Position& at,
                     const std::vector<NamedSeries>& series) {
  Statement statement;
  PgParams& params = statement.params;
  params.Add(ClampToPg(query.start_ms)).Add(ClampToPg(query.end_ms)).Add(at.ts);
  params.Add(at.location_id).Add(at.parameter).Add(at.source);
  AddOptional(params, query.source);
  params.Add(query.limit);
  statement.sql_text = sql::kMergedPageOpen;
  int next = params.size() + 1;
  for (std::size_t i = 0; i < series.size(); ++i) {
    if (i > 0) statement.sql_text += " UNION ALL ";
    statement.sql_text += fmt::format(fmt::runtime(sql::kPageBranch), next, next + 1, next + 2);
    next += 3;
    params.Add(series[i].id).Add(series[i].names.location_id).Add(series[i].names.parameter);
  }
  statement.sql_text += sql::kMergedPageClose;
  return statement;
}

bool IsOneSeries(const core::ObservationQuery& query) {
  return query.locations.size() == 1 && query.parameter.has_value();
}

// The statement of a page over `series` (empty: the general statement).
Statement PageStatement(const core::ObservationQuery& query, const Position& at,
                        const std::vector<NamedSeries>& series) {
  if (series.empty()) return GeneralPage(query, at);
  if (IsOneSeries(query)) return SeriesPage(query, at, series[0]);
  return MergedPage(query, at, series);
}

Statement MatchingSeries(const core::ObservationQuery& query) {
  Statement statement{sql::kCountMatchingSeries, {}, false};
  AddLocations(statement.params, query.locations);
  AddOptional(statement.params, query.parameter);
  return statement;
}

// sql::kCountSeries for a location or parameter filter, else sql::kCountAll.
Statement CountStatement(const core::ObservationQuery& query) {
  const DaySplit split = SplitAtDays(ClampToPg(query.start_ms), ClampToPg(query.end_ms));
  Statement statement{FiltersSeries(query) ? sql::kCountSeries : sql::kCountAll, {}, false};
  PgParams& params = statement.params;
  params.Add(split.first_day).Add(split.end_day);
  AddOptional(params, query.source);
  for (const EdgeCount& edge : split.edges) {
    params.Add(edge.sign).Add(edge.from_us).Add(edge.to_us);
  }
  if (FiltersSeries(query)) {
    AddLocations(params, query.locations);
    AddOptional(params, query.parameter);
  }
  return statement;
}

// The series of a location and/or parameter filter that a merged page reads, as the catalogue
// knows them; empty when the general statement reads the page.
std::vector<NamedSeries> MergeableSeries(const core::ObservationQuery& query,
                                         const SeriesCatalogue& catalogue) {
  if (!FiltersSeries(query)) return {};
  if (IsOneSeries(query)) {
    const std::optional<std::int64_t> id = catalogue.Find(query.locations[0], *query.parameter);
    if (!id) return {};
    return {{*id, {query.locations[0], *query.parameter}}};
  }
  std::vector<NamedSeries> series = catalogue.Matching(query.locations, query.parameter);
  if (series.size() > kMaxMergedSeries) series.clear();
  return series;
}

// Column `column` of a count's one row, an int8.
std::int64_t FirstInt64(const PGresult* result, int column) {
  if (PQntuples(result) != 1 || column >= PQnfields(result) || PQfformat(result, column) != 1 ||
      PQgetlength(result, 0, column) != 8) {
    throw StatementError("postgresql: a count is not one int8", "");
  }
  return core::LoadBigEndian<std::int64_t>(PQgetvalue(result, 0, column));
}

// Rows of (series id, ts, value, flag, source), named from the catalogue.
std::vector<core::StoredObservation> ReadRows(PgConnection& connection, SeriesCatalogue& catalogue,
                                              const PGresult* result) {
  const BinaryColumns columns(result, {8, 8, 8, 2, 0});
  const int count = PQntuples(result);
  std::vector<core::StoredObservation> rows;
  rows.reserve(static_cast<std::size_t>(count));
  for (int row = 0; row < count; ++row) {
    // Built whole and appended: a vector of `count` default rows would be filled twice.
    rows.push_back({columns.Int64(row, 0),
                    {{},
                     {},
                     PgMicrosToMs(columns.Int64(row, 1)),
                     columns.Double(row, 2),
                     ToQualityFlag(columns.Int16(row, 3)),
                     std::string(TextView(result, row, 4))}});
  }
  if (!catalogue.FillNames(rows)) {
    catalogue.Reload(connection);
    if (!catalogue.FillNames(rows)) {
      throw core::ApiError(core::ErrorCode::kInternal,
                           "postgresql: an observation names a series that does not exist");
    }
  }
  return rows;
}

}  // namespace

std::vector<core::StoredObservation> Pages::Read(const core::ObservationQuery& query) {
  return Run(pool_, "query observations", Retry::kAlways, [&](PgConnection& connection) {
    const Position at = PositionOf(query);
    const std::vector<NamedSeries> series = MergeableSeries(query, catalogue_);
    if (series.empty()) {
      return ReadRows(connection, catalogue_,
                      connection.ExecBinary("query observations", GeneralPage(query, at)).get());
    }
    // Ids never change, so a series the catalogue found is the filter's only one.
    if (IsOneSeries(query)) {
      return ReadRows(
          connection, catalogue_,
          connection.ExecBinary("query observations", SeriesPage(query, at, series[0])).get());
    }
    // The catalogue may lack a series another process recorded since it was read: the page
    // comes with the number of series the filter matches in the database.
    auto [page, matched] = connection.ExecBinaryPair(
        "query observations", MergedPage(query, at, series), MatchingSeries(query));
    if (std::cmp_equal(FirstInt64(matched.get(), 0), series.size())) {
      return ReadRows(connection, catalogue_, page.get());
    }
    catalogue_.Reload(connection);
    return ReadRows(connection, catalogue_,
                    connection.ExecBinary("query observations", GeneralPage(query, at)).get());
  });
}

std::int64_t Pages::Count(const core::ObservationQuery& query) {
  return Run(pool_, "count observations", Retry::kAlways, [&](PgConnection& connection) {
    return FirstInt64(connection.ExecBinary("count observations", CountStatement(query)).get(), 0);
  });
}

ObservationPage Pages::ReadWithCount(const core::ObservationQuery& page_query,
                                     const core::ObservationQuery& count_query) {
  const bool same_series = page_query.locations == count_query.locations &&
                           page_query.parameter == count_query.parameter;
  if (!same_series) return {Read(page_query), Count(count_query)};
  return Run(pool_, "query observations", Retry::kAlways, [&](PgConnection& connection) {
    const Position at = PositionOf(page_query);
    const std::vector<NamedSeries> series = MergeableSeries(page_query, catalogue_);
    auto [page, count] = connection.ExecBinaryPair(
        "query observations", PageStatement(page_query, at, series), CountStatement(count_query));
    ObservationPage done;
    done.count = FirstInt64(count.get(), 0);
    // kCountSeries also says how many series the filter matches (see Read).
    if (!series.empty() && !std::cmp_equal(FirstInt64(count.get(), 1), series.size())) {
      catalogue_.Reload(connection);
      page = connection.ExecBinary("query observations", GeneralPage(page_query, at));
    }
    done.rows = ReadRows(connection, catalogue_, page.get());
    return done;
  });
}

}  // namespace ocean::storage::pg
