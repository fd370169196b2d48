// The offline demo (`oceandash serve --demo`): without internet a new user still sees the
// product. The synthesised samples in demo/ (written by demo/make_demo.py in the exact ERDDAP and
// NDBC wire formats) are served by an in-process fake upstream on 127.0.0.1 and fetched once
// through the normal sources and parsers into the store, shifted by whole days so the newest
// sample is recent. The API labels everything: /api/health/ has "demo": true and /api/sources/
// marks the demo sources. Synthetic long daily SST and chlorophyll-a records per site
// (demo/daily/<parameter>/, also written by make_demo.py, labelled "demo (synthetic)") are
// stored shifted like the samples, and each site's climatologies are computed from them (the
// chlorophyll one in log10 space, as the real one), so anomalies, percentiles and marine
// heatwaves show offline too.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/api.hpp"
#include "core/types.hpp"
#include "http/loopback_server.hpp"
#include "http/message.hpp"
#include "jobs/fetch.hpp"
#include "sources/source.hpp"
#include "storage/store.hpp"

namespace ocean::cache {
class Cache;
}

namespace ocean::app {

// Demo sources' ids start with this; a database holding other sources is not a demo database.
inline constexpr std::string_view kDemoSourcePrefix = "demo-";

struct DemoSite {
  std::string id;
  double latitude = 0.0;
  double longitude = 0.0;
};

// One entry of manifest.json's "daily_records": the synthetic long records of one parameter
// behind its climatologies.
struct DemoDailyRecords {
  std::string parameter;  // "sst", "chlorophyll_a": demo/daily/<parameter>/<site>.json
  std::string source;     // stored with each day and the climatology: "demo (synthetic)"
  int first_year = 0;     // the records' years, used as the climatology's baseline
  int last_year = 0;
  bool log10 = false;  // the climatology in log10 space (chlorophyll), as the real command's
  std::string note;    // what the records are (synthetic, not measurements)
};

// demo/manifest.json.
struct DemoManifest {
  core::EpochMs samples_end_ms = 0;  // the newest sample
  int days = 30;                     // the samples cover this many days up to samples_end_ms
  std::string note;                  // what the samples are (synthesised, not measurements)
  std::vector<DemoSite> sites;       // locations with griddap samples
  std::vector<DemoDailyRecords> daily_records;  // empty: no climatology in the demo
};

// One site's long record from demo/daily/<parameter>/<site>.json: a value per day from
// first_day on (days since 1970-01-01); a null in the file is a missing day (left out).
struct DemoDailyRecord {
  std::string location;
  std::string parameter;
  std::vector<storage::DailyValue> days;
};

// Parses a record file's text; throws std::runtime_error saying what is wrong.
DemoDailyRecord ParseDemoDailyRecord(std::string_view text);

// The baseline years of records moved by `shift_days`: the manifest's years moved by the
// nearest whole number of years, so every baseline year still holds data.
std::pair<int, int> ShiftedBaseline(const DemoDailyRecords& records, int shift_days);

// Reads and checks `demo_dir`/manifest.json; throws std::runtime_error naming the file.
DemoManifest LoadDemoManifest(const std::string& demo_dir);

// Whole days added to every sample time so the newest lands in the last 24 hours before `now_ms`
// (never in the future).
int DemoShiftDays(core::EpochMs samples_end_ms, core::EpochMs now_ms);

// The site whose location is nearest the centre of a griddap query's latitude/longitude box
// (its last two constraints, as in both demo datasets), within a quarter degree; nullopt for a
// query that names no box or a box away from every site.
std::optional<std::string> DemoSiteForGriddapQuery(std::string_view decoded_query,
                                                   std::span<const DemoSite> sites);

// demo-noaa (jplMURSST41), demo-chlorophyll (noaacwNPPVIIRSchlaDaily), demo-ndbc (realtime2),
// configured like their real counterparts in config/sources.json but served from `base_url`.
std::vector<sources::SourceConfig> DemoSources(std::string_view base_url);

// Passes rows to `inner` with their times moved by `shift_days` whole days.
std::unique_ptr<jobs::ObservationSink> MakeShiftingSink(jobs::ObservationSink& inner,
                                                        int shift_days);

// Serves demo/ as the upstreams would: {base}/erddap/info/{dataset}/index.json and
// {base}/ndbc/data/realtime2/{STATION}.txt by path; {base}/erddap/griddap/{dataset}.json?query
// with demo/erddap/griddap/{dataset}/{site}.json for the site the query's box is around. The
// time constraint is not applied here: the fetch drops rows outside its window itself.
class DemoUpstream {
 public:
  DemoUpstream(std::string demo_dir, DemoManifest manifest);
  ~DemoUpstream();
  DemoUpstream(const DemoUpstream&) = delete;
  DemoUpstream& operator=(const DemoUpstream&) = delete;

  std::string BaseUrl() const;  // "http://127.0.0.1:PORT"

 private:
  http::Response Handle(const http::Request& request) const;

  std::string demo_dir_;
  DemoManifest manifest_;
  http::LoopbackServer server_;  // last: it calls Handle until it is destroyed, first
};

// Throws std::runtime_error (one line) when the store holds observations of non-demo sources:
// demo rows must never mix with real data.
void CheckDemoDatabase(storage::Store& store);

// Stores each site's record of every parameter in `demo_dir`/daily/ moved by `shift_days` and
// the climatology computed from it (source, baseline and log10 from the manifest). Returns how
// many climatologies it stored.
int LoadDemoClimatologies(const std::string& demo_dir, const DemoManifest& manifest, int shift_days,
                          storage::Store& store, core::EpochMs now_ms);

struct DemoLoad {
  std::vector<sources::SourceConfig> sources;  // for /api/sources/ (their URL is gone after)
  api::DemoInfo info;                          // for /api/health/
};

// Checks the database, serves `demo_dir`, fetches every demo source once for `locations` (as
// loaded from the locations file: NDBC needs their stations) over the samples' window through
// the normal fetch job into `store`, shifted to end near `now_ms`, with `review` (quality
// control) run on each batch when set.
DemoLoad LoadDemo(const std::string& demo_dir, std::span<const core::Location> locations,
                  storage::Store& store, cache::Cache* cache, core::EpochMs now_ms,
                  const storage::FlagReview* review = nullptr);

}  // namespace ocean::app
