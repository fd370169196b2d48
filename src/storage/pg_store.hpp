// PostgreSQL (libpq) implementation of Store. Private to the storage module; use OpenStore().
#pragma once

#include <memory>
#include <string>

#include "storage/store.hpp"

namespace ocean::storage {

// `url` is a libpq connection URI; the store holds at most `pool_size` connections.
// Connects once up front: throws core::UnavailableError when the server is unreachable.
std::unique_ptr<Store> OpenPgStore(const std::string& url, int pool_size);

}  // namespace ocean::storage
