#include "schema/model.h"

#include <gtest/gtest.h>

namespace strata::schema {
namespace {

Table Users() {
  Table t;
  t.name = "users";
  t.columns.push_back({.name = "id", .type = "INTEGER"});
  t.columns.push_back({.name = "email", .type = "TEXT", .not_null = true});
  t.primary_key = PrimaryKey{.columns = {"id"}};
  return t;
}

TEST(SchemaModel, EqualWhenSameValues) {
  Schema a, b;
  a.tables.push_back(Users());
  b.tables.push_back(Users());
  EXPECT_EQ(a, b);
}

TEST(SchemaModel, EveryFieldCounts) {
  Schema a;
  a.tables.push_back(Users());
  Schema b = a;
  b.tables[0].columns[1].collation = "NOCASE";
  EXPECT_NE(a, b);
  b = a;
  b.tables[0].columns[0].default_expr = "0";
  EXPECT_NE(a, b);
  b = a;
  b.tables[0].primary_key->autoincrement = true;
  EXPECT_NE(a, b);
  b = a;
  b.tables[0].strict = true;
  EXPECT_NE(a, b);
  b = a;
  b.indexes.push_back({.name = "i", .table = "users", .parts = {{.column = "email"}}});
  EXPECT_NE(a, b);
}

TEST(SchemaModel, ColumnOrderIsPartOfTheDefinition) {
  Schema a, b;
  a.tables.push_back(Users());
  b.tables.push_back(Users());
  std::swap(b.tables[0].columns[0], b.tables[0].columns[1]);
  Canonicalize(a);
  Canonicalize(b);
  EXPECT_NE(a, b);
}

TEST(SchemaModel, CanonicalizeSortsObjectsAndKeys) {
  Schema a;
  Table t = Users();
  t.uniques = {{.columns = {"b"}}, {.columns = {"a"}}};
  t.foreign_keys = {{.columns = {"z"}, .ref_table = "x"}, {.columns = {"a"}, .ref_table = "y"}};
  a.tables.push_back(t);
  Table other;
  other.name = "accounts";
  a.tables.push_back(other);
  a.indexes = {{.name = "b_idx"}, {.name = "a_idx"}};
  a.views = {{.name = "v2"}, {.name = "v1"}};
  Schema b = a;
  std::swap(b.tables[0], b.tables[1]);
  Canonicalize(a);
  Canonicalize(b);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.tables[0].name, "accounts");
  EXPECT_EQ(a.tables[1].uniques[0].columns, std::vector<std::string>{"a"});
  EXPECT_EQ(a.tables[1].foreign_keys[0].ref_table, "y");
  EXPECT_EQ(a.indexes[0].name, "a_idx");
  EXPECT_EQ(a.views[0].name, "v1");
  EXPECT_NE(a.FindTable("users"), nullptr);
  EXPECT_EQ(a.FindTable("nope"), nullptr);
  EXPECT_NE(a.tables[1].FindColumn("email"), nullptr);
}

TEST(SchemaModel, FkActionText) {
  for (auto a : {FkAction::kNoAction, FkAction::kRestrict, FkAction::kCascade, FkAction::kSetNull,
                 FkAction::kSetDefault}) {
    EXPECT_EQ(ParseFkAction(ToString(a)), a);
  }
  EXPECT_EQ(ParseFkAction("set null"), FkAction::kSetNull);
  EXPECT_EQ(ParseFkAction("bogus"), FkAction::kNoAction);
}

}  // namespace
}  // namespace strata::schema
