// The one clock: what time it is, and waiting until a time.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

#include "core/types.hpp"

namespace ocean::core {

// Wall-clock time and waiting on it: the one source of "now" for jobs, the access log and the
// app. Injected, so tests set the time with a FakeClock instead of sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual EpochMs Now() const = 0;
  // Blocks on `wake` (whose mutex `lock` holds) until Now() >= deadline or `wake` is notified.
  // May return early; callers re-check their state.
  virtual void WaitUntil(std::condition_variable& wake, std::unique_lock<std::mutex>& lock,
                         EpochMs deadline) = 0;
};

class SystemClock final : public Clock {
 public:
  EpochMs Now() const override;
  void WaitUntil(std::condition_variable& wake, std::unique_lock<std::mutex>& lock,
                 EpochMs deadline) override;
};

// Time moves only when a test says so. Advance/Set wake the threads whose deadline has come.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(EpochMs start) : now_(start) {}

  EpochMs Now() const override;
  void WaitUntil(std::condition_variable& wake, std::unique_lock<std::mutex>& lock,
                 EpochMs deadline) override;

  void Advance(EpochMs ms);
  // May go backwards, like a corrected system clock; that wakes every waiter, as SystemClock's
  // bounded sleep would notice within a minute.
  void Set(EpochMs now);
  // Blocks until `count` threads wait in WaitUntil for a deadline still in the future, i.e.
  // they have handled everything due up to Now(). Returns false after `timeout_ms` real time.
  bool AwaitSleepers(std::size_t count, int timeout_ms = 5000);

 private:
  struct Waiter {
    std::condition_variable* wake;
    std::mutex* mutex;
    EpochMs deadline;
    int notifying = 0;   // Set() calls about to notify; the waiter stays until they are done
    bool woken = false;  // no longer asleep, even if its wait has not returned yet
  };

  mutable std::mutex mutex_;
  std::condition_variable changed_;  // a waiter came or went
  EpochMs now_;
  std::vector<Waiter*> waiters_;
};

}  // namespace ocean::core
