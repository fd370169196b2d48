#include "cache/redis_cache.hpp"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/time.h>

#include <algorithm>
#include <charconv>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "cache/fill_ticket.hpp"
#include "core/big_endian.hpp"

namespace ocean::cache {
namespace {

// Entry layout: magic, generation (8 bytes), etag length (4), etag, content type length (4),
// content type, body (the rest). Big-endian, so the format does not depend on the host.
constexpr std::string_view kEntryMagic = "OCD1";
constexpr std::size_t kEntryHeaderBytes = kEntryMagic.size() + 8 + 4 + 4;

// A down Redis is probed at most this often, so an outage costs requests nothing.
constexpr auto kReconnectInterval = std::chrono::seconds(1);
// Health() trusts the last operation this recent instead of sending a PING.
constexpr auto kHealthFreshness = std::chrono::seconds(1);

constexpr std::string_view kCmdAuth = "AUTH";
constexpr std::string_view kCmdSelect = "SELECT";
constexpr std::string_view kCmdGet = "MGET";
constexpr std::string_view kCmdSet = "SET";
constexpr std::string_view kCmdExpire = "EX";
constexpr std::string_view kCmdIncr = "INCR";
constexpr std::string_view kCmdPing = "PING";
constexpr std::string_view kCmdClient = "CLIENT";
constexpr std::string_view kCmdSetName = "SETNAME";
constexpr std::string_view kReplyOk = "OK";
constexpr std::string_view kReplyPong = "PONG";

timeval ToTimeval(std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(timeout.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((timeout.count() % 1000) * 1000);
  return tv;
}

std::string_view ReplyText(const redisReply& reply) {
  return reply.str != nullptr ? std::string_view(reply.str, reply.len) : std::string_view();
}

// hiredis writes with plain write(): once Redis has reset the connection, the next write would
// raise SIGPIPE and kill the whole server. A server ignores SIGPIPE anyway (Asio never relies
// on it), so do it once if nobody has chosen a disposition.
void IgnoreSigpipeUnlessHandled() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) != 0) {
      spdlog::warn("redis cache: cannot read the SIGPIPE disposition");
      return;
    }
    if (current.sa_handler != SIG_DFL) {
      return;
    }
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    if (sigaction(SIGPIPE, &ignore, nullptr) != 0) {
      spdlog::warn("redis cache: cannot ignore SIGPIPE; a reset connection may kill the process");
    }
  });
}

// CLIENT SETNAME refuses spaces and newlines.
std::string ClientName(std::string_view key_prefix) {
  std::string name(key_prefix);
  for (char& c : name) {
    if (c <= ' ' || c > '~') c = '_';
  }
  return name;
}

}  // namespace

std::string EncodeRedisEntry(std::uint64_t generation, const CachedResponse& value) {
  std::string out;
  out.reserve(kEntryHeaderBytes + value.etag.size() + value.content_type.size() +
              value.body.size());
  out.append(kEntryMagic);
  core::AppendBigEndian(out, generation);
  core::AppendBigEndian(out, static_cast<std::uint32_t>(value.etag.size()));
  out.append(value.etag);
  core::AppendBigEndian(out, static_cast<std::uint32_t>(value.content_type.size()));
  out.append(value.content_type);
  out.append(value.body);
  return out;
}

std::optional<DecodedRedisEntry> DecodeRedisEntry(std::string_view encoded) {
  if (encoded.size() < kEntryHeaderBytes || !encoded.starts_with(kEntryMagic)) {
    return std::nullopt;
  }
  std::size_t offset = kEntryMagic.size();
  DecodedRedisEntry entry{};
  entry.generation = core::LoadBigEndian<std::uint64_t>(encoded.data() + offset);
  offset += 8;
  const std::uint64_t etag_size = core::LoadBigEndian<std::uint32_t>(encoded.data() + offset);
  offset += 4;
  if (etag_size > encoded.size() - offset - 4) {  // header guarantees 4 bytes remain
    return std::nullopt;
  }
  entry.value.etag = std::string(encoded.substr(offset, etag_size));
  offset += etag_size;
  const std::uint64_t type_size = core::LoadBigEndian<std::uint32_t>(encoded.data() + offset);
  offset += 4;
  if (type_size > encoded.size() - offset) {
    return std::nullopt;
  }
  entry.value.content_type = std::string(encoded.substr(offset, type_size));
  offset += type_size;
  entry.value.body = std::string(encoded.substr(offset));
  return entry;
}

