#include "engine/runner.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

#include <strata/redact.h>

#include "engine/foreign_keys.h"
#include "util/clock.h"
#include "util/strings.h"

namespace strata::engine {
namespace {

// What loses a connection in the middle of a run, for the hints.
constexpr const char* kLostCauses = "the server restarted, crashed or failed over, or the network dropped";

std::string Label(const PlanStep& step) { return step.name.empty() ? step.version : step.version + "_" + step.name; }

// A step's error once the run was interrupted (RunnerOptions::stop): the same
// location, context and hint, as kCancelled.
Status Interrupted(const Status& error) {
  Status out = Status::Cancelled(error.message());
  out.At(error.file(), error.line(), error.column());
  for (const auto& c : error.context()) out.With(c);  // innermost first
  out.With("interrupted");
  if (!error.sqlstate().empty()) out.WithSqlState(error.sqlstate());
  out.WithHint(error.hint().empty() ? "run the same command again to go on" : error.hint());
  return out;
}

std::string Verb(const PlanStep& step) { return step.direction == Direction::kUp ? "apply" : "roll back"; }

// The event for a step; a rollback keeps the batch the migration was applied in.
EventRecord StepEvent(const PlanStep& step, int64_t batch, const char* outcome, int64_t duration_ms) {
  EventRecord e;
  e.kind = step.direction == Direction::kUp ? "apply" : "rollback";
  e.outcome = outcome;
  e.version = step.version;
  e.name = step.name;
  e.batch = step.direction == Direction::kUp ? batch : step.row.batch;
  e.duration_ms = duration_ms;
  return e;
}

// The failing statement the driver names in the context chain.
std::optional<std::string> FailingStatement(const Status& s) {
  for (const auto& c : s.context()) {
    if (util::StartsWith(c, "statement: ")) return c.substr(11);
  }
  return std::nullopt;
}

// A repeatable migration applied before is due again only while its record
// still holds other contents (another runner may have re-applied it).
bool NeedsReapply(const PlanStep& step, const AppliedRow& existing) {
  return step.reapply && step.migration && existing.checksum != step.migration->checksum;
}

// Rolls back on scope exit unless released: no early return leaves a
// transaction open on the shared connection.
class TransactionGuard {
 public:
  explicit TransactionGuard(driver::Connection& conn) : conn_(conn) {}
  ~TransactionGuard() {
    if (armed_ && conn_.in_transaction()) {
      Status s = conn_.Rollback();
      (void)s;
    }
  }
  void Release() { armed_ = false; }

