// lambda_fake_runtime: runs a command as AWS Lambda would start a function, against a fake
// Runtime API and a fake Secrets Manager on loopback, and reports what the function posted.
//
//   lambda_fake_runtime --events N [--api-url URL] [--api-key KEY] [--payload JSON] -- CMD...
//
// The command gets AWS_LAMBDA_RUNTIME_API, the AWS_* settings and BACKEND_SECRET in its
// environment (API_URL and _HANDLER come from the caller's). After the N events `next`
// answers 503, so a runtime that gives up on a gone API exits by itself. Prints one JSON
// object: the posts, the milliseconds from spawning CMD to its first `next`, and each
// invocation's milliseconds from event to answer. Exit status 0 when every event was answered
// with a response. Used by tests/lambda/zip.sh and bench/lambda_bench.sh.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "lambda/test_fakes.hpp"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

int Usage() {
  std::fprintf(stderr,
               "usage: lambda_fake_runtime --events N [--api-url URL] [--api-key KEY] "
               "[--payload JSON] -- CMD...\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int events = 1;
  std::string api_key = "lambda-test-key-0123456789";
  std::string payload = "{}";
  int command_start = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      command_start = i + 1;
      break;
    }
    if (i + 1 >= argc) return Usage();
    if (arg == "--events") {
      events = static_cast<int>(std::strtol(argv[++i], nullptr, 10));
    } else if (arg == "--api-key") {
      api_key = argv[++i];
    } else if (arg == "--payload") {
      payload = argv[++i];
    } else if (arg == "--api-url") {
      ::setenv("API_URL", argv[++i], 1);
    } else {
      return Usage();
    }
  }
  if (command_start < 0 || command_start >= argc || events < 1) return Usage();

  using ocean::lambda::testing::FakeEvent;
  const auto wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  std::deque<FakeEvent> queue;
  for (int i = 0; i < events; ++i) {
    queue.push_back({"event-" + std::to_string(i + 1), wall_ms + 600'000, payload});
  }
  ocean::lambda::testing::FakeRuntimeApi api(std::move(queue));
  ocean::lambda::testing::FakeSecretsManager secrets("fake-role-secret");
  secrets.Put("oceandash/api-key", R"({"key":")" + api_key + R"("})");
  ::setenv("AWS_LAMBDA_RUNTIME_API", api.Host().c_str(), 1);
  ::setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.Url().c_str(), 1);
  ::setenv("AWS_REGION", "us-east-1", 1);
  ::setenv("AWS_ACCESS_KEY_ID", "ASIAFAKEEXAMPLE", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "fake-role-secret", 1);
  ::setenv("AWS_SESSION_TOKEN", "fake-session-token", 1);
  ::setenv("BACKEND_SECRET", "oceandash/api-key", 1);

  pid_t child = 0;
  const auto spawned = Clock::now();
  if (posix_spawnp(&child, argv[command_start], nullptr, nullptr, argv + command_start, environ) !=
      0) {
    std::perror("lambda_fake_runtime: spawn");
    return 2;
  }
  // The runtime exits by itself once `next` keeps failing; 60 s bounds a hung one.
  int status = 0;
  const auto limit = spawned + std::chrono::seconds(60);
  while (::waitpid(child, &status, WNOHANG) == 0) {
    if (Clock::now() > limit) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      std::fprintf(stderr, "lambda_fake_runtime: the command did not exit within 60 s\n");
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  boost::json::object report;
  boost::json::array posts;
  boost::json::array invocation_ms;
  int responses = 0;
  for (const auto& posted : api.Posts()) {
    posts.push_back({{"kind", posted.kind},
                     {"request_id", posted.request_id},
                     {"error_type", posted.error_type},
                     {"body", posted.body}});
    if (posted.kind == "response") ++responses;
    if (!posted.request_id.empty()) invocation_ms.push_back(Ms(posted.at - posted.handed_out));
  }
  report["posts"] = std::move(posts);
  report["invocation_ms"] = std::move(invocation_ms);
  if (const auto first = api.FirstNext()) report["start_to_first_next_ms"] = Ms(*first - spawned);
  report["secret_reads"] = secrets.Calls();
  report["exit_status"] = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::puts(boost::json::serialize(report).c_str());
  return responses == events ? 0 : 1;
}
