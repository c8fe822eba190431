// CompareSchemas: what differs between two canonical schemas, object by
// object, in words a person can act on ("table users: column email missing
// in the database"). Drift and `strata test` report these; the diff
// (schema/diff.h) says how to fix them, this says what is wrong, and does not
// depend on the diff being able to express the change.
//
// Pure function over values; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "schema/diff.h"
#include "schema/model.h"
#include <strata/types.h>

namespace strata::api {

// How the two sides are named in the details.
struct CompareWords {
  std::string missing;   // object of `expected` absent in `actual`: "missing in the database"
  std::string extra;     // object of `actual` absent in `expected`: "not in the migrations"
  std::string expected;  // "in the migrations" (a value on the expected side)
  std::string actual;    // "in the database"
  // On SQLite, column order counts (on PostgreSQL ALTER TABLE can only
  // append a column, so the diff never reorders and a dropped and re-added
  // column legitimately ends up last), and definitions that differ only in
  // spelling SQLite ignores (schema::AlignSqliteSpelling) are equal.
  schema::Dialect dialect = schema::Dialect::kPostgres;
};

// Drift: expected = the applied migrations, actual = the database.
CompareWords DriftWords(schema::Dialect dialect);
// strata test: expected = before the migration, actual = after its down.
CompareWords DownWords(schema::Dialect dialect);

// Empty when the schemas are equal. Objects in canonical order: schemas,
// extensions, types, domains, sequences, tables, indexes, views, triggers,
// routines, comments.
std::vector<SchemaDifference> CompareSchemas(const schema::Schema& expected, const schema::Schema& actual,
                                             const CompareWords& words);

}  // namespace strata::api
