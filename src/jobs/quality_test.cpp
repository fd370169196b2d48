#include "jobs/quality.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <vector>

namespace ocean::jobs {
namespace {

namespace json = boost::json;
using core::QualityFlag;
using storage::FlaggedRow;

constexpr core::EpochMs kHour = 3'600'000;

science::QartodConfig Config(std::string_view text) {
  return science::ParseQartodConfig(json::parse(text));
}

// Hourly rows with the given values, all stored `good` and arrived `not evaluated`.
std::vector<FlaggedRow> Hourly(std::vector<double> values) {
  std::vector<FlaggedRow> rows;
  for (std::size_t i = 0; i < values.size(); ++i) {
    rows.push_back({static_cast<core::EpochMs>(i) * kHour, values[i], QualityFlag::kGood,
                    QualityFlag::kNotEvaluated});
  }
  return rows;
}

constexpr char kSpike[] = R"({"qartod":{"spike_test":{"suspect_threshold":1,"fail_threshold":5}}})";

TEST(MergeUpstream, TheWorseFlagInQartodOrderWins) {
  EXPECT_EQ(MergeUpstream(QualityFlag::kGood, QualityFlag::kBad), QualityFlag::kBad);
  EXPECT_EQ(MergeUpstream(QualityFlag::kSuspect, QualityFlag::kGood), QualityFlag::kSuspect);
  EXPECT_EQ(MergeUpstream(QualityFlag::kNotEvaluated, QualityFlag::kGood), QualityFlag::kGood);
  EXPECT_EQ(MergeUpstream(QualityFlag::kGood, QualityFlag::kNotEvaluated), QualityFlag::kGood);
  EXPECT_EQ(MergeUpstream(QualityFlag::kBad, QualityFlag::kMissing), QualityFlag::kBad);
}

TEST(NeighboursNeeded, OneEachSideOfTheAffectedRowsWithoutAFlatLine) {
  const std::vector<core::EpochMs> times = {0, kHour, 2 * kHour};
  EXPECT_EQ(NeighboursNeeded(Config(kSpike), times), 2);
}

TEST(NeighboursNeeded, TheFlatLineWindowInSamplesOfTheMedianStep) {
  const auto config = Config(
      R"({"qartod":{"flat_line_test":{"tolerance":0.01,"suspect_threshold":10800,"fail_threshold":21600}}})");
  // 6 h over a 1 h step: 6 samples, plus the two rows of context.
  EXPECT_EQ(NeighboursNeeded(config, std::vector<core::EpochMs>{0, kHour, 2 * kHour, 5 * kHour}),
            8);
  // No step known yet: as many as allowed.
  EXPECT_GT(NeighboursNeeded(config, std::vector<core::EpochMs>{0}), 1000);
}

TEST(ReflagWindow, ASpikeInTheBatchIsFlaggedAndItsNeighboursJudged) {
  const auto window = Hourly({10, 10, 13, 10, 10});
  const auto changes = ReflagWindow(Config(kSpike), window, 2 * kHour, 2 * kHour);
  // Row 2 is a 3-unit spike: suspect. Rows 1 and 3 are 1.5 away from their neighbours' mean:
  // suspect too (ioos_qc's average method). Row 0 and 4 are outside the affected rows.
  ASSERT_EQ(changes.size(), 3U);
  EXPECT_EQ(changes[0].index, 1U);
  EXPECT_EQ(changes[1].index, 2U);
  EXPECT_EQ(changes[1].quality_flag, QualityFlag::kSuspect);
  EXPECT_EQ(changes[2].index, 3U);
}

TEST(ReflagWindow, RowsFarFromTheBatchAreContextOnly) {
  // A stored spike at row 1 stays as stored: the batch (row 5) cannot change it.
  // (The last row, which the spike test cannot judge, goes back to its arriving flag.)
  const auto window = Hourly({10, 30, 10, 10, 10, 10, 10});
  const auto changes = ReflagWindow(Config(kSpike), window, 5 * kHour, 5 * kHour);
  ASSERT_EQ(changes.size(), 1U);
  EXPECT_EQ(changes[0].index, 6U);
  EXPECT_EQ(changes[0].quality_flag, QualityFlag::kNotEvaluated);
}

TEST(ReflagWindow, ABatchUnspikesAStoredRow) {
  // Row 1 was a spike between 10 and 10, stored suspect; the batch replaces row 2 with 16, so
  // row 1 now lies on a ramp.
  auto window = Hourly({10, 13, 16});
  window[1].quality_flag = QualityFlag::kSuspect;
  const auto changes = ReflagWindow(Config(kSpike), window, 2 * kHour, 2 * kHour);
  ASSERT_EQ(changes.size(), 2U);
  EXPECT_EQ(changes[0].index, 1U);
  EXPECT_EQ(changes[0].quality_flag, QualityFlag::kGood);
  // The last row cannot be judged by the spike test: it keeps the flag it arrived with.
  EXPECT_EQ(changes[1].index, 2U);
  EXPECT_EQ(changes[1].quality_flag, QualityFlag::kNotEvaluated);
}

TEST(ReflagWindow, AnUpstreamFlagWorseThanTheTestsIsKept) {
  auto window = Hourly({10, 10, 10});
  window[1].upstream_flag = QualityFlag::kBad;
  const auto changes = ReflagWindow(Config(kSpike), window, kHour, kHour);
  // Rows 0 and 2, first and last, go back to their arriving flag; row 1 passes but arrived bad.
  ASSERT_EQ(changes.size(), 3U);
  EXPECT_EQ(changes[1].index, 1U);
  EXPECT_EQ(changes[1].quality_flag, QualityFlag::kBad);
}

TEST(ReflagWindow, FlatLineReachesRowsAfterTheBatch) {
  const auto config = Config(
      R"({"qartod":{"flat_line_test":{"tolerance":0.01,"suspect_threshold":7200,"fail_threshold":36000}}})");
  // Stored 0..3 and 5..7 vary; the batch's row 4 makes rows 4..6 flat over 2 samples back.
  auto window = Hourly({1, 2, 3, 5, 5, 5, 5, 8});
  const auto changes = ReflagWindow(config, window, 4 * kHour, 4 * kHour);
  std::vector<std::size_t> indices;
  for (const auto& change : changes) {
    EXPECT_EQ(change.quality_flag, QualityFlag::kSuspect);
    indices.push_back(change.index);
  }
  // Row 5's window is rows 3..5 and row 6's is 4..6: both flat; row 4's (2..4) is not.
  EXPECT_THAT(indices, ::testing::ElementsAre(5U, 6U));
}

TEST(QcRules, DefaultsAndPerLocationOverrides) {
  const auto rules = QcRules::Parse(json::parse(R"({
    "parameters": {"sst": {"qartod": {
      "gross_range_test": {"suspect_span": [0, 30]},
      "spike_test": {"suspect_threshold": 1, "fail_threshold": 2}}}},
    "locations": {"bay": {"sst": {"qartod": {"gross_range_test": {"suspect_span": [5, 20]}}}}}
  })"));
  const science::QartodConfig* general = rules.Find("elsewhere", "sst");
  ASSERT_NE(general, nullptr);
  EXPECT_EQ(general->tests.size(), 2U);
  const science::QartodConfig* bay = rules.Find("bay", "sst");
  ASSERT_NE(bay, nullptr);
  ASSERT_EQ(bay->tests.size(), 2U);  // the spike test is kept
  const auto& gross = std::get<science::GrossRangeConfig>(bay->tests[0]);
  EXPECT_EQ(gross.fail_span.min, -2.5);  // the catalogue's valid range
  EXPECT_EQ(gross.fail_span.max, 40.0);
  ASSERT_TRUE(gross.suspect_span);
  EXPECT_EQ(gross.suspect_span->min, 5);
  // Every catalogue parameter has at least its gross range test.
  const science::QartodConfig* salinity = rules.Find("bay", "salinity");
  ASSERT_NE(salinity, nullptr);
  EXPECT_EQ(salinity->tests.size(), 1U);
  EXPECT_EQ(rules.Find("bay", "no_such_parameter"), nullptr);
}

TEST(QcRules, RefusesUnknownParametersAndBadTests) {
  EXPECT_THROW(QcRules::Parse(json::parse(R"({"parameters":{"sstt":{"qartod":{}}}})")),
               science::QcError);
  EXPECT_THROW(QcRules::Parse(json::parse(
                   R"({"parameters":{"sst":{"qartod":{"spike_test":{"method":"median"}}}}})")),
               science::QcError);
  EXPECT_THROW(QcRules::Parse(json::parse(R"({"parameter":{}})")), science::QcError);
}

TEST(QcRules, TheShippedFileLoads) {
  EXPECT_NO_THROW(QcRules::Load(std::string(OCEAN_TEST_SOURCE_DIR) + "/config/qc.json"));
}

// A reader over one in-memory series, recording what it was asked.
class FakeReader final : public storage::SeriesWindowReader {
 public:
  explicit FakeReader(std::vector<FlaggedRow> rows) : rows_(std::move(rows)) {}
  std::vector<FlaggedRow> ReadWindow(const storage::SeriesKey&, core::EpochMs start_ms,
                                     core::EpochMs end_ms, int before, int after) override {
    asked.push_back(before);
    std::vector<FlaggedRow> out;
    std::vector<FlaggedRow> earlier;
    for (const auto& row : rows_) {
      if (row.timestamp_ms < start_ms) earlier.push_back(row);
    }
    const auto skip = earlier.size() > static_cast<std::size_t>(before)
                          ? earlier.size() - static_cast<std::size_t>(before)
                          : 0;
    out.assign(earlier.begin() + static_cast<std::ptrdiff_t>(skip), earlier.end());
    int later = 0;
    for (const auto& row : rows_) {
      if (row.timestamp_ms >= start_ms && row.timestamp_ms <= end_ms) out.push_back(row);
      if (row.timestamp_ms > end_ms && later < after) {
        out.push_back(row);
        ++later;
      }
    }
    return out;
  }
  std::vector<int> asked;

