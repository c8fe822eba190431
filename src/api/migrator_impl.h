// MigratorImpl: strata::Migrator over config/, source/, driver/ and engine/.
// Internal to src/api; users see include/strata/migrator.h only.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>
#include <string>

#include "api/audit_trail.h"
#include "config/config.h"
#include "driver/connection.h"
#include "engine/history.h"
#include "engine/lock.h"
#include "engine/planner.h"
#include "engine/runner.h"
#include "ops/backup/backup.h"
#include "source/migration.h"
#include "sql/lint.h"
#include <strata/migrator.h>

namespace strata::api {

class RunOperations;

class MigratorImpl : public Migrator {
 public:
  MigratorImpl(config::Config config, EventSink* sink);
  ~MigratorImpl() override;

  const std::string& environment() const override { return config_.env.name; }
  const std::string& url() const override { return redacted_url_; }
  const std::string& directory() const override { return config_.dir; }
  bool is_protected() const override { return config_.env.is_protected; }

  Result<StatusReport> GetStatus() override;
  // Up, Down, Redo and Drift: operations.cc (hooks and alerts around
  // RunUp, RunDown, RunRedo, RunDrift).
  Result<ApplyReport> Up(const UpOptions& options) override;
  Result<ApplyReport> Down(const DownOptions& options) override;
  Result<ApplyReport> Redo(const RedoOptions& options) override;
  void Cancel() override;
  Result<ValidationReport> Validate() override;
  Result<BaselineReport> Baseline(const BaselineOptions& options) override;
  Result<RepairReport> Repair(const RepairOptions& options) override;
  Result<NewReport> New(const NewOptions& options) override;
  Result<ImportReport> Import(const ImportOptions& options) override;  // import.cc
  Result<ImpactReport> Impact(const ImpactOptions& options) override;  // impact.cc
  Result<InspectReport> Inspect() override;  // inspect.cc
  Result<LintReport> Lint(const LintOptions& options) override;  // lint.cc
  Result<PlanReport> Plan(const PlanOptions& options) override;  // plan.cc
  // Schema as code: schema_commands.cc (Diff, Drift, Push), generate.cc,
  // migration_check.cc (Test).
  Result<DiffReport> Diff(const DiffOptions& options) override;
  Result<GenerateReport> Generate(const GenerateOptions& options) override;
  Result<DriftReport> Drift(const DriftOptions& options) override;
  Result<PushReport> Push(const PushOptions& options) override;
  Result<TestReport> Test(const TestOptions& options) override;
  Result<VerifyReport> Verify() override;  // verify.cc
  // backup.cc
  Result<BackupReport> Backup(const BackupOptions& options) override;
  Result<BackupsReport> ListBackups() override;
  Result<RestoreReport> Restore(const RestoreOptions& options) override;
  Result<ResetReport> Reset(const ResetOptions& options) override;  // reset.cc
  Result<HealthReport> Health() override;  // health.cc
  Result<std::vector<EventInfo>> Events(const EventsOptions& options) override;  // health.cc

 private:
  // The connection, opened on first use and kept.
  Result<driver::Connection*> Connect();
  Result<source::MigrationSet> LoadFiles() const;
  // How LoadFiles reads the folder: the configured format, Flyway
  // placeholders, and the parser that tells golang-migrate and Flyway readers
  // which files must run outside a transaction.
  source::LoadOptions SourceOptions() const;
  // True for a sqlite: URL whose file does not exist (yet): read-only
  // commands then report an empty database instead of creating the file.
  bool SqliteFileMissing() const;
  engine::TableNames Tables() const;
  // The statement dialect of the environment's URL (PostgreSQL unless it is
  // a sqlite: URL), for commands that read files without connecting.
  sql::Dialect ConfigDialect() const;
  // The migration lock for this database; `dry_run` on SQLite takes none
  // (its single BEGIN IMMEDIATE transaction already excludes other writers,
  // and a dry run must not even create the lock table).
  std::unique_ptr<engine::MigrationLock> MakeLock(driver::Connection& conn, bool dry_run);
  engine::RunnerOptions MakeRunnerOptions() const;
  // Connects, checks the plan that `plan` builds from the tracking rows
  // without writing anything (precheck: a refusal or nothing to do returns
  // before the lock), then takes the migration lock (none for a SQLite dry
  // run) and lets the Runner run the plan built again under it. `plan` may
  // read more from the connection, which is null when the SQLite file does
  // not exist yet.
  using PlanFn = std::function<Result<engine::Plan>(const std::vector<engine::AppliedRow>&, driver::Connection*,
                                                    bool precheck)>;
  Result<ApplyReport> RunPlan(const engine::RunPolicy& policy, bool dry_run, const PlanFn& plan);
  Status RequireConfirmation(const char* command, bool yes) const;
  // Behind a pooler (pooler_), a no-transaction step that changes the
  // session is refused (kValidation naming direct_url): its SET would leak.
  Status CheckPoolerSafe(const engine::Plan& plan) const;
  // lint.cc: the text rules over a plan, as `up` and `plan` run them: every
  // migration feeds the schema state, the steps' migrations are reported; on
  // PostgreSQL weighed by the table sizes read from `conn` (null: none), as
  // `lint --table-sizes` reads them.
  Result<sql::LintResult> LintSteps(const source::MigrationSet& set, const std::vector<engine::PlanStep>& steps,
                                    const std::vector<std::string>& allow, driver::Connection* conn);
  // lint.cc: `up`'s lint policy over the plan's pending migrations (LintSteps
  // with `conn`, the database about to be migrated). With lint = "error",
  // kLint when findings of severity error are not allowed, and the warnings
  // go to `shown`; with "warning", the errors go to `shown`.
  Status LintPending(const source::MigrationSet& set, const std::vector<engine::PlanStep>& steps,
                     const UpOptions& options, driver::Connection* conn, std::vector<LintFinding>* shown);

