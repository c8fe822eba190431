// The strata binary as separate processes: SIGKILL at several points, and
// sixteen runners at once. Afterwards the tracking table must agree with the
// schema, and the next `up` must finish (or name the dirty migration).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <chrono>
#include <functional>
#include <thread>

#include "child_process.h"
#include "harness.h"

namespace strata::integration {
namespace {

using namespace std::chrono_literals;

class ProcessTest : public EngineTest {
 protected:
  // A statement that keeps the database busy for roughly `ms` milliseconds.
  std::string Slow(int ms) const {
    if (pg()) return "SELECT pg_sleep(" + std::to_string(ms / 1000.0) + ");\n";
    // SQLite has no sleep: count through a recursive CTE (~2.5M rows/s here).
    return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " + std::to_string(ms * 2500) +
           ") SELECT max(x) FROM c;\n";
  }

  std::vector<std::string> UpArgv() const {
    return {testing::StrataBin(), "up", "--url", url(), "--dir", migrations()};
  }

  // Polls until `version` is recorded clean or `timeout` passes.
  bool WaitRecorded(const std::string& version, std::chrono::milliseconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      for (const auto& r : Recorded())
        if (r == version + ":clean" || r == version + ":dirty") return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  // Sessions on this test's database running pg_sleep.
  static constexpr const char* kSleepers =
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' "
      "AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()";

  bool WaitFor(std::chrono::milliseconds timeout, const std::function<bool()>& done) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  void InterruptDuringLongStatement(int signo);

  // Every table t<N> exists exactly when migration N is recorded.
  void ExpectTrackingMatchesSchema(int n) const {
    auto recorded = Recorded();
    for (int i = 1; i <= n; ++i) {
      char version[16];
      std::snprintf(version, sizeof version, "%04d", i);
      bool has_row = std::find(recorded.begin(), recorded.end(), std::string(version) + ":clean") != recorded.end();
      EXPECT_EQ(HasTable("t" + std::to_string(i)), has_row) << "migration " << version;
    }
  }
};

TEST_P(ProcessTest, KillDuringLongStatementLeavesNoHalfAppliedMigration) {
  Write("0001_t1.up.sql", "CREATE TABLE t1 (id INTEGER);\n");
  Write("0002_t2.up.sql", "CREATE TABLE t2 (id INTEGER);\nINSERT INTO t2 VALUES (1);\n" + Slow(4000) +
                              "INSERT INTO t2 VALUES (2);\n");
  Write("0003_t3.up.sql", "CREATE TABLE t3 (id INTEGER);\n");
  {
    Child up(UpArgv());
    ASSERT_TRUE(WaitRecorded("0001", 20s));
    std::this_thread::sleep_for(500ms);  // inside 0002's long statement
    EXPECT_TRUE(up.Kill()) << "up finished before it could be killed";
  }
  EXPECT_EQ(Recorded(), std::vector<std::string>{"0001:clean"});
  EXPECT_FALSE(HasTable("t2"));
  Write("0002_t2.up.sql", "CREATE TABLE t2 (id INTEGER);\n");  // a shorter version, so the test is quick
  auto r = Strata({"repair"});  // accepts nothing: 0002 was never applied
  auto up = Strata({"up"});
  EXPECT_EQ(up.exit_code, 0) << up.out << up.err;
  ExpectTrackingMatchesSchema(3);
  EXPECT_EQ(Recorded().size(), 3u);
}

TEST_P(ProcessTest, KillBetweenMigrationsAtManyPointsKeepsTrackingConsistent) {
  const int n = 12;
  for (int i = 1; i <= n; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "%04d_t%d.up.sql", i, i);
    Write(name, "CREATE TABLE t" + std::to_string(i) + " (id INTEGER);\n" + Slow(60));
  }
  for (int delay_ms : {150, 260, 370, 480}) {
    Child up(UpArgv());
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    up.Kill();
    ExpectTrackingMatchesSchema(n);
  }
  auto up = Strata({"up"});
  EXPECT_EQ(up.exit_code, 0) << up.out << up.err;
  ExpectTrackingMatchesSchema(n);
  EXPECT_EQ(Recorded().size(), static_cast<size_t>(n));
}

TEST_P(ProcessTest, KillDuringNoTransactionMigrationLeavesItDirty) {
  Write("0001_t1.up.sql", "CREATE TABLE t1 (id INTEGER);\n");
  Write("0002_nt.up.sql", "-- strata:no-transaction\nCREATE TABLE half (id INTEGER);\n" + Slow(4000) +
                              "CREATE TABLE other_half (id INTEGER);\n");
  {
    Child up(UpArgv());
    ASSERT_TRUE(WaitRecorded("0002", 20s));
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(up.Kill());
  }
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001:clean", "0002:dirty"}));
  auto again = Strata({"up"});
  EXPECT_EQ(again.exit_code, 6) << again.out << again.err;
  EXPECT_NE(again.err.find("0002_nt is dirty"), std::string::npos) << again.err;
  auto status = Strata({"status"});
  EXPECT_NE(status.out.find("dirty"), std::string::npos) << status.out;
  // The operator undoes the half-done work and asks for a retry.
  EXPECT_TRUE(HasTable("half"));
  Rows("DROP TABLE half");
  Write("0002_nt.up.sql", "-- strata:no-transaction\nCREATE TABLE half (id INTEGER);\nCREATE TABLE other_half (id INTEGER);\n");
  auto repair = Strata({"repair", "--retry", "0002"});
  EXPECT_EQ(repair.exit_code, 0) << repair.out << repair.err;
  auto up = Strata({"up"});
  EXPECT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001:clean", "0002:clean"}));
  EXPECT_TRUE(HasTable("other_half"));
}

// Regression (issue 11, found by SixteenConcurrentRunners): a no-transaction
// migration is recorded dirty while it runs, and a second `up` that started
// meanwhile read that row before taking the lock and refused with exit 6
// ("is dirty"), failing a deploy whose runners start together. It must wait
// for the lock like any other runner and then find nothing to do.
TEST_P(ProcessTest, Issue11UpStartedDuringAnotherRunsNoTransactionMigrationWaitsInsteadOfRefusing) {
  Write("0001_nt.up.sql", "-- strata:no-transaction\nCREATE TABLE a (id INTEGER);\n" + Slow(3000) +
                              "CREATE TABLE b (id INTEGER);\n");
  Child first(UpArgv());
  ASSERT_TRUE(WaitRecorded("0001", 20s));
  ASSERT_EQ(Recorded(), std::vector<std::string>{"0001:dirty"}) << "the first run finished too early to test";
  auto second = Strata({"up"});
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_EQ(first.Wait(), 0);
  EXPECT_EQ(Recorded(), std::vector<std::string>{"0001:clean"});
  EXPECT_TRUE(HasTable("b"));
  EXPECT_EQ(Rows("SELECT count(*) FROM strata_events WHERE kind = 'apply'"), std::vector<std::string>{"1"});
}

// Ctrl-C (or SIGTERM) during a long statement: the statement is cancelled on
// the server at once (no backend left running it), the migration rolls back,
// the failure is recorded, later migrations do not start, the lock is free
// and strata exits 130 (143).
void ProcessTest::InterruptDuringLongStatement(int signo) {
  Write("0001_t1.up.sql", "CREATE TABLE t1 (id INTEGER);\n");
  Write("0002_t2.up.sql", "CREATE TABLE t2 (id INTEGER);\nINSERT INTO t2 VALUES (1);\n" + Slow(60000));
  Write("0003_t3.up.sql", "CREATE TABLE t3 (id INTEGER);\n");
  std::string err_file = dir_.Path("up.err");
  {
    Child up(UpArgv(), {.cwd = "", .err_file = err_file});
    ASSERT_TRUE(WaitRecorded("0001", 20s));
    if (pg()) {
      ASSERT_TRUE(WaitFor(20s, [&] { return Rows(kSleepers) != std::vector<std::string>{"0"}; }));
    } else {
      std::this_thread::sleep_for(500ms);  // inside 0002's long statement
    }
    auto start = std::chrono::steady_clock::now();
    up.Signal(signo);
    EXPECT_EQ(up.Wait(), 128 + signo);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 15s) << "the statement ran on after the signal";
  }
  std::string err = dir_.Read("up.err");
  EXPECT_NE(err.find("interrupted: cancelling the running migration"), std::string::npos) << err;
  EXPECT_NE(err.find("0002_t2.up.sql:3:1: interrupted: apply 0002_t2"), std::string::npos) << err;
  EXPECT_NE(err.find(pg() ? "canceling statement due to user request" : "interrupted\n"), std::string::npos) << err;
  EXPECT_EQ(Recorded(), std::vector<std::string>{"0001:clean"});
  EXPECT_FALSE(HasTable("t2"));
  EXPECT_FALSE(HasTable("t3"));
  if (pg()) {
    EXPECT_EQ(Rows(kSleepers), std::vector<std::string>{"0"});
  }
  EXPECT_EQ(Rows("SELECT version FROM strata_events WHERE outcome = 'failure'"), std::vector<std::string>{"0002"});
  // Nothing is left locked: the next run goes on at once.
  Write("0002_t2.up.sql", "CREATE TABLE t2 (id INTEGER);\n");
  auto again = Strata({"up"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001:clean", "0002:clean", "0003:clean"}));
}

TEST_P(ProcessTest, CtrlCCancelsTheRunningStatementAndRollsBack) { InterruptDuringLongStatement(SIGINT); }

TEST_P(ProcessTest, SigtermCancelsTheRunningStatementAndRollsBack) { InterruptDuringLongStatement(SIGTERM); }

// 16 `strata up` at once on one database, STRATA_CONCURRENT_ROUNDS rounds
// (CI: 2; the long run's figures are in docs/reliability.md), each round on a
// fresh database. Transactional and no-transaction migrations alike each
// insert a row into `runs`, a table the application had before; none is
// idempotent (a second apply fails on CREATE TABLE). lock_wait is short, so
// on a slow machine some runners give up: every process must exit 0, or 1
// with the documented "lock held ... lock_wait" error, and nothing else.
TEST_P(ProcessTest, SixteenConcurrentRunnersApplyEachMigrationOnce) {
  const char* env = std::getenv("STRATA_CONCURRENT_ROUNDS");
  const int rounds = env && *env ? std::atoi(env) : 2;
  const int runners = 16;
  const int n = 12;
  for (int i = 1; i <= n; ++i) {
    char name[32];
    bool nt = i % 3 == 0;
    std::snprintf(name, sizeof name, "%04d_%s%d.up.sql", i, nt ? "nt" : "t", i);
    std::string v = std::to_string(i);
    Write(name, std::string(nt ? "-- strata:no-transaction\n" : "") + "CREATE TABLE t" + v + " (id INTEGER);\nINSERT INTO t" +
                    v + " VALUES (" + v + ");\nINSERT INTO runs (version) VALUES (" + v + ");\n" + Slow(20));
  }
  int exit0 = 0, lock_held = 0;
  double slowest = 0;
  for (int round = 0; round < rounds; ++round) {
    // A fresh database per round.
    std::unique_ptr<testing::ScopedPgDatabase> db;
    std::string url;
    if (pg()) {
      db = std::make_unique<testing::ScopedPgDatabase>();
      ASSERT_TRUE(db->ok());
      url = db->url();
    } else {
      url = "sqlite:" + dir_.Path("round" + std::to_string(round) + ".db");
    }
    auto rows = [&](const std::string& sql) { return testing::QueryRows(url, sql); };
    rows("CREATE TABLE runs (version INTEGER NOT NULL)");
    dir_.Write("strata.toml", "dir = \"migrations\"\ndefault_env = \"t\"\n[env.t]\nurl = \"" + url +
                                   "\"\nlock_wait = \"2s\"\n");
    auto start = std::chrono::steady_clock::now();
    std::vector<std::unique_ptr<Child>> children;
    for (int i = 0; i < runners; ++i) {
      children.push_back(std::make_unique<Child>(std::vector<std::string>{testing::StrataBin(), "up"},
                                                 ChildOptions{.cwd = dir_.path(), .err_file = dir_.Path("err" + std::to_string(i))}));
    }
    for (int i = 0; i < runners; ++i) {
      int code = children[static_cast<size_t>(i)]->Wait();
      std::string err = dir_.Read("err" + std::to_string(i));
      if (code == 0) {
        ++exit0;
      } else if (code == 1 && err.find("the migration lock is held by") != std::string::npos &&
                 err.find("waited lock_wait = 2 s") != std::string::npos) {
        ++lock_held;
      } else {
        ADD_FAILURE() << "round " << round << ", runner " << i << " exited " << code << ": " << err;
      }
    }
    slowest = std::max(slowest, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    // Whoever held the lock applied everything; each exactly once.
    auto recorded = rows("SELECT version || ':' || state FROM strata_migrations ORDER BY version");
    ASSERT_EQ(recorded.size(), static_cast<size_t>(n)) << "round " << round;
    for (const auto& r : recorded) EXPECT_EQ(r.substr(4), ":clean") << "round " << round;
    auto runs = rows("SELECT version, count(*) FROM runs GROUP BY version ORDER BY version");
    ASSERT_EQ(runs.size(), static_cast<size_t>(n)) << "round " << round;
    for (int i = 1; i <= n; ++i) {
      EXPECT_EQ(runs[static_cast<size_t>(i - 1)], std::to_string(i) + "|1") << "round " << round;
      EXPECT_EQ(rows("SELECT count(*) FROM t" + std::to_string(i)), std::vector<std::string>{"1"}) << "round " << round;
    }
    auto applies = rows("SELECT version, count(*) FROM strata_events WHERE kind = 'apply' AND outcome = 'success'"
                        " GROUP BY version ORDER BY version");
    ASSERT_EQ(applies.size(), static_cast<size_t>(n));
    for (const auto& a : applies) EXPECT_EQ(a.substr(a.find('|')), "|1") << a;
    EXPECT_EQ(rows("SELECT count(*) FROM strata_events WHERE kind = 'apply' AND outcome = 'failure'"),
              std::vector<std::string>{"0"});
    // Nothing left locked: no lease row, no advisory lock.
    EXPECT_EQ(rows("SELECT count(*) FROM strata_lock"), std::vector<std::string>{"0"}) << "round " << round;
    if (pg()) {
      EXPECT_EQ(rows("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = "
                     "'advisory' AND d.datname = current_database()"),
                std::vector<std::string>{"0"});
    }
  }
  std::printf("concurrent: %s, %d rounds x %d runners x %d migrations: %d exit 0, %d lock held after lock_wait; "
              "slowest round %.1f s\n",
              GetParam().c_str(), rounds, runners, n, exit0, lock_held, slowest);
}

INSTANTIATE_TEST_SUITE_P(Engines, ProcessTest, ::testing::Values("sqlite", "postgres"), EngineName);

}  // namespace
}  // namespace strata::integration
