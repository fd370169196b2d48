// The Copernicus ARCO reader against tests/fixtures/copernicus: a trimmed STAC catalogue and
// real Zarr v2 stores written by zarr-python with Blosc chunks (make_fixture.py documents the
// grid and its traps), served by a fake upstream that answers 403 for absent objects as the
// Cloudferro buckets do.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "sources/blosc.hpp"
#include "sources/copernicus.hpp"
#include "sources/http_client.hpp"
#include "sources/source_config.hpp"
#include "sources/testing/fake_upstream.hpp"
#include "sources/zarr.hpp"

namespace ocean::sources {
namespace {

using testing::FakeResponse;
using testing::FakeUpstream;
using ::testing::HasSubstr;
using testing::ReadFixture;

constexpr std::string_view kRealS3 = "https://s3.waw3-1.cloudferro.com";
constexpr std::string_view kProduct = "GLOBAL_ANALYSISFORECAST_PHY_001_024";
constexpr std::string_view kThetao = "cmems_mod_glo_phy-thetao_anfc_0.083deg_P1D-m";
constexpr std::string_view kSo = "cmems_mod_glo_phy-so_anfc_0.083deg_P1D-m";
constexpr std::string_view kAnfc = "cmems_mod_glo_phy_anfc_0.083deg_P1D-m";
constexpr std::string_view kBinaryType = "application/octet-stream";

std::string StorePath(std::string_view dataset) {
  return "/mdl-arco-geo-014/arco/" + std::string(kProduct) + "/" + std::string(dataset) +
         "_202406/geoChunked.zarr";
}

std::string StoreFixture(std::string_view dataset, std::string_view key) {
  return ReadFixture("copernicus" + StorePath(dataset) + "/" + std::string(key));
}

// One array's metadata from a recorded store's .zmetadata; a failed test when it is not there.
ZarrArray StoreArray(std::string_view dataset, std::string_view name) {
  const auto metadata = ParseConsolidatedMetadata(StoreFixture(dataset, ".zmetadata"));
  EXPECT_TRUE(metadata.value) << metadata.error;
  if (!metadata.value) return {};
  const auto found = metadata.value->arrays.find(name);
  EXPECT_NE(found, metadata.value->arrays.end()) << name;
  return found == metadata.value->arrays.end() ? ZarrArray{} : found->second;
}

core::EpochMs Ms(std::string_view timestamp) { return *core::ParseTimestamp(timestamp); }

core::EpochMs Day(int t) { return Ms("2026-11-20T00:00:00Z") + t * core::kMsPerDay; }

double Latitude(int j) { return static_cast<float>(46.5 + j / 12.0); }
double Longitude(int i) { return static_cast<float>(-5.0 + i / 12.0); }

// Every fixture file at its URL path; STAC hrefs to the real bucket host point at the fake.
class CopernicusUpstream {
 public:
  CopernicusUpstream() {
    const std::filesystem::path root = std::filesystem::path(OCEAN_FIXTURES_DIR) / "copernicus";
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file() || entry.path().extension() == ".py") continue;
      const std::string relative = entry.path().lexically_relative(root).generic_string();
      std::string body = ReadFixture("copernicus/" + relative);
      FakeResponse response;
      if (relative.ends_with(".stac.json")) {
        for (auto at = body.find(kRealS3); at != std::string::npos; at = body.find(kRealS3)) {
          body.replace(at, kRealS3.size(), upstream.BaseUrl());
        }
        response.content_type = "application/json";
      } else {
        response.content_type = std::string(kBinaryType);
      }
      response.body = std::move(body);
      upstream.Serve("/" + relative, std::move(response));
    }
    // What the bucket answers for the chunk zarr never wrote (all NaN).
    upstream.Serve(StorePath(kThetao) + "/thetao/1.1.2.1", S3AccessDenied());
  }

  static FakeResponse S3AccessDenied() {
    FakeResponse response;
    response.status = 403;
    response.content_type = "application/xml";
    response.body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
        "</Error>";
    return response;
  }

  // The bucket root as an operator would configure it (without "/metadata").
  std::string StacServer() const { return upstream.BaseUrl() + "/mdl-metadata"; }

  int ChunkRequests(std::string_view dataset, std::string_view key) const {
    return upstream.RequestCount(StorePath(dataset) + "/" + std::string(key));
  }

  FakeUpstream upstream;
};

