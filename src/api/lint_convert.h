// Conversions between the lint analyzer (src/sql) and the public lint types,
// shared by Migrator::Lint (lint.cc) and Migrator::Plan (plan.cc).
#pragma once

#include "source/migration.h"
#include "sql/lint.h"
#include <strata/lint.h>

namespace strata::api {

LintFinding ToPublic(const sql::Finding& f);

// The analyzer's input for a migration's up file; `report` = its findings are
// reported (false: read only for the schema state).
sql::LintMigration ToLintInput(const source::Migration& m, bool report);

}  // namespace strata::api
