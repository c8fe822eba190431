// Canonical PostgreSQL DDL for a schema::Schema (as InspectPostgres fills
// it). Deterministic: the same model always gives the same text, byte for
// byte, and loading that text into an empty database and inspecting it gives
// the same model back.
//
// Order is dependency-safe: CREATE SCHEMA, enum types, sequences, tables
// (columns, primary key, unique and check constraints inline), sequence
// OWNED BY, NOT VALID checks, indexes on tables, then every foreign key as
// ALTER TABLE ... ADD CONSTRAINT (so that cyclic references load), then views
// and materialized views (those a view reads first, otherwise by name), then
// indexes on materialized views. Within each group by (schema, name). Every
// identifier is double-quoted and schema-qualified. Each statement ends with
// ";\n"; statements are separated by a blank line. Pure; thread-safe.
#pragma once

#include <string>

#include "schema/model.h"

namespace strata::schema {

std::string RenderPostgres(const Schema& schema);

std::string RenderPostgresTable(const Table& table);  // CREATE TABLE ...;

}  // namespace strata::schema
