#include "http/request_id.hpp"

#include <algorithm>
#include <cstdint>
#include <random>

namespace ocean::http {

namespace {
constexpr std::size_t kMaxRequestIdLength = 64;
}  // namespace

bool IsSaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::string GenerateRequestId() {
  // One engine per thread: no lock on the hot path, and ids need uniqueness, not secrecy.
  thread_local std::mt19937_64 engine{std::random_device{}()};
  constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t value = engine();
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i) {
    id[static_cast<std::size_t>(i)] = kHex[value & 0xF];
    value >>= 4;
  }
  return id;
}

std::string ChooseRequestId(std::string_view client_value) {
  if (IsSaneRequestId(client_value)) return std::string(client_value);
  return GenerateRequestId();
}

}  // namespace ocean::http
