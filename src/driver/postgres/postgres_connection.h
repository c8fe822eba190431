// PostgresConnection: driver::Connection over libpq.
//
// Connects with the URL as libpq's dbname (expand_dbname), retrying
// transient failures with exponential backoff but never authentication
// failures or a missing database. ExecScript sends a whole migration in one
// simple-query round trip (inside a transaction, a script over 4 MiB in
// pieces of whole statements, so that libpq's copy stays small) and maps the
// server's error position back to a line and column of the script; ExecEach sends statements one by one (for
// statements that refuse a transaction block, e.g. CREATE INDEX
// CONCURRENTLY). Server notices are collected for TakeNotices().
//
// Not thread-safe: one thread at a time, like every Connection. Owns the
// PGconn; the destructor rolls back an open transaction and closes it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/url.h"
#include "driver/connection.h"

struct pg_conn;    // libpq-fe.h stays inside postgres_connection.cc
struct pg_cancel;

namespace strata::driver {

class PostgresConnection final : public Connection {
 public:
  // Connects to `url`. kInvalidArgument when libpq rejects the URL or one of
  // its options; kDatabase "cannot connect to <url, password as ****>: ..."
  // after options.connect_retries extra attempts, or at once for
  // authentication failures and missing roles or databases.
  // REQUIRES: url.scheme == kPostgres.
  static Result<std::unique_ptr<PostgresConnection>> Open(const config::Url& url, const ConnectOptions& options);

  ~PostgresConnection() override;

  Dialect dialect() const override { return Dialect::kPostgres; }
  const std::string& redacted_url() const override { return redacted_url_; }

  Status ExecScript(const std::string& sql) override;
  Status ExecEach(const std::string& sql) override;
  Result<Rows> Query(std::string_view sql, const std::vector<Value>& params = {}) override;

  Status Begin() override;
  // After a failed statement PostgreSQL has aborted the transaction and would
  // turn COMMIT into a silent ROLLBACK; Commit() rolls back and says so (kDatabase).
  Status Commit() override;
  Status Rollback() override;
  bool in_transaction() const override;

  Status Savepoint(std::string_view name) override;
  Status ReleaseSavepoint(std::string_view name) override;
  Status RollbackToSavepoint(std::string_view name) override;

  bool supports_advisory_lock() const override { return true; }
  Result<bool> TransactionAdvisoryLock(int64_t key, bool wait) override;
  void SetStatementObserver(StatementObserver observer) override { observer_ = std::move(observer); }
  Status SetLocal(std::string_view name, std::string_view value) override;
  Status ResetSession() override;
  Result<std::string> DetectPooler() override;

  Result<bool> TableExists(std::string_view schema, std::string_view table) override;
  std::vector<std::string> TakeNotices() override;
  std::string session_user() override;
  // InspectPostgres (postgres_inspect.h) on this connection.
  Result<schema::Schema> InspectSchema(const std::vector<std::string>& exclude_tables) override;
  // PQcancel with the cancel key taken at connect time.
  void Cancel() override;
  // postgres_drop.cc
  Result<std::string> DropAllScript(const std::vector<std::pair<std::string, std::string>>& keep) override;

 private:
  struct ConnFinish {
    void operator()(pg_conn* conn) const;
  };
  using ConnPtr = std::unique_ptr<pg_conn, ConnFinish>;
  struct CancelFree {
    void operator()(pg_cancel* cancel) const;
  };
  using CancelPtr = std::unique_ptr<pg_cancel, CancelFree>;

  // What came back for one query string sent with the simple protocol.
  struct Outcome {
    int completed = 0;            // statements that succeeded before the error
    Status error;                 // the first error, OK when none
    std::optional<int> position;  // its 1-based character position in the text sent
  };

  PostgresConnection(ConnPtr conn, std::string redacted_url);
  static void OnNotice(void* self, const char* message);

  // Sends `text` (one or more statements) and reads every result, ending
  // COPY sub-protocols so that the connection is always ready afterwards.
  Outcome SendAndDrain(const std::string& text);
  Status ExecInPieces(const std::string& sql);
  // Scripts longer than this are sent in pieces of whole statements. Each
  // piece is held four times while it is sent (its NUL-terminated copy,
  // libpq's output buffer, which doubles to twice the message, and libpq's
  // own copy of the query text), so the piece size is most of what `up` of
  // a large file holds beyond the file. A round trip per 64 KiB costs
  // nothing measurable (1,600 for 100 MB), and the server starts on the
  // first piece sooner: bench/large's 100 MB PostgreSQL `up` took 12.1 s
  // with 64 KiB pieces, 14.5 s with 256 KiB.
  static constexpr size_t kSendPiece = size_t{64} << 10;
  // Runs one statement that returns no rows (BEGIN, SAVEPOINT, ...).
  Status Exec(const std::string& sql);

  ConnPtr conn_;
  CancelPtr cancel_;  // PQgetCancel: usable from another thread while conn_ is busy
  std::string redacted_url_;
  StatementObserver observer_;
  int progress_base_ = 0;  // statements ExecEach completed before the current one
  std::vector<std::string> notices_;
};

}  // namespace strata::driver
