#include "cache/memory_cache.hpp"

#include <algorithm>
#include <functional>
#include <utility>

#include "cache/fill_ticket.hpp"

namespace ocean::cache {

MemoryCache::MemoryCache(std::size_t max_bytes, std::size_t shard_count)
    : instance_id_(NextCacheInstanceId()),
      shard_max_bytes_(max_bytes / std::max<std::size_t>(shard_count, 1)) {
  shards_.reserve(std::max<std::size_t>(shard_count, 1));
  for (std::size_t i = 0; i < std::max<std::size_t>(shard_count, 1); ++i) {
    shards_.push_back(std::make_unique<Shard>());
  }
}

std::size_t MemoryCache::EntryBytes(std::string_view key, const CachedResponse& value) {
  return key.size() + value.etag.size() + value.content_type.size() + value.body.size() +
         kEntryOverheadBytes;
}

MemoryCache::Shard& MemoryCache::ShardFor(std::string_view key) {
  return *shards_[std::hash<std::string_view>{}(key) % shards_.size()];
}

std::optional<CachedResponse> MemoryCache::Get(std::string_view key) {
  // Read before the lookup: the caller computes a fill after this point, so this generation is
  // at most the one its data reflects.
  const FillTicket ticket{generation_.load(), 0};
  ValuePtr value;
  {
    Shard& shard = ShardFor(key);
    std::lock_guard lock(shard.mutex);
    if (auto it = shard.index.find(key); it != shard.index.end()) {
      shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
      value = it->second->value;
    }
  }
  if (!value) {
    RecordFillTicket(instance_id_, key, ticket);
    return std::nullopt;
  }
  return *value;  // the copy of a possibly large body happens outside the lock
}

void MemoryCache::Put(std::string_view key, const CachedResponse& value) {
  const std::optional<FillTicket> ticket = TakeFillTicket(instance_id_, key);
  if (!ticket) {
    return;
  }
  const std::size_t bytes = EntryBytes(key, value);
  if (bytes > shard_max_bytes_) {
    return;
  }
  auto stored = std::make_shared<const CachedResponse>(value);
  std::string stored_key(key);
  // Evicted values are destroyed after the lock is released, so a large body's free does not
  // extend the hold time.
  std::vector<ValuePtr> evicted;
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  // Checked under the shard lock: InvalidateAll bumps the generation before it clears this
  // shard under the same lock, so either we see the bump and drop, or our entry is cleared.
  if (ticket->generation != generation_.load()) {
    return;
  }
  if (auto it = shard.index.find(key); it != shard.index.end()) {
    shard.bytes -= it->second->bytes;
    evicted.push_back(std::move(it->second->value));
    shard.lru.erase(it->second);
    shard.index.erase(it);
  }
  while (!shard.lru.empty() && shard.bytes + bytes > shard_max_bytes_) {
    Entry& oldest = shard.lru.back();
    shard.bytes -= oldest.bytes;
    evicted.push_back(std::move(oldest.value));
    shard.index.erase(oldest.key);
    shard.lru.pop_back();
  }
  shard.lru.push_front(Entry{stored_key, std::move(stored), bytes});
  shard.index.emplace(std::move(stored_key), shard.lru.begin());
  shard.bytes += bytes;
}

void MemoryCache::InvalidateAll() {
  generation_.fetch_add(1);
  for (auto& shard : shards_) {
    std::list<Entry> dropped;
    {
      std::lock_guard lock(shard->mutex);
      dropped.swap(shard->lru);
      shard->index.clear();
      shard->bytes = 0;
    }
    // `dropped` is freed here, outside the lock.
  }
}

std::size_t MemoryCache::SizeBytes() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    total += shard->bytes;
  }
  return total;
}

}  // namespace ocean::cache
