// `--trace` for plan and lint: runs migrations under api::LockTracer and
// turns each prediction PostgreSQL does not confirm into a
// lock-trace-mismatch finding (docs/lint/lock-trace-mismatch.md).
//
//   In a dev database (`dev` true): migrations with report = false are only
//   replayed; each one with report = true is traced in a transaction that is
//   rolled back, then applied for real so that the next sees its schema.
//   On the target (`dev` false): report = false migrations are already
//   there; the others are traced one after the other in one transaction that
//   is rolled back at the end, with SET LOCAL lock_timeout.
//
// Internal to src/api. Borrows the connection; one thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "driver/connection.h"
#include "sql/lint.h"
#include <strata/lint.h>
#include <strata/result.h>
#include <strata/trace.h>

namespace strata::api {

inline constexpr std::string_view kTraceMismatchRule = "lock-trace-mismatch";

struct TraceCheckOptions {
  bool dev = true;               // see above
  std::string lock_timeout;      // target only: "5000ms"; "" = none
  std::string where;             // for TraceReport::where
  std::vector<std::string> allow;  // --allow
};

// Fails only when the connection refuses (kDatabase); a migration that does
// not apply or a statement that fails is reported in the trace.
Result<TraceReport> TraceMigrations(driver::Connection& conn, const std::vector<sql::LintMigration>& inputs,
                                    const TraceCheckOptions& options, std::vector<LintFinding>* findings,
                                    int* allowed);

}  // namespace strata::api
