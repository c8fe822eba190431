#include "driver/sqlite/sqlite_connection.h"

#include <pwd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cctype>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "driver/sqlite/sqlite_inspect.h"
#include "sql/split.h"
#include "util/fs.h"

namespace strata::driver {
namespace {

struct StmtFinalize {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

// Who holds a lock on `path`, as far as this host shows it: the POSIX locks
// in /proc/locks on the file's inode (SQLite locks its database file with
// fcntl), with the holder's command name. "" when nothing can be told.
std::string LockHolderOf(const std::string& path) {
  struct stat st{};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return "";
  char id[64];
  std::snprintf(id, sizeof(id), "%02x:%02x:%lu", major(st.st_dev), minor(st.st_dev),
                static_cast<unsigned long>(st.st_ino));
  std::ifstream locks("/proc/locks");
  std::string line;
  std::string holders;
  while (std::getline(locks, line)) {
    // "1: POSIX  ADVISORY  WRITE 12345 08:01:1234567 1073741824 1073741825"
    std::istringstream fields(line);
    std::string n, type, advisory, mode, pid, inode;
    if (!(fields >> n >> type >> advisory >> mode >> pid >> inode) || inode != id || pid == "-1") continue;
    if (std::to_string(::getpid()) == pid || holders.find("pid " + pid + " ") != std::string::npos) continue;
    std::ifstream comm("/proc/" + pid + "/comm");
    std::string name;
    std::getline(comm, name);
    holders += (holders.empty() ? "" : ", ") + std::string("pid ") + pid + (name.empty() ? "" : " (" + name + ")");
  }
  return holders;
}

// The one place SQLite result codes become a Status. BUSY and LOCKED mean
// another connection holds the lock past busy_timeout: callers retry or
// report "locked", so they get their own code.
Status FromSqlite(int rc, sqlite3* db) {
  std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const char* file = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
  std::string path = file != nullptr && *file != '\0' ? file : "";
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: {
      std::string holder = LockHolderOf(path);
      if (!holder.empty()) message += " (held by " + holder + ")";
      return Status::Locked(std::move(message));
    }
    case SQLITE_READONLY:
      // SQLite says "attempt to write a readonly database"; say which, and why.
      return Status::Io("sqlite:" + path + " is read-only (" + message + ")")
          .WithHint("check the permissions of the file and of its folder: SQLite writes a journal file next to the "
                    "database");
    case SQLITE_FULL:
      return Status::Io("the disk holding sqlite:" + path + " is full (" + message + ")")
          .WithHint("free space on that disk and run the command again; the migration was rolled back");
    default:
      return Status::Database(std::move(message));
  }
}


// The error of the statement that starts at or after `stmt_offset` in
// `script`, located in the script: SQLite's own error offset when it has
// one (a syntax error, an unknown table), else the statement's first token.
// REQUIRES: called before anything else runs on `db`.
Status LocateScriptError(Status status, sqlite3* db, std::string_view script, size_t stmt_offset) {
  int error_offset = sqlite3_error_offset(db);
  std::string_view rest = script.substr(stmt_offset);
  size_t start = stmt_offset;
  std::string_view text = rest;
  auto statements = sql::Split(rest, sql::Dialect::kSqlite);
  if (statements.ok() && !statements->empty()) {
    start = stmt_offset + statements->front().offset;
    text = statements->front().text;
  }
  size_t at = start;
  if (error_offset >= 0 && static_cast<size_t>(error_offset) < rest.size()) {
    at = stmt_offset + static_cast<size_t>(error_offset);
  }
  sql::LineCol lc = sql::LocateOffset(script, at);
  return std::move(status).At("", lc.line, lc.column).With(StatementContext(text));
}

Status ScriptError(int rc, sqlite3* db, std::string_view script, size_t stmt_offset) {
  return LocateScriptError(FromSqlite(rc, db), db, script, stmt_offset);
}

}  // namespace

void SqliteConnection::DbClose::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

SqliteConnection::SqliteConnection(DbPtr db, std::string redacted_url)
    : db_(std::move(db)), redacted_url_(std::move(redacted_url)) {}

SqliteConnection::~SqliteConnection() {
  // Closing would roll back too; doing it explicitly keeps the journal tidy
  // and makes the intent visible.
  if (db_ && in_transaction()) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const config::Url& url,
                                                                 const ConnectOptions& options) {
  if (url.scheme != config::Url::Scheme::kSqlite) {
    return Status::InvalidArgument("not a SQLite URL: " + url.Redacted());
  }
  std::string path = url.memory ? ":memory:" : url.path;
  if (!url.memory) {
    // SQLite would only say "unable to open database file"; name the cause.
    // A path the system cannot look up (a symlink loop, a name too long) is
    // an error here, not an exception.
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      return Status::InvalidArgument("sqlite:" + path + " is a folder, not a database file")
          .WithHint("name a file: sqlite:" + (path.empty() || path.back() == '/' ? path : path + "/") + "app.db");
    }
    if (util::LookupFailed(ec)) {
      return Status::Io("cannot open SQLite database " + path + ": " + ec.message()).WithHint("fix the URL's path");
    }
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
      return Status::Io("cannot open SQLite database " + path + ": folder " + parent.string() +
                        (util::LookupFailed(ec) ? ": " + ec.message() : " does not exist"))
          .WithHint("create the folder or fix the URL");
    }
  }
  // SQLite keeps memory statistics (sqlite3_memory_used) under a global
  // mutex taken on every allocation, which strata never reads: off, before
  // SQLite initialises (a no-op, SQLITE_MISUSE, if something else in the
  // process initialised it first). About 7 % of a large data migration.
  static std::once_flag memstatus_off;
  std::call_once(memstatus_off, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  DbPtr db(raw);  // sqlite3_open_v2 allocates a handle even when it fails
  if (rc != SQLITE_OK) return FromSqlite(rc, raw).With("cannot open SQLite database " + path);
  sqlite3_extended_result_codes(raw, 1);
  auto busy_ms = options.busy_timeout.count();
  sqlite3_busy_timeout(raw, busy_ms > INT_MAX ? INT_MAX : static_cast<int>(busy_ms));
  // schema_version reads the file header, so "file is not a database" shows
  // up here rather than in the middle of a migration.
  rc = sqlite3_exec(raw, "PRAGMA foreign_keys = ON; PRAGMA schema_version", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return FromSqlite(rc, raw).With("cannot open SQLite database " + path);
  return std::unique_ptr<SqliteConnection>(new SqliteConnection(std::move(db), url.Redacted()));
}

Status SqliteConnection::ExecScript(const std::string& sql) {
  if (sql.size() >= static_cast<size_t>(INT_MAX)) return Status::InvalidArgument("script larger than 2 GiB");
  // sqlite3_prepare stops at a NUL: the rest of the script would be dropped.
  if (Status nul = RejectNul(sql); !nul.ok()) return nul;
  // A Cancel() from before this script is not for it.
  cancel_requested_ = false;
  // sqlite3_prepare copies the rest of the script on every call unless the
  // byte count it gets ends with a NUL: counting the std::string's own
  // terminator, a file of n statements costs n prepares, not n copies of
  // what is left (quadratic: 60,000 INSERTs took 50 s instead of 1).
  const char* const begin = sql.c_str();
  const char* const end = begin + sql.size();
  const char* pos = begin;
  int completed = 0;
  while (pos < end) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(db_.get(), pos, static_cast<int>(end - pos) + 1, &raw, &tail);
    StmtPtr stmt(raw);
    size_t offset = static_cast<size_t>(pos - begin);
    if (rc != SQLITE_OK) return ScriptError(rc, db_.get(), sql, offset);
    if (tail == nullptr || tail <= pos) tail = end;  // defensive: never loop forever
    if (stmt) {
      // sqlite3_interrupt stops only a running statement (SQLite clears it
      // when the next one starts): a Cancel() that came between two
      // statements stops the script here.
      if (cancel_requested_) {
        return LocateScriptError(Status::Database(sqlite3_errstr(SQLITE_INTERRUPT)), db_.get(), sql, offset);
      }
      // Step to completion: a SELECT in a migration still has to run (it may
      // call a function with side effects, or fail).
      do {
        rc = sqlite3_step(stmt.get());
      } while (rc == SQLITE_ROW);
      if (rc != SQLITE_DONE) return ScriptError(rc, db_.get(), sql, offset);
      if (observer_) observer_(++completed);
    }
    pos = tail;
  }
  return Status::Ok();
}