 private:
  driver::Connection& conn_;
  bool armed_ = true;
};

}  // namespace

Runner::Runner(driver::Connection& conn, History& history, MigrationLock& lock, EventSink* sink,
               RunnerOptions options)
    : conn_(conn), history_(history), lock_(lock), sink_(sink), options_(options) {}

void Runner::Emit(Event::Kind kind, const PlanStep* step, int index, int total, int64_t duration_ms,
                  std::string message) {
  if (!sink_) return;
  Event e;
  e.kind = kind;
  if (step) {
    e.direction = step->direction;
    e.version = step->version;
    e.name = step->name;
  }
  e.index = index;
  e.total = total;
  e.duration_ms = duration_ms;
  e.message = Redact(message);
  sink_->OnEvent(e);
}

Result<ApplyReport> Runner::Run(const RunPolicy& policy, const std::function<Result<Plan>()>& prepare) {
  util::Stopwatch total;
  ApplyReport report;
  report.dry_run = policy.rollback_at_end;
  // Before `outer`: foreign keys come back on after its rollback.
  std::optional<ForeignKeysOff> fk_off;
  TransactionGuard outer(conn_);
  if (policy.one_transaction) {
    Status s = conn_.Begin();
    if (!s.ok()) return s;
    s = lock_.CheckHeld();
    if (!s.ok()) return s;
  }
  Status s = history_.Ensure();
  if (!s.ok()) return s;
  auto plan = prepare();
  if (!plan.ok()) return plan.status();
  report.batch = plan->steps.empty() ? 0 : plan->batch;

  // SQLite cannot switch foreign keys inside the transaction that is already
  // open, so a one-transaction run that includes a foreign-keys-off step
  // starts again with them off. Only a dry run may: it then runs every step
  // with foreign keys off, each checked by PRAGMA foreign_key_check; a real
  // single transaction would silently drop ON DELETE actions of the others.
  const PlanStep* needs_fk_off = nullptr;
  for (const auto& step : plan->steps) {
    if (step.foreign_keys_off && conn_.dialect() == driver::Dialect::kSqlite) needs_fk_off = &step;
  }
  if (policy.one_transaction && needs_fk_off != nullptr) {
    if (!policy.rollback_at_end) {
      return Status::InvalidArgument("--single-transaction cannot include " + Label(*needs_fk_off) +
                                     ": it is marked -- strata:foreign-keys-off, and SQLite cannot turn foreign "
                                     "keys off inside a transaction")
          .At(needs_fk_off->file)
          .WithHint("apply it without --single-transaction");
    }
    s = conn_.Rollback();
    if (!s.ok()) return s;
    fk_off.emplace(conn_, true);
    if (!fk_off->status().ok()) return fk_off->status();
    s = conn_.Begin();
    if (!s.ok()) return s;
    s = lock_.CheckHeld();
    if (!s.ok()) return s;
    s = history_.Ensure();
    if (!s.ok()) return s;
    plan = prepare();
    if (!plan.ok()) return plan.status();
    report.batch = plan->steps.empty() ? 0 : plan->batch;
  }
  check_foreign_keys_ = fk_off.has_value();
  struct ResetFlag {
    bool& flag;
    ~ResetFlag() { flag = false; }
  } reset_flag{check_foreign_keys_};

  if (policy.one_transaction && !policy.rollback_at_end) {
    for (const auto& step : plan->steps) {
      if (step.no_transaction) {
        return Status::InvalidArgument("--single-transaction cannot include " + Label(step) +
                                       ": it is marked -- strata:no-transaction")
            .At(step.file)
            .WithHint("apply the migrations before it first (`strata up --to ...`), then the rest");
      }
    }
  }

  const int total_steps = static_cast<int>(plan->steps.size());
  int widest = 0;  // for aligned columns
  for (const auto& step : plan->steps) widest = std::max(widest, static_cast<int>(Label(step).size()));
  Emit(Event::Kind::kPlan, nullptr, widest, total_steps, 0, "");
  for (int i = 0; i < total_steps; ++i) {
    const PlanStep& step = plan->steps[i];
    if (stopped()) {
      if (policy.one_transaction) {
        Status r = conn_.Rollback();
        (void)r;
      }
      std::string done = policy.one_transaction || i == 0 ? "nothing was changed"
                                                           : "the steps before it stay done";
      return Status::Cancelled("interrupted before " + Label(step) + " ran: " + done)
          .WithHint("run the same command again to go on");
    }
    if (options_.before_step) {
      Status hook = options_.before_step(*plan, i);
      if (!hook.ok()) {
        if (policy.one_transaction) (void)conn_.Rollback();
        return hook;
      }
    }
    Emit(Event::Kind::kStepStarted, &step, i, total_steps, 0, "");
    Result<StepResult> result = StepResult{};
    if (policy.one_transaction) {
      if (step.no_transaction) {  // dry run: cannot run outside the transaction we must roll back
        StepResult skipped;
        skipped.version = step.version;
        skipped.name = step.name;
        skipped.direction = step.direction;
        skipped.no_transaction = true;
        skipped.executed = false;
        Emit(Event::Kind::kStepSkipped, &step, i, total_steps, 0, "no-transaction migration: not executed in a dry run");
        report.steps.push_back(std::move(skipped));
        continue;
      }
      StepResult r;
      Status st = ApplyInOpenTransaction(step, plan->batch, policy.record_events, &r);
      if (st.ok()) {
        result = std::move(r);
      } else {
        result = st;
      }
    } else if (step.no_transaction) {
      result = RunWithoutTransaction(step, plan->batch);
    } else {
      result = RunInTransaction(step, plan->batch);
    }
    if (!result.ok()) {
      Status error = result.status();
      if (policy.one_transaction) {
        Status r = conn_.Rollback();
        (void)r;
        if (policy.record_events) RecordFailure(step, plan->batch, error, 0);
        error.WithHint(policy.rollback_at_end ? "dry run: nothing was changed"
                                              : "--single-transaction: every migration of this run was rolled back");
      }
      if (stopped()) error = Interrupted(error);
      Emit(Event::Kind::kStepFailed, &step, i, total_steps, 0, error.ToString());
      return error;
    }
    for (const auto& n : result->notices) Emit(Event::Kind::kNotice, &step, i, total_steps, 0, n);
    Emit(Event::Kind::kStepFinished, &step, i, total_steps, result->duration_ms, "");
    report.steps.push_back(std::move(*result));
  }
  if (policy.one_transaction) {
    s = policy.rollback_at_end ? conn_.Rollback() : conn_.Commit();
    if (!s.ok()) return s.With(policy.rollback_at_end ? "roll back the dry run" : "commit");
  }
  outer.Release();
  report.total_ms = total.ElapsedMs();
  return report;
}

Status Runner::ApplyInOpenTransaction(const PlanStep& step, int64_t batch, bool record_event, StepResult* result) {
  result->version = step.version;
  result->name = step.name;
  result->direction = step.direction;
  result->no_transaction = step.no_transaction;
  util::Stopwatch watch;
  // strata's own settings last for this transaction only (SET LOCAL): a
  // pooler hands the server connection to the application next.
  Status s = Status::Ok();
  if (options_.lock_timeout.count() > 0) {
    s = conn_.SetLocal("lock_timeout", std::to_string(options_.lock_timeout.count()) + "ms");
  }
  if (s.ok() && options_.statement_timeout.count() > 0) {
    s = conn_.SetLocal("statement_timeout", std::to_string(options_.statement_timeout.count()) + "ms");
  }
  if (s.ok()) {
    StatementProgress progress(*this, step);
    s = conn_.ExecScript(step.sql());
  }
  // With foreign keys off nothing checked the rows: check them before the
  // record commits, so a violation rolls the whole migration back.
  if (s.ok() && conn_.dialect() == driver::Dialect::kSqlite &&
      (step.foreign_keys_off || check_foreign_keys_)) {
    s = CheckForeignKeys(conn_);
  }
  // What the migration SET (search_path, role, timeouts) ends here: it must
  // reach neither strata's own record below nor the next migration.
  if (s.ok()) s = conn_.ResetSession();
  result->duration_ms = watch.ElapsedMs();
  result->notices = conn_.TakeNotices();
  if (!s.ok()) return Failed(step, std::move(s));
  EventRecord e = StepEvent(step, batch, "success", result->duration_ms);
  if (step.direction == Direction::kUp) {
    if (step.reapply) {  // a repeatable migration: its new record replaces the old one
      Status d = history_.Delete(step.version);
      if (!d.ok()) return d;
    }
    AppliedRow row = MakeRow(step, batch, result->duration_ms, false);
    return record_event ? history_.InsertWithEvent(row, e) : history_.Insert(row);
  }
  return record_event ? history_.DeleteWithEvent(step.version, e) : history_.Delete(step.version);
}

Result<StepResult> Runner::RunInTransaction(const PlanStep& step, int64_t batch) {
  for (int attempt = 0;; ++attempt) {
    // Declared before the guard: the rollback happens before foreign keys
    // come back on.
    ForeignKeysOff fk_off(conn_, step.foreign_keys_off);
    if (!fk_off.status().ok()) return Status(fk_off.status()).With(Verb(step) + " " + Label(step));
    TransactionGuard guard(conn_);
    Status s = conn_.Begin();
    if (!s.ok()) return s.With(Verb(step) + " " + Label(step));
    // Inside the transaction: are we still the lock holder, and is the step
    // still needed? Another runner may have done it meanwhile (its lease
    // taken over from us, or ours from it); the lock's transaction-level
    // part makes this read see what it committed (engine/lock.h).
    s = lock_.CheckHeld();
    if (!s.ok()) return s;
    auto existing = history_.Find(step.version);
    if (!existing.ok()) return existing.status();
    bool needed = step.direction == Direction::kUp ? !existing->has_value() || NeedsReapply(step, **existing)
                                                  : existing->has_value();
    StepResult result;
    result.version = step.version;
    result.name = step.name;
    result.direction = step.direction;
    if (!needed) {
      result.executed = false;
      return result;  // the guard rolls back the empty transaction
    }
    s = ApplyInOpenTransaction(step, batch, true, &result);
    if (s.ok()) {
      s = conn_.Commit();
      // A full disk shows up here on SQLite: name the migration and file.
      if (!s.ok()) s = Failed(step, std::move(s).With("COMMIT"), /*at_commit=*/true);
    }
    if (s.ok()) {
      guard.Release();
      return result;
    }
    Status r = conn_.Rollback();
    (void)r;
    bool retry = s.code() == Status::Code::kLocked && options_.lock_timeout.count() > 0 &&
                 attempt < options_.lock_retries && !s.sqlstate().empty();
    if (!retry) {
      RecordFailure(step, batch, s, result.duration_ms);
      return s;
    }
    auto wait = options_.retry_backoff * (1 << attempt);
    Emit(Event::Kind::kRetry, &step, 0, 0, 0,
         Label(step) + ": lock_timeout (" + s.message() + "); retrying in " + std::to_string(wait.count()) + " ms (" +
             std::to_string(attempt + 1) + "/" + std::to_string(options_.lock_retries) + ")");
    std::this_thread::sleep_for(wait);
  }
}

Result<StepResult> Runner::RunWithoutTransaction(const PlanStep& step, int64_t batch) {
  StepResult result;
  result.version = step.version;
  result.name = step.name;
  result.direction = step.direction;
  result.no_transaction = true;
  {
    // The lock check, the "still pending?" re-check and the dirty record in
    // one short transaction, as for a transactional step: a runner that lost
    // its lease, or came second, stops here.
    TransactionGuard guard(conn_);
    Status s = conn_.Begin();
    if (!s.ok()) return s.With(Verb(step) + " " + Label(step));
    s = lock_.CheckHeld();
    if (!s.ok()) return s;
    auto existing = history_.Find(step.version);
    if (!existing.ok()) return existing.status();
    bool needed = step.direction == Direction::kUp ? !existing->has_value() || NeedsReapply(step, **existing)
                                                  : existing->has_value();
    if (!needed) {
      result.executed = false;
      return result;  // the guard rolls back the empty transaction
    }
    // Recorded as dirty and committed before any statement runs: a crash
    // mid-way leaves a record that blocks `up` until someone looks.
    if (step.direction == Direction::kUp && existing->has_value()) s = history_.Delete(step.version);  // reapply
    if (s.ok()) {
      s = step.direction == Direction::kUp ? history_.Insert(MakeRow(step, batch, 0, true))
                                           : history_.MarkDirty(step.version);
    }
    if (s.ok()) s = conn_.Commit();
    if (!s.ok()) return s.With(Verb(step) + " " + Label(step));
    guard.Release();
  }
  Status s;
  util::Stopwatch watch;
  {
    StatementProgress progress(*this, step);
    s = conn_.ExecEach(step.sql());
  }
  result.duration_ms = watch.ElapsedMs();
  result.notices = conn_.TakeNotices();
  if (s.ok() && conn_.in_transaction()) {
    s = Status::Validation("the migration ended inside a transaction of its own (a BEGIN without COMMIT); strata "
                           "rolled it back");
  }
  // Each statement ran on its own, so what it SET stayed with the session:
  // put it back before strata's own statements and the next migration.
  RestoreSession();
  if (!s.ok()) {
    Status error = Failed(step, std::move(s));
    std::string lost = driver::IsConnectionLost(error) ? "the connection to the database server was lost while " +
                                                             Label(step) + " ran (" + kLostCauses + "). "
                                                       : "";
    error.WithHint(lost + Label(step) + " ran without a transaction and is now marked dirty: statements before the "
                   "failing one stay applied. Fix the database by hand, then `strata repair " + step.version +
                   "` (or `strata repair --retry " + step.version + "` to run it again)");
    RecordFailure(step, batch, error, result.duration_ms);
    return error;
  }
  TransactionGuard guard(conn_);
  s = conn_.Begin();
  if (s.ok()) {
    s = step.direction == Direction::kUp ? history_.MarkClean(step.version, result.duration_ms)
                                         : history_.Delete(step.version);
  }
  if (s.ok()) s = history_.RecordEvent(StepEvent(step, batch, "success", result.duration_ms));
  if (s.ok()) s = conn_.Commit();
  if (!s.ok()) return s.With("record " + Label(step) + " as done (it ran; its record stays dirty)");
  guard.Release();
  return result;
}

Runner::StatementProgress::StatementProgress(Runner& runner, const PlanStep& step) : runner_(runner) {
  if (!runner.sink_) return;
  auto live = std::make_shared<std::atomic<int>>(0);
  runner.EmitStatements(step, 0, live);
  auto last = std::chrono::steady_clock::now();
  runner.conn_.SetStatementObserver([&runner, &step, last, live](int completed) mutable {
    live->store(completed, std::memory_order_relaxed);
    // A data migration runs a million statements; an event each would cost
    // more than some of them. The live count carries what is between.
    auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::milliseconds(100)) return;
    last = now;
    runner.EmitStatements(step, completed, live);
  });
}

