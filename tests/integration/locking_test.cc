// Locks and lock timeouts: a stale lease is taken over, a live one makes the
// second runner wait and then fail naming the holder (both engines); on
// PostgreSQL a migration that hits lock_timeout is rolled back and retried;
// the tracking tables can live in their own schema.
#include <strata/migrator.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "driver/open.h"
#include "harness.h"
#include "util/clock.h"

namespace strata::integration {
namespace {

using namespace std::chrono_literals;

class RecordingSink : public EventSink {
 public:
  void OnEvent(const Event& e) override { events.push_back(e); }
  int Count(Event::Kind kind) const {
    int n = 0;
    for (const auto& e : events) n += e.kind == kind;
    return n;
  }
  std::vector<Event> events;
};

class LockingTest : public EngineTest {
 protected:
  std::unique_ptr<Migrator> OpenWith(const std::string& env_settings, EventSink* sink = nullptr) {
    dir_.Write("strata.toml", "[env.test]\nurl = \"" + url() + "\"\n" + env_settings);
    Options options;
    options.config_path = dir_.Path("strata.toml");
    options.dir = migrations();
    auto m = Migrator::Open(options, sink);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? std::move(*m) : nullptr;
  }
  void PlantLease(const std::string& host, int64_t expires_in_ms) {
    Rows("CREATE TABLE IF NOT EXISTS strata_lock (id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL,"
         " host TEXT NOT NULL, pid INTEGER NOT NULL, acquired_at TEXT NOT NULL, expires_at_ms BIGINT NOT NULL)");
    Rows("INSERT INTO strata_lock VALUES (1, 'someone-else', '" + host + "', 4242, '2026-11-22T00:00:00Z', " +
         std::to_string(util::NowUnixMillis() + expires_in_ms) + ")");
  }
};

TEST_P(LockingTest, ExpiredLeaseFromAnotherHostIsTakenOver) {
  Write("0001_a.up.sql", "CREATE TABLE a (id INTEGER);\n");
  PlantLease("other-host.example", -5000);  // expired five seconds ago
  auto m = OpenWith("lock_wait = \"2s\"\n");
  auto r = m->Up({});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(HasTable("a"));
  EXPECT_TRUE(Rows("SELECT * FROM strata_lock").empty());  // released after the run
}

TEST_P(LockingTest, LiveLeaseMakesTheRunnerWaitThenFailNamingTheHolder) {
  Write("0001_a.up.sql", "CREATE TABLE a (id INTEGER);\n");
  PlantLease("other-host.example", 60000);
  RecordingSink sink;
  auto m = OpenWith("lock_wait = \"500ms\"\n", &sink);
  auto start = std::chrono::steady_clock::now();
  auto r = m->Up({});
  ASSERT_FALSE(r.ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 500ms);
  EXPECT_EQ(r.status().code(), Status::Code::kLocked);
  EXPECT_NE(r.status().message().find("other-host.example pid 4242"), std::string::npos) << r.status().ToString();
  EXPECT_EQ(sink.Count(Event::Kind::kLockWaiting), 1);
  EXPECT_FALSE(HasTable("a"));
}

// Regression (issue 11, found by SixteenConcurrentRunners on SQLite): on a
// database without strata's tables yet, a run that found the file
// write-locked by another process for all of lock_wait while it created the
// lock table failed with SQLite's bare "database is locked" instead of the
// documented lock-held error that names lock_wait.
TEST_P(LockingTest, Issue11FileLockedWhileCreatingTheLockTableIsTheLockHeldError) {
  if (pg()) GTEST_SKIP() << "SQLite's database file lock";
  Write("0001_a.up.sql", "CREATE TABLE a (id INTEGER);\n");
  auto holder = driver::Open(url(), {});
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE((*holder)->Begin().ok());
  ASSERT_TRUE((*holder)->ExecScript("CREATE TABLE other (id INTEGER)").ok());
  auto m = OpenWith("lock_wait = \"1s\"\n", nullptr);
  auto r = m->Up({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLocked) << r.status().ToString();
  EXPECT_NE(r.status().message().find("the migration lock is held by another process writing to the database file"),
            std::string::npos)
      << r.status().ToString();
  EXPECT_NE(r.status().message().find("waited lock_wait = 1 s"), std::string::npos) << r.status().ToString();
  ASSERT_TRUE((*holder)->Rollback().ok());
  auto again = m->Up({});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Recorded(), std::vector<std::string>{"0001:clean"});
}

TEST_P(LockingTest, LockTimeoutIsRetriedWithBackoff) {
  if (!pg()) GTEST_SKIP() << "lock_timeout is a PostgreSQL setting";
  Rows("CREATE TABLE busy (id INTEGER)");
  Write("0001_alter.up.sql", "ALTER TABLE busy ADD COLUMN note TEXT;\n");
  // Another session holds an ACCESS EXCLUSIVE lock for 1.5 s.
  auto holder = driver::Open(url(), {});
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE((*holder)->Begin().ok());
  ASSERT_TRUE((*holder)->ExecScript("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE").ok());
  std::thread release([&] {
    std::this_thread::sleep_for(1500ms);
    Status s = (*holder)->Rollback();
    (void)s;
  });
  RecordingSink sink;
  auto m = OpenWith("lock_timeout = \"200ms\"\n", &sink);
  auto r = m->Up({});
  release.join();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GE(sink.Count(Event::Kind::kRetry), 1);
  EXPECT_EQ(Rows("SELECT count(*) FROM information_schema.columns WHERE table_name = 'busy' AND column_name = 'note'"),
            std::vector<std::string>{"1"});
  EXPECT_EQ(Recorded(), std::vector<std::string>{"0001:clean"});
}

// plan --trace on the target runs the migration in a rolled-back
// transaction under lock_timeout; the migration's own SET LOCAL
// lock_timeout = 0 must not make it queue behind another session.
TEST_P(LockingTest, TraceOnTheTargetNeverQueuesBehindTraffic) {
  if (!pg()) GTEST_SKIP() << "the trace is PostgreSQL's";
  Rows("CREATE TABLE busy (id INTEGER)");
  Write("0001_alter.up.sql", "SET LOCAL lock_timeout = 0;\nALTER TABLE busy ADD COLUMN note TEXT;\n");
  auto holder = driver::Open(url(), {});
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE((*holder)->Begin().ok());
  ASSERT_TRUE((*holder)->ExecScript("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE").ok());
  std::atomic<bool> done{false};
  std::thread release([&] {  // without the guard the trace would wait for this
    for (int i = 0; i < 300 && !done; ++i) std::this_thread::sleep_for(100ms);
    Status s = (*holder)->Rollback();
    (void)s;
  });
  auto m = OpenWith("lock_timeout = \"300ms\"\n");
  PlanOptions options;
  options.semantic = false;
  options.trace = true;
  auto start = std::chrono::steady_clock::now();
  auto r = m->Plan(options);
  auto waited = std::chrono::steady_clock::now() - start;
  done = true;
  release.join();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->traced);
  ASSERT_EQ(r->trace.migrations.size(), 1u);
  const auto& statements = r->trace.migrations[0].statements;
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[1].status.rfind("failed: ", 0), 0u) << statements[1].status;
  EXPECT_NE(statements[1].status.find("lock timeout"), std::string::npos) << statements[1].status;
  EXPECT_LT(waited, 20s) << "the trace queued behind the other session";
  EXPECT_EQ(Rows("SELECT count(*) FROM information_schema.columns WHERE table_name = 'busy' AND column_name = 'note'"),
            std::vector<std::string>{"0"});
}

TEST_P(LockingTest, TrackingTablesInTheirOwnSchema) {
  if (!pg()) GTEST_SKIP() << "schemas are a PostgreSQL feature";
  Write("0001_a.up.sql", "CREATE TABLE a (id INTEGER);\n");
  auto m = OpenWith(
      "schema = \"ops\"\ntable = \"schema_history\"\nevents_table = \"schema_events\"\nlock_table = \"schema_lease\"\n");
  ASSERT_TRUE(m->Up({}).ok());
  EXPECT_EQ(Rows("SELECT version FROM ops.schema_history"), std::vector<std::string>{"0001"});
  EXPECT_EQ(Rows("SELECT count(*) FROM ops.schema_events"), std::vector<std::string>{"1"});
  EXPECT_EQ(Rows("SELECT count(*) FROM ops.schema_lease"), std::vector<std::string>{"0"});
  EXPECT_FALSE(HasTable("strata_migrations"));
  EXPECT_FALSE(HasTable("strata_lock"));
  auto status = m->GetStatus();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->summary.applied, 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, LockingTest, ::testing::Values("sqlite", "postgres"), EngineName);

}  // namespace
}  // namespace strata::integration
