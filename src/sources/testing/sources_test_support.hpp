// What the sources tests share: the run time they pretend to be at, the Monterey Bay site, fixture
// responses for the fake upstream, and an HTTP client that records its backoff instead of
// sleeping.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "core/types.hpp"
#include "sources/http_client.hpp"
#include "sources/source.hpp"
#include "sources/testing/fake_upstream.hpp"

namespace ocean::sources::testing {

inline core::EpochMs At(std::string_view text) { return *core::ParseTimestamp(text); }

// The 7 days before 2026-11-26T06:00Z, as a run at that time asks for.
inline const FetchWindow kWindow{At("2026-11-19T06:00:00Z"), At("2026-11-26T06:00:00Z")};

inline core::Location Monterey() {
  core::Location location;
  location.id = "monterey-bay";
  location.name = "Monterey Bay";
  location.latitude = 36.75;
  location.longitude = -122.03;
  location.ndbc_station = "46042";
  return location;
}

inline FakeResponse Fixture(std::string_view file, int status = 200,
                            std::string_view type = kJsonType) {
  return {status, std::string(type), ReadFixture(file), std::chrono::milliseconds(0), {}};
}

inline FakeResponse ErrorFixture(std::string_view file, int status) {
  return Fixture(file, status, kErrorType);
}

// Records waits instead of sleeping.
struct SleepLog {
  std::mutex mutex;
  std::vector<std::chrono::milliseconds> waits;
  std::function<void(std::chrono::milliseconds)> Fn() {
    return [this](std::chrono::milliseconds delay) {
      std::lock_guard lock(mutex);
      waits.push_back(delay);
    };
  }
};

inline HttpClientOptions FastOptions(SleepLog& sleeps) {
  HttpClientOptions options;
  options.connect_timeout = std::chrono::seconds(2);
  options.total_timeout = std::chrono::seconds(5);
  options.max_attempts = 3;
  options.sleep = sleeps.Fn();
  return options;
}

}  // namespace ocean::sources::testing
