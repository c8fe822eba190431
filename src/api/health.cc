// Health and Events: what `strata health` and `strata serve` report. Reads
// only: no tracking table, lock table or SQLite file is ever created here.
#include <algorithm>
#include <chrono>
#include <future>

#include <nlohmann/json.hpp>
#include <strata/redact.h>

#include "api/migrator_impl.h"
#include "config/url.h"
#include "driver/open.h"
#include "engine/event_query.h"
#include "engine/planner.h"
#include "util/clock.h"

namespace strata {

std::string_view ToString(HealthState state) {
  switch (state) {
    case HealthState::kHealthy: return "healthy";
    case HealthState::kPending: return "pending";
    case HealthState::kUnhealthy: return "unhealthy";
  }
  return "unhealthy";
}

namespace api {
namespace {

using SteadyClock = std::chrono::steady_clock;

double MsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

// The backup fields from a backup event's detail JSON ({"path", "bytes",
// "sha256", "verified", ...}, written by ops/backup). A detail that is not
// JSON leaves them unknown rather than failing the health check.
void ReadBackupDetail(const std::string& detail, LastBackup* backup) {
  auto j = nlohmann::json::parse(detail, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return;
  if (auto it = j.find("path"); it != j.end() && it->is_string()) backup->path = it->get<std::string>();
  if (auto it = j.find("bytes"); it != j.end() && it->is_number_integer()) backup->bytes = it->get<int64_t>();
  if (auto it = j.find("verified"); it != j.end() && it->is_boolean()) backup->verified = it->get<bool>();
}

std::string Count(int n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

// The state and its reasons from the figures read.
void Judge(HealthReport* r) {
  auto& m = r->migrations;
  if (!r->reachable) r->reasons.push_back("database unreachable: " + r->error);
  if (r->reachable && !r->error.empty()) r->reasons.push_back(r->error);
  if (m.dirty > 0) r->reasons.push_back(Count(m.dirty, "migration") + " dirty (a no-transaction migration did not finish)");
  if (m.modified > 0) r->reasons.push_back(Count(m.modified, "applied migration") + " modified since applied");
  if (m.missing > 0) r->reasons.push_back(Count(m.missing, "applied migration") + " missing from the files");
  if (r->problems > 0) r->reasons.push_back(Count(r->problems, "migration file") + " that do not load");
  if (!r->reasons.empty()) {
    r->state = HealthState::kUnhealthy;
  } else if (m.pending > 0) {
    r->state = HealthState::kPending;
    r->reasons.push_back(Count(m.pending, "migration") + " pending");
  } else {
    r->state = HealthState::kHealthy;
  }
}

}  // namespace

Result<HealthReport> MigratorImpl::Health() {
  HealthReport report;
  report.environment = config_.env.name;
  report.url = redacted_url_;
  report.checked_at = util::NowRfc3339(true);
  if (!config_.url_status.ok()) return Scrub(config_.url_status);
  if (config_.env.url.empty()) {
    return Status::InvalidArgument("no database URL")
        .WithHint("pass --url, set DATABASE_URL, or add [env.NAME] url = \"...\" to strata.toml");
  }
  auto url = config::ParseUrl(config_.env.url);
  if (!url.ok()) return Scrub(url.status());
  report.dialect = url->scheme == config::Url::Scheme::kPostgres ? "postgres" : "sqlite";

  // The files are read on another thread while this one connects (as status does).
  std::string dir = config_.dir;
  auto files = std::async(std::launch::async, [dir] {
    source::LoadOptions options;
    options.read_down = false;
    options.use_cache = true;
    return source::LoadMigrations(dir, options);
  });

  // 1. Connectivity: one attempt, timed; then three round trips, median.
  if (SqliteFileMissing()) {
    report.error = "the database file " + url->path + " does not exist";
  } else {
    auto start = SteadyClock::now();
    if (!conn_) {
      driver::ConnectOptions options;
      options.connect_timeout = config_.env.connect_timeout;
      options.connect_retries = 0;  // a probe reports, it does not wait
      auto conn = driver::Open(config_.env.url, options);
      if (conn.ok()) {
        conn_ = std::move(*conn);
      } else {
        report.error = Redact(conn.status().ToString());
      }
    }
    report.connect_ms = MsSince(start);
    if (conn_) {
      std::vector<double> trips;
      for (int i = 0; i < 3 && report.error.empty(); ++i) {
        auto t = SteadyClock::now();
        auto r = conn_->Query("SELECT 1");
        if (!r.ok()) report.error = Redact(r.status().ToString());
        trips.push_back(MsSince(t));
      }
      std::sort(trips.begin(), trips.end());
      report.round_trip_ms = trips[trips.size() / 2];
      if (report.error.empty() && conn_->dialect() == driver::Dialect::kPostgres) {
        auto pooler = conn_->DetectPooler();
        if (pooler.ok()) report.pooler = Redact(*pooler);
      }
      // A connection that stopped answering is opened again next time.
      if (!report.error.empty()) conn_.reset();
    }
  }
  report.reachable = conn_ != nullptr && report.error.empty();

  // 2. Files and records.
  auto set = files.get();
  std::vector<engine::AppliedRow> rows;
  auto note = [&](const Status& s) {
    if (report.error.empty()) report.error = Redact(s.ToString());
  };
  if (report.reachable) {
    engine::History history(*conn_, Tables(), config_.env.name);
    auto loaded = history.Load(/*with_down_sql=*/false);
    if (loaded.ok()) rows = std::move(*loaded);
    else note(loaded.status());
    auto lock = engine::LockStatus(*conn_, Tables());
    if (lock.ok()) report.lock = std::move(*lock);
    else note(lock.status());
  }
  if (set.ok()) {
    auto infos = engine::Reconcile(*set, rows);
    report.migrations = engine::Summarize(infos);
    report.problems = static_cast<int>(set->problems.size());
    if (!report.reachable) report.migrations = StatusSummary{};  // unknown without the records
  } else {
    report.problems = 1;
    note(set.status());
  }

  // 3. History: last apply, last failure, newest backup.
  if (report.reachable) {
    auto read = [&](engine::EventQuery q) -> std::optional<EventInfo> {
      q.limit = 1;
      auto events = engine::ReadEvents(*conn_, Tables(), q);
      if (!events.ok()) {
        note(events.status());
        return std::nullopt;
      }
      if (events->empty()) return std::nullopt;
      return std::move(events->front());
    };
    if (auto e = read({1, {"apply"}, {}, "success"})) {
      report.last_apply = LastApply{e->version, e->name, e->occurred_at, e->batch, e->duration_ms, e->actor};
    } else {
      // Rows recorded without an event (baseline of an imported database).
      const engine::AppliedRow* newest = nullptr;
      for (const auto& r : rows) {
        if (!r.dirty && (!newest || r.applied_at > newest->applied_at)) newest = &r;
      }
      if (newest) {
        report.last_apply = LastApply{newest->version, newest->name,      newest->applied_at,
                                      newest->batch,   newest->duration_ms, newest->applied_by};
      }
    }
    auto failures = engine::CountEvents(*conn_, Tables(), "failure");
    if (failures.ok()) report.failures = std::move(*failures);
    else note(failures.status());
    // Alerts and hooks that failed are not failures of the database.
    report.last_failure = read({1, {}, {"notify", "hook"}, "failure"});
    if (auto e = read({1, {"backup"}, {}, "success"})) {
      report.backup.recorded = true;
      report.backup.at = e->occurred_at;
      if (auto at = util::ParseRfc3339Millis(e->occurred_at)) {
        report.backup.age_seconds = std::max<int64_t>(0, (util::NowUnixMillis() - *at) / 1000);
      }
      if (e->detail) ReadBackupDetail(*e->detail, &report.backup);
    }
  }
  Judge(&report);
  return report;
}

Result<std::vector<EventInfo>> MigratorImpl::Events(const EventsOptions& options) {
  if (SqliteFileMissing()) return std::vector<EventInfo>{};
  auto conn = Connect();
  if (!conn.ok()) return Scrub(conn.status());
  engine::EventQuery query;
  query.limit = options.limit;
  query.kinds = options.kinds;
  query.outcome = options.outcome;
  return Scrub(engine::ReadEvents(**conn, Tables(), query));
}

}  // namespace api
}  // namespace strata
