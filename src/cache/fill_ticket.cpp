#include "cache/fill_ticket.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

namespace ocean::cache {
namespace {

// A handler does Get, computes, Put; only a few keys are in flight per thread. Misses never
// followed by a Put (a failed computation) are pushed out by this bound.
constexpr std::size_t kMaxTicketsPerThread = 32;

struct TicketEntry {
  std::uint64_t instance_id;
  std::string key;
  FillTicket ticket;
};

std::vector<TicketEntry>& ThreadTickets() {
  thread_local std::vector<TicketEntry> tickets;
  return tickets;
}

auto FindTicket(std::vector<TicketEntry>& tickets, std::uint64_t instance_id,
                std::string_view key) {
  return std::find_if(tickets.begin(), tickets.end(), [&](const TicketEntry& entry) {
    return entry.instance_id == instance_id && entry.key == key;
  });
}

}  // namespace

std::uint64_t NextCacheInstanceId() {
  static std::atomic<std::uint64_t> next_id{1};
  return next_id.fetch_add(1, std::memory_order_relaxed);
}

void RecordFillTicket(std::uint64_t instance_id, std::string_view key, FillTicket ticket) {
  auto& tickets = ThreadTickets();
  if (auto it = FindTicket(tickets, instance_id, key); it != tickets.end()) {
    tickets.erase(it);
  }
  if (tickets.size() >= kMaxTicketsPerThread) {
    tickets.erase(tickets.begin());  // oldest first: the vector is kept in insertion order
  }
  tickets.push_back(TicketEntry{instance_id, std::string(key), ticket});
}

std::optional<FillTicket> TakeFillTicket(std::uint64_t instance_id, std::string_view key) {
  auto& tickets = ThreadTickets();
  auto it = FindTicket(tickets, instance_id, key);
  if (it == tickets.end()) {
    return std::nullopt;
  }
  FillTicket ticket = it->ticket;
  tickets.erase(it);
  return ticket;
}

}  // namespace ocean::cache
