#include "schema/sqlite_lexer.h"

#include <gtest/gtest.h>

namespace strata::schema::sqlite_lexer {
namespace {

TEST(ComparisonKeyTest, SpellingSqliteIgnoresGivesOneKey) {
  EXPECT_EQ(ComparisonKey("varchar ( 255 )"), ComparisonKey("VARCHAR(255)"));
  EXPECT_EQ(ComparisonKey("double\n  precision"), ComparisonKey("DOUBLE PRECISION"));
  EXPECT_EQ(ComparisonKey("x>0"), ComparisonKey("X > 0"));
  EXPECT_EQ(ComparisonKey("\"total\" >= 0 -- a comment"), ComparisonKey("total>=0"));
  EXPECT_EQ(ComparisonKey("[a b] /* c */ + `d`"), ComparisonKey("\"A B\" + D"));
  EXPECT_EQ(ComparisonKey("current_timestamp"), ComparisonKey("CURRENT_TIMESTAMP"));
}

TEST(ComparisonKeyTest, SpellingSqliteKeepsGivesAnotherKey) {
  EXPECT_NE(ComparisonKey("'a'"), ComparisonKey("'A'"));
  EXPECT_NE(ComparisonKey("1"), ComparisonKey("1.0"));
  EXPECT_NE(ComparisonKey("ab"), ComparisonKey("a b"));
  EXPECT_NE(ComparisonKey("x > 0"), ComparisonKey("x >= 0"));
  EXPECT_NE(ComparisonKey("'it''s'"), ComparisonKey("'it' 's'"));
  EXPECT_NE(ComparisonKey("x'0a'"), ComparisonKey("'0a'"));
}

}  // namespace
}  // namespace strata::schema::sqlite_lexer
