// driver::Connection: the one interface through which strata talks to a
// database. Implementations: sqlite/SqliteConnection (sqlite3 C API) and
// postgres/PostgresConnection (libpq). Nothing above driver/ knows which one
// it holds; dialect questions are answered here (dialect(), capabilities).
//
// A Connection is used by one thread at a time. It owns its native handle and
// closes it in the destructor (rolling back an open transaction).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <strata/result.h>
#include <strata/status.h>

#include "schema/model.h"

namespace strata::driver {

enum class Dialect { kSqlite, kPostgres };

// A column value as text; nullopt is SQL NULL. Integers and timestamps are
// passed and returned in their text form.
using Value = std::optional<std::string>;
using Row = std::vector<Value>;

struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
};

struct ConnectOptions {
  // How long one connection attempt may take (PostgreSQL connect_timeout).
  std::chrono::milliseconds connect_timeout{10000};
  // Extra attempts after a failed connection, with exponential backoff from
  // retry_backoff (doubling). Authentication failures and bad URLs are not
  // retried. Default 3 (waits 0.25 s, 0.5 s, 1 s).
  int connect_retries = 3;
  std::chrono::milliseconds retry_backoff{250};
  // SQLite: how long to wait on a locked database file before SQLITE_BUSY.
  std::chrono::milliseconds busy_timeout{30000};
  // PostgreSQL application_name, unless the URL sets one.
  std::string application_name = "strata";
};

class Connection {
 public:
  virtual ~Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  virtual Dialect dialect() const = 0;
  // The URL the connection was opened with, password shown as ****.
  virtual const std::string& redacted_url() const = 0;

  // Runs a script of zero or more statements (a migration file) in the
  // current transaction state; does not BEGIN or COMMIT by itself. PostgreSQL
  // sends the whole script in one round trip. On failure, the Status (code
  // kDatabase) has line and column within `sql` (1-based), the SQLSTATE where
  // the engine gives one, and the failing statement's text as context.
  // Inside a transaction, statements before the failing one have run and the
  // caller rolls back. Outside one, PostgreSQL runs a multi-statement script
  // as one implicit transaction (all or nothing), while SQLite autocommits
  // each statement before the failing one.
  // Takes a std::string (not a view) so that drivers hand the engine its
  // NUL-terminated text without a copy: a data migration can be hundreds of
  // megabytes.
  virtual Status ExecScript(const std::string& sql) = 0;

  // Like ExecScript, but sends each statement on its own so that none runs in
  // an implicit transaction block (for `-- strata:no-transaction`, e.g.
  // CREATE INDEX CONCURRENTLY). Statements before a failing one are committed.
  virtual Status ExecEach(const std::string& sql) = 0;

  // Runs one statement with positional parameters written $1, $2, ... and
  // returns its rows (none for statements that return none).
  virtual Result<Rows> Query(std::string_view sql, const std::vector<Value>& params = {}) = 0;

  // Transactions. Begin() takes the write lock at once on SQLite (BEGIN
  // IMMEDIATE, waiting up to busy_timeout) so that a re-check inside the
  // transaction sees the final state. Nesting is an error (kInternal).
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;  // no-op when no transaction is open
  virtual bool in_transaction() const = 0;

  // Savepoints inside a transaction (name is a plain identifier).
  virtual Status Savepoint(std::string_view name) = 0;
  virtual Status ReleaseSavepoint(std::string_view name) = 0;
  virtual Status RollbackToSavepoint(std::string_view name) = 0;

  // Transaction-scoped advisory lock (PostgreSQL pg_advisory_xact_lock):
  // released by COMMIT or ROLLBACK, so it can neither outlive the
  // transaction nor be stranded on a pooled server connection. Nothing
  // session-scoped exists on purpose. `wait` false returns false at once
  // when another transaction holds it; `wait` true waits (subject to
  // lock_timeout). REQUIRES: a transaction is open. kUnsupported on engines
  // without one (SQLite, where BEGIN IMMEDIATE already serialises writers).
  virtual bool supports_advisory_lock() const = 0;
  virtual Result<bool> TransactionAdvisoryLock(int64_t key, bool wait) = 0;

  // Sets `name` to `value` until the current transaction ends (PostgreSQL
  // set_config(name, value, true), i.e. SET LOCAL); nothing strata sets
  // outlives its transaction. A no-op on SQLite. REQUIRES: a transaction is
  // open.
  virtual Status SetLocal(std::string_view name, std::string_view value) = 0;

  // Puts the session's settings back as they were when it was opened
  // (PostgreSQL RESET ALL, RESET ROLE, RESET SESSION AUTHORIZATION): what a
  // migration's SET, set_config or SET ROLE changed does not reach the next
  // migration or strata's own statements. Inside a transaction it takes
  // effect when the transaction commits. A no-op on SQLite.
  virtual Status ResetSession() = 0;

