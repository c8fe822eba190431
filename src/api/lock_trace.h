// LockTracer: runs migrations' statements one by one inside a transaction
// that is always rolled back, and after each one reads from PostgreSQL what
// it did: the relation locks its own backend holds (pg_locks, the new ones
// are the statement's), which tables got a new file (pg_relation_filenode:
// a rewrite) and which were read (pg_stat_xact_user_tables: seq_scan +
// idx_scan grew). Each is compared with the static prediction
// (sql::StatementInfo from the lock table, sql/lock_rows.h) and marked
// confirmed or mismatch (strata/trace.h).
//
// Relations created inside the traced transaction are nobody else's yet:
// they are left out of both sides. A lock on a partition, INHERITS child or
// owned sequence of a relation locked as predicted counts as "via parent".
// Index locks are listed only where the prediction names the index (they
// come with their table's lock).
//
// Used by Migrator::Plan and Migrator::Lint (and the lock table's tests).
// Borrows the connection; one thread; not reusable after Rollback().
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "driver/connection.h"
#include "sql/lint.h"
#include <strata/result.h>
#include <strata/trace.h>

namespace strata::api {

// One migration to trace.
struct TraceInput {
  std::string version;
  std::string name;
  std::string file;
  std::string_view sql;  // borrowed
  bool no_transaction = false;
  // The static predictions for its statements (sql::AnalyzePostgres*);
  // null when the file does not parse (then it is not traced).
  const std::vector<sql::StatementInfo>* predicted = nullptr;
};

class LockTracer {
 public:
  // BEGIN, SET LOCAL lock_timeout (when not empty), and the relations that
  // exist now. kDatabase when the connection refuses.
  static Result<std::unique_ptr<LockTracer>> Begin(driver::Connection& conn, const std::string& lock_timeout);
  ~LockTracer();  // rolls back
  LockTracer(const LockTracer&) = delete;
  LockTracer& operator=(const LockTracer&) = delete;

  // Runs the migration's statements and compares each with its prediction.
  // After a statement fails, the rest (and later calls) are not traced.
  TraceMigration Trace(const TraceInput& migration);
  bool failed() const { return failed_; }

  // Ends the transaction (ROLLBACK); nothing it did remains.
  Status Rollback();

 private:
  struct Relation {
    std::string name;
    char kind = 'r';      // pg_class.relkind
    std::string filenode;
    int64_t scans = 0;    // seq_scan + idx_scan in this transaction
    std::string parent;   // oid of the partition / INHERITS parent or owning table
  };
  using Snapshot = std::map<std::string, Relation>;  // by oid
  using Locks = std::set<std::pair<std::string, std::string>>;  // (oid, mode)

  explicit LockTracer(driver::Connection& conn) : conn_(conn) {}
  Result<Snapshot> Relations();
  Result<Locks> HeldLocks();
  TraceStatement Compare(const sql::StatementInfo& predicted, const Snapshot& before, const Snapshot& after,
                         const Locks& taken);

  driver::Connection& conn_;
  std::set<std::string> existing_;  // oids of the relations at Begin()
  Snapshot snapshot_;
  Locks locks_;
  bool open_ = false;
  std::string lock_timeout_;  // set again before each statement; "" = none
  bool failed_ = false;
};

}  // namespace strata::api
