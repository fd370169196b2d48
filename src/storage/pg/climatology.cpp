#include "storage/pg/climatology.hpp"

#include <string>
#include <utility>
#include <vector>

#include "storage/climatology_codec.hpp"
#include "storage/pg/codec.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pg/statements.hpp"
#include "storage/store_internal.hpp"

namespace ocean::storage::pg {
namespace {

// The foreign key would reject the row too, but as a fault without the location's name.
void CheckLocation(PgConnection& connection, std::string_view what, std::string_view location) {
  PgResultPtr found =
      connection.Exec("location exists", sql::kGetLocation, PgParams().Add(location));
  if (PQntuples(found.get()) == 0) ThrowUnknownLocation(what, location);
}

// bytea's text input: \x then two hex digits per byte.
std::string ByteaHex(const std::string& bytes) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string hex = "\\x";
  hex.reserve(2 + bytes.size() * 2);
  for (const char byte : bytes) {
    const auto value = static_cast<unsigned char>(byte);
    hex.push_back(kDigits[value >> 4]);
    hex.push_back(kDigits[value & 0x0f]);
  }
  return hex;
}

std::string_view Bytes(const PGresult* result, int row, int column) {
  return {PQgetvalue(result, row, column),
          static_cast<std::size_t>(PQgetlength(result, row, column))};
}

}  // namespace

void UpsertDailyRecord(PgConnection& connection, std::string_view location,
                       std::string_view parameter, std::string_view source,
                       std::span<const DailyValue> days) {
  CheckDailyRecord(days);
  std::vector<std::int64_t> day_numbers;
  std::vector<double> values;
  day_numbers.reserve(days.size());
  values.reserve(days.size());
  for (const DailyValue& day : days) {
    day_numbers.push_back(day.day);
    values.push_back(day.value);
  }
  PgTransaction transaction(connection);
  CheckLocation(connection, "daily record", location);
  connection.Exec("upsert daily record", sql::kUpsertDailyRecord,
                  PgParams()
                      .Add(location)
                      .Add(parameter)
                      .Add(source)
                      .Add(PgInt8Array(day_numbers))
                      .Add(PgFloat8Array(values)));
  transaction.CommitWrite();
}

std::vector<DailyValue> ReadDailyRecord(PgConnection& connection, std::string_view location,
                                        std::string_view parameter, std::int32_t first_day,
                                        std::int32_t last_day) {
  PgResultPtr result = connection.ExecBinary(
      "read daily record",
      Statement{sql::kReadDailyRecord,
                PgParams().Add(location).Add(parameter).Add(first_day).Add(last_day), false});
  const int count = PQntuples(result.get());
  const BinaryColumns columns(result.get(), {8, 8});
  std::vector<DailyValue> days(static_cast<std::size_t>(count));
  for (int row = 0; row < count; ++row) {
    days[static_cast<std::size_t>(row)] = {static_cast<std::int32_t>(columns.Int64(row, 0)),
                                           columns.Double(row, 1)};
  }
  return days;
}

void PutClimatology(PgConnection& connection, const StoredClimatology& climatology) {
  CheckClimatology(climatology);
  PgParams params;
  params.Add(climatology.location_id)
      .Add(climatology.parameter)
      .Add(climatology.source)
      .Add(climatology.baseline_first_year)
      .Add(climatology.baseline_last_year)
      .Add(climatology.log10)
      .Add(climatology.computed_ms)
      .Add(ByteaHex(EncodeDoubles(climatology.seas)))
      .Add(ByteaHex(EncodeDoubles(climatology.thresh)))
      .Add(ByteaHex(EncodeDoubles(climatology.percentiles)));
  PgTransaction transaction(connection);
  CheckLocation(connection, "climatology", climatology.location_id);
  connection.Exec("put climatology", sql::kPutClimatology, params);
  transaction.CommitWrite();
}

namespace {

// Every row of kGetClimatology or kListClimatologies.
std::vector<StoredClimatology> ClimatologyRows(const PGresult* r) {
  const BinaryColumns columns(r, {0, 0, 0, 8, 8, 8, 8, 0, 0, 0});
  std::vector<StoredClimatology> climatologies(static_cast<std::size_t>(PQntuples(r)));
  for (int row = 0; row < PQntuples(r); ++row) {
    StoredClimatology& climatology = climatologies[static_cast<std::size_t>(row)];
    climatology.location_id = TextView(r, row, 0);
    climatology.parameter = TextView(r, row, 1);
    climatology.source = TextView(r, row, 2);
    climatology.baseline_first_year = static_cast<int>(columns.Int64(row, 3));
    climatology.baseline_last_year = static_cast<int>(columns.Int64(row, 4));
    climatology.log10 = columns.Int64(row, 5) != 0;
    climatology.computed_ms = columns.Int64(row, 6);
    climatology.seas = DecodeDoubles(Bytes(r, row, 7), kClimatologyDays);
    climatology.thresh = DecodeDoubles(Bytes(r, row, 8), kClimatologyDays);
    climatology.percentiles =
        DecodeDoubles(Bytes(r, row, 9), kClimatologyDays * kClimatologyLevels);
  }
  return climatologies;
}

}  // namespace

