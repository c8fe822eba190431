// Backup, ListBackups, Restore, and the backup every changing command takes
// first when the environment has `backup = true` (ops/backup does the work;
// this file adds the lock, the events and the settings).
#include <cstdlib>
#include <filesystem>

#include <strata/redact.h>

#include "api/migrator_impl.h"
#include "config/url.h"
#include "ops/backup/backup.h"
#include "source/migration.h"
#include "util/clock.h"

namespace strata::api {
namespace {

// The newest recorded version: what a backup taken now contains.
std::string NewestVersion(const std::vector<engine::AppliedRow>& rows) {
  std::string newest;
  for (const auto& r : rows) {
    if (newest.empty() || source::CompareVersions(r.version, newest) > 0) newest = r.version;
  }
  return newest;
}

engine::EventRecord BackupEvent(const char* kind, const Status& outcome, const BackupInfo& info,
                                int64_t duration_ms) {
  engine::EventRecord e;
  e.kind = kind;
  e.outcome = outcome.ok() ? "success" : "failure";
  e.version = info.version;
  e.duration_ms = duration_ms;
  if (!outcome.ok()) e.error = outcome.ToString();
  e.detail = ops::backup::EventDetail(info);
  return e;
}

// The key for encrypting (encrypt) or decrypting: backup_key, else
// $STRATA_BACKUP_KEY.
std::string KeyFromEnvironment() {
  const char* key = std::getenv("STRATA_BACKUP_KEY");
  if (key == nullptr) return {};
  RegisterSecret(key);
  return key;
}

}  // namespace

ops::backup::Settings MigratorImpl::BackupSettings() const {
  ops::backup::Settings s;
  s.environment = config_.env.name;
  s.dir = config_.env.backup_dir;
  s.keep = config_.env.backup_keep;
  s.compress = config_.env.backup_compress;
  s.key = config_.env.backup_key;
  s.pg_dump = config_.env.pg_dump;
  // Tables() has the schema resolved at connect (current_schema()).
  s.lock_table = {Tables().schema, config_.env.lock_table};
  s.lock_wait = config_.env.lock_wait;
  s.stop = &cancelled_;
  return s;
}

Result<ops::backup::Taken> MigratorImpl::TakeBackup(driver::Connection& conn, engine::History& history,
                                                    const std::string& newest, const ops::backup::Settings& settings) {
  auto url = config::ParseUrl(config_.env.url);
  if (!url.ok()) return url.status();
  util::Stopwatch watch;
  std::string attempted;
  auto taken = ops::backup::Take(conn, *url, settings, newest, &attempted);
  if (!taken.ok() && cancelled_) {
    taken = Status::Cancelled("interrupted: no backup was written").WithHint("run the same command again");
  }
  BackupInfo info;
  if (taken.ok()) {
    info = taken->info;
  } else {
    info.path = attempted;
    info.version = newest;
    info.compressed = settings.compress;
    info.encrypted = !settings.key.empty();
  }
  engine::EventRecord event = BackupEvent("backup", taken.ok() ? Status::Ok() : taken.status(), info,
                                          taken.ok() ? taken->duration_ms : watch.ElapsedMs());
  // Inside a transaction (up --single-transaction) the event would be rolled
  // back with a failing run: keep it for after the run (RecordPendingEvents).
  if (conn.in_transaction()) {
    pending_events_.push_back(std::move(event));
  } else {
    Status s = history.RecordEvent(event);
    if (!s.ok() && taken.ok()) return s.With("record the backup (" + info.path + ")");
  }
  return taken;
}

void MigratorImpl::RecordPendingEvents(engine::History& history) {
  for (const auto& e : pending_events_) {
    Status s = history.RecordEvent(e);
    (void)s;  // best effort, like a failure's event: the run's own outcome matters more
  }
  pending_events_.clear();
}

Status MigratorImpl::BackupBeforeChange(driver::Connection& conn, engine::History& history,
                                        const std::vector<engine::AppliedRow>& rows, bool changes,
                                        std::optional<BackupInfo>* taken) {
  if (!config_.env.backup || skip_backup_ || !changes) return Status::Ok();
  auto backup = TakeBackup(conn, history, NewestVersion(rows), BackupSettings());
  if (!backup.ok()) {
    Status s = backup.status();
    return s.With("backup before `" + command_ + "` (backup = true); nothing was changed")
        .WithHint(s.hint().empty() ? "fix the backup, or set backup = false for this environment to run without one"
                                   : s.hint());
  }
  *taken = backup->info;
  return Status::Ok();
}

Result<BackupReport> MigratorImpl::Backup(const BackupOptions& options) {
  AuditScope audit(*this, "backup");
  if (!audit.status().ok()) return Scrub(audit.status());
  std::string key = config_.env.backup_key;
  if (options.encrypt && key.empty()) {
    key = KeyFromEnvironment();
    if (key.empty()) {
      return Status::InvalidArgument("--encrypt needs a key")
          .WithHint("set backup_key in strata.toml (backup_key = \"${STRATA_BACKUP_KEY}\") or export STRATA_BACKUP_KEY");
    }
  }
  auto conn = Connect();
  if (!conn.ok()) return Scrub(conn.status());
  ops::backup::Settings settings = BackupSettings();
  settings.key = key;
  engine::History history(**conn, Tables(), config_.env.name);
  history.set_observer(audit_observer());
  // No migration lock: SQLite's backup API and pg_dump copy one consistent
  // snapshot while others write, and a run caught half-way is in the copy as
  // what it is (a no-transaction migration recorded dirty). Taking the lock
  // would make a backup wait for a long migration, and on SQLite compete
  // with the application's writes for the lease. Only creating the tracking
  // tables, so that the event can be recorded, needs it.
  auto exists = history.Exists();
  if (!exists.ok()) return Scrub(exists.status());
  if (!*exists) {
    auto lock = MakeLock(**conn, false);
    Status s = lock->Acquire();
    if (!s.ok()) return Scrub(s);
    engine::LockGuard guard(*lock);
    s = history.Ensure();
    if (!s.ok()) return Scrub(s);
  }
  auto rows = history.Load(/*with_down_sql=*/false);
  if (!rows.ok()) return Scrub(rows.status());
  auto taken = TakeBackup(**conn, history, NewestVersion(*rows), settings);
  cancelled_ = false;  // this command has seen it
  if (!taken.ok()) return Scrub(taken.status());
  BackupReport report;
  report.backup = taken->info;
  report.duration_ms = taken->duration_ms;
  report.verify_ms = taken->verify_ms;
  report.deleted = taken->deleted;
  return report;
}

Result<BackupsReport> MigratorImpl::ListBackups() {
  BackupsReport report;
  std::error_code ec;
  report.directory = std::filesystem::absolute(config_.env.backup_dir, ec).lexically_normal().string();
  if (ec) report.directory = config_.env.backup_dir;
  auto list = ops::backup::List(config_.env.backup_dir);
  if (!list.ok()) return Scrub(list.status());
  report.backups = std::move(*list);
  return report;
}

Result<RestoreReport> MigratorImpl::Restore(const RestoreOptions& options) {
  if (options.file.empty()) return Status::InvalidArgument("restore: no backup file given");
  Status s = RequireConfirmation("restore", options.yes);
  if (!s.ok()) return Scrub(s);
  AuditScope audit(*this, "restore");
  if (!audit.status().ok()) return Scrub(audit.status());
  auto url = config::ParseUrl(config_.env.url);
  auto conn = Connect();
  if (!conn.ok()) return Scrub(conn.status());
  if (!url.ok()) return Scrub(url.status());
  auto lock = MakeLock(**conn, false);
  s = lock->Acquire();
  if (!s.ok()) return Scrub(s);
  engine::LockGuard guard(*lock);
  ops::backup::Settings settings = BackupSettings();
  if (settings.key.empty()) settings.key = KeyFromEnvironment();
  util::Stopwatch watch;
  auto restored = ops::backup::Restore(**conn, *url, settings, options.file);
  if (!restored.ok() && cancelled_) restored = Status::Cancelled("interrupted: nothing was restored");
  cancelled_ = false;
  // Recorded afterwards, in the restored event table (or, when the restore
  // failed, in the unchanged one).
  engine::History history(**conn, Tables(), config_.env.name);
  history.set_observer(audit_observer());
  BackupInfo info;
  if (restored.ok()) {
    info = restored->info;
  } else {
    info.path = options.file;
  }
  s = history.Ensure();
  if (s.ok()) {
    s = history.RecordEvent(BackupEvent("restore", restored.ok() ? Status::Ok() : restored.status(), info,
                                        restored.ok() ? restored->duration_ms : watch.ElapsedMs()));
  }
  if (!restored.ok()) return Scrub(restored.status());
  if (!s.ok()) return Scrub(s.With("the database was restored, but the restore event could not be recorded"));
  RestoreReport report;
  report.backup = restored->info;
  report.checksum_checked = restored->checksum_checked;
  report.duration_ms = restored->duration_ms;
  return report;
}

}  // namespace strata::api
