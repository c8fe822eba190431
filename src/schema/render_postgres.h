// Canonical PostgreSQL DDL for a schema::Schema (as InspectPostgres fills
// it). Deterministic: the same model always gives the same text, byte for
// byte, and loading that text into an empty database and inspecting it gives
// the same model back.
//
// Order is dependency-safe: CREATE SCHEMA, extensions (their types may be
// used below), enum types, domains (one based on another after it), NOT
// VALID domain checks, sequences, tables (columns, primary key, unique,
// check and exclusion constraints inline; a partition as PARTITION OF after
// its parent), sequence OWNED BY, NOT VALID checks, indexes on tables, then
// every foreign key as ALTER TABLE ... ADD CONSTRAINT (so that cyclic
// references load), then views and materialized views (those a view reads
// first, otherwise by name), indexes on materialized views, functions and
// procedures, triggers, and COMMENT ON last. Within each group by (schema,
// name).
//
// Routines go late because a SQL-language body is checked against the
// catalog when it is created (check_function_bodies; BEGIN ATOMIC always),
// and the text does not SET check_function_bodies = off (it would outlive the
// script in the session that runs it). A routine that a domain, a table
// (default, check, generated column, exclusion, partition key), an index or
// a view calls, found by name in their text, is moved up to just before the
// first of those groups, and a routine comes after the routines it calls. Not
// covered: a SQL body that reads a table and is called by a table's default
// or check, or a signature that names a table's row type while the routine is
// needed early.
//
// Every identifier the renderer spells is double-quoted and schema-qualified;
// definitions kept as pg_get_*def text are printed as they are (no ';').
// Each statement ends
// with ";\n"; statements are separated by a blank line. Pure; thread-safe.
#pragma once

#include <string>

#include "schema/model.h"

namespace strata::schema {

std::string RenderPostgres(const Schema& schema);

std::string RenderPostgresTable(const Table& table);  // CREATE TABLE ...;

}  // namespace strata::schema
