#include "api/api.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <algorithm>
#include <cmath>

#include "api/backup_status.hpp"
#include "api/json_writer.hpp"
#include "api/openapi.hpp"
#include "api/query.hpp"
#include "core/api_error.hpp"
#include "core/catalogue.hpp"
#include "core/cursor.hpp"
#include "core/json_escape.hpp"
#include "core/lttb.hpp"
#include "core/time.hpp"
#include "core/validation.hpp"

namespace ocean::api {
namespace {

using core::ApiError;
using core::ErrorCode;

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kCsv = "text/csv; charset=utf-8";
constexpr std::string_view kBearerPrefix = "Bearer ";
// The most bytes of a client's text quoted in an error message.
constexpr std::size_t kQuotedMax = 64;

http::Response JsonResponse(std::string body, int status = 200) {
  http::Response response;
  response.status = status;
  response.content_type = std::string(kJson);
  response.body = std::move(body);
  return response;
}

void WriteLocation(JsonWriter& w, const core::Location& l) {
  w.Key("id")
      .String(l.id)
      .Key("name")
      .String(l.name)
      .Key("latitude")
      .Number(l.latitude)
      .Key("longitude")
      .Number(l.longitude)
      .Key("description")
      .String(l.description);
}

// Request wants CSV: format=csv wins; otherwise an Accept header naming text/csv before JSON.
bool WantsCsv(const http::Request& request, bool format_csv) {
  if (format_csv) return true;
  const auto accept = request.HeaderValue("Accept");
  const auto csv = accept.find("text/csv");
  if (csv == std::string_view::npos) return false;
  const auto json = accept.find("application/json");
  return json == std::string_view::npos || csv < json;
}

void AppendCsvField(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += field;
    return;
  }
  out += '"';
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// A window that ends "now" moves with the clock: its cached answer is keyed by the minute, so
// it is at most a minute behind even when no write invalidates it.
std::string RelativeWindowKey(const http::Request& request, core::EpochMs now_ms) {
  const bool has_end = std::any_of(request.query.begin(), request.query.end(),
                                   [](const auto& pair) { return pair.first == "end"; });
  return has_end ? "" : fmt::format("|minute={}", now_ms / 60'000);
}

// The cache key: the path, the query as sent (order matters to nobody but is stable for a
// given client), and the negotiated representation.
std::string CacheKey(const http::Request& request) {
  std::string key = request.path;
  key += '?';
  for (const auto& [name, value] : request.query) {
    key += EncodeQueryComponent(name);
    key += '=';
    key += EncodeQueryComponent(value);
    key += '&';
  }
  key += WantsCsv(request, false) ? "|csv" : "|json";
  return key;
}

}  // namespace

// libstdc++'s hash of bytes (Murmur-based) reads 8 bytes at a time; the ETag only has to be
// stable across the processes of one deployment, which run the same binary.
std::string MakeEtag(std::string_view body) {
  return fmt::format("\"{:016x}-{:x}\"", std::hash<std::string_view>{}(body), body.size());
}

bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  std::size_t pos = 0;
  while (pos < if_none_match.size()) {
    auto comma = if_none_match.find(',', pos);
    if (comma == std::string_view::npos) comma = if_none_match.size();
    auto candidate = if_none_match.substr(pos, comma - pos);
    while (!candidate.empty() && candidate.front() == ' ') candidate.remove_prefix(1);
    while (!candidate.empty() && candidate.back() == ' ') candidate.remove_suffix(1);
    if (candidate.starts_with("W/")) candidate.remove_prefix(2);
    if (candidate == "*" || candidate == etag) return true;
    pos = comma + 1;
  }
  return false;
}

bool KeysEqual(std::string_view presented, std::string_view expected) {
  // Touch every byte of the expected key whatever the presented one holds, so the time taken
  // says nothing about how long a matching prefix was.
  unsigned char difference = presented.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const unsigned char p = i < presented.size() ? static_cast<unsigned char>(presented[i]) : 0;
    difference |= p ^ static_cast<unsigned char>(expected[i]);
  }
  return difference == 0 && !expected.empty();
}

