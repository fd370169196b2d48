// The runtime loop and the handlers against a fake Runtime API, a fake Secrets Manager that
// verifies signatures and a fake backend, all on loopback, in one process as Lambda runs it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "config/config.hpp"
#include "core/time.hpp"
#include "lambda/handlers.hpp"
#include "lambda/runtime.hpp"
#include "lambda/test_fakes.hpp"
#include "sources/testing/fake_upstream.hpp"

namespace ocean::lambda {
namespace {

using testing::FakeBackend;
using testing::FakeEvent;
using testing::FakeRuntimeApi;
using testing::FakeSecretsManager;
using ::testing::HasSubstr;

constexpr std::string_view kAwsSecret = "lambda-role-secret";
constexpr std::string_view kApiKey = "k-0123456789abcdef";
constexpr std::int64_t kNow = 1'764'158'400'000;
constexpr std::int64_t kMinute = 60'000;

class LambdaTest : public ::testing::Test {
 protected:
  LambdaTest() {
    secrets_.Put("oceandash/api-key", R"({"key":")" + std::string(kApiKey) + R"("})");
    vars_ = {{"API_URL", backend_.Url() + "/api/"},
             {"BACKEND_SECRET", "oceandash/api-key"},
             {"AWS_REGION", "us-east-1"},
             {"AWS_ACCESS_KEY_ID", "ASIAEXAMPLE"},
             {"AWS_SECRET_ACCESS_KEY", std::string(kAwsSecret)},
             {"AWS_SESSION_TOKEN", "session-token"},
             {"AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets_.Url()},
             {"AWS_ENDPOINT_URL", "http://127.0.0.1:9"}};
  }

  HandlerContext Context() {
    HandlerContext context;
    context.config = &config_;
    context.env = [this](std::string_view name) -> std::optional<std::string> {
      const auto found = vars_.find(std::string(name));
      if (found == vars_.end()) return std::nullopt;
      return found->second;
    };
    context.now_ms = [this] { return now_; };
    return context;
  }

  // Runs `count` invocations of `handler_name` through the loop; returns its exit status.
  int Run(std::string_view handler_name, FakeRuntimeApi& api, std::int64_t count) {
    const auto made = MakeHandler(handler_name, Context());
    EXPECT_TRUE(made.handler) << made.init_error;
    RuntimeClient client(api.Host());
    LoopOptions options;
    options.max_invocations = count;
    options.now_ms = [this] { return now_; };
    options.log = [this](std::string_view line) { log_.emplace_back(line); };
    return RunLoop(client, made.handler, handler_name, options);
  }

  FakeSecretsManager secrets_{std::string(kAwsSecret)};
  FakeBackend backend_;
  std::map<std::string, std::string> vars_;
  config::Config config_;
  std::int64_t now_ = kNow;
  std::vector<std::string> log_;
};

TEST_F(LambdaTest, ThreeInvocationsInOneProcessReadTheSecretOnce) {
  backend_.Answer("/api/admin/cleanup/", 200, R"({"deleted":3,"retention_days":30})");
  FakeRuntimeApi api(
      {{"r-1", kNow + 5 * kMinute}, {"r-2", kNow + 5 * kMinute}, {"r-3", kNow + 5 * kMinute}});
  EXPECT_EQ(Run("cleanup", api, 3), 0);

  const auto posts = api.Posts();
  ASSERT_EQ(posts.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(posts[i].kind, "response");
    EXPECT_EQ(posts[i].request_id, "r-" + std::to_string(i + 1));
    EXPECT_EQ(posts[i].body, R"({"deleted":3,"retention_days":30})");
  }
  EXPECT_EQ(secrets_.Calls(), 1);
  const auto requests = backend_.Requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& request : requests) {
    EXPECT_EQ(request.method, http::Method::kPost);
    EXPECT_EQ(request.path, "/api/admin/cleanup/");
    EXPECT_EQ(request.HeaderValue("Authorization"), "Bearer " + std::string(kApiKey));
  }
  // One JSON log line per event, none with the key in it.
  ASSERT_EQ(log_.size(), 3u);
  for (const auto& line : log_) {
    const auto entry = boost::json::parse(line).as_object();
    EXPECT_EQ(entry.at("handler").as_string(), "cleanup");
    EXPECT_EQ(entry.at("event").as_string(), "response");
    EXPECT_THAT(line, ::testing::Not(HasSubstr(kApiKey)));
  }
  EXPECT_EQ(std::string(std::getenv("_X_AMZN_TRACE_ID")),
            "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1");
}

TEST_F(LambdaTest, AHandlerErrorIsPostedAndTheLoopGoesOn) {
  backend_.Answer("/api/admin/cleanup/", 503,
                  R"({"error":{"code":"service_unavailable","message":"database down"}})");
  FakeRuntimeApi api({{"r-1", kNow + kMinute}, {"r-2", kNow + kMinute}});
  EXPECT_EQ(Run("cleanup", api, 2), 0);
  const auto posts = api.Posts();
  ASSERT_EQ(posts.size(), 2u);
  for (const auto& posted : posts) {
    EXPECT_EQ(posted.kind, "error");
    EXPECT_EQ(posted.error_type, "Cleanup.Failed");
    const auto body = boost::json::parse(posted.body).as_object();
    EXPECT_EQ(body.at("errorType").as_string(), "Cleanup.Failed");
    EXPECT_THAT(std::string(body.at("errorMessage").as_string()),
                HasSubstr("/api/admin/cleanup/: HTTP 503"));
    EXPECT_TRUE(body.at("stackTrace").as_array().empty());
  }
}

TEST_F(LambdaTest, AnUnreadableSecretIsAnInvocationErrorNamingIt) {
  vars_["BACKEND_SECRET"] = "missing";
  FakeRuntimeApi api({{"r-1", kNow + kMinute}});
  EXPECT_EQ(Run("cleanup", api, 1), 0);
  const auto posts = api.Posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].error_type, "Secret.Unavailable");
  EXPECT_THAT(posts[0].body, HasSubstr("secret missing: HTTP 400 ResourceNotFoundException"));
  EXPECT_TRUE(backend_.Requests().empty());
}

