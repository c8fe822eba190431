// The bad input matrix (issue 11; every item of issue 16's "Bad input" is a
// row): one table row per kind of bad input, run through the real strata
// binary on a SQLite file and on the test PostgreSQL server where the row
// applies. Each row:
//   - sets up the input on top of a project with two applied migrations
//     (0001_users, 0002_orders): files, strata.toml, the database, a process
//     holding a lock, a full disk, ...;
//   - runs the command, checks the exit code and that stderr has every
//     expected part (the file and line or the setting, and what to do);
//   - runs it again with --json: one valid JSON object on stdout with the
//     documented error.code and error.kind;
//   - checks that nothing changed: every file under the project (content
//     hash, type, mode, mtime, link target) and the database (SQLite: the
//     file's bytes and mtime, no -journal or -wal left; PostgreSQL: a catalog
//     fingerprint and every row of every table). Rows whose command fails
//     while applying (a statement that fails, a full disk) record a failure
//     event on purpose: for them everything but strata_events is compared;
//   - checks that no password appears in any output: on PostgreSQL every row
//     connects with a URL that carries one (a role with a password), and the
//     rows about URLs add their own.
// Test names are Rows/BadInputMatrixTest.Row/<Row>_<engine>, so
//   --gtest_filter='*BadInputMatrix*NulByte*' picks one row.
// docs/reliability.md ("Bad input") lists the rows.
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <thread>
#include <cstring>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "child_process.h"
#include "driver/open.h"
#include "testing/test_support.h"

namespace strata::integration {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

bool Contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void Replace(std::string* s, const std::string& from, const std::string& to) {
  for (size_t at = s->find(from); at != std::string::npos; at = s->find(from, at + to.size())) {
    s->replace(at, from.size(), to);
  }
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

bool IsRoot() { return ::geteuid() == 0; }
bool HaveSetpriv() { return testing::Run({"setpriv", "--version"}).exit_code == 0; }

// ---------------------------------------------------------------------------
// What must not change.

// Every file under `root` (links not followed, FIFOs never opened) except
// `skip` (the SQLite database, compared by bytes): type, mode, mtime, size,
// content hash, link target.
std::map<std::string, std::string> FilesUnder(const std::string& root, const std::string& skip) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::string path = it->path().string();
    if (!skip.empty() && path.rfind(skip, 0) == 0) continue;  // the database and its -journal/-wal
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;
    std::ostringstream d;
    d << std::oct << st.st_mode << std::dec << " mtime=" << st.st_mtim.tv_sec << "." << st.st_mtim.tv_nsec;
    if (S_ISREG(st.st_mode)) {
      d << " size=" << st.st_size << " hash=" << std::hash<std::string>{}(ReadAll(path));
    } else if (S_ISLNK(st.st_mode)) {
      d << " -> " << fs::read_symlink(it->path(), ec).string();
    }
    out[path] = d.str();
  }
  return out;
}

// ---------------------------------------------------------------------------
// The rows.

enum class Engines { kBoth, kSqlite, kPostgres };
enum class Db {
  kUntouched,        // nothing written (SQLite: same bytes and mtime)
  kFailureRecorded,  // a failed apply: only strata_events may differ
  kChanged,          // not a refusal: the row checks what changed
};

class BadInputMatrixTest;

// What a row's setup sees and sets.
struct Env {
  BadInputMatrixTest* t = nullptr;
  std::vector<std::string> args = {"up"};  // the command
  bool with_url = true;                    // append --url URL --dir MIGRATIONS
  std::string url;                         // default: the test database
  std::string db_path;                     // SQLite: the file compared byte for byte
  bool as_nobody = false;                  // run as `nobody` (root ignores file modes)
  testing::CommandOptions options;
  std::vector<std::string> secrets;        // never in any output
  bool ignore_lock_rows = false;           // another runner holds the lease (PostgreSQL)
  std::vector<std::string> needles;        // more expected parts of stderr, for this engine
  std::string kind;                        // --json error.kind for this engine, when it differs
  bool report = false;                     // the command prints a report on stdout (validate): needles there
  std::string db_folder;                   // a folder the database writes into (a tmpfs): not compared
  std::vector<std::function<void()>> cleanup;  // run last, in reverse
  std::string skip;                        // set: the row does not apply here
};

struct Row {
  std::string name;
  Engines engines;
  std::function<void(Env&)> setup;
  int exit_code;
  std::vector<std::string> needles;  // in stderr; {migrations} {dir} {db} {url} are replaced
  std::string kind;                  // --json error.kind; "" for a row that succeeds
  Db db = Db::kUntouched;
  std::function<void(Env&)> after = nullptr;  // extra checks
};

struct Case {
  const Row* row;
  std::string engine;
};

std::vector<Row> Rows();