void Runner::EmitStatements(const PlanStep& step, int completed, const std::shared_ptr<std::atomic<int>>& live) {
  Event e;
  e.kind = Event::Kind::kStatement;
  e.direction = step.direction;
  e.version = step.version;
  e.name = step.name;
  e.index = completed;
  e.total = step.statements;
  e.statements_done = live;
  sink_->OnEvent(e);
}

Runner::StatementProgress::~StatementProgress() {
  if (runner_.sink_) runner_.conn_.SetStatementObserver({});
}

void Runner::RestoreSession() {
  if (conn_.in_transaction()) {
    Status r = conn_.Rollback();  // a failed statement may have left one open (BEGIN without COMMIT)
    (void)r;
  }
  Status s = conn_.ResetSession();
  (void)s;  // best effort: the connection may be broken, which is why we failed
  if (conn_.dialect() == driver::Dialect::kSqlite) {
    // strata's SQLite connections run with foreign keys on.
    s = conn_.ExecScript("PRAGMA foreign_keys = ON");
    (void)s;
  }
  (void)conn_.TakeNotices();
}

AppliedRow Runner::MakeRow(const PlanStep& step, int64_t batch, int64_t duration_ms, bool dirty) {
  AppliedRow row;
  row.version = step.version;
  row.name = step.name;
  if (step.migration) {
    row.checksum = step.migration->checksum;
    row.down_sql = step.migration->down_sql;
    row.down_checksum = step.migration->down_checksum;
  }
  row.batch = batch;
  row.duration_ms = duration_ms;
  row.dirty = dirty;
  return row;
}

