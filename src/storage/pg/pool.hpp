// The pool of PostgreSQL connections, and Run: one store operation on a pooled connection,
// retried once on a fresh connection when the old one broke and that is safe.
// Private to the PostgreSQL store.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include <spdlog/spdlog.h>

#include "core/api_error.hpp"
#include "storage/pg/connection.hpp"
#include "storage/pool.hpp"

namespace ocean::storage::pg {

// At most `size` connections, opened on demand: the storage module's one pool shape.
using PgPool = Pool<PgConnection>;

enum class Retry {
  kAlways,        // idempotent: safe to run again even if COMMIT may have been applied
  kBeforeCommit,  // retry only when the connection broke before COMMIT was sent
};

// Runs `operation` on a pooled connection. A broken connection is replaced and the operation
// retried once when `retry` allows; a second failure, or an unreachable server, is
// core::UnavailableError.
template <typename Fn>
auto Run(PgPool& pool, std::string_view what, Retry retry, Fn&& operation)
    -> std::invoke_result_t<Fn&, PgConnection&> {
  PgPool::Lease lease = pool.Acquire();
  for (int attempt = 1;; ++attempt) {
    try {
      if (!lease->Healthy()) lease.Reconnect();
      return operation(*lease);
    } catch (const ConnectionLost& e) {
      pool.DropIdle();
      const bool may_retry = attempt == 1 && (retry == Retry::kAlways || !e.commit_sent());
      if (!may_retry) throw core::UnavailableError(e.what());
      spdlog::warn("postgresql: {} lost its connection ({}); reconnecting and retrying once", what,
                   e.what());
      lease.Reconnect();
    }
  }
}

}  // namespace ocean::storage::pg
