// The dialect-independent parts of schema/diff: rename hints, rename
// candidates and the migration-file rendering.
#include "schema/diff.h"

#include <gtest/gtest.h>

namespace strata::schema {
namespace {

Table MakeTable(std::string name, std::vector<std::pair<std::string, std::string>> columns, std::string schema = "") {
  Table t;
  t.schema = std::move(schema);
  t.name = std::move(name);
  for (auto& [n, type] : columns) {
    Column c;
    c.name = n;
    c.type = type;
    t.columns.push_back(std::move(c));
  }
  return t;
}

TEST(ParseRenameTest, ColumnAndTableForms) {
  Rename r;
  ASSERT_TRUE(ParseRename("users.email=mail", &r));
  EXPECT_EQ(r, (Rename{"users", "email", "mail"}));
  ASSERT_TRUE(ParseRename("users=customers", &r));
  EXPECT_EQ(r, (Rename{"", "users", "customers"}));
  ASSERT_TRUE(ParseRename("app.users.email=mail", &r));
  EXPECT_EQ(r, (Rename{"app.users", "email", "mail"}));
  ASSERT_TRUE(ParseRename("app.users=app.customers", &r));
  EXPECT_EQ(r, (Rename{"", "app.users", "app.customers"}));
  EXPECT_EQ(ToString(Rename{"users", "email", "mail"}), "users.email=mail");
  EXPECT_EQ(ToString(Rename{"", "users", "customers"}), "users=customers");
}

TEST(ParseRenameTest, RejectsMalformedHints) {
  Rename r;
  EXPECT_FALSE(ParseRename("users", &r));
  EXPECT_FALSE(ParseRename("=x", &r));
  EXPECT_FALSE(ParseRename("users.email=", &r));
  EXPECT_FALSE(ParseRename(".email=mail", &r));
}

TEST(RenameCandidatesTest, SameShapeTableAndSameTypeColumn) {
  Schema from, to;
  from.tables = {MakeTable("users", {{"id", "INTEGER"}, {"email", "TEXT"}, {"age", "INTEGER"}})};
  to.tables = {MakeTable("customers", {{"id", "INTEGER"}, {"email", "TEXT"}, {"age", "INTEGER"}})};
  EXPECT_EQ(FindRenameCandidates(from, to, {}), (std::vector<Rename>{{"", "users", "customers"}}));

  // Once the table rename is given, its columns compare under the new name.
  to.tables[0].columns[1].name = "mail";
  DiffOptions hinted{{{"", "users", "customers"}}};
  EXPECT_EQ(FindRenameCandidates(from, to, hinted), (std::vector<Rename>{{"customers", "email", "mail"}}));

  // A different type is not a candidate, and a hinted column no longer is.
  to.tables[0].columns[1].type = "BLOB";
  EXPECT_TRUE(FindRenameCandidates(from, to, hinted).empty());
  to.tables[0].columns[1].type = "TEXT";
  hinted.renames.push_back({"customers", "email", "mail"});
  EXPECT_TRUE(FindRenameCandidates(from, to, hinted).empty());
}

TEST(RenameCandidatesTest, DifferentShapeOrSchemaIsNotATableRename) {
  Schema from, to;
  from.tables = {MakeTable("a", {{"id", "integer"}}, "public")};
  to.tables = {MakeTable("b", {{"id", "integer"}, {"x", "text"}}, "public"),
               MakeTable("c", {{"id", "integer"}}, "other")};
  EXPECT_TRUE(FindRenameCandidates(from, to, {}).empty());
}

TEST(RenderMigrationTest, AnnotationSummariesAndDestructiveMarks) {
  Diff diff;
  EXPECT_EQ(RenderMigration(diff), "");
  diff.foreign_keys_off = true;
  diff.changes.push_back({"drop table legacy", {"DROP TABLE \"legacy\""}, true, "drops table legacy and its rows"});
  diff.changes.push_back({"create table t", {"CREATE TABLE \"t\" (\"id\" INTEGER)", "CREATE INDEX \"i\" ON \"t\" (\"id\")"}});
  EXPECT_EQ(RenderMigration(diff),
            "-- strata:foreign-keys-off\n"
            "-- (a table is rebuilt or a referenced table dropped: strata turns foreign keys\n"
            "-- off around this migration's transaction and runs PRAGMA foreign_key_check\n"
            "-- before it commits)\n"
            "\n"
            "-- drop table legacy\n"
            "-- DESTRUCTIVE: drops table legacy and its rows\n"
            "DROP TABLE \"legacy\";\n"
            "\n"
            "-- create table t\n"
            "CREATE TABLE \"t\" (\"id\" INTEGER);\n"
            "CREATE INDEX \"i\" ON \"t\" (\"id\");\n");
  // Issue 8: `strata diff` output is a safe migration as it stands.
  EXPECT_EQ(RenderStatements(diff),
            "-- strata:foreign-keys-off\nDROP TABLE \"legacy\";\nCREATE TABLE \"t\" (\"id\" INTEGER);\n"
            "CREATE INDEX \"i\" ON \"t\" (\"id\");\n");
  diff.foreign_keys_off = false;
  EXPECT_EQ(RenderStatements(diff).rfind("DROP TABLE", 0), 0u);
}

}  // namespace
}  // namespace strata::schema
