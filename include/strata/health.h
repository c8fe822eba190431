// Health and history of a migrated database, as returned by
// Migrator::Health and Migrator::Events, and the JSON of `strata health`
// (also served by `strata serve` at /health). Plain value types; field names
// match docs/json.md#health. Never contain a password.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <strata/types.h>

namespace strata {

// One row of the event table (docs/tracking.md#strata_events).
struct EventInfo {
  int64_t id = 0;
  std::string occurred_at;  // RFC 3339 UTC with milliseconds
  std::string kind;         // apply, rollback, baseline, repair, notify, hook, backup, restore, ...
  std::string outcome;      // success, failure
  std::string version;      // "" when none
  std::string name;
  std::optional<int64_t> batch;
  std::optional<int64_t> duration_ms;
  std::string actor;        // user@host
  std::string host;
  std::string environment;
  std::optional<std::string> error;      // redacted
  std::optional<std::string> statement;  // the failing statement, redacted
  std::optional<std::string> detail;     // kind-specific; JSON for notify, hook and backup events
};

struct EventsOptions {
  // At most this many events, newest first. Default 50.
  int limit = 50;
  // Only these kinds ("apply", "backup", ...). Default: every kind.
  std::vector<std::string> kinds;
  // Only this outcome ("success" or "failure"). Default "": both.
  std::string outcome;
};

// Who holds the migration lock: the lease row of the lock table, on both
// engines (docs/tracking.md#strata_lock).
struct LockInfo {
  bool held = false;
  // A lease row whose expiry has passed: its holder died or stalled; the
  // next run takes it over. Not held.
  bool expired = false;
  // The holder, when held or expired; empty otherwise.
  std::string host;                  // host name of the runner
  std::optional<int64_t> pid;        // its process id
  std::string since;                 // RFC 3339 UTC, when it took the lease
  std::string expires_at;            // RFC 3339 UTC, when the lease ends unless renewed
  // "web-1 pid 4242, since 2026-11-22T09:30:00Z, lease expires in 21 s"; "" when free.
  std::string holder;
};

// The newest successful backup, from the event table (kind "backup").
struct LastBackup {
  bool recorded = false;             // false: "no backup recorded"
  std::string at;                    // RFC 3339 UTC
  std::optional<int64_t> age_seconds;
  std::string path;
  std::optional<int64_t> bytes;
  std::optional<bool> verified;
};

// The newest successful apply (event table; the tracking table when the event
// table has none, e.g. after an import).
struct LastApply {
  std::string version;
  std::string name;
  std::string at;                    // RFC 3339 UTC
  std::optional<int64_t> batch;
  std::optional<int64_t> duration_ms;
  std::string actor;                 // "" when unknown
};

enum class HealthState {
  kHealthy,    // reachable, nothing pending, dirty, modified or missing
  kPending,    // healthy, but migrations are pending
  kUnhealthy,  // unreachable, or a migration is dirty, modified or missing, or a file does not load
};
// "healthy", "pending", "unhealthy".
std::string_view ToString(HealthState state);

struct HealthReport {
  HealthState state = HealthState::kUnhealthy;
  // Why the state is not healthy, one sentence each ("2 migrations pending").
  std::vector<std::string> reasons;
  std::string environment;
  std::string url;                   // redacted
  std::string dialect;               // "sqlite", "postgres"; "" when the URL does not parse
  std::string checked_at;            // RFC 3339 UTC, when these figures were read
  // Connectivity.
  bool reachable = false;
  double connect_ms = 0;             // time to open the connection
  double round_trip_ms = 0;          // median of three `SELECT 1`
  std::string error;                 // why the database could not be read; "" when reachable
  // PostgreSQL: a pooler or proxy between strata and the server, as strata
  // detected it (its port or backend changes); "" when none was seen.
  std::string pooler;
  LockInfo lock;
  StatusSummary migrations;          // counts, as `strata status` reports them
  int problems = 0;                  // migration files that do not load
  std::optional<LastApply> last_apply;
  std::optional<EventInfo> last_failure;  // newest failed apply, rollback, backup or restore
  // Failed events in the event table by kind ({"apply": 2, "notify": 1});
  // only grows (events are never deleted).
  std::map<std::string, int64_t> failures;
  LastBackup backup;
};

// The JSON document of `strata health --json` and of /health (docs/json.md),
// pretty-printed, without a trailing newline.
std::string ToJson(const HealthReport& report);

}  // namespace strata
