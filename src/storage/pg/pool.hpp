// A bounded pool of PostgreSQL connections, and Run: one store operation on a pooled
// connection, retried once on a fresh connection when the old one broke and that is safe.
// Private to the PostgreSQL store.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/api_error.hpp"
#include "storage/pg/connection.hpp"

namespace ocean::storage::pg {

// At most `size` connections, created on demand. Broken ones are dropped on release.
class PgPool {
 public:
  PgPool(std::string url, int size) : url_(std::move(url)), size_(size) {}

  // Waits up to kPoolAcquireTimeout; throws core::UnavailableError.
  std::unique_ptr<PgConnection> Acquire();
  std::unique_ptr<PgConnection> Connect() const { return std::make_unique<PgConnection>(url_); }
  void Release(std::unique_ptr<PgConnection> connection);
  // After one connection broke, its idle siblings were most likely cut by the same server
  // restart; dropping them spares the next callers a failed attempt each.
  void DropIdle();

 private:
  void Forget();

  const std::string url_;
  const int size_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mutex_
  int open_ = 0;                                     // idle + leased; guarded by mutex_
};

// A pooled connection for the duration of one store operation.
class Lease {
 public:
  explicit Lease(PgPool& pool) : pool_(pool), connection_(pool.Acquire()) {}
  ~Lease() { pool_.Release(std::move(connection_)); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  PgConnection& operator*() { return *connection_; }
  PgConnection* operator->() { return connection_.get(); }

  // Replaces the connection in place (keeping the pool slot); throws core::UnavailableError.
  void Reconnect() {
    connection_->MarkBroken();
    connection_ = pool_.Connect();
  }

 private:
  PgPool& pool_;
  std::unique_ptr<PgConnection> connection_;
};

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
  Lease lease(pool);
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
