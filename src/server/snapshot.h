// server::Snapshot: everything the endpoints show, read from the database by
// the refresher thread and never changed afterwards, so any number of
// request threads may read one without a lock (they share a
// shared_ptr<const Snapshot>). The bodies are rendered once, when the
// snapshot is taken; requests only copy them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <strata/health.h>
#include <strata/lint.h>
#include <strata/options.h>
#include <strata/server.h>
#include <strata/types.h>

namespace strata::server {

struct Snapshot {
  int64_t taken_at_ms = 0;  // Unix milliseconds, when the refresh started
  std::string taken_at;     // the same, RFC 3339 UTC
  double took_ms = 0;       // how long the refresh took
  HealthReport health;      // always set; unreachable / misconfigured shows here
  bool has_status = false;  // status, events and lint need a reachable database
  StatusReport status;
  std::vector<EventInfo> events;  // newest first
  bool has_lint = false;          // there were pending migrations and lint ran
  LintReport lint;
  // What could not be read, for the dashboard (redacted, one sentence each).
  std::vector<std::string> errors;

  // Pre-rendered bodies (metrics.cc, dashboard.cc); passwords masked.
  std::string health_json;
  std::string metrics;  // every family but the age gauges, which are added per request
  std::string dashboard;
};

// Reads one snapshot through a fresh Migrator (so a connection that died is
// never reused and a changed strata.toml is picked up) and renders it.
// Never fails: what could not be read is in health (unhealthy) and errors.
Snapshot TakeSnapshot(const Options& options, const ServeOptions& serve);

}  // namespace strata::server
