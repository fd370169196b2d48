#include "cache/cache.hpp"

#include "cache/memory_cache.hpp"
#include "cache/redis_cache.hpp"

namespace ocean::cache {

std::unique_ptr<Cache> OpenCache(const std::string& redis_url, const CacheOptions& options) {
  if (redis_url.empty()) {
    return std::make_unique<MemoryCache>(options.memory_max_bytes);
  }
  return std::make_unique<RedisCache>(ParseRedisUrl(redis_url), options);
}

}  // namespace ocean::cache
