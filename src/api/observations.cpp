#include "api/observations.hpp"

#include <fmt/format.h>
#include <iterator>

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

std::string RenderLatest(std::span<const core::Observation> latest) {
  core::JsonWriter w(256 + latest.size() * 160);
  w.BeginArray();
  for (const auto& observation : latest) core::WriteObservation(w, observation);
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
  return Cached(request,
                [&] { return JsonResponse(RenderLatest(store_.LatestObservations(locations))); });
}

}  // namespace ocean::api
