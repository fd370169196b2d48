#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <bit>
#include <boost/json.hpp>
#include <filesystem>
#include <random>
#include <set>

#include "api/api.hpp"
#include "api/openapi.hpp"
#include "api/query.hpp"
#include "api/response.hpp"
#include "api/routes.hpp"
#include "core/api_error.hpp"
#include "core/catalogue.hpp"
#include "http/errors.hpp"
#include "http/url.hpp"

namespace ocean::api {
namespace {

using ::testing::ElementsAre;

bool Known(std::string_view id) { return id == "a" || id == "b"; }
constexpr core::EpochMs kNow = 1795672800000;  // 2026-11-26T06:00:00Z

std::vector<std::string> ErrorFields(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::kValidation);
    std::vector<std::string> fields;
    for (const auto& d : e.details()) fields.push_back(d.field);
    return fields;
  }
  return {"<no error>"};
}

// A migrated SQLite store in a temporary file, removed with its WAL files when the test ends.
class TempStore {
 public:
  explicit TempStore(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("oceandash-" + name + "-" + std::to_string(::getpid()) + ".db")),
        store_(storage::OpenStore("sqlite:" + path_.string(), 1)) {
    store_->Migrate();
  }
  ~TempStore() {
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_.string() + suffix);
  }
  TempStore(const TempStore&) = delete;
  TempStore& operator=(const TempStore&) = delete;

  storage::Store& operator*() const { return *store_; }
  storage::Store* operator->() const { return store_.get(); }

 private:
  std::filesystem::path path_;
  std::unique_ptr<storage::Store> store_;
};

TEST(Query, ObservationsDefaults) {
  const auto p = ParseObservationsQuery({}, kNow, Known);
  EXPECT_EQ(p.query.end_ms, kNow);
  EXPECT_EQ(p.query.start_ms, kNow - kDefaultWindowMs);
  EXPECT_EQ(p.query.limit, 1000);
  EXPECT_FALSE(p.csv);
  EXPECT_TRUE(p.query.locations.empty());
}

TEST(Query, ObservationsFilters) {
  const auto p = ParseObservationsQuery({{"location", "a,b"},
                                         {"location", "a"},
                                         {"parameter", "sst"},
                                         {"source", "noaa"},
                                         {"start", "2026-11-01T00:00:00Z"},
                                         {"end", "2026-11-02T00:00:00 09:00"},
                                         {"limit", "10000"},
                                         {"cursor", "opaque"},
                                         {"format", "csv"}},
                                        kNow, Known);
  EXPECT_THAT(p.query.locations, ElementsAre("a", "b"));
  EXPECT_EQ(*p.query.parameter, "sst");
  EXPECT_EQ(*p.query.source, "noaa");
  EXPECT_EQ(p.query.start_ms, 1793491200000);
  EXPECT_EQ(p.query.end_ms, 1793545200000);
  EXPECT_EQ(p.query.limit, 10000);
  EXPECT_EQ(p.cursor, "opaque");
  EXPECT_TRUE(p.csv);
}

TEST(Query, ObservationsErrors) {
  EXPECT_THAT(ErrorFields([] {
                ParseObservationsQuery({{"location", "zzz"},
                                        {"parameter", "temp"},
                                        {"limit", "0"},
                                        {"format", "xml"},
                                        {"start", "yesterday"},
                                        {"colour", "blue"}},
                                       kNow, Known);
              }),
              ElementsAre("colour", "location", "parameter", "start", "limit", "format"));
  EXPECT_THAT(ErrorFields([] {
                ParseObservationsQuery(
                    {{"start", "2026-11-02T00:00:00Z"}, {"end", "2026-11-01T00:00:00Z"}}, kNow,
                    Known);
              }),
              ElementsAre("start"));
  EXPECT_THAT(ErrorFields([] {
                ParseObservationsQuery({{"limit", "10001"}, {"limit", "5"}}, kNow, Known);
              }),
              ElementsAre("limit"));
}

TEST(Query, Series) {
  const auto p = ParseSeriesQuery({{"location", "a"}, {"parameter", "sst"}, {"max_points", "50"}},
                                  kNow, Known);
  EXPECT_EQ(p.location, "a");
  EXPECT_EQ(p.max_points, 50u);
  EXPECT_THAT(ErrorFields([] { ParseSeriesQuery({}, kNow, Known); }),
              ElementsAre("location", "parameter"));
  EXPECT_THAT(ErrorFields([] {
                ParseSeriesQuery({{"location", "a,b"}, {"parameter", "sst"}, {"max_points", "2"}},
                                 kNow, Known);
              }),
              ElementsAre("location", "max_points"));
}