std::optional<StoredClimatology> GetClimatology(PgConnection& connection, std::string_view location,
                                                std::string_view parameter) {
  PgResultPtr result = connection.ExecBinary(
      "get climatology",
      Statement{sql::kGetClimatology, PgParams().Add(location).Add(parameter), false});
  std::vector<StoredClimatology> rows = ClimatologyRows(result.get());
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::vector<StoredClimatology> ListClimatologies(PgConnection& connection) {
  PgResultPtr result =
      connection.ExecBinary("list climatologies", Statement{sql::kListClimatologies, {}, false});
  return ClimatologyRows(result.get());
}

std::vector<ClimatologyDay> ReadClimatologyDays(PgConnection& connection,
                                                std::span<const ClimatologyDayKey> keys) {
  if (keys.empty()) return {};
  std::vector<std::string> locations;
  std::vector<std::string> parameters;
  std::vector<std::int64_t> days;
  std::vector<std::int64_t> levels;
  for (const ClimatologyDayKey& key : keys) {
    locations.push_back(key.location_id);
    parameters.push_back(key.parameter);
    // Out of range: no entry (the statement's range test), without overflowing int4.
    days.push_back(key.day_index < kClimatologyDays ? static_cast<std::int64_t>(key.day_index)
                                                    : -1);
    levels.push_back(key.with_levels ? 1 : 0);
  }
  PgResultPtr result =
      connection.ExecBinary("read climatology days", Statement{sql::kReadClimatologyDays,
                                                               PgParams()
                                                                   .Add(PgTextArray(locations))
                                                                   .Add(PgTextArray(parameters))
                                                                   .Add(PgInt8Array(days))
                                                                   .Add(PgInt8Array(levels)),
                                                               false});
  const PGresult* r = result.get();
  const BinaryColumns columns(r, {8, 0, 8, 8, 8, 8, 0, 0, 0});
  std::vector<ClimatologyDay> out(static_cast<std::size_t>(PQntuples(r)));
  for (int row = 0; row < PQntuples(r); ++row) {
    ClimatologyDay& day = out[static_cast<std::size_t>(row)];
    day.key = static_cast<std::size_t>(columns.Int64(row, 0));
    const ClimatologyDayKey& key = keys[day.key];
    day.climatology.location_id = key.location_id;
    day.climatology.parameter = key.parameter;
    day.climatology.source = TextView(r, row, 1);
    day.climatology.baseline_first_year = static_cast<int>(columns.Int64(row, 2));
    day.climatology.baseline_last_year = static_cast<int>(columns.Int64(row, 3));
    day.climatology.log10 = columns.Int64(row, 4) != 0;
    day.climatology.computed_ms = columns.Int64(row, 5);
    day.seas = DecodeDoubles(Bytes(r, row, 6), 1).front();
    day.thresh = DecodeDoubles(Bytes(r, row, 7), 1).front();
    if (key.with_levels) day.levels = DecodeDoubles(Bytes(r, row, 8), kClimatologyLevels);
  }
  return out;
}

void RecordBackfillProgress(PgConnection& connection, const BackfillProgress& progress) {
  CheckBackfillProgress(progress);
  PgTransaction transaction(connection);
  CheckLocation(connection, "backfill progress", progress.location_id);
  connection.Exec("record backfill progress", sql::kUpsertBackfillProgress,
                  PgParams()
                      .Add(progress.source_id)
                      .Add(progress.location_id)
                      .Add(progress.parameter)
                      .Add(progress.first_day)
                      .Add(progress.last_day)
                      .Add(progress.done_through_day)
                      .Add(progress.state)
                      .Add(progress.error)
                      .Add(static_cast<std::int64_t>(progress.updated_ms != 0 ? progress.updated_ms
                                                                              : NowMs())));
  transaction.CommitWrite();
}

std::vector<BackfillProgress> ListBackfillProgress(PgConnection& connection) {
  PgResultPtr result = connection.Exec("list backfill progress", sql::kListBackfillProgress);
  const PGresult* r = result.get();
  std::vector<BackfillProgress> list;
  list.reserve(static_cast<std::size_t>(PQntuples(r)));
  for (int row = 0; row < PQntuples(r); ++row) {
    BackfillProgress progress;
    progress.source_id = Text(r, row, 0);
    progress.location_id = Text(r, row, 1);
    progress.parameter = Text(r, row, 2);
    progress.first_day = static_cast<std::int32_t>(ParseInt(r, row, 3));
    progress.last_day = static_cast<std::int32_t>(ParseInt(r, row, 4));
    progress.done_through_day = static_cast<std::int32_t>(ParseInt(r, row, 5));
    progress.state = Text(r, row, 6);
    progress.error = Text(r, row, 7);
    progress.updated_ms = ParseInt(r, row, 8);
    list.push_back(std::move(progress));
  }
  return list;
}

}  // namespace ocean::storage::pg