Api::Api(storage::Store& store, cache::Cache& cache, ApiOptions options)
    : store_(store), cache_(cache), options_(std::move(options)) {
  if (!options_.now) {
    options_.now = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  ReloadLocations();
}

void Api::ReloadLocations() {
  std::set<std::string, std::less<>> ids;
  for (const auto& location : store_.ListLocations()) ids.insert(location.id);
  std::lock_guard lock(locations_mutex_);
  location_ids_ = std::move(ids);
}

bool Api::LocationExists(std::string_view id) {
  {
    std::lock_guard lock(locations_mutex_);
    if (location_ids_.contains(id)) return true;
  }
  // Another process (a second server, a fetcher) may have added it since start-up.
  if (store_.GetLocation(id)) {
    std::lock_guard lock(locations_mutex_);
    location_ids_.emplace(id);
    return true;
  }
  return false;
}

void Api::Authorize(const http::Request& request) const {
  if (options_.api_key.empty()) {
    throw ApiError(ErrorCode::kWritesDisabled,
                   "writes are disabled: no API key is configured on the server "
                   "(set OCEAN_API_KEY or OCEAN_API_KEY_FILE)");
  }
  const auto header = request.HeaderValue("Authorization");
  if (header.empty()) {
    throw ApiError(ErrorCode::kUnauthorized, "missing Authorization: Bearer <key> header");
  }
  if (header.size() < kBearerPrefix.size() ||
      !std::equal(kBearerPrefix.begin(), kBearerPrefix.end(), header.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    throw ApiError(ErrorCode::kUnauthorized, "Authorization must use the Bearer scheme");
  }
  if (!KeysEqual(header.substr(kBearerPrefix.size()), options_.api_key)) {
    throw ApiError(ErrorCode::kUnauthorized, "invalid API key");
  }
}

http::Response Api::Cached(const http::Request& request,
                           const std::function<http::Response()>& compute,
                           std::string_view key_suffix) {
  std::string key = CacheKey(request);
  key += key_suffix;
  auto cached = cache_.Get(key);
  if (!cached) {
    http::Response fresh = compute();
    if (fresh.status != 200) return fresh;
    if (!fresh.headers.empty()) {
      // Headers beyond ETag (a CSV page's Link) are not kept by the cache: answer uncached.
      fresh.headers.push_back({"ETag", MakeEtag(fresh.body)});
      fresh.headers.push_back({"Cache-Control", "no-cache"});
      return fresh;
    }
    cached = cache::CachedResponse{MakeEtag(fresh.body), fresh.content_type, std::move(fresh.body)};
    cache_.Put(key, *cached);
  }
  http::Response response;
  response.headers.push_back({"ETag", cached->etag});
  // Clients and proxies may keep a copy but must revalidate: data changes every ingest.
  response.headers.push_back({"Cache-Control", "no-cache"});
  if (EtagMatches(request.HeaderValue("If-None-Match"), cached->etag)) {
    response.status = 304;
    response.content_type = cached->content_type;
    return response;
  }
  response.content_type = std::move(cached->content_type);
  response.body = std::move(cached->body);
  return response;
}

http::Response Api::Health(const http::Request&) {
  std::string database = "ok";
  std::string database_error;
  try {
    store_.Ping();
  } catch (const std::exception& e) {
    database = "unavailable";
    database_error = e.what();
  }
  const bool cache_ok = cache_.Health() == cache::CacheHealth::kOk;
  std::optional<BackupReport> backup;
  if (!options_.backup_status_file.empty()) {
    backup = ReadBackupStatus(options_.backup_status_file, options_.now());
  }
  const bool backup_ok = !backup || !BackupDegrades(*backup);
  const bool ok = database == "ok";
  JsonWriter w;
  w.BeginObject()
      .Key("status")
      .String(ok ? (cache_ok && backup_ok ? "ok" : "degraded") : "unavailable")
      .Key("database")
      .String(database)
      .Key("database_kind")
      .String(store_.Kind())
      .Key("cache")
      .String(cache_ok ? "ok" : "degraded")
      .Key("cache_kind")
      .String(cache_.Kind())
      .Key("version")
      .String(options_.version);
  if (!ok) w.Key("message").String("database unreachable: " + database_error);
  if (backup) WriteBackupReport(w.Key("backup"), *backup);
  if (options_.demo) {
    // The dashboard shows its banner when "demo" is true; demo_info says what the data is.
    w.Key("demo").Bool(true).Key("demo_info").BeginObject();
    w.Key("samples_end").String(options_.demo->samples_end);
    w.Key("shifted_days").Int(options_.demo->shifted_days);
    w.Key("note").String(options_.demo->note).EndObject();
  }
  w.EndObject();
  auto response = JsonResponse(w.Take(), ok ? 200 : 503);
  response.headers.push_back({"Cache-Control", "no-store"});
  return response;
}

http::Response Api::ListLocations(const http::Request& request) {
  return Cached(request, [&] {
    JsonWriter w(4096);
    w.BeginArray();
    for (const auto& location : store_.ListLocations()) {
      w.BeginObject();
      WriteLocation(w, location);
      w.EndObject();
    }
    w.EndArray();
    return JsonResponse(w.Take());
  });
}

http::Response Api::GetLocation(const http::Request& request, std::string_view id) {
  if (!request.query.empty()) {
    throw ApiError(ErrorCode::kValidation, "this endpoint takes no query parameters");
  }
  return Cached(request, [&] {
    const auto location = store_.GetLocation(id);
    if (!location) {
      // The id is the client's decoded path segment: quoted whole characters only.
      throw ApiError(ErrorCode::kNotFound,
                     fmt::format("no location \"{}\"", core::TruncateUtf8(id, kQuotedMax)));
    }
    const std::string ids[] = {location->id};
    auto latest = store_.LatestObservations(ids);
    const auto cells = store_.ListSourceCells(location->id);
    JsonWriter w(4096);
    w.BeginObject();
    WriteLocation(w, *location);
    w.Key("latest").BeginArray();
    for (const auto& observation : latest) WriteObservation(w, observation);
    w.EndArray();
    w.Key("cells").BeginArray();
    for (const auto& cell : cells) {
      w.BeginObject()
          .Key("source")
          .String(cell.source_id)
          .Key("parameter")
          .String(cell.parameter)
          .Key("latitude")
          .Number(cell.cell_latitude)
          .Key("longitude")
          .Number(cell.cell_longitude)
          .EndObject();
    }
    w.EndArray().EndObject();
    return JsonResponse(w.Take());
  });
}

http::Response Api::ListParameters(const http::Request& request) {
  return Cached(request, [] {
    JsonWriter w(2048);
    w.BeginArray();
    for (const auto& p : core::Parameters()) {
      w.BeginObject()
          .Key("id")
          .String(p.id)
          .Key("name")
          .String(p.name)
          .Key("unit")
          .String(p.unit)
          .Key("standard_name")
          .String(p.standard_name)
          .Key("valid_min")
          .Number(p.valid_min)
          .Key("valid_max")
          .Number(p.valid_max)
          .EndObject();
    }
    w.EndArray();
    return JsonResponse(w.Take());
  });
}

http::Response Api::ListObservations(const http::Request& request) {
  const core::EpochMs now = options_.now();
  auto params = ParseObservationsQuery(request.query, now,
                                       [this](std::string_view id) { return LocationExists(id); });
  params.csv = WantsCsv(request, params.csv);
  return Cached(
      request,
      [&] {
        // One row more than the page tells whether a next page exists without a second query.
        auto query = params.query;
        query.limit = params.query.limit + 1;
        // JSON pages carry the count; CSV pages do not.
        storage::ObservationPage page =
            params.csv ? storage::ObservationPage{store_.QueryObservations(query), 0}
                       : store_.QueryObservationsWithCount(query, params.query);
        std::vector<core::StoredObservation>& rows = page.rows;
        std::optional<std::string> next_query;
        if (static_cast<std::int64_t>(rows.size()) > params.query.limit) {
          rows.pop_back();
          const auto& last = rows.back();
          next_query =
              NextPageQuery(params, core::EncodeCursor({last.observation.timestamp_ms, last.id,
                                                        last.observation.source}));
        }
        const std::string next_url =
            next_query ? fmt::format("{}{}?{}", request.scheme_host, request.path, *next_query)
                       : "";

        http::Response response;
        if (params.csv) {
          std::string out;
          out.reserve(64 + rows.size() * 80);
          out += "location_id,parameter,timestamp,value,quality_flag,source\r\n";
          for (const auto& row : rows) {
            const auto& o = row.observation;
            AppendCsvField(out, o.location_id);
            out += ',';
            out += o.parameter;
            out += ',';
            out += core::FormatTimestamp(o.timestamp_ms);
            fmt::format_to(std::back_inserter(out), ",{},", o.value);
            out += core::ToString(o.quality_flag);
            out += ',';
            out += o.source;
            out += "\r\n";
          }
          response.content_type = std::string(kCsv);
          response.body = std::move(out);
          if (next_query)
            response.headers.push_back({"Link", fmt::format("<{}>; rel=\"next\"", next_url)});
          return response;
        }
        JsonWriter w(256 + rows.size() * 160);
        w.BeginObject().Key("count").Int(page.count).Key("next");
        if (next_query) {
          w.String(next_url);
        } else {
          w.Null();
        }
        w.Key("results").BeginArray();
        for (const auto& row : rows) WriteObservation(w, row.observation);
        w.EndArray().EndObject();
        return JsonResponse(w.Take());
      },
      RelativeWindowKey(request, now));
}

http::Response Api::LatestObservations(const http::Request& request) {
  const auto locations =
      ParseLatestQuery(request.query, [this](std::string_view id) { return LocationExists(id); });
  return Cached(request, [&] {
    const auto latest = store_.LatestObservations(locations);
    JsonWriter w(256 + latest.size() * 160);
    w.BeginArray();
    for (const auto& observation : latest) WriteObservation(w, observation);
    w.EndArray();
    return JsonResponse(w.Take());
  });
}

http::Response Api::Series(const http::Request& request) {
  const core::EpochMs now = options_.now();
  const auto params = ParseSeriesQuery(request.query, now,
                                       [this](std::string_view id) { return LocationExists(id); });
  return Cached(
      request,
      [&] {
        storage::SeriesQuery query;
        query.location = params.location;
        query.parameter = params.parameter;
        query.source = params.source;
        query.start_ms = params.start_ms;
        query.end_ms = params.end_ms;
        // 30 days of 10-minute buoy data from a few sources stays far below this bound; beyond
        // it the series is cut at the newest end rather than exhausting memory.
        query.limit = 200'000;
        const auto rows = store_.QuerySeries(query);
        const auto& t = rows.t;
        const auto& v = rows.v;
        const auto keep = core::LttbIndices(t, v, params.max_points);

        // The sources of the points kept, in order of first appearance, and each point's index
        // into that list.
        std::vector<std::string_view> sources;
        std::vector<int> source_index(rows.sources.size(), -1);
        for (const auto i : keep) {
          int& index = source_index[rows.s[i]];
          if (index < 0) {
            index = static_cast<int>(sources.size());
            sources.push_back(rows.sources[rows.s[i]]);
          }
        }
        const auto* parameter = core::FindParameter(params.parameter);
        JsonWriter w(256 + keep.size() * 40);
        w.BeginObject()
            .Key("location")
            .String(params.location)
            .Key("parameter")
            .String(params.parameter)
            .Key("unit")
            .String(parameter != nullptr ? parameter->unit : "")
            .Key("start")
            .Timestamp(params.start_ms)
            .Key("end")
            .Timestamp(params.end_ms)
            .Key("total_points")
            .Int(static_cast<std::int64_t>(t.size()))
            .Key("sources")
            .BeginArray();
        for (const auto& source : sources) w.String(source);
        w.EndArray().Key("t").IntArray(keep.size(), [&](std::size_t k) { return t[keep[k]]; });
        w.Key("v").NumberArray(keep.size(), [&](std::size_t k) { return v[keep[k]]; });
        w.Key("q").IntArray(keep.size(),
                            [&](std::size_t k) { return static_cast<int>(rows.q[keep[k]]); });
        w.Key("s").IntArray(keep.size(),
                            [&](std::size_t k) { return source_index[rows.s[keep[k]]]; });
        w.EndObject();
        return JsonResponse(w.Take());
      },
      RelativeWindowKey(request, now));
}

void Api::AdmitIngest(const http::Request& head) const {
  Authorize(head);
  const auto content_type = head.HeaderValue("Content-Type");
  const auto media = content_type.substr(0, content_type.find(';'));
  if (media != "application/json") {
    throw ApiError(ErrorCode::kUnsupportedMedia,
                   "Content-Type must be application/json (a JSON array of observations)");
  }
}

http::Response Api::Ingest(const http::Request& request) {
  AdmitIngest(request);
  const auto batch = core::ParseIngestBody(
      request.body, [this](std::string_view id) { return LocationExists(id); });
  core::IngestResult result = store_.UpsertObservations(batch.rows);
  result.received = batch.received;
  // Only now: a reader that sees the new generation must also see the committed rows.
  cache_.InvalidateAll();
  spdlog::info("ingest: received {} inserted {} updated {}", result.received, result.inserted,
               result.updated);
  JsonWriter w;
  w.BeginObject()
      .Key("received")
      .Int(result.received)
      .Key("inserted")
      .Int(result.inserted)
      .Key("updated")
      .Int(result.updated)
      .EndObject();
  return JsonResponse(w.Take());
}

void Api::AdmitAdmin(const http::Request& head) const { Authorize(head); }

http::Response Api::AdminCleanup(const http::Request& request) {
  AdmitAdmin(request);
  if (!options_.cleanup) {
    throw ApiError(ErrorCode::kUnavailable, "cleanup is not available in this process");
  }
  const core::EpochMs now = options_.now();
  const std::int64_t deleted = options_.cleanup();
  spdlog::info("admin cleanup: deleted {} observations older than {} days", deleted,
               options_.retention_days);
  JsonWriter w;
  w.BeginObject()
      .Key("deleted")
      .Int(deleted)
      .Key("retention_days")
      .Int(options_.retention_days)
      .Key("cutoff")
      .Timestamp(now - static_cast<core::EpochMs>(options_.retention_days) * 86'400'000)
      .EndObject();
  return JsonResponse(w.Take());
}

namespace {

void WriteRun(JsonWriter& w, const storage::SourceRun& run) {
  w.BeginObject()
      .Key("started")
      .Timestamp(run.started_ms)
      .Key("finished")
      .Timestamp(run.finished_ms)
      .Key("ok")
      .Bool(run.ok)
      .Key("rows")
      .Int(run.rows);
  if (!run.ok) w.Key("error").String(run.error);
  w.EndObject();
}

void WriteStatus(JsonWriter& w, const storage::SourceStatus* status) {
  w.Key("rows").Int(status != nullptr ? status->rows : 0).Key("last_run");
  if (status != nullptr && status->last_run) {
    WriteRun(w, *status->last_run);
  } else {
    w.Null();
  }
  w.Key("last_success");
  if (status != nullptr && status->last_success_ms) {
    w.Timestamp(*status->last_success_ms);
  } else {
    w.Null();
  }
  w.Key("last_error");
  if (status != nullptr && status->last_failure) {
    w.BeginObject()
        .Key("time")
        .Timestamp(status->last_failure->finished_ms)
        .Key("message")
        .String(status->last_failure->error)
        .EndObject();
  } else {
    w.Null();
  }
}

}  // namespace

http::Response Api::ListSources(const http::Request& request) {
  const core::EpochMs now = options_.now();
  // next_run moves with the clock: key the cached answer by the minute.
  return Cached(
      request,
      [&] {
        const auto statuses = store_.ListSourceStatus();
        const auto find = [&](std::string_view id) -> const storage::SourceStatus* {
          for (const auto& status : statuses) {
            if (status.source_id == id) return &status;
          }
          return nullptr;
        };
        JsonWriter w(4096);
        w.BeginArray();
        // Configured sources first, in the file's order, then any other source that has
        // written observations (manual ingests, a retired source with rows left).
        for (const auto& source : options_.sources) {
          w.BeginObject()
              .Key("id")
              .String(source.id)
              .Key("name")
              .String(source.name)
              .Key("kind")
              .String(source.kind)
              .Key("configured")
              .Bool(true)
              .Key("parameters")
              .BeginArray();
          for (const auto& parameter : source.parameters) w.String(parameter);
          w.EndArray().Key("schedule").String(source.schedule).Key("next_run");
          const auto next = options_.next_run ? options_.next_run(source.id) : std::nullopt;
          if (next) {
            w.Timestamp(*next);
          } else {
            w.Null();
          }
          w.Key("attribution")
              .String(source.attribution)
              .Key("license")
              .String(source.license)
              .Key("doi")
              .String(source.doi);
          if (source.demo) w.Key("demo").Bool(true);
          WriteStatus(w, find(source.id));
          w.EndObject();
        }
        for (const auto& status : statuses) {
          const bool configured =
              std::any_of(options_.sources.begin(), options_.sources.end(),
                          [&](const auto& source) { return source.id == status.source_id; });
          if (configured) continue;
          w.BeginObject()
              .Key("id")
              .String(status.source_id)
              .Key("configured")
              .Bool(false)
              .Key("schedule")
              .Null()
              .Key("next_run")
              .Null();
          WriteStatus(w, &status);
          w.EndObject();
        }
        w.EndArray();
        return JsonResponse(w.Take());
      },
      fmt::format("|minute={}", now / 60'000));
}

http::Response Api::OpenApi(const http::Request& request) {
  return Cached(request, [] { return JsonResponse(std::string(OpenApiDocument())); });
}

}  // namespace ocean::api
