// The in-server scheduler: runs named jobs at the slots of their cron schedules (UTC).
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/types.hpp"
#include "jobs/cron.hpp"

namespace ocean::jobs {

// Each job runs at each slot of its schedule on its own worker thread, so different jobs may
// run at once but a job never overlaps itself: a slot that comes while the previous run is
// still going is skipped (and logged), not queued. A job that throws is logged and runs again
// at its next slot. After the clock jumps forward (suspend, stopped container) the missed slots
// of a job collapse into one run.
class Scheduler {
 public:
  Scheduler();  // uses the system clock
  explicit Scheduler(core::Clock& clock);
  ~Scheduler();  // Stop()
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Before Start() only. `run_at_start` also runs the job once as soon as Start() is called.
  // Throws std::invalid_argument for a duplicate name, std::logic_error after Start().
  void Add(std::string name, CronSchedule schedule, std::function<void()> job,
           bool run_at_start = false);

  void Start();  // at most once
  // Returns without waiting for the next slot; a job that is running finishes first. Idempotent.
  void Stop();

  // The next slot of the named job; std::nullopt for an unknown name.
  std::optional<core::EpochMs> NextRun(std::string_view name) const;
  // Whether the named job has a run started or about to start.
  bool Running(std::string_view name) const;

 private:
  struct Entry;

  void Loop();
  void Work(Entry& entry);
  void Dispatch(Entry& entry);                     // mutex_ held
  const Entry* Find(std::string_view name) const;  // mutex_ held

  std::unique_ptr<core::SystemClock> system_clock_;  // only when no clock was injected
  core::Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;  // the scheduler thread: Stop()
  std::condition_variable work_;  // the workers: a run dispatched, or Stop()
  std::vector<std::unique_ptr<Entry>> entries_;
  bool started_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ocean::jobs