TEST_F(LambdaTest, AnEventPastItsDeadlineIsNotRun) {
  FakeRuntimeApi api({{"late", kNow - 1}});
  EXPECT_EQ(Run("cleanup", api, 1), 0);
  const auto posts = api.Posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].kind, "error");
  EXPECT_EQ(posts[0].error_type, "Runtime.DeadlineExceeded");
  EXPECT_TRUE(backend_.Requests().empty());
  EXPECT_EQ(secrets_.Calls(), 0);
}

TEST_F(LambdaTest, AHandlerThatThrowsIsReportedNotFatal) {
  FakeRuntimeApi api({{"r-1", kNow + kMinute}, {"r-2", kNow + kMinute}});
  RuntimeClient client(api.Host());
  LoopOptions options;
  options.max_invocations = 2;
  options.now_ms = [] { return kNow; };
  int calls = 0;
  const Handler handler = [&](const Invocation&) -> HandlerResult {
    if (++calls == 1) throw std::runtime_error("boom");
    return HandlerResult::Success("{}");
  };
  EXPECT_EQ(RunLoop(client, handler, "test", options), 0);
  const auto posts = api.Posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].error_type, "Runtime.HandlerException");
  EXPECT_THAT(posts[0].body, HasSubstr(R"("errorMessage":"boom")"));
  EXPECT_EQ(posts[1].kind, "response");
}

TEST_F(LambdaTest, TheLoopEndsWhenTheRuntimeApiGoesAway) {
  std::string host;
  {
    FakeRuntimeApi gone({});
    host = gone.Host();
  }  // nothing listens there any more
  RuntimeClient client(host);
  LoopOptions options;
  options.now_ms = [] { return kNow; };
  options.log = [this](std::string_view line) { log_.emplace_back(line); };
  EXPECT_EQ(
      RunLoop(
          client, [](const Invocation&) { return HandlerResult::Success("{}"); }, "t", options),
      1);
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_THAT(log_[0], HasSubstr(R"("event":"runtime_api_gone")"));
  EXPECT_THAT(log_[0], HasSubstr("3 failed calls to next"));
}

TEST_F(LambdaTest, StartUpFailuresNameWhatIsMissing) {
  EXPECT_EQ(MakeHandler("fetch_everything", Context()).init_error_type, "Runtime.UnknownHandler");
  EXPECT_THAT(MakeHandler("fetch_everything", Context()).init_error,
              HasSubstr("fetch_noaa, fetch_chlorophyll, fetch_ndbc, fetch_copernicus, cleanup"));
  vars_.erase("API_URL");
  EXPECT_EQ(MakeHandler("cleanup", Context()).init_error_type, "Runtime.MissingVariable");
  EXPECT_THAT(MakeHandler("cleanup", Context()).init_error, HasSubstr("API_URL is not set"));
  vars_["API_URL"] = "dashboard.example.org/api";
  EXPECT_EQ(MakeHandler("cleanup", Context()).init_error_type, "Runtime.ConfigInvalid");
  vars_["API_URL"] = backend_.Url();
  vars_.erase("BACKEND_SECRET");
  EXPECT_THAT(MakeHandler("cleanup", Context()).init_error, HasSubstr("BACKEND_SECRET is not set"));
  vars_["BACKEND_SECRET"] = "s";
  vars_.erase("AWS_ACCESS_KEY_ID");
  EXPECT_EQ(MakeHandler("cleanup", Context()).init_error, "AWS_ACCESS_KEY_ID is not set");
  vars_["AWS_ACCESS_KEY_ID"] = "A";
  config_.sources_file = "/nonexistent/sources.json";
  EXPECT_EQ(MakeHandler("fetch_ndbc", Context()).init_error_type, "Runtime.ConfigInvalid");

  // The init error reaches the Runtime API in the documented shape.
  FakeRuntimeApi api({});
  RuntimeClient client(api.Host());
  EXPECT_EQ(client.PostInitError("Runtime.UnknownHandler", "_HANDLER \"x\" is unknown"), "");
  const auto posts = api.Posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].kind, "init_error");
  EXPECT_EQ(posts[0].error_type, "Runtime.UnknownHandler");
  EXPECT_EQ(
      posts[0].body,
      R"({"errorMessage":"_HANDLER \"x\" is unknown","errorType":"Runtime.UnknownHandler","stackTrace":[]})");
}

