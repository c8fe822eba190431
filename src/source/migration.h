// source::Migration: one versioned migration read from disk, and the native
// reader that lists a migrations directory.
//
// File names: VERSION_NAME.up.sql and VERSION_NAME.down.sql (down optional),
// also VERSION_NAME.sql as an up file without a down. VERSION is the leading
// digits (a sequence "0001" or a timestamp "20261122093000"); versions compare
// as numbers, so "0010" > "9" and "001" equals "1" (a duplicate). Other files
// (README.md, .gitkeep, folders) are ignored; a .sql file whose name does not
// start with digits is an error.
//
// Checksums: SHA-256 (lower-case hex) of the file with CRLF normalised to LF,
// so a checkout on Windows does not look modified.
//
// Folders written for other tools (drizzle-kit, golang-migrate, Flyway,
// dbmate) are read by their own readers (source/format.h, one file each) into
// the same Migration values; LoadOptions::format chooses, or detects.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "source/format.h"

#include <strata/result.h>
#include <strata/status.h>

namespace strata::source {

// Annotations are SQL line comments before the first statement:
//   -- strata:no-transaction
//   -- strata:foreign-keys-off
//   -- strata:allow rule-id[,rule-id...]
struct Annotations {
  bool no_transaction = false;
  // SQLite: run with foreign keys off (switched off before the migration's
  // transaction, PRAGMA foreign_key_check before COMMIT). Written by
  // `strata generate` for table rebuilds; ignored on PostgreSQL.
  bool foreign_keys_off = false;
  std::vector<std::string> allow;
};
// Reads annotations from the leading comment block of `sql`. An unknown
// `-- strata:xxx` annotation is an error naming the line (a typo would
// otherwise silently run a CONCURRENTLY index inside a transaction).
Result<Annotations> ParseAnnotations(std::string_view sql, const std::string& file);

struct Migration {
  std::string version;  // as written ("0001")
  std::string name;     // "create_users"
  std::string up_path;
  std::string up_sql;
  std::string checksum;  // of the up file
  Annotations up_annotations;
  std::optional<std::string> down_path;
  std::optional<std::string> down_sql;
  std::string down_checksum;  // "" without a down file
  Annotations down_annotations;
  // Set by the readers of other tools' folders ("" for native): the checksum
  // that tool records for this migration (drizzle-kit: SHA-256 hex of the
  // file's bytes as on disk; Flyway: CRC32 of its lines, a signed 32-bit
  // decimal) and the key it tracks it by (drizzle-kit: the journal's `when`;
  // Flyway: the description, "add users"). `strata import` compares them
  // with the other tool's tracking table.
  std::string tool_checksum;
  std::string tool_key;

  bool repeatable() const;
};

// Flyway's repeatable migrations (R__name.sql) have no version; strata gives
// each the version "R__name" (as written in the file name). Re-applied
// whenever their checksum changes, after every versioned migration.
bool IsRepeatableVersion(std::string_view version);

// <0, 0, >0. Versions compare as numbers, part by part: parts are separated
// by '.', leading zeros are ignored and a missing part is 0, so "0010" > "9",
// "001" equals "1", 1.2 < 1.10 < 2 and "1.0" equals "1" (a duplicate).
// Repeatable versions sort after every numbered one, by name with '_' read as
// a space (the order Flyway runs them in).
int CompareVersions(std::string_view a, std::string_view b);

// SHA-256 hex of `content` after CRLF -> LF.
std::string Checksum(std::string_view content);

struct MigrationSet {
  Format format = Format::kNative;    // the format that was read (never kAuto)
  std::vector<Migration> migrations;  // sorted by version; problems excluded
  // Each problem is a kValidation Status with the file (and line where it
  // applies) set: duplicate version, down without up, name without a version,
  // empty file, non-UTF-8 file, NUL byte, not a regular file, bad annotation.
  std::vector<Status> problems;
  // Migrations whose up file has no SQL yet (`strata new`, never filled in):
  // not in `migrations`, and their "empty migration" problem is in
  // `problems` (so `up` refuses), but `status` and `lint` show them.
  std::vector<Migration> empty;
  // What a reader skipped on purpose, as the tool itself would, for
  // `validate` to mention without failing: a .sql file that is not in
  // drizzle-kit's journal, a Flyway callback, a file golang-migrate ignores,
  // Flyway placeholders left as written. kValidation Statuses with the file set.
  std::vector<Status> notes;
};

struct LoadOptions {
  // Read and check down files. Without (what `status` needs), down_path is
  // set when a down file exists, but down_sql stays empty and problems in
  // down files go unreported. Default true.
  bool read_down = true;
  // Take checksums and annotations of unchanged files from the checksum cache
  // (source/checksum_cache.h) instead of reading them; up_sql is then empty.
  // Only for reports (status). Default false. The native reader only.
  bool use_cache = false;
  // Which tool's conventions the folder follows; kAuto detects them
  // (source/format.h). Default kAuto.
  Format format = Format::kAuto;
  // golang-migrate and Flyway send a file that holds a statement PostgreSQL
  // refuses inside a transaction block (CREATE INDEX CONCURRENTLY, ...) on its
  // own, outside any transaction; strata then runs it as if annotated
  // `-- strata:no-transaction`. This answers "does `sql` hold such a
  // statement?"; set by the library, which can parse SQL. Null: never.
  std::function<bool(std::string_view sql)> needs_no_transaction;
  // Flyway placeholders: when set, ${name} in Flyway files is replaced by
  // the value (an unknown name is a problem). Default unset: files run as
  // written (Flyway's default is to replace; see docs/migrations.md).
  std::optional<std::map<std::string, std::string>> placeholders;
};

// Reads the directory. Fails (kNotFound / kIo) only when the directory cannot
// be listed; problems with single files are collected in MigrationSet::problems.
Result<MigrationSet> LoadMigrations(const std::string& dir, const LoadOptions& options = {});

// Reads the down file of `m` when the set was loaded with read_down false
// (`up` reads only the down files of what it is about to apply: the others'
// SQL was recorded when they were applied). Fills down_sql, down_checksum and
// down_annotations as LoadMigrations would have; a file problem (unreadable,
// not UTF-8, a bad annotation) is returned, kValidation with the file and
// line. A no-op when there is no down file, it is already read, or `format`
// reads its down files with the up files (dbmate, Flyway, drizzle-kit).
Status ReadDown(Format format, Migration* m, const LoadOptions& options);

// Normalises a user-given name for a new file: lower case, runs of anything
// other than [a-z0-9] become '_' ("Create Users!" -> "create_users").
std::string NormalizeName(std::string_view name);

}  // namespace strata::source
