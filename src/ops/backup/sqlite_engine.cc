// SQLite backups: the online backup API (driver::Connection::BackupTo and
// RestoreFrom) and PRAGMA integrity_check.
#include "driver/open.h"
#include "ops/backup/codec.h"
#include "ops/backup/internal.h"

namespace strata::ops::backup {
namespace {

// "sqlite:" + path, escaped so that config::ParseUrl gives the path back.
std::string SqliteUrl(const std::string& path) {
  std::string out = "sqlite:";
  for (char c : path) {
    if (c == '%') {
      out += "%25";
    } else if (c == '?') {
      out += "%3F";
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::unique_ptr<driver::Connection>> OpenCopy(const std::string& path) {
  driver::ConnectOptions options;
  options.connect_retries = 0;
  return driver::Open(SqliteUrl(path), options);
}

class SqliteEngine : public Engine {
 public:
  SqliteEngine(driver::Connection& conn, const config::Url& url, const Settings& settings)
      : conn_(conn), url_(url), settings_(settings) {}

  std::string name() const override { return "sqlite"; }
  std::string extension() const override { return "sqlite"; }
  std::string verification() const override { return "PRAGMA integrity_check"; }

  Status Dump(const std::string& path) override {
    // From a connection of its own: it sees what is committed, also when the
    // caller's connection is inside a transaction (up --single-transaction,
    // repair), and its read transaction does not disturb the caller's.
    Status s;
    if (url_.memory) {
      s = conn_.in_transaction() ? Status::Unsupported("cannot back up an in-memory database inside a transaction")
                                 : conn_.BackupTo(path);
    } else {
      driver::ConnectOptions options;
      options.connect_retries = 0;
      auto source = driver::Open(url_.raw, options);
      if (!source.ok()) return source.status();
      s = (*source)->BackupTo(path);
    }
    if (!s.ok()) return s;
    // The lease of the run that takes the backup (the migration lock) must
    // not come back with a restore: clear it in the copy.
    auto copy = OpenCopy(path);
    if (!copy.ok()) return copy.status().With("open the copy");
    auto has_lock = (*copy)->TableExists("", settings_.lock_table.second);
    if (!has_lock.ok()) return has_lock.status();
    if (*has_lock) {
      // Only when there is a row: a write would cost a commit on the copy.
      std::string table = driver::QuoteIdent(settings_.lock_table.second);
      auto rows = (*copy)->Query("SELECT 1 FROM " + table + " LIMIT 1");
      if (!rows.ok()) return rows.status().With("read the lock table in the copy");
      if (!rows->rows.empty()) {
        auto r = (*copy)->Query("DELETE FROM " + table);
        if (!r.ok()) return r.status().With("clear the lock table in the copy");
      }
    }
    return Status::Ok();
  }

  Status Verify(const std::string& path) override {
    auto kind = Sniff(path);
    if (!kind.ok()) return kind.status();
    if (*kind != Content::kSqlite) return NotSqlite(*kind);
    auto copy = OpenCopy(path);
    if (!copy.ok()) return copy.status().With("verify the backup");
    auto rows = (*copy)->Query("PRAGMA integrity_check");
    if (!rows.ok()) return rows.status().With("verify the backup (PRAGMA integrity_check)");
    if (rows->rows.size() == 1 && rows->rows[0][0].value_or("") == "ok") return Status::Ok();
    std::string problems;
    for (size_t i = 0; i < rows->rows.size() && i < 5; ++i) {
      problems += (i ? "; " : "") + rows->rows[i][0].value_or("?");
    }
    return Status::Database("the backup copy is damaged (PRAGMA integrity_check: " + problems + ")");
  }

  Status Load(const std::string& path) override { return conn_.RestoreFrom(path); }

 private:
  static Status NotSqlite(Content kind) {
    if (kind == Content::kPgCustom) {
      return Status::InvalidArgument("this is a PostgreSQL backup (pg_dump) and the database is SQLite");
    }
    return Status::Io("not a SQLite database file");
  }

  driver::Connection& conn_;
  const config::Url& url_;
  const Settings& settings_;
};

}  // namespace

std::unique_ptr<Engine> MakeSqliteEngine(driver::Connection& conn, const config::Url& url, const Settings& settings) {
  return std::make_unique<SqliteEngine>(conn, url, settings);
}

std::unique_ptr<Engine> MakeEngine(driver::Connection& conn, const config::Url& url, const Settings& settings) {
  if (url.scheme == config::Url::Scheme::kPostgres) return MakePostgresEngine(conn, url, settings);
  return MakeSqliteEngine(conn, url, settings);
}

}  // namespace strata::ops::backup
