// SqliteConnection's whole-database operations: the online backup API in
// both directions (backup, restore) and the script that drops everything
// (reset).
#include <sqlite3.h>

#include <chrono>
#include <climits>
#include <thread>

#include "driver/sqlite/sqlite_connection.h"

namespace strata::driver {
namespace {

struct Handle {
  sqlite3* db = nullptr;
  ~Handle() { sqlite3_close_v2(db); }
};

Status Error(int rc, sqlite3* db, const std::string& what) {
  std::string message = what + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return Status::Locked(message);
  return Status::Database(message);
}

// Copies database `from` into `to` in one sqlite3_backup_step(-1): the whole
// copy runs under one read transaction on the source, so it is a snapshot
// even while other connections write (copying in pieces would restart every
// time the source changed, for ever under a steady write load). BUSY and
// LOCKED are retried until `wait` is over.
Status Copy(sqlite3* from, sqlite3* to, sqlite3* errors_from, std::chrono::milliseconds wait, const std::string& what) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (backup == nullptr) return Error(sqlite3_errcode(to), to, what);
  auto deadline = std::chrono::steady_clock::now() + wait;
  int rc = SQLITE_OK;
  for (;;) {
    rc = sqlite3_backup_step(backup, -1);
    int primary = rc & 0xff;
    bool busy = primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
    if (!busy || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  int finish = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    if ((rc & 0xff) == SQLITE_READONLY) {
      return Status::Database(what + ": the database is in WAL mode with another page size than the backup")
          .WithHint("switch it to journal_mode=DELETE first (PRAGMA journal_mode=DELETE), then restore");
    }
    return Error(rc, errors_from, what);
  }
  if (finish != SQLITE_OK) return Error(finish, to, what);
  return Status::Ok();
}

Status OpenFile(const std::string& path, int flags, Handle* out, const std::string& what) {
  int rc = sqlite3_open_v2(path.c_str(), &out->db, flags, nullptr);
  if (rc != SQLITE_OK) return Error(rc, out->db, what);
  sqlite3_extended_result_codes(out->db, 1);
  sqlite3_busy_timeout(out->db, 30000);
  return Status::Ok();
}

constexpr std::chrono::milliseconds kBusyWait{30000};

}  // namespace

Status SqliteConnection::BackupTo(const std::string& path) {
  if (in_transaction()) return Status::Internal("BackupTo: a transaction is open");
  const std::string what = "back up to " + path;
  Handle dest;
  Status s = OpenFile(path, SQLITE_OPEN_READWRITE, &dest, what);
  if (!s.ok()) return s;
  return Copy(db_.get(), dest.db, db_.get(), kBusyWait, what);
}

Status SqliteConnection::RestoreFrom(const std::string& path) {
  if (in_transaction()) return Status::Internal("RestoreFrom: a transaction is open");
  const std::string what = "restore from " + path;
  Handle source;
  Status s = OpenFile(path, SQLITE_OPEN_READONLY, &source, what);
  if (!s.ok()) return s;
  // Statements cached on this connection hold no locks (they are reset after
  // each use); the copy takes the file's write lock and commits once.
  return Copy(source.db, db_.get(), db_.get(), kBusyWait, what);
}

Result<std::string> SqliteConnection::DropAllScript(const std::vector<std::pair<std::string, std::string>>& keep) {
  auto kept = [&](const std::string& name) {
    for (const auto& k : keep) {
      if (sqlite3_stricmp(k.second.c_str(), name.c_str()) == 0) return true;
    }
    return false;
  };
  // Virtual tables first: dropping one drops its shadow tables, which are
  // then skipped by IF EXISTS (dropping a shadow table first would break it).
  auto rows = Query(
      "SELECT type, name, sql LIKE 'CREATE VIRTUAL TABLE%' FROM sqlite_schema"
      " WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND type IN ('view', 'trigger', 'table')"
      " ORDER BY CASE WHEN type = 'view' THEN 0 WHEN type = 'trigger' THEN 1"
      " WHEN sql LIKE 'CREATE VIRTUAL TABLE%' THEN 2 ELSE 3 END, name");
  if (!rows.ok()) return rows.status();
  std::string script;
  for (const auto& row : rows->rows) {
    std::string type = row[0].value_or(""), name = row[1].value_or("");
    if (type == "table" && kept(name)) continue;
    std::string kind = type == "view" ? "VIEW" : type == "trigger" ? "TRIGGER" : "TABLE";
    script += "DROP " + kind + " IF EXISTS " + QuoteIdent(name) + ";\n";
  }
  auto seq = TableExists("", "sqlite_sequence");
  if (!seq.ok()) return seq.status();
  if (*seq) {
    std::string names;
    for (const auto& k : keep) names += (names.empty() ? "" : ", ") + QuoteLiteral(k.second);
    script += "DELETE FROM sqlite_sequence" + (names.empty() ? "" : " WHERE name NOT IN (" + names + ")") + ";\n";
  }
  return script;
}

}  // namespace strata::driver
