#include "sql/impact.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace strata::sql {
namespace {

// "action kind name [table] (detail) @line", one per change.
std::vector<std::string> Describe(const MigrationImpact& impact) {
  std::vector<std::string> out;
  for (const auto& c : impact.changes) {
    std::string s = c.action + " " + c.kind + " " + c.name;
    if (!c.table.empty()) s += " [" + c.table + "]";
    if (!c.detail.empty()) s += " (" + c.detail + ")";
    out.push_back(s + " @" + std::to_string(c.line));
  }
  return out;
}

using V = std::vector<std::string>;

TEST(ImpactTest, TablesColumnsIndexesConstraints) {
  std::string first = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX users_email_idx ON users (email);\n";
  std::string second =
      "CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  user_id bigint CONSTRAINT orders_user_fk REFERENCES users (id)\n);\n"
      "ALTER TABLE users ADD COLUMN name text NOT NULL DEFAULT '', DROP COLUMN legacy;\n"
      "ALTER TABLE users ALTER COLUMN email TYPE varchar(320), ADD CONSTRAINT users_email_key UNIQUE (email);\n"
      "ALTER TABLE orders DROP CONSTRAINT orders_old_check;\n"
      "DROP INDEX users_email_idx;\n"
      "ALTER TABLE users RENAME COLUMN name TO full_name;\n"
      "UPDATE users SET email = lower(email);\n"
      "ALTER TABLE users RENAME TO customers;\n";
  auto impact = AnalyzeImpact({{first, false}, {second, true}}, Dialect::kPostgres);
  ASSERT_EQ(impact.size(), 2u);
  EXPECT_TRUE(impact[0].changes.empty());  // applied: feeds the state only
  EXPECT_EQ(Describe(impact[1]),
            (V{"create table orders @1", "create constraint  [orders] (primary key) @1",
               "create constraint orders_user_fk [orders] (foreign key) @1",
               "reference table users (foreign key orders_user_fk from orders) @1",
               "create column users.name [users] (type text) @5", "drop column users.legacy [users] @5",
               "alter column users.email [users] (type varchar) @6",
               "create constraint users_email_key [users] (unique) @6",
               "drop constraint orders_old_check [orders] @7",
               "drop index users_email_idx [users] @8",  // its table, from the migration before
               "rename column users.name [users] (renamed to full_name) @9", "rows table users (UPDATE) @10",
               "rename table users (renamed to customers) @11"}));
  EXPECT_EQ(impact[1].statements, 8);
  EXPECT_EQ(impact[1].unparsed, 0);
}

TEST(ImpactTest, SqliteStatementsThePostgresParserCannotReadAreCounted) {
  std::string sql =
      "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);\n"
      "CREATE INDEX t_id ON t (id);\n"
      "INSERT OR REPLACE INTO t (id) VALUES (1);\n";
  auto impact = AnalyzeImpact({{sql, true}}, Dialect::kSqlite);
  ASSERT_EQ(impact.size(), 1u);
  EXPECT_EQ(Describe(impact[0]), (V{"create index t_id [t] @2"}));
  EXPECT_EQ(impact[0].unparsed, 2);
}

TEST(ImpactTest, ViewsTruncateAndNothing) {
  auto impact = AnalyzeImpact({{"CREATE OR REPLACE VIEW active AS SELECT 1;\nTRUNCATE a, b;\nSELECT 1;\n", true}},
                              Dialect::kPostgres);
  EXPECT_EQ(Describe(impact[0]), (V{"alter view active @1", "rows table a (TRUNCATE) @2", "rows table b (TRUNCATE) @2"}));
}

}  // namespace
}  // namespace strata::sql
