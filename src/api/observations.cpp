#include "api/observations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <vector>

#include "api/api.hpp"
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
        std::vector<LatestContext> context(latest.size());
        // One read for every item (a few dozen climatologies at most: one per site and parameter).
        std::vector<storage::StoredClimatology> climatologies = store_.ListClimatologies();
        for (std::size_t i = 0; i < latest.size(); ++i) {
          const auto& o = latest[i];
          const auto found = std::find_if(
              climatologies.begin(), climatologies.end(), [&](const storage::StoredClimatology& c) {
                return c.location_id == o.location_id && c.parameter == o.parameter;
              });
          if (found == climatologies.end()) continue;
          std::optional<storage::StoredClimatology> climatology = std::move(*found);
          context[i].anomaly = AnomalyAt(*climatology, o.timestamp_ms, o.value);
          if (o.parameter == kHeatwaveParameter) {
            context[i].events =
                StoredHeatwaves(store_, o.location_id, *climatology, now, options_.retention_days);
          }
          // Only the descriptor is rendered: the percentile levels need not live past here.
          climatology->seas = {};
          climatology->thresh = {};
          climatology->percentiles = {};
          context[i].climatology = std::move(climatology);
        }
        return JsonResponse(RenderLatest(latest, context));
      },
      // The heatwave's "ongoing" depends on today's date.
      fmt::format("|day={}", UtcDay(now)));
}

}  // namespace ocean::api
