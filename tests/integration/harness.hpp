// Test harness for integration tests: runs the real `oceandash` binary as a child process and
// talks HTTP to it with libcurl. PostgreSQL and Redis are the real servers started by
// scripts/services.sh (their URLs come from OCEAN_TEST_PG_URL / OCEAN_TEST_REDIS_URL).
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ocean::testing {

struct HttpResult {
  long status = 0;
  std::multimap<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::string Header(const std::string& name) const;
  boost::json::value Json() const;
};

HttpResult Fetch(const std::string& method, const std::string& url, const std::string& body = "",
                 const std::vector<std::string>& headers = {}, long timeout_ms = 15000);

// Runs a shell command; returns its exit status.
int Shell(const std::string& command);

// The path of the oceandash binary under test (OCEAN_BINARY, set by CTest).
std::string Binary();
std::string SourceDir();

// Environment for tests that need PostgreSQL or Redis; fails the test when missing.
std::string PgUrl();
std::string RedisUrl();
std::string ServicesScript();

// A fresh PostgreSQL database for one test, dropped at destruction.
class PgDatabase {
 public:
  PgDatabase();
  ~PgDatabase();
  const std::string& url() const { return url_; }
  // Runs SQL through psql; returns its trimmed output.
  std::string Query(const std::string& sql) const;

 private:
  std::string name_;
  std::string url_;
};

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct ServerOptions {
  std::vector<std::string> args;           // after "serve"
  std::map<std::string, std::string> env;  // added to the environment
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();  // SIGKILL if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::string Url(const std::string& path) const;
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // SIGTERM and wait; returns the exit status (or -signal).
  int Terminate(std::chrono::seconds timeout = std::chrono::seconds(15));
  // Lines the server printed on stdout so far.
  std::vector<std::string> StdoutLines() const;
  std::string Stderr() const;

 private:
  void Launch(ServerOptions options);
  void Reap();
  void ReadStream(int fd, bool is_stdout);

  pid_t pid_ = -1;
  int port_ = 0;
  int exit_status_ = -1000;
  mutable std::mutex mutex_;
  std::vector<std::string> stdout_lines_;
  std::string stderr_;
  std::thread stdout_reader_;
  std::thread stderr_reader_;
};

// Runs `oceandash ARGS...` to completion with extra env; returns {exit status, stdout+stderr}.
std::pair<int, std::string> RunOceandash(const std::vector<std::string>& args,
                                         const std::map<std::string, std::string>& env = {});

inline constexpr const char* kApiKey = "test-key-0123456789abcdef";

// A JSON array of `n` valid observations for `location`, hourly from `start_ms`.
std::string Observations(const std::string& location, const std::string& parameter, int n,
                         long long start_ms, double base_value = 15.0,
                         const std::string& source = "test");

long long NowMs();
std::string FormatTs(long long ms);  // RFC 3339 UTC, whole seconds

}  // namespace ocean::testing
