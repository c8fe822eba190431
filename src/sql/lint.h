// sql::Lint: safety findings for a set of migrations. Each migration is
// parsed with libpg_query (PostgreSQL's own parser); rules read the parse
// trees, never the text, and see the schema state that the earlier
// statements and migrations produced (sql/schema_state.h). Rules, their ids,
// severities and hints are listed in sql/lint/rules.cc and documented in
// docs/lint/<id>.md; `-- strata:allow id` in a migration and
// LintOptions::allow silence them.
//
// SQLite migrations are parsed with the same parser where it can read them
// (statement by statement); statements it cannot read are skipped, and only
// the rules that apply to SQLite run.
//
// Stateless functions; safe to call from several threads at once.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sql/split.h"

namespace strata::sql {

enum class Severity { kError, kWarning, kInfo };
std::string_view ToString(Severity severity);  // "error", "warning", "info"

struct Finding {
  std::string file;     // LintMigration::file
  std::string version;  // LintMigration::version
  int line = 0;         // 1-based, of the statement's first character
  int column = 0;
  std::string rule;     // "drop-table"
  Severity severity = Severity::kError;
  std::string message;  // what this statement does and why it is risky
  std::string hint;     // the safe form
};

// One migration's up SQL and what the rules need to know about it.
struct LintMigration {
  std::string version;
  std::string name;
  std::string file;          // shown in findings
  std::string_view sql;      // borrowed: must outlive the Lint() call
  bool no_transaction = false;         // -- strata:no-transaction
  bool foreign_keys_off = false;       // -- strata:foreign-keys-off (SQLite)
  std::vector<std::string> allow;      // -- strata:allow ids
  bool has_down = true;
  // The down file, checked only for syntax (PostgreSQL): undoing a migration
  // is destructive by nature, so the other rules do not apply to it. ""
  // when there is none; `down_sql` is borrowed like `sql`.
  std::string down_file;
  std::string_view down_sql;
  // False for migrations that only feed the schema state (already applied):
  // no findings are reported for them.
  bool report = true;
};

// Sizes of tables in a live database (PostgreSQL: pg_class.reltuples), for
// rules that care how long a lock is held. Implemented above sql/ by whoever
// holds a connection; lint works without one.
class TableStats {
 public:
  virtual ~TableStats() = default;
  // Estimated row count of `table` ("name", or "schema.name" outside
  // public), nullopt when unknown (no such table, never analysed).
  virtual std::optional<double> EstimatedRows(std::string_view table) const = 0;
};

// A foreign key of `table` that references `parent`, and what deleting a
// parent row does to the referencing rows.
struct ForeignKeyReference {
  enum class OnDelete { kNoAction, kRestrict, kCascade, kSetNull, kSetDefault };
  std::string table;   // the referencing table ("child", "app.child")
  std::string parent;  // the referenced table
  std::string columns; // "parent_id" (comma-separated); "" when unknown
  OnDelete on_delete = OnDelete::kNoAction;
  bool operator==(const ForeignKeyReference&) const = default;
};

struct LintOptions {
  Dialect dialect = Dialect::kPostgres;
  // Rule ids to silence everywhere (--allow), on top of each migration's
  // -- strata:allow. Default none.
  std::vector<std::string> allow;
  // The environment sets lock_timeout for every statement, which is what
  // missing-lock-timeout asks for. Default false.
  bool lock_timeout_configured = false;
  // Report DDL that fails when run twice (CREATE without IF NOT EXISTS, ...):
  // the non-idempotent-ddl rule. Default false: migrations run once.
  bool require_idempotent = false;
  // Table sizes of the live database; null: unknown. Borrowed.
  const TableStats* stats = nullptr;
  // With stats: locking errors on tables estimated below this many rows are
  // reported as warnings (the lock is held for milliseconds). Default 10,000.
  double small_table_rows = 10000;
  // The live database's foreign keys, on top of those the migrations create:
  // drop-referenced-table (SQLite) and drop-cascade (PostgreSQL) name the
  // tables whose rows or constraints a DROP reaches. Default none.
  std::vector<ForeignKeyReference> references;
};

// The rules' catalogue, for docs and `--allow` checks.
struct RuleInfo {
  std::string_view id;
  Severity severity;
  std::string_view family;  // "destructive", "backward-incompatible", "data-dependent",
                            // "locking", "transactional", "hygiene", "syntax"
  bool postgres_only;
  std::string_view summary;
  std::string_view hint;
  // Its errors block `up` under every lint policy but "off" (not only under
  // lint = "error"): rows lost in a table the statement does not name.
  bool blocks = false;
};
const std::vector<RuleInfo>& AllRules();
const RuleInfo* FindRule(std::string_view id);

struct LintResult {
  std::vector<Finding> findings;  // in migration order, then statement order
  int statements = 0;             // statements read by the parser
  int allowed = 0;                // findings silenced by allow lists
};

// Lints `migrations` (in version order) with `options`.
LintResult Lint(const std::vector<LintMigration>& migrations, const LintOptions& options);

// The lock each PostgreSQL statement takes, from the lock table in
// https://www.postgresql.org/docs/current/explicit-locking.html. Ordered as
// PostgreSQL numbers them: a larger mode conflicts with more.
enum class LockMode {
  kNone = 0,
  kAccessShare,
  kRowShare,
  kRowExclusive,
  kShareUpdateExclusive,
  kShare,
  kShareRowExclusive,
  kExclusive,
  kAccessExclusive,
};
std::string_view ToString(LockMode mode);  // "ACCESS EXCLUSIVE", ...
// True when `mode` waits for, and then blocks, plain reads (SELECT).
inline bool BlocksReads(LockMode mode) { return mode == LockMode::kAccessExclusive; }
// True when `mode` waits for, and then blocks, INSERT/UPDATE/DELETE.
inline bool BlocksWrites(LockMode mode) { return mode >= LockMode::kShare; }

struct RelationLock {
  std::string relation;  // "users", "app.users"; an index's name for REINDEX INDEX
  LockMode mode = LockMode::kNone;
};

struct StatementInfo {
  size_t offset = 0;        // byte offset of the statement's first character
  size_t length = 0;
  int line = 0;
  int column = 0;
  std::string kind;         // "CREATE INDEX", "ALTER TABLE", ...
  std::vector<RelationLock> locks;  // strongest lock per relation, in order of appearance
  bool in_transaction = true;
  // The lock table's rows for the statement (ids of sql/lock_rows.h, one
  // per ALTER TABLE subcommand), and the relations those rows say it
  // rewrites and reads in full.
  std::vector<std::string> forms = {};
  std::vector<std::string> rewrites = {};
  std::vector<std::string> scans = {};
};

// Every statement of one PostgreSQL script with its locks. `no_transaction`:
// the script runs without a wrapping transaction (statements between BEGIN
// and COMMIT still run in one). kParse when the script does not parse.
Result<std::vector<StatementInfo>> AnalyzePostgres(std::string_view script, bool no_transaction);
// The same, one statement at a time, parsing big scripts in chunks so that
// memory stays bounded whatever the script's size.
Status AnalyzePostgres(std::string_view script, bool no_transaction,
                       const std::function<void(StatementInfo&&)>& each);

// The first statement of `script` that PostgreSQL refuses inside a
// transaction block, named ("CREATE INDEX CONCURRENTLY", "VACUUM", ...); ""
// when there is none, or when the script does not parse. Tools that send a
// migration file on its own (golang-migrate, Flyway) run such a file outside
// a transaction; strata's readers of their folders ask this.
std::string StatementNeedingNoTransaction(std::string_view script);

// The same for migrations that run one after the other: each sees the
// schema state the ones before it left (an index an earlier migration made,
// a foreign key it declared). One result per script, in order.
struct AnalyzeInput {
  std::string_view script;  // borrowed
  bool no_transaction = false;
};
std::vector<Result<std::vector<StatementInfo>>> AnalyzePostgresMigrations(const std::vector<AnalyzeInput>& inputs);

}  // namespace strata::sql
