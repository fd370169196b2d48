#include "jobs/scheduler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <stdexcept>

#include "core/time.hpp"

namespace ocean::jobs {
namespace {

constexpr core::EpochMs kNever = std::numeric_limits<core::EpochMs>::max();

void RunJob(const std::string& name, const std::function<void()>& job) {
  spdlog::debug("job {} starting", name);
  try {
    job();
  } catch (const std::exception& e) {
    spdlog::error("job {} failed: {}", name, e.what());
    return;
  } catch (...) {
    spdlog::error("job {} failed with a non-standard exception", name);
    return;
  }
  spdlog::debug("job {} finished", name);
}

}  // namespace

struct Scheduler::Entry {
  Entry(std::string name_in, CronSchedule schedule_in, std::function<void()> job_in,
        bool run_at_start_in, core::EpochMs next_run_in)
      : name(std::move(name_in)),
        schedule(std::move(schedule_in)),
        job(std::move(job_in)),
        run_at_start(run_at_start_in),
        next_run(next_run_in) {}

  std::string name;
  CronSchedule schedule;
  std::function<void()> job;
  bool run_at_start = false;
  core::EpochMs next_run = 0;
  bool running = false;  // dispatched and not finished
  bool pending = false;  // dispatched and not yet picked up by the worker
  std::thread worker;
};

Scheduler::Scheduler()
    : system_clock_(std::make_unique<core::SystemClock>()), clock_(*system_clock_) {}

Scheduler::Scheduler(core::Clock& clock) : clock_(clock) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Add(std::string name, CronSchedule schedule, std::function<void()> job,
                    bool run_at_start) {
  std::lock_guard lock(mutex_);
  if (started_) throw std::logic_error("Scheduler::Add after Start: " + name);
  if (Find(name) != nullptr) throw std::invalid_argument("duplicate scheduled job: " + name);
  const core::EpochMs next_run = schedule.NextAfter(clock_.Now() - 1);
  entries_.push_back(std::make_unique<Entry>(std::move(name), std::move(schedule), std::move(job),
                                             run_at_start, next_run));
}

void Scheduler::Start() {
  std::lock_guard lock(mutex_);
  if (started_ || stopping_) throw std::logic_error("Scheduler::Start called twice");
  started_ = true;
  const core::EpochMs now = clock_.Now();
  for (const auto& entry : entries_) {
    // A slot exactly at start counts as due; a start-up run stands in for it.
    entry->next_run = entry->schedule.NextAfter(entry->run_at_start ? now : now - 1);
    if (entry->run_at_start) Dispatch(*entry);
    spdlog::info("job {} scheduled \"{}\", next run {}", entry->name, entry->schedule.ToString(),
                 core::FormatTimestamp(entry->next_run));
    entry->worker = std::thread([this, &target = *entry] { Work(target); });
  }
  thread_ = std::thread([this] { Loop(); });
}

void Scheduler::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  work_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (const auto& entry : entries_) {
    if (entry->worker.joinable()) entry->worker.join();
  }
}

std::optional<core::EpochMs> Scheduler::NextRun(std::string_view name) const {
  std::lock_guard lock(mutex_);
  const Entry* entry = Find(name);
  if (entry == nullptr) return std::nullopt;
  return entry->next_run;
}

bool Scheduler::Running(std::string_view name) const {
  std::lock_guard lock(mutex_);
  const Entry* entry = Find(name);
  return entry != nullptr && entry->running;
}

void Scheduler::Loop() {
  std::unique_lock lock(mutex_);
  core::EpochMs last_now = clock_.Now();
  while (!stopping_) {
    const core::EpochMs now = clock_.Now();
    if (now < last_now) {
      // The clock was set back: slots computed from the later time would leave a gap.
      for (const auto& entry : entries_) entry->next_run = entry->schedule.NextAfter(now - 1);
    }
    last_now = now;
    core::EpochMs deadline = kNever;
    for (const auto& entry : entries_) {
      if (now >= entry->next_run) {
        if (entry->running) {
          spdlog::warn("job {}: skipping the {} run, the previous run is still going", entry->name,
                       core::FormatTimestamp(entry->next_run));
        } else {
          Dispatch(*entry);
        }
        // From now, not from the missed slot: however many slots a clock jump skipped, they
        // produce the one run above, not a backlog.
        entry->next_run = entry->schedule.NextAfter(now);
      }
      deadline = std::min(deadline, entry->next_run);
    }
    clock_.WaitUntil(wake_, lock, deadline);
  }
}

void Scheduler::Work(Entry& entry) {
  std::unique_lock lock(mutex_);
  while (true) {
    work_.wait(lock, [&] { return stopping_ || entry.pending; });
    if (stopping_) {
      entry.pending = false;  // a run dispatched but not begun is dropped on shutdown
      entry.running = false;
      return;
    }
    entry.pending = false;
    lock.unlock();
    // name and job never change after Start, so they are read without the mutex.
    RunJob(entry.name, entry.job);
    lock.lock();
    entry.running = false;
  }
}

void Scheduler::Dispatch(Entry& entry) {
  entry.running = true;
  entry.pending = true;
  work_.notify_all();
}

const Scheduler::Entry* Scheduler::Find(std::string_view name) const {
  for (const auto& entry : entries_) {
    if (entry->name == name) return entry.get();
  }
  return nullptr;
}

}  // namespace ocean::jobs
