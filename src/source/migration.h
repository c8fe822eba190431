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
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
};

// <0, 0, >0 comparing versions numerically (leading zeros ignored).
int CompareVersions(std::string_view a, std::string_view b);

// SHA-256 hex of `content` after CRLF -> LF.
std::string Checksum(std::string_view content);

struct MigrationSet {
  std::vector<Migration> migrations;  // sorted by version; problems excluded
  // Each problem is a kValidation Status with the file (and line where it
  // applies) set: duplicate version, down without up, name without a version,
  // empty file, non-UTF-8 file, bad annotation.
  std::vector<Status> problems;
};

struct LoadOptions {
  // Read and check down files. Without (what `status` needs), down_path is
  // set when a down file exists, but down_sql stays empty and problems in
  // down files go unreported. Default true.
  bool read_down = true;
  // Take checksums and annotations of unchanged files from the checksum cache
  // (source/checksum_cache.h) instead of reading them; up_sql is then empty.
  // Only for reports (status). Default false.
  bool use_cache = false;
};

// Reads the directory. Fails (kNotFound / kIo) only when the directory cannot
// be listed; problems with single files are collected in MigrationSet::problems.
Result<MigrationSet> LoadMigrations(const std::string& dir, const LoadOptions& options = {});

// Normalises a user-given name for a new file: lower case, runs of anything
// other than [a-z0-9] become '_' ("Create Users!" -> "create_users").
std::string NormalizeName(std::string_view name);

}  // namespace strata::source
