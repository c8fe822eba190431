// Canonical SQLite DDL for a schema::Schema. Deterministic: the same model
// always gives the same text, byte for byte, and loading that text into an
// empty SQLite database and inspecting it gives the same model back.
//
// Order is dependency-safe: tables (SQLite allows forward foreign-key
// references), then indexes, views (SQLite resolves view references when a
// view is used, not when it is created), then triggers; within each group by
// name. Every identifier is double-quoted. Each statement ends with ";\n" and
// statements are separated by a blank line. Pure functions; thread-safe.
#pragma once

#include <string>

#include "schema/model.h"

namespace strata::schema {

std::string RenderSqlite(const Schema& schema);

std::string RenderSqliteTable(const Table& table);   // CREATE TABLE ...;
std::string RenderSqliteIndex(const Index& index);   // CREATE [UNIQUE] INDEX ...;

// Pieces of the above, for ALTER TABLE (diff_sqlite.cc).
// One column definition as in CREATE TABLE ("\"qty\" INT NOT NULL DEFAULT 1"),
// without PRIMARY KEY / AUTOINCREMENT (those are table-level in the model).
std::string RenderSqliteColumn(const Column& column);
// The REFERENCES clause of a foreign key, with its actions and DEFERRABLE,
// without the FOREIGN KEY (...) column list: "REFERENCES \"p\" (\"id\") ON DELETE CASCADE".
std::string RenderSqliteReferences(const ForeignKey& fk);
// Whether `default_expr` (as the model keeps it) is written bare after
// DEFAULT (a literal, NULL, TRUE/FALSE, CURRENT_TIME/DATE/TIMESTAMP, or a
// bare word) rather than in parentheses.
bool IsSqliteLiteralDefault(const std::string& default_expr);
// A column default as an expression usable in a SELECT: the bare-word
// legacy string spelling (DEFAULT active) becomes the literal 'active',
// anything else is parenthesized unless it is already a literal.
std::string SqliteDefaultAsExpr(const std::string& default_expr);

}  // namespace strata::schema
