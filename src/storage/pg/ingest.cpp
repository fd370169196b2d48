#include "storage/pg/ingest.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/api_error.hpp"
#include "storage/pg/catalogue.hpp"
#include "storage/pg/codec.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pg/review.hpp"
#include "storage/pg/statements.hpp"
#include "storage/store_internal.hpp"

namespace ocean::storage::pg {
namespace {

constexpr char kRejected[] = "ingest rejected, nothing was written: ";

// `series_ids[i]` is the series of rows[i] and flags[i] the flag to store for it (the row's
// own flag is the one it arrived with).
std::string CopyData(std::span<const core::Observation> rows,
                     std::span<const std::int64_t> series_ids,
                     std::span<const core::QualityFlag> flags) {
  constexpr std::uint16_t kFields = 6;  // the columns of sql::kCopyIngestRows, in order
  CopyBinaryWriter copy(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const core::Observation& row = rows[i];
    copy.BeginRow(kFields);
    copy.Int64(series_ids[i]);
    copy.Int64(PgTimestampMicros(row.timestamp_ms));
    copy.Text(row.source);
    copy.Double(row.value);
    copy.Int16(static_cast<std::int16_t>(flags[i]));
    copy.Int16(static_cast<std::int16_t>(row.quality_flag));
  }
  return std::move(copy).Finish();
}

// The parameters of sql::kUpdateLatestFromIngest: per series of the batch, its rows at the
// series' newest instant (reading them back from the staging table would scan and sort it).
PgParams LatestCandidates(std::span<const core::Observation> rows,
                          std::span<const std::int64_t> series_ids,
                          std::span<const core::QualityFlag> flags) {
  std::unordered_map<std::int64_t, core::EpochMs> newest;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto [entry, added] = newest.try_emplace(series_ids[i], rows[i].timestamp_ms);
    if (!added) entry->second = std::max(entry->second, rows[i].timestamp_ms);
  }
  std::vector<std::int64_t> ids;
  std::vector<std::int64_t> timestamps;
  std::vector<double> values;
  std::vector<std::int64_t> stored_flags;
  std::vector<std::string> sources;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].timestamp_ms != newest.at(series_ids[i])) continue;
    ids.push_back(series_ids[i]);
    timestamps.push_back(rows[i].timestamp_ms);
    values.push_back(rows[i].value);
    stored_flags.push_back(static_cast<std::int64_t>(flags[i]));
    sources.push_back(rows[i].source);
  }
  PgParams params;
  params.Add(PgInt8Array(ids)).Add(PgInt8Array(timestamps)).Add(PgFloat8Array(values));
  params.Add(PgInt8Array(stored_flags)).Add(PgTextArray(sources));
  return params;
}

// Data exceptions (22), integrity violations (23: an unknown location) and a key twice in one
// batch (21000) are the batch's fault; anything else is the store's.
bool IsRejectedData(const std::string& sqlstate) {
  return sqlstate.starts_with("22") || sqlstate.starts_with("23") || sqlstate == "21000";
}

std::vector<std::int64_t> ResolveSeries(PgConnection& connection, SeriesCatalogue& catalogue,
                                        std::span<const core::Observation> rows) {
  SeriesCatalogue::Resolved series = catalogue.Resolve(rows);
  if (series.missing_locations.empty()) return std::move(series.ids);
  // Committed on its own, before the batch: should the batch then fail, the new series just
  // stay empty, as series emptied by retention do.
  connection.Exec("record series", sql::kInsertSeries,
                  PgParams()
                      .Add(PgTextArray(series.missing_locations))
                      .Add(PgTextArray(series.missing_parameters)));
  catalogue.Reload(connection);
  series = catalogue.Resolve(rows);
  if (!series.missing_locations.empty()) {
    throw core::ApiError(core::ErrorCode::kInternal,
                         std::string(kRejected) + "a series was not recorded");
  }
  return std::move(series.ids);
}

}  // namespace

void CheckPgTimestamps(std::span<const core::Observation> rows) {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const core::EpochMs ms = rows[i].timestamp_ms;
    if (ms < kMinPgMs || ms > kMaxPgMs) {
      const std::string why = std::to_string(ms) + " ms is outside what PostgreSQL can store";
      throw core::ApiError(core::ErrorCode::kValidation, kRejected + ("timestamp " + why),
                           {{static_cast<long long>(i), "timestamp", why}});
    }
  }
}

core::IngestResult Ingest(PgConnection& connection, SeriesCatalogue& catalogue,
                          std::span<const core::Observation> rows, const FlagReview* review) {
  if (!connection.ingest_table_ready()) {
    connection.Exec("create ingest table", sql::kCreateIngestTable);
    connection.set_ingest_table_ready();
  }
  try {
    const std::vector<std::int64_t> ids = ResolveSeries(connection, catalogue, rows);
    PgTransaction transaction(connection);
    connection.Exec("lock counts", sql::kLockCountsForIngest);
    ReviewedBatch reviewed;
    if (review != nullptr) {
      reviewed = ReviewBatch(connection, rows, ids, *review);
    } else {
      reviewed.flags.reserve(rows.size());
      for (const core::Observation& row : rows) reviewed.flags.push_back(row.quality_flag);
    }
    connection.CopyIn("copy observations", sql::kCopyIngestRows,
                      CopyData(rows, ids, reviewed.flags));
    PgResultPtr counts = connection.Exec("upsert observations", sql::kUpsertObservationsFromIngest);
    connection.Exec("update latest", sql::kUpdateLatestFromIngest,
                    LatestCandidates(rows, ids, reviewed.flags));
    WriteStoredReflags(connection, reviewed.stored);
    transaction.CommitWrite();
    core::IngestResult done;
    done.received = static_cast<std::int64_t>(rows.size());
    done.inserted = ParseInt(counts.get(), 0, 0);
    done.updated = ParseInt(counts.get(), 0, 1);
    return done;
  } catch (const StatementError& e) {
    throw core::ApiError(
        IsRejectedData(e.sqlstate()) ? core::ErrorCode::kValidation : core::ErrorCode::kInternal,
        std::string(kRejected) + e.what());
  }
}

}  // namespace ocean::storage::pg
