#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <thread>

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "http/access_log.hpp"
#include "http/cors.hpp"
#include "http/errors.hpp"
#include "http/request_id.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "http/url.hpp"

namespace ocean::http {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using core::ApiError;
using core::ErrorCode;

// ---------------------------------------------------------------------------------------------
// Helpers

Request MakeRequest(Method method, std::string target) {
  Request request;
  request.method = method;
  request.target = target;
  auto decoded = DecodeTarget(target);
  if (decoded) {
    request.path = decoded->path;
    request.query = decoded->query;
  }
  request.request_id = "test-request-id";
  return request;
}

std::string HeaderOf(const Response& response, std::string_view name) {
  for (const auto& header : response.headers) {
    if (header.name == name) return header.value;
  }
  return {};
}

boost::json::value ParseJson(const std::string& text) { return boost::json::parse(text); }

std::string ErrorCodeOfBody(const std::string& body) {
  return std::string(ParseJson(body).at("error").at("code").as_string());
}

std::string ErrorCodeOf(const Response& response) { return ErrorCodeOfBody(response.body); }

std::string Gunzip(const std::string& compressed) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  std::string output;
  char buffer[4096];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_NO_FLUSH);
    output.append(buffer, sizeof buffer - stream.avail_out);
  }
  EXPECT_EQ(rc, Z_STREAM_END);
  inflateEnd(&stream);
  return output;
}