HttpClient MakeClient() {
  HttpClientOptions options;
  options.max_attempts = 2;
  options.total_timeout = std::chrono::milliseconds(5'000);
  options.connect_timeout = std::chrono::milliseconds(2'000);
  options.sleep = [](std::chrono::milliseconds) {};
  return HttpClient(options);
}

ServerConfig Server(const std::string& url, std::string_view dataset, std::string variable) {
  ServerConfig server;
  server.url = url;
  server.dataset = std::string(dataset);
  server.variable = std::move(variable);
  return server;
}

SourceConfig Source(const std::string& server, std::string_view dataset, std::string variable,
                    std::string parameter) {
  SourceConfig source;
  source.id = "cmems_test";
  source.kind = SourceKind::kCopernicusArco;
  source.product = std::string(kProduct);
  source.dataset = std::string(dataset);
  source.variable = variable;
  source.parameter = std::move(parameter);
  source.servers.push_back(Server(server, dataset, variable));
  return source;
}

core::Location At(std::string id, double latitude, double longitude) {
  core::Location location;
  location.id = std::move(id);
  location.latitude = latitude;
  location.longitude = longitude;
  return location;
}

// 2026-11-19 .. 2026-11-26T06:00Z: "now" is the end, so 27..29 November are forecasts.
const FetchWindow kWindow{Ms("2026-11-19T00:00:00Z"), Ms("2026-11-26T06:00:00Z")};

std::map<std::string, std::vector<FetchedObservation>> ByLocation(const FetchResult& result) {
  std::map<std::string, std::vector<FetchedObservation>> rows;
  for (const auto& row : result.rows) rows[row.observation.location_id].push_back(row);
  for (auto& [id, list] : rows) {
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
      return a.observation.timestamp_ms < b.observation.timestamp_ms;
    });
  }
  return rows;
}

std::string Errors(const FetchResult& result) {
  std::string text;
  for (const auto& error : result.errors) text += error + "\n";
  return text;
}

// FetchCopernicus of thetao as sst at one open-sea location, through `fake`.
FetchResult FetchThetaoInTheOpenSea(CopernicusUpstream& fake) {
  auto http = MakeClient();
  const std::vector<core::Location> locations = {At("open", 46.84, -4.49)};
  return FetchCopernicus(Source(fake.StacServer(), kThetao, "thetao", "sst"), locations, kWindow,
                         http);
}

// --- Zarr metadata, chunk arithmetic and decoding ------------------------------------------

TEST(ZarrTest, ParsesDtypes) {
  const auto f4 = ParseZarrDtype("<f4");
  ASSERT_TRUE(f4);
  EXPECT_EQ(f4->kind, 'f');
  EXPECT_EQ(f4->size, 4);
  EXPECT_FALSE(f4->big_endian);
  EXPECT_TRUE(ParseZarrDtype(">f8")->big_endian);
  EXPECT_EQ(ParseZarrDtype("<i2")->size, 2);
  EXPECT_EQ(ParseZarrDtype("|u1")->kind, 'u');
  for (const auto* bad : {"<f2", "<M8", "|b1", "<i3", "|i2", "f4", "<c8", ""}) {
    EXPECT_FALSE(ParseZarrDtype(bad)) << bad;
  }
}

TEST(ZarrTest, ReadsTheFixturesConsolidatedMetadata) {
  const auto parsed = ParseConsolidatedMetadata(StoreFixture(kThetao, ".zmetadata"));
  ASSERT_TRUE(parsed.value) << parsed.error;
  const auto& arrays = parsed.value->arrays;
  ASSERT_TRUE(arrays.contains("thetao"));
  const auto& thetao = arrays.at("thetao");
  EXPECT_EQ(thetao.shape, (std::vector<std::int64_t>{10, 2, 8, 8}));
  EXPECT_EQ(thetao.chunks, (std::vector<std::int64_t>{4, 1, 3, 5}));
  EXPECT_EQ(thetao.compressor, ZarrCompressor::kBlosc);
  EXPECT_EQ(thetao.dimensions,
            (std::vector<std::string>{"time", "elevation", "latitude", "longitude"}));
  EXPECT_TRUE(thetao.missing_values.empty());  // fill "NaN": NaN is always missing
  EXPECT_EQ(thetao.units, "degrees_C");
  const auto& time = arrays.at("time");
  EXPECT_EQ(time.dtype.kind, 'i');
  EXPECT_EQ(time.dtype.size, 8);
  EXPECT_EQ(time.units, "hours since 1950-01-01");
  EXPECT_EQ(time.calendar, "gregorian");
  EXPECT_TRUE(parsed.value->invalid.empty());

  const auto packed = StoreArray(kSo, "so");
  EXPECT_DOUBLE_EQ(packed.scale_factor, 0.001);
  EXPECT_DOUBLE_EQ(packed.add_offset, 30.0);
  EXPECT_THAT(packed.missing_values, ::testing::Contains(-32767.0));

  const auto zos = StoreArray(kAnfc, "zos");
  EXPECT_EQ(zos.compressor, ZarrCompressor::kNone);
  ASSERT_EQ(zos.missing_values.size(), 1u);
  EXPECT_EQ(zos.missing_values[0], static_cast<double>(static_cast<float>(9.969209968386869e36)));
}

