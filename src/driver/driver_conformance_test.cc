// One suite, run against every driver: what the engine may rely on whatever
// database it talks to. Dialect-only behaviour lives in
// sqlite/sqlite_connection_test.cc and postgres/postgres_connection_test.cc.
#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>

#include "driver/connection.h"
#include "driver/open.h"
#include "testing/test_support.h"

namespace strata::driver {

// Readable parameter names in test output ("postgres", not "4-byte object").
void PrintTo(Dialect dialect, std::ostream* os) { *os << (dialect == Dialect::kSqlite ? "sqlite" : "postgres"); }

namespace {

using Code = Status::Code;

class DriverConformance : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    if (GetParam() == Dialect::kSqlite) {
      url_ = "sqlite:" + dir_.Path("conformance.db");
    } else {
      pg_ = std::make_unique<strata::testing::ScopedPgDatabase>();
      ASSERT_TRUE(pg_->ok());
      url_ = pg_->url();
    }
  }

  // A new connection to this test's database; nullptr (and a failure) when
  // it cannot be opened.
  std::unique_ptr<Connection> Connect() {
    auto conn = Open(url_, {});
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    return conn.ok() ? std::move(*conn) : nullptr;
  }

  // Every row of `sql` as "a|b", NULL as "NULL".
  std::vector<std::string> Rows(Connection& conn, const std::string& sql) {
    auto rows = conn.Query(sql);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::vector<std::string> out;
    if (!rows.ok()) return out;
    for (const Row& row : rows->rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) line += (i ? "|" : "") + (row[i] ? *row[i] : std::string("NULL"));
      out.push_back(line);
    }
    return out;
  }

  bool pg() const { return GetParam() == Dialect::kPostgres; }

  strata::testing::TempDir dir_;
  std::unique_ptr<strata::testing::ScopedPgDatabase> pg_;
  std::string url_;
};

using V = std::vector<std::string>;

// issue 16: both engines read SQL as a C string and stopped at a NUL, so the
// statements after it were dropped and the script still "succeeded".
TEST_P(DriverConformance, SqlWithANulByteIsRefusedAndNothingRuns) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  using namespace std::string_literals;
  std::string script = "CREATE TABLE c (id integer);\n\0\nCREATE TABLE d (id integer);\n"s;
  for (Status s : {conn->ExecScript(script), conn->ExecEach(script), conn->Query("SELECT 1\0; DROP TABLE x"s).status()}) {
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
    EXPECT_NE(s.message().find("NUL byte"), std::string::npos) << s.ToString();
  }
  Status s = conn->ExecScript(script);
  EXPECT_EQ(s.line(), 2);
  EXPECT_EQ(s.column(), 1);
  auto exists = conn->TableExists("", "c");
  ASSERT_TRUE(exists.ok());
  EXPECT_FALSE(*exists) << "nothing before the NUL may run either";
}

TEST_P(DriverConformance, ExecScriptRunsEveryStatement) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(conn->dialect(), GetParam());
  Status s = conn->ExecScript(
      "-- a migration\n"
      "CREATE TABLE t (id integer PRIMARY KEY, name text);\n"
      "INSERT INTO t VALUES (1, 'a; b');  /* trailing comment */\n"
      "SELECT * FROM t;\n"
      "INSERT INTO t VALUES (2, 'it''s')");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Rows(*conn, "SELECT id, name FROM t ORDER BY id"), (V{"1|a; b", "2|it's"}));
  EXPECT_TRUE(conn->ExecScript("").ok());
  EXPECT_TRUE(conn->ExecScript("-- only a comment\n").ok());
  EXPECT_FALSE(conn->in_transaction());
}

TEST_P(DriverConformance, QueryBindsParametersAndReturnsNulls) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->ExecScript("CREATE TABLE p (id integer, note text)").ok());
  auto ins = conn->Query("INSERT INTO p (id, note) VALUES ($1, $2)", {std::string("7"), std::nullopt});
  ASSERT_TRUE(ins.ok()) << ins.status().ToString();
  EXPECT_TRUE(ins->rows.empty());
  ASSERT_TRUE(conn->Query("INSERT INTO p (id, note) VALUES ($1, $2)", {std::string("8"), std::string("x")}).ok());
  auto rows = conn->Query("SELECT id, note FROM p WHERE id >= $1 ORDER BY id", {std::string("7")});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->columns, (V{"id", "note"}));
  ASSERT_EQ(rows->rows.size(), 2u);
  EXPECT_EQ(rows->rows[0][0], "7");
  EXPECT_EQ(rows->rows[0][1], std::nullopt);
  EXPECT_EQ(rows->rows[1][1], "x");
  // The same parameter twice, and a NULL parameter compared with IS NULL.
  EXPECT_EQ(Rows(*conn, "SELECT count(*) FROM p WHERE note IS NULL"), V{"1"});
  auto same = conn->Query("SELECT count(*) FROM p WHERE id = $1 OR id = $1 - 1", {std::string("8")});
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(same->rows[0][0], "2");
}

