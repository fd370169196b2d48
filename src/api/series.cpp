#include "api/series.hpp"

#include "api/anomaly.hpp"
#include "api/api.hpp"
#include "api/response.hpp"
#include "core/catalogue.hpp"
#include "core/json_writer.hpp"
#include "core/lttb.hpp"

namespace ocean::api {

std::string RenderSeries(const SeriesParams& params, const storage::SeriesRows& rows,
                         const storage::StoredClimatology* climatology) {
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
  if (params.anomaly) {
    w.Key("climatology");
    WriteClimatologyInfo(w, climatology);
    if (climatology != nullptr) {
      std::vector<PointAnomaly> points(keep.size());
      for (std::size_t k = 0; k < keep.size(); ++k) {
        points[k] = AnomalyAt(*climatology, t[keep[k]], v[keep[k]]);
      }
      const auto n = points.size();
      w.Key("anomaly").NumberArray(n, [&](std::size_t k) { return points[k].anomaly; });
      w.Key("percentile").NumberArray(n, [&](std::size_t k) { return points[k].percentile; });
      w.Key("clim_mean").NumberArray(n, [&](std::size_t k) { return points[k].clim_mean; });
      w.Key("clim_threshold").NumberArray(n, [&](std::size_t k) {
        return points[k].clim_threshold;
      });
    }
  }
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
        const storage::SeriesQuery query{
            .location = params.location,
            .parameter = params.parameter,
            .source = params.source,
            .start_ms = params.start_ms,
            .end_ms = params.end_ms,
            // 30 days of 10-minute buoy data from a few sources stays far below this bound;
            // beyond it the series is cut at the newest end rather than exhausting memory.
            .limit = 200'000};
        const auto rows = store_.QuerySeries(query);
        if (!params.anomaly) return JsonResponse(RenderSeries(params, rows));
        const auto climatology = store_.GetClimatology(params.location, params.parameter);
        return JsonResponse(RenderSeries(params, rows, climatology ? &*climatology : nullptr));
      },
      RelativeWindowKey(request, now));
}

}  // namespace ocean::api
