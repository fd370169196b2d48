// Each kind of write drops the cache through InvalidatingWriter: an ingest, a fetched batch, a
// source run, retention, and a write by another process (seen through the data version).
#include "cache/invalidating_writer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cache/cache.hpp"
#include "storage/store.hpp"

namespace ocean::cache {
namespace {

constexpr core::EpochMs kNow = 1795672800000;  // 2026-11-26T06:00:00Z
constexpr core::EpochMs kDay = 86'400'000;

class InvalidatingWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = storage::OpenStore("sqlite:" + path_.string(), 1);
    store_->Migrate();
    store_->UpsertLocations(std::vector<core::Location>{{"a", "A", 36.75, -122.03, "", ""}});
  }
  void TearDown() override {
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_.string() + suffix);
    }
  }

  // A cached answer, as a handler leaves it: a miss, then a Put.
  void Fill() {
    ASSERT_FALSE(cache_->Get("k"));
    cache_->Put("k", {"\"e\"", "application/json", "[]"});
    ASSERT_TRUE(cache_->Get("k"));
  }
  bool Cached() { return cache_->Get("k").has_value(); }

  static std::vector<core::Observation> Rows(double value) {
    return {{"a", "sst", kNow - 40 * kDay, value, core::QualityFlag::kGood, "noaa"},
            {"a", "sst", kNow - kDay, value, core::QualityFlag::kGood, "noaa"}};
  }

  std::filesystem::path path_ =
      std::filesystem::temp_directory_path() /
      ("oceandash-invalidating-writer-" + std::to_string(::getpid()) + ".db");
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Cache> cache_ = OpenCache("", {});
};

TEST_F(InvalidatingWriterTest, IngestInvalidates) {
  InvalidatingWriter writer(*store_, cache_.get());
  Fill();
  EXPECT_EQ(writer.Ingest(Rows(14.0)).inserted, 2);
  EXPECT_FALSE(Cached());
  // Even a batch that changes nothing: the client's next read must not predate its write.
  Fill();
  writer.Ingest(Rows(14.0));
  EXPECT_FALSE(Cached());
}

TEST_F(InvalidatingWriterTest, FetchInvalidatesWhenRowsChange) {
  InvalidatingWriter writer(*store_, cache_.get());
  const std::vector<storage::SourceCell> cells = {{"noaa", "a", "sst", 36.755, -122.025}};
  Fill();
  writer.WriteFetched(Rows(14.0), cells);
  EXPECT_FALSE(Cached());
  EXPECT_EQ(store_->ListSourceCells("a").size(), 1u);
  Fill();
  writer.WriteFetched(Rows(15.0), cells);
  EXPECT_FALSE(Cached());
  Fill();
  writer.RecordSourceRun({"noaa", kNow, kNow + 1000, 2, false, "timeout"});
  EXPECT_FALSE(Cached());
}

TEST_F(InvalidatingWriterTest, CleanupInvalidatesWhenRowsGo) {
  InvalidatingWriter writer(*store_, cache_.get());
  writer.Ingest(Rows(14.0));
  Fill();
  EXPECT_EQ(writer.DeleteObservationsBefore(kNow - 30 * kDay), 1);
  EXPECT_FALSE(Cached());
  Fill();
  EXPECT_EQ(writer.DeleteObservationsBefore(kNow - 30 * kDay), 0);
  EXPECT_TRUE(Cached());
}

TEST_F(InvalidatingWriterTest, AnotherProcesssWriteInvalidatesAtTheNextPoll) {
  InvalidatingWriter writer(*store_, cache_.get());
  writer.PollDataVersion(false);
  Fill();
  writer.PollDataVersion(true);
  EXPECT_TRUE(Cached()) << "nothing was written";
  // Another process: its own connection to the same database and no access to our cache.
  auto other = storage::OpenStore("sqlite:" + path_.string(), 1);
  other->UpsertObservations(Rows(16.0));
  writer.PollDataVersion(true);
  EXPECT_FALSE(Cached());
}

TEST_F(InvalidatingWriterTest, WithoutABaselineTheFirstPollInvalidates) {
  InvalidatingWriter writer(*store_, cache_.get());
  Fill();
  writer.PollDataVersion(true);
  EXPECT_FALSE(Cached());
}

TEST_F(InvalidatingWriterTest, WithoutACacheItOnlyWrites) {
  InvalidatingWriter writer(*store_, nullptr);
  EXPECT_EQ(writer.Ingest(Rows(14.0)).inserted, 2);
  writer.PollDataVersion(true);
}

}  // namespace
}  // namespace ocean::cache