TEST_P(DriverConformance, CommitPersistsAndRollbackDiscards) {
  auto conn = Connect();
  auto other = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(conn->ExecScript("CREATE TABLE c (id integer)").ok());

  ASSERT_TRUE(conn->Begin().ok());
  EXPECT_TRUE(conn->in_transaction());
  ASSERT_TRUE(conn->ExecScript("INSERT INTO c VALUES (1)").ok());
  ASSERT_TRUE(conn->Commit().ok());
  EXPECT_FALSE(conn->in_transaction());
  EXPECT_EQ(Rows(*other, "SELECT id FROM c"), V{"1"});

  ASSERT_TRUE(conn->Begin().ok());
  ASSERT_TRUE(conn->ExecScript("INSERT INTO c VALUES (2); CREATE TABLE gone (x integer)").ok());
  ASSERT_TRUE(conn->Rollback().ok());
  EXPECT_FALSE(conn->in_transaction());
  EXPECT_EQ(Rows(*other, "SELECT id FROM c"), V{"1"});
  auto gone = other->TableExists("", "gone");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(*gone);
}

TEST_P(DriverConformance, TransactionMisuseIsInternal) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  EXPECT_TRUE(conn->Rollback().ok());  // no-op without a transaction
  EXPECT_EQ(conn->Commit().code(), Code::kInternal);
  EXPECT_EQ(conn->Savepoint("sp").code(), Code::kInternal);
  ASSERT_TRUE(conn->Begin().ok());
  EXPECT_EQ(conn->Begin().code(), Code::kInternal);
  EXPECT_TRUE(conn->in_transaction());  // the failed nested Begin left the outer one alone
  EXPECT_TRUE(conn->Rollback().ok());
}

TEST_P(DriverConformance, SavepointsRollBackPartOfATransaction) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->ExecScript("CREATE TABLE s (id integer)").ok());
  ASSERT_TRUE(conn->Begin().ok());
  ASSERT_TRUE(conn->ExecScript("INSERT INTO s VALUES (1)").ok());
  ASSERT_TRUE(conn->Savepoint("before_two").ok());
  ASSERT_TRUE(conn->ExecScript("INSERT INTO s VALUES (2)").ok());
  ASSERT_TRUE(conn->RollbackToSavepoint("before_two").ok());
  ASSERT_TRUE(conn->ReleaseSavepoint("before_two").ok());
  ASSERT_TRUE(conn->Savepoint("three").ok());
  ASSERT_TRUE(conn->ExecScript("INSERT INTO s VALUES (3)").ok());
  ASSERT_TRUE(conn->ReleaseSavepoint("three").ok());
  ASSERT_TRUE(conn->Commit().ok());
  EXPECT_EQ(Rows(*conn, "SELECT id FROM s ORDER BY id"), (V{"1", "3"}));
  // A failed statement after a savepoint: rolling back to it saves the rest.
  ASSERT_TRUE(conn->Begin().ok());
  ASSERT_TRUE(conn->Savepoint("sp").ok());
  EXPECT_FALSE(conn->ExecScript("INSERT INTO no_such_table VALUES (1)").ok());
  ASSERT_TRUE(conn->RollbackToSavepoint("sp").ok());
  ASSERT_TRUE(conn->ExecScript("INSERT INTO s VALUES (4)").ok());
  ASSERT_TRUE(conn->Commit().ok());
  EXPECT_EQ(Rows(*conn, "SELECT count(*) FROM s"), V{"3"});
}

TEST_P(DriverConformance, ErrorInThirdStatementGivesLineColumnAndStatement) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  const std::string script =
      "CREATE TABLE e (id integer PRIMARY KEY);\n"
      "INSERT INTO e VALUES (1);\n"
      "\n"
      "-- the next one fails\n"
      "  SELECT id,\n"
      "         missing_column FROM e;\n"
      "INSERT INTO e VALUES (3);\n";
  Status s = conn->ExecScript(script);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kDatabase);
  EXPECT_EQ(s.line(), 6) << s.ToString();
  EXPECT_EQ(s.column(), 10) << s.ToString();  // at "missing_column"
  ASSERT_FALSE(s.context().empty());
  EXPECT_EQ(s.context().front(), "statement: SELECT id, missing_column FROM e");
  EXPECT_NE(s.message().find("missing_column"), std::string::npos) << s.message();
  if (pg()) {
    EXPECT_EQ(s.sqlstate(), "42703");
  }
  // Outside Begin(), SQLite autocommits each statement before the failing
  // one; PostgreSQL runs a multi-statement query in one implicit
  // transaction, so nothing of the script remains.
  auto exists = conn->TableExists("", "e");
  ASSERT_TRUE(exists.ok());
  EXPECT_EQ(*exists, !pg());
}

