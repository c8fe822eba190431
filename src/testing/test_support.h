// Test-only helpers shared by every test binary: temporary directories, the
// test PostgreSQL server, and running the real strata binary.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace strata::testing {

// A fresh directory under $TMPDIR, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // path()/rel
  std::string Path(const std::string& rel) const { return path_ + "/" + rel; }
  // Writes a file (creating parent folders).
  void Write(const std::string& rel, const std::string& content) const;
  std::string Read(const std::string& rel) const;

 private:
  std::string path_;
};

// URL of the test PostgreSQL server: $STRATA_TEST_PG_URL, else the URL the
// CTest fixture wrote to $STRATA_TEST_PG_URL_FILE. nullopt when neither
// exists (tests then fail with a message saying how to provide one).
std::optional<std::string> PgServerUrl();

// A new, empty database on the test server, dropped on destruction.
class ScopedPgDatabase {
 public:
  ScopedPgDatabase();  // ADD_FAILURE()s when the server is unreachable
  // The same on another server (e.g. a ScopedPgServer's url()).
  explicit ScopedPgDatabase(const std::string& server_url);
  ~ScopedPgDatabase();
  ScopedPgDatabase(const ScopedPgDatabase&) = delete;
  ScopedPgDatabase& operator=(const ScopedPgDatabase&) = delete;
  bool ok() const { return !url_.empty(); }
  const std::string& url() const { return url_; }  // postgres://.../strata_test_<pid>_<n>
  const std::string& name() const { return name_; }

 private:
  void Init(const std::string& server_url);
  std::string server_url_;
  std::string name_;
  std::string url_;
};

struct CommandResult;

// A PostgreSQL server of the test's own, started by tests/support/pg_server
// (the script the CTest fixture uses) in a fresh directory and stopped on
// destruction: for tests that restart or stop the server, which they must
// not do to the server every other test shares. ok() is false with
// skip_reason() set when $STRATA_TEST_PG_URL names a server (that one is not
// ours to restart) or the server binaries are missing.
class ScopedPgServer {
 public:
  ScopedPgServer();
  ~ScopedPgServer();
  ScopedPgServer(const ScopedPgServer&) = delete;
  ScopedPgServer& operator=(const ScopedPgServer&) = delete;
  bool ok() const { return !url_.empty(); }
  const std::string& skip_reason() const { return skip_reason_; }
  const std::string& url() const { return url_; }  // postgres://postgres@127.0.0.1:PORT/postgres
  // `pg_ctl restart -m immediate`: every backend ends at once without a
  // checkpoint, and the server recovers from its WAL. Returns the script's
  // result (exit 0 once the server accepts connections again).
  CommandResult RestartImmediate() const;

 private:
  std::string base_;
  std::string skip_reason_;
  std::string url_;
};

// A real PgBouncer (Debian `pgbouncer`) in transaction pooling mode in front
// of the test PostgreSQL server, on a free loopback port, stopped on
// destruction. As root it runs as `postgres` (PgBouncer refuses root).
// ok() is false with skip_reason() set when pgbouncer is not installed.
class ScopedPgBouncer {
 public:
  explicit ScopedPgBouncer(int pool_size = 4);
  ~ScopedPgBouncer();
  ScopedPgBouncer(const ScopedPgBouncer&) = delete;
  ScopedPgBouncer& operator=(const ScopedPgBouncer&) = delete;
  bool ok() const { return port_ > 0; }
  const std::string& skip_reason() const { return skip_reason_; }
  // `direct_url` (a database on the test server) as reached through the pooler.
  std::string Through(const std::string& direct_url) const;
  int port() const { return port_; }

 private:
  std::string dir_;
  std::string skip_reason_;
  int port_ = 0;
};

struct CommandResult {
  int exit_code = -1;   // -1 when killed by a signal
  int signal = 0;       // the signal that ended it, or 0
  std::string out;
  std::string err;
};

struct CommandOptions {
  std::string cwd;                               // "" = current
  std::map<std::string, std::string> env;        // added to (or overriding) the environment
  std::vector<std::string> unset_env;            // removed from the environment
  std::string stdin_data;                        // fed to standard input
  int timeout_ms = 120000;                       // SIGKILL after this
};

// Runs argv (argv[0] searched in PATH) and waits.
CommandResult Run(const std::vector<std::string>& argv, const CommandOptions& options = {});

// Path of the strata binary under test ($STRATA_BIN).
std::string StrataBin();
// Source tree root ($STRATA_SOURCE_DIR).
std::string SourceDir();
// Runs the strata binary with `args`; NO_COLOR is set, DATABASE_URL unset.
CommandResult RunStrata(const std::vector<std::string>& args, const CommandOptions& options = {});

// Runs one SQL statement on `url` through the strata driver and returns the
// rows as text ("NULL" for NULL), one string per row, columns joined by '|'.
// ADD_FAILURE()s and returns {} on error.
std::vector<std::string> QueryRows(const std::string& url, const std::string& sql);

}  // namespace strata::testing
