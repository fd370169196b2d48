#include "api/backup_status.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace ocean::api {
namespace {

constexpr core::EpochMs kNow = 1795672800000;  // 2026-11-26T06:00:00Z
constexpr std::string_view kGood =
    R"({"last_attempt":"2026-11-26T02:30:00Z","last_success":"2026-11-26T02:30:00Z",)"
    R"("last_error":null,"last_file":"oceandash-20261126T023000Z.dump",)"
    R"("last_size_bytes":52311,"kept":7,"interval_seconds":86400,"s3":null})";

boost::json::value Render(const BackupReport& report) {
  core::JsonWriter w;
  WriteBackupReport(w, report);
  return boost::json::parse(w.Take());
}

TEST(BackupStatus, RecentSuccessIsOk) {
  const auto report = AssessBackupStatus(kGood, kNow);
  EXPECT_EQ(report.state, BackupState::kOk);
  EXPECT_FALSE(BackupDegrades(report));
  const auto json = Render(report);
  EXPECT_EQ(json.at("status"), "ok");
  EXPECT_FALSE(json.as_object().contains("message"));
  EXPECT_EQ(json.at("last_success"), "2026-11-26T02:30:00Z");
  EXPECT_EQ(json.at("last_file"), "oceandash-20261126T023000Z.dump");
  EXPECT_EQ(json.at("last_size_bytes"), 52311);
  EXPECT_EQ(json.at("kept"), 7);
  EXPECT_TRUE(json.at("last_error").is_null());
}

TEST(BackupStatus, FailedAttemptKeepsTheLastSuccessAndDegrades) {
  const std::string_view text =
      R"({"last_attempt":"2026-11-26T02:30:00Z","last_success":"2026-11-25T02:30:00Z",)"
      R"("last_error":"pg_dump failed: password authentication failed for user \"ocean\"",)"
      R"("last_file":"oceandash-20261125T023000Z.dump","last_size_bytes":100,"kept":3})";
  const auto report = AssessBackupStatus(text, kNow);
  EXPECT_EQ(report.state, BackupState::kFailed);
  EXPECT_TRUE(BackupDegrades(report));
  const auto json = Render(report);
  EXPECT_EQ(json.at("status"), "failed");
  EXPECT_EQ(json.at("last_error"),
            "pg_dump failed: password authentication failed for user \"ocean\"");
  EXPECT_EQ(json.at("message"),
            "the last backup failed: pg_dump failed: password authentication failed for user "
            "\"ocean\"");
  EXPECT_EQ(json.at("last_success"), "2026-11-25T02:30:00Z");
}

TEST(BackupStatus, FirstFailureHasNoSuccess) {
  const auto report = AssessBackupStatus(
      R"({"last_attempt":"2026-11-26T05:00:00Z","last_success":null,"last_error":"x"})", kNow);
  EXPECT_EQ(report.state, BackupState::kFailed);
  EXPECT_TRUE(Render(report).at("last_success").is_null());
}

TEST(BackupStatus, StaleAfterTwoIntervalsAndAnHour) {
  // Last attempt 2026-11-24T04:59:59Z: 49 h 0 min 1 s before now, just past 2 x 24 h + 1 h.
  const std::string_view stale =
      R"({"last_attempt":"2026-11-24T04:59:59Z","last_error":null,"interval_seconds":86400})";
  const auto report = AssessBackupStatus(stale, kNow);
  EXPECT_EQ(report.state, BackupState::kStale);
  EXPECT_TRUE(BackupDegrades(report));
  EXPECT_EQ(report.message, "no backup attempted since 2026-11-24T04:59:59Z");
  const std::string_view fresh =
      R"({"last_attempt":"2026-11-24T05:00:00Z","last_error":null,"interval_seconds":86400})";
  EXPECT_EQ(AssessBackupStatus(fresh, kNow).state, BackupState::kOk);
  // A shorter interval makes the same attempt stale sooner; no interval means a day.
  const std::string_view hourly =
      R"({"last_attempt":"2026-11-26T02:59:59Z","last_error":null,"interval_seconds":3600})";
  EXPECT_EQ(AssessBackupStatus(hourly, kNow).state, BackupState::kStale);
  const std::string_view no_interval = R"({"last_attempt":"2026-11-24T04:59:59Z"})";
  EXPECT_EQ(AssessBackupStatus(no_interval, kNow).state, BackupState::kStale);
}

TEST(BackupStatus, NoFileYetIsNotDegraded) {
  const auto report = AssessBackupStatus(std::nullopt, kNow);
  EXPECT_EQ(report.state, BackupState::kNone);
  EXPECT_FALSE(BackupDegrades(report));
  const auto json = Render(report);
  EXPECT_EQ(json.at("status"), "none");
  EXPECT_EQ(json.at("message"), "no backup has run yet");
}

TEST(BackupStatus, MalformedFilesAreInvalidAndSayWhy) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", "backup status file: not JSON"},
      {"{\"last_attempt\":", "backup status file: not JSON"},
      {"[]", "backup status file: not a JSON object"},
      {"{}", "backup status file: \"last_attempt\" is missing"},
      {R"({"last_attempt":"yesterday"})",
       "backup status file: \"last_attempt\" is not an RFC 3339 time"},
      {R"({"last_attempt":"2026-11-26T02:30:00Z","last_error":5})",
       "backup status file: \"last_error\" must be a string or null"},
      {R"({"last_attempt":"2026-11-26T02:30:00Z","kept":-1})",
       "backup status file: \"kept\" must be a non-negative whole number or null"},
      {R"({"last_attempt":"2026-11-26T02:30:00Z","last_size_bytes":"1"})",
       "backup status file: \"last_size_bytes\" must be a non-negative whole number or null"},
  };
  for (const auto& [text, message] : cases) {
    const auto report = AssessBackupStatus(text, kNow);
    EXPECT_EQ(report.state, BackupState::kInvalid) << text;
    EXPECT_TRUE(BackupDegrades(report)) << text;
    EXPECT_EQ(report.message.substr(0, message.size()), message) << text;
    EXPECT_EQ(Render(report).at("status"), "invalid") << text;
  }
}

class BackupStatusFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("oceandash-backup-status-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "status.json").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(std::string_view text) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << text;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(BackupStatusFile, ReadsTheJobsFile) {
  Write(kGood);
  EXPECT_EQ(ReadBackupStatus(path_, kNow).state, BackupState::kOk);
}

TEST_F(BackupStatusFile, MissingFileIsNone) {
  EXPECT_EQ(ReadBackupStatus(path_, kNow).state, BackupState::kNone);
}

TEST_F(BackupStatusFile, UnreadableFileIsInvalid) {
  // A directory in the file's place cannot be read as a file, even by root.
  std::filesystem::create_directory(path_);
  const auto report = ReadBackupStatus(path_, kNow);
  EXPECT_EQ(report.state, BackupState::kInvalid);
  EXPECT_NE(report.message.find(path_), std::string::npos) << report.message;
}

TEST_F(BackupStatusFile, OversizedFileIsInvalid) {
  Write(std::string(64 * 1024 + 1, ' '));
  const auto report = ReadBackupStatus(path_, kNow);
  EXPECT_EQ(report.state, BackupState::kInvalid);
  EXPECT_NE(report.message.find("larger than"), std::string::npos) << report.message;
}

}  // namespace
}  // namespace ocean::api
