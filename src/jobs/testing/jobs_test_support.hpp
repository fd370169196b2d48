// What the jobs tests that run against a fake upstream and a temporary store share: a site, a
// JSON answer, a scratch directory, reading back a file the job wrote, and running the binary.
#pragma once

#include <stdlib.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "core/types.hpp"
#include "sources/testing/fake_upstream.hpp"

namespace ocean::jobs::testing {

inline core::Location MakeLocation(std::string id, double latitude, double longitude) {
  core::Location location;
  location.id = std::move(id);
  location.name = location.id;
  location.latitude = latitude;
  location.longitude = longitude;
  return location;
}

// An answer as ERDDAP sends JSON, at once.
inline sources::testing::FakeResponse Json(std::string body, int status = 200) {
  return {status,
          std::string(sources::testing::kJsonType),
          std::move(body),
          std::chrono::milliseconds(0),
          {}};
}

// A fresh directory under the system's temporary folder, removed with everything in it.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    const char* made = ::mkdtemp(pattern.data());
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The file's text; empty when it cannot be read.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct ShellResult {
  int status = -1;  // the exit status; -1 when it did not exit normally
  std::string out;  // standard output
};

// Runs `command` through the shell, as a user runs the binary.
inline ShellResult RunShell(const std::string& command) {
  ShellResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
    result.out.append(buffer, n);
  }
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace ocean::jobs::testing
