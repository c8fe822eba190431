#include "sql/literal_insert.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "sql/pg_tree.h"

namespace strata::sql {
namespace {

bool Parses(const std::string& sql) { return ParsedScript::Parse(sql).ok(); }

TEST(LiteralInsertTest, AcceptsSeedDataShapes) {
  std::string table;
  EXPECT_TRUE(IsLiteralInsert("INSERT INTO users VALUES (1, 'ann')", &table));
  EXPECT_EQ(table, "users");
  EXPECT_TRUE(IsLiteralInsert("insert into App.Users (id, name) values (1, 'it''s'), (-2, NULL)", &table));
  EXPECT_EQ(table, "app.users");
  EXPECT_TRUE(IsLiteralInsert("INSERT INTO \"Order Items\" (\"Qty\") VALUES (1.5e-3)", &table));
  EXPECT_EQ(table, "Order Items");
  EXPECT_TRUE(IsLiteralInsert("-- seed\nINSERT /* x */ INTO t VALUES(TRUE,false , .5, 5., 'multi\nline')  -- end"));
  EXPECT_TRUE(IsLiteralInsert("INSERT INTO café VALUES (1)"));
}

TEST(LiteralInsertTest, LeavesEverythingElseToTheParser) {
  for (const char* sql : {
           "INSERT INTO t SELECT * FROM u",
           "INSERT INTO t VALUES (now())",
           "INSERT INTO t VALUES ('1'::int)",
           "INSERT INTO t VALUES (DEFAULT)",
           "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING",
           "INSERT INTO t VALUES (1) RETURNING id",
           "INSERT INTO t VALUES (E'\\n')",
           "INSERT INTO t VALUES ($$x$$)",
           "INSERT INTO t VALUES ('a' 'b')",
           "INSERT INTO t VALUES ('a'\n'b')",
           "INSERT INTO t VALUES (12abc)",
           "INSERT INTO t VALUES (1.2.3)",
           "INSERT INTO t VALUES (1_000)",
           "INSERT INTO t VALUES (- 1)",
           "INSERT INTO t VALUES (1 + 1)",
           "INSERT INTO t VALUES ()",
           "INSERT INTO t VALUES (1",
           "INSERT INTO t VALUES ('open",
           "INSERT INTO t VALUES (1) /* /* nested */ */",
           "INSERT INTO user VALUES (1)",
           "INSERT INTO t (order) VALUES (1)",
           "INSERT INTO \"\" VALUES (1)",
           "INSERT INTO \"a\"\"b\" VALUES (1)",
           "WITH x AS (SELECT 1) INSERT INTO t VALUES (1)",
           "INSERT INTO t VALUES (1); DROP TABLE t",
           "UPDATE t SET a = 1",
           "",
       }) {
    EXPECT_FALSE(IsLiteralInsert(sql)) << sql;
  }
}

TEST(LiteralInsertTest, ReservedKeywordsAreThoseThePostgresGrammarRefusesAsNames) {
  for (const char* word : {"select", "user", "order", "table", "default", "verbose", "concurrently", "join"}) {
    EXPECT_TRUE(IsReservedKeyword(word)) << word;
    EXPECT_FALSE(Parses(std::string("INSERT INTO ") + word + " VALUES (1)")) << word;
  }
  // Non-reserved keywords name tables and columns.
  for (const char* word : {"name", "type", "key", "data", "text", "int", "values", "between", "action", "time"}) {
    EXPECT_FALSE(IsReservedKeyword(word)) << word;
  }
}

// What the scanner accepts, PostgreSQL's grammar parses: random statements
// built from names (keywords of every category among them) and values of
// every kind, some malformed.
TEST(LiteralInsertTest, AcceptedImpliesParsedOnRandomStatements) {
  const std::vector<std::string> names = {
      "t", "users", "\"Mixed Case\"", "app", "name", "type", "key", "data", "text", "int", "integer", "values",
      "between", "time", "timestamp", "char", "row", "set", "insert", "into", "none", "position", "select", "user",
      "order", "table", "where", "grant", "verbose", "left", "is", "é", "_x1", "x$"};
  const std::vector<std::string> values = {
      "1", "-1", "+2.5", ".5", "5.", "1e10", "1E-3", "'a'", "''", "'it''s'", "NULL", "true", "FALSE", "null",
      "'x'::text", "now()", "DEFAULT", "E'x'", "1_0", "--c\n3", "/*c*/4", "'a' 'b'", "- 1", "0x1F", "1.2.3", "1e", "."};
  std::mt19937 rng(20261206);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  int accepted = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string sql = "INSERT INTO " + pick(names);
    if (rng() % 3 == 0) sql += "." + pick(names);
    if (rng() % 2 == 0) {
      sql += " (";
      int cols = 1 + static_cast<int>(rng() % 3);
      for (int c = 0; c < cols; ++c) sql += (c ? ", " : "") + pick(names);
      sql += ")";
    }
    sql += " VALUES ";
    int rows = 1 + static_cast<int>(rng() % 3);
    for (int r = 0; r < rows; ++r) {
      sql += r ? ", (" : "(";
      int cols = 1 + static_cast<int>(rng() % 3);
      for (int c = 0; c < cols; ++c) sql += (c ? ", " : "") + pick(values);
      sql += ")";
    }
    if (IsLiteralInsert(sql)) {
      ++accepted;
      EXPECT_TRUE(Parses(sql)) << sql;
    }
  }
  EXPECT_GT(accepted, 1000);
}

}  // namespace
}  // namespace strata::sql
