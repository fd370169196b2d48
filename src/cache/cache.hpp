// Response cache. In-process by default; Redis when REDIS_URL is set, so several server
// processes share one cache and one invalidation.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ocean::cache {

struct CachedResponse {
  std::string etag;  // strong ETag, quoted, e.g. "\"3f2a...\""
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
  // A miss also remembers, for this thread, the generation the caller's response is about to
  // be computed under; see Put.
  virtual std::optional<CachedResponse> Get(std::string_view key) = 0;

  // Stores a response computed after a missed Get of the same key ON THE SAME THREAD. It is
  // stored under the generation that Get observed, so a response computed from data older than
  // a concurrent InvalidateAll (anywhere) is never served as current. A Put with no preceding
  // miss on this thread is dropped: its data's age is unknown.
  virtual void Put(std::string_view key, const CachedResponse& value) = 0;

  // Makes every entry written before this call invisible to every process sharing the cache.
  virtual void InvalidateAll() = 0;

  virtual CacheHealth Health() = 0;
};

struct CacheOptions {
  std::size_t memory_max_bytes = 8 * 1024 * 1024;  // bound for the in-process cache
  int redis_ttl_seconds = 600;                     // safety TTL on Redis entries
  std::string redis_key_prefix = "oceandash";      // namespace of every Redis key we touch
  int redis_timeout_ms = 200;              // connect and command timeout: a dead Redis never stalls
  std::size_t redis_max_connections = 16;  // pool bound; callers beyond it wait, then miss
};

// Empty URL: in-process cache. "redis://[[user]:password@]host[:port][/db]": Redis.
// Never fails because Redis is down at start: it starts degraded and reconnects.
// A malformed URL throws std::invalid_argument.
std::unique_ptr<Cache> OpenCache(const std::string& redis_url, const CacheOptions& options);

}  // namespace ocean::cache
