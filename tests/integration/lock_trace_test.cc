// Every row of the lock table (src/sql/lock_rows_data.inc), checked against
// PostgreSQL itself: the row's example runs on the trace fixture, in a
// transaction that is rolled back, under the same tracer `strata plan
// --trace` uses (api/lock_trace.h). A row whose locks, rewrite or scan
// PostgreSQL does not confirm fails here, naming what differs.
//
// Rows that PostgreSQL refuses inside a transaction block (CONCURRENTLY,
// VACUUM) are traced from outside: another session holds ACCESS EXCLUSIVE on
// the table, the statement queues behind it, and pg_locks shows the mode it
// waits for; VACUUM FULL's rewrite shows as a new file once it is done.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "api/lock_trace.h"
#include "driver/open.h"
#include "sql/lint.h"
#include "sql/lock_rows.h"
#include "testing/test_support.h"

namespace strata::integration {
namespace {

using sql::LockRow;

std::unique_ptr<driver::Connection> Connect(const std::string& url) {
  auto conn = driver::Open(url, {});
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  return conn.ok() ? std::move(*conn) : nullptr;
}

// One database with the fixture for every in-transaction row (each runs in a
// transaction that is rolled back, so they cannot disturb each other).
class LockTraceTest : public ::testing::TestWithParam<LockRow> {
 protected:
  static void SetUpTestSuite() {
    db_ = new testing::ScopedPgDatabase();
    auto conn = Connect(db_->url());
    if (conn) {
      Status s = conn->ExecScript(std::string(sql::LockTraceFixture()));
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
  }
  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
  }
  static testing::ScopedPgDatabase* db_;
};
testing::ScopedPgDatabase* LockTraceTest::db_ = nullptr;

// The prediction for `example`, with the fixture as an applied migration.
std::vector<sql::StatementInfo> Predict(std::string_view example) {
  auto infos = sql::AnalyzePostgresMigrations({{sql::LockTraceFixture(), false}, {example, false}});
  EXPECT_TRUE(infos.size() == 2 && infos[1].ok());
  return infos.size() == 2 && infos[1].ok() ? *infos[1] : std::vector<sql::StatementInfo>{};
}

TEST_P(LockTraceTest, PostgreSQLConfirmsTheRow) {
  const LockRow& row = GetParam();
  if (row.example.empty()) {
    GTEST_SKIP() << row.id << " is not traced: " << row.untraced;
  }
  if (!row.transaction) GTEST_SKIP() << row.id << ": traced from outside (NoTransactionRows)";
  ASSERT_TRUE(db_ != nullptr && db_->ok());
  auto conn = Connect(db_->url());
  ASSERT_TRUE(conn);
  std::vector<sql::StatementInfo> predicted = Predict(row.example);
  ASSERT_EQ(predicted.size(), 1u);
  auto tracer = api::LockTracer::Begin(*conn, "5s");
  ASSERT_TRUE(tracer.ok()) << tracer.status().ToString();
  api::TraceInput input{"0001", std::string(row.id), "example.sql", row.example, false, &predicted};
  TraceMigration m = (*tracer)->Trace(input);
  ASSERT_TRUE((*tracer)->Rollback().ok());
  ASSERT_EQ(m.statements.size(), 1u);
  const TraceStatement& st = m.statements[0];
  EXPECT_EQ(st.status, "traced") << row.id << ": " << row.example;
  std::string mismatches;
  for (const auto& x : st.mismatches) mismatches += "  " + x + "\n";
  EXPECT_TRUE(st.mismatches.empty()) << row.id << " (" << row.example << "):\n" << mismatches;
  // Something was checked: each row that claims a lock, rewrite or scan on an
  // existing relation had it confirmed.
  bool claims = row.rewrite || row.scan;
  for (const auto& l : row.locks) claims = claims || l.mode != sql::LockMode::kNone;
  if (claims && !(row.locks[0].target == sql::LockTarget::kRead && predicted[0].locks.empty())) {
    EXPECT_GT(st.confirmed, 0) << row.id << ": nothing confirmed";
  }
}

INSTANTIATE_TEST_SUITE_P(Rows, LockTraceTest, ::testing::ValuesIn(sql::LockRows()), [](const auto& info) {
  std::string name(info.param.id);
  for (char& c : name) {
    if (c == '.' || c == '-') c = '_';
  }
  return name;
});

// The weakest mode that conflicts with `mode` (PostgreSQL's conflict table):
// a session holding it makes a statement that asks for `mode` wait, while
// the weaker locks it takes first (ACCESS SHARE to look the table up) pass.
std::string WeakestConflicting(sql::LockMode mode) {
  switch (mode) {
    case sql::LockMode::kAccessShare: return "ACCESS EXCLUSIVE";
    case sql::LockMode::kRowShare: return "EXCLUSIVE";
    case sql::LockMode::kRowExclusive: return "SHARE";
    case sql::LockMode::kShareUpdateExclusive: return "SHARE UPDATE EXCLUSIVE";
    case sql::LockMode::kShare:
    case sql::LockMode::kShareRowExclusive: return "ROW EXCLUSIVE";
    case sql::LockMode::kExclusive: return "ROW SHARE";
    default: return "ACCESS SHARE";
  }
}

// The statements PostgreSQL runs only outside a transaction block: the mode
// each waits for on its table while another session holds the weakest lock
// that conflicts with the predicted one.
TEST(LockTraceNoTransaction, EveryRowWaitsForItsMode) {
  testing::ScopedPgDatabase db;
  ASSERT_TRUE(db.ok());
  auto setup = Connect(db.url());
  ASSERT_TRUE(setup);
  ASSERT_TRUE(setup->ExecScript(std::string(sql::LockTraceFixture())).ok());
  int traced = 0;
  for (const LockRow& row : sql::LockRows()) {
    if (row.transaction || row.example.empty()) continue;
    SCOPED_TRACE(std::string(row.id));
    std::vector<sql::StatementInfo> predicted = Predict(row.example);
    ASSERT_EQ(predicted.size(), 1u);
    ASSERT_FALSE(predicted[0].locks.empty());
    const sql::RelationLock& first = predicted[0].locks[0];
    auto holder = Connect(db.url());
    auto runner = Connect(db.url());
    auto watcher = Connect(db.url());
    ASSERT_TRUE(holder && runner && watcher);
    auto filenode = [&] {
      auto r = watcher->Query("SELECT pg_relation_filenode('" + first.relation + "')::text");
      return r.ok() && !r->rows.empty() && r->rows[0][0] ? *r->rows[0][0] : std::string();
    };
    std::string file_before = filenode();
    auto pid = runner->Query("SELECT pg_backend_pid()::text");
    ASSERT_TRUE(pid.ok());
    std::string runner_pid = *pid->rows[0][0];
    ASSERT_TRUE(holder->Begin().ok());
    ASSERT_TRUE(holder->ExecScript("LOCK TABLE " + first.relation + " IN " + WeakestConflicting(first.mode) + " MODE").ok());
    std::atomic<bool> done{false};
    Status run_status;
    std::thread t([&] {
      run_status = runner->ExecScript(std::string(row.example));
      done = true;
    });
    std::string waited;
    for (int i = 0; i < 200 && waited.empty() && !done; ++i) {
      auto w = watcher->Query("SELECT mode FROM pg_locks WHERE pid = " + runner_pid +
                              " AND locktype = 'relation' AND NOT granted AND relation = '" + first.relation +
                              "'::regclass");
      if (w.ok() && !w->rows.empty() && w->rows[0][0]) waited = *w->rows[0][0];
      if (waited.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(holder->Rollback().ok());
    t.join();
    EXPECT_TRUE(run_status.ok()) << run_status.ToString();
    std::string want = std::string(sql::ToString(first.mode));
    std::string got;
    for (char c : waited) {
      if (!got.empty() && std::isupper(static_cast<unsigned char>(c))) got += ' ';
      got += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (got.size() > 5 && got.compare(got.size() - 5, 5, " LOCK") == 0) got.resize(got.size() - 5);
    EXPECT_EQ(got, want) << row.example;
    if (row.rewrite) {
      EXPECT_NE(filenode(), file_before) << row.id << ": no new file";
    }
    if (!row.rewrite && row.locks[0].target == sql::LockTarget::kTable) {
      EXPECT_EQ(filenode(), file_before) << row.id << ": a new file";
    }
    ++traced;
  }
  EXPECT_GE(traced, 6);
}

}  // namespace
}  // namespace strata::integration
