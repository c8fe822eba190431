// PostgreSQL-only driver behaviour; the shared contract is in driver_conformance_test.cc.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "config/url.h"
#include "driver/open.h"
#include "testing/test_support.h"

namespace strata::driver {
namespace {

using Code = Status::Code;
using std::chrono::milliseconds;

std::unique_ptr<Connection> MustOpen(const std::string& url, const ConnectOptions& options = {}) {
  auto conn = Open(url, options);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  return conn.ok() ? std::move(*conn) : nullptr;
}

std::string Value0(Connection& conn, const std::string& sql) {
  auto rows = conn.Query(sql);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (!rows.ok() || rows->rows.empty() || !rows->rows[0][0]) return "<none>";
  return *rows->rows[0][0];
}

// postgres://<user>:<password>@<test server host:port>/<db>
std::string ServerUrlAs(const std::string& user, const std::string& password, const std::string& db) {
  auto server = strata::testing::PgServerUrl();
  if (!server) return "";
  auto url = config::ParseUrl(*server);
  if (!url.ok()) return "";
  return "postgres://" + user + ":" + password + "@" + url->host + (url->port.empty() ? "" : ":" + url->port) + "/" +
         db;
}

TEST(PostgresDriver, NoticesAreCollected) {
  strata::testing::ScopedPgDatabase db;
  ASSERT_TRUE(db.ok());
  auto conn = MustOpen(db.url());
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->ExecScript("DO $$ BEGIN RAISE NOTICE 'hi'; END $$;").ok());
  auto notices = conn->TakeNotices();
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_NE(notices[0].find("hi"), std::string::npos) << notices[0];
  EXPECT_TRUE(conn->TakeNotices().empty());
}

TEST(PostgresDriver, CreateIndexConcurrentlyNeedsExecEach) {
  strata::testing::ScopedPgDatabase db;
  ASSERT_TRUE(db.ok());
  auto conn = MustOpen(db.url());
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->ExecScript("CREATE TABLE t (id integer, name text)").ok());
  // In one multi-statement query the statements share an implicit transaction.
  Status script = conn->ExecScript("CREATE INDEX CONCURRENTLY t_id ON t (id);\nSELECT 1;");
  EXPECT_EQ(script.sqlstate(), "25001") << script.ToString();
  Status each = conn->ExecEach(
      "-- strata:no-transaction\n"
      "CREATE INDEX CONCURRENTLY t_id ON t (id);\n"
      "CREATE INDEX CONCURRENTLY t_name ON t (name);\n");
  ASSERT_TRUE(each.ok()) << each.ToString();
  EXPECT_EQ(Value0(*conn, "SELECT count(*) FROM pg_indexes WHERE tablename = 't'"), "2");
}

TEST(PostgresDriver, CommitAfterFailedStatementRollsBackAndSaysSo) {
  strata::testing::ScopedPgDatabase db;
  ASSERT_TRUE(db.ok());
  auto conn = MustOpen(db.url());
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->Begin().ok());
  ASSERT_TRUE(conn->ExecScript("CREATE TABLE kept (id integer)").ok());
  EXPECT_FALSE(conn->ExecScript("SELECT * FROM nope").ok());
  EXPECT_TRUE(conn->in_transaction());
  Status s = conn->Commit();
  EXPECT_EQ(s.code(), Code::kDatabase) << s.ToString();
  EXPECT_FALSE(conn->in_transaction());
  EXPECT_EQ(Value0(*conn, "SELECT to_regclass('kept') IS NULL"), "t");
}

TEST(PostgresDriver, LockTimeoutIsLocked) {
  strata::testing::ScopedPgDatabase db;
  ASSERT_TRUE(db.ok());
  auto holder = MustOpen(db.url());
  auto waiter = MustOpen(db.url());
  ASSERT_NE(holder, nullptr);
  ASSERT_NE(waiter, nullptr);
  ASSERT_TRUE(holder->ExecScript("CREATE TABLE l (id integer)").ok());
  ASSERT_TRUE(holder->Begin().ok());
  ASSERT_TRUE(holder->ExecScript("LOCK TABLE l IN ACCESS EXCLUSIVE MODE").ok());
  ASSERT_TRUE(waiter->Begin().ok());
  ASSERT_TRUE(waiter->SetLocal("lock_timeout", "100ms").ok());
  Status s = waiter->ExecScript("SELECT 1;\nALTER TABLE l ADD COLUMN x integer;");
  EXPECT_EQ(s.code(), Code::kLocked) << s.ToString();
  EXPECT_EQ(s.sqlstate(), "55P03");
  EXPECT_EQ(s.line(), 2);
  EXPECT_TRUE(waiter->Rollback().ok());
  EXPECT_TRUE(holder->Rollback().ok());
  // The setting ended with the transaction.
  EXPECT_EQ(Value0(*waiter, "SHOW lock_timeout"), "0");
}

