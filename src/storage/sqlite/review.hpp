// Quality control inside the SQLite store's write transaction (see storage/flag_review.hpp).
// Private to the SQLite store.
#pragma once

#include <span>

#include "core/types.hpp"
#include "storage/flag_review.hpp"

namespace ocean::storage::sqlite {

class Connection;

// Runs `review` over the rows just written on `writer`, inside its open transaction, and
// writes the flags it returns. Returns how many rows were re-flagged.
std::int64_t ApplyReview(Connection& writer, std::span<const core::Observation> rows,
                         const FlagReview& review);

}  // namespace ocean::storage::sqlite
