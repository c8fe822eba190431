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

// A routine as pg_get_functiondef prints one: `body` is "AS $function$...$function$"
// (a string body) or "BEGIN ATOMIC ... END".
Routine Fn(std::string name, std::string body, std::vector<std::string> depends_on = {}) {
  return Routine{.schema = "public", .name = name, .definition = "CREATE OR REPLACE FUNCTION public." + name +
                 "()\n RETURNS integer\n LANGUAGE sql\n" + body, .depends_on = std::move(depends_on)};
}

// Routines go after views unless something earlier calls them (Table::calls
// and the like, from pg_depend), then just before the first object that
// does; callees before callers; then triggers; comments last.
TEST(RenderPostgres, RoutinesAsLateAsTheirCallersAllow) {
  Schema s;
  s.routines = {Fn("a_helper", "AS $function$SELECT 1$function$"),
                Fn("b_check", "AS $function$SELECT a_helper()$function$"),  // a string body: found in the text
                Fn("c_fmt", "AS $function$SELECT 2$function$"), Fn("d_late", "AS $function$SELECT 3$function$"),
                Fn("Odd Name", "BEGIN ATOMIC\n SELECT 4;\nEND")};
  s.tables.push_back({.schema = "public", .name = "t",
                      .columns = {{.name = "n", .type = "integer", .default_expr = "\"Odd Name\"()"}},
                      .checks = {{.name = "ok", .expr = "public.b_check(n)"}},
                      .calls = {"public.Odd Name()", "public.b_check()"}});
  s.views.push_back({.schema = "public", .name = "v", .sql = "CREATE VIEW v AS SELECT c_fmt(n) FROM t",
                     .calls = {"public.c_fmt()"}});
  s.triggers.push_back({.schema = "public", .name = "trg", .table = "t", .sql = "CREATE TRIGGER trg ... d_late()"});
  s.comments.push_back({.object = "TABLE \"public\".\"t\"", .text = "it's"});
  std::string text = RenderPostgres(s);
  auto at = [&](const std::string& what) { return text.find(what); };
  EXPECT_LT(at("FUNCTION public.Odd Name()"), at("CREATE TABLE"));
  EXPECT_LT(at("FUNCTION public.a_helper()"), at("FUNCTION public.b_check()"));
  EXPECT_LT(at("FUNCTION public.b_check()"), at("CREATE TABLE"));
  EXPECT_LT(at("CREATE TABLE"), at("FUNCTION public.c_fmt()"));
  EXPECT_LT(at("FUNCTION public.c_fmt()"), at("CREATE VIEW"));
  EXPECT_LT(at("CREATE VIEW"), at("FUNCTION public.d_late()"));
  EXPECT_LT(at("FUNCTION public.d_late()"), at("CREATE TRIGGER"));
  EXPECT_LT(at("CREATE TRIGGER"), at("COMMENT ON"));
}

// A routine that reads a table (BEGIN ATOMIC: Routine::depends_on) and is
// called by another table's check goes between the two.
TEST(RenderPostgres, RoutineBetweenTheTableItReadsAndTheTableThatCallsIt) {
  Schema s;
  s.routines = {Fn("cap", "BEGIN ATOMIC\n SELECT max(n) FROM z_limits;\nEND", {"public.z_limits"})};
  s.tables.push_back({.schema = "public", .name = "a_items", .columns = {{.name = "n", .type = "integer"}},
                      .checks = {{.name = "under_cap", .expr = "(n <= cap())"}}, .calls = {"public.cap()"}});
  s.tables.push_back({.schema = "public", .name = "z_limits", .columns = {{.name = "n", .type = "integer"}}});
  std::string text = RenderPostgres(s);
  EXPECT_LT(text.find("\"z_limits\" ("), text.find("FUNCTION public.cap()"));
  EXPECT_LT(text.find("FUNCTION public.cap()"), text.find("\"a_items\" ("));
  EXPECT_NE(text.find("CONSTRAINT \"under_cap\" CHECK ((n <= cap()))"), std::string::npos);
}