class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = fs::temp_directory_path() / ("ocean_http_test_" + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void WriteFile(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

std::string ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// ---------------------------------------------------------------------------------------------
// Router

Handler Returning(std::string body) {
  return [body](const Request&, const PathParams&) {
    Response response;
    response.body = body;
    return response;
  };
}

TEST(RouterTest, MatchesLiteralsAndCapturesParams) {
  Router router;
  router.Add(Method::kGet, "/api/locations/{id}/", [](const Request&, const PathParams& params) {
    Response response;
    response.body = params.at("id");
    return response;
  });
  router.Add(Method::kGet, "/api/locations/", Returning("list"));

  Response one = router.Dispatch(MakeRequest(Method::kGet, "/api/locations/station%2042/"));
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.body, "station 42");
  EXPECT_EQ(router.Dispatch(MakeRequest(Method::kGet, "/api/locations/")).body, "list");
}

TEST(RouterTest, ParamNeedsNonEmptySegmentAndTrailingSlashIsSignificant) {
  Router router;
  router.Add(Method::kGet, "/api/locations/{id}/", Returning("one"));
  EXPECT_EQ(router.Dispatch(MakeRequest(Method::kGet, "/api/locations//")).status, 404);
  EXPECT_EQ(router.Dispatch(MakeRequest(Method::kGet, "/api/locations/x")).status, 404);
  EXPECT_EQ(router.Dispatch(MakeRequest(Method::kGet, "/api/locations/x/y/")).status, 404);
}

TEST(RouterTest, UnknownPathIsJson404) {
  Router router;
  router.Add(Method::kGet, "/api/health/", Returning("ok"));
  Response response = router.Dispatch(MakeRequest(Method::kGet, "/api/nothing/"));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(ErrorCodeOf(response), "not_found");
}

TEST(RouterTest, WrongMethodIs405WithAllow) {
  Router router;
  router.Add(Method::kGet, "/api/observations/", Returning("get"));
  router.Add(Method::kPost, "/api/observations/", Returning("post"));
  Response response = router.Dispatch(MakeRequest(Method::kDelete, "/api/observations/"));
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(ErrorCodeOf(response), "method_not_allowed");
  EXPECT_EQ(HeaderOf(response, "Allow"), "GET, HEAD, POST");

  Router post_only;
  post_only.Add(Method::kPost, "/api/observations/ingest/", Returning("post"));
  Response get = post_only.Dispatch(MakeRequest(Method::kGet, "/api/observations/ingest/"));
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(HeaderOf(get, "Allow"), "POST");
}

TEST(RouterTest, HeadIsAnsweredByGet) {
  Router router;
  router.Add(Method::kGet, "/api/health/", Returning("ok"));
  Response response = router.Dispatch(MakeRequest(Method::kHead, "/api/health/"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "ok");  // the transport drops it
}

TEST(RouterTest, RoutesListsTheTableInOrder) {
  Router router;
  router.Add(Method::kGet, "/api/locations/", Returning(""));
  router.Add(Method::kPost, "/api/observations/ingest/", Returning(""));
  const std::vector<RouteInfo> expected{{Method::kGet, "/api/locations/"},
                                        {Method::kPost, "/api/observations/ingest/"}};
  EXPECT_EQ(router.Routes(), expected);
}

TEST(RouterTest, RejectsDuplicateAndMalformedPatterns) {
  Router router;
  router.Add(Method::kGet, "/api/x/", Returning(""));
  EXPECT_THROW(router.Add(Method::kGet, "/api/x/", Returning("")), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "api/y/", Returning("")), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/api/{id/", Returning("")), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/api/{}/", Returning("")), std::invalid_argument);
}

TEST(RouterTest, ApiErrorBecomesItsResponse) {
  Router router;
  router.Add(Method::kGet, "/api/x/", [](const Request&, const PathParams&) -> Response {
    throw ApiError(ErrorCode::kValidation, "bad input", {{std::nullopt, "start", "not a time"}});
  });
  Response response = router.Dispatch(MakeRequest(Method::kGet, "/api/x/"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCodeOf(response), "validation_error");
}

TEST(RouterTest, OtherExceptionsAreOpaque500WithRequestId) {
  Router router;
  router.Add(Method::kGet, "/api/x/", [](const Request&, const PathParams&) -> Response {
    throw std::runtime_error("password=hunter2 connection refused");
  });
  Response response = router.Dispatch(MakeRequest(Method::kGet, "/api/x/"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(ErrorCodeOf(response), "internal_error");
  EXPECT_NE(response.body.find("test-request-id"), std::string::npos);
  EXPECT_EQ(response.body.find("hunter2"), std::string::npos);
}

TEST(RouterTest, UnavailableDependencyIs503) {
  Router router;
  router.Add(Method::kGet, "/api/x/", [](const Request&, const PathParams&) -> Response {
    throw core::UnavailableError("db down");
  });
  Response response = router.Dispatch(MakeRequest(Method::kGet, "/api/x/"));
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(ErrorCodeOf(response), "service_unavailable");
}

TEST(RouterTest, FallbackServesOnlyNonApiPaths) {
  Router router;
  router.Add(Method::kGet, "/api/health/", Returning("ok"));
  router.SetFallback([](const Request& request) -> std::optional<Response> {
    if (request.path == "/missing") return std::nullopt;
    Response response;
    response.body = "static";
    return response;
  });
  EXPECT_EQ(router.Dispatch(MakeRequest(Method::kGet, "/about")).body, "static");
  EXPECT_EQ(router.Dispatch(MakeRequest(Method::kGet, "/")).body, "static");
  EXPECT_EQ(router.Dispatch(MakeRequest(Method::kGet, "/missing")).status, 404);
  EXPECT_EQ(router.Dispatch(MakeRequest(Method::kGet, "/api/other/")).status, 404);
  EXPECT_EQ(router.Dispatch(MakeRequest(Method::kGet, "/api")).status, 404);
}

// ---------------------------------------------------------------------------------------------
// Error responses

TEST(ErrorResponseTest, MapsEveryCode) {
  const std::vector<std::tuple<ErrorCode, int, std::string>> cases{
      {ErrorCode::kValidation, 400, "validation_error"},
      {ErrorCode::kBadRequest, 400, "bad_request"},
      {ErrorCode::kUnauthorized, 401, "unauthorized"},
      {ErrorCode::kNotFound, 404, "not_found"},
      {ErrorCode::kMethodNotAllowed, 405, "method_not_allowed"},
      {ErrorCode::kPayloadTooLarge, 413, "payload_too_large"},
      {ErrorCode::kUnsupportedMedia, 415, "unsupported_media_type"},
      {ErrorCode::kWritesDisabled, 503, "writes_disabled"},
      {ErrorCode::kNotImplemented, 501, "not_implemented"},
      {ErrorCode::kUnavailable, 503, "service_unavailable"},
      {ErrorCode::kInternal, 500, "internal_error"},
  };
  for (const auto& [code, status, name] : cases) {
    Response response = ErrorResponse(ApiError(code, "message"));
    EXPECT_EQ(response.status, status) << name;
    EXPECT_EQ(response.content_type, "application/json");
    const auto body = ParseJson(response.body);
    EXPECT_EQ(body.at("error").at("code").as_string(), name);
    EXPECT_EQ(body.at("error").at("message").as_string(), "message");
    EXPECT_TRUE(body.at("error").at("details").as_array().empty());
  }
}

TEST(ErrorResponseTest, DetailsCarryIndexOnlyWhenPresent) {
  Response response = ErrorResponse(
      ApiError(ErrorCode::kValidation, "2 rows invalid",
               {{3, "value", "out of range"}, {std::nullopt, "parameter", "unknown"}}));
  EXPECT_EQ(response.body,
            R"({"error":{"code":"validation_error","message":"2 rows invalid","details":[)"
            R"({"index":3,"field":"value","message":"out of range"},)"
            R"({"field":"parameter","message":"unknown"}]}})");
}

TEST(ErrorResponseTest, AddsProtocolHeaders) {
  EXPECT_EQ(
      HeaderOf(ErrorResponse(ApiError(ErrorCode::kUnauthorized, "no key")), "WWW-Authenticate"),
      "Bearer");
  ApiError not_allowed(ErrorCode::kMethodNotAllowed, "no");
  not_allowed.allow = "GET, HEAD";
  EXPECT_EQ(HeaderOf(ErrorResponse(not_allowed), "Allow"), "GET, HEAD");
}

// ---------------------------------------------------------------------------------------------
// Request target, request id, CORS, access log

TEST(UrlTest, DecodesPathAndFormEncodedQuery) {
  auto decoded = DecodeTarget("/api/a%20b+c/?x=1&x=2&y=a+b&z=%2B%26&flag&=v&&w=");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->path, "/api/a b+c/");
  const QueryPairs expected{{"x", "1"},   {"x", "2"}, {"y", "a b"}, {"z", "+&"},
                            {"flag", ""}, {"", "v"},  {"w", ""}};
  EXPECT_EQ(decoded->query, expected);
}

TEST(UrlTest, RejectsMalformedTargets) {
  EXPECT_FALSE(DecodeTarget("/a%zz"));
  EXPECT_FALSE(DecodeTarget("/a%2"));
  EXPECT_FALSE(DecodeTarget("/a%"));
  EXPECT_FALSE(DecodeTarget("/a%00b"));
  EXPECT_FALSE(DecodeTarget("/a?x=%G1"));
  EXPECT_FALSE(DecodeTarget("/a?x=%00"));
  EXPECT_FALSE(DecodeTarget("a/b"));
  EXPECT_FALSE(DecodeTarget(""));
}

TEST(UrlTest, PercentDecodeRefusesBadEscapesAndNul) {
  EXPECT_EQ(PercentDecode("%C3%A9t%c3%a9+x", false), "\xC3\xA9t\xC3\xA9+x");
  EXPECT_EQ(PercentDecode("%C3%A9t%c3%a9+x", true), "\xC3\xA9t\xC3\xA9 x");
  EXPECT_EQ(PercentDecode("100%25", false), "100%");
  EXPECT_EQ(PercentDecode("", true), "");
  for (const std::string_view bad : {"%", "%4", "a%4", "%%41", "%4g", "%g4", "x%00y"}) {
    EXPECT_FALSE(PercentDecode(bad, true)) << bad;
  }
  EXPECT_FALSE(PercentDecode(std::string_view("a\0b", 3), false));
}

TEST(RequestIdTest, KeepsSaneIdsAndReplacesOthers) {
  EXPECT_EQ(ChooseRequestId("abc-DEF_1.2"), "abc-DEF_1.2");
  for (std::string_view bad : {"", "has space", "semi;colon", "quote\"", "\r\nX-Evil: 1"}) {
    const std::string id = ChooseRequestId(bad);
    EXPECT_EQ(id.size(), 16u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  }
  EXPECT_EQ(ChooseRequestId(std::string(65, 'a')).size(), 16u);
  EXPECT_EQ(ChooseRequestId(std::string(64, 'a')), std::string(64, 'a'));
  EXPECT_NE(GenerateRequestId(), GenerateRequestId());
}

TEST(CorsTest, EchoesAllowedOriginsAndAnswersPreflight) {
  CorsPolicy cors({"https://dash.example"});
  auto headers = cors.ResponseHeaders("https://dash.example");
  Response holder;
  holder.headers = headers;
  EXPECT_EQ(HeaderOf(holder, "Access-Control-Allow-Origin"), "https://dash.example");
  EXPECT_EQ(HeaderOf(holder, "Vary"), "Origin");

  holder.headers = cors.ResponseHeaders("https://evil.example");
  EXPECT_EQ(HeaderOf(holder, "Access-Control-Allow-Origin"), "");

  Request preflight = MakeRequest(Method::kOptions, "/api/observations/");
  preflight.headers = {{"Origin", "https://dash.example"},
                       {"Access-Control-Request-Method", "POST"}};
  auto response = cors.Preflight(preflight);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 204);
  EXPECT_EQ(HeaderOf(*response, "Access-Control-Allow-Methods"), "GET, HEAD, POST, OPTIONS");
  EXPECT_EQ(HeaderOf(*response, "Access-Control-Allow-Headers"),
            "Authorization, Content-Type, If-None-Match");
  EXPECT_FALSE(HeaderOf(*response, "Access-Control-Max-Age").empty());

  preflight.headers[0].value = "https://evil.example";
  EXPECT_FALSE(cors.Preflight(preflight));
  EXPECT_TRUE(CorsPolicy({"*"}).Allows("https://anything.example"));
  EXPECT_TRUE(CorsPolicy({}).ResponseHeaders("https://dash.example").empty());
}

TEST(AccessLogTest, FormatsOneJsonLine) {
  const std::string line = FormatAccessLogLine({.time_ms = 1714564800123,
                                                .request_id = "abc",
                                                .method = "GET",
                                                .path = "/api/x \"y\"",
                                                .query = "a=1",
                                                .status = 200,
                                                .duration_ms = 0.28427,
                                                .bytes = 42,
                                                .remote = "127.0.0.1:5000"});
  EXPECT_EQ(line,
            R"({"time":"2024-05-01T12:00:00.123Z","request_id":"abc","method":"GET",)"
            R"("path":"/api/x \"y\"","query":"a=1","status":200,"duration_ms":0.284,"bytes":42,)"
            R"("remote":"127.0.0.1:5000"})"
            "\n");
  const auto json = ParseJson(line);
  EXPECT_EQ(json.at("time").as_string(), "2024-05-01T12:00:00.123Z");
  EXPECT_EQ(json.at("path").as_string(), "/api/x \"y\"");
  EXPECT_EQ(json.at("status").as_int64(), 200);
  EXPECT_DOUBLE_EQ(json.at("duration_ms").as_double(), 0.284);
  EXPECT_EQ(json.at("bytes").to_number<std::int64_t>(), 42);
}

TEST(AccessLogTest, WritesDurationAsFixedMillisecondsAndStaysValidJson) {
  const std::pair<double, std::string_view> cases[] = {
      {1234.56789, "1234.568"},
      {0.0004, "0.000"},
      {std::numeric_limits<double>::quiet_NaN(), "0.000"},
      {std::numeric_limits<double>::infinity(), "0.000"},
  };
  for (const auto& [duration_ms, expected] : cases) {
    AccessLogEntry entry;
    entry.duration_ms = duration_ms;
    const std::string line = FormatAccessLogLine(entry);
    EXPECT_NE(line.find("\"duration_ms\":" + std::string(expected) + ","), std::string::npos)
        << line;
    const auto json = ParseJson(line);
    EXPECT_TRUE(json.at("duration_ms").is_double()) << line;
    EXPECT_FALSE(json.as_object().contains("query")) << line;
  }
}

// ---------------------------------------------------------------------------------------------
// Static files

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path() / "out";
    WriteFile(root_ / "index.html", "<html>home</html>");
    WriteFile(root_ / "about.html", "<html>about</html>");
    WriteFile(root_ / "docs" / "index.html", "<html>docs</html>");
    WriteFile(root_ / "404.html", "<html>not found</html>");
    WriteFile(root_ / "favicon.ico", "ICO");
    big_js_.clear();
    for (int i = 0; i < 200; ++i)
      big_js_ += "console.log('ocean dashboard line " + std::to_string(i) + "');\n";
    WriteFile(root_ / "_next" / "static" / "chunks" / "app.js", big_js_);
    WriteFile(root_ / "style.css", std::string(2000, 'a'));
    WriteFile(root_ / "style.css.gz", "precompressed-bytes");
    WriteFile(dir_.path() / "secret.txt", "TOP SECRET");
  }

  Request Get(std::string target) { return MakeRequest(Method::kGet, std::move(target)); }
  std::optional<Response> Serve(const Request& request) {
    return ServeStatic(root_.string(), request);
  }
  // Nothing outside the root may ever be served, whatever the status.
  void ExpectNotServedSecret(const std::optional<Response>& response) {
    if (!response) return;
    EXPECT_NE(response->status, 200);
    EXPECT_EQ(response->body.find("TOP SECRET"), std::string::npos);
    if (!response->file_path.empty()) {
      EXPECT_NE(ReadWholeFile(response->file_path).find("not found"), std::string::npos);
    }
  }

  TempDir dir_;
  fs::path root_;
  std::string big_js_;
};