 private:
  std::vector<FlaggedRow> rows_;
};

TEST(QualityReview, ReadsMoreNeighboursWhenTheFlatLineWindowNeedsThem) {
  const QualityReview review(QcRules::Parse(json::parse(R"({"parameters":{"sst":{"qartod":{
      "flat_line_test":{"tolerance":0.001,"suspect_threshold":18000,"fail_threshold":36000}}}}})")));
  std::vector<double> values(30, 12.0);
  values[29] = 13.0;
  FakeReader reader(Hourly(values));
  const core::Observation row{"bay", "sst", 20 * kHour, 12.0, QualityFlag::kNotEvaluated, "s"};
  const auto changes = review.Review(std::span(&row, 1), reader);
  ASSERT_EQ(reader.asked.size(), 2U);
  EXPECT_EQ(reader.asked[1], 12);  // 10 samples of 1 h for the fail window, plus 2
  // Rows 20..28 are flat over 10 samples: bad; the batch changes rows 19..30 at most.
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes.front().timestamp_ms, 19 * kHour);
  for (const auto& change : changes) {
    EXPECT_EQ(change.series.location_id, "bay");
    EXPECT_EQ(change.quality_flag, QualityFlag::kBad);
  }
}

}  // namespace
}  // namespace ocean::jobs
