#include "api/sources.hpp"

#include <algorithm>

#include "api/api.hpp"
#include "api/response.hpp"
#include "core/json_writer.hpp"

namespace ocean::api {
namespace {

void WriteRun(core::JsonWriter& w, const storage::SourceRun& run) {
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

void WriteStatus(core::JsonWriter& w, const storage::SourceStatus* status) {
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

std::string RenderSources(
    std::span<const SourceDescription> sources, std::span<const storage::SourceStatus> statuses,
    const std::function<std::optional<core::EpochMs>(std::string_view)>& next_run) {
  const auto find = [&](std::string_view id) -> const storage::SourceStatus* {
    for (const auto& status : statuses) {
      if (status.source_id == id) return &status;
    }
    return nullptr;
  };
  core::JsonWriter w(4096);
  w.BeginArray();
  for (const auto& source : sources) {
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
    const auto next = next_run ? next_run(source.id) : std::nullopt;
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
    const bool configured = std::any_of(sources.begin(), sources.end(), [&](const auto& source) {
      return source.id == status.source_id;
    });
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
  return w.Take();
}

http::Response Api::ListSources(const http::Request& request) {
  // next_run moves with the clock: key the cached answer by the minute.
  return Cached(
      request,
      [&] {
        return JsonResponse(
            RenderSources(options_.sources, store_.ListSourceStatus(), options_.next_run));
      },
      MinuteKey(options_.now()));
}

}  // namespace ocean::api
