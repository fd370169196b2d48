#include "http/static_files.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <list>
#include <mutex>
#include <unordered_map>

#include "core/api_error.hpp"
#include "http/errors.hpp"
#include "http/header_names.hpp"

namespace ocean::http {

namespace fs = std::filesystem;

// Bounded LRU of gzip-compressed file contents, keyed by path and validated by size + mtime so
// an edited file is recompressed.
class GzipCache {
 public:
  explicit GzipCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  std::optional<std::string> Get(const std::string& path, std::uintmax_t size,
                                 fs::file_time_type mtime) {
    std::lock_guard lock(mutex_);
    const auto found = index_.find(path);
    if (found == index_.end()) return std::nullopt;
    const auto entry = found->second;
    if (entry->size != size || entry->mtime != mtime) {
      Erase(found);
      return std::nullopt;
    }
    entries_.splice(entries_.begin(), entries_, entry);
    return entry->compressed;
  }

  void Put(const std::string& path, std::uintmax_t size, fs::file_time_type mtime,
           const std::string& compressed) {
    if (compressed.size() > max_bytes_) return;
    std::lock_guard lock(mutex_);
    if (const auto found = index_.find(path); found != index_.end()) Erase(found);
    while (!entries_.empty() && used_bytes_ + compressed.size() > max_bytes_) {
      Erase(index_.find(entries_.back().path));
    }
    entries_.push_front({path, size, mtime, compressed});
    index_.emplace(path, entries_.begin());
    used_bytes_ += compressed.size();
  }

 private:
  struct Entry {
    std::string path;
    std::uintmax_t size;
    fs::file_time_type mtime;
    std::string compressed;
  };
  using Index = std::unordered_map<std::string, std::list<Entry>::iterator>;

  void Erase(Index::iterator found) {
    used_bytes_ -= found->second->compressed.size();
    entries_.erase(found->second);
    index_.erase(found);
  }

