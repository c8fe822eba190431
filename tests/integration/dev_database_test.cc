// The PostgreSQL dev database (strata_dev_<random>) that diff, generate,
// drift, push and test create on the dev_url server: dropped after success,
// after an error and after Ctrl-C (SIGINT) or SIGTERM; no other database on
// the server is ever touched; a clear error without dev_url.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "child_process.h"
#include "harness.h"

namespace strata::integration {
namespace {

using namespace std::chrono_literals;

std::string Server() { return testing::PgServerUrl().value_or(""); }

// The strata_dev_* databases on the server now.
std::set<std::string> DevDatabases() {
  auto rows = testing::QueryRows(Server(), "SELECT datname FROM pg_database WHERE datname LIKE 'strata\\_dev\\_%'");
  return {rows.begin(), rows.end()};
}

class DevDatabaseTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    before_ = DevDatabases();
    Write("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n");
    Write("0001_users.down.sql", "DROP TABLE users;\n");
    dir_.Write("schema.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text);\n");
  }

  testing::CommandResult Run(std::vector<std::string> args) const {
    args.insert(args.end(), {"--dev-url", Server()});
    return Strata(args);
  }

  // No strata_dev_* database is left that was not there before the test.
  // Other strata runs on the same server (tests in parallel) create short-
  // lived ones too, so a new name only counts as left behind when it is
  // still there after a while.
  void ExpectNoDevDatabaseLeft() const {
    std::set<std::string> left;
    auto deadline = std::chrono::steady_clock::now() + 15s;
    do {
      left.clear();
      for (const auto& name : DevDatabases())
        if (!before_.count(name)) left.insert(name);
      if (left.empty()) return;
      std::this_thread::sleep_for(200ms);
    } while (std::chrono::steady_clock::now() < deadline);
    for (const auto& name : left) ADD_FAILURE() << "left behind: " << name;
  }

  // Waits until a session in a dev database runs `query`; false on timeout.
  bool WaitForQuery(const std::string& query, std::chrono::milliseconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto rows = testing::QueryRows(Server(),
                                     "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE 'strata\\_dev\\_%' "
                                     "AND query LIKE '%" + query + "%'");
      if (!rows.empty() && rows[0] != "0") return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  // Starts `strata diff` whose --to file sleeps in a dev database, sends
  // `signo` while it sleeps, and returns the exit code. The sleep carries a
  // marker of its own: tests running in parallel sleep in dev databases too,
  // and signalling our child while it is still starting up (before its
  // handler is installed) would kill it outright.
  int InterruptDiff(int signo) {
    std::string marker = "strata_test_" + std::to_string(::getpid()) + "_" + std::to_string(signo);
    dir_.Write("slow.sql", "CREATE TABLE t (id bigint);\nSELECT '" + marker + "', pg_sleep(30);\n");
    Child child({testing::StrataBin(), "diff", "--url", url(), "--from", migrations(), "--to", dir_.Path("slow.sql"),
                 "--dev-url", Server()},
                {.cwd = dir_.path(), .err_file = ""});
    EXPECT_TRUE(WaitForQuery(marker, 20s)) << "strata never reached the slow statement";
    auto start = std::chrono::steady_clock::now();
    child.Signal(signo);
    int code = child.Wait();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s) << "the signal did not end the sleep";
    return code;
  }

  std::set<std::string> before_;
};

TEST_P(DevDatabaseTest, DroppedAfterSuccess) {
  for (auto args : std::vector<std::vector<std::string>>{{"diff", "--from", migrations(), "--to", dir_.Path("schema.sql")},
                                                         {"generate", "add name"},
                                                         {"up"},
                                                         {"drift"},
                                                         {"test"},
                                                         {"push", "--dry-run"}}) {
    auto r = args[0] == "up" ? Strata(args) : Run(args);  // up uses no dev database
    EXPECT_EQ(r.exit_code, 0) << args[0] << "\n" << r.out << r.err;
    ExpectNoDevDatabaseLeft();
  }
}

TEST_P(DevDatabaseTest, DroppedAfterError) {
  Write("0002_bad.up.sql", "CREATE TABLE t (id bigint);\nCREATE TABLE t (id bigint);\n");
  for (auto args : std::vector<std::vector<std::string>>{{"diff", "--from", migrations(), "--to", dir_.Path("schema.sql")},
                                                         {"generate", "x"},
                                                         {"test"}}) {
    auto r = Run(args);
    EXPECT_EQ(r.exit_code, 1) << args[0] << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find("0002_bad.up.sql:2:1"), std::string::npos) << r.err;
    ExpectNoDevDatabaseLeft();
  }
}

TEST_P(DevDatabaseTest, DroppedOnSigint) {
  EXPECT_EQ(InterruptDiff(SIGINT), 130);
  ExpectNoDevDatabaseLeft();
}

TEST_P(DevDatabaseTest, DroppedOnSigterm) {
  EXPECT_EQ(InterruptDiff(SIGTERM), 128 + SIGTERM);
  ExpectNoDevDatabaseLeft();
}

TEST_P(DevDatabaseTest, NeverTouchesOtherDatabases) {
  // A bystander on the same server, even one whose name looks like ours.
  std::string bystander = "strata_dev_bystander_" + std::to_string(::getpid());
  testing::QueryRows(Server(), "DROP DATABASE IF EXISTS " + bystander);
  testing::QueryRows(Server(), "CREATE DATABASE " + bystander);
  std::string bystander_url = Server().substr(0, Server().rfind('/') + 1) + bystander;
  testing::QueryRows(bystander_url, "CREATE TABLE keep (id integer)");
  // The live database: diff, drift and test only read it.
  testing::QueryRows(url(), "CREATE TABLE live_only (id integer)");
  for (auto args : std::vector<std::vector<std::string>>{{"diff", "--from", migrations(), "--to", dir_.Path("schema.sql")},
                                                         {"test"},
                                                         {"generate", "x"}}) {
    auto r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << "\n" << r.out << r.err;
  }
  EXPECT_EQ(testing::QueryRows(bystander_url, "SELECT count(*) FROM keep"), std::vector<std::string>{"0"});
  EXPECT_EQ(testing::QueryRows(url(), "SELECT count(*) FROM live_only"), std::vector<std::string>{"0"});
  EXPECT_FALSE(HasTable("users"));  // nothing was replayed into the live database
  testing::QueryRows(Server(), "DROP DATABASE IF EXISTS " + bystander + " WITH (FORCE)");
}

TEST_P(DevDatabaseTest, WithoutDevUrlNamesTheSetting) {
  auto r = Strata({"diff", "--from", migrations(), "--to", dir_.Path("schema.sql")});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("PostgreSQL needs a dev database server"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--dev-url"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("dev_url"), std::string::npos) << r.err;
}

TEST_P(DevDatabaseTest, DevUrlPasswordIsNeverPrinted) {
  // The test server's role with a password (tests/support/pg_server).
  std::string server = Server();
  std::string with_password = "postgres://strata_pw:pw-Secr3t!@" + server.substr(server.find('@') + 1);
  auto r = Strata({"diff", "--from", migrations(), "--to", dir_.Path("schema.sql"), "--dev-url", with_password});
  EXPECT_EQ(r.out.find("pw-Secr3t"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("pw-Secr3t"), std::string::npos) << r.err;
  ExpectNoDevDatabaseLeft();
}

// The dev database lifecycle only exists on PostgreSQL (SQLite's is in memory).
INSTANTIATE_TEST_SUITE_P(Postgres, DevDatabaseTest, ::testing::Values("postgres"), EngineName);

}  // namespace
}  // namespace strata::integration
