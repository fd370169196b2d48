#include "api/series.hpp"

#include "api/api.hpp"
#include "api/response.hpp"
#include "core/catalogue.hpp"
#include "core/json_writer.hpp"
#include "core/lttb.hpp"

namespace ocean::api {

std::string RenderSeries(const SeriesParams& params, const storage::SeriesRows& rows) {
  const auto& t = rows.t;
  const auto& v = rows.v;
  const auto keep = core::LttbIndices(t, v, params.max_points);

  // The sources of the points kept, in order of first appearance, and each point's index into
  // that list.
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
  core::JsonWriter w(256 + keep.size() * 40);
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
  w.Key("s").IntArray(keep.size(), [&](std::size_t k) { return source_index[rows.s[keep[k]]]; });
  w.EndObject();
  return w.Take();
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
        return JsonResponse(RenderSeries(params, store_.QuerySeries(query)));
      },
      RelativeWindowKey(request, now));
}

}  // namespace ocean::api
