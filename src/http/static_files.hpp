// Serves the Next.js static export (web/out) for every non-/api/ path.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "http/message.hpp"

namespace ocean::http {

class GzipCache;

class StaticFiles {
 public:
  static constexpr std::size_t kDefaultGzipCacheBytes = 8 * 1024 * 1024;

  // `root` is the export directory. Copies share one bounded cache of gzip-compressed files.
  explicit StaticFiles(std::string root, std::size_t gzip_cache_bytes = kDefaultGzipCacheBytes);

  // GET/HEAD only (other methods: nullopt). "/" → index.html; "/x" → x, x.html or
  // x/index.html (the export with and without trailingSlash). Unknown paths get the export's
  // 404.html with status 404, or nullopt when there is none. Paths with "..", encoded
  // separators (%2F, %5C), backslashes or NUL get 400; files that resolve (through symlinks)
  // outside the root are treated as missing. Sets Content-Type, Cache-Control, a weak ETag
  // (304 on If-None-Match) and gzip (a precompressed "file.gz" sibling, else compressed in
  // memory for text types).
  std::optional<Response> Serve(const Request& request) const;

 private:
  std::string root_;
  std::shared_ptr<GzipCache> gzip_cache_;
};

// Same rules without the in-memory cache (text files are compressed per request): for tests
// and one-off use. The server wires a StaticFiles instead.
std::optional<Response> ServeStatic(const std::string& root, const Request& request);

}  // namespace ocean::http
