// Redis response cache shared by several server processes.
//
// Keys: "<prefix>:gen" holds the generation counter; "<prefix>:c:<key>" holds an entry encoded
// with the generation it was computed under. InvalidateAll is INCR of the counter; an entry
// whose generation differs from the counter is a miss. Get is one round trip (MGET).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cache/cache.hpp"
#include "cache/redis_url.hpp"

struct redisContext;
struct redisReply;

namespace ocean::cache {

// An entry's value: the generation, then length-prefixed etag and content type, then the body.
// Binary safe. Decode returns nullopt for anything malformed (treated as a miss).
std::string EncodeRedisEntry(std::uint64_t generation, const CachedResponse& value);
struct DecodedRedisEntry {
  std::uint64_t generation;
  CachedResponse value;
};
std::optional<DecodedRedisEntry> DecodeRedisEntry(std::string_view encoded);

class RedisCache final : public Cache {
 public:
  // Never blocks longer than one connect timeout and never throws for an unreachable server.
  RedisCache(RedisEndpoint endpoint, const CacheOptions& options);
  ~RedisCache() override;

  std::string_view Kind() const override { return "redis"; }
  std::optional<CachedResponse> Get(std::string_view key) override;
  void Put(std::string_view key, const CachedResponse& value) override;
  void InvalidateAll() override;
  CacheHealth Health() override;

 private:
  struct ContextDeleter {
    void operator()(redisContext* context) const;
  };
  using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;
  struct ReplyDeleter {
    void operator()(redisReply* reply) const;
  };
  using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;
  using Clock = std::chrono::steady_clock;

  // A pooled connection checked out by one caller; returns it to the pool when destroyed.
  class Lease {
   public:
    Lease(RedisCache& owner, ContextPtr context, std::uint64_t pool_epoch);
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    redisContext* get() const { return context_.get(); }
    std::uint64_t pool_epoch() const { return pool_epoch_; }

   private:
    RedisCache* owner_;
    ContextPtr context_;
    std::uint64_t pool_epoch_;
  };

  struct Connection {
    ContextPtr context;  // nullptr on failure
    std::string error;   // why it failed; never contains the password
  };
  // Connects with the timeout, sets the command timeout, authenticates, selects the database.
  Connection Connect();
  // One command. nullptr when the connection failed (context->err says why; it is then
  // unusable); otherwise the reply, whose type is unchecked.
  static ReplyPtr RunCommand(redisContext* context, const std::vector<std::string_view>& args);
  // A ready connection, or nullopt when Redis is down (without I/O while reconnects are being
  // throttled) or the pool stayed exhausted for a whole timeout. Performs a pending generation
  // bump first, so nothing cached is served before it.
  std::optional<Lease> Acquire();
  void Release(ContextPtr context, std::uint64_t pool_epoch);
  // Runs one command. nullptr when the connection failed (the failure is recorded) or the
  // server answered with an error (logged); otherwise the reply, whose type is still unchecked.
  ReplyPtr Command(Lease& lease, const std::vector<std::string_view>& args);
  // Marks Redis down: drops pooled connections, voids fill tickets, remembers that the
  // generation must be bumped before anything cached is served again.
  void RecordConnectionFailure(std::string_view what, std::string_view detail);
  void RecordSuccess();
  // Reads the generation out of a reply to GET/MGET (nil is 0).
  static std::optional<std::uint64_t> ParseGeneration(const redisReply& reply);

  const RedisEndpoint endpoint_;
  const int ttl_seconds_;
  const std::chrono::milliseconds timeout_;
  const std::size_t max_connections_;
  const std::string generation_key_;
  const std::string entry_key_prefix_;
  const std::string client_name_;  // CLIENT SETNAME of every pooled connection
  const std::uint64_t instance_id_;

  std::mutex mutex_;  // guards everything below
  std::condition_variable pool_available_;
  std::vector<ContextPtr> idle_;
  std::size_t open_connections_ = 0;  // idle + checked out + being connected
  // Bumped on every connection failure; connections from an older epoch are discarded, and
  // fill tickets from an older epoch are void.
  std::uint64_t pool_epoch_ = 0;
  bool down_ = false;
  Clock::time_point next_connect_attempt_{};
  // Generation bumps owed (a lost connection may have hidden an invalidation) and done. Counted
  // rather than flagged so a failure during a bump in progress is not forgotten.
  std::uint64_t bumps_requested_ = 0;
  std::uint64_t bumps_done_ = 0;
  bool last_operation_ok_ = false;
  Clock::time_point last_operation_{};
};

}  // namespace ocean::cache
