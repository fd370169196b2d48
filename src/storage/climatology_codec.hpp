// What both stores share for daily records, climatologies and backfill progress: the checks
// every write passes first, and the byte layout of a climatology's arrays. Private to the
// storage module.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.hpp"

namespace ocean::storage {

// Each throws core::ApiError (validation) naming what is wrong; nothing has been written yet.
void CheckDailyRecord(std::span<const DailyValue> days);
void CheckClimatology(const StoredClimatology& climatology);
void CheckBackfillProgress(const BackfillProgress& progress);
[[noreturn]] void ThrowUnknownLocation(std::string_view what, std::string_view location);

// 8-byte big-endian IEEE 754 doubles back to back: exact, and the same bytes in both stores.
std::string EncodeDoubles(std::span<const double> values);
// Throws std::runtime_error when the byte count is not `expected` doubles (a corrupt row).
std::vector<double> DecodeDoubles(std::string_view bytes, std::size_t expected);

}  // namespace ocean::storage