void RedisCache::ContextDeleter::operator()(redisContext* context) const { redisFree(context); }
void RedisCache::ReplyDeleter::operator()(redisReply* reply) const { freeReplyObject(reply); }

RedisCache::Lease::Lease(RedisCache& owner, ContextPtr context, std::uint64_t pool_epoch)
    : owner_(&owner), context_(std::move(context)), pool_epoch_(pool_epoch) {}

RedisCache::Lease::Lease(Lease&& other) noexcept
    : owner_(other.owner_), context_(std::move(other.context_)), pool_epoch_(other.pool_epoch_) {}

RedisCache::Lease::~Lease() {
  if (context_) {
    owner_->Release(std::move(context_), pool_epoch_);
  }
}

RedisCache::RedisCache(RedisEndpoint endpoint, const CacheOptions& options)
    : endpoint_(std::move(endpoint)),
      ttl_seconds_(options.redis_ttl_seconds),
      timeout_(options.redis_timeout_ms),
      max_connections_(options.redis_max_connections),
      generation_key_(options.redis_key_prefix + ":gen"),
      entry_key_prefix_(options.redis_key_prefix + ":c:"),
      client_name_(ClientName(options.redis_key_prefix)),
      instance_id_(NextCacheInstanceId()) {
  if (ttl_seconds_ <= 0 || timeout_.count() <= 0 || max_connections_ == 0 ||
      options.redis_key_prefix.empty()) {
    throw std::invalid_argument(
        "Redis cache options: TTL, timeout and max connections must be positive and the key "
        "prefix non-empty");
  }
  IgnoreSigpipeUnlessHandled();
  // One connection up front so Health() is meaningful at once; failure just starts degraded.
  if (Acquire()) {
    spdlog::info("redis cache: connected to {}:{} db {}", endpoint_.host, endpoint_.port,
                 endpoint_.db);
  } else {
    spdlog::warn("redis cache: {}:{} not usable at start; serving uncached and reconnecting",
                 endpoint_.host, endpoint_.port);
  }
}

RedisCache::~RedisCache() = default;

RedisCache::ReplyPtr RedisCache::RunCommand(redisContext* context,
                                            const std::vector<std::string_view>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> argv_len;
  argv.reserve(args.size());
  argv_len.reserve(args.size());
  for (const std::string_view arg : args) {
    argv.push_back(arg.data());
    argv_len.push_back(arg.size());
  }
  return ReplyPtr(static_cast<redisReply*>(
      redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), argv_len.data())));
}

RedisCache::Connection RedisCache::Connect() {
  const timeval timeout = ToTimeval(timeout_);
  ContextPtr context(redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, timeout));
  if (!context) {
    return {nullptr, "cannot allocate a hiredis context"};
  }
  if (context->err != 0) {
    return {nullptr, "connect: " + std::string(context->errstr)};
  }
  // Without this, a server that accepts but never answers would block a request forever.
  if (redisSetTimeout(context.get(), timeout) != REDIS_OK) {
    return {nullptr, "setting the command timeout: " + std::string(context->errstr)};
  }
  // Returns an error message, empty on success. The message never contains the password.
  const auto expect_ok = [&](std::string_view what,
                             const std::vector<std::string_view>& args) -> std::string {
    ReplyPtr reply = RunCommand(context.get(), args);
    if (!reply) {
      return std::string(what) + ": " + context->errstr;
    }
    if (reply->type != REDIS_REPLY_STATUS || ReplyText(*reply) != kReplyOk) {
      return std::string(what) + " rejected: " + std::string(ReplyText(*reply));
    }
    return {};
  };
  if (!endpoint_.password.empty()) {
    std::vector<std::string_view> auth{kCmdAuth};
    if (!endpoint_.user.empty()) auth.push_back(endpoint_.user);
    auth.push_back(endpoint_.password);
    if (std::string error = expect_ok(kCmdAuth, auth); !error.empty()) {
      return {nullptr, std::move(error)};
    }
  }
  if (endpoint_.db != 0) {
    const std::string db = std::to_string(endpoint_.db);
    if (std::string error = expect_ok(kCmdSelect, {kCmdSelect, db}); !error.empty()) {
      return {nullptr, std::move(error)};
    }
  }
  // Named after the key prefix so CLIENT LIST shows whose connections these are.
  if (std::string error = expect_ok("CLIENT SETNAME", {kCmdClient, kCmdSetName, client_name_});
      !error.empty()) {
    return {nullptr, std::move(error)};
  }
  return {std::move(context), {}};
}