TEST(ZarrTest, RejectsGarbageAndRecordsBadArrays) {
  EXPECT_FALSE(ParseConsolidatedMetadata("{not json").value);
  EXPECT_FALSE(ParseConsolidatedMetadata("[1, 2]").value);
  EXPECT_FALSE(ParseConsolidatedMetadata(R"({"metadata": 3})").value);
  EXPECT_FALSE(ParseConsolidatedMetadata(R"({"metadata": {}})").value);

  const auto parsed = ParseConsolidatedMetadata(R"({"metadata": {
    "a/.zarray": {"zarr_format": 2, "shape": [4, 4], "chunks": [2], "dtype": "<f4",
                  "compressor": null, "fill_value": null, "order": "C", "filters": null},
    "b/.zarray": {"zarr_format": 2, "shape": [4], "chunks": [0], "dtype": "<f4",
                  "compressor": null, "fill_value": null, "order": "C", "filters": null},
    "c/.zarray": {"zarr_format": 2, "shape": [4], "chunks": [2], "dtype": "<f4",
                  "compressor": {"id": "zlib", "level": 1}, "fill_value": null, "order": "C",
                  "filters": null},
    "d/.zarray": {"zarr_format": 2, "shape": [4], "chunks": [2], "dtype": "<f4",
                  "compressor": null, "fill_value": null, "order": "C",
                  "filters": [{"id": "delta", "dtype": "<f4"}]},
    "e/.zarray": {"zarr_format": 2, "shape": [4, 4], "chunks": [2, 2], "dtype": "<f4",
                  "compressor": null, "fill_value": "NaN", "order": "C", "filters": null},
    "e/.zattrs": {"_ARRAY_DIMENSIONS": ["x"]},
    "f/.zarray": {"zarr_format": 2, "shape": [4], "chunks": [4], "dtype": "<i4",
                  "compressor": null, "fill_value": -1, "order": "F", "filters": null,
                  "dimension_separator": "/"},
    "f/.zattrs": {"missing_value": [-2, -3], "_FillValue": -4}
  }})");
  ASSERT_TRUE(parsed.value) << parsed.error;
  for (const auto* bad : {"a", "b", "c", "d", "e"}) {
    EXPECT_TRUE(parsed.value->invalid.contains(bad)) << bad;
  }
  ASSERT_TRUE(parsed.value->arrays.contains("f"));
  const auto& f = parsed.value->arrays.at("f");
  EXPECT_EQ(f.missing_values, (std::vector<double>{-1, -4, -2, -3}));
  EXPECT_EQ(f.dimension_separator, '/');
  EXPECT_TRUE(f.fortran_order);
}

TEST(ZarrTest, ChunkArithmeticCrossesChunkBoundaries) {
  ZarrArray array;
  array.name = "thetao";
  array.shape = {10, 2, 8, 8};
  array.chunks = {4, 1, 3, 5};
  const std::int64_t index[] = {6, 1, 7, 7};
  const auto position = LocateElement(array, index);
  EXPECT_EQ(position.chunk, (std::vector<std::int64_t>{1, 1, 2, 1}));
  // within-chunk (2, 0, 1, 2) in C order over (4, 1, 3, 5)
  EXPECT_EQ(position.offset, ((2 * 1 + 0) * 3 + 1) * 5 + 2);
  EXPECT_EQ(ChunkKey(array, position.chunk), "thetao/1.1.2.1");

  array.dimension_separator = '/';
  EXPECT_EQ(ChunkKey(array, position.chunk), "thetao/1/1/2/1");
  array.fortran_order = true;
  // Fortran order: the first axis varies fastest.
  EXPECT_EQ(LocateElement(array, index).offset, 2 + 4 * (0 + 1 * (1 + 3 * 2)));

  const std::int64_t first[] = {0, 0, 0, 0};
  EXPECT_EQ(LocateElement(array, first).offset, 0);
  ZarrArray scalar;
  scalar.name = "crs";
  EXPECT_EQ(ChunkKey(scalar, {}), "crs/0");
}

TEST(ZarrTest, DecodesARealBloscChunk) {
  const auto thetao = StoreArray(kThetao, "thetao");
  const auto decoded = DecodeChunk(thetao, StoreFixture(kThetao, "thetao/0.1.1.1"));
  ASSERT_TRUE(decoded.value) << decoded.error;
  EXPECT_EQ(decoded.value->size(), 4u * 1 * 3 * 5 * 4);
  // t = 1, surface, j = 4, i = 6: within the chunk (1, 0, 1, 1).
  const std::int64_t index[] = {1, 1, 4, 6};
  const auto position = LocateElement(thetao, index);
  const auto value = ReadElement(thetao, *decoded.value, position.offset);
  ASSERT_TRUE(value);
  EXPECT_NEAR(*value, 12.0 + 0.1 + 0.04 + 0.006, 1e-5);
  // t = 2 at the same cell is the implausible 45 the fixture plants.
  const std::int64_t hot[] = {2, 1, 4, 6};
  EXPECT_FLOAT_EQ(*ReadElement(thetao, *decoded.value, LocateElement(thetao, hot).offset), 45.0f);

  // Land in a chunk that exists: NaN reads as missing, never 0.
  const auto land = DecodeChunk(thetao, StoreFixture(kThetao, "thetao/0.1.0.0"));
  ASSERT_TRUE(land.value) << land.error;
  const std::int64_t coast[] = {0, 1, 0, 0};
  EXPECT_FALSE(ReadElement(thetao, *land.value, LocateElement(thetao, coast).offset));
}

