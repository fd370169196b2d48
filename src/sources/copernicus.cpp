#include "sources/copernicus.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "core/catalogue.hpp"
#include "core/time.hpp"
#include "sources/copernicus_stac.hpp"
#include "sources/failover.hpp"
#include "sources/http_client.hpp"
#include "sources/zarr.hpp"

namespace ocean::sources {
namespace {

namespace json = boost::json;

constexpr std::string_view kConsolidatedMetadata = ".zmetadata";
constexpr int kNeighbourCells = 2;
// A location farther than this many grid steps from the nearest cell centre is off the grid.
constexpr double kMaxStepsFromCell = 1.0;
// Vertical axes have tens of levels; a longer one is not a vertical axis we understand.
constexpr std::int64_t kMaxVerticalLevels = 10'000;

enum class Axis { kTime, kLatitude, kLongitude, kVertical, kOther };

// ARCO normalises names to time/latitude/longitude/elevation (§2.3); the rest is for stores
// written by other tools.
Axis AxisOf(std::string_view dimension) {
  if (dimension == "time") return Axis::kTime;
  if (dimension == "latitude" || dimension == "lat") return Axis::kLatitude;
  if (dimension == "longitude" || dimension == "lon") return Axis::kLongitude;
  if (dimension == "elevation" || dimension == "depth") return Axis::kVertical;
  return Axis::kOther;
}

// A failed read that the current unit of work (a server's setup, or one location) cannot go on
// without. Thrown from coordinate lookups deep in binary searches; caught in this file only.
class ReadFailure : public std::runtime_error {
 public:
  ReadFailure(const std::string& message, bool server_error)
      : std::runtime_error(message), server_error_(server_error) {}
  bool server_error() const { return server_error_; }

 private:
  bool server_error_;
};

// Chunks of one store, fetched once per run however many locations (and threads) need them.
class ChunkCache {
 public:
  struct Chunk {
    std::shared_ptr<const std::string> bytes;  // decoded; nullptr: absent, all fill values
    std::string error;
    bool server_error = false;
  };

  ChunkCache(HttpClient& http, std::string store_url)
      : http_(http), store_url_(std::move(store_url)) {}

  const Chunk& Get(const ZarrArray& array, std::span<const std::int64_t> chunk) {
    const std::string key = ChunkKey(array, chunk);
    std::shared_ptr<Entry> entry;
    {
      std::lock_guard lock(mutex_);
      auto& slot = entries_[key];
      if (!slot) slot = std::make_shared<Entry>();
      entry = slot;
    }
    // A second thread wanting the same chunk waits here rather than fetching it again.
    std::lock_guard lock(entry->mutex);
    if (!entry->loaded) {
      entry->chunk = Fetch(array, key);
      entry->loaded = true;
    }
    return entry->chunk;
  }

 private:
  struct Entry {
    std::mutex mutex;
    bool loaded = false;
    Chunk chunk;
  };

  Chunk Fetch(const ZarrArray& array, const std::string& key) {
    const std::string url = store_url_ + "/" + key;
    const auto response = http_.Get(WithCopernicusMonitoringQuery(url));
    // The buckets forbid listing, so a chunk that was never written answers 403 (§2.3).
    if (response.error.empty() && (response.status == 403 || response.status == 404)) return {};
    if (!response.ok()) {
      return {nullptr, fmt::format("GET {}: {}", url, response.Describe()),
              IsCopernicusServerFailure(response)};
    }
    auto decoded = DecodeChunk(array, response.body);
    if (!decoded.value) return {nullptr, fmt::format("{}: {}", key, decoded.error), false};
    return {std::make_shared<const std::string>(std::move(*decoded.value)), "", false};
  }

