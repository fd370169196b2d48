// SQLite implementation of Store. Private to the storage module; use OpenStore().
#pragma once

#include <memory>
#include <string>

#include "storage/store.hpp"

namespace ocean::storage {

// `path` is a file name (or ":memory:", which then uses a single connection).
// `reader_count` read-only connections serve queries; one more connection does all writes.
std::unique_ptr<Store> OpenSqliteStore(const std::string& path, int reader_count);

}  // namespace ocean::storage
