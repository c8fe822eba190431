// Lock traces: what PostgreSQL itself did for each statement of a migration
// (`strata plan --trace`, `strata lint --trace`), next to what strata's lock
// table predicted. The migration runs inside a transaction that is rolled
// back; after each statement strata reads pg_locks for its own backend, the
// relfilenode of each table (a new one: the table was rewritten) and
// pg_stat_xact_user_tables (a scan). Plain value types; docs/json.md gives
// the JSON shape, docs/lint/README.md how to read a trace.
#pragma once

#include <string>
#include <vector>

namespace strata {

// One relation a statement locked, or that the lock table said it would.
struct TraceLock {
  std::string relation;         // "users", "app.users"; an index by its name
  std::string mode;             // taken: "ACCESS EXCLUSIVE"; "" when predicted but not taken
  std::string predicted;        // the lock table's mode; "" when it predicted none
  bool blocks_reads = false;    // `mode` waits for and blocks SELECT
  bool blocks_writes = false;   // `mode` waits for and blocks INSERT/UPDATE/DELETE
  // "confirmed" (taken as predicted), "mismatch" (another mode, or a lock
  // that blocks writes and was not predicted), "unpredicted" (a weaker lock
  // the lock table does not list: listed, not a mismatch), "via parent" (a
  // partition, child or owned sequence of a relation locked as predicted),
  // "held earlier" (an earlier statement of the transaction holds a lock at
  // least as strong: not observable, not a mismatch).
  std::string verdict;
};

struct TraceStatement {
  int line = 0;                 // 1-based, in the up file
  std::string kind;             // "ALTER TABLE"
  std::string text;             // first line, abbreviated
  // "traced"; "not traced: <why>" (a no-transaction migration, transaction
  // control, after a failure); "failed: <PostgreSQL's message>".
  std::string status;
  std::vector<std::string> forms;   // the lock table's rows for it (docs/lint/README.md)
  std::vector<TraceLock> locks;
  std::vector<std::string> rewritten;  // tables PostgreSQL gave a new file
  std::vector<std::string> scanned;    // tables PostgreSQL read in full or by an index
  // Each prediction that PostgreSQL did not confirm, as a sentence; each is
  // also a lock-trace-mismatch finding.
  std::vector<std::string> mismatches;
  int confirmed = 0;            // predictions PostgreSQL confirmed (locks, rewrites, scans)
};

struct TraceMigration {
  std::string version;
  std::string name;
  std::string file;
  bool traced = false;          // false: see `note`
  std::string note;             // "no-transaction migration: not traced", ...
  std::vector<TraceStatement> statements;
};

struct TraceReport {
  // Where it ran: "dev database strata_dev_... on <server>" or "the target
  // database (rolled back)".
  std::string where;
  std::vector<TraceMigration> migrations;
  int confirmed = 0;
  int mismatches = 0;
};

}  // namespace strata
