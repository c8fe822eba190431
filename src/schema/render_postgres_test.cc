// RenderPostgres on hand-built models (no database): statement order and the
// parts of the model that inspection fills but that are rendered by rule.
#include "schema/render_postgres.h"

#include <gtest/gtest.h>

namespace strata::schema {
namespace {

TEST(RenderPostgres, EmptySchemaIsEmptyText) { EXPECT_EQ(RenderPostgres(Schema{}), ""); }

TEST(RenderPostgres, ViewsComeAfterTheViewsTheyRead) {
  Schema s;
  s.views.push_back({.schema = "public", .name = "a", .sql = "CREATE VIEW a AS SELECT * FROM b",
                     .depends_on = {"public.b"}});
  s.views.push_back({.schema = "public", .name = "b", .sql = "CREATE VIEW b AS SELECT 1"});
  EXPECT_EQ(RenderPostgres(s), "CREATE VIEW b AS SELECT 1;\n\nCREATE VIEW a AS SELECT * FROM b;\n");
}

TEST(RenderPostgres, ForeignKeysFollowAllTablesAndIndexes) {
  Schema s;
  Table a{.schema = "public", .name = "a", .columns = {{.name = "b_id", .type = "integer"}}};
  a.foreign_keys.push_back({.name = "a_b", .columns = {"b_id"}, .ref_schema = "public", .ref_table = "b",
                            .ref_columns = {"id"}, .deferrable = true, .initially_deferred = true});
  s.tables.push_back(a);
  s.tables.push_back({.schema = "public", .name = "b", .columns = {{.name = "id", .type = "integer"}}});
  s.indexes.push_back({.schema = "public", .name = "b_id", .table = "b", .unique = true,
                       .parts = {{.column = "id", .desc = true}}, .where = "(id > 0)"});
  EXPECT_EQ(RenderPostgres(s),
            "CREATE TABLE \"public\".\"a\" (\n  \"b_id\" integer\n);\n\n"
            "CREATE TABLE \"public\".\"b\" (\n  \"id\" integer\n);\n\n"
            "CREATE UNIQUE INDEX \"b_id\" ON \"public\".\"b\" (\"id\" DESC) WHERE (id > 0);\n\n"
            "ALTER TABLE \"public\".\"a\" ADD CONSTRAINT \"a_b\" FOREIGN KEY (\"b_id\") REFERENCES \"public\".\"b\""
            " (\"id\") DEFERRABLE INITIALLY DEFERRED;\n");
}

TEST(RenderPostgres, SchemasEnumsSequencesFirst) {
  Schema s;
  s.schemas = {"app"};
  s.enums.push_back({.schema = "app", .name = "mood", .values = {"it's", "ok"}});
  s.sequences.push_back({.schema = "app", .name = "n", .type = "integer", .start = 10, .increment = 2});
  EXPECT_EQ(RenderPostgres(s),
            "CREATE SCHEMA \"app\";\n\n"
            "CREATE TYPE \"app\".\"mood\" AS ENUM ('it''s', 'ok');\n\n"
            "CREATE SEQUENCE \"app\".\"n\" AS integer START WITH 10 INCREMENT BY 2;\n");
}

}  // namespace
}  // namespace strata::schema