void SqliteConnection::StmtFinalize::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

Result<sqlite3_stmt*> SqliteConnection::Prepare(std::string_view sql) {
  std::string key(sql);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second.get();
  if (sql.size() > static_cast<size_t>(INT_MAX)) return Status::InvalidArgument("statement larger than 2 GiB");
  if (Status nul = RejectNul(sql); !nul.ok()) return nul;
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  CachedStmt stmt(raw);
  if (rc != SQLITE_OK) return FromSqlite(rc, db_.get()).With(StatementContext(sql));
  if (tail != nullptr) {
    std::string_view rest = sql.substr(static_cast<size_t>(tail - sql.data()));
    auto more = sql::Split(rest, sql::Dialect::kSqlite);
    if (more.ok() && !more->empty()) {
      return Status::InvalidArgument("Query runs one statement; use ExecScript for scripts")
          .With(StatementContext(sql));
    }
  }
  if (!stmt) return static_cast<sqlite3_stmt*>(nullptr);
  if (cache_.size() >= 64) cache_.clear();  // bounded: ad-hoc queries must not pile up
  sqlite3_stmt* out = stmt.get();
  cache_.emplace(std::move(key), std::move(stmt));
  return out;
}

Result<Rows> SqliteConnection::Query(std::string_view sql, const std::vector<Value>& params) {
  auto prepared = Prepare(sql);
  if (!prepared.ok()) return prepared.status();
  sqlite3_stmt* raw = *prepared;
  // Reset on every exit: a statement left mid-step keeps its read lock.
  struct Reset {
    sqlite3_stmt* s;
    ~Reset() {
      if (s) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    }
  } reset{raw};
  struct Borrowed {
    sqlite3_stmt* s;
    sqlite3_stmt* get() const { return s; }
    explicit operator bool() const { return s != nullptr; }
  } stmt{raw};
  int rc = SQLITE_OK;
  Rows out;
  if (!stmt) return out;  // only whitespace and comments

  // Parameters are named "$1", "$2", ... as in PostgreSQL; SQLite treats
  // "$1" as a named parameter, so they are bound by name.
  int count = sqlite3_bind_parameter_count(stmt.get());
  for (int i = 1; i <= count; ++i) {
    const char* name = sqlite3_bind_parameter_name(stmt.get(), i);
    if (name == nullptr || name[0] != '$') continue;
    char* end = nullptr;
    long n = std::strtol(name + 1, &end, 10);
    if (end != nullptr && *end == '\0' && (n < 1 || static_cast<size_t>(n) > params.size())) {
      return Status::InvalidArgument("statement uses " + std::string(name) + " but " + std::to_string(params.size()) +
                                     " parameters were given")
          .With(StatementContext(sql));
    }
  }
  for (size_t i = 0; i < params.size(); ++i) {
    std::string name = "$" + std::to_string(i + 1);
    int index = sqlite3_bind_parameter_index(stmt.get(), name.c_str());
    if (index == 0) continue;
    rc = params[i] ? sqlite3_bind_text(stmt.get(), index, params[i]->data(), static_cast<int>(params[i]->size()),
                                       SQLITE_TRANSIENT)
                   : sqlite3_bind_null(stmt.get(), index);
    if (rc != SQLITE_OK) return FromSqlite(rc, db_.get()).With(StatementContext(sql));
  }

  int columns = sqlite3_column_count(stmt.get());
  for (int c = 0; c < columns; ++c) {
    const char* name = sqlite3_column_name(stmt.get(), c);
    out.columns.emplace_back(name != nullptr ? name : "");
  }
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    Row row;
    row.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (sqlite3_column_type(stmt.get(), c) == SQLITE_NULL) {
        row.emplace_back(std::nullopt);
        continue;
      }
      const unsigned char* text = sqlite3_column_text(stmt.get(), c);
      int bytes = sqlite3_column_bytes(stmt.get(), c);
      row.emplace_back(std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(bytes)));
    }
    out.rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return FromSqlite(rc, db_.get()).With(StatementContext(sql));
  return out;
}

