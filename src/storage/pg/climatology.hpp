// Long daily records, climatologies and backfill progress in PostgreSQL (see Store). Each
// write runs in one transaction of its own on the given connection. Private to the store.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "storage/store.hpp"

namespace ocean::storage::pg {

class PgConnection;

void UpsertDailyRecord(PgConnection& connection, std::string_view location,
                       std::string_view parameter, std::string_view source,
                       std::span<const DailyValue> days);
std::vector<DailyValue> ReadDailyRecord(PgConnection& connection, std::string_view location,
                                        std::string_view parameter, std::int32_t first_day,
                                        std::int32_t last_day);
void PutClimatology(PgConnection& connection, const StoredClimatology& climatology);
std::vector<StoredClimatology> ListClimatologies(PgConnection& connection);
std::optional<StoredClimatology> GetClimatology(PgConnection& connection, std::string_view location,
                                                std::string_view parameter);
std::vector<ClimatologyDay> ReadClimatologyDays(PgConnection& connection,
                                                std::span<const ClimatologyDayKey> keys);
void RecordBackfillProgress(PgConnection& connection, const BackfillProgress& progress);
std::vector<BackfillProgress> ListBackfillProgress(PgConnection& connection);

}  // namespace ocean::storage::pg
