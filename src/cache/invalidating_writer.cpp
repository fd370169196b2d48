#include "cache/invalidating_writer.hpp"

#include <exception>

#include "cache/cache.hpp"
#include "storage/store.hpp"

namespace ocean::cache {
namespace {

core::IngestResult Upsert(storage::Store& store, std::span<const core::Observation> rows,
                          const storage::FlagReview* review) {
  return review != nullptr ? store.UpsertObservationsWithReview(rows, *review)
                           : store.UpsertObservations(rows);
}

}  // namespace

core::IngestResult InvalidatingWriter::Ingest(std::span<const core::Observation> rows) {
  core::IngestResult result = Upsert(store_, rows, review_);
  InvalidateAll();
  return result;
}

core::IngestResult InvalidatingWriter::WriteFetched(std::span<const core::Observation> rows,
                                                    std::span<const storage::SourceCell> cells) {
  const core::IngestResult result = Upsert(store_, rows, review_);
  std::exception_ptr cells_error;
  try {
    store_.UpsertSourceCells(cells);
  } catch (const std::exception&) {
    cells_error = std::current_exception();
  }
  if (result.inserted + result.updated > 0) InvalidateAll();
  if (cells_error) std::rethrow_exception(cells_error);
  return result;
}

void InvalidatingWriter::RecordSourceRun(const storage::SourceRun& run) {
  store_.RecordSourceRun(run);
  InvalidateAll();
}

void InvalidatingWriter::UpsertDailyRecord(std::string_view location, std::string_view parameter,
                                           std::string_view source,
                                           std::span<const storage::DailyValue> days) {
  store_.UpsertDailyRecord(location, parameter, source, days);
  InvalidateAll();
}

void InvalidatingWriter::PutClimatology(const storage::StoredClimatology& climatology) {
  store_.PutClimatology(climatology);
  InvalidateAll();
}

std::int64_t InvalidatingWriter::DeleteObservationsBefore(core::EpochMs cutoff_ms) {
  const std::int64_t deleted = store_.DeleteObservationsBefore(cutoff_ms);
  if (deleted > 0) InvalidateAll();
  return deleted;
}

void InvalidatingWriter::PollDataVersion(bool drop_on_first) {
  std::string version = store_.DataVersion();
  std::lock_guard lock(version_mutex_);
  const bool changed = version_ ? *version_ != version : drop_on_first;
  version_ = std::move(version);
  if (changed) InvalidateAll();
}

void InvalidatingWriter::InvalidateAll() {
  if (cache_ != nullptr) cache_->InvalidateAll();
}

}  // namespace ocean::cache
