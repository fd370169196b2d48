// Micro benchmarks of the hot pure functions: ingest parsing, downsampling, time formatting,
// the JSON of a series.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <cmath>
#include <string>

#include "core/json_writer.hpp"
#include "core/lttb.hpp"
#include "core/time.hpp"
#include "core/validation.hpp"

namespace {

std::string IngestBody(int rows) {
  std::string body = "[";
  for (int i = 0; i < rows; ++i) {
    if (i > 0) body += ',';
    body += fmt::format(
        R"({{"location_id":"bench-01","parameter":"sst","timestamp":"{}","value":{},"quality_flag":"good","source":"bench"}})",
        ocean::core::FormatTimestamp(1'790'000'000'000LL + i * 3'600'000LL), 15.0 + i % 7 * 0.1);
  }
  return body + "]";
}

void BM_ParseIngest5000(benchmark::State& state) {
  const std::string body = IngestBody(5000);
  for (auto _ : state) {
    auto batch = ocean::core::ParseIngestBody(body, [](std::string_view) { return true; });
    benchmark::DoNotOptimize(batch);
  }
  state.SetItemsProcessed(state.iterations() * 5000);
}
BENCHMARK(BM_ParseIngest5000);

void BM_Lttb(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<ocean::core::EpochMs> t(n);
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    t[i] = static_cast<ocean::core::EpochMs>(i) * 3'600'000;
    v[i] = std::sin(static_cast<double>(i) / 10.0);
  }
  for (auto _ : state) benchmark::DoNotOptimize(ocean::core::LttbIndices(t, v, 1000));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_Lttb)->Arg(720)->Arg(4320)->Arg(43200);

void BM_FormatTimestamp(benchmark::State& state) {
  ocean::core::EpochMs ms = 1'790'000'000'000LL;
  for (auto _ : state) benchmark::DoNotOptimize(ocean::core::FormatTimestamp(ms += 3'600'000));
}
BENCHMARK(BM_FormatTimestamp);

// The body of an uncached 30-day hourly series: 720 points as the t, v, q, s arrays.
void BM_JsonSeries720(benchmark::State& state) {
  std::vector<double> v(720);
  for (std::size_t i = 0; i < v.size(); ++i) {
    v[i] = std::round((15.0 + 2.5 * std::sin(static_cast<double>(i) / 24.0)) * 1000.0) / 1000.0;
  }
  for (auto _ : state) {
    ocean::core::JsonWriter w(256 + v.size() * 40);
    w.BeginObject().Key("t").IntArray(v.size(), [](std::size_t i) {
      return 1'790'000'000'000LL + static_cast<std::int64_t>(i) * 3'600'000LL;
    });
    w.Key("v").NumberArray(v.size(), [&v](std::size_t i) { return v[i]; });
    w.Key("q").IntArray(v.size(), [](std::size_t) { return 1; });
    w.Key("s").IntArray(v.size(), [](std::size_t) { return 0; });
    w.EndObject();
    benchmark::DoNotOptimize(w.Take());
  }
  state.SetItemsProcessed(state.iterations() * 720);
}
BENCHMARK(BM_JsonSeries720);

}  // namespace

BENCHMARK_MAIN();