  // Whether the connection goes through a connection pooler or proxy, as far
  // as the server shows it (PostgreSQL: inet_server_port() differs from the
  // port connected to, or the backend pid changes between two statements
  // outside a transaction): a sentence saying why, or "" for a direct
  // connection (and always on SQLite). REQUIRES: no transaction is open.
  virtual Result<std::string> DetectPooler() = 0;

  // Whether `table` exists in `schema` ("" = the default: main / current_schema()).
  virtual Result<bool> TableExists(std::string_view schema, std::string_view table) = 0;

  // Server notices (RAISE NOTICE, warnings) received since the last call.
  virtual std::vector<std::string> TakeNotices() = 0;

  // "user" for the session (PostgreSQL current_user; SQLite: the OS user).
  virtual std::string session_user() = 0;

  // The live schema (SQLite: "main"), in canonical order, without sqlite_*
  // internal objects and without the tables named in `exclude_tables` (the
  // tracking tables) and their indexes and triggers. Reads only.
  // kUnsupported where not implemented yet (PostgreSQL), kDatabase, kParse.
  virtual Result<schema::Schema> InspectSchema(const std::vector<std::string>& exclude_tables) = 0;

  // Called after each statement of ExecScript / ExecEach completes, with
  // the number completed so far (progress for long data migrations); on the
  // thread running the script. Empty to stop. Default none.
  using StatementObserver = std::function<void(int completed)>;
  virtual void SetStatementObserver(StatementObserver observer) = 0;

  // Asks the engine to stop the statement running on this connection now;
  // the one exception to "one thread at a time": callable from any thread
  // while another uses the connection (not from a signal handler). The
  // statement fails (SQLite SQLITE_INTERRUPT, PostgreSQL 57014 "canceling
  // statement due to user request") and its caller rolls back as after any
  // error. SQLite's ExecScript also stops before its next statement when
  // the request came between two. A no-op when nothing runs; best effort
  // (PostgreSQL sends the request over a second connection, which may fail).
  virtual void Cancel() = 0;

  // Whole-database operations for backup, restore and reset (src/ops).
  //
  // BackupTo (SQLite): copies the whole database into the existing empty
  // file `path` with SQLite's online backup API, in one step under one read
  // transaction: a consistent snapshot while other connections keep writing.
  // RestoreFrom (SQLite): replaces this connection's whole database with the
  // database file at `path`, through the same API into the live file, in one
  // write transaction: a crash or failure leaves the old database. Both
  // REQUIRE no open transaction; kLocked when the file stays busy past
  // busy_timeout. PostgreSQL (backed up with pg_dump) and the default:
  // kUnsupported.
  virtual Status BackupTo(const std::string& path);
  virtual Status RestoreFrom(const std::string& path);
  // A script that drops every object in the database except the tables in
  // `keep` ({schema, table}; schema "" = main / current_schema()), for
  // `strata reset` and before a PostgreSQL restore. SQLite: every view,
  // trigger and table (indexes go with their tables) and the AUTOINCREMENT
  // counters; run it with foreign keys off. PostgreSQL: one DO block that
  // drops every schema except public and those holding a kept table (with
  // CASCADE), and in those, every extension, table, view, materialized view,
  // foreign table, sequence, function, procedure, aggregate, type, domain,
  // collation and text search configuration and dictionary that is not part
  // of an extension. Run it in a transaction. Reads the catalog (SQLite);
  // kUnsupported by default.
  virtual Result<std::string> DropAllScript(const std::vector<std::pair<std::string, std::string>>& keep);

 protected:
  Connection() = default;
};

// Double-quotes an identifier for both dialects ("a""b").
std::string QuoteIdent(std::string_view ident);
// Single-quotes a string literal for both dialects ('it''s').
std::string QuoteLiteral(std::string_view text);
// "statement: <first 200 characters>" with whitespace folded: the context a
// driver adds to the Status of a failing statement.
std::string StatementContext(std::string_view text);
// kInvalidArgument with the line and column of the first NUL byte in `sql`,
// OK when there is none. Both engines read SQL as a C string and would
// silently drop everything after a NUL, so the drivers refuse such SQL before
// sending any of it.
Status RejectNul(std::string_view sql);
// True when `status` says the connection to the server is gone (SQLSTATE
// class 08, or 57P01/57P02/57P03: the server shut down, crashed or is
// restarting): the server rolls back whatever transaction was open, and the
// connection cannot run anything more. The PostgreSQL driver reports a
// connection that libpq found closed as 08006.
bool IsConnectionLost(const Status& status);

}  // namespace strata::driver