// fetch_ndbc against a fake NDBC serving a recorded realtime2 file: its rows are POSTed to the
// backend's ingest endpoint with the key, and the response lists the source.
class FetchHandlerTest : public LambdaTest {
 protected:
  FetchHandlerTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("oceandash-lambda-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    sources::testing::FakeResponse realtime;
    realtime.content_type = std::string(sources::testing::kTextType);
    realtime.body = sources::testing::ReadFixture("ndbc/46042.txt");
    upstream_.Serve("/data/realtime2/46042.txt", realtime);
    Write("sources.json", R"([{"id":"ndbc","kind":"ndbc_realtime","name":"NDBC",
      "servers":[{"url":")" + upstream_.BaseUrl() +
                              R"("}],
      "variables":[{"column":"WTMP","parameter":"sst"},{"column":"WVHT","parameter":"wave_height"}],
      "lookback_days":7}])");
    Write("locations.json", R"([{"id":"monterey-bay","name":"Monterey Bay","latitude":36.75,
      "longitude":-122.03,"description":"M1","ndbc_station":"46042"}])");
    config_.sources_file = (dir_ / "sources.json").string();
    config_.locations_file = (dir_ / "locations.json").string();
    backend_.Answer("/api/observations/ingest/", 200, R"({"received":1,"inserted":1,"updated":0})");
    now_ = *core::ParseTimestamp("2026-11-26T12:00:00Z");
  }
  ~FetchHandlerTest() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  std::filesystem::path dir_;
  sources::testing::FakeUpstream upstream_;
};

TEST_F(FetchHandlerTest, PostsTheRowsToTheIngestEndpointWithTheKey) {
  FakeRuntimeApi api({{"r-1", now_ + 5 * kMinute, R"({"days":2})"}});
  EXPECT_EQ(Run("fetch_ndbc", api, 1), 0);
  const auto posts = api.Posts();
  ASSERT_EQ(posts.size(), 1u);
  ASSERT_EQ(posts[0].kind, "response") << posts[0].body;
  const auto response = boost::json::parse(posts[0].body).as_object();
  EXPECT_EQ(response.at("handler").as_string(), "fetch_ndbc");
  const auto& source = response.at("sources").as_array().at(0).as_object();
  EXPECT_EQ(source.at("id").as_string(), "ndbc");
  EXPECT_TRUE(source.at("ok").as_bool());
  EXPECT_GT(source.at("rows").as_int64(), 0);

  const auto requests = backend_.Requests();
  ASSERT_FALSE(requests.empty());
  for (const auto& request : requests) {
    EXPECT_EQ(request.path, "/api/observations/ingest/");
    EXPECT_EQ(request.HeaderValue("Authorization"), "Bearer " + std::string(kApiKey));
    const auto rows = boost::json::parse(request.body).as_array();
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows[0].as_object().at("source").as_string(), "ndbc");
    EXPECT_EQ(rows[0].as_object().at("location_id").as_string(), "monterey-bay");
  }
}

TEST_F(FetchHandlerTest, ASourceIsNotStartedTooCloseToTheDeadline) {
  FakeRuntimeApi api({{"r-1", now_ + 5'000}});
  EXPECT_EQ(Run("fetch_ndbc", api, 1), 0);
  const auto posts = api.Posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].error_type, "Fetch.Failed");
  EXPECT_THAT(posts[0].body, HasSubstr("deadline: not started"));
  EXPECT_THAT(posts[0].body, HasSubstr("ndbc"));
  EXPECT_EQ(upstream_.Requests().size(), 0u);
  EXPECT_TRUE(backend_.Requests().empty());
}

TEST_F(FetchHandlerTest, ABadEventIsRefused) {
  FakeRuntimeApi api({{"r-1", now_ + 5 * kMinute, R"({"days":90})"}});
  EXPECT_EQ(Run("fetch_ndbc", api, 1), 0);
  EXPECT_EQ(api.Posts().at(0).error_type, "Event.Invalid");
  EXPECT_THAT(api.Posts().at(0).body, HasSubstr("days"));
}

}  // namespace
}  // namespace ocean::lambda
