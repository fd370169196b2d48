#include "harness.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace ocean::testing {
namespace {

std::string Lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string RequireEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    ADD_FAILURE() << name
                  << " is not set: start the test services with scripts/services.sh start "
                     "and source their services.env (scripts/test.sh does both)";
    return "";
  }
  return value;
}

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t WriteHeader(char* data, size_t size, size_t count, void* user) {
  std::string line(data, size * count);
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    static_cast<std::multimap<std::string, std::string>*>(user)->emplace(
        Lower(line.substr(0, colon)), value);
  }
  return size * count;
}

}  // namespace

std::string FormatTs(long long ms) {
  const std::time_t seconds = ms / 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

namespace {

std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

std::string HttpResult::Header(const std::string& name) const {
  const auto it = headers.find(Lower(name));
  return it == headers.end() ? "" : it->second;
}

boost::json::value HttpResult::Json() const {
  boost::json::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec) ADD_FAILURE() << "not JSON (status " << status << "): " << body.substr(0, 300);
  return value;
}

HttpResult Fetch(const std::string& method, const std::string& url, const std::string& body,
                 const std::vector<std::string>& headers, long timeout_ms) {
  HttpResult result;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  curl_slist* list = nullptr;
  for (const auto& header : headers) list = curl_slist_append(list, header.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(list,
                                                                          curl_slist_free_all);
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") curl_easy_setopt(curl.get(), CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "POST") {
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, &WriteHeader);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &result.headers);
  const CURLcode code = curl_easy_perform(curl.get());
  if (code != CURLE_OK) {
    result.status = 0;
    result.body = curl_easy_strerror(code);
    return result;
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &result.status);
  return result;
}

int Shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Binary() {
  const char* binary = std::getenv("OCEAN_BINARY");
  return binary != nullptr ? binary : OCEAN_DEFAULT_BINARY;
}

std::string SourceDir() {
  const char* dir = std::getenv("OCEAN_SOURCE_DIR");
  return dir != nullptr ? dir : OCEAN_DEFAULT_SOURCE_DIR;
}

std::string PgUrl() { return RequireEnv("OCEAN_TEST_PG_URL"); }
std::string RedisUrl() { return RequireEnv("OCEAN_TEST_REDIS_URL"); }
std::string ServicesScript() { return RequireEnv("OCEAN_TEST_SERVICES"); }

PgDatabase::PgDatabase() {
  static std::atomic<int> counter{0};
  const std::string base = PgUrl();
  name_ = fmt::format("oceandash_it_{}_{}", getpid(), counter++);
  Query(fmt::format("DROP DATABASE IF EXISTS {}", name_));
  Query(fmt::format("CREATE DATABASE {}", name_));
  url_ = base.substr(0, base.rfind('/') + 1) + name_;
}

PgDatabase::~PgDatabase() {
  // From the maintenance database: a database cannot drop itself.
  url_.clear();
  Query(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name_));
}

std::string PgDatabase::Query(const std::string& sql) const {
  const std::string target = url_.empty() ? PgUrl() : url_;
  const std::string command =
      fmt::format("psql -X -q -A -t {} -c {} 2>&1", ShellQuote(target), ShellQuote(sql));
  std::unique_ptr<FILE, decltype(&pclose)> pipe(popen(command.c_str(), "r"), pclose);
  std::string out;
  char buffer[4096];
  while (pipe && std::fgets(buffer, sizeof buffer, pipe.get()) != nullptr) out += buffer;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "oceandash-it-XXXXXX").string();
  path_ = mkdtemp(pattern.data());
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

Server::Server(ServerOptions options) {
  try {
    Launch(std::move(options));
  } catch (...) {
    // The destructor does not run for a throwing constructor: reap the child and the readers.
    Reap();
    throw;
  }
}

void Server::Launch(ServerOptions options) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> args = {Binary(), "serve", "--host", "127.0.0.1", "--port", "0"};
  args.insert(args.end(), options.args.begin(), options.args.end());
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    close(out_pipe[0]);
    close(err_pipe[0]);
    for (const auto& [name, value] : options.env) setenv(name.c_str(), value.c_str(), 1);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    std::perror("execv");
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  stdout_reader_ = std::thread([this, fd = out_pipe[0]] { ReadStream(fd, true); });
  stderr_reader_ = std::thread([this, fd = err_pipe[0]] { ReadStream(fd, false); });

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(mutex_);
      for (const auto& line : stdout_lines_) {
        if (line.find("\"event\":\"start\"") == std::string::npos) continue;
        port_ = static_cast<int>(boost::json::parse(line).at("port").as_int64());
        return;
      }
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      pid_ = -1;
      throw std::runtime_error("oceandash exited during start-up: " + Stderr());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("oceandash did not print its start line in 30 s: " + Stderr());
}

Server::~Server() { Reap(); }

void Server::Reap() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stdout_reader_.joinable()) stdout_reader_.join();
  if (stderr_reader_.joinable()) stderr_reader_.join();
}

void Server::ReadStream(int fd, bool is_stdout) {
  std::string pending;
  char buffer[8192];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    std::lock_guard lock(mutex_);
    if (!is_stdout) {
      stderr_.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    pending.append(buffer, static_cast<std::size_t>(n));
    std::size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      stdout_lines_.push_back(pending.substr(0, newline));
      pending.erase(0, newline + 1);
    }
  }
  close(fd);
}

std::string Server::Url(const std::string& path) const {
  return fmt::format("http://127.0.0.1:{}{}", port_, path);
}

int Server::Terminate(std::chrono::seconds timeout) {
  if (pid_ <= 0) return exit_status_;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      pid_ = -1;
      return exit_status_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1000;
}

std::vector<std::string> Server::StdoutLines() const {
  std::lock_guard lock(mutex_);
  return stdout_lines_;
}

std::string Server::Stderr() const {
  std::lock_guard lock(mutex_);
  return stderr_;
}

std::pair<int, std::string> RunOceandash(const std::vector<std::string>& args,
                                         const std::map<std::string, std::string>& env) {
  std::string command;
  for (const auto& [name, value] : env) command += name + "=" + ShellQuote(value) + " ";
  command += ShellQuote(Binary());
  for (const auto& arg : args) command += " " + ShellQuote(arg);
  command += " 2>&1";
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  while (pipe != nullptr && std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  const int status = pipe != nullptr ? pclose(pipe) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string Observations(const std::string& location, const std::string& parameter, int n,
                         long long start_ms, double base_value, const std::string& source) {
  std::string out = "[";
  for (int i = 0; i < n; ++i) {
    if (i > 0) out += ',';
    out += fmt::format(
        R"({{"location_id":"{}","parameter":"{}","timestamp":"{}","value":{},"quality_flag":"good","source":"{}"}})",
        location, parameter, FormatTs(start_ms + i * 3'600'000LL), base_value + (i % 10) * 0.1,
        source);
  }
  return out + "]";
}

long long NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace ocean::testing