void Runner::RecordFailure(const PlanStep& step, int64_t batch, const Status& error, int64_t duration_ms) {
  EventRecord e = StepEvent(step, batch, "failure", duration_ms);
  e.error = error.ToString();
  e.statement = FailingStatement(error);
  if (conn_.in_transaction()) {
    Status r = conn_.Rollback();
    (void)r;
  }
  // Best effort: the database may be unreachable, which is why we failed.
  Status s = history_.RecordEvent(e);
  (void)s;
}

Status Runner::Failed(const PlanStep& step, Status error, bool at_commit) {
  error.At(step.file).With(Verb(step) + " " + Label(step));
  // The server restarted, crashed or failed over under us. libpq's words
  // ("server closed the connection unexpectedly") do not say what became of
  // the migration; this does. (A no-transaction step adds its own hint.)
  if (driver::IsConnectionLost(error) && !step.no_transaction) {
    std::string was = step.direction == Direction::kUp ? "applied" : "rolled back";
    error.WithHint(
        at_commit
            ? "the connection to the database server was lost during the COMMIT of " + Label(step) + " (" +
                  kLostCauses + "), so whether it was " + was + " is not known. When the server accepts connections "
                  "again, `strata status` shows it; then run `strata " + (step.direction == Direction::kUp ? "up" : "down") +
                  "` again if needed"
            : "the connection to the database server was lost while " + Label(step) + " ran (" + kLostCauses +
                  "): the server rolled back its transaction, so " + Label(step) + " was not " + was +
                  ", and nothing after it ran. When the server accepts connections again, run `strata status`, then "
                  "the same command again");
  }
  // 57014 is also a Cancel() (Ctrl-C); only a timeout names the setting.
  if (error.sqlstate() == "57014" && options_.statement_timeout.count() > 0 && !stopped() &&
      error.message().find("statement timeout") != std::string::npos) {
    error.WithHint("the statement ran longer than statement_timeout (" +
                   std::to_string(options_.statement_timeout.count()) +
                   " ms, from strata.toml); make it faster, or raise statement_timeout for this environment");
  }
  return error;
}

}  // namespace strata::engine
