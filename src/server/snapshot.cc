#include "server/snapshot.h"

#include <chrono>

#include <strata/migrator.h>
#include <strata/redact.h>

#include "server/dashboard.h"
#include "server/metrics.h"
#include "server/render_util.h"

namespace strata::server {
namespace {

// The pending migrations' up files, for lint.
std::vector<std::string> PendingFiles(const StatusReport& status) {
  std::vector<std::string> files;
  for (const auto& m : status.migrations) {
    if (m.state == MigrationState::kPending && !m.file.empty()) files.push_back(m.file);
  }
  return files;
}

void Read(Snapshot& s, const Options& options, const ServeOptions& serve) {
  auto migrator = Migrator::Open(options);
  if (!migrator.ok()) {
    s.health.error = migrator.status().ToString();
    s.health.reasons = {"configuration: " + s.health.error};
    s.health.state = HealthState::kUnhealthy;
    s.health.checked_at = s.taken_at;
    return;
  }
  Migrator& m = **migrator;
  auto health = m.Health();
  if (!health.ok()) {
    s.health.environment = m.environment();
    s.health.url = m.url();
    s.health.error = health.status().ToString();
    s.health.reasons = {s.health.error};
    s.health.state = HealthState::kUnhealthy;
    s.health.checked_at = s.taken_at;
    return;
  }
  s.health = std::move(*health);
  if (!s.health.reachable) return;
  auto status = m.GetStatus();
  if (status.ok()) {
    s.status = std::move(*status);
    s.has_status = true;
  } else {
    s.errors.push_back("status: " + status.status().ToString());
  }
  EventsOptions events;
  events.limit = serve.recent_events;
  auto recent = m.Events(events);
  if (recent.ok()) {
    s.events = std::move(*recent);
  } else {
    s.errors.push_back("events: " + recent.status().ToString());
  }
  if (!s.has_status) return;
  LintOptions lint;
  lint.files = PendingFiles(s.status);
  if (lint.files.empty()) return;
  auto report = m.Lint(lint);
  if (report.ok()) {
    s.lint = std::move(*report);
    s.has_lint = true;
  } else {
    s.errors.push_back("lint: " + report.status().ToString());
  }
}

}  // namespace

Snapshot TakeSnapshot(const Options& options, const ServeOptions& serve) {
  Snapshot s;
  auto start = std::chrono::steady_clock::now();
  s.taken_at_ms = NowMillis();
  s.taken_at = UtcTime(s.taken_at_ms);
  Read(s, options, serve);
  s.took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  // Redact is the last step before anything leaves: every password strata
  // learned (URLs, secrets from strata.toml) is masked in every body.
  s.health_json = Redact(ToJson(s.health));
  s.metrics = Redact(RenderMetrics(s));
  s.dashboard = Redact(RenderDashboard(s, serve));
  return s;
}

}  // namespace strata::server
