#include "app/demo.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "cache/invalidating_writer.hpp"
#include "core/time.hpp"
#include "http/url.hpp"
#include "jobs/site_climatology.hpp"
#include "sources/http_client.hpp"
#include "storage/store.hpp"

namespace ocean::app {
namespace {

constexpr std::string_view kManifestFile = "manifest.json";
constexpr std::string_view kDailyDir = "daily";
constexpr double kDaysPerYear = 365.25;
constexpr std::string_view kNamePrefix = "DEMO — ";
// Where the fake upstream serves each kind (the base URLs of the demo sources' servers).
constexpr std::string_view kErddapRoot = "/erddap";
constexpr std::string_view kNdbcRoot = "/ndbc";
constexpr std::string_view kGriddapPrefix = "/erddap/griddap/";
constexpr std::string_view kGriddapSuffix = ".json";
constexpr std::string_view kJsonType = "application/json;charset=UTF-8";
constexpr std::string_view kErrorType = "text/plain;charset=UTF-8";
constexpr std::string_view kTextType = "text/plain";
// ERDDAP's answer to a query with no data, which the client reads as "no rows" (not a failure).
constexpr std::string_view kNoMatchingResults =
    "Error {\n    code=404;\n    message=\"Not Found: Your query produced no matching results. "
    "(demo: no sample for this location)\";\n}\n";
// A griddap box is a few cells wide: its centre is within this of the site it was built for.
constexpr double kSiteToleranceDegrees = 0.25;

std::optional<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<double> ParseNumber(std::string_view text) {
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "[(a):1:(b)]" or "[(a):(b)]" -> the midpoint of a and b; "[(a)]" -> a.
std::optional<double> BracketCentre(std::string_view bracket) {
  std::vector<double> values;
  std::size_t at = 0;
  while ((at = bracket.find('(', at)) != std::string_view::npos) {
    const auto close = bracket.find(')', at);
    if (close == std::string_view::npos) return std::nullopt;
    const auto value = ParseNumber(bracket.substr(at + 1, close - at - 1));
    if (!value) return std::nullopt;
    values.push_back(*value);
    at = close + 1;
  }
  if (values.empty() || values.size() > 2) return std::nullopt;
  return (values.front() + values.back()) / 2.0;
}

double WrapLongitude(double longitude) {
  while (longitude > 180.0) longitude -= 360.0;
  while (longitude < -180.0) longitude += 360.0;
  return longitude;
}

http::Response Answer(int status, std::string_view content_type, std::string body) {
  http::Response response;
  response.status = status;
  response.content_type = std::string(content_type);
  response.body = std::move(body);
  return response;
}

class ShiftingSink final : public jobs::ObservationSink {
 public:
  ShiftingSink(jobs::ObservationSink& inner, int shift_days)
      : inner_(inner), shift_ms_(static_cast<core::EpochMs>(shift_days) * core::kMsPerDay) {}

  core::IngestResult Write(std::span<const sources::FetchedObservation> rows) override {
    std::vector<sources::FetchedObservation> shifted(rows.begin(), rows.end());
    for (auto& row : shifted) row.observation.timestamp_ms += shift_ms_;
    return inner_.Write(shifted);
  }
  // The run happened "at" the samples' end (FetchOptions::now_ms): shifted like its rows.
  void RecordRun(const storage::SourceRun& run) override {
    storage::SourceRun shifted = run;
    shifted.started_ms += shift_ms_;
    shifted.finished_ms += shift_ms_;
    inner_.RecordRun(shifted);
  }

 private:
  jobs::ObservationSink& inner_;
  core::EpochMs shift_ms_;
};

sources::SourceConfig ErddapSource(std::string id, std::string_view name, std::string_view base_url,
                                   std::string dataset, std::string variable, std::string parameter,
                                   std::string units) {
  sources::SourceConfig source;
  source.id = std::move(id);
  source.kind = sources::SourceKind::kErddapGriddap;
  source.name = fmt::format("{}{}", kNamePrefix, name);
  source.dataset = std::move(dataset);
  source.variable = std::move(variable);
  source.parameter = std::move(parameter);
  source.variables.push_back({source.variable, source.parameter, 1.0, 0.0});
  sources::ServerConfig server;
  server.url = fmt::format("{}{}", base_url, kErddapRoot);
  server.dataset = source.dataset;
  server.variable = source.variable;
  server.units = std::move(units);
  source.servers.push_back(std::move(server));
  return source;
}

}  // namespace

DemoManifest LoadDemoManifest(const std::string& demo_dir) {
  const auto path = std::filesystem::path(demo_dir) / kManifestFile;
  const auto fail = [&](std::string_view why) {
    return std::runtime_error(fmt::format("{}: {}", path.string(), why));
  };
  const auto text = ReadFile(path);
  if (!text) throw fail("cannot read");
  boost::system::error_code error;
  const auto json = boost::json::parse(*text, error);
  if (error || !json.is_object()) throw fail("not a JSON object");
  const auto& root = json.get_object();
  DemoManifest manifest;
  const auto* end = root.if_contains("samples_end");
  const auto end_ms = end && end->is_string() ? core::ParseTimestamp(end->get_string())
                                              : std::optional<core::EpochMs>();
  if (!end_ms) throw fail("samples_end: must be an RFC 3339 time");
  manifest.samples_end_ms = *end_ms;
  if (const auto* days = root.if_contains("days"); days && days->is_int64()) {
    manifest.days = static_cast<int>(days->get_int64());
  }
  if (manifest.days < 1 || manifest.days > 365) throw fail("days: must be 1-365");
  if (const auto* note = root.if_contains("note"); note && note->is_string()) {
    manifest.note = std::string(note->get_string());
  }
  if (const auto* daily = root.if_contains("daily_records"); daily != nullptr) {
    if (!daily->is_array()) throw fail("daily_records: must be an array");
    for (const auto& entry : daily->get_array()) {
      const auto* records = entry.if_object();
      const auto text = [&](std::string_view key) -> std::string {
        const auto* value = records ? records->if_contains(key) : nullptr;
        if (value == nullptr || !value->is_string() || value->get_string().empty()) {
          throw fail(fmt::format("daily_records[].{}: must be a non-empty string", key));
        }
        return std::string(value->get_string());
      };
      const auto year = [&](std::string_view key) {
        const auto ms = core::ParseTimestamp(text(key) + "T00:00:00Z");
        if (!ms) throw fail(fmt::format("daily_records[].{}: must be a date YYYY-MM-DD", key));
        return static_cast<int>(core::CivilDateFromDays(*ms / core::kMsPerDay).year);
      };
      DemoDailyRecords parsed;
      parsed.parameter = text("parameter");
      parsed.source = text("source");
      parsed.note = text("note");
      parsed.first_year = year("first_day");
      parsed.last_year = year("last_day");
      if (parsed.last_year < parsed.first_year)
        throw fail("daily_records[]: last_day before first_day");
      if (const auto* log10 = records->if_contains("log10"); log10 != nullptr) {
        if (!log10->is_bool()) throw fail("daily_records[].log10: must be true or false");
        parsed.log10 = log10->get_bool();
      }
      manifest.daily_records.push_back(std::move(parsed));
    }
  }
  const auto* sites = root.if_contains("sites");
  if (sites == nullptr || !sites->is_array()) throw fail("sites: must be an array");
  for (const auto& entry : sites->get_array()) {
    const auto* site = entry.if_object();
    const auto* id = site ? site->if_contains("id") : nullptr;
    const auto* latitude = site ? site->if_contains("latitude") : nullptr;
    const auto* longitude = site ? site->if_contains("longitude") : nullptr;
    if (!id || !id->is_string() || !latitude || !latitude->is_number() || !longitude ||
        !longitude->is_number()) {
      throw fail("sites: each needs id, latitude and longitude");
    }
    manifest.sites.push_back({std::string(id->get_string()), latitude->to_number<double>(),
                              longitude->to_number<double>()});
  }
  return manifest;
}

DemoDailyRecord ParseDemoDailyRecord(std::string_view text) {
  boost::system::error_code error;
  const auto json = boost::json::parse(text, error);
  const auto* root = error ? nullptr : json.if_object();
  if (root == nullptr) throw std::runtime_error("not a JSON object");
  const auto string = [&](std::string_view key) {
    const auto* value = root->if_contains(key);
    if (value == nullptr || !value->is_string()) {
      throw std::runtime_error(fmt::format("{}: must be a string", key));
    }
    return std::string(value->get_string());
  };
  DemoDailyRecord record;
  record.location = string("location");
  record.parameter = string("parameter");
  const auto first_ms = core::ParseTimestamp(string("first_day") + "T00:00:00Z");
  if (!first_ms) throw std::runtime_error("first_day: must be a date YYYY-MM-DD");
  const auto first_day = static_cast<std::int32_t>(*first_ms / core::kMsPerDay);
  const auto* values = root->if_contains("values");
  if (values == nullptr || !values->is_array())
    throw std::runtime_error("values: must be an array");
  std::int32_t day = first_day;
  for (const auto& value : values->get_array()) {
    if (value.is_number()) {
      record.days.push_back({day, value.to_number<double>()});
    } else if (!value.is_null()) {
      throw std::runtime_error("values: each must be a number or null");
    }
    ++day;
  }
  return record;
}

std::pair<int, int> ShiftedBaseline(const DemoDailyRecords& records, int shift_days) {
  const int years = static_cast<int>(std::lround(shift_days / kDaysPerYear));
  return {records.first_year + years, records.last_year + years};
}

int LoadDemoClimatologies(const std::string& demo_dir, const DemoManifest& manifest, int shift_days,
                          storage::Store& store, core::EpochMs now_ms) {
  int loaded = 0;
  for (const auto& records : manifest.daily_records) {
    const auto [first_year, last_year] = ShiftedBaseline(records, shift_days);
    for (const auto& site : manifest.sites) {
      const auto path =
          std::filesystem::path(demo_dir) / kDailyDir / records.parameter / (site.id + ".json");
      const auto text = ReadFile(path);
      if (!text) continue;  // a site without a record has no climatology, and the API says so
      DemoDailyRecord record;
      try {
        record = ParseDemoDailyRecord(*text);
      } catch (const std::runtime_error& e) {
        throw std::runtime_error(fmt::format("{}: {}", path.string(), e.what()));
      }
      for (auto& day : record.days) day.day += shift_days;
      store.UpsertDailyRecord(site.id, records.parameter, records.source, record.days);
      jobs::ClimatologyRequest request;
      request.location_id = site.id;
      request.parameter = records.parameter;
      request.source = records.source;
      request.first_year = first_year;
      request.last_year = last_year;
      request.log10 = records.log10;
      store.PutClimatology(jobs::ComputeStoredClimatology(record.days, request, now_ms));
      ++loaded;
    }
  }
  return loaded;
}

int DemoShiftDays(core::EpochMs samples_end_ms, core::EpochMs now_ms) {
  const core::EpochMs gap = now_ms - samples_end_ms;
  // Floor division: the shifted newest sample is never after now.
  core::EpochMs days = gap / core::kMsPerDay;
  if (gap < 0 && gap % core::kMsPerDay != 0) --days;
  return static_cast<int>(days);
}

std::optional<std::string> DemoSiteForGriddapQuery(std::string_view decoded_query,
                                                   std::span<const DemoSite> sites) {
  std::vector<std::string_view> brackets;
  std::size_t at = 0;
  while ((at = decoded_query.find('[', at)) != std::string_view::npos) {
    const auto close = decoded_query.find(']', at);
    if (close == std::string_view::npos) return std::nullopt;
    brackets.push_back(decoded_query.substr(at, close - at + 1));
    at = close + 1;
  }
  if (brackets.size() < 2) return std::nullopt;
  const auto latitude = BracketCentre(brackets[brackets.size() - 2]);
  const auto longitude = BracketCentre(brackets.back());
  if (!latitude || !longitude) return std::nullopt;
  const DemoSite* best = nullptr;
  double best_distance = std::numeric_limits<double>::max();
  for (const auto& site : sites) {
    const double d_lat = site.latitude - *latitude;
    const double d_lon = WrapLongitude(site.longitude - *longitude);
    const double distance = std::hypot(d_lat, d_lon);
    if (distance < best_distance) {
      best_distance = distance;
      best = &site;
    }
  }
  if (best == nullptr || best_distance > kSiteToleranceDegrees) return std::nullopt;
  return best->id;
}

std::vector<sources::SourceConfig> DemoSources(std::string_view base_url) {
  std::vector<sources::SourceConfig> out;
  out.push_back(ErddapSource("demo-noaa", "Sea surface temperature (JPL MUR SST format)", base_url,
                             "jplMURSST41", "analysed_sst", "sst", "degree_C"));
  out.push_back(ErddapSource("demo-chlorophyll", "Chlorophyll-a (NOAA VIIRS daily format)",
                             base_url, "noaacwNPPVIIRSchlaDaily", "chlor_a", "chlorophyll_a", ""));
  sources::SourceConfig ndbc;
  ndbc.id = "demo-ndbc";
  ndbc.kind = sources::SourceKind::kNdbcRealtime;
  ndbc.name = std::string(kNamePrefix) + "NDBC buoys (realtime2 format)";
  sources::ServerConfig server;
  server.url = fmt::format("{}{}", base_url, kNdbcRoot);
  ndbc.servers.push_back(std::move(server));
  ndbc.variables.push_back({"WTMP", "sst", 1.0, 0.0});
  ndbc.variables.push_back({"WVHT", "wave_height", 1.0, 0.0});
  out.push_back(std::move(ndbc));
  for (auto& source : out) {
    source.attribution =
        "Synthesised demo samples in the upstream's wire format (demo/make_demo.py); not "
        "measurements";
    source.license = "Demo data, not for any use";
  }
  return out;
}

std::unique_ptr<jobs::ObservationSink> MakeShiftingSink(jobs::ObservationSink& inner,
                                                        int shift_days) {
  return std::make_unique<ShiftingSink>(inner, shift_days);
}

DemoUpstream::DemoUpstream(std::string demo_dir, DemoManifest manifest)
    : demo_dir_(std::move(demo_dir)),
      manifest_(std::move(manifest)),
      server_([this](http::Request& request) { return Handle(request); }) {}

DemoUpstream::~DemoUpstream() = default;

std::string DemoUpstream::BaseUrl() const { return server_.BaseUrl(); }

http::Response DemoUpstream::Handle(const http::Request& request) const {
  const std::string_view path = request.path;
  if (path.find("..") != std::string_view::npos) {
    return Answer(400, kErrorType, "demo upstream: bad path");
  }
  const std::filesystem::path root(demo_dir_);
  if (path.starts_with(kGriddapPrefix) && path.ends_with(kGriddapSuffix)) {
    const auto dataset = path.substr(kGriddapPrefix.size(),
                                     path.size() - kGriddapPrefix.size() - kGriddapSuffix.size());
    const auto mark = request.target.find('?');
    const auto query = http::PercentDecode(mark == std::string::npos
                                               ? std::string_view()
                                               : std::string_view(request.target).substr(mark + 1),
                                           /*plus_as_space=*/false);
    const auto site = query ? DemoSiteForGriddapQuery(*query, manifest_.sites) : std::nullopt;
    const auto body =
        site ? ReadFile(root / "erddap" / "griddap" / std::string(dataset) / (*site + ".json"))
             : std::nullopt;
    if (!body) return Answer(404, kErrorType, std::string(kNoMatchingResults));
    return Answer(200, kJsonType, *body);
  }
  // info/{dataset}/index.json and data/realtime2/{STATION}.txt are files at their URL path.
  if (path.starts_with(kErddapRoot) || path.starts_with(kNdbcRoot)) {
    if (const auto body = ReadFile(root / std::string(path.substr(1)))) {
      return Answer(200, path.ends_with(".json") ? kJsonType : kTextType, *body);
    }
  }
  return Answer(404, kErrorType, fmt::format("demo upstream: no sample at {}", path));
}

void CheckDemoDatabase(storage::Store& store) {
  for (const auto& status : store.ListSourceStatus()) {
    if (status.rows > 0 && !status.source_id.starts_with(kDemoSourcePrefix)) {
      throw std::runtime_error(fmt::format(
          "--demo: the database holds {} observations from source \"{}\" (real data); use a "
          "separate database for the demo (the default without --database is "
          "sqlite:oceandash-demo.db)",
          status.rows, status.source_id));
    }
  }
}

DemoLoad LoadDemo(const std::string& demo_dir, std::span<const core::Location> locations,
                  storage::Store& store, cache::Cache* cache, core::EpochMs now_ms,
                  const storage::FlagReview* review) {
  CheckDemoDatabase(store);
  auto manifest = LoadDemoManifest(demo_dir);
  const int shift_days = DemoShiftDays(manifest.samples_end_ms, now_ms);
  DemoLoad load;
  load.info.samples_end = core::FormatTimestamp(manifest.samples_end_ms);
  load.info.shifted_days = shift_days;
  load.info.note = manifest.note;
  for (const auto& records : manifest.daily_records) load.info.note += "; " + records.note;
  const auto climatologies = LoadDemoClimatologies(demo_dir, manifest, shift_days, store, now_ms);
  spdlog::info("demo: {} synthetic climatologies", climatologies);

  const int days = manifest.days;
  const core::EpochMs samples_end_ms = manifest.samples_end_ms;
  DemoUpstream upstream(demo_dir, std::move(manifest));
  load.sources = DemoSources(upstream.BaseUrl());
  sources::HttpClient http;
  auto store_sink = jobs::MakeStoreSink(store, cache, review);
  auto sink = MakeShiftingSink(*store_sink, shift_days);
  jobs::FetchOptions options;
  options.now_ms = samples_end_ms;
  options.days = days;
  jobs::RunFetch(load.sources, locations, http, *sink, options,
                 [](std::string_view line) { spdlog::info("demo fetch: {}", line); });
  spdlog::info("demo: samples ending {} shifted by {} days", load.info.samples_end, shift_days);
  // The climatologies were written outside the fetch's sink: nothing cached may predate them.
  cache::InvalidatingWriter(store, cache).InvalidateAll();
  return load;
}

}  // namespace ocean::app
