#include "api/observations.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iterator>
#include <optional>
#include <vector>

#include "api/anomaly.hpp"
#include "api/api.hpp"
#include "api/heatwaves.hpp"
#include "api/query.hpp"
#include "api/response.hpp"
#include "core/observation_json.hpp"
#include "core/time.hpp"

namespace ocean::api {

std::string RenderObservationsJson(std::span<const core::StoredObservation> rows,
                                   std::int64_t count, std::string_view next_url) {
  core::JsonWriter w(256 + rows.size() * 160);
  w.BeginObject().Key("count").Int(count).Key("next");
  if (next_url.empty()) {
    w.Null();
  } else {
    w.String(next_url);
  }
  w.Key("results").BeginArray();
  for (const auto& row : rows) core::WriteObservation(w, row.observation);
  w.EndArray().EndObject();
  return w.Take();
}

std::string RenderObservationsCsv(std::span<const core::StoredObservation> rows) {
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
  return out;
}

std::string RenderLatest(std::span<const core::Observation> latest,
                         std::span<const LatestContext> context) {
  core::JsonWriter w(256 + latest.size() * 320);
  const LatestContext none;
  w.BeginArray();
  for (std::size_t i = 0; i < latest.size(); ++i) {
    const auto& o = latest[i];
    const auto& c = i < context.size() ? context[i] : none;
    const auto* climatology = c.climatology ? &*c.climatology : nullptr;
    w.BeginObject();
    core::WriteObservationFields(w, o);
    w.PlainKey("climatology");
    WriteClimatologyInfo(w, climatology);
    if (climatology != nullptr) {
      w.PlainKey("anomaly").Number(c.anomaly.anomaly);
      w.PlainKey("percentile").Number(c.anomaly.percentile);
    } else {
      w.PlainKey("anomaly").Null().PlainKey("percentile").Null();
    }
    if (o.parameter == kHeatwaveParameter) {
      w.PlainKey("heatwave");
      WriteOngoingHeatwave(w, c.events);
    }
    w.EndObject();
  }
  w.EndArray();
  return w.Take();
}

http::Response Api::ListObservations(const http::Request& request) {
  const core::EpochMs now = options_.now();
  auto params = ParseObservationsQuery(request.query, now,
                                       [this](std::string_view id) { return LocationExists(id); });
  params.csv = WantsCsv(request, params.csv);
  return Cached(
      request,
      [&] {
        // The store pages (one row more, the next cursor) and counts; JSON pages carry the
        // count, CSV pages do not.
        const storage::Page page = store_.ReadPage(params.query, params.cursor, !params.csv);
        const std::string next_url = page.next_cursor
                                         ? fmt::format("{}{}?{}", request.scheme_host, request.path,
                                                       NextPageQuery(params, *page.next_cursor))
                                         : "";
        if (!params.csv)
          return JsonResponse(RenderObservationsJson(page.rows, page.count.value_or(0), next_url));
        http::Response response;
        response.content_type = std::string(kCsv);
        response.body = RenderObservationsCsv(page.rows);
        if (!next_url.empty()) {
          response.headers.push_back({"Link", fmt::format("<{}>; rel=\"next\"", next_url)});
        }
        return response;
      },
      RelativeWindowKey(request, now));
}

http::Response Api::LatestObservations(const http::Request& request) {
  const auto locations =
      ParseLatestQuery(request.query, [this](std::string_view id) { return LocationExists(id); });
  const core::EpochMs now = options_.now();
  return Cached(
      request,
      [&] {
        const auto latest = store_.LatestObservations(locations);
        const std::int64_t today = UtcDay(now);
        // One read for every item: the climatology's day of each value (with its percentile
        // levels) and, for sst, the seas and thresh of the days the ongoing heatwave is read
        // from first.
        std::vector<storage::ClimatologyDayKey> keys;
        std::vector<std::size_t> item_of_key;
        for (std::size_t i = 0; i < latest.size(); ++i) {
          const auto& o = latest[i];
          keys.push_back(
              {o.location_id, o.parameter, ClimatologyDayIndex(UtcDay(o.timestamp_ms)), true});
          item_of_key.push_back(i);
          if (o.parameter != kHeatwaveParameter) continue;
          for (std::int64_t day = today - kOngoingRecentDays + 1; day <= today; ++day) {
            keys.push_back({o.location_id, o.parameter, ClimatologyDayIndex(day), false});
            item_of_key.push_back(i);
          }
        }
        std::vector<LatestContext> context(latest.size());
        // sst: seas and thresh of the recent days, NaN on the others (never read).
        std::vector<std::optional<storage::StoredClimatology>> recent(latest.size());
        for (storage::ClimatologyDay& day : store_.ReadClimatologyDays(keys)) {
          const std::size_t i = item_of_key[day.key];
          const storage::ClimatologyDayKey& key = keys[day.key];
          if (key.with_levels) {
            context[i].anomaly = AnomalyOfDay(day.climatology.log10, day.seas, day.thresh,
                                              day.levels, latest[i].value);
            context[i].climatology = day.climatology;
            continue;
          }
          if (!recent[i]) {
            recent[i] = std::move(day.climatology);
            recent[i]->seas.assign(storage::kClimatologyDays, std::nan(""));
            recent[i]->thresh.assign(storage::kClimatologyDays, std::nan(""));
          }
          recent[i]->seas[key.day_index] = day.seas;
          recent[i]->thresh[key.day_index] = day.thresh;
        }
        for (std::size_t i = 0; i < latest.size(); ++i) {
          if (!context[i].climatology || !recent[i]) continue;
          auto ongoing = StoredOngoingHeatwave(store_, latest[i].location_id, *recent[i], now,
                                               options_.retention_days);
          if (ongoing) context[i].events.push_back(*ongoing);
        }
        return JsonResponse(RenderLatest(latest, context));
      },
      // The heatwave's "ongoing" depends on today's date.
      fmt::format("|day={}", UtcDay(now)));
}

}  // namespace ocean::api