  // --- Backups (backup.cc) ---
  ops::backup::Settings BackupSettings() const;
  // With backup = true, before the running command changes anything: a
  // verified backup of the whole database, when there are `changes` to make
  // (and not for Reset's own `up`). `rows` name the newest version. *taken
  // gets it. The error says nothing was changed.
  Status BackupBeforeChange(driver::Connection& conn, engine::History& history,
                            const std::vector<engine::AppliedRow>& rows, bool changes,
                            std::optional<BackupInfo>* taken);
  // Takes a backup and records its `backup` event (success or failure); an
  // event that would land in an open transaction waits in pending_events_.
  Result<ops::backup::Taken> TakeBackup(driver::Connection& conn, engine::History& history,
                                        const std::string& newest, const ops::backup::Settings& settings);
  void RecordPendingEvents(engine::History& history);

  // --- The audit log (audit_trail.h) ---
  // For the duration of one command: names the command in the audit log's
  // lines and opens the log (status() fails when it cannot be written, before
  // anything changes); syncs it at the end. Nested scopes keep the outer
  // command (reset runs `up`).
  class AuditScope {
   public:
    AuditScope(MigratorImpl& migrator, const char* command);
    ~AuditScope();
    AuditScope(const AuditScope&) = delete;
    AuditScope& operator=(const AuditScope&) = delete;
    const Status& status() const { return status_; }

   private:
    MigratorImpl& migrator_;
    Status status_;
  };
  engine::EventObserver* audit_observer() { return audit_.get(); }

  Result<ApplyReport> RunUp(const UpOptions& options);
  Result<ApplyReport> RunDown(const DownOptions& options);
  Result<ApplyReport> RunRedo(const RedoOptions& options);
  Result<DriftReport> RunDrift(const DriftOptions& options);  // schema_commands.cc
  // operations.cc: runs `run` with hooks and alerts around it (none for a
  // dry run), then records the alerts and hooks that failed.
  Result<ApplyReport> WithOperations(const char* command, bool dry_run,
                                     const std::function<Result<ApplyReport>()>& run);
  void RecordOperationEvents(const std::vector<engine::EventRecord>& records);
  // plan.cc: `plan --trace` into report->trace, its mismatches into
  // `findings` (api/trace_check.h). `target`: the planned database;
  // `dev_url`: where to trace instead, when not empty.
  Status AddTrace(const source::MigrationSet& set, const std::vector<engine::AppliedRow>& rows,
                  const std::vector<engine::PlanStep>& steps, const PlanOptions& options, driver::Connection* target,
                  const std::string& dev_url, PlanReport* report, LintReport* findings);

  config::Config config_;
  EventSink* sink_;
  // The hooks and alerts of the up/down/redo in progress (WithOperations),
  // which RunPlan hands to the Runner as its sink and before_step; null
  // outside one.
  RunOperations* operations_ = nullptr;
  std::unique_ptr<AuditTrail> audit_;  // null without audit_log
  int audit_depth_ = 0;
  std::string command_;  // the running command ("up"), set by the outermost AuditScope
  std::vector<engine::EventRecord> pending_events_;
  bool skip_backup_ = false;  // Reset's own Up: the backup came before the drop
  // Cancel(): the flag the Runner checks before each migration, and the
  // connection RunPlan is using (so that Cancel can interrupt its statement).
  std::atomic<bool> cancelled_{false};
  std::mutex running_mu_;
  driver::Connection* running_ = nullptr;  // GUARDED_BY(running_mu_)
  std::string redacted_url_;
  // PostgreSQL: current_schema() when Connect() ran, for strata's tables
  // when the environment names no `schema`.
  std::string resolved_schema_;
  // PostgreSQL: why a pooler seems to be in between (DetectPooler), and
  // what strata does about it; "" for a direct connection.
  std::string pooler_;
  std::unique_ptr<driver::Connection> conn_;
};

// The statement dialect of a connection, and of a URL (PostgreSQL unless it
// is a sqlite: URL).
sql::Dialect SqlDialect(const driver::Connection& conn);
sql::Dialect DialectOfUrl(const std::string& url);

// The same Status with every secret masked: the last step before a Status
// leaves the library.
Status Scrub(const Status& s);
template <class T>
Result<T> Scrub(Result<T> r) {
  if (r.ok()) return r;
  return Scrub(r.status());
}

}  // namespace strata::api
