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

}  // namespace strata::schema
