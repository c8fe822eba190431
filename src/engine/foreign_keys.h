// SQLite migrations that rebuild a table need foreign keys off: with them on,
// DROP TABLE on a parent deletes (or cascade-deletes, or refuses) the child
// rows before the rebuilt table takes its place. SQLite ignores
// `PRAGMA foreign_keys` inside a transaction, so it must be switched before
// BEGIN and back after COMMIT or ROLLBACK, and the constraints are checked by
// hand (PRAGMA foreign_key_check) before COMMIT instead.
//
// A migration asks for this with `-- strata:foreign-keys-off` (strata generate
// writes it). On PostgreSQL these are no-ops.
#pragma once

#include <string_view>

#include "driver/connection.h"
#include "source/migration.h"
#include <strata/status.h>

namespace strata::engine {

// Switches foreign keys off for its lifetime when `wanted` and the
// connection is SQLite; back on at destruction when they were on before. REQUIRES: no transaction is
// open on `conn` when constructed or destroyed.
class ForeignKeysOff {
 public:
  ForeignKeysOff(driver::Connection& conn, bool wanted);
  ~ForeignKeysOff();
  ForeignKeysOff(const ForeignKeysOff&) = delete;
  ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;

  bool active() const { return active_; }
  // Why switching failed; OK when it worked or was not needed.
  const Status& status() const { return status_; }

 private:
  driver::Connection& conn_;
  bool active_ = false;
  Status status_;
};

// PRAGMA foreign_key_check: kValidation naming the first violations (table,
// rowid, referenced table) when any row breaks a foreign key; OK otherwise.
Status CheckForeignKeys(driver::Connection& conn);

// Runs one migration's SQL outside strata's bookkeeping (dev databases, push):
// statement by statement for no-transaction migrations, otherwise in one
// transaction honouring foreign-keys-off. On failure nothing of a
// transactional script stays applied.
Status ApplyScript(driver::Connection& conn, std::string_view sql, const source::Annotations& annotations);

}  // namespace strata::engine
