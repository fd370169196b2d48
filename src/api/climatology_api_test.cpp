// Anomalies, percentiles and heatwaves through the API on both stores, with a stored
// climatology whose every value is known: series anomaly=true, latest's fields, /api/heatwaves/
// (an event ending inside the window, an ongoing one), the errors, and the cache (same bytes,
// dropped by a climatology write). PostgreSQL comes from OCEAN_TEST_PG_URL (scripts/services.sh),
// each test in a schema of its own (storage/testing/store_backends.hpp).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/anomaly.hpp"
#include "api/api.hpp"
#include "api/climatology_test_util.hpp"
#include "api/query.hpp"
#include "cache/cache.hpp"
#include "cache/invalidating_writer.hpp"
#include "core/api_error.hpp"
#include "core/time.hpp"
#include "storage/testing/store_backends.hpp"

namespace ocean::api {
namespace {

constexpr core::EpochMs kNow = 1795672800000;  // 2026-11-26T06:00:00Z
constexpr core::EpochMs kDay = core::kMsPerDay;
const std::int32_t kToday = static_cast<std::int32_t>(UtcDay(kNow));

// The same seas on every day, the levels `step` apart around it (thresh is level 90).
storage::StoredClimatology Flat(std::string parameter, double seas, double step,
                                bool log10 = false) {
  auto c = testing::KnownClimatology("a", std::move(parameter), seas, step, log10);
  for (std::size_t d = 0; d < storage::kClimatologyDays; ++d) {
    c.seas[d] = seas;
    for (std::size_t p = 1; p <= storage::kClimatologyLevels; ++p) {
      c.percentiles[d * storage::kClimatologyLevels + p - 1] =
          seas + (static_cast<double>(p) - 50.0) * step;
    }
    c.thresh[d] = c.percentiles[d * storage::kClimatologyLevels + 89];
  }
  return c;
}

// seas 20, thresh (level 90) 21.
storage::StoredClimatology FlatSst() { return Flat("sst", 20.0, 0.025); }

template <typename Backend>
class ClimatologyApiTest : public storage::testing::StoreBackendTest<Backend> {
 protected:
  using storage::testing::StoreBackendTest<Backend>::store_;

  void SetUp() override {
    storage::testing::StoreBackendTest<Backend>::SetUp();
    if (!this->ready_) return;
    store_->UpsertLocations(std::vector<core::Location>{{"a", "A", 26.2, 127.3, "", ""},
                                                        {"b", "B", 36.7, -122.0, "", ""}});
    // The long record of a: 20 (the seasonal mean) from 400 days back, with two warm spells:
    // one over before the 30-day window, one ending inside it. It stops 20 days ago.
    std::vector<storage::DailyValue> record;
    for (std::int32_t day = kToday - 400; day <= kToday - 20; ++day) {
      double value = 20.0;
      if (day >= kToday - 60 && day <= kToday - 50) value = 22.0;
      if (day >= kToday - 35 && day <= kToday - 25) value = 22.5;
      record.push_back({day, value});
    }
    store_->UpsertDailyRecord("a", "sst", "test", record);
    // Stored observations after it, four a day: 20 until a week ago, then 23 (an event under
    // way today). A failed reading in the quiet days counts for nothing.
    std::vector<core::Observation> rows;
    for (std::int32_t day = kToday - 19; day <= kToday; ++day) {
      for (int k = 0; k < 4; ++k) {
        const core::EpochMs t = day * kDay + k * 6 * 3'600'000LL;
        if (t > kNow) break;
        const double value = day >= kToday - 6 ? 23.0 : 20.0;
        rows.push_back({"a", "sst", t, value, core::QualityFlag::kGood, "noaa"});
        rows.push_back({"b", "sst", t, 15.0, core::QualityFlag::kGood, "noaa"});
        rows.push_back({"a", "chlorophyll_a", t, 1.0, core::QualityFlag::kGood, "noaa"});
      }
    }
    rows.push_back(
        {"a", "sst", (kToday - 10) * kDay + 1000, 35.0, core::QualityFlag::kBad, "noaa"});
    store_->UpsertObservations(rows);
    store_->PutClimatology(FlatSst());
    store_->PutClimatology(Flat("chlorophyll_a", std::log10(0.5), 0.01, true));
    cache_ = cache::OpenCache("", {});
    ApiOptions options;
    options.now = [] { return kNow; };
    options.retention_days = 30;
    api_ = std::make_unique<Api>(*store_, *cache_, options);
  }
  void TearDown() override {
    api_.reset();
    storage::testing::StoreBackendTest<Backend>::TearDown();
  }

