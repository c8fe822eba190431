// ops::backup: verified backups of a whole database into files, listing
// them, and restoring one (docs/operations.md).
//
//   SQLite      the online backup API (a consistent snapshot while other
//               processes write), checked with PRAGMA integrity_check;
//               restored through the same API into the live file, in one
//               write transaction.
//   PostgreSQL  pg_dump -Fc, checked with pg_restore --list; restored with
//               pg_restore | psql --single-transaction, after dropping what
//               the backup does not have (in the same transaction).
//
// Files are named ENV-YYYYMMDDTHHMMSS.mmmZ-VERSION.EXT (EXT: sqlite or dump,
// then .zst when compressed, .enc when encrypted), mode 0600, and have a
// manifest FILE.json beside them. A file appears under its final name only
// after it was verified. The password never reaches a command line: pg_dump,
// pg_restore and psql get it in PGPASSWORD.
//
// The caller holds the migration lock and records the events. Borrowing:
// the connection must outlive the call.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "config/url.h"
#include "driver/connection.h"
#include <strata/result.h>
#include <strata/types.h>

namespace strata::ops::backup {

struct Settings {
  std::string environment;  // strata.toml environment; "" = "default" in names
  std::string dir;          // backup_dir; created when missing
  int keep = 0;             // backup_keep: newest N of this environment kept; 0 = all
  bool compress = false;    // zstd (PostgreSQL: pg_dump -Z0, then zstd)
  std::string key;          // "" = not encrypted
  // The pg_dump program; pg_restore and psql are taken from the same folder
  // when it names a path, else from PATH.
  std::string pg_dump = "pg_dump";
  // The migration lock's lease table ({schema, table}; schema "" = default):
  // its rows are left out of backups, so a restore never brings back the
  // lease of the run that took the backup.
  std::pair<std::string, std::string> lock_table;
  // How long pg_dump waits for a table lock (--lock-wait-timeout) before it
  // fails instead of hanging behind another session's long lock.
  std::chrono::milliseconds lock_wait{60000};
  // Set from another thread to stop pg_dump / pg_restore (Migrator::Cancel).
  const std::atomic<bool>* stop = nullptr;
};

struct Taken {
  BackupInfo info;
  int64_t duration_ms = 0;
  int64_t verify_ms = 0;
  std::vector<std::string> deleted;  // removed by keep
};

// Backs up the database behind `conn` (whose URL is `url`) into
// settings.dir, verifies it, then applies settings.keep. `newest_version`
// goes into the name ("" = none applied). On failure nothing is left in
// settings.dir (kIo, kNotFound for a missing pg_dump, kDatabase when the copy
// or its verification fails); *attempted_path gets the path it was for.
Result<Taken> Take(driver::Connection& conn, const config::Url& url, const Settings& settings,
                   const std::string& newest_version, std::string* attempted_path);

// Every backup file in `dir`, oldest first; empty when `dir` does not exist.
Result<std::vector<BackupInfo>> List(const std::string& dir);

struct Restored {
  BackupInfo info;
  bool checksum_checked = false;
  int64_t duration_ms = 0;
};

// Verifies `file` (its manifest's SHA-256 when there is one, the key, the
// content) and puts the database behind `conn` back to it. On failure the
// database is unchanged.
Result<Restored> Restore(driver::Connection& conn, const config::Url& url, const Settings& settings,
                         const std::string& file);

// The event table's `detail` for a backup or restore: one JSON object
// {"path", "bytes", "sha256", "verified", "compressed", "encrypted"}
// (docs/tracking.md).
std::string EventDetail(const BackupInfo& info);

}  // namespace strata::ops::backup