TEST(ZarrTest, UnpacksScaledIntegersAndMasksTheirFillValue) {
  const auto so = StoreArray(kSo, "so");
  const auto chunk = DecodeChunk(so, StoreFixture(kSo, "so/0.0.0.0"));  // zstd + bitshuffle
  ASSERT_TRUE(chunk.value) << chunk.error;
  const std::int64_t sea[] = {2, 1, 3, 0};  // surface, j = 3 (not land)
  const auto value = ReadElement(so, *chunk.value, LocateElement(so, sea).offset);
  ASSERT_TRUE(value);
  EXPECT_NEAR(*value, 35.0 + 0.02 + 0.003, 1e-9 + 0.0005);
  const std::int64_t land[] = {2, 1, 1, 2};
  EXPECT_FALSE(ReadElement(so, *chunk.value, LocateElement(so, land).offset));
}

TEST(ZarrTest, RejectsCorruptOrMisSizedChunks) {
  const auto thetao = StoreArray(kThetao, "thetao");
  const std::string good = StoreFixture(kThetao, "thetao/0.1.1.1");

  EXPECT_FALSE(DecodeChunk(thetao, "").value);
  EXPECT_FALSE(DecodeChunk(thetao, "<html>not a chunk</html>").value);
  EXPECT_FALSE(DecodeChunk(thetao, good.substr(0, good.size() / 2)).value);  // truncated
  // A valid frame that expands to a size other than the chunk's.
  EXPECT_FALSE(BloscDecompress(good, thetao.ChunkBytes() + 4).value);
  std::string scrambled = good;
  for (std::size_t i = 16; i < scrambled.size(); ++i) scrambled[i] = static_cast<char>(0xA5 ^ i);
  const auto decoded = DecodeChunk(thetao, scrambled);  // must not crash; may fail or not
  if (decoded.value) {
    EXPECT_EQ(decoded.value->size(), thetao.ChunkBytes());
  }

  ZarrArray raw = thetao;
  raw.compressor = ZarrCompressor::kNone;
  EXPECT_FALSE(DecodeChunk(raw, std::string(7, '\0')).value);
  EXPECT_TRUE(DecodeChunk(raw, std::string(raw.ChunkBytes(), '\0')).value);
}

TEST(ZarrTest, ParsesCfTimeUnits) {
  const auto hours = ParseCfTimeUnits("hours since 1950-01-01", "gregorian");
  ASSERT_TRUE(hours.value) << hours.error;
  EXPECT_EQ(hours.value->reference_ms, core::DaysFromCivil(1950, 1, 1) * core::kMsPerDay);
  const double hours_2026 = (Day(0) - hours.value->reference_ms) / 3'600'000.0;
  EXPECT_EQ(CfTimeToEpochMs(*hours.value, hours_2026), Day(0));

  const auto seconds = ParseCfTimeUnits("seconds since 1970-01-01T00:00:00Z", "");
  ASSERT_TRUE(seconds.value);
  EXPECT_EQ(CfTimeToEpochMs(*seconds.value, 1.5), 1500);

  const auto days = ParseCfTimeUnits("days since 1950-1-1 0:0:0", "standard");
  ASSERT_TRUE(days.value) << days.error;
  EXPECT_EQ(CfTimeToEpochMs(*days.value, 0.5),
            core::DaysFromCivil(1950, 1, 1) * core::kMsPerDay + core::kMsPerDay / 2);

  const auto offset =
      ParseCfTimeUnits("minutes since 2000-01-01 00:00:00 +01:00", "proleptic_gregorian");
  ASSERT_TRUE(offset.value) << offset.error;
  EXPECT_EQ(offset.value->reference_ms, Ms("1999-12-31T23:00:00Z"));

  const auto stac =
      ParseCfTimeUnits("milliseconds since 1970-01-01 00:00:00Z (no leap seconds)", "");
  ASSERT_TRUE(stac.value) << stac.error;
  EXPECT_EQ(stac.value->reference_ms, 0);
  EXPECT_EQ(ParseCfTimeUnits("Hours since 1950-01-01 UTC", "Gregorian").value->ms_per_unit,
            3'600'000.0);

  for (const auto* bad : {"hours after 1950-01-01", "fortnights since 1950-01-01",
                          "hours since 1950-02-30", "hours since yesterday",
                          "hours since 1950-01-01 12:00 and more", "hours since 1500-01-01"}) {
    EXPECT_FALSE(ParseCfTimeUnits(bad, "gregorian").value) << bad;
  }
  EXPECT_FALSE(ParseCfTimeUnits("days since 1950-01-01", "noleap").value);
  EXPECT_FALSE(ParseCfTimeUnits("days since 1950-01-01", "360_day").value);
  EXPECT_FALSE(CfTimeToEpochMs(*days.value, std::nan("")));
  EXPECT_FALSE(CfTimeToEpochMs(*days.value, 1e300));
}

