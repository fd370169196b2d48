// Quality control inside the PostgreSQL store's write transaction (see storage/flag_review.hpp).
// Private to the PostgreSQL store.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/types.hpp"
#include "storage/flag_review.hpp"

namespace ocean::storage::pg {

class PgConnection;

// New flags for rows already stored (not in the batch), as the parallel arrays of
// sql::kUpdateQualityFlags.
struct StoredReflags {
  std::vector<std::int64_t> series_ids;
  std::vector<std::int64_t> timestamps_ms;
  std::vector<std::string> sources;
  std::vector<std::int64_t> flags;
};

// What the review decided for a batch before it is written.
struct ReviewedBatch {
  std::vector<core::QualityFlag> flags;  // flags[i]: the flag to store for rows[i]
  StoredReflags stored;
};

// Runs `review` over the rows about to be written on `connection`, inside its open transaction
// and before the batch's own write: the reviewer reads the stored rows with the batch's rows laid
// over them (a batch row replaces the stored row of its key), which is what the tables hold once
// the batch is written, without reading the batch back. The batch's new flags are then written
// with its rows, and the stored rows' flags by WriteStoredReflags after them.
// `series_ids[i]` is the series of rows[i].
ReviewedBatch ReviewBatch(PgConnection& connection, std::span<const core::Observation> rows,
                          std::span<const std::int64_t> series_ids, const FlagReview& review);

// Writes the stored rows' new flags, and the latest flag of each series where it changed. Call
// after the batch's upsert, in its transaction.
void WriteStoredReflags(PgConnection& connection, const StoredReflags& reflags);

}  // namespace ocean::storage::pg