  const std::size_t max_bytes_;
  std::mutex mutex_;
  std::list<Entry> entries_;  // most recently used first
  Index index_;
  std::size_t used_bytes_ = 0;
};

namespace {

constexpr std::string_view kImmutablePrefix = "/_next/static/";
constexpr std::string_view kCacheImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kCacheRevalidate = "no-cache";
constexpr std::string_view kCacheDefault = "public, max-age=3600";
constexpr std::string_view kNotFoundPage = "404.html";
// Below this, gzip framing outweighs the saving; above it, compressing in a request is too slow.
constexpr std::uintmax_t kMinCompressBytes = 256;
constexpr std::uintmax_t kMaxCompressBytes = 4 * 1024 * 1024;

struct ContentType {
  std::string_view extension;
  std::string_view type;
  bool compressible;
};

constexpr std::array<ContentType, 17> kContentTypes{{
    {".html", "text/html; charset=utf-8", true},
    {".js", "text/javascript; charset=utf-8", true},
    {".mjs", "text/javascript; charset=utf-8", true},
    {".css", "text/css; charset=utf-8", true},
    {".json", "application/json", true},
    {".svg", "image/svg+xml", true},
    {".txt", "text/plain; charset=utf-8", true},
    {".map", "application/json", false},
    {".webmanifest", "application/manifest+json", false},
    {".png", "image/png", false},
    {".ico", "image/x-icon", false},
    {".woff2", "font/woff2", false},
    {".wasm", "application/wasm", false},
    {".jpg", "image/jpeg", false},
    {".jpeg", "image/jpeg", false},
    {".webp", "image/webp", false},
    {".woff", "font/woff", false},
}};

const ContentType& LookUpContentType(const fs::path& file) {
  static constexpr ContentType kUnknown{"", "application/octet-stream", false};
  std::string extension = file.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& entry : kContentTypes) {
    if (entry.extension == extension) return entry;
  }
  return kUnknown;
}

std::string ToLower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

// Rejects traversal in every spelling: ".." segments (also when they arrived as %2e%2e, since
// `path` is already decoded), encoded separators that decoding would have turned into '/',
// backslashes and NUL.
bool IsSafePath(const Request& request) {
  const std::string_view path = request.path;
  if (path.empty() || path.front() != '/') return false;
  if (path.find('\\') != std::string_view::npos) return false;
  if (path.find('\0') != std::string_view::npos) return false;
  std::string_view rest = path;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (segment == "..") return false;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  const std::string raw_path = ToLower(
      std::string_view(request.target).substr(0, std::string_view(request.target).find('?')));
  for (std::string_view encoded : {"%2f", "%5c", "%00"}) {
    if (raw_path.find(encoded) != std::string::npos) return false;
  }
  return true;
}

bool IsInside(const fs::path& candidate, const fs::path& root) {
  const auto mismatch = std::mismatch(root.begin(), root.end(), candidate.begin(), candidate.end());
  return mismatch.first == root.end();
}

// The canonical (symlink-free) path of `relative` under `root` when it names a regular file
// that stays inside the root after resolution.
std::optional<fs::path> Resolve(const fs::path& root, std::string_view relative) {
  while (relative.starts_with('/')) relative.remove_prefix(1);
  std::error_code ec;
  const fs::path resolved = fs::canonical(root / fs::path(relative), ec);
  if (ec) return std::nullopt;
  if (!IsInside(resolved, root)) return std::nullopt;
  if (!fs::is_regular_file(resolved, ec) || ec) return std::nullopt;
  return resolved;
}

bool AcceptsGzip(std::string_view accept_encoding) {
  while (!accept_encoding.empty()) {
    const auto comma = accept_encoding.find(',');
    std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view{} : accept_encoding.substr(comma + 1);
    const auto semicolon = item.find(';');
    std::string_view coding = item.substr(0, semicolon);
    while (!coding.empty() && coding.front() == ' ') coding.remove_prefix(1);
    while (!coding.empty() && coding.back() == ' ') coding.remove_suffix(1);
    if (ToLower(coding) != "gzip") continue;
    if (semicolon == std::string_view::npos) return true;
    // "gzip;q=0" is an explicit refusal; any positive weight accepts.
    const std::string params = ToLower(item.substr(semicolon + 1));
    const auto q = params.find("q=");
    if (q == std::string::npos) return true;
    return std::strtod(params.c_str() + q + 2, nullptr) > 0.0;
  }
  return false;
}

bool ETagMatches(std::string_view if_none_match, std::string_view etag) {
  // Weak comparison (RFC 9110 §13.1.2): the W/ prefix is ignored on both sides.
  auto strip_weak = [](std::string_view tag) {
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    return tag;
  };
  const std::string_view wanted = strip_weak(etag);
  while (!if_none_match.empty()) {
    const auto comma = if_none_match.find(',');
    std::string_view tag = if_none_match.substr(0, comma);
    if_none_match =
        comma == std::string_view::npos ? std::string_view{} : if_none_match.substr(comma + 1);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag == "*" || strip_weak(tag) == wanted) return true;
  }
  return false;
}

std::optional<std::string> ReadFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return bytes;
}

