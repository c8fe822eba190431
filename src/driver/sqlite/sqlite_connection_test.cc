// SQLite-only driver behaviour; the shared contract is in driver_conformance_test.cc.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <cstring>

#include "driver/open.h"
#include "driver/sqlite/sqlite_connection.h"
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

TEST(SqliteDriver, BeginWaitsBusyTimeoutThenLocked) {
  strata::testing::TempDir dir;
  std::string url = "sqlite:" + dir.Path("busy.db");
  auto holder = MustOpen(url);
  ConnectOptions impatient;
  impatient.busy_timeout = milliseconds(300);
  auto waiter = MustOpen(url, impatient);
  ASSERT_NE(holder, nullptr);
  ASSERT_NE(waiter, nullptr);
  ASSERT_TRUE(holder->Begin().ok());

  auto start = std::chrono::steady_clock::now();
  Status s = waiter->Begin();
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(s.code(), Code::kLocked) << s.ToString();
  EXPECT_GE(waited, milliseconds(250));
  EXPECT_LT(waited, milliseconds(5000));
  EXPECT_FALSE(waiter->in_transaction());

  ASSERT_TRUE(holder->Commit().ok());
  EXPECT_TRUE(waiter->Begin().ok());
  EXPECT_TRUE(waiter->Rollback().ok());
}

TEST(SqliteDriver, MissingFolderNamesThePath) {
  strata::testing::TempDir dir;
  std::string path = dir.Path("no/such/folder/app.db");
  auto conn = Open("sqlite:" + path, {});
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), Code::kIo);
  EXPECT_NE(conn.status().message().find(path), std::string::npos) << conn.status().ToString();
}

TEST(SqliteDriver, NotADatabaseFailsAtOpen) {
  strata::testing::TempDir dir;
  dir.Write("junk.db", std::string(4096, 'x'));
  auto conn = Open("sqlite:" + dir.Path("junk.db"), {});
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), Code::kDatabase) << conn.status().ToString();
}

TEST(SqliteDriver, MemoryDatabaseAndForeignKeys) {
  auto conn = MustOpen("sqlite::memory:");
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(conn->redacted_url(), "sqlite::memory:");
  auto fk = conn->Query("PRAGMA foreign_keys");
  ASSERT_TRUE(fk.ok());
  EXPECT_EQ(fk->rows.at(0).at(0), "1");
  ASSERT_TRUE(conn->ExecScript("CREATE TABLE parent (id integer PRIMARY KEY);"
                               "CREATE TABLE child (pid integer REFERENCES parent (id));")
                  .ok());
  Status s = conn->ExecScript("INSERT INTO child VALUES (1)");
  EXPECT_EQ(s.code(), Code::kDatabase);
  EXPECT_NE(s.message().find("FOREIGN KEY"), std::string::npos) << s.ToString();
}

std::vector<std::string> TableNames(Connection& conn) {
  std::vector<std::string> names;
  auto rows = conn.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (rows.ok()) {
    for (const auto& row : rows->rows) names.push_back(row.at(0).value_or(""));
  }
  return names;
}

// sqlite3_interrupt stops only a running statement: SQLite clears it when
// the next one starts. A Ctrl-C that lands between two statements of a
// migration must still stop the migration there. SQLite's profile callback
// runs just after a statement finished, before the next is prepared: the
// point where sqlite3_interrupt alone would be lost.
TEST(SqliteDriver, CancelBetweenStatementsStopsTheScriptBeforeTheNext) {
  auto conn = MustOpen("sqlite::memory:");
  ASSERT_NE(conn, nullptr);
  auto* sqlite = dynamic_cast<SqliteConnection*>(conn.get());
  ASSERT_NE(sqlite, nullptr);
  sqlite3_trace_v2(
      sqlite->raw_handle(), SQLITE_TRACE_PROFILE,
      [](unsigned, void* c, void* stmt, void*) {
        const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(stmt));
        if (sql != nullptr && std::strstr(sql, "TABLE a") != nullptr) static_cast<SqliteConnection*>(c)->Cancel();
        return 0;
      },
      sqlite);
  Status s = conn->ExecScript("CREATE TABLE a (x);\nCREATE TABLE b (x);\nCREATE TABLE c (x);\n");
  sqlite3_trace_v2(sqlite->raw_handle(), 0, nullptr, nullptr);
  EXPECT_EQ(s.code(), Code::kDatabase) << s.ToString();
  EXPECT_NE(s.message().find("interrupted"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.line(), 2) << s.ToString();
  EXPECT_EQ(TableNames(*conn), std::vector<std::string>{"a"});

  // A Cancel() while nothing runs is not carried into the next script.
  sqlite->Cancel();
  ASSERT_TRUE(conn->ExecScript("CREATE TABLE d (x);\nCREATE TABLE e (x);\n").ok());
  EXPECT_EQ(TableNames(*conn), (std::vector<std::string>{"a", "d", "e"}));
}

TEST(SqliteDriver, TriggerBodiesRunWhole) {
  auto conn = MustOpen("sqlite::memory:");
  ASSERT_NE(conn, nullptr);
  Status s = conn->ExecScript(
      "CREATE TABLE t (x integer);\n"
      "CREATE TABLE log (x integer);\n"
      "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
      "  INSERT INTO log VALUES (new.x);\n"
      "  INSERT INTO log VALUES (new.x * 10);\n"
      "END;\n"
      "INSERT INTO t VALUES (2);\n");
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto rows = conn->Query("SELECT sum(x) FROM log");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->rows.at(0).at(0), "22");
}

TEST(SqliteDriver, QueryChecksParameterCountAndStatementCount) {
  auto conn = MustOpen("sqlite::memory:");
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(conn->Query("SELECT $1, $2", {std::string("a")}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(conn->Query("SELECT 1; SELECT 2").status().code(), Code::kInvalidArgument);
  auto trailing = conn->Query("SELECT 1; -- fine\n");
  ASSERT_TRUE(trailing.ok()) << trailing.status().ToString();
  EXPECT_EQ(trailing->rows.size(), 1u);
  auto empty = conn->Query("-- nothing");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->rows.empty());
}

TEST(SqliteDriver, SessionUserIsTheOsUser) {
  auto conn = MustOpen("sqlite::memory:");
  ASSERT_NE(conn, nullptr);
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') {
    EXPECT_EQ(conn->session_user(), user);
  } else {
    EXPECT_FALSE(conn->session_user().empty());
  }
}

}  // namespace
}  // namespace strata::driver
