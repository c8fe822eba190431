// SqliteConnection: driver::Connection over the sqlite3 C API.
//
// One sqlite3 handle per connection, opened read-write (created when
// missing) with foreign keys on and a busy timeout, so that a second writer
// waits for the first instead of failing at once. Begin() is BEGIN IMMEDIATE:
// the write lock is taken before the caller re-checks state. There is no
// advisory lock (callers use a lease row) and no server notices.
//
// Not thread-safe: one thread at a time, like every Connection. Owns the
// handle; the destructor rolls back an open transaction and closes it.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "config/url.h"
#include "driver/connection.h"

struct sqlite3;  // sqlite3.h stays inside sqlite_connection.cc
struct sqlite3_stmt;

namespace strata::driver {

class SqliteConnection final : public Connection {
 public:
  // Opens url.path (or an in-memory database for sqlite::memory:).
  // kInvalidArgument when `url` is not a SQLite URL; kIo when the folder of
  // the database file does not exist; kDatabase/kLocked when SQLite refuses.
  // REQUIRES: url.scheme == kSqlite.
  static Result<std::unique_ptr<SqliteConnection>> Open(const config::Url& url, const ConnectOptions& options);

  ~SqliteConnection() override;

  Dialect dialect() const override { return Dialect::kSqlite; }
  const std::string& redacted_url() const override { return redacted_url_; }

  Status ExecScript(const std::string& sql) override;
  // SQLite has no statement that refuses a transaction block, and each
  // statement of ExecScript already autocommits outside Begin(): the same.
  Status ExecEach(const std::string& sql) override { return ExecScript(sql); }
  Result<Rows> Query(std::string_view sql, const std::vector<Value>& params = {}) override;

  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;
  bool in_transaction() const override;

  Status Savepoint(std::string_view name) override;
  Status ReleaseSavepoint(std::string_view name) override;
  Status RollbackToSavepoint(std::string_view name) override;

  bool supports_advisory_lock() const override { return false; }
  Result<bool> TransactionAdvisoryLock(int64_t key, bool wait) override;
  void SetStatementObserver(StatementObserver observer) override { observer_ = std::move(observer); }
  Status SetLocal(std::string_view, std::string_view) override { return Status::Ok(); }
  Status ResetSession() override { return Status::Ok(); }
  Result<std::string> DetectPooler() override { return std::string(); }

  Result<bool> TableExists(std::string_view schema, std::string_view table) override;
  std::vector<std::string> TakeNotices() override { return {}; }
  std::string session_user() override;
  Result<schema::Schema> InspectSchema(const std::vector<std::string>& exclude_tables) override;
  // sqlite3_interrupt for the running statement; ExecScript also stops
  // before its next statement.
  void Cancel() override;
  Status BackupTo(const std::string& path) override;     // sqlite_copy.cc
  Status RestoreFrom(const std::string& path) override;  // sqlite_copy.cc
  Result<std::string> DropAllScript(const std::vector<std::pair<std::string, std::string>>& keep) override;

  // The SQLite handle, for tests that install hooks on it.
  sqlite3* raw_handle() const { return db_.get(); }

 private:
  struct DbClose {
    void operator()(sqlite3* db) const;
  };
  using DbPtr = std::unique_ptr<sqlite3, DbClose>;
  struct StmtFinalize {
    void operator()(sqlite3_stmt* stmt) const;
  };
  using CachedStmt = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

  SqliteConnection(DbPtr db, std::string redacted_url);
  // Runs one statement that returns no rows (BEGIN, SAVEPOINT, ...).
  Status Exec(const std::string& sql);

  // A prepared statement for `sql` from the cache, or freshly prepared and
  // cached. Null with OK status for text without a statement.
  Result<sqlite3_stmt*> Prepare(std::string_view sql);

  DbPtr db_;
  std::string redacted_url_;
  StatementObserver observer_;
  // Query() statements by text: the engine runs the same few statements once
  // per migration, and preparing them again each time showed in profiles.
  // Declared after db_ so that they are finalized before it closes.
  std::unordered_map<std::string, CachedStmt> cache_;
  // Set by Cancel() (any thread), read by ExecScript between statements.
  std::atomic<bool> cancel_requested_{false};
};

}  // namespace strata::driver
