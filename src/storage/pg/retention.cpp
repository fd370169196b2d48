#include "storage/pg/retention.hpp"

#include "storage/pg/codec.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pg/statements.hpp"

namespace ocean::storage::pg {

std::int64_t DeleteBefore(PgConnection& connection, core::EpochMs cutoff_ms) {
  PgTransaction transaction(connection);
  connection.Exec("lock counts", sql::kLockCounts);
  PgResultPtr result = connection.Exec("delete observations", sql::kDeleteObservationsBefore,
                                       PgParams().Add(ClampToPg(cutoff_ms)));
  const std::int64_t deleted = ParseInt(result.get(), 0, 0);
  connection.Exec("clear counts", sql::kClearCounts);
  connection.Exec("recount", sql::kRecount);
  connection.Exec("clear totals", sql::kClearTotals);
  connection.Exec("recount totals", sql::kRetotal);
  transaction.CommitWrite();
  return deleted;
}

}  // namespace ocean::storage::pg