TEST_F(StaticFilesTest, MapsPathsLikeTheNextExport) {
  auto home = Serve(Get("/"));
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 200);
  EXPECT_EQ(fs::path(home->file_path).filename(), "index.html");
  EXPECT_EQ(home->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(HeaderOf(*home, "Cache-Control"), "no-cache");
  EXPECT_TRUE(HeaderOf(*home, "ETag").starts_with("W/\""));

  EXPECT_EQ(ReadWholeFile(Serve(Get("/about"))->file_path), "<html>about</html>");
  EXPECT_EQ(ReadWholeFile(Serve(Get("/docs/"))->file_path), "<html>docs</html>");
  EXPECT_EQ(ReadWholeFile(Serve(Get("/docs"))->file_path), "<html>docs</html>");
  EXPECT_EQ(ReadWholeFile(Serve(Get("/about.html"))->file_path), "<html>about</html>");
}

TEST_F(StaticFilesTest, ContentTypesAndCaching) {
  auto js = Serve(Get("/_next/static/chunks/app.js"));
  ASSERT_TRUE(js);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(*js, "Cache-Control"), "public, max-age=31536000, immutable");

  auto icon = Serve(Get("/favicon.ico"));
  ASSERT_TRUE(icon);
  EXPECT_EQ(icon->content_type, "image/x-icon");
  EXPECT_EQ(HeaderOf(*icon, "Cache-Control"), "public, max-age=3600");
}

