// Issue 16 through the CLI: bad input gets a message that says where and what
// to do, a documented exit code, and a refusing command leaves the SQLite
// file byte for byte as it was (content and mtime). NUL bytes and FIFOs are
// in bad_input_test.cc.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness.h"

namespace strata::integration {
namespace {

namespace fs = std::filesystem;

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The bytes of a file and its mtime (to the nanosecond): what "unchanged"
// means for a SQLite database.
struct FileState {
  bool exists = false;
  std::string bytes;
  long long mtime_ns = 0;
  bool operator==(const FileState&) const = default;
};

FileState StateOf(const std::string& path) {
  FileState s;
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return s;
  s.exists = true;
  s.bytes = ReadBytes(path);
  s.mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  return s;
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

bool Contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

class Issue16Test : public EngineTest {
 protected:
  std::string DbPath() const { return dir_.Path("app.db"); }

  void ApplyTwo() {
    Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\n");
    Write("0001_users.down.sql", "DROP TABLE users;\n");
    Write("0002_orders.up.sql", "CREATE TABLE orders (id INTEGER PRIMARY KEY);\n");
    Write("0002_orders.down.sql", "DROP TABLE orders;\n");
    auto up = Strata({"up"});
    ASSERT_EQ(up.exit_code, 0) << up.err;
  }
};

class Issue16SqliteTest : public Issue16Test {};

// ---------------------------------------------------------------------------
// Item 4: a refusing `up` writes nothing. Each kind of refusal, on a SQLite
// file that has migrations applied: exit 6, the reason, and the file's bytes
// and mtime unchanged (the lease row used to be inserted and deleted before
// the check, which changed the header's change counter and the mtime).

struct Refusal {
  const char* name;
  void (*prepare)(const std::string& dir);  // the migrations folder
  std::vector<std::string> args;
  std::vector<std::string> needles;
  int exit_code = 6;  // validation failed (docs/exit-codes.md), an unknown --to too
};

std::vector<Refusal> Refusals() {
  return {
      {"empty file", [](const std::string& dir) { WriteFile(dir + "/0003_empty.up.sql", "-- nothing yet\n"); }, {"up"},
       {"0003_empty.up.sql", "empty migration"}},
      {"modified applied file",
       [](const std::string& dir) { WriteFile(dir + "/0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n"); },
       {"up"},
       {"0001_users", "changed"}},
      {"duplicate version",
       [](const std::string& dir) {
         WriteFile(dir + "/0003_a.up.sql", "CREATE TABLE a (id INTEGER);\n");
         WriteFile(dir + "/003_b.up.sql", "CREATE TABLE b (id INTEGER);\n");
       },
       {"up"},
       {"duplicate", "0003_a.up.sql", "003_b.up.sql"}},
      {"unknown --to", [](const std::string& dir) { WriteFile(dir + "/0003_c.up.sql", "CREATE TABLE c (id INTEGER);\n"); },
       {"up", "--to", "0009"},
       {"--to 0009: no migration has this version"}},
      {"missing applied file",
       [](const std::string& dir) {
         fs::remove(dir + "/0002_orders.up.sql");
         fs::remove(dir + "/0002_orders.down.sql");
         WriteFile(dir + "/0003_c.up.sql", "CREATE TABLE c (id INTEGER);\n");
       },
       {"up"},
       {"0002_orders", "missing"}},
  };
}

TEST_P(Issue16SqliteTest, Issue16RefusingUpLeavesTheFileByteForByte) {
  ApplyTwo();
  for (const auto& refusal : Refusals()) {
    SCOPED_TRACE(refusal.name);
    fs::remove_all(migrations());
    ApplyTwo();  // same files again: already applied, nothing runs
    refusal.prepare(migrations());
    // An mtime one second in the past: a write now would show even on a
    // file system with coarse timestamps.
    struct timespec past[2] = {{::time(nullptr) - 10, 0}, {::time(nullptr) - 10, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, DbPath().c_str(), past, 0), 0);
    FileState before = StateOf(DbPath());
    ASSERT_TRUE(before.exists);
    auto r = Strata(refusal.args);
    EXPECT_EQ(r.exit_code, refusal.exit_code) << r.out << r.err;
    for (const auto& n : refusal.needles) EXPECT_TRUE(Contains(r.err, n)) << "missing '" << n << "' in: " << r.err;
    EXPECT_TRUE(StateOf(DbPath()) == before) << "the database file changed";
    EXPECT_FALSE(fs::exists(DbPath() + "-journal"));
    EXPECT_FALSE(fs::exists(DbPath() + "-wal"));
  }
}

// Runs strata so that it cannot write the database: as `nobody` when the test
// runs as root (root writes through chmod 0444), else with the file 0444.
class ReadOnly {
 public:
  explicit ReadOnly(const std::string& db) : db_(db) {
    if (::geteuid() == 0) {
      prefix_ = {"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"};
    } else {
      ::chmod(db_.c_str(), 0444);
    }
  }
  ~ReadOnly() {
    if (::geteuid() != 0) ::chmod(db_.c_str(), 0644);
  }
  testing::CommandResult Run(std::vector<std::string> args, const std::string& cwd) const {
    std::vector<std::string> argv = prefix_;
    argv.push_back(testing::StrataBin());
    argv.insert(argv.end(), args.begin(), args.end());
    testing::CommandOptions o;
    o.cwd = cwd;
    o.env["NO_COLOR"] = "1";
    o.unset_env = {"DATABASE_URL"};
    return testing::Run(argv, o);
  }

 private:
  std::string db_;
  std::vector<std::string> prefix_;
};

// Items 4 and 5: on a read-only file a refusal is still the refusal (exit 6),
// not "attempt to write a readonly database" from the lock (exit 1); and an
// `up` that has work to do says the database is read-only and what to check.
TEST_P(Issue16SqliteTest, Issue16ReadOnlyDatabase) {
  ApplyTwo();
  if (::geteuid() == 0 && testing::Run({"setpriv", "--version"}).exit_code != 0) {
    GTEST_SKIP() << "running as root (chmod does not stop root writing) and setpriv is not installed";
  }
  Write("0003_empty.up.sql", "-- nothing yet\n");
  FileState before = StateOf(DbPath());
  {
    ReadOnly ro(DbPath());
    auto refused = ro.Run({"up", "--url", url(), "--dir", migrations()}, dir_.path());
    EXPECT_EQ(refused.exit_code, 6) << refused.out << refused.err;
    EXPECT_TRUE(Contains(refused.err, "0003_empty.up.sql")) << refused.err;
    EXPECT_FALSE(Contains(refused.err, "readonly")) << refused.err;

    Write("0003_empty.up.sql", "CREATE TABLE items (id INTEGER);\n");
    auto up = ro.Run({"up", "--url", url(), "--dir", migrations()}, dir_.path());
    EXPECT_EQ(up.exit_code, 1) << up.out << up.err;
    EXPECT_TRUE(Contains(up.err, "sqlite:" + DbPath() + " is read-only")) << up.err;
    EXPECT_TRUE(Contains(up.err, "hint: check the permissions of the file")) << up.err;
    auto json = ro.Run({"up", "--json", "--url", url(), "--dir", migrations()}, dir_.path());
    EXPECT_EQ(json.exit_code, 1);
    auto doc = nlohmann::json::parse(json.out, nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << json.out;
    EXPECT_EQ(doc["error"]["kind"], "io") << json.out;
    EXPECT_TRUE(Contains(doc["error"]["message"].get<std::string>(), "is read-only")) << json.out;
    // status only reads: it works on a read-only file.
    auto status = ro.Run({"status", "--url", url(), "--dir", migrations()}, dir_.path());
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_TRUE(Contains(status.out, "0003")) << status.out;
  }
  EXPECT_TRUE(StateOf(DbPath()) == before) << "the read-only database file changed";
  EXPECT_FALSE(HasTable("items"));
}

// Item 3: a `sqlite3` shell holding BEGIN EXCLUSIVE. strata waits lock_wait
// (1 s here, not SQLite's fixed 30 s), then fails naming lock_wait and the
// holder; the file is untouched; once the shell lets go, `up` works.
TEST_P(Issue16SqliteTest, Issue16LockWaitWithSqlite3HoldingTheFile) {
  if (testing::Run({"sqlite3", "-version"}).exit_code != 0) GTEST_SKIP() << "the sqlite3 shell is not installed";
  ApplyTwo();
  Write("0003_items.up.sql", "CREATE TABLE items (id INTEGER);\n");
  dir_.Write("strata.toml", "[env.dev]\nurl = \"" + url() + "\"\nlock_wait = \"1s\"\n");

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
    ::execlp("sqlite3", "sqlite3", DbPath().c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  std::string cmd = "BEGIN EXCLUSIVE;\nSELECT 'holding';\n";
  ASSERT_EQ(::write(to_child[1], cmd.data(), cmd.size()), static_cast<ssize_t>(cmd.size()));
  std::string got;
  char buf[256];
  while (!Contains(got, "holding")) {
    ssize_t n = ::read(from_child[0], buf, sizeof(buf));
    ASSERT_GT(n, 0) << "sqlite3 exited before taking the lock: " << got;
    got.append(buf, static_cast<size_t>(n));
  }
  FileState before = StateOf(DbPath());

  testing::CommandOptions in_dir;
  in_dir.cwd = dir_.path();
  in_dir.timeout_ms = 60000;
  auto start = std::chrono::steady_clock::now();
  auto r = testing::RunStrata({"up", "--dir", migrations()}, in_dir);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // kLocked: docs/exit-codes.md
  EXPECT_TRUE(Contains(r.err, "database is locked")) << r.err;
  EXPECT_TRUE(Contains(r.err, "(sqlite3)")) << "the holder is not named: " << r.err;
  EXPECT_TRUE(Contains(r.err, "lock_wait = 1 s")) << r.err;
  // It waited lock_wait, and not SQLite's fixed 30 s.
  EXPECT_GE(took, std::chrono::milliseconds(900));
  EXPECT_LT(took, std::chrono::seconds(20));
  auto json = testing::RunStrata({"up", "--json", "--dir", migrations()}, in_dir);
  EXPECT_EQ(json.exit_code, 1);
  auto doc = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << json.out;
  EXPECT_EQ(doc["error"]["kind"], "locked") << json.out;
  EXPECT_TRUE(Contains(doc["error"]["hint"].get<std::string>(), "lock_wait")) << json.out;

  // Release: COMMIT and end the shell.
  std::string commit = "COMMIT;\n.quit\n";
  ASSERT_EQ(::write(to_child[1], commit.data(), commit.size()), static_cast<ssize_t>(commit.size()));
  ::close(to_child[1]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(from_child[0]);
  EXPECT_TRUE(StateOf(DbPath()) == before) << "the locked database file changed";
  auto up = testing::RunStrata({"up", "--dir", migrations()}, in_dir);
  EXPECT_EQ(up.exit_code, 0) << up.err;
  EXPECT_TRUE(HasTable("items"));
}

// Item 5, disk full: an earlier migration caps the file with PRAGMA
// max_page_count (it holds for the connection, so for the rest of the run);
// the next one cannot grow it and gets SQLite's real "database or disk is
// full". The message names the migration, the file and the line, says the
// disk is full and that the migration was rolled back; --json has error.file.
TEST_P(Issue16SqliteTest, Issue16DiskFull) {
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  Write("0002_cap.up.sql", "-- keep the file small\nPRAGMA max_page_count = 20;\n");
  Write("0003_big.up.sql", "CREATE TABLE big (b BLOB);\nINSERT INTO big VALUES (zeroblob(1000000));\n");
  auto r = Strata({"up"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "0003_big.up.sql:2:1: apply 0003_big")) << r.err;
  EXPECT_TRUE(Contains(r.err, "the disk holding sqlite:" + DbPath() + " is full")) << r.err;
  EXPECT_TRUE(Contains(r.err, "the migration was rolled back")) << r.err;
  EXPECT_FALSE(HasTable("big"));
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001:clean", "0002:clean"}));

  fs::remove(DbPath());
  auto json = Strata({"up", "--json"});
  EXPECT_EQ(json.exit_code, 1);
  auto doc = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << json.out;
  const auto& e = doc["error"];
  EXPECT_EQ(e["kind"], "io") << json.out;
  EXPECT_TRUE(e.contains("file") && Contains(e["file"].get<std::string>(), "0003_big.up.sql")) << json.out;
  EXPECT_EQ(e["line"], 2) << json.out;
  EXPECT_TRUE(Contains(e["message"].get<std::string>(), "apply 0003_big")) << json.out;
  EXPECT_TRUE(Contains(e["message"].get<std::string>(), "is full")) << json.out;
}

// Item 5: --url sqlite:DIR names the folder and suggests a file name; no file
// is created in the folder.
TEST_P(Issue16SqliteTest, Issue16UrlIsAFolder) {
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  fs::create_directories(dir_.Path("data"));
  for (const char* cmd : {"up", "status"}) {
    auto r = testing::RunStrata({cmd, "--url", "sqlite:" + dir_.Path("data"), "--dir", migrations()});
    EXPECT_EQ(r.exit_code, 2) << cmd << ": " << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, "sqlite:" + dir_.Path("data") + " is a folder, not a database file")) << r.err;
    EXPECT_TRUE(Contains(r.err, "hint: name a file: sqlite:" + dir_.Path("data") + "/app.db")) << r.err;
  }
  EXPECT_TRUE(fs::is_empty(dir_.Path("data")));
}

// `up --dry-run` on a SQLite file that does not exist yet: it says nothing
// was changed, and indeed leaves no file (it used to leave 0 bytes behind).
TEST_P(Issue16SqliteTest, Issue16DryRunCreatesNoDatabaseFile) {
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  ASSERT_FALSE(fs::exists(DbPath()));
  auto r = Strata({"up", "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "nothing was changed")) << r.out;
  EXPECT_FALSE(fs::exists(DbPath())) << "up --dry-run created the database file";
  EXPECT_FALSE(fs::exists(DbPath() + "-journal"));
}

// `new --help` says what `new` does: in a folder of sequence numbers the next
// number, whatever the default for an empty folder is.
TEST_P(Issue16SqliteTest, Issue16NewHelpSaysWhatNewDoes) {
  auto help = testing::RunStrata({"new", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_TRUE(Contains(help.out, "after sequence numbers (0012_...) it is the next\nnumber (0013)")) << help.out;
  EXPECT_TRUE(Contains(help.out, "--sequence and --timestamp choose only in a folder without migrations yet")) << help.out;
  EXPECT_FALSE(Contains(help.out, "Version by UTC timestamp (the default)")) << help.out;
  Write("0012_last.up.sql", "CREATE TABLE last (id INTEGER);\n");
  auto made = Strata({"new", "add", "x"});
  EXPECT_EQ(made.exit_code, 0) << made.err;
  EXPECT_TRUE(fs::exists(migrations() + "/0013_add_x.up.sql")) << made.out;
  auto forced = Strata({"new", "--timestamp", "add_y"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_TRUE(fs::exists(migrations() + "/0014_add_y.up.sql")) << forced.out;
}

// `strata new` then nothing written: status shows it pending and empty (not
// "No migrations found"), lint counts it and says it is empty, up refuses
// naming it.
TEST_P(Issue16SqliteTest, Issue16NewMigrationIsPendingAndEmpty) {
  dir_.Write("migrations/.keep", "");
  auto made = Strata({"new", "add_x"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto status = Strata({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_FALSE(Contains(status.out, "No migrations found")) << status.out;
  EXPECT_TRUE(Contains(status.out, "add_x  pending (empty)")) << status.out;
  EXPECT_TRUE(Contains(status.out, "0 applied, 1 pending")) << status.out;
  EXPECT_TRUE(Contains(status.out, "1 migration has no SQL yet")) << status.out;
  EXPECT_FALSE(Contains(status.out, "not loaded")) << status.out;
  auto json = Strata({"status", "--json"});
  EXPECT_TRUE(Contains(json.out, "\"empty\": true")) << json.out;
  EXPECT_TRUE(Contains(json.out, "\"kind\": \"empty\"")) << json.out;
  auto lint = Strata({"lint"});
  EXPECT_EQ(lint.exit_code, 0) << lint.err;
  EXPECT_TRUE(Contains(lint.out, "_add_x.up.sql: empty: no SQL yet")) << lint.out;
  EXPECT_TRUE(Contains(lint.out, "OK: no findings in 1 file, 1 empty.")) << lint.out;
  auto up = Strata({"up"});
  EXPECT_EQ(up.exit_code, 6) << up.out << up.err;
  EXPECT_TRUE(Contains(up.err, "_add_x.up.sql: empty migration")) << up.err;
}

INSTANTIATE_TEST_SUITE_P(Engines, Issue16SqliteTest, ::testing::Values("sqlite"), EngineName);

// ---------------------------------------------------------------------------
// Items on both engines.

// `--steps two`: the option, the value, and what is expected; not the
// parser's raw text. Nothing runs.
TEST_P(Issue16Test, Issue16StepsNotANumber) {
  ApplyTwo();
  std::string before = Snapshot();
  for (const char* cmd : {"down"}) {  // the one command with --steps
    auto r = Strata({cmd, "--steps", "two"});
    EXPECT_EQ(r.exit_code, 2) << cmd << ": " << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, "error: --steps: 'two' is not a valid value (expected a whole number)")) << r.err;
    EXPECT_TRUE(Contains(r.err, std::string("strata ") + cmd + " --help")) << r.err;
  }
  EXPECT_EQ(Snapshot(), before);
}

// `strata upp`: an unknown command suggests the nearest one.
TEST_P(Issue16Test, Issue16UnknownCommandSuggests) {
  ApplyTwo();
  std::string before = Snapshot();
  auto r = Strata({"upp"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "unknown command 'upp' (did you mean 'up'?)")) << r.err;
  auto s = Strata({"stauts"});
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_TRUE(Contains(s.err, "(did you mean 'status'?)")) << s.err;
  EXPECT_EQ(Snapshot(), before);
}

// sslmode=require against a server without TLS (the test server has none):
// one clear failure saying the server is up but offers no TLS, not four
// retries ending in "is the server running and reachable?".
TEST_P(Issue16Test, Issue16SslRequiredServerWithoutTls) {
  if (!pg()) GTEST_SKIP() << "SQLite has no TLS";
  ApplyTwo();
  std::string with_ssl = url() + (Contains(url(), "?") ? "&" : "?") + "sslmode=require";
  auto r = testing::RunStrata({"status", "--url", with_ssl, "--dir", migrations()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "does not offer TLS")) << r.err;
  EXPECT_TRUE(Contains(r.err, "sslmode")) << r.err;
  EXPECT_FALSE(Contains(r.err, "attempts")) << "it retried: " << r.err;
  EXPECT_FALSE(Contains(r.err, "reachable")) << r.err;
  auto json = testing::RunStrata({"status", "--json", "--url", with_ssl, "--dir", migrations()});
  auto doc = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << json.out;
  EXPECT_TRUE(Contains(doc["error"]["hint"].get<std::string>(), "does not offer TLS")) << json.out;
}

// The first hour: the shop example is the first thing a user runs, and it
// shows the practice strata preaches: lint-clean on both engines (no error,
// no warning), each finding that portability forces allowed in the file.
TEST_P(Issue16Test, Issue16ShopExampleIsLintClean) {
  testing::CommandOptions o;
  o.cwd = testing::SourceDir() + "/examples/shop";
  std::vector<std::string> args = {"lint", "--json"};
  if (pg()) {
    args = {"--env", "pg", "lint", "--json"};
    o.env["SHOP_PG_URL"] = url();
  }
  auto r = testing::RunStrata(args, o);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto doc = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.out << r.err;
  const auto& summary = doc["summary"];
  EXPECT_EQ(summary["dialect"], pg() ? "postgres" : "sqlite") << r.out;
  EXPECT_EQ(summary["files"], 12) << r.out;
  EXPECT_EQ(summary["errors"], 0) << r.out;
  EXPECT_EQ(summary["warnings"], 0) << r.out;
  for (const auto& f : doc["findings"]) EXPECT_EQ(f["severity"], "info") << f.dump();
  // The example's pg environment names a dev server, which drift, test and
  // diff need.
  EXPECT_TRUE(Contains(ReadBytes(o.cwd + "/strata.toml"), "dev_url = ")) << "examples/shop/strata.toml";
}

INSTANTIATE_TEST_SUITE_P(Engines, Issue16Test, ::testing::Values("sqlite", "postgres"), EngineName);

}  // namespace
}  // namespace strata::integration
