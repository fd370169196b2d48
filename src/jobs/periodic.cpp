#include "jobs/periodic.hpp"

#include <spdlog/spdlog.h>

namespace ocean::jobs {

PeriodicJob::PeriodicJob(std::string name, std::chrono::milliseconds period,
                         std::chrono::milliseconds first_delay, std::function<void()> job)
    : name_(std::move(name)),
      period_(period),
      first_delay_(first_delay),
      job_(std::move(job)),
      thread_([this] { Loop(); }) {}

PeriodicJob::~PeriodicJob() { Stop(); }

void PeriodicJob::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicJob::Loop() {
  auto next = std::chrono::steady_clock::now() + first_delay_;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_until(lock, next, [this] { return stopping_; })) return;
    }
    try {
      job_();
    } catch (const std::exception& e) {
      spdlog::error("job {} failed: {}", name_, e.what());
    }
    next += period_;
    // After a long suspension (laptop sleep, stopped container) run once, not a backlog.
    const auto now = std::chrono::steady_clock::now();
    if (next < now) next = now + period_;
  }
}

}  // namespace ocean::jobs
