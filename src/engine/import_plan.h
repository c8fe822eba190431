// engine::PlanImport: which migrations `strata import` records as applied,
// from another tool's tracking rows (engine/foreign_history.h), the folder
// and strata's own records. Pure: tested with plain values.
#pragma once

#include <string>
#include <vector>

#include "engine/foreign_history.h"
#include "engine/history.h"
#include "source/migration.h"
#include <strata/types.h>

namespace strata::engine {

// What to record for one migration.
struct ImportRecord {
  const source::Migration* migration = nullptr;
  // The checksum to record: the file's, or a marker that differs from it
  // when the other tool applied other contents (a changed Flyway repeatable,
  // which `up` then applies again, as Flyway would).
  std::string checksum;
  int64_t duration_ms = 0;
  std::string detail;  // how it was matched ("hash matches", ...)
};

// One line of the import report that records nothing: a migration left
// pending, a row that is skipped.
struct ImportNote {
  std::string version;
  std::string file;
  std::string message;
};

struct ImportPlan {
  std::vector<ImportRecord> records;        // in version order
  std::vector<ImportNote> notes;            // informational
  std::vector<ValidationIssue> problems;    // any problem refuses the whole import
  std::vector<std::string> already;         // versions strata had recorded before
};

// Matches `rows` of `tool` against the folder and strata's own records.
// Problems (any one refuses the import): a dirty golang-migrate version, a
// failed Flyway row, a file whose checksum differs from the one the tool
// recorded (drizzle hash, Flyway CRC32; per migration), a version the tool
// applied that has no file. Pure; `table` only names the table in messages.
ImportPlan PlanImport(source::Format tool, const std::string& table, const source::MigrationSet& set,
                      const std::vector<ForeignRow>& rows, const std::vector<AppliedRow>& strata_rows);

}  // namespace strata::engine
