// The audit log file fed from the event table's writer (engine::History).
//
// AuditTrail receives every event row History writes. A row written outside
// a transaction is appended to the file at once (also when its INSERT
// failed: a failure the database could not record is still audited). A row
// written inside a transaction waits for that transaction: it is appended
// when it commits and dropped when it rolls back, so the file never claims
// an apply that the database undid. TransactionWatch is the Connection that
// tells AuditTrail when a transaction ends; MigratorImpl puts it around its
// connection when `audit_log` is set.
//
// Internal to src/api. One thread at a time, like the Migrator.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "driver/connection.h"
#include "engine/history.h"
#include "ops/audit.h"
#include <strata/events.h>

namespace strata::api {

class AuditTrail : public engine::EventObserver {
 public:
  // `sink` (may be null) hears about lines that could not be written.
  // `database`: the redacted URL each line names.
  AuditTrail(ops::AuditOptions options, EventSink* sink, std::string database = "");

  // The command whose events follow ("up", "restore", ...).
  void set_command(std::string command) { command_ = std::move(command); }
  // Opens the file: kIo when it cannot be written (before anything changes).
  Status Open() { return log_.Open(); }
  Status Sync() { return log_.Sync(); }

  void OnEventRow(const engine::EventRow& row, bool in_transaction) override;
  void TransactionEnded(bool committed);

 private:
  void Write(const engine::EventRow& row);

  ops::AuditLog log_;
  EventSink* sink_;
  std::string command_;
  std::string database_;
  std::vector<engine::EventRow> pending_;  // written in the open transaction
};

// A Connection that forwards everything to `inner` and reports the end of
// each transaction (Commit, Rollback) to `trail`.
class TransactionWatch final : public driver::Connection {
 public:
  TransactionWatch(std::unique_ptr<driver::Connection> inner, AuditTrail& trail)
      : inner_(std::move(inner)), trail_(trail) {}

  driver::Dialect dialect() const override { return inner_->dialect(); }
  const std::string& redacted_url() const override { return inner_->redacted_url(); }
  Status ExecScript(const std::string& sql) override;
  Status ExecEach(const std::string& sql) override;
  Result<driver::Rows> Query(std::string_view sql, const std::vector<driver::Value>& params = {}) override;
  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;
  bool in_transaction() const override { return inner_->in_transaction(); }
  Status Savepoint(std::string_view name) override { return inner_->Savepoint(name); }
  Status ReleaseSavepoint(std::string_view name) override { return inner_->ReleaseSavepoint(name); }
  Status RollbackToSavepoint(std::string_view name) override { return inner_->RollbackToSavepoint(name); }
  bool supports_advisory_lock() const override { return inner_->supports_advisory_lock(); }
  Result<bool> TransactionAdvisoryLock(int64_t key, bool wait) override {
    return inner_->TransactionAdvisoryLock(key, wait);
  }
  Status SetLocal(std::string_view name, std::string_view value) override { return inner_->SetLocal(name, value); }
  Status ResetSession() override { return inner_->ResetSession(); }
  Result<std::string> DetectPooler() override { return inner_->DetectPooler(); }
  Result<bool> TableExists(std::string_view schema, std::string_view table) override {
    return inner_->TableExists(schema, table);
  }
  std::vector<std::string> TakeNotices() override { return inner_->TakeNotices(); }
  std::string session_user() override { return inner_->session_user(); }
  Result<schema::Schema> InspectSchema(const std::vector<std::string>& exclude_tables) override {
    return inner_->InspectSchema(exclude_tables);
  }
  void SetStatementObserver(StatementObserver observer) override {
    inner_->SetStatementObserver(std::move(observer));
  }
  void Cancel() override { inner_->Cancel(); }
  Status BackupTo(const std::string& path) override { return inner_->BackupTo(path); }
  Status RestoreFrom(const std::string& path) override { return inner_->RestoreFrom(path); }
  Result<std::string> DropAllScript(const std::vector<std::pair<std::string, std::string>>& keep) override {
    return inner_->DropAllScript(keep);
  }

 private:
  // A script or statement may end the transaction itself (COMMIT in a
  // migration file, or an error that PostgreSQL's implicit block rolled
  // back): compare the state before and after.
  template <class F>
  auto Watch(F f) {
    bool was_open = inner_->in_transaction();
    auto result = f();
    if (was_open && !inner_->in_transaction()) trail_.TransactionEnded(/*committed=*/result.ok());
    return result;
  }

  std::unique_ptr<driver::Connection> inner_;
  AuditTrail& trail_;
};

}  // namespace strata::api
