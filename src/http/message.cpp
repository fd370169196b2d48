#include "http/message.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace ocean::http {
namespace {

struct MethodName {
  Method method;
  std::string_view name;
};

// HTTP method names are case-sensitive (RFC 9110 §9.1), so they are compared exactly.
constexpr std::array<MethodName, 7> kMethodNames{{
    {Method::kGet, "GET"},
    {Method::kHead, "HEAD"},
    {Method::kPost, "POST"},
    {Method::kPut, "PUT"},
    {Method::kPatch, "PATCH"},
    {Method::kDelete, "DELETE"},
    {Method::kOptions, "OPTIONS"},
}};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view ToString(Method method) {
  for (const auto& entry : kMethodNames) {
    if (entry.method == method) return entry.name;
  }
  return "OTHER";
}

Method ParseMethod(std::string_view text) {
  for (const auto& entry : kMethodNames) {
    if (entry.name == text) return entry.method;
  }
  return Method::kOther;
}

std::string_view Request::HeaderValue(std::string_view name) const {
  for (const auto& header : headers) {
    if (EqualsIgnoreCase(header.name, name)) return header.value;
  }
  return {};
}

}  // namespace ocean::http
