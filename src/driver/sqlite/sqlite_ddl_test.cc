#include "driver/sqlite/sqlite_ddl.h"

#include <gtest/gtest.h>

namespace strata::driver::sqlite_ddl {
namespace {

using Kind = Token::Kind;

TEST(SqliteDdl, TokenizesQuotesCommentsAndBlobs) {
  auto t = Tokenize("a \"b \"\"c\"\"\" [d e] `f` 'g''h' x'0A' -- c\n/* x */ 1.5e-3 (");
  ASSERT_EQ(t.size(), 8u);
  EXPECT_EQ(t[0].kind, Kind::kWord);
  EXPECT_EQ(t[1].kind, Kind::kQuotedIdent);
  EXPECT_EQ(t[1].value, "b \"c\"");
  EXPECT_EQ(t[2].value, "d e");
  EXPECT_EQ(t[3].value, "f");
  EXPECT_EQ(t[4].kind, Kind::kString);
  EXPECT_EQ(t[4].value, "g'h");
  EXPECT_EQ(t[5].kind, Kind::kString);
  EXPECT_EQ(t[5].text, "x'0A'");
  EXPECT_EQ(t[6].kind, Kind::kNumber);
  EXPECT_EQ(t[6].text, "1.5e-3");
  EXPECT_TRUE(t[7].IsPunct('('));
}

TEST(SqliteDdl, UnterminatedInputNeverFails) {
  EXPECT_EQ(Tokenize("'abc").size(), 1u);
  EXPECT_EQ(Tokenize("\"abc").size(), 1u);
  EXPECT_EQ(Tokenize("[abc").size(), 1u);
  EXPECT_EQ(Tokenize("a /* never closed").size(), 1u);
  EXPECT_FALSE(ParseCreateTable("CREATE TABLE t (a INT").ok());
  EXPECT_FALSE(ParseCreateTable("CREATE TABLE t AS SELECT 1").ok());
  EXPECT_FALSE(ParseCreateIndex("CREATE INDEX i ON t").ok());
}

// Every truncation of a definition (what a corrupt or hand-edited
// sqlite_schema could hold) parses or fails cleanly, never crashes.
TEST(SqliteDdl, EveryPrefixIsSafe) {
  const std::string table =
      "CREATE TABLE \"t x\" (id INTEGER PRIMARY KEY AUTOINCREMENT, s TEXT DEFAULT 'a(' COLLATE NOCASE "
      "CHECK (s <> ')'), g AS (id * 2) STORED, r INT CONSTRAINT f REFERENCES p (id) DEFERRABLE "
      "INITIALLY DEFERRED, CONSTRAINT c CHECK (r > 0), FOREIGN KEY (g) REFERENCES q) WITHOUT ROWID, STRICT";
  const std::string index = "CREATE UNIQUE INDEX i ON t (lower(a) COLLATE NOCASE DESC, b) WHERE a > 'x'";
  for (size_t n = 0; n <= table.size(); ++n) (void)ParseCreateTable(table.substr(0, n));
  for (size_t n = 0; n <= index.size(); ++n) (void)ParseCreateIndex(index.substr(0, n));
  for (size_t n = 0; n <= table.size(); ++n) (void)Normalize(table.substr(0, n));
}

TEST(SqliteDdl, NormalizeFoldsWhitespaceAndDropsComments) {
  EXPECT_EQ(Normalize("  CREATE VIEW v AS\n\tSELECT  'a  b' -- x\n FROM t /* y */ ;  "),
            "CREATE VIEW v AS SELECT 'a  b' FROM t");
  EXPECT_EQ(Normalize("lower(x)"), "lower(x)");
}

TEST(SqliteDdl, ParsesWhatThePragmasDoNotSay) {
  auto t = ParseCreateTable(
      "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, s TEXT COLLATE NOCASE DEFAULT 'CHECK (x)',"
      " g AS (id * 2) STORED, r INT REFERENCES p DEFERRABLE INITIALLY DEFERRED,"
      " CONSTRAINT c CHECK (s <> ''), FOREIGN KEY (g, r) REFERENCES q (a, b)) WITHOUT ROWID, STRICT");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->columns.size(), 4u);
  EXPECT_TRUE(t->columns[0].autoincrement);
  EXPECT_EQ(t->columns[1].collation, "NOCASE");
  EXPECT_EQ(t->columns[2].generated_expr, "id * 2");
  ASSERT_EQ(t->checks.size(), 1u);
  EXPECT_EQ(t->checks[0].name, "c");
  EXPECT_EQ(t->checks[0].expr, "s <> ''");
  ASSERT_EQ(t->foreign_keys.size(), 2u);
  EXPECT_TRUE(t->foreign_keys[0].initially_deferred);
  EXPECT_EQ(t->foreign_keys[1].columns, (std::vector<std::string>{"g", "r"}));
  EXPECT_EQ(t->foreign_keys[1].ref_table, "q");
  EXPECT_TRUE(t->without_rowid);
  EXPECT_TRUE(t->strict);
}

TEST(SqliteDdl, ParsesIndexParts) {
  auto i = ParseCreateIndex("CREATE UNIQUE INDEX IF NOT EXISTS i ON t (a COLLATE NOCASE DESC, (a + b), f(c, d)) "
                            "WHERE a IS NOT NULL;");
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(i->parts, (std::vector<std::string>{"a", "(a + b)", "f(c, d)"}));
  EXPECT_EQ(i->where, "a IS NOT NULL");
}

}  // namespace
}  // namespace strata::driver::sqlite_ddl
