// strata reset: development only. Drops everything in the database and
// applies every migration again.
#include "api/migrator_impl.h"
#include "engine/foreign_keys.h"

namespace strata::api {

Result<ResetReport> MigratorImpl::Reset(const ResetOptions& options) {
  if (config_.env.is_protected) {
    return Status::Protected("environment '" + config_.env.name +
                             "' is protected: `strata reset` drops everything and is for development only")
        .WithHint("reset is refused outright where protected = true (--yes does not change that); "
                  "use `strata down` to roll migrations back there");
  }
  if (!options.yes) {
    return Status::Protected("`strata reset` drops every table, view and other object in the database; "
                             "it needs confirmation")
        .WithHint("pass --yes (or confirm on a terminal)");
  }
  AuditScope audit(*this, "reset");
  if (!audit.status().ok()) return Scrub(audit.status());
  // Check the files before dropping anything: a reset that cannot apply
  // them again would leave an empty database.
  auto set = LoadFiles();
  if (!set.ok()) return Scrub(set.status());
  if (!set->problems.empty()) return Scrub(set->problems.front());

  auto conn = Connect();
  if (!conn.ok()) return Scrub(conn.status());
  ResetReport report;
  {
    engine::History history(**conn, Tables(), config_.env.name);
    history.set_observer(audit_observer());
    auto lock = MakeLock(**conn, false);
    Status s = lock->Acquire();
    if (!s.ok()) return Scrub(s);
    engine::LockGuard guard(*lock);
    s = history.Ensure();
    if (!s.ok()) return Scrub(s);
    auto rows = history.Load(/*with_down_sql=*/false);
    if (!rows.ok()) return Scrub(rows.status());
    s = BackupBeforeChange(**conn, history, *rows, /*changes=*/true, &report.backup);
    if (!s.ok()) return Scrub(s);

    // The lease table stays: it holds this run's lock.
    auto script = (*conn)->DropAllScript({{Tables().schema, config_.env.lock_table}});
    if (!script.ok()) return Scrub(script.status());
    {
      // SQLite: with foreign keys on, each DROP TABLE would first delete its
      // rows and trip over the tables that reference it.
      engine::ForeignKeysOff fk_off(**conn, (*conn)->dialect() == driver::Dialect::kSqlite);
      if (!fk_off.status().ok()) return Scrub(fk_off.status());
      s = (*conn)->Begin();
      if (s.ok()) s = (*conn)->ExecScript(*script);
      if (s.ok()) s = (*conn)->Commit();
      if (!s.ok()) {
        Status r = (*conn)->Rollback();
        (void)r;
        return Scrub(s.With("drop everything (nothing was dropped)"));
      }
    }
    // The event table went with everything else: the reset is its first row.
    s = history.Ensure();
    engine::EventRecord e;
    e.kind = "reset";
    e.outcome = "success";
    e.detail = "dropped every object; applying every migration again";
    if (s.ok()) s = history.RecordEvent(e);
    if (!s.ok()) return Scrub(s);
  }  // the lock is released: Up takes it again

  skip_backup_ = true;
  auto applied = Up(UpOptions{});
  skip_backup_ = false;
  if (!applied.ok()) return applied.status();
  report.applied = std::move(*applied);
  return report;
}

}  // namespace strata::api
