// In-process response cache: LRU bounded by bytes, sharded so worker threads rarely contend.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cache/cache.hpp"

namespace ocean::cache {

class MemoryCache final : public Cache {
 public:
  static constexpr std::size_t kDefaultShardCount = 4;
  // Bookkeeping per entry (list node, map node, shared_ptr block), so many tiny entries still
  // count against the bound.
  static constexpr std::size_t kEntryOverheadBytes = 128;

  // Each shard holds max_bytes / shard_count; an entry larger than that is not cached.
  explicit MemoryCache(std::size_t max_bytes, std::size_t shard_count = kDefaultShardCount);

  std::string_view Kind() const override { return "memory"; }
  std::optional<CachedResponse> Get(std::string_view key) override;
  void Put(std::string_view key, const CachedResponse& value) override;
  void InvalidateAll() override;
  CacheHealth Health() override { return CacheHealth::kOk; }

  // Bytes currently accounted, entry overhead included. For tests and metrics.
  std::size_t SizeBytes() const;

  static std::size_t EntryBytes(std::string_view key, const CachedResponse& value);

 private:
  using ValuePtr = std::shared_ptr<const CachedResponse>;

  struct Entry {
    std::string key;
    ValuePtr value;
    std::size_t bytes;
  };

  // Transparent hashing so lookups by string_view allocate nothing under the lock.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept {
      return std::hash<std::string_view>{}(key);
    }
  };

  struct Shard {
    mutable std::mutex mutex;
    std::list<Entry> lru;  // front: most recently used
    std::unordered_map<std::string, std::list<Entry>::iterator, KeyHash, std::equal_to<>> index;
    std::size_t bytes = 0;
  };

  Shard& ShardFor(std::string_view key);

  const std::uint64_t instance_id_;
  const std::size_t shard_max_bytes_;
  std::vector<std::unique_ptr<Shard>> shards_;
  // Bumped by InvalidateAll before the shards are cleared; Put checks it under the shard lock.
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace ocean::cache