  HttpClient& http_;
  const std::string store_url_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

// One element, unpacked; nullopt for missing. Throws ReadFailure when its chunk cannot be had.
std::optional<double> ReadValue(ChunkCache& cache, const ZarrArray& array,
                                std::span<const std::int64_t> index) {
  const auto position = LocateElement(array, index);
  const auto& chunk = cache.Get(array, position.chunk);
  if (!chunk.error.empty()) throw ReadFailure(chunk.error, chunk.server_error);
  if (!chunk.bytes) return std::nullopt;
  return ReadElement(array, *chunk.bytes, position.offset);
}

// A 1-D coordinate array read lazily: a binary search touches only the chunks it probes.
class Coordinate {
 public:
  Coordinate(ChunkCache& cache, const ZarrArray& array) : cache_(cache), array_(array) {}

  std::int64_t size() const { return array_.shape[0]; }
  const ZarrArray& array() const { return array_; }

  double At(std::int64_t i) const {
    const std::int64_t index[] = {i};
    const auto value = ReadValue(cache_, array_, index);
    if (!value) {
      throw ReadFailure(fmt::format("coordinate {} has no value at index {}", array_.name, i),
                        false);
    }
    return *value;
  }

 private:
  ChunkCache& cache_;
  const ZarrArray& array_;
};

// Nearest index on a monotonic (ascending or descending) axis.
std::int64_t NearestMonotonic(const Coordinate& axis, double target) {
  const std::int64_t n = axis.size();
  const bool ascending = n < 2 || axis.At(n - 1) >= axis.At(0);
  std::int64_t lo = 0;
  std::int64_t hi = n;
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    const double value = axis.At(mid);
    if (ascending ? value < target : value > target) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == n) return n - 1;
  if (lo > 0 && std::fabs(axis.At(lo - 1) - target) <= std::fabs(axis.At(lo) - target)) {
    return lo - 1;
  }
  return lo;
}

double StepAt(const Coordinate& axis, std::int64_t i) {
  const std::int64_t n = axis.size();
  if (n < 2) return 0.0;
  const std::int64_t j = i + 1 < n ? i + 1 : i - 1;
  return std::fabs(axis.At(j) - axis.At(i));
}

// Longitudes compare on the circle: a grid in 0..360 serves a location at -70 and vice versa.
double LongitudeDifference(double a, double b) {
  double d = std::fmod(a - b, 360.0);
  if (d > 180.0) d -= 360.0;
  if (d < -180.0) d += 360.0;
  return d;
}

std::optional<std::int64_t> NearestCell(const Coordinate& axis, double target, bool circular) {
  std::int64_t best = NearestMonotonic(axis, target);
  double distance = std::fabs(axis.At(best) - target);
  if (circular) {
    for (const double shifted : {target - 360.0, target + 360.0}) {
      const std::int64_t i = NearestMonotonic(axis, shifted);
      const double d = std::fabs(axis.At(i) - shifted);
      if (d < distance) {
        best = i;
        distance = d;
      }
    }
  }
  const double step = StepAt(axis, best);
  if (axis.size() > 1 && distance > step * kMaxStepsFromCell) return std::nullopt;
  return best;
}

// Everything the locations of one server share.
struct PreparedStore {
  std::unique_ptr<ChunkCache> cache;
  ZarrMetadata metadata;
  const ZarrArray* variable = nullptr;
  std::vector<Axis> axes;  // role of each of the variable's dimensions
  std::optional<Coordinate> latitude;
  std::optional<Coordinate> longitude;
  bool global_longitude = false;  // neighbours wrap around the antimeridian
  std::int64_t vertical_index = 0;
  std::vector<std::int64_t> time_indices;  // in the window, ascending
  std::vector<core::EpochMs> times;
};

// The time indices whose stamps fall in [start, end]: a forecast beyond `end` is never read.
void SelectTimes(PreparedStore& store, ChunkCache& cache, const ZarrArray& time,
                 const FetchWindow& window) {
  const auto units = ParseCfTimeUnits(time.units, time.calendar);
  if (!units.value) throw ReadFailure(fmt::format("time: {}", units.error), false);
  const Coordinate raw(cache, time);
  const auto at = [&](std::int64_t i) {
    const auto ms = CfTimeToEpochMs(*units.value, raw.At(i));
    if (!ms) throw ReadFailure(fmt::format("time value at index {} is out of range", i), false);
    return *ms;
  };
  const std::int64_t n = raw.size();
  if (n == 0) return;
  if (at(n - 1) < at(0)) throw ReadFailure("time axis is not ascending", false);
  const auto first_not_before = [&](core::EpochMs target, bool inclusive) {
    std::int64_t lo = 0;
    std::int64_t hi = n;
    while (lo < hi) {
      const std::int64_t mid = lo + (hi - lo) / 2;
      if (inclusive ? at(mid) < target : at(mid) <= target) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  };
  const std::int64_t begin = first_not_before(window.start_ms, true);
  const std::int64_t end = first_not_before(window.end_ms, false);
  for (std::int64_t i = begin; i < end; ++i) {
    const auto ms = at(i);
    if (ms < window.start_ms || ms > window.end_ms) continue;  // a non-monotonic stretch
    store.time_indices.push_back(i);
    store.times.push_back(ms);
  }
}

const ZarrArray& CoordinateArray(const ZarrMetadata& metadata, const std::string& name,
                                 std::int64_t length) {
  const auto it = metadata.arrays.find(name);
  if (it == metadata.arrays.end()) {
    const auto invalid = metadata.invalid.find(name);
    throw ReadFailure(invalid != metadata.invalid.end()
                          ? fmt::format("coordinate {}: {}", name, invalid->second)
                          : fmt::format("coordinate array {} is missing", name),
                      false);
  }
  if (it->second.shape.size() != 1 || it->second.shape[0] != length) {
    throw ReadFailure(fmt::format("coordinate {} does not match the variable's shape", name),
                      false);
  }
  return it->second;
}

// .zmetadata, the variable and its axes, the surface level and the window's time indices.
// Throws ReadFailure.
void PrepareStore(PreparedStore& store, HttpClient& http, const std::string& store_url,
                  const ServerConfig& server, const FetchWindow& window) {
  store.cache = std::make_unique<ChunkCache>(http, store_url);
  const std::string url = store_url + "/" + std::string(kConsolidatedMetadata);
  const auto response = http.Get(WithCopernicusMonitoringQuery(url));
  if (!response.ok()) {
    throw ReadFailure(fmt::format("GET {}: {}", url, response.Describe()),
                      IsCopernicusServerFailure(response));
  }
  auto metadata = ParseConsolidatedMetadata(response.body);
  if (!metadata.value) throw ReadFailure(fmt::format("{}: {}", url, metadata.error), false);
  store.metadata = std::move(*metadata.value);

  const auto found = store.metadata.arrays.find(server.variable);
  if (found == store.metadata.arrays.end()) {
    const auto invalid = store.metadata.invalid.find(server.variable);
    throw ReadFailure(invalid != store.metadata.invalid.end()
                          ? fmt::format("{}: {}", server.variable, invalid->second)
                          : fmt::format("variable {} is not in the store", server.variable),
                      false);
  }
  const ZarrArray& variable = found->second;
  store.variable = &variable;
  if (variable.dimensions.size() != variable.shape.size()) {
    throw ReadFailure(fmt::format("{} has no _ARRAY_DIMENSIONS", variable.name), false);
  }
  if (!server.units.empty() && !variable.units.empty() && server.units != variable.units) {
    throw ReadFailure(fmt::format("{} is in \"{}\", the source expects \"{}\"", variable.name,
                                  variable.units, server.units),
                      false);
  }
  const ZarrArray* time = nullptr;
  for (std::size_t d = 0; d < variable.dimensions.size(); ++d) {
    const auto& name = variable.dimensions[d];
    const std::int64_t length = variable.shape[d];
    const Axis axis = AxisOf(name);
    store.axes.push_back(axis);
    switch (axis) {
      case Axis::kTime:
        time = &CoordinateArray(store.metadata, name, length);
        break;
      case Axis::kLatitude:
        store.latitude.emplace(*store.cache, CoordinateArray(store.metadata, name, length));
        break;
      case Axis::kLongitude:
        store.longitude.emplace(*store.cache, CoordinateArray(store.metadata, name, length));
        break;
      case Axis::kVertical: {
        // The surface is the level nearest 0: ARCO's elevation is negative down with the
        // surface last (§2.3); a depth axis has it first.
        const Coordinate levels(*store.cache, CoordinateArray(store.metadata, name, length));
        if (length > kMaxVerticalLevels) throw ReadFailure(name + " has too many levels", false);
        for (std::int64_t i = 1; i < length; ++i) {
          if (std::fabs(levels.At(i)) < std::fabs(levels.At(store.vertical_index))) {
            store.vertical_index = i;
          }
        }
        break;
      }
      case Axis::kOther:
        if (length != 1) {
          throw ReadFailure(
              fmt::format("{} has an unknown axis {} of length {}", variable.name, name, length),
              false);
        }
        break;
    }
    if (length == 0) throw ReadFailure(fmt::format("axis {} is empty", name), false);
  }
  if (!time || !store.latitude || !store.longitude) {
    throw ReadFailure(
        fmt::format("{} lacks a time, latitude or longitude dimension", variable.name), false);
  }
  const auto& lon = *store.longitude;
  const double span = std::fabs(lon.At(lon.size() - 1) - lon.At(0)) + StepAt(lon, 0);
  store.global_longitude = span >= 359.9;
  SelectTimes(store, *store.cache, *time, window);
}

struct Cell {
  std::int64_t y = 0;
  std::int64_t x = 0;
};

struct Series {
  std::vector<std::pair<core::EpochMs, double>> values;
};

Series ReadSeries(const PreparedStore& store, Cell cell) {
  Series series;
  std::vector<std::int64_t> index(store.axes.size(), 0);
  for (std::size_t k = 0; k < store.time_indices.size(); ++k) {
    for (std::size_t d = 0; d < store.axes.size(); ++d) {
      switch (store.axes[d]) {
        case Axis::kTime:
          index[d] = store.time_indices[k];
          break;
        case Axis::kLatitude:
          index[d] = cell.y;
          break;
        case Axis::kLongitude:
          index[d] = cell.x;
          break;
        case Axis::kVertical:
          index[d] = store.vertical_index;
          break;
        case Axis::kOther:
          index[d] = 0;
          break;
      }
    }
    if (const auto value = ReadValue(*store.cache, *store.variable, index)) {
      series.values.emplace_back(store.times[k], *value);
    }
  }
  return series;
}

// Cells within ±kNeighbourCells of `centre`, nearest to the location first.
std::vector<Cell> Neighbours(const PreparedStore& store, Cell centre,
                             const core::Location& location) {
  const auto& lat = *store.latitude;
  const auto& lon = *store.longitude;
  const double cos_lat = std::cos(location.latitude * std::numbers::pi / 180.0);
  std::vector<std::pair<double, Cell>> ranked;
  for (std::int64_t dy = -kNeighbourCells; dy <= kNeighbourCells; ++dy) {
    for (std::int64_t dx = -kNeighbourCells; dx <= kNeighbourCells; ++dx) {
      if (dy == 0 && dx == 0) continue;
      const std::int64_t y = centre.y + dy;
      std::int64_t x = centre.x + dx;
      if (y < 0 || y >= lat.size()) continue;
      if (store.global_longitude) {
        x = ((x % lon.size()) + lon.size()) % lon.size();
      } else if (x < 0 || x >= lon.size()) {
        continue;
      }
      const double north = lat.At(y) - location.latitude;
      const double east = LongitudeDifference(lon.At(x), location.longitude) * cos_lat;
      ranked.push_back({north * north + east * east, Cell{y, x}});
    }
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Cell> cells;
  cells.reserve(ranked.size());
  for (const auto& [distance, cell] : ranked) cells.push_back(cell);
  return cells;
}

LocationOutcome FetchLocationSeries(const PreparedStore& store, const SourceConfig& source,
                                    const ServerConfig& server, const core::Location& location) {
  try {
    if (store.time_indices.empty()) return LocationOutcome::Ok({});
    const auto y = NearestCell(*store.latitude, location.latitude, false);
    const auto x = NearestCell(*store.longitude, location.longitude, true);
    if (!y || !x) {
      return LocationOutcome::LocationError(fmt::format("({}, {}) is outside the dataset's grid",
                                                        location.latitude, location.longitude));
    }
    Cell cell{*y, *x};
    Series series = ReadSeries(store, cell);
    // A coastal point often snaps to a land cell, which has no value at any time.
    if (series.values.empty()) {
      for (const Cell neighbour : Neighbours(store, cell, location)) {
        series = ReadSeries(store, neighbour);
        if (!series.values.empty()) {
          cell = neighbour;
          break;
        }
      }
    }
    if (series.values.empty()) {
      return LocationOutcome::LocationError(fmt::format(
          "no value in the window at the nearest cell or within {} cells (land, or not yet "
          "produced)",
          kNeighbourCells));
    }
    const double cell_latitude = store.latitude->At(cell.y);
    const double cell_longitude = store.longitude->At(cell.x);
    std::vector<FetchedObservation> rows;
    rows.reserve(series.values.size());
    for (const auto& [timestamp, stored] : series.values) {
      const double value = stored * server.scale + server.offset;
      FetchedObservation row;
      row.observation.location_id = location.id;
      row.observation.parameter = source.parameter;
      row.observation.timestamp_ms = timestamp;
      row.observation.value = value;
      row.observation.quality_flag = FlagForValue(source.parameter, value);
      row.observation.source = source.id;
      row.cell_latitude = cell_latitude;
      row.cell_longitude = cell_longitude;
      rows.push_back(std::move(row));
    }
    return LocationOutcome::Ok(std::move(rows));
  } catch (const ReadFailure& failure) {
    // A corrupt chunk drops the location's rows for this run rather than storing a partial
    // series next to garbage; the next run re-reads the window anyway.
    return failure.server_error() ? LocationOutcome::ServerError(failure.what())
                                  : LocationOutcome::LocationError(failure.what());
  }
}

}  // namespace

FetchResult FetchCopernicus(const SourceConfig& source, std::span<const core::Location> locations,
                            const FetchWindow& window, HttpClient& http) {
  if (source.product.empty() || !core::FindParameter(source.parameter)) {
    FetchResult result;
    result.failed = true;
    result.locations = static_cast<int>(locations.size());
    result.failed_locations = result.locations;
    result.errors.push_back(
        fmt::format("{}: needs a CMEMS product and a catalogue parameter", source.id));
    return result;
  }
  // The catalogue roots are discovery entry points, not data URLs, so defaulting them does not
  // hard-code any store.
  SourceConfig effective = source;
  if (effective.servers.empty()) {
    for (const auto root : kDefaultCopernicusStacRoots) {
      ServerConfig server;
      server.url = std::string(root);
      server.dataset = source.dataset;
      server.variable = source.variable;
      server.scale = source.scale;
      server.offset = source.offset;
      effective.servers.push_back(std::move(server));
    }
  }

  // Rebuilt for each server tried; the locations of that server share it.
  std::unique_ptr<PreparedStore> store;
  const auto prepare = [&](const ServerConfig& server) -> std::optional<std::string> {
    store = std::make_unique<PreparedStore>();
    if (server.dataset.empty() || server.variable.empty()) {
      return std::string("needs a dataset and a variable");
    }
    auto discovered = DiscoverCopernicusStore(http, CopernicusStacRoot(server.url), source.product,
                                              server.dataset, window.end_ms);
    if (!discovered.value) return discovered.error;
    try {
      PrepareStore(*store, http, *discovered.value, server, window);
    } catch (const ReadFailure& failure) {
      return std::string(failure.what());
    }
    return std::nullopt;
  };
  const auto fetch = [&](const ServerConfig& server, const core::Location& location) {
    return FetchLocationSeries(*store, source, server, location);
  };
  return FetchWithFailover(effective, locations, std::max(1, http.options().max_per_host), prepare,
                           fetch);
}

}  // namespace ocean::sources
