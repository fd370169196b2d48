// Store::ReadPage on both stores with the same data: the same rows in the documented order
// (timestamp, location_id, parameter, source; texts byte-wise), the same next cursors followed
// to the end, the same counts, and a bad cursor rejected naming `cursor`. PostgreSQL comes from
// OCEAN_TEST_PG_URL (scripts/services.sh), each test in a schema of its own (store_backends.hpp).
#include <algorithm>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "core/api_error.hpp"
#include "core/cursor.hpp"
#include "storage/store.hpp"
#include "storage/testing/store_backends.hpp"

namespace ocean::storage {
namespace {

using core::Observation;
using core::ObservationQuery;

using testing::BackendNames;
using testing::Backends;

// Ids and sources whose byte order differs from a dictionary order ('-' < '1' < '_' < 'b';
// upper case before lower case), at instants that every series shares.
const std::vector<std::string> kLocationIds = {"b_1", "b1", "b-1", "a9"};
const std::vector<std::string> kParameters = {"sst", "salinity", "wave_height"};
const std::vector<std::string> kSources = {"noaa", "Ndbc", "copernicus"};
const std::vector<core::EpochMs> kInstants = {-86'400'000, 0, 1'000, 1'001, 1'795'672'800'000};

std::vector<Observation> Rows() {
  std::vector<Observation> rows;
  double value = 0.0;
  for (const auto& location : kLocationIds) {
    for (const auto& parameter : kParameters) {
      for (const auto& source : kSources) {
        for (const core::EpochMs ts : kInstants) {
          rows.push_back(
              {location, parameter, ts, value += 0.25, core::QualityFlag::kGood, source});
        }
      }
    }
  }
  // Inserted out of order, in two batches, so row ids say nothing about the page order.
  std::shuffle(rows.begin(), rows.end(), std::mt19937(15));
  return rows;
}

auto PageKey(const Observation& o) {
  return std::tie(o.timestamp_ms, o.location_id, o.parameter, o.source);
}

// The documented order, computed here from the data alone.
std::vector<Observation> Expected(const ObservationQuery& query) {
  std::vector<Observation> rows;
  for (Observation& row : Rows()) {
    const bool at_location =
        query.locations.empty() || std::find(query.locations.begin(), query.locations.end(),
                                             row.location_id) != query.locations.end();
    if (at_location && row.timestamp_ms >= query.start_ms && row.timestamp_ms <= query.end_ms &&
        (!query.parameter || row.parameter == *query.parameter) &&
        (!query.source || row.source == *query.source)) {
      rows.push_back(std::move(row));
    }
  }
  std::sort(rows.begin(), rows.end(),
            [](const Observation& a, const Observation& b) { return PageKey(a) < PageKey(b); });
  return rows;
}

struct Walk {
  std::vector<Observation> rows;
  std::vector<std::string> cursors;  // each page's next cursor
  std::vector<std::int64_t> counts;  // each page's count
};

Walk WalkPages(Store& store, const ObservationQuery& query) {
  Walk walk;
  std::string cursor;
  for (int page_number = 0; page_number < 1000; ++page_number) {
    Page page = store.ReadPage(query, cursor, /*with_count=*/true);
    EXPECT_LE(static_cast<std::int64_t>(page.rows.size()), query.limit);
    for (auto& row : page.rows) walk.rows.push_back(std::move(row.observation));
    EXPECT_TRUE(page.count.has_value());
    walk.counts.push_back(page.count.value_or(-1));
    if (!page.next_cursor) return walk;
    walk.cursors.push_back(*page.next_cursor);
    cursor = *page.next_cursor;
  }
  ADD_FAILURE() << "pages did not end";
  return walk;
}

std::vector<ObservationQuery> Queries() {
  std::vector<ObservationQuery> queries;
  ObservationQuery all;
  all.start_ms = -86'400'000;
  all.end_ms = 1'795'672'800'000;
  all.limit = 7;
  queries.push_back(all);
  ObservationQuery window = all;  // inclusive edges, a page size that divides nothing
  window.start_ms = 0;
  window.end_ms = 1'001;
  window.limit = 11;
  queries.push_back(window);
  ObservationQuery some = all;
  some.locations = {"b1", "b-1"};
  some.parameter = "sst";
  some.limit = 4;
  queries.push_back(some);
  ObservationQuery one_series = all;  // pages that end between the sources of one instant
  one_series.locations = {"b-1"};
  one_series.parameter = "sst";
  one_series.limit = 2;
  queries.push_back(one_series);
  ObservationQuery one_source = all;
  one_source.source = "Ndbc";
  one_source.limit = 1;
  queries.push_back(one_source);
  ObservationQuery whole = all;  // a page exactly as large as the result: no next page
  whole.limit = static_cast<std::int64_t>(Expected(all).size());
  queries.push_back(whole);
  return queries;
}

template <typename Backend>
class ReadPageTest : public testing::StoreBackendTest<Backend> {
 protected:
  using testing::StoreBackendTest<Backend>::store_;

