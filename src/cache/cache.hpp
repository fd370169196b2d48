// Response cache. In-process by default; Redis when REDIS_URL is set, so several server
// processes share one cache and one invalidation.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ocean::cache {

struct CachedResponse {
  std::string etag;          // strong ETag, quoted, e.g. "\"3f2a...\""
  std::string content_type;
  std::string body;
};

enum class CacheHealth { kOk, kDegraded };

class Cache {
 public:
  virtual ~Cache() = default;

  // "memory" or "redis".
  virtual std::string_view Kind() const = 0;

  // A miss, or the backend being down, is nullopt. Never throws for an unreachable backend.
  virtual std::optional<CachedResponse> Get(std::string_view key) = 0;
  virtual void Put(std::string_view key, const CachedResponse& value) = 0;

  // Makes every entry written before this call invisible to every process sharing the cache.
  virtual void InvalidateAll() = 0;

  virtual CacheHealth Health() = 0;
};

struct CacheOptions {
  std::size_t memory_max_bytes = 8 * 1024 * 1024;  // bound for the in-process cache
  int redis_ttl_seconds = 600;                      // safety TTL on Redis entries
};

// Empty URL: in-process cache. "redis://[:password@]host:port[/db]": Redis.
// Never fails because Redis is down at start: it starts degraded and reconnects.
std::unique_ptr<Cache> OpenCache(const std::string& redis_url, const CacheOptions& options);

}  // namespace ocean::cache
