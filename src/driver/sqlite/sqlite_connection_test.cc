// SQLite-only driver behaviour; the shared contract is in driver_conformance_test.cc.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

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
