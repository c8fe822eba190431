// engine transaction control: what a migration file's own BEGIN/COMMIT and
// SQLite foreign-key pragmas mean once strata runs it in its own
// transaction (sql/script_control.h finds them). Applied to every step of a
// plan before anything runs, and to every file by `validate`:
//
//   - a BEGIN ... COMMIT wrapper around the whole file is strata's own
//     transaction: not executed, and the tracking row commits with the rest;
//   - SQLite PRAGMA foreign_keys=OFF first in the file runs the step as
//     `-- strata:foreign-keys-off` does (engine/foreign_keys.h); the file's
//     foreign-key pragmas are not executed;
//   - any other transaction control in a transactional migration refuses the
//     whole plan (kValidation naming file and line, and the two ways out).
//
// No-transaction steps run as written and are left alone.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/planner.h"
#include "sql/script_control.h"
#include "sql/split.h"
#include <strata/status.h>
#include <strata/types.h>

namespace strata::engine {

// A transactional script as strata runs it.
struct PreparedScript {
  // The input, borrowed: it must outlive this value.
  std::string_view original;
  // The input with the wrapper and foreign-key pragmas blanked out (lines
  // and columns kept); nullopt when nothing was stripped.
  std::optional<std::string> stripped;
  // What to run.
  std::string_view text() const { return stripped ? std::string_view(*stripped) : original; }
  int statements = 0;  // in the script; 0 when it does not split
  bool foreign_keys_off = false;   // asked for by the annotation or by the file
  std::vector<std::string> notes;  // what strata does with the file's own control, for `plan`
};

// Prepares `sql` (from `file`, migration `label`) to run in strata's
// transaction. `foreign_keys_off`: the annotation asked for it already.
// kValidation when the file has transaction control strata cannot honour.
// REQUIRES: the script is transactional (no -- strata:no-transaction).
// `analysed`: AnalyzeControl of `sql` already done (it splits the whole
// script, the costly part); null to do it here.
Result<PreparedScript> PrepareScript(std::string_view sql, bool foreign_keys_off, sql::Dialect dialect,
                                     const std::string& file, const std::string& label,
                                     const sql::ScriptControl* analysed = nullptr);

// The analyses of the up migrations a run planned, so that planning again
// under the lock (the same files) does not split each script again: a data
// migration of 100 MB takes a second per split.
using ControlCache = std::map<const source::Migration*, sql::ScriptControl>;

// PrepareScript on `step` (sql, foreign_keys_off, control_notes); a
// no-transaction step is only split (and counted). With `cache`, an up
// step's analysis is taken from it or added to it.
Status ApplyTransactionControl(PlanStep* step, sql::Dialect dialect, ControlCache* cache = nullptr);

// ApplyTransactionControl on every step; the first refusal wins, and nothing
// has run.
Status ApplyTransactionControl(Plan* plan, sql::Dialect dialect, ControlCache* cache = nullptr);

// For `validate`: a "transaction_control" issue for each refused statement of
// each transactional up file in `set`, and a "bad_file" issue for each up
// file the engine's scanner cannot split (an unterminated quote or comment).
std::vector<ValidationIssue> TransactionControlIssues(const source::MigrationSet& set, sql::Dialect dialect);

}  // namespace strata::engine
