#include "api/ingest.hpp"

#include <spdlog/spdlog.h>

#include "api/api.hpp"
#include "api/response.hpp"
#include "core/api_error.hpp"
#include "core/json_writer.hpp"
#include "core/validation.hpp"

namespace ocean::api {

std::string RenderIngestResult(const core::IngestResult& result) {
  core::JsonWriter w;
  w.BeginObject()
      .Key("received")
      .Int(result.received)
      .Key("inserted")
      .Int(result.inserted)
      .Key("updated")
      .Int(result.updated)
      .EndObject();
  return w.Take();
}

std::string RenderCleanupResult(std::int64_t deleted, int retention_days, core::EpochMs now_ms) {
  core::JsonWriter w;
  w.BeginObject()
      .Key("deleted")
      .Int(deleted)
      .Key("retention_days")
      .Int(retention_days)
      .Key("cutoff")
      .Timestamp(now_ms - static_cast<core::EpochMs>(retention_days) * 86'400'000)
      .EndObject();
  return w.Take();
}

void Api::AdmitIngest(const http::Request& head) const {
  Authorize(head);
  const auto content_type = head.HeaderValue("Content-Type");
  const auto media = content_type.substr(0, content_type.find(';'));
  if (media != "application/json") {
    throw core::ApiError(core::ErrorCode::kUnsupportedMedia,
                         "Content-Type must be application/json (a JSON array of observations)");
  }
}

http::Response Api::Ingest(const http::Request& request) {
  AdmitIngest(request);
  const auto batch = core::ParseIngestBody(
      request.body, [this](std::string_view id) { return LocationExists(id); });
  core::IngestResult result = writes_.Ingest(batch.rows);
  result.received = batch.received;
  spdlog::info("ingest: received {} inserted {} updated {}", result.received, result.inserted,
               result.updated);
  return JsonResponse(RenderIngestResult(result));
}

void Api::AdmitAdmin(const http::Request& head) const { Authorize(head); }

http::Response Api::AdminCleanup(const http::Request& request) {
  AdmitAdmin(request);
  if (!options_.cleanup) {
    throw core::ApiError(core::ErrorCode::kUnavailable, "cleanup is not available in this process");
  }
  const core::EpochMs now = options_.now();
  const std::int64_t deleted = options_.cleanup();
  spdlog::info("admin cleanup: deleted {} observations older than {} days", deleted,
               options_.retention_days);
  return JsonResponse(RenderCleanupResult(deleted, options_.retention_days, now));
}

}  // namespace ocean::api
