// The rule catalogue. Ids are stable: they appear in `-- strata:allow`,
// --allow, JSON output and docs/lint/<id>.md; never rename one.
#include <algorithm>

#include "sql/lint/rule.h"

namespace strata::sql {

using S = Severity;

const std::vector<RuleInfo>& AllRules() {
  static const std::vector<RuleInfo> kRules = {
      {"syntax-error", S::kError, "syntax", false, "the migration does not parse",
       "fix the SQL; strata uses PostgreSQL's own parser"},
      // destructive
      {"drop-table", S::kError, "destructive", false, "drops a table and its data",
       "stop using the table in a release first, back it up, then drop it; allow with -- strata:allow drop-table"},
      {"drop-column", S::kError, "destructive", false, "drops a column and its data",
       "stop reading and writing the column in a release first, then drop it; allow with -- strata:allow drop-column"},
      {"drop-schema", S::kError, "destructive", false, "drops a schema and everything in it",
       "drop the objects one by one after checking each; allow with -- strata:allow drop-schema"},
      {"truncate-table", S::kError, "destructive", false, "deletes every row of a table",
       "if the data really must go, allow with -- strata:allow truncate-table"},
      {"delete-without-where", S::kWarning, "destructive", false, "DELETE without WHERE deletes every row",
       "add a WHERE clause; write WHERE true if every row is meant"},
      {"update-without-where", S::kWarning, "destructive", false, "UPDATE without WHERE changes every row",
       "add a WHERE clause; write WHERE true if every row is meant"},
      // Issue 8 (data safety) and issue 15 (strata owns the transaction):
      // rows lost outside the statement's own table, transaction control.
      {"drop-referenced-table", S::kError, "destructive", false,
       "SQLite: DROP TABLE with foreign keys on deletes, nulls or fails on the rows that reference the table",
       "put -- strata:foreign-keys-off on the migration's first line (or PRAGMA foreign_keys=OFF as its first "
       "statement): strata turns foreign keys off around the migration's transaction and runs PRAGMA "
       "foreign_key_check before COMMIT",
       /*blocks=*/true},
      {"drop-cascade", S::kError, "destructive", true,
       "DROP ... CASCADE silently drops every object that depends on the dropped one",
       "drop or change the dependent objects first, by name, then drop without CASCADE"},
      {"transaction-control", S::kError, "transactional", false,
       "BEGIN/COMMIT/ROLLBACK inside a transactional migration would commit or end strata's transaction part-way",
       "split the file so that each part is its own migration, or mark it -- strata:no-transaction to run it as "
       "written (a single BEGIN ... COMMIT around the whole file is fine)"},
      {"pragma-foreign-keys-in-transaction", S::kError, "transactional", false,
       "SQLite ignores PRAGMA foreign_keys inside a transaction, and strata runs the migration in one",
       "make PRAGMA foreign_keys=OFF the file's first statement or write -- strata:foreign-keys-off (strata then "
       "turns them off around the transaction and checks them before COMMIT), or mark the migration "
       "-- strata:no-transaction"},
      {"session-set", S::kWarning, "transactional", true,
       "a plain SET (or set_config(..., false)) outlives the migration's transaction",
       "use SET LOCAL (or set_config(name, value, true)), which ends with the migration's transaction"},
      // backward-incompatible
      {"rename-table", S::kWarning, "backward-incompatible", false, "renames a table that running code uses",
       "create the new table (or a view with the new name), move code over, drop the old name later"},
      {"rename-column", S::kWarning, "backward-incompatible", false, "renames a column that running code uses",
       "add the new column, write both, backfill, move reads, drop the old column later"},
      {"change-column-type", S::kWarning, "backward-incompatible", false,
       "changes a column's type under running code",
       "add a column of the new type, backfill it, move code over, then drop the old column"},
      // data-dependent
      {"set-not-null", S::kWarning, "data-dependent", false,
       "SET NOT NULL fails if any row is NULL, and scans the table under ACCESS EXCLUSIVE",
       "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; in a later migration VALIDATE CONSTRAINT c, then SET NOT NULL"},
      {"add-not-null-column-without-default", S::kError, "data-dependent", false,
       "a NOT NULL column without a DEFAULT fails on a table that has rows",
       "add a DEFAULT, or add the column nullable, backfill, then set NOT NULL"},
      {"add-unique-constraint", S::kWarning, "data-dependent", false,
       "a unique constraint or index fails if existing rows have duplicates",
       "check for duplicates first; on PostgreSQL CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX"},
      {"add-check-constraint", S::kWarning, "data-dependent", false,
       "a CHECK constraint fails if existing rows violate it",
       "check the existing rows first; on PostgreSQL add it NOT VALID and VALIDATE CONSTRAINT later"},
      {"add-foreign-key", S::kWarning, "data-dependent", false,
       "a FOREIGN KEY fails if existing rows reference missing keys",
       "check for orphans first; on PostgreSQL add it NOT VALID and VALIDATE CONSTRAINT later"},
      // locking (PostgreSQL)
      {"add-index-without-concurrently", S::kError, "locking", true,
       "building an index without CONCURRENTLY blocks writes to the table until it is done",
       "CREATE INDEX CONCURRENTLY in a migration marked -- strata:no-transaction"},
      {"drop-index-without-concurrently", S::kWarning, "locking", true,
       "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table",
       "DROP INDEX CONCURRENTLY in a migration marked -- strata:no-transaction"},
      {"reindex-without-concurrently", S::kError, "locking", true,
       "REINDEX without CONCURRENTLY blocks writes (and reads using the index) until it is done",
       "REINDEX ... CONCURRENTLY in a migration marked -- strata:no-transaction"},
      {"constraint-without-not-valid", S::kError, "locking", true,
       "adding a FOREIGN KEY or CHECK checks every row while holding a lock that blocks writes",
       "ADD CONSTRAINT ... NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in a later migration"},
      {"table-rewrite", S::kError, "locking", true,
       "rewrites the whole table under ACCESS EXCLUSIVE: no reads or writes until done",
       "add a new column, backfill in batches, switch over; use non-volatile defaults"},
      {"vacuum-full", S::kError, "locking", true, "VACUUM FULL rewrites the table under ACCESS EXCLUSIVE",
       "use plain VACUUM, or pg_repack outside migrations"},
      {"cluster", S::kError, "locking", true, "CLUSTER rewrites the table under ACCESS EXCLUSIVE",
       "run it in a maintenance window outside migrations, or use pg_repack"},
      {"refresh-materialized-view-without-concurrently", S::kWarning, "locking", true,
       "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks reads of the view",
       "REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view)"},
      {"missing-lock-timeout", S::kWarning, "locking", true,
       "a lock request without lock_timeout queues every later query behind it",
       "SET LOCAL lock_timeout = '5s' at the top of the migration, or lock_timeout in strata.toml"},
      // transactional (PostgreSQL)
      {"concurrently-in-transaction", S::kError, "transactional", true,
       "this statement cannot run inside a transaction block",
       "put it in its own migration marked -- strata:no-transaction"},
      // hygiene
      {"missing-down-migration", S::kInfo, "hygiene", false, "the migration has no down file",
       "add VERSION_NAME.down.sql so that `strata down` can roll it back"},
      {"timestamp-without-time-zone", S::kWarning, "hygiene", true,
       "timestamp without time zone stores wall-clock times without their zone",
       "use timestamptz (timestamp with time zone)"},
      {"prefer-text-over-varchar", S::kInfo, "hygiene", true,
       "varchar(n) on PostgreSQL is text with a length check that is costly to change",
       "use text, with a CHECK (length(col) <= n) if the limit matters"},
      {"int-primary-key", S::kWarning, "hygiene", true, "a 32-bit primary key runs out at 2.1 billion rows",
       "use bigint (or bigserial / GENERATED ... AS IDENTITY on bigint)"},
      {"non-idempotent-ddl", S::kWarning, "hygiene", false, "the statement fails when run a second time",
       "use IF NOT EXISTS / IF EXISTS"},
  };
  return kRules;
}

const RuleInfo* FindRule(std::string_view id) {
  const auto& rules = AllRules();
  auto it = std::find_if(rules.begin(), rules.end(), [&](const RuleInfo& r) { return r.id == id; });
  return it == rules.end() ? nullptr : &*it;
}

std::string_view ToString(Severity severity) {
  switch (severity) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: return "info";
  }
  return "error";
}

