#include "core/clock.hpp"

#include <algorithm>
#include <chrono>

namespace ocean::core {
namespace {

// The system clock can be set back or jump; re-reading it at least this often bounds how late
// a waiter (a scheduled job) wakes after such a change.
constexpr EpochMs kMaxSystemSleepMs = 60'000;

}  // namespace

EpochMs SystemClock::Now() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SystemClock::WaitUntil(std::condition_variable& wake, std::unique_lock<std::mutex>& lock,
                            EpochMs deadline) {
  const EpochMs until = std::min(deadline, Now() + kMaxSystemSleepMs);
  wake.wait_until(lock, std::chrono::system_clock::time_point{std::chrono::milliseconds{until}});
}

EpochMs FakeClock::Now() const {
  std::lock_guard guard(mutex_);
  return now_;
}

void FakeClock::WaitUntil(std::condition_variable& wake, std::unique_lock<std::mutex>& lock,
                          EpochMs deadline) {
  Waiter waiter{&wake, lock.mutex(), deadline};
  {
    // Checking the time and registering in one step: an Advance either happened before (and
    // we return) or will find us registered and notify us under our own mutex, which it can
    // only take once wake.wait() has released it — so no wakeup is lost.
    std::lock_guard guard(mutex_);
    if (now_ >= deadline) return;
    waiters_.push_back(&waiter);
  }
  changed_.notify_all();
  wake.wait(lock);
  // Leave only when no Advance still holds a pointer to this waiter. Our caller's mutex is
  // released meanwhile because that Advance may be waiting for it to notify us.
  lock.unlock();
  {
    std::unique_lock guard(mutex_);
    changed_.wait(guard, [&] { return waiter.notifying == 0; });
    std::erase(waiters_, &waiter);
  }
  changed_.notify_all();
  lock.lock();
}

void FakeClock::Advance(EpochMs ms) { Set(Now() + ms); }

void FakeClock::Set(EpochMs now) {
  std::vector<Waiter*> due;
  {
    std::lock_guard guard(mutex_);
    const bool went_back = now < now_;
    now_ = now;
    for (Waiter* waiter : waiters_) {
      if (waiter->deadline <= now_ || went_back) {
        waiter->woken = true;
        ++waiter->notifying;
        due.push_back(waiter);
      }
    }
  }
  for (Waiter* waiter : due) {
    {
      std::lock_guard guard(*waiter->mutex);
      waiter->wake->notify_all();
    }
    std::lock_guard guard(mutex_);
    --waiter->notifying;
  }
  changed_.notify_all();
}

bool FakeClock::AwaitSleepers(std::size_t count, int timeout_ms) {
  std::unique_lock guard(mutex_);
  return changed_.wait_for(guard, std::chrono::milliseconds(timeout_ms), [&] {
    return static_cast<std::size_t>(std::count_if(waiters_.begin(), waiters_.end(), [&](auto* w) {
             return !w->woken && w->deadline > now_;
           })) >= count;
  });
}

}  // namespace ocean::core
