// engine::Runner: the only code that executes migrations. It owns the
// transaction policy and the order of writes that make the guarantees in
// DESIGN.md hold:
//   - transactional step: BEGIN; check the lock; re-check the record; SET
//     LOCAL strata's settings; run the SQL; reset the session (what the
//     migration SET ends here); write the record and the event; COMMIT. A
//     crash anywhere rolls all of it back.
//   - no-transaction step: record it dirty (committed) BEFORE running, run each
//     statement on its own, then mark it clean. A crash leaves it dirty.
//   - failures are recorded in the event table after the rollback.
// It never prints: progress goes to the EventSink.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include "driver/connection.h"
#include "engine/history.h"
#include "engine/lock.h"
#include "engine/planner.h"
#include <strata/events.h>
#include <strata/result.h>
#include <strata/types.h>

namespace strata::engine {

// How steps map to transactions. Built by the named constructors.
struct RunPolicy {
  bool one_transaction = false;  // every step inside one transaction
  bool rollback_at_end = false;  // and roll it back: a dry run
  bool record_events = true;

  static RunPolicy PerMigration() { return {}; }
  static RunPolicy SingleTransaction() { return {true, false, true}; }
  // Runs everything and rolls back; no-transaction steps are only listed.
  static RunPolicy DryRun() { return {true, true, false}; }
};

struct RunnerOptions {
  // When > 0, a step that fails on PostgreSQL's lock_timeout is rolled back
  // and retried after 1 s, 2 s, 4 s.
  std::chrono::milliseconds lock_timeout{0};
  int lock_retries = 3;
  std::chrono::milliseconds retry_backoff{1000};
  // When > 0, PostgreSQL's statement_timeout for every statement of a
  // transactional migration (SET LOCAL, like lock_timeout); a statement that
  // runs longer fails the migration, which rolls back. Not retried.
  std::chrono::milliseconds statement_timeout{0};
  // Set from another thread to interrupt the run (Migrator::Cancel, which
  // also cancels the running statement): no step starts after it is set,
  // and a step that fails while it is set fails as kCancelled.
  const std::atomic<bool>* stop = nullptr;
  // Called before each step starts (hooks: before_up, before_each): with the
  // plan and the step's index. A failure stops the run there, before the
  // step; under one_transaction the whole run is rolled back. Null: none.
  std::function<Status(const Plan& plan, int index)> before_step;
};

class Runner {
 public:
  Runner(driver::Connection& conn, History& history, MigrationLock& lock, EventSink* sink, RunnerOptions options);

  // Ensures the tracking tables, calls `prepare` (inside the transaction under
  // one_transaction policies, so a dry run sees its own state) and runs the
  // returned plan. REQUIRES: the lock is acquired.
  Result<ApplyReport> Run(const RunPolicy& policy, const std::function<Result<Plan>()>& prepare);

 private:
  Result<StepResult> RunInTransaction(const PlanStep& step, int64_t batch);
  Result<StepResult> RunWithoutTransaction(const PlanStep& step, int64_t batch);
  // Runs the step's SQL and its record inside an open transaction.
  Status ApplyInOpenTransaction(const PlanStep& step, int64_t batch, bool record_event, StepResult* result);
  // After a no-transaction step: the session as strata opened it.
  void RestoreSession();
  // kStatement events while a step's SQL runs (driver statement observer).
  class StatementProgress {
   public:
    StatementProgress(Runner& runner, const PlanStep& step);
    ~StatementProgress();
    StatementProgress(const StatementProgress&) = delete;
    StatementProgress& operator=(const StatementProgress&) = delete;

   private:
    Runner& runner_;
  };
  void EmitStatements(const PlanStep& step, int completed, const std::shared_ptr<std::atomic<int>>& live);
  static AppliedRow MakeRow(const PlanStep& step, int64_t batch, int64_t duration_ms, bool dirty);
  void RecordFailure(const PlanStep& step, int64_t batch, const Status& error, int64_t duration_ms);
  Status Failed(const PlanStep& step, Status error, bool at_commit = false);
  bool stopped() const { return options_.stop && options_.stop->load(); }
  void Emit(Event::Kind kind, const PlanStep* step, int index, int total, int64_t duration_ms, std::string message);

  driver::Connection& conn_;
  History& history_;
  MigrationLock& lock_;
  EventSink* sink_;
  RunnerOptions options_;
  // A dry run with foreign keys off: every step is checked before the next.
  bool check_foreign_keys_ = false;
};

}  // namespace strata::engine
