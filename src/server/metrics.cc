#include "server/metrics.h"

#include <algorithm>
#include <cstdio>

#include <strata/types.h>

#include "server/render_util.h"

namespace strata::server {
namespace {

// One family: HELP and TYPE once, then its samples.
class Family {
 public:
  Family(std::string* out, const char* name, const char* type, const char* help) : out_(out), name_(name) {
    *out_ += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  // `labels` is `key="value",...` already escaped, or "".
  void Sample(const std::string& labels, const std::string& value) {
    *out_ += name_;
    if (!labels.empty()) *out_ += "{" + labels + "}";
    *out_ += " " + value + "\n";
  }
  void Sample(const std::string& labels, int64_t value) { Sample(labels, std::to_string(value)); }

 private:
  std::string* out_;
  const char* name_;
};

std::string Label(const char* key, std::string_view value) {
  return std::string(key) + "=\"" + PromLabel(value) + "\"";
}

std::string Float(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

std::string RenderMetrics(const Snapshot& s) {
  const HealthReport& h = s.health;
  std::string out;
  Family(&out, "strata_info", "gauge", "Version of strata and the environment it serves (always 1).")
      .Sample(Label("version", Version()) + "," + Label("environment", h.environment) + "," +
                  Label("dialect", h.dialect),
              1);
  Family(&out, "strata_up", "gauge", "Whether the database answered at the last snapshot (1) or not (0).")
      .Sample("", h.reachable ? 1 : 0);
  {
    Family f(&out, "strata_health", "gauge",
             "The health state at the last snapshot: 1 for the current state, 0 for the others.");
    for (HealthState st : {HealthState::kHealthy, HealthState::kPending, HealthState::kUnhealthy}) {
      f.Sample(Label("state", ToString(st)), h.state == st ? 1 : 0);
    }
  }
  if (h.reachable) {
    Family(&out, "strata_database_round_trip_seconds", "gauge",
           "Round trip of SELECT 1 at the last snapshot (median of three).")
        .Sample("", Float(h.round_trip_ms / 1000.0));
  }
  {
    Family f(&out, "strata_migrations", "gauge", "Migrations by state, as strata status counts them.");
    f.Sample(Label("state", "applied"), h.migrations.applied);
    f.Sample(Label("state", "pending"), h.migrations.pending);
    f.Sample(Label("state", "modified"), h.migrations.modified);
    f.Sample(Label("state", "missing"), h.migrations.missing);
    f.Sample(Label("state", "dirty"), h.migrations.dirty);
  }
  Family(&out, "strata_migration_file_problems", "gauge", "Migration files that do not load.")
      .Sample("", h.problems);
  if (s.has_status) {
    Family at(&out, "strata_migration_applied_timestamp_seconds", "gauge",
              "When each applied migration was applied, in Unix time.");
    for (const auto& m : s.status.migrations) {
      if (!m.applied_at) continue;
      auto ms = ParseUtcMillis(*m.applied_at);
      if (!ms) continue;
      at.Sample(Label("version", m.version) + "," + Label("name", m.name) + "," +
                    Label("batch", m.batch ? std::to_string(*m.batch) : ""),
                Seconds(*ms));
    }
    Family took(&out, "strata_migration_duration_seconds", "gauge", "How long each applied migration took to apply.");
    for (const auto& m : s.status.migrations) {
      if (m.duration_ms && m.applied_at) took.Sample(Label("version", m.version) + "," + Label("name", m.name),
                                                     Seconds(*m.duration_ms));
    }
  }
  if (h.last_apply) {
    if (auto ms = ParseUtcMillis(h.last_apply->at)) {
      Family(&out, "strata_last_apply_timestamp_seconds", "gauge",
             "When the newest successful apply finished, in Unix time.")
          .Sample("", Seconds(*ms));
    }
    if (h.last_apply->duration_ms) {
      Family(&out, "strata_last_apply_duration_seconds", "gauge", "How long the newest successful apply took.")
          .Sample("", Seconds(*h.last_apply->duration_ms));
    }
  }
  {
    Family f(&out, "strata_failures_total", "counter",
             "Failed operations recorded in the event table, by kind (apply, rollback, backup, notify, hook, ...).");
    // Always present for apply and rollback, so that rate() has a series to start from.
    auto failures = h.failures;
    failures.try_emplace("apply", 0);
    failures.try_emplace("rollback", 0);
    if (h.reachable) {
      for (const auto& [kind, n] : failures) f.Sample(Label("kind", kind), n);
    }
  }
  Family(&out, "strata_lock_held", "gauge", "Whether a strata run holds the migration lock (1) or not (0).")
      .Sample("", h.lock.held ? 1 : 0);
  if (h.backup.recorded) {
    if (auto ms = ParseUtcMillis(h.backup.at)) {
      Family(&out, "strata_backup_timestamp_seconds", "gauge",
             "When the newest successful backup was recorded, in Unix time; absent when none is recorded.")
          .Sample("", Seconds(*ms));
    }
  }
  Family(&out, "strata_snapshot_timestamp_seconds", "gauge",
         "When the snapshot these figures come from was taken, in Unix time.")
      .Sample("", Seconds(s.taken_at_ms));
  Family(&out, "strata_snapshot_duration_seconds", "gauge", "How long taking the snapshot took.")
      .Sample("", Float(s.took_ms / 1000.0));
  return out;
}

std::string RenderAgeMetrics(const Snapshot& s, int64_t now_ms) {
  std::string out;
  Family(&out, "strata_snapshot_age_seconds", "gauge", "Age of the snapshot these figures come from.")
      .Sample("", Seconds(std::max<int64_t>(0, now_ms - s.taken_at_ms)));
  if (s.health.backup.recorded) {
    if (auto ms = ParseUtcMillis(s.health.backup.at)) {
      Family(&out, "strata_backup_age_seconds", "gauge",
             "Age of the newest successful backup; absent when none is recorded.")
          .Sample("", Seconds(std::max<int64_t>(0, now_ms - *ms)));
    }
  }
  return out;
}

}  // namespace strata::server
