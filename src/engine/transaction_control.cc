#include "engine/transaction_control.h"

#include "sql/script_control.h"

namespace strata::engine {
namespace {

constexpr const char* kWaysOut =
    "split the file so that each part is its own migration (strata runs each migration in one transaction of "
    "its own), or mark it -- strata:no-transaction to run it as written (it is then recorded as dirty before it "
    "runs and as clean after)";

std::string Lines(const sql::ControlStatement& a, const sql::ControlStatement& b) {
  return "line " + std::to_string(a.line) + " and line " + std::to_string(b.line);
}

// Why a statement cannot run inside strata's transaction.
std::string Refusal(const sql::ControlStatement& c) {
  std::string what = "`" + c.text + "`";
  switch (c.kind) {
    case sql::ControlStatement::Kind::kCommit:
      return what + " would commit strata's transaction part-way: the statements before it would stay applied "
                    "without a tracking row, and a failure after it would leave the migration half applied";
    case sql::ControlStatement::Kind::kRollback:
      return what + " would roll back strata's transaction part-way, and the rest of the file would run outside "
                    "any transaction";
    case sql::ControlStatement::Kind::kBegin:
      return what + " would start a second transaction inside strata's own (the file's only transaction control "
                    "may be one BEGIN before everything and one COMMIT after everything)";
    default:
      return what + " controls the transaction, which strata owns in a transactional migration";
  }
}

// A script the engine's scanner cannot split (an unterminated quote,
// dollar quote or comment) is refused before anything runs: on the server
// it would fail only after every earlier migration of the run was applied,
// and SQLite takes an unterminated /* comment as a comment to the end of the
// file, silently skipping the statements in it.
std::string UnsplittableHint(const Status& parse) {
  if (!parse.hint().empty()) return parse.hint() + "; nothing was applied";
  bool unterminated = parse.message().find("unterminated") != std::string::npos ||
                      parse.message().find("incomplete") != std::string::npos;
  return unterminated ? "close it where it should end: the database would read the rest of the file as part of it; "
                        "nothing was applied"
                      : "fix the file at that position; nothing was applied";
}

Status Unsplittable(const Status& parse, const std::string& file, const std::string& label) {
  return Status::Validation(label + ": " + parse.message())
      .At(file, parse.line(), parse.column())
      .WithHint(UnsplittableHint(parse));
}

}  // namespace

Result<PreparedScript> PrepareScript(std::string_view sql, bool foreign_keys_off, sql::Dialect dialect,
                                     const std::string& file, const std::string& label,
                                     const sql::ScriptControl* analysed) {
  PreparedScript out;
  out.foreign_keys_off = foreign_keys_off;
  Result<sql::ScriptControl> control = analysed ? Result<sql::ScriptControl>(*analysed) : sql::AnalyzeControl(sql, dialect);
  out.original = sql;
  if (!control.ok()) {
    if (control.status().code() == Status::Code::kParse) return Unsplittable(control.status(), file, label);
    return out;  // anything else: the server reports it, inside strata's transaction
  }
  out.statements = control->statements;
  if (control->all.empty()) return out;
  if (!control->refused.empty()) {
    // The statement that breaks the file: the COMMIT in the middle rather
    // than the BEGIN before it.
    const sql::ControlStatement* culprit = &control->refused.front();
    for (const auto& c : control->refused) {
      if (c.kind != sql::ControlStatement::Kind::kBegin) {
        culprit = &c;
        break;
      }
    }
    const sql::ControlStatement& first = *culprit;
    return Status::Validation(label + " is a transactional migration with its own transaction control: " +
                              Refusal(first))
        .At(file, first.line)
        .WithHint(kWaysOut);
  }
  if (control->wrapped) {
    const sql::ControlStatement* opener = nullptr;
    const sql::ControlStatement* closer = nullptr;
    for (const auto& c : control->strip) {
      if (c.kind == sql::ControlStatement::Kind::kBegin) opener = &c;
      if (c.kind == sql::ControlStatement::Kind::kCommit) closer = &c;
    }
    if (opener && closer) {
      out.notes.push_back("the file's " + opener->text + " and " + closer->text + " (" + Lines(*opener, *closer) +
                          ") are strata's own transaction: not executed; the migration and its tracking row commit "
                          "together");
    }
  }
  if (control->foreign_keys_off && !foreign_keys_off) {
    out.foreign_keys_off = true;
    out.notes.push_back(
        "PRAGMA foreign_keys=OFF at the top of the file: strata turns foreign keys off before the migration's "
        "transaction (SQLite ignores the pragma inside one), runs PRAGMA foreign_key_check before COMMIT and "
        "restores the setting after; the file's own foreign-key pragmas are not executed");
  } else if (control->foreign_keys_off) {
    out.notes.push_back("the file's own foreign-key pragmas are not executed (-- strata:foreign-keys-off)");
  }
  if (!control->strip.empty()) out.stripped = sql::StripStatements(sql, control->strip);
  return out;
}

namespace {

// ApplyTransactionControl once the script has been split and analysed.
Status ApplyAnalysed(PlanStep* step, sql::Dialect dialect, const sql::ScriptControl& analysed,
                     const std::string& label) {
  if (step->no_transaction) {
    // Run as written, statement by statement: it had to split (checked by
    // the caller, before anything is recorded or run); counted for progress.
    step->statements = analysed.statements;
    return Status::Ok();
  }
  auto prepared = PrepareScript(step->sql(), step->foreign_keys_off, dialect, step->file, label, &analysed);
  if (!prepared.ok()) return prepared.status();
  if (prepared->stripped) step->rewritten = std::move(*prepared->stripped);
  step->statements = prepared->statements;
  step->foreign_keys_off = prepared->foreign_keys_off;
  step->control_notes = std::move(prepared->notes);
  return Status::Ok();
}

}  // namespace

Status ApplyTransactionControl(PlanStep* step, sql::Dialect dialect, ControlCache* cache) {
  std::string label = step->version + (step->name.empty() ? "" : "_" + step->name);
  // Only up steps: their SQL is the migration's, which outlives the run's
  // plans (a down step's SQL comes from rows read again under the lock).
  const bool cacheable = cache && step->direction == Direction::kUp && step->migration && !step->rewritten;
  if (cacheable) {
    if (auto it = cache->find(step->migration); it != cache->end()) return ApplyAnalysed(step, dialect, it->second, label);
  }
  auto control = sql::AnalyzeControl(step->sql(), dialect);
  if (!control.ok()) {
    // A script that does not split is refused before anything is recorded
    // or run; any other failure the server reports, inside strata's
    // transaction.
    if (control.status().code() == Status::Code::kParse) return Unsplittable(control.status(), step->file, label);
    return Status::Ok();
  }
  if (!cacheable) return ApplyAnalysed(step, dialect, *control, label);
  auto [it, inserted] = cache->insert_or_assign(step->migration, std::move(*control));
  (void)inserted;
  return ApplyAnalysed(step, dialect, it->second, label);
}

Status ApplyTransactionControl(Plan* plan, sql::Dialect dialect, ControlCache* cache) {
  for (auto& step : plan->steps) {
    Status s = ApplyTransactionControl(&step, dialect, cache);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

std::vector<ValidationIssue> TransactionControlIssues(const source::MigrationSet& set, sql::Dialect dialect) {
  std::vector<ValidationIssue> issues;
  for (const auto& m : set.migrations) {
    // A file the scanner cannot split: `up` refuses it (see Unsplittable).
    auto control = sql::AnalyzeControl(m.up_sql, dialect);
    if (!control.ok()) {
      if (control.status().code() == Status::Code::kParse) {
        issues.push_back({"bad_file", m.version, m.up_path, control.status().line(),
                          m.version + "_" + m.name + ": " + control.status().message(),
                          UnsplittableHint(control.status())});
      }
      continue;
    }
    if (m.up_annotations.no_transaction) continue;
    for (const auto& c : control->refused) {
      issues.push_back({"transaction_control", m.version, m.up_path, c.line,
                        m.version + "_" + m.name + ": " + Refusal(c), kWaysOut});
    }
  }
  return issues;
}

}  // namespace strata::engine