// A string SQL body says nothing in pg_depend: the tables it names are
// found in its text. When the table that calls it is one of them, the check
// and default that call it are added after it by ALTER TABLE.
TEST(RenderPostgres, CyclicCallsMoveToAlterTable) {
  Schema s;
  s.routines = {Fn("next_n", "AS $function$SELECT coalesce(max(n), 0) + 1 FROM \"Items\"$function$"),
                Fn("ok", "AS $function$SELECT 'items' <> ''$function$")};  // a literal names nothing
  s.tables.push_back({.schema = "public", .name = "Items",
                      .columns = {{.name = "n", .type = "integer", .default_expr = "next_n()"}},
                      .checks = {{.name = "pos", .expr = "(n > 0)"},
                                 {.name = "small", .expr = "(n < next_n() + 10)"},
                                 {.name = "valid", .expr = "ok()"}},
                      .calls = {"public.next_n()", "public.ok()"}});
  EXPECT_EQ(RenderPostgres(s),
            "CREATE OR REPLACE FUNCTION public.ok()\n RETURNS integer\n LANGUAGE sql\nAS $function$SELECT 'items' <>"
            " ''$function$;\n\n"
            "CREATE TABLE \"public\".\"Items\" (\n  \"n\" integer,\n  CONSTRAINT \"pos\" CHECK ((n > 0)),\n"
            "  CONSTRAINT \"valid\" CHECK (ok())\n);\n\n"
            "CREATE OR REPLACE FUNCTION public.next_n()\n RETURNS integer\n LANGUAGE sql\nAS $function$SELECT"
            " coalesce(max(n), 0) + 1 FROM \"Items\"$function$;\n\n"
            "ALTER TABLE \"public\".\"Items\" ADD CONSTRAINT \"small\" CHECK ((n < next_n() + 10));\n\n"
            "ALTER TABLE \"public\".\"Items\" ALTER COLUMN \"n\" SET DEFAULT next_n();\n");
}

// One check calling two routines of a cycle, and a NOT VALID one: all of
// them after both routines, the table before.
TEST(RenderPostgres, CyclicCallsOfSeveralRoutines) {
  Schema s;
  s.routines = {Fn("lo", "AS $function$SELECT min(n) FROM t$function$"),
                Fn("hi", "BEGIN ATOMIC\n SELECT max(n) FROM t;\nEND", {"public.t"})};
  s.tables.push_back({.schema = "public", .name = "t", .columns = {{.name = "n", .type = "integer"}},
                      .checks = {{.name = "in_range", .expr = "(n BETWEEN lo() AND hi())"},
                                 {.name = "late", .expr = "(n < hi())", .not_valid = true}},
                      .calls = {"public.hi()", "public.lo()"}});
  std::string text = RenderPostgres(s);
  EXPECT_EQ(text.find("CREATE TABLE"), 0u);
  EXPECT_LT(text.find("FUNCTION public.hi()"), text.find("ADD CONSTRAINT \"in_range\""));
  EXPECT_LT(text.find("FUNCTION public.lo()"), text.find("ADD CONSTRAINT \"in_range\""));
  EXPECT_LT(text.find("ADD CONSTRAINT \"in_range\""), text.find("ADD CONSTRAINT \"late\" CHECK ((n < hi())) NOT VALID"));
}

// A routine over a table's row type comes after that table, even when a
// domain needs it (the table then goes first).
TEST(RenderPostgres, RowTypeArgumentsComeFirst) {
  Schema s;
  s.routines = {Fn("norm", "AS $function$SELECT 1$function$", {"public.z_point"})};
  s.domains.push_back({.schema = "public", .name = "normed", .type = "z_point",
                       .checks = {{.name = "c", .expr = "(norm(VALUE) > 0)"}}, .calls = {"public.norm()"}});
  s.tables.push_back({.schema = "public", .name = "z_point", .columns = {{.name = "x", .type = "integer"}}});
  std::string text = RenderPostgres(s);
  EXPECT_LT(text.find("\"z_point\" ("), text.find("FUNCTION public.norm()"));
  EXPECT_LT(text.find("FUNCTION public.norm()"), text.find("CREATE DOMAIN"));
}

}  // namespace
}  // namespace strata::schema
