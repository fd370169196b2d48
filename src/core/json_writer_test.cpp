// The JSON writer and the one observation writer every reader of observations shares.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <bit>
#include <boost/json.hpp>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "core/json_writer.hpp"
#include "core/observation_json.hpp"
#include "core/validation.hpp"

namespace ocean::core {
namespace {

TEST(JsonWriter, WritesCompactJson) {
  JsonWriter w;
  w.BeginObject().Key("a").Int(1).Key("b").BeginArray().Number(14.5).Number(0.1).Null().EndArray();
  w.Key("s").String("q\"\\\n\x01").Key("nan").Number(std::nan("")).Key("t").Bool(true).EndObject();
  EXPECT_EQ(w.Take(), R"({"a":1,"b":[14.5,0.1,null],"s":"q\"\\\n\u0001","nan":null,"t":true})");
}

// The program's own keys and names are copied without a scan; the output is the same.
TEST(JsonWriter, PlainKeysAndStringsMatchEscapedOnes) {
  JsonWriter plain;
  plain.BeginObject().PlainKey("quality_flag").PlainString("not_evaluated").PlainKey("n");
  plain.BeginArray().PlainString("good").PlainString("").EndArray().EndObject();
  JsonWriter escaped;
  escaped.BeginObject().Key("quality_flag").String("not_evaluated").Key("n");
  escaped.BeginArray().String("good").String("").EndArray().EndObject();
  EXPECT_EQ(plain.Take(), escaped.Take());
}

// An observation written in one go is the same text as field by field, for plain and escaped
// names, every flag, long names and numbers of every shape; and it is valid JSON.
TEST(JsonWriter, ObservationInOneGoMatchesFieldByField) {
  const std::string long_name(400, 'x');
  const std::vector<std::string> names = {"monterey-bay", "", "q\"\\\n\x01\x1f\x7f\xc3\xa9",
                                          long_name};
  const std::vector<double> values = {14.5, -0.001, 0.1 + 0.2, 1e300, -2.5e-308, 0, 123456789.125};
  const std::vector<QualityFlag> flags = {QualityFlag::kGood, QualityFlag::kNotEvaluated,
                                          QualityFlag::kSuspect, QualityFlag::kBad,
                                          QualityFlag::kMissing};
  JsonWriter fast;
  JsonWriter slow;
  fast.BeginArray();
  slow.BeginArray();
  std::size_t i = 0;
  for (const auto& location : names) {
    for (const auto& source : names) {
      for (const double value : values) {
        const Observation o{
            location, names[i % names.size()], 1795672800000 + static_cast<EpochMs>(i) * 1001,
            value,    flags[i % flags.size()], source};
        WriteObservation(fast, o);
        WriteObservationByField(slow, o);
        ++i;
      }
    }
  }
  fast.EndArray();
  slow.EndArray();
  const std::string text = fast.Take();
  EXPECT_EQ(text, slow.Take());
  EXPECT_EQ(boost::json::parse(text).as_array().size(), i);
}

// The fast path for numbers with at most three decimals must print exactly what fmt prints.
TEST(JsonWriter, MilliDecimalsMatchFmt) {
  std::mt19937_64 random(20261126);
  std::uniform_int_distribution<std::int64_t> thousandths(-999'999'999'999LL, 999'999'999'999LL);
  std::uniform_int_distribution<std::uint64_t> bits;
  int fast = 0;
  auto check = [&fast](double value) {
    char out[32];
    const std::size_t size = FormatMilliDecimal(value, out);
    if (size == 0) return;
    ++fast;
    ASSERT_EQ(std::string(out, size), fmt::format("{}", value)) << value;
  };
  for (int i = 0; i < 2'000'000; ++i) {
    const std::int64_t n = thousandths(random);
    check(static_cast<double>(n) / 1000.0);
    check(static_cast<double>(n % 100'000) / 1000.0);  // small values, many trailing zeros
    check(static_cast<double>(n % 100'000) / 100.0);
    check(std::bit_cast<double>(bits(random)));  // arbitrary doubles: mostly the slow path
  }
  for (const double edge : {0.001, -0.001, 0.0015, 999'999'999.999, -999'999'999.999, 1e9, 0.0,
                            -0.0, 0.1, 0.2, 0.3, 1.0, -1.0, 14.5, 35.02, 1e-4, 123456.7}) {
    check(edge);
  }
  EXPECT_GT(fast, 4'000'000);
  // Outside the fast path the general formatter still answers.
  JsonWriter w;
  w.BeginArray().Number(0.1 + 0.2).Number(-0.0).Number(1e9).Number(2.5e-7).EndArray();
  EXPECT_EQ(w.Take(), "[0.30000000000000004,-0,1000000000,2.5e-07]");
}

TEST(JsonWriter, BulkArraysMatchOneByOne) {
  const std::vector<double> values = {14.5, -0.0, 0.1 + 0.2, std::nan(""), 1e300, 35.02, 7};
  const std::vector<std::int64_t> ints = {0, 9, 10, -1, 1'790'000'000'000LL, INT64_MIN};
  JsonWriter one;
  one.BeginObject().Key("v").BeginArray();
  for (const double value : values) one.Number(value);
  one.EndArray().Key("i").BeginArray();
  for (const std::int64_t value : ints) one.Int(value);
  one.EndArray().Key("e").BeginArray().EndArray().EndObject();
  JsonWriter bulk;
  bulk.BeginObject()
      .Key("v")
      .NumberArray(values.size(), [&](std::size_t i) { return values[i]; })
      .Key("i")
      .IntArray(ints.size(), [&](std::size_t i) { return ints[i]; })
      .Key("e")
      .IntArray(0, [](std::size_t) { return 0; })
      .EndObject();
  EXPECT_EQ(bulk.Take(), one.Take());
}

// The ingest body is what the API's ingest parser reads back, row for row.
TEST(ObservationJson, IngestBodyReadsBack) {
  const std::vector<Observation> rows = {
      {"a", "sst", 1795672800000, 14.5, QualityFlag::kGood, "noaa"},
      {"b\"", "sst", 1795672800001, -1.125, QualityFlag::kSuspect, "ndbc"}};
  const std::string body = ObservationsJson(rows);
  EXPECT_TRUE(body.starts_with(
      R"([{"location_id":"a","parameter":"sst","timestamp":"2026-11-26T06:00:00Z","value":14.5,)"))
      << body;
  const auto batch = ParseIngestBody(body, [](std::string_view) { return true; });
  ASSERT_EQ(batch.rows.size(), 2u);
  EXPECT_EQ(batch.rows[1].location_id, "b\"");
  EXPECT_EQ(batch.rows[1].timestamp_ms, 1795672800001);
  EXPECT_EQ(batch.rows[1].value, -1.125);
  EXPECT_EQ(batch.rows[1].quality_flag, QualityFlag::kSuspect);
  EXPECT_EQ(ObservationsJson({}), "[]");
}

}  // namespace
}  // namespace ocean::core
