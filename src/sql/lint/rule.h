// The lint framework's side that rules see. Every rule is declared once in
// rules.cc (id, severity, family, hint) and checked by its family's function
// (destructive.cc, compatibility.cc, data.cc, locking.cc, hygiene.cc). A
// family function looks at one statement's parse tree and the schema state
// before it, and calls Reporter::Report with a rule id and a message; the
// framework (sql/lint.cc) adds location, severity and hint, applies
// `-- strata:allow` and --allow, and adjusts for table sizes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sql/lint.h"
#include "sql/pg_tree.h"
#include "sql/schema_state.h"

namespace strata::sql::lint {

// A table rebuilt in one migration (SQLite's documented way to change a
// table, what `strata generate` writes): rows copied from `table` into
// `temp`, `table` dropped, `temp` renamed to `table`. Nothing is lost, so
// neither the drop nor the rename is a finding.
struct Rebuild {
  std::string temp;   // "new_users"
  std::string table;  // "users"
};

// One statement of one migration, as the rules see it.
struct StatementContext {
  const PgNode* node = nullptr;
  const StatementInfo* info = nullptr;  // kind, locks, in_transaction
  const LintMigration* migration = nullptr;
  const SchemaState* state = nullptr;   // before this statement
  const LintOptions* options = nullptr;
  bool postgres = true;
  // A SET [LOCAL] lock_timeout ran earlier in this migration, or the
  // environment sets one.
  bool lock_timeout_set = false;
  // The rebuilds of this migration; null when none.
  const std::vector<Rebuild>* rebuilds = nullptr;
  // SQLite: foreign keys are off while this statement runs (the migration is
  // -- strata:foreign-keys-off or starts with PRAGMA foreign_keys=OFF, or, in
  // a no-transaction migration, an earlier PRAGMA turned them off).
  bool foreign_keys_off = false;

  // Did `table` exist before this migration? (Not created in it.)
  bool Existing(std::string_view table) const { return !state->IsNewTable(table); }
  // Is `table` dropped (and `temp` renamed) as part of a rebuild?
  bool RebuiltTable(std::string_view table) const {
    if (rebuilds == nullptr) return false;
    for (const Rebuild& r : *rebuilds) {
      if (r.table == table) return true;
    }
    return false;
  }
  bool RebuildTemp(std::string_view temp) const {
    if (rebuilds == nullptr) return false;
    for (const Rebuild& r : *rebuilds) {
      if (r.temp == temp) return true;
    }
    return false;
  }
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  // A finding of rule `id` (declared in rules.cc) at the current statement.
  // `table`: the table whose size makes it worse, for the size note and the
  // small-table downgrade of locking rules; "" when none. `hint`: the safe
  // form for this statement when the rule's general hint (rules.cc) does not
  // fit it; "" for the rule's.
  virtual void Report(std::string_view id, std::string message, std::string_view table = {},
                      std::string hint = {}) = 0;
};

// Families; each checks one statement. Locking, transactional and the
// PostgreSQL-type hygiene rules run on PostgreSQL only (the framework skips
// postgres_only rules for SQLite).
void CheckDestructive(const StatementContext& ctx, Reporter& out);
void CheckCompatibility(const StatementContext& ctx, Reporter& out);
void CheckDataDependent(const StatementContext& ctx, Reporter& out);
void CheckLocking(const StatementContext& ctx, Reporter& out);
void CheckHygiene(const StatementContext& ctx, Reporter& out);
// session.cc: a plain SET in a transactional migration (PostgreSQL).
void CheckSession(const StatementContext& ctx, Reporter& out);

// Shared by the families: the ALTER TABLE subcommands of a statement
// (empty for other statements), and whether a type change from `from` to
// `to` keeps the data as it is (no rewrite, no narrowing: varchar(10) ->
// varchar(20) or text, numeric(10,2) -> numeric(12,2)).
struct AlterCommands {
  const PgQuery__AlterTableStmt* stmt = nullptr;
  std::string table;
};
AlterCommands AlterOf(const PgNode* node);
bool IsBinaryCoercibleWidening(const ColumnType& from, const ColumnType& to);
// "ADD COLUMN x NOT NULL" style helpers over a ColumnDef's constraints.
const PgQuery__Constraint* FindConstraint(const PgQuery__ColumnDef* def, PgQuery__ConstrType type);
// What to call a statement PostgreSQL refuses inside a transaction block
// ("CREATE INDEX CONCURRENTLY", "VACUUM", ...); null for any other (locking.cc).
const char* NeedsNoTransaction(const PgNode* n);

}  // namespace strata::sql::lint
