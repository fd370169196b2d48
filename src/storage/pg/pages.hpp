// Pages of observations and their counts: which statement reads a page, how its rows come back
// named and in order, and how a count is split into whole days and edges. Private to the
// PostgreSQL store.
#pragma once

#include <cstdint>
#include <vector>

#include "core/types.hpp"
#include "storage/pg/pool.hpp"
#include "storage/store.hpp"

namespace ocean::storage::pg {

class SeriesCatalogue;

class Pages {
 public:
  Pages(PgPool& pool, SeriesCatalogue& catalogue) : pool_(pool), catalogue_(catalogue) {}

  // Rows in (timestamp, location_id, parameter, source) order, after query.after, at most
  // query.limit.
  std::vector<core::StoredObservation> Read(const core::ObservationQuery& query);
  // Rows matching the filters and window (cursor and limit ignored).
  std::int64_t Count(const core::ObservationQuery& query);
  // Both in one round trip.
  ObservationPage ReadWithCount(const core::ObservationQuery& page,
                                const core::ObservationQuery& count);

 private:
  PgPool& pool_;
  SeriesCatalogue& catalogue_;
};

}  // namespace ocean::storage::pg
