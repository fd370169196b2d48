// The generation a missed Get observed, kept until the matching Put on the same thread.
//
// Why: a response computed from the database must be stored under the generation that was
// current BEFORE the query ran. Storing under the generation current at Put time would let a
// response computed before a concurrent InvalidateAll pass as fresh. Cache's Get/Put signatures
// carry no token, so the miss leaves one here, per thread and per cache instance.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ocean::cache {

struct FillTicket {
  std::uint64_t generation = 0;
  // Bumped by the cache on every lost connection: a ticket from before an outage is void even
  // if the generation number happens to match again (a restarted Redis restarts its counter).
  std::uint64_t epoch = 0;
};

// A process-unique id for a cache instance, so tickets never leak between instances, even one
// created at the address of a destroyed one.
std::uint64_t NextCacheInstanceId();

// Remembers the ticket for (instance, key) on this thread, replacing an older one.
void RecordFillTicket(std::uint64_t instance_id, std::string_view key, FillTicket ticket);

// Removes and returns the ticket for (instance, key) on this thread, if any.
std::optional<FillTicket> TakeFillTicket(std::uint64_t instance_id, std::string_view key);

}  // namespace ocean::cache