  void SetUp() override {
    testing::StoreBackendTest<Backend>::SetUp();
    if (!this->ready_) return;
    std::vector<core::Location> locations;
    for (const auto& id : kLocationIds) locations.push_back({id, id, 1.0, 2.0, "", ""});
    store_->UpsertLocations(locations);
    const std::vector<Observation> rows = Rows();
    const auto half = rows.begin() + static_cast<std::ptrdiff_t>(rows.size() / 2);
    store_->UpsertObservations(std::vector<Observation>(half, rows.end()));
    store_->UpsertObservations(std::vector<Observation>(rows.begin(), half));
  }
};

TYPED_TEST_SUITE(ReadPageTest, Backends, BackendNames);

// Both stores must equal the same expectation (rows, cursors, counts), so they equal each other.
TYPED_TEST(ReadPageTest, PagesFollowTheDocumentedOrderToTheEnd) {
  for (const ObservationQuery& query : Queries()) {
    const std::vector<Observation> expected = Expected(query);
    const Walk walk = WalkPages(*this->store_, query);
    ASSERT_EQ(walk.rows.size(), expected.size()) << "limit " << query.limit;
    std::vector<std::string> expected_cursors;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(PageKey(walk.rows[i]), PageKey(expected[i]))
          << "row " << i << ", limit " << query.limit;
      EXPECT_EQ(walk.rows[i].value, expected[i].value);
      const bool page_end = (i + 1) % static_cast<std::size_t>(query.limit) == 0;
      if (page_end && i + 1 < expected.size()) {
        expected_cursors.push_back(core::EncodeCursor(core::CursorAfter({0, expected[i]})));
      }
    }
    EXPECT_EQ(walk.cursors, expected_cursors) << "limit " << query.limit;
    for (const std::int64_t count : walk.counts) {
      EXPECT_EQ(count, static_cast<std::int64_t>(expected.size()));
    }
  }
}

TYPED_TEST(ReadPageTest, CountOnlyWhenAsked) {
  ObservationQuery query = Queries().front();
  const Page page = this->store_->ReadPage(query, "", /*with_count=*/false);
  EXPECT_FALSE(page.count);
  EXPECT_EQ(page.rows.size(), 7u);
  ASSERT_TRUE(page.next_cursor);
  const Page same = this->store_->ReadPage(query, "", /*with_count=*/true);
  EXPECT_EQ(same.next_cursor, page.next_cursor);
}

TYPED_TEST(ReadPageTest, BadCursorIsAValidationErrorNamingCursor) {
  const ObservationQuery query = Queries().front();
  // Garbage, and the base64url of a cursor of the older (ts, id, source) format,
  // "v3:1000:42:noaa". Which texts are cursors is core/cursor_test.cpp's; this is the 400.
  for (const std::string& cursor :
       {std::string("not a cursor!"), std::string("djM6MTAwMDo0Mjpub2Fh")}) {
    try {
      this->store_->ReadPage(query, cursor, true);
      ADD_FAILURE() << "accepted " << cursor;
    } catch (const core::ApiError& e) {
      EXPECT_EQ(e.code(), core::ErrorCode::kValidation);
      ASSERT_EQ(e.details().size(), 1u);
      EXPECT_EQ(e.details()[0].field, "cursor");
      EXPECT_NE(std::string(e.what()).find("cursor"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace ocean::storage
