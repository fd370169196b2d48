// Long daily records, climatologies and backfill progress in SQLite (see Store). Writes take
// the writer connection (the caller holds its mutex) and run in one transaction of their own;
// reads take any connection.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "storage/store.hpp"

namespace ocean::storage::sqlite {

class Connection;

void UpsertDailyRecord(Connection& writer, std::string_view location, std::string_view parameter,
                       std::string_view source, std::span<const DailyValue> days);
std::vector<DailyValue> ReadDailyRecord(Connection& connection, std::string_view location,
                                        std::string_view parameter, std::int32_t first_day,
                                        std::int32_t last_day);
void PutClimatology(Connection& writer, const StoredClimatology& climatology);
std::vector<StoredClimatology> ListClimatologies(Connection& connection);
std::optional<StoredClimatology> GetClimatology(Connection& connection, std::string_view location,
                                                std::string_view parameter);
std::vector<ClimatologyDay> ReadClimatologyDays(Connection& connection,
                                                std::span<const ClimatologyDayKey> keys);
void RecordBackfillProgress(Connection& writer, const BackfillProgress& progress);
std::vector<BackfillProgress> ListBackfillProgress(Connection& connection);

}  // namespace ocean::storage::sqlite