// --- STAC helpers ---------------------------------------------------------------------------

TEST(CopernicusStacTest, NormalisesServerUrlsToTheCatalogueRoot) {
  EXPECT_EQ(CopernicusStacRoot("https://stac.marine.copernicus.eu/metadata"),
            "https://stac.marine.copernicus.eu/metadata");
  EXPECT_EQ(CopernicusStacRoot("https://stac.marine.copernicus.eu/metadata/catalog.stac.json"),
            "https://stac.marine.copernicus.eu/metadata");
  EXPECT_EQ(CopernicusStacRoot("https://s3.waw3-1.cloudferro.com/mdl-metadata/"),
            "https://s3.waw3-1.cloudferro.com/mdl-metadata/metadata");
  EXPECT_EQ(CopernicusStacRoot("https://s3.waw3-1.cloudferro.com/mdl-metadata/metadata/"),
            "https://s3.waw3-1.cloudferro.com/mdl-metadata/metadata");
}

// The Copernicus Marine Toolbox 2.4 reads its catalogue roots from its client configuration:
// the primary catalogue on the waw4-1 bucket, then the secondary on waw3-1. The shipped sources
// and the defaults name the same two, in that order.
TEST(CopernicusStacTest, ShippedSourcesUseTheToolboxCatalogueRoots) {
  const std::vector<std::string> toolbox_roots = {
      "https://s3.waw4-1.cloudferro.com/mdl-metadata/metadata",
      "https://s3.waw3-1.cloudferro.com/mdl-metadata/metadata"};
  EXPECT_EQ(std::vector<std::string>(std::begin(kDefaultCopernicusStacRoots),
                                     std::end(kDefaultCopernicusStacRoots)),
            toolbox_roots);

  const auto sources =
      LoadSourcesFile(std::string(OCEAN_FIXTURES_DIR) + "/../../config/sources.json");
  int copernicus = 0;
  for (const auto& source : sources) {
    if (source.kind != SourceKind::kCopernicusArco) continue;
    ++copernicus;
    std::vector<std::string> roots;
    for (const auto& server : source.servers) roots.push_back(CopernicusStacRoot(server.url));
    EXPECT_EQ(roots, toolbox_roots) << source.id;
  }
  EXPECT_EQ(copernicus, 7);
}

TEST(CopernicusStacTest, SplitsItemIdsLikeTheToolbox) {
  auto id = ParseCopernicusItemId("cmems_mod_glo_phy-thetao_anfc_0.083deg_P1D-m_202406");
  EXPECT_EQ(id.dataset, "cmems_mod_glo_phy-thetao_anfc_0.083deg_P1D-m");
  EXPECT_EQ(id.version, "202406");
  EXPECT_EQ(id.part, "default");
  id = ParseCopernicusItemId("cmems_obs-ins_arc_phybgcwav_mynrt_na_irr_202311--ext--history");
  EXPECT_EQ(id.dataset, "cmems_obs-ins_arc_phybgcwav_mynrt_na_irr");
  EXPECT_EQ(id.version, "202311");
  EXPECT_EQ(id.part, "history");
  id = ParseCopernicusItemId("METOFFICE-GLO-SST-L4-NRT-OBS-SST-V2");
  EXPECT_EQ(id.dataset, "METOFFICE-GLO-SST-L4-NRT-OBS-SST-V2");
  EXPECT_EQ(id.version, "default");
  id = ParseCopernicusItemId("some_dataset_202613");  // not a month: part of the name
  EXPECT_EQ(id.dataset, "some_dataset_202613");
  EXPECT_EQ(id.version, "default");
}

TEST(CopernicusStacTest, ResolvesRelativeHrefs) {
  const std::string catalog = "https://stac.marine.copernicus.eu/metadata/catalog.stac.json";
  EXPECT_EQ(ResolveHref(catalog, "GLOBAL_X/product.stac.json"),
            "https://stac.marine.copernicus.eu/metadata/GLOBAL_X/product.stac.json");
  EXPECT_EQ(ResolveHref("https://h/metadata/P/d_202406/dataset.stac.json", "../product.stac.json"),
            "https://h/metadata/P/product.stac.json");
  EXPECT_EQ(ResolveHref(catalog, "https://s3.example/a.zarr"), "https://s3.example/a.zarr");
  EXPECT_FALSE(ResolveHref("not a url", "x"));
}

// --- FetchCopernicus against the fake upstream ----------------------------------------------

