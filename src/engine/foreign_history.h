// engine::ReadForeignHistory: the tracking tables other migration tools keep,
// read (never written) so that `strata import` can take over their history
// (engine/import_plan.h matches the rows against the folder).
//
//   drizzle-kit     drizzle.__drizzle_migrations (PostgreSQL) / __drizzle_migrations
//                   (SQLite): id, hash (SHA-256 of the file), created_at (the
//                   journal's `when`)
//   golang-migrate  schema_migrations: version, dirty; one row, the current version
//   Flyway          flyway_schema_history: installed_rank, version, description,
//                   type, script, checksum (CRC32 of lines), installed_by,
//                   installed_on, execution_time, success
//   dbmate          schema_migrations: version; one row per applied migration
// Layouts: docs/migrations.md. Borrowing: the connection must outlive calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "driver/connection.h"
#include "engine/history.h"
#include "source/format.h"
#include "source/migration.h"
#include <strata/result.h>

namespace strata::engine {

// One row of another tool's tracking table, in that tool's order. Fields a
// tool does not have stay empty.
struct ForeignRow {
  int64_t rank = 0;         // drizzle id, Flyway installed_rank, row order otherwise
  std::string version;      // golang-migrate, dbmate, Flyway ("" for a repeatable)
  std::string description;  // Flyway
  std::string type;         // Flyway: SQL, BASELINE, UNDO_SQL, DELETE, SCHEMA, JDBC, ...
  std::string script;       // Flyway
  std::string checksum;     // drizzle hash, Flyway checksum ("" when NULL)
  std::string created_at;   // drizzle
  std::string installed_by; // Flyway
  std::string installed_on; // Flyway
  int64_t execution_time = 0;  // Flyway, ms
  bool success = true;      // Flyway
  bool dirty = false;       // golang-migrate
};

// The table `tool` keeps on this connection's engine, "schema.table" or
// "table": drizzle.__drizzle_migrations on PostgreSQL, __drizzle_migrations
// on SQLite, flyway_schema_history, schema_migrations.
std::string DefaultForeignTable(source::Format tool, driver::Dialect dialect);

// Reads every row of `table` ("schema.table" or "table"), as `tool` lays it
// out. kNotFound when the table does not exist; kDatabase when its columns
// are not the tool's.
Result<std::vector<ForeignRow>> ReadForeignHistory(driver::Connection& conn, source::Format tool,
                                                   const std::string& table);

// golang-migrate creates schema_migrations before it runs the first file,
// and some projects' migrations alter or fill it. Before `up` runs a
// golang-migrate folder, this creates the table as golang-migrate does (its
// own DDL, empty) when it is missing; it never writes a row.
Status EnsureGolangMigrateTable(driver::Connection& conn);

}  // namespace strata::engine
