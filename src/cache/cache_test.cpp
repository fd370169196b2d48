// Memory cache tests are hermetic. Redis tests run against the real Redis that
// `scripts/services.sh start` launches; they fail (not skip) without OCEAN_TEST_REDIS_URL.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cache/cache.hpp"
#include "cache/memory_cache.hpp"
#include "cache/redis_cache.hpp"

namespace ocean::cache {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

CachedResponse Response(const std::string& body) {
  return CachedResponse{"\"etag-" + std::to_string(body.size()) + "\"", "application/json", body};
}

// The way handlers use a cache: a miss, then a Put of the computed response.
void Fill(Cache& cache, const std::string& key, const CachedResponse& value) {
  ASSERT_FALSE(cache.Get(key).has_value()) << key << " was already cached";
  cache.Put(key, value);
}

// `threads` callers each Get `iterations` times over `keys` keys, Putting on a miss, while the
// first also invalidates every `invalidate_every` calls. A hit must hold its key's body.
struct HammerResult {
  int hits = 0;
  int wrong = 0;
};
HammerResult Hammer(Cache& cache, int threads, int iterations, int keys, int invalidate_every,
                    std::size_t padding) {
  std::atomic<int> hits{0};
  std::atomic<int> wrong{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < threads; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < iterations; ++i) {
        const std::string key = "key-" + std::to_string((i * 7 + t) % keys);
        const std::string body = key + std::string(padding, '.');
        if (t == 0 && i % invalidate_every == 0) cache.InvalidateAll();
        if (auto hit = cache.Get(key)) {
          hits.fetch_add(1);
          if (hit->body != body) wrong.fetch_add(1);
        } else {
          cache.Put(key, Response(body));
        }
      }
    });
  }
  for (auto& caller : callers) caller.join();
  return {hits.load(), wrong.load()};
}

// ---------------------------------------------------------------------------------------------
// MemoryCache

TEST(MemoryCacheTest, RoundTripAndKind) {
  auto cache = OpenCache("", CacheOptions{});
  EXPECT_EQ(cache->Kind(), "memory");
  EXPECT_EQ(cache->Health(), CacheHealth::kOk);
  Fill(*cache, "a", Response("body-a"));
  auto hit = cache->Get("a");
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->body, "body-a");
  EXPECT_EQ(hit->content_type, "application/json");
  EXPECT_EQ(hit->etag, "\"etag-6\"");
}

TEST(MemoryCacheTest, EvictsLeastRecentlyUsedByBytes) {
  const CachedResponse value = Response(std::string(1000, 'x'));
  const std::size_t entry_bytes = MemoryCache::EntryBytes("k1", value);
  MemoryCache cache(3 * entry_bytes, /*shard_count=*/1);
  Fill(cache, "k1", value);
  Fill(cache, "k2", value);
  Fill(cache, "k3", value);
  EXPECT_EQ(cache.SizeBytes(), 3 * entry_bytes);
  ASSERT_TRUE(cache.Get("k1").has_value());  // k1 becomes most recent; k2 is now the oldest
  Fill(cache, "k4", value);
  EXPECT_TRUE(cache.Get("k1").has_value());
  EXPECT_FALSE(cache.Get("k2").has_value());
  EXPECT_TRUE(cache.Get("k3").has_value());
  EXPECT_TRUE(cache.Get("k4").has_value());
  EXPECT_LE(cache.SizeBytes(), 3 * entry_bytes);

  // A bigger entry pushes out as many old ones as its size needs.
  const CachedResponse big = Response(std::string(2500, 'y'));
  Fill(cache, "k5", big);
  EXPECT_TRUE(cache.Get("k5").has_value());
  EXPECT_LE(cache.SizeBytes(), 3 * entry_bytes);
  EXPECT_EQ(cache.SizeBytes(), MemoryCache::EntryBytes("k5", big));
}

TEST(MemoryCacheTest, ReplacingAnEntryKeepsTheAccountingExact) {
  MemoryCache cache(1 << 20, 1);
  Fill(cache, "k", Response("short"));
  Fill(cache, "other", Response("x"));
  cache.InvalidateAll();
  Fill(cache, "k", Response(std::string(100, 'z')));
  EXPECT_EQ(cache.SizeBytes(), MemoryCache::EntryBytes("k", Response(std::string(100, 'z'))));
}

