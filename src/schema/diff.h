// schema::Diff: the changes that turn one schema into another, in an order
// the database accepts, rendered as DDL for one dialect.
//
// DiffSchemas(from, to, dialect) compares two canonical models (as inspection
// fills them) and returns the statements that make a database holding `from`
// hold `to`, keeping every row in the columns both have:
//   - drops of dependents come before drops of what they depend on (triggers,
//     views and indexes before their tables, foreign keys before the tables
//     they reference), creates come in dependency order (schemas, extensions,
//     types, sequences, tables, then foreign keys as ALTER TABLE so that
//     cycles load, then indexes, views, routines, triggers, comments);
//   - SQLite changes ALTER TABLE cannot make (column type, NOT NULL, default,
//     constraints, dropping a column that something references, ...) use the
//     documented 12-step table rebuild: create "new_T", copy the kept columns,
//     drop T, rename, then recreate T's indexes, triggers and the views over
//     it. A rebuild needs foreign keys off, which SQLite ignores inside a
//     transaction: Diff::foreign_keys_off tells the caller to write the
//     `-- strata:foreign-keys-off` annotation; the runner then switches them
//     off before the migration's transaction and runs PRAGMA
//     foreign_key_check before COMMIT (see engine/runner.h).
//   - a drop-and-add pair that looks like a rename (same table shape, or a
//     column of the same type) is reported in Diff::rename_candidates and
//     applied as a drop and an add unless DiffOptions::renames names it; the
//     caller (generate) asks on a TTY or takes --rename hints.
// Every change that loses data is `destructive`, and RenderMigration puts a
// comment naming what is lost above its statements.
//
// Pure functions over values; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "schema/model.h"

namespace strata::schema {

enum class Dialect { kSqlite, kPostgres };

// A table or column rename, as a hint or as a candidate.
//   table rename:  table = "",      from = old table name, to = new table name
//   column rename: table = "users", from = old column,     to = new column
// On PostgreSQL, table names are "schema.name" when the schema is not
// "public" (the same spelling as `strata inspect`).
struct Rename {
  std::string table;
  std::string from;
  std::string to;
  bool operator==(const Rename&) const = default;
};

// "users.email=mail" (column) or "users=customers" (table) as given to
// --rename; false when `text` has no '='.
bool ParseRename(const std::string& text, Rename* out);
// The inverse: "users.email=mail" / "users=customers".
std::string ToString(const Rename& rename);

struct DiffOptions {
  // Drop-and-add pairs to treat as renames (ALTER TABLE ... RENAME).
  std::vector<Rename> renames;
};

struct Change {
  // What changes, for people: "create table orders", "add column
  // users.email", "rebuild table users (column age: type integer -> text)".
  std::string summary;
  // The statements, in order, each without a trailing ';'.
  std::vector<std::string> statements;
  // Loses data: drops a table or column, or narrows/changes a type in a way
  // that can fail or truncate. RenderMigration marks these.
  bool destructive = false;
  // Why, for the comment RenderMigration writes: "drops table legacy and its rows".
  std::string destructive_reason;
};

struct Diff {
  std::vector<Change> changes;        // in execution order
  // SQLite: the migration must run with foreign keys off: a table rebuild,
  // or a DROP TABLE of a table that a kept table references (with foreign
  // keys on, SQLite deletes the child rows first).
  bool foreign_keys_off = false;
  // Drop-and-add pairs that may be renames and were not named in
  // DiffOptions::renames (so they are in `changes` as a drop and an add).
  std::vector<Rename> rename_candidates;
  // What the statements cannot make the same, for the reader ("column
  // child.id stays declared by child: ..."). RenderMigration writes each as a
  // "-- strata: note: " comment; callers show them as warnings.
  std::vector<std::string> notes;
  // What neither model holds and so was not compared (Schema::not_compared
  // of both sides, merged): "rule r on public.t". RenderMigration writes
  // each as a "-- strata: not compared: " comment; "no changes" may only be
  // said when this is empty too.
  std::vector<std::string> not_compared;

  // No statements. (Check not_compared before calling the schemas equal.)
  bool empty() const { return changes.empty(); }
};

// `from` and `to` must be canonical (Canonicalize) and of `dialect`.
Diff DiffSchemas(const Schema& from, const Schema& to, Dialect dialect, const DiffOptions& options = {});

// SQLite keeps a definition as it was written, and `varchar(10)` and
// `VARCHAR(10)`, `CHECK (x>0)` and `CHECK (X > 0)` are one definition, as
// "Users" and "users" are one table: `to` with the names of its tables,
// columns and indexes (and every reference to them) that differ from
// `from`'s only in case spelled as in `from`, and each column type, default, collation, generated expression,
// check, foreign-key name, index part and predicate, and trigger that
// differs from `from`'s only in such spelling (sqlite_lexer::ComparisonKey)
// spelled as in `from`. An index that also changes for real keeps its own
// spelling; views are never respelled (their column names come from their
// text). DiffSqlite and the SQLite schema comparisons start from it.
Schema AlignSqliteSpelling(const Schema& from, Schema to);

// The body of a migration file: the annotation line when needed
// (`-- strata:foreign-keys-off`), the notes and what was not compared as
// comments, then each change as a comment with its summary, a "--
// DESTRUCTIVE: <reason>" line when destructive, and its statements each
// ending ";\n". "" when the diff is empty.
std::string RenderMigration(const Diff& diff);

// The statements alone, each ending ";\n" (for diff output and drift), after
// a first line `-- strata:foreign-keys-off` when the diff needs it.
std::string RenderStatements(const Diff& diff);

// "-- strata: not compared: <kind> <name>\n" per item of diff.not_compared
// and "-- strata: note: <text>\n" per note; "" when there are none.
std::string RenderComments(const Diff& diff);

// Dialect parts, implemented in diff_sqlite.cc and diff_postgres.cc; the
// rename candidates of both come from FindRenameCandidates.
Diff DiffSqlite(const Schema& from, const Schema& to, const DiffOptions& options);
Diff DiffPostgres(const Schema& from, const Schema& to, const DiffOptions& options);

// Tables dropped from `from` whose columns (names and types) equal a table
// added in `to`, and per kept table, a dropped column with the same type as
// an added one; minus the pairs already in `options.renames`.
std::vector<Rename> FindRenameCandidates(const Schema& from, const Schema& to, const DiffOptions& options);

}  // namespace strata::schema
