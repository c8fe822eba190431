#include <gtest/gtest.h>

#include <strata/redact.h>
#include <strata/status.h>

#include "util/crc32.h"
#include "util/sha256.h"
#include "util/strings.h"

namespace strata {
namespace {

TEST(StatusTest, ToStringShowsLocationContextAndSqlState) {
  Status s = Status::Database("syntax error at or near \"TABEL\"");
  s.At("0003_orders.up.sql", 12, 5).With("apply 0003").WithSqlState("42601");
  EXPECT_EQ(s.ToString(), "0003_orders.up.sql:12:5: apply 0003: syntax error at or near \"TABEL\" (SQLSTATE 42601)");
  EXPECT_EQ(s.code(), Status::Code::kDatabase);
}

TEST(StatusTest, OkIgnoresDecorations) {
  Status s;
  s.With("x").At("f", 1);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(RedactTest, UrlPasswordIsMasked) {
  EXPECT_EQ(RedactUrl("postgres://app:s3cr%40t@db:5432/shop?sslmode=require"),
            "postgres://app:****@db:5432/shop?sslmode=require");
  EXPECT_EQ(RedactUrl("postgres://db/shop?user=a&password=hunter22"), "postgres://db/shop?user=a&password=****");
  EXPECT_EQ(RedactUrl("sqlite:dev.db"), "sqlite:dev.db");
}

TEST(RedactTest, RegisteredSecretsAreMaskedEverywhere) {
  RegisterSecret("p%40ssw0rd");
  EXPECT_EQ(Redact("auth failed for p@ssw0rd and p%40ssw0rd"), "auth failed for **** and ****");
}

TEST(Sha256Test, KnownVector) {
  EXPECT_EQ(util::Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crc32Test, KnownVectorsAndContinuation) {
  EXPECT_EQ(util::Crc32(""), 0u);
  EXPECT_EQ(util::Crc32("123456789"), 0xCBF43926u);  // the standard check value
  EXPECT_EQ(util::Crc32("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
  EXPECT_EQ(util::Crc32("56789", util::Crc32("1234")), 0xCBF43926u);
}

TEST(Utf8Test, RejectsInvalidSequences) {
  size_t bad = 0;
  EXPECT_TRUE(util::IsValidUtf8("grüße, 日本"));
  EXPECT_FALSE(util::IsValidUtf8("ab\xff", &bad));
  EXPECT_EQ(bad, 2u);
  EXPECT_FALSE(util::IsValidUtf8("\xc3", &bad));         // truncated
  EXPECT_FALSE(util::IsValidUtf8("\xc0\xaf", &bad));     // overlong
  EXPECT_FALSE(util::IsValidUtf8("\xed\xa0\x80", &bad)); // surrogate
}

}  // namespace
}  // namespace strata

namespace strata {
namespace {
TEST(SqlCommentTest, EveryLineBreakStartsAnotherCommentLine) {
  EXPECT_EQ(util::SqlComment("drop table t"), "-- drop table t");
  EXPECT_EQ(util::SqlComment("type of x: BLOB\nGERCOM; DROP TABLE users"), "-- type of x: BLOB\n-- GERCOM; DROP TABLE users");
  EXPECT_EQ(util::SqlComment("a\r\nb\rc\n"), "-- a\n-- b\n-- c\n-- ");
}

TEST(StatusTest, FileNamedLaterKeepsTheDriverLine) {
  Status s = Status::Database("no such table: t");
  s.At("", 3, 7);
  s.At("migrations/0003_x.up.sql");
  EXPECT_EQ(s.line(), 3);
  EXPECT_EQ(s.column(), 7);
  EXPECT_EQ(s.ToString(), "migrations/0003_x.up.sql:3:7: no such table: t");
}
}  // namespace
}  // namespace strata
