// ops::AuditLog: the audit log file (`audit_log` in strata.toml), one JSON
// line per event, the same events as the event table (docs/operations.md).
//
// Each line is appended with one write() on an O_APPEND descriptor while
// holding an exclusive flock() on the file, so lines of concurrent runners
// (processes or threads) never interleave and never land in a file that was
// just rotated. Rotation by size: before a line would take the file past
// max_bytes, the holder of the lock renames FILE.(keep-1) to FILE.keep, ...,
// FILE to FILE.1 (deleting the oldest); any other writer notices under the
// lock that FILE is a new file and reopens it. The file is created with mode
// 0600. Every text field is passed through Redact() first.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include <strata/status.h>

namespace strata::ops {

// One line: the event table's columns (docs/tracking.md) and the command.
struct AuditRecord {
  std::string time;         // RFC 3339 UTC with milliseconds (occurred_at)
  std::string kind;         // apply, rollback, baseline, repair, backup, restore, reset
  std::string outcome;      // success, failure
  std::string environment;  // "" = none
  std::string database;     // the database's URL, password masked (which of a fleet's targets)
  std::string command;      // the strata command: up, down, redo, ...
  std::string version;
  std::string name;
  std::optional<int64_t> batch;
  std::optional<int64_t> duration_ms;
  std::string actor;        // user@host
  std::string db_user;
  std::string host;
  std::string strata_version;
  std::optional<std::string> error;
  std::optional<std::string> statement;
  std::optional<std::string> detail;
};

struct AuditOptions {
  std::string path;        // the log file; its folder is created when missing
  int64_t max_bytes = 0;   // rotate before a line would pass this size; 0 = never
  int keep = 5;            // rotated files kept (FILE.1 is the newest)
};

class AuditLog {
 public:
  explicit AuditLog(AuditOptions options);
  ~AuditLog();  // syncs and closes
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Creates the folder and opens (or creates) the file, so that a path that
  // cannot be written fails before a command changes anything. kIo naming
  // the file.
  Status Open();
  // Appends one line (opening the file first if needed). kIo on failure.
  Status Append(const AuditRecord& record);
  // fsync()s what was appended since the last Sync.
  Status Sync();

  const std::string& path() const { return options_.path; }
  // The JSON line for `record` (with its newline), redacted.
  static std::string Line(const AuditRecord& record);

 private:
  Status OpenLocked();
  Status RotateLocked();
  void CloseLocked();

  AuditOptions options_;
  std::mutex mu_;
  int fd_ = -1;         // GUARDED_BY(mu_)
  bool dirty_ = false;  // GUARDED_BY(mu_): written since the last fsync
};

}  // namespace strata::ops