std::optional<RedisCache::Lease> RedisCache::Acquire() {
  std::unique_lock lock(mutex_);
  const Clock::time_point wait_deadline = Clock::now() + timeout_;
  bool waited_long_enough = false;
  ContextPtr context;
  while (!context) {
    if (!idle_.empty()) {
      context = std::move(idle_.back());
      idle_.pop_back();
      break;
    }
    const Clock::time_point now = Clock::now();
    if (down_ && now < next_connect_attempt_) {
      return std::nullopt;
    }
    if (open_connections_ < max_connections_) {
      ++open_connections_;
      if (down_) {
        next_connect_attempt_ = now + kReconnectInterval;  // this caller probes; others skip
      }
      lock.unlock();
      Connection connection = Connect();
      lock.lock();
      if (!connection.context) {
        --open_connections_;
        lock.unlock();
        pool_available_.notify_one();
        RecordConnectionFailure(
            "connection to " + endpoint_.host + ":" + std::to_string(endpoint_.port),
            connection.error);
        return std::nullopt;
      }
      context = std::move(connection.context);
      if (down_) {
        down_ = false;
        spdlog::info("redis cache: reconnected to {}:{}", endpoint_.host, endpoint_.port);
      }
      break;
    }
    if (waited_long_enough) {
      spdlog::debug("redis cache: all {} connections stayed busy for {} ms", max_connections_,
                    timeout_.count());
      return std::nullopt;
    }
    // One more pass after the deadline, then give up: a request must not queue behind Redis.
    waited_long_enough = pool_available_.wait_until(lock, wait_deadline) == std::cv_status::timeout;
  }
  const std::uint64_t bumps_requested = bumps_requested_;
  const bool bump_owed = bumps_done_ < bumps_requested;
  Lease lease(*this, std::move(context), pool_epoch_);
  lock.unlock();

  if (bump_owed) {
    // An invalidation may have been lost while we could not reach Redis: bump the generation
    // before this process serves or stores anything.
    ReplyPtr reply = Command(lease, {kCmdIncr, generation_key_});
    if (!reply) {
      return std::nullopt;
    }
    if (reply->type != REDIS_REPLY_INTEGER) {
      spdlog::warn("redis cache: INCR {} returned reply type {}", generation_key_, reply->type);
      return std::nullopt;
    }
    std::lock_guard bump_lock(mutex_);
    bumps_done_ = std::max(bumps_done_, bumps_requested);
  }
  return lease;
}

void RedisCache::Release(ContextPtr context, std::uint64_t pool_epoch) {
  {
    std::lock_guard lock(mutex_);
    // A connection from before a failure is likely dead too; a broken one always is.
    if (pool_epoch == pool_epoch_ && context->err == 0) {
      idle_.push_back(std::move(context));
    } else {
      --open_connections_;
    }
  }
  pool_available_.notify_one();
  // A discarded context is freed here, outside the lock.
}

RedisCache::ReplyPtr RedisCache::Command(Lease& lease, const std::vector<std::string_view>& args) {
  ReplyPtr reply = RunCommand(lease.get(), args);
  if (!reply) {
    RecordConnectionFailure(args.front(), lease.get()->err != 0 ? lease.get()->errstr : "no reply");
    return nullptr;
  }
  if (reply->type == REDIS_REPLY_ERROR) {
    std::lock_guard lock(mutex_);
    if (last_operation_ok_) {  // log the transition, not every request
      spdlog::warn("redis cache: {} failed: {}", args.front(), ReplyText(*reply));
    }
    last_operation_ok_ = false;
    last_operation_ = Clock::now();
    return nullptr;
  }
  RecordSuccess();
  return reply;
}

void RedisCache::RecordConnectionFailure(std::string_view what, std::string_view detail) {
  std::vector<ContextPtr> dropped;
  {
    std::lock_guard lock(mutex_);
    ++pool_epoch_;
    ++bumps_requested_;
    open_connections_ -= idle_.size();
    dropped.swap(idle_);
    if (!down_) {
      spdlog::warn("redis cache: {} failed ({}); serving uncached, reconnecting every {} s", what,
                   detail, std::chrono::seconds(kReconnectInterval).count());
    }
    down_ = true;
    const Clock::time_point now = Clock::now();
    next_connect_attempt_ = std::max(next_connect_attempt_, now + kReconnectInterval);
    last_operation_ok_ = false;
    last_operation_ = now;
  }
  pool_available_.notify_all();
}

