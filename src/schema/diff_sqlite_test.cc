// DiffSqlite on models built in code: what it decides (ALTER or rebuild), in
// what order, and how it renders. tests/diff/sqlite_diff_test.cc runs the
// same decisions against real databases.
#include <gtest/gtest.h>

#include "schema/diff.h"

namespace strata::schema {
namespace {

using Strings = std::vector<std::string>;

Table Users() {
  Table t;
  t.name = "users";
  t.columns = {{.name = "id", .type = "INTEGER"}, {.name = "name", .type = "TEXT", .not_null = true},
               {.name = "age", .type = "INTEGER"}};
  t.primary_key = PrimaryKey{.columns = {"id"}};
  return t;
}

Schema With(std::vector<Table> tables, std::vector<Index> indexes = {}, std::vector<View> views = {},
            std::vector<Trigger> triggers = {}) {
  Schema s;
  s.tables = std::move(tables);
  s.indexes = std::move(indexes);
  s.views = std::move(views);
  s.triggers = std::move(triggers);
  Canonicalize(s);
  return s;
}

Strings Summaries(const Diff& d) {
  Strings out;
  for (const auto& c : d.changes) out.push_back(c.summary);
  return out;
}

TEST(DiffSqlite, SameSchemaIsEmpty) {
  Schema s = With({Users()}, {{.name = "users_age", .table = "users", .parts = {{.column = "age"}}}});
  Diff d = DiffSqlite(s, s, {});
  EXPECT_TRUE(d.empty());
  EXPECT_FALSE(d.foreign_keys_off);
}

TEST(DiffSqlite, AddColumnUsesAlterTable) {
  Table to = Users();
  to.columns.push_back({.name = "email", .type = "TEXT", .default_expr = "'none'"});
  Diff d = DiffSqlite(With({Users()}), With({to}), {});
  ASSERT_EQ(d.changes.size(), 1u);
  EXPECT_EQ(d.changes[0].summary, "add column users.email");
  EXPECT_EQ(d.changes[0].statements, Strings{"ALTER TABLE \"users\" ADD COLUMN \"email\" TEXT DEFAULT 'none'"});
  EXPECT_FALSE(d.changes[0].destructive);
  EXPECT_FALSE(d.foreign_keys_off);
}

TEST(DiffSqlite, DropColumnUsesAlterTableAndIsDestructive) {
  Table to = Users();
  to.columns.pop_back();
  Diff d = DiffSqlite(With({Users()}), With({to}), {});
  ASSERT_EQ(d.changes.size(), 1u);
  EXPECT_EQ(d.changes[0].summary, "drop column users.age");
  EXPECT_EQ(d.changes[0].statements, Strings{"ALTER TABLE \"users\" DROP COLUMN \"age\""});
  EXPECT_TRUE(d.changes[0].destructive);
  EXPECT_EQ(d.changes[0].destructive_reason, "drops column users.age and its values");
}

// Each of these is beyond ALTER TABLE ADD COLUMN and needs the rebuild.
TEST(DiffSqlite, AddColumnsSqliteCannotAdd) {
  std::vector<Column> columns = {
      {.name = "at", .type = "TEXT", .default_expr = "CURRENT_TIMESTAMP"},
      {.name = "n", .type = "INT", .default_expr = "1 + 2"},
      {.name = "code", .type = "TEXT", .not_null = true},
      {.name = "code", .type = "TEXT", .not_null = true, .default_expr = "NULL"},
      {.name = "g", .type = "INT", .generated_expr = "age * 2", .generated_stored = true},
  };
  for (const auto& c : columns) {
    Table to = Users();
    to.columns.push_back(c);
    Diff d = DiffSqlite(With({Users()}), With({to}), {});
    ASSERT_EQ(d.changes.size(), 1u) << c.name;
    EXPECT_TRUE(d.foreign_keys_off) << c.name;
    EXPECT_EQ(d.changes[0].summary.rfind("rebuild table users (add column " + c.name, 0), 0u) << d.changes[0].summary;
  }
}

TEST(DiffSqlite, TypeChangeRebuildsTheTable) {
  Table to = Users();
  to.columns[2].type = "TEXT";
  to.columns[2].not_null = true;
  Diff d = DiffSqlite(With({Users()}), With({to}), {});
  ASSERT_EQ(d.changes.size(), 1u);
  EXPECT_TRUE(d.foreign_keys_off);
  const Change& c = d.changes[0];
  EXPECT_EQ(c.summary, "rebuild table users (type of age: INTEGER -> TEXT; age: NOT NULL, fails if age has NULLs)");
  EXPECT_TRUE(c.destructive);
  EXPECT_EQ(c.destructive_reason, "values of users.age may be converted (INTEGER -> TEXT)");
  EXPECT_EQ(c.statements, (Strings{
                              "CREATE TABLE \"new_users\" (\n"
                              "  \"id\" INTEGER,\n"
                              "  \"name\" TEXT NOT NULL,\n"
                              "  \"age\" TEXT NOT NULL,\n"
                              "  PRIMARY KEY (\"id\")\n"
                              ")",
                              "INSERT INTO \"new_users\" (\"id\", \"name\", \"age\") SELECT \"id\", \"name\", \"age\" "
                              "FROM \"users\"",
                              "DROP TABLE \"users\"",
                              "ALTER TABLE \"new_users\" RENAME TO \"users\"",
                          }));
}

TEST(DiffSqlite, NotNullWithDefaultBackfillsNulls) {
  Table to = Users();
  to.columns[2].not_null = true;
  to.columns[2].default_expr = "0";
  Diff d = DiffSqlite(With({Users()}), With({to}), {});
  ASSERT_EQ(d.changes.size(), 1u);
  EXPECT_EQ(d.changes[0].summary, "rebuild table users (age: NOT NULL, NULLs become 0; default of age: none -> 0)");
  EXPECT_EQ(d.changes[0].statements[1],
            "INSERT INTO \"new_users\" (\"id\", \"name\", \"age\") SELECT \"id\", \"name\", coalesce(\"age\", 0) "
            "FROM \"users\"");
}

TEST(DiffSqlite, RebuildRecreatesDependentsInOrder) {
  Table to = Users();
  to.columns[1].collation = "NOCASE";
  Index index{.name = "users_age", .table = "users", .parts = {{.column = "age"}}};
  View view{.name = "adults", .sql = "CREATE VIEW adults AS SELECT * FROM users WHERE age >= 18"};
  View other{.name = "other", .sql = "CREATE VIEW other AS SELECT 1"};
  View chained{.name = "names", .sql = "CREATE VIEW names AS SELECT name FROM \"adults\""};
  Trigger trigger{.name = "users_t", .table = "users", .sql = "CREATE TRIGGER users_t AFTER INSERT ON users BEGIN SELECT 1; END"};
  Diff d = DiffSqlite(With({Users()}, {index}, {view, other, chained}, {trigger}),
                      With({to}, {index}, {view, other, chained}, {trigger}), {});
  EXPECT_TRUE(d.foreign_keys_off);
  EXPECT_EQ(Summaries(d), (Strings{
                              "drop trigger users_t",
                              "drop view names",
                              "drop view adults",
                              "drop index users_age",
                              "rebuild table users (collation of name: BINARY -> NOCASE)",
                              "create index users_age on users",
                              "create view adults",
                              "create view names",
                              "create trigger users_t on users",
                          }));
}

TEST(DiffSqlite, OrderDropsRenamesCreatesAltersThenIndexes) {
  Table legacy{.name = "legacy", .columns = {{.name = "x", .type = "INT"}}};
  Table old_orders{.name = "orders", .columns = {{.name = "id", .type = "INTEGER"}}};
  Table orders{.name = "purchases", .columns = {{.name = "id", .type = "INTEGER"}}};
  Table added{.name = "tags", .columns = {{.name = "t", .type = "TEXT"}}};
  Table to_users = Users();
  to_users.columns.push_back({.name = "email", .type = "TEXT"});
  Index idx{.name = "tags_t", .table = "tags", .unique = true, .parts = {{.column = "t"}}};
  DiffOptions options;
  options.renames.push_back({"", "orders", "purchases"});
  Diff d = DiffSqlite(With({Users(), legacy, old_orders}), With({to_users, orders, added}, {idx}), options);
  EXPECT_FALSE(d.foreign_keys_off);
  EXPECT_EQ(Summaries(d), (Strings{
                              "drop table legacy",
                              "rename table orders to purchases",
                              "create table tags",
                              "add column users.email",
                              "create index tags_t on tags",
                          }));
  EXPECT_TRUE(d.changes[0].destructive);
  EXPECT_EQ(d.changes[1].statements, Strings{"ALTER TABLE \"orders\" RENAME TO \"purchases\""});
  EXPECT_EQ(d.changes[4].statements, Strings{"CREATE UNIQUE INDEX \"tags_t\" ON \"tags\" (\"t\")"});
}

TEST(DiffSqlite, ColumnRenameHintAlsoRenamesReferences) {
  Table from_posts{.name = "posts", .columns = {{.name = "uid", .type = "INT"}}};
  from_posts.foreign_keys.push_back({.columns = {"uid"}, .ref_table = "users", .ref_columns = {"id"}});
  Table to_users = Users();
  to_users.columns[0].name = "user_id";
  to_users.primary_key->columns = {"user_id"};
  Table to_posts = from_posts;
  to_posts.foreign_keys[0].ref_columns = {"user_id"};
  Schema from = With({Users(), from_posts});
  Schema to = With({to_users, to_posts});

  Diff plain = DiffSchemas(from, to, Dialect::kSqlite);
  EXPECT_TRUE(plain.foreign_keys_off);  // without the hint: drop and add, i.e. rebuilds
  EXPECT_EQ(plain.rename_candidates, (std::vector<Rename>{{"users", "id", "user_id"}}));

  DiffOptions options;
  options.renames.push_back({"users", "id", "user_id"});
  Diff d = DiffSchemas(from, to, Dialect::kSqlite, options);
  EXPECT_FALSE(d.foreign_keys_off);
  EXPECT_TRUE(d.rename_candidates.empty());
  ASSERT_EQ(d.changes.size(), 1u);
  EXPECT_EQ(d.changes[0].summary, "rename column users.id to users.user_id");
  EXPECT_EQ(d.changes[0].statements, Strings{"ALTER TABLE \"users\" RENAME COLUMN \"id\" TO \"user_id\""});
}

TEST(DiffSqlite, AddedForeignKeyColumnIsInlineReferences) {
  Table posts{.name = "posts", .columns = {{.name = "id", .type = "INTEGER"}}};
  Table to_posts = posts;
  to_posts.columns.push_back({.name = "user_id", .type = "INT"});
  to_posts.foreign_keys.push_back(
      {.columns = {"user_id"}, .ref_table = "users", .ref_columns = {"id"}, .on_delete = FkAction::kCascade});
  Diff d = DiffSqlite(With({Users(), posts}), With({Users(), to_posts}), {});
  ASSERT_EQ(d.changes.size(), 1u);
  EXPECT_EQ(d.changes[0].statements,
            Strings{"ALTER TABLE \"posts\" ADD COLUMN \"user_id\" INT REFERENCES \"users\" (\"id\") ON DELETE CASCADE"});
  // With a non-NULL default SQLite refuses the REFERENCES column: rebuild.
  to_posts.columns.back().default_expr = "1";
  EXPECT_TRUE(DiffSqlite(With({Users(), posts}), With({Users(), to_posts}), {}).foreign_keys_off);
}

TEST(DiffSqlite, RenderMigrationMarksRebuildAndLoss) {
  Table to = Users();
  to.columns.erase(to.columns.begin() + 1);
  to.columns.back().type = "TEXT";
  std::string text = RenderMigration(DiffSqlite(With({Users()}), With({to}), {}));
  EXPECT_EQ(text.rfind("-- strata:foreign-keys-off\n", 0), 0u) << text;
  EXPECT_NE(text.find("-- rebuild table users (drop column name; type of age: INTEGER -> TEXT)\n"
                      "-- DESTRUCTIVE: drops column users.name and its values; values of users.age may be converted "
                      "(INTEGER -> TEXT)\n"),
            std::string::npos)
      << text;
}

TEST(DiffSqlite, AutoincrementRebuildKeepsTheSequence) {
  Table from = Users();
  from.primary_key->autoincrement = true;
  Table to = from;
  to.columns[2].type = "REAL";
  Diff d = DiffSqlite(With({from}), With({to}), {});
  ASSERT_EQ(d.changes.size(), 1u);
  EXPECT_EQ(d.changes[0].statements[1],
            "INSERT INTO \"sqlite_sequence\" (\"name\", \"seq\") SELECT 'new_users', \"seq\" FROM \"sqlite_sequence\" "
            "WHERE \"name\" = 'users'");
}

}  // namespace
}  // namespace strata::schema
