// The one connection-pool shape of the storage module: PostgreSQL connections and SQLite reader
// connections are both "at most N, opened on demand, reused, waited for with a timeout".
// Private to the storage module.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/api_error.hpp"
#include "storage/store_internal.hpp"

namespace ocean::storage {

// `Connection` must have `bool Healthy() const`: an unhealthy connection is closed on release
// instead of reused, and its slot freed.
template <typename Connection>
class Pool {
 public:
  using Open = std::function<std::unique_ptr<Connection>()>;

  // `name` ("postgresql", "sqlite") prefixes the timeout message.
  Pool(std::string name, int size, Open open)
      : name_(std::move(name)), size_(size), open_(std::move(open)) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A pooled connection for the duration of one operation; returned on destruction.
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), connection_(std::move(other.connection_)) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (connection_) pool_.Release(std::move(connection_));
    }

    Connection& operator*() { return *connection_; }
    Connection* operator->() { return connection_.get(); }

    // Replaces the connection in place, keeping its slot: for a connection that broke.
    void Reconnect() {
      connection_.reset();
      try {
        connection_ = pool_.open_();
      } catch (...) {
        pool_.Forget();
        throw;
      }
    }

   private:
    friend class Pool;
    Lease(Pool& pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}

    Pool& pool_;
    std::unique_ptr<Connection> connection_;
  };

  // Waits up to kPoolAcquireTimeout for an idle connection or a free slot; throws
  // core::UnavailableError after that, and whatever opening a connection throws.
  Lease Acquire() {
    std::unique_lock lock(mutex_);
    if (!available_.wait_for(lock, kPoolAcquireTimeout,
                             [this] { return !idle_.empty() || opened_ < size_; })) {
      throw core::UnavailableError(name_ + ": no connection free within " +
                                   std::to_string(kPoolAcquireTimeout.count()) + " s (pool of " +
                                   std::to_string(size_) + ")");
    }
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(connection));
    }
    ++opened_;
    lock.unlock();
    try {
      return Lease(*this, open_());
    } catch (...) {
      Forget();
      throw;
    }
  }

  // Closes every idle connection: after one broke, its idle siblings were most likely cut by the
  // same server restart, and dropping them spares the next callers a failed attempt each.
  void DropIdle() {
    std::vector<std::unique_ptr<Connection>> dropped;
    {
      std::lock_guard lock(mutex_);
      dropped.swap(idle_);
      opened_ -= static_cast<int>(dropped.size());
    }
    available_.notify_all();
  }

  int size() const { return size_; }

 private:
  void Release(std::unique_ptr<Connection> connection) {
    if (!connection->Healthy()) {
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

  void Forget() {
    {
      std::lock_guard lock(mutex_);
      --opened_;
    }
    available_.notify_one();
  }

  const std::string name_;
  const int size_;
  const Open open_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mutex_
  int opened_ = 0;                                 // idle + leased; guarded by mutex_
};

}  // namespace ocean::storage
