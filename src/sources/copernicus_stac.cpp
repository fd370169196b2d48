#include "sources/copernicus_stac.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url.hpp>
#include <vector>

#include "core/time.hpp"
#include "sources/copernicus.hpp"

namespace ocean::sources {
namespace {

namespace json = boost::json;

constexpr std::string_view kCatalogFile = "catalog.stac.json";
constexpr std::string_view kMetadataBucket = "/mdl-metadata";
constexpr std::string_view kMetadataPrefix = "/metadata";
constexpr std::string_view kGeoChunkedAsset = "geoChunked";
constexpr std::string_view kPartSeparator = "--ext--";
constexpr std::string_view kDefaultLabel = "default";
// The toolbox tags every request with its client name so that Copernicus can count usage
// (data-sources.md §2.4); no credential travels this way.
constexpr std::string_view kMonitoringQuery = "x-cop-client=oceandash";

Parsed<json::value> GetJson(HttpClient& http, const std::string& url) {
  const auto response = http.Get(WithCopernicusMonitoringQuery(url));
  if (!response.ok()) {
    return Parsed<json::value>::Fail(fmt::format("GET {}: {}", url, response.Describe()));
  }
  boost::system::error_code ec;
  auto value = json::parse(response.body, ec);
  if (ec) return Parsed<json::value>::Fail(fmt::format("{}: not JSON ({})", url, ec.message()));
  return Parsed<json::value>::Ok(std::move(value));
}

const json::value* Member(const json::value& value, std::string_view key) {
  const auto* object = value.if_object();
  return object ? object->if_contains(key) : nullptr;
}

std::string_view StringMember(const json::value& value, std::string_view key) {
  const auto* member = Member(value, key);
  return member && member->is_string() ? std::string_view(member->get_string())
                                       : std::string_view{};
}

struct Link {
  std::string href;
  std::string title;
};

std::vector<Link> LinksWithRel(const json::value& document, std::string_view rel) {
  std::vector<Link> links;
  const auto* array = Member(document, "links");
  if (!array || !array->is_array()) return links;
  for (const auto& link : array->get_array()) {
    if (StringMember(link, "rel") != rel) continue;
    const auto href = StringMember(link, "href");
    if (href.empty()) continue;
    links.push_back({std::string(href), std::string(StringMember(link, "title"))});
  }
  return links;
}

// "GLOBAL_X/product.stac.json" -> "GLOBAL_X"; the STAC layout names directories after ids.
std::string_view FirstSegment(std::string_view href) {
  while (href.starts_with("./")) href.remove_prefix(2);
  return href.substr(0, href.find('/'));
}

std::optional<core::EpochMs> DateMember(const json::value& properties, std::string_view key) {
  const auto text = StringMember(properties, key);
  if (text.empty()) return std::nullopt;
  return core::ParseTimestamp(text);
}

struct VersionCandidate {
  std::string item_url;
  CopernicusItemId id;
  bool released = true;
  std::optional<core::EpochMs> retired;  // a retirement date still in the future
  std::string store_url;
};

// The toolbox's default choice: released versions before unreleased ones, then those never
// retired before those being retired (later retirement first), then the newest label.
bool PreferredVersion(const VersionCandidate& a, const VersionCandidate& b) {
  if (a.released != b.released) return a.released;
  if (a.retired.has_value() != b.retired.has_value()) return !a.retired.has_value();
  if (a.retired && *a.retired != *b.retired) return *a.retired > *b.retired;
  const bool a_default = a.id.version == kDefaultLabel;
  const bool b_default = b.id.version == kDefaultLabel;
  if (a_default != b_default) return b_default;
  return a.id.version > b.id.version;
}

bool IsYearMonth(std::string_view text) {
  if (text.size() != 6) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  const int month = (text[4] - '0') * 10 + (text[5] - '0');
  return (text[0] == '1' || text[0] == '2') && month >= 1 && month <= 12;
}

}  // namespace

std::string WithCopernicusMonitoringQuery(const std::string& url) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + std::string(kMonitoringQuery);
}

// Upstream trouble worth trying another server for, as opposed to an answer we cannot use.
bool IsCopernicusServerFailure(const HttpResponse& response) {
  return !response.error.empty() || response.status == 0 || response.status == 408 ||
         response.status == 429 || response.status >= 500;
}