TEST(Query, NextPagePinsWindow) {
  const auto p = ParseObservationsQuery({{"location", "a"}, {"limit", "5"}}, kNow, Known);
  EXPECT_EQ(NextPageQuery(p, "CUR"),
            "location=a&start=2026-10-27T06%3A00%3A00Z&end=2026-11-26T06%3A00%3A00Z&limit=5&"
            "cursor=CUR");
}

TEST(Etag, Matching) {
  const auto etag = MakeEtag("hello");
  EXPECT_TRUE(etag.starts_with('"') && etag.ends_with('"')) << etag;
  EXPECT_EQ(etag, MakeEtag("hello"));
  EXPECT_NE(etag, MakeEtag("hello!"));
  EXPECT_TRUE(EtagMatches(etag, etag));
  EXPECT_TRUE(EtagMatches("\"x\", W/" + etag, etag));
  EXPECT_TRUE(EtagMatches("*", etag));
  EXPECT_FALSE(EtagMatches("", etag));
  EXPECT_FALSE(EtagMatches("\"x\"", etag));
}

TEST(Auth, KeysEqual) {
  EXPECT_TRUE(KeysEqual("0123456789abcdef", "0123456789abcdef"));
  EXPECT_FALSE(KeysEqual("0123456789abcdeX", "0123456789abcdef"));
  EXPECT_FALSE(KeysEqual("0123456789abcde", "0123456789abcdef"));
  EXPECT_FALSE(KeysEqual("0123456789abcdef0", "0123456789abcdef"));
  EXPECT_FALSE(KeysEqual("", ""));
}

// The OpenAPI document as compiled into the binary. tests/openapi/ validates it with a real
// OpenAPI validator and checks live answers against it; these checks keep ctest alone from
// missing the cheap kinds of drift.
const boost::json::value& Document() {
  static const boost::json::value document = boost::json::parse(OpenApiDocument());
  return document;
}

// Every route the server has is in the OpenAPI document, and every documented path and
// method is a route.
TEST(OpenApi, MatchesRouteTable) {
  const auto& doc = Document();
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      documented.emplace(std::string(path), std::string(method));
    }
  }
  TempStore store("api-test");
  auto cache = cache::OpenCache("", {});
  Api api(*store, *cache, {});
  http::Router router;
  RegisterRoutes(router, api);
  std::set<std::pair<std::string, std::string>> routed;
  for (const auto& route : router.Routes()) {
    std::string method(http::ToString(route.method));
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    routed.emplace(route.pattern, method);
  }
  EXPECT_EQ(documented, routed);
}

void CollectRefs(const boost::json::value& value, std::vector<std::string>& refs) {
  if (const auto* object = value.if_object()) {
    for (const auto& [key, member] : *object) {
      if (key == "$ref" && member.is_string()) refs.emplace_back(member.as_string());
      CollectRefs(member, refs);
    }
  } else if (const auto* array = value.if_array()) {
    for (const auto& element : *array) CollectRefs(element, refs);
  }
}

// A dangling $ref makes every standard tool reject the whole document.
TEST(OpenApi, EveryRefResolves) {
  std::vector<std::string> refs;
  CollectRefs(Document(), refs);
  ASSERT_FALSE(refs.empty());
  for (const auto& ref : refs) {
    ASSERT_TRUE(ref.starts_with("#/")) << ref << ": only local references are used";
    boost::system::error_code ec;
    EXPECT_NE(Document().find_pointer(std::string_view(ref).substr(1), ec), nullptr) << ref;
  }
}

// Every operation documents a success, and no "default" answer that would accept any status.
TEST(OpenApi, EveryOperationHasASuccess) {
  for (const auto& [path, item] : Document().at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      const auto& responses = operation.at("responses").as_object();
      const bool success = std::any_of(responses.begin(), responses.end(), [](const auto& r) {
        return r.key().size() == 3 && r.key().starts_with('2');
      });
      EXPECT_TRUE(success) << method << " " << path;
      EXPECT_FALSE(responses.contains("default")) << method << " " << path;
    }
  }
}