std::optional<std::string> GzipCompress(std::string_view input) {
  z_stream stream{};
  // windowBits 15 + 16 selects the gzip wrapper rather than raw zlib.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return std::nullopt;
  }
  std::unique_ptr<z_stream, decltype(&deflateEnd)> guard(&stream, &deflateEnd);
  std::string output(deflateBound(&stream, static_cast<uLong>(input.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(output.data());
  stream.avail_out = static_cast<uInt>(output.size());
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) return std::nullopt;
  output.resize(stream.total_out);
  return output;
}

std::string MakeETag(std::uintmax_t size, fs::file_time_type mtime) {
  char buffer[64];
  const int n = std::snprintf(buffer, sizeof buffer, "W/\"%jx-%llx\"", size,
                              static_cast<unsigned long long>(mtime.time_since_epoch().count()));
  return std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
}

void AddHeader(Response& response, std::string_view name, std::string value) {
  response.headers.push_back({std::string(name), std::move(value)});
}

std::optional<Response> FileResponse(const fs::path& root, const fs::path& file,
                                     const Request& request, int status, GzipCache* cache) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(file, ec);
  if (ec) return std::nullopt;
  const fs::file_time_type mtime = fs::last_write_time(file, ec);
  if (ec) return std::nullopt;

  const ContentType& type = LookUpContentType(file);
  std::string cache_control;
  if (status != 200 || type.extension == ".html") {
    cache_control = kCacheRevalidate;
  } else if (request.path.starts_with(kImmutablePrefix)) {
    cache_control = kCacheImmutable;
  } else {
    cache_control = kCacheDefault;
  }
  const fs::path relative = fs::relative(file, root, ec);
  if (ec) return std::nullopt;
  const std::optional<fs::path> precompressed = Resolve(root, relative.string() + ".gz");
  const bool varies_by_encoding = type.compressible || precompressed.has_value();
  const std::string etag = MakeETag(size, mtime);

  Response response;
  response.status = status;
  AddHeader(response, kHeaderCacheControl, cache_control);
  if (varies_by_encoding) AddHeader(response, kHeaderVary, "Accept-Encoding");
  if (status == 200) {
    AddHeader(response, kHeaderETag, etag);
    if (ETagMatches(request.HeaderValue(kHeaderIfNoneMatch), etag)) {
      response.status = 304;
      response.content_type.clear();
      return response;
    }
  }
  response.content_type = std::string(type.type);

  if (AcceptsGzip(request.HeaderValue(kHeaderAcceptEncoding))) {
    if (precompressed) {
      AddHeader(response, kHeaderContentEncoding, "gzip");
      response.file_path = precompressed->string();
      return response;
    }
    if (type.compressible && size >= kMinCompressBytes && size <= kMaxCompressBytes) {
      std::optional<std::string> compressed;
      if (cache) compressed = cache->Get(file.string(), size, mtime);
      if (!compressed) {
        if (auto bytes = ReadFile(file)) {
          compressed = GzipCompress(*bytes);
          if (compressed && cache) cache->Put(file.string(), size, mtime, *compressed);
        }
      }
      if (compressed && compressed->size() < size) {
        AddHeader(response, kHeaderContentEncoding, "gzip");
        response.body = std::move(*compressed);
        return response;
      }
    }
  }
  response.file_path = file.string();
  return response;
}

std::optional<Response> ServeFrom(const std::string& root, const Request& request,
                                  GzipCache* cache) {
  if (request.method != Method::kGet && request.method != Method::kHead) return std::nullopt;
  if (!IsSafePath(request)) {
    return ErrorResponse(core::ApiError(core::ErrorCode::kBadRequest, "invalid path"));
  }
  std::error_code ec;
  const fs::path canonical_root = fs::canonical(root, ec);
  if (ec) return std::nullopt;

  const std::string_view path = request.path;
  std::vector<std::string> candidates;
  if (path.ends_with('/')) {
    candidates.push_back(std::string(path) + "index.html");
  } else {
    candidates.push_back(std::string(path));
    candidates.push_back(std::string(path) + ".html");
    candidates.push_back(std::string(path) + "/index.html");
  }
  for (const auto& candidate : candidates) {
    if (auto file = Resolve(canonical_root, candidate)) {
      return FileResponse(canonical_root, *file, request, 200, cache);
    }
  }
  if (auto not_found = Resolve(canonical_root, kNotFoundPage)) {
    return FileResponse(canonical_root, *not_found, request, 404, cache);
  }
  return std::nullopt;
}

}  // namespace

StaticFiles::StaticFiles(std::string root, std::size_t gzip_cache_bytes)
    : root_(std::move(root)), gzip_cache_(std::make_shared<GzipCache>(gzip_cache_bytes)) {}

std::optional<Response> StaticFiles::Serve(const Request& request) const {
  return ServeFrom(root_, request, gzip_cache_.get());
}

std::optional<Response> ServeStatic(const std::string& root, const Request& request) {
  return ServeFrom(root, request, nullptr);
}

}  // namespace ocean::http
