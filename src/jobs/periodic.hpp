// A background thread that runs one job at a fixed period until stopped. The first run comes
// after `first_delay`. A run never overlaps itself (one thread), and a failing run is logged
// and retried at the next period.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace ocean::jobs {

class PeriodicJob {
 public:
  PeriodicJob(std::string name, std::chrono::milliseconds period,
              std::chrono::milliseconds first_delay, std::function<void()> job);
  ~PeriodicJob();  // stops and joins
  PeriodicJob(const PeriodicJob&) = delete;
  PeriodicJob& operator=(const PeriodicJob&) = delete;

  void Stop();

 private:
  void Loop();

  std::string name_;
  std::chrono::milliseconds period_;
  std::chrono::milliseconds first_delay_;
  std::function<void()> job_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ocean::jobs
