#include "api/migrator_impl.h"

#include <future>

#include <strata/redact.h>

#include "config/url.h"
#include "driver/open.h"
#include "engine/planner.h"
#include "engine/runner.h"
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
    : config_(std::move(config)), sink_(sink), redacted_url_(RedactUrl(config_.env.url)) {}

MigratorImpl::~MigratorImpl() = default;

engine::TableNames MigratorImpl::Tables() const {
  engine::TableNames names;
  names.schema = config_.env.schema;
  names.migrations = config_.env.table;
  names.events = config_.env.events_table;
  names.lock = config_.env.lock_table;
  return names;
}

engine::RunnerOptions MigratorImpl::MakeRunnerOptions() const {
  engine::RunnerOptions o;
  o.lock_timeout = config_.env.lock_timeout;
  o.stop = &cancelled_;
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
  options.lock_timeout = config_.env.lock_timeout;
  auto conn = driver::Open(config_.env.url, options);
  if (!conn.ok()) {
    Status s = conn.status();
    // Name where the URL came from, so the user knows what to fix.
    if (util::StartsWith(config_.env.url_source, "env.")) {
      s.With("environment '" + config_.env.name + "'");
    } else if (config_.env.url_source == "DATABASE_URL") {
      s.With("DATABASE_URL");
    }
    return s;
  }
  conn_ = std::move(*conn);
  return conn_.get();
}

bool MigratorImpl::SqliteFileMissing() const {
  if (conn_) return false;
  auto url = config::ParseUrl(config_.env.url);
  return url.ok() && url->scheme == config::Url::Scheme::kSqlite && !url->memory && !util::Exists(url->path);
}

Result<source::MigrationSet> MigratorImpl::LoadFiles() const { return source::LoadMigrations(config_.dir); }

std::unique_ptr<engine::MigrationLock> MigratorImpl::MakeLock(driver::Connection& conn, bool dry_run) {
  engine::LockOptions options;
  options.wait = config_.env.lock_wait;
  engine::ConnectFn connect;
  auto url = config::ParseUrl(config_.env.url);
  bool sqlite_file = url.ok() && url->scheme == config::Url::Scheme::kSqlite && !url->memory;
  if (sqlite_file && !dry_run) {
    std::string raw = config_.env.url;
    connect = [raw]() {
      // The heartbeat must never wait long on a busy file: it retries at the
      // next beat, and Release() joins it.
      driver::ConnectOptions o;
      o.busy_timeout = std::chrono::milliseconds(500);
      o.connect_retries = 0;
      return driver::Open(raw, o);
    };
  }
  return engine::MakeLock(conn, Tables(), options, std::move(connect), sink_);
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
  auto files = std::async(std::launch::async, [dir] {
    source::LoadOptions options;
    options.read_down = false;  // status shows whether a down exists, not what it says
    options.use_cache = true;   // status needs checksums, not the SQL
    return source::LoadMigrations(dir, options);
  });
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
  report.summary = engine::Summarize(report.migrations);
  report.problems = engine::FileIssues(*set);
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
  return report;
}

Result<ApplyReport> MigratorImpl::RunPlan(const engine::RunPolicy& policy, bool dry_run, const PlanFn& plan) {
  auto conn = Connect();
  if (!conn.ok()) return Scrub(conn.status());
  engine::History history(**conn, Tables(), config_.env.name);
  auto lock = MakeLock(**conn, dry_run);
  Status s = lock->Acquire();
  if (!s.ok()) return Scrub(s);
  engine::LockGuard guard(*lock);
  engine::Runner runner(**conn, history, *lock, sink_, MakeRunnerOptions());
  {
    std::lock_guard<std::mutex> running(running_mu_);
    running_ = *conn;
  }
  auto report = runner.Run(policy, [&]() -> Result<engine::Plan> {
    auto rows = history.Load();
    if (!rows.ok()) return rows.status();
    return plan(*rows, **conn);
  });
  {
    std::lock_guard<std::mutex> running(running_mu_);
    running_ = nullptr;
  }
  cancelled_ = false;  // this run has seen it
  return Scrub(std::move(report));
}

Result<ApplyReport> MigratorImpl::Up(const UpOptions& options) {
  auto set = LoadFiles();
  if (!set.ok()) return Scrub(set.status());
  auto policy = options.dry_run              ? engine::RunPolicy::DryRun()
                : options.single_transaction ? engine::RunPolicy::SingleTransaction()
                                             : engine::RunPolicy::PerMigration();
  std::vector<LintFinding> lint_findings;
  auto report = RunPlan(policy, options.dry_run,
                        [&](const std::vector<engine::AppliedRow>& rows, driver::Connection& conn) -> Result<engine::Plan> {
    auto plan = engine::PlanUp(*set, rows, options);
    if (!plan.ok()) return plan.status();
    plan->batch = engine::NextBatch(rows);
    // Lint policy (lint.cc): blocks before anything runs when lint = "error".
    Status lint = LintPending(*set, plan->steps, options, conn, &lint_findings);
    if (!lint.ok()) return lint;
    return plan;
  });
  if (report.ok()) report->lint = std::move(lint_findings);
  return report;
}

Result<ApplyReport> MigratorImpl::Down(const DownOptions& options) {
  Status s = RequireConfirmation("down", options.yes || options.dry_run);
  if (!s.ok()) return Scrub(s);
  auto set = LoadFiles();
  // The stored down SQL is enough: a missing folder must not stop a rollback.
  source::MigrationSet files = set.ok() ? std::move(*set) : source::MigrationSet{};
  auto policy = options.dry_run ? engine::RunPolicy::DryRun() : engine::RunPolicy::PerMigration();
  return RunPlan(policy, options.dry_run, [&](const std::vector<engine::AppliedRow>& rows, driver::Connection&) {
    return engine::PlanDown(files, rows, options);
  });
}

Result<ApplyReport> MigratorImpl::Redo(const RedoOptions& options) {
  Status s = RequireConfirmation("redo", options.yes);
  if (!s.ok()) return Scrub(s);
  auto set = LoadFiles();
  if (!set.ok()) return Scrub(set.status());
  return RunPlan(engine::RunPolicy::PerMigration(), false,
                 [&](const std::vector<engine::AppliedRow>& rows, driver::Connection&) -> Result<engine::Plan> {
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
    return plan;
  });
}

}  // namespace api
}  // namespace strata