TEST(FetchCopernicusTest, ReadsPointSeriesFromTheGeoChunkedStore) {
  CopernicusUpstream fake;
  auto http = MakeClient();
  const auto source = Source(fake.StacServer(), kThetao, "thetao", "sst");
  const std::vector<core::Location> locations = {
      At("open", 46.84, -4.49),      // j 4, i 6: chunks (t, 1, 1, 1)
      At("nearby", 46.752, -4.585),  // j 3, i 5: the same chunks
      At("coast", 46.5, -5.0),       // j 0, i 0 is land: the nearest sea cell is j 2, i 0
      At("gap", 47.08, -4.42),       // j 7, i 7: its t 4..7 chunk is absent (403)
      At("far", 10.0, 10.0),         // off the grid
  };

  const auto result = FetchCopernicus(source, locations, kWindow, http);

  EXPECT_FALSE(result.failed) << Errors(result);
  EXPECT_EQ(result.server_used, fake.StacServer());
  EXPECT_EQ(result.locations, 5);
  EXPECT_EQ(result.failed_locations, 1);
  ASSERT_EQ(result.errors.size(), 1u) << Errors(result);
  EXPECT_THAT(result.errors[0], HasSubstr("far"));
  EXPECT_THAT(result.errors[0], HasSubstr("outside"));

  auto rows = ByLocation(result);
  // Window 20..26 November: seven daily means; 27..29 are forecasts and never appear.
  ASSERT_EQ(rows["open"].size(), 7u);
  for (int t = 0; t < 7; ++t) {
    const auto& row = rows["open"][t];
    EXPECT_EQ(row.observation.timestamp_ms, Day(t));
    EXPECT_EQ(row.observation.parameter, "sst");
    EXPECT_EQ(row.observation.source, "cmems_test");
    if (t == 2) {
      EXPECT_FLOAT_EQ(row.observation.value, 45.0f);
      EXPECT_EQ(row.observation.quality_flag, core::QualityFlag::kBad);
    } else {
      EXPECT_NEAR(row.observation.value, 12.046 + 0.1 * t, 1e-5) << t;
      EXPECT_EQ(row.observation.quality_flag, core::QualityFlag::kNotEvaluated);
    }
    EXPECT_NEAR(*row.cell_latitude, Latitude(4), 1e-9);
    EXPECT_NEAR(*row.cell_longitude, Longitude(6), 1e-9);
  }
  ASSERT_EQ(rows["nearby"].size(), 7u);
  EXPECT_NEAR(rows["nearby"][0].observation.value, 12.0 + 0.03 + 0.005, 1e-5);

  ASSERT_EQ(rows["coast"].size(), 7u);
  EXPECT_NEAR(*rows["coast"][0].cell_latitude, Latitude(2), 1e-9);
  EXPECT_NEAR(*rows["coast"][0].cell_longitude, Longitude(0), 1e-9);
  EXPECT_NEAR(rows["coast"][3].observation.value, 12.0 + 0.3 + 0.02, 1e-5);

  ASSERT_EQ(rows["gap"].size(), 4u);  // t 0..3 only: the absent chunk is all fill values
  EXPECT_EQ(rows["gap"].back().observation.timestamp_ms, Day(3));
  EXPECT_NEAR(rows["gap"][0].observation.value, 12.077, 1e-5);

  // Chunks shared by locations are fetched once; forecast chunks (t >= 8) never.
  EXPECT_EQ(fake.ChunkRequests(kThetao, "thetao/0.1.1.1"), 1);
  EXPECT_EQ(fake.ChunkRequests(kThetao, "thetao/1.1.1.1"), 1);
  EXPECT_EQ(fake.ChunkRequests(kThetao, "thetao/1.1.2.1"), 1);
  EXPECT_EQ(fake.ChunkRequests(kThetao, ".zmetadata"), 1);
  for (const auto& request : fake.upstream.Requests()) {
    const std::string& target = request.target;
    EXPECT_THAT(target, ::testing::Not(HasSubstr("/thetao/2.")));
    // Neither the retired 202211 nor the unreleased 202611 store is touched.
    EXPECT_THAT(target, ::testing::Not(HasSubstr("202211/geoChunked")));
    EXPECT_THAT(target, ::testing::Not(HasSubstr("202611/geoChunked")));
    EXPECT_THAT(target, HasSubstr("x-cop-client=oceandash"));
  }
}

