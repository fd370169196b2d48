// GET /api/health/: what the process knows about its database, cache and backups.
#pragma once

#include <optional>
#include <string>

#include "api/backup_status.hpp"

namespace ocean::api {

struct DemoInfo;

// What the handler gathered; RenderHealth turns it into the body.
struct HealthFacts {
  std::string database_error;  // empty: the database answered
  std::string database_kind;
  bool cache_ok = true;
  std::string cache_kind;
  std::string version;
  std::optional<BackupReport> backup;  // set when a backup status file is configured
  const DemoInfo* demo = nullptr;      // set when serving demo data
};

struct HealthBody {
  int status = 200;  // 503 when the database is unreachable
  std::string body;
};

HealthBody RenderHealth(const HealthFacts& facts);

}  // namespace ocean::api