TEST(PostgresDriver, ErrorPositionCountsCharactersNotBytes) {
  strata::testing::ScopedPgDatabase db;
  ASSERT_TRUE(db.ok());
  auto conn = MustOpen(db.url());
  ASSERT_NE(conn, nullptr);
  // Multi-byte characters before the error, on earlier lines and on its own.
  Status s = conn->ExecScript("SELECT 'ääää';\nSELECT 'ü€', no_such_column;\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.sqlstate(), "42703");
  EXPECT_EQ(s.line(), 2);
  EXPECT_EQ(s.column(), 14) << s.ToString();
}

// A script over 64 KiB goes in pieces of whole statements inside the
// transaction: every statement runs once, in order; an error in a later
// piece names its own line and column (the server's position mapped through
// the piece) and the statement; statements observed count across pieces.
TEST(PostgresDriver, LargeScriptInATransactionRunsInPiecesWithLinesOfTheWholeScript) {
  strata::testing::ScopedPgDatabase db;
  ASSERT_TRUE(db.ok());
  auto conn = MustOpen(db.url());
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->ExecScript("CREATE TABLE big (id integer PRIMARY KEY, note text)").ok());
  std::string script;
  const int rows = 50000;  // ~9 MB: about 140 pieces
  std::string pad(150, 'x');
  for (int i = 1; i <= rows; ++i) {
    script += "INSERT INTO big VALUES (" + std::to_string(i) + ", '" + pad + "ü');\n";
  }
  ASSERT_GT(script.size(), size_t{8} << 20);
  int observed = 0;
  conn->SetStatementObserver([&](int completed) { observed = completed; });
  ASSERT_TRUE(conn->Begin().ok());
  ASSERT_TRUE(conn->ExecScript(script).ok());
  EXPECT_EQ(observed, rows);
  conn->SetStatementObserver({});
  ASSERT_TRUE(conn->Commit().ok());
  EXPECT_EQ(Value0(*conn, "SELECT count(*) FROM big"), std::to_string(rows));
  EXPECT_EQ(Value0(*conn, "SELECT min(id) || '-' || max(id) FROM big"), "1-" + std::to_string(rows));

  // The same script with a bad column on line 45,000 (in the third piece),
  // after multi-byte characters: rolled back as a whole.
  ASSERT_TRUE(conn->ExecScript("TRUNCATE big").ok());
  std::string bad = script;
  std::string line = "INSERT INTO big VALUES (45000, '" + pad + "ü');";
  size_t at = bad.find(line);
  ASSERT_NE(at, std::string::npos);
  bad.replace(at, line.size(), "INSERT INTO big (id, nope) VALUES (45000, 'ü');");
  ASSERT_TRUE(conn->Begin().ok());
  Status s = conn->ExecScript(bad);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.sqlstate(), "42703") << s.ToString();
  EXPECT_EQ(s.line(), 45000) << s.ToString();
  EXPECT_EQ(s.column(), 22) << s.ToString();
  EXPECT_NE(s.ToString().find("INSERT INTO big (id, nope)"), std::string::npos) << s.ToString();
  EXPECT_TRUE(conn->Rollback().ok());
  EXPECT_EQ(Value0(*conn, "SELECT count(*) FROM big"), "0");
}

TEST(PostgresDriver, CopyLeavesTheConnectionUsable) {
  strata::testing::ScopedPgDatabase db;
  ASSERT_TRUE(db.ok());
  auto conn = MustOpen(db.url());
  ASSERT_NE(conn, nullptr);
  // COPY TO STDOUT runs (its data is discarded); COPY FROM STDIN has no data to read.
  ASSERT_TRUE(
      conn->ExecScript("CREATE TABLE c (x integer);\nCOPY (SELECT 1) TO STDOUT;\nINSERT INTO c VALUES (1);").ok());
  Status in = conn->ExecScript("SELECT 1;\nCOPY c FROM STDIN;\n");
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.line(), 2) << in.ToString();
  EXPECT_EQ(conn->Query("COPY c TO STDOUT").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Value0(*conn, "SELECT count(*) FROM c"), "1");
}

