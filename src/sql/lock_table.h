// The PostgreSQL lock table applied to statements: which lock each statement
// takes on which relation, what it rewrites and what it scans, all read from
// the rows of lock_rows.h (data, one row per statement form, each checked
// against PostgreSQL by a trace in the tests). Internal to sql/;
// AnalyzePostgres (sql/lint.h) is the public face.
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

// LocksOf into info->locks, and the rows (info->forms) and the relations
// they rewrite and scan (info->rewrites, info->scans).
void DescribeLocks(const PgNode* stmt, const SchemaState& state, StatementInfo* info);

// "CREATE TABLE", "ALTER TABLE", "CREATE INDEX", ...; the parse node's name
// for statements without a SQL-ish name here.
std::string StatementKind(const PgNode* stmt);

}  // namespace strata::sql
