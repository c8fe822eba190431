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

TEST(RenderPostgres, ExtensionsAndDomainsBeforeTables) {
  Schema s;
  s.schemas = {"app"};
  s.extensions.push_back({.name = "btree_gist", .schema = "app"});
  s.domains.push_back({.schema = "public", .name = "a_small", .type = "posint",
                       .checks = {{.name = "lt10", .expr = "(VALUE < 10)"}}});
  s.domains.push_back({.schema = "public", .name = "posint", .type = "integer", .not_null = true,
                       .default_expr = "1", .checks = {{.name = "pos", .expr = "(VALUE > 0)"},
                                                       {.name = "late", .expr = "(VALUE < 99)", .not_valid = true}}});
  s.tables.push_back({.schema = "public", .name = "t", .columns = {{.name = "n", .type = "a_small"}},
                      .exclusions = {{.name = "t_excl", .definition = "EXCLUDE USING gist (n WITH =)"}}});
  EXPECT_EQ(RenderPostgres(s),
            "CREATE SCHEMA \"app\";\n\n"
            "CREATE EXTENSION \"btree_gist\" WITH SCHEMA \"app\";\n\n"
            "CREATE DOMAIN \"public\".\"posint\" AS integer DEFAULT 1 NOT NULL CONSTRAINT \"pos\" CHECK ((VALUE > 0));\n\n"
            "ALTER DOMAIN \"public\".\"posint\" ADD CONSTRAINT \"late\" CHECK ((VALUE < 99)) NOT VALID;\n\n"
            "CREATE DOMAIN \"public\".\"a_small\" AS posint CONSTRAINT \"lt10\" CHECK ((VALUE < 10));\n\n"
            "CREATE TABLE \"public\".\"t\" (\n  \"n\" a_small,\n"
            "  CONSTRAINT \"t_excl\" EXCLUDE USING gist (n WITH =)\n);\n");
}

TEST(RenderPostgres, PartitionsFollowTheirParent) {
  Schema s;
  s.tables.push_back({.schema = "public", .name = "a_sub", .partition_of_schema = "public", .partition_of = "m_mid",
                      .partition_bound = "DEFAULT"});
  s.tables.push_back({.schema = "public", .name = "m_mid",
                      .columns = {{.name = "v", .type = "text", .not_null = true, .default_expr = "'x'::text"}},
                      .partition_by = "RANGE (id)", .partition_of_schema = "public", .partition_of = "z_top",
                      .partition_bound = "FOR VALUES IN ('a')"});
  s.tables.push_back({.schema = "public", .name = "z_top",
                      .columns = {{.name = "id", .type = "integer"}, {.name = "v", .type = "text"}},
                      .partition_by = "LIST (v)"});
  EXPECT_EQ(RenderPostgres(s),
            "CREATE TABLE \"public\".\"z_top\" (\n  \"id\" integer,\n  \"v\" text\n) PARTITION BY LIST (v);\n\n"
            "CREATE TABLE \"public\".\"m_mid\" PARTITION OF \"public\".\"z_top\" (\n"
            "  \"v\" WITH OPTIONS NOT NULL DEFAULT 'x'::text\n"
            ") FOR VALUES IN ('a') PARTITION BY RANGE (id);\n\n"
            "CREATE TABLE \"public\".\"a_sub\" PARTITION OF \"public\".\"m_mid\" DEFAULT;\n");
}

// Routines go after views unless something earlier calls them; callees
// before callers; then triggers; comments last.
TEST(RenderPostgres, RoutinesAsLateAsTheirCallersAllow) {
  Schema s;
  auto fn = [](std::string name, std::string body) {
    return Routine{.schema = "public", .name = name, .definition = "CREATE FUNCTION " + name + "() AS " + body};
  };
  s.routines = {fn("a_helper", "x"), fn("b_check", "a_helper()"), fn("c_fmt", "y"), fn("d_late", "z"),
                fn("Odd Name", "w")};
  s.tables.push_back({.schema = "public", .name = "t",
                      .columns = {{.name = "n", .type = "integer", .default_expr = "\"Odd Name\"()"}},
                      .checks = {{.name = "ok", .expr = "public.b_check(n)"}}});
  s.views.push_back({.schema = "public", .name = "v", .sql = "CREATE VIEW v AS SELECT c_fmt(n) FROM t"});
  s.triggers.push_back({.schema = "public", .name = "trg", .table = "t", .sql = "CREATE TRIGGER trg ... d_late()"});
  s.comments.push_back({.object = "TABLE \"public\".\"t\"", .text = "it's"});
  EXPECT_EQ(RenderPostgres(s),
            "CREATE FUNCTION Odd Name() AS w;\n\n"
            "CREATE FUNCTION a_helper() AS x;\n\n"
            "CREATE FUNCTION b_check() AS a_helper();\n\n"
            "CREATE TABLE \"public\".\"t\" (\n  \"n\" integer DEFAULT \"Odd Name\"(),\n"
            "  CONSTRAINT \"ok\" CHECK (public.b_check(n))\n);\n\n"
            "CREATE FUNCTION c_fmt() AS y;\n\n"
            "CREATE VIEW v AS SELECT c_fmt(n) FROM t;\n\n"
            "CREATE FUNCTION d_late() AS z;\n\n"
            "CREATE TRIGGER trg ... d_late();\n\n"
            "COMMENT ON TABLE \"public\".\"t\" IS 'it''s';\n");
}

}  // namespace
}  // namespace strata::schema
