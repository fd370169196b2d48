// Writing a batch of observations: COPY into a staging table, one upsert that also counts the
// rows it inserted per day, and the latest row per series. Private to the PostgreSQL store.
#pragma once

#include <span>

#include "core/types.hpp"
#include "storage/flag_review.hpp"

namespace ocean::storage::pg {

class PgConnection;
class SeriesCatalogue;

// Throws core::ApiError (validation) before writing anything when a row's time is outside what
// PostgreSQL can store.
void CheckPgTimestamps(std::span<const core::Observation> rows);

// One transaction: every row or none. Records series the catalogue does not know first (in a
// transaction of their own, so only committed ids enter the shared catalogue). A write that
// PostgreSQL rejects for its data (an unknown location, say) throws core::ApiError.
// `review`, when set, runs in the transaction before the rows are written; the flags it sets
// are written with them (pg/review.hpp).
core::IngestResult Ingest(PgConnection& connection, SeriesCatalogue& catalogue,
                          std::span<const core::Observation> rows,
                          const FlagReview* review = nullptr);

}  // namespace ocean::storage::pg