TEST_F(StaticFilesTest, UnknownPathGetsExport404OrNothing) {
  auto missing = Serve(Get("/no/such/page"));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(ReadWholeFile(missing->file_path), "<html>not found</html>");

  fs::remove(root_ / "404.html");
  EXPECT_FALSE(Serve(Get("/no/such/page")));
  EXPECT_FALSE(Serve(MakeRequest(Method::kPost, "/")));
}

TEST_F(StaticFilesTest, CompressesTextInMemoryAndCachesIt) {
  StaticFiles files(root_.string());
  Request request = Get("/_next/static/chunks/app.js");
  request.headers = {{"Accept-Encoding", "br, gzip;q=0.8"}};
  for (int round = 0; round < 2; ++round) {  // the second answer comes from the cache
    auto response = files.Serve(request);
    ASSERT_TRUE(response);
    EXPECT_EQ(HeaderOf(*response, "Content-Encoding"), "gzip");
    EXPECT_EQ(HeaderOf(*response, "Vary"), "Accept-Encoding");
    EXPECT_TRUE(response->file_path.empty());
    EXPECT_LT(response->body.size(), big_js_.size());
    EXPECT_EQ(Gunzip(response->body), big_js_);
  }
  // A changed file is recompressed, not served stale from the cache.
  const std::string changed = big_js_ + "// changed\n";
  WriteFile(root_ / "_next" / "static" / "chunks" / "app.js", changed);
  fs::last_write_time(root_ / "_next" / "static" / "chunks" / "app.js",
                      fs::file_time_type::clock::now() + 5s);
  EXPECT_EQ(Gunzip(files.Serve(request)->body), changed);

  request.headers = {{"Accept-Encoding", "gzip;q=0"}};
  auto refused = files.Serve(request);
  EXPECT_EQ(HeaderOf(*refused, "Content-Encoding"), "");
  EXPECT_FALSE(refused->file_path.empty());
}

