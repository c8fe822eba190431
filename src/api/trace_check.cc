#include "api/trace_check.h"

#include <algorithm>
#include <memory>

#include "api/lock_trace.h"
#include "engine/foreign_keys.h"
#include "source/migration.h"

namespace strata::api {
namespace {

bool Allowed(const sql::LintMigration& m, const std::vector<std::string>& allow) {
  auto has = [](const std::vector<std::string>& ids) {
    return std::find(ids.begin(), ids.end(), kTraceMismatchRule) != ids.end();
  };
  return has(m.allow) || has(allow);
}

void AddFindings(const sql::LintMigration& m, const TraceMigration& traced, const std::vector<std::string>& allow,
                 std::vector<LintFinding>* findings, int* allowed) {
  for (const auto& st : traced.statements) {
    for (const auto& mismatch : st.mismatches) {
      if (Allowed(m, allow)) {
        ++*allowed;
        continue;
      }
      LintFinding f;
      f.file = m.file;
      f.version = m.version;
      f.line = st.line;
      f.column = 1;
      f.rule = std::string(kTraceMismatchRule);
      f.severity = LintSeverity::kWarning;
      f.message = mismatch;
      f.hint = "PostgreSQL's trace is what happens: plan for it. A lock on a table the statement does not name "
               "comes from a trigger, rule, foreign key or function it runs; otherwise report the lock table's row (" +
               (st.forms.empty() ? std::string("none") : st.forms[0]) + ") as wrong";
      findings->push_back(std::move(f));
    }
  }
}

}  // namespace

Result<TraceReport> TraceMigrations(driver::Connection& conn, const std::vector<sql::LintMigration>& inputs,
                                    const TraceCheckOptions& options, std::vector<LintFinding>* findings,
                                    int* allowed) {
  TraceReport report;
  report.where = options.where;
  std::vector<sql::AnalyzeInput> analyze;
  for (const auto& m : inputs) analyze.push_back({m.sql, m.no_transaction});
  std::vector<Result<std::vector<sql::StatementInfo>>> predicted = sql::AnalyzePostgresMigrations(analyze);

  std::unique_ptr<LockTracer> shared;  // target: one transaction for all
  std::string stopped;                 // why nothing more is traced
  for (size_t i = 0; i < inputs.size(); ++i) {
    const sql::LintMigration& m = inputs[i];
    if (!m.report && !options.dev) continue;  // on the target already
    if (m.report) {
      TraceInput in{m.version, m.name, m.file, m.sql, m.no_transaction, predicted[i].ok() ? &*predicted[i] : nullptr};
      TraceMigration traced;
      if (!stopped.empty()) {
        traced.version = m.version;
        traced.name = m.name;
        traced.file = m.file;
        traced.note = "not traced: " + stopped;
      } else if (options.dev) {
        auto tracer = LockTracer::Begin(conn, "");
        if (!tracer.ok()) return tracer.status();
        traced = (*tracer)->Trace(in);
        Status s = (*tracer)->Rollback();
        if (!s.ok()) return s;
      } else {
        if (!shared) {
          auto tracer = LockTracer::Begin(conn, options.lock_timeout);
          if (!tracer.ok()) return tracer.status();
          shared = std::move(*tracer);
        }
        traced = shared->Trace(in);
        if (shared->failed()) stopped = "an earlier statement failed (the trace's transaction is aborted)";
      }
      AddFindings(m, traced, options.allow, findings, allowed);
      for (const auto& st : traced.statements) {
        report.confirmed += st.confirmed;
        report.mismatches += static_cast<int>(st.mismatches.size());
      }
      report.migrations.push_back(std::move(traced));
    }
    if (options.dev && stopped.empty()) {
      // The next migration's trace needs this one's schema.
      auto annotations = source::ParseAnnotations(m.sql, m.file);
      Status s = annotations.ok() ? engine::ApplyScript(conn, m.sql, *annotations) : annotations.status();
      if (!s.ok()) stopped = m.file + " does not apply in the dev database: " + s.message();
    }
  }
  if (shared) {
    Status s = shared->Rollback();
    if (!s.ok()) return s;
  }
  return report;
}

}  // namespace strata::api