TEST(MemoryCacheTest, TooLargeEntryIsNotCached) {
  MemoryCache cache(4096, 4);  // 1 KiB per shard
  Fill(cache, "huge", Response(std::string(2000, 'h')));
  EXPECT_FALSE(cache.Get("huge").has_value());
  EXPECT_EQ(cache.SizeBytes(), 0u);
}

TEST(MemoryCacheTest, ShardedCacheStaysWithinItsBound) {
  constexpr std::size_t kMaxBytes = 64 * 1024;
  MemoryCache cache(kMaxBytes);
  for (int i = 0; i < 1000; ++i) {
    Fill(cache, "key-" + std::to_string(i), Response(std::string(900, 'b')));
    ASSERT_LE(cache.SizeBytes(), kMaxBytes);
  }
  EXPECT_FALSE(cache.Get("key-0").has_value());
  EXPECT_TRUE(cache.Get("key-999").has_value());
}

TEST(MemoryCacheTest, InvalidateAllClears) {
  MemoryCache cache(1 << 20);
  Fill(cache, "a", Response("1"));
  Fill(cache, "b", Response("2"));
  cache.InvalidateAll();
  EXPECT_FALSE(cache.Get("a").has_value());
  EXPECT_FALSE(cache.Get("b").has_value());
  EXPECT_EQ(cache.SizeBytes(), 0u);
}

TEST(MemoryCacheTest, ResponseComputedBeforeAnInvalidationIsNotStored) {
  MemoryCache cache(1 << 20);
  ASSERT_FALSE(cache.Get("k").has_value());  // miss: the handler starts computing
  cache.InvalidateAll();                     // a write lands meanwhile
  cache.Put("k", Response("stale"));         // the now-stale computation finishes
  EXPECT_FALSE(cache.Get("k").has_value());
  cache.Put("k", Response("fresh"));  // computed after the last miss: stored
  EXPECT_EQ(cache.Get("k")->body, "fresh");
}

TEST(MemoryCacheTest, PutWithoutAMissOnThisThreadIsDropped) {
  MemoryCache cache(1 << 20);
  cache.Put("never-read", Response("x"));
  EXPECT_FALSE(cache.Get("never-read").has_value());

  ASSERT_FALSE(cache.Get("k").has_value());
  std::thread([&] { cache.Put("k", Response("other thread")); }).join();
  EXPECT_FALSE(cache.Get("k").has_value());
}

TEST(MemoryCacheTest, ConcurrentGetPutInvalidate) {
  constexpr std::size_t kMaxBytes = 32 * 1024;
  MemoryCache cache(kMaxBytes);
  const HammerResult result = Hammer(cache, 8, 20000, 97, 500, 200);
  EXPECT_EQ(result.wrong, 0);
  EXPECT_GT(result.hits, 0);
  EXPECT_LE(cache.SizeBytes(), kMaxBytes);
}

// ---------------------------------------------------------------------------------------------
// URL parsing and the entry encoding

TEST(RedisUrlTest, ParsesEveryPart) {
  RedisEndpoint e = ParseRedisUrl("redis://localhost");
  EXPECT_EQ(e.host, "localhost");
  EXPECT_EQ(e.port, 6379);
  EXPECT_EQ(e.db, 0);
  EXPECT_TRUE(e.user.empty());
  EXPECT_TRUE(e.password.empty());

  e = ParseRedisUrl("redis://:s3cret@10.0.0.5:6380/2");
  EXPECT_EQ(e.host, "10.0.0.5");
  EXPECT_EQ(e.port, 6380);
  EXPECT_EQ(e.db, 2);
  EXPECT_TRUE(e.user.empty());
  EXPECT_EQ(e.password, "s3cret");

  e = ParseRedisUrl("redis://app:p%40ss%3Aword@cache.internal/");
  EXPECT_EQ(e.user, "app");
  EXPECT_EQ(e.password, "p@ss:word");
  EXPECT_EQ(e.host, "cache.internal");
  EXPECT_EQ(e.db, 0);

  e = ParseRedisUrl("redis://[::1]:7000/3");
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.port, 7000);
  EXPECT_EQ(e.db, 3);
}

