#include "schema/render_sqlite.h"

#include <gtest/gtest.h>

namespace strata::schema {
namespace {

TEST(RenderSqlite, TableWithEveryClause) {
  Table t;
  t.name = "order items";
  t.columns.push_back({.name = "id", .type = "INTEGER"});
  t.columns.push_back({.name = "sku", .type = "TEXT", .not_null = true, .collation = "NOCASE"});
  t.columns.push_back({.name = "qty", .type = "INT", .default_expr = "1"});
  t.columns.push_back({.name = "total", .type = "REAL", .default_expr = "qty*2"});
  t.columns.push_back({.name = "note", .type = "TEXT", .default_expr = "'it''s'"});
  t.columns.push_back({.name = "at", .default_expr = "CURRENT_TIMESTAMP"});
  t.columns.push_back({.name = "twice", .type = "INT", .generated_expr = "qty * 2", .generated_stored = true});
  t.columns.push_back({.name = "o\"id", .type = "INTEGER"});
  t.primary_key = PrimaryKey{.columns = {"id"}};
  t.uniques.push_back({.columns = {"sku", "qty"}});
  t.checks.push_back({.name = "qty_positive", .expr = "qty > 0"});
  t.foreign_keys.push_back({.columns = {"o\"id"},
                            .ref_table = "orders",
                            .ref_columns = {"id"},
                            .on_delete = FkAction::kCascade,
                            .deferrable = true,
                            .initially_deferred = true});
  t.strict = true;
  EXPECT_EQ(RenderSqliteTable(t),
            "CREATE TABLE \"order items\" (\n"
            "  \"id\" INTEGER,\n"
            "  \"sku\" TEXT NOT NULL COLLATE NOCASE,\n"
            "  \"qty\" INT DEFAULT 1,\n"
            "  \"total\" REAL DEFAULT (qty*2),\n"
            "  \"note\" TEXT DEFAULT 'it''s',\n"
            "  \"at\" DEFAULT CURRENT_TIMESTAMP,\n"
            "  \"twice\" INT GENERATED ALWAYS AS (qty * 2) STORED,\n"
            "  \"o\"\"id\" INTEGER,\n"
            "  PRIMARY KEY (\"id\"),\n"
            "  UNIQUE (\"sku\", \"qty\"),\n"
            "  CONSTRAINT \"qty_positive\" CHECK (qty > 0),\n"
            "  FOREIGN KEY (\"o\"\"id\") REFERENCES \"orders\" (\"id\") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED\n"
            ") STRICT;\n");
}

// SQLite stores a quoted type unquoted: "primary key" written bare would be
// a primary key, "not null" a constraint, a quote inside a broken statement.
TEST(RenderSqlite, TypesThatAreNotTypeNamesAreQuoted) {
  Table t;
  t.name = "t";
  for (const char* type : {"VARCHAR(10)", "DOUBLE\n  PRECISION", "NUMERIC(10, -2)", "primary key", "not null",
                           "'''''", "a\"b", "my type -- x", ", ", "x(1) y"}) {
    t.columns.push_back({.name = "c" + std::to_string(t.columns.size()), .type = type});
  }
  EXPECT_EQ(RenderSqliteTable(t),
            "CREATE TABLE \"t\" (\n"
            "  \"c0\" VARCHAR(10),\n"
            "  \"c1\" DOUBLE\n  PRECISION,\n"
            "  \"c2\" NUMERIC(10, -2),\n"
            "  \"c3\" \"primary key\",\n"
            "  \"c4\" \"not null\",\n"
            "  \"c5\" \"'''''\",\n"
            "  \"c6\" \"a\"\"b\",\n"
            "  \"c7\" \"my type -- x\",\n"
            "  \"c8\" \", \",\n"
            "  \"c9\" \"x(1) y\"\n"
            ");\n");
}

TEST(RenderSqlite, AutoincrementIsAColumnConstraint) {
  Table t;
  t.name = "t";
  t.columns.push_back({.name = "id", .type = "INTEGER"});
  t.primary_key = PrimaryKey{.columns = {"id"}, .autoincrement = true};
  t.without_rowid = false;
  EXPECT_EQ(RenderSqliteTable(t), "CREATE TABLE \"t\" (\n  \"id\" INTEGER PRIMARY KEY AUTOINCREMENT\n);\n");
}

TEST(RenderSqlite, DefaultsThatNeedParentheses) {
  Table t;
  t.name = "t";
  t.columns.push_back({.name = "a", .default_expr = "-1"});
  t.columns.push_back({.name = "b", .default_expr = "'a' || 'b'"});
  t.columns.push_back({.name = "c", .default_expr = "X'00ff'"});
  t.columns.push_back({.name = "d", .default_expr = "NULL"});
  t.columns.push_back({.name = "e", .default_expr = "lower('A')"});
  t.without_rowid = true;
  t.strict = true;
  t.primary_key = PrimaryKey{.columns = {"a", "b"}};
  EXPECT_EQ(RenderSqliteTable(t),
            "CREATE TABLE \"t\" (\n"
            "  \"a\" DEFAULT -1,\n"
            "  \"b\" DEFAULT ('a' || 'b'),\n"
            "  \"c\" DEFAULT X'00ff',\n"
            "  \"d\" DEFAULT NULL,\n"
            "  \"e\" DEFAULT (lower('A')),\n"
            "  PRIMARY KEY (\"a\", \"b\")\n"
            ") WITHOUT ROWID, STRICT;\n");
}

TEST(RenderSqlite, Indexes) {
  Index i{.name = "users_email",
          .table = "users",
          .unique = true,
          .parts = {{.column = "email", .collation = "NOCASE"}, {.expr = "lower(name)", .desc = true}},
          .where = "deleted_at IS NULL"};
  EXPECT_EQ(RenderSqliteIndex(i),
            "CREATE UNIQUE INDEX \"users_email\" ON \"users\" (\"email\" COLLATE NOCASE, lower(name) DESC) "
            "WHERE deleted_at IS NULL;\n");
}

TEST(RenderSqlite, SchemaOrderIsTablesIndexesViewsTriggersByName) {
  Schema s;
  s.triggers.push_back({.name = "trg", .table = "b", .sql = "CREATE TRIGGER trg AFTER INSERT ON b BEGIN SELECT 1; END"});
  s.views.push_back({.name = "v", .sql = "CREATE VIEW v AS SELECT 1"});
  s.indexes.push_back({.name = "i", .table = "a", .parts = {{.column = "x"}}});
  s.tables.push_back({.name = "b", .columns = {{.name = "x"}}});
  s.tables.push_back({.name = "a", .columns = {{.name = "x"}}});
  EXPECT_EQ(RenderSqlite(s),
            "CREATE TABLE \"a\" (\n  \"x\"\n);\n\n"
            "CREATE TABLE \"b\" (\n  \"x\"\n);\n\n"
            "CREATE INDEX \"i\" ON \"a\" (\"x\");\n\n"
            "CREATE VIEW v AS SELECT 1;\n\n"
            "CREATE TRIGGER trg AFTER INSERT ON b BEGIN SELECT 1; END;\n");
  EXPECT_EQ(RenderSqlite(Schema{}), "");
}

TEST(RenderSqlite, PiecesForAlterTable) {
  EXPECT_EQ(RenderSqliteColumn({.name = "qty", .type = "INT", .not_null = true, .default_expr = "1"}),
            "\"qty\" INT NOT NULL DEFAULT 1");
  EXPECT_EQ(RenderSqliteReferences({.columns = {"uid"},
                                    .ref_table = "users",
                                    .ref_columns = {"id"},
                                    .on_delete = FkAction::kSetNull,
                                    .deferrable = true}),
            "REFERENCES \"users\" (\"id\") ON DELETE SET NULL DEFERRABLE");
  EXPECT_EQ(RenderSqliteReferences({.columns = {"uid"}, .ref_table = "users"}), "REFERENCES \"users\"");
}

TEST(RenderSqlite, DefaultsAsLiteralsAndExpressions) {
  EXPECT_TRUE(IsSqliteLiteralDefault("-1.5"));
  EXPECT_TRUE(IsSqliteLiteralDefault("'it''s'"));
  EXPECT_TRUE(IsSqliteLiteralDefault("CURRENT_TIMESTAMP"));
  EXPECT_TRUE(IsSqliteLiteralDefault("active"));  // legacy bare-word string
  EXPECT_FALSE(IsSqliteLiteralDefault("1 + 2"));
  EXPECT_FALSE(IsSqliteLiteralDefault("'a' || 'b'"));
  EXPECT_EQ(SqliteDefaultAsExpr("active"), "'active'");
  EXPECT_EQ(SqliteDefaultAsExpr("NULL"), "NULL");
  EXPECT_EQ(SqliteDefaultAsExpr("current_timestamp"), "current_timestamp");
  EXPECT_EQ(SqliteDefaultAsExpr("0"), "0");
  EXPECT_EQ(SqliteDefaultAsExpr("1 + 2"), "(1 + 2)");
}

}  // namespace
}  // namespace strata::schema
