#include "storage/sqlite/climatology.hpp"

#include <string>
#include <utility>
#include <vector>

#include "core/json_writer.hpp"
#include "storage/climatology_codec.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/sql.hpp"
#include "storage/store_internal.hpp"

namespace ocean::storage::sqlite {
namespace {

namespace q = sql;

// The foreign key would reject the row too, but without saying which location it was.
void CheckLocation(Connection& writer, std::string_view what, std::string_view location) {
  Statement exists(writer, q::kLocationExists);
  exists.Bind(location);
  if (!exists.Step()) ThrowUnknownLocation(what, location);
}

}  // namespace

void UpsertDailyRecord(Connection& writer, std::string_view location, std::string_view parameter,
                       std::string_view source, std::span<const DailyValue> days) {
  CheckDailyRecord(days);
  Transaction transaction(writer);
  CheckLocation(writer, "daily record", location);
  const core::EpochMs now = NowMs();
  for (const DailyValue& day : days) {
    Statement upsert(writer, q::kUpsertDailyValue);
    upsert.Bind(location, parameter, day.day, day.value, source, now);
    upsert.Run();
  }
  transaction.Commit();
}

std::vector<DailyValue> ReadDailyRecord(Connection& connection, std::string_view location,
                                        std::string_view parameter, std::int32_t first_day,
                                        std::int32_t last_day) {
  Statement select(connection, q::kReadDailyRecord);
  select.Bind(location, parameter, first_day, last_day);
  std::vector<DailyValue> days;
  while (select.Step()) {
    days.push_back({static_cast<std::int32_t>(select.Int(0)), select.Double(1)});
  }
  return days;
}

void PutClimatology(Connection& writer, const StoredClimatology& climatology) {
  CheckClimatology(climatology);
  const std::string seas = EncodeDoubles(climatology.seas);
  const std::string thresh = EncodeDoubles(climatology.thresh);
  const std::string percentiles = EncodeDoubles(climatology.percentiles);
  Transaction transaction(writer);
  CheckLocation(writer, "climatology", climatology.location_id);
  Statement put(writer, q::kPutClimatology);
  put.Bind(climatology.location_id, climatology.parameter, climatology.source,
           climatology.baseline_first_year, climatology.baseline_last_year,
           climatology.log10 ? 1 : 0, climatology.computed_ms)
      .BindBlob(seas)
      .BindBlob(thresh)
      .BindBlob(percentiles)
      .Run();
  transaction.Commit();
}

namespace {

// The current row of kGetClimatology or kListClimatologies.
StoredClimatology ClimatologyRow(Statement& select) {
  StoredClimatology climatology;
  climatology.location_id = select.Text(0);
  climatology.parameter = select.Text(1);
  climatology.source = select.Text(2);
  climatology.baseline_first_year = static_cast<int>(select.Int(3));
  climatology.baseline_last_year = static_cast<int>(select.Int(4));
  climatology.log10 = select.Int(5) != 0;
  climatology.computed_ms = select.Int(6);
  climatology.seas = DecodeDoubles(select.BlobView(7), kClimatologyDays);
  climatology.thresh = DecodeDoubles(select.BlobView(8), kClimatologyDays);
  climatology.percentiles =
      DecodeDoubles(select.BlobView(9), kClimatologyDays * kClimatologyLevels);
  return climatology;
}

}  // namespace

std::optional<StoredClimatology> GetClimatology(Connection& connection, std::string_view location,
                                                std::string_view parameter) {
  Statement select(connection, q::kGetClimatology);
  select.Bind(location, parameter);
  if (!select.Step()) return std::nullopt;
  return ClimatologyRow(select);
}

std::vector<StoredClimatology> ListClimatologies(Connection& connection) {
  Statement select(connection, q::kListClimatologies);
  std::vector<StoredClimatology> climatologies;
  while (select.Step()) climatologies.push_back(ClimatologyRow(select));
  return climatologies;
}

std::vector<ClimatologyDay> ReadClimatologyDays(Connection& connection,
                                                std::span<const ClimatologyDayKey> keys) {
  if (keys.empty()) return {};
  core::JsonWriter json(64 + keys.size() * 48);
  json.BeginArray();
  for (const ClimatologyDayKey& key : keys) {
    // Out of range: no entry (the statement's range test).
    const std::int64_t day =
        key.day_index < kClimatologyDays ? static_cast<std::int64_t>(key.day_index) : -1;
    json.BeginArray()
        .String(key.location_id)
        .String(key.parameter)
        .Int(day)
        .Int(key.with_levels ? 1 : 0)
        .EndArray();
  }
  json.EndArray();
  const std::string keys_json = json.Take();
  Statement select(connection, q::kReadClimatologyDays);
  select.Bind(std::string_view(keys_json));
  std::vector<ClimatologyDay> out;
  while (select.Step()) {
    ClimatologyDay day;
    day.key = static_cast<std::size_t>(select.Int(0));
    const ClimatologyDayKey& key = keys[day.key];
    day.climatology.location_id = key.location_id;
    day.climatology.parameter = key.parameter;
    day.climatology.source = select.Text(1);
    day.climatology.baseline_first_year = static_cast<int>(select.Int(2));
    day.climatology.baseline_last_year = static_cast<int>(select.Int(3));
    day.climatology.log10 = select.Int(4) != 0;
    day.climatology.computed_ms = select.Int(5);
    day.seas = DecodeDoubles(select.BlobView(6), 1).front();
    day.thresh = DecodeDoubles(select.BlobView(7), 1).front();
    if (key.with_levels) day.levels = DecodeDoubles(select.BlobView(8), kClimatologyLevels);
    out.push_back(std::move(day));
  }
  return out;
}

void RecordBackfillProgress(Connection& writer, const BackfillProgress& progress) {
  CheckBackfillProgress(progress);
  Transaction transaction(writer);
  CheckLocation(writer, "backfill progress", progress.location_id);
  Statement upsert(writer, q::kUpsertBackfillProgress);
  upsert
      .Bind(progress.source_id, progress.location_id, progress.parameter, progress.first_day,
            progress.last_day, progress.done_through_day, progress.state, progress.error,
            progress.updated_ms != 0 ? progress.updated_ms : NowMs())
      .Run();
  transaction.Commit();
}

std::vector<BackfillProgress> ListBackfillProgress(Connection& connection) {
  Statement select(connection, q::kListBackfillProgress);
  std::vector<BackfillProgress> list;
  while (select.Step()) {
    BackfillProgress progress;
    progress.source_id = select.Text(0);
    progress.location_id = select.Text(1);
    progress.parameter = select.Text(2);
    progress.first_day = static_cast<std::int32_t>(select.Int(3));
    progress.last_day = static_cast<std::int32_t>(select.Int(4));
    progress.done_through_day = static_cast<std::int32_t>(select.Int(5));
    progress.state = select.Text(6);
    progress.error = select.Text(7);
    progress.updated_ms = select.Int(8);
    list.push_back(std::move(progress));
  }
  return list;
}

}  // namespace ocean::storage::sqlite
