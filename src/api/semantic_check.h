// The semantic check: what a migration really does to the schema, whatever
// its text says. In a dev database (api/dev_database.h) the migrations that
// are already applied are replayed first (the state the live database should
// be in), then each migration to check runs through engine::ApplyScript, the
// way `up` runs it, with the schema inspected before and after. Whatever
// disappeared or got narrower is a finding, even when no text rule matched
// (a SQLite table rebuild that forgets a column, a constraint left out of a
// recreated table):
//
//   semantic-drop-table        error    a table is gone
//   semantic-drop-column       error    a column of a remaining table is gone
//   semantic-narrow-type       warning  a column's type holds fewer values
//   semantic-drop-constraint   warning  a primary key, unique, check, foreign
//                                       key, exclusion or NOT NULL is gone
//   semantic-drop-index        warning  a non-unique index is gone
//   semantic-apply-failed      error    the migration fails in the dev database
//   semantic-rows-lost         error    a table lost rows in a migration that
//                                       does not DELETE, TRUNCATE or DROP it
//                                       (checked when the dev database has rows)
//   semantic-cascade           error    PostgreSQL: DROP ... CASCADE dropped
//                                       objects, named from the server's NOTICE
//
// A finding that a text rule already reported for the same object in the same
// file (drop-table users, then semantic-drop-table users) is dropped, and so
// is one whose text counterpart is allowed (-- strata:allow drop-column also
// allows semantic-drop-column). -- strata:allow and LintOptions::allow take
// the semantic ids as well. Pages: docs/lint/semantic-*.md.
//
// Internal to src/api. Not thread-safe beyond what DevDatabase is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/dev_database.h"
#include "source/migration.h"
#include "sql/lint.h"
#include <strata/lint.h>
#include <strata/result.h>

namespace strata::api {

struct SemanticMigration {
  std::string file;
  std::string version;
  std::string_view sql;  // borrowed: must outlive the check
  source::Annotations annotations;
  // False: already applied, only replayed to build the state.
  bool check = true;
};

struct SemanticResult {
  std::vector<LintFinding> findings;  // in migration order
  int allowed = 0;                    // silenced by allow lists or a text counterpart
};

// The semantic rules, for docs tests and `--allow` help.
struct SemanticRuleInfo {
  std::string_view id;
  LintSeverity severity;
  std::string_view counterpart;  // the text rule that covers the same change; "" when none
  std::string_view hint;
};
const std::vector<SemanticRuleInfo>& SemanticRules();

// Runs the check in a new dev database made from `target`. `text_findings`:
// what the text rules reported for the same files (for duplicates); `allow`:
// ids silenced for every file. Fails only when the dev database cannot be
// made or inspected; a migration that does not apply is a finding, and the
// migrations after it are not checked.
Result<SemanticResult> SemanticCheck(const DevTarget& target, const std::vector<SemanticMigration>& migrations,
                                     const std::vector<LintFinding>& text_findings,
                                     const std::vector<std::string>& allow);

// The check over lint's inputs (those with report = false are replayed
// only; annotations are read from each file's text), merged into `report`:
// findings after the text findings of the same file, counts not touched
// except `allowed` and `semantic`. For Migrator::Lint and Plan.
Status AddSemanticFindings(const DevTarget& target, const std::vector<sql::LintMigration>& inputs,
                           const std::vector<std::string>& allow, LintReport* report);

}  // namespace strata::api
