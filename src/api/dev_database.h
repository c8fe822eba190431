// DevDatabase: a throwaway database in which the schema commands (diff,
// generate, drift, push, test) build schemas by replaying migrations or
// loading a .sql file, then inspect them.
//
//   SQLite:     an in-memory database (sqlite::memory:), gone when closed.
//   PostgreSQL: CREATE DATABASE strata_dev_<16 hex digits> on the server that
//               dev_url names, reached by rewriting the database part of that
//               URL, and DROP DATABASE ... WITH (FORCE) when the object is
//               destroyed, so every return path (errors included) drops it.
//               Only the database it created is ever dropped, and no other
//               database on that server is touched.
//
// Ctrl-C: after strata::DropDevDatabasesOnSignal(), a SIGINT or SIGTERM
// while a PostgreSQL dev database exists drops it (from a watcher thread with
// its own connection to dev_url) and exits 128 + signal. The database is
// registered for that before CREATE DATABASE runs, so no window leaks one.
//
// A DevDatabase is used by one thread at a time. Owns its connections.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "driver/connection.h"
#include "schema/diff.h"
#include "schema/model.h"
#include "source/migration.h"
#include <strata/result.h>
#include <strata/status.h>

namespace strata::api {

// Where dev databases are made.
struct DevTarget {
  schema::Dialect dialect = schema::Dialect::kSqlite;
  // PostgreSQL: the server's URL (dev_url); its database part names only the
  // database strata connects to for CREATE/DROP DATABASE. Unused on SQLite.
  std::string server_url;
  // Which setting server_url came from, for error messages ("--dev-url",
  // "env.dev.dev_url").
  std::string server_setting;
  driver::ConnectOptions connect;
  // Tables never reported by Inspect (strata's own bookkeeping).
  std::vector<std::string> exclude_tables;
};

class DevDatabase {
 public:
  // Creates the database. kInvalidArgument when PostgreSQL has no
  // server_url (the message names --dev-url and dev_url), kDatabase when the
  // server refuses (no CREATEDB privilege, unreachable).
  static Result<std::unique_ptr<DevDatabase>> Create(const DevTarget& target);

  ~DevDatabase();  // drops the database (errors are ignored: nothing to report them to)
  DevDatabase(const DevDatabase&) = delete;
  DevDatabase& operator=(const DevDatabase&) = delete;

  driver::Connection& conn() { return *conn_; }
  // "strata_dev_0123456789abcdef"; "" on SQLite.
  const std::string& name() const { return name_; }

  // Runs one migration's up SQL the way the runner does (engine::ApplyScript).
  // On failure the Status names the file (and line, from the driver).
  Status ApplyUp(const source::Migration& migration);
  // Runs a down file the same way. kNotFound when the migration has none.
  Status ApplyDown(const source::Migration& migration);
  // Every migration's up SQL, in the given (version) order.
  Status ApplyMigrations(const std::vector<source::Migration>& migrations);
  // Loads a .sql file (annotations honoured like a migration's).
  Status ApplyFile(const std::string& path);

  // The schema now in the database, canonical, without exclude_tables.
  Result<schema::Schema> Inspect();

  // Drops now and reports a failure (the destructor then does nothing).
  Status Drop();

 private:
  DevDatabase(DevTarget target, std::string name);
  Status ApplySql(const std::string& sql, const std::string& file);

  DevTarget target_;
  std::string name_;
  std::unique_ptr<driver::Connection> admin_;  // PostgreSQL: connected to server_url
  std::unique_ptr<driver::Connection> conn_;   // the dev database
  bool dropped_ = false;
};

// `url` with its database part (the path after host:port) replaced by
// `database`: postgres://u:p@h:5432/postgres?sslmode=disable ->
// postgres://u:p@h:5432/strata_dev_x?sslmode=disable.
std::string WithDatabase(const std::string& url, const std::string& database);

// Whether `text` is a database URL (sqlite:, postgres://, postgresql://)
// rather than a path.
bool LooksLikeUrl(const std::string& text);

// The dialect of a database URL; kInvalidArgument for anything else.
Result<schema::Dialect> DialectOf(const std::string& url);

}  // namespace strata::api
