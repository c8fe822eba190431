// The PostgreSQL lock table as data: one row per statement form strata
// parses (each ALTER TABLE subcommand, each CREATE / DROP / ALTER statement
// kind, the DML and maintenance statements), with the lock it takes on each
// relation it touches, whether it rewrites the table, whether it scans it,
// whether PostgreSQL lets it run in a transaction block, and the PostgreSQL
// versions where that changed. Taken from PostgreSQL's documentation (the
// lock-mode table in "Explicit Locking", and the Notes and each form of the
// ALTER TABLE, CREATE INDEX, REINDEX, ... reference pages) for PostgreSQL 15,
// and checked against PostgreSQL itself: every row has an example that the
// tests run on a real server with `strata plan --trace`'s tracer
// (tests/integration/lock_trace_test.cc), and `LocksOf` (lock_table.h) and
// the locking lint rules (lint/locking.cc) are derived from the rows.
//
// A statement maps to rows with ClassifyLocks: one row per ALTER TABLE
// subcommand, one row for any other statement. The row's locks are relative
// (LockTarget); ClassifyLocks names the relations.
//
// Immutable static data; thread-safe. Internal to sql/ (and its tests).
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "sql/lint.h"
#include "sql/pg_tree.h"
#include "sql/schema_state.h"

namespace strata::sql {

// Which relation a row's lock is on.
enum class LockTarget {
  kTable,       // the table (view, sequence, ...) the statement or subcommand names
  kReferenced,  // the table a FOREIGN KEY references (also: a dropped table's referenced tables)
  kParent,      // the parent of PARTITION OF / INHERITS / INHERIT / NO INHERIT
  kPartition,   // the partition that ATTACH / DETACH PARTITION names
  kIndex,       // the index the statement names (DROP INDEX, REINDEX INDEX, ALTER INDEX)
  kRead,        // each table the statement reads (SELECT, INSERT ... SELECT, CREATE VIEW AS)
  kDomainUser,  // each table with a column of the domain (ALTER DOMAIN)
};
std::string_view ToString(LockTarget target);  // "table", "referenced table", ...

struct RowLock {
  LockTarget target = LockTarget::kTable;
  LockMode mode = LockMode::kNone;  // kNone: unused slot
};

struct LockRow {
  std::string_view id;         // stable: "alter-table.add-column.volatile-default"
  std::string_view statement;  // the form, for people: "ALTER TABLE t ADD COLUMN c ... DEFAULT volatile()"
  RowLock locks[3];            // strongest lock per target; kNone-padded
  bool rewrite = false;        // writes a new copy of the table (a new relfilenode)
  bool scan = false;           // reads every row of the table while holding the locks
  bool transaction = true;     // PostgreSQL accepts it inside a transaction block
  std::string_view versions;   // where the behaviour changed: "11: a non-volatile default no longer rewrites"
  // The statement the tests trace, on the fixture (LockTraceFixture()).
  // "" when no example can run on a stock server; `untraced` says why.
  std::string_view example;
  std::string_view untraced = {};
  // What the trace cannot observe (its rewrite or scan claim is then not
  // checked), and why: "the fixture has one tablespace".
  std::string_view trace_note = {};
};

// gtest prints a row by its id.
void PrintTo(const LockRow& row, std::ostream* os);

// Every row, ALTER TABLE subcommands first.
const std::vector<LockRow>& LockRows();
const LockRow* FindLockRow(std::string_view id);

// The tables, indexes and other objects the examples run on. Tests load it
// into an empty PostgreSQL database (and feed it to SchemaState), then run
// each row's example in a transaction that is rolled back.
std::string_view LockTraceFixture();

// One form of one statement, with its relations named.
struct LockForm {
  const LockRow* row = nullptr;
  // The relation for each target the row locks (several for kRead and
  // kReferenced); "" when unknown (DROP INDEX of an index the state never saw).
  std::vector<std::pair<LockTarget, std::string>> relations;
};

// The forms of `stmt`: one per ALTER TABLE subcommand (and per table of a
// TRUNCATE, LOCK, DROP), else one. Every statement maps to a row; the last
// rows ("create-other", "alter-other", "drop-other", "other") take what locks
// no table (lock_rows_test walks every parse node kind).
std::vector<LockForm> ClassifyLocks(const PgNode* stmt, const SchemaState& state);

// A type change PostgreSQL makes without rewriting the table (or its
// indexes): varchar(n) to a longer varchar or text, numeric(p,s) to a larger
// p, cidr to inet, the same type.
bool IsBinaryCoercibleChange(const ColumnType& from, const ColumnType& to);

}  // namespace strata::sql
