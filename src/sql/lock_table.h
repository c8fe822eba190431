// The PostgreSQL lock table as code: which lock each statement takes on
// which relation (https://www.postgresql.org/docs/current/explicit-locking.html,
// and the pages of ALTER TABLE, CREATE INDEX, REINDEX for the finer cases).
// Internal to sql/; AnalyzePostgres (sql/lint.h) is the public face.
#pragma once

#include <string>
#include <vector>

#include "sql/lint.h"
#include "sql/pg_tree.h"
#include "sql/schema_state.h"

namespace strata::sql {

// The strongest lock `stmt` takes on each relation it touches, in order of
// appearance. Relations it creates are not listed (nobody else can see them
// before COMMIT). `state` resolves index names to tables (DROP INDEX).
std::vector<RelationLock> LocksOf(const PgNode* stmt, const SchemaState& state);

// "CREATE TABLE", "ALTER TABLE", "CREATE INDEX", ...; the parse node's name
// for statements without a SQL-ish name here.
std::string StatementKind(const PgNode* stmt);

}  // namespace strata::sql