TEST(FetchCopernicusTest, AppliesPackingThenTheSourcesScaleAndOffset) {
  CopernicusUpstream fake;
  auto http = MakeClient();
  auto source = Source(fake.StacServer(), kSo, "so", "salinity");
  source.servers[0].offset = 0.25;
  source.servers[0].scale = 1.0;
  const std::vector<core::Location> locations = {At("open", 46.84, -4.49), At("coast", 46.5, -5.0)};
  // The window ends exactly on a stamp: the end is inclusive.
  const FetchWindow window{Ms("2026-11-20T00:00:00Z"), Ms("2026-11-22T00:00:00Z")};

  const auto result = FetchCopernicus(source, locations, window, http);

  ASSERT_TRUE(result.errors.empty()) << Errors(result);
  auto rows = ByLocation(result);
  ASSERT_EQ(rows["open"].size(), 3u);
  for (int t = 0; t < 3; ++t) {
    EXPECT_NEAR(rows["open"][t].observation.value, 35.0 + 0.01 * t + 0.004 + 0.25, 6e-4);
    EXPECT_EQ(rows["open"][t].observation.quality_flag, core::QualityFlag::kNotEvaluated);
  }
  // The _FillValue land cells are missing, not -32.767 + 30: the neighbour is used.
  ASSERT_EQ(rows["coast"].size(), 3u);
  EXPECT_NEAR(*rows["coast"][0].cell_latitude, Latitude(2), 1e-9);
  EXPECT_NEAR(rows["coast"][0].observation.value, 35.0 + 0.002 + 0.25, 6e-4);
}

TEST(FetchCopernicusTest, ReadsThreeDimensionalUncompressedArrays) {
  CopernicusUpstream fake;
  auto http = MakeClient();
  const auto source = Source(fake.StacServer(), kAnfc, "zos", "sea_surface_height");
  const std::vector<core::Location> locations = {At("open", 46.84, -4.49), At("coast", 46.5, -5.0)};

  const auto result = FetchCopernicus(source, locations, kWindow, http);

  ASSERT_TRUE(result.errors.empty()) << Errors(result);
  auto rows = ByLocation(result);
  ASSERT_EQ(rows["open"].size(), 7u);
  EXPECT_NEAR(rows["open"][5].observation.value, 0.5 - 0.06, 1e-6);
  // missing_value 9.97e36 on land: never stored, the neighbour (j 2, i 0) is.
  ASSERT_EQ(rows["coast"].size(), 7u);
  EXPECT_NEAR(rows["coast"][1].observation.value, 0.1, 1e-6);
  EXPECT_NEAR(*rows["coast"][1].cell_latitude, Latitude(2), 1e-9);
}

TEST(FetchCopernicusTest, GridsIn0To360ServeWesternLongitudes) {
  CopernicusUpstream fake;
  // The same grid re-labelled 355..355.58 east, stored uncompressed.
  auto metadata = boost::json::parse(StoreFixture(kThetao, ".zmetadata"));
  metadata.at("metadata").at("longitude/.zarray").as_object()["compressor"] = nullptr;
  FakeResponse zmetadata;
  zmetadata.body = boost::json::serialize(metadata);
  fake.upstream.Serve(StorePath(kThetao) + "/.zmetadata", zmetadata);
  for (int chunk = 0; chunk < 3; ++chunk) {
    std::string bytes;
    for (int k = 0; k < 3; ++k) {
      const float east = static_cast<float>(355.0 + (chunk * 3 + k) / 12.0);
      bytes.append(reinterpret_cast<const char*>(&east), sizeof east);  // little-endian host
    }
    FakeResponse response;
    response.content_type = std::string(kBinaryType);
    response.body = bytes;
    fake.upstream.Serve(StorePath(kThetao) + "/longitude/" + std::to_string(chunk), response);
  }
  const auto result = FetchThetaoInTheOpenSea(fake);

  ASSERT_TRUE(result.errors.empty()) << Errors(result);
  ASSERT_EQ(result.rows.size(), 7u);
  EXPECT_NEAR(*result.rows[0].cell_longitude, 355.5, 1e-4);
  EXPECT_NEAR(result.rows[0].observation.value, 12.046, 1e-5);
}

TEST(FetchCopernicusTest, AChunkThatKeepsFailingIsAServerErrorForItsLocations) {
  CopernicusUpstream fake;
  FakeResponse unavailable;
  unavailable.status = 503;
  unavailable.content_type = "text/plain";
  unavailable.body = "Service Unavailable";
  fake.upstream.FailNext(StorePath(kThetao) + "/thetao/1.1.1.1", 2, unavailable);
  auto http = MakeClient();  // two attempts per request
  const std::vector<core::Location> locations = {At("open", 46.84, -4.49), At("coast", 46.5, -5.0)};

  const auto result = FetchCopernicus(Source(fake.StacServer(), kThetao, "thetao", "sst"),
                                      locations, kWindow, http);

  EXPECT_FALSE(result.failed);
  auto rows = ByLocation(result);
  EXPECT_TRUE(rows["open"].empty());
  EXPECT_EQ(rows["coast"].size(), 7u);
  ASSERT_EQ(result.errors.size(), 1u) << Errors(result);
  EXPECT_THAT(result.errors[0], HasSubstr("open"));
  EXPECT_THAT(result.errors[0], HasSubstr("503"));
  EXPECT_EQ(fake.ChunkRequests(kThetao, "thetao/1.1.1.1"), 2);
}

