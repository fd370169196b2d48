#include "api/response.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <functional>

#include "api/query.hpp"

namespace ocean::api {

http::Response JsonResponse(std::string body, int status) {
  http::Response response;
  response.status = status;
  response.content_type = std::string(kJson);
  response.body = std::move(body);
  return response;
}

bool WantsCsv(const http::Request& request, bool format_csv) {
  if (format_csv) return true;
  const auto accept = request.HeaderValue("Accept");
  const auto csv = accept.find("text/csv");
  if (csv == std::string_view::npos) return false;
  const auto json = accept.find("application/json");
  return json == std::string_view::npos || csv < json;
}

void AppendCsvField(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += field;
    return;
  }
  out += '"';
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string RelativeWindowKey(const http::Request& request, core::EpochMs now_ms) {
  const bool has_end = std::any_of(request.query.begin(), request.query.end(),
                                   [](const auto& pair) { return pair.first == "end"; });
  return has_end ? "" : MinuteKey(now_ms);
}

std::string MinuteKey(core::EpochMs now_ms) { return fmt::format("|minute={}", now_ms / 60'000); }

std::string CacheKey(const http::Request& request) {
  std::string key = request.path;
  key += '?';
  for (const auto& [name, value] : request.query) {
    key += EncodeQueryComponent(name);
    key += '=';
    key += EncodeQueryComponent(value);
    key += '&';
  }
  key += WantsCsv(request, false) ? "|csv" : "|json";
  return key;
}

// libstdc++'s hash of bytes (Murmur-based) reads 8 bytes at a time; the ETag only has to be
// stable across the processes of one deployment, which run the same binary.
std::string MakeEtag(std::string_view body) {
  return fmt::format("\"{:016x}-{:x}\"", std::hash<std::string_view>{}(body), body.size());
}

bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  std::size_t pos = 0;
  while (pos < if_none_match.size()) {
    auto comma = if_none_match.find(',', pos);
    if (comma == std::string_view::npos) comma = if_none_match.size();
    auto candidate = if_none_match.substr(pos, comma - pos);
    while (!candidate.empty() && candidate.front() == ' ') candidate.remove_prefix(1);
    while (!candidate.empty() && candidate.back() == ' ') candidate.remove_suffix(1);
    if (candidate.starts_with("W/")) candidate.remove_prefix(2);
    if (candidate == "*" || candidate == etag) return true;
    pos = comma + 1;
  }
  return false;
}

bool KeysEqual(std::string_view presented, std::string_view expected) {
  // Touch every byte of the expected key whatever the presented one holds, so the time taken
  // says nothing about how long a matching prefix was.
  unsigned char difference = presented.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const unsigned char p = i < presented.size() ? static_cast<unsigned char>(presented[i]) : 0;
    difference |= p ^ static_cast<unsigned char>(expected[i]);
  }
  return difference == 0 && !expected.empty();
}

}  // namespace ocean::api