class BadInputMatrixTest : public ::testing::TestWithParam<Case> {
 public:
  bool pg() const { return GetParam().engine == "postgres"; }
  std::string dir() const { return dir_.path(); }
  std::string Path(const std::string& rel) const { return dir_.Path(rel); }
  std::string migrations() const { return dir_.Path("migrations"); }
  std::string M(const std::string& file) const { return migrations() + "/" + file; }
  void Write(const std::string& file, const std::string& sql) const { dir_.Write("migrations/" + file, sql); }
  void Toml(const std::string& text) const { dir_.Write("strata.toml", text); }
  const std::string& url() const { return url_; }
  const std::string& password() const { return password_; }
  // The server URL's host:port (PostgreSQL).
  std::string HostPort() const {
    std::string server = *testing::PgServerUrl();
    std::string hp = server.substr(server.find('@') + 1);
    return hp.substr(0, hp.find('/'));
  }
  std::string DbName() const { return pg_ ? pg_->name() : ""; }
  // As the role strata connects with.
  std::vector<std::string> Query(const std::string& sql) const { return testing::QueryRows(url_, sql); }
  // As the server's superuser (PostgreSQL: one connection for the whole
  // row, snapshots need many queries) or on the file (SQLite: a connection
  // per query, none stays open while strata runs).
  std::vector<std::string> Admin(const std::string& sql) const {
    if (!pg_) return testing::QueryRows(url_, sql);
    if (!admin_) {
      auto conn = driver::Open(pg_->url(), {});
      if (!conn.ok()) {
        ADD_FAILURE() << conn.status().ToString();
        return {};
      }
      admin_ = std::move(*conn);
    }
    auto rows = admin_->Query(sql);
    if (!rows.ok()) {
      ADD_FAILURE() << sql << ": " << rows.status().ToString();
      return {};
    }
    std::vector<std::string> out;
    for (const auto& row : rows->rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) line += (i ? "|" : "") + (row[i] ? *row[i] : "NULL"s);
      out.push_back(line);
    }
    return out;
  }
  bool HasTable(const std::string& table) const {
    auto rows = Query(pg() ? "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = '" + table + "'"
                           : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'");
    return !rows.empty() && rows[0] == "1";
  }
  std::vector<std::string> Recorded() const {
    return Query("SELECT version || ':' || state FROM strata_migrations ORDER BY version");
  }
  Env& env() { return env_; }

 protected:
  void SetUp() override {
    if (pg()) {
      pg_ = std::make_unique<testing::ScopedPgDatabase>();
      ASSERT_TRUE(pg_->ok());
      url_ = pg_->url();
      // Every PostgreSQL row connects with a password in its URL: a role of
      // our own that owns the database (not on an external server, where
      // creating roles may not be allowed).
      if (!std::getenv("STRATA_TEST_PG_URL")) {
        // One role and one password for every test process: ctest runs
        // rows in parallel processes, and a password set per process would
        // lock the others out. The throwaway server keeps the role.
        password_ = "Mtx-Secr3t-7c1e";
        if (Admin("SELECT count(*) FROM pg_roles WHERE rolname = 'strata_matrix'") != std::vector<std::string>{"1"}) {
          // Another process may create it at the same moment: that is fine.
          auto created = admin_->Query("CREATE ROLE strata_matrix LOGIN PASSWORD '" + password_ + "'");
          if (!created.ok()) {
            EXPECT_NE(created.status().message().find("already exists"), std::string::npos)
                << created.status().ToString();
          }
        }
        Admin("ALTER DATABASE " + pg_->name() + " OWNER TO strata_matrix");
        url_ = "postgres://strata_matrix:" + password_ + "@" + HostPort() + "/" + pg_->name();
      }
    } else {
      url_ = "sqlite:" + dir_.Path("app.db");
    }
    Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\n");
    Write("0001_users.down.sql", "DROP TABLE users;\n");
    Write("0002_orders.up.sql", "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER);\n");
    Write("0002_orders.down.sql", "DROP TABLE orders;\n");
    auto up = testing::RunStrata({"up", "--url", url_, "--dir", migrations()});
    ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
    env_.t = this;
    env_.url = url_;
    if (!pg()) env_.db_path = dir_.Path("app.db");
    if (!password_.empty()) env_.secrets.push_back(password_);
  }

  void TearDown() override {
    for (auto it = env_.cleanup.rbegin(); it != env_.cleanup.rend(); ++it) (*it)();
    env_.cleanup.clear();
    admin_.reset();
  }

 public:
  // Everything a command could have changed, as text (compared as a whole).
  struct State {
    std::map<std::string, std::string> files;
    std::string db_bytes;  // SQLite
    long long db_mtime = 0;
    std::string logical;   // schema and rows
  };

  State Capture(Db mode, bool logical) const {
    State s;
    s.files = FilesUnder(dir(), env_.db_path);
    if (!env_.db_folder.empty()) std::erase_if(s.files, [&](const auto& f) { return f.first.rfind(env_.db_folder, 0) == 0; });
    if (!env_.db_path.empty()) {
      struct stat st {};
      if (::stat(env_.db_path.c_str(), &st) == 0) {
        s.db_bytes = ReadAll(env_.db_path);
        s.db_mtime = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
      }
    }
    if (logical) s.logical = Logical(mode);
    return s;
  }

  // Schema and every row. SQLite through the driver; PostgreSQL a catalog
  // fingerprint (relations with their file nodes, columns, constraints,
  // indexes, functions, the database's settings) and every row of every
  // table in every non-system schema.
  std::string Logical(Db mode) const {
    auto keep = [&](const std::string& table) {
      if (mode == Db::kFailureRecorded && table.find("strata_events") != std::string::npos) return false;
      if (env_.ignore_lock_rows && table.find("strata_lock") != std::string::npos) return false;
      return true;
    };
    std::string out;
    auto add = [&](std::vector<std::string> rows) {
      std::sort(rows.begin(), rows.end());
      for (auto& r : rows) out += r + "\n";
    };
    std::vector<std::string> tables;
    if (!pg()) {
      add(Admin("SELECT type || ':' || name || ':' || coalesce(sql, '') FROM sqlite_master"));
      tables = Admin("SELECT '\"' || name || '\"' FROM sqlite_master WHERE type = 'table'");
    } else {
      const std::string user = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')";
      add(Admin("SELECT c.relkind::text || ' ' || n.nspname || '.' || c.relname || ' ' || c.relfilenode || ' ' || "
                "c.reltablespace FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + user));
      add(Admin("SELECT a.attrelid::regclass || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || "
                "' ' || a.attnotnull FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE a.attnum > 0 AND NOT a.attisdropped AND " + user));
      add(Admin("SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(co.oid) FROM "
                "pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace WHERE " + user));
      add(Admin("SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + user));
      add(Admin("SELECT p.oid::regprocedure || ' ' || md5(coalesce(p.prosrc, '')) FROM pg_proc p JOIN "
                "pg_namespace n ON n.oid = p.pronamespace WHERE " + user));
      add(Admin("SELECT coalesce(array_to_string(setconfig, ','), '') FROM pg_db_role_setting s JOIN pg_database d "
                "ON d.oid = s.setdatabase WHERE d.datname = current_database()"));
      tables = Admin("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = "
                     "c.relnamespace WHERE c.relkind IN ('r', 'p') AND " + user);
    }
    for (const auto& t : tables) {
      if (!keep(t)) continue;
      out += "-- " + t + "\n";
      add(Admin(pg() ? "SELECT x::text FROM " + t + " x" : "SELECT * FROM " + t));
    }
    return out;
  }

  std::string Expand(std::string s) const {
    Replace(&s, "{migrations}", migrations());
    Replace(&s, "{dir}", dir());
    Replace(&s, "{db}", env_.db_path);
    Replace(&s, "{url}", env_.url);
    if (auto it = env_.options.env.find("MATRIX_LINE"); it != env_.options.env.end()) Replace(&s, "{line}", it->second);
    return s;
  }

  testing::CommandResult RunCommand(bool json) const {
    std::vector<std::string> args = env_.args;
    if (env_.with_url) args.insert(args.end(), {"--url", env_.url, "--dir", migrations()});
    if (json) args.push_back("--json");
    testing::CommandOptions o = env_.options;
    if (o.cwd.empty()) o.cwd = dir();
    if (!env_.as_nobody) return testing::RunStrata(args, o);
    std::vector<std::string> argv = {"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                     testing::StrataBin()};
    argv.insert(argv.end(), args.begin(), args.end());
    o.env.emplace("NO_COLOR", "1");
    o.unset_env.push_back("DATABASE_URL");
    o.unset_env.push_back("STRATA_ENV");
    return testing::Run(argv, o);
  }

 protected:
  testing::TempDir dir_;
  std::unique_ptr<testing::ScopedPgDatabase> pg_;
  mutable std::unique_ptr<driver::Connection> admin_;  // closed before the database is dropped
  std::string url_;
  std::string password_;
  Env env_;
};

TEST_P(BadInputMatrixTest, Row) {
  const Row& row = *GetParam().row;
  auto started = std::chrono::steady_clock::now();
  row.setup(env_);
  if (!env_.skip.empty()) GTEST_SKIP() << env_.skip;
  if (HasFatalFailure()) return;
  if (!env_.db_path.empty() && fs::exists(env_.db_path)) {
    // An mtime in the past: a write now shows even on coarse timestamps.
    struct timespec past[2] = {{::time(nullptr) - 10, 0}, {::time(nullptr) - 10, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, env_.db_path.c_str(), past, 0), 0);
  }
  // The logical snapshot reads through a connection, which a row that holds
  // the SQLite file locked does not allow: the bytes say it all there.
  const bool logical = pg() || !env_.ignore_lock_rows;
  State before = Capture(row.db, logical && row.db != Db::kChanged);

  auto check_state = [&](const char* which) {
    if (row.db == Db::kChanged) return;
    State after = Capture(row.db, logical);
    EXPECT_EQ(after.files, before.files) << which << ": files under the project changed";
    if (!env_.db_path.empty()) {
      EXPECT_FALSE(fs::exists(env_.db_path + "-journal")) << which << ": a -journal was left";
      EXPECT_FALSE(fs::exists(env_.db_path + "-wal")) << which << ": a -wal was left";
      if (row.db == Db::kUntouched) {
        EXPECT_TRUE(after.db_bytes == before.db_bytes) << which << ": the database file's bytes changed";
        EXPECT_EQ(after.db_mtime, before.db_mtime) << which << ": the database file was written";
      }
    }
    if (logical) {
      EXPECT_EQ(after.logical, before.logical) << which << ": the database changed";
    }
  };
  auto check_secrets = [&](const testing::CommandResult& r, const char* which) {
    for (const auto& secret : env_.secrets) {
      EXPECT_FALSE(Contains(r.out, secret)) << which << ": a password in stdout: " << r.out;
      EXPECT_FALSE(Contains(r.err, secret)) << which << ": a password in stderr: " << r.err;
    }
  };

  // 1. Text.
  auto text = RunCommand(false);
  EXPECT_EQ(text.signal, 0) << "strata was killed (timeout or crash)";
  EXPECT_EQ(text.exit_code, row.exit_code) << "stdout: " << text.out << "\nstderr: " << text.err;
  std::vector<std::string> needles = row.needles;
  needles.insert(needles.end(), env_.needles.begin(), env_.needles.end());
  for (const auto& n : needles) {
    std::string needle = Expand(n);
    const std::string& stream = env_.report ? text.out : text.err;
    EXPECT_TRUE(Contains(stream, needle)) << "missing '" << needle << "' in: " << stream;
  }
  // A message, not an echo of the input (a 100 MB file must not come back).
  EXPECT_LT(text.err.size(), 4096u) << text.err.substr(0, 4096);
  check_secrets(text, "text");
  check_state("text");

  // 2. --json: one object on stdout, the documented code and kind.
  auto json = RunCommand(true);
  EXPECT_EQ(json.signal, 0) << "strata --json was killed (timeout or crash)";
  EXPECT_EQ(json.exit_code, row.exit_code) << json.out << json.err;
  auto doc = nlohmann::json::parse(json.out, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << "not JSON: " << json.out << "\nstderr: " << json.err;
  const std::string kind = env_.kind.empty() ? row.kind : env_.kind;
  if (!doc.is_discarded() && !kind.empty()) {
    ASSERT_TRUE(doc.is_object() && doc.contains("error")) << json.out;
    const auto& e = doc["error"];
    EXPECT_EQ(e.value("code", -1), row.exit_code) << json.out;
    EXPECT_EQ(e.value("kind", ""), kind) << json.out;
    EXPECT_FALSE(e.value("message", "").empty()) << json.out;
    EXPECT_EQ(json.err, "") << "stderr with --json";
  }
  if (!doc.is_discarded() && env_.report) {
    EXPECT_EQ(doc.value("ok", true), false) << json.out;
  }
  check_secrets(json, "json");
  check_state("json");

  if (row.after) row.after(env_);
  auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  RecordProperty("seconds", std::to_string(took));
}

// ---------------------------------------------------------------------------
// Setups that need more than a file.

// A sqlite3 shell holding BEGIN EXCLUSIVE on the file until cleanup.
void HoldSqliteFile(Env& e) {
  if (testing::Run({"sqlite3", "-version"}).exit_code != 0) {
    e.skip = "the sqlite3 shell is not installed";
    return;
  }
  int to_child[2], from_child[2];
  ASSERT_EQ(::pipe(to_child), 0);
  ASSERT_EQ(::pipe(from_child), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::dup2(to_child[0], 0);
    ::dup2(from_child[1], 1);
    ::close(to_child[1]);
    ::close(from_child[0]);
    ::execlp("sqlite3", "sqlite3", e.db_path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  int in = to_child[1], out = from_child[0];
  e.cleanup.push_back([in, out, pid] {
    std::string quit = "COMMIT;\n.quit\n";
    (void)!::write(in, quit.data(), quit.size());
    ::close(in);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(out);
  });
  std::string cmd = "BEGIN EXCLUSIVE;\nSELECT 'holding';\n";
  ASSERT_EQ(::write(in, cmd.data(), cmd.size()), static_cast<ssize_t>(cmd.size()));
  std::string got;
  char buf[256];
  while (!Contains(got, "holding")) {
    ssize_t n = ::read(out, buf, sizeof(buf));
    ASSERT_GT(n, 0) << "sqlite3 exited before taking the lock: " << got;
    got.append(buf, static_cast<size_t>(n));
  }
}

// Another `strata up` in the middle of a slow migration: it holds the
// migration lock's lease until cleanup kills it.
void HoldPgLease(Env& e) {
  BadInputMatrixTest* t = e.t;
  t->Write("0003_slow.up.sql", "SELECT pg_sleep(60);\n");
  auto holder = std::make_shared<Child>(std::vector<std::string>{testing::StrataBin(), "up", "--url", e.url, "--dir",
                                                                 t->migrations()});
  e.cleanup.push_back([holder] { holder->Kill(); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    auto rows = t->Admin("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()");
    if (!rows.empty() && rows[0] == "1") break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the holder never started its migration";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  e.ignore_lock_rows = true;  // its heartbeat renews the lease
}

// SQLite on a 256 KiB tmpfs (root), else capped with max_page_count in the
// migration itself (which strata's rollback journal does not feel: said in
// docs/reliability.md).
void SqliteDiskFull(Env& e) {
  BadInputMatrixTest* t = e.t;
  std::string mnt = t->Path("small");
  fs::create_directories(mnt);
  bool mounted = IsRoot() && ::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=256k") == 0;
  std::string sql = "CREATE TABLE big (b BLOB);\nINSERT INTO big VALUES (zeroblob(1000000));\n";
  if (mounted) {
    e.cleanup.push_back([mnt] { ::umount2(mnt.c_str(), MNT_DETACH); });
    e.db_folder = mnt;  // the journal comes and goes there
    fs::copy_file(e.db_path, mnt + "/app.db");
    e.db_path = mnt + "/app.db";
    e.url = "sqlite:" + e.db_path;
  } else {
    sql = "PRAGMA max_page_count = 20;\n" + sql;
  }
  e.needles = {"the disk holding sqlite:" + e.db_path + " is full", "the migration was rolled back"};
  t->Write("0003_big.up.sql", sql);
}

// PostgreSQL: the migration writes into a tablespace on a 1 MiB tmpfs.
void PgDiskFull(Env& e) {
  BadInputMatrixTest* t = e.t;
  if (!IsRoot() || std::getenv("STRATA_TEST_PG_URL")) {
    e.skip = "needs root (mount) and the harness's own server (CREATE TABLESPACE)";
    return;
  }
  std::string mnt = t->Path("small");
  fs::create_directories(mnt);
  auto pw = testing::Run({"id", "-u", "postgres"});
  auto gr = testing::Run({"id", "-g", "postgres"});
  std::string opts = "size=1m,mode=0700,uid=" + Trim(pw.out) + ",gid=" + Trim(gr.out);
  ASSERT_EQ(::mount("tmpfs", mnt.c_str(), "tmpfs", 0, opts.c_str()), 0) << std::strerror(errno);
  e.db_folder = mnt;  // the server writes the table's file there
  std::string space = "strata_matrix_small_" + t->DbName();
  e.cleanup.push_back([t, mnt, space] {
    t->Admin("DROP TABLESPACE IF EXISTS " + space);
    ::umount2(mnt.c_str(), MNT_DETACH);
  });
  t->Admin("CREATE TABLESPACE " + space + " LOCATION '" + mnt + "'");
  t->Admin("GRANT CREATE ON TABLESPACE " + space + " TO strata_matrix");
  e.needles = {"{migrations}/0003_big.up.sql:2:", "No space left on device (SQLSTATE 53100)"};
  t->Write("0003_big.up.sql", "CREATE TABLE big (b TEXT) TABLESPACE " + space +
                                  ";\nINSERT INTO big SELECT repeat(md5(i::text), 40) FROM generate_series(1, 5000) i;\n");
}


// A 100 MB data migration (1.1 million one-line INSERTs) whose last
// statements open a string that never closes. Returns the line of the quote.
int WriteHundredMegabytes(const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  out << "CREATE TABLE big (id INTEGER, payload TEXT);\n";
  const std::string payload(60, 'x');
  std::string chunk;
  size_t size = 0;
  int line = 1;
  for (int i = 0; size < 100u * 1024 * 1024; ++i) {
    chunk += "INSERT INTO big VALUES (" + std::to_string(i) + ", '" + payload + "');\n";
    ++line;
    if (chunk.size() > (1 << 20)) {
      size += chunk.size();
      out << chunk;
      chunk.clear();
    }
  }
  out << chunk;
  out << "INSERT INTO big VALUES (-1, 'never closed);\nINSERT INTO big VALUES (-2, NULL);\n";
  return line + 1;
}

const std::string kPending = "CREATE TABLE pending_one (id INTEGER);\n";

std::vector<Row> Rows() {
  using E = Env;
  std::vector<Row> rows = {
      // --- The migration files.
      {"NonUtf8File", Engines::kBoth,
       [](E& e) { e.t->Write("0003_latin1.up.sql", "CREATE TABLE t (id INTEGER);\n-- caf\xe9\n"); }, 6,
       {"{migrations}/0003_latin1.up.sql:2: file is not valid UTF-8", "hint: save the file as UTF-8"}, "validation"},
      {"NulByte", Engines::kBoth,
       [](E& e) { e.t->Write("0003_nul.up.sql", "CREATE TABLE c (id INTEGER);\n\0\nCREATE TABLE d (id INTEGER);\n"s); },
       6, {"{migrations}/0003_nul.up.sql:2: file contains a NUL byte", "hint: remove it"}, "validation"},
      {"EmptyFile", Engines::kBoth, [](E& e) { e.t->Write("0003_empty.up.sql", ""); }, 6,
       {"0003_empty.up.sql: empty migration", "hint: write the SQL to apply, or delete the file"}, "validation"},
      {"OnlyComments", Engines::kBoth,
       [](E& e) { e.t->Write("0003_todo.up.sql", "-- TODO: add the index\n/* later */\n\n"); }, 6,
       {"0003_todo.up.sql: empty migration", "hint: write the SQL to apply, or delete the file"}, "validation"},
      {"UnterminatedString", Engines::kBoth,
       [](E& e) {
         e.t->Write("0003_ok.up.sql", "CREATE TABLE c (id INTEGER);\n");
         e.t->Write("0004_str.up.sql",
                    "CREATE TABLE d (id INTEGER);\nCREATE TABLE e (s TEXT DEFAULT 'abc);\nCREATE TABLE f (id INTEGER);\n");
       },
       6, {"{migrations}/0004_str.up.sql:2:", "0004_str: unterminated quoted string", "hint: close it"},
       "validation"},
      {"UnterminatedQuotedIdentifier", Engines::kBoth,
       [](E& e) { e.t->Write("0003_ident.up.sql", "CREATE TABLE \"d (id INTEGER);\nCREATE TABLE e (id INTEGER);\n"); }, 6,
       {"{migrations}/0003_ident.up.sql:1:14: 0003_ident: unterminated quoted identifier", "hint: close it"},
       "validation"},
      {"UnterminatedDollarQuote", Engines::kPostgres,
       [](E& e) {
         e.t->Write("0003_fn.up.sql",
                    "CREATE TABLE d (id INTEGER);\nCREATE FUNCTION f() RETURNS integer AS $$ SELECT 1;\n"
                    "CREATE TABLE e (id INTEGER);\n");
       },
       6, {"{migrations}/0003_fn.up.sql:2:", "unterminated dollar-quoted string", "hint: close it"}, "validation"},
      // SQLite takes an unterminated /* as a comment to the end of the file:
      // it used to apply 0003 without table e, exit 0.
      {"UnterminatedBlockComment", Engines::kBoth,
       [](E& e) {
         e.t->Write("0003_comment.up.sql",
                    "CREATE TABLE d (id INTEGER);\n/* TODO: re-enable\nCREATE TABLE e (id INTEGER);\n");
       },
       6, {"{migrations}/0003_comment.up.sql:2:1: 0003_comment: unterminated /* comment", "hint: close it"},
       "validation"},
      {"UnterminatedCommentInNoTransactionFile", Engines::kBoth,
       [](E& e) {
         e.t->Write("0003_nt.up.sql", "-- strata:no-transaction\nCREATE TABLE d (id INTEGER);\n/* the rest\n");
       },
       6, {"{migrations}/0003_nt.up.sql:3:1: 0003_nt: unterminated /* comment"}, "validation"},
      {"ValidateReportsUnterminatedComment", Engines::kBoth,
       [](E& e) {
         e.t->Write("0003_comment.up.sql", "CREATE TABLE d (id INTEGER);\n/* TODO: re-enable\nCREATE TABLE e (id INTEGER);\n");
         e.args = {"validate"};
         e.report = true;  // the issues on stdout; --json: the report with "ok": false
       },
       6, {"0003_comment.up.sql:2", "0003_comment: unterminated /* comment", "hint: close it"}, ""},
      {"HundredMegabyteFileWithUnterminatedStringAtTheEnd", Engines::kBoth,
       [](E& e) {
         int line = WriteHundredMegabytes(e.t->M("0003_big.up.sql"));
         e.t->Write("0003_big.down.sql", "DROP TABLE big;\n");
         // The needle with the line: kept in the environment for Expand.
         e.options.env["MATRIX_LINE"] = std::to_string(line);
       },
       6, {"0003_big.up.sql:{line}:29: 0003_big: unterminated quoted string", "hint: close it"}, "validation",
       Db::kUntouched, [](E& e) { EXPECT_FALSE(e.t->HasTable("big")); }},
      {"DuplicateVersions", Engines::kBoth,
       [](E& e) {
         e.t->Write("0003_a.up.sql", "CREATE TABLE a (id INTEGER);\n");
         e.t->Write("003_b.up.sql", "CREATE TABLE b (id INTEGER);\n");
       },
       6, {"duplicate", "0003_a.up.sql", "003_b.up.sql"}, "validation"},
      // Versions are compared as numbers of any length, never parsed into a
      // machine integer: 30 digits neither overflow nor wrap.
      {"VersionOf30DigitsEqualToAnother", Engines::kBoth,
       [](E& e) {
         e.t->Write("0003_a.up.sql", "CREATE TABLE a (id INTEGER);\n");
         e.t->Write("000000000000000000000000000003_b.up.sql", "CREATE TABLE b (id INTEGER);\n");
       },
       6, {"duplicate", "0003_a.up.sql", "000000000000000000000000000003_b.up.sql"}, "validation"},
      {"VersionOf30DigitsIsAppliedInOrder", Engines::kBoth,
       [](E& e) {
         e.t->Write("123456789012345678901234567890_huge.up.sql", "CREATE TABLE huge (id INTEGER);\n");
         e.t->Write("99999999999999999999999999999_less.up.sql", "CREATE TABLE less (id INTEGER);\n");
       },
       0, {}, "", Db::kChanged,
       [](E& e) {
         // Applied in numeric order (29 digits before 30), recorded as written.
         EXPECT_EQ(e.t->Query("SELECT version FROM strata_events WHERE kind = 'apply' ORDER BY id"),
                   (std::vector<std::string>{"0001", "0002", "99999999999999999999999999999",
                                             "123456789012345678901234567890"}));
         EXPECT_EQ(e.t->Query("SELECT count(*) FROM strata_migrations WHERE state = 'clean'"),
                   std::vector<std::string>{"4"});
         EXPECT_TRUE(e.t->HasTable("huge"));
       }},
      {"SymlinkLoop", Engines::kBoth,
       [](E& e) { ASSERT_EQ(::symlink("0003_loop.up.sql", e.t->M("0003_loop.up.sql").c_str()), 0); }, 6,
       {"0003_loop.up.sql: cannot read: Too many levels of symbolic links", "hint: the symbolic link leads back"},
       "validation"},
      {"DanglingSymlink", Engines::kBoth,
       [](E& e) { ASSERT_EQ(::symlink("../elsewhere/gone.sql", e.t->M("0003_gone.up.sql").c_str()), 0); }, 6,
       {"0003_gone.up.sql: symbolic link to a missing file", "hint: point the link at the migration file"},
       "validation"},
      {"UnreadableFile", Engines::kBoth,
       [](E& e) {
         e.t->Write("0003_secret.up.sql", kPending);
         ::chmod(e.t->M("0003_secret.up.sql").c_str(), 0);
         if (IsRoot()) {
           if (!HaveSetpriv()) e.skip = "root reads every file and setpriv is not installed";
           e.as_nobody = true;  // and the SQLite file is read-only to nobody: a write would fail loudly
         }
       },
       6, {"0003_secret.up.sql: cannot read: Permission denied", "hint: make the file readable"}, "validation"},
      {"Fifo", Engines::kBoth,
       [](E& e) {
         ASSERT_EQ(::mkfifo(e.t->M("0003_pipe.up.sql").c_str(), 0644), 0);
         e.options.timeout_ms = 20000;  // a hang is the bug
       },
       6, {"0003_pipe.up.sql: not a regular file (a FIFO)", "hint: a migration must be a regular file"},
       "validation"},
      {"DownFileWithoutUp", Engines::kBoth, [](E& e) { e.t->Write("0003_orphan.down.sql", "DROP TABLE x;\n"); }, 6,
       {"0003_orphan.down.sql"}, "validation"},
      {"FileNameWithoutVersion", Engines::kBoth,
       [](E& e) { e.t->Write("add_stuff.sql", "CREATE TABLE stuff (id INTEGER);\n"); }, 6, {"add_stuff.sql", "no version"},
       "validation"},
      {"BadAnnotation", Engines::kBoth,
       [](E& e) { e.t->Write("0003_x.up.sql", "-- strata:no-transation\nCREATE TABLE d (id INTEGER);\n"); }, 6,
       {"0003_x.up.sql:1: unknown annotation 'strata:no-transation'", "known: no-transaction"}, "validation"},
      {"MigrationsFolderMissing", Engines::kBoth,
       [](E& e) {
         e.with_url = false;
         e.args = {"up", "--url", e.url, "--dir", e.t->Path("nope")};
       },
       1, {"{dir}/nope: migrations directory not found", "hint: run `strata init` or pass --dir"}, "not_found"},
      {"MigrationsFolderIsAFile", Engines::kBoth,
       [](E& e) {
         e.t->Write("../afile", "");
         e.with_url = false;
         e.args = {"up", "--url", e.url, "--dir", e.t->Path("afile")};
       },
       1, {"{dir}/afile: migrations directory is not a directory", "hint:"}, "io"},
      // --- Files and the tracking table disagree.
      {"ModifiedAppliedFile", Engines::kBoth,
       [](E& e) {
         e.t->Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT);\n");
         e.t->Write("0003_more.up.sql", kPending);
       },
       6, {"0001_users was changed after it was applied", "strata repair 0001"}, "checksum_mismatch"},
      {"MissingAppliedFile", Engines::kBoth,
       [](E& e) {
         fs::remove(e.t->M("0002_orders.up.sql"));
         fs::remove(e.t->M("0002_orders.down.sql"));
         e.t->Write("0003_more.up.sql", kPending);
       },
       6, {"0002_orders is applied but its file is missing", "strata repair 0002"}, "validation"},
      {"DirtyMigration", Engines::kBoth,
       [](E& e) {
         e.t->Query("UPDATE strata_migrations SET state = 'dirty' WHERE version = '0002'");
         e.t->Write("0003_more.up.sql", kPending);
       },
       6, {"0002_orders is dirty", "strata repair 0002"}, "dirty"},
      // --- The SQL itself.
      {"StatementFailsMidFile", Engines::kBoth,
       [](E& e) {
         e.t->Write("0003_items.up.sql",
                    "CREATE TABLE items (id INTEGER);\nINSERT INTO items VALUES (1);\nINSERT INTO itemz VALUES (2);\n"
                    "CREATE TABLE after_error (id INTEGER);\n");
       },
       1, {"{migrations}/0003_items.up.sql:3:", "apply 0003_items", "itemz"}, "database", Db::kFailureRecorded,
       [](E& e) {
         EXPECT_FALSE(e.t->HasTable("items"));
         EXPECT_EQ(e.t->Query("SELECT count(*) FROM strata_events WHERE outcome = 'failure' AND version = '0003'"),
                   std::vector<std::string>{"2"});
       }},
      {"CommitInTheMiddle", Engines::kBoth,
       [](E& e) {
         e.t->Write("0003_tx.up.sql",
                    "BEGIN;\nCREATE TABLE d (id INTEGER);\nCOMMIT;\nCREATE TABLE e (id INTEGER);\n");
       },
       6, {"{migrations}/0003_tx.up.sql:3: 0003_tx is a transactional migration with its own transaction control",
           "hint: split the file"},
       "validation"},
      // Not a refusal: a BEGIN ... COMMIT around the whole file is strata's
      // own transaction (docs/guarantees.md).
      {"BeginCommitWrapperIsStratasTransaction", Engines::kBoth,
       [](E& e) { e.t->Write("0003_wrapped.up.sql", "BEGIN;\nCREATE TABLE d (id INTEGER);\nCOMMIT;\n"); }, 0, {}, "",
       Db::kChanged,
       [](E& e) {
         EXPECT_TRUE(e.t->HasTable("d"));
         EXPECT_EQ(e.t->Recorded(), (std::vector<std::string>{"0001:clean", "0002:clean", "0003:clean"}));
       }},
      // --- strata.toml and the environment.
      {"UnsetVariableInConfig", Engines::kBoth,
       [](E& e) {
         e.t->Toml("[env.production]\nurl = \"${STRATA_MATRIX_UNSET}\"\n");
         e.options.unset_env = {"STRATA_MATRIX_UNSET"};
         e.with_url = false;
         e.args = {"up", "--env", "production", "--dir", e.t->migrations()};
       },
       2, {"env.production.url", "STRATA_MATRIX_UNSET"}, "invalid_argument"},
      {"UnknownConfigKey", Engines::kBoth,
       [](E& e) {
         e.t->Toml("[env.dev]\nurl = \"" + e.url + "\"\nlock_wiat = \"1s\"\n");
         e.with_url = false;
         e.args = {"up", "--env", "dev", "--dir", e.t->migrations()};
       },
       2, {"strata.toml:3: env.dev.lock_wiat: unknown setting (did you mean 'lock_wait'?)", "hint: valid keys"},
       "invalid_argument"},
      {"WrongTypeForSetting", Engines::kBoth,
       [](E& e) {
         e.t->Toml("[env.dev]\nurl = \"" + e.url + "\"\nprotected = \"yes\"\n");
         e.with_url = false;
         e.args = {"up", "--env", "dev", "--dir", e.t->migrations()};
       },
       2, {"strata.toml:3: env.dev.protected: expected true or false, got a string"}, "invalid_argument"},
      {"BadDurationSetting", Engines::kBoth,
       [](E& e) {
         e.t->Toml("[env.dev]\nurl = \"" + e.url + "\"\nlock_wait = \"soon\"\n");
         e.with_url = false;
         e.args = {"up", "--env", "dev", "--dir", e.t->migrations()};
       },
       2, {"strata.toml:3: env.dev.lock_wait: bad duration 'soon'", "\"5s\""}, "invalid_argument"},
      {"InvalidTomlSyntax", Engines::kBoth,
       [](E& e) {
         e.t->Toml("[env.dev\nurl = \"" + e.url + "\"\n");
         e.with_url = false;
         e.args = {"up", "--env", "dev", "--dir", e.t->migrations()};
       },
       1, {"strata.toml:1:9:", "hint:"}, "parse"},
      {"UnknownEnvironment", Engines::kBoth,
       [](E& e) {
         e.t->Toml("[env.dev]\nurl = \"" + e.url + "\"\n");
         e.with_url = false;
         e.args = {"up", "--env", "prod", "--dir", e.t->migrations()};
       },
       1, {"unknown environment 'prod'", "dev"}, "not_found"},
      {"NoUrlConfigured", Engines::kBoth,
       [](E& e) {
         e.with_url = false;
         e.args = {"up", "--dir", e.t->migrations()};
       },
       2, {"--url", "strata.toml"}, "invalid_argument"},
      {"ConfigFileMissing", Engines::kBoth,
       [](E& e) {
         e.with_url = false;
         e.args = {"up", "--config", e.t->Path("nope.toml"), "--dir", e.t->migrations()};
       },
       1, {"{dir}/nope.toml"}, "not_found"},
      // --- URLs and connections: passwords in them never reach the output.
      {"BadUrlScheme", Engines::kBoth,
       [](E& e) {
         e.url = "mysql://app:Sch3meSecretPw@db.example.com/app";
         e.secrets.push_back("Sch3meSecretPw");
       },
       2, {"unknown scheme 'mysql'"}, "invalid_argument"},
      {"SqliteUrlIsAFolder", Engines::kSqlite,
       [](E& e) {
         fs::create_directories(e.t->Path("data"));
         e.url = "sqlite:" + e.t->Path("data");
       },
       2, {"sqlite:{dir}/data is a folder, not a database file", "hint: name a file"}, "invalid_argument"},
      // The path cannot be looked up at all: these ended strata with an
      // uncaught std::filesystem exception (exit 134) before.
      {"SqliteUrlThroughASymlinkLoop", Engines::kSqlite,
       [](E& e) {
         ASSERT_EQ(::symlink("loop_b", e.t->Path("loop_a").c_str()), 0);
         ASSERT_EQ(::symlink("loop_a", e.t->Path("loop_b").c_str()), 0);
         e.url = "sqlite:" + e.t->Path("loop_a") + "/app.db";
       },
       1, {"cannot open SQLite database {dir}/loop_a/app.db: Too many levels of symbolic links", "hint: fix the URL's path"},
       "io"},
      {"DiffFromASymlinkLoop", Engines::kSqlite,
       [](E& e) {
         ASSERT_EQ(::symlink("loop_b", e.t->Path("loop_a").c_str()), 0);
         ASSERT_EQ(::symlink("loop_a", e.t->Path("loop_b").c_str()), 0);
         e.t->Write("../desired.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
         e.args = {"diff", "--from", e.t->Path("loop_a"), "--to", e.t->Path("desired.sql")};
       },
       1, {"--from {dir}/loop_a: Too many levels of symbolic links", "hint: give a database URL"}, "io"},
      {"SqliteUrlNameTooLong", Engines::kSqlite,
       [](E& e) { e.url = "sqlite:" + e.t->Path(std::string(300, 'a') + ".db"); }, 1,
       {"File name too long", "hint: fix the URL's path"}, "io"},
      {"UnreachableHost", Engines::kPostgres,
       [](E& e) {
         e.t->Toml("[env.far]\nurl = \"postgres://strata_matrix:Unr3achableSecret@127.0.0.1:1/db\"\n"
                   "connect_retries = 0\n");
         e.secrets.push_back("Unr3achableSecret");
         e.with_url = false;
         e.args = {"up", "--env", "far", "--dir", e.t->migrations()};
       },
       1, {"cannot connect to postgres://strata_matrix:****@127.0.0.1:1/db", "hint:"}, "database"},
      {"WrongPassword", Engines::kPostgres,
       [](E& e) {
         if (e.t->password().empty()) e.skip = "an external server: no role with a password";
         e.url = "postgres://strata_matrix:Wr0ng" + e.t->password() + "@" + e.t->HostPort() + "/" + e.t->DbName();
       },
       1, {"password authentication failed", "strata_matrix:****@", "hint: check the user name and password"},
       "database"},
      {"DatabaseDoesNotExist", Engines::kPostgres,
       [](E& e) {
         std::string pw = e.t->password().empty() ? "" : ":" + e.t->password();
         e.url = "postgres://strata_matrix" + pw + "@" + e.t->HostPort() + "/strata_matrix_no_such_db";
       },
       1, {"database \"strata_matrix_no_such_db\" does not exist", "hint:"}, "database"},
      // --- The database refuses writes, is locked, or is full.
      {"ReadOnlyDatabase", Engines::kBoth,
       [](E& e) {
         e.t->Write("0003_more.up.sql", kPending);
         e.kind = e.t->pg() ? "database" : "io";
         e.needles = e.t->pg() ? std::vector<std::string>{"cannot execute", "read-only transaction",
                                                          "hint: the database is read-only"}
                               : std::vector<std::string>{"sqlite:{db} is read-only", "hint: check the permissions"};
         if (e.t->pg()) {
           e.t->Admin("ALTER DATABASE " + e.t->DbName() + " SET default_transaction_read_only = on");
         } else if (IsRoot()) {
           if (!HaveSetpriv()) e.skip = "root writes every file and setpriv is not installed";
           e.as_nobody = true;
         } else {
           ::chmod(e.db_path.c_str(), 0444);
         }
       },
       1, {"read-only", "hint:"}, "", Db::kUntouched},
      {"LockedLongerThanLockWait", Engines::kBoth,
       [](E& e) {
         e.t->Toml("[env.dev]\nurl = \"" + e.url + "\"\nlock_wait = \"1s\"\n");
         e.with_url = false;
         e.args = {"up", "--env", "dev", "--dir", e.t->migrations()};
         if (e.t->pg()) {
           HoldPgLease(e);
         } else {
           e.t->Write("0003_more.up.sql", kPending);
           e.ignore_lock_rows = true;  // no connection while the file is held: bytes only
           HoldSqliteFile(e);
         }
       },
       1, {"lock_wait = 1 s", "hint:"}, "locked"},
      {"DiskFull", Engines::kBoth,
       [](E& e) {
         e.kind = e.t->pg() ? "database" : "io";
         e.t->pg() ? PgDiskFull(e) : SqliteDiskFull(e);
       },
       1,
       {"{migrations}/0003_big.up.sql", "apply 0003_big", "hint:"}, "", Db::kFailureRecorded,
       [](E& e) { EXPECT_FALSE(e.t->HasTable("big")); }},
      // --- The command line.
      {"UnknownCommand", Engines::kBoth, [](E& e) { e.args = {"upp"}; }, 2,
       {"unknown command 'upp' (did you mean 'up'?)"}, "invalid_argument"},
      {"UnknownFlag", Engines::kBoth, [](E& e) { e.args = {"up", "--bogus"}; }, 2, {"--bogus", "strata up --help"},
       "invalid_argument"},
      {"StepsNotANumber", Engines::kBoth, [](E& e) { e.args = {"down", "--steps", "two"}; }, 2,
       {"--steps: 'two' is not a valid value (expected a whole number)", "strata down --help"}, "invalid_argument"},
      {"UpToUnknownVersion", Engines::kBoth,
       [](E& e) {
         e.t->Write("0003_more.up.sql", kPending);
         e.args = {"up", "--to", "0009"};
       },
       6, {"--to 0009: no migration has this version", "hint: run `strata status`"}, "validation"},
      {"DownToUnknownVersion", Engines::kBoth, [](E& e) { e.args = {"down", "--to", "0009"}; }, 6,
       {"--to 0009: no migration has this version", "hint: run `strata status`"}, "validation"},
  };
  return rows;
}

const std::vector<Row>& AllRows() {
  static const std::vector<Row> rows = Rows();
  return rows;
}

std::vector<Case> Cases() {
  std::vector<Case> out;
  for (const auto& row : AllRows()) {
    if (row.engines != Engines::kPostgres) out.push_back({&row, "sqlite"});
    if (row.engines != Engines::kSqlite) out.push_back({&row, "postgres"});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Rows, BadInputMatrixTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.row->name + "_" + info.param.engine;
                         });

}  // namespace
}  // namespace strata::integration
