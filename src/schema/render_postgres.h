// Canonical PostgreSQL DDL for a schema::Schema (as InspectPostgres fills
// it). Deterministic: the same model always gives the same text, byte for
// byte, and loading that text into an empty database and inspecting it gives
// the same model back.
//
// Order is dependency-safe: CREATE SCHEMA, extensions (their types may be
// used below), enum types, domains (NOT VALID checks right after their
// domain), sequences, tables (columns, primary key, unique, check and
// exclusion constraints inline; a partition as PARTITION OF), sequence OWNED
// BY, checks and defaults moved out of a cycle (below) and NOT VALID checks,
// indexes on tables, then every foreign key as ALTER TABLE ... ADD
// CONSTRAINT (so that cyclic references load), then views and materialized
// views, indexes on materialized views, functions and procedures, triggers,
// and COMMENT ON last. Within each group by (schema, name), except that an
// object's dependencies are written just before it (depth-first), wherever
// their own group is:
//   - a domain: the domain or table (row type) it is based on, the routines
//     its default and checks call (Domain::calls);
//   - a table: its partition parent, domains and tables (row types) its
//     columns are of, the routines it calls (Table::calls);
//   - an index, a view: its table or the views it reads (View::depends_on),
//     the routines it calls, and for a view the tables its text names;
//   - a routine: what Routine::depends_on lists (pg_depend: argument and
//     result types, and what a BEGIN ATOMIC body reads and calls). A SQL
//     body written as a string is checked against the catalog at CREATE
//     time (check_function_bodies; the text does not turn it off, it would
//     outlive the script in the session that runs it) but pg_depend records
//     nothing of it: the tables and views it names and the routines it calls
//     by name are found in its text (a false positive only adds an edge).
// Routines thus go as late as their callers allow. A table whose check or
// default calls a routine that needs the table (its row type, or a body
// that reads it) is created without them; ALTER TABLE adds them after the
// routine. Not covered (the script fails to load): such a call from a
// generated column, an exclusion or the partition key; a cycle through a
// domain (a domain check calling a routine that reads a table of that
// domain); a table pulled ahead of the sequences by a routine a domain needs
// when its default uses one.
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

// Single definitions as RenderPostgres writes them, without ";\n": the diff
// (diff_postgres_*.cc) builds its changes from the same text.
std::string PostgresColumnDef(const Column& column);  // "name" type [COLLATE ...] [NOT NULL] ...
std::string PostgresCreateIndex(const Index& index);
std::string PostgresCreateDomain(const Domain& domain);
std::string PostgresAddForeignKey(const Table& table, const ForeignKey& fk);  // ALTER TABLE ... ADD ...

}  // namespace strata::schema
