// GET /api/observations/series/: one location's parameter over a window, thinned for a chart.
#pragma once

#include <string>

#include "api/query.hpp"
#include "storage/store.hpp"

namespace ocean::api {

// The series body: the window, the total stored points, and the points LTTB keeps as parallel
// arrays t, v, q and s (an index into "sources").
std::string RenderSeries(const SeriesParams& params, const storage::SeriesRows& rows);

}  // namespace ocean::api