TEST(RedisUrlTest, RejectsMalformedUrls) {
  for (const char* url :
       {"localhost:6379", "http://localhost", "rediss://localhost", "redis://", "redis://:6379",
        "redis://host:0", "redis://host:65536", "redis://host:port",
        "redis://host:", "redis://host/db", "redis://host/-1", "redis://host?timeout=1",
        "redis://pass@host", "redis://user:@host", "redis://:p%zz@host", "redis://:p%4@host",
        "redis://[::1", "redis://[::1]x"}) {
    EXPECT_THROW(ParseRedisUrl(url), std::invalid_argument) << url;
    EXPECT_THROW(OpenCache(url, CacheOptions{}), std::invalid_argument) << url;
  }
  try {
    ParseRedisUrl("redis://host:99999");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("port"), std::string::npos) << error.what();
  }
}

TEST(RedisEntryTest, EncodingIsBinarySafe) {
  std::string body;
  for (int i = 0; i < 256; ++i) body.push_back(static_cast<char>(i));
  body += "\r\n$-1\r\n*2\r\n";
  const CachedResponse value{"\"e\0t\"", std::string("a\0b", 3), body};
  const std::string encoded = EncodeRedisEntry(0x0102030405060708ULL, value);
  auto decoded = DecodeRedisEntry(encoded);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->generation, 0x0102030405060708ULL);
  EXPECT_EQ(decoded->value.etag, value.etag);
  EXPECT_EQ(decoded->value.content_type, value.content_type);
  EXPECT_EQ(decoded->value.body, value.body);

  auto empty = DecodeRedisEntry(EncodeRedisEntry(7, CachedResponse{}));
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->generation, 7u);
  EXPECT_TRUE(empty->value.body.empty());

  for (std::size_t cut = 0; cut < 24; ++cut) {
    EXPECT_FALSE(DecodeRedisEntry(encoded.substr(0, cut)).has_value()) << cut;
  }
  std::string lying = encoded;
  lying[12] = '\x7f';  // etag length far beyond the value
  EXPECT_FALSE(DecodeRedisEntry(lying).has_value());
  EXPECT_FALSE(DecodeRedisEntry("garbage that is long enough to have a header").has_value());
}

TEST(RedisCacheTest, UnreachableAtStartIsDegradedNotFatal) {
  CacheOptions options;
  options.redis_key_prefix = "oceandash-test:unreachable";
  const auto start = Clock::now();
  auto cache = OpenCache("redis://127.0.0.1:1", options);  // nothing listens on port 1
  EXPECT_EQ(cache->Kind(), "redis");
  EXPECT_EQ(cache->Health(), CacheHealth::kDegraded);
  EXPECT_FALSE(cache->Get("k").has_value());
  cache->Put("k", Response("x"));
  cache->InvalidateAll();
  EXPECT_LT(Clock::now() - start, milliseconds(500));
}

// ---------------------------------------------------------------------------------------------
// RedisCache against the real Redis

struct ContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// A plain connection to inspect and seed Redis behind the cache's back.
class RawRedis {
 public:
  explicit RawRedis(int port)
      : context_(redisConnectWithTimeout("127.0.0.1", port, timeval{2, 0})) {}
  bool ok() const { return context_ && context_->err == 0; }

  ReplyPtr Command(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    return ReplyPtr(static_cast<redisReply*>(redisCommandArgv(
        context_.get(), static_cast<int>(argv.size()), argv.data(), lengths.data())));
  }
  // The string value of a key; nullopt for nil (or a failure, which the caller asserts on).
  std::optional<std::string> GetString(const std::string& key) {
    ReplyPtr reply = Command({"GET", key});
    if (!reply || reply->type != REDIS_REPLY_STRING) return std::nullopt;
    return std::string(reply->str, reply->len);
  }

 private:
  std::unique_ptr<redisContext, ContextDeleter> context_;
};

int RunServices(const std::string& action) {
  const char* script = std::getenv("OCEAN_TEST_SERVICES");
  if (script == nullptr) return -1;
  return std::system(("'" + std::string(script) + "' " + action).c_str());
}

// Redis is shared with every other test: whatever happens, it is running again afterwards.
class RedisStoppedGuard {
 public:
  RedisStoppedGuard() : stopped_(RunServices("stop-redis") == 0) {}
  ~RedisStoppedGuard() {
    if (stopped_) Restart();
  }
  RedisStoppedGuard(const RedisStoppedGuard&) = delete;
  RedisStoppedGuard& operator=(const RedisStoppedGuard&) = delete;
  bool stopped() const { return stopped_; }
  bool Restart() {
    stopped_ = false;
    return RunServices("start-redis") == 0;
  }

 private:
  bool stopped_;
};

class RedisCacheFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("OCEAN_TEST_REDIS_URL");
    const char* port = std::getenv("OCEAN_TEST_REDIS_PORT");
    if (url == nullptr || port == nullptr) {
      GTEST_FAIL() << "OCEAN_TEST_REDIS_URL / OCEAN_TEST_REDIS_PORT are not set: run "
                      "`scripts/services.sh start` and `source "
                      "/tmp/oceandash-services/services.env` first";
    }
    url_ = url;
    port_ = std::atoi(port);
    // Each test gets its own generation counter and entries, so tests never see each other.
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    options_.redis_key_prefix = std::string("oceandash-test:") + info->name() + ":" +
                                std::to_string(getpid()) + ":" +
                                std::to_string(Clock::now().time_since_epoch().count());
    RawRedis raw(port_);
    ASSERT_TRUE(raw.ok()) << "cannot reach the test Redis on port " << port_;
  }

  std::unique_ptr<Cache> Open() {
    auto cache = OpenCache(url_, options_);
    EXPECT_EQ(cache->Kind(), "redis");
    return cache;
  }
  std::string EntryKey(const std::string& key) const {
    return options_.redis_key_prefix + ":c:" + key;
  }
  std::string GenerationKey() const { return options_.redis_key_prefix + ":gen"; }

  std::string url_;
  int port_ = 0;
  CacheOptions options_;
};

TEST_F(RedisCacheFixture, RoundTripWithBinaryBody) {
  auto cache = Open();
  EXPECT_EQ(cache->Health(), CacheHealth::kOk);
  std::string body;
  for (int i = 0; i < 256; ++i) body.push_back(static_cast<char>(i));
  body += std::string(100000, '\0') + "\r\n";
  const CachedResponse value{"\"abc\"", "application/octet-stream", body};
  Fill(*cache, "binary", value);
  auto hit = cache->Get("binary");
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->etag, value.etag);
  EXPECT_EQ(hit->content_type, value.content_type);
  EXPECT_EQ(hit->body, value.body);

  // The entry carries the TTL.
  RawRedis raw(port_);
  ReplyPtr ttl = raw.Command({"TTL", EntryKey("binary")});
  ASSERT_TRUE(ttl && ttl->type == REDIS_REPLY_INTEGER);
  EXPECT_GT(ttl->integer, 0);
  EXPECT_LE(ttl->integer, options_.redis_ttl_seconds);
}

TEST_F(RedisCacheFixture, SelectsTheDatabaseFromTheUrl) {
  auto cache = OpenCache("redis://127.0.0.1:" + std::to_string(port_) + "/1", options_);
  Fill(*cache, "k", Response("db1"));
  ASSERT_TRUE(cache->Get("k").has_value());
  RawRedis raw(port_);
  EXPECT_FALSE(raw.GetString(EntryKey("k")).has_value());  // not in db 0
  ASSERT_TRUE(raw.Command({"SELECT", "1"}));
  EXPECT_TRUE(raw.GetString(EntryKey("k")).has_value());
  ASSERT_TRUE(raw.Command({"DEL", EntryKey("k"), GenerationKey()}));
}

TEST_F(RedisCacheFixture, RejectedAuthIsDegradedNotFatal) {
  // The test server has no password, so AUTH is answered with an error.
  auto cache = OpenCache("redis://:wrong@127.0.0.1:" + std::to_string(port_), options_);
  EXPECT_EQ(cache->Health(), CacheHealth::kDegraded);
  EXPECT_FALSE(cache->Get("k").has_value());
}

TEST_F(RedisCacheFixture, InvalidationReachesEveryInstance) {
  auto a = Open();  // two instances stand for two server processes
  auto b = Open();
  Fill(*a, "k", Response("v1"));
  ASSERT_TRUE(a->Get("k").has_value());
  ASSERT_TRUE(b->Get("k").has_value()) << "the cache is shared";
  b->InvalidateAll();
  EXPECT_FALSE(a->Get("k").has_value());
  EXPECT_FALSE(b->Get("k").has_value());
  a->Put("k", Response("v2"));  // computed after a's miss above: current again
  ASSERT_TRUE(b->Get("k").has_value());
  EXPECT_EQ(b->Get("k")->body, "v2");
}