std::string_view ToString(LockMode mode) {
  switch (mode) {
    case LockMode::kNone: return "NONE";
    case LockMode::kAccessShare: return "ACCESS SHARE";
    case LockMode::kRowShare: return "ROW SHARE";
    case LockMode::kRowExclusive: return "ROW EXCLUSIVE";
    case LockMode::kShareUpdateExclusive: return "SHARE UPDATE EXCLUSIVE";
    case LockMode::kShare: return "SHARE";
    case LockMode::kShareRowExclusive: return "SHARE ROW EXCLUSIVE";
    case LockMode::kExclusive: return "EXCLUSIVE";
    case LockMode::kAccessExclusive: return "ACCESS EXCLUSIVE";
  }
  return "NONE";
}

namespace lint {

AlterCommands AlterOf(const PgNode* node) {
  AlterCommands out;
  if (node && node->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_STMT &&
      node->alter_table_stmt->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
    out.stmt = node->alter_table_stmt;
    out.table = RelationName(out.stmt->relation);
  }
  return out;
}

const PgQuery__Constraint* FindConstraint(const PgQuery__ColumnDef* def, PgQuery__ConstrType type) {
  if (def == nullptr) return nullptr;
  for (size_t i = 0; i < def->n_constraints; ++i) {
    const PgNode* c = def->constraints[i];
    if (c && c->node_case == PG_QUERY__NODE__NODE_CONSTRAINT && c->constraint->contype == type) return c->constraint;
  }
  return nullptr;
}

bool IsBinaryCoercibleWidening(const ColumnType& from, const ColumnType& to) {
  if (from.name == "varchar" && to.name == "text") return true;
  if (from.name == "varchar" && to.name == "varchar") {
    if (to.modifiers.empty()) return true;
    return !from.modifiers.empty() && to.modifiers[0] >= from.modifiers[0];
  }
  if (from.name == "text" && to.name == "varchar" && to.modifiers.empty()) return true;
  if (from.name == "numeric" && to.name == "numeric") {
    if (to.modifiers.empty()) return true;
    if (from.modifiers.empty()) return false;
    int from_scale = from.modifiers.size() > 1 ? from.modifiers[1] : 0;
    int to_scale = to.modifiers.size() > 1 ? to.modifiers[1] : 0;
    return from_scale == to_scale && to.modifiers[0] >= from.modifiers[0];
  }
  if (from.name == "cidr" && to.name == "inet") return true;
  if (from.name == to.name && from.modifiers == to.modifiers) return true;
  return false;
}

}  // namespace lint
}  // namespace strata::sql
