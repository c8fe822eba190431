// Canonical PostgreSQL DDL for a schema::Schema (as InspectPostgres fills
// it). Deterministic: the same model always gives the same text, byte for
// byte, and loading that text into an empty database and inspecting it gives
// the same model back.
//
// Order is dependency-safe: CREATE SCHEMA, extensions (their types may be
// used below), collations, enum types, composite types, domains (NOT VALID
// checks right after their domain), sequences, tables (columns, primary key,
// unique, check and exclusion constraints inline; a partition as PARTITION
// OF, a child with INHERITS after its parents; then its row security, replica
// identity, column storage and statistics), sequence OWNED BY, checks and
// defaults moved out of a cycle (below) and NOT VALID checks, indexes on
// tables, REPLICA IDENTITY USING INDEX and CLUSTER ON, then every foreign key
// as ALTER TABLE ... ADD CONSTRAINT (so that cyclic references load), then
// views and materialized views, indexes on materialized views, functions and
// procedures, triggers (with their enabled state), policies, and COMMENT ON
// last. Within each group by (schema, name), except that an
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

#include <cstdint>
#include <string>
#include <vector>

#include "schema/model.h"

namespace strata::schema {

std::string RenderPostgres(const Schema& schema);

std::string RenderPostgresTable(const Table& table);  // CREATE TABLE ...;

// Single definitions as RenderPostgres writes them, without ";\n": the diff
// (diff_postgres_*.cc) builds its changes from the same text
// (render_postgres_defs.cc).
std::string PostgresColumnDef(const Column& column);  // "name" type [COLLATE ...] [NOT NULL] ...
std::string PostgresCreateIndex(const Index& index);
std::string PostgresCreateDomain(const Domain& domain);
std::string PostgresAddForeignKey(const Table& table, const ForeignKey& fk);  // ALTER TABLE ... ADD ...
// Table elements: [CONSTRAINT "n"] PRIMARY KEY (...) [options] [DEFERRABLE ...],
// UNIQUE [NULLS NOT DISTINCT] (...), CHECK (...) [NO INHERIT] [NOT VALID].
std::string PostgresPrimaryKeyDef(const PrimaryKey& pk);
std::string PostgresUniqueDef(const UniqueConstraint& u);
std::string PostgresCheckDef(const CheckConstraint& c);
std::string PostgresCreateSequence(const Sequence& s);
std::string PostgresCreatePolicy(const Policy& p);
std::string PostgresCreateCollation(const Collation& c);
std::string PostgresCreateComposite(const CompositeType& c);
std::string PostgresCompositeAttribute(const Column& attribute);  // "name" type [COLLATE ...]
// " COLLATE "schema"."name"" (or " COLLATE "name"" for pg_catalog's); "" for none.
std::string PostgresCollate(const std::string& schema, const std::string& collation);
// "a='1', b='x'" from reloptions' "a=1", "b=x".
std::string PostgresOptionList(const std::vector<std::string>& options);
// ALTER TABLE ... DISABLE / ENABLE REPLICA / ENABLE ALWAYS TRIGGER, or "".
std::string PostgresTriggerEnabled(const Trigger& trigger);
// What a table holds beyond CREATE TABLE, as ALTER TABLE statements: row
// security, REPLICA IDENTITY FULL / NOTHING, column storage and statistics
// targets; and, once its indexes exist, REPLICA IDENTITY USING INDEX and
// CLUSTER ON.
std::vector<std::string> PostgresTableSettings(const Table& table);
std::vector<std::string> PostgresTableIndexSettings(const Table& table);

// PostgreSQL's name for the sequence of a serial or identity column
// ("table_column_seq", shortened as PostgreSQL shortens it past 63 bytes).
std::string PostgresSerialSequenceName(const std::string& table, const std::string& column);
// The largest value of smallint, integer or bigint (bigint's for anything else).
int64_t PostgresTypeMax(const std::string& type);

}  // namespace strata::schema
