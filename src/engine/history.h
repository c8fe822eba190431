// engine::History: the tracking table (one row per applied migration) and the
// append-only event table, in the migrated database itself. Layout and
// meaning of every column: docs/tracking.md.
//
// Talks to the database only through driver::Connection; the small dialect
// differences (column types, timestamp reads) are chosen by conn.dialect().
// Borrowing: holds a reference to the connection, which must outlive it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "driver/connection.h"
#include <strata/result.h>
#include <strata/status.h>

namespace strata::engine {

struct TableNames {
  std::string schema;  // PostgreSQL schema; "" = current_schema() / main
  std::string migrations = "strata_migrations";
  std::string events = "strata_events";
  std::string lock = "strata_lock";
};

// One row of the tracking table.
struct AppliedRow {
  std::string version;
  std::string name;
  std::string checksum;
  std::optional<std::string> down_sql;  // nullopt: there was no down file
  std::string down_checksum;
  int64_t batch = 0;
  std::string applied_at;  // RFC 3339 UTC
  std::string applied_by;  // user@host
  int64_t duration_ms = 0;
  bool dirty = false;
  std::string strata_version;
};

// One row of the event table.
struct EventRecord {
  std::string kind;     // apply, rollback, baseline, repair
  std::string outcome;  // success, failure
  std::string version;
  std::string name;
  std::optional<int64_t> batch;
  std::optional<int64_t> duration_ms;
  std::optional<std::string> error;      // redacted
  std::optional<std::string> statement;  // the failing statement
  std::optional<std::string> detail;     // e.g. the repair action
};

// Everything History writes for one event: the record and the columns it
// fills in itself.
struct EventRow {
  EventRecord record;     // error and statement redacted
  std::string occurred_at;  // RFC 3339 UTC with milliseconds
  std::string actor;
  std::string db_user;
  std::string host;
  std::string environment;
  std::string strata_version;
};

// Told about every event History writes (the audit log file). Called on the
// thread that runs the command, after the INSERT ran, whether or not it
// succeeded; `in_transaction`: it was written inside an open transaction, so
// it lasts only if that transaction commits.
class EventObserver {
 public:
  virtual ~EventObserver() = default;
  virtual void OnEventRow(const EventRow& row, bool in_transaction) = 0;
};

class History {
 public:
  History(driver::Connection& conn, TableNames names, std::string environment);
  // Every event written from now on is also passed to `observer` (may be
  // null; must outlive this History).
  void set_observer(EventObserver* observer) { observer_ = observer; }

  // Creates the schema (if named) and both tables when missing. Idempotent;
  // call under the migration lock (concurrent CREATE ... IF NOT EXISTS can
  // still collide on PostgreSQL's catalogs).
  Status Ensure();
  // Whether the tracking table exists (read-only commands never create it).
  Result<bool> Exists();
  // Every row, ordered by version (numerically). Empty when the table does
  // not exist. Without `with_down_sql`, down_sql is "" when stored (status
  // needs only whether there is one, and skipping the text halves the work).
  Result<std::vector<AppliedRow>> Load(bool with_down_sql = true);
  // The row for `version` (exact match), read in the current transaction:
  // version, dirty, batch and checksum only.
  Result<std::optional<AppliedRow>> Find(const std::string& version);
  Result<int64_t> MaxBatch();

  Status Insert(const AppliedRow& row);
  // The row (or its removal) and its event, in one round trip on PostgreSQL.
  Status InsertWithEvent(const AppliedRow& row, const EventRecord& event);
  Status DeleteWithEvent(const std::string& version, const EventRecord& event);
  Status MarkClean(const std::string& version, int64_t duration_ms);
  Status MarkDirty(const std::string& version);
  Status Delete(const std::string& version);
  Status UpdateFromFile(const std::string& version, const std::string& name, const std::string& checksum,
                        const std::optional<std::string>& down_sql, const std::string& down_checksum);
  // Appends an event. Failures to record are returned, never thrown away.
  Status RecordEvent(const EventRecord& event);

  // Quoted, schema-qualified table names.
  std::string migrations_table() const;
  std::string events_table() const;
  std::string lock_table() const;
  const TableNames& names() const { return names_; }

 private:
  struct Statement {
    std::string sql;
    std::vector<driver::Value> params;
  };
  // Statements whose parameters are numbered from $first.
  Statement InsertStatement(const AppliedRow& row, size_t first);
  Statement DeleteStatement(const std::string& version, size_t first);
  Statement EventStatement(const EventRecord& event, size_t first, EventRow* row = nullptr);
  void Notify(const EventRow& row);
  Status WithEvent(const Statement& change, const EventRecord& event, const std::string& what);
  std::string Qualify(const std::string& table) const;
  const std::string& DbUser();

  driver::Connection& conn_;
  TableNames names_;
  std::string environment_;
  std::string actor_;  // user@host of this process
  std::string host_;
  std::optional<std::string> db_user_;
  EventObserver* observer_ = nullptr;
};

}  // namespace strata::engine
