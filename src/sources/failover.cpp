#include "sources/failover.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <string_view>
#include <thread>

#include "sources/http_client.hpp"

namespace ocean::sources {
namespace {

constexpr std::size_t kMaxErrorTextBytes = 300;
constexpr std::size_t kMaxNamedLocations = 3;
constexpr std::string_view kNoServer = "no server configured";

// Runs fn(0..count-1) on up to `workers` threads; each index once.
void ForEachParallel(std::size_t count, int workers, const std::function<void(std::size_t)>& fn) {
  const std::size_t threads =
      std::min<std::size_t>(count, static_cast<std::size_t>(std::max(1, workers)));
  if (threads <= 1) {
    for (std::size_t i = 0; i < count; ++i) fn(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::jthread> pool;
  pool.reserve(threads);
  for (std::size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < count; i = next++) fn(i);
    });
  }
}

}  // namespace

std::string ShortErrorText(std::string_view body) {
  std::string_view text = body;
  constexpr std::string_view kMessage = "message=\"";
  if (const auto start = body.find(kMessage); start != std::string_view::npos) {
    text = body.substr(start + kMessage.size());
    if (const auto end = text.rfind("\";"); end != std::string_view::npos)
      text = text.substr(0, end);
  } else {
    const auto first = text.find_first_not_of(" \t\r\n");
    text = first == std::string_view::npos ? std::string_view{} : text.substr(first);
    text = text.substr(0, text.find('\n'));
  }
  std::string result(text.substr(0, kMaxErrorTextBytes));
  if (text.size() > kMaxErrorTextBytes) result += "...";
  return result;
}

std::string DescribeFailure(const HttpResponse& response) {
  if (response.body.empty()) return response.Describe();
  return response.Describe() + ": " + ShortErrorText(response.body);
}

FetchResult FetchWithFailover(const SourceConfig& source, std::span<const core::Location> locations,
                              int parallelism, const PrepareServer& prepare,
                              const FetchLocation& fetch) {
  FetchResult result;
  result.locations = static_cast<int>(locations.size());
  std::vector<std::size_t> pending(locations.size());
  for (std::size_t i = 0; i < pending.size(); ++i) pending[i] = i;
  // Per location, what each server said; locations failing alike are reported together.
  std::vector<std::string> server_errors(locations.size());
  const auto note = [&](std::size_t i, const std::string& url, const std::string& error) {
    if (!server_errors[i].empty()) server_errors[i] += " / ";
    server_errors[i] += fmt::format("{}: {}", url, error);
  };
  std::vector<std::string> servers_used;

  for (const auto& server : source.servers) {
    if (pending.empty()) break;
    if (auto error = prepare(server)) {
      spdlog::warn("{}: {}: {}", source.id, server.url, *error);
      for (const auto i : pending) note(i, server.url, *error);
      continue;
    }
    std::vector<LocationOutcome> outcomes(pending.size());
    ForEachParallel(pending.size(), parallelism,
                    [&](std::size_t k) { outcomes[k] = fetch(server, locations[pending[k]]); });
    std::vector<std::size_t> still_pending;
    bool answered = false;
    for (std::size_t k = 0; k < pending.size(); ++k) {
      const std::size_t i = pending[k];
      auto& outcome = outcomes[k];
      switch (outcome.kind) {
        case LocationOutcome::Kind::kOk:
          answered = true;
          for (auto& row : outcome.rows) result.rows.push_back(std::move(row));
          break;
        case LocationOutcome::Kind::kLocationError:
          answered = true;
          ++result.failed_locations;
          result.errors.push_back(
              fmt::format("{}: {}: {}", locations[i].id, server.url, outcome.error));
          break;
        case LocationOutcome::Kind::kServerError:
          spdlog::warn("{}: {}: {}: {}", source.id, locations[i].id, server.url, outcome.error);
          note(i, server.url, outcome.error);
          still_pending.push_back(i);
          break;
      }
    }
    if (answered) servers_used.push_back(server.url);
    pending = std::move(still_pending);
  }
  std::vector<std::pair<std::string, std::vector<std::string_view>>> alike;
  for (const auto i : pending) {
    ++result.failed_locations;
    const std::string why = server_errors[i].empty() ? std::string(kNoServer) : server_errors[i];
    auto it =
        std::find_if(alike.begin(), alike.end(), [&](const auto& a) { return a.first == why; });
    if (it == alike.end()) it = alike.insert(alike.end(), {why, {}});
    it->second.push_back(locations[i].id);
  }
  for (const auto& [why, ids] : alike) {
    const std::string who = ids.size() <= kMaxNamedLocations
                                ? fmt::format("{}", fmt::join(ids, ", "))
                                : fmt::format("{} locations", ids.size());
    result.errors.push_back(fmt::format("{}: every server failed: {}", who, why));
  }
  for (const auto& url : servers_used) {
    if (!result.server_used.empty()) result.server_used += ", ";
    result.server_used += url;
  }
  result.failed = result.locations > 0 && result.failed_locations == result.locations;
  return result;
}

}  // namespace ocean::sources