TEST_F(StaticFilesTest, PrefersPrecompressedSibling) {
  Request request = Get("/style.css");
  request.headers = {{"accept-encoding", "gzip, deflate"}};
  auto response = Serve(request);
  ASSERT_TRUE(response);
  EXPECT_EQ(HeaderOf(*response, "Content-Encoding"), "gzip");
  EXPECT_EQ(response->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(ReadWholeFile(response->file_path), "precompressed-bytes");

  auto plain = Serve(Get("/style.css"));
  EXPECT_EQ(HeaderOf(*plain, "Content-Encoding"), "");
  EXPECT_EQ(fs::path(plain->file_path).filename(), "style.css");
}

TEST_F(StaticFilesTest, ConditionalGetAnswers304) {
  auto first = Serve(Get("/about"));
  const std::string etag = HeaderOf(*first, "ETag");
  Request again = Get("/about");
  again.headers = {{"If-None-Match", "\"other\", " + etag}};
  auto second = Serve(again);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 304);
  EXPECT_TRUE(second->body.empty());
  EXPECT_TRUE(second->file_path.empty());
  EXPECT_EQ(HeaderOf(*second, "ETag"), etag);
}

TEST_F(StaticFilesTest, NeverServesOutsideTheRoot) {
  // Decoded dot-dot, in plain and percent-encoded spellings.
  for (std::string target :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/docs/../../secret.txt",
        "/..%2fsecret.txt", "/..%2Fsecret.txt", "/..%5csecret.txt", "/..\\secret.txt"}) {
    auto response = Serve(Get(target));
    ASSERT_TRUE(response) << target;
    EXPECT_EQ(response->status, 400) << target;
    ExpectNotServedSecret(response);
  }
  // Hand-built requests the transport would never produce are still refused.
  Request nul = Get("/x");
  nul.path = std::string("/secret.txt\0.html", 17);
  ExpectNotServedSecret(Serve(nul));

  // Symlinks that resolve outside the root are treated as missing.
  fs::create_symlink(dir_.path() / "secret.txt", root_ / "leak.txt");
  fs::create_directory_symlink(dir_.path(), root_ / "up");
  for (std::string target :
       {"/leak.txt", "/up/secret.txt", "/up/out/index.html/../../secret.txt"}) {
    auto response = Serve(Get(target));
    ExpectNotServedSecret(response);
  }
  auto leak = Serve(Get("/leak.txt"));
  ASSERT_TRUE(leak);
  EXPECT_EQ(leak->status, 404);
}

// ---------------------------------------------------------------------------------------------
// Server over real sockets

struct CurlEnvironment : ::testing::Environment {
  void SetUp() override { ASSERT_EQ(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK); }
  void TearDown() override { curl_global_cleanup(); }
};
const auto* const kCurlEnvironment = ::testing::AddGlobalTestEnvironment(new CurlEnvironment);

struct RawResponse {
  int status = 0;
  std::string head;
  std::string body;

  std::string Header(std::string_view name) const {
    std::string lower_head = head;
    std::string lower_name = "\r\n" + std::string(name) + ":";
    std::transform(lower_head.begin(), lower_head.end(), lower_head.begin(), ::tolower);
    std::transform(lower_name.begin(), lower_name.end(), lower_name.begin(), ::tolower);
    const auto at = lower_head.find(lower_name);
    if (at == std::string::npos) return {};
    const auto start = at + lower_name.size();
    const auto end = head.find("\r\n", start);
    std::string value = head.substr(start, end - start);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    return value;
  }
};