TEST(PostgresDriver, ApplicationNameDefaultsAndUrlWins) {
  strata::testing::ScopedPgDatabase db;
  ASSERT_TRUE(db.ok());
  auto conn = MustOpen(db.url());
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(Value0(*conn, "SELECT current_setting('application_name')"), "strata");
  std::string url = db.url() + (db.url().find('?') == std::string::npos ? "?" : "&") + "application_name=mine";
  auto custom = MustOpen(url);
  ASSERT_NE(custom, nullptr);
  EXPECT_EQ(Value0(*custom, "SELECT current_setting('application_name')"), "mine");
}

TEST(PostgresDriver, PasswordIsRedactedInTheUrl) {
  if (std::getenv("STRATA_TEST_PG_URL") != nullptr) GTEST_SKIP() << "role strata_pw exists only on the test server";
  std::string url = ServerUrlAs("strata_pw", "pw-Secr3t!", "postgres");
  ASSERT_FALSE(url.empty());
  auto conn = MustOpen(url);
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(conn->redacted_url().find("pw-Secr3t!"), std::string::npos) << conn->redacted_url();
  EXPECT_NE(conn->redacted_url().find("****"), std::string::npos) << conn->redacted_url();
  EXPECT_EQ(conn->session_user(), "strata_pw");
}

TEST(PostgresDriver, WrongPasswordFailsAtOnceWithoutEitherPassword) {
  if (std::getenv("STRATA_TEST_PG_URL") != nullptr) GTEST_SKIP() << "role strata_pw exists only on the test server";
  std::string url = ServerUrlAs("strata_pw", "wrong-Guess-42", "postgres");
  ASSERT_FALSE(url.empty());
  ConnectOptions options;
  options.connect_retries = 3;
  options.retry_backoff = milliseconds(2000);  // a retry would make this test take seconds
  auto start = std::chrono::steady_clock::now();
  auto conn = Open(url, options);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(conn.ok());
  const Status& s = conn.status();
  EXPECT_EQ(s.code(), Code::kDatabase);
  EXPECT_LT(took, milliseconds(1500));
  std::string all = s.ToString() + " " + s.hint();
  EXPECT_NE(all.find("password authentication failed"), std::string::npos) << all;
  EXPECT_NE(all.find("cannot connect to postgres://strata_pw:****@"), std::string::npos) << all;
  EXPECT_EQ(all.find("wrong-Guess-42"), std::string::npos) << all;
  EXPECT_EQ(all.find("pw-Secr3t!"), std::string::npos) << all;
}

TEST(PostgresDriver, MissingDatabaseIsNotRetried) {
  std::string url = ServerUrlAs("postgres", "x-unused-pw", "strata_no_such_database");
  ASSERT_FALSE(url.empty());
  ConnectOptions options;
  options.retry_backoff = milliseconds(2000);
  auto start = std::chrono::steady_clock::now();
  auto conn = Open(url, options);
  ASSERT_FALSE(conn.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1500));
  EXPECT_NE(conn.status().message().find("does not exist"), std::string::npos) << conn.status().ToString();
}

TEST(PostgresDriver, UnreachableHostIsRetriedThenFails) {
  ConnectOptions options;
  options.connect_retries = 2;
  options.retry_backoff = milliseconds(50);
  auto start = std::chrono::steady_clock::now();
  auto conn = Open("postgres://someone:Hidden-pw-9@127.0.0.1:1/db", options);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(conn.ok());
  const Status& s = conn.status();
  EXPECT_EQ(s.code(), Code::kDatabase);
  EXPECT_GE(took, milliseconds(150));  // waited 50 ms, then 100 ms
  EXPECT_NE(s.message().find("cannot connect to postgres://someone:****@127.0.0.1:1/db"), std::string::npos)
      << s.ToString();
  EXPECT_NE(s.message().find("refused"), std::string::npos) << s.ToString();
  EXPECT_NE(s.hint().find("3 attempts"), std::string::npos) << s.hint();
  EXPECT_EQ((s.ToString() + s.hint()).find("Hidden-pw-9"), std::string::npos);
}

}  // namespace
}  // namespace strata::driver
