#include "api/migrator_impl.h"

#include "api/operations.h"

#include <algorithm>
#include <cstdio>
#include <future>

#include <strata/redact.h>

#include "config/url.h"
#include "driver/open.h"
#include "engine/foreign_history.h"
#include "engine/planner.h"
#include "engine/runner.h"
#include "engine/transaction_control.h"
#include "sql/script_control.h"
#include "sql/lint.h"
#include "util/fs.h"
#include "util/strings.h"

namespace strata {

Migrator::~Migrator() = default;

Result<std::unique_ptr<Migrator>> Migrator::Open(const Options& options, EventSink* sink) {
  auto config = config::Load(options, config::ProcessEnv(), /*need_url=*/false);
  if (!config.ok()) return api::Scrub(config.status());
  return std::unique_ptr<Migrator>(std::make_unique<api::MigratorImpl>(std::move(*config), sink));
}

namespace api {

sql::Dialect SqlDialect(const driver::Connection& conn) {
  return conn.dialect() == driver::Dialect::kSqlite ? sql::Dialect::kSqlite : sql::Dialect::kPostgres;
}

Status Scrub(const Status& s) {
  if (s.ok()) return s;
  Status out(s.code(), Redact(s.message()));
  out.At(Redact(s.file()), s.line(), s.column());
  if (!s.hint().empty()) out.WithHint(Redact(s.hint()));
  if (!s.sqlstate().empty()) out.WithSqlState(s.sqlstate());
  for (const auto& c : s.context()) out.With(Redact(c));
  return out;
}

MigratorImpl::MigratorImpl(config::Config config, EventSink* sink)
    : config_(std::move(config)), sink_(sink), redacted_url_(RedactUrl(config_.env.url)) {
  if (!config_.env.audit_log.empty()) {
    audit_ = std::make_unique<AuditTrail>(
        ops::AuditOptions{config_.env.audit_log, config_.env.audit_log_max, config_.env.audit_log_keep}, sink_, redacted_url_);
  }
}

MigratorImpl::~MigratorImpl() = default;

engine::TableNames MigratorImpl::Tables() const {
  engine::TableNames names;
  names.schema = config_.env.schema.empty() ? resolved_schema_ : config_.env.schema;
  names.migrations = config_.env.table;
  names.events = config_.env.events_table;
  names.lock = config_.env.lock_table;
  return names;
}

sql::Dialect DialectOfUrl(const std::string& url) {
  auto parsed = config::ParseUrl(url);
  return parsed.ok() && parsed->scheme == config::Url::Scheme::kSqlite ? sql::Dialect::kSqlite
                                                                       : sql::Dialect::kPostgres;
}

sql::Dialect MigratorImpl::ConfigDialect() const { return DialectOfUrl(config_.env.url); }

engine::RunnerOptions MigratorImpl::MakeRunnerOptions() const {
  engine::RunnerOptions o;
  o.lock_timeout = config_.env.lock_timeout;
  o.statement_timeout = config_.env.statement_timeout;
  o.stop = &cancelled_;
  if (RunOperations* ops = operations_) {
    o.before_step = [ops](const engine::Plan& plan, int index) { return ops->BeforeStep(plan, index); };
  }
  return o;
}

void MigratorImpl::Cancel() {
  cancelled_ = true;
  std::lock_guard<std::mutex> lock(running_mu_);
  if (running_) running_->Cancel();
}

Result<driver::Connection*> MigratorImpl::Connect() {
  if (conn_) return conn_.get();
  if (!config_.url_status.ok()) return config_.url_status;
  if (config_.env.url.empty()) {
    return Status::InvalidArgument("no database URL")
        .WithHint("pass --url, set DATABASE_URL, or add [env.NAME] url = \"...\" to strata.toml");
  }
  driver::ConnectOptions options;
  options.connect_timeout = config_.env.connect_timeout;
  options.connect_retries = config_.env.connect_retries;
  // SQLite: another process that holds the file is waited for as long as
  // another strata run would be.
  options.busy_timeout = config_.env.lock_wait;
  auto conn = driver::Open(config_.env.url, options);
  if (!conn.ok()) {
    Status s = conn.status();
    if (s.code() == Status::Code::kLocked && s.hint().empty()) {
      // SQLite: another process held the file for all of busy_timeout, which
      // is lock_wait: say so, and what to do.
      char waited[32];
      std::snprintf(waited, sizeof(waited), "%.3g s", static_cast<double>(config_.env.lock_wait.count()) / 1000.0);
      s.WithHint(std::string("another process holds the database file; strata waited lock_wait = ") + waited +
                 " for it: let that process finish (or end it), or raise lock_wait in strata.toml");
    }
    // Name where the URL came from, so the user knows what to fix.
    if (util::StartsWith(config_.env.url_source, "env.")) {
      s.With("environment '" + config_.env.name + "'");
    } else if (config_.env.url_source == "DATABASE_URL") {
      s.With("DATABASE_URL");
    }
    return s;
  }
  // strata's own tables are schema-qualified, resolved once here: a
  // migration's `SET search_path` (or pg_dump's set_config('search_path',
  // '', false)) must not make strata lose its own tracking table.
  if ((*conn)->dialect() == driver::Dialect::kPostgres && config_.env.schema.empty()) {
    auto rows = (*conn)->Query("SELECT current_schema()");
    if (!rows.ok()) return rows.status().With("find the schema for strata's tables");
    if (rows->rows.empty() || !rows->rows[0][0]) {
      return Status::InvalidArgument("the connection has no current schema (its search_path names no schema that "
                                     "exists), so strata does not know where its tracking tables belong")
          .WithHint("set `schema = \"...\"` for the environment in strata.toml, or fix the role's search_path");
    }
    resolved_schema_ = *rows->rows[0][0];
  }
  if ((*conn)->dialect() == driver::Dialect::kPostgres) {
    auto pooler = (*conn)->DetectPooler();
    if (!pooler.ok()) return pooler.status().With("check the connection for a pooler");
    if (!pooler->empty()) {
      pooler_ = *pooler + "; strata uses only a lease row, transaction-scoped locks and SET LOCAL, so nothing it "
                          "does outlives its transactions" +
                (config_.env.direct_url.empty() ? " (set direct_url in strata.toml to migrate past the pooler)" : "");
      if (sink_) {
        Event e;
        e.kind = Event::Kind::kConnection;
        e.message = Redact(pooler_);
        sink_->OnEvent(e);
      }
    }
  }
  conn_ = std::move(*conn);
  // The audit log hears when each transaction ends (audit_trail.h).
  if (audit_) conn_ = std::make_unique<TransactionWatch>(std::move(conn_), *audit_);
  return conn_.get();
}

Status MigratorImpl::CheckPoolerSafe(const engine::Plan& plan) const {
  if (pooler_.empty()) return Status::Ok();
  for (const auto& step : plan.steps) {
    if (!step.no_transaction) continue;
    auto control = sql::AnalyzeControl(step.sql(), sql::Dialect::kPostgres);
    if (!control.ok() || control->session.empty()) continue;
    const sql::ControlStatement& set = control->session.front();
    // Each statement of a no-transaction migration runs as its own
    // transaction, which a transaction-mode pooler may give to any server
    // connection: the SET would reach whoever gets that connection next,
    // and not the statements after it.
    return Status::Validation(step.version + "_" + step.name + " is a no-transaction migration that changes the "
                              "session (`" + set.text + "`), and the connection goes through a pooler: the "
                              "setting would land on a pooled server connection and leak to its next user")
        .At(step.file, set.line)
        .WithHint("set direct_url for this environment in strata.toml (the server's own address, past the pooler); "
                  "strata then migrates on it while the application keeps the pooled url");
  }
  return Status::Ok();
}

bool MigratorImpl::SqliteFileMissing() const {
  if (conn_) return false;
  auto url = config::ParseUrl(config_.env.url);
  return url.ok() && url->scheme == config::Url::Scheme::kSqlite && !url->memory && !util::Exists(url->path);
}

source::LoadOptions MigratorImpl::SourceOptions() const {
  source::LoadOptions options;
  options.format = source::ParseFormat(config_.format).value_or(source::Format::kAuto);
  options.placeholders = config_.placeholders;
  options.needs_no_transaction = [](std::string_view sql) { return !sql::StatementNeedingNoTransaction(sql).empty(); };
  return options;
}

Result<source::MigrationSet> MigratorImpl::LoadFiles() const { return source::LoadMigrations(config_.dir, SourceOptions()); }

std::unique_ptr<engine::MigrationLock> MigratorImpl::MakeLock(driver::Connection& conn, bool dry_run) {
  engine::LockOptions options;
  options.wait = config_.env.lock_wait;
  engine::ConnectFn connect;
  auto url = config::ParseUrl(config_.env.url);
  bool memory = url.ok() && url->scheme == config::Url::Scheme::kSqlite && url->memory;
  if (url.ok() && !memory && !dry_run) {
    std::string raw = config_.env.url;
    auto timeout = config_.env.connect_timeout;
    connect = [raw, timeout]() {
      // The heartbeat must never wait long on a busy file: it retries at the
      // next beat, and Release() joins it.
      driver::ConnectOptions o;
      o.busy_timeout = std::chrono::milliseconds(500);
      o.connect_timeout = timeout;
      o.connect_retries = 0;
      return driver::Open(raw, o);
    };
  }
  return engine::MakeLock(conn, Tables(), options, std::move(connect), sink_, dry_run);
}

Status MigratorImpl::RequireConfirmation(const char* command, bool yes) const {
  if (!config_.env.is_protected || yes) return Status::Ok();
  return Status::Protected("environment '" + config_.env.name + "' is protected: `strata " + command +
                           "` needs confirmation")
      .WithHint("pass --yes (or type the environment name when asked)");
}

Result<StatusReport> MigratorImpl::GetStatus() {
  // The files and the records are independent reads: read the files on
  // another thread while this one connects and loads the records. Over a
  // thousand migrations that halves a no-op `strata status`.
  std::string dir = config_.dir;
  source::LoadOptions options = SourceOptions();
  options.read_down = false;  // status shows whether a down exists, not what it says
  options.use_cache = true;   // status needs checksums, not the SQL
  auto files = std::async(std::launch::async, [dir, options] { return source::LoadMigrations(dir, options); });
  Result<std::vector<engine::AppliedRow>> rows = std::vector<engine::AppliedRow>{};
  // A SQLite file that does not exist yet has nothing applied; opening it
  // would create it, and status must not create anything.
  Result<driver::Connection*> conn = static_cast<driver::Connection*>(nullptr);
  if (!SqliteFileMissing()) conn = Connect();
  if (conn.ok() && *conn) {
    engine::History history(**conn, Tables(), config_.env.name);
    rows = history.Load(/*with_down_sql=*/false);
  }
  auto set = files.get();
  if (!set.ok()) return Scrub(set.status());
  if (!conn.ok()) return Scrub(conn.status());
  if (!rows.ok()) return Scrub(rows.status());
  StatusReport report;
  report.environment = config_.env.name;
  report.url = redacted_url_;
  report.migrations = engine::Reconcile(*set, *rows);
  // An up file with no SQL yet: pending, shown as empty (its problem still
  // makes `up` refuse). One already recorded is reported by Reconcile.
  for (const auto& e : set->empty) {
    bool known = std::any_of(report.migrations.begin(), report.migrations.end(), [&](const MigrationInfo& m) {
      return source::CompareVersions(m.version, e.version) == 0;
    });
    if (known) continue;
    MigrationInfo info;
    info.version = e.version;
    info.name = e.name;
    info.state = MigrationState::kPending;
    info.empty = true;
    info.has_down = e.down_path.has_value();
    info.file = e.up_path;
    auto at = std::find_if(report.migrations.begin(), report.migrations.end(), [&](const MigrationInfo& m) {
      return source::CompareVersions(m.version, e.version) > 0;
    });
    report.migrations.insert(at, std::move(info));
  }
  report.summary = engine::Summarize(report.migrations);
  report.problems = engine::FileIssues(*set);
  report.pooler = pooler_;
  if (conn.ok() && *conn) {
    auto holder = engine::ReadLease(**conn, Tables());
    if (!holder.ok()) return Scrub(holder.status());
    if (*holder) report.lock_holder = engine::Describe(**holder);
  }
  return report;
}

Result<ValidationReport> MigratorImpl::Validate() {
  auto set = LoadFiles();
  if (!set.ok()) return Scrub(set.status());
  std::vector<engine::AppliedRow> rows;
  // Without a database the files are still checked against each other.
  if ((!config_.env.url.empty() || !config_.url_status.ok()) && !SqliteFileMissing()) {
    auto conn = Connect();
    if (!conn.ok()) return Scrub(conn.status());
    engine::History history(**conn, Tables(), config_.env.name);
    auto loaded = history.Load();
    if (!loaded.ok()) return Scrub(loaded.status());
    rows = std::move(*loaded);
  }
  ValidationReport report;
  report.migrations = static_cast<int>(set->migrations.size() + set->problems.size());
  report.issues = engine::Validate(*set, rows);
  for (auto& issue : engine::TransactionControlIssues(*set, ConfigDialect())) report.issues.push_back(std::move(issue));
  report.notes = engine::FileNotes(*set);
  report.format = std::string(source::ToString(set->format));
  return report;
}

Result<ApplyReport> MigratorImpl::RunPlan(const engine::RunPolicy& policy, bool dry_run, const PlanFn& plan) {
  // A dry run on a SQLite file that does not exist yet runs on an empty
  // private database: it must not leave a file behind.
  std::unique_ptr<driver::Connection> scratch;
  driver::Connection* conn = nullptr;
  const bool missing = SqliteFileMissing();
  if (dry_run && missing) {
    auto opened = driver::Open("sqlite::memory:", driver::ConnectOptions{});
    if (!opened.ok()) return Scrub(opened.status());
    scratch = std::move(*opened);
    conn = scratch.get();
  }

  // Everything that can be checked without writing is checked before the
  // lock is taken or a table created: a refusal (a modified or empty file,
  // an unknown --to, transaction control, a blocking lint error, ...) leaves
  // the database byte for byte as it was, and works on a read-only one.
  // Nothing to do is not an error, and writes nothing either.
  Status s;
  // A dirty migration while another run holds the lock is, most likely, that
  // run's no-transaction migration in progress (recorded dirty before it
  // starts, clean when it ends): refusing at once would fail every runner
  // that starts while it runs (16 at once on a deploy). Such a run waits for
  // the lock like any other and checks everything again under it.
  bool check_under_lock = false;
  {
    std::vector<engine::AppliedRow> rows;
    driver::Connection* read = conn;
    if (!read && !missing) {
      auto connected = Connect();
      if (!connected.ok()) return Scrub(connected.status());
      read = *connected;
    }
    if (read) {
      engine::History history(*read, Tables(), config_.env.name);
      auto loaded = history.Load();
      if (!loaded.ok()) return Scrub(loaded.status());
      rows = std::move(*loaded);
    }
    auto checked = plan(rows, read, /*precheck=*/true);
    if (!checked.ok()) {
      if (checked.status().code() != Status::Code::kDirty || !read || scratch) return Scrub(checked.status());
      auto holder = engine::ReadLease(*read, Tables());
      if (!holder.ok()) return Scrub(checked.status());
      if (!*holder || (*holder)->expired) {
        // No live run now; but one may have finished its no-transaction
        // migration (and released the lock) between the two reads: read the
        // rows again before calling the migration dirty.
        engine::History again(*read, Tables(), config_.env.name);
        auto reloaded = again.Load();
        if (!reloaded.ok()) return Scrub(reloaded.status());
        auto rechecked = plan(*reloaded, read, /*precheck=*/true);
        if (!rechecked.ok()) return Scrub(rechecked.status());
      }
      check_under_lock = true;
    } else {
      s = CheckPoolerSafe(*checked);
      if (!s.ok()) return Scrub(s);
      if (checked->steps.empty()) {
        ApplyReport nothing;
        nothing.dry_run = dry_run;
        return nothing;
      }
    }
  }

  if (!conn) {
    auto connected = Connect();
    if (!connected.ok()) return Scrub(connected.status());
    conn = *connected;
  }
  engine::History history(*conn, Tables(), config_.env.name);
  history.set_observer(audit_observer());
  auto lock = scratch ? std::unique_ptr<engine::MigrationLock>(engine::MakeLock(*conn, Tables(), {}, nullptr, sink_))
                      : MakeLock(*conn, dry_run);
  s = lock->Acquire();
  if (!s.ok()) return Scrub(s);
  engine::LockGuard guard(*lock);
  if (check_under_lock) {
    // The checks above, again, now that the other run is done (or gone):
    // a migration still dirty is refused here, with the lock released.
    engine::History fresh(*conn, Tables(), config_.env.name);
    auto rows = fresh.Load();
    if (!rows.ok()) return Scrub(rows.status());
    auto checked = plan(*rows, conn, /*precheck=*/true);
    if (!checked.ok()) return Scrub(checked.status());
    s = CheckPoolerSafe(*checked);
    if (!s.ok()) return Scrub(s);
    if (checked->steps.empty()) {
      ApplyReport nothing;
      nothing.dry_run = dry_run;
      return nothing;
    }
  }
  EventSink* sink = operations_ ? static_cast<EventSink*>(operations_) : sink_;
  engine::Runner runner(*conn, history, *lock, sink, MakeRunnerOptions());
  {
    std::lock_guard<std::mutex> running(running_mu_);
    running_ = conn;
  }
  // Planned again under the lock: another runner may have applied some of
  // it meanwhile.
  std::optional<BackupInfo> backup;
  auto report = runner.Run(policy, [&]() -> Result<engine::Plan> {
    auto rows = history.Load();
    if (!rows.ok()) return rows.status();
    auto p = plan(*rows, conn, /*precheck=*/false);
    // backup = true: a verified backup before the first step (backup.cc).
    if (p.ok() && !dry_run) {
      Status b = BackupBeforeChange(*conn, history, *rows, !p->steps.empty(), &backup);
      if (!b.ok()) return b;
    }
    return p;
  });
  RecordPendingEvents(history);
  if (report.ok()) report->backup = std::move(backup);
  {
    std::lock_guard<std::mutex> running(running_mu_);
    running_ = nullptr;
  }
  cancelled_ = false;  // this run has seen it
  return Scrub(std::move(report));
}

Result<ApplyReport> MigratorImpl::RunUp(const UpOptions& options) {
  // Only the down files of what this run applies are read (below, once the
  // plan is known): an applied migration's down SQL was recorded when it was
  // applied. Over a thousand applied migrations that halves a no-op `up`.
  source::LoadOptions load = SourceOptions();
  load.read_down = false;
  auto set = source::LoadMigrations(config_.dir, load);
  if (!set.ok()) return Scrub(set.status());
  auto policy = options.dry_run              ? engine::RunPolicy::DryRun()
                : options.single_transaction ? engine::RunPolicy::SingleTransaction()
                                             : engine::RunPolicy::PerMigration();
  std::vector<LintFinding> lint_findings;
  int64_t pending = 0;
  // The plan is made twice (checked before the lock, made again under it):
  // each script's transaction control is analysed once; and transaction
  // control, lint and the run split each large script once (the files in
  // `set` stay as they are until the end).
  engine::ControlCache controls;
  sql::StatementMemo memo;
  for (const auto& m : set->migrations) memo.Allow(m.up_sql);
  auto report = RunPlan(policy, options.dry_run,
                        [&](const std::vector<engine::AppliedRow>& rows, driver::Connection* conn,
                            bool precheck) -> Result<engine::Plan> {
    auto plan = engine::PlanUp(*set, rows, options);
    if (!plan.ok()) return plan.status();
    for (auto& step : plan->steps) {
      // A bad down file of a migration about to be applied refuses the run
      // before anything is written, as when every down file was read first.
      auto m = std::find_if(set->migrations.begin(), set->migrations.end(),
                            [&](const source::Migration& each) { return &each == step.migration; });
      if (m == set->migrations.end()) continue;
      Status down = source::ReadDown(set->format, &*m, load);
      if (!down.ok()) return down;
    }
    pending = static_cast<int64_t>(plan->steps.size());
    if (options.to) {
      // The ones after --to are pending too (the report says how many).
      UpOptions all = options;
      all.to.reset();
      if (auto full = engine::PlanUp(*set, rows, all); full.ok()) pending = static_cast<int64_t>(full->steps.size());
    }
    Status control = engine::ApplyTransactionControl(&*plan, conn ? SqlDialect(*conn) : ConfigDialect(), &controls);
    if (!control.ok()) return control;
    plan->batch = engine::NextBatch(rows);
    // Lint policy (lint.cc), once, before the lock: blocks before anything
    // runs. Under the lock the plan can only have shrunk.
    if (precheck) {
      Status lint = LintPending(*set, plan->steps, options, conn, &lint_findings);
      if (!lint.ok()) return lint;
    } else if (set->format == source::Format::kGolangMigrate && !plan->steps.empty() && conn) {
      // golang-migrate's table exists before its first file runs (under the
      // lock, after every check: a refused run writes nothing).
      Status table = engine::EnsureGolangMigrateTable(*conn);
      if (!table.ok()) return table;
    }
    return plan;
  });
  if (report.ok()) {
    report->lint = std::move(lint_findings);
    report->lint_policy = config_.env.lint;
    report->migrations = static_cast<int64_t>(set->migrations.size());
    report->pending = pending;
  }
  return report;
}

Result<ApplyReport> MigratorImpl::RunDown(const DownOptions& options) {
  Status s = RequireConfirmation("down", options.yes || options.dry_run);
  if (!s.ok()) return Scrub(s);
  auto set = LoadFiles();
  // The stored down SQL is enough: a missing folder must not stop a rollback.
  source::MigrationSet files = set.ok() ? std::move(*set) : source::MigrationSet{};
  auto policy = options.dry_run ? engine::RunPolicy::DryRun() : engine::RunPolicy::PerMigration();
  return RunPlan(policy, options.dry_run,
                 [&](const std::vector<engine::AppliedRow>& rows, driver::Connection* conn,
                     bool) -> Result<engine::Plan> {
    auto plan = engine::PlanDown(files, rows, options);
    if (!plan.ok()) return plan;
    Status control = engine::ApplyTransactionControl(&*plan, conn ? SqlDialect(*conn) : ConfigDialect());
    if (!control.ok()) return control;
    return plan;
  });
}

Result<ApplyReport> MigratorImpl::RunRedo(const RedoOptions& options) {
  Status s = RequireConfirmation("redo", options.yes);
  if (!s.ok()) return Scrub(s);
  auto set = LoadFiles();
  if (!set.ok()) return Scrub(set.status());
  return RunPlan(engine::RunPolicy::PerMigration(), false,
                 [&](const std::vector<engine::AppliedRow>& rows, driver::Connection* conn,
                     bool) -> Result<engine::Plan> {
    if (rows.empty()) return engine::Plan{};  // nothing applied: nothing to redo, like `down`
    DownOptions down;
    down.steps = 1;
    auto plan = engine::PlanDown(*set, rows, down);
    if (!plan.ok()) return plan.status();
    const engine::PlanStep& undo = plan->steps.front();
    const source::Migration* file = nullptr;
    for (const auto& m : set->migrations) {
      if (source::CompareVersions(m.version, undo.version) == 0) file = &m;
    }
    if (!file) {
      return Status::NotFound(undo.version + "_" + undo.name + " cannot be re-applied: its file is missing")
          .WithHint("restore the file, or use `strata down` to only roll it back");
    }
    plan->batch = engine::NextBatch(rows);
    plan->steps.push_back(engine::UpStep(*file));
    Status control = engine::ApplyTransactionControl(&*plan, conn ? SqlDialect(*conn) : ConfigDialect());
    if (!control.ok()) return control;
    return plan;
  });
}

}  // namespace api
}  // namespace strata
