#include "jobs/scheduler.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/time.hpp"

namespace ocean::jobs {
namespace {

using core::Clock;
using core::FakeClock;
using ::testing::ElementsAre;

constexpr core::EpochMs kMinute = 60'000;
constexpr core::EpochMs kHour = 60 * kMinute;
constexpr auto kRealTimeout = std::chrono::seconds(5);

core::EpochMs At(std::string_view text) {
  const auto ms = core::ParseTimestamp(text);
  if (!ms) throw std::invalid_argument("bad test timestamp");
  return *ms;
}

// A one-shot signal between a test and a job thread, with a timeout so a bug fails the test
// instead of hanging it.
class Gate {
 public:
  void Open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }
  bool Wait() {
    std::unique_lock lock(mutex_);
    return opened_.wait_for(lock, kRealTimeout, [this] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

// Records the fake time of each run.
class RunLog {
 public:
  explicit RunLog(const Clock& clock) : clock_(clock) {}
  void Record() {
    std::lock_guard lock(mutex_);
    times_.push_back(clock_.Now());
  }
  std::vector<std::string> Times() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> formatted;
    for (const core::EpochMs t : times_) formatted.push_back(core::FormatTimestamp(t));
    return formatted;
  }
  std::size_t Count() const {
    std::lock_guard lock(mutex_);
    return times_.size();
  }

 private:
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::vector<core::EpochMs> times_;
};

class SchedulerTest : public ::testing::Test {
 protected:
  // Returns once the scheduler has handled everything due at the current fake time and the
  // named job's run, if one was dispatched, has finished.
  void Settle(std::string_view name) {
    ASSERT_TRUE(clock_.AwaitSleepers(1));
    const auto give_up = std::chrono::steady_clock::now() + kRealTimeout;
    while (scheduler_.Running(name)) {
      ASSERT_LT(std::chrono::steady_clock::now(), give_up) << name << " never finished";
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  }

  void Step(std::string_view name, core::EpochMs ms) {
    clock_.Advance(ms);
    Settle(name);
  }

  // Declared before the scheduler so the jobs' state outlives its threads.
  FakeClock clock_{At("2026-03-10T00:00:00Z")};
  RunLog log_{clock_};
  RunLog other_log_{clock_};
  Scheduler scheduler_{clock_};
};

TEST_F(SchedulerTest, EverySixHoursRunsFourTimesADay) {
  clock_.Set(At("2026-03-09T23:30:00Z"));
  scheduler_.Add("fetch", CronSchedule::Parse("0 */6 * * *"), [this] { log_.Record(); });
  scheduler_.Start();
  Settle("fetch");
  // Minute by minute up to 23:59 on the 10th.
  for (int minute = 0; minute < 30 + 24 * 60 - 1; ++minute) {
    Step("fetch", kMinute);
    if (HasFatalFailure()) return;
  }
  EXPECT_EQ(core::FormatTimestamp(clock_.Now()), "2026-03-10T23:59:00Z");
  EXPECT_THAT(log_.Times(), ElementsAre("2026-03-10T00:00:00Z", "2026-03-10T06:00:00Z",
                                        "2026-03-10T12:00:00Z", "2026-03-10T18:00:00Z"));
}

TEST_F(SchedulerTest, SlowRunSkipsSlotsInsteadOfQueueingThem) {
  clock_.Set(At("2026-03-10T00:59:00Z"));
  Gate entered;
  Gate release;
  scheduler_.Add("slow", CronSchedule::Parse("0 * * * *"), [&] {
    log_.Record();
    if (log_.Count() == 1) {
      entered.Open();
      release.Wait();
    }
  });
  scheduler_.Start();

  clock_.Advance(kMinute);  // 01:00: the first run starts and blocks
  ASSERT_TRUE(entered.Wait());
  ASSERT_TRUE(clock_.AwaitSleepers(1));
  clock_.Advance(kHour);  // 02:00 and 03:00 come while it is still running
  ASSERT_TRUE(clock_.AwaitSleepers(1));
  clock_.Advance(kHour);
  ASSERT_TRUE(clock_.AwaitSleepers(1));
  EXPECT_TRUE(scheduler_.Running("slow"));
  EXPECT_EQ(scheduler_.NextRun("slow"), At("2026-03-10T04:00:00Z"));
  release.Open();
  Settle("slow");
  EXPECT_EQ(log_.Count(), 1U);  // the skipped slots did not run on release

  Step("slow", 30 * kMinute);
  EXPECT_EQ(log_.Count(), 1U);
  Step("slow", 30 * kMinute);  // 04:00
  EXPECT_THAT(log_.Times(), ElementsAre("2026-03-10T01:00:00Z", "2026-03-10T04:00:00Z"));
}

TEST_F(SchedulerTest, DifferentJobsRunConcurrently) {
  Gate second_ran;
  std::atomic<bool> first_saw_second{false};
  scheduler_.Add("first", CronSchedule::Parse("0 * * * *"),
                 [&] { first_saw_second = second_ran.Wait(); });
  scheduler_.Add("second", CronSchedule::Parse("0 * * * *"), [&] { second_ran.Open(); });
  scheduler_.Start();  // 00:00 exactly: both due
  Settle("first");
  Settle("second");
  EXPECT_TRUE(first_saw_second);
}

TEST_F(SchedulerTest, FailingJobRunsAgainAtItsNextSlot) {
  clock_.Set(At("2026-03-10T00:30:00Z"));
  scheduler_.Add("flaky", CronSchedule::Parse("0 * * * *"), [this] {
    log_.Record();
    if (log_.Count() == 1) throw std::runtime_error("upstream returned 503");
  });
  scheduler_.Start();
  Step("flaky", 30 * kMinute);
  EXPECT_EQ(log_.Count(), 1U);
  EXPECT_FALSE(scheduler_.Running("flaky"));
  EXPECT_EQ(scheduler_.NextRun("flaky"), At("2026-03-10T02:00:00Z"));
  Step("flaky", kHour);
  EXPECT_THAT(log_.Times(), ElementsAre("2026-03-10T01:00:00Z", "2026-03-10T02:00:00Z"));
}

TEST_F(SchedulerTest, RunAtStartRunsOnceImmediately) {
  clock_.Set(At("2026-03-10T10:17:00Z"));
  scheduler_.Add(
      "fetch", CronSchedule::Parse("0 * * * *"), [this] { log_.Record(); }, true);
  scheduler_.Add("cleanup", CronSchedule::Parse("0 * * * *"), [this] { other_log_.Record(); });
  scheduler_.Start();
  Settle("fetch");
  EXPECT_THAT(log_.Times(), ElementsAre("2026-03-10T10:17:00Z"));
  EXPECT_EQ(other_log_.Count(), 0U);
  EXPECT_EQ(scheduler_.NextRun("fetch"), At("2026-03-10T11:00:00Z"));
  Step("fetch", 43 * kMinute);
  Settle("cleanup");
  EXPECT_THAT(log_.Times(), ElementsAre("2026-03-10T10:17:00Z", "2026-03-10T11:00:00Z"));
  EXPECT_EQ(other_log_.Count(), 1U);
}

TEST_F(SchedulerTest, StartExactlyOnASlot) {
  clock_.Set(At("2026-03-10T11:00:00Z"));
  scheduler_.Add(
      "fetch", CronSchedule::Parse("0 * * * *"), [this] { log_.Record(); }, true);
  scheduler_.Add("cleanup", CronSchedule::Parse("0 * * * *"), [this] { other_log_.Record(); });
  scheduler_.Start();
  Settle("fetch");
  Settle("cleanup");
  EXPECT_EQ(log_.Count(), 1U);  // the start-up run stands in for the 11:00 slot
  EXPECT_EQ(other_log_.Count(), 1U);
  EXPECT_EQ(scheduler_.NextRun("fetch"), At("2026-03-10T12:00:00Z"));
  EXPECT_EQ(scheduler_.NextRun("cleanup"), At("2026-03-10T12:00:00Z"));
}

TEST_F(SchedulerTest, StopLetsTheRunningJobFinish) {
  Gate entered;
  Gate release;
  std::atomic<bool> finished{false};
  scheduler_.Add(
      "slow", CronSchedule::Parse("0 * * * *"),
      [&] {
        entered.Open();
        release.Wait();
        finished = true;
      },
      true);
  scheduler_.Start();
  ASSERT_TRUE(entered.Wait());

  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    scheduler_.Stop();
    stopped = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_FALSE(stopped);
  release.Open();
  stopper.join();
  EXPECT_TRUE(finished);
  EXPECT_FALSE(scheduler_.Running("slow"));
}

TEST_F(SchedulerTest, StopDoesNotWaitForTheNextSlot) {
  scheduler_.Add("yearly", CronSchedule::Parse("0 0 1 1 *"), [this] { log_.Record(); });
  scheduler_.Start();
  ASSERT_TRUE(clock_.AwaitSleepers(1));
  scheduler_.Stop();  // the fake clock never reaches the slot; this must still return
  scheduler_.Stop();  // idempotent
  EXPECT_EQ(log_.Count(), 0U);
}

TEST(SchedulerSystemClockTest, StopReturnsPromptly) {
  Scheduler scheduler;
  scheduler.Add("yearly", CronSchedule::Parse("0 0 1 1 *"), [] {});
  scheduler.Start();
  const auto started = std::chrono::steady_clock::now();
  scheduler.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}

TEST_F(SchedulerTest, NextRunAndRunning) {
  clock_.Set(At("2026-03-10T05:00:30Z"));
  scheduler_.Add("fetch", CronSchedule::Parse("0 */6 * * *"), [] {});
  scheduler_.Add("cleanup", CronSchedule::Parse("30 3 * * *"), [] {});
  EXPECT_EQ(scheduler_.NextRun("fetch"), At("2026-03-10T06:00:00Z"));
  EXPECT_EQ(scheduler_.NextRun("cleanup"), At("2026-03-11T03:30:00Z"));
  EXPECT_EQ(scheduler_.NextRun("nope"), std::nullopt);
  EXPECT_FALSE(scheduler_.Running("nope"));
  scheduler_.Start();
  Step("fetch", 59 * kMinute + 30'000);  // 06:00
  EXPECT_EQ(scheduler_.NextRun("fetch"), At("2026-03-10T12:00:00Z"));
  EXPECT_EQ(scheduler_.NextRun("cleanup"), At("2026-03-11T03:30:00Z"));
}

TEST_F(SchedulerTest, MissedSlotsCollapseIntoOneRun) {
  clock_.Set(At("2026-03-10T00:30:00Z"));
  scheduler_.Add("fetch", CronSchedule::Parse("0 * * * *"), [this] { log_.Record(); });
  scheduler_.Start();
  Step("fetch", 10 * kHour);  // a suspended laptop wakes at 10:30
  EXPECT_THAT(log_.Times(), ElementsAre("2026-03-10T10:30:00Z"));
  EXPECT_EQ(scheduler_.NextRun("fetch"), At("2026-03-10T11:00:00Z"));
  Step("fetch", 30 * kMinute);
  EXPECT_EQ(log_.Count(), 2U);
}

TEST_F(SchedulerTest, ClockSetBackReschedules) {
  clock_.Set(At("2026-03-10T10:30:00Z"));
  scheduler_.Add("fetch", CronSchedule::Parse("0 * * * *"), [this] { log_.Record(); });
  scheduler_.Start();
  Settle("fetch");
  EXPECT_EQ(scheduler_.NextRun("fetch"), At("2026-03-10T11:00:00Z"));
  clock_.Set(At("2026-03-10T08:30:00Z"));
  Settle("fetch");
  EXPECT_EQ(scheduler_.NextRun("fetch"), At("2026-03-10T09:00:00Z"));
  Step("fetch", 30 * kMinute);
  EXPECT_THAT(log_.Times(), ElementsAre("2026-03-10T09:00:00Z"));
}

TEST_F(SchedulerTest, AddRejectsDuplicatesAndLateAdds) {
  scheduler_.Add("fetch", CronSchedule::Parse("0 * * * *"), [] {});
  EXPECT_THROW(scheduler_.Add("fetch", CronSchedule::Parse("0 * * * *"), [] {}),
               std::invalid_argument);
  scheduler_.Start();
  EXPECT_THROW(scheduler_.Add("late", CronSchedule::Parse("0 * * * *"), [] {}), std::logic_error);
}

}  // namespace
}  // namespace ocean::jobs
