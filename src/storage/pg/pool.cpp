#include "storage/pg/pool.hpp"

#include "storage/store_internal.hpp"

namespace ocean::storage::pg {

std::unique_ptr<PgConnection> PgPool::Acquire() {
  std::unique_lock lock(mutex_);
  if (!available_.wait_for(lock, kPoolAcquireTimeout,
                           [this] { return !idle_.empty() || open_ < size_; })) {
    throw core::UnavailableError("postgresql: no connection free within " +
                                 std::to_string(kPoolAcquireTimeout.count()) + " s (pool of " +
                                 std::to_string(size_) + ")");
  }
  if (!idle_.empty()) {
    std::unique_ptr<PgConnection> connection = std::move(idle_.back());
    idle_.pop_back();
    return connection;
  }
  ++open_;
  lock.unlock();
  try {
    return Connect();
  } catch (...) {
    Forget();
    throw;
  }
}

void PgPool::Release(std::unique_ptr<PgConnection> connection) {
  if (!connection || !connection->Healthy()) {
    connection.reset();
    Forget();
    return;
  }
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  available_.notify_one();
}

void PgPool::DropIdle() {
  std::vector<std::unique_ptr<PgConnection>> dropped;
  {
    std::lock_guard lock(mutex_);
    dropped.swap(idle_);
    open_ -= static_cast<int>(dropped.size());
  }
  available_.notify_all();
}

void PgPool::Forget() {
  {
    std::lock_guard lock(mutex_);
    --open_;
  }
  available_.notify_one();
}

}  // namespace ocean::storage::pg