TEST_P(DriverConformance, MissingTableNamesTheLineAndStatement) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  Status s = conn->ExecScript(
      "CREATE TABLE m (id integer);\n"
      "INSERT INTO m VALUES (1);\n"
      "\n"
      "-- the next one fails\n"
      "  INSERT INTO missing_table\n"
      "    VALUES (2);\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.line(), 5) << s.ToString();
  // PostgreSQL points at the name; SQLite (3.40) gives no offset for an
  // unknown table, so the statement's first token is the best it can say.
  EXPECT_EQ(s.column(), pg() ? 15 : 3) << s.ToString();
  ASSERT_FALSE(s.context().empty());
  EXPECT_EQ(s.context().front(), "statement: INSERT INTO missing_table VALUES (2)");
  if (pg()) {
    EXPECT_EQ(s.sqlstate(), "42P01");
  }
}

TEST_P(DriverConformance, SyntaxErrorPointsAtTheToken) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  Status s = conn->ExecScript("SELECT 1;\nSELECT 'é', 2 FORM x;\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.line(), 2) << s.ToString();
  EXPECT_EQ(s.column(), 20) << s.ToString();  // at "x"; columns count characters: 'é' is one
  if (pg()) {
    EXPECT_EQ(s.sqlstate(), "42601");
  }
}

TEST_P(DriverConformance, RuntimeErrorWithoutPositionNamesTheStatementLine) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  Status s = conn->ExecScript(
      "CREATE TABLE u (id integer PRIMARY KEY);\n"
      "INSERT INTO u VALUES (1);\n"
      "   INSERT INTO u\n"
      "     VALUES (1);\n"
      "INSERT INTO u VALUES (2);\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kDatabase);
  EXPECT_EQ(s.line(), 3) << s.ToString();
  EXPECT_EQ(s.column(), 4) << s.ToString();
  ASSERT_FALSE(s.context().empty());
  EXPECT_EQ(s.context().front(), "statement: INSERT INTO u VALUES (1)");
  if (pg()) {
    EXPECT_EQ(s.sqlstate(), "23505");
  }
}

TEST_P(DriverConformance, ExecEachReportsLikeExecScript) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  Status s = conn->ExecEach(
      "CREATE TABLE x (id integer);\n"
      "INSERT INTO x VALUES (1);\n"
      "INSERT INTO x VALUES (1, 2, 3);\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.line(), 3) << s.ToString();
  ASSERT_FALSE(s.context().empty());
  EXPECT_EQ(s.context().front(), "statement: INSERT INTO x VALUES (1, 2, 3)");
  EXPECT_EQ(Rows(*conn, "SELECT id FROM x"), V{"1"});  // earlier statements are committed
}

TEST_P(DriverConformance, ErrorInsideTransactionThenRollbackLeavesUsableConnection) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->Begin().ok());
  Status s = conn->ExecScript("CREATE TABLE r (id integer);\nINSERT INTO r VALUES ('not a number', 1);\n");
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(conn->in_transaction());
  ASSERT_TRUE(conn->Rollback().ok());
  EXPECT_FALSE(conn->in_transaction());
  EXPECT_EQ(Rows(*conn, "SELECT 1"), V{"1"});
  auto exists = conn->TableExists("", "r");
  ASSERT_TRUE(exists.ok());
  EXPECT_FALSE(*exists);
}

TEST_P(DriverConformance, TableExists) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->ExecScript("CREATE TABLE present (id integer); CREATE VIEW v AS SELECT 1 AS one").ok());
  auto yes = conn->TableExists("", "present");
  auto no = conn->TableExists("", "absent");
  auto view = conn->TableExists("", "v");
  auto qualified = conn->TableExists(pg() ? "public" : "main", "present");
  auto quote = conn->TableExists("", "it's \"odd\"");
  ASSERT_TRUE(yes.ok() && no.ok() && view.ok() && qualified.ok() && quote.ok()) << quote.status().ToString();
  EXPECT_TRUE(*yes);
  EXPECT_FALSE(*no);
  EXPECT_FALSE(*view);
  EXPECT_TRUE(*qualified);
  EXPECT_FALSE(*quote);
  ASSERT_TRUE(conn->ExecScript("CREATE TABLE \"it's \"\"odd\"\"\" (id integer)").ok());
  quote = conn->TableExists("", "it's \"odd\"");
  ASSERT_TRUE(quote.ok());
  EXPECT_TRUE(*quote);
}