  http::Response Get(std::string path, QueryPairs query) {
    http::Request request;
    request.target = request.path = std::move(path);
    request.query = std::move(query);
    if (request.path == "/api/heatwaves/") return api_->Heatwaves(request);
    if (request.path == "/api/observations/latest/") return api_->LatestObservations(request);
    return api_->Series(request);
  }
  boost::json::value GetJson(std::string path, QueryPairs query) {
    return boost::json::parse(Get(std::move(path), std::move(query)).body);
  }

  std::unique_ptr<cache::Cache> cache_;
  std::unique_ptr<Api> api_;
};

TYPED_TEST_SUITE(ClimatologyApiTest, storage::testing::Backends, storage::testing::BackendNames);

std::string Etag(const http::Response& response) {
  for (const auto& header : response.headers) {
    if (header.name == "ETag") return header.value;
  }
  return {};
}

core::ErrorCode ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::ApiError& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error";
  return core::ErrorCode::kInternal;
}

TYPED_TEST(ClimatologyApiTest, SeriesAnomalyIsExact) {
  const QueryPairs base = {{"location", "a"}, {"parameter", "sst"}};
  const std::string plain = this->Get("/api/observations/series/", base).body;
  auto with_false = base;
  with_false.emplace_back("anomaly", "false");
  EXPECT_EQ(this->Get("/api/observations/series/", with_false).body, plain);
  auto with_true = base;
  with_true.emplace_back("anomaly", "true");
  const auto body = this->GetJson("/api/observations/series/", with_true);
  EXPECT_EQ(boost::json::serialize(body.at("climatology")),
            R"({"source":"test","baseline":[1991,2020],"log10":false})");
  const auto& v = body.at("v").as_array();
  const auto& anomaly = body.at("anomaly").as_array();
  ASSERT_EQ(anomaly.size(), v.size());
  // 19 days of four and today's two up to 06:00, and the failed reading, which is served too.
  ASSERT_EQ(v.size(), 79u);
  for (std::size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(anomaly[i].template to_number<double>(), v[i].template to_number<double>() - 20.0)
        << i;
    EXPECT_EQ(body.at("clim_mean").at(i).template to_number<double>(), 20.0);
    EXPECT_EQ(body.at("clim_threshold").at(i).template to_number<double>(), 20.0 + 40 * 0.025);
    // 20 is the 50th percentile; 23 and 35 are far above the 99th: clamped.
    const double expected = v[i].template to_number<double>() == 20.0 ? 50.0 : 99.0;
    EXPECT_NEAR(body.at("percentile").at(i).template to_number<double>(), expected, 1e-9) << i;
  }
}

TYPED_TEST(ClimatologyApiTest, ChlorophyllInLog10AndNoClimatologyIsNull) {
  const auto chl =
      this->GetJson("/api/observations/series/",
                    {{"location", "a"}, {"parameter", "chlorophyll_a"}, {"anomaly", "true"}});
  EXPECT_TRUE(chl.at("climatology").at("log10").as_bool());
  const double seas = std::log10(0.5);
  EXPECT_EQ(chl.at("anomaly").at(0).template to_number<double>(), 0.0 - seas);  // log10(1.0) - seas
  EXPECT_NEAR(chl.at("percentile").at(0).template to_number<double>(), 50.0 - seas / 0.01, 1e-9);
  EXPECT_DOUBLE_EQ(chl.at("clim_mean").at(0).template to_number<double>(), 0.5);

  const auto b = this->GetJson("/api/observations/series/",
                               {{"location", "b"}, {"parameter", "sst"}, {"anomaly", "true"}});
  EXPECT_TRUE(b.at("climatology").is_null());
  EXPECT_FALSE(b.as_object().contains("anomaly"));
  EXPECT_FALSE(b.as_object().contains("percentile"));
  EXPECT_FALSE(b.as_object().contains("clim_mean"));
}

TYPED_TEST(ClimatologyApiTest, LatestCarriesAnomalyPercentileAndTheOngoingHeatwave) {
  const auto latest = this->GetJson("/api/observations/latest/", {});
  int seen = 0;
  for (const auto& item : latest.as_array()) {
    const auto location = item.at("location_id").as_string();
    const auto parameter = item.at("parameter").as_string();
    if (location == "a" && parameter == "sst") {
      ++seen;
      EXPECT_EQ(item.at("value").template to_number<double>(), 23.0);
      EXPECT_EQ(item.at("anomaly").template to_number<double>(), 3.0);
      EXPECT_EQ(item.at("percentile").template to_number<double>(), 99.0);
      const auto& heatwave = item.at("heatwave");
      EXPECT_EQ(heatwave.at("category").as_string(), "Severe");  // (23 - 21) / (21 - 20) = 2
      EXPECT_EQ(heatwave.at("day").as_int64(), 7);
      EXPECT_EQ(heatwave.at("date_start").as_string(), "2026-11-20");
      EXPECT_EQ(heatwave.at("intensity_max").template to_number<double>(), 3.0);
    } else if (location == "b") {
      ++seen;
      EXPECT_TRUE(item.at("anomaly").is_null());
      EXPECT_TRUE(item.at("percentile").is_null());
      EXPECT_TRUE(item.at("climatology").is_null());
      EXPECT_TRUE(item.at("heatwave").is_null());
    } else if (parameter == "chlorophyll_a") {
      ++seen;
      EXPECT_FALSE(item.at("anomaly").is_null());
      EXPECT_FALSE(item.as_object().contains("heatwave"));
    }
  }
  EXPECT_EQ(seen, 3);
}

TYPED_TEST(ClimatologyApiTest, HeatwavesInTheWindowAndOngoing) {
  const auto body = this->GetJson("/api/heatwaves/", {{"location", "a"}});
  EXPECT_EQ(body.at("parameter").as_string(), "sst");
  EXPECT_EQ(body.at("climatology").at("source").as_string(), "test");
  const auto& events = body.at("events").as_array();
  ASSERT_EQ(events.size(), 2u) << boost::json::serialize(body);
  // From the long record, ending inside the window (the one before it is left out).
  EXPECT_EQ(events[0].at("date_start").as_string(), "2026-10-22");
  EXPECT_EQ(events[0].at("date_end").as_string(), "2026-11-01");
  EXPECT_EQ(events[0].at("duration").as_int64(), 11);
  EXPECT_EQ(events[0].at("category").as_string(), "Strong");
  EXPECT_EQ(events[0].at("intensity_max").template to_number<double>(), 2.5);
  EXPECT_FALSE(events[0].at("ongoing").as_bool());
  // From the observations' daily means, under way today.
  EXPECT_EQ(events[1].at("date_start").as_string(), "2026-11-20");
  EXPECT_EQ(events[1].at("date_end").as_string(), "2026-11-26");
  EXPECT_EQ(events[1].at("duration").as_int64(), 7);
  EXPECT_EQ(events[1].at("intensity_cumulative").template to_number<double>(), 21.0);
  EXPECT_TRUE(events[1].at("ongoing").as_bool());

  EXPECT_EQ(this->Get("/api/heatwaves/", {{"location", "b"}, {"parameter", "sst"}}).body,
            R"({"location":"b","parameter":"sst","climatology":null,"events":[]})");
  EXPECT_EQ(ErrorOf([this] {
              this->Get("/api/heatwaves/", {{"location", "zzz"}});
            }),
            core::ErrorCode::kNotFound);
  EXPECT_EQ(ErrorOf([this] {
              this->Get("/api/heatwaves/", {{"location", "a"}, {"parameter", "salinity"}});
            }),
            core::ErrorCode::kValidation);
  EXPECT_EQ(ErrorOf([this] { this->Get("/api/heatwaves/", {}); }), core::ErrorCode::kValidation);
  EXPECT_EQ(ErrorOf([this] {
              this->Get("/api/observations/series/",
                        {{"location", "a"}, {"parameter", "sst"}, {"anomaly", "yes"}});
            }),
            core::ErrorCode::kValidation);
}

TYPED_TEST(ClimatologyApiTest, CachedUntilAClimatologyWrite) {
  const QueryPairs series = {{"location", "a"}, {"parameter", "sst"}, {"anomaly", "true"}};
  const auto first = this->Get("/api/heatwaves/", {{"location", "a"}});
  const auto again = this->Get("/api/heatwaves/", {{"location", "a"}});
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(Etag(again), Etag(first));
  EXPECT_FALSE(Etag(first).empty());
  const auto series_first = this->Get("/api/observations/series/", series);
  const auto latest_first = this->Get("/api/observations/latest/", {});

  // A warmer climatology (seas 23, thresh 24): no event any more, smaller anomalies.
  const auto warmer = Flat("sst", 23.0, 0.025);
  cache::InvalidatingWriter(*this->store_, this->cache_.get()).PutClimatology(warmer);

  const auto after = boost::json::parse(this->Get("/api/heatwaves/", {{"location", "a"}}).body);
  EXPECT_TRUE(after.at("events").as_array().empty()) << boost::json::serialize(after);
  const auto series_after = this->Get("/api/observations/series/", series);
  EXPECT_NE(series_after.body, series_first.body);
  EXPECT_EQ(
      boost::json::parse(series_after.body).at("clim_mean").at(0).template to_number<double>(),
      23.0);
  EXPECT_NE(this->Get("/api/observations/latest/", {}).body, latest_first.body);
}

}  // namespace
}  // namespace ocean::api
