// The one configuration struct. Built once in main from defaults < environment < flags,
// validated at once, then passed by const reference. Secrets are never logged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ocean::config {

struct Config {
  std::string host = "0.0.0.0";                      // --host
  int port = 8000;                                   // --port / PORT; 0 picks a free port
  std::string database_url = "sqlite:oceandash.db";  // --database / DATABASE_URL
  // --database-password-file / DATABASE_PASSWORD_FILE: the PostgreSQL password, put into
  // database_url by Validate, so the URL (in compose files, .env) never holds the secret.
  std::string database_password_file;
  std::string redis_url;       // --redis / REDIS_URL; empty: in-process cache
  std::string locations_file;  // --locations / OCEAN_LOCATIONS_FILE
  // --qc-rules / OCEAN_QC_FILE; default config/qc.json; empty when none is found: the
  // catalogue's gross range tests only.
  std::string qc_rules_file;
  std::string static_dir;                         // --static / OCEAN_STATIC_DIR; empty: no UI
  std::string api_key;                            // OCEAN_API_KEY (secret; env only)
  std::string api_key_file;                       // --api-key-file / OCEAN_API_KEY_FILE
  int retention_days = 30;                        // OCEAN_RETENTION_DAYS
  std::size_t max_body_bytes = 16 * 1024 * 1024;  // OCEAN_MAX_BODY_BYTES
  std::string cors_origins_text;                  // --cors-origins / CORS_ALLOWED_ORIGINS
  std::vector<std::string> cors_allowed_origins;  // parsed from cors_origins_text
  std::string log_level = "info";                 // OCEAN_LOG_LEVEL
  bool scheduler = true;                          // background jobs; false with --no-scheduler
  bool no_scheduler = false;                      // --no-scheduler / OCEAN_NO_SCHEDULER
  int threads = 0;                                // --threads / OCEAN_THREADS; 0: one per core
  int workers = 0;                                // --workers / OCEAN_WORKERS; 0: 2 per core
  int cache_max_mb = 8;                           // OCEAN_CACHE_MAX_MB (in-process cache)
  std::string sources_file;  // --sources / OCEAN_SOURCES_FILE; default config/sources.json
  std::vector<std::string> fetch_sources;  // fetch: source ids, or "all"
  int fetch_days = 0;                      // fetch --days; 0: each source's lookback_days
  bool dry_run = false;                    // fetch --dry-run: print, write nothing
  std::string ingest_url;                  // fetch --ingest-url: POST to a server, no database
  bool demo = false;     // serve --demo / OCEAN_DEMO: synthesised samples, no real fetching
  std::string demo_dir;  // --demo-dir / OCEAN_DEMO_DIR; default: the checkout's demo/
  // --backup-status-file / OCEAN_BACKUP_STATUS_FILE: the backup job's JSON status, shown in
  // /api/health/; empty: no backups to report.
  std::string backup_status_file;
  // `oceandash qc`: QARTOD tests on a JSON series with an ioos_qc-shaped configuration.
  std::string qc_config_file;  // qc --config
  std::string qc_input_file;   // qc --input
  // `oceandash mhw`: marine heatwave detection on a JSON daily series.
  std::string mhw_input_file;               // mhw --input
  std::vector<int> mhw_climatology_period;  // mhw --climatology-period Y1 Y2; empty: whole record
  bool mhw_cold_spells = false;             // mhw --cold-spells
  // `oceandash climatology`: fetch each site's long daily record, compute its climatology.
  std::string climatology_location;                 // --location; empty: every location
  std::vector<std::string> climatology_parameters;  // --parameter sst|chlorophyll; empty: both
  bool climatology_refresh = false;                 // --refresh: refetch and recompute
};

}  // namespace ocean::config
