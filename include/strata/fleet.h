// strata::Fleet: one command on many databases (docs/commands.md#fleets).
//
//   strata::FleetOptions o;
//   o.targets_file = "tenants.txt";      // or o.fleet = "tenants" ([fleet.tenants])
//   o.command = strata::FleetCommand::kUp;
//   o.parallel = 8;
//   auto fleet = strata::Fleet::Open(o);
//   if (!fleet.ok()) return fail(fleet.status());
//   strata::FleetReport report = (*fleet)->Run(nullptr);
//   // report.failed == 0: every target is current
//
// Each target is an ordinary strata::Migrator of its own (its own
// connection, lease lock, backup and audit trail), opened with the base
// Options and the target's URL, environment or schema; at most `parallel`
// run at a time. A target that fails does not stop the others unless
// fail_fast; the targets not started then are skipped. Running the same
// fleet again resumes: targets already current have nothing to do.
//
// Thread-safety: Run() once per Fleet, from one thread; Cancel() from any
// thread. Observer calls are serialized (never two at once) but come from
// the worker threads. Nothing returned contains a password.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <strata/events.h>
#include <strata/health.h>
#include <strata/lint.h>
#include <strata/options.h>
#include <strata/result.h>
#include <strata/status.h>
#include <strata/types.h>

namespace strata {

// One database of a fleet.
struct FleetTarget {
  // Unique and stable across runs: the environment name, or for a URL
  // "host:port/database" (PostgreSQL, "/schema" appended for a schema
  // target) or the SQLite path as written. Also the name of the target's
  // backup folder (made file-name safe) below backup_dir.
  std::string name;
  std::string url;     // the redacted URL ("" for an environment line)
  std::string env;     // the environment of strata.toml it uses ("" = the default one)
  std::string schema;  // PostgreSQL schema (schemas_query); "" = none
  std::string origin;  // where it was listed: "tenants.txt:3", "strata.toml:12 (databases_query row 4)"
};

enum class FleetCommand { kUp, kStatus, kDrift, kLint, kHealth };
const char* ToString(FleetCommand command);  // "up", "status", ...

struct FleetOptions {
  // Configuration shared by every target: config_path, env (the
  // environment whose settings URL targets use: backup, lint, lock_wait,
  // hooks, ...), dir, format. `url` must be empty (the targets give it);
  // `schema` and `backup_dir` are set per target.
  Options base;
  // Exactly one of these names the targets: a file (one URL or environment
  // name per line, '#' comments) or a [fleet.NAME] of strata.toml.
  std::string targets_file;
  std::string fleet;
  FleetCommand command = FleetCommand::kStatus;
  // How many targets run at once. 0: the fleet's `parallel`, else 4.
  int parallel = 0;
  // Stop starting targets after the first failure (the rest are skipped).
  // Default: run every target.
  bool fail_fast = false;
  // The command's options, as for one database.
  UpOptions up;
  DriftOptions drift;
  LintOptions lint;
};

enum class FleetOutcome { kOk, kFailed, kSkipped };
const char* ToString(FleetOutcome outcome);  // "ok", "failed", "skipped"

struct FleetTargetResult {
  FleetTarget target;
  FleetOutcome outcome = FleetOutcome::kSkipped;
  // Why it failed: the command's error, or for a successful command whose
  // answer is a failure, kDrift (drift found), kLint (lint errors),
  // kDatabase (health: unhealthy, with its reasons). Redacted.
  Status error;
  int64_t duration_ms = 0;
  // The command's report (one of them, for the command that ran), when it
  // returned one; absent for skipped targets and command errors.
  std::optional<ApplyReport> up;
  std::optional<StatusReport> status;
  std::optional<DriftReport> drift;
  std::optional<LintReport> lint;
  std::optional<HealthReport> health;
};

struct FleetReport {
  FleetCommand command = FleetCommand::kStatus;
  std::vector<FleetTargetResult> targets;  // in the order listed
  int ok = 0;
  int failed = 0;
  int skipped = 0;
  int parallel = 0;        // as used
  bool cancelled = false;  // Cancel() stopped the run
  int64_t duration_ms = 0;
};

// Hears about targets as they run (the CLI's progress table).
class FleetObserver {
 public:
  virtual ~FleetObserver() = default;
  virtual void OnTargetStarted(size_t index, const FleetTarget& target) = 0;
  // The target's own progress events (steps, lock waits), as a Migrator's EventSink gets them.
  virtual void OnTargetEvent(size_t index, const Event& event) = 0;
  virtual void OnTargetFinished(size_t index, const FleetTargetResult& result) = 0;
};

class Fleet {
 public:
  // Lists the targets: reads the targets file or [fleet.NAME] and runs its
  // queries. Fails with kInvalidArgument (neither or both of targets_file
  // and fleet, base.url set, a bad URL or unknown environment on a line:
  // file:line named, duplicate targets, an empty list), kNotFound (file or
  // fleet missing), kDatabase (a query failed). Nothing is run yet.
  static Result<std::unique_ptr<Fleet>> Open(const FleetOptions& options);

  virtual ~Fleet();
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;

  virtual const std::vector<FleetTarget>& targets() const = 0;
  virtual int parallel() const = 0;

  // Runs the command on every target; per-target failures are in the
  // report, never a failure of Run. `observer` may be null.
  virtual FleetReport Run(FleetObserver* observer) = 0;

  // Cancels the running targets (Migrator::Cancel) and starts no more; the
  // report marks the unstarted ones skipped. Thread-safe.
  virtual void Cancel() = 0;

 protected:
  Fleet() = default;
};

}  // namespace strata
