// Quality control inside the PostgreSQL store's write transaction (see storage/flag_review.hpp).
// Private to the PostgreSQL store.
#pragma once

#include <cstdint>
#include <span>

#include "core/types.hpp"
#include "storage/flag_review.hpp"

namespace ocean::storage::pg {

class PgConnection;

// Runs `review` over the rows just written on `connection`, inside its open transaction, and
// writes the flags it returns, and the latest flag of each series where it changed.
// `series_ids[i]` is the series of rows[i]. Returns how many rows were re-flagged.
std::int64_t ApplyReview(PgConnection& connection, std::span<const core::Observation> rows,
                         std::span<const std::int64_t> series_ids, const FlagReview& review);

}  // namespace ocean::storage::pg
