#include "api/sources.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "api/api.hpp"
#include "api/response.hpp"
#include "core/json_writer.hpp"
#include "core/time.hpp"

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

// "YYYY-MM-DD" of a day since 1970-01-01.
std::string DayText(std::int32_t day) {
  const core::CivilDate date = core::CivilDateFromDays(day);
  return fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day);
}

// The long-record downloads of one source (issue 16 item 10): what was asked, how far it got.
void WriteBackfill(core::JsonWriter& w, std::string_view source_id,
                   std::span<const storage::BackfillProgress> backfill) {
  w.Key("backfill").BeginArray();
  for (const auto& progress : backfill) {
    if (progress.source_id != source_id) continue;
    w.BeginObject()
        .Key("location")
        .String(progress.location_id)
        .Key("parameter")
        .String(progress.parameter)
        .Key("first_day")
        .String(DayText(progress.first_day))
        .Key("last_day")
        .String(DayText(progress.last_day))
        .Key("done_through");
    if (progress.done_through_day >= progress.first_day) {
      w.String(DayText(progress.done_through_day));
    } else {
      w.Null();
    }
    w.Key("state").String(progress.state);
    if (!progress.error.empty()) w.Key("error").String(progress.error);
    w.Key("updated").Timestamp(progress.updated_ms).EndObject();
  }
  w.EndArray();
}

}  // namespace

std::string RenderSources(
    std::span<const SourceDescription> sources, std::span<const storage::SourceStatus> statuses,
    const std::function<std::optional<core::EpochMs>(std::string_view)>& next_run,
    std::span<const storage::BackfillProgress> backfill) {
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
    WriteBackfill(w, source.id, backfill);
    w.EndObject();
  }
  // Then every other source with stored rows or a long-record download (OISST), once each.
  std::vector<std::string_view> others;
  const auto add_other = [&](std::string_view id) {
    const bool configured = std::any_of(sources.begin(), sources.end(),
                                        [&](const auto& source) { return source.id == id; });
    if (!configured && std::find(others.begin(), others.end(), id) == others.end()) {
      others.push_back(id);
    }
  };
  for (const auto& status : statuses) add_other(status.source_id);
  for (const auto& progress : backfill) add_other(progress.source_id);
  for (const auto id : others) {
    w.BeginObject()
        .Key("id")
        .String(id)
        .Key("configured")
        .Bool(false)
        .Key("schedule")
        .Null()
        .Key("next_run")
        .Null();
    WriteStatus(w, find(id));
    WriteBackfill(w, id, backfill);
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
        return JsonResponse(RenderSources(options_.sources, store_.ListSourceStatus(),
                                          options_.next_run, store_.ListBackfillProgress()));
      },
      MinuteKey(options_.now()));
}

}  // namespace ocean::api
