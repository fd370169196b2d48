#include "storage/pg/pages.hpp"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <utility>

#include "core/api_error.hpp"
#include "storage/pg/catalogue.hpp"
#include "storage/pg/codec.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pg/day_split.hpp"
#include "storage/pg/page_bound.hpp"
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

PagePosition PositionOf(const core::ObservationQuery& query) {
  if (!query.after) return {ClampToPg(query.start_ms), "", "", ""};
  const core::CursorPosition& after = *query.after;
  return {ClampToPg(after.timestamp_ms), after.location_id, after.parameter, after.source};
}

// The general page: sql::kPage. Planned for its values when it filters, since the best plan
// then depends on how many rows the values select, which a generic plan does not know.
Statement GeneralPage(const core::ObservationQuery& query, const PagePosition& at) {
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

SeriesStart StartOf(const core::ObservationQuery& query, const PagePosition& at,
                    const NamedSeries& series) {
  return StartOfSeries(ClampToPg(query.start_ms), query.after ? &at : nullptr,
                       series.names.location_id, series.names.parameter);
}

// A page of one series: sql::kSeriesPage.
Statement SeriesPage(const core::ObservationQuery& query, const PagePosition& at,
                     const NamedSeries& series) {
  Statement statement{sql::kSeriesPage, {}, false};
  PgParams& params = statement.params;
  SeriesStart start = StartOf(query, at, series);
  params.Add(series.id).Add(start.ts_us).Add(std::move(start.source));
  params.Add(ClampToPg(query.end_ms));
  AddOptional(params, query.source);
  params.Add(query.limit);
  return statement;
}

// A page over `series` (in name order), one key range each, merged: see sql::kPageBranch.
Statement MergedPage(const core::ObservationQuery& query, const PagePosition& at,
                     const std::vector<NamedSeries>& series) {
  Statement statement;
  PgParams& params = statement.params;
  params.Add(ClampToPg(query.end_ms));
  AddOptional(params, query.source);
  params.Add(query.limit);
  statement.sql_text = sql::kMergedPageOpen;
  int next = params.size() + 1;
  for (std::size_t i = 0; i < series.size(); ++i) {
    if (i > 0) statement.sql_text += " UNION ALL ";
    statement.sql_text += fmt::format(fmt::runtime(sql::kPageBranch), next, next + 1, next + 2, i);
    next += 3;
    SeriesStart start = StartOf(query, at, series[i]);
    params.Add(series[i].id).Add(start.ts_us).Add(std::move(start.source));
  }
  statement.sql_text += sql::kMergedPageClose;
  return statement;
}

bool IsOneSeries(const core::ObservationQuery& query) {
  return query.locations.size() == 1 && query.parameter.has_value();
}

// The statement of a page over `series` (empty: the general statement).
Statement PageStatement(const core::ObservationQuery& query, const PagePosition& at,
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

// The count of the rows `query` filters: sql::kCountAll or kCountAllOfSource without a location
// or parameter filter; else kCountOneSeries for the one series `series` holds, or kCountSeries
// over `series` (every series of the filter the catalogue knows).
Statement CountStatement(const core::ObservationQuery& query,
                         const std::vector<NamedSeries>& series) {
  const DaySplit split = SplitAtDays(ClampToPg(query.start_ms), ClampToPg(query.end_ms));
  Statement statement;
  PgParams& params = statement.params;
  params.Add(split.first_day).Add(split.end_day);
  for (const EdgeCount& edge : split.edges) {
    params.Add(edge.sign).Add(edge.from_us).Add(edge.to_us);
  }
  if (!FiltersSeries(query)) {
    statement.sql_text = query.source ? sql::kCountAllOfSource : sql::kCountAll;
    if (query.source) params.Add(*query.source);
    return statement;
  }
  if (IsOneSeries(query) && series.size() == 1) {
    statement.sql_text = sql::kCountOneSeries;
    params.Add(series[0].id);
    AddOptional(params, query.source);
    return statement;
  }
  statement.sql_text = sql::kCountSeries;
  std::vector<std::int64_t> ids;
  ids.reserve(series.size());
  for (const NamedSeries& one : series) ids.push_back(one.id);
  params.Add(PgInt8Array(ids));
  AddOptional(params, query.source);
  AddLocations(params, query.locations);
  AddOptional(params, query.parameter);
  return statement;
}

// The series of a location and/or parameter filter as the catalogue knows them, in name order;
// `merged_only`: empty when there are more than a merged page reads (the general statement
// then reads the page).
std::vector<NamedSeries> FilterSeries(const core::ObservationQuery& query,
                                      const SeriesCatalogue& catalogue, bool merged_only) {
  if (!FiltersSeries(query)) return {};
  if (IsOneSeries(query)) {
    const std::optional<std::int64_t> id = catalogue.Find(query.locations[0], *query.parameter);
    if (!id) return {};
    return {{*id, {query.locations[0], *query.parameter}}};
  }
  std::vector<NamedSeries> series = catalogue.Matching(query.locations, query.parameter);
  if (merged_only && series.size() > kMaxMergedSeries) series.clear();
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
    const PagePosition at = PositionOf(query);
    const std::vector<NamedSeries> series = FilterSeries(query, catalogue_, true);
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

namespace {

// Whether a count over `series` needs the catalogue checked: every count of a location or
// parameter filter but that of one series the catalogue found (ids never change).
bool ChecksCatalogue(const core::ObservationQuery& query, const std::vector<NamedSeries>& series) {
  return FiltersSeries(query) && !(IsOneSeries(query) && series.size() == 1);
}

// Whether the count `result` (sql::kCountSeries) matched as many series in the database as the
// catalogue listed.
bool CatalogueCurrent(const PGresult* result, const std::vector<NamedSeries>& series) {
  return std::cmp_equal(FirstInt64(result, 1), series.size());
}

}  // namespace

std::int64_t Pages::Count(const core::ObservationQuery& query) {
  return Run(pool_, "count observations", Retry::kAlways, [&](PgConnection& connection) {
    for (int attempt = 0;; ++attempt) {
      const std::vector<NamedSeries> series = FilterSeries(query, catalogue_, false);
      PgResultPtr count =
          connection.ExecBinary("count observations", CountStatement(query, series));
      if (attempt > 0 || !ChecksCatalogue(query, series) || CatalogueCurrent(count.get(), series)) {
        return FirstInt64(count.get(), 0);
      }
      catalogue_.Reload(connection);
    }
  });
}

ObservationPage Pages::ReadWithCount(const core::ObservationQuery& page_query,
                                     const core::ObservationQuery& count_query) {
  const bool same_series = page_query.locations == count_query.locations &&
                           page_query.parameter == count_query.parameter;
  if (!same_series) return {Read(page_query), Count(count_query)};
  return Run(pool_, "query observations", Retry::kAlways, [&](PgConnection& connection) {
    const PagePosition at = PositionOf(page_query);
    for (int attempt = 0;; ++attempt) {
      const std::vector<NamedSeries> series = FilterSeries(page_query, catalogue_, false);
      const std::vector<NamedSeries> merged =
          series.size() > kMaxMergedSeries ? std::vector<NamedSeries>{} : series;
      auto [page, count] =
          connection.ExecBinaryPair("query observations", PageStatement(page_query, at, merged),
                                    CountStatement(count_query, series));
      // A series the catalogue lacks: read it in, and the page and count again.
      if (attempt == 0 && ChecksCatalogue(count_query, series) &&
          !CatalogueCurrent(count.get(), series)) {
        catalogue_.Reload(connection);
        continue;
      }
      ObservationPage done;
      done.count = FirstInt64(count.get(), 0);
      done.rows = ReadRows(connection, catalogue_, page.get());
      return done;
    }
  });
}

}  // namespace ocean::storage::pg
