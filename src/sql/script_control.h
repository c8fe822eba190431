// sql::ScriptControl: the statements of a migration file that control the
// transaction or the connection instead of the schema, found before anything
// runs, so that the runner can honour them as the author meant or refuse the
// file. strata owns each migration's transaction (DESIGN.md, Guarantees):
//
//   - a file wrapped in one BEGIN (START TRANSACTION) before everything and
//     one COMMIT (END) after everything, as migration guides recommend, runs
//     as one migration in strata's transaction: the wrapper is `strip`ped;
//   - any other transaction control in a transactional migration (a COMMIT
//     or ROLLBACK in the middle, several blocks, PREPARE TRANSACTION, COMMIT
//     AND CHAIN, ...) is `refused`: run as written, it would commit part of
//     the file without its tracking row;
//   - SQLite: PRAGMA foreign_keys=OFF among the file's first statements (as
//     drizzle-kit and Prisma write table rebuilds; SQLite ignores the pragma
//     inside a transaction) asks for what `-- strata:foreign-keys-off` asks:
//     `foreign_keys_off`, with every foreign-key pragma of the file stripped.
//     A PRAGMA foreign_keys elsewhere is listed in `ignored_pragmas`.
//
// Savepoints (SAVEPOINT, RELEASE, ROLLBACK TO) stay: they nest inside
// strata's transaction. Statements are found with sql::Split, so quoted
// text, comments, dollar quotes, trigger bodies and BEGIN ATOMIC bodies are
// never mistaken for control statements.
//
// Pure functions on text; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <strata/result.h>

#include "sql/split.h"

namespace strata::sql {

struct ControlStatement {
  enum class Kind {
    kBegin,           // BEGIN, START TRANSACTION (SQLite: BEGIN DEFERRED|IMMEDIATE|EXCLUSIVE)
    kCommit,          // COMMIT, END
    kRollback,        // ROLLBACK, ABORT (not ROLLBACK TO SAVEPOINT)
    kOther,           // PREPARE TRANSACTION, COMMIT/ROLLBACK PREPARED, ... AND CHAIN
    kForeignKeysOff,  // SQLite PRAGMA foreign_keys = OFF | 0 | false | no
    kForeignKeysOn,   // SQLite PRAGMA foreign_keys = ON | 1 | true | yes
    kDeferForeignKeys,  // SQLite PRAGMA defer_foreign_keys = ...
    kSessionSet,      // PostgreSQL SET (not LOCAL), RESET, set_config(...): changes the session
  };
  Kind kind = Kind::kBegin;
  size_t offset = 0;  // of the statement's first character
  size_t length = 0;  // up to, not including, its ';'
  int line = 1;
  std::string text;   // the statement, whitespace folded, at most 80 characters
};

struct ScriptControl {
  int statements = 0;  // all statements of the script
  // One BEGIN first and one COMMIT last and no other transaction control.
  bool wrapped = false;
  // SQLite: foreign keys off among the first statements (see above).
  bool foreign_keys_off = false;
  // Statements strata does not execute: the wrapper, and in a
  // foreign-keys-off file its foreign-key pragmas. In script order.
  std::vector<ControlStatement> strip;
  // Transaction control a transactional migration cannot run. In order.
  std::vector<ControlStatement> refused;
  // SQLite: PRAGMA foreign_keys in a transactional file that is not
  // foreign-keys-off; SQLite ignores them inside the transaction.
  std::vector<ControlStatement> ignored_pragmas;
  // Every control statement, in order (for `plan` and lint).
  std::vector<ControlStatement> all;
  // PostgreSQL statements that change the session rather than the
  // transaction (a subset of `all`): they matter where statements run on
  // their own, outside a transaction, behind a connection pooler.
  std::vector<ControlStatement> session;
};

// Analyzes `script` as a transactional migration of `dialect`. kParse when
// the script does not split (PostgreSQL: an unterminated quote), with the
// line.
Result<ScriptControl> AnalyzeControl(std::string_view script, Dialect dialect);

// `script` with each statement of `strip` (and its ';') replaced by spaces,
// newlines kept, so that lines and columns of every other statement stay
// where they were.
std::string StripStatements(std::string_view script, const std::vector<ControlStatement>& strip);

// "BEGIN", "COMMIT", "PRAGMA foreign_keys=OFF", ...: how a kind is named in
// messages.
std::string_view Describe(ControlStatement::Kind kind);

}  // namespace strata::sql
