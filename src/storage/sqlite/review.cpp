#include "storage/sqlite/review.hpp"

#include <vector>

#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/sql.hpp"

namespace ocean::storage::sqlite {
namespace {

class WindowReader final : public SeriesWindowReader {
 public:
  explicit WindowReader(Connection& writer) : writer_(writer) {}

  std::vector<FlaggedRow> ReadWindow(const SeriesKey& series, core::EpochMs start_ms,
                                     core::EpochMs end_ms, int before, int after) override {
    Statement select(writer_, sql::kReviewWindow);
    select.Bind(series.location_id, series.parameter, series.source, start_ms, end_ms, before,
                after);
    std::vector<FlaggedRow> rows;
    while (select.Step()) {
      rows.push_back({select.Int(0), select.Double(1), Flag(select.Int(2)), Flag(select.Int(3))});
    }
    return rows;
  }

 private:
  static core::QualityFlag Flag(std::int64_t stored) {
    return core::QualityFlagFromInt(static_cast<int>(stored))
        .value_or(core::QualityFlag::kNotEvaluated);
  }

  Connection& writer_;
};

}  // namespace

std::int64_t ApplyReview(Connection& writer, std::span<const core::Observation> rows,
                         const FlagReview& review) {
  WindowReader reader(writer);
  const std::vector<FlagChange> changes = review.Review(rows, reader);
  for (const FlagChange& change : changes) {
    Statement update(writer, sql::kUpdateQualityFlag);
    update
        .Bind(change.series.location_id, change.series.parameter, change.timestamp_ms,
              change.series.source, static_cast<int>(change.quality_flag))
        .Run();
  }
  return static_cast<std::int64_t>(changes.size());
}

}  // namespace ocean::storage::sqlite
