// What /api/health/ says about the database backups. The backup job (infra/docker/backup/backup.sh)
// writes a small JSON status file after every attempt into a volume the backend mounts read-only
// (OCEAN_BACKUP_STATUS_FILE); reading it on each health request keeps a failed or stopped backup
// job visible without any channel between the two containers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/json_writer.hpp"
#include "core/types.hpp"

namespace ocean::api {

enum class BackupState {
  kOk,       // the last attempt succeeded and is recent
  kNone,     // no status file yet: no backup has run
  kFailed,   // the last attempt failed (last_error says why)
  kStale,    // no attempt for two intervals and an hour: the job is not running
  kInvalid,  // the status file cannot be read or is not the job's JSON
};

struct BackupReport {
  BackupState state = BackupState::kNone;
  std::string message;  // why, when the state is not kOk
  std::optional<std::string> last_attempt;
  std::optional<std::string> last_success;
  std::optional<std::string> last_error;
  std::optional<std::string> last_file;
  std::optional<std::int64_t> last_size_bytes;
  std::optional<std::int64_t> kept;
};

// The report from the status file's text (nullopt: the file does not exist) at `now`. Pure.
BackupReport AssessBackupStatus(std::optional<std::string_view> text, core::EpochMs now);

// Reads `path` and assesses it; a file that cannot be read is kInvalid, a missing one kNone.
BackupReport ReadBackupStatus(const std::string& path, core::EpochMs now);

// Failed, stale and invalid backups make the service "degraded"; none yet does not.
bool BackupDegrades(const BackupReport& report);

// The "backup" object of /api/health/.
void WriteBackupReport(core::JsonWriter& w, const BackupReport& report);

}  // namespace ocean::api