TEST(OpenApi, ParameterIdsAreTheCatalogue) {
  std::vector<std::string> documented;
  for (const auto& id : Document().at_pointer("/components/schemas/ParameterId/enum").as_array()) {
    documented.emplace_back(id.as_string());
  }
  std::vector<std::string> catalogue;
  for (const auto& parameter : core::Parameters()) catalogue.emplace_back(parameter.id);
  EXPECT_EQ(documented, catalogue);
}

// The (status, code) pairs the document gives an error answer, from every response that lists
// x-error-codes.
std::set<std::pair<int, std::string>> DocumentedErrors() {
  std::set<std::pair<int, std::string>> pairs;
  const auto add = [&pairs](int status, const boost::json::value& response) {
    if (const auto* codes = response.as_object().if_contains("x-error-codes")) {
      for (const auto& code : codes->as_array()) pairs.emplace(status, code.as_string());
    }
  };
  const auto& doc = Document();
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      for (const auto& [status, response] : operation.at("responses").as_object()) {
        const auto* target = &response;
        if (const auto* ref = response.as_object().if_contains("$ref")) {
          target = &doc.at_pointer(std::string_view(ref->as_string()).substr(1));
        }
        add(std::stoi(std::string(status)), *target);
      }
    }
  }
  // Answers for a path or method the document does not list.
  add(404, doc.at_pointer("/components/responses/NotFound"));
  add(405, doc.at_pointer("/components/responses/MethodNotAllowed"));
  return pairs;
}

// Every error code the server can send is documented at the status it is sent with, and the
// Error schema's code enum is exactly the server's codes.
TEST(OpenApi, DocumentsEveryErrorCode) {
  std::set<std::pair<int, std::string>> served;
  // Walks the ErrorCode values in order: the mapping answers an out-of-range value with the
  // fallback 500 internal_error, which marks the end (a scoped enum holds any int).
  for (int i = 0;; ++i) {
    const auto code = static_cast<core::ErrorCode>(i);
    const auto response = http::ErrorResponse(core::ApiError(code, "m"));
    const auto body = boost::json::parse(response.body);
    std::string name(body.at_pointer("/error/code").as_string());
    if (name == "internal_error" && code != core::ErrorCode::kInternal) break;
    served.emplace(response.status, std::move(name));
  }
  ASSERT_GE(served.size(), 10u);
  const auto documented = DocumentedErrors();
  std::set<std::string> codes;
  for (const auto& [status, code] : served) {
    codes.insert(code);
    EXPECT_TRUE(documented.contains({status, code}))
        << status << " " << code << " is not documented";
  }
  for (const auto& pair : documented) {
    EXPECT_TRUE(served.contains(pair)) << pair.first << " " << pair.second << " is never sent";
  }
  std::set<std::string> enumerated;
  for (const auto& code :
       Document()
           .at_pointer("/components/schemas/Error/properties/error/properties/code/enum")
           .as_array()) {
    enumerated.emplace(code.as_string());
  }
  EXPECT_EQ(enumerated, codes);
}

TEST(LocationDetail, ListsTheCellEachSourceUsed) {
  TempStore store("api-cells-test");
  const std::vector<core::Location> locations = {{"a", "A", 36.75, -122.03, "", ""},
                                                 {"b", "B", 1.0, 2.0, "", ""}};
  store->UpsertLocations(locations);
  const std::vector<storage::SourceCell> cells = {{"noaa", "a", "sst", 36.755, -122.025},
                                                  {"ndbc", "a", "wave_height", 36.75, -122.03}};
  store->UpsertSourceCells(cells);
  auto cache = cache::OpenCache("", {});
  Api api(*store, *cache, {});

  // Responses are cached by request target.
  const auto get = [&api](std::string id) {
    http::Request request;
    request.target = request.path = "/api/locations/" + id + "/";
    return boost::json::parse(api.GetLocation(request, id).body);
  };
  const auto a = get("a");
  const auto& a_cells = a.at("cells").as_array();
  ASSERT_EQ(a_cells.size(), 2u);
  EXPECT_EQ(a_cells[0].at("source").as_string(), "ndbc");
  EXPECT_EQ(a_cells[0].at("parameter").as_string(), "wave_height");
  EXPECT_EQ(a_cells[1].at("source").as_string(), "noaa");
  EXPECT_EQ(a_cells[1].at("parameter").as_string(), "sst");
  EXPECT_DOUBLE_EQ(a_cells[1].at("latitude").to_number<double>(), 36.755);
  EXPECT_DOUBLE_EQ(a_cells[1].at("longitude").to_number<double>(), -122.025);
  EXPECT_EQ(a_cells[1].as_object().size(), 4u);
  EXPECT_TRUE(get("b").at("cells").as_array().empty());
}

