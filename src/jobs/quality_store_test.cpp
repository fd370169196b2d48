// Quality control on ingest on both stores: the review runs inside the batch's transaction,
// re-flags stored neighbours, and a refused batch changes no flag. PostgreSQL comes from
// OCEAN_TEST_PG_URL (scripts/services.sh), each test in a schema of its own
// (storage/testing/store_backends.hpp).
#include <boost/json/parse.hpp>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cache/cache.hpp"
#include "cache/invalidating_writer.hpp"
#include "core/api_error.hpp"
#include "jobs/quality.hpp"
#include "storage/store.hpp"
#include "storage/testing/store_backends.hpp"

namespace ocean::jobs {
namespace {

using core::Observation;
using core::QualityFlag;

constexpr core::EpochMs kHour = 3'600'000;
constexpr core::EpochMs kStart = 1'700'000'000'000;

// Hourly samples: spike over 2 suspect, over 4 bad; flat over 3 samples suspect, 6 bad; fail
// outside [0, 30], suspect outside [5, 25].
constexpr char kRules[] = R"({"parameters": {"sst": {"qartod": {
    "gross_range_test": {"fail_span": [0, 30], "suspect_span": [5, 25]},
    "spike_test": {"suspect_threshold": 2, "fail_threshold": 4, "method": "average"},
    "flat_line_test": {"tolerance": 0.001, "suspect_threshold": 10800, "fail_threshold": 21600}
  }}}})";

template <typename Backend>
class QualityStoreTest : public storage::testing::BackendTest<Backend> {
 protected:
  void SetUp() override {
    storage::testing::BackendTest<Backend>::SetUp();
    if (!this->ready_) return;
    store_ = storage::OpenStore(this->backend_.url(), 2);
    store_->Migrate();
    store_->UpsertLocations(std::vector<core::Location>{{"site", "Site", 1.0, 2.0, "", ""}});
    cache_ = cache::OpenCache("", {});
    writes_ = std::make_unique<cache::InvalidatingWriter>(*store_, cache_.get(), &review_);
  }
  void TearDown() override {
    writes_.reset();
    store_.reset();
    storage::testing::BackendTest<Backend>::TearDown();
  }

  // Hourly rows from hour `first`, arriving `not evaluated` unless told.
  void Ingest(int first, const std::vector<double>& values,
              QualityFlag upstream = QualityFlag::kNotEvaluated) {
    std::vector<Observation> rows;
    for (std::size_t i = 0; i < values.size(); ++i) {
      rows.push_back({"site", "sst", kStart + (first + static_cast<int>(i)) * kHour, values[i],
                      upstream, "buoy"});
    }
    writes_->Ingest(rows);
  }

  // The stored flag of each hour from 0.
  std::vector<QualityFlag> Flags() {
    storage::SeriesQuery query;
    query.location = "site";
    query.parameter = "sst";
    query.start_ms = kStart;
    query.end_ms = kStart + 1000 * kHour;
    return store_->QuerySeries(query).q;
  }

  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<cache::Cache> cache_;
  const QualityReview review_{QcRules::Parse(boost::json::parse(kRules))};
  std::unique_ptr<cache::InvalidatingWriter> writes_;
};

TYPED_TEST_SUITE(QualityStoreTest, storage::testing::Backends, storage::testing::BackendNames);

constexpr auto kGood = QualityFlag::kGood;
constexpr auto kSuspect = QualityFlag::kSuspect;
constexpr auto kBad = QualityFlag::kBad;

TYPED_TEST(QualityStoreTest, ASpikeInANewBatchIsFlagged) {
  this->Ingest(0, {10.0, 10.2, 15.0, 10.1, 10.3});
  // Hour 2 is 4.85 above its neighbours' mean: bad; hours 1 and 3 are over 2 from theirs.
  EXPECT_EQ(this->Flags(), (std::vector{kGood, kSuspect, kBad, kSuspect, kGood}));
}

TYPED_TEST(QualityStoreTest, ALaterBatchReflagsAStoredNeighbourBothWays) {
  this->Ingest(0, {10.0, 12.0, 16.0});
  // The last point is not judged by the spike test; the others pass.
  EXPECT_EQ(this->Flags(), (std::vector{kGood, kGood, kGood}));
  this->cache_->Put("page", {"\"e\"", "application/json", "{}"});
  this->Ingest(3, {10.1});
  // Hour 2 is now a spike (4.95 above the mean of 12 and 10.1); hour 3 is the last point.
  EXPECT_EQ(this->Flags(), (std::vector{kGood, kGood, kBad, kGood}));
  EXPECT_FALSE(this->cache_->Get("page")) << "the cache must be dropped after a re-flag";
  // Hour 3 corrected to 20: hour 2 lies on a ramp and is no spike any more.
  this->Ingest(3, {20.0});
  EXPECT_EQ(this->Flags(), (std::vector{kGood, kGood, kGood, kGood}));
}