// A deliberately dumb blocking client, so tests control exactly which bytes go out when.
class RawClient {
 public:
  explicit RawClient(unsigned short port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return fd_ >= 0; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Sends `request` and reads its response; nullopt when either fails.
  std::optional<RawResponse> Exchange(std::string_view request, bool head_request = false) {
    if (!Send(request)) return std::nullopt;
    return Read(head_request);
  }

  // One response, framed by Content-Length (absent: no body, as for 204/304/HEAD).
  std::optional<RawResponse> Read(bool head_request = false,
                                  std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(deadline)) return std::nullopt;
    }
    RawResponse response;
    response.head = buffer_.substr(0, head_end + 2);
    buffer_.erase(0, head_end + 4);
    response.status = std::stoi(response.head.substr(9, 3));
    const std::string length = response.Header("Content-Length");
    const std::size_t body_size = head_request || length.empty() ? 0 : std::stoul(length);
    while (buffer_.size() < body_size) {
      if (!Fill(deadline)) return std::nullopt;
    }
    response.body = buffer_.substr(0, body_size);
    buffer_.erase(0, body_size);
    return response;
  }

  // True when the server closes the connection (EOF or reset) before the timeout.
  bool WaitClosed(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      const int result = FillOnce(deadline);
      if (result == 0) return true;  // EOF or error
      if (result < 0) return false;  // timed out
    }
  }

 private:
  // 1: got bytes; 0: EOF/error; -1: timeout.
  int FillOnce(std::chrono::steady_clock::time_point deadline) {
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) return -1;
    pollfd poll_fd{fd_, POLLIN, 0};
    if (::poll(&poll_fd, 1, static_cast<int>(remaining.count())) <= 0) return -1;
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return 0;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return 1;
  }
  bool Fill(std::chrono::steady_clock::time_point deadline) { return FillOnce(deadline) == 1; }

  int fd_ = -1;
  std::string buffer_;
};

std::string GetRequest(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

ServerOptions TestOptions() {
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.io_threads = 2;
  options.worker_threads = 4;
  options.max_body_bytes = 1024;
  options.read_timeout = 1s;
  options.idle_timeout = 5s;
  options.write_timeout = 5s;
  options.shutdown_grace = 3s;
  options.cors_allowed_origins = {"https://dash.example"};
  options.access_log = false;
  return options;
}

// A server on an ephemeral port, running on its own thread for the test's lifetime.
class RunningServer {
 public:
  explicit RunningServer(ServerHandler handler, ServerOptions options = TestOptions())
      : server_(std::move(options), std::move(handler)) {
    port_ = server_.Start();
    thread_ = std::thread([this] {
      server_.Run();
      run_returned_ = true;
    });
  }
  ~RunningServer() {
    server_.Stop();
    thread_.join();
  }
  unsigned short port() const { return port_; }
  Server& server() { return server_; }
  bool run_returned() const { return run_returned_; }
  std::string Url(std::string_view target) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(target);
  }

 private:
  Server server_;
  unsigned short port_ = 0;
  std::thread thread_;
  std::atomic<bool> run_returned_{false};
};

// /echo answers with what the server made of the request; /sleep/<ms> blocks a worker.
Response TestHandler(Request& request) {
  Response response;
  if (request.path.starts_with("/sleep/")) {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(request.path.substr(7))));
    response.body = "slept";
    return response;
  }
  if (request.path == "/throw") throw std::runtime_error("boom");
  if (request.path == "/api-error") throw ApiError(ErrorCode::kUnauthorized, "no key");
  if (request.path.starts_with("/file/")) {
    response.file_path = request.path.substr(5);
    response.content_type = "text/plain";
    return response;
  }
  boost::json::object echo{{"method", ToString(request.method)},
                           {"path", request.path},
                           {"request_id", request.request_id},
                           {"scheme_host", request.scheme_host},
                           {"body_size", request.body.size()}};
  boost::json::array query;
  for (const auto& [name, value] : request.query) query.push_back({name, value});
  echo["query"] = std::move(query);
  response.body = boost::json::serialize(echo);
  return response;
}

TEST(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  RunningServer server(TestHandler);
  RawClient client(server.port());
  ASSERT_TRUE(client.connected());
  for (int i = 0; i < 2; ++i) {
    auto response = client.Exchange(GetRequest("/echo?q=a+b&q=%2B"));
    ASSERT_TRUE(response) << "request " << i;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->Header("Server"), "oceandash");
    EXPECT_EQ(response->Header("Content-Type"), "application/json");
    const auto echo = ParseJson(response->body);
    EXPECT_EQ(echo.at("path").as_string(), "/echo");
    EXPECT_EQ(echo.at("scheme_host").as_string(), "http://test");
    EXPECT_EQ(boost::json::serialize(echo.at("query")), R"([["q","a b"],["q","+"]])");
  }
}

TEST(ServerTest, CurlReusesTheConnection) {
  RunningServer server(TestHandler);
  CURL* curl = curl_easy_init();
  ASSERT_NE(curl, nullptr);
  std::string body;
  curl_easy_setopt(
      curl, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t count, void* out) -> size_t {
        static_cast<std::string*>(out)->append(data, size * count);
        return size * count;
      });
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_URL, server.Url("/echo").c_str());
  ASSERT_EQ(curl_easy_perform(curl), CURLE_OK);
  ASSERT_EQ(curl_easy_perform(curl), CURLE_OK);
  long new_connections = -1;
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &new_connections);
  EXPECT_EQ(new_connections, 0);
  curl_easy_cleanup(curl);
}

