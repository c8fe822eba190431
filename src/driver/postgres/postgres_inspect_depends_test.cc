// InspectPostgres and RenderPostgres on schemas whose objects must be created
// in an order that the groups alone do not give: routines that read tables
// and are called by other tables, routines over a table's row type, and
// cycles between a table and the routine its check calls. The same round
// trip as postgres_inspect_test.cc (load, inspect, render, reload, inspect:
// equal models and text), then the dependency fields pg_depend filled.
#include <gtest/gtest.h>

#include "driver/open.h"
#include "driver/postgres/postgres_inspect.h"
#include "schema/render_postgres.h"
#include "testing/schema_corpus.h"
#include "testing/test_support.h"

namespace strata::driver {
namespace {

using schema::Schema;
using Strings = std::vector<std::string>;

Result<Schema> LoadAndInspect(const std::string& sql) {
  strata::testing::ScopedPgDatabase db;
  if (!db.ok()) return Status::Internal("no test PostgreSQL server");
  auto conn = Open(db.url(), {});
  if (!conn.ok()) return conn.status();
  Status s = (*conn)->ExecScript(sql);
  if (!s.ok()) return s;
  return (*conn)->InspectSchema(strata::testing::TrackingTables());
}

const schema::Table& T(const Schema& s, size_t i) { return strata::testing::TableAt(s, i); }
using Case = strata::testing::SchemaCase;

// Table names start with a_ for the caller and z_ for what it needs, so that
// name order alone would get them wrong.
const Case kCases[] = {
    {"atomic_body_reads_table_called_by_check",
     "CREATE TABLE z_limits (n int);"
     "CREATE FUNCTION cap() RETURNS int LANGUAGE sql STABLE BEGIN ATOMIC SELECT max(n) FROM z_limits; END;"
     "CREATE TABLE a_items (n int CHECK (n <= cap()), m int DEFAULT cap())",
     [](const Schema& s) {
       ASSERT_EQ(s.routines.size(), 1u);
       EXPECT_EQ(s.routines[0].depends_on, Strings{"public.z_limits"});
       EXPECT_EQ(T(s, 0).name, "a_items");
       EXPECT_EQ(T(s, 0).calls, Strings{"public.cap()"});
       EXPECT_TRUE(T(s, 1).calls.empty());
     }},
    {"string_body_reads_table_called_by_default",
     "CREATE TABLE z_source (n int);"
     "CREATE FUNCTION next_n(step int) RETURNS int LANGUAGE sql AS 'SELECT coalesce(max(n), 0) + step FROM z_source';"
     "CREATE TABLE a_orders (n int DEFAULT next_n(1) CHECK (n < next_n(100)))",
     [](const Schema& s) {
       ASSERT_EQ(s.routines.size(), 1u);
       EXPECT_TRUE(s.routines[0].depends_on.empty());  // PostgreSQL records nothing of a string body
       EXPECT_EQ(T(s, 0).calls, Strings{"public.next_n(step integer)"});
     }},
    {"view_read_by_routine_called_by_check",
     "CREATE TABLE z_orders (amount int); CREATE VIEW z_totals AS SELECT sum(amount) AS total FROM z_orders;"
     "CREATE FUNCTION budget_left() RETURNS bigint LANGUAGE sql AS 'SELECT 1000 - total FROM z_totals';"
     "CREATE TABLE a_budget (n int CHECK (n <= budget_left()))",
     [](const Schema& s) { EXPECT_EQ(T(s, 0).calls, Strings{"public.budget_left()"}); }},
    {"row_type_arguments_and_results",
     "CREATE TABLE z_point (x int, y int);"
     "CREATE FUNCTION norm(p z_point) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT abs($1.x) + abs($1.y)';"
     "CREATE FUNCTION origin() RETURNS z_point LANGUAGE sql IMMUTABLE AS 'SELECT 0, 0';"
     "CREATE TABLE a_shapes (p z_point CHECK (norm(p) >= 0), q z_point DEFAULT origin());"
     "CREATE DOMAIN a_small AS int CHECK (VALUE < norm(ROW(1, 2)::z_point))",
     [](const Schema& s) {
       ASSERT_EQ(s.routines.size(), 2u);
       EXPECT_EQ(s.routines[0].depends_on, Strings{"public.z_point"});
       EXPECT_EQ(s.routines[1].depends_on, Strings{"public.z_point"});
       EXPECT_EQ(T(s, 0).calls, (Strings{"public.norm(p z_point)", "public.origin()"}));
       ASSERT_EQ(s.domains.size(), 1u);
       EXPECT_EQ(s.domains[0].calls, Strings{"public.norm(p z_point)"});
     }},
    // Genuine cycles: the table's check calls a routine that needs the table.
    // The table is created without that check, which ALTER TABLE adds after
    // the routine.
    {"cycle_through_row_type",
     "CREATE TABLE vec (x int, y int);"
     "CREATE FUNCTION norm(v vec) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT abs($1.x) + abs($1.y)';"
     "ALTER TABLE vec ADD CONSTRAINT sane CHECK (norm(vec.*) < 1000)",
     [](const Schema& s) { EXPECT_EQ(T(s, 0).calls, Strings{"public.norm(v vec)"}); }},
    {"cycle_through_atomic_body",
     "CREATE TABLE counters (n int);"
     "CREATE FUNCTION counters_total() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT sum(n) FROM counters; END;"
     "ALTER TABLE counters ADD CONSTRAINT capped CHECK (counters_total() < 1000),"
     " ALTER COLUMN n SET DEFAULT counters_total() + 1",
     [](const Schema& s) {
       EXPECT_EQ(s.routines[0].depends_on, Strings{"public.counters"});
       EXPECT_EQ(T(s, 0).calls, Strings{"public.counters_total()"});
     }},
    {"cycle_through_string_body",
     "CREATE TABLE tickets (n int);"
     "CREATE FUNCTION next_ticket() RETURNS int LANGUAGE sql AS 'SELECT coalesce(max(n), 0) + 1 FROM tickets';"
     "ALTER TABLE tickets ALTER COLUMN n SET DEFAULT next_ticket()",
     [](const Schema& s) { EXPECT_EQ(T(s, 0).calls, Strings{"public.next_ticket()"}); }},
    {"calls_from_indexes_views_and_partition_keys",
     "CREATE FUNCTION bucket(n int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT n / 10';"
     "CREATE FUNCTION a_label(n int) RETURNS text LANGUAGE sql IMMUTABLE BEGIN ATOMIC SELECT 'n' || bucket(n); END;"
     "CREATE TABLE m (n int) PARTITION BY RANGE (bucket(n));"
     "CREATE TABLE m_low PARTITION OF m FOR VALUES FROM (0) TO (10);"
     "CREATE TABLE t (n int); CREATE INDEX t_label ON t (a_label(n)); CREATE VIEW v AS SELECT a_label(n) FROM t",
     [](const Schema& s) {
       ASSERT_EQ(s.routines.size(), 2u);
       EXPECT_EQ(s.routines[0].depends_on, Strings{"public.bucket(n integer)"});
       EXPECT_EQ(T(s, 0).calls, Strings{"public.bucket(n integer)"});
       ASSERT_EQ(s.indexes.size(), 1u);
       EXPECT_EQ(s.indexes[0].calls, Strings{"public.a_label(n integer)"});
       ASSERT_EQ(s.views.size(), 1u);
       EXPECT_EQ(s.views[0].calls, Strings{"public.a_label(n integer)"});
     }},
};

class PgInspectDependsCorpus : public ::testing::TestWithParam<Case> {};

TEST_P(PgInspectDependsCorpus, RoundTrip) {
  strata::testing::ExpectRoundTrip(GetParam(), LoadAndInspect, schema::RenderPostgres);
}

INSTANTIATE_TEST_SUITE_P(Postgres, PgInspectDependsCorpus, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

// The cycle's text: the check moves after the routine.
TEST(PgInspectDepends, CyclicCheckIsAddedAfterTheRoutine) {
  auto s = LoadAndInspect(
      "CREATE TABLE counters (n int CONSTRAINT pos CHECK (n > 0));"
      "CREATE FUNCTION counters_total() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT sum(n) FROM counters; END;"
      "ALTER TABLE counters ADD CONSTRAINT capped CHECK (counters_total() < 1000)");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(schema::RenderPostgres(*s),
            "CREATE TABLE \"public\".\"counters\" (\n"
            "  \"n\" integer,\n"
            "  CONSTRAINT \"pos\" CHECK ((n > 0))\n"
            ");\n"
            "\n"
            "CREATE OR REPLACE FUNCTION public.counters_total()\n"
            " RETURNS bigint\n"
            " LANGUAGE sql\n"
            "BEGIN ATOMIC\n"
            " SELECT sum(counters.n) AS sum\n"
            "    FROM counters;\n"
            "END;\n"
            "\n"
            "ALTER TABLE \"public\".\"counters\" ADD CONSTRAINT \"capped\" CHECK ((counters_total() < 1000));\n");
}

}  // namespace
}  // namespace strata::driver