Parsed<std::string> DiscoverCopernicusStore(HttpClient& http, const std::string& root,
                                            std::string_view product, std::string_view dataset,
                                            core::EpochMs now_ms) {
  using Result = Parsed<std::string>;
  const std::string catalog_url = root + "/" + std::string(kCatalogFile);
  auto catalog = GetJson(http, catalog_url);
  if (!catalog.value) return Result::Fail(catalog.error);

  std::optional<std::string> product_url;
  for (const auto& link : LinksWithRel(*catalog.value, "child")) {
    if (link.title == product || FirstSegment(link.href) == product) {
      product_url = ResolveHref(catalog_url, link.href);
      break;
    }
  }
  if (!product_url) {
    return Result::Fail(fmt::format("product {} is not in {}", product, catalog_url));
  }
  auto collection = GetJson(http, *product_url);
  if (!collection.value) return Result::Fail(collection.error);

  std::vector<VersionCandidate> candidates;
  std::vector<std::string> skipped;
  for (const auto& link : LinksWithRel(*collection.value, "item")) {
    const auto directory = FirstSegment(link.href);
    auto id = ParseCopernicusItemId(directory != link.href ? directory : link.title);
    if (id.dataset != dataset || id.part != kDefaultLabel) continue;
    auto item_url = ResolveHref(*product_url, link.href);
    if (!item_url) {
      skipped.push_back(fmt::format("{}: bad href", id.version));
      continue;
    }
    auto item = GetJson(http, *item_url);
    if (!item.value) {
      skipped.push_back(item.error);
      continue;
    }
    const auto* properties = Member(*item.value, "properties");
    if (!properties || !properties->is_object()) {
      skipped.push_back(fmt::format("{}: no properties", *item_url));
      continue;
    }
    VersionCandidate candidate;
    candidate.item_url = *item_url;
    candidate.id = std::move(id);
    if (const auto retired = DateMember(*properties, "admp_retired_date")) {
      if (*retired < now_ms) {
        skipped.push_back(fmt::format("{} retired", candidate.id.version));
        continue;
      }
      candidate.retired = retired;
    }
    if (const auto* preparing = Member(*properties, "admp_in_preparation");
        preparing && preparing->is_bool() && preparing->get_bool()) {
      skipped.push_back(fmt::format("{} in preparation", candidate.id.version));
      continue;
    }
    if (const auto released = DateMember(*properties, "admp_released_date")) {
      candidate.released = *released <= now_ms;
    }
    const auto* assets = Member(*item.value, "assets");
    const auto* asset = assets ? Member(*assets, kGeoChunkedAsset) : nullptr;
    const auto href = asset ? StringMember(*asset, "href") : std::string_view{};
    // The toolbox ignores service hrefs ending in '/' (placeholders of unpublished services).
    auto store = href.empty() || href.ends_with('/') ? std::nullopt : ResolveHref(*item_url, href);
    if (!store) {
      skipped.push_back(fmt::format("{} has no {} asset", candidate.id.version, kGeoChunkedAsset));
      continue;
    }
    candidate.store_url = std::move(*store);
    candidates.push_back(std::move(candidate));
  }
  if (candidates.empty()) {
    std::string why = skipped.empty() ? "not listed" : fmt::format("{}", fmt::join(skipped, "; "));
    return Result::Fail(fmt::format("no usable version of {} in {}: {}", dataset, product, why));
  }
  std::sort(candidates.begin(), candidates.end(), PreferredVersion);
  spdlog::debug("copernicus: {} version {} -> {}", dataset, candidates.front().id.version,
                candidates.front().store_url);
  return Result::Ok(std::move(candidates.front().store_url));
}

std::string CopernicusStacRoot(std::string_view server_url) {
  std::string_view url = server_url;
  while (url.ends_with('/')) url.remove_suffix(1);
  if (url.ends_with(kCatalogFile)) {
    url.remove_suffix(kCatalogFile.size());
    while (url.ends_with('/')) url.remove_suffix(1);
  }
  std::string root(url);
  if (url.ends_with(kMetadataBucket)) root += kMetadataPrefix;
  return root;
}

CopernicusItemId ParseCopernicusItemId(std::string_view item_id) {
  CopernicusItemId id{std::string(item_id), std::string(kDefaultLabel), std::string(kDefaultLabel)};
  std::string_view name = item_id;
  if (const auto separator = name.find(kPartSeparator); separator != std::string_view::npos) {
    id.part = std::string(name.substr(separator + kPartSeparator.size()));
    name = name.substr(0, separator);
  }
  if (name.size() > 7 && name[name.size() - 7] == '_' &&
      IsYearMonth(name.substr(name.size() - 6))) {
    id.version = std::string(name.substr(name.size() - 6));
    name.remove_suffix(7);
  }
  id.dataset = std::string(name);
  return id;
}

std::optional<std::string> ResolveHref(std::string_view document_url, std::string_view href) {
  const auto base = boost::urls::parse_uri(document_url);
  const auto reference = boost::urls::parse_uri_reference(href);
  if (!base || !reference) return std::nullopt;
  boost::urls::url resolved;
  if (!boost::urls::resolve(*base, *reference, resolved)) return std::nullopt;
  return std::string(resolved.buffer());
}

}  // namespace ocean::sources
