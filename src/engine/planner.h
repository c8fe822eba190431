// engine::Planner: pure functions from migration files and tracking rows to
// a status, a validation report, or a Plan (what to run, in order). No
// database, no I/O: tested with plain values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/history.h"
#include "source/migration.h"
#include <strata/options.h>
#include <strata/result.h>
#include <strata/types.h>

namespace strata::engine {

struct PlanStep {
  Direction direction = Direction::kUp;
  std::string version;
  std::string name;
  // The SQL to run: the file's, borrowed from `migration` (up) or `row`
  // (down), or `rewritten` once transaction control changed it. Not copied
  // into the step: a data migration can be hundreds of megabytes.
  const std::string& sql() const;
  std::optional<std::string> rewritten;
  bool no_transaction = false;
  // -- strata:foreign-keys-off, or PRAGMA foreign_keys=OFF first in the
  // file (SQLite; see engine/foreign_keys.h and engine/transaction_control.h).
  bool foreign_keys_off = false;
  // Up of a repeatable migration that was applied before with other
  // contents: the runner replaces its record instead of adding one.
  bool reapply = false;
  std::string file;  // where `sql` came from, for error locations
  // What strata does with the file's own transaction control (a BEGIN/COMMIT
  // wrapper, foreign-key pragmas), for `plan`; set by ApplyTransactionControl.
  std::vector<std::string> control_notes;
  // Statements in `sql`, for progress; 0 when not counted (no-transaction
  // steps, scripts that do not split).
  int statements = 0;
  // Up: the migration to record. Down: the row to remove.
  const source::Migration* migration = nullptr;
  AppliedRow row;
};

struct Plan {
  std::vector<PlanStep> steps;
  int64_t batch = 0;  // batch number for up steps (max recorded + 1)
};

// Every file and every row, matched by version, in version order. Files come
// sorted from LoadMigrations and rows from History::Load; unsorted rows are
// sorted first.
std::vector<MigrationInfo> Reconcile(const source::MigrationSet& set, const std::vector<AppliedRow>& rows);
StatusSummary Summarize(const std::vector<MigrationInfo>& infos);

// The problems found while reading the files, as issues.
std::vector<ValidationIssue> FileIssues(const source::MigrationSet& set);
// The reader's notes (files skipped on purpose), as issues of kind
// "ignored" or "placeholder".
std::vector<ValidationIssue> FileNotes(const source::MigrationSet& set);

// Every problem with the files and their records.
std::vector<ValidationIssue> Validate(const source::MigrationSet& set, const std::vector<AppliedRow>& rows);

// What `up` runs. Refuses before running anything: kValidation for file
// problems, missing files and out-of-order migrations (unless allowed),
// kDirty, kChecksumMismatch; kNotFound for an unknown --to version.
Result<Plan> PlanUp(const source::MigrationSet& set, const std::vector<AppliedRow>& rows, const UpOptions& options);

// What `down` runs, newest first, from the stored down SQL. kDirty when a
// migration is dirty; kNotFound when one to roll back has no down SQL or
// --to names an unknown version; kInvalidArgument for steps < 1.
Result<Plan> PlanDown(const source::MigrationSet& set, const std::vector<AppliedRow>& rows,
                      const DownOptions& options);

// The batch number for the next `up`: the largest recorded one plus one.
int64_t NextBatch(const std::vector<AppliedRow>& rows);

// A step that applies `m`.
PlanStep UpStep(const source::Migration& m);

}  // namespace strata::engine
