// GET /api/observations/series/: one location's parameter over a window, thinned for a chart.
#pragma once

#include <string>

#include "api/query.hpp"
#include "storage/store.hpp"

namespace ocean::api {

// The series body: the window, the total stored points, and the points LTTB keeps as parallel
// arrays t, v, q and s (an index into "sources"). With params.anomaly, also "climatology" (null
// when `climatology` is null) and, when there is one, the arrays anomaly, percentile, clim_mean
// and clim_threshold for the same points.
std::string RenderSeries(const SeriesParams& params, const storage::SeriesRows& rows,
                         const storage::StoredClimatology* climatology = nullptr);

}  // namespace ocean::api
