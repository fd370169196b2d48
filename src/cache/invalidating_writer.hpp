// The one owner of "a write invalidates": every write that changes what the API serves goes
// through here, and so does noticing another process's writes.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/types.hpp"

namespace ocean::storage {
class Store;
struct SourceRun;
struct SourceCell;
class FlagReview;
struct DailyValue;
struct StoredClimatology;
}  // namespace ocean::storage

namespace ocean::cache {

class Cache;

// Why a wrapper of the few writes and not a Store decorator: a decorator would have to forward
// every read of a wide interface that changes as storage evolves, while the rule to keep is
// about five writes. Why here and not at each caller: the ingest handler, the fetch sink,
// retention and the data-version poll each used to decide when to drop the cache, and one
// missed call serves stale pages until the safety TTL.
//
// Every invalidation comes after the write has committed: a reader that sees the new cache
// generation must also see the rows (Cache::Put stores under the generation its Get saw).
class InvalidatingWriter {
 public:
  // `cache` may be null: a process with no cache shared with servers (a one-shot fetch without
  // Redis) writes plainly; the servers notice through the data version.
  // `review`, when set, is run inside each write of observations (quality control on ingest).
  InvalidatingWriter(storage::Store& store, Cache* cache,
                     const storage::FlagReview* review = nullptr)
      : store_(store), cache_(cache), review_(review) {}

  // An ingest: the cache is dropped even when nothing changed, so the answer a client reads
  // right after its own write is never one computed before it.
  core::IngestResult Ingest(std::span<const core::Observation> rows);

  // A fetched batch and the grid cells it came from. The rows are kept whatever happens to the
  // cells; the cache is dropped after both writes (so a cached location page never misses the
  // cells of new rows) when any row changed, and then a cells error is rethrown.
  core::IngestResult WriteFetched(std::span<const core::Observation> rows,
                                  std::span<const storage::SourceCell> cells);

  // /api/sources/ shows a run at once: a failed run changes what it says as much as rows do.
  void RecordSourceRun(const storage::SourceRun& run);

  // A long daily record and a climatology change the anomalies, percentiles and heatwaves the
  // API serves (issue 16): the cache is dropped after each write.
  void UpsertDailyRecord(std::string_view location, std::string_view parameter,
                         std::string_view source, std::span<const storage::DailyValue> days);
  void PutClimatology(const storage::StoredClimatology& climatology);

  // Retention: the cache is dropped when any row was deleted. Returns how many.
  std::int64_t DeleteObservationsBefore(core::EpochMs cutoff_ms);

  // Another process's writes (a second server without Redis, `oceandash fetch` or `cleanup`
  // run on their own) cannot reach this process's cache: drops it when the stored data's
  // version moved since the last poll. The first successful poll only records the version,
  // unless `drop_on_first` (the baseline could not be read at start-up, so anything may have
  // changed). Throws what Store::DataVersion throws (the database is down); the next poll
  // compares again. Thread-safe.
  void PollDataVersion(bool drop_on_first);

  // Anything may have changed (start-up: locations reloaded, a run of an older binary).
  void InvalidateAll();

 private:
  storage::Store& store_;
  Cache* cache_;
  const storage::FlagReview* review_;
  std::mutex version_mutex_;
  std::optional<std::string> version_;
};

}  // namespace ocean::cache
