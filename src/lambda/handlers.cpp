#include "lambda/handlers.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>

#include "config/config.hpp"
#include "core/json_escape.hpp"
#include "core/locations.hpp"
#include "jobs/fetch.hpp"
#include "sources/http_client.hpp"
#include "sources/source_config.hpp"

namespace ocean::lambda {
namespace {

using std::chrono::milliseconds;

// Time kept back from the deadline to post the answer; a source is not started with less
// than kMinSourceTime left (a partial source would be cut mid-batch by Lambda's timeout).
constexpr std::int64_t kDeadlineMarginMs = 2'000;
constexpr std::int64_t kMinSourceTimeMs = 10'000;
constexpr std::int64_t kMaxDays = 30;

struct FetchSpec {
  std::string_view handler;
  std::vector<std::string> source_ids;  // empty: every source of `kind`
  sources::SourceKind kind = sources::SourceKind::kErddapGriddap;
};

const std::vector<FetchSpec>& FetchSpecs() {
  static const std::vector<FetchSpec> specs = {
      {"fetch_noaa", {"noaa"}, {}},
      {"fetch_chlorophyll", {"chlorophyll"}, {}},
      {"fetch_ndbc", {"ndbc"}, {}},
      {"fetch_copernicus", {}, sources::SourceKind::kCopernicusArco},
  };
  return specs;
}
constexpr std::string_view kCleanup = "cleanup";

std::string Quote(std::string_view text) {
  std::string out;
  core::AppendJsonString(out, text);
  return out;
}

std::string TrimSlashes(std::string url) {
  while (url.ends_with('/')) url.pop_back();
  return url;
}

// What every handler shares for the life of the process.
struct State {
  std::string api_url;  // without a trailing slash
  std::string secret_id;
  AwsSettings aws;
  std::function<std::int64_t()> now_ms;
  CurlSession session;  // Secrets Manager and the backend, kept alive between invocations
  std::string api_key;  // read at the first invocation, then kept

  // The key, read once per process. Throws with the reason.
  const std::string& Key() {
    if (api_key.empty()) api_key = ReadApiKey(session, aws, secret_id);
    return api_key;
  }
};

// The event may narrow the window: {"days": N}. Anything else in it is ignored (EventBridge
// sends its own scheduled-event document).
std::optional<int> EventDays(const std::string& payload, std::string& error) {
  if (payload.empty()) return std::nullopt;
  boost::system::error_code parse_error;
  const auto event = boost::json::parse(payload, parse_error);
  if (parse_error) {
    error = "the event is not JSON";
    return std::nullopt;
  }
  if (!event.is_object()) return std::nullopt;
  const auto* days = event.get_object().if_contains("days");
  if (days == nullptr) return std::nullopt;
  if (!days->is_int64() || days->get_int64() < 1 || days->get_int64() > kMaxDays) {
    error = fmt::format("\"days\" must be an integer in [1, {}]", kMaxDays);
    return std::nullopt;
  }
  return static_cast<int>(days->get_int64());
}

std::string SourceJson(const jobs::SourceSummary& summary) {
  return fmt::format(
      R"({{"id":{},"ok":{},"rows":{},"locations":{},"failed_locations":{},"seconds":{:.3f},"error":{}}})",
      Quote(summary.source_id), summary.ok, summary.rows, summary.locations,
      summary.failed_locations, summary.seconds, Quote(summary.error));
}

HandlerResult RunFetchHandler(State& state, std::string_view name,
                              const std::vector<sources::SourceConfig>& selected,
                              const std::vector<core::Location>& locations,
                              const Invocation& invocation) {
  std::string event_error;
  const auto days = EventDays(invocation.payload, event_error);
  if (!event_error.empty()) return HandlerResult::Failure("Event.Invalid", event_error);
  std::string key;
  try {
    key = state.Key();
  } catch (const std::exception& e) {
    return HandlerResult::Failure("Secret.Unavailable", e.what());
  }
  std::vector<std::string> results;
  std::vector<std::string> skipped;
  std::vector<std::string> failures;
  for (const auto& source : selected) {
    const std::int64_t now = state.now_ms();
    const std::int64_t left =
        invocation.deadline_ms > 0 ? invocation.deadline_ms - now - kDeadlineMarginMs : 0;
    if (invocation.deadline_ms > 0 && left < kMinSourceTimeMs) {
      skipped.push_back(source.id);
      continue;
    }
    sources::HttpClientOptions http_options;
    if (invocation.deadline_ms > 0) {
      http_options.total_timeout = std::min(http_options.total_timeout, milliseconds(left));
    }
    sources::HttpClient http(http_options);
    const auto sink = jobs::MakeIngestSink(state.api_url + "/observations/ingest/", key, http);
    jobs::FetchOptions options;
    options.days = days;
    options.now_ms = now;
    const auto summary = jobs::RunFetch(std::span(&source, 1), locations, http, *sink, options,
                                        [](std::string_view) {});
    for (const auto& one : summary.sources) {
      results.push_back(SourceJson(one));
      if (!one.ok) failures.push_back(one.Line());
    }
  }
  std::vector<std::string> skipped_json(skipped.size());
  std::transform(skipped.begin(), skipped.end(), skipped_json.begin(), Quote);
  if (!skipped.empty()) {
    failures.push_back(fmt::format("deadline: not started, under {} s left: {}",
                                   (kMinSourceTimeMs + kDeadlineMarginMs) / 1000,
                                   fmt::join(skipped, ", ")));
  }
  if (!failures.empty()) {
    return HandlerResult::Failure("Fetch.Failed", fmt::format("{}", fmt::join(failures, "; ")));
  }
  return HandlerResult::Success(fmt::format(R"({{"handler":{},"sources":[{}],"skipped":[{}]}})",
                                            Quote(name), fmt::join(results, ","),
                                            fmt::join(skipped_json, ",")));
}

HandlerResult RunCleanupHandler(State& state, const Invocation& invocation) {
  std::string key;
  try {
    key = state.Key();
  } catch (const std::exception& e) {
    return HandlerResult::Failure("Secret.Unavailable", e.what());
  }
  CallRequest request;
  request.post = true;
  request.url = state.api_url + "/admin/cleanup/";
  request.headers.push_back("Authorization: Bearer " + key);
  request.headers.emplace_back("Content-Type: application/json");
  request.body = "{}";
  request.timeout_ms = 60'000;
  if (invocation.deadline_ms > 0) {
    request.timeout_ms = std::max<std::int64_t>(
        1, std::min<std::int64_t>(request.timeout_ms,
                                  invocation.deadline_ms - state.now_ms() - kDeadlineMarginMs));
  }
  const auto response = state.session.Perform(request);
  if (!response.error.empty() || response.status != 200) {
    return HandlerResult::Failure("Cleanup.Failed",
                                  fmt::format("{}: {}", request.url, response.Describe()));
  }
  return HandlerResult::Success(response.body);
}

MadeHandler InitFailure(std::string type, std::string message) {
  MadeHandler made;
  made.init_error_type = std::move(type);
  made.init_error = std::move(message);
  return made;
}

}  // namespace

const std::vector<std::string_view>& HandlerNames() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> all;
    for (const auto& spec : FetchSpecs()) all.push_back(spec.handler);
    all.push_back(kCleanup);
    return all;
  }();
  return names;
}

