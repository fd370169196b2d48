#include "storage/pg/review.hpp"

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "storage/pg/codec.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pg/statements.hpp"
#include "storage/store_internal.hpp"

namespace ocean::storage::pg {
namespace {

using SeriesIds = std::map<std::pair<std::string, std::string>, std::int64_t>;

core::QualityFlag Flag(std::int64_t stored) {
  return core::QualityFlagFromInt(static_cast<int>(stored))
      .value_or(core::QualityFlag::kNotEvaluated);
}

std::int64_t IdOf(const SeriesIds& ids, const SeriesKey& series) {
  const auto found = ids.find({series.location_id, series.parameter});
  if (found == ids.end()) {
    // The reviewer asks only about the batch's series, which all have ids by now.
    throw std::logic_error("flag review: a series outside the batch");
  }
  return found->second;
}

class WindowReader final : public SeriesWindowReader {
 public:
  WindowReader(PgConnection& connection, const SeriesIds& ids)
      : connection_(connection), ids_(ids) {}

  std::vector<FlaggedRow> ReadWindow(const SeriesKey& series, core::EpochMs start_ms,
                                     core::EpochMs end_ms, int before, int after) override {
    const PgResultPtr result = connection_.Exec("review window", sql::kReviewWindow,
                                                PgParams()
                                                    .Add(IdOf(ids_, series))
                                                    .Add(series.source)
                                                    .Add(start_ms)
                                                    .Add(end_ms)
                                                    .Add(before)
                                                    .Add(after));
    std::vector<FlaggedRow> rows;
    const int count = PQntuples(result.get());
    rows.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
      rows.push_back({ParseInt(result.get(), i, 0), ParseDouble(result.get(), i, 1),
                      Flag(ParseInt(result.get(), i, 2)), Flag(ParseInt(result.get(), i, 3))});
    }
    return rows;
  }

 private:
  PgConnection& connection_;
  const SeriesIds& ids_;
};

}  // namespace

std::int64_t ApplyReview(PgConnection& connection, std::span<const core::Observation> rows,
                         std::span<const std::int64_t> series_ids, const FlagReview& review) {
  SeriesIds ids;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ids.try_emplace({rows[i].location_id, rows[i].parameter}, series_ids[i]);
  }
  WindowReader reader(connection, ids);
  const std::vector<FlagChange> changes = review.Review(rows, reader);
  if (changes.empty()) return 0;
  std::vector<std::int64_t> change_ids;
  std::vector<std::int64_t> timestamps;
  std::vector<std::string> sources;
  std::vector<std::int64_t> flags;
  std::set<std::int64_t> touched;
  for (const FlagChange& change : changes) {
    change_ids.push_back(IdOf(ids, change.series));
    timestamps.push_back(change.timestamp_ms);
    sources.push_back(change.series.source);
    flags.push_back(static_cast<std::int64_t>(change.quality_flag));
    touched.insert(change_ids.back());
  }
  connection.Exec("update quality flags", sql::kUpdateQualityFlags,
                  PgParams()
                      .Add(PgInt8Array(change_ids))
                      .Add(PgInt8Array(timestamps))
                      .Add(PgTextArray(sources))
                      .Add(PgInt8Array(flags)));
  const std::vector<std::int64_t> touched_ids(touched.begin(), touched.end());
  connection.Exec("refresh latest flags", sql::kRefreshLatestFlags,
                  PgParams().Add(PgInt8Array(touched_ids)));
  return static_cast<std::int64_t>(changes.size());
}

}  // namespace ocean::storage::pg