Status SqliteConnection::Exec(const std::string& sql) {
  int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return FromSqlite(rc, db_.get()).With(StatementContext(sql));
  return Status::Ok();
}

Status SqliteConnection::Begin() {
  if (in_transaction()) return Status::Internal("Begin: a transaction is already open");
  // IMMEDIATE takes the write lock now (waiting up to busy_timeout), so the
  // caller's re-check inside the transaction cannot be overtaken by another
  // writer, and a lock conflict surfaces here as kLocked, not at COMMIT.
  return Exec("BEGIN IMMEDIATE");
}

Status SqliteConnection::Commit() {
  if (!in_transaction()) return Status::Internal("Commit: no transaction is open");
  return Exec("COMMIT");
}

Status SqliteConnection::Rollback() {
  if (!in_transaction()) return Status::Ok();
  return Exec("ROLLBACK");
}

bool SqliteConnection::in_transaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

Status SqliteConnection::Savepoint(std::string_view name) {
  // Outside a transaction SQLite would silently open one; PostgreSQL refuses.
  if (!in_transaction()) return Status::Internal("Savepoint: no transaction is open");
  return Exec("SAVEPOINT " + QuoteIdent(name));
}

Status SqliteConnection::ReleaseSavepoint(std::string_view name) {
  if (!in_transaction()) return Status::Internal("ReleaseSavepoint: no transaction is open");
  return Exec("RELEASE SAVEPOINT " + QuoteIdent(name));
}