TYPED_TEST(QualityStoreTest, ARowBetweenStoredRowsReflagsBothSidesAndTheLatest) {
  this->Ingest(0, {10.0, 10.2});
  this->Ingest(3, {10.1, 10.3});
  EXPECT_EQ(this->Flags(), (std::vector{kGood, kGood, kGood, kGood}));
  // Hour 2, written last, is a spike between stored rows; hour 4 stays the latest row.
  this->Ingest(2, {15.0});
  EXPECT_EQ(this->Flags(), (std::vector{kGood, kSuspect, kBad, kSuspect, kGood}));
  this->Ingest(4, {10.1, 10.3});
  // Hour 4 rewritten (hour 5 new): hour 3 is now 10.1 between 15.0 and 10.1, still suspect.
  EXPECT_EQ(this->Flags(), (std::vector{kGood, kSuspect, kBad, kSuspect, kGood, kGood}));
  this->Ingest(3, {14.0});
  // Hour 3 rewritten to 14: hour 2 lies 3 above the mean of 10.2 and 14 (suspect), hour 3 is
  // 1.45 from its neighbours' mean (good), hour 4 is 2.05 under theirs (suspect), and hour 5
  // (the latest) is the last point.
  EXPECT_EQ(this->Flags(), (std::vector{kGood, kSuspect, kSuspect, kGood, kSuspect, kGood}));
  const auto latest = this->store_->LatestObservations({});
  ASSERT_EQ(latest.size(), 1U);
  EXPECT_EQ(latest[0].quality_flag, kGood);
}

TYPED_TEST(QualityStoreTest, AFlatLineAcrossTheBatchBoundary) {
  this->Ingest(0, {12.0, 12.0, 12.0});
  EXPECT_EQ(this->Flags(), (std::vector{kGood, kGood, kGood}));
  this->Ingest(3, {12.0, 12.0});
  // Hours 3 and 4 end windows of 3 samples back that do not move: suspect.
  EXPECT_EQ(this->Flags(), (std::vector{kGood, kGood, kGood, kSuspect, kSuspect}));
  const auto latest = this->store_->LatestObservations({});
  ASSERT_EQ(latest.size(), 1U);
  EXPECT_EQ(latest[0].quality_flag, kSuspect) << "latest shows the new flag";
}

TYPED_TEST(QualityStoreTest, GrossRangeAndUpstreamFlags) {
  this->Ingest(0, {31.0});
  this->Ingest(1, {26.0});
  this->Ingest(2, {20.0}, QualityFlag::kBad);
  this->Ingest(3, {20.1}, QualityFlag::kGood);
  // Outside the fail span: bad; outside the suspect span: suspect; arriving bad: kept (the
  // tests say suspect, a 3.05 spike); arriving good and passing: good.
  EXPECT_EQ(this->Flags(), (std::vector{kBad, kSuspect, kBad, kGood}));
}

TYPED_TEST(QualityStoreTest, ARefusedBatchLeavesFlagsUntouched) {
  this->Ingest(0, {10.0, 12.0, 16.0});
  const std::vector<Observation> rows = {
      {"site", "sst", kStart + 3 * kHour, 10.1, QualityFlag::kNotEvaluated, "buoy"},
      {"nowhere", "sst", kStart + 3 * kHour, 10.1, QualityFlag::kNotEvaluated, "buoy"}};
  EXPECT_THROW(this->writes_->Ingest(rows), core::ApiError);
  EXPECT_EQ(this->Flags(), (std::vector{kGood, kGood, kGood}));
}

// A review that fails after reading: the batch's rows and every flag roll back with it.
class FailingReview final : public storage::FlagReview {
 public:
  std::vector<storage::FlagChange> Review(std::span<const Observation> rows,
                                          storage::SeriesWindowReader& reader) const override {
    const auto window = reader.ReadWindow({"site", "sst", "buoy"}, rows.front().timestamp_ms,
                                          rows.back().timestamp_ms, 2, 2);
    EXPECT_EQ(window.size(), 3U) << "the batch's row is visible inside its transaction";
    throw std::runtime_error("review failed");
  }
};

TYPED_TEST(QualityStoreTest, AFailedReviewRollsTheBatchBack) {
  this->Ingest(0, {10.0, 12.0, 16.0});
  const std::vector<Observation> rows = {
      {"site", "sst", kStart + 3 * kHour, 10.1, QualityFlag::kNotEvaluated, "buoy"}};
  EXPECT_ANY_THROW(this->store_->UpsertObservationsWithReview(rows, FailingReview()));
  EXPECT_EQ(this->Flags(), (std::vector{kGood, kGood, kGood}));
}

}  // namespace
}  // namespace ocean::jobs
