// sql::SchemaState: what the migrations seen so far have done to tables,
// columns and indexes, so that a lint rule can ask "did this table exist
// before the migration being checked?" (an index on a table created in the
// same migration locks nobody out) and "how big is it?".
//
// Migrations are fed in version order; BeginMigration() marks the start of
// each. A table created by an earlier migration counts as existing, one
// created earlier in the current migration does not. A table the state has
// never seen (made outside the migration set, or by SQL the parser cannot
// read) counts as existing: the rules err on the side of a finding.
//
// Not thread-safe; a value type owned by one Lint() call. Internal to sql/.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sql/lint.h"
#include "sql/pg_tree.h"

namespace strata::sql {

// A column's declared type as the parser saw it: "varchar" with {20}.
struct ColumnType {
  std::string name;
  std::vector<int> modifiers;
};

class SchemaState {
 public:
  // `stats` may be null; it must outlive the state.
  explicit SchemaState(const TableStats* stats = nullptr) : stats_(stats) {}

  // Starts the next migration: everything created so far becomes existing.
  void BeginMigration();
  // Records what a statement creates, alters or drops.
  void Apply(const PgNode* stmt);

  // Created in the current migration (and not dropped since).
  bool IsNewTable(std::string_view table) const;
  bool IsNewSchema(std::string_view schema) const;
  bool IsNewColumn(std::string_view table, std::string_view column) const;
  // The declared type, when the table was created or the column added or
  // altered by a migration seen so far.
  std::optional<ColumnType> TypeOf(std::string_view table, std::string_view column) const;
  // A validated CHECK (column IS NOT NULL) exists on the column, so SET NOT
  // NULL needs no scan (PostgreSQL 12+) and cannot fail.
  bool HasNotNullCheck(std::string_view table, std::string_view column) const;
  // Constraint `constraint` (a CHECK or FOREIGN KEY) was added NOT VALID by
  // the current migration and not validated or dropped since: validating it
  // now, in the same transaction, scans under the lock ADD CONSTRAINT took.
  bool IsNewNotValidConstraint(std::string_view table, std::string_view constraint) const;
  // The table an index belongs to; "" when the index is unknown.
  std::string TableOfIndex(std::string_view index) const;
  bool IsNewIndex(std::string_view index) const;
  // Estimated rows of an existing table from TableStats; nullopt for new or
  // unknown tables and without stats.
  std::optional<double> EstimatedRows(std::string_view table) const;

  // The foreign keys of other tables that reference `table` (names compared
  // case-insensitively, as SQLite does), from CREATE TABLE, ADD CONSTRAINT
  // and AddReference. A table's references to itself are left out.
  std::vector<ForeignKeyReference> ReferencesTo(std::string_view table) const;
  // A foreign key the migrations did not create (the live database's).
  // Repeats are ignored.
  void AddReference(ForeignKeyReference reference);
  // What the lock table (lock_rows.h) asks, for statements whose locks
  // reach past the table they name. Each answers "" / false / empty for what
  // the migrations seen so far did not make.
  // The table foreign key `constraint` of `table` references ("" when it is
  // no foreign key the state saw; unnamed ones as PostgreSQL names them,
  // table_column_fkey).
  std::string ReferencedBy(std::string_view table, std::string_view constraint) const;
  // Every table the foreign keys of `table` reference.
  std::vector<std::string> References(std::string_view table) const;
  // The parent of a partition.
  std::string PartitionParentOf(std::string_view table) const;
  // Whether a table was created PARTITION BY (PostgreSQL refuses CREATE INDEX
  // CONCURRENTLY on it).
  bool IsPartitioned(std::string_view table) const;
  // Whether a domain has CHECK or NOT NULL constraints (adding a column of
  // it checks every row).
  bool DomainHasChecks(std::string_view type) const;
  // Tables with a column of type `type` (a domain).
  std::vector<std::string> TablesUsingType(std::string_view type) const;
  bool IsView(std::string_view name) const;
  // The table of an extended statistics object.
  std::string TableOfStatistics(std::string_view name) const;

  // Used by Apply (schema_state.cc); public for tests.
  void AddTable(const std::string& table);
  void AddColumn(const std::string& table, const std::string& column, ColumnType type);

 private:
  // `gen` is the migration (BeginMigration count) that created the object;
  // kExisting for objects known only to exist. Comparing it with gen_ keeps
  // BeginMigration O(1): a flag per object made linting quadratic.
  static constexpr int kExisting = -1;
  struct Column {
    ColumnType type;
    int gen = kExisting;
  };
  struct Table {
    int gen = kExisting;
    std::unordered_map<std::string, Column> columns;
    std::unordered_map<std::string, std::string> not_valid_checks;  // constraint -> column
    std::vector<std::string> not_null_checked;                      // columns
    std::unordered_map<std::string, std::string> foreign_keys = {};  // constraint -> referenced table
    std::string partition_of = {};
    bool partitioned = false;
    std::unordered_map<std::string, int> not_valid = {};  // constraint added NOT VALID -> gen
  };
  struct Index {
    std::string table;
    int gen = kExisting;
  };
  void ApplyCreate(const PgQuery__CreateStmt* create);
  void ApplyAlterTable(const PgQuery__AlterTableStmt* alter);
  void ApplyAddConstraint(const std::string& table, const PgQuery__Constraint* c);
  void ApplyRename(const PgQuery__RenameStmt* rename);
  void ApplyDrop(const PgQuery__DropStmt* drop);
  void AddReferences(const std::string& table, const PgQuery__Constraint* c, const std::string& column);
  void AddForeignKey(const std::string& table, const std::string& column, const PgQuery__Constraint* c);
  void ApplyOther(const PgNode* stmt);

  const TableStats* stats_;
  int gen_ = 0;
  std::unordered_map<std::string, Table> tables_;
  std::unordered_map<std::string, Index> indexes_;
  std::vector<std::string> new_schemas_;  // created in the current migration
  std::vector<ForeignKeyReference> references_;
  std::unordered_map<std::string, bool> domains_;               // name -> has checks
  std::unordered_map<std::string, bool> views_;                 // views and materialized views
  std::unordered_map<std::string, std::string> statistics_;     // name -> table
};

}  // namespace strata::sql
