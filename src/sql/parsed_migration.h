// sql::ParseMigration and sql::LineTracker: one migration's statements as
// parse trees, and their lines, for the passes that walk a migration
// statement by statement (lint.cc, impact.cc). Internal to src/sql.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include <strata/status.h>

#include "sql/pg_tree.h"
#include "sql/split.h"

namespace strata::sql {

// The statements of one migration. PostgreSQL: the whole text in one parse
// (the fast path); when that fails, `error` says why, and then each
// statement the scanner finds is parsed on its own, so that one typo does
// not hide every other statement. SQLite: the same, silently skipping what
// the PostgreSQL grammar cannot read (AUTOINCREMENT, ...). Offsets are in
// `sql`.
struct ParsedMigration {
  std::vector<std::unique_ptr<ParsedScript>> scripts;  // own the trees
  std::vector<ParsedStatement> statements;
  Status error;
};
ParsedMigration ParseMigration(std::string_view sql, Dialect dialect);

}  // namespace strata::sql