TEST(ServerTest, EchoesSaneRequestIdAndGeneratesOtherwise) {
  RunningServer server(TestHandler);
  RawClient client(server.port());
  auto given = client.Exchange(GetRequest("/echo", "X-Request-ID: trace-42.a_b\r\n"));
  ASSERT_TRUE(given);
  EXPECT_EQ(given->Header("X-Request-ID"), "trace-42.a_b");
  EXPECT_EQ(ParseJson(given->body).at("request_id").as_string(), "trace-42.a_b");

  auto replaced = client.Exchange(GetRequest("/echo", "X-Request-ID: not sane!\r\n"));
  ASSERT_TRUE(replaced);
  EXPECT_EQ(replaced->Header("X-Request-ID").size(), 16u);
  EXPECT_NE(replaced->Header("X-Request-ID"), "not sane!");

  auto failed = client.Exchange(GetRequest("/throw"));
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 500);
  EXPECT_EQ(ErrorCodeOfBody(failed->body), "internal_error");
  EXPECT_NE(failed->body.find(failed->Header("X-Request-ID")), std::string::npos);
  EXPECT_EQ(failed->body.find("boom"), std::string::npos);
}

TEST(ServerTest, HeadKeepsLengthAndOmitsBody) {
  RunningServer server(TestHandler);
  RawClient client(server.port());
  auto get = client.Exchange(GetRequest("/sleep/0"));
  ASSERT_TRUE(get);
  auto head =
      client.Exchange("HEAD /sleep/0 HTTP/1.1\r\nHost: test\r\n\r\n", /*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Length"), std::to_string(get->body.size()));
  // Had a body been sent, it would be parsed as the start of this response.
  auto after = client.Exchange(GetRequest("/echo"));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST(ServerTest, StreamsFileBodies) {
  TempDir dir;
  const std::string content(100000, 'z');
  WriteFile(dir.path() / "asset.txt", content);
  RunningServer server(TestHandler);
  RawClient client(server.port());
  const std::string target = "/file" + (dir.path() / "asset.txt").string();
  auto get = client.Exchange(GetRequest(target));
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, content);
  EXPECT_EQ(get->Header("Content-Type"), "text/plain");

  auto head =
      client.Exchange("HEAD " + target + " HTTP/1.1\r\nHost: t\r\n\r\n", /*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->Header("Content-Length"), std::to_string(content.size()));

  auto missing = client.Exchange(GetRequest("/file/no/such/file"));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST(ServerTest, TooLargeBodyGets413AndClose) {
  RunningServer server(TestHandler);
  {
    RawClient client(server.port());
    auto response = client.Exchange(
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n"
        "Content-Type: application/json\r\n\r\n");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 413);
    EXPECT_EQ(ErrorCodeOfBody(response->body), "payload_too_large");
    EXPECT_EQ(response->Header("Connection"), "close");
    EXPECT_TRUE(client.WaitClosed(3000ms));
  }
  {
    // Chunked: the limit trips mid-body, after part of it was already sent.
    RawClient client(server.port());
    std::string chunk(800, 'x');
    auto response = client.Exchange(
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
        "320\r\n" +
        chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 413);
  }
  {
    RawClient client(server.port());
    auto response = client.Exchange(
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'y'));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(ParseJson(response->body).at("body_size").to_number<std::uint64_t>(), 1000u);
  }
}

TEST(ServerTest, AnswersExpectContinueBeforeReadingTheBody) {
  RunningServer server(TestHandler);
  RawClient client(server.port());
  ASSERT_TRUE(
      client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 500\r\n"
                  "Expect: 100-continue\r\n\r\n"));
  auto interim = client.Read(false, 500ms);  // curl would wait a whole second without it
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  auto response = client.Exchange(std::string(500, 'b'));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(ParseJson(response->body).at("body_size").to_number<std::uint64_t>(), 500u);
}

TEST(ServerTest, AccessLogWritesOneJsonLinePerRequestWithoutSecrets) {
  const core::FakeClock clock(1714564800123);  // the line's time comes from the server's clock
  ServerOptions options = TestOptions();
  options.access_log = true;
  options.clock = &clock;
  ::testing::internal::CaptureStdout();
  {
    RunningServer server(TestHandler, options);
    RawClient client(server.port());
    ASSERT_TRUE(client.Send(GetRequest("/echo?limit=5",
                                       "Authorization: Bearer s3cret-key\r\n"
                                       "X-Request-ID: log-test\r\n")));
    ASSERT_TRUE(client.Read());
  }
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(out.find("s3cret"), std::string::npos);
  std::optional<boost::json::value> line;
  std::size_t start = 0;
  while (start < out.size()) {
    const auto end = out.find('\n', start);
    const std::string text = out.substr(start, end - start);
    start = end == std::string::npos ? out.size() : end + 1;
    if (text.find("\"request_id\":\"log-test\"") != std::string::npos) line = ParseJson(text);
  }
  ASSERT_TRUE(line);
  EXPECT_EQ(line->at("method").as_string(), "GET");
  EXPECT_EQ(line->at("path").as_string(), "/echo");
  EXPECT_EQ(line->at("query").as_string(), "limit=5");
  EXPECT_EQ(line->at("status").as_int64(), 200);
  EXPECT_GT(line->at("bytes").to_number<std::int64_t>(), 0);
  EXPECT_TRUE(line->at("duration_ms").is_double());
  EXPECT_TRUE(line->at("remote").as_string().starts_with("127.0.0.1:"));
  EXPECT_EQ(line->at("time").as_string(), "2024-05-01T12:00:00.123Z");
}

TEST(ServerTest, BadHttpAndBadTargetsGet400Json) {
  RunningServer server(TestHandler);
  {
    RawClient client(server.port());
    auto response = client.Exchange("THIS IS NOT HTTP\r\n\r\n");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400);
    EXPECT_EQ(ErrorCodeOfBody(response->body), "bad_request");
    EXPECT_TRUE(client.WaitClosed(3000ms));
  }
  for (std::string target : {"/a%zz", "/a%00b", "/echo?x=%4"}) {
    RawClient client(server.port());
    auto response = client.Exchange(GetRequest(target));
    ASSERT_TRUE(response) << target;
    EXPECT_EQ(response->status, 400) << target;
    EXPECT_EQ(response->Header("Content-Type"), "application/json");
  }
  {
    RawClient client(server.port());
    auto response =
        client.Exchange(GetRequest("/echo", "X-Big: " + std::string(20000, 'h') + "\r\n"));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400);
  }
}

TEST(ServerTest, SlowClientIsDisconnectedAfterReadTimeout) {
  RunningServer server(TestHandler);
  RawClient client(server.port());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.Send("GET /echo HTTP/1.1\r\nHost: te"));
  EXPECT_TRUE(client.WaitClosed(4000ms));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LT(elapsed, 3500ms);
}

TEST(ServerTest, WorkerPoolRunsHandlersConcurrently) {
  RunningServer server(TestHandler);
  constexpr int kRequests = 4;
  std::atomic<int> ok{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  for (int i = 0; i < kRequests; ++i) {
    clients.emplace_back([&] {
      CURL* curl = curl_easy_init();
      if (!curl) return;
      curl_easy_setopt(curl, CURLOPT_URL, server.Url("/sleep/400").c_str());
      curl_easy_setopt(
          curl, CURLOPT_WRITEFUNCTION,
          +[](char*, size_t size, size_t count, void*) { return size * count; });
      long status = 0;
      if (curl_easy_perform(curl) == CURLE_OK &&
          curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status == 200) {
        ++ok;
      }
      curl_easy_cleanup(curl);
    });
  }
  for (auto& client : clients) client.join();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(ok, kRequests);
  EXPECT_LT(elapsed, 1200ms);  // serially it would take 1600 ms
}

TEST(ServerTest, CorsHeadersAndPreflight) {
  RunningServer server(TestHandler);
  RawClient client(server.port());
  auto simple = client.Exchange(GetRequest("/echo", "Origin: https://dash.example\r\n"));
  ASSERT_TRUE(simple);
  EXPECT_EQ(simple->Header("Access-Control-Allow-Origin"), "https://dash.example");
  EXPECT_EQ(simple->Header("Vary"), "Origin");

  auto preflight = client.Exchange(
      "OPTIONS /api/observations/ingest/ HTTP/1.1\r\nHost: t\r\n"
      "Origin: https://dash.example\r\n"
      "Access-Control-Request-Method: POST\r\n\r\n");
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_EQ(preflight->Header("Access-Control-Allow-Methods"), "GET, HEAD, POST, OPTIONS");

  auto foreign = client.Exchange(GetRequest("/echo", "Origin: https://evil.example\r\n"));
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->Header("Access-Control-Allow-Origin"), "");
}

TEST(ServerTest, GracefulStopFinishesInFlightAndRefusesNew) {
  RunningServer server(TestHandler);

  RawClient idle(server.port());  // keep-alive connection with nothing in flight
  ASSERT_TRUE(idle.Send(GetRequest("/echo")));
  ASSERT_TRUE(idle.Read());

  RawClient busy(server.port());
  ASSERT_TRUE(busy.Send(GetRequest("/sleep/500")));
  std::this_thread::sleep_for(150ms);  // the handler is now sleeping on a worker
  const auto stop_at = std::chrono::steady_clock::now();
  server.server().Stop();
  std::this_thread::sleep_for(100ms);

  EXPECT_FALSE(RawClient(server.port()).connected());
  EXPECT_TRUE(idle.WaitClosed(1000ms));

  auto response = busy.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "slept");
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_TRUE(busy.WaitClosed(1000ms));

  // Run() returns as soon as the last connection is gone, well before the 3 s grace period.
  while (!server.run_returned() && std::chrono::steady_clock::now() - stop_at < 5s) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(server.run_returned());
  EXPECT_LT(std::chrono::steady_clock::now() - stop_at, 2s);
}

TEST(ServerTest, StopWithoutConnectionsReturnsAtOnce) {
  ServerOptions options = TestOptions();
  Server server(options, TestHandler);
  ASSERT_NE(server.Start(), 0);
  std::thread runner([&] { server.Run(); });
  std::this_thread::sleep_for(50ms);
  const auto start = std::chrono::steady_clock::now();
  server.Stop();
  runner.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

}  // namespace
}  // namespace ocean::http