MadeHandler MakeHandler(std::string_view name, const HandlerContext& context) {
  const auto& names = HandlerNames();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    return InitFailure("Runtime.UnknownHandler", fmt::format("_HANDLER \"{}\" is not one of: {}",
                                                             name, fmt::join(names, ", ")));
  }
  auto state = std::make_shared<State>();
  state->now_ms = context.now_ms;
  state->api_url = TrimSlashes(context.env(kApiUrlEnv).value_or(""));
  state->secret_id = context.env(kBackendSecretEnv).value_or("");
  if (state->api_url.empty()) {
    return InitFailure(
        "Runtime.MissingVariable",
        fmt::format("{} is not set (e.g. https://dashboard.example.org/api)", kApiUrlEnv));
  }
  if (!state->api_url.starts_with("http://") && !state->api_url.starts_with("https://")) {
    return InitFailure("Runtime.ConfigInvalid",
                       fmt::format("{} must be an http(s) URL", kApiUrlEnv));
  }
  if (state->secret_id.empty()) {
    return InitFailure(
        "Runtime.MissingVariable",
        fmt::format("{} is not set (the API-key secret's name or ARN)", kBackendSecretEnv));
  }
  auto aws = SecretsManagerSettings(context.env);
  if (!aws.settings) return InitFailure("Runtime.MissingVariable", aws.error);
  state->aws = std::move(*aws.settings);

  MadeHandler made;
  if (name == kCleanup) {
    made.handler = [state](const Invocation& invocation) {
      return RunCleanupHandler(*state, invocation);
    };
    return made;
  }
  const auto& spec = *std::find_if(FetchSpecs().begin(), FetchSpecs().end(),
                                   [&](const FetchSpec& one) { return one.handler == name; });
  std::vector<sources::SourceConfig> selected;
  std::vector<core::Location> locations;
  try {
    const auto all = sources::LoadSourcesFile(context.config->sources_file);
    if (spec.source_ids.empty()) {
      for (const auto& source : all) {
        if (source.kind == spec.kind) selected.push_back(source);
      }
    } else {
      selected = sources::SelectSources(all, spec.source_ids);
    }
    locations = core::LoadLocationsFile(context.config->locations_file);
  } catch (const std::exception& e) {
    return InitFailure("Runtime.ConfigInvalid", e.what());
  }
  if (selected.empty()) {
    return InitFailure("Runtime.ConfigInvalid", fmt::format("{} lists no source for {}",
                                                            context.config->sources_file, name));
  }
  made.handler = [state, name = std::string(name), selected = std::move(selected),
                  locations = std::move(locations)](const Invocation& invocation) {
    return RunFetchHandler(*state, name, selected, locations, invocation);
  };
  return made;
}

}  // namespace ocean::lambda
