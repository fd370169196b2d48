#include "api/health.hpp"

#include "api/api.hpp"
#include "api/response.hpp"
#include "core/json_writer.hpp"

namespace ocean::api {

HealthBody RenderHealth(const HealthFacts& facts) {
  const bool ok = facts.database_error.empty();
  const bool backup_ok = !facts.backup || !BackupDegrades(*facts.backup);
  core::JsonWriter w;
  w.BeginObject()
      .Key("status")
      .String(ok ? (facts.cache_ok && backup_ok ? "ok" : "degraded") : "unavailable")
      .Key("database")
      .String(ok ? "ok" : "unavailable")
      .Key("database_kind")
      .String(facts.database_kind)
      .Key("cache")
      .String(facts.cache_ok ? "ok" : "degraded")
      .Key("cache_kind")
      .String(facts.cache_kind)
      .Key("version")
      .String(facts.version);
  if (!ok) w.Key("message").String("database unreachable: " + facts.database_error);
  if (facts.backup) WriteBackupReport(w.Key("backup"), *facts.backup);
  if (facts.demo != nullptr) {
    // The dashboard shows its banner when "demo" is true; demo_info says what the data is.
    w.Key("demo").Bool(true).Key("demo_info").BeginObject();
    w.Key("samples_end").String(facts.demo->samples_end);
    w.Key("shifted_days").Int(facts.demo->shifted_days);
    w.Key("note").String(facts.demo->note).EndObject();
  }
  w.EndObject();
  return {ok ? 200 : 503, w.Take()};
}

http::Response Api::Health(const http::Request&) {
  HealthFacts facts;
  try {
    store_.Ping();
  } catch (const std::exception& e) {
    facts.database_error = e.what();
    // An exception without a message must still read as a failure.
    if (facts.database_error.empty()) facts.database_error = "unknown error";
  }
  facts.database_kind = store_.Kind();
  facts.cache_ok = cache_.Health() == cache::CacheHealth::kOk;
  facts.cache_kind = cache_.Kind();
  facts.version = options_.version;
  if (!options_.backup_status_file.empty()) {
    facts.backup = ReadBackupStatus(options_.backup_status_file, options_.now());
  }
  if (options_.demo) facts.demo = &*options_.demo;
  auto [status, body] = RenderHealth(facts);
  auto response = JsonResponse(std::move(body), status);
  response.headers.push_back({"Cache-Control", "no-store"});
  return response;
}

}  // namespace ocean::api