// POST /api/admin/cleanup/ (the Lambda cleanup handler's call): behind the key, it deletes what
// retention would and says how many, and a read after it no longer sees the old rows.
TEST(AdminCleanup, DeletesOldRowsBehindTheKey) {
  TempStore store("api-cleanup-test");
  store->UpsertLocations(std::vector<core::Location>{{"a", "A", 36.75, -122.03, "", ""}});
  constexpr core::EpochMs kDay = 86'400'000;
  const std::vector<core::Observation> rows = {
      {"a", "sst", kNow - 40 * kDay, 14.0, core::QualityFlag::kGood, "noaa"},
      {"a", "sst", kNow - 31 * kDay, 14.1, core::QualityFlag::kGood, "noaa"},
      {"a", "sst", kNow - 1 * kDay, 14.2, core::QualityFlag::kGood, "noaa"}};
  store->UpsertObservations(rows);
  auto cache = cache::OpenCache("", {});
  ApiOptions options;
  options.api_key = "0123456789abcdef";
  options.now = [] { return kNow; };
  options.retention_days = 30;
  options.cleanup = [&] { return store->DeleteObservationsBefore(kNow - 30 * kDay); };
  Api api(*store, *cache, options);

  http::Request request;
  request.method = http::Method::kPost;
  request.target = request.path = "/api/admin/cleanup/";
  try {
    api.AdminCleanup(request);
    ADD_FAILURE() << "no key: no error";
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::kUnauthorized);
  }
  request.headers.push_back({"Authorization", "Bearer 0123456789abcdef"});
  const auto answer = boost::json::parse(api.AdminCleanup(request).body);
  EXPECT_EQ(answer.at("deleted").as_int64(), 2);
  EXPECT_EQ(answer.at("retention_days").as_int64(), 30);
  EXPECT_EQ(answer.at("cutoff").as_string(), "2026-10-27T06:00:00Z");
  EXPECT_EQ(boost::json::parse(api.AdminCleanup(request).body).at("deleted").as_int64(), 0);
}

// The store pages: the API follows its next cursor and reports a foreign one as a 400 naming
// `cursor`.
TEST(Observations, FollowsTheStoresCursor) {
  TempStore store("api-pages-test");
  store->UpsertLocations(std::vector<core::Location>{{"a", "A", 36.75, -122.03, "", ""}});
  std::vector<core::Observation> rows;
  for (int i = 0; i < 5; ++i) {
    rows.push_back({"a", "sst", kNow - 1000 * (i + 1), 14.0 + i, core::QualityFlag::kGood, "noaa"});
  }
  store->UpsertObservations(rows);
  auto cache = cache::OpenCache("", {});
  ApiOptions options;
  options.now = [] { return kNow; };
  Api api(*store, *cache, options);

  const auto get = [&api](std::vector<std::pair<std::string, std::string>> query) {
    http::Request request;
    request.target = request.path = "/api/observations/";
    request.query = std::move(query);
    return api.ListObservations(request);
  };
  const auto first = boost::json::parse(get({{"limit", "3"}}).body);
  EXPECT_EQ(first.at("count").as_int64(), 5);
  ASSERT_EQ(first.at("results").as_array().size(), 3u);
  const std::string next(first.at("next").as_string());
  const auto cursor_at = next.find("cursor=");
  ASSERT_NE(cursor_at, std::string::npos) << next;
  const auto cursor = http::PercentDecode(next.substr(cursor_at + 7), false);
  ASSERT_TRUE(cursor);
  const auto second = boost::json::parse(get({{"limit", "3"}, {"cursor", *cursor}}).body);
  EXPECT_EQ(second.at("results").as_array().size(), 2u);
  EXPECT_TRUE(second.at("next").is_null());
  try {
    get({{"cursor", "nope"}});
    ADD_FAILURE() << "a foreign cursor: no error";
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::kValidation);
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].field, "cursor");
  }
}

}  // namespace
}  // namespace ocean::api