TEST_P(DriverConformance, TransactionAdvisoryLockEndsWithTheTransactionOrIsUnsupported) {
  auto a = Connect();
  auto b = Connect();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(a->Begin().ok());
  if (!a->supports_advisory_lock()) {
    EXPECT_EQ(a->TransactionAdvisoryLock(42, false).status().code(), Code::kUnsupported);
    return;
  }
  ASSERT_TRUE(b->Begin().ok());
  auto first = a->TransactionAdvisoryLock(42, false);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(*first);
  auto second = b->TransactionAdvisoryLock(42, false);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  // COMMIT (or ROLLBACK) releases it: nothing outlives the transaction.
  ASSERT_TRUE(a->Commit().ok());
  auto third = b->TransactionAdvisoryLock(42, true);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(*third);
  ASSERT_TRUE(b->Rollback().ok());
  auto held = a->Query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 42 AND database = "
                       "(SELECT oid FROM pg_database WHERE datname = current_database())");
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(held->rows[0][0], "0");
  // Outside a transaction it would be a session lock in disguise: refused.
  EXPECT_EQ(a->TransactionAdvisoryLock(42, false).status().code(), Code::kInternal);
}

TEST_P(DriverConformance, SetLocalEndsWithTheTransactionAndResetSessionUndoesSet) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(conn->Begin().ok());
  ASSERT_TRUE(conn->SetLocal("lock_timeout", "1234ms").ok());
  if (GetParam() == Dialect::kSqlite) {
    ASSERT_TRUE(conn->Commit().ok());
    EXPECT_TRUE(conn->ResetSession().ok());
    auto pooler = conn->DetectPooler();
    ASSERT_TRUE(pooler.ok());
    EXPECT_EQ(*pooler, "");
    return;
  }
  auto inside = conn->Query("SHOW lock_timeout");
  ASSERT_TRUE(inside.ok());
  EXPECT_EQ(inside->rows[0][0], "1234ms");
  ASSERT_TRUE(conn->Commit().ok());
  auto after = conn->Query("SHOW lock_timeout");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->rows[0][0], "0");
  // A migration's plain SET, inside its transaction: ResetSession before
  // COMMIT leaves nothing behind.
  ASSERT_TRUE(conn->Begin().ok());
  ASSERT_TRUE(conn->ExecScript("SET search_path TO nowhere; SET statement_timeout = '7s'").ok());
  ASSERT_TRUE(conn->ResetSession().ok());
  ASSERT_TRUE(conn->Commit().ok());
  auto path = conn->Query("SHOW search_path");
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->rows[0][0], "\"$user\", public");
  auto timeout = conn->Query("SHOW statement_timeout");
  ASSERT_TRUE(timeout.ok());
  EXPECT_EQ(timeout->rows[0][0], "0");
  auto pooler = conn->DetectPooler();
  ASSERT_TRUE(pooler.ok()) << pooler.status().ToString();
  EXPECT_EQ(*pooler, "") << "a direct connection";
}

TEST_P(DriverConformance, SessionUserAndRedactedUrl) {
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  EXPECT_FALSE(conn->session_user().empty());
  EXPECT_FALSE(conn->redacted_url().empty());
  EXPECT_TRUE(conn->TakeNotices().empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, DriverConformance, ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<Dialect>& info) {
                           return info.param == Dialect::kSqlite ? "sqlite" : "postgres";
                         });

TEST(DriverOpen, BadUrlsAreInvalidArgument) {
  for (const char* url : {"", "mysql://localhost/db", "no-scheme", "sqlite:", "postgres://host:99999/db",
                          "postgres://localhost/db?not_a_libpq_option=1"}) {
    auto conn = Open(url, {});
    ASSERT_FALSE(conn.ok()) << url;
    EXPECT_EQ(conn.status().code(), Code::kInvalidArgument) << url << ": " << conn.status().ToString();
  }
}

TEST(DriverQuote, IdentifiersAndLiterals) {
  EXPECT_EQ(QuoteIdent("users"), "\"users\"");
  EXPECT_EQ(QuoteIdent("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(QuoteLiteral("it's"), "'it''s'");
  EXPECT_EQ(QuoteLiteral(""), "''");
}

}  // namespace
}  // namespace strata::driver
