// Lint: safety findings for migrations, as returned by Migrator::Lint and
// attached to ApplyReport by `up`. Plain value types; field names match the
// `lint --format json` shape in docs/json.md. Rules are documented in
// docs/lint/ (one page per rule id).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <strata/trace.h>

namespace strata {

enum class LintSeverity { kError, kWarning, kInfo };
std::string_view ToString(LintSeverity severity);  // "error", "warning", "info"

struct LintFinding {
  std::string file;     // path of the up file, as listed or given
  std::string version;  // "" for a file without a version
  int line = 0;         // 1-based, of the statement the finding is about
  int column = 0;       // 1-based, in characters
  std::string rule;     // stable id, e.g. "add-index-without-concurrently"
  LintSeverity severity = LintSeverity::kError;
  std::string message;
  std::string hint;     // the safe way to do it
};

struct LintReport {
  std::string dialect;  // "postgres" or "sqlite": the rules that ran
  std::vector<LintFinding> findings;  // in file order, then statement order
  int files = 0;        // files linted (reported on), empty ones included
  // Up files with no SQL yet (`strata new`, not written): counted in files,
  // nothing to lint; `up` refuses until they have SQL.
  std::vector<std::string> empty;
  int statements = 0;   // statements parsed
  int errors = 0;
  int warnings = 0;
  int infos = 0;
  int allowed = 0;      // findings silenced by -- strata:allow or --allow
  bool semantic = false;  // the semantic check ran
  // With LintOptions::trace: what PostgreSQL locked, rewrote and scanned.
  bool traced = false;
  TraceReport trace;
  bool ok() const { return errors == 0; }
};

struct LintOptions {
  // Up files to report on. Default (empty): every migration in the
  // migrations directory. Migrations of the directory older than the files
  // still feed the schema state (what exists before them), silently.
  std::vector<std::string> files;
  // Rule ids to silence, on top of each file's -- strata:allow.
  std::vector<std::string> allow;
  // "postgres" or "sqlite". Default "": the configured URL's engine, else
  // "postgres". On SQLite only the rules that make sense there run.
  std::string dialect;
  // Also report DDL that fails when run twice (non-idempotent-ddl).
  bool require_idempotent = false;
  // Read table sizes (pg_class.reltuples) from the configured PostgreSQL
  // database: findings name sizes, and locking errors on tables below
  // 10,000 rows become warnings. Default false: lint never connects.
  bool use_database = false;
  // Also run the semantic check: replay the migrations in a dev database and
  // report what each one really removes or narrows (semantic-* rules,
  // docs/lint/). Files that are only schema state are replayed, not
  // checked. Default false (lint reads files only). PostgreSQL needs a
  // dev_url (kInvalidArgument without). Cost: a dev database and a replay.
  bool semantic = false;
  std::string dev_url;  // PostgreSQL server for the dev database; overrides the environment's dev_url
  // PostgreSQL: run each reported migration in a dev database (dev_url),
  // inside a transaction that is rolled back, and check every statement's
  // predicted locks, rewrites and scans against what PostgreSQL did
  // (LintReport::trace; each mismatch is a lock-trace-mismatch finding).
  // Default false. kInvalidArgument without a dev_url. Cost: a dev database,
  // the migrations replayed, two catalog queries per statement.
  bool trace = false;
};

}  // namespace strata
