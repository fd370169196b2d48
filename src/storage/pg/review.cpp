#include "storage/pg/review.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/pg/codec.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pg/statements.hpp"
#include "storage/store_internal.hpp"

namespace ocean::storage::pg {
namespace {

using SeriesIds = std::map<std::pair<std::string, std::string>, std::int64_t>;

std::int64_t IdOf(const SeriesIds& ids, const SeriesKey& series) {
  const auto found = ids.find({series.location_id, series.parameter});
  if (found == ids.end()) {
    // The reviewer asks only about the batch's series, which all have ids by now.
    throw std::logic_error("flag review: a series outside the batch");
  }
  return found->second;
}

// The batch's rows ordered by series id, source and time, to find one series' rows and one row.
class BatchIndex {
 public:
  BatchIndex(std::span<const core::Observation> rows, std::span<const std::int64_t> series_ids)
      : rows_(rows), ids_(series_ids), order_(rows.size()) {
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    std::sort(order_.begin(), order_.end(), [this](std::size_t a, std::size_t b) {
      return std::tie(ids_[a], rows_[a].source, rows_[a].timestamp_ms) <
             std::tie(ids_[b], rows_[b].source, rows_[b].timestamp_ms);
    });
  }

  // Indexes into the batch of the rows of (id, source), in time order.
  std::span<const std::size_t> Rows(std::int64_t id, std::string_view source) const {
    const auto [lo, hi] =
        std::equal_range(order_.begin(), order_.end(), Probe{id, source}, ProbeLess{ids_, rows_});
    return {lo, hi};
  }

  std::optional<std::size_t> Find(std::int64_t id, std::string_view source,
                                  core::EpochMs timestamp_ms) const {
    const std::span<const std::size_t> series = Rows(id, source);
    const auto found = std::lower_bound(
        series.begin(), series.end(), timestamp_ms,
        [this](std::size_t i, core::EpochMs t) { return rows_[i].timestamp_ms < t; });
    if (found == series.end() || rows_[*found].timestamp_ms != timestamp_ms) return std::nullopt;
    return *found;
  }

 private:
  struct Probe {
    std::int64_t id;
    std::string_view source;
  };
  struct ProbeLess {
    std::span<const std::int64_t> ids;
    std::span<const core::Observation> rows;
    bool operator()(std::size_t i, const Probe& p) const {
      return ids[i] != p.id ? ids[i] < p.id : std::string_view(rows[i].source) < p.source;
    }
    bool operator()(const Probe& p, std::size_t i) const {
      return p.id != ids[i] ? p.id < ids[i] : p.source < std::string_view(rows[i].source);
    }
  };

  std::span<const core::Observation> rows_;
  std::span<const std::int64_t> ids_;
  std::vector<std::size_t> order_;
};

// The stored rows of windows with the batch's rows laid over them.
class WindowReader final : public SeriesWindowReader {
 public:
  WindowReader(PgConnection& connection, const SeriesIds& ids,
               std::span<const core::Observation> rows, const BatchIndex& batch)
      : connection_(connection), ids_(ids), rows_(rows), batch_(batch) {}

  std::vector<FlaggedRow> ReadWindow(const SeriesKey& series, core::EpochMs start_ms,
                                     core::EpochMs end_ms, int before, int after) override {
    const WindowRequest request{series, start_ms, end_ms, before, after};
    return std::move(ReadWindows({&request, 1}).front());
  }

  std::vector<std::vector<FlaggedRow>> ReadWindows(
      std::span<const WindowRequest> requests) override {
    std::vector<std::vector<FlaggedRow>> windows(requests.size());
    if (requests.empty()) return windows;
    std::vector<std::int64_t> series_ids;
    std::vector<std::string> sources;
    std::vector<std::int64_t> starts;
    std::vector<std::int64_t> ends;
    std::vector<std::int64_t> befores;
    std::vector<std::int64_t> afters;
    for (const WindowRequest& r : requests) {
      series_ids.push_back(IdOf(ids_, r.series));
      sources.push_back(r.series.source);
      starts.push_back(r.start_ms);
      ends.push_back(r.end_ms);
      befores.push_back(r.before);
      afters.push_back(r.after);
    }
    Statement statement{sql::kReviewWindows, {}, true};
    statement.params.Add(PgInt8Array(series_ids))
        .Add(PgTextArray(sources))
        .Add(PgInt8Array(starts))
        .Add(PgInt8Array(ends))
        .Add(PgInt8Array(befores))
        .Add(PgInt8Array(afters));
    const PgResultPtr result = connection_.ExecBinary("review windows", statement);
    const BinaryColumns columns(result.get(), {8, 8, 8, 2, 2});
    const int count = PQntuples(result.get());
    for (int i = 0; i < count; ++i) {
      windows[static_cast<std::size_t>(columns.Int64(i, 0) - 1)].push_back(
          {PgMicrosToMs(columns.Int64(i, 1)), columns.Double(i, 2),
           ToQualityFlag(columns.Int16(i, 3)), ToQualityFlag(columns.Int16(i, 4))});
    }
    for (std::size_t k = 0; k < requests.size(); ++k) {
      windows[k] = Overlay(std::move(windows[k]), requests[k], series_ids[k]);
    }
    return windows;
  }