void RedisCache::RecordSuccess() {
  std::lock_guard lock(mutex_);
  last_operation_ok_ = true;
  last_operation_ = Clock::now();
}

std::optional<std::uint64_t> RedisCache::ParseGeneration(const redisReply& reply) {
  if (reply.type == REDIS_REPLY_NIL) {
    return 0;  // never invalidated yet
  }
  if (reply.type != REDIS_REPLY_STRING) {
    return std::nullopt;
  }
  const std::string_view text = ReplyText(reply);
  std::uint64_t generation = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), generation);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return generation;
}

std::optional<CachedResponse> RedisCache::Get(std::string_view key) {
  std::optional<Lease> lease = Acquire();
  if (!lease) {
    return std::nullopt;
  }
  const std::string entry_key = entry_key_prefix_ + std::string(key);
  // One round trip reads both the current generation and the entry.
  ReplyPtr reply = Command(*lease, {kCmdGet, generation_key_, entry_key});
  if (!reply) {
    return std::nullopt;
  }
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
    spdlog::warn("redis cache: MGET returned reply type {} with {} elements", reply->type,
                 reply->elements);
    return std::nullopt;
  }
  const std::optional<std::uint64_t> generation = ParseGeneration(*reply->element[0]);
  if (!generation) {
    spdlog::warn("redis cache: {} does not hold a generation number", generation_key_);
    return std::nullopt;
  }
  const redisReply& entry = *reply->element[1];
  if (entry.type == REDIS_REPLY_STRING) {
    std::optional<DecodedRedisEntry> decoded = DecodeRedisEntry(ReplyText(entry));
    if (decoded && decoded->generation == *generation) {
      return std::move(decoded->value);
    }
    if (!decoded) {
      spdlog::debug("redis cache: malformed entry under {}; treated as a miss", entry_key);
    }
  }
  RecordFillTicket(instance_id_, key, FillTicket{*generation, lease->pool_epoch()});
  return std::nullopt;
}

void RedisCache::Put(std::string_view key, const CachedResponse& value) {
  const std::optional<FillTicket> ticket = TakeFillTicket(instance_id_, key);
  if (!ticket) {
    return;
  }
  std::optional<Lease> lease = Acquire();
  // A connection was lost since the Get: the ticket's generation may predate an invalidation
  // that could not reach Redis, or a restarted counter may reuse its number.
  if (!lease || lease->pool_epoch() != ticket->epoch) {
    return;
  }
  const std::string entry_key = entry_key_prefix_ + std::string(key);
  const std::string encoded = EncodeRedisEntry(ticket->generation, value);
  const std::string ttl = std::to_string(ttl_seconds_);
  ReplyPtr reply = Command(*lease, {kCmdSet, entry_key, encoded, kCmdExpire, ttl});
  if (reply && (reply->type != REDIS_REPLY_STATUS || ReplyText(*reply) != kReplyOk)) {
    spdlog::warn("redis cache: SET returned reply type {}", reply->type);
  }
}

void RedisCache::InvalidateAll() {
  bool done = false;
  if (std::optional<Lease> lease = Acquire()) {
    ReplyPtr reply = Command(*lease, {kCmdIncr, generation_key_});
    done = reply && reply->type == REDIS_REPLY_INTEGER;
    if (reply && !done) {
      spdlog::warn("redis cache: INCR {} returned reply type {}", generation_key_, reply->type);
    }
  }
  if (!done) {
    // Owed until an INCR succeeds; Acquire pays it before anything is served again.
    std::lock_guard lock(mutex_);
    ++bumps_requested_;
  }
}

CacheHealth RedisCache::Health() {
  {
    std::lock_guard lock(mutex_);
    const Clock::time_point now = Clock::now();
    if (down_ && now < next_connect_attempt_) {
      return CacheHealth::kDegraded;
    }
    if (!down_ && now - last_operation_ < kHealthFreshness) {
      return last_operation_ok_ && bumps_done_ == bumps_requested_ ? CacheHealth::kOk
                                                                   : CacheHealth::kDegraded;
    }
  }
  std::optional<Lease> lease = Acquire();
  if (!lease) {
    return CacheHealth::kDegraded;
  }
  ReplyPtr reply = Command(*lease, {kCmdPing});
  return reply && reply->type == REDIS_REPLY_STATUS && ReplyText(*reply) == kReplyPong
             ? CacheHealth::kOk
             : CacheHealth::kDegraded;
}

}  // namespace ocean::cache