// A run that failed as a whole: no rows, and its first error names `part`.
void ExpectFailedNaming(const FetchResult& result, std::string_view part) {
  EXPECT_TRUE(result.failed);
  EXPECT_TRUE(result.rows.empty());
  ASSERT_FALSE(result.errors.empty());
  EXPECT_THAT(result.errors[0], HasSubstr(std::string(part)));
}

TEST(FetchCopernicusTest, GarbageMetadataIsAnErrorNotACrash) {
  CopernicusUpstream fake;
  FakeResponse garbage;
  garbage.content_type = std::string(kBinaryType);
  garbage.body = "{\"metadata\": {\"thetao/.zarray\": [oops";
  fake.upstream.Serve(StorePath(kThetao) + "/.zmetadata", garbage);
  const auto result = FetchThetaoInTheOpenSea(fake);

  ExpectFailedNaming(result, ".zmetadata");
  EXPECT_EQ(fake.ChunkRequests(kThetao, "thetao/0.1.1.1"), 0);
}

TEST(FetchCopernicusTest, WrongShapesAreAnError) {
  CopernicusUpstream fake;
  auto metadata = boost::json::parse(StoreFixture(kThetao, ".zmetadata"));
  metadata.at("metadata").at("latitude/.zarray").at("shape") = boost::json::array{9};
  FakeResponse response;
  response.body = boost::json::serialize(metadata);
  fake.upstream.Serve(StorePath(kThetao) + "/.zmetadata", response);
  const auto result = FetchThetaoInTheOpenSea(fake);

  ExpectFailedNaming(result, "latitude does not match");
}

TEST(FetchCopernicusTest, ACorruptChunkFailsOnlyTheLocationsThatNeedIt) {
  CopernicusUpstream fake;
  FakeResponse corrupt;
  corrupt.content_type = std::string(kBinaryType);
  corrupt.body = std::string(200, '\x02');
  fake.upstream.Serve(StorePath(kThetao) + "/thetao/0.1.1.1", corrupt);
  auto http = MakeClient();
  const std::vector<core::Location> locations = {At("open", 46.84, -4.49), At("coast", 46.5, -5.0)};

  const auto result = FetchCopernicus(Source(fake.StacServer(), kThetao, "thetao", "sst"),
                                      locations, kWindow, http);

  EXPECT_FALSE(result.failed);
  auto rows = ByLocation(result);
  EXPECT_TRUE(rows["open"].empty());  // nothing from a series with an unreadable chunk
  EXPECT_EQ(rows["coast"].size(), 7u);
  ASSERT_EQ(result.errors.size(), 1u) << Errors(result);
  EXPECT_THAT(result.errors[0], HasSubstr("open"));
  EXPECT_THAT(result.errors[0], HasSubstr("blosc"));
}

TEST(FetchCopernicusTest, UnreachableStacFailsTheSourceAndTheNextServerIsTried) {
  CopernicusUpstream fake;
  auto http = MakeClient();
  const std::vector<core::Location> locations = {At("open", 46.84, -4.49)};
  // Port 1 on loopback: connection refused.
  auto source = Source("http://127.0.0.1:1/metadata", kThetao, "thetao", "sst");

  const auto failed = FetchCopernicus(source, locations, kWindow, http);
  EXPECT_TRUE(failed.failed);
  EXPECT_TRUE(failed.rows.empty());
  ASSERT_FALSE(failed.errors.empty());

  source.servers.push_back(Server(fake.StacServer(), kThetao, "thetao"));
  const auto recovered = FetchCopernicus(source, locations, kWindow, http);
  EXPECT_FALSE(recovered.failed) << Errors(recovered);
  EXPECT_EQ(recovered.rows.size(), 7u);
  EXPECT_EQ(recovered.server_used, fake.StacServer());
}

TEST(FetchCopernicusTest, UnknownDatasetOrUnitsMismatchFail) {
  CopernicusUpstream fake;
  auto http = MakeClient();
  const std::vector<core::Location> locations = {At("open", 46.84, -4.49)};

  auto unknown = Source(fake.StacServer(), "cmems_mod_glo_phy-nothing_anfc_P1D-m", "x", "sst");
  const auto missing = FetchCopernicus(unknown, locations, kWindow, http);
  EXPECT_TRUE(missing.failed);
  ASSERT_FALSE(missing.errors.empty());
  EXPECT_THAT(missing.errors[0], HasSubstr("no usable version"));

  auto kelvin = Source(fake.StacServer(), kThetao, "thetao", "sst");
  kelvin.servers[0].units = "K";
  const auto mismatch = FetchCopernicus(kelvin, locations, kWindow, http);
  EXPECT_TRUE(mismatch.failed);
  ASSERT_FALSE(mismatch.errors.empty());
  EXPECT_THAT(mismatch.errors[0], HasSubstr("degrees_C"));
}

}  // namespace
}  // namespace ocean::sources