Status SqliteConnection::RollbackToSavepoint(std::string_view name) {
  if (!in_transaction()) return Status::Internal("RollbackToSavepoint: no transaction is open");
  return Exec("ROLLBACK TO SAVEPOINT " + QuoteIdent(name));
}

Result<bool> SqliteConnection::TransactionAdvisoryLock(int64_t, bool) {
  return Status::Unsupported("SQLite has no advisory locks");
}

Result<bool> SqliteConnection::TableExists(std::string_view schema, std::string_view table) {
  std::string db_name = schema.empty() ? "main" : std::string(schema);
  // SQLite compares identifiers case-insensitively, so does this check.
  auto rows = Query("SELECT 1 FROM " + QuoteIdent(db_name) +
                        ".sqlite_schema WHERE type = 'table' AND name = $1 COLLATE NOCASE",
                    {std::string(table)});
  if (!rows.ok()) return rows.status();
  return !rows->rows.empty();
}

std::string SqliteConnection::session_user() {
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (getpwuid_r(geteuid(), &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr) return found->pw_name;
  return "uid " + std::to_string(geteuid());
}

void SqliteConnection::Cancel() {
  cancel_requested_ = true;
  if (db_) sqlite3_interrupt(db_.get());
}

Result<schema::Schema> SqliteConnection::InspectSchema(const std::vector<std::string>& exclude_tables) {
  return InspectSqlite(*this, exclude_tables);
}

}  // namespace strata::driver