TEST_F(RedisCacheFixture, ResponseComputedBeforeAnInvalidationIsNeverServed) {
  auto a = Open();
  auto b = Open();
  ASSERT_FALSE(a->Get("k").has_value());  // a misses and starts the database query
  b->InvalidateAll();                     // another process writes and invalidates
  a->Put("k", Response("stale"));         // a's query finishes with pre-write data
  EXPECT_FALSE(a->Get("k").has_value());
  EXPECT_FALSE(b->Get("k").has_value());
  a->Put("k", Response("fresh"));
  ASSERT_TRUE(b->Get("k").has_value());
  EXPECT_EQ(b->Get("k")->body, "fresh");
}

TEST_F(RedisCacheFixture, PutWithoutAMissIsDropped) {
  auto cache = Open();
  cache->Put("k", Response("unknown age"));
  EXPECT_FALSE(cache->Get("k").has_value());
}

TEST_F(RedisCacheFixture, ConcurrentCallersShareABoundedPool) {
  options_.redis_max_connections = 3;
  auto cache = Open();
  constexpr int kThreads = 8;
  constexpr int kIterations = 300;
  const HammerResult result = Hammer(*cache, kThreads, kIterations, 20, 100, 0);
  EXPECT_EQ(result.wrong, 0);
  EXPECT_GT(result.hits, kThreads * kIterations / 2);
  EXPECT_EQ(cache->Health(), CacheHealth::kOk);
  // The pool never grew past its bound (our connections carry the key prefix as their name).
  RawRedis raw(port_);
  ReplyPtr clients = raw.Command({"CLIENT", "LIST"});
  ASSERT_TRUE(clients && clients->type == REDIS_REPLY_STRING);
  const std::string list(clients->str, clients->len);
  const std::string name = "name=" + options_.redis_key_prefix + " ";
  std::size_t ours = 0;
  for (std::size_t at = list.find(name); at != std::string::npos; at = list.find(name, at + 1)) {
    ++ours;
  }
  EXPECT_GE(ours, 1u);
  EXPECT_LE(ours, options_.redis_max_connections);
}

TEST_F(RedisCacheFixture, OutageDegradesCheaplyAndRecoveryHidesOldEntries) {
  auto a = Open();
  Fill(*a, "k", Response("before the outage"));
  ASSERT_TRUE(a->Get("k").has_value());
  std::optional<std::string> saved_generation;
  std::optional<std::string> saved_entry;
  {
    RawRedis raw(port_);
    saved_generation = raw.GetString(GenerationKey());
    saved_entry = raw.GetString(EntryKey("k"));
    ASSERT_TRUE(saved_entry.has_value());
  }

  RedisStoppedGuard guard;
  ASSERT_TRUE(guard.stopped()) << "scripts/services.sh stop-redis failed";

  auto start = Clock::now();
  EXPECT_FALSE(a->Get("k").has_value());
  EXPECT_LT(Clock::now() - start, milliseconds(500));
  EXPECT_EQ(a->Health(), CacheHealth::kDegraded);

  // While down, requests cost nothing: no connect attempt per call.
  start = Clock::now();
  for (int i = 0; i < 200; ++i) {
    EXPECT_FALSE(a->Get("k").has_value());
    a->Put("k", Response("during the outage"));
  }
  a->InvalidateAll();  // a write here cannot reach Redis; it must not be forgotten
  EXPECT_LT(Clock::now() - start, milliseconds(500));

  ASSERT_TRUE(guard.Restart()) << "scripts/services.sh start-redis failed";
  // Our test Redis keeps no data across a restart; put the old state back, as a persistent
  // Redis (or one that was merely unreachable) would have kept it.
  {
    RawRedis raw(port_);
    ASSERT_TRUE(raw.ok());
    if (saved_generation) {
      ASSERT_TRUE(raw.Command({"SET", GenerationKey(), *saved_generation}));
    }
    ASSERT_TRUE(raw.Command({"SET", EntryKey("k"), *saved_entry}));
  }

  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (a->Health() != CacheHealth::kOk && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_EQ(a->Health(), CacheHealth::kOk);
  EXPECT_FALSE(a->Get("k").has_value()) << "an entry from before the outage was served";
  auto b = Open();
  EXPECT_FALSE(b->Get("k").has_value()) << "the generation was not bumped in Redis";

  a->Put("k", Response("after the outage"));
  ASSERT_TRUE(b->Get("k").has_value());
  EXPECT_EQ(b->Get("k")->body, "after the outage");
}

}  // namespace
}  // namespace ocean::cache
