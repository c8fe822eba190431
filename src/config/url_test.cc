#include "config/url.h"

#include <gtest/gtest.h>

#include <strata/redact.h>

namespace strata::config {
namespace {

TEST(UrlTest, SqliteForms) {
  auto a = ParseUrl("sqlite:dev.db");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->scheme, Url::Scheme::kSqlite);
  EXPECT_EQ(a->path, "dev.db");
  auto b = ParseUrl("sqlite::memory:");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->memory);
  auto c = ParseUrl("sqlite:///var/lib/app.db");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->path, "/var/lib/app.db");
  EXPECT_FALSE(ParseUrl("sqlite:").ok());
}

TEST(UrlTest, PostgresComponentsAreDecoded) {
  auto u = ParseUrl("postgresql://app%40corp:p%40ss%3Aword@db.internal:6432/shop%20db?sslmode=require&connect_timeout=5");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->scheme, Url::Scheme::kPostgres);
  EXPECT_EQ(u->user, "app@corp");
  EXPECT_EQ(u->password, "p@ss:word");
  EXPECT_EQ(u->host, "db.internal");
  EXPECT_EQ(u->port, "6432");
  EXPECT_EQ(u->database, "shop db");
  EXPECT_EQ(u->query.at("sslmode"), "require");
  EXPECT_EQ(u->Redacted(), "postgresql://app%40corp:****@db.internal:6432/shop%20db?sslmode=require&connect_timeout=5");
  // The password was registered: it is masked in any text.
  EXPECT_EQ(Redact("failed for p@ss:word"), "failed for ****");
}

TEST(UrlTest, PasswordNeverInErrors) {
  auto bad = ParseUrl("postgres://u:Hunter2Secret@host:99999/db");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("out of range"), std::string::npos);
  EXPECT_EQ(bad.status().ToString().find("Hunter2Secret"), std::string::npos);
  auto bad2 = ParseUrl("mysql://u:Hunter3Secret@host/db");
  ASSERT_FALSE(bad2.ok());
  EXPECT_EQ(bad2.status().ToString().find("Hunter3Secret"), std::string::npos);
  EXPECT_NE(bad2.status().message().find("unknown scheme 'mysql'"), std::string::npos);
}

TEST(UrlTest, RejectsGarbage) {
  EXPECT_FALSE(ParseUrl("").ok());
  EXPECT_FALSE(ParseUrl("dev.db").ok());
  EXPECT_FALSE(ParseUrl("postgres://h:abc/db").ok());
  EXPECT_FALSE(ParseUrl("postgres://h/db?sslmode").ok());
  EXPECT_FALSE(ParseUrl("postgres://h/d%zzb").ok());
}

}  // namespace
}  // namespace strata::config

namespace strata::config {
namespace {

TEST(FleetUrlTest, WithDatabaseReplacesOnlyTheDatabase) {
  EXPECT_EQ(WithDatabase("postgres://u:p@h:5432/postgres?sslmode=disable", "tenant_1"),
            "postgres://u:p@h:5432/tenant_1?sslmode=disable");
  EXPECT_EQ(WithDatabase("postgres://h", "a b"), "postgres://h/a%20b");
  EXPECT_EQ(WithDatabase("postgresql://h:1/x#frag", "y"), "postgresql://h:1/y#frag");
}

TEST(FleetUrlTest, WithSearchPathAddsToOptions) {
  EXPECT_EQ(WithSearchPath("postgres://h/db", "t1"), "postgres://h/db?options=-c%20search_path%3Dt1");
  EXPECT_EQ(WithSearchPath("postgres://h/db?sslmode=disable", "t1"),
            "postgres://h/db?sslmode=disable&options=-c%20search_path%3Dt1");
  EXPECT_EQ(WithSearchPath("postgres://h/db?options=-c%20work_mem%3D8MB&x=1", "t1"),
            "postgres://h/db?options=-c%20work_mem%3D8MB%20-c%20search_path%3Dt1&x=1");
  auto parsed = ParseUrl(WithSearchPath("postgres://h/db?sslmode=disable", "t1"));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->query.at("options"), "-c search_path=t1");
}

}  // namespace
}  // namespace strata::config
