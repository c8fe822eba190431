// sql::AnalyzeImpact: what each migration creates, changes or drops (tables,
// columns, indexes, constraints, views) and whose rows it writes, read from
// the parse trees with the schema state of the migrations before it (which
// table a dropped index belonged to). `strata impact` matches the names
// against a notes file (api/impact.cc).
//
// SQLite migrations are read with the same parser, statement by statement;
// statements it cannot read are counted in `unparsed`. Stateless; safe to call
// from several threads at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sql/split.h"

namespace strata::sql {

struct ObjectChange {
  std::string kind;    // "table", "column", "index", "constraint", "view"
  // "users"; "users.email" for a column; an index's or constraint's name
  // ("" for an unnamed constraint).
  std::string name;
  std::string table;   // the table a column, index or constraint belongs to; "" otherwise
  // "create", "alter", "drop", "rename", "rows" (INSERT, UPDATE, DELETE,
  // TRUNCATE write its rows), "reference" (a new foreign key points at it).
  std::string action;
  std::string detail;  // "type bigint", "renamed to customers", "UPDATE", "foreign key orders_user_id_fkey"
  int line = 0;        // of the statement, in the migration's SQL
};

struct ImpactInput {
  std::string_view sql;  // borrowed: must outlive the call
  bool report = true;    // false: only feeds the schema state (applied before)
};

struct MigrationImpact {
  std::vector<ObjectChange> changes;  // in statement order; one entry per object and action
  int statements = 0;                 // statements read
  int unparsed = 0;                   // SQLite statements the parser could not read (not analysed)
  bool parse_error = false;           // PostgreSQL: the file does not parse (statements read one by one)
};

// One result per input, in order (empty for report = false).
std::vector<MigrationImpact> AnalyzeImpact(const std::vector<ImpactInput>& migrations, Dialect dialect);

}  // namespace strata::sql