 private:
  // The stored rows of a window (in time order) with the batch's rows of its series merged in, a
  // batch row replacing the stored row of its time, then cut to the request's neighbours again
  // (batch rows outside the request's span may have displaced stored ones).
  std::vector<FlaggedRow> Overlay(std::vector<FlaggedRow> stored, const WindowRequest& request,
                                  std::int64_t series_id) const {
    const std::span<const std::size_t> batch = batch_.Rows(series_id, request.series.source);
    if (batch.empty()) return stored;
    std::vector<FlaggedRow> rows;
    rows.reserve(stored.size() + batch.size());
    auto s = stored.begin();
    for (const std::size_t b : batch) {
      const core::Observation& row = rows_[b];
      for (; s != stored.end() && s->timestamp_ms <= row.timestamp_ms; ++s) {
        if (s->timestamp_ms < row.timestamp_ms) rows.push_back(*s);
      }
      rows.push_back({row.timestamp_ms, row.value, row.quality_flag, row.quality_flag});
    }
    rows.insert(rows.end(), s, stored.end());
    const auto first =
        std::lower_bound(rows.begin(), rows.end(), request.start_ms,
                         [](const FlaggedRow& r, core::EpochMs t) { return r.timestamp_ms < t; });
    const auto last =
        std::upper_bound(rows.begin(), rows.end(), request.end_ms,
                         [](core::EpochMs t, const FlaggedRow& r) { return t < r.timestamp_ms; });
    const auto lo = first - std::min<std::ptrdiff_t>(first - rows.begin(), request.before);
    const auto hi = last + std::min<std::ptrdiff_t>(rows.end() - last, request.after);
    return {lo, hi};
  }

  PgConnection& connection_;
  const SeriesIds& ids_;
  std::span<const core::Observation> rows_;
  const BatchIndex& batch_;
};

}  // namespace

ReviewedBatch ReviewBatch(PgConnection& connection, std::span<const core::Observation> rows,
                          std::span<const std::int64_t> series_ids, const FlagReview& review) {
  SeriesIds ids;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ids.try_emplace({rows[i].location_id, rows[i].parameter}, series_ids[i]);
  }
  const BatchIndex batch(rows, series_ids);
  WindowReader reader(connection, ids, rows, batch);
  ReviewedBatch reviewed;
  reviewed.flags.reserve(rows.size());
  for (const core::Observation& row : rows) reviewed.flags.push_back(row.quality_flag);
  for (const FlagChange& change : review.Review(rows, reader)) {
    const std::int64_t id = IdOf(ids, change.series);
    if (const auto row = batch.Find(id, change.series.source, change.timestamp_ms)) {
      reviewed.flags[*row] = change.quality_flag;
      continue;
    }
    StoredReflags& stored = reviewed.stored;
    stored.series_ids.push_back(id);
    stored.timestamps_ms.push_back(change.timestamp_ms);
    stored.sources.push_back(change.series.source);
    stored.flags.push_back(static_cast<std::int64_t>(change.quality_flag));
  }
  return reviewed;
}

void WriteStoredReflags(PgConnection& connection, const StoredReflags& reflags) {
  if (reflags.series_ids.empty()) return;
  connection.Exec("update quality flags", sql::kUpdateQualityFlags,
                  PgParams()
                      .Add(PgInt8Array(reflags.series_ids))
                      .Add(PgInt8Array(reflags.timestamps_ms))
                      .Add(PgTextArray(reflags.sources))
                      .Add(PgInt8Array(reflags.flags)));
  const std::set<std::int64_t> touched(reflags.series_ids.begin(), reflags.series_ids.end());
  const std::vector<std::int64_t> touched_ids(touched.begin(), touched.end());
  connection.Exec("refresh latest flags", sql::kRefreshLatestFlags,
                  PgParams().Add(PgInt8Array(touched_ids)));
}

}  // namespace ocean::storage::pg
