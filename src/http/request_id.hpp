// Request ids tie a client's report, the access log and error logs together.
#pragma once

#include <string>
#include <string_view>

namespace ocean::http {

// At most 64 characters of [A-Za-z0-9._-]: safe to echo in a header and to log verbatim.
bool IsSaneRequestId(std::string_view id);

// 16 random hex digits (64 bits).
std::string GenerateRequestId();

// The client's X-Request-ID when sane (so proxies can correlate), otherwise a fresh one.
std::string ChooseRequestId(std::string_view client_value);

}  // namespace ocean::http
