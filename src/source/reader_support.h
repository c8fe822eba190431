// Pieces shared by the readers of other tools' folders (drizzle_reader.cc,
// golang_migrate_reader.cc, flyway_reader.cc, dbmate_reader.cc). Internal to
// src/source.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "source/migration.h"

namespace strata::source::internal {

struct DirEntry {
  std::string name;  // "0001_x.sql"
  std::string path;  // dir joined with name
  bool is_dir = false;
};

// Every entry of `dir` except hidden ones (leading '.'), sorted by name.
// kNotFound when the folder does not exist, kIo when it cannot be listed.
Result<std::vector<DirEntry>> ListDir(const std::string& dir);

// True when `sql` has anything besides whitespace and comments.
bool HasSql(std::string_view sql);

// One side (up or down) of a migration, ready to run.
struct Side {
  std::string sql;       // what strata runs
  std::string checksum;  // SHA-256 hex of the text it was made from
  Annotations annotations;
};

// Checks and annotates SQL a reader produced from `path`: an empty up
// (`require_sql`) and a bad `-- strata:` annotation are problems (false is
// returned and the problem appended). `checksum_of` is the text the checksum
// covers (the file, or its section). With `detect_no_transaction` (readers
// of tools that send a file on its own: golang-migrate, Flyway) and
// options.needs_no_transaction set, SQL that must run outside a transaction
// is marked no-transaction.
bool MakeSide(const std::string& path, std::string sql, std::string_view checksum_of, bool require_sql,
              bool detect_no_transaction, const LoadOptions& options, std::vector<Status>* problems, Side* out);

// "duplicate version V: a and b; none of them is loaded", at the first file.
Status Duplicate(std::string_view what, const std::string& version, const std::vector<std::string>& names,
                 const std::string& first_path, std::string hint);

// Sorts migrations by version and problems and notes by file, so that output
// is stable whatever order the folder was listed in.
void Finish(MigrationSet* set);

}  // namespace strata::source::internal
